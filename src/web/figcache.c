/* figcache.c - a small LRU of report figures keyed by scope, date and the audit
 * chain's head (figcache.h); nothing is ever stale past a change. */
#include "web/figcache.h"

#include <pthread.h>
#include <string.h>

#include "store/store.h"
#include "util/str.h"

struct slot {
    char key[SL_NAME_MAX + 64];
    int64_t head;
    uint64_t used;
    json_t *figs;
};

static struct slot slots[WEB_FIGCACHE_SLOTS];
static uint64_t clock_tick;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

json_t *web_figcache_get(const char *key, int64_t head)
{
    json_t *out = NULL;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < WEB_FIGCACHE_SLOTS; i++) {
        if (slots[i].figs != NULL && slots[i].head == head && strcmp(slots[i].key, key) == 0) {
            slots[i].used = ++clock_tick;
            out = json_deep_copy(slots[i].figs);
            break;
        }
    }
    pthread_mutex_unlock(&lock);
    return out;
}

void web_figcache_put(const char *key, int64_t head, const json_t *figs)
{
    json_t *copy = json_deep_copy(figs);
    if (copy == NULL)
        return;
    pthread_mutex_lock(&lock);
    struct slot *victim = &slots[0];
    for (size_t i = 0; i < WEB_FIGCACHE_SLOTS; i++) {
        if (slots[i].figs != NULL && strcmp(slots[i].key, key) == 0) {
            victim = &slots[i]; /* the same key at an older head */
            break;
        }
        if (slots[i].figs == NULL || slots[i].used < victim->used)
            victim = &slots[i];
    }
    json_decref(victim->figs);
    sl_strlcpy(victim->key, key, sizeof victim->key);
    victim->head = head;
    victim->used = ++clock_tick;
    victim->figs = copy;
    pthread_mutex_unlock(&lock);
}
