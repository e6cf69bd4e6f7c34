/* assess_internal.h - the assessor's state, shared by assess.c (judging),
 * explain.c (the JSON chains) and register.c (verdicts stored part by part).
 * Not for other modules. */
#ifndef SL_VEHICLE_ASSESS_INTERNAL_H
#define SL_VEHICLE_ASSESS_INTERNAL_H

#include "vehicle/assess.h"

struct cache_entry {
    uint64_t hash;
    char *key; /* field letter + text */
    bool hit;
    struct sl_name_match m;
};

struct sl_assessor {
    const struct sl_policy_set *ps;
    const struct sl_vrules *vr;
    struct sl_assess_options o;
    struct sl_site_rule site_rule;
    size_t n_cache, cache_cap; /* cache_cap: table slots, twice SL_ASSESS_CACHE */
    struct cache_entry *cache;
    struct sl_part_verdict *pv; /* the current vehicle's parts' verdicts (reused) */
    size_t pv_cap;
};

/* Judges vehicle vi's parts into a->pv and the vehicle into out. 0 or -1. */
int sl_assess_judge_vehicle(struct sl_assessor *a, const struct sl_fleet *f, size_t vi,
                            struct sl_vehicle_verdict *out);

#endif
