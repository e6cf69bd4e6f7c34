/* progress_replay.c - the lifecycle and verdict histories replayed once, in
 * time order (progress_internal.h): each tracked device's status and verdict
 * through time, counted per group while its verdict makes it affected, with a
 * snapshot of every group at each week's end and each milestone's due date.
 * Exemptions fall back when they expire. The verdict history is read ahead a
 * bounded page at a time, merged into the stream of lifecycle events. Each
 * lifecycle event is applied PROG_EVENT_AHEAD rows after it is read, its
 * device's state prefetched meanwhile: on a large register that cache miss was
 * most of the replay's time. Reads events; draws no conclusion from them. */
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/str.h"
#include "programme/progress_internal.h"

static void heap_push(struct replay *r, struct expiry e)
{
    if (SL_GROW(r->heap, r->cap_heap, r->n_heap + 1, 256) != 0) {
        r->failed = 1;
        return;
    }
    size_t i = r->n_heap++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (r->heap[parent].t <= e.t)
            break;
        r->heap[i] = r->heap[parent];
        i = parent;
    }
    r->heap[i] = e;
}

static struct expiry heap_pop(struct replay *r)
{
    struct expiry top = r->heap[0];
    struct expiry last = r->heap[--r->n_heap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= r->n_heap)
            break;
        if (c + 1 < r->n_heap && r->heap[c + 1].t < r->heap[c].t)
            c++;
        if (last.t <= r->heap[c].t)
            break;
        r->heap[i] = r->heap[c];
        i = c;
    }
    if (r->n_heap > 0)
        r->heap[i] = last;
    return top;
}

static size_t device_groups(const struct replay *r, size_t di, size_t out[5])
{
    const struct sl_prog_state *st = r->st;
    size_t n = 0;
    if (st->dv[di].in_scope)
        out[n++] = G_SCOPE;
    out[n++] = G_ALL;
    int32_t si = st->dv[di].site;
    if (si >= 0) {
        const struct site_info *s = &st->sites[si];
        out[n++] = G_TIER + (size_t)s->tier;
        out[n++] = G_DEPT + (size_t)s->dept;
        if (s->group >= 0)
            out[n++] = (size_t)s->group;
    }
    return n;
}

static void set_status(struct replay *r, size_t di, int to)
{
    struct sl_prog_state *st = r->st;
    int from = st->dv[di].status;
    st->dv[di].fell_back = 0;
    if (from == to)
        return;
    if (!st->dv[di].affected) {
        st->dv[di].status = (int8_t)to;
        return;
    }
    size_t g[5];
    size_t ng = device_groups(r, di, g);
    bool was = from >= 0 && sl_status_is_replaced((enum sl_status)from);
    bool now = sl_status_is_replaced((enum sl_status)to);
    for (size_t i = 0; i < ng; i++) {
        struct group *gr = &r->groups[g[i]];
        if (from >= 0)
            gr->by_status[from]--;
        else
            gr->existing++;
        gr->by_status[to]++;
        if (now && !was)
            gr->removals++;
    }
    st->dv[di].status = (int8_t)to;
}

/* A device's verdict changes: it enters or leaves the groups' counts with the
 * status it has (removals already counted stay counted). */
static void set_verdict(struct replay *r, size_t di, const struct vchange *v)
{
    struct dstate *dv = &r->st->dv[di];
    bool aff = prog_decision_affects((enum sl_decision)v->decision);
    dv->decision = v->decision;
    dv->deadline = v->decision == SL_DECISION_REPLACE_BY ? v->deadline : 0;
    if (aff == dv->affected)
        return;
    dv->affected = aff;
    if (dv->status < 0)
        return;
    size_t g[5];
    size_t ng = device_groups(r, di, g);
    for (size_t i = 0; i < ng; i++) {
        struct group *gr = &r->groups[g[i]];
        gr->existing += aff ? 1 : -1;
        gr->by_status[dv->status] += aff ? 1 : -1;
    }
}

static void expire_until(struct replay *r, int64_t t)
{
    struct sl_prog_state *st = r->st;
    while (r->n_heap > 0 && r->heap[0].t <= t) {
        struct expiry e = heap_pop(r);
        if (st->dv[e.dev].status == SL_STATUS_EXEMPT && st->dv[e.dev].exempt_until == e.until) {
            set_status(r, e.dev, st->dv[e.dev].pre_exempt);
            st->dv[e.dev].fell_back = 1;
        }
    }
}

static void snapshots_before(struct replay *r, int64_t t, bool inclusive)
{
    while (r->next_point < r->n_points &&
           (inclusive ? r->points[r->next_point].t <= t : r->points[r->next_point].t < t)) {
        int64_t pt = r->points[r->next_point].t;
        expire_until(r, pt);
        memcpy(r->snap + r->next_point * r->n_groups, r->groups, r->n_groups * sizeof *r->groups);
        r->next_point++;
    }
}

static int vchange_cb(const struct sl_verdict_replay_row *row, void *vctx)
{
    struct replay *r = vctx;
    int64_t t;
    if (row->device_id <= 0 || row->device_id > r->st->max_id ||
        !r->st->dv[row->device_id].tracked || sl_time_parse(row->at, &t) != 0)
        return 0; /* a device made after the replay started, or an unreadable time */
    r->vq[r->vq_n++] = (struct vchange){t, (uint32_t)row->device_id, prog_day(row->to_deadline),
                                        (int8_t)row->to_decision};
    return r->vq_n == PROG_VCHANGE_BUF;
}

/* Applies the verdict changes up to time t (inclusive), reading the next page
 * of them when the look-ahead runs dry. */
static void verdicts_until(struct replay *r, int64_t t)
{
    for (;;) {
        if (r->vq_pos == r->vq_n) {
            if (r->v_done || r->store_failed)
                return;
            r->vq_n = r->vq_pos = 0;
            if (sl_store_verdict_replay(r->s, r->st->as_of_end, r->v_at, &r->v_id, vchange_cb,
                                        r, r->err) != 0) {
                r->store_failed = 1;
                return;
            }
            r->v_done = r->vq_n < PROG_VCHANGE_BUF;
            if (r->vq_n == 0)
                return;
        }
        const struct vchange *v = &r->vq[r->vq_pos];
        if (v->t > t)
            return;
        snapshots_before(r, v->t, false);
        expire_until(r, v->t);
        set_verdict(r, v->dev, v);
        r->vq_pos++;
    }
}

/* An exemption starts (or is renewed): remember what to fall back to and when. */
static void exempt(struct replay *r, size_t d, int32_t until)
{
    struct dstate *dv = &r->st->dv[d];
    int cur = dv->status;
    if (cur != SL_STATUS_EXEMPT)
        dv->pre_exempt = (int8_t)(cur <= SL_STATUS_DISCOVERED ? SL_STATUS_CONFIRMED : cur);
    dv->exempt_until = until;
    if (dv->exempt_until != 0)
        heap_push(r, (struct expiry){(int64_t)(dv->exempt_until + 1) * 86400, (uint32_t)d,
                                     dv->exempt_until});
    if (dv->status == SL_STATUS_EXEMPT)
        dv->fell_back = 0;
}

/* Applies one lifecycle event; nonzero stops the replay. */
static int apply_event(struct replay *r, const struct pending_event *e)
{
    struct sl_prog_state *st = r->st;
    size_t d = e->dev;
    if (!st->dv[d].tracked)
        return 0;
    if (e->to < 0) {
        /* No lifecycle has this status: the history cannot be replayed honestly. */
        r->bad_event = (int64_t)d;
        sl_strlcpy(r->bad_status, r->ahead_bad[e - r->ahead], sizeof r->bad_status);
        return 1;
    }
    verdicts_until(r, e->t);
    if (r->store_failed)
        return 1;
    snapshots_before(r, e->t, false);
    expire_until(r, e->t);
    if (e->to == SL_STATUS_EXEMPT)
        exempt(r, d, e->exempt_until);
    if (e->to == SL_STATUS_SCHEDULED)
        st->dv[d].sched = e->sched;
    set_status(r, d, e->to);
    return r->failed;
}

/* Applies the oldest event waiting in the ring (there is one); nonzero stops. */
static int apply_oldest(struct replay *r)
{
    const struct pending_event *e = &r->ahead[r->ahead_head];
    r->ahead_head = (r->ahead_head + 1) % PROG_EVENT_AHEAD;
    r->ahead_n--;
    return apply_event(r, e); /* e's slot is refilled only after this */
}

/* Applies the events still waiting in the ring, oldest first. */
static int apply_ahead(struct replay *r)
{
    int stop = 0;
    while (stop == 0 && r->ahead_n > 0)
        stop = apply_oldest(r);
    return stop;
}

static int replay_cb(const struct sl_replay_row *row, void *vctx)
{
    struct replay *r = vctx;
    struct sl_prog_state *st = r->st;
    if (row->device_id <= 0 || row->device_id > st->max_id)
        return 0;
    enum sl_status to;
    bool bad = sl_status_from_name(row->to_status, &to) != 0;
    int64_t t;
    if (!bad && sl_time_parse(row->at, &t) != 0)
        return 0; /* an unreadable event cannot be placed in time: skipped */
    /* The oldest waiting event is applied first, so the order is the history's. */
    if (r->ahead_n == PROG_EVENT_AHEAD) {
        int stop = apply_oldest(r);
        if (stop)
            return stop;
    }
    __builtin_prefetch(&st->dv[row->device_id], 1);
    size_t slot = (r->ahead_head + r->ahead_n) % PROG_EVENT_AHEAD;
    if (bad) /* an error only if the device is tracked: told when applied */
        sl_strlcpy(r->ahead_bad[slot], row->to_status, sizeof r->ahead_bad[slot]);
    r->ahead[slot] = (struct pending_event){
        bad ? 0 : t, (uint32_t)row->device_id,
        !bad && to == SL_STATUS_EXEMPT ? prog_day(row->exempt_until) : 0,
        !bad && to == SL_STATUS_SCHEDULED ? prog_day(row->scheduled_for) : 0,
        bad ? (int8_t)-1 : (int8_t)to};
    r->ahead_n++;
    return 0;
}

static int cmp_point(const void *a, const void *b)
{
    const struct point *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

int prog_plan_points(struct sl_store *s, struct prog_work *w, struct sl_err *err)
{
    struct replay *r = &w->r;
    char first[SL_ISO_LEN];
    if (sl_store_event_first_at(s, first, err) != 0)
        return -1;
    int64_t first_t;
    if (first[0] == '\0' || sl_time_parse(first, &first_t) != 0 || first_t > w->end_t)
        first_t = w->end_t;
    int64_t n_weeks = (w->end_t - first_t) / (7 * 86400) + 1;
    if (n_weeks > SL_PROG_MAX_WEEKS)
        n_weeks = SL_PROG_MAX_WEEKS;
    w->n_weeks = (size_t)n_weeks;
    r->points = calloc(w->n_weeks + w->n_ms + 1, sizeof *r->points);
    w->week_point = calloc(w->n_weeks, sizeof *w->week_point);
    if (r->points == NULL || w->week_point == NULL)
        return prog_oom(err);
    for (int64_t k = 0; k < n_weeks; k++)
        r->points[r->n_points++] =
            (struct point){w->end_t - k * 7 * 86400, (int)(n_weeks - 1 - k), -1};
    for (size_t i = 0; i < w->n_ms; i++) {
        int64_t due;
        if (sl_time_parse_end_of_day(w->ms[i].m.due, &due) == 0 && due <= w->end_t)
            r->points[r->n_points++] = (struct point){due, -1, (int)i};
    }
    if (r->n_points > 1)
        qsort(r->points, r->n_points, sizeof *r->points, cmp_point);
    r->groups = calloc(r->n_groups, sizeof *r->groups);
    r->snap = calloc(r->n_points * r->n_groups, sizeof *r->snap);
    if (r->groups == NULL || r->snap == NULL)
        return prog_oom(err);
    r->st = w->st;
    r->s = s;
    r->err = err;
    r->vq = calloc(PROG_VCHANGE_BUF, sizeof *r->vq);
    if (r->vq == NULL)
        return prog_oom(err);
    return 0;
}

int prog_replay(struct sl_store *s, struct prog_work *w, struct sl_err *err)
{
    struct replay *r = &w->r;
    if (sl_store_event_replay(s, w->st->as_of_end, replay_cb, r, err) != 0 || r->store_failed)
        return -1;
    if (r->bad_event == 0 && !r->failed)
        (void)apply_ahead(r);
    if (r->store_failed)
        return -1;
    verdicts_until(r, w->end_t);
    if (r->store_failed)
        return -1;
    if (r->failed)
        return prog_oom(err);
    if (r->bad_event != 0)
        return sl_err_set(err, "device %lld has a lifecycle event to '%s', which is not a status",
                          (long long)r->bad_event, r->bad_status);
    snapshots_before(r, w->end_t, true);
    expire_until(r, w->end_t);
    w->ms_point = calloc(w->n_ms + 1, sizeof *w->ms_point);
    if (w->ms_point == NULL)
        return prog_oom(err);
    for (size_t i = 0; i < w->n_ms; i++)
        w->ms_point[i] = -1;
    for (size_t i = 0; i < r->n_points; i++) {
        if (r->points[i].week >= 0)
            w->week_point[r->points[i].week] = (int)i;
        else
            w->ms_point[r->points[i].milestone] = (int)i;
    }
    return 0;
}
