/* live.h - frames from a SocketCAN interface (can0, vcan0, ...) through a raw
 * CAN socket: classic and FD frames, error frames (every error class is
 * asked for), the kernel's receive time (SO_TIMESTAMP) and its count of
 * frames dropped because the socket's queue was full (SO_RXQ_OVFL).
 *
 * Opening needs no privilege on Linux; a process started as root should call
 * sl_drop_privileges (util/privdrop.h) right after. Reads wait at most 200 ms
 * so the caller can notice signals and let time pass for its detectors.
 *
 * Memory: struct sl_can_live owns the socket.
 */
#ifndef SL_CAN_LIVE_H
#define SL_CAN_LIVE_H

#include <stdint.h>

#include "can/frame.h"
#include "util/err.h"

struct sl_can_live;

/* Fails with a clear message when the kernel has no CAN support or the
 * interface does not exist. */
int sl_can_live_open(struct sl_can_live **out, const char *iface, struct sl_err *err);
void sl_can_live_close(struct sl_can_live *l);

/* 1 a frame (its iface field is left 0), 0 nothing arrived within 200 ms or a
 * signal came, -1 error (err set). */
int sl_can_live_next(struct sl_can_live *l, struct sl_can_frame *f, struct sl_err *err);

/* Frames the kernel dropped for this socket so far. */
uint64_t sl_can_live_dropped(const struct sl_can_live *l);
/* Whether CAN FD frames are received (the socket option was accepted). */
int sl_can_live_fd(const struct sl_can_live *l);

#endif
