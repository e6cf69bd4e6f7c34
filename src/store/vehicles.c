/* vehicles.c - vehicles, their connected parts and their history (store.h):
 * adding one or a whole fleet, reading, listing, status changes, verdicts
 * written back. It judges nothing (vehicle/register.c does). */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* A verdict's columns: decision, policy, deadline (and a vehicle's reason). */
static void bind_verdict(struct sl_q *q, int first, const struct sl_verdict *v, bool reason)
{
    sl_bind_text(q, first, sl_decision_name(v->decision));
    sl_bind_text_or_null(q, first + 1, v->policy);
    sl_bind_text_or_null(q, first + 2, v->deadline);
    if (reason)
        sl_bind_text_or_null(q, first + 3, v->reason);
}

static void col_verdict(struct sl_q *q, int first, struct sl_verdict *v, bool reason)
{
    memset(v, 0, sizeof *v);
    if (sl_decision_from_name(sl_col_str(q, first), &v->decision) != 0)
        v->decision = SL_DECISION_REVIEW;
    sl_col_text(q, first + 1, v->policy, sizeof v->policy);
    sl_col_text(q, first + 2, v->deadline, sizeof v->deadline);
    if (reason)
        sl_col_text(q, first + 3, v->reason, sizeof v->reason);
}

/* A refused insert in words, when what refused it is a key already taken:
 * the vehicle's VIN, or (part) an IMEI of one of its parts. */
static void taken(bool part, const char *vin, struct sl_err *err)
{
    if (err == NULL || err->kind != SL_ERR_EXISTS)
        return;
    if (part)
        sl_err_setk(err, SL_ERR_EXISTS,
                    "an IMEI of a part of vehicle %s is already in the register, on another part",
                    vin);
    else
        sl_err_setk(err, SL_ERR_EXISTS, "vehicle %s is already in the register", vin);
}

#define PART_COLS 21
#define PARTS_MANY 16 /* rows per INSERT: a vehicle's parts in one or two statements */

/* The INSERT texts for 1..PARTS_MANY parts, built once (the statement cache
 * keys on their addresses, which never change). */
static char *parts_sql[PARTS_MANY + 1];
static pthread_once_t parts_once = PTHREAD_ONCE_INIT;

static void build_parts_sql(void)
{
    for (int rows = 1; rows <= PARTS_MANY; rows++)
        parts_sql[rows] = sl_sql_rows("INSERT INTO vehicle_parts (vehicle_id, position, kind, layer,"
                                      " supplier, manufacturer, model, version, imei, serial, purl,"
                                      " cpe, source, status, status_since, vendor, vendors, rules,"
                                      " decision, policy, deadline) VALUES ",
                                      PART_COLS, rows);
}

/* A part's kind at first, then layer, supplier ... CPE and source (the row's
 * text lives until the statement has run). */
static void bind_part_texts(struct sl_q *q, int first, const struct sl_vpart_row *p)
{
    sl_bind_kept(q, first, p->kind);
    const char *texts[] = {p->layer, p->supplier, p->manufacturer, p->model, p->version,
                           p->imei,  p->serial,   p->purl,         p->cpe,   p->source};
    for (int k = 0; k < 10; k++)
        sl_bind_kept_or_null(q, first + 1 + k, texts[k]);
}

static void bind_part(struct sl_q *q, int first, int64_t vid, const struct sl_vpart_row *p,
                      const char *now)
{
    sl_bind_int(q, first, vid);
    sl_bind_int(q, first + 1, p->position);
    bind_part_texts(q, first + 2, p);
    sl_bind_kept(q, first + 14, now);
    sl_bind_kept(q, first + 13, "fitted");
    sl_bind_kept_or_null(q, first + 15, p->vendor);
    sl_bind_kept_or_null(q, first + 16, p->vendors);
    sl_bind_kept_or_null(q, first + 17, p->rules);
    bind_verdict(q, first + 18, &p->verdict, false);
}

/* A vehicle's parts, PARTS_MANY rows a statement (a fleet of a million parts
 * pays per statement, not per row). */
static int insert_parts(struct sl_store *s, int64_t vid, const struct sl_vpart_row *parts,
                        size_t n, const char *now, struct sl_err *err)
{
    pthread_once(&parts_once, build_parts_sql);
    for (size_t done = 0; done < n;) {
        int rows = n - done < PARTS_MANY ? (int)(n - done) : PARTS_MANY;
        if (parts_sql[rows] == NULL)
            return sl_err_set(err, "out of memory");
        struct sl_q *q = sl_st(s, parts_sql[rows], err);
        if (q == NULL)
            return -1;
        for (int r = 0; r < rows; r++)
            bind_part(q, r * PART_COLS + 1, vid, &parts[done + (size_t)r], now);
        /* Not deferred: an IMEI taken is refused here, named with its vehicle. */
        if (sl_exec_stmt(q, "adding a vehicle's parts", err) != 0)
            return -1;
        done += (size_t)rows;
    }
    return 0;
}

static int insert_event(struct sl_store *s, const struct sl_vehicle_event *ev, const char *now,
                        struct sl_err *err)
{
    struct sl_q *q = sl_st(s,
                           "INSERT INTO vehicle_events (vehicle_id, part_id, at, recorded_at, actor,"
                           " from_status, to_status, site_id, note, replaced_by, scheduled_for,"
                           " exempt_until, exempt_approver)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                           err);
    if (q == NULL)
        return -1;
    sl_bind_int(q, 1, ev->vehicle_id);
    sl_bind_id(q, 2, ev->part_id);
    sl_bind_text(q, 3, ev->at);
    sl_bind_text(q, 4, now);
    sl_bind_text(q, 5, ev->actor);
    sl_bind_text_or_null(q, 6, ev->from_status);
    sl_bind_text(q, 7, ev->to_status);
    sl_bind_id(q, 8, ev->site_id);
    sl_bind_text_or_null(q, 9, ev->note);
    sl_bind_text_or_null(q, 10, ev->replaced_by);
    sl_bind_text_or_null(q, 11, ev->scheduled_for);
    sl_bind_text_or_null(q, 12, ev->exempt_until);
    sl_bind_text_or_null(q, 13, ev->exempt_approver);
    return sl_exec_deferred(q, "recording a vehicle event", err);
}

static int audit_vehicle(struct sl_store *s, const char *actor, const char *action, int64_t id,
                         json_t *detail, struct sl_err *err)
{
    char object[32];
    snprintf(object, sizeof object, "vehicle:%lld", (long long)id);
    return sl_store_audit_json(s, actor, action, object, detail, err);
}

/* ?2 .. ?8: make, model, model year, from VIN, fleet, site, registration (the
 * row's text lives until the statement has run). */
static void bind_vehicle_fields(struct sl_q *q, const struct sl_vehicle_row *v)
{
    sl_bind_kept_or_null(q, 2, v->make);
    sl_bind_kept_or_null(q, 3, v->model);
    if (v->model_year > 0)
        sl_bind_int(q, 4, v->model_year);
    else
        sl_bind_null(q, 4);
    sl_bind_int(q, 5, v->model_year_from_vin);
    sl_bind_kept_or_null(q, 6, v->fleet);
    sl_bind_id(q, 7, v->site_id);
    sl_bind_kept_or_null(q, 8, v->registration);
}

#define VEHICLE_INSERT                                                                            \
    "INSERT INTO vehicles (vin, make, model, model_year, model_year_from_vin,"                    \
    " fleet, site_id, registration, wmi, maker, source, status, status_since,"                    \
    " decision, policy, deadline, reason, judged_at, first_seen, last_changed)"                   \
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'active', ?12,"                        \
    " ?13, ?14, ?15, ?16, ?12, ?12, ?12)"

/* The vehicle's own row; *id gets its id (on SQLite its rowid, without
 * RETURNING: a fleet import pays for it once a vehicle). */
static int insert_vehicle(struct sl_store *s, const struct sl_vehicle_row *v, const char *now,
                          int64_t *id, struct sl_err *err)
{
    bool rowid = s->be->inserted_id != NULL;
    struct sl_q *q = sl_st(s, rowid ? VEHICLE_INSERT : VEHICLE_INSERT " RETURNING id", err);
    if (q == NULL)
        return -1;
    sl_bind_kept(q, 1, v->vin);
    bind_vehicle_fields(q, v);
    sl_bind_kept(q, 9, or_empty(v->wmi));
    sl_bind_kept_or_null(q, 10, v->maker);
    sl_bind_kept_or_null(q, 11, v->source);
    sl_bind_kept(q, 12, now);
    bind_verdict(q, 13, &v->verdict, true);
    if (!rowid)
        return sl_one_int(q, id, "adding a vehicle", err) == 1 ? 0 : -1;
    if (sl_exec_stmt(q, "adding a vehicle", err) != 0)
        return -1;
    *id = s->be->inserted_id(q);
    return 0;
}

int sl_store_vehicle_add(struct sl_store *s, const struct sl_vehicle_row *v,
                         const struct sl_vpart_row *parts, size_t n, const char *actor,
                         int64_t *id, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    char now[SL_ISO_LEN];
    sl_time_iso(sl_now(), now);
    int64_t vid = 0;
    if (insert_vehicle(s, v, now, &vid, err) != 0) {
        taken(false, v->vin, err);
        goto fail;
    }
    if (insert_parts(s, vid, parts, n, now, err) != 0) {
        taken(true, v->vin, err);
        goto fail;
    }
    struct sl_vehicle_event ev = {.vehicle_id = vid};
    sl_strlcpy(ev.at, now, sizeof ev.at);
    sl_strlcpy(ev.actor, or_empty(actor), sizeof ev.actor);
    sl_strlcpy(ev.to_status, "active", sizeof ev.to_status);
    ev.site_id = v->site_id;
    if (insert_event(s, &ev, now, err) != 0)
        goto fail;
    json_t *d = json_pack("{s:s, s:I, s:s, s:s?, s:s?}", "vin", v->vin, "parts", (json_int_t)n,
                          "decision", sl_decision_name(v->verdict.decision), "site",
                          v->site != NULL && v->site[0] ? v->site : NULL, "source",
                          v->source != NULL && v->source[0] ? v->source : NULL);
    if (audit_vehicle(s, actor, "vehicle.add", vid, d, err) != 0)
        goto fail;
    if (id != NULL)
        *id = vid;
    return sl_store_commit(s, err);
fail:
    sl_store_rollback(s);
    return -1;
}

int sl_store_vehicles_import(struct sl_store *s, sl_vehicle_next next, void *ctx,
                             const char *actor, size_t *added, struct sl_err *err)
{
    *added = 0;
    /* Every row is built here from the fleet's checked records (store.h). */
    bool bulk = s->be->bulk != NULL;
    if ((bulk && s->be->bulk(s, true, err) != 0) || sl_store_begin(s, err) != 0)
        goto off;
    int rc;
    struct sl_vehicle_row v;
    const struct sl_vpart_row *parts;
    size_t n;
    for (;;) {
        memset(&v, 0, sizeof v);
        parts = NULL;
        n = 0;
        if ((rc = next(ctx, &v, &parts, &n, err)) <= 0)
            break;
        if (sl_store_vehicle_add(s, &v, parts, n, actor, NULL, err) != 0) {
            rc = -1;
            break;
        }
        (*added)++;
    }
    if (rc < 0)
        sl_store_rollback(s);
    else if (sl_store_commit(s, err) == 0)
        rc = 0;
    else
        rc = -1;
    if (bulk) {
        struct sl_err off_err = {0};
        if (s->be->bulk(s, false, rc < 0 ? &off_err : err) != 0 && rc == 0)
            rc = -1;
    }
    if (rc < 0)
        *added = 0;
    return rc < 0 ? -1 : 0;
off:
    if (bulk)
        s->be->bulk(s, false, &(struct sl_err){0});
    return -1;
}

/* ---- a re-import: rows rewritten, not audited here (vehicle/register.c audits) ---- */

int sl_store_vehicle_update(struct sl_store *s, int64_t id, const struct sl_vehicle_row *v,
                            struct sl_err *err)
{
    struct sl_q *q = sl_st(s,
                           "UPDATE vehicles SET make = ?2, model = ?3, model_year = ?4,"
                           " model_year_from_vin = ?5, fleet = ?6, site_id = ?7,"
                           " registration = ?8, source = ?9, last_changed = ?10 WHERE id = ?1",
                           err);
    if (q == NULL)
        return -1;
    char now[SL_ISO_LEN];
    sl_time_iso(sl_now(), now);
    sl_bind_int(q, 1, id);
    bind_vehicle_fields(q, v);
    sl_bind_kept_or_null(q, 9, v->source);
    sl_bind_text(q, 10, now);
    return sl_exec_stmt(q, "updating a vehicle", err);
}

int sl_store_vpart_update(struct sl_store *s, int64_t id, const struct sl_vpart_row *p,
                          struct sl_err *err)
{
    struct sl_q *q = sl_st(s,
                           "UPDATE vehicle_parts SET kind = ?2, layer = ?3, supplier = ?4,"
                           " manufacturer = ?5, model = ?6, version = ?7, imei = ?8, serial = ?9,"
                           " purl = ?10, cpe = ?11, source = ?12 WHERE id = ?1",
                           err);
    if (q == NULL)
        return -1;
    sl_bind_int(q, 1, id);
    bind_part_texts(q, 2, p);
    return sl_exec_stmt(q, "updating a vehicle's part", err);
}

int sl_store_vpart_add(struct sl_store *s, int64_t vehicle_id, const struct sl_vpart_row *p,
                       int64_t *id, struct sl_err *err)
{
    char now[SL_ISO_LEN];
    sl_time_iso(sl_now(), now);
    if (insert_parts(s, vehicle_id, p, 1, now, err) != 0)
        return -1;
    struct sl_q *q = sl_st(s, "SELECT id FROM vehicle_parts WHERE vehicle_id = ?1 AND position = ?2",
                           err);
    if (q == NULL)
        return -1;
    sl_bind_int(q, 1, vehicle_id);
    sl_bind_int(q, 2, p->position);
    return sl_one_int(q, id, "adding a vehicle's part", err) == 1 ? 0 : -1;
}

int sl_store_vehicle_event_add(struct sl_store *s, struct sl_vehicle_event *ev, struct sl_err *err)
{
    char now[SL_ISO_LEN];
    sl_time_iso(sl_now(), now);
    if (ev->at[0] == '\0')
        sl_strlcpy(ev->at, now, sizeof ev->at);
    return insert_event(s, ev, now, err);
}

int sl_store_vehicle_find(struct sl_store *s, const char *key, int64_t *id, struct sl_err *err)
{
    char vin[24];
    sl_strlcpy(vin, key, sizeof vin);
    for (char *p = vin; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    struct sl_q *q = sl_st(s, "SELECT id FROM vehicles WHERE vin = ?1", err);
    if (q == NULL)
        return -1;
    sl_bind_text(q, 1, vin);
    int rc = sl_one_int(q, id, "finding a vehicle", err);
    if (rc != 0)
        return rc;
    /* A registration, written with or without its spaces, in any case. */
    q = sl_st(s,
              "SELECT id FROM vehicles WHERE upper(replace(registration, ' ', ''))"
              " = upper(replace(?1, ' ', '')) ORDER BY id LIMIT 1",
              err);
    if (q == NULL)
        return -1;
    sl_bind_text(q, 1, key);
    return sl_one_int(q, id, "finding a vehicle", err);
}

#define VEHICLE_COLUMNS                                                                           \
    "v.id, v.vin, v.make, v.model, v.model_year, v.model_year_from_vin, v.fleet, v.site_id,"     \
    " s.name, v.registration, v.wmi, v.maker, v.source, v.status, v.status_since, v.decision,"   \
    " v.policy, v.deadline, v.reason, v.judged_at, v.first_seen, v.last_changed"

static void row_to_vehicle(struct sl_q *q, struct sl_vehicle_row *v)
{
    memset(v, 0, sizeof *v);
    v->id = sl_col_int(q, 0);
    v->vin = sl_col_str(q, 1);
    v->make = sl_col_str(q, 2);
    v->model = sl_col_str(q, 3);
    v->model_year = (int)sl_col_int(q, 4);
    v->model_year_from_vin = sl_col_int(q, 5) != 0;
    v->fleet = sl_col_str(q, 6);
    v->site_id = sl_col_int(q, 7);
    v->site = sl_col_str(q, 8);
    v->registration = sl_col_str(q, 9);
    v->wmi = sl_col_str(q, 10);
    v->maker = sl_col_str(q, 11);
    v->source = sl_col_str(q, 12);
    v->status = sl_col_str(q, 13);
    v->status_since = sl_col_str(q, 14);
    col_verdict(q, 15, &v->verdict, true);
    v->judged_at = sl_col_str(q, 19);
    v->first_seen = sl_col_str(q, 20);
    v->last_changed = sl_col_str(q, 21);
}

static void row_to_part(struct sl_q *q, struct sl_vpart_row *p)
{
    memset(p, 0, sizeof *p);
    p->id = sl_col_int(q, 0);
    p->vehicle_id = sl_col_int(q, 1);
    p->position = (int)sl_col_int(q, 2);
    const char **texts[] = {&p->kind,   &p->layer,  &p->supplier, &p->manufacturer, &p->model,
                            &p->version, &p->imei,  &p->serial,   &p->purl,         &p->cpe,
                            &p->source, &p->status, &p->status_since, &p->replaced_by,
                            &p->vendor, &p->vendors, &p->rules};
    for (int k = 0; k < 17; k++)
        *texts[k] = sl_col_str(q, 3 + k);
    col_verdict(q, 20, &p->verdict, false);
    p->scheduled_for = sl_col_str(q, 23);
    p->exempt_until = sl_col_str(q, 24);
    p->exempt_approver = sl_col_str(q, 25);
    p->exempt_reason = sl_col_str(q, 26);
    p->exempt_from = sl_col_str(q, 27);
}

/* An exempt part's status before its exemption chain began: the from_status
 * of its latest event into exempt from something else (p: the part's alias). */
#define EXEMPT_FROM(p)                                                                            \
    "(SELECT e.from_status FROM vehicle_events e WHERE e.vehicle_id = " p ".vehicle_id"           \
    " AND e.part_id = " p ".id AND e.to_status = 'exempt' AND e.from_status <> 'exempt'"          \
    " ORDER BY e.at DESC, e.id DESC LIMIT 1)"

static int read_parts(struct sl_store *s, int64_t id, sl_vpart_cb pcb, void *ctx,
                      struct sl_err *err)
{
    struct sl_q *q = sl_st(s,
                           "SELECT id, vehicle_id, position, kind, layer, supplier, manufacturer,"
                           " model, version, imei, serial, purl, cpe, source, status, status_since,"
                           " replaced_by, vendor, vendors, rules, decision, policy, deadline,"
                           " scheduled_for, exempt_until, exempt_approver, exempt_reason,"
                           " CASE WHEN p.status = 'exempt' THEN " EXEMPT_FROM("p") " END"
                           " FROM vehicle_parts p WHERE vehicle_id = ?1 ORDER BY position",
                           err);
    if (q == NULL)
        return -1;
    sl_bind_int(q, 1, id);
    int rc;
    while ((rc = sl_step(q, "reading a vehicle's parts", err)) == 1) {
        struct sl_vpart_row p;
        row_to_part(q, &p);
        if (pcb(&p, ctx) != 0) {
            sl_reset(q);
            return 0;
        }
    }
    return rc < 0 ? -1 : 0;
}

int sl_store_vehicle_read(struct sl_store *s, int64_t id, sl_vehicle_cb vcb, sl_vpart_cb pcb,
                          void *ctx, struct sl_err *err)
{
    struct sl_q *q = sl_st(s,
                           "SELECT " VEHICLE_COLUMNS " FROM vehicles v"
                           " LEFT JOIN sites s ON s.id = v.site_id WHERE v.id = ?1",
                           err);
    if (q == NULL)
        return -1;
    sl_bind_int(q, 1, id);
    int rc = sl_step(q, "reading a vehicle", err);
    if (rc <= 0)
        return rc;
    struct sl_vehicle_row v;
    row_to_vehicle(q, &v);
    int stop = vcb != NULL ? vcb(&v, ctx) : 0;
    sl_reset(q);
    if (stop == 0 && pcb != NULL && read_parts(s, id, pcb, ctx, err) != 0)
        return -1;
    return 1;
}

struct list_walk {
    const struct sl_vehicle_filter *f;
    int64_t after, seen;
    sl_vehicle_cb cb;
    void *ctx;
};

static void list_bind(struct sl_q *q, void *vw)
{
    struct list_walk *w = vw;
    sl_bind_int(q, 1, w->after);
    sl_bind_text_or_null(q, 3, w->f->fleet);
    sl_bind_text_or_null(q, 4, w->f->site);
    sl_bind_id(q, 5, w->f->site_id);
    sl_bind_text_or_null(q, 6, w->f->decision);
    sl_bind_text_or_null(q, 7, w->f->status);
    sl_bind_text_or_null(q, 8, w->f->vendor);
}

static int list_row(struct sl_q *q, void *vw)
{
    struct list_walk *w = vw;
    struct sl_vehicle_row v;
    row_to_vehicle(q, &v);
    w->after = v.id;
    if (w->cb(&v, w->ctx) != 0)
        return 1;
    return w->f->limit > 0 && ++w->seen >= w->f->limit;
}

int sl_store_vehicle_list(struct sl_store *s, const struct sl_vehicle_filter *f, sl_vehicle_cb cb,
                          void *ctx, struct sl_err *err)
{
    static const struct sl_vehicle_filter none = {0};
    struct sl_pager p = {
        "SELECT " VEHICLE_COLUMNS " FROM vehicles v LEFT JOIN sites s ON s.id = v.site_id"
        " WHERE v.id > ?1 AND (v.fleet = ?3 OR ?3 IS NULL) AND (s.name = ?4 OR ?4 IS NULL)"
        " AND (v.site_id = ?5 OR ?5 IS NULL) AND (v.decision = ?6 OR ?6 IS NULL)"
        " AND (v.status = ?7 OR ?7 IS NULL)"
        " AND (lower(v.maker) = lower(?8) OR ?8 IS NULL OR EXISTS (SELECT 1 FROM vehicle_parts p"
        "   WHERE p.vehicle_id = v.id AND p.status <> 'removed'"
        "   AND (', ' || lower(p.vendors) || ', ') LIKE ('%, ' || lower(?8) || ', %')))"
        " ORDER BY v.id LIMIT ?2",
        2, list_bind, list_row, "listing vehicles"};
    struct list_walk w = {f != NULL ? f : &none, 0, 0, cb, ctx};
    return sl_walk_pages(s, &p, &w, err);
}

int sl_store_vehicle_status(struct sl_store *s, struct sl_vehicle_event *ev,
                            char since[SL_ISO_LEN], struct sl_err *err)
{
    struct sl_q *q;
    if (ev->part_id > 0)
        q = sl_st(s, sl_sql(s, "SELECT status, status_since, vehicle_id FROM vehicle_parts WHERE id = ?1",
                            "SELECT status, status_since, vehicle_id FROM vehicle_parts WHERE id = ?1"
                            " FOR UPDATE"),
                  err);
    else
        q = sl_st(s, sl_sql(s, "SELECT status, status_since, id FROM vehicles WHERE id = ?1",
                            "SELECT status, status_since, id FROM vehicles WHERE id = ?1 FOR UPDATE"),
                  err);
    if (q == NULL)
        return -1;
    sl_bind_int(q, 1, ev->part_id > 0 ? ev->part_id : ev->vehicle_id);
    int rc = sl_step(q, "reading a vehicle's status", err);
    if (rc == 1) {
        sl_col_text(q, 0, ev->from_status, sizeof ev->from_status);
        sl_col_text(q, 1, since, SL_ISO_LEN);
        ev->vehicle_id = sl_col_int(q, 2);
    }
    sl_reset(q);
    if (rc == 0)
        sl_err_setk(err, SL_ERR_NOT_FOUND, "no such %s", ev->part_id > 0 ? "part" : "vehicle");
    return rc == 1 ? 0 : -1;
}

static int write_status(struct sl_store *s, const struct sl_vehicle_event *ev, struct sl_err *err)
{
    struct sl_q *q;
    if (ev->part_id > 0) {
        q = sl_st(s,
                  "UPDATE vehicle_parts SET status = ?2, status_since = ?3,"
                  " replaced_by = COALESCE(?4, replaced_by), scheduled_for = ?5,"
                  " exempt_until = ?6, exempt_approver = ?7, exempt_reason = ?8 WHERE id = ?1",
                  err);
        if (q == NULL)
            return -1;
        bool exempt = strcmp(ev->to_status, "exempt") == 0;
        sl_bind_int(q, 1, ev->part_id);
        sl_bind_text(q, 2, ev->to_status);
        sl_bind_text(q, 3, ev->at);
        sl_bind_text_or_null(q, 4, ev->replaced_by);
        sl_bind_text_or_null(q, 5, ev->scheduled_for);
        sl_bind_text_or_null(q, 6, ev->exempt_until);
        sl_bind_text_or_null(q, 7, ev->exempt_approver);
        sl_bind_text_or_null(q, 8, exempt ? ev->note : NULL);
        if (sl_exec_deferred(q, "changing a part's status", err) != 0)
            return -1;
    }
    q = sl_st(s,
              "UPDATE vehicles SET status = CASE WHEN ?4 = 1 THEN status ELSE ?2 END,"
              " status_since = CASE WHEN ?4 = 1 THEN status_since ELSE ?3 END,"
              " site_id = COALESCE(?5, site_id), last_changed = ?3 WHERE id = ?1",
              err);
    if (q == NULL)
        return -1;
    sl_bind_int(q, 1, ev->vehicle_id);
    sl_bind_text(q, 2, ev->to_status);
    sl_bind_text(q, 3, ev->at);
    sl_bind_int(q, 4, ev->part_id > 0);
    sl_bind_id(q, 5, ev->site_id);
    return sl_exec_deferred(q, "changing a vehicle's status", err);
}

int sl_store_vehicle_set_status(struct sl_store *s, struct sl_vehicle_event *ev,
                                struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    char now[SL_ISO_LEN], since[SL_ISO_LEN] = "";
    sl_time_iso(sl_now(), now);
    if (ev->at[0] == '\0')
        sl_strlcpy(ev->at, now, sizeof ev->at);
    if (sl_store_vehicle_status(s, ev, since, err) != 0)
        goto fail;
    /* History is read in date order: a change cannot precede the status it changes. */
    if (strcmp(ev->at, since) < 0) {
        sl_err_setk(err, SL_ERR_CONFLICT,
                    "a change dated %s cannot precede the current status '%s' (since %s)", ev->at,
                    ev->from_status, since);
        goto fail;
    }
    if (insert_event(s, ev, now, err) != 0 || write_status(s, ev, err) != 0)
        goto fail;
    json_t *d = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?}", "from",
                          ev->from_status, "to", ev->to_status, "at", ev->at, "note",
                          ev->note[0] ? ev->note : NULL, "replaced_by",
                          ev->replaced_by[0] ? ev->replaced_by : NULL, "scheduled_for",
                          ev->scheduled_for[0] ? ev->scheduled_for : NULL, "exempt_until",
                          ev->exempt_until[0] ? ev->exempt_until : NULL, "approver",
                          ev->exempt_approver[0] ? ev->exempt_approver : NULL);
    if (ev->part_id > 0)
        json_object_set_new(d, "part", json_integer(ev->part_id));
    if (ev->site_id > 0)
        json_object_set_new(d, "site_id", json_integer(ev->site_id));
    if (ev->unaudited)
        json_decref(d);
    else if (audit_vehicle(s, ev->actor, ev->part_id > 0 ? "vehicle.part_status" : "vehicle.status",
                           ev->vehicle_id, d, err) != 0)
        goto fail;
    return sl_store_commit(s, err);
fail:
    sl_store_rollback(s);
    return -1;
}

int sl_store_vehicle_events(struct sl_store *s, int64_t vehicle_id, sl_vehicle_event_cb cb,
                            void *ctx, struct sl_err *err)
{
    struct sl_q *q = sl_st(s,
                           "SELECT e.id, e.part_id, e.at, e.recorded_at, e.actor, e.from_status,"
                           " e.to_status, e.site_id, s.name, e.note, e.replaced_by,"
                           " e.scheduled_for, e.exempt_until, e.exempt_approver"
                           " FROM vehicle_events e LEFT JOIN sites s ON s.id = e.site_id"
                           " WHERE e.vehicle_id = ?1 ORDER BY e.at, e.id",
                           err);
    if (q == NULL)
        return -1;
    sl_bind_int(q, 1, vehicle_id);
    int rc;
    while ((rc = sl_step(q, "reading a vehicle's history", err)) == 1) {
        struct sl_vehicle_event e;
        memset(&e, 0, sizeof e);
        e.id = sl_col_int(q, 0);
        e.vehicle_id = vehicle_id;
        e.part_id = sl_col_int(q, 1);
        sl_col_text(q, 2, e.at, sizeof e.at);
        sl_col_text(q, 3, e.recorded_at, sizeof e.recorded_at);
        sl_col_text(q, 4, e.actor, sizeof e.actor);
        sl_col_text(q, 5, e.from_status, sizeof e.from_status);
        sl_col_text(q, 6, e.to_status, sizeof e.to_status);
        e.site_id = sl_col_int(q, 7);
        sl_col_text(q, 8, e.site, sizeof e.site);
        sl_col_text(q, 9, e.note, sizeof e.note);
        sl_col_text(q, 10, e.replaced_by, sizeof e.replaced_by);
        sl_col_text(q, 11, e.scheduled_for, sizeof e.scheduled_for);
        sl_col_text(q, 12, e.exempt_until, sizeof e.exempt_until);
        sl_col_text(q, 13, e.exempt_approver, sizeof e.exempt_approver);
        if (cb(&e, ctx) != 0) {
            sl_reset(q);
            return 0;
        }
    }
    return rc < 0 ? -1 : 0;
}

int sl_store_vehicle_judged(struct sl_store *s, int64_t id, const char *maker,
                            const struct sl_verdict *v, struct sl_err *err)
{
    struct sl_q *q = sl_st(s,
                           "UPDATE vehicles SET maker = ?2, decision = ?3, policy = ?4,"
                           " deadline = ?5, reason = ?6, judged_at = ?7 WHERE id = ?1",
                           err);
    if (q == NULL)
        return -1;
    char now[SL_ISO_LEN];
    sl_time_iso(sl_now(), now);
    sl_bind_int(q, 1, id);
    sl_bind_text_or_null(q, 2, maker);
    bind_verdict(q, 3, v, true);
    sl_bind_text(q, 7, now);
    return sl_exec_deferred(q, "recording a vehicle's verdict", err);
}

int sl_store_vpart_judged(struct sl_store *s, int64_t id, const char *vendor,
                          const char *vendors, const char *rules, const struct sl_verdict *v,
                          struct sl_err *err)
{
    struct sl_q *q = sl_st(s,
                           "UPDATE vehicle_parts SET vendor = ?2, vendors = ?3, rules = ?4,"
                           " decision = ?5, policy = ?6, deadline = ?7 WHERE id = ?1",
                           err);
    if (q == NULL)
        return -1;
    sl_bind_int(q, 1, id);
    sl_bind_text_or_null(q, 2, vendor);
    sl_bind_text_or_null(q, 3, vendors);
    sl_bind_text_or_null(q, 4, rules);
    bind_verdict(q, 5, v, false);
    return sl_exec_deferred(q, "recording a part's verdict", err);
}

/* ---- figures ---------------------------------------------------------------------- */

/* The scope's condition, shared by the figure queries: ?S kind, ?S+1 value. */
#define SCOPE_SQL(k, v)                                                                          \
    " AND (" k " = 'all' OR (" k " = 'tier' AND s.tier = " v ")"                              \
    " OR (" k " = 'department' AND s.department = " v ") OR (" k " = 'site' AND s.name = " v ")" \
    " OR (" k " = 'fleet' AND v.fleet = " v "))"

static void bind_scope(struct sl_q *q, int first, const struct sl_vehicle_scope *sc)
{
    sl_bind_text(q, first, sc->until != NULL ? sc->until : "9999-12-31T23:59:59Z");
    sl_bind_text(q, first + 1, sc->kind != NULL ? sc->kind : "all");
    sl_bind_text(q, first + 2, sc->value != NULL ? sc->value : "");
}

struct fig_walk {
    const struct sl_vehicle_scope *sc;
    int64_t after;
    sl_vehicle_fig_cb cb;
    void *ctx;
};

static void fig_bind(struct sl_q *q, void *vw)
{
    struct fig_walk *w = vw;
    sl_bind_int(q, 1, w->after);
    bind_scope(q, 3, w->sc);
}

static int fig_row(struct sl_q *q, void *vw)
{
    struct fig_walk *w = vw;
    struct sl_vehicle_fig_row r;
    r.id = w->after = sl_col_int(q, 0);
    r.fleet = sl_col_str(q, 1);
    r.site = sl_col_str(q, 2);
    r.tier = sl_col_str(q, 3);
    r.site_rule = sl_col_str(q, 4);
    r.model_year = (int)sl_col_int(q, 5);
    r.status = sl_col_str(q, 6);
    if (sl_decision_from_name(sl_col_str(q, 7), &r.decision) != 0)
        r.decision = SL_DECISION_REVIEW;
    r.deadline = sl_col_str(q, 8);
    return w->cb(&r, w->ctx);
}

/* The vehicles registered by `until` (a parameter), each with its status
 * (st) and site (sid) as they stood then: replayed from vehicle_events (the
 * creation event carries the first site), one index seek each; when no event
 * is later than `until` (a report of today) the rows' own values, which the
 * events always end in, without a seek. */
#define NOTHING_AFTER(until) "(SELECT max(at) FROM vehicle_events) <= " until
/* A verdict column (decision or deadline) of a vehicle (part NULL) or a part as
 * it stood at `until`, from vehicle_verdict_events (migration 12): the last
 * change by then gives its to_ value; else the first change after it its
 * from_ value; else (never changed) the row's own. No change later than
 * `until` (a report of today): the row's own, without a seek. */
#define VV_NOTHING_AFTER(until)                                                                   \
    "(SELECT max(at) FROM vehicle_verdict_events) <= " until                                      \
    " OR NOT EXISTS (SELECT 1 FROM vehicle_verdict_events)"
#define VV_OF(vid, part) " e.vehicle_id = " vid " AND e.part_id " part
#define VERDICT_AS_OF(col, own, vid, part, until)                                                 \
    "(CASE WHEN " VV_NOTHING_AFTER(until) " THEN " own                                            \
    " WHEN EXISTS (SELECT 1 FROM vehicle_verdict_events e WHERE" VV_OF(vid, part)                  \
    " AND e.at <= " until ") THEN (SELECT e.to_" col " FROM vehicle_verdict_events e WHERE"        \
    VV_OF(vid, part) " AND e.at <= " until " ORDER BY e.at DESC, e.id DESC LIMIT 1)"               \
    " WHEN EXISTS (SELECT 1 FROM vehicle_verdict_events e WHERE" VV_OF(vid, part)                  \
    " AND e.at > " until ") THEN (SELECT e.from_" col " FROM vehicle_verdict_events e WHERE"       \
    VV_OF(vid, part) " AND e.at > " until " ORDER BY e.at, e.id LIMIT 1)"                          \
    " ELSE " own " END)"
#define VEHICLES_AS_OF(until)                                                                     \
    "(SELECT v.id, v.fleet, v.model_year,"                                                        \
    VERDICT_AS_OF("decision", "v.decision", "v.id", "IS NULL", until) " AS decision,"             \
    VERDICT_AS_OF("deadline", "v.deadline", "v.id", "IS NULL", until) " AS deadline,"             \
    " COALESCE(CASE WHEN " NOTHING_AFTER(until) " THEN v.status END,"                             \
    " (SELECT e.to_status FROM vehicle_events e WHERE e.vehicle_id = v.id"                         \
    "   AND e.part_id IS NULL AND e.at <= " until " ORDER BY e.at DESC, e.id DESC LIMIT 1),"      \
    "   v.status) AS st,"                                                                          \
    " CASE WHEN " NOTHING_AFTER(until) " THEN v.site_id ELSE"                                     \
    " COALESCE((SELECT e.site_id FROM vehicle_events e WHERE e.vehicle_id = v.id"                  \
    "   AND e.part_id IS NULL AND e.site_id IS NOT NULL AND e.at <= " until                        \
    " ORDER BY e.at DESC, e.id DESC LIMIT 1), v.site_id) END AS sid"                               \
    " FROM vehicles v WHERE v.first_seen <= " until ") v"
/* A part's decision and deadline as they stood at `until`. */
#define PART_DECISION_AS_OF(until)                                                                \
    VERDICT_AS_OF("decision", "p.decision", "p.vehicle_id", "= p.id", until)
#define PART_DEADLINE_AS_OF(until)                                                                \
    VERDICT_AS_OF("deadline", "p.deadline", "p.vehicle_id", "= p.id", until)
/* A part's status as it stood at `until`: its last event by then, else fitted. */
#define PART_AS_OF(until)                                                                         \
    "COALESCE(CASE WHEN " NOTHING_AFTER(until) " THEN p.status END,"                              \
    " (SELECT e.to_status FROM vehicle_events e WHERE e.vehicle_id = p.vehicle_id"                 \
    " AND e.part_id = p.id AND e.at <= " until " ORDER BY e.at DESC, e.id DESC LIMIT 1), 'fitted')"

int sl_store_vehicle_figures(struct sl_store *s, const struct sl_vehicle_scope *sc,
                             sl_vehicle_fig_cb cb, void *ctx, struct sl_err *err)
{
    struct sl_pager p = {
        "SELECT v.id, v.fleet, s.name, s.tier, s.vehicle_rule, v.model_year, v.st,"
        " v.decision, v.deadline FROM " VEHICLES_AS_OF("?3")
        " LEFT JOIN sites s ON s.id = v.sid WHERE v.id > ?1" SCOPE_SQL("?4", "?5")
        " ORDER BY v.id LIMIT ?2",
        2, fig_bind, fig_row, "counting vehicles"};
    struct fig_walk w = {sc, 0, cb, ctx};
    return sl_walk_pages(s, &p, &w, err);
}

int sl_store_vpart_groups(struct sl_store *s, const struct sl_vehicle_scope *sc, const char *by,
                          sl_vpart_group_cb cb, void *ctx, struct sl_err *err)
{
    /* Few groups (vendors, model years) whatever the fleet's size: one query. */
    const char *sql =
        strcmp(by, "vendor") == 0
            ? "SELECT p.vendor, " PART_DECISION_AS_OF("?1") " AS d, count(*),"
              " min(" PART_DEADLINE_AS_OF("?1") ") FROM vehicle_parts p"
              " JOIN " VEHICLES_AS_OF("?1") " ON v.id = p.vehicle_id"
              " LEFT JOIN sites s ON s.id = v.sid"
              " WHERE v.st = 'active' AND " PART_AS_OF("?1") " <> 'removed'"
              SCOPE_SQL("?2", "?3") " GROUP BY p.vendor, d ORDER BY 1, 2"
            : "SELECT CAST(v.model_year AS TEXT), " PART_DECISION_AS_OF("?1") " AS d, count(*),"
              " min(" PART_DEADLINE_AS_OF("?1") ")"
              " FROM vehicle_parts p JOIN " VEHICLES_AS_OF("?1") " ON v.id = p.vehicle_id"
              " LEFT JOIN sites s ON s.id = v.sid"
              " WHERE v.st = 'active' AND " PART_AS_OF("?1") " <> 'removed'"
              SCOPE_SQL("?2", "?3") " GROUP BY v.model_year, d ORDER BY 1, 2";
    struct sl_q *q = sl_st(s, sql, err);
    if (q == NULL)
        return -1;
    bind_scope(q, 1, sc);
    int rc;
    while ((rc = sl_step(q, "counting vehicle parts", err)) == 1) {
        struct sl_vpart_group g;
        g.key = sl_col_str(q, 0);
        if (sl_decision_from_name(sl_col_str(q, 1), &g.decision) != 0)
            g.decision = SL_DECISION_REVIEW;
        g.count = sl_col_int(q, 2);
        g.earliest = sl_col_str(q, 3);
        if (cb(&g, ctx) != 0) {
            sl_reset(q);
            return 0;
        }
    }
    return rc < 0 ? -1 : 0;
}

/* ---- the dashboard's list ------------------------------------------------------------ */

/* The list's statements: one per backend, set of filters present and order,
 * built once. An absent filter is "?N IS NULL" (bound NULL), a present one its
 * bare condition, so the planner reads the index of that column with the id
 * (vehicles_site_id, vehicles_fleet_id, vehicles_decision_id,
 * vehicles_status_id). */
enum { VPAGE_SITES = 1, VPAGE_FLEET = 2, VPAGE_DECISION = 4, VPAGE_STATUS = 8, VPAGE_FILTERS = 16 };
static char *vpage_sql[2][VPAGE_FILTERS][3];
static pthread_once_t vpage_once = PTHREAD_ONCE_INIT;

static char *vpage_variant(bool pg, unsigned v, enum sl_vehicle_order order)
{
    static const char *const cond[2][4][2] = {
        {{" ?1 IS NULL", " v.site_id IN (SELECT value FROM json_each(?1))"},
         {" ?2 IS NULL", " v.fleet = ?2"},
         {" ?3 IS NULL", " v.decision = ?3"},
         {" ?4 IS NULL", " v.status = ?4"}},
        {{" ?1::text IS NULL", " v.site_id = ANY(?1::bigint[])"},
         {" ?2::text IS NULL", " v.fleet = ?2"},
         {" ?3::text IS NULL", " v.decision = ?3"},
         {" ?4::text IS NULL", " v.status = ?4"}}};
    /* Every statement names every parameter; the one the order does not use
     * is only tested (typed for PostgreSQL). */
    static const char *const tail[2][3] = {
        {" v.id > ?5 AND ?6 IS NOT NULL ORDER BY v.id LIMIT ?7",
         " v.id < ?5 AND ?6 IS NOT NULL ORDER BY v.id DESC LIMIT ?7",
         " ?5 IS NOT NULL AND v.vin > ?6 ORDER BY v.vin LIMIT ?7"},
        {" v.id > ?5 AND ?6::text IS NOT NULL ORDER BY v.id LIMIT ?7",
         " v.id < ?5 AND ?6::text IS NOT NULL ORDER BY v.id DESC LIMIT ?7",
         " ?5::bigint IS NOT NULL AND v.vin > ?6 ORDER BY v.vin LIMIT ?7"}};
    char sql[2048];
    int n = snprintf(sql, sizeof sql, "SELECT " VEHICLE_COLUMNS
                     " FROM vehicles v LEFT JOIN sites s ON s.id = v.site_id WHERE");
    for (unsigned f = 0; f < 4; f++)
        n += snprintf(sql + n, sizeof sql - (size_t)n, "%s AND", cond[pg][f][(v >> f) & 1]);
    snprintf(sql + n, sizeof sql - (size_t)n, "%s", tail[pg][order]);
    return strdup(sql);
}

static void build_vpage_sql(void)
{
    for (unsigned v = 0; v < VPAGE_FILTERS; v++)
        for (int pg = 0; pg < 2; pg++)
            for (int o = 0; o < 3; o++)
                vpage_sql[pg][v][o] = vpage_variant(pg, v, (enum sl_vehicle_order)o);
}

int sl_store_vehicle_page(struct sl_store *s, const struct sl_vehicle_page_query *q,
                          sl_vehicle_cb cb, void *ctx, struct sl_err *err)
{
    pthread_once(&vpage_once, build_vpage_sql);
    unsigned v = (q->site_ids != NULL ? VPAGE_SITES : 0) | (q->fleet != NULL ? VPAGE_FLEET : 0) |
                 (q->decision != NULL ? VPAGE_DECISION : 0) | (q->status != NULL ? VPAGE_STATUS : 0);
    const char *sql = vpage_sql[strcmp(s->be->name, "postgres") == 0][v][q->order];
    if (sql == NULL)
        return sl_err_set(err, "out of memory");
    char *set;
    struct sl_q *st = sl_st_id_set(s, sql, q->site_ids, q->n_site_ids, &set, err);
    if (st == NULL)
        return -1;
    sl_bind_text_or_null(st, 2, q->fleet);
    sl_bind_text_or_null(st, 3, q->decision);
    sl_bind_text_or_null(st, 4, q->status);
    sl_bind_int(st, 5, q->order == SL_VORDER_NEWEST && q->after_id <= 0 ? INT64_MAX : q->after_id);
    sl_bind_text(st, 6, q->after_vin != NULL ? q->after_vin : "");
    sl_bind_int(st, 7, q->limit > 0 ? q->limit : 50);
    int rc;
    while ((rc = sl_step(st, "listing a page of vehicles", err)) == 1) {
        struct sl_vehicle_row row;
        row_to_vehicle(st, &row);
        if (cb(&row, ctx) != 0) {
            sl_reset(st);
            rc = 0;
            break;
        }
    }
    free(set);
    return rc < 0 ? -1 : 0;
}

/* ---- expired part exemptions ----------------------------------------------------------- */

int sl_store_vpart_expired(struct sl_store *s, const char *day, int64_t after_id, int64_t limit,
                           sl_vpart_expired_cb cb, void *ctx, struct sl_err *err)
{
    struct sl_q *q = sl_st(s,
                           "SELECT p.id, p.vehicle_id, p.exempt_until, " EXEMPT_FROM("p") ","
                           " (SELECT e.scheduled_for FROM vehicle_events e"
                           "  WHERE e.vehicle_id = p.vehicle_id AND e.part_id = p.id"
                           "  AND e.to_status = 'scheduled' ORDER BY e.at DESC, e.id DESC LIMIT 1)"
                           " FROM vehicle_parts p WHERE p.status = 'exempt' AND p.id > ?2"
                           " AND p.exempt_until IS NOT NULL AND p.exempt_until < ?1"
                           " ORDER BY p.id LIMIT ?3",
                           err);
    if (q == NULL)
        return -1;
    sl_bind_text(q, 1, day);
    sl_bind_int(q, 2, after_id);
    sl_bind_int(q, 3, limit);
    int rc;
    while ((rc = sl_step(q, "finding expired part exemptions", err)) == 1) {
        struct sl_vpart_expired x = {sl_col_int(q, 0), sl_col_int(q, 1), "", "", ""};
        sl_col_text(q, 2, x.until, sizeof x.until);
        sl_col_text(q, 3, x.back_to, sizeof x.back_to);
        sl_col_text(q, 4, x.scheduled_for, sizeof x.scheduled_for);
        if (cb(&x, ctx) != 0) {
            sl_reset(q);
            return 0;
        }
    }
    return rc < 0 ? -1 : 0;
}

/* ---- vehicle milestones: the affected parts in scope, and when each left --------- */

struct prog_walk {
    const struct sl_vehicle_scope *sc;
    int64_t after;
    sl_vpart_progress_cb cb;
    void *ctx;
};

static void prog_bind(struct sl_q *q, void *vw)
{
    struct prog_walk *w = vw;
    sl_bind_int(q, 1, w->after);
    bind_scope(q, 3, w->sc);
}

static int prog_row(struct sl_q *q, void *vw)
{
    struct prog_walk *w = vw;
    struct sl_vpart_progress r;
    r.id = w->after = sl_col_int(q, 0);
    r.status = sl_col_null(q, 1) ? "fitted" : sl_col_str(q, 1);
    r.done_at = sl_col_null(q, 2) ? "" : sl_col_str(q, 2);
    return w->cb(&r, w->ctx);
}

/* When a part left the fleet by `until`: its removal, else its vehicle's retirement. */
#define DONE_AT(until)                                                                            \
    "(CASE WHEN pst = 'removed' THEN (SELECT max(e.at) FROM vehicle_events e"                    \
    " WHERE e.vehicle_id = pv AND e.part_id = pid AND e.to_status = 'removed'"                     \
    " AND e.at <= " until ") WHEN vst = 'retired' THEN (SELECT max(e.at) FROM vehicle_events e"   \
    " WHERE e.vehicle_id = pv AND e.part_id IS NULL AND e.to_status = 'retired'"                   \
    " AND e.at <= " until ") END)"

int sl_store_vpart_progress(struct sl_store *s, const struct sl_vehicle_scope *sc,
                            sl_vpart_progress_cb cb, void *ctx, struct sl_err *err)
{
    struct sl_pager p = {
        "SELECT pid, pst, " DONE_AT("?3") " FROM"
        " (SELECT p.id AS pid, p.vehicle_id AS pv, v.st AS vst, " PART_AS_OF("?3") " AS pst,"
        " " PART_DECISION_AS_OF("?3") " AS pd FROM vehicle_parts p"
        " JOIN " VEHICLES_AS_OF("?3") " ON v.id = p.vehicle_id"
        " LEFT JOIN sites s ON s.id = v.sid WHERE p.id > ?1" SCOPE_SQL("?4", "?5") ") x"
        " WHERE pd IN ('prohibited', 'replace-by') ORDER BY pid LIMIT ?2",
        2, prog_bind, prog_row, "counting the parts of a vehicle milestone"};
    struct prog_walk w = {sc, 0, cb, ctx};
    return sl_walk_pages(s, &p, &w, err);
}
