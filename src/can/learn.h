/* learn.h - learning a baseline (baseline.h) from clean traffic, one frame at
 * a time, in one pass: counters and checksums are searched for in each id's
 * first SL_CAN_LEARN_SAMPLE frames and then checked against every later frame
 * (a candidate that a later frame contradicts more than rarely is dropped).
 *
 * Bounded: at most SL_CAN_MAX_IDS ids are learned (further ids are counted,
 * not kept: a hostile bus cannot grow memory); about 2.5 KiB per id.
 *
 * Memory: struct sl_can_learner owns its accumulators; the baseline filled by
 * sl_can_learn_finish is the caller's (sl_can_baseline_free).
 */
#ifndef SL_CAN_LEARN_H
#define SL_CAN_LEARN_H

#include "can/baseline.h"
#include "can/frame.h"

#define SL_CAN_LEARN_SAMPLE 256

struct sl_can_learner;

struct sl_can_learn_stats {
    uint64_t frames, ids, ids_dropped, error_frames;
};

struct sl_can_learner *sl_can_learner_new(void);
void sl_can_learner_free(struct sl_can_learner *l);

void sl_can_learn_frame(struct sl_can_learner *l, const struct sl_can_frame *f);
/* Call between files: gaps are not measured across the boundary. */
void sl_can_learn_break(struct sl_can_learner *l);

/* Fills b (thresholds derived, index built). iface: the interface name to
 * record ("" when several). bitrate: 0 = unknown. 0 or -1. */
int sl_can_learn_finish(struct sl_can_learner *l, struct sl_can_baseline *b, const char *iface,
                        uint32_t bitrate, struct sl_err *err);

void sl_can_learn_get_stats(const struct sl_can_learner *l, struct sl_can_learn_stats *out);

#endif
