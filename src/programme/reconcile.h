/* reconcile.h - what a verification scan saw, applied to the register.
 *
 * The rules (issue 6; ServiceNow's "Absent", Snipe-IT's expected-but-not-found):
 *   - a removed device not seen by a complete scan of its site -> verified_absent
 *   - a removed or verified-absent device seen again           -> reappeared (loud)
 *   - an affected device (prohibited / replace-by) never registered -> added, discovered
 *   - an outstanding device (discovered, confirmed, scheduled, reappeared) not seen
 *     is listed as missing (expected but not found); its status does not change
 * "Seen again" needs a positive identity: the same MAC, the same serial, or the
 * same manufacturer at the same address. Something unidentified at a removed
 * device's address is listed for a look (and keeps that device from being
 * verified absent), never called a reappearance.
 * Only observations inside the covered sites count; an incomplete scan proves
 * nothing absent, so no device is verified absent from one. A scan made
 * earlier (a scan stream) proves absence only where its targets reach: a
 * removed device of a covered site outside them refuses the whole
 * reconciliation (SL_ERR_INVALID; nothing changes). The covered sites'
 * exclusions (store/exclusions.h) are never probed, so nothing at an
 * excluded address is verified absent or listed missing, and an observation
 * there counts as outside.
 *
 * Memory: observations are the caller's; the result is a value.
 */
#ifndef SL_PROGRAMME_RECONCILE_H
#define SL_PROGRAMME_RECONCILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/jsonl.h" /* struct sl_observation: one device a scan saw */
#include "store/store.h"
#include "util/err.h"

struct sl_reconcile_opts {
    const int64_t *site_ids; /* the sites the scan covered */
    size_t n_sites;
    bool complete;           /* the scan reached every target */
    int64_t scan_id;         /* 0 = none */
    const char *actor;
    const struct sl_jsonl_result *stream; /* a scan made earlier: its targets must hold
                                             every removed device's address; NULL = the
                                             scan covered the sites' networks */
};

#define SL_RECONCILE_LISTED 200

struct sl_reconcile_result {
    size_t observations, outside, matched, added, ignored;
    size_t verified_absent, reappeared, missing, unidentified;
    size_t still_reappeared; /* seen, and already reappeared by an earlier verification */
    /* Device ids (the first SL_RECONCILE_LISTED of each). */
    int64_t reappeared_ids[SL_RECONCILE_LISTED];
    int64_t missing_ids[SL_RECONCILE_LISTED];
    int64_t verified_ids[SL_RECONCILE_LISTED];
    int64_t added_ids[SL_RECONCILE_LISTED];
    char unidentified_at[SL_RECONCILE_LISTED][48]; /* addresses */
};

/* Applies the rules in one transaction. Returns 0 or -1 (nothing changed). */
int sl_reconcile(struct sl_store *s, const struct sl_observation *obs, size_t n,
                 const struct sl_reconcile_opts *o, struct sl_reconcile_result *res,
                 struct sl_err *err);

#endif
