/* bigmem.c - large zeroed arrays on huge pages where the kernel allows
 * (bigmem.h). */
#define _DEFAULT_SOURCE
#include "util/bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define BIG_MIN ((size_t)2 << 20)

void *sl_big_calloc(size_t n, size_t size, size_t *bytes)
{
    *bytes = 0;
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    size_t len = n * size;
    if (len < BIG_MIN) {
        void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);
        return p;
    }
    /* Rounded up to whole huge pages: mmap's zero pages are the zeroing. */
    len = (len + BIG_MIN - 1) & ~(BIG_MIN - 1);
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, len, MADV_HUGEPAGE); /* a hint: without it, ordinary pages */
#endif
    *bytes = len;
    return p;
}

void sl_big_free(void *p, size_t bytes)
{
    if (p == NULL)
        return;
    if (bytes == 0)
        free(p);
    else
        munmap(p, bytes);
}
