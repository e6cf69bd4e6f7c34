/* agents.c - site agents in the register: tokens, enrolment, revocation, the
 * batches seen. Certificates are made and checked by web/ and agent/, not here. */
#include "store/agents.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

int sl_store_agent_token_add(struct sl_store *s, const char *sha256, int64_t site_id,
                             int64_t expires_at, int64_t schedule, const char *actor,
                             struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_q *st = sl_st(s,
                            "INSERT INTO agent_tokens (token_sha256, site_id, created_at, expires_at,"
                            " schedule) VALUES (?1, ?2, ?3, ?4, ?5)",
                            err);
    if (st == NULL)
        goto fail;
    sl_bind_text(st, 1, sha256);
    sl_bind_int(st, 2, site_id);
    sl_bind_int(st, 3, sl_now());
    sl_bind_int(st, 4, expires_at);
    sl_bind_int(st, 5, schedule);
    if (sl_exec_stmt(st, "adding an enrolment token", err) != 0)
        goto fail;
    char object[48];
    snprintf(object, sizeof object, "site:%lld", (long long)site_id);
    /* Only the token's first 8 hex digits of its hash: enough to match, useless to spend. */
    if (sl_store_audit_json(s, actor, "agent.token", object,
                            json_pack("{s:s%, s:I}", "token_sha256", sha256, strnlen(sha256, 8),
                                      "expires_at", (json_int_t)expires_at),
                            err) != 0)
        goto fail;
    return sl_store_commit(s, err);
fail:
    sl_store_rollback(s);
    return -1;
}

int sl_store_agent_token_check(struct sl_store *s, const char *sha256, int64_t now,
                               int64_t *site_id, const char **why, struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "SELECT site_id, expires_at, used_at FROM agent_tokens"
                            " WHERE token_sha256 = ?1",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, sha256);
    int rc = sl_step(st, "reading an enrolment token", err);
    if (rc != 1) {
        *why = "unknown token";
        return rc;
    }
    *site_id = sl_col_int(st, 0);
    int64_t expires = sl_col_int(st, 1);
    bool used = !sl_col_null(st, 2);
    sl_reset(st);
    *why = used ? "token already used" : expires <= now ? "token expired" : NULL;
    return *why == NULL ? 1 : 0;
}

#define AGENT_COLUMNS                                                                        \
    "a.id, a.uid, a.name, a.cert_sha256, a.not_after, a.enrolled_at, a.revoked_at,"        \
    " a.schedule, a.last_seen, a.version, a.spool_batches, a.spool_bytes, a.spool_full,"   \
    " a.batches, a.refused_records, "

static void row_to_agent(struct sl_q *st, struct sl_agent *a)
{
    memset(a, 0, sizeof *a);
    a->id = sl_col_int(st, 0);
    sl_col_text(st, 1, a->uid, sizeof a->uid);
    sl_col_text(st, 2, a->name, sizeof a->name);
    sl_col_text(st, 3, a->cert_sha256, sizeof a->cert_sha256);
    a->not_after = sl_col_int(st, 4);
    a->enrolled_at = sl_col_int(st, 5);
    a->revoked_at = sl_col_null(st, 6) ? 0 : sl_col_int(st, 6);
    a->schedule = sl_col_int(st, 7);
    a->last_seen = sl_col_null(st, 8) ? 0 : sl_col_int(st, 8);
    sl_col_text(st, 9, a->version, sizeof a->version);
    a->spool_batches = sl_col_int(st, 10);
    a->spool_bytes = sl_col_int(st, 11);
    a->spool_full = sl_col_int(st, 12) != 0;
    a->batches = sl_col_int(st, 13);
    a->refused_records = sl_col_int(st, 14);
    sl_col_text(st, 15, a->sites, sizeof a->sites);
}

static const char *agent_select(struct sl_store *s, bool one)
{
    if (one)
        return sl_sql(s,
                      "SELECT " AGENT_COLUMNS
                      "(SELECT group_concat(name, ',') FROM (SELECT si.name FROM agent_sites x"
                      " JOIN sites si ON si.id = x.site_id WHERE x.agent_id = a.id ORDER BY si.name))"
                      " FROM agents a WHERE a.name = ?1 OR a.uid = ?1 OR a.cert_sha256 = ?1",
                      "SELECT " AGENT_COLUMNS
                      "(SELECT string_agg(si.name, ',' ORDER BY si.name) FROM agent_sites x"
                      " JOIN sites si ON si.id = x.site_id WHERE x.agent_id = a.id)"
                      " FROM agents a WHERE a.name = ?1 OR a.uid = ?1 OR a.cert_sha256 = ?1");
    return sl_sql(s,
                  "SELECT " AGENT_COLUMNS
                  "(SELECT group_concat(name, ',') FROM (SELECT si.name FROM agent_sites x"
                  " JOIN sites si ON si.id = x.site_id WHERE x.agent_id = a.id ORDER BY si.name))"
                  " FROM agents a ORDER BY a.name",
                  "SELECT " AGENT_COLUMNS
                  "(SELECT string_agg(si.name, ',' ORDER BY si.name) FROM agent_sites x"
                  " JOIN sites si ON si.id = x.site_id WHERE x.agent_id = a.id)"
                  " FROM agents a ORDER BY a.name");
}

int sl_store_agent_get(struct sl_store *s, const char *key, struct sl_agent *a,
                       struct sl_err *err)
{
    struct sl_q *st = sl_st(s, agent_select(s, true), err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, key);
    int rc = sl_step(st, "reading an agent", err);
    if (rc == 1)
        row_to_agent(st, a);
    sl_reset(st);
    return rc;
}

int sl_store_agent_list(struct sl_store *s, sl_agent_cb cb, void *ctx, struct sl_err *err)
{
    if (s->version < SL_SCHEMA_AGENTS) /* an older register opened read-only: none */
        return 0;
    struct sl_q *st = sl_st(s, agent_select(s, false), err);
    if (st == NULL)
        return -1;
    struct sl_agent a;
    int rc;
    while ((rc = sl_step(st, "listing agents", err)) == 1) {
        row_to_agent(st, &a);
        if (cb(&a, ctx) != 0)
            break;
    }
    sl_reset(st);
    return rc < 0 ? -1 : 0;
}

/* Spends the token (the UPDATE's condition is the check: two enrolments with
 * the same token cannot both win). 0, or -1 with the kind of refusal. */
static int spend_token(struct sl_store *s, const struct sl_agent_enrolment *e, int64_t *site_id,
                       struct sl_err *err)
{
    const char *why = NULL;
    int rc = sl_store_agent_token_check(s, e->token_sha256, e->now, site_id, &why, err);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return sl_err_setk(err, strcmp(why, "unknown token") == 0 ? SL_ERR_NOT_FOUND
                                : strcmp(why, "token expired") == 0 ? SL_ERR_INVALID
                                                                    : SL_ERR_CONFLICT,
                           "%s", why);
    struct sl_q *st = sl_st(s,
                            "UPDATE agent_tokens SET used_at = ?2 WHERE token_sha256 = ?1"
                            " AND used_at IS NULL AND expires_at > ?2",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, e->token_sha256);
    sl_bind_int(st, 2, e->now);
    if (sl_exec_stmt(st, "spending an enrolment token", err) != 0)
        return -1;
    if (sl_changes(st) != 1)
        return sl_err_setk(err, SL_ERR_CONFLICT, "token already used");
    return 0;
}

static int insert_agent(struct sl_store *s, const struct sl_agent_enrolment *e, int64_t site_id,
                        int64_t *id, struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "INSERT INTO agents (uid, name, cert_pem, cert_sha256, not_after,"
                            " enrolled_at, schedule) SELECT ?1, ?2, ?3, ?4, ?5, ?6, schedule"
                            " FROM agent_tokens WHERE token_sha256 = ?7 RETURNING id",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, e->uid);
    sl_bind_text(st, 2, e->name);
    sl_bind_text(st, 3, e->cert_pem);
    sl_bind_text(st, 4, e->cert_sha256);
    sl_bind_int(st, 5, e->not_after);
    sl_bind_int(st, 6, e->now);
    sl_bind_text(st, 7, e->token_sha256);
    if (sl_one_int(st, id, "adding an agent", err) != 1)
        return -1;
    st = sl_st(s, "INSERT INTO agent_sites (agent_id, site_id) VALUES (?1, ?2)", err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, *id);
    sl_bind_int(st, 2, site_id);
    if (sl_exec_stmt(st, "adding an agent's site", err) != 0)
        return -1;
    st = sl_st(s, "UPDATE agent_tokens SET agent_id = ?2 WHERE token_sha256 = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, e->token_sha256);
    sl_bind_int(st, 2, *id);
    return sl_exec_stmt(st, "marking the token's agent", err);
}

int sl_store_agent_enrol(struct sl_store *s, const struct sl_agent_enrolment *e,
                         struct sl_agent *a, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    int64_t site_id = 0, id = 0;
    char object[SL_NAME_MAX + 8];
    snprintf(object, sizeof object, "agent:%s", e->name);
    if (spend_token(s, e, &site_id, err) != 0 || insert_agent(s, e, site_id, &id, err) != 0 ||
        sl_store_audit_json(s, "enrolment", "agent.enrol", object,
                            json_pack("{s:s, s:s, s:I}", "uid", e->uid, "cert_sha256",
                                      e->cert_sha256, "site_id", (json_int_t)site_id),
                            err) != 0) {
        sl_store_rollback(s);
        return -1;
    }
    if (sl_store_commit(s, err) != 0)
        return -1;
    return sl_store_agent_get(s, e->uid, a, err) == 1 ? 0 : sl_err_set(err, "the new agent vanished");
}

/* An audited one-row UPDATE of an agent found by key: 1, 0 none changed, -1. */
static int agent_update(struct sl_store *s, const char *sql, const char *key, const char *value,
                        const char *actor, const char *action, struct sl_err *err)
{
    struct sl_agent a;
    int rc = sl_store_agent_get(s, key, &a, err);
    if (rc != 1)
        return rc;
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_q *st = sl_st(s, sql, err);
    if (st == NULL)
        goto fail;
    sl_bind_int(st, 1, a.id);
    sl_bind_int(st, 2, sl_now());
    sl_bind_text(st, 3, value != NULL ? value : "");
    if (sl_exec_stmt(st, action, err) != 0)
        goto fail;
    if (sl_changes(st) != 1) {
        sl_store_rollback(s);
        return 0;
    }
    char object[SL_NAME_MAX + 8];
    snprintf(object, sizeof object, "agent:%s", a.name);
    json_t *d = json_pack("{s:s}", "uid", a.uid);
    if (value != NULL)
        json_object_set_new(d, "name", json_string(value));
    if (sl_store_audit_json(s, actor, action, object, d, err) != 0)
        goto fail;
    return sl_store_commit(s, err) == 0 ? 1 : -1;
fail:
    sl_store_rollback(s);
    return -1;
}

int sl_store_agent_revoke(struct sl_store *s, const char *key, const char *actor,
                          struct sl_err *err)
{
    return agent_update(s,
                        "UPDATE agents SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL"
                        " AND ?3 = ''",
                        key, NULL, actor, "agent.revoke", err);
}

int sl_store_agent_rename(struct sl_store *s, const char *key, const char *new_name,
                          const char *actor, struct sl_err *err)
{
    int rc = agent_update(s, "UPDATE agents SET name = ?3 WHERE id = ?1 AND ?2 > 0", key,
                          new_name, actor, "agent.rename", err);
    if (rc < 0 && err != NULL && err->kind == SL_ERR_EXISTS)
        sl_err_setk(err, SL_ERR_EXISTS, "an agent named '%s' exists already", new_name);
    return rc;
}

int sl_store_agent_seen(struct sl_store *s, int64_t id, int64_t now, const char *version,
                        int64_t spool_batches, int64_t spool_bytes, bool spool_full,
                        struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "UPDATE agents SET last_seen = ?2, version = ?3, spool_batches = ?4,"
                            " spool_bytes = ?5, spool_full = ?6 WHERE id = ?1",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, id);
    sl_bind_int(st, 2, now);
    sl_bind_text(st, 3, version);
    sl_bind_int(st, 4, spool_batches);
    sl_bind_int(st, 5, spool_bytes);
    sl_bind_int(st, 6, spool_full ? 1 : 0);
    return sl_exec_stmt(st, "noting an agent's visit", err);
}

int sl_store_agent_site_ids(struct sl_store *s, int64_t agent_id, int64_t *ids, size_t max,
                            size_t *n, struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "SELECT site_id FROM agent_sites WHERE agent_id = ?1 ORDER BY site_id",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, agent_id);
    *n = 0;
    int rc;
    while ((rc = sl_step(st, "reading an agent's sites", err)) == 1)
        if (*n < max)
            ids[(*n)++] = sl_col_int(st, 0);
    sl_reset(st);
    return rc < 0 ? -1 : 0;
}

int sl_store_agent_batch_seen(struct sl_store *s, const char *uuid, struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "SELECT count(*) FROM agent_batches WHERE uuid = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, uuid);
    int64_t n = 0;
    if (sl_one_int(st, &n, "reading the batches seen", err) < 0)
        return -1;
    return n > 0 ? 1 : 0;
}

int sl_store_agent_batch_add(struct sl_store *s, const char *uuid, int64_t agent_id, int64_t seq,
                             int64_t records, int64_t scan_id, int64_t now, struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "INSERT INTO agent_batches (uuid, agent_id, seq, records, scan_id,"
                            " received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, uuid);
    sl_bind_int(st, 2, agent_id);
    sl_bind_int(st, 3, seq);
    sl_bind_int(st, 4, records);
    sl_bind_id(st, 5, scan_id);
    sl_bind_int(st, 6, now);
    if (sl_exec_stmt(st, "recording a batch", err) != 0)
        return -1;
    st = sl_st(s, "UPDATE agents SET batches = batches + 1 WHERE id = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, agent_id);
    return sl_exec_stmt(st, "counting a batch", err);
}

int sl_store_agent_refused(struct sl_store *s, int64_t agent_id, int64_t n, struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "UPDATE agents SET refused_records = refused_records + ?2 WHERE id = ?1",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, agent_id);
    sl_bind_int(st, 2, n);
    return sl_exec_stmt(st, "counting refused records", err);
}

int sl_store_agent_cert(struct sl_store *s, int64_t id, char **pem, struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "SELECT cert_pem FROM agents WHERE id = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, id);
    int rc = sl_step(st, "reading an agent's certificate", err);
    if (rc == 1) {
        *pem = strdup(sl_col_str(st, 0));
        if (*pem == NULL)
            rc = sl_err_set(err, "out of memory");
    }
    sl_reset(st);
    return rc;
}

bool sl_agent_stale(const struct sl_agent *a, int64_t now)
{
    int64_t since = a->last_seen ? a->last_seen : a->enrolled_at;
    return a->revoked_at == 0 && now - since > 2 * a->schedule;
}
