/* figcache.c - a small LRU of report figures (and their rendered HTML) keyed by
 * scope, date and the figures' head, each computed once however many ask
 * (figcache.h); nothing is ever stale past a change. */
#include "web/figcache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/str.h"

struct slot {
    char key[SL_NAME_MAX + 64];
    int64_t head;
    uint64_t used;
    json_t *figs;
    char *html;
    size_t html_len;
};

/* A computation under way: its key and head. */
struct flight {
    char key[SL_NAME_MAX + 64];
    int64_t head;
    bool busy;
};

static struct slot slots[WEB_FIGCACHE_SLOTS];
static struct flight flights[WEB_FIGCACHE_SLOTS];
static uint64_t clock_tick;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t landed = PTHREAD_COND_INITIALIZER;

/* The slot of key at head, or NULL (lock held). */
static struct slot *find(const char *key, int64_t head)
{
    for (size_t i = 0; i < WEB_FIGCACHE_SLOTS; i++)
        if (slots[i].figs != NULL && slots[i].head == head && strcmp(slots[i].key, key) == 0) {
            slots[i].used = ++clock_tick;
            return &slots[i];
        }
    return NULL;
}

static struct flight *flight_of(const char *key, int64_t head)
{
    for (size_t i = 0; i < WEB_FIGCACHE_SLOTS; i++)
        if (flights[i].busy && flights[i].head == head && strcmp(flights[i].key, key) == 0)
            return &flights[i];
    return NULL;
}

static struct flight *flight_start(const char *key, int64_t head)
{
    for (size_t i = 0; i < WEB_FIGCACHE_SLOTS; i++)
        if (!flights[i].busy) {
            sl_strlcpy(flights[i].key, key, sizeof flights[i].key);
            flights[i].head = head;
            flights[i].busy = true;
            return &flights[i];
        }
    return NULL;
}

/* Keeps figs (taken) and html (taken) for key at head (lock held). */
static void keep(const char *key, int64_t head, json_t *figs, char *html, size_t html_len)
{
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
    free(victim->html);
    sl_strlcpy(victim->key, key, sizeof victim->key);
    victim->head = head;
    victim->used = ++clock_tick;
    victim->figs = figs;
    victim->html = html;
    victim->html_len = html_len;
}

/* Computes, renders and keeps key at head (lock not held); a copy or NULL. */
static json_t *compute_and_keep(const char *key, int64_t head, web_fig_compute compute,
                                void *ctx, web_fig_render render, struct sl_err *err)
{
    json_t *figs = compute(ctx, err);
    if (figs == NULL)
        return NULL;
    struct sl_buf b;
    sl_buf_init(&b, 64 * 1024 * 1024);
    render(&b, figs);
    json_t *copy = json_deep_copy(figs);
    char *html = malloc(b.len + 1);
    pthread_mutex_lock(&lock);
    if (copy != NULL && html != NULL) {
        memcpy(html, b.data, b.len);
        html[b.len] = '\0';
        keep(key, head, copy, html, b.len);
    } else {
        json_decref(copy);
        free(html);
    }
    pthread_mutex_unlock(&lock);
    sl_buf_free(&b);
    return figs;
}

json_t *web_figcache_get(const char *key, int64_t head, web_fig_compute compute, void *ctx,
                         web_fig_render render, struct sl_err *err)
{
    pthread_mutex_lock(&lock);
    for (;;) {
        struct slot *s = find(key, head);
        if (s != NULL) {
            json_t *out = json_deep_copy(s->figs);
            pthread_mutex_unlock(&lock);
            return out;
        }
        if (flight_of(key, head) == NULL)
            break;
        pthread_cond_wait(&landed, &lock); /* another thread computes it */
    }
    struct flight *f = flight_start(key, head);
    pthread_mutex_unlock(&lock);
    json_t *out = compute_and_keep(key, head, compute, ctx, render, err);
    if (f != NULL) {
        pthread_mutex_lock(&lock);
        f->busy = false; /* waiters look again: kept, or they compute (it failed) */
        pthread_cond_broadcast(&landed);
        pthread_mutex_unlock(&lock);
    }
    return out;
}

int web_figcache_html(const char *key, int64_t head, struct sl_buf *b)
{
    pthread_mutex_lock(&lock);
    struct slot *s = find(key, head);
    int rc = s != NULL && s->html != NULL && sl_buf_append(b, s->html, s->html_len) == 0;
    pthread_mutex_unlock(&lock);
    return rc;
}

void web_figcache_clear(void)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < WEB_FIGCACHE_SLOTS; i++) {
        json_decref(slots[i].figs);
        free(slots[i].html);
        memset(&slots[i], 0, sizeof slots[i]);
    }
    pthread_mutex_unlock(&lock);
}
