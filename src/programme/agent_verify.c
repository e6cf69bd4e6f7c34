/* agent_verify.c - a site agent's verification outcome applied as a local
 * `verify` applies its rescan (agent_verify.h). Scan batches are
 * scan/batch_ingest.c's; the reconciliation is reconcile.c's. */
#include "programme/agent_verify.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programme/verify_scan.h"
#include "store/verifications.h"

/* The request the batch answers: 1 pending and the agent's, 0 done before,
 * -1 with err (CONFLICT: not the agent's site, or no such request). */
static int check_request(struct sl_store *s, const struct sl_agent *a,
                         const struct sl_batch *b, struct sl_verify_req *req, struct sl_err *err)
{
    int got = sl_store_verify_req_get(s, b->verify.request, req, err);
    if (got <= 0)
        return got < 0 ? -1
                       : sl_err_setk(err, SL_ERR_CONFLICT, "no verification request %lld",
                                     (long long)b->verify.request);
    int64_t mine[SL_AGENT_MAX_SITES];
    size_t n = 0;
    if (sl_store_agent_site_ids(s, a->id, mine, SL_AGENT_MAX_SITES, &n, err) != 0)
        return -1;
    bool ok = false;
    for (size_t i = 0; i < n && !ok; i++)
        ok = mine[i] == req->site_id;
    if (!ok || strcmp(req->site, b->verify.site) != 0)
        return sl_err_setk(err, SL_ERR_CONFLICT,
                           "verification request %lld is for site '%s', not one of agent %s's",
                           (long long)req->id, req->site, a->name);
    return req->done ? 0 : 1;
}

static char *outcome_json(const struct sl_batch *b, const struct sl_reconcile_result *rec)
{
    json_t *j = json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "complete",
                          b->verify.complete, "addresses", (json_int_t)b->verify.addresses,
                          "answered", (json_int_t)b->verify.answered, "verified_absent",
                          (json_int_t)rec->verified_absent, "reappeared",
                          (json_int_t)rec->reappeared, "missing", (json_int_t)rec->missing,
                          "added", (json_int_t)rec->added, "seen",
                          (json_int_t)(rec->observations - rec->outside));
    char *text = j != NULL ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    return text;
}

/* Inside the transaction: the feed, the devices, the reconciliation, the
 * request closed, the batch noted. 0, or -1 with err. */
static int apply(struct sl_store *s, const struct sl_agent *a, const struct sl_batch *b,
                 const struct sl_verify_req *req, struct sl_batch_hosts *hs,
                 const struct sl_scan_opts *opts, struct sl_batch_result *res,
                 struct sl_reconcile_result *rec, struct sl_err *err)
{
    char targets[2 * SL_NAME_MAX + 64];
    snprintf(targets, sizeof targets, "site %s by agent %s (request %lld)", req->site, a->name,
             (long long)req->id);
    struct sl_verify_feed_opts fo = {&req->site_id, 1, targets, opts->actor, opts->policy};
    struct sl_verify_feed *feed = NULL;
    int64_t scan_id = 0;
    struct sl_scan_callbacks cb = {.on_device = sl_verify_feed_device};
    struct sl_scan_summary sum;
    char *outcome = NULL;
    int rc = sl_verify_feed_open(s, &fo, &feed, &scan_id, err);
    cb.ctx = feed;
    if (rc == 0)
        rc = sl_batch_hosts_identify(hs, opts, &cb, &sum, err);
    if (rc == 0)
        rc = sl_verify_feed_close(feed, b->verify.complete, (uint64_t)b->verify.addresses,
                                  (uint64_t)b->verify.answered, rec, err);
    if (rc == 0 && (outcome = outcome_json(b, rec)) == NULL)
        rc = sl_err_set(err, "out of memory");
    int done = rc == 0 ? sl_store_verify_req_done(s, req->id, a->id, scan_id, outcome,
                                                  opts->actor, err)
                       : -1;
    if (rc == 0 && done == 0)
        rc = sl_err_setk(err, SL_ERR_EXISTS, "verification request %lld was done meanwhile",
                         (long long)req->id);
    else if (rc == 0 && done < 0)
        rc = -1;
    if (rc == 0)
        rc = sl_store_agent_batch_add(s, b->uuid, a->id, b->seq, (int64_t)b->records, scan_id,
                                      sl_now(), err);
    free(outcome);
    sl_verify_feed_free(feed);
    res->scan_id = scan_id;
    res->devices = rec->matched + rec->added;
    return rc;
}

/* A request done before: the batch is noted as applied, nothing else. */
static int note_only(struct sl_store *s, const struct sl_agent *a, const struct sl_batch *b,
                     struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    if (sl_store_agent_batch_add(s, b->uuid, a->id, b->seq, (int64_t)b->records, 0, sl_now(),
                                 err) != 0) {
        sl_store_rollback(s);
        return -1;
    }
    return sl_store_commit(s, err);
}

static int verify_batch(struct sl_store *s, const struct sl_agent *a, const struct sl_batch *b,
                        const struct sl_scan_opts *opts, struct sl_batch_result *res,
                        struct sl_reconcile_result *rec, struct sl_err *err)
{
    struct sl_verify_req req;
    int pending = check_request(s, a, b, &req, err);
    if (pending <= 0)
        return pending < 0 ? -1 : note_only(s, a, b, err);
    struct sl_batch_hosts *hs = NULL;
    if (sl_batch_hosts_read(b, &hs, err) != 0)
        return -1;
    int rc = sl_batch_check_sites(s, a, hs, res, err);
    if (rc == 0 && (rc = sl_store_begin(s, err)) == 0) {
        rc = apply(s, a, b, &req, hs, opts, res, rec, err);
        rc = rc == 0 ? sl_store_commit(s, err) : (sl_store_rollback(s), -1);
        res->applied = rc == 0;
    }
    sl_batch_hosts_free(hs);
    return rc;
}

int sl_agent_batch_apply(struct sl_store *s, const struct sl_agent *a, const char *data,
                         size_t len, const struct sl_scan_opts *opts,
                         struct sl_batch_result *res, struct sl_reconcile_result *rec,
                         struct sl_err *err)
{
    struct sl_batch b;
    if (sl_batch_parse(data, len, &b, err) != 0)
        return -1;
    if (!sl_batch_is_verification(&b))
        return sl_batch_ingest(s, a, data, len, opts, res, err);
    memset(res, 0, sizeof *res);
    struct sl_reconcile_result *r = rec != NULL ? rec : malloc(sizeof *r);
    if (r == NULL)
        return sl_err_set(err, "out of memory");
    memset(r, 0, sizeof *r);
    int rc = sl_batch_check_origin(s, a, data, &b, err);
    int seen = rc == 0 ? sl_store_agent_batch_seen(s, b.uuid, err) : -1;
    if (rc == 0)
        rc = seen < 0 ? -1 : seen == 1 ? 0 : verify_batch(s, a, &b, opts, res, r, err);
    if (r != rec)
        free(r);
    return rc;
}
