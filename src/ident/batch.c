#include "ident/batch.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "util/buf.h"
#include "util/str.h"

struct record {
    size_t group;
    struct sl_evidence ev;
    uint8_t *data;
    char *path;
};

struct group {
    char *key;
    size_t first, count;
};

struct run {
    struct record *rec;
    size_t n_rec, cap_rec;
    struct group *grp;
    size_t n_grp, cap_grp;
    size_t *slots; /* hash of device key -> group index + 1 */
    size_t n_slots;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

static int grow_slots(struct run *r)
{
    size_t n = r->n_slots ? r->n_slots * 2 : 1024;
    size_t *s = calloc(n, sizeof *s);
    if (s == NULL)
        return -1;
    for (size_t g = 0; g < r->n_grp; g++) {
        size_t i = hash(r->grp[g].key) & (n - 1);
        while (s[i] != 0)
            i = (i + 1) & (n - 1);
        s[i] = g + 1;
    }
    free(r->slots);
    r->slots = s;
    r->n_slots = n;
    return 0;
}

static long group_of(struct run *r, const char *key)
{
    if (r->n_slots == 0 || (r->n_grp + 1) * 2 > r->n_slots)
        if (grow_slots(r) != 0)
            return -1;
    size_t i = hash(key) & (r->n_slots - 1);
    while (r->slots[i] != 0) {
        if (strcmp(r->grp[r->slots[i] - 1].key, key) == 0)
            return (long)(r->slots[i] - 1);
        i = (i + 1) & (r->n_slots - 1);
    }
    if (r->n_grp == r->cap_grp) {
        size_t cap = r->cap_grp ? r->cap_grp * 2 : 256;
        struct group *g = realloc(r->grp, cap * sizeof *g);
        if (g == NULL)
            return -1;
        r->grp = g;
        r->cap_grp = cap;
    }
    struct group *g = &r->grp[r->n_grp];
    g->key = strdup(key);
    if (g->key == NULL)
        return -1;
    g->count = 0;
    r->slots[i] = r->n_grp + 1;
    return (long)r->n_grp++;
}

/* Reads one line into rec. Returns 0, 1 (blank line) or -1 with msg. */
static int parse_line(struct run *r, const char *line, size_t len, char *msg, size_t msgsz)
{
    json_error_t je;
    json_t *j = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL) {
        snprintf(msg, msgsz, "not JSON: %.100s", je.text);
        return -1;
    }
    int rc = -1;
    const json_t *dev = json_object_get(j, "device");
    const char *proto_s = json_string_value(json_object_get(j, "proto"));
    const json_t *port = json_object_get(j, "port");
    const char *path = json_string_value(json_object_get(j, "path"));
    const json_t *b64 = json_object_get(j, "data_b64");
    const json_t *text = json_object_get(j, "data");
    char key[SL_BATCH_MAX_KEY + 1];
    enum sl_proto proto;
    if (json_is_string(dev))
        sl_strlcpy(key, json_string_value(dev), sizeof key);
    else if (json_is_integer(dev))
        snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, json_integer_value(dev));
    else {
        snprintf(msg, msgsz, "needs \"device\" (a string or number)");
        goto out;
    }
    if (proto_s == NULL || sl_proto_from_name(proto_s, &proto) != 0) {
        snprintf(msg, msgsz, "needs \"proto\" (http, rtsp, wsd, onvif, ssdp, upnp, sadp, "
                             "dhdiscover, tcp, tls, mac, dhcp)");
        goto out;
    }
    if (port != NULL && (!json_is_integer(port) || json_integer_value(port) < 0 ||
                         json_integer_value(port) > 65535)) {
        snprintf(msg, msgsz, "\"port\" must be 0..65535");
        goto out;
    }
    if (r->n_rec == r->cap_rec) {
        size_t cap = r->cap_rec ? r->cap_rec * 2 : 1024;
        struct record *p = realloc(r->rec, cap * sizeof *p);
        if (p == NULL) {
            snprintf(msg, msgsz, "out of memory");
            goto out;
        }
        r->rec = p;
        r->cap_rec = cap;
    }
    struct record *rec = &r->rec[r->n_rec];
    memset(rec, 0, sizeof *rec);
    if (json_is_string(b64)) {
        size_t n = json_string_length(b64);
        rec->data = malloc(n / 4 * 3 + 4);
        long got = rec->data ? sl_base64_decode(json_string_value(b64), n, rec->data) : -1;
        if (got < 0) {
            free(rec->data);
            snprintf(msg, msgsz, "\"data_b64\" is not base64");
            goto out;
        }
        rec->ev.len = (size_t)got;
    } else if (json_is_string(text)) {
        size_t n = json_string_length(text);
        rec->data = malloc(n + 1);
        if (rec->data == NULL) {
            snprintf(msg, msgsz, "out of memory");
            goto out;
        }
        memcpy(rec->data, json_string_value(text), n + 1);
        rec->ev.len = n;
    } else if (b64 != NULL || text != NULL) {
        snprintf(msg, msgsz, "\"data\" and \"data_b64\" must be strings");
        goto out;
    }
    long g = group_of(r, key);
    if (g < 0) {
        free(rec->data);
        snprintf(msg, msgsz, "out of memory");
        goto out;
    }
    rec->group = (size_t)g;
    r->grp[g].count++;
    rec->path = path != NULL ? strdup(path) : NULL;
    rec->ev.proto = proto;
    rec->ev.port = port != NULL ? (uint16_t)json_integer_value(port) : 0;
    rec->ev.path = rec->path;
    rec->ev.data = rec->data;
    r->n_rec++;
    rc = 0;
out:
    json_decref(j);
    return rc;
}

/* Writes s as a JSON string (what jansson writes for valid UTF-8). */
static void put_str(struct sl_buf *o, const char *s)
{
    sl_buf_append(o, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        switch (*p) {
        case '"': sl_buf_append(o, "\\\"", 2); break;
        case '\\': sl_buf_append(o, "\\\\", 2); break;
        case '\n': sl_buf_append(o, "\\n", 2); break;
        case '\r': sl_buf_append(o, "\\r", 2); break;
        case '\t': sl_buf_append(o, "\\t", 2); break;
        case '\b': sl_buf_append(o, "\\b", 2); break;
        case '\f': sl_buf_append(o, "\\f", 2); break;
        default:
            if (*p < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", *p);
                sl_buf_append(o, esc, 6);
            } else {
                sl_buf_append(o, p, 1);
            }
        }
    }
    sl_buf_append(o, "\"", 1);
}

static void put_field(struct sl_buf *o, const char *key, const char *val, bool *first)
{
    if (!*first)
        sl_buf_append(o, ",", 1);
    *first = false;
    put_str(o, key);
    sl_buf_append(o, ":", 1);
    if (val == NULL || val[0] == '\0')
        sl_buf_append(o, "null", 4);
    else
        put_str(o, val);
}

/* One output line, {"claim": {...}, "device": KEY}: the same members and
 * values as sl_claim_to_json, keys sorted as `identify` prints them, written
 * directly because building and dumping a json_t per device costs as much as
 * identifying it. */
static void put_claim_line(struct sl_buf *o, const char *device, const struct sl_claim *c)
{
    bool first = true;
    sl_buf_append_str(o, "{\"claim\":{");
    put_field(o, "brand", c->brand, &first);
    char num[32];
    snprintf(num, sizeof num, "%.10g", c->confidence);
    if (strpbrk(num, ".eEn") == NULL) { /* jansson writes reals with a point: 0.0, 1.0 */
        size_t l = strlen(num);
        if (l + 3 <= sizeof num)
            memcpy(num + l, ".0", 3);
    }
    sl_buf_printf(o, ",\"confidence\":%s", num);
    if (c->conflicts[0])
        put_field(o, "conflicts", c->conflicts, &first);
    put_field(o, "device_type", c->device_type, &first);
    if (c->errors[0])
        put_field(o, "errors", c->errors, &first);
    put_field(o, "firmware", c->firmware, &first);
    if (c->mac[0])
        put_field(o, "mac", c->mac, &first);
    put_field(o, "manufacturer", c->manufacturer, &first);
    put_field(o, "model", c->model, &first);
    sl_buf_append_str(o, ",\"rules\":[");
    for (size_t i = 0; i < c->n_rules; i++) {
        if (i)
            sl_buf_append(o, ",", 1);
        put_str(o, c->rules[i]);
    }
    sl_buf_append(o, "]", 1);
    if (c->serial[0])
        put_field(o, "serial", c->serial, &first);
    sl_buf_append_str(o, "},\"device\":");
    put_str(o, device);
    sl_buf_append_str(o, "}\n");
}

static void free_run(struct run *r)
{
    for (size_t i = 0; i < r->n_rec; i++) {
        free(r->rec[i].data);
        free(r->rec[i].path);
    }
    for (size_t i = 0; i < r->n_grp; i++)
        free(r->grp[i].key);
    free(r->rec);
    free(r->grp);
    free(r->slots);
}

int sl_batch_run(const struct sl_ident *id, const char *data, size_t len, const char *name,
                 FILE *out, FILE *errs, struct sl_batch_stats *st, struct sl_err *err)
{
    struct run r = {0};
    memset(st, 0, sizeof *st);
    size_t line_no = 0, i = 0;
    while (i < len) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t end = nl != NULL ? (size_t)(nl - data) : len;
        line_no++;
        size_t s = i;
        i = end + 1;
        while (s < end && (data[s] == ' ' || data[s] == '\t' || data[s] == '\r'))
            s++;
        if (s == end)
            continue;
        char msg[160];
        if (end - s > SL_BATCH_MAX_LINE)
            snprintf(msg, sizeof msg, "record longer than %u bytes", SL_BATCH_MAX_LINE);
        else if (parse_line(&r, data + s, end - s, msg, sizeof msg) == 0)
            continue;
        st->bad++;
        if (errs != NULL)
            fprintf(errs, "%s:%zu: %s\n", name, line_no, msg);
    }
    st->records = r.n_rec;
    st->devices = r.n_grp;
    /* order records by group, keeping their order inside a group */
    size_t *order = malloc((r.n_rec + 1) * sizeof *order);
    size_t *pos = calloc(r.n_grp + 1, sizeof *pos);
    struct sl_ident_acc *acc = sl_ident_acc_new(id);
    if (order == NULL || pos == NULL || acc == NULL) {
        free(order);
        free(pos);
        sl_ident_acc_free(acc);
        free_run(&r);
        return sl_err_set(err, "out of memory");
    }
    struct sl_buf line;
    sl_buf_init(&line, 64u << 10);
    size_t at = 0;
    for (size_t g = 0; g < r.n_grp; g++) {
        r.grp[g].first = at;
        at += r.grp[g].count;
    }
    for (size_t k = 0; k < r.n_rec; k++) {
        size_t g = r.rec[k].group;
        order[r.grp[g].first + pos[g]++] = k;
    }
    for (size_t g = 0; g < r.n_grp; g++) {
        sl_ident_acc_reset(acc);
        for (size_t k = 0; k < r.grp[g].count; k++)
            sl_ident_observe(acc, &r.rec[order[r.grp[g].first + k]].ev);
        struct sl_claim c;
        sl_ident_conclude(acc, &c);
        sl_buf_reset(&line);
        put_claim_line(&line, r.grp[g].key, &c);
        fwrite(line.data, 1, line.len, out);
    }
    sl_buf_free(&line);
    sl_ident_acc_free(acc);
    free(order);
    free(pos);
    free_run(&r);
    return 0;
}
