/* alert.h - CAN alerts: the signatures, their deduplication, and the JSON
 * lines of the fixed interface (DESIGN.md §4), in the spirit of the network
 * monitor's EVE lines (monitor/alert.h):
 *
 *   {"v":1,"type":"can_alert","ts":1625906307.412579,"iface":"can0",
 *    "can_id":"0x0AA","detector":"period","signature_id":9100010,
 *    "signature":"SIGHTLINE CAN frames faster than the learned period",
 *    "severity":2,"count":1,"expected":"...","seen":"...","len":8,"data":"..."}
 *
 * ts is the frame's own time; can_id is null for alerts about the whole bus
 * (load, error frames) and "*" for the roll-up described below.
 *
 * Deduplication: the first occurrence of a (interface, id, signature) is
 * written at once with "count": 1. Later occurrences within the window
 * (default 10 s of frame time) are only counted; when the window has passed
 * (at the next occurrence, at a sweep, or at the end) one line with
 * "repeat": true, "count": how many, "first_ts" and the last occurrence's
 * ts and evidence is written. The counts of a key's lines add up to its
 * occurrences.
 *
 * Bounded: at most max_keys keys (default 4096; expired ones are swept out
 * when full), and at most max_new_per_s new keys per detector per second of
 * frame time (default 20): past either limit an occurrence is counted under
 * the detector's roll-up key (can_id "*"), so a fuzzer's thousands of ids
 * cost one line a window, not one each.
 *
 * Memory: struct sl_can_alerts owns its table; the FILE is the caller's.
 */
#ifndef SL_CAN_ALERT_H
#define SL_CAN_ALERT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Stable signature ids (docs/can.md). Never renumber; add at the end. */
enum {
    SL_CAN_SIG_UNKNOWN_ID = 9100001,
    SL_CAN_SIG_TOO_FAST = 9100010,   /* period: gap below the learned minimum (injection) */
    SL_CAN_SIG_RATE = 9100011,       /* period: more frames a second than learned (flooding) */
    SL_CAN_SIG_SILENT = 9100012,     /* period: an expected id went silent (suppression) */
    SL_CAN_SIG_DLC = 9100020,        /* dlc: a length not learned */
    SL_CAN_SIG_KIND = 9100021,       /* dlc: remote/FD where the id never was */
    SL_CAN_SIG_CONST_BITS = 9100030, /* payload: bits that never changed did */
    SL_CAN_SIG_RANGE = 9100031,      /* payload: a byte outside its learned range */
    SL_CAN_SIG_JUMP = 9100032,       /* payload: a byte jumped further than learned */
    SL_CAN_SIG_ENTROPY = 9100033,    /* payload: far more bits changed than learned (fuzzing) */
    SL_CAN_SIG_CHECKSUM = 9100034,   /* payload: the checksum byte is wrong */
    SL_CAN_SIG_FROZEN = 9100035,     /* payload: frames alike far longer than ever (a sender replaced) */
    SL_CAN_SIG_COUNTER_JUMP = 9100040, /* counter: not the next value */
    SL_CAN_SIG_COUNTER_REPEAT = 9100041, /* counter: the same value again (replay) */
    SL_CAN_SIG_LOAD = 9100050,       /* load: frames per 100 ms above the learned maximum */
    SL_CAN_SIG_ERRORS = 9100060,     /* error: an error-frame burst */
};

#define SL_CAN_KEY_BUS 0xFFFFFFFFu  /* alert about the bus, not one id */
#define SL_CAN_KEY_MANY 0xFFFFFFFEu /* the roll-up of one detector */

struct sl_can_sig {
    uint32_t id;
    const char *detector;  /* unknown_id|period|dlc|payload|counter|load|error */
    const char *signature;
    int severity;          /* 1 highest .. 3 */
};

/* NULL for an unknown id. The table ends with id 0. */
const struct sl_can_sig *sl_can_sig(uint32_t id);
extern const struct sl_can_sig sl_can_sigs[];

struct sl_can_alert {
    uint32_t sig_id;
    int64_t ts_us;
    uint8_t iface;          /* index (reader.h's table) */
    uint32_t key;           /* id | 0x80000000 for 29-bit; SL_CAN_KEY_BUS */
    const char *expected;   /* evidence: what the baseline says */
    const char *seen;       /* evidence: what came */
    const uint8_t *data;    /* the frame's payload, or NULL */
    uint8_t len;
};

struct sl_can_alerts_config {
    FILE *out;
    const char *const *iface_names; /* index -> name */
    unsigned n_ifaces;
    int64_t window_us;      /* 0 = 10 s */
    unsigned max_keys;      /* 0 = 4096 */
    unsigned max_new_per_s; /* 0 = 20 */
};

struct sl_can_alerts_stats {
    uint64_t raised, written, repeats, rolled_up;
    uint64_t by_detector[7]; /* raised, in the order unknown_id, period, dlc, payload, counter, load, error */
    int worst_severity;
};

struct sl_can_alerts;

struct sl_can_alerts *sl_can_alerts_new(const struct sl_can_alerts_config *cfg);
void sl_can_alerts_free(struct sl_can_alerts *a);

/* Returns 1 when a line was written for it, 0 when only counted. */
int sl_can_alerts_raise(struct sl_can_alerts *a, const struct sl_can_alert *al);
/* Writes the repeat lines of windows that closed before now_us. */
void sl_can_alerts_sweep(struct sl_can_alerts *a, int64_t now_us);
/* Writes every pending repeat line (end of input). */
void sl_can_alerts_flush(struct sl_can_alerts *a);
void sl_can_alerts_get_stats(const struct sl_can_alerts *a, struct sl_can_alerts_stats *out);

#endif
