/* policy.h - the vendor registry and the policies that judge a claim
 * (DESIGN.md §6).
 *
 * The registry (data/registry/) names each vendor: canonical name, parent,
 * subsidiaries and brands, country, the laws that bind it. Policies
 * (data/policies/) map (site tier, vendor) to a decision and a deadline, each
 * with its source and date. Loaded once, immutable, shareable read-only.
 */
#ifndef SL_POLICY_POLICY_H
#define SL_POLICY_POLICY_H

#include <stdint.h>

#include "core/claim.h"
#include "core/tier.h"
#include "util/err.h"

struct sl_policy_set;

int sl_policy_load(struct sl_policy_set **out, const char *datadir, struct sl_err *err);
void sl_policy_free(struct sl_policy_set *ps);

/* Chooses which policies are in force (comma-separated ids, e.g.
 * "UK-2022-sensitive-sites,US-NDAA-889"); NULL or "" = the default set named in
 * the data. Returns 0 or -1 for an unknown id. */
int sl_policy_select(struct sl_policy_set *ps, const char *ids, struct sl_err *err);

/* The verdict for a claim at a site of the given tier, on date `now` (seconds
 * since the epoch; it decides whether a replace-by deadline has passed). An
 * unidentified device gets needs-review when it looks like a camera/recorder,
 * else allowed. The strictest verdict of the policies in force wins. */
void sl_policy_judge(const struct sl_policy_set *ps, enum sl_tier tier,
                     const struct sl_claim *claim, int64_t now, struct sl_verdict *out);

#endif
