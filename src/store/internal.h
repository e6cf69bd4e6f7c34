/* internal.h - what the store's SQLite files share. Not for use outside store/. */
#ifndef SL_STORE_INTERNAL_H
#define SL_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store/store.h"

#define SL_STMT_CACHE 128

struct sl_stmt_slot {
    const char *sql; /* the static SQL text; its address is the key */
    sqlite3_stmt *stmt;
};

struct sl_store {
    sqlite3 *db;
    int txn_depth;
    bool txn_failed;
    struct sl_stmt_slot cache[SL_STMT_CACHE];
};

/* A prepared statement for a static SQL string, cached for the store's life and
 * reset with bindings cleared. Returns NULL and sets err on failure. Only ever
 * pass string literals (or other static storage): the cache keys on the address. */
sqlite3_stmt *sl_st(struct sl_store *s, const char *sql, struct sl_err *err);

/* Sets err from the connection's last error, prefixed by what was being done. */
int sl_st_fail(struct sl_store *s, const char *what, struct sl_err *err);

/* Bind helpers: NULL or "" text binds SQL NULL when `null_if_empty`. */
int sl_bind_text(sqlite3_stmt *st, int i, const char *v);
int sl_bind_text_or_null(sqlite3_stmt *st, int i, const char *v);
/* Copies column i into dst (size n); NULL becomes "". */
void sl_col_text(sqlite3_stmt *st, int i, char *dst, size_t n);

/* Steps a statement that returns no rows; returns 0 or -1 with err set. */
int sl_exec_stmt(struct sl_store *s, sqlite3_stmt *st, const char *what, struct sl_err *err);

/* The migrations (migrations.c). */
struct sl_migration {
    int version;
    const char *name;
    const char *sql;
};
extern const struct sl_migration sl_migrations[];
extern const int sl_migration_count;

#endif
