/* batch.c - an agent's batch: writing it (the agent), reading and applying
 * it (the server, `import --spool`). Signatures are checked by the callers
 * against the agent's certificate (net/pki.h); the register's bookkeeping of
 * batches is store/agents.h's. */
#include "scan/batch.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/internal.h"
#include "scan/jsonl.h"
#include "util/base64.h"
#include "util/str.h"
#include "util/timeutil.h"

struct sl_batch_hosts {
    struct sl_hostlist list;
};

static const char *line_end(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl != NULL ? nl : end;
}

static bool is_uuid(const char *s)
{
    if (strlen(s) != SL_BATCH_UUID_LEN)
        return false;
    for (int i = 0; i < SL_BATCH_UUID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : strchr("0123456789abcdef", s[i]) == NULL || s[i] == '\0')
            return false;
    }
    return true;
}

static int parse_header(const char *p, size_t n, struct sl_batch *b, struct sl_err *err)
{
    json_error_t je;
    json_t *h = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
    const char *uuid = NULL, *agent = NULL, *type = NULL;
    json_int_t v = 0, seq = -1, created = 0, records = -1;
    int rc = h == NULL || json_unpack_ex(h, &je, JSON_STRICT, "{s:I, s:s, s:s, s:s, s:I, s:I, s:I}",
                                         "v", &v, "type", &type, "batch", &uuid, "agent", &agent,
                                         "seq", &seq, "created_at", &created, "records",
                                         &records) != 0
                 ? sl_err_setk(err, SL_ERR_INVALID, "line 1: not a batch header (%s)", je.text)
             : v != 1 || strcmp(type, "batch") != 0
                 ? sl_err_setk(err, SL_ERR_INVALID, "line 1: not a version 1 batch header")
             : !is_uuid(uuid) ? sl_err_setk(err, SL_ERR_INVALID, "line 1: the batch id is not a UUID")
             : strlen(agent) != SL_PKI_UID_LEN || strspn(agent, "0123456789abcdef") != SL_PKI_UID_LEN
                 ? sl_err_setk(err, SL_ERR_INVALID, "line 1: the agent id is malformed")
             : seq < 0 || created < 0 || records < 0 || records > SL_BATCH_MAX_RECORDS
                 ? sl_err_setk(err, SL_ERR_INVALID, "line 1: seq, created_at or records out of range")
                 : 0;
    if (rc == 0) {
        sl_strlcpy(b->uuid, uuid, sizeof b->uuid);
        sl_strlcpy(b->agent, agent, sizeof b->agent);
        b->seq = seq;
        b->created_at = created;
        b->records = (size_t)records;
    }
    json_decref(h);
    return rc;
}

static int parse_signature(const char *p, size_t n, struct sl_batch *b, struct sl_err *err)
{
    json_error_t je;
    json_t *s = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
    const char *type = NULL, *alg = NULL, *sig = NULL;
    int rc = s == NULL || json_unpack_ex(s, &je, JSON_STRICT, "{s:s, s:s, s:s}", "type", &type,
                                         "alg", &alg, "sig", &sig) != 0 ||
                     strcmp(type, "signature") != 0
                 ? sl_err_setk(err, SL_ERR_INVALID, "the last line is not the batch's signature")
             : strcmp(alg, "ecdsa-p256-sha256") != 0
                 ? sl_err_setk(err, SL_ERR_INVALID, "signature algorithm '%.40s' is not ecdsa-p256-sha256", alg)
             : strlen(sig) >= sizeof b->sig ? sl_err_setk(err, SL_ERR_INVALID, "the signature is too long")
                                            : 0;
    if (rc == 0)
        sl_strlcpy(b->sig, sig, sizeof b->sig);
    json_decref(s);
    return rc;
}

/* A first record of type "verification": read into b->verify, and the body
 * starts after it. Any other first record is left for the records' reader. */
static int parse_verification(struct sl_batch *b, struct sl_err *err)
{
    const char *end = b->body + b->body_len, *e = line_end(b->body, end);
    if (b->body_len == 0 || (size_t)(e - b->body) > SL_BATCH_MAX_LINE)
        return 0;
    json_error_t je;
    json_t *j = json_loadb(b->body, (size_t)(e - b->body), JSON_REJECT_DUPLICATES, &je);
    const char *type = json_string_value(json_object_get(j, "type")), *site = NULL;
    if (type == NULL || strcmp(type, "verification") != 0) {
        json_decref(j);
        return 0;
    }
    json_int_t v = 0, req = 0, addresses = -1, answered = -1;
    int complete = 0;
    int rc = json_unpack_ex(j, &je, JSON_STRICT, "{s:I, s:s, s:I, s:s, s:b, s:I, s:I}", "v", &v,
                            "type", &type, "request", &req, "site", &site, "complete", &complete,
                            "addresses", &addresses, "answered", &answered) != 0 || v != 1
                 ? sl_err_setk(err, SL_ERR_INVALID, "line 2: not a version 1 verification record")
             : req < 1 || addresses < 0 || answered < 0 ||
                     strlen(site) >= sizeof b->verify.site || b->records < 1
                 ? sl_err_setk(err, SL_ERR_INVALID, "line 2: the verification record is out of range")
                 : 0;
    if (rc == 0) {
        b->verify.request = req;
        sl_strlcpy(b->verify.site, site, sizeof b->verify.site);
        b->verify.complete = complete != 0;
        b->verify.addresses = addresses;
        b->verify.answered = answered;
        b->body_len -= (size_t)(e - b->body) + (e < end);
        b->body = e + (e < end);
    }
    json_decref(j);
    return rc;
}

int sl_batch_parse(const char *data, size_t len, struct sl_batch *b, struct sl_err *err)
{
    memset(b, 0, sizeof *b);
    if (len > SL_BATCH_MAX_BYTES)
        return sl_err_setk(err, SL_ERR_INVALID, "the batch is larger than %zu bytes",
                           SL_BATCH_MAX_BYTES);
    if (len < 2 || data[len - 1] != '\n')
        return sl_err_setk(err, SL_ERR_INVALID, "the batch is empty or does not end with a line");
    const char *end = data + len - 1; /* the final newline */
    const char *first = line_end(data, end);
    if ((size_t)(first - data) > SL_BATCH_MAX_LINE || first == end)
        return sl_err_setk(err, SL_ERR_INVALID, "line 1: not a batch header");
    const char *last = end;
    while (last > first && last[-1] != '\n')
        last--;
    if (last <= first || (size_t)(end - last) > SL_BATCH_MAX_LINE)
        return sl_err_setk(err, SL_ERR_INVALID, "the batch has no signature line");
    if (parse_header(data, (size_t)(first - data), b, err) != 0 ||
        parse_signature(last, (size_t)(end - last), b, err) != 0)
        return -1;
    b->signed_len = (size_t)(last - data);
    b->body = first + 1;
    b->body_len = (size_t)(last - b->body);
    return parse_verification(b, err);
}

/* ---- records -------------------------------------------------------------------- */

static int str_field(json_t *j, const char *name, size_t max, const char **out)
{
    json_t *v = json_object_get(j, name);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v) || json_string_length(v) >= max ||
        strlen(json_string_value(v)) != json_string_length(v))
        return -1;
    *out = json_string_value(v);
    return 0;
}

/* One evidence record into host h. */
static int evidence_record(json_t *j, struct sl_host *h, const char **why)
{
    const char *proto = NULL, *outcome = NULL, *req, *path, *detail, *at = NULL, *data = NULL,
               *head = NULL;
    json_t *port = NULL;
    json_int_t bytes = -1;
    json_error_t je;
    enum sl_proto pr;
    enum sl_outcome oc;
    int64_t t;
    if (json_unpack_ex(j, &je, JSON_STRICT, "{s:i, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:I, s?s, s:s, s:s}",
                       "v", &(int){0}, "type", &(const char *){NULL}, "address", &(const char *){NULL},
                       "proto", &proto, "port", &port, "request", &(json_t *){NULL}, "path",
                       &(json_t *){NULL}, "outcome", &outcome, "detail", &(json_t *){NULL},
                       "bytes", &bytes, "head", &head, "observed_at", &at, "data", &data) != 0)
        return *why = "an evidence record needs exactly the fields of docs/agents.md", -1;
    if (sl_proto_from_name(proto, &pr) != 0 || sl_outcome_from_name(outcome, &oc) != 0)
        return *why = "unknown proto or outcome", -1;
    if (!json_is_null(port) &&
        (!json_is_integer(port) || json_integer_value(port) < 1 || json_integer_value(port) > 65535))
        return *why = "port is not null or 1 to 65535", -1;
    if (str_field(j, "request", 64, &req) != 0 || str_field(j, "path", 160, &path) != 0 ||
        str_field(j, "detail", 200, &detail) != 0)
        return *why = "request, path or detail is too long or not text", -1;
    if (sl_time_parse(at, &t) != 0)
        return *why = "observed_at is not a time", -1;
    size_t dl = strlen(data);
    if (dl > 4 * ((SL_SCAN_MAX_RAW + 2) / 3) + 4 || bytes < 0 || bytes > (json_int_t)SL_SCAN_MAX_RAW)
        return *why = "the evidence is larger than an answer may be", -1;
    uint8_t *raw = malloc(3 * (dl / 4) + 3);
    long n = raw != NULL ? sl_base64_decode(data, dl, raw) : -1;
    if (n != bytes) {
        free(raw);
        return *why = "data is not base64 of 'bytes' bytes", -1;
    }
    struct sl_ev_item *before = h->ev_tail;
    sl_host_add_evidence(h, pr, oc, json_is_null(port) ? 0 : (uint16_t)json_integer_value(port),
                         req, path, raw, (size_t)n, detail);
    free(raw);
    if (h->ev_tail == before)
        return *why = "too much evidence for one host", -1;
    h->ev_tail->ev.observed_at = t;
    return 0;
}

static int device_record(json_t *j, struct sl_host *h, const char **why)
{
    json_t *ports = NULL;
    json_error_t je;
    if (json_unpack_ex(j, &je, JSON_STRICT, "{s:i, s:s, s:s, s:o}", "v", &(int){0}, "type",
                       &(const char *){NULL}, "address", &(const char *){NULL}, "ports", &ports) != 0 ||
        !json_is_array(ports) || json_array_size(ports) > 32)
        return *why = "a device record needs exactly v, type, address and ports (at most 32)", -1;
    size_t i;
    json_t *p;
    json_array_foreach(ports, i, p) {
        if (!json_is_integer(p) || json_integer_value(p) < 1 || json_integer_value(p) > 65535)
            return *why = "a port is not 1 to 65535", -1;
        sl_host_port(h, (uint16_t)json_integer_value(p));
    }
    if (h->ev_head == NULL)
        return *why = "a device record without evidence before it", -1;
    return 0;
}

/* One line: evidence for the open host (a new one when the address changes
 * after a device line), or the device line that closes it. */
static int record_line(struct sl_batch_hosts *hs, json_t *j, struct sl_host **open,
                       const char **why, struct sl_err *err)
{
    json_t *v = json_object_get(j, "v"), *t = json_object_get(j, "type"),
           *a = json_object_get(j, "address");
    if (!json_is_integer(v) || json_integer_value(v) != 1 || !json_is_string(t) ||
        !json_is_string(a))
        return *why = "not a version 1 record with a type and an address", -1;
    const char *type = json_string_value(t), *addr = json_string_value(a);
    if (*open != NULL && strcmp((*open)->addr_s, addr) != 0) {
        struct sl_addr x;
        if (sl_addr_parse(addr, &x) != 0 || memcmp(x.b, (*open)->addr.b, 16) != 0)
            return *why = "a host's records are interrupted by another address's", -1;
    }
    if (*open == NULL) {
        if ((*open = sl_hostlist_add(&hs->list, addr, err)) == NULL)
            return *why = err->msg, -1;
    }
    if (strcmp(type, "evidence") == 0)
        return evidence_record(j, *open, why);
    if (strcmp(type, "device") != 0)
        return *why = "a record type other than evidence and device", -1;
    int rc = device_record(j, *open, why);
    *open = NULL;
    return rc;
}

static int cmp_host(const void *x, const void *y)
{
    const struct sl_host *a = *(struct sl_host *const *)x, *b = *(struct sl_host *const *)y;
    return memcmp(a->addr.b, b->addr.b, 16);
}

/* No address twice in a batch (checked on a sorted copy of the list). */
static int unique_hosts(const struct sl_batch_hosts *hs, struct sl_err *err)
{
    size_t n = hs->list.n;
    if (n < 2) /* (and qsort is never handed the NULL of an empty list) */
        return 0;
    struct sl_host **copy = malloc(n * sizeof *copy);
    if (copy == NULL)
        return sl_err_set(err, "out of memory");
    memcpy(copy, hs->list.h, n * sizeof *copy);
    qsort(copy, n, sizeof *copy, cmp_host);
    int rc = 0;
    for (size_t i = 1; i < n && rc == 0; i++)
        if (cmp_host(&copy[i - 1], &copy[i]) == 0)
            rc = sl_err_setk(err, SL_ERR_INVALID, "address %s has two device records",
                             copy[i]->addr_s);
    free(copy);
    return rc;
}

static int read_records(const struct sl_batch *b, struct sl_batch_hosts *hs, struct sl_err *err)
{
    const char *p = b->body, *end = b->body + b->body_len;
    size_t first = sl_batch_is_verification(b) ? 1 : 0; /* the verification record */
    size_t line = 1 + first, records = first;
    struct sl_host *open = NULL;
    while (p < end) {
        const char *e = line_end(p, end);
        line++;
        const char *why = NULL;
        json_error_t je;
        json_t *j = (size_t)(e - p) <= SL_BATCH_MAX_LINE
                        ? json_loadb(p, (size_t)(e - p), JSON_REJECT_DUPLICATES, &je)
                        : NULL;
        int rc = j == NULL                   ? (why = "not one JSON object (or too long)", -1)
                 : !json_is_object(j)         ? (why = "not a JSON object", -1)
                 : records >= b->records      ? (why = "more records than the header says", -1)
                                              : record_line(hs, j, &open, &why, err);
        json_decref(j);
        if (rc != 0)
            return sl_err_setk(err, SL_ERR_INVALID, "line %zu: %s", line, why);
        records++;
        p = e + 1;
    }
    if (records != b->records)
        return sl_err_setk(err, SL_ERR_INVALID, "the header says %zu records, the batch has %zu",
                           b->records, records);
    if (open != NULL)
        return sl_err_setk(err, SL_ERR_INVALID, "the evidence of %s has no device record",
                           open->addr_s);
    return unique_hosts(hs, err);
}

int sl_batch_hosts_read(const struct sl_batch *b, struct sl_batch_hosts **out,
                        struct sl_err *err)
{
    struct sl_batch_hosts *hs = calloc(1, sizeof *hs);
    if (hs == NULL)
        return sl_err_set(err, "out of memory");
    if (read_records(b, hs, err) != 0) {
        sl_batch_hosts_free(hs);
        return -1;
    }
    *out = hs;
    return 0;
}

size_t sl_batch_hosts_count(const struct sl_batch_hosts *hs)
{
    return hs->list.n;
}

const char *sl_batch_hosts_address(const struct sl_batch_hosts *hs, size_t i)
{
    return hs->list.h[i]->addr_s;
}

int sl_batch_hosts_identify(struct sl_batch_hosts *hs, const struct sl_scan_opts *opts,
                            const struct sl_scan_callbacks *cb, struct sl_scan_summary *sum,
                            struct sl_err *err)
{
    struct sl_scan_opts o = *opts;
    o.store = NULL;
    memset(sum, 0, sizeof *sum);
    return sl_hostlist_record(&hs->list, &o, "verify", cb, sum, err);
}

int sl_batch_hosts_record(struct sl_batch_hosts *hs, const struct sl_scan_opts *opts,
                          struct sl_scan_summary *sum, struct sl_err *err)
{
    memset(sum, 0, sizeof *sum);
    return sl_hostlist_record(&hs->list, opts, "agent", NULL, sum, err);
}

void sl_batch_hosts_free(struct sl_batch_hosts *hs)
{
    if (hs == NULL)
        return;
    sl_hostlist_free(&hs->list);
    free(hs);
}

/* ---- writing -------------------------------------------------------------------- */

static int append_json(struct sl_buf *b, json_t *j)
{
    char *text = j != NULL ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    int rc = text != NULL && sl_buf_append_str(b, text) == 0 && sl_buf_append(b, "\n", 1) == 0
                 ? 0
                 : -1;
    free(text);
    return rc;
}

int sl_batch_write_header(struct sl_buf *b, const char *uuid, const char *agent, int64_t seq,
                          int64_t created_at, size_t records)
{
    return append_json(b, json_pack("{s:i, s:s, s:s, s:s, s:I, s:I, s:I}", "v", 1, "type", "batch",
                                    "batch", uuid, "agent", agent, "seq", (json_int_t)seq,
                                    "created_at", (json_int_t)created_at, "records",
                                    (json_int_t)records));
}

int sl_batch_write_verification(struct sl_buf *b, const struct sl_batch_verify *v)
{
    return append_json(b, json_pack("{s:i, s:s, s:I, s:s, s:b, s:I, s:I}", "v", 1, "type",
                                    "verification", "request", (json_int_t)v->request, "site",
                                    v->site, "complete", v->complete, "addresses",
                                    (json_int_t)v->addresses, "answered",
                                    (json_int_t)v->answered));
}

int sl_batch_write_device(struct sl_buf *b, const struct sl_scan_device *d, size_t *records)
{
    for (size_t i = 0; i < d->n_evidence; i++) {
        const struct sl_evidence *ev = d->evidence[i];
        json_t *j = sl_scan_evidence_json(d->address, ev);
        char *data = malloc(4 * ((ev->len + 2) / 3) + 1);
        if (j == NULL || data == NULL) {
            json_decref(j);
            free(data);
            return -1;
        }
        EVP_EncodeBlock((unsigned char *)data, ev->data, (int)ev->len);
        json_object_set_new(j, "data", json_string(data));
        json_object_set_new(j, "v", json_integer(1));
        json_object_set_new(j, "type", json_string("evidence"));
        free(data);
        if (append_json(b, j) != 0)
            return -1;
        (*records)++;
    }
    json_t *ports = sl_ports_to_json(d->ports);
    (*records)++;
    return append_json(b, json_pack("{s:i, s:s, s:s, s:o}", "v", 1, "type", "device", "address",
                                    d->address, "ports", ports));
}

int sl_batch_sign(struct sl_buf *b, const char *key_pem, struct sl_err *err)
{
    char sig[SL_PKI_SIG_MAX];
    if (sl_pki_sign(key_pem, b->data, b->len, sig, err) != 0)
        return -1;
    if (append_json(b, json_pack("{s:s, s:s, s:s}", "type", "signature", "alg",
                                 "ecdsa-p256-sha256", "sig", sig)) != 0)
        return sl_err_set(err, "the batch is too large");
    return 0;
}

int sl_batch_uuid(char *out)
{
    char hex[33];
    if (sl_pki_random_hex(hex, 16) != 0)
        return -1;
    hex[12] = '4';
    hex[16] = "89ab"[strtol((char[]){hex[16], '\0'}, NULL, 16) & 3];
    snprintf(out, SL_BATCH_UUID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
             hex + 16, hex + 20);
    return 0;
}
