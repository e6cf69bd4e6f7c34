/* figcache.h - the overview's figures, kept while the register does not change.
 *
 * Computing the programme's figures replays every lifecycle event (seconds on
 * millions); the figures change only when the register does, and every change
 * of the register moves the audit chain's head. So an entry is keyed by scope
 * and date and valid for one head: any change makes it stale. Shared by the
 * worker threads (a mutex); bounded: WEB_FIGCACHE_SLOTS entries, least
 * recently used replaced. Entries are copied in and out (the caller owns what
 * it gets and keeps what it puts).
 */
#ifndef SL_WEB_FIGCACHE_H
#define SL_WEB_FIGCACHE_H

#include <jansson.h>
#include <stdint.h>

#define WEB_FIGCACHE_SLOTS 32

/* A copy of the figures for key at head, or NULL. */
json_t *web_figcache_get(const char *key, int64_t head);
/* Keeps a copy of figs for key at head. */
void web_figcache_put(const char *key, int64_t head, const json_t *figs);

#endif
