/* fuzz_fleet_csv.c - the fleet CSV parser (vehicle/fleet_csv.h) and the
 * identification and judging of whatever it accepts; rules, registry and
 * policies load once from the source tree's data/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vehicle_setup.h"
#include "vehicle/fleet_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vehicle_setup(SL_TIER_SENSITIVE);
    struct sl_fleet f;
    sl_fleet_init(&f);
    static struct sl_import_problems probs;
    struct sl_err err;
    int rc = sl_fleet_csv_parse((const char *)data, size, vr, &f, &probs, &err);
    if (rc != 0 && (f.n_vehicles != 0 || f.n_parts != 0))
        __builtin_trap(); /* all or nothing */
    if (rc == 0)
        vehicle_judge_some(&f);
    sl_fleet_free(&f);
    return 0;
}
