/* rst.h - closed ports answer with a reset, as on a real host (loopback mode).
 *
 * In loopback mode a port that some lab device serves has one shared listener,
 * and its BPF filter drops SYNs to devices that do not serve that port: without
 * more, such a port looks filtered and every probe of it waits for a timeout,
 * where a real camera's kernel answers a reset at once. When the lab may open
 * raw sockets (root, or its own namespace), this module watches SYNs to lab
 * addresses on "lo" and answers those for (device, port) pairs the device does
 * not serve with RST+ACK, which the prober sees as "connection refused". Ports
 * no device serves need nothing: the kernel resets them itself.
 *
 * Bounded: a classic BPF filter passes only SYN (no ACK) segments to lab
 * addresses; each is read into a 128-byte buffer and parsed with length checks.
 */
#ifndef SL_LAB_RST_H
#define SL_LAB_RST_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "util/err.h"
#include "world.h"

struct lab_rst;

/* served(port) says whether the lab listens on that TCP port at all. on_reset
 * (may be NULL) is told of every reset sent (device address, port, peer, peer
 * port; host byte order). Returns NULL with err set when raw sockets are not
 * allowed (the caller then keeps the filtered behaviour). */
struct lab_rst *lab_rst_start(uv_loop_t *loop, const struct lab_world *w,
                              bool (*served)(void *ctx, uint16_t port),
                              void (*on_reset)(void *ctx, uint32_t addr, uint16_t port,
                                               uint32_t peer, uint16_t peer_port),
                              void *ctx, struct sl_err *err);
/* Closes the sockets (the handle is released on the loop's next turn). */
void lab_rst_stop(struct lab_rst *r);
uint64_t lab_rst_count(const struct lab_rst *r);

/* Builds the 40-byte IPv4+TCP RST+ACK answering a SYN (for tests). syn holds
 * the SYN's IPv4 packet. Returns 40, or 0 when syn is not a well-formed SYN. */
size_t lab_rst_build(const uint8_t *syn, size_t n, uint8_t out[40]);

#endif
