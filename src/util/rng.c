/* rng.c - splitmix64 streams (rng.h): seeding, drawing, ranges. Nothing here
 * is fit for secrets. */
#include "util/rng.h"

#define GOLDEN 0x9e3779b97f4a7c15ULL

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void sl_rng_seed(struct sl_rng *r, uint64_t seed)
{
    r->s = seed;
}

void sl_rng_key(struct sl_rng *r, uint64_t a, uint64_t b, uint64_t c)
{
    r->s = mix(mix(mix(a + GOLDEN) ^ b) ^ (c * GOLDEN));
}

uint64_t sl_rng_next(struct sl_rng *r)
{
    r->s += GOLDEN;
    return mix(r->s);
}

uint64_t sl_rng_below(struct sl_rng *r, uint64_t n)
{
    uint64_t lim = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do {
        x = sl_rng_next(r);
    } while (x >= lim);
    return x % n;
}

int64_t sl_rng_range(struct sl_rng *r, int64_t lo, int64_t hi)
{
    return hi <= lo ? lo : lo + (int64_t)sl_rng_below(r, (uint64_t)(hi - lo) + 1);
}

double sl_rng_unit(struct sl_rng *r)
{
    return (double)(sl_rng_next(r) >> 11) / 9007199254740992.0;
}
