/* permute.c - Feistel permutation with cycle walking (see permute.h). */
#include "net/permute.h"

#include <string.h>

#include "util/siphash.h"

#define ROUNDS 4

void sl_perm_init(struct sl_perm *p, uint64_t n, uint64_t seed)
{
    memset(p, 0, sizeof *p);
    p->n = n == 0 ? 1 : n;
    unsigned bits = 2;
    while (bits < 62 && ((uint64_t)1 << bits) < p->n)
        bits++;
    if (bits % 2)
        bits++;
    p->half = bits / 2;
    p->half_mask = ((uint64_t)1 << p->half) - 1;
    for (int i = 0; i < 8; i++) {
        p->key[i] = (uint8_t)(seed >> (8 * i));
        p->key[8 + i] = (uint8_t)((seed * 0x9E3779B97F4A7C15ULL) >> (8 * i)) ^ 0x5a;
    }
}

static uint64_t round_fn(const struct sl_perm *p, unsigned round, uint64_t x)
{
    uint8_t msg[9];
    for (int i = 0; i < 8; i++)
        msg[i] = (uint8_t)(x >> (8 * i));
    msg[8] = (uint8_t)round;
    return sl_siphash24(p->key, msg, sizeof msg) & p->half_mask;
}

static uint64_t encrypt(const struct sl_perm *p, uint64_t v)
{
    uint64_t l = v >> p->half, r = v & p->half_mask;
    for (unsigned k = 0; k < ROUNDS; k++) {
        uint64_t nl = r;
        r = l ^ round_fn(p, k, r);
        l = nl;
    }
    return (l << p->half) | r;
}

static uint64_t decrypt(const struct sl_perm *p, uint64_t v)
{
    uint64_t l = v >> p->half, r = v & p->half_mask;
    for (unsigned k = ROUNDS; k-- > 0;) {
        uint64_t nr = l;
        l = r ^ round_fn(p, k, l);
        r = nr;
    }
    return (l << p->half) | r;
}

uint64_t sl_perm_at(const struct sl_perm *p, uint64_t i)
{
    uint64_t v = encrypt(p, i);
    while (v >= p->n)
        v = encrypt(p, v);
    return v;
}

uint64_t sl_perm_inverse(const struct sl_perm *p, uint64_t v)
{
    uint64_t i = decrypt(p, v);
    while (i >= p->n)
        i = decrypt(p, i);
    return i;
}
