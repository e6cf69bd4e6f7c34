/* world.h - the emulated network: which device runs which profile, where.
 *
 * A world is built from the loaded profiles, a mix (profile -> weight), a
 * device count, a seed and an address base. It is deterministic: the same
 * inputs give the same devices, addresses, MACs, serials and ground truth.
 *
 * Addresses: device i gets base + 256 + 256*(i/254) + 1 + i%254, i.e. the
 * first /24 of the range is left to the scanner side and no device ends in .0
 * or .255 (e.g. 127.18.1.1, ..., 127.18.1.254, 127.18.2.1, ...).
 *
 * Memory: the world owns its device array and every device's values; profiles
 * are borrowed from the lab_profiles set, which must outlive the world.
 */
#ifndef SL_LAB_WORLD_H
#define SL_LAB_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "profile.h"
#include "util/err.h"

#define LAB_MAX_DEVICES 100000

/* Built-in per-device values, available to every template as ${NAME}. */
enum lab_builtin {
    LAB_B_IP,       /* 127.18.1.7 */
    LAB_B_MAC,      /* c0:56:e3:12:34:56 */
    LAB_B_MAC_UP,   /* C0:56:E3:12:34:56 (${MAC}) */
    LAB_B_MAC_DASH, /* c0-56-e3-12-34-56 (${mac_dash}) */
    LAB_B_MAC12,    /* c056e3123456 */
    LAB_B_MAC12_UP, /* C056E3123456 (${MAC12}) */
    LAB_B_UUID,     /* a stable per-device UUID */
    LAB_B_INDEX,    /* device number, from 1 */
    LAB_B_COUNT
};

struct lab_device {
    uint32_t index;                /* 0-based */
    const struct lab_profile *prof;
    uint32_t addr;                 /* IPv4, host byte order */
    uint8_t mac[6];
    char *vals;                    /* LAB_B_COUNT builtins then prof->n_vars values, NUL-separated */
    const char **val;              /* pointers into vals */
    void *tls;                     /* server-owned per-device TLS material, lazily made */
};

struct lab_mix_entry {
    const struct lab_profile *prof;
    unsigned weight;
};

struct lab_world {
    struct lab_device *dev;
    size_t n;
    uint32_t base;  /* host byte order, start of the range */
    unsigned prefix;
    uint64_t seed;
};

/* Parses "NAME=W,NAME=W", "default" (every profile's own weight) or "all"
 * (weight 1 each). out has room for LAB_MAX_PROFILES entries. Returns the
 * number of entries or -1 with err set. */
int lab_mix_parse(const char *spec, const struct lab_profiles *ps, struct lab_mix_entry *out,
                  struct sl_err *err);

/* Builds n devices. Returns 0 or -1 with err set (e.g. range too small). */
int lab_world_build(struct lab_world *w, const struct lab_profiles *ps,
                    const struct lab_mix_entry *mix, size_t n_mix, size_t n, uint64_t seed,
                    uint32_t base, unsigned prefix, struct sl_err *err);
void lab_world_free(struct lab_world *w);

uint32_t lab_world_addr(uint32_t base, size_t i);
/* Device serving addr (host order), or NULL. O(1). */
const struct lab_device *lab_world_find(const struct lab_world *w, uint32_t addr);
/* The value of ${name} for d: builtins, then the profile's vars; NULL if none. */
const char *lab_device_value(const struct lab_device *d, const char *name);
/* Does d serve port (TCP or UDP)? Returns the port entry or NULL. */
const struct lab_port *lab_device_port(const struct lab_device *d, uint16_t port, bool udp);

/* Writes one JSON line per device (docs/lab.md, "Ground truth"). */
int lab_world_write_truth(const struct lab_world *w, FILE *f, struct sl_err *err);

void lab_format_ip(uint32_t addr, char out[16]);

#endif
