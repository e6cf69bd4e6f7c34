/* scans.c - scan records and the evidence they collect. */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "store/internal.h"
#include "util/str.h"

static const char *const scan_status_names[] = {"running", "complete", "incomplete"};

const char *sl_scan_status_name(enum sl_scan_status st)
{
    return (unsigned)st <= SL_SCAN_INCOMPLETE ? scan_status_names[st] : "incomplete";
}

int sl_store_scan_begin(struct sl_store *s, int64_t site_id, const char *kind,
                        const char *targets, const char *options_json, const char *actor,
                        int64_t *scan_id, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    char now[SL_ISO_LEN];
    sl_time_iso(sl_now(), now);
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    struct sl_q *st =
        s->version >= 6
            ? sl_st(s,
                    "INSERT INTO scans (site_id, kind, started_at, status, targets, options,"
                    " actor, pid, host) VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6, ?7, ?8)"
                    " RETURNING id",
                    err)
            : sl_st(s,
                    "INSERT INTO scans (site_id, kind, started_at, status, targets,"
                    " options, actor) VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6) RETURNING id",
                    err);
    if (st == NULL)
        goto fail;
    if (site_id > 0)
        sl_bind_int(st, 1, site_id);
    sl_bind_text(st, 2, kind != NULL ? kind : "scan");
    sl_bind_text(st, 3, now);
    sl_bind_text(st, 4, targets);
    sl_bind_text_or_null(st, 5, options_json);
    sl_bind_text(st, 6, actor);
    if (s->version >= 6) {
        sl_bind_int(st, 7, (int64_t)getpid());
        sl_bind_text(st, 8, host);
    }
    int64_t id = 0;
    if (sl_one_int(st, &id, "recording a scan", err) != 1)
        goto fail;
    char object[32];
    snprintf(object, sizeof object, "scan:%lld", (long long)id);
    json_t *d = json_pack("{s:s, s:s, s:I}", "kind", kind != NULL ? kind : "scan", "targets",
                          targets, "site", (json_int_t)site_id);
    char *dj = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    int rc = sl_store_audit(s, actor, "scan.begin", object, dj, err);
    free(dj);
    if (rc != 0)
        goto fail;
    *scan_id = id;
    return sl_store_commit(s, err);
fail:
    sl_store_rollback(s);
    return -1;
}

int sl_store_scan_finish(struct sl_store *s, int64_t scan_id, enum sl_scan_status status,
                         int64_t hosts_total, int64_t hosts_up, int64_t devices_found,
                         const char *actor, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    char now[SL_ISO_LEN];
    sl_time_iso(sl_now(), now);
    struct sl_q *st = sl_st(s,
                             "UPDATE scans SET finished_at = ?2, status = ?3, hosts_total = ?4,"
                             " hosts_up = ?5, devices_found = ?6 WHERE id = ?1",
                             err);
    if (st == NULL)
        goto fail;
    sl_bind_int(st, 1, scan_id);
    sl_bind_text(st, 2, now);
    sl_bind_text(st, 3, sl_scan_status_name(status));
    sl_bind_int(st, 4, hosts_total);
    sl_bind_int(st, 5, hosts_up);
    sl_bind_int(st, 6, devices_found);
    if (sl_exec_stmt(st, "finishing a scan", err) != 0)
        goto fail;
    char object[32];
    snprintf(object, sizeof object, "scan:%lld", (long long)scan_id);
    json_t *d = json_pack("{s:s, s:I, s:I, s:I}", "status", sl_scan_status_name(status),
                          "hosts_total", (json_int_t)hosts_total, "hosts_up",
                          (json_int_t)hosts_up, "devices_found", (json_int_t)devices_found);
    char *dj = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    int rc = sl_store_audit(s, actor, "scan.finish", object, dj, err);
    free(dj);
    if (rc != 0)
        goto fail;
    return sl_store_commit(s, err);
fail:
    sl_store_rollback(s);
    return -1;
}

/* Scans of this host left 'running' whose process is gone. */
static int dead_scans(struct sl_store *s, int64_t *ids, size_t cap, size_t *n,
                      struct sl_err *err)
{
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    struct sl_q *q = sl_st(s,
                           "SELECT id, pid FROM scans WHERE status = 'running' AND host = ?1"
                           " AND pid IS NOT NULL ORDER BY id",
                           err);
    if (q == NULL)
        return -1;
    sl_bind_text(q, 1, host);
    int rc;
    *n = 0;
    while ((rc = sl_step(q, "looking for interrupted scans", err)) == 1) {
        pid_t pid = (pid_t)sl_col_int(q, 1);
        if (pid > 0 && kill(pid, 0) != 0 && errno == ESRCH && *n < cap)
            ids[(*n)++] = sl_col_int(q, 0);
    }
    sl_reset(q);
    return rc < 0 ? -1 : 0;
}

int sl_store_scans_reap(struct sl_store *s, int64_t *reaped, struct sl_err *err)
{
    *reaped = 0;
    if (s->version < 6 || (s->flags & SL_STORE_READONLY))
        return 0;
    int64_t ids[64];
    size_t n = 0;
    if (dead_scans(s, ids, 64, &n, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char now[SL_ISO_LEN], object[32];
        sl_time_iso(sl_real_now(), now);
        if (sl_store_begin(s, err) != 0)
            return -1;
        struct sl_q *st = sl_st(s,
                                "UPDATE scans SET status = 'incomplete', finished_at = ?2"
                                " WHERE id = ?1 AND status = 'running'",
                                err);
        if (st == NULL) {
            sl_store_rollback(s);
            return -1;
        }
        sl_bind_int(st, 1, ids[i]);
        sl_bind_text(st, 2, now);
        snprintf(object, sizeof object, "scan:%lld", (long long)ids[i]);
        if (sl_exec_stmt(st, "marking an interrupted scan", err) != 0 ||
            sl_store_audit(s, "sightline", "scan.interrupted", object,
                           "{\"status\":\"incomplete\",\"why\":\"left running by a process "
                           "that is gone (killed)\"}",
                           err) != 0) {
            sl_store_rollback(s);
            return -1;
        }
        if (sl_store_commit(s, err) != 0)
            return -1;
        (*reaped)++;
    }
    return 0;
}

int sl_store_scan_get(struct sl_store *s, int64_t scan_id, struct sl_scan *scan,
                      struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                             "SELECT id, site_id, started_at, finished_at, status, targets, kind,"
                             " hosts_total, hosts_up, devices_found FROM scans WHERE id = ?1",
                             err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, scan_id);
    int rc = sl_step(st, NULL, err);
    if (rc != 1) {
        sl_reset(st);
        return rc == 0 ? 0 : sl_err_prefix(err, "reading a scan");
    }
    memset(scan, 0, sizeof *scan);
    scan->id = sl_col_int(st, 0);
    scan->site_id = sl_col_int(st, 1);
    sl_col_text(st, 2, scan->started_at, sizeof scan->started_at);
    sl_col_text(st, 3, scan->finished_at, sizeof scan->finished_at);
    char status[16];
    sl_col_text(st, 4, status, sizeof status);
    scan->status = strcmp(status, "running") == 0    ? SL_SCAN_RUNNING
                   : strcmp(status, "complete") == 0 ? SL_SCAN_COMPLETE
                                                     : SL_SCAN_INCOMPLETE;
    sl_col_text(st, 5, scan->targets, sizeof scan->targets);
    sl_col_text(st, 6, scan->kind, sizeof scan->kind);
    scan->hosts_total = sl_col_int(st, 7);
    scan->hosts_up = sl_col_int(st, 8);
    scan->devices_found = sl_col_int(st, 9);
    sl_reset(st);
    return 1;
}

#define EV_COLS 12
#define EV_MANY 8 /* rows per INSERT of evidence_add_many */

void sl_evidence_hash_row(EVP_MD_CTX *ctx, int64_t scan_id, const char *address,
                          const char *proto, int64_t port, const char *path,
                          const char *request, const char *outcome, const char *detail,
                          const char *observed_at, int64_t truncated, const void *data,
                          size_t len)
{
    char num[3][24];
    snprintf(num[0], sizeof num[0], "%lld", (long long)scan_id);
    snprintf(num[1], sizeof num[1], "%lld", (long long)port);
    snprintf(num[2], sizeof num[2], "%lld", (long long)truncated);
    const char *const text[] = {num[0], address, proto,       num[1], path,
                                request, outcome, detail, observed_at, num[2]};
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        sl_hash_field(ctx, text[i], strlen(text[i]));
    sl_hash_field(ctx, data, len);
}

/* One row as stored: what is bound and what is hashed come from here. */
void sl_evidence_row_of(const struct sl_evidence *ev, struct sl_ev_row *r)
{
    sl_time_iso(ev->observed_at > 0 ? ev->observed_at : sl_now(), r->at);
    r->n = ev->len < SL_EVIDENCE_MAX_BYTES ? ev->len : SL_EVIDENCE_MAX_BYTES;
    if (ev->data == NULL)
        r->n = 0;
    r->truncated = ev->len > r->n;
}

static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* Binds one evidence row at parameter `first` onwards, and hashes it. */
static void bind_evidence(struct sl_q *st, int first, int64_t scan_id, int64_t device_id,
                          const char *address, const struct sl_evidence *ev, EVP_MD_CTX *md)
{
    struct sl_ev_row r;
    sl_evidence_row_of(ev, &r);
    sl_bind_id(st, first, scan_id);
    sl_bind_id(st, first + 1, device_id);
    sl_bind_text(st, first + 2, address);
    sl_bind_text(st, first + 3, sl_proto_name(ev->proto));
    sl_bind_int(st, first + 4, ev->port);
    sl_bind_text_or_null(st, first + 5, ev->path);
    sl_bind_text_or_null(st, first + 6, ev->request);
    sl_bind_text(st, first + 7, sl_outcome_name(ev->outcome));
    sl_bind_text_or_null(st, first + 8, ev->detail);
    sl_bind_text(st, first + 9, r.at);
    sl_bind_int(st, first + 10, r.truncated);
    if (r.n > 0)
        sl_bind_blob(st, first + 11, ev->data, r.n);
    sl_evidence_hash(md, scan_id, address, ev, &r);
}

void sl_evidence_hash(EVP_MD_CTX *md, int64_t scan_id, const char *address,
                      const struct sl_evidence *ev, const struct sl_ev_row *r)
{
    sl_evidence_hash_row(md, scan_id > 0 ? scan_id : 0, address, sl_proto_name(ev->proto),
                         ev->port, or_empty(ev->path), or_empty(ev->request),
                         sl_outcome_name(ev->outcome), or_empty(ev->detail), r->at, r->truncated,
                         ev->data, r->n);
}

/* The INSERT texts for 1..EV_MANY rows, built once (the statement cache keys
 * on their addresses, which never change). */
static char *many_sql[EV_MANY + 1];
static pthread_once_t many_once = PTHREAD_ONCE_INIT;

static void build_many(void)
{
    for (int rows = 1; rows <= EV_MANY; rows++)
        many_sql[rows] = sl_sql_rows("INSERT INTO evidence (scan_id, device_id, address, proto,"
                                     " port, path, request, outcome, detail, observed_at,"
                                     " truncated, data) VALUES ",
                                     EV_COLS, rows);
}

/* The "evidence.add" entry of n rows of one scan and address: their digest. */
int sl_evidence_audit(struct sl_store *s, int64_t scan_id, int64_t device_id,
                      const char *address, size_t n, EVP_MD_CTX *md, const char *actor,
                      struct sl_err *err)
{
    uint8_t h[32];
    unsigned int hl = 0;
    if (EVP_DigestFinal_ex(md, h, &hl) != 1 || hl != sizeof h)
        return sl_err_set(err, "hashing evidence failed");
    char hex[65];
    for (size_t i = 0; i < sizeof h; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    char object[32];
    snprintf(object, sizeof object, "scan:%lld", (long long)scan_id);
    json_t *d = json_pack("{s:s, s:I, s:I, s:s}", "address", address, "device",
                          (json_int_t)device_id, "rows", (json_int_t)n, "sha256", hex);
    char *dj = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    int rc = sl_store_audit(s, actor != NULL ? actor : "scanner", "evidence.add", object, dj,
                            err);
    free(dj);
    return rc;
}

/* Since migration 14 no foreign key guards evidence's scan and device, and on
 * PostgreSQL since 17 none guards a device's site and scan or a lifecycle
 * event's device and scan (the server checked them row by row): the writers
 * check them once per call. 0 when all exist (an id <= 0 is none), -1 with
 * SL_ERR_NOT_FOUND otherwise. */
int sl_refs_check(struct sl_store *s, int64_t scan_id, int64_t device_id, int64_t site_id,
                  struct sl_err *err)
{
    if (scan_id <= 0 && device_id <= 0 && site_id <= 0)
        return 0;
    struct sl_q *st = sl_st(s,
                            "SELECT (SELECT count(*) FROM scans WHERE id = ?1)"
                            " + 2 * (SELECT count(*) FROM devices WHERE id = ?2)"
                            " + 4 * (SELECT count(*) FROM sites WHERE id = ?3)",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, scan_id);
    sl_bind_int(st, 2, device_id);
    sl_bind_int(st, 3, site_id);
    int64_t got = 0;
    if (sl_one_int(st, &got, "checking a scan, device or site referred to", err) < 0)
        return -1;
    if (scan_id > 0 && (got & 1) == 0)
        return sl_err_setk(err, SL_ERR_NOT_FOUND, "scan %lld is not in the register",
                           (long long)scan_id);
    if (device_id > 0 && (got & 2) == 0)
        return sl_err_setk(err, SL_ERR_NOT_FOUND, "device %lld is not in the register",
                           (long long)device_id);
    if (site_id > 0 && (got & 4) == 0)
        return sl_err_setk(err, SL_ERR_NOT_FOUND, "site %lld is not in the register",
                           (long long)site_id);
    return 0;
}

/* Long: batches of EV_MANY rows a statement, hashed as they are bound, then
 * the one audit entry, all in one transaction. */
static int add_many(struct sl_store *s, int64_t scan_id, int64_t device_id, const char *address,
                    const struct sl_evidence *const *evs, size_t n, const char *actor,
                    bool check, struct sl_err *err)
{
    pthread_once(&many_once, build_many);
    if (n == 0)
        return 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return sl_err_set(err, "out of memory");
    }
    if (sl_store_begin(s, err) != 0) {
        EVP_MD_CTX_free(md);
        return -1;
    }
    if (check && sl_refs_check(s, scan_id, device_id, 0, err) != 0)
        goto fail;
    for (size_t done = 0; done < n;) {
        int rows = n - done < EV_MANY ? (int)(n - done) : EV_MANY;
        struct sl_q *st = many_sql[rows] != NULL ? sl_st(s, many_sql[rows], err) : NULL;
        if (st == NULL) {
            if (many_sql[rows] == NULL)
                sl_err_set(err, "out of memory");
            goto fail;
        }
        for (int r = 0; r < rows; r++)
            bind_evidence(st, r * EV_COLS + 1, scan_id, device_id, address,
                          evs[done + (size_t)r], md);
        if (sl_exec_deferred(st, "storing evidence", err) != 0)
            goto fail;
        done += (size_t)rows;
    }
    if (sl_evidence_audit(s, scan_id, device_id, address, n, md, actor, err) != 0)
        goto fail;
    EVP_MD_CTX_free(md);
    return sl_store_commit(s, err);
fail:
    EVP_MD_CTX_free(md);
    sl_store_rollback(s);
    return -1;
}

int sl_store_evidence_add_many(struct sl_store *s, int64_t scan_id, int64_t device_id,
                               const char *address, const struct sl_evidence *const *evs,
                               size_t n, const char *actor, struct sl_err *err)
{
    return add_many(s, scan_id, device_id, address, evs, n, actor, true, err);
}

int sl_evidence_add_observed(struct sl_store *s, int64_t scan_id, int64_t device_id,
                             const char *address, const struct sl_evidence *const *evs, size_t n,
                             const char *actor, struct sl_err *err)
{
    return add_many(s, scan_id, device_id, address, evs, n, actor, false, err);
}

int sl_store_evidence_assign(struct sl_store *s, int64_t scan_id, const char *address,
                             int64_t device_id, struct sl_err *err)
{
    if (sl_refs_check(s, 0, device_id, 0, err) != 0)
        return -1;
    struct sl_q *st = sl_st(s,
                             "UPDATE evidence SET device_id = ?3 WHERE scan_id = ?1"
                             " AND address = ?2 AND device_id IS NULL",
                             err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, scan_id);
    sl_bind_text(st, 2, address);
    sl_bind_int(st, 3, device_id);
    return sl_exec_stmt(st, "assigning evidence", err);
}

static void row_to_evidence(struct sl_q *st, struct sl_evidence_row *r)
{
    memset(r, 0, sizeof *r);
    r->id = sl_col_int(st, 0);
    r->scan_id = sl_col_int(st, 1);
    r->device_id = sl_col_int(st, 2);
    sl_col_text(st, 3, r->address, sizeof r->address);
    char name[24];
    sl_col_text(st, 4, name, sizeof name);
    if (sl_proto_from_name(name, &r->ev.proto) != 0)
        r->ev.proto = SL_PROTO_NONE;
    r->ev.port = (uint16_t)(int)sl_col_int(st, 5);
    sl_col_text(st, 6, r->path, sizeof r->path);
    sl_col_text(st, 7, r->request, sizeof r->request);
    sl_col_text(st, 8, name, sizeof name);
    if (sl_outcome_from_name(name, &r->ev.outcome) != 0)
        r->ev.outcome = SL_OUTCOME_ERROR;
    sl_col_text(st, 9, r->detail, sizeof r->detail);
    sl_col_text(st, 10, r->observed_at, sizeof r->observed_at);
    int64_t t;
    r->ev.observed_at = sl_time_parse(r->observed_at, &t) == 0 ? t : 0;
    r->truncated = (int)sl_col_int(st, 11) != 0;
    r->ev.data = sl_col_blob(st, 12, &r->ev.len);
    r->ev.path = r->path[0] ? r->path : NULL;
    r->ev.request = r->request[0] ? r->request : NULL;
    r->ev.detail = r->detail[0] ? r->detail : NULL;
}

/* Steps a statement of evidence rows into cb. */
static int walk_evidence(struct sl_q *st, sl_evidence_cb cb, void *ctx, struct sl_err *err)
{
    struct sl_evidence_row *r = malloc(sizeof *r);
    if (r == NULL) {
        sl_reset(st);
        return sl_err_set(err, "out of memory");
    }
    int rc;
    while ((rc = sl_step(st, "listing evidence", err)) == 1) {
        row_to_evidence(st, r);
        if (cb(r, ctx) != 0)
            break;
    }
    free(r);
    sl_reset(st);
    return rc < 0 ? -1 : 0;
}

#define EVIDENCE_COLUMNS                                                                         \
    "id, scan_id, device_id, address, proto, port, path, request, outcome, detail,"             \
    " observed_at, truncated, data"

int sl_store_evidence_list(struct sl_store *s, int64_t device_id, int64_t limit,
                           sl_evidence_cb cb, void *ctx, struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "SELECT " EVIDENCE_COLUMNS " FROM evidence"
                            " WHERE device_id = ?1 ORDER BY scan_id DESC, id LIMIT ?2",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, device_id);
    sl_bind_int(st, 2, limit > 0 ? limit : INT64_MAX);
    return walk_evidence(st, cb, ctx, err);
}

/* "... IN (?1, ..., ?100)" texts, built once (the cache keys on their addresses). */
static char *in_sql[2];
static pthread_once_t in_once = PTHREAD_ONCE_INIT;

static char *with_id_list(const char *head, const char *tail)
{
    size_t cap = strlen(head) + strlen(tail) + SL_DEVICE_BATCH * 7 + 8;
    char *q = malloc(cap);
    if (q == NULL)
        return NULL;
    size_t n = (size_t)snprintf(q, cap, "%s(", head);
    for (int i = 1; i <= SL_DEVICE_BATCH; i++)
        n += (size_t)snprintf(q + n, cap - n, "%s?%d", i > 1 ? ", " : "", i);
    snprintf(q + n, cap - n, ")%s", tail);
    return q;
}

static void build_in(void)
{
    in_sql[0] = with_id_list("SELECT " EVIDENCE_COLUMNS " FROM (SELECT " EVIDENCE_COLUMNS ","
                             " row_number() OVER (PARTITION BY device_id"
                             " ORDER BY scan_id DESC, id) AS rn FROM evidence WHERE device_id IN ",
                             ") AS e WHERE rn <= ?101 ORDER BY device_id, scan_id DESC, id");
    in_sql[1] = sl_device_select_in(with_id_list);
}

struct sl_q *sl_store_in_query(struct sl_store *s, int which, const int64_t *ids, size_t n,
                               struct sl_err *err)
{
    pthread_once(&in_once, build_in);
    if (in_sql[which] == NULL) {
        sl_err_set(err, "out of memory");
        return NULL;
    }
    if (n > SL_DEVICE_BATCH) {
        sl_err_set(err, "internal: %zu devices in one batch", n);
        return NULL;
    }
    struct sl_q *st = sl_st(s, in_sql[which], err);
    if (st == NULL)
        return NULL;
    /* Unused places get id 0, which no row has. */
    for (size_t i = 0; i < SL_DEVICE_BATCH; i++)
        sl_bind_int(st, (int)i + 1, i < n ? ids[i] : 0);
    return st;
}

int sl_store_evidence_list_many(struct sl_store *s, const int64_t *ids, size_t n,
                                int64_t per_device, sl_evidence_cb cb, void *ctx,
                                struct sl_err *err)
{
    struct sl_q *st = sl_store_in_query(s, 0, ids, n, err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, SL_DEVICE_BATCH + 1, per_device > 0 ? per_device : INT64_MAX);
    return walk_evidence(st, cb, ctx, err);
}
