/* progress_devices.c - the affected devices a report lists (progress.h), the
 * work first, read from the replayed state and the register, each with the
 * verdict that held on the as-of date. Changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programme/progress_internal.h"
#include "util/str.h"

struct dev_key {
    uint32_t d;
    uint8_t prio;
    int32_t site; /* rank of the site's name; sites come after devices with none */
};

static int cmp_dev_key(const void *a, const void *b)
{
    const struct dev_key *x = a, *y = b;
    if (x->prio != y->prio)
        return x->prio - y->prio;
    if (x->site != y->site)
        return (x->site > y->site) - (x->site < y->site);
    return (x->d > y->d) - (x->d < y->d);
}

/* A max-heap on cmp_dev_key: keys[0] is the last of those kept. */
static void key_heap_up(struct dev_key *h, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (cmp_dev_key(&h[parent], &h[i]) >= 0)
            break;
        struct dev_key t = h[parent];
        h[parent] = h[i];
        h[i] = t;
        i = parent;
    }
}

static void key_heap_down(struct dev_key *h, size_t n)
{
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && cmp_dev_key(&h[c + 1], &h[c]) > 0)
            c++;
        if (cmp_dev_key(&h[i], &h[c]) >= 0)
            break;
        struct dev_key t = h[c];
        h[c] = h[i];
        h[i] = t;
        i = c;
    }
}

struct ev_ctx {
    char *out;
    size_t n;
    int64_t count;
};

static int ev_summary(const struct sl_evidence_row *r, void *vctx)
{
    struct ev_ctx *c = vctx;
    c->count++;
    size_t used = strlen(c->out);
    if (used + 80 >= c->n)
        return 0;
    snprintf(c->out + used, c->n - used, "%s%s:%u %s%s%s", used ? "; " : "",
             sl_proto_name(r->ev.proto), (unsigned)r->ev.port,
             r->ev.request != NULL ? r->ev.request : "", r->ev.path != NULL ? " " : "",
             r->ev.path != NULL ? r->ev.path : "");
    used = strlen(c->out);
    snprintf(c->out + used, c->n - used, " (%s)", sl_outcome_name(r->ev.outcome));
    return 0;
}

/* The evidence summaries of one batch of devices, filled by one query. */
struct ev_batch {
    const int64_t *ids;
    size_t n;
    struct sl_prog_device *pd;
};

static int ev_batch_row(const struct sl_evidence_row *r, void *vctx)
{
    struct ev_batch *b = vctx;
    for (size_t j = 0; j < b->n; j++) {
        if (b->ids[j] != r->device_id)
            continue;
        struct ev_ctx ec = {b->pd[j].evidence, sizeof b->pd[j].evidence, b->pd[j].evidence_count};
        ev_summary(r, &ec);
        b->pd[j].evidence_count = ec.count;
    }
    return 0;
}

struct held {
    const char *until;
    struct sl_verdict *v;
    bool found;
};

static int held_cb(const struct sl_verdict_change *c, void *vctx)
{
    struct held *h = vctx;
    if (!c->verdict_changed)
        return 0;
    if (strcmp(c->at, h->until) > 0) {
        if (!h->found) { /* before its first change: what that change started from */
            memset(h->v, 0, sizeof *h->v);
            h->v->decision = c->from_decision;
            snprintf(h->v->policy, sizeof h->v->policy, "%s", c->from_policy);
            snprintf(h->v->deadline, sizeof h->v->deadline, "%s", c->from_deadline);
            h->found = true;
        }
        return 1;
    }
    memset(h->v, 0, sizeof *h->v);
    h->v->decision = c->to_decision;
    snprintf(h->v->policy, sizeof h->v->policy, "%s", c->to_policy);
    snprintf(h->v->deadline, sizeof h->v->deadline, "%s", c->to_deadline);
    snprintf(h->v->reason, sizeof h->v->reason, "%s", c->reason);
    snprintf(h->v->policy_version, sizeof h->v->policy_version, "%s", c->policy_version);
    h->found = true;
    return 0;
}

/* A device whose verdict has changed since the as-of date is listed with the
 * one that held then (the last change by that date), saying so. */
static int verdict_as_of(struct sl_store *s, const struct sl_prog_state *st, size_t i,
                         struct sl_device *d, struct sl_err *err)
{
    if (st->dv[i].decision == (int8_t)d->verdict.decision)
        return 0;
    struct sl_verdict now = d->verdict, then = d->verdict;
    struct held h = {st->as_of_end, &then, false};
    if (sl_store_verdict_history(s, d->id, held_cb, &h, err) != 0)
        return -1;
    if (!h.found)
        return 0;
    d->verdict = then;
    char note[sizeof then.reason + 128];
    snprintf(note, sizeof note, "%s (the verdict as of %.10s; %s since: see the verdict changes)",
             then.reason, st->as_of_end, sl_decision_name(now.decision));
    sl_strlcpy(d->verdict.reason, note, sizeof d->verdict.reason);
    return 0;
}

/* Hands the chosen devices to cb in order, reading them SL_DEVICE_BATCH at a
 * time (two queries a batch: a remote server is not asked twice per device). */
static int list_batches(struct sl_store *s, const struct sl_prog_state *st,
                        const struct dev_key *keys, size_t take, struct sl_device *d,
                        sl_prog_device_cb cb, void *ctx, struct sl_err *err)
{
    int64_t ids[SL_DEVICE_BATCH];
    bool found[SL_DEVICE_BATCH];
    struct sl_prog_device pd[SL_DEVICE_BATCH];
    for (size_t k0 = 0; k0 < take; k0 += SL_DEVICE_BATCH) {
        size_t m = take - k0 < SL_DEVICE_BATCH ? take - k0 : SL_DEVICE_BATCH;
        memset(pd, 0, m * sizeof pd[0]);
        for (size_t j = 0; j < m; j++)
            ids[j] = (int64_t)keys[k0 + j].d;
        struct ev_batch eb = {ids, m, pd};
        if (sl_store_device_get_many(s, ids, m, d, found, err) != 0 ||
            sl_store_evidence_list_many(s, ids, m, 8, ev_batch_row, &eb, err) != 0)
            return -1;
        for (size_t j = 0; j < m; j++) {
            if (!found[j])
                continue;
            size_t i = keys[k0 + j].d;
            if (verdict_as_of(s, st, i, &d[j], err) != 0)
                return -1;
            pd[j].d = &d[j];
            pd[j].status = (enum sl_status)st->dv[i].status;
            pd[j].overdue = keys[k0 + j].prio == 1;
            if (cb(&pd[j], ctx) != 0)
                return 0;
        }
    }
    return 0;
}

int sl_progress_devices(struct sl_store *s, const struct sl_progress *p, int64_t limit,
                        sl_prog_device_cb cb, void *ctx, struct sl_err *err)
{
    const struct sl_prog_state *st = p->state;
    if (limit <= 0)
        return 0;
    size_t n = 0;
    /* Only the first `limit` in order are wanted: keep them in a max-heap of that
     * size (n log limit) rather than sorting every affected device. */
    size_t cap = (uint64_t)limit < st->n ? (size_t)limit : st->n;
    struct dev_key *keys = malloc((cap + 1) * sizeof *keys);
    struct sl_device *d = malloc(SL_DEVICE_BATCH * sizeof *d);
    if (keys == NULL || d == NULL) {
        free(keys);
        free(d);
        return sl_err_set(err, "out of memory");
    }
    for (size_t i = 0; i < st->n; i++) {
        int sv = st->dv[i].status;
        if (!prog_counted(&st->dv[i]) || !st->dv[i].in_scope)
            continue;
        uint8_t prio = sv == SL_STATUS_REAPPEARED           ? 0
                       : prog_is_overdue(st, i)                  ? 1
                       : sv == SL_STATUS_EXEMPT             ? 3
                       : sv == SL_STATUS_REMOVED            ? 4
                       : sv == SL_STATUS_VERIFIED_ABSENT    ? 5
                                                            : 2;
        struct dev_key k = {(uint32_t)i, prio,
                            st->dv[i].site >= 0 ? st->site_rank[st->dv[i].site] : -1};
        if (n < cap) {
            keys[n++] = k;
            key_heap_up(keys, n - 1);
        } else if (cap > 0 && cmp_dev_key(&k, &keys[0]) < 0) {
            keys[0] = k;
            key_heap_down(keys, n);
        }
    }
    if (n > 1)
        qsort(keys, n, sizeof *keys, cmp_dev_key);
    int ret = list_batches(s, st, keys, n, d, cb, ctx, err);
    free(keys);
    free(d);
    return ret;
}
