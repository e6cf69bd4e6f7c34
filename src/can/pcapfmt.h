/* pcapfmt.h - CAN frames inside pcap records: LINKTYPE_CAN_SOCKETCAN (227),
 * and LINKTYPE_LINUX_SLL (113) / LINUX_SLL2 (276) carrying CAN or CAN FD.
 *
 * LINKTYPE_CAN_SOCKETCAN's 8-byte header is ID+flags as a 32-bit word, then
 * payload length, FD flags, two reserved bytes (the last is len8_dlc), then
 * the payload. The specification says the word is big-endian; common writers
 * (scapy, older libpcap on little-endian hosts, SLL captures on "any") store
 * it in host order. struct sl_can_byteorder keeps a tally per file: a word
 * that is plausible read one way only (an 11-bit id has no bits between 11 and
 * 28) decides that frame and votes; an ambiguous word follows the majority so
 * far (big-endian on a tie). Read-only over the caller's bytes, no allocation.
 */
#ifndef SL_CAN_PCAPFMT_H
#define SL_CAN_PCAPFMT_H

#include <stddef.h>
#include <stdint.h>

#include "can/frame.h"

#define SL_CAN_DLT_SOCKETCAN 227
#define SL_CAN_DLT_SLL 113
#define SL_CAN_DLT_SLL2 276

struct sl_can_byteorder {
    uint64_t big, little; /* frames decided each way */
};

/* 1 a frame, 0 a record to skip (*why says which kind: not CAN, outgoing
 * copy, CAN XL), -1 a bad record (*why). */
int sl_can_decode_socketcan(const uint8_t *p, size_t caplen, size_t wirelen,
                            struct sl_can_byteorder *bo, struct sl_can_frame *f, const char **why);
int sl_can_decode_sll(int dlt, const uint8_t *p, size_t caplen, size_t wirelen,
                      struct sl_can_byteorder *bo, struct sl_can_frame *f, const char **why);

#endif
