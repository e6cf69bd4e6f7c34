/* siphash.h - SipHash-2-4, a keyed 64-bit hash (Aumasson & Bernstein).
 *
 * Used where an attacker must not be able to predict or forge a value: the
 * scanner's target permutation and the ids it puts in UDP probes so that a
 * reply can be matched to its probe without a table (after masscan). */
#ifndef SL_UTIL_SIPHASH_H
#define SL_UTIL_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t sl_siphash24(const uint8_t key[16], const void *data, size_t len);

#endif
