/* figcache.h - the overview's figures, kept while the register does not change.
 *
 * Computing the programme's figures replays every lifecycle event (seconds on
 * millions); the figures change only when the register does, and every change
 * of what they read moves the figures' head (sl_store_figures_head: the newest
 * audit entry not about accounts, so a sign-in does not count). An entry is
 * keyed by scope and date and valid for one head: any change makes it stale.
 *
 * Computed once: while one thread computes a key at a head, the others asking
 * for it wait for that result instead of computing it again (at most
 * WEB_FIGCACHE_SLOTS computations in flight; past that a caller computes alone).
 * Each entry also keeps the overview's rendered HTML section of its figures,
 * so a page served from the cache is a copy, not a rendering.
 *
 * Shared by the worker threads (a mutex and a condition); bounded:
 * WEB_FIGCACHE_SLOTS entries, least recently used replaced. Entries are copied
 * in and out (the caller owns what it gets and keeps what it puts).
 */
#ifndef SL_WEB_FIGCACHE_H
#define SL_WEB_FIGCACHE_H

#include <jansson.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

#define WEB_FIGCACHE_SLOTS 32

/* Computes the figures of key (the caller's context says how): new JSON, or NULL with err. */
typedef json_t *(*web_fig_compute)(void *ctx, struct sl_err *err);
/* Renders figures as HTML into b (the overview's section). */
typedef void (*web_fig_render)(struct sl_buf *b, const json_t *figs);

/* A copy of the figures for key at head: the kept ones, else computed by
 * compute(ctx) once for every caller asking meanwhile, rendered with render
 * and kept. NULL with err when the computation failed. */
json_t *web_figcache_get(const char *key, int64_t head, web_fig_compute compute, void *ctx,
                         web_fig_render render, struct sl_err *err);
/* Appends the kept HTML of key at head to b: 1, or 0 when not kept. */
int web_figcache_html(const char *key, int64_t head, struct sl_buf *b);
/* Forgets every entry (tests, shutdown). */
void web_figcache_clear(void);

#endif
