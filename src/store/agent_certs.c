/* agent_certs.c - agents' renewed certificates in the register: pending until
 * first used, then current (copied into agents.cert_*), the replaced one retired. The
 * certificates themselves are made and checked by net/pki.c, not here. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/agents.h"
#include "store/internal.h"

/* Drops the agent's pending certificate: a renewal never used (its key
 * never reached the agent's disk, or was replaced there), so nothing it
 * signed can arrive; the audit log keeps that it was issued. */
static int drop_pending(struct sl_store *s, int64_t agent_id, struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "DELETE FROM agent_certs WHERE agent_id = ?1 AND state = 'pending'",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, agent_id);
    return sl_exec_stmt(st, "dropping an unused renewal", err);
}

int sl_store_agent_renew(struct sl_store *s, const struct sl_agent_renewal *r, const char *actor,
                         struct sl_err *err)
{
    if (s->version < SL_SCHEMA_AGENT_CERTS)
        return sl_err_setk(err, SL_ERR_INVALID, "the register predates certificate renewal");
    const struct sl_agent *a = r->agent;
    if (sl_store_begin(s, err) != 0)
        return -1;
    if (drop_pending(s, a->id, err) != 0)
        goto fail;
    struct sl_q *st = sl_st(s,
                            "INSERT INTO agent_certs (cert_sha256, agent_id, cert_pem, not_after,"
                            " issued_at, state) VALUES (?1, ?2, ?3, ?4, ?5, 'pending')",
                            err);
    if (st == NULL)
        goto fail;
    sl_bind_text(st, 1, r->cert_sha256);
    sl_bind_int(st, 2, a->id);
    sl_bind_text(st, 3, r->cert_pem);
    sl_bind_int(st, 4, r->not_after);
    sl_bind_int(st, 5, r->now);
    if (sl_exec_stmt(st, "recording a renewed certificate", err) != 0)
        goto fail;
    char object[SL_NAME_MAX + 8];
    snprintf(object, sizeof object, "agent:%s", a->name);
    if (sl_store_audit_json(s, actor, "agent.renew", object,
                            json_pack("{s:s, s:s, s:s, s:I}", "uid", a->uid, "cert_sha256",
                                      r->cert_sha256, "replaces", a->cert_sha256, "not_after",
                                      (json_int_t)r->not_after),
                            err) != 0)
        goto fail;
    return sl_store_commit(s, err);
fail:
    sl_store_rollback(s);
    return -1;
}

/* The agent and state of a certificate in agent_certs: 1, 0 none, -1. */
static int cert_row(struct sl_store *s, const char *sha256, char *uid, size_t n, bool *pending,
                    struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "SELECT a.uid, c.state FROM agent_certs c JOIN agents a"
                            " ON a.id = c.agent_id WHERE c.cert_sha256 = ?1",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, sha256);
    int rc = sl_step(st, "reading an agent's certificate", err);
    if (rc == 1) {
        sl_col_text(st, 0, uid, n);
        *pending = strcmp(sl_col_str(st, 1), "pending") == 0;
    }
    sl_reset(st);
    return rc;
}

/* The agent's current certificate retired: its row (a renewal's) or, for
 * the certificate of its enrolment, a row made from agents. */
static int retire_current(struct sl_store *s, int64_t agent_id, int64_t now, struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "UPDATE agent_certs SET state = 'retired', retired_at = ?2"
                            " WHERE agent_id = ?1 AND state = 'current'",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, agent_id);
    sl_bind_int(st, 2, now);
    if (sl_exec_stmt(st, "retiring an agent's certificate", err) != 0)
        return -1;
    if (sl_changes(st) > 0)
        return 0;
    st = sl_st(s,
               "INSERT INTO agent_certs (cert_sha256, agent_id, cert_pem, not_after, issued_at,"
               " state, retired_at) SELECT cert_sha256, id, cert_pem, not_after, enrolled_at,"
               " 'retired', ?2 FROM agents WHERE id = ?1",
               err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, agent_id);
    sl_bind_int(st, 2, now);
    return sl_exec_stmt(st, "retiring an agent's certificate", err);
}

/* The pending certificate becomes the agent's current one; the current one
 * is retired. 1 switched, 0 someone else switched it first, -1. */
static int switch_cert(struct sl_store *s, const struct sl_agent *a, const char *sha256,
                       int64_t now, struct sl_err *err)
{
    if (retire_current(s, a->id, now, err) != 0)
        return -1;
    struct sl_q *st = sl_st(s,
                            "UPDATE agents SET cert_pem = c.cert_pem, cert_sha256 = c.cert_sha256,"
                            " not_after = c.not_after FROM agent_certs c WHERE c.cert_sha256 = ?2"
                            " AND c.state = 'pending' AND c.agent_id = agents.id AND agents.id = ?1",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, a->id);
    sl_bind_text(st, 2, sha256);
    if (sl_exec_stmt(st, "switching an agent's certificate", err) != 0)
        return -1;
    if (sl_changes(st) != 1)
        return 0;
    st = sl_st(s, "UPDATE agent_certs SET state = 'current' WHERE cert_sha256 = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, sha256);
    if (sl_exec_stmt(st, "switching an agent's certificate", err) != 0)
        return -1;
    char object[SL_NAME_MAX + 8];
    snprintf(object, sizeof object, "agent:%s", a->name);
    return sl_store_audit_json(s, "agent", "agent.cert.switch", object,
                               json_pack("{s:s, s:s, s:s}", "uid", a->uid, "cert_sha256", sha256,
                                         "retired", a->cert_sha256),
                               err) == 0
               ? 1
               : -1;
}

int sl_store_agent_by_cert(struct sl_store *s, const char *sha256, int64_t now,
                           struct sl_agent *a, const char **why, struct sl_err *err)
{
    *why = "certificate of no enrolled agent";
    int rc = sl_store_agent_get(s, sha256, a, err);
    if (rc != 0 || s->version < SL_SCHEMA_AGENT_CERTS)
        return rc;
    char uid[sizeof a->uid];
    bool pending = false;
    if ((rc = cert_row(s, sha256, uid, sizeof uid, &pending, err)) != 1)
        return rc;
    if (!pending) { /* retired (a current one is found in agents above) */
        *why = "certificate replaced by a renewal (retired)";
        return 0;
    }
    if (sl_store_agent_get(s, uid, a, err) != 1 || sl_store_begin(s, err) != 0)
        return -1;
    rc = switch_cert(s, a, sha256, now, err);
    if (rc == 1 && sl_store_commit(s, err) != 0)
        return -1;
    if (rc != 1)
        sl_store_rollback(s);
    if (rc < 0)
        return -1;
    /* Switched (here or by a request racing this one): the agent as it is now. */
    return sl_store_agent_get(s, sha256, a, err);
}

int sl_store_agent_certs_each(struct sl_store *s, int64_t id, sl_agent_cert_cb cb, void *ctx,
                              struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "SELECT cert_pem, 0 AS k FROM agents WHERE id = ?1 UNION ALL"
                            " SELECT cert_pem, CASE state WHEN 'pending' THEN 1 ELSE 2 END"
                            " FROM agent_certs WHERE agent_id = ?1 AND state <> 'current' ORDER BY k",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, id);
    int rc, stop = 0;
    while (stop == 0 && (rc = sl_step(st, "reading an agent's certificates", err)) == 1)
        stop = cb(sl_col_str(st, 0), ctx);
    sl_reset(st);
    return stop != 0 ? stop : rc < 0 ? -1 : 0;
}
