/* payload.h - reading fields out of CAN payloads: counters (a run of bits
 * that steps by a constant modulo some number) and checksum bytes of the
 * common families (8-bit sum, negated sum, XOR, CRC-8 with the SAE J1850 0x1D,
 * AUTOSAR 0x2F or ITU 0x07 polynomial over the other bytes in order, with any
 * start value - which also covers a data-id byte mixed in first - and any
 * final XOR). Pure functions over caller-owned bytes.
 */
#ifndef SL_CAN_PAYLOAD_H
#define SL_CAN_PAYLOAD_H

#include <stdbool.h>
#include <stdint.h>

struct sl_can_counter {
    uint8_t order;   /* 0: bits counted from the first byte's MSB (Motorola); 1: from
                        the first byte's LSB, bytes little-endian (Intel) */
    uint8_t pos;     /* first bit (see order), 0..63 */
    uint8_t bits;    /* 2..8 */
    uint8_t step;    /* increment per frame, 1..modulo-1 */
    uint16_t modulo; /* values run 0..modulo-1 */
};

/* The counter's value in a payload whose first 8 bytes are be (big-endian
 * word) and le (little-endian word). */
static inline uint32_t sl_can_counter_get(const struct sl_can_counter *c, uint64_t be, uint64_t le)
{
    uint64_t m = (1ull << c->bits) - 1;
    return c->order == 0 ? (uint32_t)((be >> (64 - c->pos - c->bits)) & m)
                         : (uint32_t)((le >> c->pos) & m);
}

enum sl_can_cs_kind {
    SL_CAN_CS_NONE = 0,
    SL_CAN_CS_SUM,    /* byte = sum + k */
    SL_CAN_CS_NEGSUM, /* byte = k - sum */
    SL_CAN_CS_XOR,    /* byte = xor ^ k */
    SL_CAN_CS_CRC8_1D,
    SL_CAN_CS_CRC8_2F,
    SL_CAN_CS_CRC8_07,
};

struct sl_can_checksum {
    uint8_t kind;  /* enum sl_can_cs_kind */
    uint8_t byte;  /* its position */
    uint8_t len;   /* the frame length it covers (frames of other lengths are not judged) */
    uint8_t init;  /* CRC start value */
    uint8_t k;     /* the constant above (CRC: final XOR) */
};

/* The bits of the first 8 bytes (as a big-endian word) that a counter uses. */
uint64_t sl_can_counter_mask(const struct sl_can_counter *c);

/* How far apart two byte values are on a circle of 256: a slowly varying
 * signal's low byte wrapping from 0xFF to 0x00 moves by 1, not 255. */
static inline unsigned sl_can_byte_dist(uint8_t a, uint8_t b)
{
    unsigned d = a > b ? (unsigned)(a - b) : (unsigned)(b - a);
    return d > 128 ? 256 - d : d;
}

const char *sl_can_cs_name(uint8_t kind);
int sl_can_cs_parse(const char *name, uint8_t *kind);

/* The value the checksum byte should have for data[0..len). */
uint8_t sl_can_cs_expected(const struct sl_can_checksum *c, const uint8_t *data, unsigned len);

/* Searches payload samples (n frames of len bytes each, row-major in data)
 * for a byte that is a checksum of the others. Returns true with *out. */
bool sl_can_cs_search(const uint8_t *data, unsigned n, unsigned len, struct sl_can_checksum *out);

/* Searches the first 8 bytes of n payloads (be/le words) for up to max
 * counters, best first. Returns how many were found. */
unsigned sl_can_counter_search(const uint64_t *be, const uint64_t *le, unsigned n,
                               struct sl_can_counter *out, unsigned max);

#endif
