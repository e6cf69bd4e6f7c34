/* agent_writer.c - a queue of checked agent batches and the threads that
 * apply them, a group a transaction. Checking and answering are agent_api.c's. */
#include "web/agent_writer.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

#define MAX_WRITERS 8

struct entry {
    struct sl_batch_job *job;
    void (*done)(void *ctx);
    void *ctx;
};

struct agent_writer {
    char db[1024];
    const struct sl_ident *ident;
    const struct sl_policy_set *policy;
    pthread_mutex_t lock;
    pthread_cond_t more;
    struct entry q[AGENT_WRITER_QUEUE]; /* a ring */
    size_t head, n;
    bool stopping;
    pthread_t t[MAX_WRITERS];
    unsigned n_t;
};

int agent_writer_submit(struct agent_writer *w, struct sl_batch_job *job,
                        void (*done)(void *ctx), void *ctx)
{
    pthread_mutex_lock(&w->lock);
    bool ok = !w->stopping && w->n < AGENT_WRITER_QUEUE;
    if (ok) {
        w->q[(w->head + w->n) % AGENT_WRITER_QUEUE] = (struct entry){job, done, ctx};
        w->n++;
        pthread_cond_signal(&w->more);
    }
    pthread_mutex_unlock(&w->lock);
    return ok ? 0 : -1;
}

/* The next group from the queue (at least one entry, then as many as fit),
 * or 0 when stopping with nothing left. Called with the lock held. */
static size_t take_group(struct agent_writer *w, struct entry *g)
{
    while (w->n == 0 && !w->stopping)
        pthread_cond_wait(&w->more, &w->lock);
    size_t k = 0, hosts = 0;
    while (w->n > 0 && k < AGENT_WRITER_GROUP) {
        struct entry *e = &w->q[w->head];
        size_t h = e->job->res.hosts;
        if (k > 0 && hosts + h > AGENT_WRITER_GROUP_HOSTS)
            break;
        hosts += h;
        g[k++] = *e;
        w->head = (w->head + 1) % AGENT_WRITER_QUEUE;
        w->n--;
    }
    return k;
}

/* Every job of a group failed with err (the register could not be opened). */
static void fail_group(struct entry *g, size_t k, const struct sl_err *err)
{
    for (size_t i = 0; i < k; i++) {
        g[i].job->rc = -1;
        g[i].job->err = *err;
    }
}

static void *writer_main(void *arg)
{
    struct agent_writer *w = arg;
    struct sl_store *s = NULL;
    struct entry g[AGENT_WRITER_GROUP];
    struct sl_batch_job *jobs[AGENT_WRITER_GROUP];
    struct sl_scan_opts so;
    memset(&so, 0, sizeof so);
    so.ident = w->ident;
    so.policy = w->policy;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        size_t k = take_group(w, g);
        pthread_mutex_unlock(&w->lock);
        if (k == 0)
            break;
        struct sl_err err = {0};
        if (s == NULL && sl_store_open(&s, w->db, 0, &err) != 0) {
            fprintf(stderr, "sightline serve: agent endpoint: a writer cannot open the register: %s\n",
                    err.msg);
            s = NULL;
            fail_group(g, k, &err);
        } else {
            for (size_t i = 0; i < k; i++)
                jobs[i] = g[i].job;
            if (sl_batch_apply_group(s, jobs, k, &so, &err) != 0)
                fprintf(stderr, "sightline serve: agent endpoint: a group of %zu batches failed "
                                "(%s): applied one by one\n", k, err.msg);
        }
        for (size_t i = 0; i < k; i++)
            g[i].done(g[i].ctx);
    }
    if (s != NULL)
        sl_store_close(s);
    return NULL;
}

int agent_writer_start(struct agent_writer **out, const char *db, unsigned n,
                       const struct sl_ident *ident, const struct sl_policy_set *policy,
                       struct sl_err *err)
{
    struct agent_writer *w = calloc(1, sizeof *w);
    if (w == NULL)
        return sl_err_set(err, "out of memory");
    sl_strlcpy(w->db, db, sizeof w->db);
    w->ident = ident;
    w->policy = policy;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->more, NULL);
    n = n < 1 ? 1 : n > MAX_WRITERS ? MAX_WRITERS : n;
    for (; w->n_t < n; w->n_t++)
        if (pthread_create(&w->t[w->n_t], NULL, writer_main, w) != 0) {
            agent_writer_stop(w);
            return sl_err_set(err, "cannot start the batch writers");
        }
    *out = w;
    return 0;
}

void agent_writer_stop(struct agent_writer *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_broadcast(&w->more);
    pthread_mutex_unlock(&w->lock);
    for (unsigned i = 0; i < w->n_t; i++)
        pthread_join(w->t[i], NULL);
    pthread_cond_destroy(&w->more);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
