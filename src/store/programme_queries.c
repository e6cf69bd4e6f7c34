/* programme_queries.c - the reads the removal programme's figures are built from.
 * Designed for registers of millions of events: aggregation happens in one
 * streamed pass (programme/progress.c), never one query per device. */
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

int sl_store_device_max_id(struct sl_store *s, int64_t *out, struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "SELECT coalesce(max(id), 0) FROM devices", err);
    if (st == NULL)
        return -1;
    int rc = sl_step(st, NULL, err);
    *out = rc == 1 ? sl_col_int(st, 0) : 0;
    sl_reset(st);
    return rc == 1 ? 0 : sl_err_prefix(err, "reading the largest device id");
}

static const char *col(struct sl_q *st, int i)
{
    return sl_col_str(st, i);
}

struct affected_walk {
    int64_t after;
    sl_affected_cb cb;
    void *ctx;
};

static void affected_bind(struct sl_q *q, void *vw)
{
    sl_bind_int(q, 1, ((struct affected_walk *)vw)->after);
}

static int affected_row(struct sl_q *q, void *vw)
{
    struct affected_walk *w = vw;
    struct sl_affected_row r;
    r.id = w->after = sl_col_int(q, 0);
    r.site_id = sl_col_int(q, 1);
    r.decision = strcmp(col(q, 2), "prohibited") == 0 ? SL_DECISION_PROHIBITED
                                                      : SL_DECISION_REPLACE_BY;
    r.deadline = col(q, 3);
    return w->cb(&r, w->ctx);
}

static void affected_key(struct sl_q *q, void *vw)
{
    ((struct affected_walk *)vw)->after = sl_col_int(q, 0);
}

int sl_store_affected_list(struct sl_store *s, sl_affected_cb cb, void *ctx, struct sl_err *err)
{
    /* Keyset pages by id: memory stays bounded on a backend that hands over a
     * whole result at once. */
    struct sl_pager p = {
        sl_sql(s,
               "SELECT id, site_id, decision,"
               " CASE WHEN decision = 'replace-by' THEN json_extract(verdict, '$.deadline') END"
               " FROM devices WHERE decision IN ('prohibited', 'replace-by') AND id > ?1"
               " ORDER BY id LIMIT ?2",
               "SELECT id, site_id, decision,"
               " CASE WHEN decision = 'replace-by' THEN verdict->>'deadline' END"
               " FROM devices WHERE decision IN ('prohibited', 'replace-by') AND id > ?1"
               " ORDER BY id LIMIT ?2"),
        2, affected_bind, affected_row, "listing affected devices"};
    struct affected_walk w = {0, cb, ctx};
    return sl_walk_pages_ahead(s, &p, affected_key, &w, err);
}

struct replay_walk {
    const char *until;
    char at[SL_ISO_LEN];
    int64_t id;
    sl_replay_cb cb;
    void *ctx;
};

static void replay_bind(struct sl_q *q, void *vw)
{
    struct replay_walk *w = vw;
    /* A bound either way, so the index is range-scanned. */
    sl_bind_text(q, 1, w->until != NULL ? w->until : "9999-12-31T23:59:59Z");
    sl_bind_text(q, 2, w->at);
    sl_bind_int(q, 3, w->id);
}

static int replay_row(struct sl_q *q, void *vw)
{
    struct replay_walk *w = vw;
    struct sl_replay_row r;
    r.at = col(q, 0);
    r.device_id = sl_col_int(q, 1);
    r.to_status = col(q, 2);
    r.exempt_until = col(q, 3);
    r.scheduled_for = col(q, 4);
    sl_strlcpy(w->at, r.at, sizeof w->at);
    w->id = sl_col_int(q, 5);
    return w->cb(&r, w->ctx);
}

static void replay_key(struct sl_q *q, void *vw)
{
    struct replay_walk *w = vw;
    sl_strlcpy(w->at, col(q, 0), sizeof w->at);
    w->id = sl_col_int(q, 5);
}

int sl_store_event_replay(struct sl_store *s, const char *until, sl_replay_cb cb, void *ctx,
                          struct sl_err *err)
{
    /* Keyset pages over (at, id), read from the covering index of migration 4:
     * the history is never held in memory, on either backend. */
    struct sl_pager p = {
        sl_sql(s,
               "SELECT at, device_id, to_status, exempt_until, scheduled_for, id"
               " FROM lifecycle_events INDEXED BY lifecycle_events_replay"
               " WHERE at <= ?1 AND (at, id) > (?2, ?3) ORDER BY at, id LIMIT ?4",
               "SELECT at, device_id, to_status, exempt_until, scheduled_for, id"
               " FROM lifecycle_events"
               " WHERE at <= ?1 AND (at, id) > (?2, ?3) ORDER BY at, id LIMIT ?4"),
        4, replay_bind, replay_row, "replaying lifecycle events"};
    struct replay_walk w = {until, "0001-01-01T00:00:00Z", 0, cb, ctx};
    return sl_walk_pages_ahead(s, &p, replay_key, &w, err);
}

int sl_store_event_first_at(struct sl_store *s, char out[SL_ISO_LEN], struct sl_err *err)
{
    out[0] = '\0';
    struct sl_q *st = sl_st(s, "SELECT min(at) FROM lifecycle_events", err);
    if (st == NULL)
        return -1;
    int rc = sl_step(st, NULL, err);
    if (rc == 1)
        sl_col_text(st, 0, out, SL_ISO_LEN);
    sl_reset(st);
    return rc == 1 ? 0 : sl_err_prefix(err, "reading the first event");
}

int sl_store_event_last_to(struct sl_store *s, int64_t device_id, enum sl_status to,
                           const char *until, struct sl_event *e, struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                             "SELECT id, at, recorded_at, actor, from_status, note, replaced_by,"
                             " scheduled_for, exempt_until, exempt_approver, scan_id"
                             " FROM lifecycle_events WHERE device_id = ?1 AND to_status = ?2"
                             " AND (at <= ?3 OR ?3 IS NULL) ORDER BY at DESC, id DESC LIMIT 1",
                             err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, device_id);
    sl_bind_text(st, 2, sl_status_name(to));
    sl_bind_text_or_null(st, 3, until);
    int rc = sl_step(st, NULL, err);
    if (rc != 1) {
        sl_reset(st);
        return rc == 0 ? 0 : sl_err_prefix(err, "reading a lifecycle event");
    }
    memset(e, 0, sizeof *e);
    e->id = sl_col_int(st, 0);
    e->device_id = device_id;
    e->to_status = to;
    sl_col_text(st, 1, e->at, sizeof e->at);
    sl_col_text(st, 2, e->recorded_at, sizeof e->recorded_at);
    sl_col_text(st, 3, e->actor, sizeof e->actor);
    char name[24];
    enum sl_status stv;
    sl_col_text(st, 4, name, sizeof name);
    e->from_status = sl_status_from_name(name, &stv) == 0 ? (int)stv : -1;
    sl_col_text(st, 5, e->note, sizeof e->note);
    sl_col_text(st, 6, e->replaced_by, sizeof e->replaced_by);
    sl_col_text(st, 7, e->scheduled_for, sizeof e->scheduled_for);
    sl_col_text(st, 8, e->exempt_until, sizeof e->exempt_until);
    sl_col_text(st, 9, e->exempt_approver, sizeof e->exempt_approver);
    e->scan_id = sl_col_int(st, 10);
    sl_reset(st);
    return 1;
}
