/* sqlite.c - opening the register, migrations, transactions, the statement cache. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

static int exec_sql(struct sl_store *s, const char *sql, const char *what, struct sl_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        sl_err_set(err, "%s: %s", what, msg != NULL ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int sl_st_fail(struct sl_store *s, const char *what, struct sl_err *err)
{
    return sl_err_set(err, "%s: %s", what, sqlite3_errmsg(s->db));
}

sqlite3_stmt *sl_st(struct sl_store *s, const char *sql, struct sl_err *err)
{
    size_t h = ((uintptr_t)sql >> 3) % SL_STMT_CACHE;
    for (size_t i = 0; i < SL_STMT_CACHE; i++) {
        struct sl_stmt_slot *slot = &s->cache[(h + i) % SL_STMT_CACHE];
        if (slot->sql == sql) {
            sqlite3_reset(slot->stmt);
            sqlite3_clear_bindings(slot->stmt);
            return slot->stmt;
        }
        if (slot->sql == NULL) {
            sqlite3_stmt *st = NULL;
            if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
                SQLITE_OK) {
                sl_st_fail(s, "preparing a statement", err);
                return NULL;
            }
            slot->sql = sql;
            slot->stmt = st;
            return st;
        }
    }
    /* The cache is full: this is a programming error (more distinct statements
     * than SL_STMT_CACHE), not a runtime condition. */
    sl_err_set(err, "statement cache full (raise SL_STMT_CACHE)");
    return NULL;
}

int sl_bind_text(sqlite3_stmt *st, int i, const char *v)
{
    return sqlite3_bind_text(st, i, v != NULL ? v : "", -1, SQLITE_TRANSIENT);
}

int sl_bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
    if (v == NULL || *v == '\0')
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

void sl_col_text(sqlite3_stmt *st, int i, char *dst, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    sl_strlcpy(dst, t != NULL ? (const char *)t : "", n);
}

int sl_exec_stmt(struct sl_store *s, sqlite3_stmt *st, const char *what, struct sl_err *err)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        sl_st_fail(s, what, err);
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    return 0;
}

int sl_store_latest_version(void)
{
    return sl_migrations[sl_migration_count - 1].version;
}

int sl_store_schema_version(struct sl_store *s)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int sl_store_migrate(struct sl_store *s, int target, struct sl_err *err)
{
    int have = sl_store_schema_version(s);
    if (have < 0)
        return sl_st_fail(s, "reading the schema version", err);
    if (have > sl_store_latest_version())
        return sl_err_set(err,
                          "the register has schema version %d, newer than this sightline "
                          "knows (%d); upgrade sightline",
                          have, sl_store_latest_version());
    for (int i = 0; i < sl_migration_count; i++) {
        const struct sl_migration *m = &sl_migrations[i];
        if (m->version <= have || m->version > target)
            continue;
        if (exec_sql(s, "BEGIN IMMEDIATE", "starting a migration", err) != 0)
            return -1;
        char what[160];
        snprintf(what, sizeof what, "migration %d (%s)", m->version, m->name);
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", m->version);
        if (exec_sql(s, m->sql, what, err) != 0 || exec_sql(s, pragma, what, err) != 0) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
        if (exec_sql(s, "COMMIT", what, err) != 0) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
    }
    return 0;
}

int sl_store_open(struct sl_store **out, const char *path, int flags, struct sl_err *err)
{
    *out = NULL;
    struct sl_store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return sl_err_set(err, "out of memory");
    int oflags = (flags & SL_STORE_READONLY) ? SQLITE_OPEN_READONLY
                                             : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    oflags |= SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
        sl_err_set(err, "cannot open register %s: %s", path,
                   s->db != NULL ? sqlite3_errmsg(s->db) : "out of memory");
        sqlite3_close(s->db);
        free(s);
        return -1;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 15000);
    /* journal_mode=WAL is persistent in the file; the others are per connection. */
    const char *setup = (flags & SL_STORE_READONLY)
                            ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"
                            : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                              " PRAGMA foreign_keys=ON;";
    if (exec_sql(s, setup, "setting up the register", err) != 0) {
        if ((sqlite3_errcode(s->db) & 0xff) == SQLITE_NOTADB)
            sl_err_set(err, "%s is not a sightline register (not an SQLite database)", path);
        goto fail;
    }
    /* Reading the schema version touches the file: a non-database fails here. */
    if (sl_store_schema_version(s) < 0) {
        sl_err_set(err, "%s is not a sightline register: %s", path, sqlite3_errmsg(s->db));
        goto fail;
    }
    if (!(flags & (SL_STORE_NO_MIGRATE | SL_STORE_READONLY)) &&
        sl_store_migrate(s, sl_store_latest_version(), err) != 0) {
        sl_err_prefix(err, "migrating %s", path);
        goto fail;
    }
    if ((flags & SL_STORE_READONLY) && sl_store_schema_version(s) != sl_store_latest_version()) {
        sl_err_set(err, "%s has schema version %d; run 'sightline db migrate' first", path,
                   sl_store_schema_version(s));
        goto fail;
    }
    *out = s;
    return 0;
fail:
    sqlite3_close(s->db);
    free(s);
    return -1;
}

void sl_store_close(struct sl_store *s)
{
    if (s == NULL)
        return;
    if (s->txn_depth > 0)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    for (size_t i = 0; i < SL_STMT_CACHE; i++)
        sqlite3_finalize(s->cache[i].stmt);
    sqlite3_close(s->db);
    free(s);
}

int sl_store_begin(struct sl_store *s, struct sl_err *err)
{
    if (s->txn_depth == 0) {
        sqlite3_stmt *st = sl_st(s, "BEGIN IMMEDIATE", err);
        if (st == NULL)
            return -1;
        if (sqlite3_step(st) != SQLITE_DONE) {
            sl_st_fail(s, "starting a transaction", err);
            sqlite3_reset(st);
            return -1;
        }
        sqlite3_reset(st);
        s->txn_failed = false;
    }
    s->txn_depth++;
    return 0;
}

int sl_store_commit(struct sl_store *s, struct sl_err *err)
{
    if (s->txn_depth <= 0)
        return sl_err_set(err, "commit without a transaction");
    if (--s->txn_depth > 0)
        return 0;
    if (s->txn_failed) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->txn_failed = false;
        return sl_err_set(err, "transaction rolled back after an earlier failure");
    }
    sqlite3_stmt *st = sl_st(s, "COMMIT", err);
    if (st == NULL || sqlite3_step(st) != SQLITE_DONE) {
        if (st != NULL) {
            sl_st_fail(s, "committing", err);
            sqlite3_reset(st);
        }
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    sqlite3_reset(st);
    return 0;
}

void sl_store_rollback(struct sl_store *s)
{
    if (s->txn_depth <= 0)
        return;
    if (--s->txn_depth > 0) {
        s->txn_failed = true; /* the outermost commit will roll back */
        return;
    }
    s->txn_failed = false;
    /* Reset every cached statement first so none holds the transaction open. */
    for (size_t i = 0; i < SL_STMT_CACHE; i++)
        if (s->cache[i].stmt != NULL)
            sqlite3_reset(s->cache[i].stmt);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}
