/* reassess.h - `sightline devices reassess`: every device of the register (or
 * of one site) identified again from its stored evidence with the rules loaded
 * now, and judged again with the policies in force now at its site's tier (a
 * device outside every site: sensitive, as a scan judges it). Each device
 * whose claim or verdict changes gets the new ones, the change recorded in the
 * verdict history with its audit entry (store.h), one transaction a batch.
 *
 * The evidence is the device's newest scan's (what the scan that wrote its
 * current claim saw); a device with no stored evidence keeps its claim and is
 * only judged again. A device with a malformed answer is never "allowed"
 * (policy.h), as in a scan.
 *
 * Bounded: devices are read SL_DEVICE_BATCH at a time by id and their evidence
 * streamed into one accumulator per device; memory does not grow with the
 * register. Memory: nothing is handed to the caller beyond the callbacks.
 */
#ifndef SL_PROGRAMME_REASSESS_H
#define SL_PROGRAMME_REASSESS_H

#include <stdbool.h>
#include <stdint.h>

#include "ident/ident.h"
#include "policy/policy.h"
#include "store/store.h"
#include "util/err.h"

/* One device whose claim or verdict changes (or would, in a dry run). */
struct sl_reassess_change {
    const struct sl_device *d;           /* as the register holds it (before) */
    const struct sl_claim *claim;        /* the new claim */
    const struct sl_verdict *verdict;    /* the new verdict */
    int what;                            /* SL_CHANGED_CLAIM | SL_CHANGED_VERDICT */
};

struct sl_reassess_opts {
    const struct sl_ident *ident;
    const struct sl_policy_set *policy;
    const char *site; /* that site's devices only (its name), NULL = every device */
    bool dry_run;     /* judge and report, write nothing */
    const char *actor;
    /* Called for each change (may be NULL), and every 1,000 devices and at the
     * end with how many were examined of about how many (may be NULL). */
    void (*on_change)(const struct sl_reassess_change *c, void *ctx);
    void (*on_progress)(int64_t done, int64_t total, void *ctx);
    void *ctx;
};

struct sl_reassess_result {
    int64_t examined, claims_changed, verdicts_changed, without_evidence;
};

/* 0, or -1 with err (no such site: SL_ERR_NOT_FOUND). Devices are written a
 * batch (SL_DEVICE_BATCH) a transaction: the batches before a failure stay
 * written, the failing one is rolled back whole. */
int sl_reassess_run(struct sl_store *s, const struct sl_reassess_opts *o,
                    struct sl_reassess_result *res, struct sl_err *err);

#endif
