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
 *
 * Keyed entries (issue 11): with an audit key (a file kept outside the
 * register, sl_store_audit_key_load) the hash is HMAC-SHA-256 under the key
 * over the same input, and the entry says so (`keyed`), so someone holding
 * only the database cannot recompute the chain. Entry times are always the
 * real clock; a pinned clock ($SIGHTLINE_NOW, tests and the demo) is written
 * into the entry's detail ("pinned_clock"), as is "demo": true for the demo.
 * What the chain is compared with (the tables) is replay.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"
#include "util/timeutil.h"

#include <sys/stat.h>
#include <unistd.h>

#define HASH_LEN 32

void sl_hash_field(EVP_MD_CTX *ctx, const void *p, size_t n)
{
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)((uint64_t)n >> (56 - 8 * i));
    EVP_DigestUpdate(ctx, len, sizeof len);
    if (n > 0)
        EVP_DigestUpdate(ctx, p, n);
}

/* The hash input of an entry: prev || L(seq) || L(at) || ... || L(detail). */
static unsigned char *entry_input(const uint8_t prev[HASH_LEN], const char *const f[6],
                                  size_t *n)
{
    size_t total = HASH_LEN;
    for (int i = 0; i < 6; i++)
        total += 8 + strlen(f[i]);
    unsigned char *b = malloc(total), *p = b;
    if (b == NULL)
        return NULL;
    memcpy(p, prev, HASH_LEN);
    p += HASH_LEN;
    for (int i = 0; i < 6; i++) {
        size_t l = strlen(f[i]);
        for (int k = 0; k < 8; k++)
            *p++ = (uint8_t)((uint64_t)l >> (56 - 8 * k));
        memcpy(p, f[i], l);
        p += l;
    }
    *n = total;
    return b;
}

/* SHA-256 of the input, or HMAC-SHA-256 under key when key_len > 0. */
static int entry_hash(const uint8_t prev[HASH_LEN], int64_t seq, const char *at,
                      const char *actor, const char *action, const char *object,
                      const char *detail, const uint8_t *key, size_t key_len,
                      uint8_t out[HASH_LEN])
{
    char seqs[24];
    snprintf(seqs, sizeof seqs, "%lld", (long long)seq);
    const char *const f[6] = {seqs, at, actor, action, object, detail};
    size_t n = 0;
    unsigned char *in = entry_input(prev, f, &n);
    if (in == NULL)
        return -1;
    unsigned int got = 0;
    bool ok;
    if (key_len > 0) {
        ok = HMAC(EVP_sha256(), key, (int)key_len, in, n, out, &got) != NULL;
    } else {
        ok = EVP_Digest(in, n, out, &got, EVP_sha256(), NULL) == 1;
    }
    free(in);
    return ok && got == HASH_LEN ? 0 : -1;
}

/* ---- the audit key: a file outside the register -------------------------------- */

static uint8_t g_key[SL_AUDIT_KEY_MAX];
static size_t g_key_len;

int sl_store_audit_key_load(const char *path, struct sl_err *err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return sl_err_setk(err, SL_ERR_INVALID, "cannot read the audit key %s: %s", path,
                           strerror(errno));
    struct stat st;
    uint8_t buf[SL_AUDIT_KEY_MAX + 1];
    ssize_t n = -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) == 0)
        n = read(fd, buf, sizeof buf);
    close(fd);
    if (n < 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) != 0)
        return sl_err_setk(err, SL_ERR_INVALID,
                           "the audit key %s must be a regular file readable by its owner "
                           "only (chmod 600)",
                           path);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    if (n < SL_AUDIT_KEY_MIN || n > SL_AUDIT_KEY_MAX)
        return sl_err_setk(err, SL_ERR_INVALID,
                           "the audit key %s must hold %d to %d bytes (e.g. 'openssl rand "
                           "-hex 32')",
                           path, SL_AUDIT_KEY_MIN, SL_AUDIT_KEY_MAX);
    memcpy(g_key, buf, (size_t)n);
    g_key_len = (size_t)n;
    return 0;
}

void sl_store_audit_key_clear(void)
{
    memset(g_key, 0, sizeof g_key);
    g_key_len = 0;
}

void sl_audit_take_key(struct sl_store *s)
{
    memcpy(s->key, g_key, g_key_len);
    s->key_len = g_key_len;
}

bool sl_store_keyed(const struct sl_store *s)
{
    return s->key_len > 0;
}

void sl_store_mark_demo(struct sl_store *s, bool demo)
{
    s->demo = demo;
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

/* The detail as written: the caller's, with "demo": true for the demo's
 * writes and "pinned_clock" when $SIGHTLINE_NOW pins the clock. malloc'd. */
static char *decorate(const struct sl_store *s, const char *detail_json)
{
    const char *pinned = sl_clock_pinned();
    if (!s->demo && pinned == NULL)
        return strdup(detail_json);
    json_t *d = json_loads(detail_json, 0, NULL);
    if (!json_is_object(d)) {
        json_decref(d);
        d = json_pack("{s:s}", "text", detail_json);
    }
    if (s->demo)
        json_object_set_new(d, "demo", json_true());
    if (pinned != NULL) {
        char iso[SL_ISO_LEN];
        sl_time_iso(sl_now(), iso);
        json_object_set_new(d, "pinned_clock", json_string(iso));
    }
    char *out = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    return out;
}

int sl_store_audit(struct sl_store *s, const char *actor, const char *action,
                   const char *object, const char *detail_json, struct sl_err *err)
{
    if (detail_json == NULL || *detail_json == '\0')
        detail_json = "{}";
    /* The actor comes from options, the environment or a login: text the
     * chain keeps for ever, so it must be clean whichever door it came in by. */
    if (actor != NULL && (!sl_utf8_valid(actor, strlen(actor), NULL) || sl_str_has_control(actor)))
        return sl_err_setk(err, SL_ERR_INVALID,
                           "the actor is not clean text (invalid UTF-8 or control characters)");
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_pending_audit *p = calloc(1, sizeof *p);
    if (p != NULL) {
        sl_time_iso(sl_real_now(), p->at); /* never the pinned clock */
        p->actor = strdup(actor != NULL ? actor : "");
        p->action = strdup(action);
        p->object = strdup(object);
        p->detail = decorate(s, detail_json);
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

int sl_store_audit_json(struct sl_store *s, const char *actor, const char *action,
                        const char *object, json_t *detail, struct sl_err *err)
{
    char *dj = detail != NULL ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(detail);
    int rc = sl_store_audit(s, actor, action, object, dj != NULL ? dj : "{}", err);
    free(dj);
    return rc;
}

int sl_store_audit_head(struct sl_store *s, int64_t *seq, char hash_hex[65], struct sl_err *err)
{
    struct sl_q *q = sl_st(s, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", err);
    if (q == NULL)
        return -1;
    int rc = sl_step(q, "reading the audit head", err);
    *seq = 0;
    hash_hex[0] = '\0';
    if (rc == 1) {
        size_t n = 0;
        const uint8_t *h = sl_col_blob(q, 1, &n);
        *seq = sl_col_int(q, 0);
        if (n == HASH_LEN)
            to_hex(h, HASH_LEN, hash_hex);
    }
    sl_reset(q);
    return rc < 0 ? -1 : 0;
}

int sl_store_figures_head(struct sl_store *s, int64_t *seq, struct sl_err *err)
{
    struct sl_q *q = sl_st(s,
                           "SELECT seq FROM audit_log WHERE substr(action, 1, 5) <> 'user.'"
                           " ORDER BY seq DESC LIMIT 1",
                           err);
    if (q == NULL)
        return -1;
    int rc = sl_step(q, "reading the audit head", err);
    *seq = rc == 1 ? sl_col_int(q, 0) : 0;
    sl_reset(q);
    return rc < 0 ? -1 : 0;
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

/* Multi-row INSERT texts of the audit log: AUDIT_ROWS entries a statement
 * (a batch of 500 devices queues 1,000 entries: 16 statements, not 1,000,
 * while every other writer waits for the chain lock), and one. Built once;
 * the statement cache keys on their addresses. */
#define AUDIT_ROWS 64
#define AUDIT_COLS 9
static char *audit_sql_many;
static pthread_once_t audit_sql_once = PTHREAD_ONCE_INIT;

static void build_audit_sql(void)
{
    audit_sql_many = sl_sql_rows("INSERT INTO audit_log (seq, at, actor, action, object, detail,"
                                 " prev_hash, hash, keyed) VALUES ",
                                 AUDIT_COLS, AUDIT_ROWS);
}

/* The statement for `rows` entries (AUDIT_ROWS or 1) at the register's schema. */
static struct sl_q *audit_insert(struct sl_store *s, int rows, struct sl_err *err)
{
    if (rows > 1) {
        pthread_once(&audit_sql_once, build_audit_sql);
        if (audit_sql_many == NULL) {
            sl_err_set(err, "out of memory");
            return NULL;
        }
        return sl_st(s, audit_sql_many, err);
    }
    /* A register not yet at migration 5 (tests of the migration path) has no
     * keyed column; it is never written keyed. */
    return s->version >= 6
               ? sl_st(s,
                       "INSERT INTO audit_log (seq, at, actor, action, object, detail,"
                       " prev_hash, hash, keyed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                       err)
               : sl_st(s,
                       "INSERT INTO audit_log (seq, at, actor, action, object, detail,"
                       " prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                       err);
}

/* Hashes entry p after prev and binds it as row r of q; prev becomes its hash. */
static int bind_entry(struct sl_store *s, struct sl_q *q, int r, int64_t seq,
                      const struct sl_pending_audit *p, uint8_t prev[HASH_LEN],
                      struct sl_err *err)
{
    uint8_t hash[HASH_LEN];
    if (entry_hash(prev, seq, p->at, p->actor, p->action, p->object, p->detail, s->key,
                   s->key_len, hash) != 0)
        return sl_err_set(err, "computing the audit hash failed");
    int b = r * AUDIT_COLS;
    sl_bind_int(q, b + 1, seq);
    sl_bind_text(q, b + 2, p->at);
    sl_bind_text(q, b + 3, p->actor);
    sl_bind_text(q, b + 4, p->action);
    sl_bind_text(q, b + 5, p->object);
    sl_bind_text(q, b + 6, p->detail);
    sl_bind_blob(q, b + 7, prev, HASH_LEN);
    sl_bind_blob(q, b + 8, hash, HASH_LEN);
    if (s->version >= 6)
        sl_bind_int(q, b + 9, s->key_len > 0);
    else if (s->key_len > 0)
        return sl_err_setk(err, SL_ERR_CONFLICT, "the register is not migrated: keyed "
                                                 "audit entries need schema version 5");
    memcpy(prev, hash, HASH_LEN);
    return 0;
}

int sl_audit_flush(struct sl_store *s, struct sl_err *err)
{
    uint8_t prev[HASH_LEN];
    int64_t seq;
    if (read_head(s, &seq, prev, err) != 0)
        return -1;
    /* Entries are dated as they join the chain (under its lock), not as they
     * were queued: a long transaction (an agent's batch) that queued early and
     * commits after a short one must not date its entries before the short
     * one's (db verify: audit time never goes backwards). */
    char now[SL_ISO_LEN];
    sl_time_iso(sl_real_now(), now);
    for (struct sl_pending_audit *d = s->audit_head; d != NULL; d = d->next)
        memcpy(d->at, now, sizeof d->at);
    size_t left = s->audit_pending;
    struct sl_pending_audit *p = s->audit_head;
    while (p != NULL) {
        int rows = left >= AUDIT_ROWS && s->version >= 6 ? AUDIT_ROWS : 1;
        struct sl_q *q = audit_insert(s, rows, err);
        if (q == NULL)
            return -1;
        for (int r = 0; r < rows && p != NULL; r++, p = p->next)
            if (bind_entry(s, q, r, ++seq, p, prev, err) != 0)
                return -1;
        left -= (size_t)rows;
        if (sl_exec_deferred(q, "writing the audit log", err) != 0)
            return -1;
    }
    sl_audit_discard(s);
    return 0;
}

static int broken(struct sl_audit_report *rep, int64_t seq, const char *why)
{
    rep->first_bad_seq = seq;
    snprintf(rep->problem, sizeof rep->problem, "entry %lld %s", (long long)seq, why);
    return 1;
}

/* A keyed entry needs the key; with a key, an unkeyed entry may not follow a
 * keyed one (the chain rewritten by someone without the key). 1 when broken. */
static int check_keying(const struct sl_store *s, int64_t seq, bool keyed, bool *seen_keyed,
                        struct sl_audit_report *rep)
{
    if (keyed && s->key_len == 0)
        return broken(rep, seq, "is keyed: give its audit key (--audit-key FILE) to check it");
    if (!keyed && *seen_keyed)
        return broken(rep, seq, "is not keyed but an earlier entry is: written by someone "
                                "without the key");
    if (keyed) {
        *seen_keyed = true;
        rep->keyed++;
    }
    return 0;
}

/* Checks one entry against the previous hash; fills rep and returns 1 when it
 * is the first broken one, 0 when it is sound, -1 on error. */
static int check_entry(struct sl_store *s, struct sl_q *q, int64_t expect,
                       uint8_t prev[HASH_LEN], bool *seen_keyed, struct sl_audit_report *rep,
                       struct sl_err *err)
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
    bool keyed = s->version >= 6 && sl_col_int(q, 8) != 0;
    if (check_keying(s, seq, keyed, seen_keyed, rep) != 0)
        return 1;
    uint8_t h[HASH_LEN];
    if (entry_hash(prev, seq, sl_col_str(q, 1), sl_col_str(q, 2), sl_col_str(q, 3),
                   sl_col_str(q, 4), sl_col_str(q, 5), s->key, keyed ? s->key_len : 0, h) != 0)
        return sl_err_set(err, "computing the audit hash failed");
    if (memcmp(h, stored_hash, HASH_LEN) != 0) {
        rep->first_bad_seq = seq;
        snprintf(rep->problem, sizeof rep->problem,
                 "entry %lld was altered after it was written%s (%s %s by %s at %s)",
                 (long long)seq, keyed ? ", or the audit key differs" : "", sl_col_str(q, 3),
                 sl_col_str(q, 4), sl_col_str(q, 2), sl_col_str(q, 1));
        return 1;
    }
    if (seq > 1 && strcmp(sl_col_str(q, 1), rep->head_at) < 0)
        sl_audit_mismatch(rep, "entry %lld is dated %s, before entry %lld (%s): audit time "
                               "went backwards",
                          (long long)seq, sl_col_str(q, 1), (long long)(seq - 1), rep->head_at);
    sl_strlcpy(rep->head_at, sl_col_str(q, 1), sizeof rep->head_at);
    rep->head_keyed = keyed;
    memcpy(prev, h, HASH_LEN);
    rep->head_seq = seq;
    to_hex(h, HASH_LEN, rep->head_hash);
    return 0;
}

struct verify_walk {
    struct sl_store *s;
    uint8_t prev[HASH_LEN];
    int64_t expect;
    struct sl_audit_report *rep;
    int bad; /* 1: the first broken entry found; -1: an error */
    bool seen_keyed;
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
    w->bad = check_entry(w->s, q, w->expect, w->prev, &w->seen_keyed, w->rep, w->err);
    if (w->bad != 0)
        return 1;
    w->expect++;
    return 0;
}

int sl_store_verify(struct sl_store *s, struct sl_audit_report *rep, struct sl_err *err)
{
    memset(rep, 0, sizeof *rep);
    rep->key_given = s->key_len > 0;
    if (s->be->check(s, rep->integrity, sizeof rep->integrity, err) != 0)
        return sl_err_prefix(err, "integrity check");
    /* Keyset pages: the chain may hold millions of entries. */
    struct sl_pager p = {s->version >= 6
                             ? "SELECT seq, at, actor, action, object, detail, prev_hash, hash,"
                               " keyed FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2"
                             : "SELECT seq, at, actor, action, object, detail, prev_hash, hash"
                               " FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                         2, verify_bind, verify_row, "reading the audit log"};
    struct verify_walk w = {s, {0}, 1, rep, 0, false, err};
    if (sl_walk_pages(s, &p, &w, err) != 0 || w.bad < 0)
        return -1;
    /* With a key, the newest entry must be keyed: a chain rewritten whole
     * without the key would otherwise verify. */
    if (w.bad == 0 && rep->key_given && rep->head_seq > 0 && !rep->head_keyed)
        broken(rep, rep->head_seq, "(the newest) is not keyed with the audit key given");
    if (s->version < 6)
        return 0;
    return sl_audit_replay_check(s, rep, err);
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
