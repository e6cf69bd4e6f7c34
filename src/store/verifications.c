/* verifications.c - verification requests for site agents (verifications.h).
 * Running and applying a verification is programme/'s and scan/'s. */
#include "store/verifications.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

#define REQ_COLUMNS                                                                        \
    "SELECT r.id, r.site_id, s.name, r.requested_by, r.requested_at, r.state,"             \
    " COALESCE(r.agent_id, 0), COALESCE(r.done_at, 0), COALESCE(r.scan_id, 0),"            \
    " COALESCE(a.name, ''), r.outcome FROM agent_verifications r"                          \
    " JOIN sites s ON s.id = r.site_id LEFT JOIN agents a ON a.id = r.agent_id"

static void row_to_req(struct sl_q *st, struct sl_verify_req *r)
{
    memset(r, 0, sizeof *r);
    r->id = sl_col_int(st, 0);
    r->site_id = sl_col_int(st, 1);
    sl_col_text(st, 2, r->site, sizeof r->site);
    sl_col_text(st, 3, r->requested_by, sizeof r->requested_by);
    r->requested_at = sl_col_int(st, 4);
    r->done = strcmp(sl_col_str(st, 5), "done") == 0;
    r->agent_id = sl_col_int(st, 6);
    r->done_at = sl_col_int(st, 7);
    r->scan_id = sl_col_int(st, 8);
    sl_col_text(st, 9, r->agent, sizeof r->agent);
    sl_col_text(st, 10, r->outcome, sizeof r->outcome);
}

int sl_store_verify_req_add(struct sl_store *s, int64_t site_id, const char *actor, int64_t *id,
                            struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_q *st = sl_st(s,
                            "SELECT count(*) FROM agent_verifications"
                            " WHERE site_id = ?1 AND state = 'pending'",
                            err);
    int64_t n = 0;
    if (st == NULL)
        goto fail;
    sl_bind_int(st, 1, site_id);
    if (sl_one_int(st, &n, "counting pending verifications", err) != 1)
        goto fail;
    if (n >= SL_VERIFY_REQ_PENDING_MAX) {
        sl_err_setk(err, SL_ERR_INVALID,
                    "the site has %lld verification requests pending already",
                    (long long)n);
        goto fail;
    }
    st = sl_st(s,
               "INSERT INTO agent_verifications (site_id, requested_by, requested_at)"
               " VALUES (?1, ?2, ?3) RETURNING id",
               err);
    if (st == NULL)
        goto fail;
    sl_bind_int(st, 1, site_id);
    sl_bind_text(st, 2, actor);
    sl_bind_int(st, 3, sl_now());
    if (sl_one_int(st, id, "queueing a verification", err) != 1)
        goto fail;
    char object[32];
    snprintf(object, sizeof object, "site:%lld", (long long)site_id);
    if (sl_store_audit_json(s, actor, "agent.verify_request", object,
                            json_pack("{s:I}", "request", (json_int_t)*id), err) != 0)
        goto fail;
    return sl_store_commit(s, err);
fail:
    sl_store_rollback(s);
    return -1;
}

int sl_store_verify_req_get(struct sl_store *s, int64_t id, struct sl_verify_req *r,
                            struct sl_err *err)
{
    struct sl_q *st = sl_st(s, REQ_COLUMNS " WHERE r.id = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, id);
    int rc = sl_step(st, "reading a verification request", err);
    if (rc == 1)
        row_to_req(st, r);
    sl_reset(st);
    return rc;
}

int sl_store_verify_req_done(struct sl_store *s, int64_t id, int64_t agent_id, int64_t scan_id,
                             const char *outcome_json, const char *actor, struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "UPDATE agent_verifications SET state = 'done', agent_id = ?2,"
                            " done_at = ?3, scan_id = ?4, outcome = ?5"
                            " WHERE id = ?1 AND state = 'pending'",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, id);
    sl_bind_id(st, 2, agent_id);
    sl_bind_int(st, 3, sl_now());
    sl_bind_id(st, 4, scan_id);
    sl_bind_text(st, 5, outcome_json);
    if (sl_exec_stmt(st, "closing a verification request", err) != 0)
        return -1;
    if (sl_changes(st) == 0)
        return 0;
    char object[32];
    snprintf(object, sizeof object, "verification:%lld", (long long)id);
    json_error_t je;
    json_t *outcome = json_loads(outcome_json, 0, &je);
    if (sl_store_audit_json(s, actor, "agent.verify_done", object,
                            json_pack("{s:I, s:o*}", "scan", (json_int_t)scan_id, "outcome",
                                      outcome),
                            err) != 0)
        return -1;
    return 1;
}

int sl_store_verify_req_list(struct sl_store *s, int64_t site_id, bool pending_only,
                             sl_verify_req_cb cb, void *ctx, struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            REQ_COLUMNS " WHERE (r.site_id = ?1 OR ?1 = 0)"
                                        " AND (r.state = 'pending' OR ?2 = 0) ORDER BY r.id",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, site_id);
    sl_bind_int(st, 2, pending_only ? 1 : 0);
    int rc;
    struct sl_verify_req *r = malloc(sizeof *r);
    if (r == NULL) {
        sl_reset(st);
        return sl_err_set(err, "out of memory");
    }
    while ((rc = sl_step(st, "listing verification requests", err)) == 1) {
        row_to_req(st, r);
        if (cb(r, ctx) != 0)
            break;
    }
    sl_reset(st);
    free(r);
    return rc < 0 ? -1 : 0;
}
