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

/* The domains a policy judges (bit masks). */
enum sl_policy_domain { SL_DOMAIN_DEVICES = 1u, SL_DOMAIN_VEHICLES = 2u };

#define SL_POLICY_MAX_KINDS 16
#define SL_POLICY_MAX_SCOPES 4

/* A vehicle policy's reach: these part kinds, hardware and/or software, of
 * vehicles from this model year on. */
struct sl_policy_scope {
    size_t n_kinds;
    const char *kinds[SL_POLICY_MAX_KINDS];
    unsigned layers;     /* bits (1 << enum sl_part_layer); 0 = any */
    int from_model_year; /* 0 = every model year */
    const char *rule;    /* the provision, e.g. "15 CFR 791.302 (VCS hardware)" */
};

struct sl_policy {
    const char *id, *title, *date, *date_is, *source, *law;
    unsigned applies, defaults, selected; /* masks of enum sl_policy_domain */
    size_t n_subject_to, n_named_in, n_types, n_countries;
    const char *subject_to[SL_REG_MAX_LIST]; /* law ids: vendors subject to them are covered */
    const char *named_in[SL_REG_MAX_LIST];   /* law ids: vendors named in them are covered */
    const char *countries[SL_REG_MAX_LIST];  /* vendors (or parents) of these countries */
    const char *types[16];                   /* device types in scope; none = all */
    size_t n_scopes, n_review_kinds;         /* vehicle parts: none = every part */
    struct sl_policy_scope scopes[SL_POLICY_MAX_SCOPES];
    const char *review_kinds[SL_POLICY_MAX_KINDS]; /* kinds the tool cannot place: review */
    const char *review_reason;
    struct sl_policy_tier tiers[SL_TIER_COUNT];
    char version[40]; /* "DATE.HASH": its date and a hash of its whole text (policy.h) */
};

/* What made a policy cover a vendor: the vendor itself or a parent (via),
 * and the law that names or binds it, or the country. */
struct sl_policy_basis {
    const struct sl_vendor *via;
    const char *law;     /* law id, or NULL when the country decided */
    const char *country; /* set when the country decided */
    bool named;          /* named in the law (a list) rather than subject to it */
};

size_t sl_policy_count(const struct sl_policy_set *ps);
const struct sl_policy *sl_policy_at(const struct sl_policy_set *ps, size_t i);

/* The vendor a claim's devices answer to (manufacturer, else the owner or
 * single maker of the brand), or NULL. */
const struct sl_vendor *sl_policy_claim_vendor(const struct sl_policy_set *ps,
                                               const struct sl_claim *claim);

/* Whether policy p covers vendor v for device type dt ("" = unknown); why
 * (one sentence) goes into why. Parents count: a vendor is covered when it or
 * a parent is named, bound or of a covered country. */
bool sl_policy_covers(const struct sl_policy_set *ps, const struct sl_policy *p,
                      const struct sl_vendor *v, const char *dt, char *why, size_t whysz);

/* The vendor-coverage part of sl_policy_covers, with what decided it. */
bool sl_policy_covers_vendor(const struct sl_policy_set *ps, const struct sl_policy *p,
                             const struct sl_vendor *v, struct sl_policy_basis *basis);

/* One vehicle policy's verdict for a part (what sl_policy_judge_part takes
 * the strictest of); basis says what covered the vendor (via NULL when not). */
void sl_policy_judge_part_one(const struct sl_policy_set *ps, const struct sl_policy *p,
                              enum sl_tier tier, const struct sl_part_subject *s, int64_t now,
                              struct sl_verdict *out, struct sl_policy_basis *basis);

/* "devices", "vehicles", "devices,vehicles" for a domain mask. */
const char *sl_policy_domains_name(unsigned mask);

/* One policy's verdict (what sl_policy_judge takes the strictest of). */
void sl_policy_judge_one(const struct sl_policy_set *ps, const struct sl_policy *p,
                         enum sl_tier tier, const struct sl_claim *claim, int64_t now,
                         struct sl_verdict *out);

/* True for device types that record or watch (camera, nvr, dvr, ...). */
bool sl_policy_is_surveillance_type(const char *dt);

#endif
