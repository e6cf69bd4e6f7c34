/* baseline.h - what a clean CAN bus looks like: the model `can learn` writes
 * and `can watch` checks against, and its JSON form (human-readable; every
 * threshold the detectors use is written out so it can be read and edited).
 *
 * Per identifier: the lengths and frame kinds seen; the gaps between frames
 * (mean, spread, shortest, longest) and whether the id is periodic, with the
 * gap below which frames come too fast and the silence after which it is
 * missing; the most frames in any second; per payload byte the bits that never
 * changed and their values, the value range and the largest jump between
 * consecutive frames; the largest number of bits that changed between
 * consecutive frames; the longest run of frames alike but for their counters
 * and checksum; counters (which bits step, by what, modulo what) and a
 * checksum byte. For the bus: frames and estimated bits per 100 ms (mean and
 * most), error frames per second (most), the set of known ids.
 *
 * Bounded: at most SL_CAN_MAX_IDS ids (a baseline file with more is refused);
 * payload models cover at most SL_CAN_MODEL_BYTES bytes. The JSON reader
 * refuses files over 64 MiB, and checks every number's range.
 *
 * Memory: struct sl_can_baseline owns its id array and index.
 */
#ifndef SL_CAN_BASELINE_H
#define SL_CAN_BASELINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "can/frame.h"
#include "can/payload.h"
#include "util/err.h"

#define SL_CAN_MAX_IDS 8192
#define SL_CAN_MODEL_BYTES 64
#define SL_CAN_MAX_COUNTERS 2

struct sl_can_id_model {
    uint32_t key;        /* id | 0x80000000 for 29-bit ids */
    uint64_t frames;
    uint8_t kinds;       /* SL_CAN_F_RTR | SL_CAN_F_FD seen */
    uint64_t lens;       /* bit n: a length n seen (0..63) */
    bool len64;
    /* timing (microseconds) */
    uint64_t gaps;
    double gap_mean, gap_std;
    int64_t gap_min, gap_max;
    bool periodic;
    int64_t too_fast;    /* a gap shorter than this is an injection (periodic ids; 0 = off) */
    int64_t silent;      /* no frame for this long: suppressed (periodic ids; 0 = off) */
    uint32_t max_per_s;  /* most frames in one second */
    uint32_t rate_limit; /* more than this in one second: flooding */
    /* payload (models only ids with at least SL_CAN_MIN_PAYLOAD frames) */
    bool payload;
    uint8_t nbytes;      /* bytes modelled */
    uint8_t cmask[SL_CAN_MODEL_BYTES], cval[SL_CAN_MODEL_BYTES]; /* bits that never changed */
    uint8_t vmin[SL_CAN_MODEL_BYTES], vmax[SL_CAN_MODEL_BYTES];
    uint8_t jump[SL_CAN_MODEL_BYTES]; /* largest change between consecutive frames, on a
                                         circle of 256 (0xFF -> 0x00 is 1) */
    uint8_t max_hamming;
    uint8_t hamming_limit; /* more changed bits than this: a random (fuzzed) payload */
    uint32_t max_same_run; /* most consecutive frames alike but for counters and checksum */
    uint32_t same_limit;   /* more alike in a row than this: a frozen sender (0 = off) */
    uint8_t n_counters;
    struct sl_can_counter counter[SL_CAN_MAX_COUNTERS];
    struct sl_can_checksum cs; /* kind NONE = none found */
};

#define SL_CAN_MIN_PAYLOAD 20

struct sl_can_bus_model {
    uint64_t frames, error_frames;
    int64_t first_us, last_us;
    double win_frames_mean, win_bits_mean; /* per 100 ms window */
    uint32_t win_frames_max, win_bits_max;
    uint32_t load_limit_frames;            /* more in 100 ms: a load spike */
    uint32_t errors_max_per_s, errors_limit;
    uint32_t bitrate;                      /* for the load percentage shown; 0 = unknown */
};

struct sl_can_baseline {
    struct sl_can_bus_model bus;
    struct sl_can_id_model *ids; /* sorted by key */
    size_t n;
    int32_t sff[2048];           /* index into ids for 11-bit ids, -1 = unknown */
    uint32_t *ext_keys;          /* open-addressed table of 29-bit keys -> index */
    int32_t *ext_idx;
    size_t ext_mask;
    char iface[32];              /* the interface learned from, "" if several */
    json_t *sources;             /* the files it was learned from (array of strings) */
};

/* Builds the look-up index after ids were filled and sorted. 0 or -1. */
int sl_can_baseline_index(struct sl_can_baseline *b, struct sl_err *err);
void sl_can_baseline_free(struct sl_can_baseline *b);

/* The model of a key, NULL when unknown. */
static inline const struct sl_can_id_model *sl_can_baseline_find(const struct sl_can_baseline *b,
                                                                  uint32_t key)
{
    if (!(key & 0x80000000u)) {
        int32_t i = key < 2048 ? b->sff[key] : -1;
        return i >= 0 ? &b->ids[i] : NULL;
    }
    if (b->ext_keys == NULL)
        return NULL;
    for (size_t s = (key * 2654435761u) & b->ext_mask;; s = (s + 1) & b->ext_mask) {
        if (b->ext_keys[s] == 0)
            return NULL;
        if (b->ext_keys[s] == key)
            return &b->ids[b->ext_idx[s]];
    }
}

json_t *sl_can_baseline_to_json(const struct sl_can_baseline *b);
int sl_can_baseline_from_json(struct sl_can_baseline *b, const json_t *j, struct sl_err *err);
int sl_can_baseline_save(const struct sl_can_baseline *b, const char *path, struct sl_err *err);
int sl_can_baseline_load(struct sl_can_baseline *b, const char *path, struct sl_err *err);

#endif
