/* fleet.c - the in-memory fleet (fleet.h): arrays, string pool, VIN index,
 * part kinds. It validates nothing a file says; the parsers do. */
#include "vehicle/fleet.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/grow.h"
#include "util/siphash.h"
#include "util/str.h"

static const char *const kind_names[SL_PART_KIND_COUNT] = {
    "tcu", "cellular", "wifi-bt", "gnss", "satellite", "v2x", "infotainment", "ads",
    "adas", "camera", "lidar", "radar", "charger", "soc", "other",
};

static const struct {
    const char *name;
    enum sl_part_kind kind;
} synonyms[] = {
    {"telematics", SL_PART_TCU},        {"telematics-control-unit", SL_PART_TCU},
    {"modem", SL_PART_CELLULAR},        {"cellular-module", SL_PART_CELLULAR},
    {"lte", SL_PART_CELLULAR},          {"wifi", SL_PART_WIFI_BT},
    {"wi-fi", SL_PART_WIFI_BT},         {"bluetooth", SL_PART_WIFI_BT},
    {"bt", SL_PART_WIFI_BT},            {"gps", SL_PART_GNSS},
    {"head-unit", SL_PART_INFOTAINMENT}, {"ivi", SL_PART_INFOTAINMENT},
    {"dashcam", SL_PART_CAMERA},        {"evse", SL_PART_CHARGER},
    {"ads-computer", SL_PART_ADS},      {"adas-computer", SL_PART_ADAS},
};

const char *sl_part_kind_name(enum sl_part_kind k)
{
    return (unsigned)k < SL_PART_KIND_COUNT ? kind_names[k] : "other";
}

const char *sl_part_kinds_list(void)
{
    return "tcu, cellular, wifi-bt, gnss, satellite, v2x, infotainment, ads, adas, camera, "
           "lidar, radar, charger, soc, other";
}

int sl_part_kind_parse(const char *s, enum sl_part_kind *out)
{
    for (int k = 0; k < SL_PART_KIND_COUNT; k++)
        if (strcasecmp(s, kind_names[k]) == 0) {
            *out = (enum sl_part_kind)k;
            return 0;
        }
    for (size_t i = 0; i < sizeof synonyms / sizeof synonyms[0]; i++)
        if (strcasecmp(s, synonyms[i].name) == 0) {
            *out = synonyms[i].kind;
            return 0;
        }
    return -1;
}

int sl_part_layer_parse(const char *s, enum sl_part_layer *out)
{
    if (s[0] == '\0')
        *out = SL_LAYER_UNKNOWN;
    else if (strcasecmp(s, "hardware") == 0 || strcasecmp(s, "hw") == 0)
        *out = SL_LAYER_HARDWARE;
    else if (strcasecmp(s, "software") == 0 || strcasecmp(s, "sw") == 0 ||
             strcasecmp(s, "firmware") == 0)
        *out = SL_LAYER_SOFTWARE;
    else
        return -1;
    return 0;
}

void sl_fleet_init(struct sl_fleet *f)
{
    memset(f, 0, sizeof *f);
}

void sl_fleet_free(struct sl_fleet *f)
{
    free(f->vehicles);
    free(f->parts);
    free(f->pool);
    free(f->vin_index);
    memset(f, 0, sizeof *f);
}

const char *sl_fleet_str(const struct sl_fleet *f, sl_fstr s)
{
    return s == 0 || f->pool == NULL ? "" : f->pool + s;
}

int sl_fleet_intern(struct sl_fleet *f, const char *s, sl_fstr *out)
{
    *out = 0;
    size_t n = strlen(s);
    if (n == 0)
        return 0;
    size_t start = f->pool_len == 0 ? 1 : f->pool_len; /* offset 0 is "" */
    if (start + n + 1 > SL_FLEET_MAX_POOL)
        return -1;
    if (SL_GROW(f->pool, f->pool_cap, start + n + 1, 1u << 16) != 0)
        return -1;
    if (f->pool_len == 0)
        f->pool[0] = '\0';
    memcpy(f->pool + start, s, n + 1);
    f->pool_len = start + n + 1;
    *out = (sl_fstr)start;
    return 0;
}

static uint64_t vin_hash(const char *vin)
{
    static const uint8_t key[16] = {'s', 'i', 'g', 'h', 't', 'l', 'i', 'n',
                                    'e', '-', 'v', 'i', 'n', 's', '-', '1'};
    return sl_siphash24(key, vin, strlen(vin));
}

static void index_put(uint32_t *tab, size_t cap, const struct sl_fleet *f, uint32_t vi)
{
    size_t i = (size_t)vin_hash(f->vehicles[vi].vin) & (cap - 1);
    while (tab[i] != 0)
        i = (i + 1) & (cap - 1);
    tab[i] = vi + 1;
}

/* Keeps the index at most half full (capacity a power of two). */
static int index_reserve(struct sl_fleet *f, size_t n)
{
    if (n * 2 <= f->vin_index_cap)
        return 0;
    size_t cap = f->vin_index_cap ? f->vin_index_cap : 1024;
    while (n * 2 > cap)
        cap *= 2;
    uint32_t *tab = calloc(cap, sizeof *tab);
    if (tab == NULL)
        return -1;
    for (size_t v = 0; v < f->n_vehicles; v++)
        index_put(tab, cap, f, (uint32_t)v);
    free(f->vin_index);
    f->vin_index = tab;
    f->vin_index_cap = cap;
    return 0;
}

long sl_fleet_find(const struct sl_fleet *f, const char *vin)
{
    if (f->vin_index_cap == 0)
        return -1;
    size_t cap = f->vin_index_cap;
    for (size_t i = (size_t)vin_hash(vin) & (cap - 1);; i = (i + 1) & (cap - 1)) {
        uint32_t e = f->vin_index[i];
        if (e == 0)
            return -1;
        if (strcmp(f->vehicles[e - 1].vin, vin) == 0)
            return (long)(e - 1);
    }
}

int sl_fleet_add_vehicle(struct sl_fleet *f, const struct sl_fleet_vehicle *v, uint32_t *index,
                         struct sl_err *err)
{
    if (f->n_vehicles >= SL_FLEET_MAX_VEHICLES)
        return sl_err_set(err, "more than %u vehicles", SL_FLEET_MAX_VEHICLES);
    if (SL_GROW(f->vehicles, f->cap_vehicles, f->n_vehicles + 1, 256) != 0 ||
        index_reserve(f, f->n_vehicles + 1) != 0)
        return sl_err_set(err, "out of memory");
    f->vehicles[f->n_vehicles] = *v;
    *index = (uint32_t)f->n_vehicles;
    f->n_vehicles++;
    index_put(f->vin_index, f->vin_index_cap, f, *index);
    return 0;
}

int sl_fleet_add_part(struct sl_fleet *f, const struct sl_fleet_part *p, struct sl_err *err)
{
    if (f->n_parts >= SL_FLEET_MAX_PARTS)
        return sl_err_set(err, "more than %u parts", SL_FLEET_MAX_PARTS);
    if (SL_GROW(f->parts, f->cap_parts, f->n_parts + 1, 1024) != 0)
        return sl_err_set(err, "out of memory");
    f->parts[f->n_parts++] = *p;
    return 0;
}

void sl_fleet_truncate(struct sl_fleet *f, size_t n_vehicles, size_t n_parts)
{
    if (n_parts < f->n_parts)
        f->n_parts = n_parts;
    if (n_vehicles < f->n_vehicles) {
        f->n_vehicles = n_vehicles;
        if (f->vin_index != NULL) {
            memset(f->vin_index, 0, f->vin_index_cap * sizeof *f->vin_index);
            for (size_t v = 0; v < f->n_vehicles; v++)
                index_put(f->vin_index, f->vin_index_cap, f, (uint32_t)v);
        }
    }
}

int sl_fleet_index(struct sl_fleet *f, struct sl_err *err)
{
    /* A counting sort by vehicle: stable, O(parts + vehicles). */
    size_t nv = f->n_vehicles;
    uint32_t *start = calloc(nv + 2, sizeof *start);
    struct sl_fleet_part *sorted = malloc((f->n_parts ? f->n_parts : 1) * sizeof *sorted);
    if (start == NULL || sorted == NULL) {
        free(start);
        free(sorted);
        return sl_err_set(err, "out of memory");
    }
    for (size_t i = 0; i < f->n_parts; i++) {
        uint32_t v = f->parts[i].vehicle;
        start[(v == SL_FLEET_NO_VEHICLE ? nv : v) + 1]++;
    }
    for (size_t v = 1; v <= nv + 1; v++)
        start[v] += start[v - 1];
    for (size_t v = 0; v < nv; v++) {
        f->vehicles[v].first_part = start[v];
        f->vehicles[v].n_parts = start[v + 1] - start[v];
    }
    for (size_t i = 0; i < f->n_parts; i++) {
        uint32_t v = f->parts[i].vehicle;
        sorted[start[v == SL_FLEET_NO_VEHICLE ? nv : v]++] = f->parts[i];
    }
    free(f->parts);
    f->parts = sorted;
    f->cap_parts = f->n_parts ? f->n_parts : 1;
    free(start);
    return 0;
}
