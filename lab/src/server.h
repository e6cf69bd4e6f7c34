/* server.h - serving every device of a world from one libuv loop.
 *
 * Loopback mode: one socket per (port, tcp|udp) bound to 0.0.0.0 on "lo"
 * (SO_BINDTODEVICE), with a classic BPF filter that admits only lab devices
 * serving that port (bpf.h). The device asked is learnt from the accepted
 * socket's local address (getsockname) or, for UDP, from IP_PKTINFO; replies
 * leave from the device's address. Any connection whose local address is not a
 * lab device or whose peer is outside 127.0.0.0/8 is reset at once.
 *
 * Netns mode: the caller enters each device's namespace and calls
 * lab_server_listen_device(); sockets are bound to the device's address (TCP)
 * or to the wildcard with multicast membership (UDP discovery).
 *
 * Every accepted TCP connection and received datagram is logged to the
 * connection log (docs/lab.md). Bounded: requests as in reqparse.h; at most
 * LAB_MAX_CONNS connections at once (more are reset); idle connections close
 * after 60 s (tarpits after 600 s).
 */
#ifndef SL_LAB_SERVER_H
#define SL_LAB_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "util/buf.h"
#include "util/err.h"
#include "world.h"

#define LAB_MAX_CONNS 16000

enum lab_mode { LAB_MODE_LOOPBACK, LAB_MODE_NETNS };

struct lab_server;

struct lab_server_stats {
    uint64_t tcp_accepted, udp_received, udp_replies, refused, active, tls_handshakes;
    uint64_t closed_resets; /* SYNs to a device's closed port answered with a reset */
};

/* connlog and stats paths may be NULL. The world must outlive the server. */
struct lab_server *lab_server_new(uv_loop_t *loop, const struct lab_world *w, enum lab_mode mode,
                                  const char *connlog, const char *stats, struct sl_err *err);
/* Loopback mode: opens the shared listeners. */
int lab_server_listen_loopback(struct lab_server *s, struct sl_err *err);
/* Netns mode: opens dev's sockets in the calling thread's current namespace. */
int lab_server_listen_device(struct lab_server *s, const struct lab_device *dev,
                             struct sl_err *err);
/* Loopback mode: true when closed ports answer with a reset (raw sockets were
 * allowed); false when they look filtered. Netns mode: always reset (real
 * per-device kernels). */
bool lab_server_resets_closed(const struct lab_server *s);
/* Closes every socket; the loop then runs out of handles and returns. */
void lab_server_stop(struct lab_server *s);
void lab_server_free(struct lab_server *s);
void lab_server_get_stats(const struct lab_server *s, struct lab_server_stats *out);
/* Distinct TCP and UDP ports served (for status and messages). */
size_t lab_server_ports(const struct lab_server *s, uint16_t *ports, bool *udp, size_t max);

/* Builds the response of an HTTP/RTSP section for a request (exported for the
 * profile checker). Returns 0 and fills out, or -1 (no section: out holds a
 * generic 404). mask: see expand.h. */
struct lab_req;
int lab_render_request(const struct lab_device *d, const struct lab_port *pt,
                       const struct lab_req *rq, const char *body, size_t body_len, bool mask,
                       struct sl_buf *out, struct sl_err *err);
/* Builds a UDP discovery reply (one datagram) for the device's service. */
int lab_render_udp(const struct lab_device *d, const struct lab_port *pt, const char *id,
                   bool mask, struct sl_buf *out, struct sl_err *err);
/* Finds the section of kind `kind` that answers. NULL if none. */
const struct lab_section *lab_find_section(const struct lab_profile *p, int kind, uint16_t port,
                                           const char *method, const char *target,
                                           const char *body, size_t body_len, bool auth);
/* Did the request carry credentials (HTTP Authorization, or WS-Security)? */
bool lab_request_has_auth(const struct lab_req *rq, const char *body, size_t body_len);

#endif
