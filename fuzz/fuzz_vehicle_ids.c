/* fuzz_vehicle_ids.c - the small parsers behind vehicle identification: VIN,
 * IMEI, supplier and model names, site rules, CPE vendors and purl
 * namespaces, each fed every line of the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vehicle/cyclonedx.h"
#include "vehicle_setup.h"
#include "vehicle/rules.h"
#include "vehicle/siterule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vehicle_setup(SL_TIER_SENSITIVE);
    char line[1024];
    size_t i = 0;
    while (i < size) {
        size_t n = 0;
        while (i < size && data[i] != '\n' && n + 1 < sizeof line)
            line[n++] = (char)data[i++];
        line[n] = '\0';
        i++;
        struct sl_err err;
        struct sl_vin_info vi;
        if (sl_vin_decode(vr, line, &vi, &err) == 0 && strlen(vi.vin) != SL_VIN_LEN)
            __builtin_trap();
        struct sl_imei_info ii;
        if (sl_imei_decode(vr, line, &ii, &err) == 0 && strlen(ii.imei) != SL_IMEI_LEN)
            __builtin_trap();
        struct sl_name_match m;
        if (sl_vrules_match_name(vr, line, &m) && m.vendor == NULL)
            __builtin_trap();
        if (sl_vrules_match_model(vr, line, &m) && m.vendor == NULL)
            __builtin_trap();
        struct sl_site_rule sr;
        if (sl_site_rule_parse(line, &sr, &err) == 0 && sr.action == SL_SITE_PARK_AWAY &&
            (sr.metres == 0 || sr.metres > SL_SITE_RULE_MAX_METRES))
            __builtin_trap();
        char out[64];
        (void)sl_cpe_vendor(line, out, sizeof out);
        (void)sl_purl_namespace(line, out, sizeof out);
    }
    return 0;
}
