/* verifications.h - verification requests for site agents in the register:
 * an operator queues one for a site (audited: agent.verify_request); the
 * site's agent gets the pending ones with its configuration, runs them and
 * posts the outcome in a batch; applying it marks the request done with the
 * verification's scan and outcome (audited: agent.verify_done), in the
 * batch's transaction.
 *
 * Memory: everything is copied into caller-owned structs; nothing to free.
 * Bounded: at most SL_VERIFY_REQ_PENDING_MAX pending requests a site.
 */
#ifndef SL_STORE_VERIFICATIONS_H
#define SL_STORE_VERIFICATIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define SL_VERIFY_REQ_PENDING_MAX 16
#define SL_VERIFY_REQ_OUTCOME_MAX 1024

struct sl_verify_req {
    int64_t id, site_id;
    char site[SL_NAME_MAX];
    char requested_by[SL_NAME_MAX];
    int64_t requested_at;
    bool done;
    int64_t agent_id, done_at, scan_id; /* 0 while pending */
    char agent[SL_NAME_MAX];            /* the agent that did it, "" while pending */
    char outcome[SL_VERIFY_REQ_OUTCOME_MAX]; /* JSON of the outcome, "" while pending */
};

/* Queues a request for a site; *id gets its id. 0, or -1 with err (INVALID:
 * too many pending for the site). Audited. */
int sl_store_verify_req_add(struct sl_store *s, int64_t site_id, const char *actor, int64_t *id,
                            struct sl_err *err);
/* 1 and *r, 0 none, -1. */
int sl_store_verify_req_get(struct sl_store *s, int64_t id, struct sl_verify_req *r,
                            struct sl_err *err);
/* Marks a pending request done by agent_id (inside the caller's
 * transaction). 1 done, 0 not pending (done before, or no such request), -1.
 * Audited. */
int sl_store_verify_req_done(struct sl_store *s, int64_t id, int64_t agent_id, int64_t scan_id,
                             const char *outcome_json, const char *actor, struct sl_err *err);
typedef int (*sl_verify_req_cb)(const struct sl_verify_req *r, void *ctx);
/* Requests of one site (site_id > 0) or all (0); pending only when
 * pending_only. Oldest first. 0 or -1. */
int sl_store_verify_req_list(struct sl_store *s, int64_t site_id, bool pending_only,
                             sl_verify_req_cb cb, void *ctx, struct sl_err *err);

#endif
