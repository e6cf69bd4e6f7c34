/* policy_internal.h - what `sightline policy list|explain` reads of a loaded
 * policy set, beyond policy.h's judging. Pointers are borrowed from the set. */
#ifndef SL_POLICY_INTERNAL_H
#define SL_POLICY_INTERNAL_H

#include <stdbool.h>

#include "policy/policy.h"
#include "policy/registry.h"

struct sl_policy_tier {
    enum sl_decision decision;
    const char *deadline; /* "YYYY-MM-DD" or NULL */
    const char *reason;
};

struct sl_policy {
    const char *id, *title, *date, *date_is, *source, *law;
    bool is_default, selected;
    size_t n_subject_to, n_named_in, n_types;
    const char *subject_to[SL_REG_MAX_LIST]; /* law ids: vendors subject to them are covered */
    const char *named_in[SL_REG_MAX_LIST];   /* law ids: vendors named in them are covered */
    const char *types[16];                   /* device types in scope; none = all */
    struct sl_policy_tier tiers[SL_TIER_COUNT];
};

size_t sl_policy_count(const struct sl_policy_set *ps);
const struct sl_policy *sl_policy_at(const struct sl_policy_set *ps, size_t i);
const struct sl_registry *sl_policy_registry(const struct sl_policy_set *ps);

/* The vendor a claim's devices answer to (manufacturer, else the owner or
 * single maker of the brand), or NULL. */
const struct sl_vendor *sl_policy_claim_vendor(const struct sl_policy_set *ps,
                                               const struct sl_claim *claim);

/* Whether policy p covers vendor v for device type dt ("" = unknown); why
 * (one sentence) goes into why. */
bool sl_policy_covers(const struct sl_policy_set *ps, const struct sl_policy *p,
                      const struct sl_vendor *v, const char *dt, char *why, size_t whysz);

/* One policy's verdict (what sl_policy_judge takes the strictest of). */
void sl_policy_judge_one(const struct sl_policy_set *ps, const struct sl_policy *p,
                         enum sl_tier tier, const struct sl_claim *claim, int64_t now,
                         struct sl_verdict *out);

/* True for device types that record or watch (camera, nvr, dvr, ...). */
bool sl_policy_is_surveillance_type(const char *dt);

#endif
