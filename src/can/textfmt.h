/* textfmt.h - the text forms of CAN traffic, one line at a time.
 *
 *  candump log  (can-utils candump -l / -L; what canplayer reads)
 *      (1625906307.412579) can0 00A#4543555245534554
 *      6 or 9 fractional digits; the interface may be padded with spaces;
 *      <id>#<data> with 3 hex digits (11-bit) or 8 (29-bit, or an error frame
 *      when 0x20000000 is set), data bytes optionally separated by '.', a raw
 *      DLC as "_9".."_F" after 8 bytes; remote frames "R", "R<len>", "R8_<dlc>";
 *      CAN FD "<id>##<flags nibble><0..64 bytes>"; the candump -x suffix " T"/" R".
 *      Lines not starting with '(' are comments (as canplayer reads them);
 *      "DROPCOUNT: dropped N CAN frame(s) ..." lines are counted. CAN XL
 *      frames are recognised and reported as unsupported.
 *  HCRL Car-Hacking CSV   1478198376.389427,0316,8,05,21,68,09,21,21,00,6f,R
 *      DLC data columns, so the column count varies; the label is the last field.
 *  HCRL Car-Hacking text  Timestamp: 1479121434.850202  ID: 0350  000  DLC: 8  05 28 ...
 *
 * Every parser takes a line without its '\n' (a trailing '\r' is allowed),
 * reads only those n bytes, allocates nothing, and says why a line is bad with
 * a short stable key (for counting). Lines longer than SL_CAN_MAX_LINE are bad.
 */
#ifndef SL_CAN_TEXTFMT_H
#define SL_CAN_TEXTFMT_H

#include <stddef.h>
#include <stdint.h>

#include "can/frame.h"

#define SL_CAN_MAX_LINE 512 /* the longest candump FD line is ~170 bytes */
#define SL_CAN_MAX_IFNAME 31

enum sl_can_line {
    SL_CAN_LINE_BAD = -1,        /* *why says what */
    SL_CAN_LINE_SKIP = 0,        /* comment, header or blank line */
    SL_CAN_LINE_FRAME = 1,       /* *f holds a frame */
    SL_CAN_LINE_DROPCOUNT = 2,   /* candump reported lost frames: *dropped */
    SL_CAN_LINE_UNSUPPORTED = 3, /* a CAN XL frame (not analysed) */
};

enum sl_can_format {
    SL_CAN_FMT_UNKNOWN = 0,
    SL_CAN_FMT_CANDUMP,
    SL_CAN_FMT_HCRL_CSV,
    SL_CAN_FMT_HCRL_TXT,
    SL_CAN_FMT_PCAP, /* pcap or pcapng: read through libpcap (reader.c) */
};

const char *sl_can_format_name(enum sl_can_format f);
/* "candump", "hcrl-csv", "hcrl-txt", "pcap" (or "auto" = UNKNOWN). 0 or -1. */
int sl_can_format_parse(const char *s, enum sl_can_format *out);

/* What the interface field of a candump line was (points into the line). */
struct sl_can_ifname {
    const char *p;
    size_t n;
};

int sl_can_parse_candump(const char *line, size_t n, struct sl_can_frame *f,
                         struct sl_can_ifname *ifname, uint64_t *dropped, const char **why);
int sl_can_parse_hcrl_csv(const char *line, size_t n, struct sl_can_frame *f, const char **why);
int sl_can_parse_hcrl_txt(const char *line, size_t n, struct sl_can_frame *f, const char **why);

/* Guesses the format from the first bytes of a file: pcap/pcapng magic, else
 * the first line that is not blank and not a comment. */
enum sl_can_format sl_can_detect_format(const uint8_t *p, size_t n);

#endif
