/* sitenet.h - which site an address belongs to, from every site's networks.
 *
 * One rule for the scanner, verification and reconciliation alike: the most
 * specific network holding the address wins; between equally specific ones
 * (the same network in two sites, which an import now refuses but an older
 * register may hold) the strictest tier wins, so a device is never judged more
 * leniently for sitting in two sites. An address under the NAT64 well-known
 * prefix (64:ff9b::a.b.c.d) that no site's IPv6 network holds belongs where
 * a.b.c.d belongs. The caller owns the array; only an index allocates. */
#ifndef SL_CORE_SITENET_H
#define SL_CORE_SITENET_H

#include <stddef.h>
#include <stdint.h>

#include "core/tier.h"
#include "util/cidr.h"

struct sl_site_net {
    struct sl_cidr net;
    int64_t site; /* the caller's handle: an index or a register id */
    enum sl_tier tier;
};

/* The handle of the site address a belongs to, or -1 when no network holds it. */
int64_t sl_site_net_best(const struct sl_site_net *nets, size_t n, const struct sl_addr *a);

/* The same answer as sl_site_net_best over many networks without reading
 * every one per address: the networks hashed by (family, prefix length,
 * network address), probed from the longest prefix length present down, so an
 * address costs one probe per distinct length (a register of 1,000 sites'
 * /24s: one) instead of one comparison per network. Built from an array the
 * caller keeps and must not change while the index is used. The index owns
 * its table (sl_site_index_free). */
struct sl_site_index;
/* NULL when out of memory. */
struct sl_site_index *sl_site_index_new(const struct sl_site_net *nets, size_t n);
int64_t sl_site_index_best(const struct sl_site_index *ix, const struct sl_addr *a);
void sl_site_index_free(struct sl_site_index *ix);

/* True when the two networks share an address (same family, one inside the other). */
bool sl_cidr_overlap(const struct sl_cidr *x, const struct sl_cidr *y);

#endif
