/* monitor_queries.c - what `sightline monitor` reads and writes in the
 * register: sightings (MAC <-> address <-> device), alerts, and the device a
 * monitored station is. */
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

static bool empty(const char *s)
{
    return s == NULL || *s == '\0';
}

int sl_store_sighting_upsert(struct sl_store *s, const char *mac, const char *address,
                             int64_t device_id, const char *first_seen, const char *last_seen,
                             struct sl_err *err)
{
    sqlite3_stmt *st = sl_st(
        s,
        "INSERT INTO sightings (mac, address, device_id, first_seen, last_seen)"
        " VALUES (?1, ?2, ?3, ?4, ?5)"
        " ON CONFLICT (mac, address) DO UPDATE SET"
        "  device_id = coalesce(excluded.device_id, device_id),"
        "  first_seen = min(first_seen, excluded.first_seen),"
        "  last_seen = max(last_seen, excluded.last_seen)",
        err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, mac);
    sl_bind_text(st, 2, address);
    if (device_id > 0)
        sqlite3_bind_int64(st, 3, device_id);
    sl_bind_text(st, 4, first_seen);
    sl_bind_text(st, 5, last_seen);
    return sl_exec_stmt(s, st, "recording a sighting", err);
}

int sl_store_sighting_list(struct sl_store *s, sl_sighting_cb cb, void *ctx, struct sl_err *err)
{
    sqlite3_stmt *st = sl_st(s,
                             "SELECT mac, address, device_id, first_seen, last_seen FROM sightings"
                             " ORDER BY first_seen, mac, address",
                             err);
    if (st == NULL)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sl_sighting sg;
        sl_col_text(st, 0, sg.mac, sizeof sg.mac);
        sl_col_text(st, 1, sg.address, sizeof sg.address);
        sg.device_id = sqlite3_column_int64(st, 2);
        sl_col_text(st, 3, sg.first_seen, sizeof sg.first_seen);
        sl_col_text(st, 4, sg.last_seen, sizeof sg.last_seen);
        if (cb(&sg, ctx) != 0)
            break;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sl_st_fail(s, "listing sightings", err);
    return 0;
}

int sl_store_alert_add(struct sl_store *s, const char *first_at, uint32_t signature_id,
                       const char *signature, int severity, int64_t device_id, const char *src,
                       const char *dest, const char *detail_json, int64_t *id,
                       struct sl_err *err)
{
    sqlite3_stmt *st = sl_st(
        s,
        "INSERT INTO alerts (first_at, last_at, signature_id, signature, severity, device_id,"
        " src, dest, count, detail) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8)",
        err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, first_at);
    sqlite3_bind_int64(st, 2, signature_id);
    sl_bind_text(st, 3, signature);
    sqlite3_bind_int(st, 4, severity);
    if (device_id > 0)
        sqlite3_bind_int64(st, 5, device_id);
    sl_bind_text_or_null(st, 6, src);
    sl_bind_text_or_null(st, 7, dest);
    sl_bind_text(st, 8, empty(detail_json) ? "{}" : detail_json);
    if (sl_exec_stmt(s, st, "recording an alert", err) != 0)
        return -1;
    if (id != NULL)
        *id = sqlite3_last_insert_rowid(s->db);
    return 0;
}

int sl_store_alert_update(struct sl_store *s, int64_t id, const char *last_at, int64_t count,
                          struct sl_err *err)
{
    sqlite3_stmt *st = sl_st(s,
                             "UPDATE alerts SET last_at = max(last_at, ?2), count = ?3"
                             " WHERE id = ?1",
                             err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sl_bind_text(st, 2, last_at);
    sqlite3_bind_int64(st, 3, count);
    return sl_exec_stmt(s, st, "updating an alert", err);
}

int sl_store_alert_list(struct sl_store *s, int64_t limit, sl_alert_row_cb cb, void *ctx,
                        struct sl_err *err)
{
    sqlite3_stmt *st = sl_st(s,
                             "SELECT id, first_at, last_at, signature_id, signature, severity,"
                             " device_id, src, dest, count, detail FROM alerts ORDER BY id"
                             " LIMIT ?1",
                             err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, limit > 0 ? limit : -1);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sl_alert_row r;
        memset(&r, 0, sizeof r);
        r.id = sqlite3_column_int64(st, 0);
        sl_col_text(st, 1, r.first_at, sizeof r.first_at);
        sl_col_text(st, 2, r.last_at, sizeof r.last_at);
        r.signature_id = sqlite3_column_int64(st, 3);
        sl_col_text(st, 4, r.signature, sizeof r.signature);
        r.severity = sqlite3_column_int(st, 5);
        r.device_id = sqlite3_column_int64(st, 6);
        sl_col_text(st, 7, r.src, sizeof r.src);
        sl_col_text(st, 8, r.dest, sizeof r.dest);
        r.count = sqlite3_column_int64(st, 9);
        r.detail = (char *)sqlite3_column_text(st, 10);
        if (cb(&r, ctx) != 0)
            break;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sl_st_fail(s, "listing alerts", err);
    return 0;
}

int sl_store_monitor_match(struct sl_store *s, const char *mac, const char *address,
                           const char *manufacturer, int64_t site_id, struct sl_device *d,
                           struct sl_err *err)
{
    sqlite3_stmt *st;
    int64_t id = 0;
    int rc;
    if (!empty(mac)) {
        st = sl_st(s, "SELECT id FROM devices WHERE mac = ?1 COLLATE NOCASE ORDER BY id LIMIT 1",
                   err);
        if (st == NULL)
            return -1;
        sl_bind_text(st, 1, mac);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return sl_st_fail(s, "matching a device by MAC", err);
    }
    if (id == 0 && !empty(address) && !empty(manufacturer)) {
        /* A device known by MAC is a different device when the MACs differ. */
        st = sl_st(s,
                   "SELECT id FROM devices WHERE address = ?1"
                   " AND manufacturer = ?2 COLLATE NOCASE"
                   " AND (?3 = 0 OR site_id = ?3)"
                   " AND (mac IS NULL OR ?4 IS NULL OR mac = ?4 COLLATE NOCASE)"
                   " ORDER BY last_seen DESC, id DESC LIMIT 1",
                   err);
        if (st == NULL)
            return -1;
        sl_bind_text(st, 1, address);
        sl_bind_text(st, 2, manufacturer);
        sqlite3_bind_int64(st, 3, site_id);
        sl_bind_text_or_null(st, 4, mac);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return sl_st_fail(s, "matching a device by address", err);
    }
    if (id == 0)
        return 0;
    return sl_store_device_get(s, id, d, err);
}
