/* fuzz_cyclonedx.c - the CycloneDX BOM parser (vehicle/cyclonedx.h): JSON of
 * any shape, depth and size; what it accepts is then judged and explained. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vehicle/assess.h"
#include "vehicle/cyclonedx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sl_policy_set *ps;
static struct sl_vrules *vr;
static struct sl_assessor *as;

static void load(void)
{
    struct sl_err err;
    struct sl_assess_options o = {.tier = SL_TIER_OFFICIAL, .now = 1795000000};
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
    struct sl_err err;
    struct sl_cdx_options opt = {NULL, 0};
    if (size > 0 && (data[0] & 1)) /* half the runs name the BOM's vehicle */
        opt.vin = "1G4AH59H45G118341";
    int rc = sl_cdx_parse((const char *)data, size, vr, &opt, &f, &err);
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
