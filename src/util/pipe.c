/* pipe.c - a producer thread one ring of slots ahead of its consumer
 * (pipe.h). It knows nothing of what the slots hold. */
#include "util/pipe.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct sl_pipe {
    void *const *slots;
    size_t n;
    sl_pipe_fill_fn fill;
    void *ctx;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t filled, taken;  /* batches filled by the producer, taken by the consumer */
    bool done, stop;       /* producer: no more batches; consumer: stop producing */
    int rc;                /* the producer's end: 0 or -1 */
    struct sl_err err;     /* the producer's failure */
};

static void *produce(void *arg)
{
    struct sl_pipe *p = arg;
    for (size_t k = 0;; k++) {
        pthread_mutex_lock(&p->mu);
        /* A slot is free once the consumer has taken the batch after the one
         * it held: slot k % n held batch k - n, given back when k - n + 1 was taken. */
        while (!p->stop && k >= p->n && p->taken < k - p->n + 2)
            pthread_cond_wait(&p->cv, &p->mu);
        bool stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        struct sl_err err = {0};
        int rc = stop ? 0 : p->fill(p->ctx, k, p->slots[k % p->n], &err);
        pthread_mutex_lock(&p->mu);
        if (rc == 1) {
            p->filled++;
        } else {
            p->done = true;
            p->rc = rc < 0 ? -1 : 0;
            p->err = err;
        }
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (rc != 1)
            return NULL;
    }
}

struct sl_pipe *sl_pipe_start(void *const *slots, size_t n, sl_pipe_fill_fn fill, void *ctx,
                              struct sl_err *err)
{
    struct sl_pipe *p = calloc(1, sizeof *p);
    if (p == NULL || n < 2) {
        free(p);
        sl_err_set(err, n < 2 ? "a pipe needs two slots" : "out of memory");
        return NULL;
    }
    p->slots = slots;
    p->n = n;
    p->fill = fill;
    p->ctx = ctx;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    int e = pthread_create(&p->thread, NULL, produce, p);
    if (e != 0) {
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        free(p);
        sl_err_set(err, "cannot start a thread: %s", strerror(e));
        return NULL;
    }
    return p;
}

void *sl_pipe_take(struct sl_pipe *p, int *rc, struct sl_err *err)
{
    pthread_mutex_lock(&p->mu);
    while (p->filled <= p->taken && !p->done)
        pthread_cond_wait(&p->cv, &p->mu);
    void *slot = NULL;
    if (p->filled > p->taken) {
        slot = p->slots[p->taken % p->n];
        p->taken++; /* gives back the slot taken before */
        pthread_cond_broadcast(&p->cv);
        *rc = 1;
    } else {
        *rc = p->rc;
        if (p->rc < 0 && err != NULL)
            *err = p->err;
    }
    pthread_mutex_unlock(&p->mu);
    return slot;
}

void sl_pipe_stop(struct sl_pipe *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
