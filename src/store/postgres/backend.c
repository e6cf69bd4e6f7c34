/* backend.c - the PostgreSQL backend of the store's seam (store/internal.h),
 * over libpq: named prepared statements, text parameters and results,
 * transaction-scoped advisory locks for the audit chain and device identities.
 * It knows PostgreSQL, nothing of the register; the schema is migrations.c.
 *
 * Results: a statement's whole result is fetched at its first step (libpq's
 * default). Walks that can be large (audit log, lifecycle history, affected
 * devices, copies) page by key in the neutral code, so memory stays bounded.
 *
 * Deferred writes: inside a transaction, a write nobody reads back (evidence,
 * lifecycle events, audit entries) is sent in libpq's pipeline mode without
 * waiting for its answer; the answers are collected before the next statement
 * that needs one, and the first error among them fails that statement (and so
 * the transaction). A writer waits once per batch, not once per row.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

#define PG_MAX_PARAMS 4096 /* a multi-row INSERT of db copy uses up to ~2,000 */
#define PG_MAX_COLS 32
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_TIMESTAMPTZ 1184

/* Advisory lock classes (first key of the two-key form): "SL" and a number. */
#define LOCK_CHAIN 0x534c0001
#define LOCK_KEY 0x534c0002

#define PIPELINE_MAX 256 /* queued writes before their answers are collected */

struct pg_q;

struct pg_conn {
    PGconn *c;
    int next_stmt;
    int queued; /* deferred writes sent, answers not yet read (pipeline mode) */
    struct pg_q *sent; /* a statement sent ahead (pg_send), its rows not yet read */
    bool chain;        /* this transaction holds the chain lock */
};

struct pg_q {
    struct sl_q base;
    char name[16];
    int nparams;
    char **vals; /* nparams each */
    int *lens;
    int *fmts;
    PGresult *res;
    int row, nrows;
    bool done; /* the last step said "done": a next step runs the statement again */
    bool fresh; /* res came in (run, or sent ahead and settled) and is not yet looked at */
    int64_t changes;
    char ts[PG_MAX_COLS][40];          /* timestamps rewritten to ISO 8601 "...Z" */
    unsigned char *blob[PG_MAX_COLS];  /* bytea columns, unescaped */
    size_t blob_len[PG_MAX_COLS];
};

static PGconn *conn_of(struct sl_store *s)
{
    return ((struct pg_conn *)s->conn)->c;
}

static struct pg_q *pq(struct sl_q *q)
{
    return (struct pg_q *)q;
}

/* The first line of a libpq message, without "ERROR:  " and the newline. */
static void first_line(const char *msg, char *out, size_t n)
{
    if (msg == NULL)
        msg = "";
    if (strncmp(msg, "ERROR:  ", 8) == 0)
        msg += 8;
    else if (strncmp(msg, "FATAL:  ", 8) == 0)
        msg += 8;
    size_t len = strcspn(msg, "\n");
    if (len >= n)
        len = n - 1;
    memcpy(out, msg, len);
    out[len] = '\0';
}

static enum sl_err_kind kind_of_state(const char *state)
{
    if (state == NULL)
        return SL_ERR_FAILED;
    if (strcmp(state, "23505") == 0)
        return SL_ERR_EXISTS;
    if (strncmp(state, "23", 2) == 0 || strcmp(state, "40001") == 0 ||
        strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0 ||
        strcmp(state, "25006") == 0)
        return SL_ERR_CONFLICT;
    if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
        strcmp(state, "53300") == 0)
        return SL_ERR_UNAVAILABLE;
    if (strncmp(state, "22", 2) == 0 || strncmp(state, "42", 2) == 0)
        return SL_ERR_INVALID;
    if (strncmp(state, "XX", 2) == 0)
        return SL_ERR_CORRUPT;
    if (strncmp(state, "53", 2) == 0 || strncmp(state, "58", 2) == 0)
        return SL_ERR_IO;
    return SL_ERR_FAILED;
}

/* Sets err from a failed result (res may be NULL when the connection broke). */
static int fail_res(struct sl_store *s, PGresult *res, struct sl_err *err)
{
    char line[SL_ERR_MAX];
    if (PQstatus(conn_of(s)) != CONNECTION_OK) {
        first_line(PQerrorMessage(conn_of(s)), line, sizeof line);
        return sl_err_setk(err, SL_ERR_UNAVAILABLE, "lost the connection to %s: %s", s->where,
                           line[0] ? line : "server closed the connection");
    }
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (primary != NULL)
        sl_strlcpy(line, primary, sizeof line);
    else
        first_line(PQerrorMessage(conn_of(s)), line, sizeof line);
    return sl_err_setk(err, kind_of_state(state), "%s", line);
}

static int settle(struct sl_store *s);

/* Collects the answers of the deferred writes and leaves pipeline mode. The
 * first failure among them is returned (every later one was aborted by it). */
static int drain(struct sl_store *s, struct sl_err *err)
{
    struct pg_conn *pc = s->conn;
    if (pc != NULL && pc->sent != NULL)
        settle(s);
    if (pc == NULL || PQpipelineStatus(pc->c) == PQ_PIPELINE_OFF)
        return 0;
    int rc = 0;
    if (PQpipelineSync(pc->c) != 1)
        rc = fail_res(s, NULL, err);
    /* Each queued write answers with a result then NULL; the sync with its own. */
    for (;;) {
        PGresult *res = PQgetResult(pc->c);
        if (res == NULL) {
            if (PQstatus(pc->c) != CONNECTION_OK) {
                if (rc == 0)
                    rc = fail_res(s, NULL, err);
                break;
            }
            continue;
        }
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(res);
            break;
        }
        if (rc == 0 && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
            st != PGRES_PIPELINE_ABORTED) {
            rc = fail_res(s, res, err);
            sl_err_prefix(err, "a queued write failed");
        }
        PQclear(res);
    }
    pc->queued = 0;
    if (PQexitPipelineMode(pc->c) != 1 && rc == 0)
        rc = fail_res(s, NULL, err);
    return rc;
}

/* Runs a parameterless command; 0 or -1. */
static int run(struct sl_store *s, const char *sql, struct sl_err *err)
{
    if (drain(s, err) != 0)
        return -1;
    PGresult *res = PQexec(conn_of(s), sql);
    ExecStatusType st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int rc = 0;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = fail_res(s, res, err);
    PQclear(res);
    return rc;
}

static int pg_exec(struct sl_store *s, const char *sql, struct sl_err *err)
{
    return run(s, sql, err);
}

/* Refuses a location that carries a password and describes it for messages. */
static int check_location(struct sl_store *s, const char *loc, struct sl_err *err)
{
    char *msg = NULL;
    PQconninfoOption *opts = PQconninfoParse(loc, &msg);
    if (opts == NULL) {
        char line[256];
        first_line(msg, line, sizeof line);
        PQfreemem(msg);
        return sl_err_setk(err, SL_ERR_INVALID, "not a PostgreSQL location: %s", line);
    }
    const char *db = "", *host = "", *port = "", *user = "";
    bool password = false;
    for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
        if (o->val == NULL || o->val[0] == '\0')
            continue;
        if (strcmp(o->keyword, "password") == 0)
            password = true;
        else if (strcmp(o->keyword, "dbname") == 0)
            db = o->val;
        else if (strcmp(o->keyword, "host") == 0)
            host = o->val;
        else if (strcmp(o->keyword, "port") == 0)
            port = o->val;
        else if (strcmp(o->keyword, "user") == 0)
            user = o->val;
    }
    snprintf(s->where, sizeof s->where, "postgresql database '%s'%s%s%s%s%s%s", db[0] ? db : "-",
             host[0] ? " on " : "", host, port[0] ? " port " : "", port, user[0] ? " as " : "",
             user);
    PQconninfoFree(opts);
    if (password)
        return sl_err_setk(err, SL_ERR_INVALID,
                           "%s: the location holds a password; give it in PGPASSFILE, "
                           "~/.pgpass or PGPASSWORD instead, never on the command line",
                           s->where);
    return 0;
}

static int pg_open(struct sl_store *s, const char *loc, int flags, struct sl_err *err)
{
    if (check_location(s, loc, err) != 0)
        return -1;
    struct pg_conn *pc = calloc(1, sizeof *pc);
    if (pc == NULL)
        return sl_err_set(err, "out of memory");
    /* Later keywords override earlier ones; the location's own settings win
     * over the connect_timeout default, the application name is a fallback. */
    const char *const keys[] = {"connect_timeout", "dbname", "fallback_application_name", NULL};
    const char *const vals[] = {"10", loc, "sightline", NULL};
    pc->c = PQconnectdbParams(keys, vals, 1);
    s->conn = pc;
    if (pc->c == NULL || PQstatus(pc->c) != CONNECTION_OK) {
        char line[SL_ERR_MAX];
        first_line(pc->c != NULL ? PQerrorMessage(pc->c) : "out of memory", line, sizeof line);
        sl_err_setk(err, SL_ERR_UNAVAILABLE, "cannot connect to %s: %s", s->where, line);
        PQfinish(pc->c);
        free(pc);
        s->conn = NULL;
        return -1;
    }
    const char *setup = (flags & SL_STORE_READONLY)
                            ? "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD';"
                              " SET client_min_messages = warning;"
                              " SET default_transaction_read_only = on"
                            : "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD';"
                              " SET client_min_messages = warning";
    if (run(s, setup, err) != 0) {
        sl_err_prefix(err, "setting up the session on %s", s->where);
        PQfinish(pc->c);
        free(pc);
        s->conn = NULL;
        return -1;
    }
    return 0;
}

static void pg_close(struct sl_store *s)
{
    struct pg_conn *pc = s->conn;
    if (pc != NULL) {
        PQfinish(pc->c);
        free(pc);
    }
    s->conn = NULL;
}

/* "?12" -> "$12", outside quoted text; counts the parameters and notes which
 * numbers the text uses (an unused one, as in an INSERT sharing its numbering
 * with an UPDATE, must be given a type: text). */
static char *convert_sql(const char *sql, int *nparams, bool used[PG_MAX_PARAMS + 1])
{
    size_t n = strlen(sql);
    char *out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    char quote = 0;
    int maxp = 0;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        char c = sql[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '?' && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
            int v = 0;
            for (size_t k = i + 1; sql[k] >= '0' && sql[k] <= '9'; k++)
                v = v * 10 + (sql[k] - '0');
            if (v > maxp)
                maxp = v;
            if (v <= PG_MAX_PARAMS)
                used[v] = true;
            c = '$';
        }
        out[j++] = c;
    }
    out[j] = '\0';
    *nparams = maxp;
    return out;
}

static struct sl_q *pg_prepare(struct sl_store *s, const char *sql, struct sl_err *err)
{
    struct pg_q *q = calloc(1, sizeof *q);
    int np = 0;
    bool *used = calloc(PG_MAX_PARAMS + 1, sizeof *used);
    char *text = q != NULL && used != NULL ? convert_sql(sql, &np, used) : NULL;
    if (text == NULL || np > PG_MAX_PARAMS) {
        free(used);
        free(text);
        free(q);
        if (np > PG_MAX_PARAMS)
            sl_err_set(err, "too many parameters (%d)", np);
        else
            sl_err_set(err, "out of memory");
        return NULL;
    }
    struct pg_conn *pc = s->conn;
    if (drain(s, err) != 0) {
        free(used);
        free(text);
        free(q);
        return NULL;
    }
    snprintf(q->name, sizeof q->name, "sl%d", ++pc->next_stmt);
    Oid *types = calloc((size_t)np + 1, sizeof *types);
    q->vals = calloc((size_t)np + 1, sizeof *q->vals);
    q->lens = calloc((size_t)np + 1, sizeof *q->lens);
    q->fmts = calloc((size_t)np + 1, sizeof *q->fmts);
    if (types == NULL || q->vals == NULL || q->lens == NULL || q->fmts == NULL) {
        free(used);
        free(types);
        free(text);
        free(q->vals);
        free(q->lens);
        free(q->fmts);
        free(q);
        sl_err_set(err, "out of memory");
        return NULL;
    }
    for (int i = 0; i < np; i++)
        types[i] = used[i + 1] ? 0 : 25; /* 0: the server infers; 25: text */
    free(used);
    PGresult *res = PQprepare(pc->c, q->name, text, np, types);
    free(types);
    free(text);
    if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
        fail_res(s, res, err);
        PQclear(res);
        free(q->vals);
        free(q->lens);
        free(q->fmts);
        free(q);
        return NULL;
    }
    PQclear(res);
    q->base.be = &sl_backend_postgres;
    q->base.s = s;
    q->nparams = np;
    q->row = -1;
    return &q->base;
}

static void clear_result(struct pg_q *q)
{
    PQclear(q->res);
    q->res = NULL;
    q->row = -1;
    q->nrows = 0;
    q->done = false;
    q->fresh = false;
    for (int i = 0; i < PG_MAX_COLS; i++) {
        if (q->blob[i] != NULL)
            PQfreemem(q->blob[i]);
        q->blob[i] = NULL;
    }
}

static void pg_reset(struct sl_q *base)
{
    struct pg_q *q = pq(base);
    struct pg_conn *pc = base->s->conn;
    if (pc != NULL && pc->sent == q)
        settle(base->s); /* its rows are read, then dropped */
    clear_result(q);
    for (int i = 0; i < q->nparams; i++) {
        free(q->vals[i]);
        q->vals[i] = NULL;
        q->lens[i] = 0;
        q->fmts[i] = 0;
    }
}

static void pg_finalize(struct sl_q *base)
{
    struct pg_q *q = pq(base);
    pg_reset(base);
    /* A statement prepared for one use (db copy) must not pile up in the session. */
    if (base->s->conn != NULL && PQstatus(conn_of(base->s)) == CONNECTION_OK &&
        drain(base->s, NULL) == 0) {
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", q->name);
        PQclear(PQexec(conn_of(base->s), sql));
    }
    free(q->vals);
    free(q->lens);
    free(q->fmts);
    free(q);
}

static void set_param(struct sl_q *base, int i, char *v, int len, int fmt)
{
    struct pg_q *q = pq(base);
    if (i < 1 || i > q->nparams) {
        free(v);
        return;
    }
    if (q->res != NULL) /* binding after a run: as SQLite, the next step runs anew */
        clear_result(q);
    free(q->vals[i - 1]);
    q->vals[i - 1] = v;
    q->lens[i - 1] = len;
    q->fmts[i - 1] = fmt;
}

static void pg_bind_null(struct sl_q *q, int i)
{
    set_param(q, i, NULL, 0, 0);
}

static void pg_bind_int(struct sl_q *q, int i, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    set_param(q, i, strdup(buf), 0, 0);
}

static void pg_bind_real(struct sl_q *q, int i, double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", v);
    set_param(q, i, strdup(buf), 0, 0);
}

static void pg_bind_text(struct sl_q *q, int i, const char *v)
{
    set_param(q, i, strdup(v), 0, 0);
}

static void pg_bind_blob(struct sl_q *q, int i, const void *v, size_t n)
{
    char *copy = malloc(n > 0 ? n : 1);
    if (copy != NULL)
        memcpy(copy, v, n);
    set_param(q, i, copy, (int)n, 1); /* binary: bytea's wire form is its bytes */
}

static int pg_step(struct sl_q *base, struct sl_err *err)
{
    struct pg_q *q = pq(base);
    struct sl_store *s = base->s;
    struct pg_conn *pc = s->conn;
    if (q->done)
        clear_result(q);
    if (q->res == NULL) {
        if (pc->sent == q)
            settle(s); /* the rows sent ahead: into q->res */
        else if (drain(s, err) != 0)
            return -1;
        if (q->res == NULL)
            q->res = PQexecPrepared(conn_of(s), q->name, q->nparams,
                                    (const char *const *)q->vals, q->lens, q->fmts, 0);
        q->fresh = true;
    }
    /* A page sent ahead may have been settled by another statement's drain
     * (a walk's row handler ran statements of its own): its rows are counted
     * here all the same, else the page reads as empty and the walk ends. */
    if (q->fresh) {
        q->fresh = false;
        ExecStatusType st = q->res != NULL ? PQresultStatus(q->res) : PGRES_FATAL_ERROR;
        if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
            fail_res(s, q->res, err);
            clear_result(q);
            return -1;
        }
        q->nrows = PQntuples(q->res);
        const char *ct = PQcmdTuples(q->res);
        q->changes = ct != NULL && ct[0] ? strtoll(ct, NULL, 10) : 0;
        q->row = -1;
    }
    if (q->row + 1 < q->nrows) {
        q->row++;
        for (int i = 0; i < PG_MAX_COLS; i++) {
            if (q->blob[i] != NULL)
                PQfreemem(q->blob[i]);
            q->blob[i] = NULL;
        }
        return 1;
    }
    q->row = q->nrows;
    q->done = true;
    return 0;
}

static bool in_row(struct pg_q *q, int i)
{
    return q->res != NULL && q->row >= 0 && q->row < q->nrows && i >= 0 &&
           i < PQnfields(q->res);
}

static bool pg_col_null(struct sl_q *base, int i)
{
    struct pg_q *q = pq(base);
    return !in_row(q, i) || PQgetisnull(q->res, q->row, i);
}

static const char *raw(struct pg_q *q, int i)
{
    if (!in_row(q, i) || PQgetisnull(q->res, q->row, i))
        return NULL;
    return PQgetvalue(q->res, q->row, i);
}

static int64_t pg_col_int(struct sl_q *base, int i)
{
    const char *v = raw(pq(base), i);
    if (v == NULL)
        return 0;
    if (v[0] == 't' || v[0] == 'f') /* boolean */
        return v[0] == 't';
    /* The server's text for an integer is digits with an optional sign; up
     * to 18 digits cannot overflow. The report reads millions of these, and
     * strtoll's generality costs a tenth of its time. */
    const char *p = v + (v[0] == '-');
    int64_t n = 0;
    int k = 0;
    for (; p[k] >= '0' && p[k] <= '9'; k++) {
        if (k == 18)
            return strtoll(v, NULL, 10);
        n = n * 10 + (p[k] - '0');
    }
    return v[0] == '-' ? -n : n;
}

static double pg_col_real(struct sl_q *base, int i)
{
    const char *v = raw(pq(base), i);
    return v != NULL ? strtod(v, NULL) : 0.0;
}

/* "2024-05-01 10:00:00+00" (ISO DateStyle, UTC) -> "2024-05-01T10:00:00Z",
 * the form the register uses everywhere (and that the audit chain hashes). */
static const char *iso_time(struct pg_q *q, int i, const char *v)
{
    size_t n = strlen(v);
    if (i >= PG_MAX_COLS || n < 22 || n + 1 > sizeof q->ts[0] || v[10] != ' ' ||
        strcmp(v + n - 3, "+00") != 0)
        return v;
    char *out = q->ts[i];
    memcpy(out, v, n - 3);
    out[10] = 'T';
    out[n - 3] = 'Z';
    out[n - 2] = '\0';
    return out;
}

static const char *pg_col_text(struct sl_q *base, int i)
{
    struct pg_q *q = pq(base);
    const char *v = raw(q, i);
    if (v == NULL)
        return NULL;
    if (PQftype(q->res, i) == OID_TIMESTAMPTZ)
        return iso_time(q, i, v);
    return v;
}

static const void *pg_col_blob(struct sl_q *base, int i, size_t *n)
{
    struct pg_q *q = pq(base);
    *n = 0;
    const char *v = raw(q, i);
    if (v == NULL || i >= PG_MAX_COLS)
        return NULL;
    if (PQftype(q->res, i) != OID_BYTEA) {
        *n = strlen(v);
        return v;
    }
    if (q->blob[i] == NULL)
        q->blob[i] = PQunescapeBytea((const unsigned char *)v, &q->blob_len[i]);
    if (q->blob[i] == NULL)
        return NULL;
    *n = q->blob_len[i];
    return q->blob[i];
}

/* Reads the rows of the statement sent ahead into it (an error result
 * included: its step reports it). The connection is free again. */
static int settle(struct sl_store *s)
{
    struct pg_conn *pc = s->conn;
    struct pg_q *q = pc->sent;
    pc->sent = NULL;
    PGresult *res, *first = NULL;
    while ((res = PQgetResult(pc->c)) != NULL) {
        if (first == NULL)
            first = res;
        else
            PQclear(res);
    }
    clear_result(q);
    q->res = first != NULL ? first : PQmakeEmptyPGresult(pc->c, PGRES_FATAL_ERROR);
    q->fresh = true;
    return 0;
}

static int pg_send(struct sl_q *base, struct sl_err *err)
{
    struct pg_q *q = pq(base);
    struct sl_store *s = base->s;
    struct pg_conn *pc = s->conn;
    if (drain(s, err) != 0)
        return -1;
    clear_result(q);
    if (PQsendQueryPrepared(pc->c, q->name, q->nparams, (const char *const *)q->vals, q->lens,
                            q->fmts, 0) != 1)
        return fail_res(s, NULL, err);
    pc->sent = q;
    return 0;
}

static int pg_page_rows(struct sl_q *base)
{
    struct pg_q *q = pq(base);
    return q->res != NULL ? q->nrows : 0;
}

static void pg_seek(struct sl_q *base, int i)
{
    struct pg_q *q = pq(base);
    if (q->res == NULL || i < -1 || i >= q->nrows)
        return;
    q->row = i;
    q->done = false;
    for (int k = 0; k < PG_MAX_COLS; k++) {
        if (q->blob[k] != NULL)
            PQfreemem(q->blob[k]);
        q->blob[k] = NULL;
    }
}

static int pg_defer(struct sl_q *base, struct sl_err *err)
{
    struct pg_q *q = pq(base);
    struct sl_store *s = base->s;
    struct pg_conn *pc = s->conn;
    if (pc->sent != NULL)
        settle(s);
    if (PQpipelineStatus(pc->c) == PQ_PIPELINE_OFF && PQenterPipelineMode(pc->c) != 1)
        return fail_res(s, NULL, err);
    if (PQsendQueryPrepared(pc->c, q->name, q->nparams, (const char *const *)q->vals, q->lens,
                            q->fmts, 0) != 1)
        return fail_res(s, NULL, err);
    /* Send now, so the server works while we prepare the next rows. */
    if (PQflush(pc->c) != 0)
        return fail_res(s, NULL, err);
    if (++pc->queued >= PIPELINE_MAX)
        return drain(s, err);
    return 0;
}

static int64_t pg_changes(struct sl_q *q)
{
    return pq(q)->changes;
}

static int pg_begin(struct sl_store *s, struct sl_err *err)
{
    return run(s, "BEGIN", err);
}

/* A transaction that holds the chain lock commits without waiting for its
 * WAL to reach the disk, so the lock (released by the commit) is not held
 * through the flush; the flush is then awaited outside the lock by a second,
 * empty transaction with an id (its commit record comes after ours in the WAL,
 * and a commit with synchronous_commit as the session has it, "on" by default,
 * waits until the WAL up to its record is flushed, and replicated where
 * synchronous standbys are configured). So the caller still learns of the
 * commit only once it is durable; a crash in between loses the transaction
 * and every later one whole (the WAL is one sequence), so the chain never
 * forks: it ends at an earlier entry, as after any crash before the commit. */
static int pg_commit(struct sl_store *s, struct sl_err *err)
{
    struct pg_conn *pc = s->conn;
    bool chain = pc->chain;
    pc->chain = false;
    if (drain(s, err) != 0)
        return -1;
    PGresult *res =
        PQexec(pc->c, chain ? "SET LOCAL synchronous_commit TO off; COMMIT" : "COMMIT");
    int rc = 0;
    if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = fail_res(s, res, err);
    else if (strcmp(PQcmdStatus(res), "COMMIT") != 0) /* an aborted transaction "commits" as ROLLBACK */
        rc = sl_err_setk(err, SL_ERR_CONFLICT, "the transaction was rolled back by the server");
    PQclear(res);
    if (rc == 0 && chain) {
        res = PQexec(pc->c, "SELECT pg_current_xact_id()");
        if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
            fail_res(s, res, err);
            rc = sl_err_prefix(err, "committed, but its flush to disk was not confirmed");
        }
        PQclear(res);
    }
    return rc;
}

static void pg_rollback(struct sl_store *s)
{
    ((struct pg_conn *)s->conn)->chain = false;
    if (PQstatus(conn_of(s)) == CONNECTION_OK) {
        drain(s, NULL);
        PQclear(PQexec(conn_of(s), "ROLLBACK"));
    }
}

/* Takes advisory locks held to the end of the transaction: the chain's (n 0),
 * or one per key, left to right. */
static int advisory(struct sl_store *s, const char *const *keys, int n, struct sl_err *err)
{
    static const char *const sql[] = {
        "SELECT pg_advisory_xact_lock($1::int4, 0)",
        "SELECT pg_advisory_xact_lock($1::int4, hashtext($2::text))",
        "SELECT pg_advisory_xact_lock($1::int4, hashtext($2::text)),"
        " pg_advisory_xact_lock($1::int4, hashtext($3::text))",
        "SELECT pg_advisory_xact_lock($1::int4, hashtext($2::text)),"
        " pg_advisory_xact_lock($1::int4, hashtext($3::text)),"
        " pg_advisory_xact_lock($1::int4, hashtext($4::text))",
    };
    if (n < 0 || n > 3)
        return sl_err_set(err, "internal: %d lock keys", n);
    char cls[16];
    snprintf(cls, sizeof cls, "%d", n == 0 ? LOCK_CHAIN : LOCK_KEY);
    const char *params[4] = {cls, NULL, NULL, NULL};
    for (int i = 0; i < n; i++)
        params[i + 1] = keys[i];
    if (drain(s, err) != 0)
        return -1;
    PGresult *res = PQexecParams(conn_of(s), sql[n], n + 1, NULL, params, NULL, NULL, 0);
    int rc = 0;
    if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = fail_res(s, res, err);
    PQclear(res);
    return rc;
}

static int pg_lock_chain(struct sl_store *s, struct sl_err *err)
{
    if (advisory(s, NULL, 0, err) != 0)
        return sl_err_prefix(err, "locking the audit chain");
    ((struct pg_conn *)s->conn)->chain = true;
    return 0;
}

/* A batch's keys: one statement, the locks taken in the order of their
 * numbers, so two batches sharing keys never wait for each other in a cycle. */
static int advisory_set(struct sl_store *s, const char *const *keys, int n, struct sl_err *err)
{
    struct sl_arr a;
    sl_arr_init(&a);
    for (int i = 0; i < n; i++)
        sl_arr_text(&a, keys[i]);
    const char *set = sl_arr_end(&a);
    if (set == NULL) {
        sl_arr_free(&a);
        return sl_err_set(err, "out of memory");
    }
    char cls[16];
    snprintf(cls, sizeof cls, "%d", LOCK_KEY);
    const char *params[2] = {cls, set};
    int rc = drain(s, err);
    if (rc == 0) {
        PGresult *res = PQexecParams(
            conn_of(s),
            "SELECT count(pg_advisory_xact_lock($1::int4, h)) FROM (SELECT DISTINCT"
            " hashtext(k) AS h FROM unnest($2::text[]) AS k ORDER BY h) AS o",
            2, NULL, params, NULL, NULL, 0);
        if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK)
            rc = fail_res(s, res, err);
        PQclear(res);
    }
    sl_arr_free(&a);
    return rc;
}

static int pg_lock_keys(struct sl_store *s, const char *const *keys, int n, struct sl_err *err)
{
    return n > 3 ? advisory_set(s, keys, n, err) : advisory(s, keys, n, err);
}

static int pg_copy_in(struct sl_store *s, const char *sql, const char *data, size_t len,
                      struct sl_err *err)
{
    if (drain(s, err) != 0)
        return -1;
    PGconn *c = conn_of(s);
    PGresult *res = PQexec(c, sql);
    if (res == NULL || PQresultStatus(res) != PGRES_COPY_IN) {
        int rc = fail_res(s, res, err);
        PQclear(res);
        return rc;
    }
    PQclear(res);
    int ok = 1;
    for (size_t off = 0; ok == 1 && off < len;) {
        size_t part = len - off < (1u << 20) ? len - off : (1u << 20);
        ok = PQputCopyData(c, data + off, (int)part);
        off += part;
    }
    if (PQputCopyEnd(c, ok == 1 ? NULL : "the client failed") != 1)
        ok = 0;
    int rc = ok == 1 ? 0 : fail_res(s, NULL, err);
    /* The COPY's own result, then NULL. */
    while ((res = PQgetResult(c)) != NULL) {
        if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = fail_res(s, res, err);
        PQclear(res);
    }
    return rc;
}

/* One integer from a parameterless query; 1 found, 0 none, -1 error. */
static int query_int(struct sl_store *s, const char *sql, int64_t *out, struct sl_err *err)
{
    if (drain(s, err) != 0)
        return -1;
    PGresult *res = PQexec(conn_of(s), sql);
    int rc = 0;
    if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = fail_res(s, res, err);
    else if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
        *out = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        rc = 1;
    }
    PQclear(res);
    return rc;
}

static int pg_schema_version(struct sl_store *s, int *out, struct sl_err *err)
{
    int64_t exists = 0, v = 0;
    int rc = query_int(s, "SELECT count(*) FROM pg_catalog.pg_tables"
                          " WHERE schemaname = current_schema() AND tablename = 'sl_schema_version'",
                       &exists, err);
    if (rc < 0)
        return -1;
    if (exists == 0) {
        *out = 0;
        return 0;
    }
    if (query_int(s, "SELECT max(version) FROM sl_schema_version", &v, err) < 0)
        return -1;
    *out = (int)v;
    return 0;
}

static int pg_set_schema_version(struct sl_store *s, int v, struct sl_err *err)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "CREATE TABLE IF NOT EXISTS sl_schema_version (version integer NOT NULL);"
             " DELETE FROM sl_schema_version; INSERT INTO sl_schema_version VALUES (%d)",
             v);
    return run(s, sql, err);
}

static int pg_check(struct sl_store *s, char *out, size_t n, struct sl_err *err)
{
    /* The server enforces every constraint as rows are written; what it could
     * still hold is a constraint added NOT VALID and never validated. */
    int64_t bad = 0;
    if (query_int(s, "SELECT count(*) FROM pg_catalog.pg_constraint c"
                     " JOIN pg_catalog.pg_namespace ns ON ns.oid = c.connamespace"
                     " WHERE ns.nspname = current_schema() AND NOT c.convalidated",
                  &bad, err) < 0)
        return -1;
    if (bad > 0)
        snprintf(out, n, "%lld constraints are not validated", (long long)bad);
    else
        sl_strlcpy(out, "ok", n);
    return 0;
}

static int pg_sync_ids(struct sl_store *s, struct sl_err *err)
{
    /* Every identity column continues after the largest id written explicitly. */
    return run(s,
               "DO $$ DECLARE t record; BEGIN"
               " FOR t IN SELECT table_name FROM information_schema.columns"
               "  WHERE table_schema = current_schema() AND column_name = 'id'"
               "  AND is_identity = 'YES' LOOP"
               "  EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''),"
               "   coalesce((SELECT max(id) FROM %I), 0) + 1, false)', t.table_name, t.table_name);"
               " END LOOP; END $$",
               err);
}

extern const struct sl_migration sl_postgres_migrations[];

const struct sl_backend sl_backend_postgres = {
    .name = "postgres",
    .remote = true,
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .bind_null = pg_bind_null,
    .bind_int = pg_bind_int,
    .bind_real = pg_bind_real,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .col_null = pg_col_null,
    .col_int = pg_col_int,
    .col_real = pg_col_real,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .changes = pg_changes,
    .defer = pg_defer,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .lock_chain = pg_lock_chain,
    .lock_keys = pg_lock_keys,
    .copy_in = pg_copy_in,
    .send = pg_send,
    .page_rows = pg_page_rows,
    .seek = pg_seek,
    .schema_version = pg_schema_version,
    .set_schema_version = pg_set_schema_version,
    .check = pg_check,
    .sync_ids = pg_sync_ids,
    .migrations = sl_postgres_migrations,
};
