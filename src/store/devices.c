/* devices.c - devices, their observations and lifecycle events. */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

static const char *const status_names[SL_STATUS_COUNT] = {
    "discovered", "confirmed", "scheduled", "removed", "verified_absent", "exempt", "reappeared",
};

const char *sl_status_name(enum sl_status st)
{
    return (unsigned)st < SL_STATUS_COUNT ? status_names[st] : "discovered";
}

int sl_status_from_name(const char *name, enum sl_status *out)
{
    for (int i = 0; i < SL_STATUS_COUNT; i++) {
        if (strcmp(status_names[i], name) == 0) {
            *out = (enum sl_status)i;
            return 0;
        }
    }
    return -1;
}

static bool empty(const char *s)
{
    return s == NULL || *s == '\0';
}

/* Serialises a JSON value compactly with sorted keys; caller frees. */
static char *dump(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

static int audit_device(struct sl_store *s, const char *actor, const char *action, int64_t id,
                        json_t *detail, struct sl_err *err)
{
    char object[32];
    snprintf(object, sizeof object, "device:%lld", (long long)id);
    char *dj = dump(detail);
    int rc = sl_store_audit(s, actor, action, object, dj != NULL ? dj : "{}", err);
    free(dj);
    return rc;
}

#define DEVICE_COLUMNS                                                                           \
    "d.id, d.site_id, s.name, d.mac, d.serial, d.address, d.ports, d.claim, d.verdict,"         \
    " d.status, d.status_since, d.scheduled_for, d.replaced_by, d.exempt_reason,"               \
    " d.exempt_approver, d.exempt_until, d.first_seen, d.last_seen, d.last_scan_id, d.decision"

static void row_to_device(struct sl_q *st, struct sl_device *d)
{
    memset(d, 0, sizeof *d);
    d->id = sl_col_int(st, 0);
    d->site_id = sl_col_int(st, 1);
    sl_col_text(st, 2, d->site, sizeof d->site);
    sl_col_text(st, 3, d->mac, sizeof d->mac);
    sl_col_text(st, 4, d->serial, sizeof d->serial);
    sl_col_text(st, 5, d->address, sizeof d->address);
    sl_col_text(st, 6, d->ports, sizeof d->ports);
    const char *cj = sl_col_str(st, 7);
    json_t *j = cj != NULL ? json_loads(cj, 0, NULL) : NULL;
    sl_claim_from_json(j, &d->claim);
    json_decref(j);
    const char *vj = sl_col_str(st, 8);
    j = vj != NULL ? json_loads(vj, 0, NULL) : NULL;
    if (sl_verdict_from_json(j, &d->verdict) != 0)
        memset(&d->verdict, 0, sizeof d->verdict);
    json_decref(j);
    char status[24];
    sl_col_text(st, 9, status, sizeof status);
    if (sl_status_from_name(status, &d->status) != 0)
        d->status = SL_STATUS_DISCOVERED;
    sl_col_text(st, 10, d->status_since, sizeof d->status_since);
    sl_col_text(st, 11, d->scheduled_for, sizeof d->scheduled_for);
    sl_col_text(st, 12, d->replaced_by, sizeof d->replaced_by);
    sl_col_text(st, 13, d->exempt_reason, sizeof d->exempt_reason);
    sl_col_text(st, 14, d->exempt_approver, sizeof d->exempt_approver);
    sl_col_text(st, 15, d->exempt_until, sizeof d->exempt_until);
    sl_col_text(st, 16, d->first_seen, sizeof d->first_seen);
    sl_col_text(st, 17, d->last_seen, sizeof d->last_seen);
    d->last_scan_id = sl_col_int(st, 18);
    enum sl_decision dec; /* the column is what the figures count */
    if (sl_decision_from_name(sl_col_str(st, 19) != NULL ? sl_col_str(st, 19) : "", &dec) == 0)
        d->verdict.decision = dec;
}

static int step_one_id(struct sl_q *st, int64_t *id, struct sl_err *err)
{
    int rc = sl_step(st, NULL, err);
    if (rc == 1) {
        *id = sl_col_int(st, 0);
        sl_reset(st);
        return 1;
    }
    sl_reset(st);
    if (rc == 0)
        return 0;
    return sl_err_prefix(err, "finding a device");
}

int sl_device_identity_keys(const struct sl_device_obs *obs, char buf[3][200],
                            const char *keys[3])
{
    /* Always in this order (MAC, serial, address), so two observations never
     * wait for each other in a cycle. */
    int n = 0;
    if (!empty(obs->mac)) {
        snprintf(buf[n], sizeof buf[n], "mac:%s", obs->mac);
        keys[n] = buf[n];
        n++;
    }
    if (!empty(obs->serial)) {
        snprintf(buf[n], sizeof buf[n], "serial:%s", obs->serial);
        keys[n] = buf[n];
        n++;
    }
    if (!empty(obs->address)) {
        snprintf(buf[n], sizeof buf[n], "address:%lld:%s", (long long)obs->site_id,
                 obs->address);
        keys[n] = buf[n];
        n++;
    }
    return n;
}

static int lock_identity(struct sl_store *s, const struct sl_device_obs *obs,
                         struct sl_err *err)
{
    char buf[3][200];
    const char *keys[3];
    int n = sl_device_identity_keys(obs, buf, keys);
    return n > 0 ? s->be->lock_keys(s, keys, n, err) : 0;
}

/* The three ways an observation can name a device, tried in order (MAC,
 * serial, address within the site) in one statement: one round trip. */
#define MATCH_BY_ID                                                                             \
    "SELECT k, id FROM (SELECT 1 AS k, id FROM devices WHERE mac = ?1 ORDER BY id LIMIT 1) AS m" \
    " UNION ALL SELECT k, id FROM (SELECT 2 AS k, id FROM devices WHERE serial = ?4"            \
    " ORDER BY id LIMIT 1) AS s UNION ALL SELECT k, id FROM (SELECT 3 AS k, id FROM devices"    \
    " WHERE address = ?2"
/* The same address is the same device only when nothing says otherwise: a
 * replacement camera often takes the address of the one it replaced, so a
 * different MAC, serial or manufacturer means a different device. */
#define MATCH_ADDRESS                                                                           \
    " AND (mac IS NULL OR mac = ?1 OR ?1 IS NULL)"                                              \
    " AND (serial IS NULL OR serial = ?4 OR ?4 IS NULL)"                                        \
    " AND (manufacturer IS NULL OR manufacturer = ?5 OR ?5 IS NULL)"                            \
    " ORDER BY last_seen DESC, id DESC LIMIT 1"
#define MATCH_BY_ADDRESS MATCH_ADDRESS ") AS a ORDER BY k LIMIT 1"

/* Binds an observation's identity (?1 MAC, ?2 address, ?3 site, ?4 serial,
 * ?5 manufacturer) and reads the matched id from column 1. */
static int bind_match(struct sl_q *st, const struct sl_device_obs *obs, int64_t *id,
                      struct sl_err *err)
{
    const char *manufacturer = obs->claim != NULL ? obs->claim->manufacturer : "";
    sl_bind_text_or_null(st, 1, obs->mac);
    sl_bind_text_or_null(st, 2, obs->address);
    if (obs->site_id > 0)
        sl_bind_int(st, 3, obs->site_id);
    sl_bind_text_or_null(st, 4, obs->serial);
    sl_bind_text_or_null(st, 5, manufacturer);
    int rc = sl_step(st, "matching a device", err);
    if (rc == 1)
        *id = sl_col_int(st, 1);
    sl_reset(st);
    return rc;
}

/* In-process (SQLite) three small queries cost less than one with a temporary
 * sort per branch; over a network one round trip costs more than either. */
static int match_one_by_one(struct sl_store *s, const struct sl_device_obs *obs, int64_t *id,
                            struct sl_err *err)
{
    struct sl_q *st;
    int rc;
    if (!empty(obs->mac)) {
        st = sl_st(s, "SELECT id FROM devices WHERE mac = ?1 ORDER BY id LIMIT 1", err);
        if (st == NULL)
            return -1;
        sl_bind_text(st, 1, obs->mac);
        if ((rc = step_one_id(st, id, err)) != 0)
            return rc;
    }
    if (!empty(obs->serial)) {
        st = sl_st(s, "SELECT id FROM devices WHERE serial = ?1 ORDER BY id LIMIT 1", err);
        if (st == NULL)
            return -1;
        sl_bind_text(st, 1, obs->serial);
        if ((rc = step_one_id(st, id, err)) != 0)
            return rc;
    }
    if (empty(obs->address))
        return 0;
    st = sl_st(s,
               obs->site_id > 0
                   ? "SELECT 3, id FROM devices WHERE address = ?2 AND site_id = ?3" MATCH_ADDRESS
                   : "SELECT 3, id FROM devices WHERE address = ?2 AND site_id IS NULL"
                         MATCH_ADDRESS,
               err);
    if (st == NULL)
        return -1;
    return bind_match(st, obs, id, err);
}

int sl_store_device_match(struct sl_store *s, const struct sl_device_obs *obs, int64_t *id,
                          struct sl_err *err)
{
    if (empty(obs->mac) && empty(obs->serial) && empty(obs->address))
        return 0;
    if (!s->be->remote)
        return match_one_by_one(s, obs, id, err);
    /* Two texts, not "site_id IS NOT DISTINCT FROM ?3": PostgreSQL uses the
     * (address, site_id) index only for an equality or IS NULL. */
    struct sl_q *st =
        sl_st(s,
              obs->site_id > 0 ? MATCH_BY_ID " AND site_id = ?3" MATCH_BY_ADDRESS
                               : MATCH_BY_ID " AND site_id IS NULL" MATCH_BY_ADDRESS,
              err);
    if (st == NULL)
        return -1;
    return bind_match(st, obs, id, err);
}

static int insert_event(struct sl_store *s, int64_t device_id, const char *at, const char *actor,
                        int from_status, enum sl_status to, const struct sl_event *ev,
                        struct sl_err *err)
{
    char now[SL_ISO_LEN], written[SL_ISO_LEN];
    sl_time_iso(sl_now(), now);
    sl_time_iso(sl_real_now(), written); /* recorded_at is never the pinned clock */
    struct sl_q *st =
        s->version >= 6
            ? sl_st(s,
                    "INSERT INTO lifecycle_events (device_id, at, recorded_at, actor,"
                    " from_status, to_status, note, replaced_by, scheduled_for, exempt_until,"
                    " exempt_approver, scan_id, demo)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                    err)
            : sl_st(s,
                    "INSERT INTO lifecycle_events (device_id, at, recorded_at, actor,"
                    " from_status, to_status, note, replaced_by, scheduled_for, exempt_until,"
                    " exempt_approver, scan_id)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                    err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, device_id);
    sl_bind_text(st, 2, empty(at) ? now : at);
    sl_bind_text(st, 3, written);
    if (s->version >= 6)
        sl_bind_int(st, 13, s->demo);
    sl_bind_text(st, 4, actor);
    if (from_status >= 0)
        sl_bind_text(st, 5, sl_status_name((enum sl_status)from_status));
    else
        sl_bind_null(st, 5);
    sl_bind_text(st, 6, sl_status_name(to));
    if (ev != NULL) {
        sl_bind_text_or_null(st, 7, ev->note);
        sl_bind_text_or_null(st, 8, ev->replaced_by);
        sl_bind_text_or_null(st, 9, ev->scheduled_for);
        sl_bind_text_or_null(st, 10, ev->exempt_until);
        sl_bind_text_or_null(st, 11, ev->exempt_approver);
        if (ev->scan_id > 0)
            sl_bind_int(st, 12, ev->scan_id);
    }
    return sl_exec_deferred(st, "recording a lifecycle event", err);
}

/* What the register holds of a matched device, to judge the match, and its
 * claim and verdict before the observation (for the verdict history). */
struct matched {
    struct sl_matched b;
    struct sl_claim claim;
    struct sl_verdict verdict;
};

void sl_matched_read(struct sl_q *q, int first, struct sl_matched *m)
{
    sl_col_text(q, first, m->address, sizeof m->address);
    sl_col_text(q, first + 1, m->mac, sizeof m->mac);
    sl_col_text(q, first + 2, m->serial, sizeof m->serial);
    sl_col_text(q, first + 3, m->manufacturer, sizeof m->manufacturer);
    m->last_scan_id = sl_col_int(q, first + 4);
    if (sl_status_from_name(sl_col_str(q, first + 5), &m->status) != 0)
        m->status = SL_STATUS_DISCOVERED;
}

static int read_matched(struct sl_store *s, int64_t id, struct matched *m,
                        struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "SELECT address, mac, serial, manufacturer, last_scan_id, status,"
                            " claim, verdict, decision FROM devices WHERE id = ?1",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, id);
    int rc = sl_step(st, "reading a matched device", err);
    if (rc == 1) {
        sl_matched_read(st, 0, &m->b);
        sl_judged_from_columns(sl_col_str(st, 6), sl_col_str(st, 7), sl_col_str(st, 8), &m->claim,
                               &m->verdict);
    }
    sl_reset(st);
    return rc < 0 ? -1 : 0;
}

/* Judges a match: a device-asserted identifier is trusted only when nothing
 * else contradicts it. Returns false when the observation must be a new
 * device (out->conflict set). */
bool sl_device_match_holds(const struct sl_device_obs *obs, const struct sl_matched *m,
                           struct sl_observed *out)
{
    const char *maker = obs->claim != NULL ? obs->claim->manufacturer : "";
    bool by_mac = !empty(obs->mac) && strcmp(obs->mac, m->mac) == 0;
    bool by_serial = !empty(obs->serial) && strcmp(obs->serial, m->serial) == 0;
    bool same_maker = !empty(maker) && m->manufacturer[0] && sl_str_eq_nocase(maker, m->manufacturer);
    bool other_address = !empty(obs->address) && m->address[0] && strcmp(obs->address, m->address) != 0;
    bool other_maker = !empty(maker) && m->manufacturer[0] && !same_maker;
    if ((by_mac || by_serial) &&
        ((obs->scan_id > 0 && m->last_scan_id == obs->scan_id && other_address) || other_maker)) {
        out->conflict = true;
        return false;
    }
    out->positive = by_mac || by_serial || same_maker;
    out->moved = other_address;
    out->prior_status = (int)m->status;
    return true;
}

int sl_device_audit_moved(struct sl_store *s, const char *actor, int64_t id, const char *from,
                          const struct sl_device_obs *obs, struct sl_err *err)
{
    json_t *detail = json_pack("{s:s, s:s, s:I}", "from", from, "to", obs->address, "scan",
                               (json_int_t)obs->scan_id);
    return audit_device(s, actor, "device.address", id, detail, err);
}

const char *sl_device_first_seen_note(bool conflict)
{
    return conflict ? "first seen (its claimed MAC or serial belongs to another device)"
                    : "first seen";
}

int sl_device_audit_created(struct sl_store *s, const struct sl_device_obs *obs,
                            const char *actor, int64_t id, bool conflict, struct sl_err *err)
{
    static const struct sl_claim no_claim;
    const struct sl_claim *c = obs->claim != NULL ? obs->claim : &no_claim;
    json_t *detail = json_pack(
        "{s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:I}", "address", obs->address, "mac",
        empty(obs->mac) ? NULL : obs->mac, "manufacturer",
        empty(c->manufacturer) ? NULL : c->manufacturer, "brand", empty(c->brand) ? NULL : c->brand,
        "model", empty(c->model) ? NULL : c->model, "decision",
        sl_decision_name(obs->verdict != NULL ? obs->verdict->decision : SL_DECISION_REVIEW),
        "scan", (json_int_t)obs->scan_id);
    if (conflict)
        json_object_set_new(detail, "conflicting_identity", json_true());
    return audit_device(s, actor, "device.discover", id, detail, err);
}

/* The new device's creation event and audit entry. */
static int record_created(struct sl_store *s, const struct sl_device_obs *obs, const char *seen,
                          const char *actor, int64_t id, bool conflict, struct sl_err *err)
{
    struct sl_event ev = {0};
    ev.scan_id = obs->scan_id;
    sl_strlcpy(ev.note, sl_device_first_seen_note(conflict), sizeof ev.note);
    if (insert_event(s, id, seen, actor, -1, SL_STATUS_DISCOVERED, &ev, err) != 0)
        return -1;
    return sl_device_audit_created(s, obs, actor, id, conflict, err);
}

/* Finds the device an observation is, judged (match_holds). 1 found, 0 new, -1. */
static int find_device(struct sl_store *s, const struct sl_device_obs *obs, int64_t *id,
                       struct sl_observed *out, struct matched *m, struct sl_err *err)
{
    int found = sl_store_device_match(s, obs, id, err);
    if (found <= 0)
        return found;
    memset(m, 0, sizeof *m);
    if (read_matched(s, *id, m, err) != 0)
        return -1;
    return sl_device_match_holds(obs, &m->b, out) ? 1 : 0;
}

/* The observation's claim and verdict replace the matched device's: a change
 * goes into the verdict history, dated when the device was seen. */
static int record_rejudged(struct sl_store *s, const struct sl_device_obs *obs,
                           const struct matched *m, const char *seen, const char *actor,
                           int64_t id, const struct sl_claim *c, const struct sl_verdict *v,
                           struct sl_err *err)
{
    struct sl_verdict_write w = {id, seen, actor, "observation", obs->scan_id,
                                 &m->claim, c, &m->verdict, v};
    return sl_verdict_record(s, &w, NULL, err);
}

/* Long: match, merge and write one observation as one transaction; the SQL
 * of the two writes takes most of it. */
int sl_store_device_observe_ex(struct sl_store *s, const struct sl_device_obs *obs,
                               const char *actor, int64_t *id_out, struct sl_observed *out,
                               struct sl_err *err)
{
    static const struct sl_claim no_claim;
    static const struct sl_verdict no_verdict;
    struct sl_observed local;
    if (out == NULL)
        out = &local;
    memset(out, 0, sizeof *out);
    out->prior_status = -1;
    const struct sl_claim *c = obs->claim != NULL ? obs->claim : &no_claim;
    const struct sl_verdict *v = obs->verdict != NULL ? obs->verdict : &no_verdict;
    char seen[SL_ISO_LEN];
    sl_time_iso(obs->seen_at > 0 ? obs->seen_at : sl_now(), seen);
    char *claim_json = dump(sl_claim_to_json(c));
    char *verdict_json = dump(sl_verdict_to_json(v));
    int64_t id = 0;
    struct matched *m = calloc(1, sizeof *m);
    if (m == NULL || sl_store_begin(s, err) != 0) {
        if (m == NULL)
            sl_err_set(err, "out of memory");
        free(m);
        free(claim_json);
        free(verdict_json);
        return -1;
    }
    /* The site and scan exist (on PostgreSQL no foreign key checks them since
     * migration 17). Two writers observing the same device at once: the
     * second waits at the lock until the first commits, then finds the device
     * the first created. */
    if (sl_refs_check(s, obs->scan_id, 0, obs->site_id, err) != 0 ||
        lock_identity(s, obs, err) != 0)
        goto fail;
    int found = find_device(s, obs, &id, out, m, err);
    if (found < 0)
        goto fail;
    struct sl_q *st;
    if (found) {
        st = sl_st(s,
                   "UPDATE devices SET"
                   " mac = COALESCE(mac, ?2), serial = COALESCE(serial, ?3),"
                   " address = COALESCE(?4, address), ports = COALESCE(?5, ports),"
                   " site_id = COALESCE(site_id, ?6),"
                   " manufacturer = ?7, brand = ?8, model = ?9, firmware = ?10,"
                   " device_type = ?11, confidence = ?12, claim = ?13, decision = ?14,"
                   " verdict = ?15, last_seen = ?16, last_scan_id = COALESCE(?17, last_scan_id)"
                   " WHERE id = ?1",
                   err);
        if (st == NULL)
            goto fail;
        sl_bind_int(st, 1, id);
    } else {
        st = sl_st(s,
                   "INSERT INTO devices (mac, serial, address, ports, site_id, manufacturer,"
                   " brand, model, firmware, device_type, confidence, claim, decision, verdict,"
                   " last_seen, last_scan_id, status, status_since, first_seen)"
                   " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
                   " ?17, 'discovered', ?16, ?16) RETURNING id",
                   err);
        if (st == NULL)
            goto fail;
    }
    /* A claimed identifier that belongs to another device is not stored as
     * this one's: it stays in the claim, where it was said. */
    sl_bind_text_or_null(st, 2, out->conflict ? NULL : obs->mac);
    sl_bind_text_or_null(st, 3, out->conflict ? NULL : obs->serial);
    sl_bind_text_or_null(st, 4, obs->address);
    sl_bind_text_or_null(st, 5, obs->ports);
    if (obs->site_id > 0)
        sl_bind_int(st, 6, obs->site_id);
    sl_bind_judged(st, 7, c, claim_json, v, verdict_json);
    sl_bind_text(st, 16, seen);
    if (obs->scan_id > 0)
        sl_bind_int(st, 17, obs->scan_id);
    if (found && (sl_exec_deferred(st, "updating a device", err) != 0 ||
                  (out->moved &&
                   sl_device_audit_moved(s, actor, id, m->b.address, obs, err) != 0) ||
                  record_rejudged(s, obs, m, seen, actor, id, c, v, err) != 0))
        goto fail;
    if (!found && (sl_one_int(st, &id, "adding a device", err) != 1 ||
                   record_created(s, obs, seen, actor, id, out->conflict, err) != 0))
        goto fail;
    if (sl_store_commit(s, err) != 0)
        goto fail_no_rollback;
    free(m);
    free(claim_json);
    free(verdict_json);
    if (id_out != NULL)
        *id_out = id;
    out->created = !found;
    return 0;
fail:
    sl_store_rollback(s);
fail_no_rollback:
    free(m);
    free(claim_json);
    free(verdict_json);
    return -1;
}

int sl_store_device_observe(struct sl_store *s, const struct sl_device_obs *obs,
                            const char *actor, int64_t *id, bool *created, struct sl_err *err)
{
    struct sl_observed o;
    int rc = sl_store_device_observe_ex(s, obs, actor, id, &o, err);
    if (rc == 0 && created != NULL)
        *created = o.created;
    return rc;
}

int sl_store_device_get(struct sl_store *s, int64_t id, struct sl_device *d, struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                             "SELECT " DEVICE_COLUMNS " FROM devices d"
                             " LEFT JOIN sites s ON s.id = d.site_id WHERE d.id = ?1",
                             err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, id);
    int rc = sl_step(st, NULL, err);
    if (rc == 1) {
        row_to_device(st, d);
        sl_reset(st);
        return 1;
    }
    sl_reset(st);
    if (rc == 0)
        return 0;
    return sl_err_prefix(err, "reading a device");
}

char *sl_device_select_in(char *(*with_id_list)(const char *head, const char *tail))
{
    return with_id_list("SELECT " DEVICE_COLUMNS " FROM devices d"
                        " LEFT JOIN sites s ON s.id = d.site_id WHERE d.id IN ",
                        "");
}

int sl_store_device_get_many(struct sl_store *s, const int64_t *ids, size_t n,
                             struct sl_device *out, bool *found, struct sl_err *err)
{
    struct sl_q *st = sl_store_in_query(s, 1, ids, n, err);
    if (st == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        found[i] = false;
    int rc;
    while ((rc = sl_step(st, "reading devices", err)) == 1) {
        int64_t id = sl_col_int(st, 0);
        for (size_t i = 0; i < n; i++) {
            if (ids[i] == id && !found[i]) {
                row_to_device(st, &out[i]);
                found[i] = true;
            }
        }
    }
    sl_reset(st);
    return rc < 0 ? -1 : 0;
}

int sl_store_device_find(struct sl_store *s, const char *key, struct sl_device *d,
                         struct sl_err *err)
{
    int64_t id;
    if (sl_parse_i64(key, 1, INT64_MAX, &id) == 0) {
        int rc = sl_store_device_get(s, id, d, err);
        if (rc != 0)
            return rc;
    }
    struct sl_q *st = sl_st(
        s,
        sl_sql(s,
               "SELECT id FROM devices WHERE mac = lower(?1) OR serial = ?1"
               " OR address = ?1 ORDER BY (CASE WHEN mac = lower(?1) THEN 1 ELSE 0 END) DESC,"
               " (CASE WHEN serial = ?1 THEN 1 ELSE 0 END) DESC, last_seen DESC LIMIT 1",
               "SELECT id FROM devices WHERE mac = lower(?1) OR serial = ?1"
               " OR host(address) = ?1"
               " ORDER BY (CASE WHEN mac = lower(?1) THEN 1 ELSE 0 END) DESC,"
               " (CASE WHEN serial = ?1 THEN 1 ELSE 0 END) DESC, last_seen DESC LIMIT 1"),
        err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, key);
    int rc = step_one_id(st, &id, err);
    if (rc <= 0)
        return rc;
    return sl_store_device_get(s, id, d, err);
}

/* Steps a bound device query, calling cb for each row until it returns
 * non-zero. Resets the statement. 0 or -1. */
static int walk_devices(struct sl_q *st, sl_device_cb cb, void *ctx, const char *what,
                        struct sl_err *err)
{
    int rc;
    struct sl_device *d = malloc(sizeof *d);
    if (d == NULL) {
        sl_reset(st);
        return sl_err_set(err, "out of memory");
    }
    while ((rc = sl_step(st, NULL, err)) == 1) {
        row_to_device(st, d);
        if (cb(d, ctx) != 0)
            break;
    }
    free(d);
    sl_reset(st);
    if (rc != 1 && rc != 0)
        return sl_err_prefix(err, "%s", what);
    return 0;
}

int sl_store_device_list(struct sl_store *s, const struct sl_device_filter *f, sl_device_cb cb,
                         void *ctx, struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            sl_sql(s,
                                   "SELECT " DEVICE_COLUMNS " FROM devices d"
                                   " LEFT JOIN sites s ON s.id = d.site_id"
                                   " WHERE (?1 IS NULL OR s.name = ?1)"
                                   " AND (?2 IS NULL OR d.status = ?2)"
                                   " AND (?3 IS NULL OR d.manufacturer = ?3 COLLATE NOCASE)"
                                   " AND (?4 IS NULL OR d.decision = ?4)"
                                   " ORDER BY s.name, d.address, d.id LIMIT ?5",
                                   "SELECT " DEVICE_COLUMNS " FROM devices d"
                                   " LEFT JOIN sites s ON s.id = d.site_id"
                                   " WHERE (?1::text IS NULL OR s.name = ?1)"
                                   " AND (?2::text IS NULL OR d.status = ?2)"
                                   " AND (?3::text IS NULL OR lower(d.manufacturer) = lower(?3))"
                                   " AND (?4::text IS NULL OR d.decision = ?4)"
                                   " ORDER BY s.name NULLS FIRST, d.address, d.id LIMIT ?5"),
                            err);
    if (st == NULL)
        return -1;
    sl_bind_text_or_null(st, 1, f != NULL ? f->site : NULL);
    if (f != NULL && f->status >= 0)
        sl_bind_text(st, 2, sl_status_name((enum sl_status)f->status));
    sl_bind_text_or_null(st, 3, f != NULL ? f->manufacturer : NULL);
    sl_bind_text_or_null(st, 4, f != NULL ? f->decision : NULL);
    sl_bind_int(st, 5, f != NULL && f->limit > 0 ? f->limit : INT64_MAX);
    return walk_devices(st, cb, ctx, "listing devices", err);
}

char *sl_id_set_text(const struct sl_store *s, const int64_t *ids, size_t n)
{
    bool pg = strcmp(s->be->name, "postgres") == 0;
    size_t cap = 3 + n * 21;
    char *out = malloc(cap);
    if (out == NULL)
        return NULL;
    size_t len = 0;
    out[len++] = pg ? '{' : '[';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%lld", i ? "," : "", (long long)ids[i]);
    out[len++] = pg ? '}' : ']';
    out[len] = '\0';
    return out;
}

struct sl_q *sl_st_id_set(struct sl_store *s, const char *sql, const int64_t *ids, size_t n,
                          char **set, struct sl_err *err)
{
    *set = NULL;
    if (ids != NULL && (*set = sl_id_set_text(s, ids, n)) == NULL) {
        sl_err_set(err, "out of memory");
        return NULL;
    }
    struct sl_q *st = sl_st(s, sql, err);
    if (st == NULL) {
        free(*set);
        *set = NULL;
        return NULL;
    }
    sl_bind_text_or_null(st, 1, *set);
    return st;
}

/* The device list's statements: one per backend, set of filters present and
 * order, built once. A filter that is absent is written "?N IS NULL" (its
 * parameter is bound NULL: true, and every statement names every parameter),
 * one that is present as its bare condition, so the planner can use the index
 * of that column (devices_site, devices_status; with the id, as rowid or as
 * PostgreSQL's (site_id, id) and (status, id)) instead of reading by id. */
enum { PAGE_SITES = 1, PAGE_STATUS = 2, PAGE_MAN = 4, PAGE_DECISION = 8, PAGE_DESC = 16,
       PAGE_VARIANTS = 32 };
static char *page_sql[2][PAGE_VARIANTS];
static pthread_once_t page_once = PTHREAD_ONCE_INIT;

static char *page_variant(bool pg, unsigned v)
{
    static const char *const cond[2][4][2] = {
        {{" ?1 IS NULL", " d.site_id IN (SELECT value FROM json_each(?1))"},
         {" ?2 IS NULL", " d.status = ?2"},
         {" ?3 IS NULL", " d.manufacturer = ?3 COLLATE NOCASE"},
         {" ?4 IS NULL", " d.decision = ?4"}},
        {{" ?1::text IS NULL", " d.site_id = ANY(?1::bigint[])"},
         {" ?2::text IS NULL", " d.status = ?2"},
         {" ?3::text IS NULL", " lower(d.manufacturer) = lower(?3)"},
         {" ?4::text IS NULL", " d.decision = ?4"}}};
    char sql[2048];
    int n = snprintf(sql, sizeof sql, "SELECT " DEVICE_COLUMNS
                     " FROM devices d LEFT JOIN sites s ON s.id = d.site_id WHERE");
    for (unsigned f = 0; f < 4; f++)
        n += snprintf(sql + n, sizeof sql - (size_t)n, "%s AND", cond[pg][f][(v >> f) & 1]);
    snprintf(sql + n, sizeof sql - (size_t)n, "%s",
             v & PAGE_DESC ? " d.id < ?5 ORDER BY d.id DESC LIMIT ?6"
                           : " d.id > ?5 ORDER BY d.id LIMIT ?6");
    return strdup(sql);
}

static void build_page_sql(void)
{
    for (unsigned v = 0; v < PAGE_VARIANTS; v++)
        for (int pg = 0; pg < 2; pg++)
            page_sql[pg][v] = page_variant(pg, v);
}

int sl_store_device_page(struct sl_store *s, const struct sl_device_page_query *q,
                         sl_device_cb cb, void *ctx, struct sl_err *err)
{
    pthread_once(&page_once, build_page_sql);
    unsigned v = (q->site_ids != NULL ? PAGE_SITES : 0) | (q->status >= 0 ? PAGE_STATUS : 0) |
                 (q->manufacturer != NULL ? PAGE_MAN : 0) |
                 (q->decision != NULL ? PAGE_DECISION : 0) | (q->desc ? PAGE_DESC : 0);
    const char *sql = page_sql[strcmp(s->be->name, "postgres") == 0][v];
    if (sql == NULL)
        return sl_err_set(err, "out of memory");
    char *set;
    struct sl_q *st = sl_st_id_set(s, sql, q->site_ids, q->n_site_ids, &set, err);
    if (st == NULL)
        return -1;
    if (q->status >= 0)
        sl_bind_text(st, 2, sl_status_name((enum sl_status)q->status));
    sl_bind_text_or_null(st, 3, q->manufacturer);
    sl_bind_text_or_null(st, 4, q->decision);
    sl_bind_int(st, 5, q->desc && q->after <= 0 ? INT64_MAX : q->after);
    sl_bind_int(st, 6, q->limit > 0 ? q->limit : 50);
    int rc = walk_devices(st, cb, ctx, "listing a page of devices", err);
    free(set);
    return rc;
}

int sl_store_device_set_status(struct sl_store *s, int64_t device_id, struct sl_event *ev,
                               struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_device *d = malloc(sizeof *d);
    if (d == NULL) {
        sl_store_rollback(s);
        return sl_err_set(err, "out of memory");
    }
    int rc = sl_store_device_get(s, device_id, d, err);
    if (rc <= 0) {
        if (rc == 0)
            sl_err_setk(err, SL_ERR_NOT_FOUND, "no device %lld", (long long)device_id);
        goto fail;
    }
    ev->device_id = device_id;
    ev->from_status = (int)d->status;
    char now[SL_ISO_LEN];
    sl_time_iso(sl_now(), now);
    if (empty(ev->at))
        sl_strlcpy(ev->at, now, sizeof ev->at);
    /* History is replayed in date order (as-of figures): a change cannot be
     * dated before the status it changes. */
    if (strcmp(ev->at, d->status_since) < 0) {
        sl_err_setk(err, SL_ERR_CONFLICT, "device %lld: a change dated %s cannot precede its current status '%s' "
                   "(since %s)", (long long)device_id, ev->at, sl_status_name(d->status),
                   d->status_since);
        goto fail;
    }
    if (sl_refs_check(s, ev->scan_id, 0, 0, err) != 0 ||
        insert_event(s, device_id, ev->at, ev->actor, ev->from_status, ev->to_status, ev, err) !=
            0)
        goto fail;
    struct sl_q *st =
        sl_st(s,
              "UPDATE devices SET status = ?2, status_since = ?3,"
              " scheduled_for = COALESCE(?4, scheduled_for),"
              " replaced_by = COALESCE(?5, replaced_by),"
              " exempt_reason = CASE WHEN ?2 = 'exempt' THEN ?6 ELSE exempt_reason END,"
              " exempt_approver = CASE WHEN ?2 = 'exempt' THEN ?7 ELSE exempt_approver END,"
              " exempt_until = CASE WHEN ?2 = 'exempt' THEN ?8 ELSE exempt_until END"
              " WHERE id = ?1",
              err);
    if (st == NULL)
        goto fail;
    sl_bind_int(st, 1, device_id);
    sl_bind_text(st, 2, sl_status_name(ev->to_status));
    sl_bind_text(st, 3, ev->at);
    sl_bind_text_or_null(st, 4, ev->scheduled_for);
    sl_bind_text_or_null(st, 5, ev->replaced_by);
    sl_bind_text_or_null(st, 6, ev->note);
    sl_bind_text_or_null(st, 7, ev->exempt_approver);
    sl_bind_text_or_null(st, 8, ev->exempt_until);
    if (sl_exec_deferred(st, "updating a device's status", err) != 0)
        goto fail;
    json_t *detail = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "from",
                               sl_status_name(d->status), "to", sl_status_name(ev->to_status),
                               "at", ev->at, "note", empty(ev->note) ? NULL : ev->note,
                               "replaced_by", empty(ev->replaced_by) ? NULL : ev->replaced_by,
                               "scheduled_for",
                               empty(ev->scheduled_for) ? NULL : ev->scheduled_for,
                               "exempt_until", empty(ev->exempt_until) ? NULL : ev->exempt_until);
    if (audit_device(s, ev->actor, "device.status", device_id, detail, err) != 0)
        goto fail;
    free(d);
    return sl_store_commit(s, err);
fail:
    free(d);
    sl_store_rollback(s);
    return -1;
}

int sl_store_event_list(struct sl_store *s, int64_t device_id, const char *until, sl_event_cb cb,
                        void *ctx, struct sl_err *err)
{
    /* Two texts, not "(device_id = ?1 OR ?1 = 0)": with that the planner cannot
     * use the (device_id, at) index and one device's history read every event
     * of the register (seconds on 5,000,000; bench/dashboard.sh). */
#define EVENT_COLUMNS                                                                            \
    "SELECT id, device_id, at, recorded_at, actor, from_status, to_status, note,"                \
    " replaced_by, scheduled_for, exempt_until, exempt_approver, scan_id FROM lifecycle_events"
    struct sl_q *st = sl_st(
        s,
        device_id > 0 ? EVENT_COLUMNS " WHERE device_id = ?1 AND (at <= ?2 OR ?2 IS NULL)"
                                      " ORDER BY at, id"
                      : EVENT_COLUMNS " WHERE ?1 = 0 AND (at <= ?2 OR ?2 IS NULL) ORDER BY at, id",
        err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, device_id);
    sl_bind_text_or_null(st, 2, until);
    int rc;
    while ((rc = sl_step(st, NULL, err)) == 1) {
        struct sl_event e;
        memset(&e, 0, sizeof e);
        e.id = sl_col_int(st, 0);
        e.device_id = sl_col_int(st, 1);
        sl_col_text(st, 2, e.at, sizeof e.at);
        sl_col_text(st, 3, e.recorded_at, sizeof e.recorded_at);
        sl_col_text(st, 4, e.actor, sizeof e.actor);
        char name[24];
        enum sl_status stv;
        sl_col_text(st, 5, name, sizeof name);
        e.from_status = sl_status_from_name(name, &stv) == 0 ? (int)stv : -1;
        sl_col_text(st, 6, name, sizeof name);
        e.to_status = sl_status_from_name(name, &stv) == 0 ? stv : SL_STATUS_DISCOVERED;
        sl_col_text(st, 7, e.note, sizeof e.note);
        sl_col_text(st, 8, e.replaced_by, sizeof e.replaced_by);
        sl_col_text(st, 9, e.scheduled_for, sizeof e.scheduled_for);
        sl_col_text(st, 10, e.exempt_until, sizeof e.exempt_until);
        sl_col_text(st, 11, e.exempt_approver, sizeof e.exempt_approver);
        e.scan_id = sl_col_int(st, 12);
        if (cb(&e, ctx) != 0)
            break;
    }
    if (rc != 1 && rc != 0) {
        sl_reset(st);
        return sl_err_prefix(err, "listing lifecycle events");
    }
    sl_reset(st);
    return 0;
}

int sl_store_count_devices(struct sl_store *s, const char *site, struct sl_status_counts *out,
                           struct sl_err *err)
{
    memset(out, 0, sizeof *out);
    struct sl_q *st = sl_st(s,
                             "SELECT d.status, count(*) FROM devices d"
                             " LEFT JOIN sites s ON s.id = d.site_id"
                             " WHERE (s.name = ?1 OR ?1 IS NULL) GROUP BY d.status",
                             err);
    if (st == NULL)
        return -1;
    sl_bind_text_or_null(st, 1, site);
    int rc;
    while ((rc = sl_step(st, NULL, err)) == 1) {
        enum sl_status stv;
        char name[24];
        sl_col_text(st, 0, name, sizeof name);
        int64_t n = sl_col_int(st, 1);
        if (sl_status_from_name(name, &stv) == 0)
            out->by_status[stv] += n;
        out->total += n;
    }
    sl_reset(st);
    if (rc != 0)
        return sl_err_prefix(err, "counting devices");
    return 0;
}

int sl_store_device_lock(struct sl_store *s, int64_t id, struct sl_err *err)
{
    /* SQLite: the transaction holds the file's write lock already. */
    struct sl_q *st = sl_st(s,
                            sl_sql(s, "SELECT id FROM devices WHERE id = ?1",
                                   "SELECT id FROM devices WHERE id = ?1 FOR UPDATE"),
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, id);
    int64_t got = 0;
    return sl_one_int(st, &got, "locking a device", err);
}
