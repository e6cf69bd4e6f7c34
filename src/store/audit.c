/* audit.c - the append-only, hash-chained audit log.
 *
 * hash(n) = SHA-256(prev || L(seq) || L(at) || L(actor) || L(action) || L(object) || L(detail))
 * where prev is hash(n-1) (32 zero bytes for the first entry) and L(x) is x's
 * length as 8 big-endian bytes followed by its bytes (seq as decimal text), so
 * no two different entries can hash the same input. Triggers refuse UPDATE and
 * DELETE; the chain catches edits made around them (a rewritten row, a deleted
 * row, a re-ordered row). Truncating the newest entries is caught only by
 * comparing with a head hash kept elsewhere (`sightline db verify` prints it).
 *
 * Entries are queued in memory while their transaction runs and written by its
 * outermost commit (sl_audit_flush) under the backend's chain lock: the head
 * is read and extended by one writer at a time, in the same transaction as
 * the changes the entries describe. The hash input is the text of the fields,
 * identical on every backend, so a chain verifies the same after `db copy`.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"
#include "util/timeutil.h"

#define HASH_LEN 32

static void put_field(EVP_MD_CTX *ctx, const char *s, size_t n)
{
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)((uint64_t)n >> (56 - 8 * i));
    EVP_DigestUpdate(ctx, len, sizeof len);
    EVP_DigestUpdate(ctx, s, n);
}

static int entry_hash(const uint8_t prev[HASH_LEN], int64_t seq, const char *at,
                      const char *actor, const char *action, const char *object,
                      const char *detail, uint8_t out[HASH_LEN])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL)
        return -1;
    char seqs[24];
    snprintf(seqs, sizeof seqs, "%lld", (long long)seq);
    unsigned int n = 0;
    int ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    if (ok) {
        EVP_DigestUpdate(ctx, prev, HASH_LEN);
        put_field(ctx, seqs, strlen(seqs));
        put_field(ctx, at, strlen(at));
        put_field(ctx, actor, strlen(actor));
        put_field(ctx, action, strlen(action));
        put_field(ctx, object, strlen(object));
        put_field(ctx, detail, strlen(detail));
        ok = EVP_DigestFinal_ex(ctx, out, &n);
    }
    EVP_MD_CTX_free(ctx);
    return ok && n == HASH_LEN ? 0 : -1;
}

static void to_hex(const uint8_t *b, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 15];
    }
    out[2 * n] = '\0';
}

struct sl_pending_audit {
    struct sl_pending_audit *next;
    char at[SL_ISO_LEN];
    char *actor, *action, *object, *detail;
};

static void pending_free(struct sl_pending_audit *p)
{
    free(p->actor);
    free(p->action);
    free(p->object);
    free(p->detail);
    free(p);
}

void sl_audit_discard(struct sl_store *s)
{
    struct sl_pending_audit *p = s->audit_head;
    while (p != NULL) {
        struct sl_pending_audit *next = p->next;
        pending_free(p);
        p = next;
    }
    s->audit_head = s->audit_tail = NULL;
    s->audit_pending = 0;
}

int sl_store_audit(struct sl_store *s, const char *actor, const char *action,
                   const char *object, const char *detail_json, struct sl_err *err)
{
    if (detail_json == NULL || *detail_json == '\0')
        detail_json = "{}";
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_pending_audit *p = calloc(1, sizeof *p);
    if (p != NULL) {
        sl_time_iso(sl_now(), p->at);
        p->actor = strdup(actor != NULL ? actor : "");
        p->action = strdup(action);
        p->object = strdup(object);
        p->detail = strdup(detail_json);
    }
    if (p == NULL || p->actor == NULL || p->action == NULL || p->object == NULL ||
        p->detail == NULL) {
        if (p != NULL)
            pending_free(p);
        sl_store_rollback(s);
        return sl_err_set(err, "out of memory");
    }
    if (s->audit_tail != NULL)
        s->audit_tail->next = p;
    else
        s->audit_head = p;
    s->audit_tail = p;
    s->audit_pending++;
    return sl_store_commit(s, err);
}

static int read_head(struct sl_store *s, int64_t *seq, uint8_t prev[HASH_LEN],
                     struct sl_err *err)
{
    struct sl_q *q = sl_st(s, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", err);
    if (q == NULL)
        return -1;
    int rc = sl_step(q, "reading the audit head", err);
    if (rc < 0)
        return -1;
    memset(prev, 0, HASH_LEN);
    *seq = 0;
    if (rc == 1) {
        *seq = sl_col_int(q, 0);
        size_t n = 0;
        const void *h = sl_col_blob(q, 1, &n);
        if (n == HASH_LEN)
            memcpy(prev, h, HASH_LEN);
    }
    sl_reset(q);
    return 0;
}

int sl_audit_flush(struct sl_store *s, struct sl_err *err)
{
    uint8_t prev[HASH_LEN];
    int64_t seq;
    if (read_head(s, &seq, prev, err) != 0)
        return -1;
    for (struct sl_pending_audit *p = s->audit_head; p != NULL; p = p->next) {
        seq++;
        uint8_t hash[HASH_LEN];
        if (entry_hash(prev, seq, p->at, p->actor, p->action, p->object, p->detail, hash) != 0)
            return sl_err_set(err, "computing the audit hash failed");
        struct sl_q *q =
            sl_st(s,
                  "INSERT INTO audit_log (seq, at, actor, action, object, detail, prev_hash, hash)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                  err);
        if (q == NULL)
            return -1;
        sl_bind_int(q, 1, seq);
        sl_bind_text(q, 2, p->at);
        sl_bind_text(q, 3, p->actor);
        sl_bind_text(q, 4, p->action);
        sl_bind_text(q, 5, p->object);
        sl_bind_text(q, 6, p->detail);
        sl_bind_blob(q, 7, prev, HASH_LEN);
        sl_bind_blob(q, 8, hash, HASH_LEN);
        if (sl_exec_deferred(q, "writing the audit log", err) != 0)
            return -1;
        memcpy(prev, hash, HASH_LEN);
    }
    sl_audit_discard(s);
    return 0;
}

/* Checks one entry against the previous hash; fills rep and returns 1 when it
 * is the first broken one, 0 when it is sound, -1 on error. */
static int check_entry(struct sl_q *q, int64_t expect, uint8_t prev[HASH_LEN],
                       struct sl_audit_report *rep, struct sl_err *err)
{
    int64_t seq = sl_col_int(q, 0);
    if (seq != expect) {
        rep->first_bad_seq = expect;
        snprintf(rep->problem, sizeof rep->problem,
                 "entry %lld is missing (the next entry is %lld)", (long long)expect,
                 (long long)seq);
        return 1;
    }
    size_t np = 0, nh = 0;
    const uint8_t *stored_prev = sl_col_blob(q, 6, &np);
    const uint8_t *stored_hash = sl_col_blob(q, 7, &nh);
    if (np != HASH_LEN || nh != HASH_LEN) {
        rep->first_bad_seq = seq;
        snprintf(rep->problem, sizeof rep->problem, "entry %lld has a malformed hash",
                 (long long)seq);
        return 1;
    }
    if (memcmp(stored_prev, prev, HASH_LEN) != 0) {
        rep->first_bad_seq = seq;
        snprintf(rep->problem, sizeof rep->problem,
                 "entry %lld does not follow entry %lld (previous hash differs)", (long long)seq,
                 (long long)(seq - 1));
        return 1;
    }
    uint8_t h[HASH_LEN];
    if (entry_hash(prev, seq, sl_col_str(q, 1), sl_col_str(q, 2), sl_col_str(q, 3),
                   sl_col_str(q, 4), sl_col_str(q, 5), h) != 0)
        return sl_err_set(err, "computing the audit hash failed");
    if (memcmp(h, stored_hash, HASH_LEN) != 0) {
        rep->first_bad_seq = seq;
        snprintf(rep->problem, sizeof rep->problem,
                 "entry %lld was altered after it was written (%s %s by %s at %s)",
                 (long long)seq, sl_col_str(q, 3), sl_col_str(q, 4), sl_col_str(q, 2),
                 sl_col_str(q, 1));
        return 1;
    }
    memcpy(prev, h, HASH_LEN);
    rep->head_seq = seq;
    to_hex(h, HASH_LEN, rep->head_hash);
    return 0;
}

struct verify_walk {
    uint8_t prev[HASH_LEN];
    int64_t expect;
    struct sl_audit_report *rep;
    int bad; /* 1: the first broken entry found; -1: an error */
    struct sl_err *err;
};

static void verify_bind(struct sl_q *q, void *vw)
{
    sl_bind_int(q, 1, ((struct verify_walk *)vw)->expect - 1);
}

static int verify_row(struct sl_q *q, void *vw)
{
    struct verify_walk *w = vw;
    w->rep->entries++;
    w->bad = check_entry(q, w->expect, w->prev, w->rep, w->err);
    if (w->bad != 0)
        return 1;
    w->expect++;
    return 0;
}

int sl_store_verify(struct sl_store *s, struct sl_audit_report *rep, struct sl_err *err)
{
    memset(rep, 0, sizeof *rep);
    if (s->be->check(s, rep->integrity, sizeof rep->integrity, err) != 0)
        return sl_err_prefix(err, "integrity check");
    /* Keyset pages: the chain may hold millions of entries. */
    struct sl_pager p = {"SELECT seq, at, actor, action, object, detail, prev_hash, hash"
                         " FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                         2, verify_bind, verify_row, "reading the audit log"};
    struct verify_walk w = {{0}, 1, rep, 0, err};
    if (sl_walk_pages(s, &p, &w, err) != 0)
        return -1;
    return w.bad < 0 ? -1 : 0;
}

struct list_walk {
    int64_t after, left;
    sl_audit_cb cb;
    void *ctx;
};

static void list_bind(struct sl_q *q, void *vw)
{
    sl_bind_int(q, 1, ((struct list_walk *)vw)->after);
}

static int list_row(struct sl_q *q, void *vw)
{
    struct list_walk *w = vw;
    struct sl_audit_entry e;
    e.seq = w->after = sl_col_int(q, 0);
    sl_col_text(q, 1, e.at, sizeof e.at);
    sl_col_text(q, 2, e.actor, sizeof e.actor);
    sl_col_text(q, 3, e.action, sizeof e.action);
    sl_col_text(q, 4, e.object, sizeof e.object);
    e.detail = (char *)sl_col_str(q, 5);
    return w->cb(&e, w->ctx) != 0 || --w->left == 0;
}

int sl_store_audit_list(struct sl_store *s, int64_t after_seq, int64_t limit, sl_audit_cb cb,
                        void *ctx, struct sl_err *err)
{
    struct sl_pager p = {"SELECT seq, at, actor, action, object, detail FROM audit_log"
                         " WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                         2, list_bind, list_row, "listing the audit log"};
    struct list_walk w = {after_seq, limit > 0 ? limit : INT64_MAX, cb, ctx};
    return sl_walk_pages(s, &p, &w, err);
}

int sl_store_audit_head(struct sl_store *s, int64_t *seq, struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "SELECT coalesce(max(seq), 0) FROM audit_log", err);
    if (st == NULL)
        return -1;
    return sl_one_int(st, seq, "reading the audit chain's head", err) == 1 ? 0 : -1;
}
