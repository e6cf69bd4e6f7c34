/* watch.h - the CAN intrusion detector: frames in, alerts (alert.h) out,
 * judged against a baseline (baseline.h). Each check, what it catches and
 * what it cannot, is in docs/can.md:
 *
 *   unknown_id  an id the baseline does not know
 *   period      faster than the learned shortest gap (injection, spoofing,
 *               replay beside the real sender); more frames in a second than
 *               learned (flooding); a periodic id silent for longer than
 *               learned (suppression, and the first sign of a masquerade)
 *   dlc         a length, or a remote/FD frame, the id never had
 *   payload     bits that never changed, a byte outside its learned range or
 *               jumping further than learned, far more changed bits than
 *               learned (fuzzing), a wrong checksum byte
 *   counter     a message counter that skips or repeats (replay, masquerade)
 *   load        more frames in 100 ms than the bus ever carried (DoS)
 *   error       an error-frame burst
 *
 * Time is the frames' own: silences are noticed when a later frame (or
 * sl_can_watch_tick in live capture) shows the time has passed.
 *
 * Cost per frame: a table look-up, a few comparisons per payload byte, O(1)
 * timer upkeep (a wheel of 1 ms slots). Memory: fixed by the baseline's size
 * (about 100 bytes per learned id plus the alert table); nothing per unknown id.
 *
 * Memory: struct sl_can_watch borrows the baseline and the alerts (they must
 * outlive it) and owns its per-id state.
 */
#ifndef SL_CAN_WATCH_H
#define SL_CAN_WATCH_H

#include "can/alert.h"
#include "can/baseline.h"
#include "can/frame.h"

struct sl_can_watch;

struct sl_can_watch_stats {
    uint64_t frames, error_frames, unknown_frames;
    int64_t first_us, last_us;
};

struct sl_can_watch *sl_can_watch_new(const struct sl_can_baseline *b, struct sl_can_alerts *alerts);
void sl_can_watch_free(struct sl_can_watch *w);

void sl_can_watch_frame(struct sl_can_watch *w, const struct sl_can_frame *f);
/* Lets time pass without a frame (live capture on a quiet bus). */
void sl_can_watch_tick(struct sl_can_watch *w, int64_t now_us);
/* Between files: gaps, counters and silences are not judged across it. */
void sl_can_watch_break(struct sl_can_watch *w);

void sl_can_watch_get_stats(const struct sl_can_watch *w, struct sl_can_watch_stats *out);

#endif
