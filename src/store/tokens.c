/* tokens.c - the dashboard's API tokens: stored as given (the token's hash,
 * never the token), listed, found by hash, revoked; adding and revoking are
 * audited. Making and checking tokens is web/'s. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

#define TOKEN_COLUMNS \
    "t.id, t.user_id, u.name, t.label, t.scope, t.created_at, t.expires_at, t.revoked"

static void row_to_token(struct sl_q *st, struct sl_token *t)
{
    memset(t, 0, sizeof *t);
    t->id = sl_col_int(st, 0);
    t->user_id = sl_col_int(st, 1);
    sl_col_text(st, 2, t->user, sizeof t->user);
    sl_col_text(st, 3, t->label, sizeof t->label);
    sl_col_text(st, 4, t->scope, sizeof t->scope);
    t->created_at = sl_col_int(st, 5);
    t->expires_at = sl_col_int(st, 6);
    t->revoked = sl_col_int(st, 7) != 0;
}

static int token_audit(struct sl_store *s, const char *actor, const char *action, int64_t id,
                       json_t *detail, struct sl_err *err)
{
    char object[48];
    snprintf(object, sizeof object, "token:%lld", (long long)id);
    char *dj = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(detail);
    int rc = sl_store_audit(s, actor, action, object, dj != NULL ? dj : "{}", err);
    free(dj);
    return rc;
}

int sl_store_token_add(struct sl_store *s, const char *user, const char *label, const char *hash,
                       const char *scope, int64_t expires_at, const char *actor, int64_t *id,
                       struct sl_err *err)
{
    struct sl_user u;
    int got = sl_store_user_get(s, user, &u, err);
    if (got <= 0)
        return got < 0 ? -1 : sl_err_setk(err, SL_ERR_NOT_FOUND, "no account '%s'", user);
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_q *st = sl_st(s,
                            "INSERT INTO api_tokens (user_id, label, hash, scope, created_at,"
                            " expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                            err);
    int64_t new_id = 0;
    int rc = -1;
    if (st != NULL) {
        sl_bind_int(st, 1, u.id);
        sl_bind_text(st, 2, label);
        sl_bind_text(st, 3, hash);
        sl_bind_text(st, 4, scope);
        sl_bind_int(st, 5, sl_now());
        sl_bind_int(st, 6, expires_at);
        rc = sl_one_int(st, &new_id, "adding an API token", err) == 1 ? 0 : -1;
    }
    /* user.*: an account's change, which the dashboard's figures do not read. */
    if (rc == 0)
        rc = token_audit(s, actor, "user.token.add", new_id,
                         json_pack("{s:s, s:s, s:s, s:I}", "user", user, "label", label, "scope",
                                   scope, "expires_at", (json_int_t)expires_at),
                         err);
    if (rc != 0) {
        sl_store_rollback(s);
        return -1;
    }
    if (id != NULL)
        *id = new_id;
    return sl_store_commit(s, err);
}

int sl_store_token_find(struct sl_store *s, const char *hash, struct sl_token *t,
                        struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "SELECT " TOKEN_COLUMNS " FROM api_tokens t JOIN users u"
                            " ON u.id = t.user_id WHERE t.hash = ?1",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, hash);
    int rc = sl_step(st, "reading an API token", err);
    if (rc == 1)
        row_to_token(st, t);
    sl_reset(st);
    return rc;
}

int sl_store_token_list(struct sl_store *s, const char *user, sl_token_cb cb, void *ctx,
                        struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            sl_sql(s,
                                   "SELECT " TOKEN_COLUMNS " FROM api_tokens t JOIN users u"
                                   " ON u.id = t.user_id WHERE (?1 IS NULL OR u.name = ?1)"
                                   " ORDER BY t.id",
                                   "SELECT " TOKEN_COLUMNS " FROM api_tokens t JOIN users u"
                                   " ON u.id = t.user_id WHERE (?1::text IS NULL OR u.name = ?1)"
                                   " ORDER BY t.id"),
                            err);
    if (st == NULL)
        return -1;
    sl_bind_text_or_null(st, 1, user);
    int rc;
    while ((rc = sl_step(st, "listing API tokens", err)) == 1) {
        struct sl_token t;
        row_to_token(st, &t);
        if (cb(&t, ctx) != 0)
            break;
    }
    sl_reset(st);
    return rc < 0 ? -1 : 0;
}

int sl_store_token_revoke(struct sl_store *s, int64_t id, const char *actor, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_q *st = sl_st(s,
                            "UPDATE api_tokens SET revoked = 1 WHERE id = ?1 AND revoked = 0"
                            " RETURNING id",
                            err);
    int64_t got = 0;
    int changed = -1;
    if (st != NULL) {
        sl_bind_int(st, 1, id);
        changed = sl_one_int(st, &got, "revoking an API token", err);
    }
    if (changed < 0 || (changed > 0 && token_audit(s, actor, "user.token.revoke", id,
                                                   json_pack("{s:I}", "id", (json_int_t)id),
                                                   err) != 0)) {
        sl_store_rollback(s);
        return -1;
    }
    if (sl_store_commit(s, err) != 0)
        return -1;
    return changed > 0 ? 1 : 0;
}
