/* grow.h - room in a growing array, by doubling.
 *
 * SL_GROW(arr, cap, need, initial) makes arr (a T *) hold at least `need`
 * elements: when cap is short it is doubled (starting from `initial`) and arr
 * reallocated. On failure (out of memory, size overflow) arr and cap are left
 * as they were and -1 is returned; else 0. The caller owns arr. */
#ifndef SL_UTIL_GROW_H
#define SL_UTIL_GROW_H

#include <stddef.h>

int sl_grow(void **arr, size_t *cap, size_t need, size_t elem, size_t initial);

#define SL_GROW(arr, cap, need, initial) \
    sl_grow((void **)&(arr), &(cap), (need), sizeof *(arr), (initial))

#endif
