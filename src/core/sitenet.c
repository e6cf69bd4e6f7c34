/* sitenet.c - an address's site: most specific network, ties to the strictest
 * tier, NAT64 to the embedded IPv4 address (sitenet.h). Reads no register. */
#include "core/sitenet.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/fnv.h"

static unsigned mapped_len(const struct sl_cidr *c)
{
    return c->addr.v4 ? c->prefix + 96 : c->prefix;
}

static long best_index(const struct sl_site_net *nets, size_t n, const struct sl_addr *a)
{
    long best = -1;
    for (size_t i = 0; i < n; i++) {
        if (!sl_cidr_contains(&nets[i].net, a))
            continue;
        if (best >= 0) {
            unsigned len = mapped_len(&nets[i].net), blen = mapped_len(&nets[best].net);
            if (len < blen || (len == blen && nets[i].tier >= nets[best].tier))
                continue;
        }
        best = (long)i;
    }
    return best;
}

int64_t sl_site_net_best(const struct sl_site_net *nets, size_t n, const struct sl_addr *a)
{
    long i = best_index(nets, n, a);
    if (i < 0 && sl_addr_nat64(a)) {
        struct sl_addr v4;
        sl_addr_from_v4(a->b + 12, &v4);
        i = best_index(nets, n, &v4);
    }
    return i < 0 ? -1 : nets[i].site;
}

/* ---- the index ---------------------------------------------------------------- */

#define LINEAR_MAX 16 /* fewer networks than this: the plain scan is as quick */

struct slot {
    struct sl_addr key; /* the network address, host bits cleared */
    uint8_t len;        /* mapped prefix length (0..128) */
    bool used;
    size_t net;         /* index into nets */
};

struct sl_site_index {
    const struct sl_site_net *nets;
    size_t n;
    struct slot *slots; /* NULL below LINEAR_MAX */
    size_t mask;        /* slots - 1, a power of two minus one */
    uint8_t lens[129];  /* the mapped lengths present, longest first */
    size_t n_lens;
};

static void masked(const struct sl_addr *a, unsigned len, struct sl_addr *out)
{
    memset(out, 0, sizeof *out);
    out->v4 = a->v4;
    unsigned full = len / 8;
    memcpy(out->b, a->b, full);
    if (len % 8)
        out->b[full] = (uint8_t)(a->b[full] & (0xffu << (8 - len % 8)));
}

static size_t slot_hash(const struct sl_addr *k, unsigned len)
{
    uint64_t h = sl_fnv1a64_more(SL_FNV1A64_INIT, k->b, sizeof k->b);
    uint8_t tail[2] = {(uint8_t)len, (uint8_t)k->v4};
    return (size_t)sl_fnv1a64_more(h, tail, sizeof tail);
}

static struct slot *find(const struct sl_site_index *ix, const struct sl_addr *k, unsigned len)
{
    for (size_t i = slot_hash(k, len) & ix->mask;; i = (i + 1) & ix->mask) {
        struct slot *sl = &ix->slots[i];
        if (!sl->used || (sl->len == len && sl->key.v4 == k->v4 &&
                          memcmp(sl->key.b, k->b, sizeof k->b) == 0))
            return sl;
    }
}

struct sl_site_index *sl_site_index_new(const struct sl_site_net *nets, size_t n)
{
    struct sl_site_index *ix = calloc(1, sizeof *ix);
    if (ix == NULL)
        return NULL;
    ix->nets = nets;
    ix->n = n;
    if (n < LINEAR_MAX)
        return ix;
    size_t cap = 64;
    while (cap < 2 * n)
        cap *= 2;
    ix->slots = calloc(cap, sizeof *ix->slots);
    if (ix->slots == NULL) {
        free(ix);
        return NULL;
    }
    ix->mask = cap - 1;
    bool has[129] = {false};
    for (size_t i = 0; i < n; i++) {
        unsigned len = mapped_len(&nets[i].net);
        if (len > 128)
            continue;
        struct sl_addr k;
        masked(&nets[i].net.addr, len, &k);
        struct slot *sl = find(ix, &k, len);
        /* Equally specific: the strictest tier, then the first (best_index's rule). */
        if (sl->used && nets[i].tier >= nets[sl->net].tier)
            continue;
        *sl = (struct slot){k, (uint8_t)len, true, i};
        has[len] = true;
    }
    for (int len = 128; len >= 0; len--)
        if (has[len])
            ix->lens[ix->n_lens++] = (uint8_t)len;
    return ix;
}

static long index_best(const struct sl_site_index *ix, const struct sl_addr *a)
{
    if (ix->slots == NULL)
        return best_index(ix->nets, ix->n, a);
    for (size_t i = 0; i < ix->n_lens; i++) {
        unsigned len = ix->lens[i];
        if (a->v4 && len < 96)
            break; /* a v4 network's mapped length is 96 or more */
        struct sl_addr k;
        masked(a, len, &k);
        const struct slot *sl = find(ix, &k, len);
        if (sl->used)
            return (long)sl->net;
    }
    return -1;
}

int64_t sl_site_index_best(const struct sl_site_index *ix, const struct sl_addr *a)
{
    long i = index_best(ix, a);
    if (i < 0 && sl_addr_nat64(a)) {
        struct sl_addr v4;
        sl_addr_from_v4(a->b + 12, &v4);
        i = index_best(ix, &v4);
    }
    return i < 0 ? -1 : ix->nets[i].site;
}

void sl_site_index_free(struct sl_site_index *ix)
{
    if (ix != NULL) {
        free(ix->slots);
        free(ix);
    }
}

bool sl_cidr_overlap(const struct sl_cidr *x, const struct sl_cidr *y)
{
    if (x->addr.v4 != y->addr.v4)
        return false;
    const struct sl_cidr *wide = x->prefix <= y->prefix ? x : y;
    const struct sl_cidr *narrow = wide == x ? y : x;
    return sl_cidr_contains(wide, &narrow->addr);
}
