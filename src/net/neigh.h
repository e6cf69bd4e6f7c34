/* neigh.h - the MAC address of an IPv4 host on the local segment, from the
 * kernel's neighbour (ARP) table. A TCP connect or UDP probe to a host on the
 * same segment fills it, so after probing a host the scanner knows its MAC
 * without sending anything more (devices behind a router have none: their
 * entry would be the router's, so only complete entries of addresses that
 * answered are used).
 *
 * The table is read from /proc/net/arp at most every SL_NEIGH_REFRESH_MS and
 * kept sorted (at most SL_NEIGH_MAX entries). Not thread-safe. */
#ifndef SL_NET_NEIGH_H
#define SL_NET_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#include "util/cidr.h"

#define SL_NEIGH_REFRESH_MS 200
#define SL_NEIGH_MAX 65536

struct sl_neigh;

/* path NULL = /proc/net/arp (tests pass a file of the same format). */
struct sl_neigh *sl_neigh_new(const char *path);
void sl_neigh_free(struct sl_neigh *n);
/* Fills mac ("aa:bb:cc:dd:ee:ff") and returns true when a complete entry exists. */
bool sl_neigh_lookup(struct sl_neigh *n, const struct sl_addr *a, uint64_t now_ms, char mac[18]);

#endif
