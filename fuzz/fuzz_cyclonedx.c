/* fuzz_cyclonedx.c - the CycloneDX BOM parser (vehicle/cyclonedx.h): JSON of
 * any shape, depth and size; what it accepts is then judged and explained.
 * The parser reads a BOM piece by piece (util/jsonscan.h): whatever it
 * accepts, jansson must accept as one document too. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vehicle_setup.h"
#include "vehicle/cyclonedx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vehicle_setup(SL_TIER_OFFICIAL);
    struct sl_fleet f;
    sl_fleet_init(&f);
    struct sl_err err;
    struct sl_cdx_options opt = {NULL, 0};
    if (size > 0 && (data[0] & 1)) /* half the runs name the BOM's vehicle */
        opt.vin = "1G4AH59H45G118341";
    int rc = sl_cdx_parse((const char *)data, size, vr, &opt, &f, &err);
    if (rc != 0 && (f.n_vehicles != 0 || f.n_parts != 0))
        __builtin_trap(); /* all or nothing */
    if (rc == 0) {
        json_t *whole = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
        if (whole == NULL)
            __builtin_trap(); /* accepted piece by piece, refused whole */
        json_decref(whole);
        vehicle_judge_some(&f);
    }
    sl_fleet_free(&f);
    return 0;
}
