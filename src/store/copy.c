/* copy.c - moving a whole register from one location to another (SQLite to
 * PostgreSQL and back): every table, ids kept, in key order and in batches,
 * then the destination's audit chain verified against the source's head.
 * Works through the seam only; it does not know which backends it joins (a
 * destination with a bulk load gets the rows that way, PostgreSQL's COPY). The
 * whole copy is one transaction at the destination: all of it or nothing.
 *
 * A new table must be added to `tables` below (tests/unit/test_store_copy.c
 * fails when a table of the schema is missing from it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/buf.h"
#include "util/str.h"

/* Column kinds: i integer, r real, t text, b bytes. */
struct copy_table {
    const char *name;
    const char *key;     /* integer key to page by, or NULL: copied in one pass (small tables) */
    const char *columns; /* in order */
    const char *kinds;   /* one letter per column */
};

static const struct copy_table tables[] = {
    {"sites", "id", "id, name, department, tier, created_at, vehicle_rule", "ittttt"},
    {"site_networks", NULL, "site_id, cidr", "it"},
    {"scans", "id",
     "id, site_id, kind, started_at, finished_at, status, targets, options, actor, hosts_total,"
     " hosts_up, devices_found, pid, host",
     "iitttttttiiiit"},
    {"devices", "id",
     "id, site_id, mac, serial, address, ports, manufacturer, brand, model, firmware,"
     " device_type, confidence, claim, decision, verdict, status, status_since, first_seen,"
     " last_seen, last_scan_id, scheduled_for, replaced_by, exempt_reason, exempt_approver,"
     " exempt_until",
     "iitttttttttrtttttttittttt"},
    {"evidence", "id",
     "id, scan_id, device_id, address, proto, port, path, request, outcome, detail,"
     " observed_at, truncated, data",
     "iiittitttttib"},
    {"lifecycle_events", "id",
     "id, device_id, at, recorded_at, actor, from_status, to_status, note, replaced_by,"
     " scheduled_for, exempt_until, exempt_approver, scan_id, demo",
     "iittttttttttii"},
    {"verdict_events", "id",
     "id, device_id, at, recorded_at, actor, via, scan_id, claim_changed, verdict_changed,"
     " from_claim, to_claim, from_manufacturer, to_manufacturer, from_decision, to_decision,"
     " from_policy, to_policy, from_deadline, to_deadline, policy_version, rules, reason",
     "iittttiiittttttttttttt"},
    {"milestones", "id",
     "id, name, due, target_kind, target, scope_kind, scope_value, created_at, subject",
     "itttttttt"},
    {"sightings", NULL, "mac, address, device_id, first_seen, last_seen", "ttitt"},
    {"alerts", "id",
     "id, first_at, last_at, signature_id, signature, severity, device_id, src, dest, count,"
     " detail",
     "itttiiittit"},
    {"vehicles", "id",
     "id, vin, make, model, model_year, model_year_from_vin, fleet, site_id, registration, wmi,"
     " maker, source, status, status_since, decision, policy, deadline, reason, judged_at,"
     " first_seen, last_changed",
     "itttiitittttttttttttt"},
    {"vehicle_parts", "id",
     "id, vehicle_id, position, kind, layer, supplier, manufacturer, model, version, imei,"
     " serial, purl, cpe, source, status, status_since, replaced_by, vendor, vendors, rules,"
     " decision, policy, deadline, scheduled_for, exempt_until, exempt_approver, exempt_reason",
     "iiitttttttttttttttttttttttt"},
    {"vehicle_events", "id",
     "id, vehicle_id, part_id, at, recorded_at, actor, from_status, to_status, site_id, note,"
     " replaced_by, scheduled_for, exempt_until, exempt_approver",
     "iiitttttittttt"},
    {"vehicle_verdict_events", "id",
     "id, vehicle_id, part_id, at, actor, from_decision, to_decision, from_deadline,"
     " to_deadline, policy, why",
     "iiitttttttt"},
    {"users", "id", "id, name, pwhash, disabled, created_at, pw_changed_at", "ittiii"},
    {"user_grants", "id", "id, user_id, role, scope_kind, scope_value", "iittt"},
    {"sessions", NULL, "id_hash, user_id, csrf, created_at, last_seen, address", "titiit"},
    {"api_tokens", "id", "id, user_id, label, hash, scope, created_at, expires_at, revoked",
     "iitttiii"},
    {"exemption_requests", "id",
     "id, device_id, requested_by, reason, until, requested_at, state, decided_by, decided_at",
     "iitttitti"},
    {"agents", "id",
     "id, uid, name, cert_pem, cert_sha256, not_after, enrolled_at, revoked_at, schedule,"
     " last_seen, version, spool_batches, spool_bytes, spool_full, batches, refused_records",
     "itttiiiiiitiiiii"},
    {"agent_sites", NULL, "agent_id, site_id", "ii"},
    {"agent_tokens", "id", "id, token_sha256, site_id, created_at, expires_at, schedule, used_at, agent_id",
     "itiiiiii"},
    {"agent_batches", NULL, "uuid, agent_id, seq, records, scan_id, received_at", "tiiiii"},
    {"audit_log", "seq", "seq, at, actor, action, object, detail, prev_hash, hash, keyed",
     "itttttbbi"},
    {"audit_baseline", NULL, "evidence_upto", "i"},
};

#define MAX_BATCH_PARAMS 1800 /* per INSERT: well under both backends' limits */
#define PROGRESS_ROWS 50000   /* rows between progress calls */

const char *sl_store_copy_table(size_t i)
{
    return i < sizeof tables / sizeof tables[0] ? tables[i].name : NULL;
}

/* An uncached statement (built SQL): prepared, used, finalized by the caller. */
static struct sl_q *prepare_once(struct sl_store *s, const char *sql, struct sl_err *err)
{
    struct sl_q *q = s->be->prepare(s, sql, err);
    if (q == NULL)
        sl_err_prefix(err, "preparing a statement");
    return q;
}

static int ncols(const struct copy_table *t)
{
    return (int)strlen(t->kinds);
}

/* "INSERT INTO t (cols) VALUES (?1, ..), (..)" for `rows` rows. */
static char *insert_sql(const struct copy_table *t, int rows)
{
    int nc = ncols(t);
    size_t cap = strlen(t->columns) + 64 + (size_t)rows * ((size_t)nc * 8 + 4); /* "(?N, ...), " */
    char *sql = malloc(cap);
    if (sql == NULL)
        return NULL;
    size_t n = (size_t)snprintf(sql, cap, "INSERT INTO %s (%s) VALUES ", t->name, t->columns);
    int p = 1;
    for (int r = 0; r < rows; r++) {
        n += (size_t)snprintf(sql + n, cap - n, "%s(", r ? ", " : "");
        for (int c = 0; c < nc; c++)
            n += (size_t)snprintf(sql + n, cap - n, "%s?%d", c ? ", " : "", p++);
        n += (size_t)snprintf(sql + n, cap - n, ")");
    }
    return sql;
}

/* One value read from the source, held until its batch is written. */
struct val {
    char kind; /* 'n' null, 'i', 'r', 't', 'b' */
    int64_t i;
    double r;
    char *p; /* text (NUL-terminated) or bytes */
    size_t n;
};

static void val_clear(struct val *v)
{
    free(v->p);
    memset(v, 0, sizeof *v);
}

/* Reads one source row's columns into vals[0..nc). */
static int read_row(struct val *vals, struct sl_q *sel, const char *kinds, struct sl_err *err)
{
    for (int c = 0; kinds[c] != '\0'; c++) {
        struct val *v = &vals[c];
        val_clear(v);
        if (sl_col_null(sel, c)) {
            v->kind = 'n';
            continue;
        }
        v->kind = kinds[c];
        if (v->kind == 'i') {
            v->i = sl_col_int(sel, c);
        } else if (v->kind == 'r') {
            v->r = sl_col_real(sel, c);
        } else {
            const void *src;
            if (v->kind == 'b') {
                src = sl_col_blob(sel, c, &v->n);
            } else {
                src = sl_col_str(sel, c);
                v->n = strlen(src);
            }
            v->p = malloc(v->n + 1);
            if (v->p == NULL)
                return sl_err_set(err, "out of memory");
            if (v->n > 0)
                memcpy(v->p, src, v->n);
            v->p[v->n] = '\0';
        }
    }
    return 0;
}

static void bind_val(struct sl_q *q, int p, const struct val *v)
{
    switch (v->kind) {
    case 'i': sl_bind_int(q, p, v->i); break;
    case 'r': sl_bind_real(q, p, v->r); break;
    case 't': sl_bind_text(q, p, v->p); break;
    case 'b':
        if (v->n == 0)
            sl_bind_text(q, p, ""); /* empty, not NULL */
        else
            sl_bind_blob(q, p, v->p, v->n);
        break;
    default: sl_bind_null(q, p); break;
    }
}

struct copier {
    struct sl_store *src, *dst;
    const struct copy_table *t;
    int nc, batch;      /* columns; rows per full INSERT */
    struct sl_q *full;  /* the INSERT for a full batch */
    struct val *vals;   /* batch * nc values */
    int pending;        /* rows held */
    int64_t done, since_progress;
    sl_copy_cb cb;
    void *ctx;
    /* A destination with a bulk load (PostgreSQL's COPY): rows as its text. */
    bool bulk;
    char bulk_sql[1024];
    struct sl_buf buf;
};

#define BULK_CHUNK (8u << 20) /* bytes of rows per COPY */

/* Appends the source's current row to the COPY text, as its kinds say. */
static int bulk_row(struct copier *c, struct sl_q *sel, struct sl_err *err)
{
    bool bad = false;
    for (int k = 0; k < c->nc; k++) {
        bool last = k == c->nc - 1;
        char num[40];
        char kind = sl_col_null(sel, k) ? 'n' : c->t->kinds[k];
        if (kind == 'i')
            snprintf(num, sizeof num, "%lld", (long long)sl_col_int(sel, k));
        else if (kind == 'r')
            snprintf(num, sizeof num, "%.17g", sl_col_real(sel, k));
        if (kind == 'b') {
            size_t n = 0;
            const void *p = sl_col_blob(sel, k, &n);
            sl_copy_bytes(&c->buf, p, n, last, &bad);
        } else {
            sl_copy_field(&c->buf, kind == 'n' ? NULL : kind == 't' ? sl_col_str(sel, k) : num,
                          last, &bad);
        }
    }
    if (bad)
        return sl_err_set(err, "out of memory");
    c->pending++;
    return 0;
}

static int flush_bulk(struct copier *c, struct sl_err *err)
{
    if (c->dst->be->copy_in(c->dst, c->bulk_sql, (const char *)c->buf.data, c->buf.len, err) != 0)
        return sl_err_prefix(err, "table %s", c->t->name);
    sl_buf_reset(&c->buf);
    return 0;
}

/* The pending rows are written: counted, and progress told now and then. */
static int written(struct copier *c)
{
    c->done += c->pending;
    c->since_progress += c->pending;
    c->pending = 0;
    if (c->since_progress >= PROGRESS_ROWS) {
        c->since_progress = 0;
        if (c->cb != NULL)
            c->cb(c->t->name, c->done, c->ctx);
    }
    return 0;
}

static int flush(struct copier *c, struct sl_err *err)
{
    if (c->pending == 0)
        return 0;
    if (c->bulk)
        return flush_bulk(c, err) != 0 ? -1 : written(c);
    struct sl_q *q = c->full;
    if (c->pending < c->batch) { /* the last, short batch of a table */
        char *sql = insert_sql(c->t, c->pending);
        if (sql == NULL)
            return sl_err_set(err, "out of memory");
        q = prepare_once(c->dst, sql, err);
        free(sql);
        if (q == NULL)
            return -1;
    }
    sl_reset(q);
    for (int k = 0; k < c->pending * c->nc; k++)
        bind_val(q, k + 1, &c->vals[k]);
    int rc = sl_exec_deferred(q, "copying rows", err);
    if (q != c->full)
        c->dst->be->finalize(q);
    if (rc != 0)
        return sl_err_prefix(err, "table %s", c->t->name);
    return written(c);
}

/* Copies the rows a page statement yields; *last gets the last key seen. */
static int copy_page(struct copier *c, struct sl_q *sel, int64_t *last, int64_t *rows,
                     struct sl_err *err)
{
    int rc;
    while ((rc = sl_step(sel, "reading the source", err)) == 1) {
        (*rows)++;
        if (last != NULL)
            *last = sl_col_int(sel, 0);
        if (c->bulk ? bulk_row(c, sel, err) != 0 ||
                          (c->buf.len >= BULK_CHUNK && flush(c, err) != 0)
                    : read_row(&c->vals[c->pending * c->nc], sel, c->t->kinds, err) != 0 ||
                          (++c->pending == c->batch && flush(c, err) != 0)) {
            sl_reset(sel);
            return -1;
        }
    }
    return rc < 0 ? -1 : 0;
}

static int copy_table(struct copier *c, struct sl_err *err)
{
    const struct copy_table *t = c->t;
    c->nc = (int)strlen(t->kinds);
    c->batch = MAX_BATCH_PARAMS / c->nc;
    c->pending = 0;
    c->done = 0;
    c->vals = calloc((size_t)c->batch * (size_t)c->nc, sizeof *c->vals);
    char *sql = insert_sql(t, c->batch);
    if (sql == NULL || c->vals == NULL) {
        free(sql);
        free(c->vals);
        return sl_err_set(err, "out of memory");
    }
    c->bulk = c->dst->be->copy_in != NULL;
    snprintf(c->bulk_sql, sizeof c->bulk_sql, "COPY %s (%s) FROM STDIN", t->name, t->columns);
    sl_buf_init(&c->buf, 2 * BULK_CHUNK); /* a chunk and the row that passed it */
    c->full = prepare_once(c->dst, sql, err);
    free(sql);
    char sel_sql[1024];
    if (t->key != NULL)
        snprintf(sel_sql, sizeof sel_sql, "SELECT %s FROM %s WHERE %s > ?1 ORDER BY %s LIMIT ?2",
                 t->columns, t->name, t->key, t->key);
    else
        snprintf(sel_sql, sizeof sel_sql, "SELECT %s FROM %s", t->columns, t->name);
    struct sl_q *sel = c->full != NULL ? prepare_once(c->src, sel_sql, err) : NULL;
    int ret = sel == NULL ? -1 : 0;
    int64_t after = 0;
    while (ret == 0) {
        int64_t rows = 0;
        sl_reset(sel);
        if (t->key != NULL) {
            sl_bind_int(sel, 1, after);
            sl_bind_int(sel, 2, SL_PAGE_ROWS);
        }
        ret = copy_page(c, sel, t->key != NULL ? &after : NULL, &rows, err);
        if (t->key == NULL || rows < SL_PAGE_ROWS)
            break;
    }
    if (ret == 0)
        ret = flush(c, err);
    if (sel != NULL)
        c->src->be->finalize(sel);
    if (c->full != NULL)
        c->dst->be->finalize(c->full);
    c->full = NULL;
    for (int k = 0; k < c->batch * c->nc; k++)
        val_clear(&c->vals[k]);
    free(c->vals);
    c->vals = NULL;
    sl_buf_free(&c->buf);
    if (ret == 0 && c->cb != NULL)
        c->cb(t->name, c->done, c->ctx);
    return ret;
}

/* Any row in a table the copy writes makes a destination non-empty. */
static int is_empty(struct sl_store *s, bool *empty, struct sl_err *err)
{
    *empty = true;
    for (size_t i = 0; i < sizeof tables / sizeof tables[0] && *empty; i++) {
        /* Every register has its migration's baseline row; the source's is
         * appended beside it (db verify reads the largest). */
        if (strcmp(tables[i].name, "audit_baseline") == 0)
            continue;
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT 1 FROM %s LIMIT 1", tables[i].name);
        struct sl_q *q = prepare_once(s, sql, err);
        if (q == NULL)
            return -1;
        int rc = sl_step(q, "looking at the destination", err);
        s->be->finalize(q);
        if (rc < 0)
            return -1;
        if (rc == 1)
            *empty = false;
    }
    return 0;
}

int sl_store_copy(struct sl_store *src, struct sl_store *dst, sl_copy_cb cb, void *ctx,
                  struct sl_audit_report *rep, struct sl_err *err)
{
    if (sl_store_schema_version(src) != sl_store_latest_version() ||
        sl_store_schema_version(dst) != sl_store_latest_version())
        return sl_err_setk(err, SL_ERR_CONFLICT,
                           "both registers must be at schema version %d (run 'sightline db "
                           "migrate' on the source)",
                           sl_store_latest_version());
    bool empty;
    if (is_empty(dst, &empty, err) != 0)
        return -1;
    if (!empty)
        return sl_err_setk(err, SL_ERR_CONFLICT,
                           "%s is not empty: a copy goes only into an empty register",
                           dst->where);
    struct sl_audit_report src_rep;
    if (sl_store_verify(src, &src_rep, err) != 0)
        return sl_err_prefix(err, "verifying the source");
    if (src_rep.first_bad_seq != 0)
        return sl_err_setk(err, SL_ERR_CORRUPT,
                           "the source's audit chain is broken at entry %lld (%s); not copied",
                           (long long)src_rep.first_bad_seq, src_rep.problem);
    struct copier c = {.src = src, .dst = dst, .cb = cb, .ctx = ctx};
    if (sl_store_begin(dst, err) != 0)
        return -1;
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        c.t = &tables[i];
        if (copy_table(&c, err) != 0) {
            sl_store_rollback(dst);
            return -1;
        }
    }
    if (dst->be->sync_ids(dst, err) != 0 || sl_store_commit(dst, err) != 0) {
        sl_store_rollback(dst);
        return sl_err_prefix(err, "finishing the copy");
    }
    if (sl_store_verify(dst, rep, err) != 0)
        return sl_err_prefix(err, "verifying the copy");
    if (rep->first_bad_seq != 0 || rep->entries != src_rep.entries ||
        strcmp(rep->head_hash, src_rep.head_hash) != 0)
        return sl_err_setk(err, SL_ERR_CORRUPT,
                           "the copy's audit chain does not match the source's (%s)",
                           rep->problem[0] ? rep->problem : "different head");
    return 0;
}
