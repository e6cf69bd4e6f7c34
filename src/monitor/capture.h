/* capture.h - where frames come from: a live interface or pcap files (libpcap),
 * and giving up privileges once the capture is open (util/privdrop.h).
 *
 * Live capture uses immediate mode (each frame as soon as it arrives), a large
 * kernel buffer, and a read timeout so the caller can notice signals; the
 * kernel's drop counters are reported by sl_capture_stats. Files are read at
 * full speed with the same code path after opening.
 *
 * Memory: struct sl_capture owns the pcap handle; the frame returned by
 * sl_capture_next is valid until the next call.
 */
#ifndef SL_MONITOR_CAPTURE_H
#define SL_MONITOR_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor/decode.h"
#include "util/err.h"
#include "util/privdrop.h" /* sl_drop_privileges, shared with can/live.c */

struct sl_capture;

struct sl_frame {
    int64_t ts_sec;
    int32_t ts_usec;
    const uint8_t *data;
    size_t caplen, wirelen;
};

/* Opens iface for live capture. buffer_bytes 0 = 64 MiB. filter may be NULL.
 * Needs CAP_NET_RAW. Returns 0 or -1 with err set. */
int sl_capture_open_live(struct sl_capture **out, const char *iface, const char *filter,
                         size_t buffer_bytes, bool promisc, struct sl_err *err);
/* Opens a pcap (or pcapng) file, "-" for standard input. */
int sl_capture_open_file(struct sl_capture **out, const char *path, const char *filter,
                         struct sl_err *err);
void sl_capture_close(struct sl_capture *c);

/* 1 a frame, 0 the read timeout passed (live) or a break was asked, -2 end of
 * file, -1 error (err set). */
int sl_capture_next(struct sl_capture *c, struct sl_frame *f, struct sl_err *err);
/* Asks a blocked sl_capture_next to return (safe from a signal handler). */
void sl_capture_break(struct sl_capture *c);

enum sl_link sl_capture_link(const struct sl_capture *c);
const char *sl_capture_link_name(const struct sl_capture *c);

struct sl_capture_stats {
    uint64_t received, dropped, ifdropped;
};
/* Live only: the kernel's counters. Returns 0, or -1 (files have none). */
int sl_capture_stats(struct sl_capture *c, struct sl_capture_stats *out);

#endif
