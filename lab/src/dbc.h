/* dbc.h - the part of a Vector DBC file the simulated CAN bus needs: messages
 * (id, name, length, sender), their signals (start bit, length, byte order,
 * sign, factor, offset, range) and GenMsgCycleTime. Everything else in the
 * file (comments, value tables, nodes, other attributes) is skipped.
 *
 * Bounded: a file of at most LAB_DBC_MAX_FILE bytes, LAB_DBC_MAX_MSGS messages,
 * LAB_DBC_MAX_SIGS signals a message; a signal that does not fit its message's
 * length is dropped. Multiplexed signals keep their multiplexer value.
 *
 * Memory: struct lab_dbc owns its arrays; lab_dbc_free releases them.
 */
#ifndef SL_LAB_DBC_H
#define SL_LAB_DBC_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

#define LAB_DBC_MAX_FILE (32u << 20)
#define LAB_DBC_MAX_MSGS 4096
#define LAB_DBC_MAX_SIGS 128
#define LAB_DBC_NAME 64

enum lab_sig_role { LAB_SIG_PLAIN, LAB_SIG_COUNTER, LAB_SIG_CHECKSUM, LAB_SIG_MUX };

struct lab_dbc_signal {
    char name[LAB_DBC_NAME];
    uint16_t start;
    uint8_t len;
    bool intel;         /* @1: little-endian; @0: Motorola */
    bool is_signed;
    int mux;            /* -1: not multiplexed; else the multiplexer value it belongs to */
    double factor, offset, min, max;
    enum lab_sig_role role;
    uint16_t pos[64];   /* where value bit i lies: byte * 8 + bit (bit 0 = LSB) */
};

struct lab_dbc_msg {
    uint32_t id;        /* without the extended flag */
    bool ext;
    char name[LAB_DBC_NAME];
    char sender[LAB_DBC_NAME];
    uint8_t dlc;
    uint32_t cycle_ms;  /* 0 = none given */
    unsigned nsig;
    struct lab_dbc_signal *sig;
};

struct lab_dbc {
    struct lab_dbc_msg *msg;
    unsigned n;
};

int lab_dbc_load(struct lab_dbc *d, const char *path, struct sl_err *err);
/* The same from text in memory (for tests and fuzzing); 0 or -1. */
int lab_dbc_parse(struct lab_dbc *d, const char *text, size_t len, struct sl_err *err);
void lab_dbc_free(struct lab_dbc *d);

/* Writes raw (the integer on the wire) into a payload at the signal's bits. */
void lab_dbc_put(const struct lab_dbc_signal *s, uint8_t *data, uint64_t raw);
uint64_t lab_dbc_get(const struct lab_dbc_signal *s, const uint8_t *data);
/* Fills s->pos from start, len and byte order; false when a bit falls outside
 * len bytes. */
bool lab_dbc_layout(struct lab_dbc_signal *s, unsigned len);

#endif
