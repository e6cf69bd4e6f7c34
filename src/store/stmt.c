/* stmt.c - the neutral statement API of internal.h: the per-store statement
 * cache and thin calls into the backend's operations table. No SQL here. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/buf.h"
#include "util/str.h"

const char *sl_sql(const struct sl_store *s, const char *sqlite_sql, const char *pg_sql)
{
    return s->be == &sl_backend_postgres ? pg_sql : sqlite_sql;
}

struct sl_q *sl_st(struct sl_store *s, const char *sql, struct sl_err *err)
{
    size_t h = ((uintptr_t)sql >> 3) % SL_STMT_CACHE;
    for (size_t i = 0; i < SL_STMT_CACHE; i++) {
        struct sl_stmt_slot *slot = &s->cache[(h + i) % SL_STMT_CACHE];
        if (slot->sql == sql) {
            s->be->reset(slot->q);
            return slot->q;
        }
        if (slot->sql == NULL) {
            struct sl_q *q = s->be->prepare(s, sql, err);
            if (q == NULL) {
                sl_err_prefix(err, "preparing a statement");
                return NULL;
            }
            slot->sql = sql;
            slot->q = q;
            return q;
        }
    }
    /* The cache is full: a programming error (more distinct statements than
     * SL_STMT_CACHE), not a runtime condition. */
    sl_err_set(err, "statement cache full (raise SL_STMT_CACHE)");
    return NULL;
}

void sl_bind_null(struct sl_q *q, int i)
{
    q->be->bind_null(q, i);
}

void sl_bind_int(struct sl_q *q, int i, int64_t v)
{
    q->be->bind_int(q, i, v);
}

void sl_bind_id(struct sl_q *q, int i, int64_t id)
{
    if (id > 0)
        q->be->bind_int(q, i, id);
    else
        q->be->bind_null(q, i);
}

void sl_bind_real(struct sl_q *q, int i, double v)
{
    q->be->bind_real(q, i, v);
}

void sl_bind_text(struct sl_q *q, int i, const char *v)
{
    q->be->bind_text(q, i, v != NULL ? v : "");
}

void sl_bind_text_or_null(struct sl_q *q, int i, const char *v)
{
    if (v == NULL || *v == '\0')
        q->be->bind_null(q, i);
    else
        q->be->bind_text(q, i, v);
}

void sl_bind_kept(struct sl_q *q, int i, const char *v)
{
    void (*bind)(struct sl_q *, int, const char *) =
        q->be->bind_text_kept != NULL ? q->be->bind_text_kept : q->be->bind_text;
    bind(q, i, v != NULL ? v : "");
}

void sl_bind_kept_or_null(struct sl_q *q, int i, const char *v)
{
    if (v == NULL || *v == '\0')
        q->be->bind_null(q, i);
    else
        sl_bind_kept(q, i, v);
}

void sl_bind_blob(struct sl_q *q, int i, const void *v, size_t n)
{
    if (v == NULL || n == 0)
        q->be->bind_null(q, i);
    else
        q->be->bind_blob(q, i, v, n);
}

int sl_step(struct sl_q *q, const char *what, struct sl_err *err)
{
    int rc = q->be->step(q, err);
    if (rc < 0) {
        q->be->reset(q);
        if (what != NULL)
            sl_err_prefix(err, "%s", what);
    }
    return rc;
}

void sl_reset(struct sl_q *q)
{
    q->be->reset(q);
}

int64_t sl_changes(struct sl_q *q)
{
    return q->be->changes(q);
}

bool sl_col_null(struct sl_q *q, int i)
{
    return q->be->col_null(q, i);
}

int64_t sl_col_int(struct sl_q *q, int i)
{
    return q->be->col_int(q, i);
}

double sl_col_real(struct sl_q *q, int i)
{
    return q->be->col_real(q, i);
}

const char *sl_col_str(struct sl_q *q, int i)
{
    const char *t = q->be->col_text(q, i);
    return t != NULL ? t : "";
}

void sl_col_text(struct sl_q *q, int i, char *dst, size_t n)
{
    sl_strlcpy(dst, sl_col_str(q, i), n);
}

const void *sl_col_blob(struct sl_q *q, int i, size_t *n)
{
    return q->be->col_blob(q, i, n);
}

int sl_exec_stmt(struct sl_q *q, const char *what, struct sl_err *err)
{
    int rc;
    while ((rc = sl_step(q, what, err)) == 1)
        ;
    if (rc < 0)
        return -1;
    return 0;
}

int sl_exec_deferred(struct sl_q *q, const char *what, struct sl_err *err)
{
    if (q->s->txn_depth == 0)
        return sl_exec_stmt(q, what, err);
    if (q->be->defer(q, err) != 0) {
        q->be->reset(q);
        return sl_err_prefix(err, "%s", what);
    }
    return 0;
}

int sl_one_int(struct sl_q *q, int64_t *out, const char *what, struct sl_err *err)
{
    int rc = sl_step(q, what, err);
    if (rc < 0)
        return -1;
    if (rc == 1)
        *out = sl_col_int(q, 0);
    /* Drain: an INSERT ... RETURNING finishes its write on the last step. */
    int more = rc;
    while (more == 1)
        if ((more = sl_step(q, what, err)) < 0)
            return -1;
    sl_reset(q);
    return rc;
}

/* The walk with the next page on its way while this one is handled: two
 * statements of the same text take turns. */
static int walk_prefetching(struct sl_store *s, const struct sl_pager *p, sl_page_key key,
                            void *ctx, struct sl_err *err)
{
    const struct sl_backend *be = s->be;
    struct sl_q *q[2] = {sl_st(s, p->sql, err), NULL};
    if (q[0] == NULL || (q[1] = be->prepare(s, p->sql, err)) == NULL)
        return q[0] == NULL ? -1 : sl_err_prefix(err, "preparing a statement");
    p->bind(q[0], ctx);
    sl_bind_int(q[0], p->limit_param, SL_PAGE_ROWS);
    int rc = be->send(q[0], err), cur = 0, stop = 0;
    while (rc == 0 && stop == 0) {
        struct sl_q *now = q[cur], *next = q[1 - cur];
        if ((rc = sl_step(now, p->what, err)) <= 0) /* waits for the page */
            break;
        int rows = be->page_rows(now);
        bool more = rows == SL_PAGE_ROWS;
        if (more) {
            be->seek(now, rows - 1);
            key(now, ctx);
            p->bind(next, ctx);
            sl_bind_int(next, p->limit_param, SL_PAGE_ROWS);
            if ((rc = be->send(next, err)) != 0)
                break;
        }
        be->seek(now, 0);
        do
            stop = p->row(now, ctx);
        while (stop == 0 && (rc = sl_step(now, p->what, err)) == 1);
        if (rc < 0)
            break;
        rc = 0;
        if (!more)
            break;
        cur = 1 - cur;
    }
    sl_reset(q[0]);
    be->finalize(q[1]); /* collects a page still on its way */
    return rc < 0 ? -1 : 0;
}

int sl_walk_pages_ahead(struct sl_store *s, const struct sl_pager *p, sl_page_key key, void *ctx,
                        struct sl_err *err)
{
    if (s->be->send == NULL)
        return sl_walk_pages(s, p, ctx, err);
    return walk_prefetching(s, p, key, ctx, err);
}

int sl_walk_pages(struct sl_store *s, const struct sl_pager *p, void *ctx, struct sl_err *err)
{
    for (;;) {
        struct sl_q *q = sl_st(s, p->sql, err);
        if (q == NULL)
            return -1;
        p->bind(q, ctx);
        sl_bind_int(q, p->limit_param, SL_PAGE_ROWS);
        int rc, rows = 0;
        while ((rc = sl_step(q, p->what, err)) == 1) {
            rows++;
            if (p->row(q, ctx) != 0) {
                sl_reset(q);
                return 0;
            }
        }
        if (rc < 0)
            return -1;
        if (rows < SL_PAGE_ROWS)
            return 0;
    }
}

char *sl_sql_rows(const char *head, int cols, int rows)
{
    size_t cap = strlen(head) + 16 + (size_t)rows * (size_t)cols * 10;
    char *q = malloc(cap);
    if (q == NULL)
        return NULL;
    size_t n = (size_t)snprintf(q, cap, "%s", head);
    for (int r = 0; r < rows; r++) {
        n += (size_t)snprintf(q + n, cap - n, "%s(", r ? ", " : "");
        for (int c = 0; c < cols; c++)
            n += (size_t)snprintf(q + n, cap - n, "%s?%d", c ? ", " : "", r * cols + c + 1);
        n += (size_t)snprintf(q + n, cap - n, ")");
    }
    return q;
}

int sl_exec_script(struct sl_store *s, const char *sql, const char *what, struct sl_err *err)
{
    if (s->be->exec(s, sql, err) != 0)
        return sl_err_prefix(err, "%s", what);
    return 0;
}

void sl_arr_init(struct sl_arr *a)
{
    sl_buf_init(&a->b, SL_ARR_MAX);
    a->n = 0;
    a->oom = sl_buf_append(&a->b, "{", 1) != 0;
}

static void arr_sep(struct sl_arr *a)
{
    if (a->n++ > 0 && sl_buf_append(&a->b, ",", 1) != 0)
        a->oom = true;
}

void sl_arr_null(struct sl_arr *a)
{
    arr_sep(a);
    if (sl_buf_append(&a->b, "NULL", 4) != 0)
        a->oom = true;
}

void sl_arr_text(struct sl_arr *a, const char *v)
{
    if (v == NULL || *v == '\0') {
        sl_arr_null(a);
        return;
    }
    arr_sep(a);
    /* Quoted, with '"' and '\' escaped: any text is one element, never syntax. */
    bool bad = sl_buf_append(&a->b, "\"", 1) != 0;
    for (const char *p = v; *p && !bad; p++) {
        const char *run = p;
        while (*p && *p != '"' && *p != '\\')
            p++;
        bad = sl_buf_append(&a->b, run, (size_t)(p - run)) != 0;
        if (*p == '\0')
            break;
        char esc[2] = {'\\', *p};
        bad = bad || sl_buf_append(&a->b, esc, 2) != 0;
    }
    if (bad || sl_buf_append(&a->b, "\"", 1) != 0)
        a->oom = true;
}

void sl_arr_int(struct sl_arr *a, int64_t v)
{
    arr_sep(a);
    if (sl_buf_printf(&a->b, "%lld", (long long)v) != 0)
        a->oom = true;
}

void sl_arr_id(struct sl_arr *a, int64_t id)
{
    if (id > 0)
        sl_arr_int(a, id);
    else
        sl_arr_null(a);
}

const char *sl_arr_end(struct sl_arr *a)
{
    if (a->oom || sl_buf_append(&a->b, "}", 1) != 0)
        return NULL;
    return sl_buf_cstr(&a->b);
}

void sl_arr_free(struct sl_arr *a)
{
    sl_buf_free(&a->b);
}

void sl_copy_field(struct sl_buf *b, const char *v, bool last, bool *bad)
{
    if (v == NULL) {
        *bad |= sl_buf_append(b, "\\N", 2) != 0;
    } else {
        for (const char *p = v; *p; p++) {
            const char *run = p;
            while (*p && *p != '\\' && *p != '\t' && *p != '\n' && *p != '\r')
                p++;
            *bad |= sl_buf_append(b, run, (size_t)(p - run)) != 0;
            if (*p == '\0')
                break;
            char esc[2] = {'\\', *p == '\\' ? '\\' : *p == '\t' ? 't' : *p == '\n' ? 'n' : 'r'};
            *bad |= sl_buf_append(b, esc, 2) != 0;
        }
    }
    *bad |= sl_buf_append(b, last ? "\n" : "\t", 1) != 0;
}

void sl_copy_bytes(struct sl_buf *b, const uint8_t *p, size_t n, bool last, bool *bad)
{
    static const char hex[] = "0123456789abcdef";
    *bad |= sl_buf_append(b, "\\\\x", 3) != 0; /* "\\x": the backslash escaped */
    char chunk[512];
    for (size_t i = 0; i < n && !*bad;) {
        size_t k = 0;
        for (; i < n && k + 2 <= sizeof chunk; i++) {
            chunk[k++] = hex[p[i] >> 4];
            chunk[k++] = hex[p[i] & 15];
        }
        *bad |= sl_buf_append(b, chunk, k) != 0;
    }
    *bad |= sl_buf_append(b, last ? "\n" : "\t", 1) != 0;
}
