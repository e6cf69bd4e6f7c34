/* netns.h - network namespaces, veths and a bridge for the netns lab (root).
 *
 * Layout: a named namespace NAME (/run/netns/NAME, made with `ip netns add`)
 * holds a bridge with the scanner-side address (base+1, e.g. 198.18.0.1/15)
 * and a multicast route, so `sightline-lab exec -- CMD` runs CMD on the lab's
 * segment. Each device gets an anonymous namespace of its own, a veth pair
 * (its end "eth0" with the device's MAC and address, the other end on the
 * bridge). Device namespaces are held only by the daemon's file descriptors,
 * so they and their veths vanish when the daemon exits, however it exits.
 * Nothing is ever attached to the machine's own interfaces.
 *
 * All configuration is done with rtnetlink from inside the namespaces.
 */
#ifndef SL_LAB_NETNS_H
#define SL_LAB_NETNS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

/* Creates /run/netns/NAME and returns an open fd to it (caller closes), or -1.
 * Fails when it exists already. */
int lab_netns_create(const char *name, struct sl_err *err);
/* Opens /run/netns/NAME, or -1 with err set. */
int lab_netns_open(const char *name, struct sl_err *err);
/* Removes /run/netns/NAME (what `ip netns del` does). 0, or -1 when absent. */
int lab_netns_remove(const char *name);
bool lab_netns_exists(const char *name);

/* Switches the calling thread to the namespace fd. 0 or -1. */
int lab_netns_enter(int fd, struct sl_err *err);

/* In the current namespace: bring an interface up by name. */
int lab_link_up(const char *ifname, struct sl_err *err);
/* In the current namespace: make a bridge (no multicast snooping, so discovery
 * floods every port), give it addr/prefix, bring it up, add 224.0.0.0/4. */
int lab_bridge_create(const char *ifname, uint32_t addr, unsigned prefix, struct sl_err *err);
/* In the current namespace: a veth `ifname` enslaved to `bridge`, its peer
 * "eth0" moved into the namespace peer_nsfd with MAC `mac`. */
int lab_veth_create(const char *ifname, const char *bridge, int peer_nsfd, const uint8_t mac[6],
                    struct sl_err *err);
/* In the current namespace: addr/prefix on ifname, and ifname up. */
int lab_addr_add(const char *ifname, uint32_t addr, unsigned prefix, struct sl_err *err);

/* A new anonymous namespace: returns its fd; the calling thread is left in the
 * namespace given by return_fd. */
int lab_netns_new_anon(int return_fd, struct sl_err *err);

#endif
