/* reader.h - CAN frames from a file or standard input, whatever its form:
 * candump log, HCRL Car-Hacking CSV or text (textfmt.h), pcap/pcapng with
 * LINKTYPE_CAN_SOCKETCAN or Linux cooked capture (pcapfmt.h, read through
 * libpcap). The form is detected from the first bytes unless given.
 *
 * Text is read in 1 MiB blocks and parsed in place (no copy per line); a line
 * longer than SL_CAN_MAX_LINE is skipped and counted. Lines that are not
 * understood are counted per reason, the first few kept with their line
 * number for the message; reading goes on. A pcap record cut short ends the
 * file with an error (what was read before stays read).
 *
 * Interface names (candump's second field) are interned in a table the
 * caller owns and may share across readers, so index i means the same
 * interface in every file; at most SL_CAN_MAX_IFACES names, later ones share
 * the last slot. Files without names (pcap, HCRL) get the table's default.
 *
 * Memory: struct sl_can_reader owns its buffer and pcap handle; frames are
 * written into the caller's struct.
 */
#ifndef SL_CAN_READER_H
#define SL_CAN_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "can/frame.h"
#include "can/pcapfmt.h"
#include "can/textfmt.h"
#include "util/err.h"

#define SL_CAN_MAX_IFACES 16

struct sl_can_ifaces {
    char names[SL_CAN_MAX_IFACES][SL_CAN_MAX_IFNAME + 1];
    unsigned n;
    char dflt[SL_CAN_MAX_IFNAME + 1]; /* for inputs without names; "" = "can0" */
};

/* The index of a name (added when new). */
uint8_t sl_can_iface_intern(struct sl_can_ifaces *t, const char *p, size_t n);
const char *sl_can_iface_name(const struct sl_can_ifaces *t, uint8_t i);

struct sl_can_read_stats {
    uint64_t lines, frames, skipped_lines, bad, unsupported, dropped_reported, other_records;
    uint64_t first_bad_line;  /* 0 = none */
    const char *first_bad_why;
    uint64_t byteorder_big, byteorder_little; /* pcap: how the id words were read */
};

struct sl_can_reader;

/* path "-" = standard input. fmt SL_CAN_FMT_UNKNOWN = detect. */
int sl_can_reader_open(struct sl_can_reader **out, const char *path, enum sl_can_format fmt,
                       struct sl_can_ifaces *ifaces, struct sl_err *err);
void sl_can_reader_close(struct sl_can_reader *r);

/* 1 a frame, 0 end of input, -1 error (err set: a read error, a pcap cut short). */
int sl_can_reader_next(struct sl_can_reader *r, struct sl_can_frame *f, struct sl_err *err);

enum sl_can_format sl_can_reader_format(const struct sl_can_reader *r);
void sl_can_reader_stats(const struct sl_can_reader *r, struct sl_can_read_stats *out);

#endif
