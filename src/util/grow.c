/* grow.c - growing arrays (grow.h). */
#include "util/grow.h"

#include <stdint.h>
#include <stdlib.h>

int sl_grow(void **arr, size_t *cap, size_t need, size_t elem, size_t initial)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap > 0 ? *cap : (initial > 0 ? initial : 1);
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return -1;
        n *= 2;
    }
    if (elem == 0 || n > SIZE_MAX / elem)
        return -1;
    void *p = realloc(*arr, n * elem);
    if (p == NULL)
        return -1;
    *arr = p;
    *cap = n;
    return 0;
}
