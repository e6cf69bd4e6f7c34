/* open.c - opening a register at a location (a SQLite path or a PostgreSQL
 * conninfo/URI), schema migrations and nested transactions, the same on every
 * backend. The backends (store/sqlite/, store/postgres/) do the talking. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

static bool is_conninfo(const char *loc)
{
    if (strncmp(loc, "postgresql://", 13) == 0 || strncmp(loc, "postgres://", 11) == 0)
        return true;
    /* "host=... dbname=...": a libpq keyword, then '='. A path with '=' in it
     * can always be given as sqlite:PATH. */
    const char *p = loc;
    while (*p == ' ')
        p++;
    const char *k = p;
    while (islower((unsigned char)*p) || *p == '_')
        p++;
    while (*p == ' ')
        p++;
    return p > k && *p == '=';
}

const char *sl_store_backend_of(const char *location)
{
    return is_conninfo(location) ? "postgres" : "sqlite";
}

int sl_migration_count(const struct sl_backend *be)
{
    int n = 0;
    while (be->migrations[n].version != 0)
        n++;
    return n;
}

int sl_store_latest_version(void)
{
    const struct sl_backend *be = &sl_backend_sqlite;
    return be->migrations[sl_migration_count(be) - 1].version;
}

int sl_store_schema_version(struct sl_store *s)
{
    int v = -1;
    if (s->be->schema_version(s, &v, NULL) != 0)
        return -1;
    return v;
}

const char *sl_store_backend(const struct sl_store *s)
{
    return s->be->name;
}

const char *sl_store_where(const struct sl_store *s)
{
    return s->where;
}

static int migrate_one(struct sl_store *s, const struct sl_migration *m, struct sl_err *err)
{
    char what[160];
    snprintf(what, sizeof what, "migration %d (%s)", m->version, m->name);
    if (s->be->begin(s, err) != 0)
        return sl_err_prefix(err, "starting %s", what);
    /* Writers opening an older register at once: one migrates, the others
     * wait here and then find the work done. */
    int have = -1;
    const char *key = "schema";
    if (s->be->lock_keys(s, &key, 1, err) != 0 || s->be->schema_version(s, &have, err) != 0)
        goto fail;
    if (have >= m->version)
        return s->be->commit(s, err);
    if (sl_exec_script(s, m->sql, what, err) != 0 ||
        s->be->set_schema_version(s, m->version, err) != 0 || s->be->commit(s, err) != 0)
        goto fail;
    return 0;
fail:
    s->be->rollback(s);
    return sl_err_prefix(err, "%s", what);
}

int sl_store_migrate(struct sl_store *s, int target, struct sl_err *err)
{
    int have = -1;
    if (s->be->schema_version(s, &have, err) != 0)
        return sl_err_prefix(err, "reading the schema version");
    if (have > sl_store_latest_version())
        return sl_err_setk(err, SL_ERR_CONFLICT,
                           "the register has schema version %d, newer than this sightline "
                           "knows (%d); upgrade sightline",
                           have, sl_store_latest_version());
    for (int i = 0; s->be->migrations[i].version != 0; i++) {
        const struct sl_migration *m = &s->be->migrations[i];
        if (m->version <= have || m->version > target)
            continue;
        if (migrate_one(s, m, err) != 0)
            return -1;
        s->version = m->version;
    }
    return 0;
}

/* A database without sightline's schema: empty, it may become a register
 * (unless read-only); holding tables of something else, it is refused, never
 * migrated into. 0, or -1 with err. */
static int foreign(struct sl_store *s, int flags, struct sl_err *err)
{
    struct sl_q *q = sl_st(s,
                           sl_sql(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                                  "SELECT count(*) FROM pg_catalog.pg_tables"
                                  " WHERE schemaname = current_schema()"),
                           err);
    int64_t tables = 0;
    if (q == NULL || sl_one_int(q, &tables, "looking at the database", err) < 0)
        return -1;
    if (tables > 0)
        return sl_err_setk(err, SL_ERR_INVALID,
                           "%s is not a sightline register: it holds %lld tables of something "
                           "else (refused; nothing was changed)",
                           s->where, (long long)tables);
    if (flags & SL_STORE_READONLY)
        return sl_err_setk(err, SL_ERR_NOT_FOUND,
                           "%s is an empty database, not a register yet (read-only commands "
                           "never create one)",
                           s->where);
    return 0;
}

int sl_store_open(struct sl_store **out, const char *location, int flags, struct sl_err *err)
{
    *out = NULL;
    if (location == NULL || *location == '\0')
        return sl_err_setk(err, SL_ERR_INVALID, "no register location given");
    struct sl_store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return sl_err_set(err, "out of memory");
    s->flags = flags;
    const char *loc = location;
    if (is_conninfo(loc)) {
        s->be = &sl_backend_postgres;
    } else {
        s->be = &sl_backend_sqlite;
        if (strncmp(loc, "sqlite:", 7) == 0)
            loc += 7;
        sl_strlcpy(s->where, loc, sizeof s->where);
    }
    if (s->be->open(s, loc, flags, err) != 0) {
        free(s);
        return -1;
    }
    int v = -1;
    if (s->be->schema_version(s, &v, err) != 0) {
        sl_err_prefix(err, "%s is not a sightline register", s->where);
        goto fail;
    }
    if (v <= 0 && foreign(s, flags, err) != 0)
        goto fail;
    if (!(flags & (SL_STORE_NO_MIGRATE | SL_STORE_READONLY)) &&
        sl_store_migrate(s, sl_store_latest_version(), err) != 0) {
        sl_err_prefix(err, "migrating %s", s->where);
        goto fail;
    }
    if ((flags & SL_STORE_READONLY) && v != sl_store_latest_version()) {
        if (v > sl_store_latest_version())
            sl_err_setk(err, SL_ERR_CONFLICT,
                        "%s has schema version %d, newer than this sightline knows (%d); "
                        "upgrade sightline",
                        s->where, v, sl_store_latest_version());
        else
            sl_err_setk(err, SL_ERR_CONFLICT,
                        "%s has schema version %d; run 'sightline db migrate' first", s->where,
                        v);
        goto fail;
    }
    s->version = sl_store_schema_version(s);
    sl_audit_take_key(s);
    int64_t reaped = 0;
    if (!(flags & (SL_STORE_NO_MIGRATE | SL_STORE_READONLY)) &&
        sl_store_scans_reap(s, &reaped, err) != 0) {
        sl_err_prefix(err, "marking interrupted scans in %s", s->where);
        goto fail;
    }
    *out = s;
    return 0;
fail:
    sl_store_close(s);
    return -1;
}

void sl_store_close(struct sl_store *s)
{
    if (s == NULL)
        return;
    if (s->txn_depth > 0)
        s->be->rollback(s);
    sl_audit_discard(s);
    for (size_t i = 0; i < SL_STMT_CACHE; i++)
        if (s->cache[i].q != NULL)
            s->be->finalize(s->cache[i].q);
    s->be->close(s);
    free(s);
}

int sl_store_begin(struct sl_store *s, struct sl_err *err)
{
    if (s->txn_depth == 0) {
        if (s->be->begin(s, err) != 0)
            return sl_err_prefix(err, "starting a transaction");
        s->txn_failed = false;
    }
    s->txn_depth++;
    return 0;
}

static void rollback_outer(struct sl_store *s)
{
    s->txn_failed = false;
    /* Reset every cached statement first so none holds the transaction open. */
    for (size_t i = 0; i < SL_STMT_CACHE; i++)
        if (s->cache[i].q != NULL)
            s->be->reset(s->cache[i].q);
    sl_audit_discard(s);
    s->be->rollback(s);
}

int sl_store_commit(struct sl_store *s, struct sl_err *err)
{
    if (s->txn_depth <= 0)
        return sl_err_set(err, "commit without a transaction");
    if (--s->txn_depth > 0)
        return 0;
    if (s->txn_failed) {
        rollback_outer(s);
        return sl_err_set(err, "transaction rolled back after an earlier failure");
    }
    /* The audit entries of this transaction go in last, under the chain lock,
     * so writers overlap on their data and queue only for the chain's head. */
    if (s->audit_pending > 0 &&
        (s->be->lock_chain(s, err) != 0 || sl_audit_flush(s, err) != 0)) {
        rollback_outer(s);
        return -1;
    }
    if (s->be->commit(s, err) != 0) {
        rollback_outer(s);
        return sl_err_prefix(err, "committing");
    }
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
    rollback_outer(s);
}
