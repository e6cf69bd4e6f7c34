/* monitor_queries.c - what `sightline monitor` reads and writes in the
 * register: sightings (MAC <-> address <-> device), alerts, and the device a
 * monitored station is. */
#include <stdbool.h>
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
    struct sl_q *st = sl_st(
        s,
        "INSERT INTO sightings (mac, address, device_id, first_seen, last_seen)"
        " VALUES (?1, ?2, ?3, ?4, ?5)"
        " ON CONFLICT (mac, address) DO UPDATE SET"
        "  device_id = coalesce(excluded.device_id, sightings.device_id),"
        "  first_seen = CASE WHEN excluded.first_seen < sightings.first_seen"
        "   THEN excluded.first_seen ELSE sightings.first_seen END,"
        "  last_seen = CASE WHEN excluded.last_seen > sightings.last_seen"
        "   THEN excluded.last_seen ELSE sightings.last_seen END",
        err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, mac);
    sl_bind_text(st, 2, address);
    if (device_id > 0)
        sl_bind_int(st, 3, device_id);
    sl_bind_text(st, 4, first_seen);
    sl_bind_text(st, 5, last_seen);
    return sl_exec_deferred(st, "recording a sighting", err);
}

int sl_store_sighting_list(struct sl_store *s, sl_sighting_cb cb, void *ctx, struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                             "SELECT mac, address, device_id, first_seen, last_seen FROM sightings"
                             " ORDER BY first_seen, mac, address",
                             err);
    if (st == NULL)
        return -1;
    int rc;
    while ((rc = sl_step(st, NULL, err)) == 1) {
        struct sl_sighting sg;
        sl_col_text(st, 0, sg.mac, sizeof sg.mac);
        sl_col_text(st, 1, sg.address, sizeof sg.address);
        sg.device_id = sl_col_int(st, 2);
        sl_col_text(st, 3, sg.first_seen, sizeof sg.first_seen);
        sl_col_text(st, 4, sg.last_seen, sizeof sg.last_seen);
        if (cb(&sg, ctx) != 0)
            break;
    }
    sl_reset(st);
    if (rc != 1 && rc != 0)
        return sl_err_prefix(err, "listing sightings");
    return 0;
}

int sl_store_alert_add(struct sl_store *s, const char *first_at, uint32_t signature_id,
                       const char *signature, int severity, int64_t device_id, const char *src,
                       const char *dest, const char *detail_json, int64_t *id,
                       struct sl_err *err)
{
    struct sl_q *st = sl_st(
        s,
        "INSERT INTO alerts (first_at, last_at, signature_id, signature, severity, device_id,"
        " src, dest, count, detail) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8) RETURNING id",
        err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, first_at);
    sl_bind_int(st, 2, signature_id);
    sl_bind_text(st, 3, signature);
    sl_bind_int(st, 4, severity);
    if (device_id > 0)
        sl_bind_int(st, 5, device_id);
    sl_bind_text_or_null(st, 6, src);
    sl_bind_text_or_null(st, 7, dest);
    sl_bind_text(st, 8, empty(detail_json) ? "{}" : detail_json);
    int64_t new_id = 0;
    if (sl_one_int(st, &new_id, "recording an alert", err) != 1)
        return -1;
    if (id != NULL)
        *id = new_id;
    return 0;
}

int sl_store_alert_update(struct sl_store *s, int64_t id, const char *last_at, int64_t count,
                          struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                             "UPDATE alerts SET last_at = CASE WHEN ?2 > last_at THEN ?2 ELSE last_at END, count = ?3"
                             " WHERE id = ?1",
                             err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, id);
    sl_bind_text(st, 2, last_at);
    sl_bind_int(st, 3, count);
    return sl_exec_stmt(st, "updating an alert", err);
}

/* Walks alert rows (the columns of ALERT_COLUMNS, then optionally the site's
 * id, name and department) into cb. */
#define ALERT_COLUMNS "a.id, a.first_at, a.last_at, a.signature_id, a.signature, a.severity," \
                      " a.device_id, a.src, a.dest, a.count, a.detail"
static int walk_alerts(struct sl_q *st, bool with_site, sl_alert_row_cb cb, void *ctx,
                       struct sl_err *err)
{
    int rc;
    while ((rc = sl_step(st, NULL, err)) == 1) {
        struct sl_alert_row r;
        memset(&r, 0, sizeof r);
        r.id = sl_col_int(st, 0);
        sl_col_text(st, 1, r.first_at, sizeof r.first_at);
        sl_col_text(st, 2, r.last_at, sizeof r.last_at);
        r.signature_id = sl_col_int(st, 3);
        sl_col_text(st, 4, r.signature, sizeof r.signature);
        r.severity = (int)sl_col_int(st, 5);
        r.device_id = sl_col_int(st, 6);
        sl_col_text(st, 7, r.src, sizeof r.src);
        sl_col_text(st, 8, r.dest, sizeof r.dest);
        r.count = sl_col_int(st, 9);
        r.detail = (char *)sl_col_str(st, 10);
        if (with_site) {
            r.site_id = sl_col_int(st, 11);
            sl_col_text(st, 12, r.site, sizeof r.site);
            sl_col_text(st, 13, r.department, sizeof r.department);
        }
        if (cb(&r, ctx) != 0)
            break;
    }
    sl_reset(st);
    if (rc != 1 && rc != 0)
        return sl_err_prefix(err, "listing alerts");
    return 0;
}

int sl_store_alert_list(struct sl_store *s, int64_t limit, sl_alert_row_cb cb, void *ctx,
                        struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "SELECT " ALERT_COLUMNS " FROM alerts a ORDER BY a.id LIMIT ?1",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, limit > 0 ? limit : INT64_MAX);
    return walk_alerts(st, false, cb, ctx, err);
}

int sl_store_alert_newest(struct sl_store *s, int64_t before, int64_t limit, sl_alert_row_cb cb,
                          void *ctx, struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "SELECT " ALERT_COLUMNS ", COALESCE(d.site_id, 0), s.name, s.department"
                            " FROM alerts a LEFT JOIN devices d ON d.id = a.device_id"
                            " LEFT JOIN sites s ON s.id = d.site_id"
                            " WHERE a.id < ?1 ORDER BY a.id DESC LIMIT ?2",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, before > 0 ? before : INT64_MAX);
    sl_bind_int(st, 2, limit > 0 ? limit : INT64_MAX);
    return walk_alerts(st, true, cb, ctx, err);
}

int sl_store_monitor_match(struct sl_store *s, const char *mac, const char *address,
                           const char *manufacturer, int64_t site_id, struct sl_device *d,
                           struct sl_err *err)
{
    struct sl_q *st;
    int64_t id = 0;
    int rc;
    if (!empty(mac)) {
        st = sl_st(s,
                   sl_sql(s, "SELECT id FROM devices WHERE mac = ?1 COLLATE NOCASE"
                             " ORDER BY id LIMIT 1",
                          "SELECT id FROM devices WHERE mac = lower(?1) ORDER BY id LIMIT 1"),
                   err);
        if (st == NULL)
            return -1;
        sl_bind_text(st, 1, mac);
        rc = sl_step(st, NULL, err);
        if (rc == 1)
            id = sl_col_int(st, 0);
        sl_reset(st);
        if (rc != 1 && rc != 0)
            return sl_err_prefix(err, "matching a device by MAC");
    }
    if (id == 0 && !empty(address) && !empty(manufacturer)) {
        /* A device known by MAC is a different device when the MACs differ. */
        st = sl_st(s,
                   sl_sql(s,
                          "SELECT id FROM devices WHERE address = ?1"
                          " AND manufacturer = ?2 COLLATE NOCASE"
                          " AND (?3 = 0 OR site_id = ?3)"
                          " AND (mac IS NULL OR ?4 IS NULL OR mac = ?4 COLLATE NOCASE)"
                          " ORDER BY last_seen DESC, id DESC LIMIT 1",
                          "SELECT id FROM devices WHERE address = ?1::inet"
                          " AND lower(manufacturer) = lower(?2)"
                          " AND (site_id = ?3 OR ?3 = 0)"
                          " AND (mac IS NULL OR mac = lower(?4) OR ?4 IS NULL)"
                          " ORDER BY last_seen DESC, id DESC LIMIT 1"),
                   err);
        if (st == NULL)
            return -1;
        sl_bind_text(st, 1, address);
        sl_bind_text(st, 2, manufacturer);
        sl_bind_int(st, 3, site_id);
        sl_bind_text_or_null(st, 4, mac);
        rc = sl_step(st, NULL, err);
        if (rc == 1)
            id = sl_col_int(st, 0);
        sl_reset(st);
        if (rc != 1 && rc != 0)
            return sl_err_prefix(err, "matching a device by address");
    }
    if (id == 0)
        return 0;
    return sl_store_device_get(s, id, d, err);
}
