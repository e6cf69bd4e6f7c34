/* flow.c - set-associative TCP flow table (see flow.h). */
#include "monitor/flow.h"

#include <stdlib.h>
#include <string.h>

#include "monitor/hash.h"

#define WAYS 4

struct sl_flow_table {
    size_t mask;
    uint64_t seed; /* sl_mon_hash_seed: sets cannot be aimed at */
    size_t evictions;
    struct sl_flow *e; /* (mask + 1) * WAYS */
};

struct sl_flow_table *sl_flow_table_new(size_t nsets)
{
    size_t n = 1;
    while (n < nsets)
        n <<= 1;
    struct sl_flow_table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->e = aligned_alloc(64, n * WAYS * sizeof *t->e);
    if (t->e != NULL)
        memset(t->e, 0, n * WAYS * sizeof *t->e);
    if (t->e == NULL) {
        free(t);
        return NULL;
    }
    t->mask = n - 1;
    t->seed = sl_mon_hash_seed();
    return t;
}

void sl_flow_table_free(struct sl_flow_table *t)
{
    if (t != NULL) {
        free(t->e);
        free(t);
    }
}

struct sl_flow *sl_flow_get(struct sl_flow_table *t, const struct sl_addr *src, uint16_t sport,
                            const struct sl_addr *dst, uint16_t dport, int64_t now,
                            bool *created, bool *a2b)
{
    int c = memcmp(src->b, dst->b, 16);
    bool fwd = c < 0 || (c == 0 && sport <= dport);
    const uint8_t *a = fwd ? src->b : dst->b, *b = fwd ? dst->b : src->b;
    uint16_t pa = fwd ? sport : dport, pb = fwd ? dport : sport;
    uint64_t h = sl_hash64(a, 16, sl_hash64(b, 16, t->seed ^ (((uint64_t)pa << 16) | pb)));
    if (h == 0)
        h = 1;
    struct sl_flow *set = &t->e[(h & t->mask) * WAYS], *victim = &set[0];
    uint32_t now32 = (uint32_t)now;
    *a2b = fwd;
    for (int i = 0; i < WAYS; i++) {
        struct sl_flow *f = &set[i];
        if (f->key == h) {
            f->last = now32;
            *created = false;
            return f;
        }
        if (f->key == 0 || (victim->key != 0 && (int32_t)(f->last - victim->last) < 0))
            victim = f;
    }
    if (victim->key != 0)
        t->evictions++;
    victim->key = h;
    victim->seen = 0;
    victim->last = now32;
    *created = true;
    return victim;
}

size_t sl_flow_evictions(const struct sl_flow_table *t)
{
    return t->evictions;
}
