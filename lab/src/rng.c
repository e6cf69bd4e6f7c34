/* rng.c - splitmix64 streams (see rng.h). */
#include "rng.h"

#include "util/fnv.h"

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void lab_rng_init(struct lab_rng *r, uint64_t a, uint64_t b, uint64_t c)
{
    r->s = mix(mix(mix(a + 0x9e3779b97f4a7c15ULL) ^ b) ^ (c * 0x9e3779b97f4a7c15ULL));
}

uint64_t lab_rng_next(struct lab_rng *r)
{
    r->s += 0x9e3779b97f4a7c15ULL;
    return mix(r->s);
}

uint64_t lab_rng_below(struct lab_rng *r, uint64_t n)
{
    /* Rejection sampling keeps the distribution exact. */
    uint64_t lim = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do {
        x = lab_rng_next(r);
    } while (x >= lim);
    return x % n;
}

uint64_t lab_hash_str(const char *s)
{
    return sl_fnv1a64_str(s);
}
