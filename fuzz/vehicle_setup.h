/* vehicle_setup.h - what the vehicle fuzz targets share: the policies, the
 * vehicle rules and an assessor, loaded once from the source tree's data/. */
#ifndef SL_FUZZ_VEHICLE_SETUP_H
#define SL_FUZZ_VEHICLE_SETUP_H

#include <stdlib.h>

#include "vehicle/assess.h"

static struct sl_policy_set *ps;
static struct sl_vrules *vr;
static struct sl_assessor *as;

static inline void vehicle_setup(enum sl_tier tier)
{
    if (ps != NULL)
        return;
    struct sl_err err;
    struct sl_assess_options o = {.tier = tier, .now = 1795000000};
    if (sl_policy_load(&ps, SL_SOURCE_DIR "/data", &err) != 0 ||
        sl_vrules_load(&vr, SL_SOURCE_DIR "/data", sl_policy_registry(ps), &err) != 0 ||
        sl_assess_new(&as, ps, vr, &o, &err) != 0)
        abort();
}

/* Judges and explains the first vehicles a parser accepted; traps on failure. */
static inline void vehicle_judge_some(const struct sl_fleet *f)
{
    for (size_t v = 0; v < f->n_vehicles && v < 64; v++) {
        json_t *j = sl_assess_vehicle_json(as, f, v, true, NULL, NULL);
        if (j == NULL)
            __builtin_trap();
        json_decref(j);
    }
}

#endif
