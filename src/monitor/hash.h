/* hash.h - a fast, seedable 64-bit hash for the monitor's fixed tables
 * (not cryptographic). The tables are keyed by what the network says (MACs,
 * addresses, names), so every table is seeded from sl_mon_hash_seed (drawn
 * once per process from getrandom: keys that collide cannot be worked out in
 * advance), and open-addressing tables probe at most SL_MON_MAX_PROBE slots
 * (a key that finds no slot so near is dropped and counted, like a full
 * table), so even a collision flood costs a bounded time a packet. */
#ifndef SL_MONITOR_HASH_H
#define SL_MONITOR_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t sl_hash_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static inline uint64_t sl_hash64(const void *p, size_t n, uint64_t seed)
{
    const uint8_t *b = p;
    uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        h = sl_hash_mix(h ^ w) + 0x9e3779b97f4a7c15ULL;
        b += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, b, n);
    return sl_hash_mix(h ^ w ^ ((uint64_t)n << 56));
}

#define SL_MON_MAX_PROBE 64

/* 64 random bits, the same for the whole process; from getrandom(2), drawn on
 * the first call (thread-safe). */
uint64_t sl_mon_hash_seed(void);

#endif
