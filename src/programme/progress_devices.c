/* progress_devices.c - the affected devices a report lists (progress.h), the
 * work first, read from the replayed state and the register. Changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programme/progress_internal.h"

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
    struct sl_device *d = malloc(sizeof *d);
    if (keys == NULL || d == NULL) {
        free(keys);
        free(d);
        return sl_err_set(err, "out of memory");
    }
    for (size_t i = 0; i < st->n; i++) {
        int sv = st->dv[i].status;
        if (sv < 0 || !st->dv[i].in_scope)
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
    size_t take = n;
    int ret = 0;
    for (size_t k = 0; k < take; k++) {
        size_t i = keys[k].d;
        int got = sl_store_device_get(s, (int64_t)(i), d, err);
        if (got < 0) {
            ret = -1;
            break;
        }
        if (got == 0)
            continue;
        struct sl_prog_device pd;
        memset(&pd, 0, sizeof pd);
        pd.d = d;
        pd.status = (enum sl_status)st->dv[i].status;
        pd.overdue = keys[k].prio == 1;
        struct ev_ctx ec = {pd.evidence, sizeof pd.evidence, 0};
        if (sl_store_evidence_list(s, (int64_t)(i), 8, ev_summary, &ec, err) != 0) {
            ret = -1;
            break;
        }
        pd.evidence_count = ec.count;
        if (cb(&pd, ctx) != 0)
            break;
    }
    free(keys);
    free(d);
    return ret;
}
