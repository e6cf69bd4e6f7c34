/* frame.h - one CAN frame as every reader delivers it and every detector sees it.
 *
 * Classic CAN (0..8 data bytes, raw DLC 9..15 kept), CAN FD (0..64 bytes, BRS
 * and ESI flags), remote (RTR) and error frames; 11- and 29-bit identifiers.
 * Times are microseconds since the epoch (a candump log with nanoseconds is
 * cut to microseconds). The frame is a plain value: no pointers, nothing to free.
 */
#ifndef SL_CAN_FRAME_H
#define SL_CAN_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_CAN_MAX_LEN 64 /* CAN FD */
#define SL_CAN_SFF_MASK 0x7FFu
#define SL_CAN_EFF_MASK 0x1FFFFFFFu

enum {
    SL_CAN_F_EXT = 1u << 0, /* 29-bit identifier */
    SL_CAN_F_RTR = 1u << 1, /* remote request */
    SL_CAN_F_ERR = 1u << 2, /* error frame: id holds the error class bits */
    SL_CAN_F_FD = 1u << 3,  /* CAN FD */
    SL_CAN_F_BRS = 1u << 4, /* FD: bit rate switch */
    SL_CAN_F_ESI = 1u << 5, /* FD: error state indicator */
    SL_CAN_F_TX = 1u << 6,  /* candump -x "T": sent by the capturing host */
};

/* HCRL Car-Hacking's last column: 'R' regular, 'T' injected. */
enum sl_can_label { SL_CAN_LABEL_NONE = 0, SL_CAN_LABEL_NORMAL = 'R', SL_CAN_LABEL_ATTACK = 'T' };

struct sl_can_frame {
    int64_t ts_us;    /* microseconds since the epoch */
    uint32_t id;      /* 11 or 29 bits, without flags */
    uint8_t flags;    /* SL_CAN_F_* */
    uint8_t len;      /* data bytes: 0..8 classic, 0..64 FD */
    uint8_t raw_dlc;  /* classic: 9..15 when a len-8 frame had that DLC, else 0 */
    uint8_t iface;    /* index of the interface name in the reader's table */
    uint8_t label;    /* enum sl_can_label */
    uint8_t data[SL_CAN_MAX_LEN];
};

/* The payload's first 8 bytes as a big-endian number (missing bytes 0). */
static inline uint64_t sl_can_word(const struct sl_can_frame *f)
{
    uint64_t w = 0;
    unsigned n = f->len < 8 ? f->len : 8;
    for (unsigned i = 0; i < n; i++)
        w |= (uint64_t)f->data[i] << (56 - 8 * i);
    return w;
}

/* "0x0AA" for 11-bit ids, "0x18DAF110" for 29-bit (out: 12 bytes). */
void sl_can_id_str(uint32_t id, bool ext, char out[12]);
/* Parses "0x0AA", "0AA", "0x18DAF110"; an id of more than 3 hex digits or above
 * 0x7FF is extended. Returns 0 or -1. */
int sl_can_id_parse(const char *s, uint32_t *id, bool *ext);

/* The key the engine uses for an id: extended ids carry bit 31. */
static inline uint32_t sl_can_key(const struct sl_can_frame *f)
{
    return f->id | ((f->flags & SL_CAN_F_EXT) ? 0x80000000u : 0);
}

/* Bits the frame occupies on the wire, stuff bits estimated (for bus load). */
unsigned sl_can_wire_bits(const struct sl_can_frame *f);

/* A valid CAN FD data length (0..8, 12, 16, 20, 24, 32, 48, 64)? */
bool sl_can_fd_len_valid(unsigned len);

#endif
