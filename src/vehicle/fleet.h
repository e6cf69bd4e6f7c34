/* fleet.h - a fleet in memory: vehicles and their connected parts as a fleet
 * file (CSV or CycloneDX) gives them, validated, before anything judges or
 * stores them; vehicle/register.h stores these records in the register as they are.
 *
 * The fleet owns everything: vehicles and parts are arrays; their strings live
 * in one pool and are referred to by offset (sl_fstr), so the arrays can grow
 * without invalidating anything. Bounded: at most SL_FLEET_MAX_VEHICLES
 * vehicles, SL_FLEET_MAX_PARTS parts and SL_FLEET_MAX_POOL bytes of text.
 */
#ifndef SL_VEHICLE_FLEET_H
#define SL_VEHICLE_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "util/err.h"
#include "vehicle/rules.h"

#define SL_FLEET_MAX_VEHICLES 2000000u
#define SL_FLEET_MAX_PARTS 20000000u
#define SL_FLEET_MAX_POOL (1024u * 1024u * 1024u)
#define SL_FLEET_NO_VEHICLE UINT32_MAX

/* The kinds of connected part (DESIGN.md §10; issue 16). */
enum sl_part_kind {
    SL_PART_TCU,          /* telematics control unit */
    SL_PART_CELLULAR,     /* cellular module (modem) */
    SL_PART_WIFI_BT,      /* Wi-Fi / Bluetooth module */
    SL_PART_GNSS,
    SL_PART_SATELLITE,    /* satellite communication */
    SL_PART_V2X,
    SL_PART_INFOTAINMENT, /* head unit */
    SL_PART_ADS,          /* automated driving system computer (SAE level 3+) */
    SL_PART_ADAS,         /* driver assistance computer */
    SL_PART_CAMERA,       /* camera, dashcam */
    SL_PART_LIDAR,
    SL_PART_RADAR,
    SL_PART_CHARGER,      /* charger / EVSE link */
    SL_PART_SOC,
    SL_PART_OTHER,
    SL_PART_KIND_COUNT
};

/* "tcu", "cellular", ... (the names policies use). */
const char *sl_part_kind_name(enum sl_part_kind k);
/* A kind by name or synonym ("TCU", "telematics", "modem", "wifi", "gps",
 * "head-unit", "dashcam", "evse", ...), case-insensitive. 0 or -1. */
int sl_part_kind_parse(const char *s, enum sl_part_kind *out);
/* "hardware"/"hw", "software"/"sw"/"firmware", "" = unknown. 0 or -1. */
int sl_part_layer_parse(const char *s, enum sl_part_layer *out);
/* The names accepted, for messages: "tcu, cellular, wifi-bt, ...". */
const char *sl_part_kinds_list(void);

typedef uint32_t sl_fstr; /* offset into the pool; 0 is "" */

struct sl_fleet_vehicle {
    char vin[SL_VIN_LEN + 1];
    sl_fstr make, model, fleet, site, registration;
    uint16_t model_year;        /* 0 = unknown */
    bool model_year_from_vin;   /* the file gave none; the VIN fixed it */
    uint32_t line;              /* CSV line or SBOM component that gave it */
    uint32_t site_line;         /* CSV line and column that named its site (0: none, a BOM) */
    uint16_t site_col;
    uint32_t first_part, n_parts; /* set by sl_fleet_index */
};

struct sl_fleet_part {
    uint32_t vehicle;           /* index, or SL_FLEET_NO_VEHICLE */
    uint8_t kind;               /* enum sl_part_kind */
    uint8_t layer;              /* enum sl_part_layer */
    uint32_t line;              /* CSV line (0 for SBOM) */
    sl_fstr where;              /* "line 12" or "components[3].components[0]" */
    sl_fstr supplier, manufacturer, model, version, imei, serial, purl, cpe;
};

struct sl_fleet {
    size_t n_vehicles, n_parts;
    struct sl_fleet_vehicle *vehicles;
    struct sl_fleet_part *parts;
    /* private */
    size_t cap_vehicles, cap_parts;
    char *pool;
    size_t pool_len, pool_cap;
    uint32_t *vin_index;        /* open addressing: vehicle index + 1, 0 = empty */
    size_t vin_index_cap;
};

void sl_fleet_init(struct sl_fleet *f);
void sl_fleet_free(struct sl_fleet *f);

/* The text of s (never NULL). */
const char *sl_fleet_str(const struct sl_fleet *f, sl_fstr s);
/* Copies s into the pool ("" costs nothing). 0 or -1 when the pool is full. */
int sl_fleet_intern(struct sl_fleet *f, const char *s, sl_fstr *out);

/* The index of the vehicle with this VIN (upper case), or -1. */
long sl_fleet_find(const struct sl_fleet *f, const char *vin);
/* Adds a vehicle (its VIN must not be in the fleet yet); *index set. */
int sl_fleet_add_vehicle(struct sl_fleet *f, const struct sl_fleet_vehicle *v, uint32_t *index,
                         struct sl_err *err);
int sl_fleet_add_part(struct sl_fleet *f, const struct sl_fleet_part *p, struct sl_err *err);
/* Drops vehicles and parts added after the given counts (an all-or-nothing
 * parser undoing its own additions). */
void sl_fleet_truncate(struct sl_fleet *f, size_t n_vehicles, size_t n_parts);

/* Orders the parts by vehicle (keeping the file's order within a vehicle;
 * parts of no vehicle last) and sets each vehicle's first_part and n_parts. */
int sl_fleet_index(struct sl_fleet *f, struct sl_err *err);

#endif
