/* fleet_gen.c - writes a synthetic fleet for bench/fleet_check.sh: N vehicles
 * with P connected parts each, as the fleet CSV or as one CycloneDX BOM (each
 * vehicle a top-level component). VINs use real WMIs with computed check
 * digits; IMEIs a Teltonika TAC with computed Luhn digits; suppliers rotate
 * through known and unknown names. Invented data, for timing only.
 *   bench_fleet_gen csv|cyclonedx VEHICLES PARTS_PER_VEHICLE > FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vehicle/rules.h"

static const char *const wmis[] = {"LSJ", "WV1", "LGX", "YV1", "SB1", "VF3", "LRW", "WBA"};
static const char *const makes[] = {"MG", "Volkswagen", "BYD", "Volvo", "Toyota", "Peugeot",
                                    "Tesla", "BMW"};
static const struct {
    const char *kind, *supplier, *model;
} parts[] = {
    {"tcu", "Quectel Wireless Solutions Co., Ltd.", "AG35-E"},
    {"wifi-bt", "u-blox AG", "LISA-U201"},
    {"tcu", "Teltonika", "FMB962"},
    {"infotainment", "HARMAN International Industries", "HU-7"},
    {"gnss", "Robert Bosch GmbH", "GNSS-3"},
    {"cellular", "Example Modules Ltd", "XM-100"},
    {"camera", "Hikvision automotive electronics", "AE-DC5013"},
    {"lidar", "Hesai Technology Co., Ltd.", "AT128"},
    {"adas", "Continental Automotive GmbH", "ARS540"},
    {"soc", "Qualcomm Technologies, Inc.", "SA8155P"},
};
#define NPARTS (sizeof parts / sizeof parts[0])

static void vin(unsigned long i, char out[SL_VIN_LEN + 1])
{
    /* position 10 'R' (2024) and a letter in position 7 */
    snprintf(out, SL_VIN_LEN + 1, "%sKA4E20R%c%06lu", wmis[i % 8], 'A' + (char)(i / 1000000 % 20),
             i % 1000000);
    out[8] = sl_vin_check_digit(out);
}

static void imei(unsigned long n, char out[SL_IMEI_LEN + 1])
{
    snprintf(out, SL_IMEI_LEN + 1, "35209308%06lu0", n % 1000000);
    int sum = 0;
    for (int i = 0; i < 14; i++) {
        int x = out[13 - i] - '0';
        if (i % 2 == 0) {
            x *= 2;
            if (x > 9)
                x -= 9;
        }
        sum += x;
    }
    out[14] = (char)('0' + (10 - sum % 10) % 10);
}

static void csv(unsigned long nv, unsigned long np)
{
    puts("vin,make,model,model_year,fleet,site,part_kind,part_layer,supplier,part_model,imei");
    unsigned long n = 0;
    for (unsigned long v = 0; v < nv; v++) {
        char id[SL_VIN_LEN + 1], im[SL_IMEI_LEN + 1];
        vin(v, id);
        for (unsigned long p = 0; p < np; p++, n++) {
            const char *im_s = "";
            if (strcmp(parts[(v + p) % NPARTS].model, "FMB962") == 0 && n < 1000000) {
                imei(n, im);
                im_s = im;
            }
            printf("%s,%s,Model %lu,2024,Fleet %lu,Depot %lu,%s,hardware,\"%s\",%s,%s\n", id,
                   makes[v % 8], v % 7, v % 12, v % 300, parts[(v + p) % NPARTS].kind,
                   parts[(v + p) % NPARTS].supplier, parts[(v + p) % NPARTS].model, im_s);
        }
    }
}

static void cyclonedx(unsigned long nv, unsigned long np)
{
    printf("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[");
    for (unsigned long v = 0; v < nv; v++) {
        char id[SL_VIN_LEN + 1];
        vin(v, id);
        printf("%s{\"type\":\"device\",\"name\":\"Model %lu\",\"manufacturer\":{\"name\":\"%s\"},"
               "\"properties\":[{\"name\":\"sightline:vehicle:vin\",\"value\":\"%s\"},"
               "{\"name\":\"sightline:vehicle:model_year\",\"value\":\"2024\"}],\"components\":[",
               v ? "," : "", v % 7, makes[v % 8], id);
        for (unsigned long p = 0; p < np; p++)
            printf("%s{\"type\":\"device\",\"name\":\"%s\",\"supplier\":{\"name\":\"%s\"},"
                   "\"properties\":[{\"name\":\"sightline:part:kind\",\"value\":\"%s\"}]}",
                   p ? "," : "", parts[(v + p) % NPARTS].model, parts[(v + p) % NPARTS].supplier,
                   parts[(v + p) % NPARTS].kind);
        printf("]}");
    }
    printf("]}\n");
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "csv") != 0 && strcmp(argv[1], "cyclonedx") != 0)) {
        fprintf(stderr, "usage: %s csv|cyclonedx VEHICLES PARTS_PER_VEHICLE\n", argv[0]);
        return 2;
    }
    unsigned long nv = strtoul(argv[2], NULL, 10), np = strtoul(argv[3], NULL, 10);
    if (strcmp(argv[1], "csv") == 0)
        csv(nv, np);
    else
        cyclonedx(nv, np);
    return 0;
}
