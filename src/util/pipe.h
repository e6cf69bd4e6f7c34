/* pipe.h - work done ahead on a second thread: a producer fills slots (a
 * ring the caller allocates) in order while the caller consumes the ones
 * filled before, so two stages of a long job (judging a fleet, writing it)
 * run on two cores.
 *
 * The producer's fill() is called on the pipe's thread with slot i of the
 * ring for batch k (k = 0, 1, ...); it returns 1 (filled), 0 (no more
 * batches) or -1 (failed: its err is handed to the consumer). The consumer
 * takes the batches in order; taking one gives back the one taken before.
 * Whatever fill() touches besides its slot must not be touched by the
 * consumer until sl_pipe_stop has returned. Memory: the pipe owns only
 * itself; slots are the caller's. Bounded: n slots in flight.
 */
#ifndef SL_UTIL_PIPE_H
#define SL_UTIL_PIPE_H

#include <stddef.h>

#include "util/err.h"

struct sl_pipe;

typedef int (*sl_pipe_fill_fn)(void *ctx, size_t batch, void *slot, struct sl_err *err);

/* Starts the producer over slots[0..n-1] (n >= 2). NULL and err on failure. */
struct sl_pipe *sl_pipe_start(void *const *slots, size_t n, sl_pipe_fill_fn fill, void *ctx,
                              struct sl_err *err);

/* The next filled slot, in order; NULL when there are no more (0 returned)
 * or the producer failed (-1 returned, err set from the producer's). */
void *sl_pipe_take(struct sl_pipe *p, int *rc, struct sl_err *err);

/* Stops the producer (at its next batch, if still running), joins it and
 * frees the pipe. */
void sl_pipe_stop(struct sl_pipe *p);

#endif
