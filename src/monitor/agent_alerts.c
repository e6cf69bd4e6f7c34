/* agent_alerts.c - a site agent's monitor alerts as batch records: written by
 * the agent, checked and applied to the register's alerts by the server.
 * The batch's frame, signature and sites are scan/batch*.c's. */
#include "monitor/agent_alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programme/lifecycle.h"
#include "proto/mac.h"
#include "util/cidr.h"
#include "util/str.h"
#include "util/timeutil.h"

int sl_alert_station(const json_t *detail, char *addr, char *mac)
{
    const json_t *dev = json_object_get(detail, "device");
    const char *ip = json_string_value(json_object_get(dev, "ip"));
    const char *m = json_string_value(json_object_get(dev, "mac"));
    struct sl_addr a;
    if (ip == NULL || sl_addr_parse(ip, &a) != 0)
        return -1;
    sl_addr_format(&a, addr);
    if (m == NULL || sl_mac_parse(m, strlen(m), mac, NULL) != 0)
        mac[0] = '\0';
    return 0;
}

int sl_alert_record_write(struct sl_buf *b, const struct sl_alert *al, int severity,
                          const char *addr, const char *mac, const char *src, const char *dest,
                          const json_t *detail)
{
    char at[SL_ISO_LEN];
    sl_time_iso(al->ts_sec, at);
    json_t *r = json_pack("{s:i, s:s, s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:O}", "v", 1, "type",
                          "alert", "signature_id", (json_int_t)al->sig_id, "severity", severity,
                          "at", at, "address", addr, "mac", mac, "src", src, "dest", dest,
                          "detail", detail);
    char *line = r != NULL ? json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(r);
    int rc = line != NULL && strlen(line) < SL_BATCH_MAX_LINE &&
                     sl_buf_append_str(b, line) == 0 && sl_buf_append(b, "\n", 1) == 0
                 ? 0
                 : -1;
    free(line);
    return rc;
}

/* The next line of [*p, end) (without its newline); NULL at the end. */
static const char *next_line(const char **p, const char *end, size_t *len)
{
    if (*p >= end)
        return NULL;
    const char *line = *p, *nl = memchr(line, '\n', (size_t)(end - line));
    *len = nl != NULL ? (size_t)(nl - line) : (size_t)(end - line);
    *p = line + *len + 1;
    return line;
}

bool sl_alert_batch_is(const char *data, size_t len)
{
    struct sl_batch b;
    if (sl_batch_parse(data, len, &b, NULL) != 0)
        return false;
    const char *p = b.body;
    size_t n;
    const char *line = next_line(&p, b.body + b.body_len, &n);
    json_t *j = line != NULL ? json_loadb(line, n, 0, NULL) : NULL;
    const char *type = json_string_value(json_object_get(j, "type"));
    bool is = type != NULL && strcmp(type, "alert") == 0;
    json_decref(j);
    return is;
}

/* One checked alert record. */
struct rec {
    json_t *j; /* owns the strings below */
    uint32_t sig;
    int severity;
    char at[SL_ISO_LEN];
    int64_t at_sec;
    const char *addr, *mac, *src, *dest;
    json_t *detail;
};

/* A line as an alert record, strictly. 0, or -1 with why. */
static int read_rec(const char *line, size_t n, struct rec *r, const char **why)
{
    json_error_t je;
    json_int_t v = 0, sig = 0, sev = 0;
    const char *type = NULL, *at = NULL;
    r->j = json_loadb(line, n, JSON_REJECT_DUPLICATES, &je);
    struct sl_addr a;
    char canon[18];
    size_t dl = 0;
    *why = r->j == NULL ? "not JSON"
           : json_unpack_ex(r->j, &je, JSON_STRICT,
                            "{s:I, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:o}", "v", &v, "type",
                            &type, "signature_id", &sig, "severity", &sev, "at", &at, "address",
                            &r->addr, "mac", &r->mac, "src", &r->src, "dest", &r->dest, "detail",
                            &r->detail) != 0
               ? "not an alert record (v, type, signature_id, severity, at, address, mac, src, "
                 "dest, detail)"
           : v != 1 || strcmp(type, "alert") != 0 ? "not a version 1 alert"
           : sig < 0 || sig > UINT32_MAX || sl_sig_info((uint32_t)sig) == NULL
               ? "an unknown signature"
           : sev < 1 || sev > 3 ? "a severity not 1 to 3"
           : sl_time_parse(at, &r->at_sec) != 0 ? "a time that does not parse"
           : sl_addr_parse(r->addr, &a) != 0 ? "an address that does not parse"
           : r->mac[0] != '\0' && (sl_mac_parse(r->mac, strlen(r->mac), canon, NULL) != 0 ||
                                   strcmp(canon, r->mac) != 0)
               ? "a MAC that is not aa:bb:cc:dd:ee:ff"
           : strlen(r->src) >= 64 || strlen(r->dest) >= 64 ? "src or dest too long"
           : !json_is_object(r->detail) ||
                   (dl = json_dumpb(r->detail, NULL, 0, JSON_COMPACT)) == 0 ||
                   dl > SL_ALERT_DETAIL_MAX
               ? "a detail that is not an object of at most 64 KiB"
               : NULL;
    if (*why != NULL)
        return -1;
    r->sig = (uint32_t)sig;
    r->severity = (int)sev;
    sl_time_iso(r->at_sec, r->at);
    return 0;
}

static void recs_free(struct rec *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_decref(v[i].j);
    free(v);
}

/* Every record of the batch. 0, or -1 (INVALID, naming the line). */
static int read_recs(const struct sl_batch *b, struct rec **out, struct sl_err *err)
{
    *out = NULL;
    if (b->records == 0 || b->records > SL_ALERT_BATCH_MAX)
        return sl_err_setk(err, SL_ERR_INVALID, "an alert batch holds 1 to %d alerts",
                           SL_ALERT_BATCH_MAX);
    struct rec *v = calloc(b->records, sizeof *v);
    if (v == NULL)
        return sl_err_set(err, "out of memory");
    const char *p = b->body, *end = b->body + b->body_len, *line, *why = NULL;
    size_t n = 0, len;
    while ((line = next_line(&p, end, &len)) != NULL) {
        if (n == b->records) {
            why = "more records than the header declares";
            break;
        }
        if (len > SL_BATCH_MAX_LINE || read_rec(line, len, &v[n++], &why) != 0) {
            why = why != NULL ? why : "a line too long";
            break;
        }
    }
    if (why == NULL && n != b->records)
        why = "fewer records than the header declares";
    if (why != NULL) {
        recs_free(v, n);
        return sl_err_setk(err, SL_ERR_INVALID, "line %zu: %s", n + 1, why);
    }
    *out = v;
    return 0;
}

int sl_alert_batch_check(const char *data, size_t len, size_t *n, struct sl_err *err)
{
    struct sl_batch b;
    struct rec *v = NULL;
    *n = 0;
    if (sl_batch_parse(data, len, &b, err) != 0 || read_recs(&b, &v, err) != 0)
        return -1;
    recs_free(v, b.records);
    *n = b.records;
    return 0;
}

/* A register device recorded gone, seen again: marked reappeared, its alert
 * raised (as monitor.c's check_register does for a central monitor). */
static int reappeared(struct sl_store *s, const struct sl_device *d, const struct rec *r,
                      const char *actor, const char *agent, struct sl_err *err)
{
    int64_t since = 0;
    if ((d->status != SL_STATUS_REMOVED && d->status != SL_STATUS_VERIFIED_ABSENT) ||
        sl_time_parse(d->status_since, &since) != 0 || r->at_sec <= since)
        return 0;
    char note[256], why[256] = "";
    snprintf(note, sizeof note, "seen again by agent %s's monitor: MAC %s at %s while %s", agent,
             r->mac[0] ? r->mac : "-", r->addr, sl_status_name(d->status));
    struct sl_change ch = {.to = SL_STATUS_REAPPEARED, .at = r->at, .note = note,
                           .by_verification = true};
    int64_t now = sl_now() > r->at_sec ? sl_now() : r->at_sec;
    int rc = sl_lifecycle_apply_at(s, d->id, &ch, actor, now, why, sizeof why, err);
    if (rc < 0)
        return -1;
    const struct sl_sig_info *sig = sl_sig_info(SL_SIG_REAPPEARED);
    json_t *detail = json_pack("{s:O, s:s, s:s, s:s}", "device", json_object_get(r->detail, "device"),
                               "previous_status", sl_status_name(d->status), "register_update",
                               rc == 1 ? "reappeared" : "failed", "agent", agent);
    char *dj = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(detail);
    int64_t id = 0;
    rc = dj != NULL ? sl_store_alert_add(s, r->at, sig->id, sig->signature, sig->severity, d->id,
                                         r->src, r->dest, dj, &id, err)
                    : sl_err_set(err, "out of memory");
    free(dj);
    return rc;
}

/* One alert into the register, linked to its device when the register has it. */
static int apply_one(struct sl_store *s, const struct rec *r, const char *actor,
                     const char *agent, struct sl_err *err)
{
    const char *mfr = json_string_value(
        json_object_get(json_object_get(r->detail, "claim"), "manufacturer"));
    struct sl_device d;
    memset(&d, 0, sizeof d);
    int found = sl_store_monitor_match(s, r->mac, r->addr, mfr != NULL ? mfr : "", 0, &d, err);
    if (found < 0)
        return -1;
    /* The agent has no register: "a camera the register does not know" is
     * decided here, where the register is. */
    if (r->sig == SL_SIG_UNKNOWN_CAMERA && found == 1)
        return reappeared(s, &d, r, actor, agent, err);
    json_t *detail = json_deep_copy(r->detail);
    json_object_set_new(detail, "agent", json_string(agent));
    char *dj = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(detail);
    const struct sl_sig_info *sig = sl_sig_info(r->sig);
    int64_t id = 0;
    int rc = dj != NULL ? sl_store_alert_add(s, r->at, r->sig, sig->signature, r->severity,
                                             found == 1 ? d.id : 0, r->src, r->dest, dj, &id, err)
                        : sl_err_set(err, "out of memory");
    free(dj);
    if (rc == 0 && found == 1)
        rc = reappeared(s, &d, r, actor, agent, err);
    return rc;
}

static int apply(struct sl_store *s, const struct sl_agent *a, const struct sl_batch *b,
                 const struct rec *v, struct sl_batch_result *res, struct sl_err *err)
{
    char actor[SL_NAME_MAX + 8];
    snprintf(actor, sizeof actor, "agent:%s", a->name);
    if (sl_store_begin(s, err) != 0)
        return -1;
    for (size_t i = 0; i < b->records; i++)
        if (apply_one(s, &v[i], actor, a->name, err) != 0) {
            sl_store_rollback(s);
            return -1;
        }
    if (sl_store_agent_batch_add(s, b->uuid, a->id, b->seq, (int64_t)b->records, 0, sl_now(),
                                 err) != 0) {
        sl_store_rollback(s);
        return -1;
    }
    if (sl_store_commit(s, err) != 0)
        return -1;
    res->applied = true;
    res->devices = b->records;
    return 0;
}

int sl_alert_batch_ingest(struct sl_store *s, const struct sl_agent *a, const char *data,
                          size_t len, struct sl_batch_result *res, struct sl_err *err)
{
    memset(res, 0, sizeof *res);
    struct sl_batch b;
    if (sl_batch_parse(data, len, &b, err) != 0 || sl_batch_check_origin(s, a, data, &b, err) != 0)
        return -1;
    int seen = sl_store_agent_batch_seen(s, b.uuid, err);
    if (seen != 0)
        return seen < 0 ? -1 : 0;
    struct rec *v = NULL;
    if (read_recs(&b, &v, err) != 0)
        return -1;
    res->hosts = b.records;
    const char **addrs = calloc(b.records, sizeof *addrs);
    long out = addrs != NULL ? 0 : sl_err_set(err, "out of memory");
    for (size_t i = 0; addrs != NULL && i < b.records; i++)
        addrs[i] = v[i].addr;
    if (addrs != NULL)
        out = sl_batch_outside_sites(s, a, addrs, b.records, err);
    free(addrs);
    int rc = out < 0 ? -1 : 0;
    if (out > 0) {
        res->outside = (size_t)out;
        struct sl_err e2 = {0};
        sl_store_agent_refused(s, a->id, out, &e2);
        rc = sl_err_setk(err, SL_ERR_CONFLICT, "%ld of %zu alerts are about stations outside agent "
                         "%s's sites (%s)", out, b.records, a->name, a->sites);
    }
    if (rc == 0) {
        rc = apply(s, a, &b, v, res, err);
        if (rc != 0 && err->kind == SL_ERR_EXISTS && sl_store_agent_batch_seen(s, b.uuid, err) == 1)
            rc = 0;
    }
    recs_free(v, b.records);
    return rc;
}
