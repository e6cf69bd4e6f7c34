/* fnv.h - FNV-1a, the 64-bit non-cryptographic hash of the project's in-memory
 * tables (rule index, batch groups, cloud domains, the scanner's host table)
 * and of the lab's stream names. Not for anything an attacker may choose to
 * collide on purpose where that costs more than a slower look-up: those use
 * SipHash (siphash.h) with a secret key.
 *
 * Inline, allocates nothing, reads exactly n bytes (or up to the NUL). */
#ifndef SL_UTIL_FNV_H
#define SL_UTIL_FNV_H

#include <stddef.h>
#include <stdint.h>

#define SL_FNV1A64_INIT 0xcbf29ce484222325ULL

/* Continues hash h over n more bytes (start with SL_FNV1A64_INIT). */
static inline uint64_t sl_fnv1a64_more(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

static inline uint64_t sl_fnv1a64(const void *p, size_t n)
{
    return sl_fnv1a64_more(SL_FNV1A64_INIT, p, n);
}

static inline uint64_t sl_fnv1a64_str(const char *s)
{
    uint64_t h = SL_FNV1A64_INIT;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
    return h;
}

#endif
