/* users.c - the dashboard's accounts, role grants, sessions and exemption
 * requests. Stores what it is given; hashing, roles and expiry are web/'s. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

static int audit_json(struct sl_store *s, const char *actor, const char *action,
                      const char *object, json_t *detail, struct sl_err *err)
{
    char *dj = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(detail);
    int rc = sl_store_audit(s, actor, action, object, dj != NULL ? dj : "{}", err);
    free(dj);
    return rc;
}

/* Ends an audited insert begun with sl_store_begin: runs st (which returns the
 * new id), audits `action` on "PREFIX:NAME" (or "PREFIX:ID" when name is NULL)
 * and commits; rolls back on failure. 0 or -1. */
static int insert_audited(struct sl_store *s, struct sl_q *st, const char *what,
                          const char *actor, const char *action, const char *prefix,
                          const char *name, json_t *detail, int64_t *id, struct sl_err *err)
{
    int64_t new_id = 0;
    if (st == NULL || sl_one_int(st, &new_id, what, err) != 1) {
        json_decref(detail);
        sl_store_rollback(s);
        return -1;
    }
    char object[SL_USER_NAME_MAX + 32];
    if (name != NULL)
        snprintf(object, sizeof object, "%s:%s", prefix, name);
    else
        snprintf(object, sizeof object, "%s:%lld", prefix, (long long)new_id);
    if (audit_json(s, actor, action, object, detail, err) != 0) {
        sl_store_rollback(s);
        return -1;
    }
    if (id != NULL)
        *id = new_id;
    return sl_store_commit(s, err);
}

static void user_object(const char *name, char *out, size_t n)
{
    snprintf(out, n, "user:%s", name);
}

#define USER_COLUMNS "id, name, pwhash, disabled, created_at, pw_changed_at"

static void row_to_user(struct sl_q *st, struct sl_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = sl_col_int(st, 0);
    sl_col_text(st, 1, u->name, sizeof u->name);
    sl_col_text(st, 2, u->pwhash, sizeof u->pwhash);
    u->disabled = sl_col_int(st, 3) != 0;
    u->created_at = sl_col_int(st, 4);
    u->pw_changed_at = sl_col_int(st, 5);
}

int sl_store_user_add(struct sl_store *s, const char *name, const char *pwhash,
                      const char *actor, int64_t *id, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_q *st = sl_st(s,
                            "INSERT INTO users (name, pwhash, disabled, created_at, pw_changed_at)"
                            " VALUES (?1, ?2, 0, ?3, ?3) RETURNING id",
                            err);
    if (st != NULL) {
        sl_bind_text(st, 1, name);
        sl_bind_text(st, 2, pwhash);
        sl_bind_int(st, 3, sl_now());
    }
    int rc = insert_audited(s, st, "adding an account", actor, "user.add", "user", name,
                            json_pack("{s:s}", "name", name), id, err);
    if (rc != 0 && err != NULL && err->kind == SL_ERR_EXISTS)
        sl_err_setk(err, SL_ERR_EXISTS, "account '%s' already exists", name);
    return rc;
}

static int user_one(struct sl_q *st, struct sl_user *u, struct sl_err *err)
{
    int rc = sl_step(st, "reading an account", err);
    if (rc == 1)
        row_to_user(st, u);
    sl_reset(st);
    return rc;
}

int sl_store_user_get(struct sl_store *s, const char *name, struct sl_user *u, struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "SELECT " USER_COLUMNS " FROM users WHERE name = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, name);
    return user_one(st, u, err);
}

int sl_store_user_get_id(struct sl_store *s, int64_t id, struct sl_user *u, struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "SELECT " USER_COLUMNS " FROM users WHERE id = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, id);
    return user_one(st, u, err);
}

int sl_store_user_list(struct sl_store *s, sl_user_cb cb, void *ctx, struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "SELECT " USER_COLUMNS " FROM users ORDER BY name", err);
    if (st == NULL)
        return -1;
    struct sl_user u;
    int rc;
    while ((rc = sl_step(st, "listing accounts", err)) == 1) {
        row_to_user(st, &u);
        if (cb(&u, ctx) != 0)
            break;
    }
    sl_reset(st);
    return rc < 0 ? -1 : 0;
}

static int end_sessions(struct sl_store *s, int64_t user_id, struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "DELETE FROM sessions WHERE user_id = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, user_id);
    return sl_exec_stmt(st, "ending sessions", err);
}

/* Runs an UPDATE of one account (bound by bind) and ends its sessions, audited. */
static int user_update(struct sl_store *s, const char *name, struct sl_q *st, const char *action,
                       json_t *detail, const char *actor, struct sl_err *err)
{
    struct sl_user u;
    int got = sl_store_user_get(s, name, &u, err);
    if (got != 1) {
        json_decref(detail);
        if (st != NULL)
            sl_reset(st);
        return got;
    }
    sl_bind_int(st, 9, u.id);
    char object[SL_USER_NAME_MAX + 8];
    user_object(name, object, sizeof object);
    if (sl_exec_stmt(st, "changing an account", err) != 0 || end_sessions(s, u.id, err) != 0 ||
        audit_json(s, actor, action, object, detail, err) != 0)
        return -1;
    return 1;
}

static int user_change(struct sl_store *s, const char *name, struct sl_q *st, const char *action,
                       json_t *detail, const char *actor, struct sl_err *err)
{
    if (st == NULL) {
        json_decref(detail);
        return -1;
    }
    if (sl_store_begin(s, err) != 0) {
        sl_reset(st);
        json_decref(detail);
        return -1;
    }
    int rc = user_update(s, name, st, action, detail, actor, err);
    if (rc != 1) {
        sl_store_rollback(s);
        return rc;
    }
    return sl_store_commit(s, err) == 0 ? 1 : -1;
}

int sl_store_user_set_password(struct sl_store *s, const char *name, const char *pwhash,
                               const char *actor, struct sl_err *err)
{
    struct sl_q *st =
        sl_st(s, "UPDATE users SET pwhash = ?1, pw_changed_at = ?2 WHERE id = ?9", err);
    if (st != NULL) {
        sl_bind_text(st, 1, pwhash);
        sl_bind_int(st, 2, sl_now());
    }
    return user_change(s, name, st, "user.passwd", json_pack("{s:s}", "name", name), actor, err);
}

int sl_store_user_set_disabled(struct sl_store *s, const char *name, bool disabled,
                               const char *actor, struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "UPDATE users SET disabled = ?1 WHERE id = ?9", err);
    if (st != NULL)
        sl_bind_int(st, 1, disabled ? 1 : 0);
    return user_change(s, name, st, disabled ? "user.disable" : "user.enable",
                       json_pack("{s:s}", "name", name), actor, err);
}

static json_t *grant_json(const char *user, const struct sl_grant *g)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "name", user, "role", g->role, "scope_kind",
                     g->scope_kind, "scope_value", g->scope_value);
}

/* Inserts or deletes one grant of an existing account, audited. */
static int grant_change(struct sl_store *s, const char *user, const struct sl_grant *g, bool add,
                        const char *actor, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_user u;
    int got = sl_store_user_get(s, user, &u, err);
    if (got != 1) {
        sl_store_rollback(s);
        return got == 0 ? sl_err_setk(err, SL_ERR_NOT_FOUND, "no account '%s'", user) : -1;
    }
    struct sl_q *st = sl_st(s,
                            add ? "INSERT INTO user_grants (user_id, role, scope_kind, scope_value)"
                                  " VALUES (?1, ?2, ?3, ?4)"
                                : "DELETE FROM user_grants WHERE user_id = ?1 AND role = ?2"
                                  " AND scope_kind = ?3 AND scope_value = ?4",
                            err);
    if (st == NULL)
        goto fail;
    sl_bind_int(st, 1, u.id);
    sl_bind_text(st, 2, g->role);
    sl_bind_text(st, 3, g->scope_kind);
    sl_bind_text(st, 4, g->scope_value);
    if (sl_exec_stmt(st, add ? "granting a role" : "revoking a role", err) != 0) {
        if (add && err != NULL && err->kind == SL_ERR_EXISTS)
            sl_err_setk(err, SL_ERR_EXISTS, "'%s' already holds that grant", user);
        goto fail;
    }
    if (!add && sl_changes(st) == 0) {
        sl_store_rollback(s);
        return 0;
    }
    char object[SL_USER_NAME_MAX + 8];
    user_object(user, object, sizeof object);
    if (audit_json(s, actor, add ? "user.grant" : "user.revoke", object, grant_json(user, g),
                   err) != 0)
        goto fail;
    return sl_store_commit(s, err) == 0 ? 1 : -1;
fail:
    sl_store_rollback(s);
    return -1;
}

int sl_store_grant_add(struct sl_store *s, const char *user, const struct sl_grant *g,
                       const char *actor, struct sl_err *err)
{
    return grant_change(s, user, g, true, actor, err) == 1 ? 0 : -1;
}

int sl_store_grant_remove(struct sl_store *s, const char *user, const struct sl_grant *g,
                          const char *actor, struct sl_err *err)
{
    return grant_change(s, user, g, false, actor, err);
}

int sl_store_grant_list(struct sl_store *s, int64_t user_id, sl_grant_cb cb, void *ctx,
                        struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "SELECT role, scope_kind, scope_value FROM user_grants"
                            " WHERE user_id = ?1 ORDER BY role, scope_kind, scope_value",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, user_id);
    struct sl_grant g;
    int rc;
    while ((rc = sl_step(st, "listing grants", err)) == 1) {
        sl_col_text(st, 0, g.role, sizeof g.role);
        sl_col_text(st, 1, g.scope_kind, sizeof g.scope_kind);
        sl_col_text(st, 2, g.scope_value, sizeof g.scope_value);
        if (cb(&g, ctx) != 0)
            break;
    }
    sl_reset(st);
    return rc < 0 ? -1 : 0;
}

int sl_store_session_add(struct sl_store *s, const char *id_hash, int64_t user_id,
                         const char *csrf, int64_t now, const char *address, struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "INSERT INTO sessions (id_hash, user_id, csrf, created_at, last_seen,"
                            " address) VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, id_hash);
    sl_bind_int(st, 2, user_id);
    sl_bind_text(st, 3, csrf);
    sl_bind_int(st, 4, now);
    sl_bind_text(st, 5, address != NULL ? address : "");
    return sl_exec_stmt(st, "starting a session", err);
}

int sl_store_session_get(struct sl_store *s, const char *id_hash, struct sl_session *out,
                         struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "SELECT user_id, csrf, created_at, last_seen FROM sessions"
                            " WHERE id_hash = ?1",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, id_hash);
    int rc = sl_step(st, "reading a session", err);
    if (rc == 1) {
        out->user_id = sl_col_int(st, 0);
        sl_col_text(st, 1, out->csrf, sizeof out->csrf);
        out->created_at = sl_col_int(st, 2);
        out->last_seen = sl_col_int(st, 3);
    }
    sl_reset(st);
    return rc;
}

int sl_store_session_touch(struct sl_store *s, const char *id_hash, int64_t now,
                           struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "UPDATE sessions SET last_seen = ?2 WHERE id_hash = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, id_hash);
    sl_bind_int(st, 2, now);
    return sl_exec_stmt(st, "touching a session", err);
}

int sl_store_session_delete(struct sl_store *s, const char *id_hash, struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "DELETE FROM sessions WHERE id_hash = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, id_hash);
    return sl_exec_stmt(st, "ending a session", err);
}

int sl_store_session_purge(struct sl_store *s, int64_t idle_before, int64_t created_before,
                           struct sl_err *err)
{
    struct sl_q *st =
        sl_st(s, "DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2", err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, idle_before);
    sl_bind_int(st, 2, created_before);
    return sl_exec_stmt(st, "purging sessions", err);
}

#define EXREQ_COLUMNS                                                                            \
    "id, device_id, requested_by, reason, until, requested_at, state, decided_by, decided_at"

static void row_to_exreq(struct sl_q *st, struct sl_exreq *r)
{
    memset(r, 0, sizeof *r);
    r->id = sl_col_int(st, 0);
    r->device_id = sl_col_int(st, 1);
    sl_col_text(st, 2, r->requested_by, sizeof r->requested_by);
    sl_col_text(st, 3, r->reason, sizeof r->reason);
    sl_col_text(st, 4, r->until, sizeof r->until);
    r->requested_at = sl_col_int(st, 5);
    sl_col_text(st, 6, r->state, sizeof r->state);
    sl_col_text(st, 7, r->decided_by, sizeof r->decided_by);
    r->decided_at = sl_col_int(st, 8);
}

static void exreq_object(int64_t id, char *out, size_t n)
{
    snprintf(out, n, "exemption_request:%lld", (long long)id);
}

int sl_store_exreq_add(struct sl_store *s, int64_t device_id, const char *requester,
                       const char *reason, const char *until, int64_t *id, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_q *st = sl_st(s,
                            "INSERT INTO exemption_requests (device_id, requested_by, reason, until,"
                            " requested_at, state) VALUES (?1, ?2, ?3, ?4, ?5, 'pending') RETURNING id",
                            err);
    if (st != NULL) {
        sl_bind_int(st, 1, device_id);
        sl_bind_text(st, 2, requester);
        sl_bind_text(st, 3, reason);
        sl_bind_text(st, 4, until);
        sl_bind_int(st, 5, sl_now());
    }
    return insert_audited(s, st, "requesting an exemption", requester, "exemption.request",
                          "exemption_request", NULL,
                          json_pack("{s:I, s:s, s:s}", "device", (json_int_t)device_id, "reason",
                                    reason, "until", until),
                          id, err);
}

int sl_store_exreq_get(struct sl_store *s, int64_t id, struct sl_exreq *r, struct sl_err *err)
{
    struct sl_q *st =
        sl_st(s, "SELECT " EXREQ_COLUMNS " FROM exemption_requests WHERE id = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, id);
    int rc = sl_step(st, "reading an exemption request", err);
    if (rc == 1)
        row_to_exreq(st, r);
    sl_reset(st);
    return rc;
}

int sl_store_exreq_list(struct sl_store *s, int64_t device_id, const char *state, int64_t limit,
                        sl_exreq_cb cb, void *ctx, struct sl_err *err)
{
    /* One text per case: "(?1 = 0 OR device_id = ?1)" would not use the index. */
    const char *sql =
        device_id > 0
            ? sl_sql(s,
                     "SELECT " EXREQ_COLUMNS " FROM exemption_requests WHERE device_id = ?1"
                     " AND (?2 IS NULL OR state = ?2) ORDER BY id DESC LIMIT ?3",
                     "SELECT " EXREQ_COLUMNS " FROM exemption_requests WHERE device_id = ?1"
                     " AND (?2::text IS NULL OR state = ?2) ORDER BY id DESC LIMIT ?3")
            : sl_sql(s,
                     "SELECT " EXREQ_COLUMNS " FROM exemption_requests WHERE ?1 = 0"
                     " AND (?2 IS NULL OR state = ?2) ORDER BY id DESC LIMIT ?3",
                     "SELECT " EXREQ_COLUMNS " FROM exemption_requests WHERE ?1 = 0"
                     " AND (?2::text IS NULL OR state = ?2) ORDER BY id DESC LIMIT ?3");
    struct sl_q *st = sl_st(s, sql, err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, device_id);
    sl_bind_text_or_null(st, 2, state);
    sl_bind_int(st, 3, limit > 0 ? limit : INT64_MAX);
    struct sl_exreq r;
    int rc;
    while ((rc = sl_step(st, "listing exemption requests", err)) == 1) {
        row_to_exreq(st, &r);
        if (cb(&r, ctx) != 0)
            break;
    }
    sl_reset(st);
    return rc < 0 ? -1 : 0;
}

int sl_store_exreq_decide(struct sl_store *s, int64_t id, const char *state, const char *decider,
                          struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_q *st = sl_st(s,
                            "UPDATE exemption_requests SET state = ?2, decided_by = ?3,"
                            " decided_at = ?4 WHERE id = ?1 AND state = 'pending'",
                            err);
    if (st == NULL)
        goto fail;
    sl_bind_int(st, 1, id);
    sl_bind_text(st, 2, state);
    sl_bind_text(st, 3, decider);
    sl_bind_int(st, 4, sl_now());
    if (sl_exec_stmt(st, "deciding an exemption request", err) != 0)
        goto fail;
    if (sl_changes(st) == 0) {
        sl_store_rollback(s);
        return 0;
    }
    char object[48], action[40];
    exreq_object(id, object, sizeof object);
    snprintf(action, sizeof action, "exemption.%s",
             strcmp(state, "approved") == 0 ? "approve" : "refuse");
    if (audit_json(s, decider, action, object, json_pack("{s:s}", "state", state), err) != 0)
        goto fail;
    return sl_store_commit(s, err) == 0 ? 1 : -1;
fail:
    sl_store_rollback(s);
    return -1;
}
