/* rng.h - the project's one pseudo-random number generator: splitmix64
 * streams, for everything that must be reproducible from a seed (the lab's
 * devices, the demo's programme history, the benchmarks' generated data).
 *
 * Not for secrets or anything an adversary may predict to advantage: keys,
 * nonces and probe ids come from OpenSSL's RAND_bytes (or SipHash with such a
 * key). A stream is a value (struct sl_rng); it allocates nothing. */
#ifndef SL_UTIL_RNG_H
#define SL_UTIL_RNG_H

#include <stdint.h>

struct sl_rng {
    uint64_t s;
};

/* A stream whose state starts at seed (the same seed, the same numbers). */
void sl_rng_seed(struct sl_rng *r, uint64_t seed);
/* A stream keyed by up to three numbers (e.g. seed, device index, the FNV-1a
 * of a name): streams with different keys are independent. */
void sl_rng_key(struct sl_rng *r, uint64_t a, uint64_t b, uint64_t c);
uint64_t sl_rng_next(struct sl_rng *r);
/* Uniform in [0, n); n > 0 (rejection sampling: exact). */
uint64_t sl_rng_below(struct sl_rng *r, uint64_t n);
/* Uniform in [lo, hi], lo when hi <= lo. */
int64_t sl_rng_range(struct sl_rng *r, int64_t lo, int64_t hi);
/* Uniform in [0, 1) with 53 random bits. */
double sl_rng_unit(struct sl_rng *r);

#endif
