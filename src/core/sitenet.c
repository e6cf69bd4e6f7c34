/* sitenet.c - an address's site: most specific network, ties to the strictest
 * tier, NAT64 to the embedded IPv4 address (sitenet.h). Reads no register. */
#include "core/sitenet.h"

#include <stdbool.h>
#include <string.h>

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

bool sl_cidr_overlap(const struct sl_cidr *x, const struct sl_cidr *y)
{
    if (x->addr.v4 != y->addr.v4)
        return false;
    const struct sl_cidr *wide = x->prefix <= y->prefix ? x : y;
    const struct sl_cidr *narrow = wide == x ? y : x;
    return sl_cidr_contains(wide, &narrow->addr);
}
