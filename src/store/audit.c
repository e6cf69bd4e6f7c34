/* audit.c - the append-only, hash-chained audit log.
 *
 * hash(n) = SHA-256(prev || L(seq) || L(at) || L(actor) || L(action) || L(object) || L(detail))
 * where prev is hash(n-1) (32 zero bytes for the first entry) and L(x) is x's
 * length as 8 big-endian bytes followed by its bytes (seq as decimal text), so
 * no two different entries can hash the same input. Triggers refuse UPDATE and
 * DELETE; the chain catches edits made around them (a rewritten row, a deleted
 * row, a re-ordered row). Truncating the newest entries is caught only by
 * comparing with a head hash kept elsewhere (`sightline db verify` prints it).
 */
#include <openssl/evp.h>
#include <stdio.h>
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

int sl_store_audit(struct sl_store *s, const char *actor, const char *action,
                   const char *object, const char *detail_json, struct sl_err *err)
{
    if (detail_json == NULL || *detail_json == '\0')
        detail_json = "{}";
    if (sl_store_begin(s, err) != 0)
        return -1;
    uint8_t prev[HASH_LEN] = {0};
    int64_t seq = 1;
    sqlite3_stmt *st = sl_st(s, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", err);
    if (st == NULL)
        goto fail;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        seq = sqlite3_column_int64(st, 0) + 1;
        if (sqlite3_column_bytes(st, 1) == HASH_LEN)
            memcpy(prev, sqlite3_column_blob(st, 1), HASH_LEN);
    } else if (rc != SQLITE_DONE) {
        sl_st_fail(s, "reading the audit head", err);
        sqlite3_reset(st);
        goto fail;
    }
    sqlite3_reset(st);

    char at[SL_ISO_LEN];
    sl_time_iso(sl_now(), at);
    uint8_t hash[HASH_LEN];
    if (entry_hash(prev, seq, at, actor, action, object, detail_json, hash) != 0) {
        sl_err_set(err, "computing the audit hash failed");
        goto fail;
    }
    st = sl_st(s,
               "INSERT INTO audit_log (seq, at, actor, action, object, detail, prev_hash, hash)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
               err);
    if (st == NULL)
        goto fail;
    sqlite3_bind_int64(st, 1, seq);
    sl_bind_text(st, 2, at);
    sl_bind_text(st, 3, actor);
    sl_bind_text(st, 4, action);
    sl_bind_text(st, 5, object);
    sl_bind_text(st, 6, detail_json);
    sqlite3_bind_blob(st, 7, prev, HASH_LEN, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 8, hash, HASH_LEN, SQLITE_TRANSIENT);
    if (sl_exec_stmt(s, st, "writing the audit log", err) != 0)
        goto fail;
    return sl_store_commit(s, err);
fail:
    sl_store_rollback(s);
    return -1;
}

static const char *text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t != NULL ? (const char *)t : "";
}

static int check_integrity(struct sl_store *s, struct sl_audit_report *rep, struct sl_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check(5)", -1, &st, NULL) != SQLITE_OK)
        return sl_st_fail(s, "integrity check", err);
    sl_strlcpy(rep->integrity, "ok", sizeof rep->integrity);
    if (sqlite3_step(st) == SQLITE_ROW && strcmp(text(st, 0), "ok") != 0)
        sl_strlcpy(rep->integrity, text(st, 0), sizeof rep->integrity);
    sqlite3_finalize(st);
    if (strcmp(rep->integrity, "ok") != 0)
        return 0;
    if (sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
        return sl_st_fail(s, "foreign key check", err);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(rep->integrity, sizeof rep->integrity,
                 "foreign key violation in table %s, row %lld", text(st, 0),
                 (long long)sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    return 0;
}

int sl_store_verify(struct sl_store *s, struct sl_audit_report *rep, struct sl_err *err)
{
    memset(rep, 0, sizeof *rep);
    if (check_integrity(s, rep, err) != 0)
        return -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT seq, at, actor, action, object, detail, prev_hash, hash"
                           " FROM audit_log ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK)
        return sl_st_fail(s, "reading the audit log", err);
    uint8_t prev[HASH_LEN] = {0};
    int64_t expect = 1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        rep->entries++;
        if (seq != expect) {
            rep->first_bad_seq = expect;
            snprintf(rep->problem, sizeof rep->problem,
                     "entry %lld is missing (the next entry is %lld)", (long long)expect,
                     (long long)seq);
            break;
        }
        if (sqlite3_column_bytes(st, 6) != HASH_LEN || sqlite3_column_bytes(st, 7) != HASH_LEN) {
            rep->first_bad_seq = seq;
            snprintf(rep->problem, sizeof rep->problem, "entry %lld has a malformed hash",
                     (long long)seq);
            break;
        }
        const uint8_t *stored_prev = sqlite3_column_blob(st, 6);
        if (memcmp(stored_prev, prev, HASH_LEN) != 0) {
            rep->first_bad_seq = seq;
            snprintf(rep->problem, sizeof rep->problem,
                     "entry %lld does not follow entry %lld (previous hash differs)",
                     (long long)seq, (long long)(seq - 1));
            break;
        }
        uint8_t h[HASH_LEN];
        if (entry_hash(prev, seq, text(st, 1), text(st, 2), text(st, 3), text(st, 4),
                       text(st, 5), h) != 0) {
            sqlite3_finalize(st);
            return sl_err_set(err, "computing the audit hash failed");
        }
        if (memcmp(h, sqlite3_column_blob(st, 7), HASH_LEN) != 0) {
            rep->first_bad_seq = seq;
            snprintf(rep->problem, sizeof rep->problem,
                     "entry %lld was altered after it was written (%s %s by %s at %s)",
                     (long long)seq, text(st, 3), text(st, 4), text(st, 2), text(st, 1));
            break;
        }
        memcpy(prev, h, HASH_LEN);
        rep->head_seq = seq;
        to_hex(h, HASH_LEN, rep->head_hash);
        expect++;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        sl_st_fail(s, "reading the audit log", err);
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    return 0;
}

int sl_store_audit_list(struct sl_store *s, int64_t after_seq, int64_t limit, sl_audit_cb cb,
                        void *ctx, struct sl_err *err)
{
    sqlite3_stmt *st = sl_st(s,
                             "SELECT seq, at, actor, action, object, detail FROM audit_log"
                             " WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                             err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, after_seq);
    sqlite3_bind_int64(st, 2, limit > 0 ? limit : INT64_MAX);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sl_audit_entry e;
        e.seq = sqlite3_column_int64(st, 0);
        sl_col_text(st, 1, e.at, sizeof e.at);
        sl_col_text(st, 2, e.actor, sizeof e.actor);
        sl_col_text(st, 3, e.action, sizeof e.action);
        sl_col_text(st, 4, e.object, sizeof e.object);
        e.detail = (char *)text(st, 5);
        if (cb(&e, ctx) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        sqlite3_reset(st);
        return sl_st_fail(s, "listing the audit log", err);
    }
    sqlite3_reset(st);
    return 0;
}
