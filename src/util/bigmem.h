/* bigmem.h - large zeroed arrays indexed at random (the report's per-device
 * state: tens of MiB read in history order, not id order).
 *
 * sl_big_calloc returns n * size zeroed bytes (NULL on overflow or out of
 * memory) and stores in *bytes what sl_big_free needs. Arrays of 2 MiB or more
 * are mapped and asked for transparent huge pages, so that a random access
 * costs one cache miss instead of a TLB miss and a page walk as well; smaller
 * ones come from calloc. The caller owns the array and frees it with
 * sl_big_free(p, bytes). */
#ifndef SL_UTIL_BIGMEM_H
#define SL_UTIL_BIGMEM_H

#include <stddef.h>

void *sl_big_calloc(size_t n, size_t size, size_t *bytes);
void sl_big_free(void *p, size_t bytes);

#endif
