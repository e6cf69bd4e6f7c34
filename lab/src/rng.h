/* rng.h - the lab's deterministic pseudo-random numbers.
 *
 * Everything the lab invents about a device (which profile it runs, its MAC,
 * serial number, UUID) comes from a splitmix64 stream keyed by the run's seed
 * and the device's index, so the same seed always yields the same network.
 * Not for secrets: nonces served to scanners only need to look random.
 */
#ifndef SL_LAB_RNG_H
#define SL_LAB_RNG_H

#include <stdint.h>

struct lab_rng {
    uint64_t s;
};

/* A stream keyed by up to three numbers (e.g. seed, device index, var index). */
void lab_rng_init(struct lab_rng *r, uint64_t a, uint64_t b, uint64_t c);
uint64_t lab_rng_next(struct lab_rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t lab_rng_below(struct lab_rng *r, uint64_t n);
/* FNV-1a of a string, to key streams by name. */
uint64_t lab_hash_str(const char *s);

#endif
