/* backend.c - the SQLite backend of the store's seam (store/internal.h): a
 * file opened in WAL mode, writers serialised by BEGIN IMMEDIATE, the schema
 * version in PRAGMA user_version. It knows SQLite, nothing of the register. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/file.h"
#include "util/str.h"

struct lite_q {
    struct sl_q base;
    sqlite3_stmt *st;
};

static sqlite3 *db_of(struct sl_store *s)
{
    return s->conn;
}

static enum sl_err_kind kind_of(sqlite3 *db)
{
    int ext = sqlite3_extended_errcode(db);
    switch (ext & 0xff) {
    case SQLITE_CONSTRAINT:
        return ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY
                   ? SL_ERR_EXISTS
                   : SL_ERR_CONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return SL_ERR_UNAVAILABLE;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return SL_ERR_CORRUPT;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return SL_ERR_IO;
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
        return SL_ERR_INVALID;
    default:
        return SL_ERR_FAILED;
    }
}

static int fail(struct sl_store *s, struct sl_err *err)
{
    return sl_err_setk(err, kind_of(db_of(s)), "%s", sqlite3_errmsg(db_of(s)));
}

static int lite_exec(struct sl_store *s, const char *sql, struct sl_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db_of(s), sql, NULL, NULL, &msg) != SQLITE_OK) {
        sl_err_setk(err, kind_of(db_of(s)), "%s", msg != NULL ? msg : sqlite3_errmsg(db_of(s)));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* A register that does not exist yet: made here with sightline's file mode
 * (util/file.h: 0600, or 0640), never through a link; SQLite gives its WAL
 * and shared-memory files the same mode. A read-only open never creates. */
static int lite_create(const char *path, int flags, struct sl_err *err)
{
    struct stat st;
    if (strcmp(path, ":memory:") == 0 || lstat(path, &st) == 0)
        return 0;
    if (flags & SL_STORE_READONLY)
        return sl_err_setk(err, SL_ERR_NOT_FOUND,
                           "no register at %s (read-only commands never create one)", path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, sl_file_mode());
    if (fd < 0 && errno != EEXIST)
        return sl_err_setk(err, SL_ERR_IO, "cannot create register %s: %s", path,
                           strerror(errno));
    if (fd >= 0)
        close(fd);
    return 0;
}

static int lite_open(struct sl_store *s, const char *path, int flags, struct sl_err *err)
{
    sqlite3 *db = NULL;
    if (lite_create(path, flags, err) != 0)
        return -1;
    int oflags = (flags & SL_STORE_READONLY) ? SQLITE_OPEN_READONLY
                                             : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    oflags |= SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &db, oflags, NULL) != SQLITE_OK) {
        sl_err_setk(err, SL_ERR_IO, "cannot open register %s: %s", path,
                    db != NULL ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return -1;
    }
    s->conn = db;
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 15000);
    /* journal_mode=WAL is persistent in the file; the others are per connection. */
    const char *setup = (flags & SL_STORE_READONLY)
                            ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"
                            : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                              " PRAGMA foreign_keys=ON;";
    if (lite_exec(s, setup, err) != 0) {
        if ((sqlite3_errcode(db) & 0xff) == SQLITE_NOTADB)
            sl_err_setk(err, SL_ERR_CORRUPT,
                        "%s is not a sightline register (not an SQLite database)", path);
        else
            sl_err_prefix(err, "setting up the register %s", path);
        sqlite3_close(db);
        s->conn = NULL;
        return -1;
    }
    return 0;
}

static void lite_close(struct sl_store *s)
{
    sqlite3_close(db_of(s));
    s->conn = NULL;
}

static struct sl_q *lite_prepare(struct sl_store *s, const char *sql, struct sl_err *err)
{
    struct lite_q *q = calloc(1, sizeof *q);
    if (q == NULL) {
        sl_err_set(err, "out of memory");
        return NULL;
    }
    if (sqlite3_prepare_v3(db_of(s), sql, -1, SQLITE_PREPARE_PERSISTENT, &q->st, NULL) !=
        SQLITE_OK) {
        fail(s, err);
        free(q);
        return NULL;
    }
    q->base.be = &sl_backend_sqlite;
    q->base.s = s;
    return &q->base;
}

static sqlite3_stmt *st_of(struct sl_q *q)
{
    return ((struct lite_q *)q)->st;
}

static void lite_finalize(struct sl_q *q)
{
    sqlite3_finalize(st_of(q));
    free(q);
}

static void lite_reset(struct sl_q *q)
{
    sqlite3_reset(st_of(q));
    sqlite3_clear_bindings(st_of(q));
}

static void lite_bind_null(struct sl_q *q, int i)
{
    sqlite3_bind_null(st_of(q), i);
}

static void lite_bind_int(struct sl_q *q, int i, int64_t v)
{
    sqlite3_bind_int64(st_of(q), i, v);
}

static void lite_bind_real(struct sl_q *q, int i, double v)
{
    sqlite3_bind_double(st_of(q), i, v);
}

static void lite_bind_text(struct sl_q *q, int i, const char *v)
{
    sqlite3_bind_text(st_of(q), i, v, -1, SQLITE_TRANSIENT);
}

static void lite_bind_text_kept(struct sl_q *q, int i, const char *v)
{
    sqlite3_bind_text(st_of(q), i, v, -1, SQLITE_STATIC);
}

static void lite_bind_blob(struct sl_q *q, int i, const void *v, size_t n)
{
    sqlite3_bind_blob64(st_of(q), i, v, n, SQLITE_TRANSIENT);
}

static int lite_step(struct sl_q *q, struct sl_err *err)
{
    int rc = sqlite3_step(st_of(q));
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st_of(q)); /* done: release read locks, keep bindings */
        return 0;
    }
    return fail(q->s, err);
}

static bool lite_col_null(struct sl_q *q, int i)
{
    return sqlite3_column_type(st_of(q), i) == SQLITE_NULL;
}

static int64_t lite_col_int(struct sl_q *q, int i)
{
    return sqlite3_column_int64(st_of(q), i);
}

static double lite_col_real(struct sl_q *q, int i)
{
    return sqlite3_column_double(st_of(q), i);
}

static const char *lite_col_text(struct sl_q *q, int i)
{
    return (const char *)sqlite3_column_text(st_of(q), i);
}

static const void *lite_col_blob(struct sl_q *q, int i, size_t *n)
{
    const void *p = sqlite3_column_blob(st_of(q), i);
    *n = (size_t)sqlite3_column_bytes(st_of(q), i);
    return p;
}

static int lite_defer(struct sl_q *q, struct sl_err *err)
{
    int rc;
    while ((rc = lite_step(q, err)) == 1)
        ;
    return rc;
}

static int64_t lite_inserted_id(struct sl_q *q)
{
    return sqlite3_last_insert_rowid(db_of(q->s));
}

static int64_t lite_changes(struct sl_q *q)
{
    return sqlite3_changes64(db_of(q->s));
}

static int lite_begin(struct sl_store *s, struct sl_err *err)
{
    /* IMMEDIATE: the write lock at once, so two writers never interleave. */
    return lite_exec(s, "BEGIN IMMEDIATE", err);
}

static int lite_commit(struct sl_store *s, struct sl_err *err)
{
    return lite_exec(s, "COMMIT", err);
}

static void lite_rollback(struct sl_store *s)
{
    sqlite3_exec(db_of(s), "ROLLBACK", NULL, NULL, NULL);
}

static int lite_lock_noop(struct sl_store *s, struct sl_err *err)
{
    /* BEGIN IMMEDIATE already holds the only write lock there is. */
    (void)s;
    (void)err;
    return 0;
}

static int lite_lock_keys(struct sl_store *s, const char *const *keys, int n, struct sl_err *err)
{
    (void)keys;
    (void)n;
    return lite_lock_noop(s, err);
}

static int lite_schema_version(struct sl_store *s, int *out, struct sl_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db_of(s), "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        *out = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        return 0;
    }
    fail(s, err);
    sqlite3_finalize(st);
    return -1;
}

static int lite_set_schema_version(struct sl_store *s, int v, struct sl_err *err)
{
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v);
    return lite_exec(s, pragma, err);
}

static int lite_check(struct sl_store *s, char *out, size_t n, struct sl_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db_of(s), "PRAGMA integrity_check(5)", -1, &st, NULL) != SQLITE_OK)
        return fail(s, err);
    sl_strlcpy(out, "ok", n);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL &&
        strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
        sl_strlcpy(out, (const char *)sqlite3_column_text(st, 0), n);
    sqlite3_finalize(st);
    if (strcmp(out, "ok") != 0)
        return 0;
    if (sqlite3_prepare_v2(db_of(s), "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
        return fail(s, err);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, n, "foreign key violation in table %s, row %lld",
                 (const char *)sqlite3_column_text(st, 0),
                 (long long)sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    return 0;
}

/* A bulk write (internal.h) fills indexes in an order they were not written
 * in (a VIN, an IMEI): with the default 2 MiB page cache most inserts read
 * their page back from the file, and the transaction's dirty pages spill into
 * the WAL. Pages are taken as they are used, up to 256 MiB. */
static int lite_bulk(struct sl_store *s, bool on, struct sl_err *err)
{
    return lite_exec(s, on ? "PRAGMA cache_size=-262144; PRAGMA ignore_check_constraints=ON"
                           : "PRAGMA ignore_check_constraints=OFF",
                     err);
}

static int lite_sync_ids(struct sl_store *s, struct sl_err *err)
{
    (void)s; /* INTEGER PRIMARY KEY continues after the largest id by itself */
    (void)err;
    return 0;
}

extern const struct sl_migration sl_sqlite_migrations[];

const struct sl_backend sl_backend_sqlite = {
    .name = "sqlite",
    .remote = false,
    .open = lite_open,
    .close = lite_close,
    .exec = lite_exec,
    .prepare = lite_prepare,
    .finalize = lite_finalize,
    .reset = lite_reset,
    .bind_null = lite_bind_null,
    .bind_int = lite_bind_int,
    .bind_real = lite_bind_real,
    .bind_text = lite_bind_text,
    .bind_text_kept = lite_bind_text_kept,
    .bind_blob = lite_bind_blob,
    .step = lite_step,
    .col_null = lite_col_null,
    .col_int = lite_col_int,
    .col_real = lite_col_real,
    .col_text = lite_col_text,
    .col_blob = lite_col_blob,
    .changes = lite_changes,
    .inserted_id = lite_inserted_id,
    .defer = lite_defer,
    .begin = lite_begin,
    .commit = lite_commit,
    .rollback = lite_rollback,
    .lock_chain = lite_lock_noop,
    .lock_keys = lite_lock_keys,
    .schema_version = lite_schema_version,
    .set_schema_version = lite_set_schema_version,
    .check = lite_check,
    .sync_ids = lite_sync_ids,
    .bulk = lite_bulk,
    .migrations = sl_sqlite_migrations,
};
