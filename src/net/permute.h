/* permute.h - a keyed pseudo-random permutation of [0, n) (after zmap and
 * masscan's BlackRock): the scanner visits index i as sl_perm_at(i), so every
 * target is probed exactly once, in an order an observer cannot predict, with
 * no visited-set: memory is constant whatever n is.
 *
 * Construction: a 4-round Feistel network over the smallest even-width bit
 * domain 2^(2h) >= n, with SipHash as the round function, plus cycle walking
 * (re-encrypt until the value falls below n). The domain is < 4n, so a lookup
 * takes fewer than 4 encryptions on average. n is at most 2^62. */
#ifndef SL_NET_PERMUTE_H
#define SL_NET_PERMUTE_H

#include <stdint.h>

struct sl_perm {
    uint64_t n;
    unsigned half;      /* bits in each Feistel half */
    uint64_t half_mask;
    uint8_t key[16];
};

/* n >= 1. The seed chooses the order; the same seed gives the same order. */
void sl_perm_init(struct sl_perm *p, uint64_t n, uint64_t seed);
/* The image of i (i < n), a value < n. */
uint64_t sl_perm_at(const struct sl_perm *p, uint64_t i);
/* The inverse: the i with sl_perm_at(i) == v (v < n). */
uint64_t sl_perm_inverse(const struct sl_perm *p, uint64_t v);

#endif
