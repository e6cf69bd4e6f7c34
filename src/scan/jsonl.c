/* jsonl.c - the scan stream's records, written and read back (jsonl.h). Knows
 * the record shapes; opens no file and touches no register. */
#include "scan/jsonl.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/jsonout.h"
#include "util/str.h"
#include "util/timeutil.h"

static const char *const type_names[SL_JSONL_TYPES] = {"progress", "evidence", "device",
                                                       "not_seen", "summary"};

const char *sl_jsonl_type_name(enum sl_jsonl_type t)
{
    return (unsigned)t < SL_JSONL_TYPES ? type_names[t] : "?";
}

/* ---- writing ----------------------------------------------------------------------- */

void sl_jsonl_write(FILE *out, enum sl_jsonl_type type, json_t *j)
{
    json_t *rec = json_object();
    json_object_set_new(rec, "v", json_integer(SL_JSONL_VERSION));
    json_object_set_new(rec, "type", json_string(sl_jsonl_type_name(type)));
    json_object_update(rec, j);
    json_decref(j);
    sl_json_write(out, rec, false);
}

json_t *sl_ports_to_json(const char *ports)
{
    json_t *a = json_array();
    const char *p = ports;
    while (p != NULL && *p != '\0') {
        char *end = NULL;
        long v = strtol(p, &end, 10);
        if (end == p)
            break;
        if (v > 0 && v < 65536)
            json_array_append_new(a, json_integer(v));
        p = end;
        while (*p == ',' || *p == ' ')
            p++;
    }
    return a;
}

static void opt(json_t *o, const char *key, const char *v)
{
    json_object_set_new(o, key, v[0] != '\0' ? json_string(v) : json_null());
}

json_t *sl_device_to_json(const struct sl_device *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(d->id));
    opt(o, "site", d->site);
    opt(o, "address", d->address);
    opt(o, "mac", d->mac);
    opt(o, "serial", d->serial);
    json_object_set_new(o, "ports", sl_ports_to_json(d->ports));
    json_object_set_new(o, "claim", sl_claim_to_json(&d->claim));
    json_object_set_new(o, "verdict", sl_verdict_to_json(&d->verdict));
    json_object_set_new(o, "status", json_string(sl_status_name(d->status)));
    opt(o, "status_since", d->status_since);
    if (d->scheduled_for[0])
        opt(o, "scheduled_for", d->scheduled_for);
    if (d->replaced_by[0])
        opt(o, "replaced_by", d->replaced_by);
    if (d->status == SL_STATUS_EXEMPT || d->exempt_until[0]) {
        opt(o, "exempt_reason", d->exempt_reason);
        opt(o, "exempt_approver", d->exempt_approver);
        opt(o, "exempt_until", d->exempt_until);
    }
    opt(o, "first_seen", d->first_seen);
    opt(o, "last_seen", d->last_seen);
    return o;
}

json_t *sl_jsonl_start_json(const struct sl_scan_plan *p, uint64_t total)
{
    return json_pack("{s:s, s:I, s:I, s:I, s:I, s:i, s:f, s:i, s:I, s:i}", "phase", "start",
                     "addresses", (json_int_t)p->addresses, "excluded", (json_int_t)p->excluded,
                     "total", (json_int_t)total, "probes", (json_int_t)p->probes, "concurrency",
                     (int)p->concurrency, "rate", p->rate, "timeout_ms", (int)p->timeout_ms,
                     "scan_id", (json_int_t)p->scan_id, "threads", (int)p->threads);
}

json_t *sl_jsonl_running_json(const struct sl_scan_stats *st)
{
    return json_pack("{s:s, s:I, s:I, s:I, s:I, s:f, s:I, s:I}", "phase", "running", "done",
                     (json_int_t)st->hosts_done, "total", (json_int_t)st->hosts_total, "up",
                     (json_int_t)st->hosts_up, "devices", (json_int_t)st->devices, "hosts_per_s",
                     st->hosts_per_s, "elapsed_ms", (json_int_t)st->elapsed_ms, "eta_ms",
                     (json_int_t)st->eta_ms);
}

static json_t *str_or_null(const char *s)
{
    return s != NULL && *s != '\0' ? json_string(s) : json_null();
}

json_t *sl_scan_evidence_json(const char *address, const struct sl_evidence *ev)
{
    char head[201];
    size_t n = ev->len < 200 ? ev->len : 200;
    for (size_t i = 0; i < n; i++) {
        uint8_t ch = ev->data[i];
        head[i] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '.';
    }
    head[n] = '\0';
    char at[SL_ISO_LEN];
    sl_time_iso(ev->observed_at, at);
    json_t *j = json_object();
    json_object_set_new(j, "address", json_string(address));
    json_object_set_new(j, "proto", json_string(sl_proto_name(ev->proto)));
    json_object_set_new(j, "port", ev->port ? json_integer(ev->port) : json_null());
    json_object_set_new(j, "request", str_or_null(ev->request));
    json_object_set_new(j, "path", str_or_null(ev->path));
    json_object_set_new(j, "outcome", json_string(sl_outcome_name(ev->outcome)));
    json_object_set_new(j, "detail", str_or_null(ev->detail));
    json_object_set_new(j, "bytes", json_integer((json_int_t)ev->len));
    json_object_set_new(j, "head", json_string(head));
    json_object_set_new(j, "observed_at", json_string(at));
    return j;
}

json_t *sl_jsonl_device_json(const struct sl_scan_device *d, const struct sl_device *reg)
{
    json_t *j;
    if (reg != NULL) {
        j = sl_device_to_json(reg);
    } else {
        j = json_object();
        json_object_set_new(j, "mac", str_or_null(d->claim->mac));
        json_object_set_new(j, "site", str_or_null(d->site));
        json_object_set_new(j, "status", json_string("discovered"));
    }
    /* This scan's view, which the register merged into the device. */
    json_object_set_new(j, "address", json_string(d->address));
    json_object_set_new(j, "ports", sl_ports_to_json(d->ports));
    json_object_set_new(j, "claim", sl_claim_to_json(d->claim));
    json_object_set_new(j, "verdict", sl_verdict_to_json(d->verdict));
    json_object_set_new(j, "tier", json_string(sl_tier_name(d->tier)));
    json_object_set_new(j, "tier_defaulted", json_boolean(d->tier_defaulted));
    json_object_set_new(j, "new", json_boolean(d->created));
    return j;
}

json_t *sl_jsonl_not_seen_json(const struct sl_device *d)
{
    json_t *j = json_object();
    json_object_set_new(j, "device", sl_device_to_json(d));
    return j;
}

json_t *sl_scan_summary_json(const struct sl_scan_summary *sum)
{
    const struct sl_scan_stats *st = &sum->stats;
    json_t *dec = json_object();
    for (int i = 0; i < SL_SCAN_DECISIONS; i++)
        json_object_set_new(dec, sl_decision_name((enum sl_decision)i),
                            json_integer((json_int_t)sum->by_decision[i]));
    return json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:I, s:I,"
                     " s:I}",
                     "scan_id", (json_int_t)sum->scan_id, "status",
                     sum->complete ? "complete" : "incomplete", "hosts_total",
                     (json_int_t)st->hosts_total, "hosts_done", (json_int_t)st->hosts_done,
                     "hosts_up", (json_int_t)st->hosts_up, "devices", (json_int_t)st->devices,
                     "by_decision", dec, "not_seen", (json_int_t)sum->not_seen, "hostile",
                     (json_int_t)sum->hostile, "tier_defaulted", (json_int_t)sum->tier_defaulted,
                     "probes_sent", (json_int_t)st->probes_sent, "evidence",
                     (json_int_t)st->evidence, "elapsed_ms", (json_int_t)st->elapsed_ms,
                     "hosts_per_s", st->hosts_per_s, "udp_unmatched",
                     (json_int_t)st->udp_unmatched, "late_replies", (json_int_t)st->late_replies,
                     "reappeared", (json_int_t)sum->reappeared);
}

static json_t *ranges_json(const struct sl_targets *t, bool exclusions)
{
    json_t *a = json_array();
    char text[SL_TARGETS_RANGE_STRLEN];
    for (size_t i = 0; i < sl_targets_ranges(t, exclusions); i++) {
        sl_targets_range_text(t, exclusions, i, text);
        json_array_append_new(a, json_string(text));
    }
    return a;
}

json_t *sl_jsonl_coverage_json(const struct sl_targets *t)
{
    json_t *j = json_object();
    json_object_set_new(j, "targets", ranges_json(t, false));
    json_object_set_new(j, "exclusions", ranges_json(t, true));
    return j;
}

/* ---- reading ----------------------------------------------------------------------- */

static void problem(struct sl_jsonl_result *r, size_t line, const char *what)
{
    if (r->n_problems < SL_JSONL_MAX_PROBLEMS)
        snprintf(r->problems[r->n_problems], sizeof r->problems[0], "line %zu: %s", line, what);
    r->n_problems++;
}

static void copy_str(json_t *o, const char *key, char *dst, size_t n)
{
    const char *v = json_string_value(json_object_get(o, key));
    if (v != NULL)
        sl_strlcpy(dst, v, n);
}

static void ports_text(json_t *a, char *dst, size_t n)
{
    dst[0] = '\0';
    if (!json_is_array(a))
        return;
    size_t i, used = 0;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        json_int_t p = json_integer_value(v);
        if (!json_is_integer(v) || p <= 0 || p > 65535)
            continue;
        int w = snprintf(dst + used, n - used, "%s%lld", used ? "," : "", (long long)p);
        if (w < 0 || (size_t)w >= n - used) {
            dst[used] = '\0';
            break;
        }
        used += (size_t)w;
    }
}

/* One device line into an observation. Returns NULL when fine, else why not. */
static const char *device_line(json_t *o, struct sl_observation *ob)
{
    memset(ob, 0, sizeof *ob);
    const char *addr = json_string_value(json_object_get(o, "address"));
    if (addr == NULL || *addr == '\0')
        return "device line without an address";
    if (strlen(addr) >= sizeof ob->address)
        return "address too long";
    sl_strlcpy(ob->address, addr, sizeof ob->address);
    copy_str(o, "mac", ob->mac, sizeof ob->mac);
    copy_str(o, "serial", ob->serial, sizeof ob->serial);
    copy_str(o, "site", ob->site, sizeof ob->site);
    ports_text(json_object_get(o, "ports"), ob->ports, sizeof ob->ports);
    json_t *claim = json_object_get(o, "claim");
    if (claim != NULL && !json_is_null(claim)) {
        if (!json_is_object(claim) || sl_claim_from_json(claim, &ob->claim) != 0)
            return "claim is not a valid claim object";
        if (ob->serial[0] == '\0' && ob->claim.serial[0] != '\0')
            sl_strlcpy(ob->serial, ob->claim.serial, sizeof ob->serial);
        if (ob->mac[0] == '\0' && ob->claim.mac[0] != '\0')
            sl_strlcpy(ob->mac, ob->claim.mac, sizeof ob->mac);
    }
    json_t *verdict = json_object_get(o, "verdict");
    if (verdict != NULL && !json_is_null(verdict)) {
        if (!json_is_object(verdict) || sl_verdict_from_json(verdict, &ob->verdict) != 0)
            return "verdict is not a valid verdict object";
    }
    for (char *p = ob->mac; *p; p++)
        if (*p >= 'A' && *p <= 'F')
            *p = (char)(*p - 'A' + 'a');
    return NULL;
}

/* One line, parsed: the record, or NULL with a problem noted. */
static json_t *parse_record(const char *start, size_t ll, size_t line, struct sl_jsonl_result *res)
{
    if (ll > SL_JSONL_MAX_LINE) {
        problem(res, line, "line longer than 1 MiB");
        return NULL;
    }
    json_error_t je;
    json_t *o = json_loadb(start, ll, JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK, &je);
    if (o == NULL) {
        char why[140];
        snprintf(why, sizeof why, "not JSON: %.100s", je.text);
        problem(res, line, why);
        return NULL;
    }
    const char *why = NULL;
    json_t *v = json_object_get(o, "v");
    if (!json_is_object(o))
        why = "not a JSON object";
    else if (!json_is_integer(v) || json_integer_value(v) != SL_JSONL_VERSION)
        why = "unknown stream version (expected \"v\":1)";
    if (why != NULL) {
        problem(res, line, why);
        json_decref(o);
        return NULL;
    }
    return o;
}

static int record_type(json_t *o)
{
    const char *type = json_string_value(json_object_get(o, "type"));
    for (int t = 0; type != NULL && t < SL_JSONL_TYPES; t++)
        if (strcmp(type, type_names[t]) == 0)
            return t;
    return -1;
}

/* The targets and exclusions of a start or summary record, or NULL when it
 * names no targets (a stream of a sightline before issue 11, or an import). */
static json_t *cover_of(json_t *o)
{
    json_t *t = json_object_get(o, "targets"), *x = json_object_get(o, "exclusions");
    if (!json_is_array(t) || json_array_size(t) == 0 || (x != NULL && !json_is_array(x)))
        return NULL;
    return json_pack("{s:O, s:o}", "targets", t, "exclusions",
                     x != NULL ? json_incref(x) : json_array());
}

/* The summary's cover as address sets; false when an entry is not a literal
 * address, network or range (text from a file never resolves a name). */
static bool build_cover(json_t *cover, struct sl_jsonl_result *res)
{
    res->covered = sl_targets_new();
    if (res->covered == NULL)
        return false;
    for (int ex = 0; ex < 2; ex++) {
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(cover, ex ? "exclusions" : "targets"), i, v)
        {
            const char *spec = json_string_value(v);
            if (spec == NULL || sl_targets_add_literal(res->covered, spec, ex != 0, NULL) != 0)
                return false;
        }
    }
    return sl_targets_prepare(res->covered, NULL) == 0;
}

/* A start (progress, "phase": "start") or summary record: what the scan covered. */
static void take_bounds(json_t *o, int t, struct sl_jsonl_result *res)
{
    if (t == SL_JSONL_PROGRESS) {
        const char *phase = json_string_value(json_object_get(o, "phase"));
        if (phase == NULL || strcmp(phase, "start") != 0)
            return;
        if (res->starts++ == 0)
            res->start_cover = cover_of(o);
        return;
    }
    const char *status = json_string_value(json_object_get(o, "status"));
    res->complete = res->summaries++ == 0 && status != NULL && strcmp(status, "complete") == 0;
    json_t *devices = json_object_get(o, "devices");
    res->summary_devices = json_is_integer(devices) ? json_integer_value(devices) : -1;
    json_t *cover = cover_of(o);
    if (cover == NULL)
        return;
    if (res->start_cover == NULL || !json_equal(cover, res->start_cover))
        res->cover_differs = true;
    else if (res->covered == NULL && !build_cover(cover, res))
        res->bad_cover = true;
    json_decref(cover);
}

static void fail_all(struct sl_observation **out, size_t *n)
{
    free(*out);
    *out = NULL;
    *n = 0;
}

/* A record of the stream: a device becomes an observation, a summary may mark
 * the scan incomplete, the rest is counted. 0, or -1 with err set. */
static int take_record(json_t *o, size_t line, struct sl_observation **out, size_t *n,
                       size_t *cap, struct sl_jsonl_result *res, struct sl_err *err)
{
    int t = record_type(o);
    if (res->summaries > 0 && t >= 0)
        res->after_summary = true;
    if (t == SL_JSONL_PROGRESS || t == SL_JSONL_SUMMARY)
        take_bounds(o, t, res);
    if (t != SL_JSONL_DEVICE) {
        if (t == SL_JSONL_SUMMARY) {
            json_t *complete = json_object_get(o, "complete");
            const char *status = json_string_value(json_object_get(o, "status"));
            if (json_is_false(complete) || (status != NULL && strcmp(status, "incomplete") == 0))
                res->incomplete = true;
        }
        if (t >= 0)
            res->by_type[t]++;
        res->skipped++;
        return 0;
    }
    if (*n >= SL_JSONL_MAX_DEVICES)
        return sl_err_set(err, "more than %d devices in one scan file", SL_JSONL_MAX_DEVICES);
    if (SL_GROW(*out, *cap, *n + 1, 64) != 0)
        return sl_err_set(err, "out of memory reading the scan file");
    const char *why = device_line(o, &(*out)[*n]);
    if (why != NULL) {
        problem(res, line, why);
        return 0;
    }
    (*n)++;
    res->devices++;
    res->by_type[SL_JSONL_DEVICE]++;
    return 0;
}

int sl_scan_jsonl_parse(const char *data, size_t len, struct sl_observation **out, size_t *n,
                        struct sl_jsonl_result *res, struct sl_err *err)
{
    memset(res, 0, sizeof *res);
    res->summary_devices = -1;
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *start = p;
        size_t ll = (size_t)((nl != NULL ? nl : end) - p);
        size_t line = ++res->lines;
        p = nl != NULL ? nl + 1 : end;
        while (ll > 0 && (start[ll - 1] == '\r' || start[ll - 1] == ' ' || start[ll - 1] == '\t'))
            ll--;
        if (ll == 0) {
            res->skipped++;
            continue;
        }
        json_t *o = parse_record(start, ll, line, res);
        if (o == NULL)
            continue;
        int rc = take_record(o, line, out, n, &cap, res, err);
        json_decref(o);
        if (rc != 0) {
            fail_all(out, n);
            sl_jsonl_result_free(res);
            return -1;
        }
    }
    return 0;
}

void sl_jsonl_result_free(struct sl_jsonl_result *res)
{
    json_decref(res->start_cover);
    sl_targets_free(res->covered);
    res->start_cover = NULL;
    res->covered = NULL;
}

const char *sl_jsonl_proof_problem(const struct sl_jsonl_result *res)
{
    if (res->n_problems > 0)
        return "it has bad lines (cut off or edited)";
    if (res->starts == 0)
        return "it has no start record (not the whole output of 'sightline scan --jsonl')";
    if (res->summaries == 0)
        return "it has no summary record (cut off, or the scan never finished)";
    if (res->starts > 1 || res->summaries > 1)
        return "it holds more than one scan";
    if (res->after_summary)
        return "records follow its summary";
    if (!res->complete)
        return "the scan did not finish (its summary says incomplete)";
    if (res->start_cover == NULL)
        return "it does not say which targets it covered (written before sightline recorded "
               "them, or an import)";
    if (res->cover_differs)
        return "its start and summary records name different targets";
    if (res->bad_cover || res->covered == NULL)
        return "its targets are not addresses, networks or ranges";
    if (res->summary_devices < 0 || (uint64_t)res->summary_devices != res->by_type[SL_JSONL_DEVICE])
        return "its summary counts a different number of devices than it holds";
    return NULL;
}

bool sl_jsonl_covers(const struct sl_jsonl_result *res, const char *address)
{
    struct sl_addr a;
    return res->covered != NULL && sl_addr_parse(address, &a) == 0 &&
           sl_targets_contains(res->covered, &a);
}
