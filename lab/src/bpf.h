/* bpf.h - kernel-side admission for the loopback lab's shared listeners.
 *
 * In loopback mode one socket per port, bound to the wildcard address on "lo",
 * serves every device. So that a device that has no such port looks closed
 * (filtered) rather than open, each socket carries a classic BPF filter that
 * keeps only packets whose IPv4 destination is a device serving that port.
 * Packets to any other address, including 127.0.0.1, are dropped in the kernel
 * before a handshake starts. Classic BPF needs no privilege.
 *
 * The filter tests a 32-address bitmap word chosen by a binary search over the
 * occupied 32-address blocks; it fits BPF_MAXINSNS (4096) for up to about 670
 * blocks (about 21,000 consecutive addresses).
 */
#ifndef SL_LAB_BPF_H
#define SL_LAB_BPF_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* member(addr) says whether a host-order IPv4 address is accepted; addresses
 * are tested in [lo, hi]. Writes at most max instructions to prog. Returns the
 * instruction count or -1 (too many blocks for one filter). */
int lab_bpf_build(uint32_t lo, uint32_t hi, int (*member)(void *ctx, uint32_t addr), void *ctx,
                  struct sock_filter *prog, size_t max, struct sl_err *err);

/* Runs prog on a destination address the way the kernel would, for tests:
 * returns the filter's verdict (0 = drop). */
uint32_t lab_bpf_run(const struct sock_filter *prog, size_t n, uint32_t dst);

#endif
