/* observe_batch.c - a scan's batch of observations in one call: on a server,
 * the whole batch locked, matched, created, updated and given its creation
 * events with one statement each over arrays, and its evidence with one COPY;
 * on SQLite (or a batch whose observations share an identity) the one-by-one
 * calls inside one transaction. The same register and audit entries either
 * way. The rules of matching and judging a match are devices.c's, not here. */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/buf.h"
#include "util/str.h"

static const struct sl_claim no_claim;
static const struct sl_verdict no_verdict;

/* What became of one observation of the batch. */
struct slot {
    bool found;              /* matched an existing device, and the match holds */
    struct sl_matched m;     /* the matched device as it was */
    struct sl_observed o;
    char seen[SL_ISO_LEN];
    struct sl_claim old_c;   /* found: its claim and verdict as they were */
    struct sl_verdict old_v;
    int what;                /* found: SL_CHANGED_* of its verdict history, 0 none */
};


/* ---- when the set-based path cannot be the one-by-one path's equal ---------- */

struct ident {
    int kind;
    const char *v;
};

static int cmp_ident(const void *a, const void *b)
{
    const struct ident *x = a, *y = b;
    return x->kind != y->kind ? x->kind - y->kind : strcmp(x->v, y->v);
}

/* True when two observations of the batch share a MAC, a serial or an address
 * (in any site): one of them could match what the other creates or changes,
 * which only the one-by-one order gets right. */
static bool shares_identity(const struct sl_obs_item *items, size_t n, struct sl_err *err,
                            bool *oom)
{
    struct ident *v = malloc(3 * n * sizeof *v);
    *oom = v == NULL;
    if (v == NULL)
        return sl_err_set(err, "out of memory") != 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *id[3] = {items[i].obs.mac, items[i].obs.serial, items[i].obs.address};
        for (int kind = 0; kind < 3; kind++)
            if (id[kind] != NULL && id[kind][0] != '\0')
                v[k++] = (struct ident){kind, id[kind]};
    }
    qsort(v, k, sizeof *v, cmp_ident);
    bool dup = false;
    for (size_t i = 1; i < k && !dup; i++)
        dup = cmp_ident(&v[i - 1], &v[i]) == 0;
    free(v);
    return dup;
}

/* Two observations that matched the same device (by different identifiers). */
static bool same_device_twice(const struct slot *sl, const int64_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; sl[i].found && j < n; j++)
            if (sl[j].found && ids[j] == ids[i])
                return true;
    return false;
}

/* ---- the one-by-one path ---------------------------------------------------- */

static int one_by_one(struct sl_store *s, const struct sl_obs_item *items, size_t n,
                      const char *actor, int64_t *ids, struct sl_observed *out,
                      struct sl_err *err)
{
    for (size_t i = 0; i < n; i++) {
        const struct sl_obs_item *it = &items[i];
        if (sl_store_device_observe_ex(s, &it->obs, actor, &ids[i], &out[i], err) != 0 ||
            sl_evidence_add_observed(s, it->obs.scan_id, ids[i], it->obs.address, it->evs,
                                     it->n_evs, actor, err) != 0)
            return -1;
    }
    return 0;
}

/* ---- the set-based path (a server) ------------------------------------------ */

static int lock_batch(struct sl_store *s, const struct sl_obs_item *items, size_t n,
                      struct sl_err *err)
{
    char(*buf)[3][200] = malloc(n * sizeof *buf);
    const char **keys = malloc(3 * n * sizeof *keys);
    int k = 0;
    if (buf != NULL && keys != NULL)
        for (size_t i = 0; i < n; i++)
            k += sl_device_identity_keys(&items[i].obs, buf[i], keys + k);
    int rc = buf == NULL || keys == NULL ? sl_err_set(err, "out of memory")
             : k > 0                      ? s->be->lock_keys(s, keys, k, err)
                                          : 0;
    free(buf);
    free(keys);
    return rc;
}

#define ADDRESS_HOLDS                                                                            \
    " AND (mac IS NULL OR mac = u.mac OR u.mac IS NULL)"                                         \
    " AND (serial IS NULL OR serial = u.serial OR u.serial IS NULL)"                             \
    " AND (manufacturer IS NULL OR manufacturer = u.maker OR u.maker IS NULL)"                   \
    " ORDER BY last_seen DESC, id DESC LIMIT 1)"

/* devices.c's match (MAC, else serial, else address within the site, never
 * contradicted) for every observation at once; the matched device's fields
 * as read_matched reads them. */
#define MATCH_BATCH                                                                              \
    "SELECT u.i, m.id, m.address, m.mac, m.serial, m.manufacturer, m.last_scan_id, m.status,"   \
    " m.claim, m.verdict, m.decision"                                                            \
    " FROM unnest(?1::text[], ?2::inet[], ?3::bigint[], ?4::text[], ?5::text[])"                 \
    " WITH ORDINALITY AS u(mac, address, site, serial, maker, i)"                                \
    " CROSS JOIN LATERAL (SELECT f.id FROM ("                                                    \
    "(SELECT 1 AS k, id FROM devices WHERE mac = u.mac ORDER BY id LIMIT 1)"                     \
    " UNION ALL (SELECT 2, id FROM devices WHERE serial = u.serial ORDER BY id LIMIT 1)"         \
    " UNION ALL (SELECT 3, id FROM devices WHERE address = u.address AND site_id = u.site"       \
    ADDRESS_HOLDS                                                                                \
    " UNION ALL (SELECT 3, id FROM devices WHERE address = u.address AND site_id IS NULL"        \
    " AND u.site IS NULL" ADDRESS_HOLDS                                                          \
    ") AS f ORDER BY f.k LIMIT 1) AS hit JOIN devices m ON m.id = hit.id"

/* Binds arrays[0..n) as ?1..?n and frees them; false when one is out of memory. */
static bool bind_arrays(struct sl_q *q, struct sl_arr *a, int n)
{
    bool ok = true;
    for (int i = 0; i < n; i++) {
        const char *lit = sl_arr_end(&a[i]);
        ok = ok && lit != NULL;
        if (lit != NULL)
            sl_bind_text(q, i + 1, lit);
        sl_arr_free(&a[i]);
    }
    return ok;
}

static int match_batch(struct sl_store *s, const struct sl_obs_item *items, size_t n,
                       struct slot *sl, int64_t *ids, struct sl_err *err)
{
    struct sl_arr a[5];
    for (int k = 0; k < 5; k++)
        sl_arr_init(&a[k]);
    for (size_t i = 0; i < n; i++) {
        const struct sl_device_obs *o = &items[i].obs;
        sl_arr_text(&a[0], o->mac);
        sl_arr_text(&a[1], o->address);
        sl_arr_id(&a[2], o->site_id);
        sl_arr_text(&a[3], o->serial);
        sl_arr_text(&a[4], o->claim != NULL ? o->claim->manufacturer : NULL);
    }
    struct sl_q *q = sl_st(s, MATCH_BATCH, err);
    if (q == NULL || !bind_arrays(q, a, 5)) {
        for (int k = 0; q == NULL && k < 5; k++)
            sl_arr_free(&a[k]);
        return q == NULL ? -1 : sl_err_set(err, "out of memory");
    }
    int rc;
    while ((rc = sl_step(q, "matching a batch of devices", err)) == 1) {
        int64_t i = sl_col_int(q, 0) - 1;
        if (i < 0 || (size_t)i >= n)
            continue;
        ids[i] = sl_col_int(q, 1);
        sl_matched_read(q, 2, &sl[i].m);
        /* What the verdict history records as "from" (devices.c's read_matched). */
        sl_judged_from_columns(sl_col_str(q, 8), sl_col_str(q, 9), sl_col_str(q, 10),
                               &sl[i].old_c, &sl[i].old_v);
        sl[i].found = true;
    }
    sl_reset(q);
    return rc < 0 ? -1 : 0;
}

/* The columns an observation writes, in the order of the statements below:
 * mac, serial, address, ports, site, manufacturer, brand, model, firmware,
 * device_type, confidence, claim, decision, verdict, seen, scan. */
#define OBS_ARRAYS 16
#define OBS_UNNEST(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p)                              \
    "unnest(?" a "::text[], ?" b "::text[], ?" c "::inet[], ?" d "::text[], ?" e "::bigint[],"   \
    " ?" f "::text[], ?" g "::text[], ?" h "::text[], ?" i "::text[], ?" j "::text[],"           \
    " ?" k "::float8[], ?" l "::jsonb[], ?" m "::text[], ?" n "::jsonb[], ?" o "::timestamptz[]," \
    " ?" p "::bigint[])"
#define OBS_NAMES                                                                                \
    "mac, serial, address, ports, site, manufacturer, brand, model, firmware, device_type,"      \
    " confidence, claim, decision, verdict, seen, scan"

/* Ids drawn from the table's own sequence in the order of the batch, so the
 * devices get the ids the one-by-one path would give them. The sequence is
 * looked up once a statement (a sub-select), not once a row (a catalog scan). */
#define INSERT_BATCH                                                                             \
    "WITH u AS MATERIALIZED (SELECT nextval((SELECT pg_get_serial_sequence('devices', 'id')"     \
    "::regclass)) AS id,"                                                                        \
    " a.* FROM " OBS_UNNEST("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", \
                            "14", "15", "16")                                                    \
    " WITH ORDINALITY AS a(" OBS_NAMES ", i)),"                                                  \
    " ins AS (INSERT INTO devices (id, mac, serial, address, ports, site_id, manufacturer,"      \
    " brand, model, firmware, device_type, confidence, claim, decision, verdict, last_seen,"      \
    " last_scan_id, status, status_since, first_seen) SELECT id, mac, serial, address, ports,"   \
    " site, manufacturer, brand, model, firmware, device_type, confidence, claim, decision,"      \
    " verdict, seen, scan, 'discovered', seen, seen FROM u ORDER BY i)"                           \
    " SELECT i, id FROM u ORDER BY i"

#define UPDATE_BATCH                                                                             \
    "UPDATE devices AS d SET mac = COALESCE(d.mac, u.mac), serial = COALESCE(d.serial, u.serial)," \
    " address = COALESCE(u.address, d.address), ports = COALESCE(u.ports, d.ports),"             \
    " site_id = COALESCE(d.site_id, u.site), manufacturer = u.manufacturer, brand = u.brand,"     \
    " model = u.model, firmware = u.firmware, device_type = u.device_type,"                      \
    " confidence = u.confidence, claim = u.claim, decision = u.decision, verdict = u.verdict,"   \
    " last_seen = u.seen, last_scan_id = COALESCE(u.scan, d.last_scan_id)"                       \
    " FROM " OBS_UNNEST("2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14",    \
                        "15", "16", "17")                                                        \
    " WITH ORDINALITY AS u(" OBS_NAMES ", i), unnest(?1::bigint[]) WITH ORDINALITY AS k(id, i)"  \
    " WHERE k.i = u.i AND d.id = k.id"

static void obs_arrays(struct sl_arr *a, const struct sl_device_obs *o, const struct slot *sl)
{
    const struct sl_claim *c = o->claim != NULL ? o->claim : &no_claim;
    const struct sl_verdict *v = o->verdict != NULL ? o->verdict : &no_verdict;
    /* A claimed identifier that belongs to another device stays in the claim. */
    sl_arr_text(&a[0], sl->o.conflict ? NULL : o->mac);
    sl_arr_text(&a[1], sl->o.conflict ? NULL : o->serial);
    sl_arr_text(&a[2], o->address);
    sl_arr_text(&a[3], o->ports);
    sl_arr_id(&a[4], o->site_id);
    sl_arr_text(&a[5], c->manufacturer);
    sl_arr_text(&a[6], c->brand);
    sl_arr_text(&a[7], c->model);
    sl_arr_text(&a[8], c->firmware);
    sl_arr_text(&a[9], c->device_type);
    char num[40];
    snprintf(num, sizeof num, "%.17g", c->confidence);
    sl_arr_text(&a[10], num);
    /* Compact, keys sorted: as devices.c writes them. */
    json_t *cjv = sl_claim_to_json(c), *vjv = sl_verdict_to_json(v);
    char *cj = json_dumps(cjv, JSON_COMPACT | JSON_SORT_KEYS);
    char *vj = json_dumps(vjv, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(cjv);
    json_decref(vjv);
    sl_arr_text(&a[11], cj != NULL ? cj : "{}");
    sl_arr_text(&a[12], sl_decision_name(v->decision));
    sl_arr_text(&a[13], vj != NULL ? vj : "{}");
    sl_arr_text(&a[14], sl->seen);
    sl_arr_id(&a[15], o->scan_id);
    free(cj);
    free(vj);
}

/* The new devices (found == false) in one statement; their ids into ids[]. */
static int insert_new(struct sl_store *s, const struct sl_obs_item *items, size_t n,
                      const struct slot *sl, int64_t *ids, struct sl_err *err)
{
    struct sl_arr a[OBS_ARRAYS];
    size_t *which = malloc(n * sizeof *which), k = 0;
    if (which == NULL)
        return sl_err_set(err, "out of memory");
    for (int c = 0; c < OBS_ARRAYS; c++)
        sl_arr_init(&a[c]);
    for (size_t i = 0; i < n; i++)
        if (!sl[i].found) {
            obs_arrays(a, &items[i].obs, &sl[i]);
            which[k++] = i;
        }
    struct sl_q *q = k > 0 ? sl_st(s, INSERT_BATCH, err) : NULL;
    int rc = k == 0 ? 0 : -1;
    if (q != NULL && !bind_arrays(q, a, OBS_ARRAYS))
        sl_err_set(err, "out of memory");
    else if (q != NULL) {
        while ((rc = sl_step(q, "adding a batch of devices", err)) == 1) {
            int64_t i = sl_col_int(q, 0) - 1;
            if (i >= 0 && (size_t)i < k)
                ids[which[i]] = sl_col_int(q, 1);
        }
        sl_reset(q);
    }
    for (int c = 0; q == NULL && c < OBS_ARRAYS; c++)
        sl_arr_free(&a[c]);
    free(which);
    return rc < 0 ? -1 : 0;
}

/* The matched devices in one statement (queued: nobody reads it back). */
static int update_found(struct sl_store *s, const struct sl_obs_item *items, size_t n,
                        const struct slot *sl, const int64_t *ids, struct sl_err *err)
{
    struct sl_arr a[OBS_ARRAYS + 1];
    size_t k = 0;
    for (int c = 0; c <= OBS_ARRAYS; c++)
        sl_arr_init(&a[c]);
    for (size_t i = 0; i < n; i++)
        if (sl[i].found) {
            sl_arr_int(&a[0], ids[i]);
            obs_arrays(a + 1, &items[i].obs, &sl[i]);
            k++;
        }
    struct sl_q *q = k > 0 ? sl_st(s, UPDATE_BATCH, err) : NULL;
    int rc = k == 0 ? 0 : -1;
    if (q != NULL && !bind_arrays(q, a, OBS_ARRAYS + 1))
        sl_err_set(err, "out of memory");
    else if (q != NULL)
        rc = sl_exec_deferred(q, "updating a batch of devices", err);
    for (int c = 0; q == NULL && c <= OBS_ARRAYS; c++)
        sl_arr_free(&a[c]);
    return rc;
}

/* Binds recorded_at (now, never the pinned clock) at ?first and the actor after it. */
static void bind_recorded(struct sl_q *q, int first, const char *actor)
{
    char written[SL_ISO_LEN];
    sl_time_iso(sl_real_now(), written);
    sl_bind_text(q, first, written);
    sl_bind_text(q, first + 1, actor);
}

#define EVENTS_BATCH                                                                             \
    "INSERT INTO lifecycle_events (device_id, at, recorded_at, actor, from_status, to_status,"   \
    " note, scan_id, demo) SELECT u.id, u.at, ?5, ?6, NULL, 'discovered', u.note, u.scan, ?7"    \
    " FROM unnest(?1::bigint[], ?2::timestamptz[], ?3::text[], ?4::bigint[])"                    \
    " AS u(id, at, note, scan)"

/* The creation events of the new devices in one statement (queued). */
static int events_new(struct sl_store *s, const struct sl_obs_item *items, size_t n,
                      const struct slot *sl, const int64_t *ids, const char *actor,
                      struct sl_err *err)
{
    struct sl_arr a[4];
    size_t k = 0;
    for (int c = 0; c < 4; c++)
        sl_arr_init(&a[c]);
    for (size_t i = 0; i < n; i++)
        if (!sl[i].found) {
            sl_arr_int(&a[0], ids[i]);
            sl_arr_text(&a[1], sl[i].seen);
            sl_arr_text(&a[2], sl_device_first_seen_note(sl[i].o.conflict));
            sl_arr_id(&a[3], items[i].obs.scan_id);
            k++;
        }
    struct sl_q *q = k > 0 ? sl_st(s, EVENTS_BATCH, err) : NULL;
    int rc = k == 0 ? 0 : -1;
    if (q != NULL && !bind_arrays(q, a, 4)) {
        sl_err_set(err, "out of memory");
    } else if (q != NULL) {
        bind_recorded(q, 5, actor);
        sl_bind_int(q, 7, s->demo);
        rc = sl_exec_deferred(q, "recording a batch of lifecycle events", err);
    }
    for (int c = 0; q == NULL && c < 4; c++)
        sl_arr_free(&a[c]);
    return rc;
}

/* ---- the verdict history of the devices seen again ---------------------------- */

/* Item i's change as devices.c's record_rejudged describes it. */
static struct sl_verdict_write change_of(const struct sl_obs_item *it, const struct slot *sl,
                                         int64_t id, const char *actor)
{
    const struct sl_device_obs *o = &it->obs;
    return (struct sl_verdict_write){id, sl->seen, actor, "observation", o->scan_id,
                                     &sl->old_c, o->claim != NULL ? o->claim : &no_claim,
                                     &sl->old_v, o->verdict != NULL ? o->verdict : &no_verdict};
}

/* verdicts.c's insert_change for a set of changes: the columns in the order
 * of the arrays, actor, via and recorded_at the same for all. */
#define VERDICT_ARRAYS 18
#define VERDICTS_BATCH                                                                           \
    "INSERT INTO verdict_events (device_id, at, recorded_at, actor, via, scan_id,"               \
    " claim_changed, verdict_changed, from_claim, to_claim, from_decision, to_decision,"          \
    " from_policy, to_policy, from_deadline, to_deadline, policy_version, rules, reason,"        \
    " from_manufacturer, to_manufacturer) SELECT u.id, u.at, ?19, ?20, 'observation', u.scan,"   \
    " u.cc, u.vc, u.fc, u.tc, u.fd, u.td, u.fp, u.tp, u.fdl, u.tdl, u.pv, u.rules, u.reason,"   \
    " u.fm, u.tm FROM unnest(?1::bigint[], ?2::timestamptz[], ?3::bigint[], ?4::bigint[],"       \
    " ?5::bigint[], ?6::text[], ?7::text[], ?8::text[], ?9::text[], ?10::text[], ?11::text[],"   \
    " ?12::text[], ?13::text[], ?14::text[], ?15::text[], ?16::text[], ?17::text[],"            \
    " ?18::text[]) WITH ORDINALITY AS u(id, at, scan, cc, vc, fc, tc, fd, td, fp, tp, fdl, tdl,"  \
    " pv, rules, reason, fm, tm, i) ORDER BY u.i"

/* One change's row into the arrays; false when out of memory. */
static bool change_arrays(struct sl_arr *a, const struct sl_verdict_write *w, int what)
{
    char *fc = sl_verdict_claim_text(w->from_c), *tc = sl_verdict_claim_text(w->to_c);
    char rules[SL_CLAIM_RULES_TEXT];
    sl_claim_rules_text(w->to_c, " ", rules, sizeof rules);
    sl_arr_int(&a[0], w->device_id);
    sl_arr_text(&a[1], w->at);
    sl_arr_id(&a[2], w->scan_id);
    sl_arr_int(&a[3], (what & SL_CHANGED_CLAIM) != 0);
    sl_arr_int(&a[4], (what & SL_CHANGED_VERDICT) != 0);
    sl_arr_text(&a[5], fc);
    sl_arr_text(&a[6], tc);
    sl_arr_text(&a[7], sl_decision_name(w->from_v->decision));
    sl_arr_text(&a[8], sl_decision_name(w->to_v->decision));
    sl_arr_text(&a[9], w->from_v->policy);
    sl_arr_text(&a[10], w->to_v->policy);
    sl_arr_text(&a[11], w->from_v->deadline);
    sl_arr_text(&a[12], w->to_v->deadline);
    sl_arr_text(&a[13], w->to_v->policy_version);
    sl_arr_text(&a[14], rules);
    sl_arr_text(&a[15], w->to_v->reason);
    sl_arr_text(&a[16], w->from_c->manufacturer);
    sl_arr_text(&a[17], w->to_c->manufacturer);
    bool ok = fc != NULL && tc != NULL;
    free(fc);
    free(tc);
    return ok;
}

/* The verdict history rows of the devices seen again whose claim or verdict
 * changed, in one statement (queued); sl[i].what says which changed. */
static int verdicts_found(struct sl_store *s, const struct sl_obs_item *items, size_t n,
                          struct slot *sl, const int64_t *ids, const char *actor,
                          struct sl_err *err)
{
    if (s->version < SL_SCHEMA_VERDICT_HISTORY)
        return 0;
    struct sl_arr a[VERDICT_ARRAYS];
    for (int c = 0; c < VERDICT_ARRAYS; c++)
        sl_arr_init(&a[c]);
    size_t k = 0;
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        if (!sl[i].found)
            continue;
        struct sl_verdict_write w = change_of(&items[i], &sl[i], ids[i], actor);
        sl[i].what = sl_verdict_what(&w);
        if (sl[i].what != 0) {
            ok = change_arrays(a, &w, sl[i].what) && ok;
            k++;
        }
    }
    struct sl_q *q = k > 0 && ok ? sl_st(s, VERDICTS_BATCH, err) : NULL;
    int rc = k == 0 ? 0 : ok ? -1 : sl_err_set(err, "out of memory");
    if (q != NULL && !bind_arrays(q, a, VERDICT_ARRAYS)) {
        sl_err_set(err, "out of memory");
    } else if (q != NULL) {
        bind_recorded(q, 19, actor);
        rc = sl_exec_deferred(q, "recording a batch of verdict changes", err);
    }
    for (int c = 0; q == NULL && c < VERDICT_ARRAYS; c++)
        sl_arr_free(&a[c]);
    return rc;
}

static const char *or_null(const char *v)
{
    return v != NULL && *v != '\0' ? v : NULL;
}

/* One evidence row, as evidence_add_many binds it, hashed the same way. */
static void copy_evidence(struct sl_buf *b, int64_t scan_id, int64_t device_id,
                          const char *address, const struct sl_evidence *ev, EVP_MD_CTX *md,
                          bool *bad)
{
    struct sl_ev_row r;
    sl_evidence_row_of(ev, &r);
    char scan[24], dev[24], port[12];
    snprintf(scan, sizeof scan, "%lld", (long long)scan_id);
    snprintf(dev, sizeof dev, "%lld", (long long)device_id);
    snprintf(port, sizeof port, "%d", (int)ev->port);
    sl_copy_field(b, scan_id > 0 ? scan : NULL, false, bad);
    sl_copy_field(b, device_id > 0 ? dev : NULL, false, bad);
    sl_copy_field(b, or_null(address), false, bad);
    sl_copy_field(b, sl_proto_name(ev->proto), false, bad);
    sl_copy_field(b, port, false, bad);
    sl_copy_field(b, or_null(ev->path), false, bad);
    sl_copy_field(b, or_null(ev->request), false, bad);
    sl_copy_field(b, sl_outcome_name(ev->outcome), false, bad);
    sl_copy_field(b, or_null(ev->detail), false, bad);
    sl_copy_field(b, r.at, false, bad);
    sl_copy_field(b, r.truncated ? "t" : "f", false, bad);
    if (r.n > 0)
        sl_copy_bytes(b, ev->data, r.n, true, bad);
    else
        sl_copy_field(b, NULL, true, bad);
    sl_evidence_hash(md, scan_id, address, ev, &r);
}

#define COPY_EVIDENCE                                                                            \
    "COPY evidence (scan_id, device_id, address, proto, port, path, request, outcome, detail,"  \
    " observed_at, truncated, data) FROM STDIN"
#define COPY_CHUNK (8u << 20) /* bytes of rows per COPY */


/* Item i's audit entries, in the one-by-one order: the device's (created or
 * moved), then its evidence's (rows already hashed into md). */
static int audit_item(struct sl_store *s, const struct sl_obs_item *it, const struct slot *sl,
                      int64_t id, const char *actor, EVP_MD_CTX *md, struct sl_err *err)
{
    const struct sl_device_obs *o = &it->obs;
    if (!sl->found && sl_device_audit_created(s, o, actor, id, sl->o.conflict, err) != 0)
        return -1;
    if (sl->found && sl->o.moved &&
        sl_device_audit_moved(s, actor, id, sl->m.address, o, err) != 0)
        return -1;
    if (sl->found && sl->what != 0) {
        struct sl_verdict_write w = change_of(it, sl, id, actor);
        if (sl_verdict_audit(s, &w, sl->what, err) != 0)
            return -1;
    }
    if (it->n_evs == 0)
        return 0;
    return sl_evidence_audit(s, o->scan_id, id, o->address, it->n_evs, md, actor, err);
}

/* Every item's evidence rows by COPY (in chunks of COPY_CHUNK bytes) and every
 * item's audit entries, queued for the commit. */
static int evidence_and_audit(struct sl_store *s, const struct sl_obs_item *items, size_t n,
                              const struct slot *sl, const int64_t *ids, const char *actor,
                              struct sl_err *err)
{
    struct sl_buf b;
    sl_buf_init(&b, COPY_CHUNK + 2 * SL_EVIDENCE_MAX_BYTES + 4096);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc = md == NULL ? sl_err_set(err, "out of memory") : 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct sl_obs_item *it = &items[i];
        bool bad = EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1;
        for (size_t e = 0; e < it->n_evs && !bad; e++) {
            copy_evidence(&b, it->obs.scan_id, ids[i], it->obs.address, it->evs[e], md, &bad);
            if (!bad && b.len >= COPY_CHUNK) {
                if (s->be->copy_in(s, COPY_EVIDENCE, (const char *)b.data, b.len, err) != 0)
                    rc = sl_err_prefix(err, "storing a batch of evidence");
                sl_buf_reset(&b);
            }
        }
        if (rc == 0 && bad)
            rc = sl_err_set(err, "out of memory");
        if (rc == 0)
            rc = audit_item(s, it, &sl[i], ids[i], actor, md, err);
    }
    if (rc == 0 && b.len > 0 &&
        s->be->copy_in(s, COPY_EVIDENCE, (const char *)b.data, b.len, err) != 0)
        rc = sl_err_prefix(err, "storing a batch of evidence");
    EVP_MD_CTX_free(md);
    sl_buf_free(&b);
    return rc;
}

/* The batch's scans and sites exist (no foreign key checks evidence's since
 * migration 14, nor on PostgreSQL a device's since 17): one look-up per run
 * of items sharing a scan and site, one per batch as a rule. */
static int check_refs(struct sl_store *s, const struct sl_obs_item *items, size_t n,
                      struct sl_err *err)
{
    int64_t last_scan = 0, last_site = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t scan = items[i].obs.scan_id, site = items[i].obs.site_id;
        int64_t new_scan = scan > 0 && scan != last_scan ? scan : 0;
        int64_t new_site = site > 0 && site != last_site ? site : 0;
        if ((new_scan || new_site) && sl_refs_check(s, new_scan, 0, new_site, err) != 0)
            return -1;
        last_scan = scan > 0 ? scan : last_scan;
        last_site = site > 0 ? site : last_site;
    }
    return 0;
}

/* Long: the set-based path, step by step; each step is one statement. */
static int set_based(struct sl_store *s, const struct sl_obs_item *items, size_t n,
                     struct slot *sl, const char *actor, int64_t *ids, struct sl_observed *out,
                     bool *fallback, struct sl_err *err)
{
    if (lock_batch(s, items, n, err) != 0 || match_batch(s, items, n, sl, ids, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        memset(&sl[i].o, 0, sizeof sl[i].o);
        sl[i].o.prior_status = -1;
        if (sl[i].found && !sl_device_match_holds(&items[i].obs, &sl[i].m, &sl[i].o))
            sl[i].found = false;
        if (!sl[i].found)
            ids[i] = 0;
    }
    /* One device matched twice: only the one-by-one order gets it right. */
    if (same_device_twice(sl, ids, n)) {
        *fallback = true; /* nothing written yet */
        return 0;
    }
    if (check_refs(s, items, n, err) != 0 || insert_new(s, items, n, sl, ids, err) != 0 ||
        update_found(s, items, n, sl, ids, err) != 0 ||
        verdicts_found(s, items, n, sl, ids, actor, err) != 0 ||
        events_new(s, items, n, sl, ids, actor, err) != 0 ||
        evidence_and_audit(s, items, n, sl, ids, actor, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        out[i] = sl[i].o;
        out[i].created = !sl[i].found;
    }
    return 0;
}

int sl_store_observe_batch(struct sl_store *s, const struct sl_obs_item *items, size_t n,
                           const char *actor, int64_t *ids, struct sl_observed *out,
                           struct sl_err *err)
{
    if (n == 0)
        return 0;
    if (n > SL_OBS_BATCH_MAX)
        return sl_err_setk(err, SL_ERR_INVALID, "a batch of %zu observations (at most %d)", n,
                           SL_OBS_BATCH_MAX);
    struct slot *sl = calloc(n, sizeof *sl);
    struct sl_observed *own = out == NULL ? calloc(n, sizeof *own) : NULL;
    if (sl == NULL || (out == NULL && own == NULL)) {
        free(sl);
        free(own);
        return sl_err_set(err, "out of memory");
    }
    if (out == NULL)
        out = own;
    for (size_t i = 0; i < n; i++)
        sl_time_iso(items[i].obs.seen_at > 0 ? items[i].obs.seen_at : sl_now(), sl[i].seen);
    if (sl_store_begin(s, err) != 0) {
        free(sl);
        free(own);
        return -1;
    }
    int rc = 0;
    bool oom = false, fallback = s->be->copy_in == NULL || s->version < 6;
    if (!fallback)
        fallback = shares_identity(items, n, err, &oom);
    if (oom)
        rc = -1;
    if (rc == 0 && !fallback)
        rc = set_based(s, items, n, sl, actor, ids, out, &fallback, err);
    if (rc == 0 && fallback) {
        s->batches_one_by_one++;
        rc = one_by_one(s, items, n, actor, ids, out, err);
    }
    free(sl);
    free(own);
    if (rc != 0) {
        sl_store_rollback(s);
        return -1;
    }
    return sl_store_commit(s, err);
}

int64_t sl_store_batches_one_by_one(const struct sl_store *s)
{
    return s->batches_one_by_one;
}
