/* fuzz_fleet_csv.c - the fleet CSV parser (vehicle/fleet_csv.h) and the
 * identification and judging of whatever it accepts; rules, registry and
 * policies load once from the source tree's data/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vehicle/assess.h"
#include "vehicle/fleet_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sl_policy_set *ps;
static struct sl_vrules *vr;
static struct sl_assessor *as;

static void load(void)
{
    struct sl_err err;
    struct sl_assess_options o = {.tier = SL_TIER_SENSITIVE, .now = 1795000000};
    if (sl_policy_load(&ps, SL_SOURCE_DIR "/data", &err) != 0 ||
        sl_vrules_load(&vr, SL_SOURCE_DIR "/data", sl_policy_registry(ps), &err) != 0 ||
        sl_assess_new(&as, ps, vr, &o, &err) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ps == NULL)
        load();
    struct sl_fleet f;
    sl_fleet_init(&f);
    static struct sl_import_problems probs;
    struct sl_err err;
    int rc = sl_fleet_csv_parse((const char *)data, size, vr, &f, &probs, &err);
    if (rc != 0 && (f.n_vehicles != 0 || f.n_parts != 0))
        __builtin_trap(); /* all or nothing */
    for (size_t v = 0; rc == 0 && v < f.n_vehicles && v < 64; v++) {
        json_t *j = sl_assess_vehicle_json(as, &f, v, true, NULL, NULL);
        if (j == NULL)
            __builtin_trap();
        json_decref(j);
    }
    sl_fleet_free(&f);
    return 0;
}
