/* programme_queries.c - the reads the removal programme's figures are built from.
 * Designed for registers of millions of events: aggregation happens in one
 * streamed pass (programme/progress.c), never one query per device. */
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

int sl_store_device_max_id(struct sl_store *s, int64_t *out, struct sl_err *err)
{
    sqlite3_stmt *st = sl_st(s, "SELECT coalesce(max(id), 0) FROM devices", err);
    if (st == NULL)
        return -1;
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : sl_st_fail(s, "reading the largest device id", err);
}

static const char *col(sqlite3_stmt *st, int i)
{
    const char *v = (const char *)sqlite3_column_text(st, i);
    return v != NULL ? v : "";
}

int sl_store_affected_list(struct sl_store *s, sl_affected_cb cb, void *ctx, struct sl_err *err)
{
    sqlite3_stmt *st = sl_st(s,
                             "SELECT id, site_id, decision,"
                             " CASE WHEN decision = 'replace-by'"
                             "  THEN json_extract(verdict, '$.deadline') END"
                             " FROM devices WHERE decision IN ('prohibited', 'replace-by')"
                             " ORDER BY id",
                             err);
    if (st == NULL)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sl_affected_row r;
        r.id = sqlite3_column_int64(st, 0);
        r.site_id = sqlite3_column_int64(st, 1);
        r.decision = strcmp(col(st, 2), "prohibited") == 0 ? SL_DECISION_PROHIBITED
                                                           : SL_DECISION_REPLACE_BY;
        r.deadline = col(st, 3);
        if (cb(&r, ctx) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        sqlite3_reset(st);
        return sl_st_fail(s, "listing affected devices", err);
    }
    sqlite3_reset(st);
    return 0;
}

int sl_store_event_replay(struct sl_store *s, const char *until, sl_replay_cb cb, void *ctx,
                          struct sl_err *err)
{
    sqlite3_stmt *st = sl_st(s,
                             "SELECT at, device_id, to_status, exempt_until, scheduled_for"
                             " FROM lifecycle_events INDEXED BY lifecycle_events_replay"
                             " WHERE at <= ?1 ORDER BY at, id",
                             err);
    if (st == NULL)
        return -1;
    /* A bound, so SQLite can range-scan the index ("~" sorts after every date). */
    sl_bind_text(st, 1, until != NULL ? until : "~");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sl_replay_row r;
        r.at = col(st, 0);
        r.device_id = sqlite3_column_int64(st, 1);
        r.to_status = col(st, 2);
        r.exempt_until = col(st, 3);
        r.scheduled_for = col(st, 4);
        if (cb(&r, ctx) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        sqlite3_reset(st);
        return sl_st_fail(s, "replaying lifecycle events", err);
    }
    sqlite3_reset(st);
    return 0;
}

int sl_store_event_first_at(struct sl_store *s, char out[SL_ISO_LEN], struct sl_err *err)
{
    out[0] = '\0';
    sqlite3_stmt *st = sl_st(s, "SELECT min(at) FROM lifecycle_events", err);
    if (st == NULL)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        sl_col_text(st, 0, out, SL_ISO_LEN);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : sl_st_fail(s, "reading the first event", err);
}

int sl_store_event_last_to(struct sl_store *s, int64_t device_id, enum sl_status to,
                           const char *until, struct sl_event *e, struct sl_err *err)
{
    sqlite3_stmt *st = sl_st(s,
                             "SELECT id, at, recorded_at, actor, from_status, note, replaced_by,"
                             " scheduled_for, exempt_until, exempt_approver, scan_id"
                             " FROM lifecycle_events WHERE device_id = ?1 AND to_status = ?2"
                             " AND (?3 IS NULL OR at <= ?3) ORDER BY at DESC, id DESC LIMIT 1",
                             err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, device_id);
    sl_bind_text(st, 2, sl_status_name(to));
    sl_bind_text_or_null(st, 3, until);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? 0 : sl_st_fail(s, "reading a lifecycle event", err);
    }
    memset(e, 0, sizeof *e);
    e->id = sqlite3_column_int64(st, 0);
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
    e->scan_id = sqlite3_column_int64(st, 10);
    sqlite3_reset(st);
    return 1;
}
