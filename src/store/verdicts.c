/* verdicts.c - the verdict history: each change of a device's claim or verdict
 * as an append-only row of verdict_events with its audit entry, and the reads
 * the as-of figures and the report's "verdict changes" are built from. Does
 * not judge anything: the claims and verdicts come from the caller. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

/* One side of a change, as the audit entry records it. */
static json_t *side_json(const struct sl_claim *c, const struct sl_verdict *v)
{
    char rules[SL_CLAIM_RULES_TEXT];
    sl_claim_rules_text(c, " ", rules, sizeof rules);
    return json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:f, s:s}", "decision",
                     sl_decision_name(v->decision), "policy", v->policy[0] ? v->policy : NULL,
                     "deadline", v->deadline[0] ? v->deadline : NULL, "manufacturer",
                     c->manufacturer[0] ? c->manufacturer : NULL, "model",
                     c->model[0] ? c->model : NULL, "firmware", c->firmware[0] ? c->firmware : NULL,
                     "confidence", c->confidence, "rules", rules);
}

static char *dump(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

static int insert_change(struct sl_store *s, const struct sl_verdict_write *w, int what,
                         const char *from_claim, const char *to_claim, const char *rules,
                         struct sl_err *err)
{
    char written[SL_ISO_LEN];
    sl_time_iso(sl_real_now(), written);
    struct sl_q *st = sl_st(
        s,
        "INSERT INTO verdict_events (device_id, at, recorded_at, actor, via, scan_id,"
        " claim_changed, verdict_changed, from_claim, to_claim, from_decision, to_decision,"
        " from_policy, to_policy, from_deadline, to_deadline, policy_version, rules, reason,"
        " from_manufacturer, to_manufacturer)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
        " ?18, ?19, ?20, ?21)",
        err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, w->device_id);
    sl_bind_text(st, 2, w->at);
    sl_bind_text(st, 3, written);
    sl_bind_text(st, 4, w->actor);
    sl_bind_text(st, 5, w->via);
    if (w->scan_id > 0)
        sl_bind_int(st, 6, w->scan_id);
    sl_bind_int(st, 7, (what & SL_CHANGED_CLAIM) != 0);
    sl_bind_int(st, 8, (what & SL_CHANGED_VERDICT) != 0);
    sl_bind_text(st, 9, from_claim);
    sl_bind_text(st, 10, to_claim);
    sl_bind_text(st, 11, sl_decision_name(w->from_v->decision));
    sl_bind_text(st, 12, sl_decision_name(w->to_v->decision));
    sl_bind_text_or_null(st, 13, w->from_v->policy);
    sl_bind_text_or_null(st, 14, w->to_v->policy);
    sl_bind_text_or_null(st, 15, w->from_v->deadline);
    sl_bind_text_or_null(st, 16, w->to_v->deadline);
    sl_bind_text_or_null(st, 17, w->to_v->policy_version);
    sl_bind_text_or_null(st, 18, rules);
    sl_bind_text_or_null(st, 19, w->to_v->reason);
    sl_bind_text_or_null(st, 20, w->from_c->manufacturer);
    sl_bind_text_or_null(st, 21, w->to_c->manufacturer);
    return sl_exec_deferred(st, "recording a verdict change", err);
}

int sl_verdict_what(const struct sl_verdict_write *w)
{
    return (sl_claim_changed(w->from_c, w->to_c) ? SL_CHANGED_CLAIM : 0) |
           (sl_verdict_changed(w->from_v, w->to_v) ? SL_CHANGED_VERDICT : 0);
}

char *sl_verdict_claim_text(const struct sl_claim *c)
{
    return dump(sl_claim_to_json(c));
}

int sl_verdict_record(struct sl_store *s, const struct sl_verdict_write *w, int *what_out,
                      struct sl_err *err)
{
    int what = sl_verdict_what(w);
    if (what_out != NULL)
        *what_out = what;
    if (what == 0 || s->version < SL_SCHEMA_VERDICT_HISTORY)
        return 0;
    char rules[SL_CLAIM_RULES_TEXT];
    sl_claim_rules_text(w->to_c, " ", rules, sizeof rules);
    char *from_claim = sl_verdict_claim_text(w->from_c);
    char *to_claim = sl_verdict_claim_text(w->to_c);
    int rc = from_claim != NULL && to_claim != NULL
                 ? insert_change(s, w, what, from_claim, to_claim, rules, err)
                 : sl_err_set(err, "out of memory");
    free(from_claim);
    free(to_claim);
    if (rc != 0)
        return -1;
    return sl_verdict_audit(s, w, what, err);
}

int sl_verdict_audit(struct sl_store *s, const struct sl_verdict_write *w, int what,
                     struct sl_err *err)
{
    json_t *detail = json_pack("{s:s, s:s, s:o, s:o, s:b, s:b}", "at", w->at, "via", w->via,
                               "from", side_json(w->from_c, w->from_v), "to",
                               side_json(w->to_c, w->to_v), "claim_changed",
                               (what & SL_CHANGED_CLAIM) != 0, "verdict_changed",
                               (what & SL_CHANGED_VERDICT) != 0);
    if (w->scan_id > 0)
        json_object_set_new(detail, "scan", json_integer(w->scan_id));
    if (w->to_v->policy_version[0])
        json_object_set_new(detail, "policy_version", json_string(w->to_v->policy_version));
    if (w->to_v->reason[0])
        json_object_set_new(detail, "reason", json_string(w->to_v->reason));
    char object[32];
    snprintf(object, sizeof object, "device:%lld", (long long)w->device_id);
    return sl_store_audit_json(s, w->actor, "device.verdict", object, detail, err);
}

/* The device's stored claim and verdict (1), 0 when there is no such device. */
static int read_judged(struct sl_store *s, int64_t id, struct sl_claim *c, struct sl_verdict *v,
                       struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "SELECT claim, verdict, decision FROM devices WHERE id = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, id);
    int rc = sl_step(st, "reading a device's verdict", err);
    if (rc == 1)
        sl_judged_from_columns(sl_col_str(st, 0), sl_col_str(st, 1), sl_col_str(st, 2), c, v);
    sl_reset(st);
    return rc;
}

void sl_judged_from_columns(const char *claim, const char *verdict, const char *decision,
                            struct sl_claim *c, struct sl_verdict *v)
{
    json_t *j = claim != NULL ? json_loads(claim, 0, NULL) : NULL;
    if (sl_claim_from_json(j, c) != 0)
        memset(c, 0, sizeof *c);
    json_decref(j);
    j = verdict != NULL ? json_loads(verdict, 0, NULL) : NULL;
    if (sl_verdict_from_json(j, v) != 0)
        memset(v, 0, sizeof *v);
    json_decref(j);
    enum sl_decision d; /* the column is what the figures have counted */
    if (decision != NULL && sl_decision_from_name(decision, &d) == 0)
        v->decision = d;
}

void sl_bind_judged(struct sl_q *st, int first, const struct sl_claim *c, const char *claim_json,
                    const struct sl_verdict *v, const char *verdict_json)
{
    sl_bind_text_or_null(st, first, c->manufacturer);
    sl_bind_text_or_null(st, first + 1, c->brand);
    sl_bind_text_or_null(st, first + 2, c->model);
    sl_bind_text_or_null(st, first + 3, c->firmware);
    sl_bind_text_or_null(st, first + 4, c->device_type);
    sl_bind_real(st, first + 5, c->confidence);
    sl_bind_text(st, first + 6, claim_json != NULL ? claim_json : "{}");
    sl_bind_text(st, first + 7, sl_decision_name(v->decision));
    sl_bind_text(st, first + 8, verdict_json != NULL ? verdict_json : "{}");
}

static int write_judged(struct sl_store *s, int64_t id, const struct sl_claim *c,
                        const struct sl_verdict *v, struct sl_err *err)
{
    char *cj = dump(sl_claim_to_json(c)), *vj = dump(sl_verdict_to_json(v));
    struct sl_q *st = cj != NULL && vj != NULL
                          ? sl_st(s,
                                  "UPDATE devices SET manufacturer = ?2, brand = ?3, model = ?4,"
                                  " firmware = ?5, device_type = ?6, confidence = ?7, claim = ?8,"
                                  " decision = ?9, verdict = ?10 WHERE id = ?1",
                                  err)
                          : NULL;
    int rc = -1;
    if (st != NULL) {
        sl_bind_int(st, 1, id);
        sl_bind_judged(st, 2, c, cj, v, vj);
        rc = sl_exec_deferred(st, "updating a device's verdict", err);
    } else if (cj == NULL || vj == NULL) {
        sl_err_set(err, "out of memory");
    }
    free(cj);
    free(vj);
    return rc;
}

int sl_store_device_rejudge(struct sl_store *s, int64_t id, const struct sl_claim *c,
                            const struct sl_verdict *v, const char *actor, int *changed,
                            struct sl_err *err)
{
    if (changed != NULL)
        *changed = 0;
    if (s->version < SL_SCHEMA_VERDICT_HISTORY)
        return sl_err_setk(err, SL_ERR_CONFLICT, "the register's schema (%d) has no verdict "
                                                 "history: run 'sightline db migrate'",
                           s->version);
    struct sl_claim *old_c = malloc(sizeof *old_c);
    struct sl_verdict old_v;
    if (old_c == NULL)
        return sl_err_set(err, "out of memory");
    if (sl_store_begin(s, err) != 0) {
        free(old_c);
        return -1;
    }
    int rc = sl_store_device_lock(s, id, err);
    if (rc == 0)
        rc = sl_err_setk(err, SL_ERR_NOT_FOUND, "no device %lld", (long long)id);
    if (rc > 0)
        rc = read_judged(s, id, old_c, &old_v, err) == 1 ? 0 : -1;
    char at[SL_ISO_LEN];
    sl_time_iso(sl_now(), at);
    struct sl_verdict_write w = {id, at, actor, "reassess", 0, old_c, c, &old_v, v};
    int what = 0;
    if (rc == 0)
        rc = sl_verdict_record(s, &w, &what, err);
    if (rc == 0 && what != 0)
        rc = write_judged(s, id, c, v, err);
    free(old_c);
    if (rc != 0) {
        sl_store_rollback(s);
        return -1;
    }
    if (changed != NULL)
        *changed = what;
    return sl_store_commit(s, err);
}

/* ---- reading the history ------------------------------------------------------------ */

#define CHANGE_COLUMNS                                                                          \
    "v.id, v.device_id, v.at, v.actor, v.via, v.scan_id, v.claim_changed, v.verdict_changed,"   \
    " v.from_claim, v.to_claim, v.from_decision, v.to_decision, v.from_policy, v.to_policy,"    \
    " v.from_deadline, v.to_deadline, v.policy_version, v.rules, v.reason, d.site_id,"          \
    " d.address, s.name, v.from_manufacturer, v.to_manufacturer"

static void text_or_empty(struct sl_q *q, int i, const char **out)
{
    const char *t = sl_col_str(q, i);
    *out = t != NULL ? t : "";
}

static void row_to_change(struct sl_q *q, struct sl_verdict_change *c)
{
    memset(c, 0, sizeof *c);
    c->id = sl_col_int(q, 0);
    c->device_id = sl_col_int(q, 1);
    text_or_empty(q, 2, &c->at);
    text_or_empty(q, 3, &c->actor);
    text_or_empty(q, 4, &c->via);
    c->scan_id = sl_col_int(q, 5);
    c->claim_changed = sl_col_int(q, 6) != 0;
    c->verdict_changed = sl_col_int(q, 7) != 0;
    text_or_empty(q, 8, &c->from_claim);
    text_or_empty(q, 9, &c->to_claim);
    if (sl_decision_from_name(sl_col_str(q, 10) ? sl_col_str(q, 10) : "", &c->from_decision))
        c->from_decision = SL_DECISION_REVIEW;
    if (sl_decision_from_name(sl_col_str(q, 11) ? sl_col_str(q, 11) : "", &c->to_decision))
        c->to_decision = SL_DECISION_REVIEW;
    text_or_empty(q, 12, &c->from_policy);
    text_or_empty(q, 13, &c->to_policy);
    text_or_empty(q, 14, &c->from_deadline);
    text_or_empty(q, 15, &c->to_deadline);
    text_or_empty(q, 16, &c->policy_version);
    text_or_empty(q, 17, &c->rules);
    text_or_empty(q, 18, &c->reason);
    c->site_id = sl_col_int(q, 19);
    text_or_empty(q, 20, &c->address);
    text_or_empty(q, 21, &c->site);
    text_or_empty(q, 22, &c->from_manufacturer);
    text_or_empty(q, 23, &c->to_manufacturer);
}

struct change_walk {
    const char *until;
    char at[SL_ISO_LEN];
    int64_t id;
    sl_verdict_change_cb cb;
    void *ctx;
    struct sl_verdict_change c;
};

static void changes_bind(struct sl_q *q, void *vw)
{
    struct change_walk *w = vw;
    sl_bind_text(q, 1, w->until != NULL ? w->until : "9999-12-31T23:59:59Z");
    sl_bind_text(q, 2, w->at);
    sl_bind_int(q, 3, w->id);
}

static int changes_row(struct sl_q *q, void *vw)
{
    struct change_walk *w = vw;
    row_to_change(q, &w->c);
    sl_strlcpy(w->at, w->c.at, sizeof w->at);
    w->id = w->c.id;
    return w->cb(&w->c, w->ctx);
}

int sl_store_verdict_changes(struct sl_store *s, const char *until, sl_verdict_change_cb cb,
                             void *ctx, struct sl_err *err)
{
    if (s->version < SL_SCHEMA_VERDICT_HISTORY)
        return 0;
    /* Newest first, keyset pages over (at, id) read from verdict_events_replay. */
    struct sl_pager p = {"SELECT " CHANGE_COLUMNS " FROM verdict_events v"
                         " JOIN devices d ON d.id = v.device_id"
                         " LEFT JOIN sites s ON s.id = d.site_id"
                         " WHERE v.verdict_changed = 1 AND v.at <= ?1 AND (v.at, v.id) < (?2, ?3)"
                         " ORDER BY v.at DESC, v.id DESC LIMIT ?4",
                         4, changes_bind, changes_row, "listing verdict changes"};
    struct change_walk *w = calloc(1, sizeof *w);
    if (w == NULL)
        return sl_err_set(err, "out of memory");
    w->until = until;
    sl_strlcpy(w->at, "9999-12-31T23:59:59Z", sizeof w->at);
    w->id = INT64_MAX;
    w->cb = cb;
    w->ctx = ctx;
    int rc = sl_walk_pages(s, &p, w, err);
    free(w);
    return rc;
}

int sl_store_verdict_history(struct sl_store *s, int64_t device_id, sl_verdict_change_cb cb,
                             void *ctx, struct sl_err *err)
{
    if (s->version < SL_SCHEMA_VERDICT_HISTORY)
        return 0;
    struct sl_q *st = sl_st(s,
                            "SELECT " CHANGE_COLUMNS " FROM verdict_events v"
                            " JOIN devices d ON d.id = v.device_id"
                            " LEFT JOIN sites s ON s.id = d.site_id"
                            " WHERE v.device_id = ?1 ORDER BY v.at, v.id",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, device_id);
    struct sl_verdict_change *c = malloc(sizeof *c);
    if (c == NULL) {
        sl_reset(st);
        return sl_err_set(err, "out of memory");
    }
    int rc;
    while ((rc = sl_step(st, "reading a device's verdict history", err)) == 1) {
        row_to_change(st, c);
        if (cb(c, ctx) != 0)
            break;
    }
    free(c);
    sl_reset(st);
    return rc < 0 ? -1 : 0;
}

/* ---- what the as-of replay reads ------------------------------------------------------ */

struct replay_walk {
    const char *until;
    char *at;
    int64_t *id;
    sl_verdict_replay_cb cb;
    void *ctx;
};

static void replay_bind(struct sl_q *q, void *vw)
{
    struct replay_walk *w = vw;
    sl_bind_text(q, 1, w->until != NULL ? w->until : "9999-12-31T23:59:59Z");
    sl_bind_text(q, 2, w->at);
    sl_bind_int(q, 3, *w->id);
}

static int replay_row(struct sl_q *q, void *vw)
{
    struct replay_walk *w = vw;
    struct sl_verdict_replay_row r;
    enum sl_decision d;
    r.at = sl_col_str(q, 0);
    *w->id = sl_col_int(q, 1);
    r.device_id = sl_col_int(q, 2);
    r.to_decision = sl_decision_from_name(sl_col_str(q, 3) ? sl_col_str(q, 3) : "", &d) == 0
                        ? d
                        : SL_DECISION_REVIEW;
    r.to_deadline = sl_col_str(q, 4) != NULL ? sl_col_str(q, 4) : "";
    sl_strlcpy(w->at, r.at != NULL ? r.at : "", SL_ISO_LEN);
    return w->cb(&r, w->ctx);
}

int sl_store_verdict_replay(struct sl_store *s, const char *until, char after_at[SL_ISO_LEN],
                            int64_t *after_id, sl_verdict_replay_cb cb, void *ctx,
                            struct sl_err *err)
{
    if (s->version < SL_SCHEMA_VERDICT_HISTORY)
        return 0;
    struct sl_pager p = {"SELECT at, id, device_id, to_decision, to_deadline FROM verdict_events"
                         " WHERE at <= ?1 AND (at, id) > (?2, ?3) AND verdict_changed = 1"
                         " ORDER BY at, id LIMIT ?4",
                         4, replay_bind, replay_row, "replaying verdict changes"};
    if (after_at[0] == '\0')
        sl_strlcpy(after_at, "0001-01-01T00:00:00Z", SL_ISO_LEN);
    struct replay_walk w = {until, after_at, after_id, cb, ctx};
    return sl_walk_pages(s, &p, &w, err);
}

struct first_walk {
    int64_t after;
    sl_verdict_first_cb cb;
    void *ctx;
};

static void first_bind(struct sl_q *q, void *vw)
{
    sl_bind_int(q, 1, ((struct first_walk *)vw)->after);
}

static int first_row(struct sl_q *q, void *vw)
{
    struct first_walk *w = vw;
    struct sl_verdict_first_row r;
    enum sl_decision d;
    r.device_id = w->after = sl_col_int(q, 0);
    r.site_id = sl_col_int(q, 1);
    r.from_decision = sl_decision_from_name(sl_col_str(q, 2) ? sl_col_str(q, 2) : "", &d) == 0
                          ? d
                          : SL_DECISION_REVIEW;
    r.from_deadline = sl_col_str(q, 3) != NULL ? sl_col_str(q, 3) : "";
    return w->cb(&r, w->ctx);
}

int sl_store_verdict_first(struct sl_store *s, sl_verdict_first_cb cb, void *ctx,
                           struct sl_err *err)
{
    if (s->version < SL_SCHEMA_VERDICT_HISTORY)
        return 0;
    /* One row per device: the verdict its first recorded change started from. */
    struct sl_pager p = {"SELECT v.device_id, d.site_id, v.from_decision, v.from_deadline"
                         " FROM verdict_events v JOIN devices d ON d.id = v.device_id"
                         " WHERE v.device_id > ?1 AND v.verdict_changed = 1"
                         " AND NOT EXISTS (SELECT 1 FROM verdict_events w"
                         "  WHERE w.device_id = v.device_id AND w.verdict_changed = 1"
                         "  AND (w.at, w.id) < (v.at, v.id))"
                         " ORDER BY v.device_id LIMIT ?2",
                         2, first_bind, first_row, "reading the first verdict changes"};
    struct first_walk w = {0, cb, ctx};
    return sl_walk_pages(s, &p, &w, err);
}
