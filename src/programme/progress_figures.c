/* progress_figures.c - the figures from the replayed state (progress_internal.h):
 * counts by tier, department and site as of the date, the weeks, the
 * forecasts with their projection, and each milestone's status. Reads no
 * register; computes, allocates the result's arrays. */
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "programme/progress_internal.h"

void prog_counts_finish(struct sl_prog_counts *c)
{
    c->replaced = c->by_status[SL_STATUS_REMOVED] + c->by_status[SL_STATUS_VERIFIED_ABSENT];
    c->verified = c->by_status[SL_STATUS_VERIFIED_ABSENT];
    c->exempt = c->by_status[SL_STATUS_EXEMPT];
    c->reappeared = c->by_status[SL_STATUS_REAPPEARED];
    c->outstanding = c->affected - c->replaced - c->exempt;
    c->replaced_pct = c->affected > 0 ? 100.0 * (double)c->replaced / (double)c->affected : 0;
    c->verified_pct = c->affected > 0 ? 100.0 * (double)c->verified / (double)c->affected : 0;
}

void prog_group_counts(const struct group *g, struct sl_prog_counts *c)
{
    memset(c, 0, sizeof *c);
    c->affected = g->existing;
    memcpy(c->by_status, g->by_status, sizeof c->by_status);
    prog_counts_finish(c);
}

bool prog_is_overdue(const struct sl_prog_state *st, size_t d)
{
    int s = st->dv[d].status;
    if (s < 0 || sl_status_is_replaced((enum sl_status)s) || s == SL_STATUS_EXEMPT)
        return false;
    if (s == SL_STATUS_SCHEDULED && st->dv[d].sched != 0 && st->dv[d].sched < st->as_of_day)
        return true;
    return st->dv[d].deadline != 0 && st->dv[d].deadline < st->as_of_day;
}

void prog_group_weekly(const struct prog_work *w, size_t g, double *out)
{
    const struct replay *r = &w->r;
    int64_t prev = 0;
    for (size_t k = 0; k < w->n_weeks; k++) {
        const struct group *gr = &r->snap[(size_t)w->week_point[k] * r->n_groups + g];
        if (k >= w->first_week)
            out[k - w->first_week] = (double)(gr->removals - prev);
        prev = gr->removals;
    }
}

/* The result's rows, named: tiers, departments, sites (sites in id order here). */
static int name_rows(struct prog_work *w, struct sl_err *err)
{
    struct sl_progress *p = w->p;
    const struct sl_prog_state *st = w->st;
    p->n_departments = w->n_depts;
    p->n_sites = st->n_sites;
    p->departments = calloc(w->n_depts + 1, sizeof *p->departments);
    p->sites = calloc(st->n_sites + 1, sizeof *p->sites);
    if (p->departments == NULL || p->sites == NULL)
        return prog_oom(err);
    for (int t = 0; t < SL_TIER_COUNT; t++)
        sl_strlcpy(p->tiers[t].name, sl_tier_name((enum sl_tier)t), sizeof p->tiers[t].name);
    for (size_t k = 0; k < w->n_depts; k++)
        sl_strlcpy(p->departments[k].name, w->depts[k], sizeof p->departments[k].name);
    for (size_t k = 0; k < st->n_sites; k++) {
        struct sl_prog_row *row = &p->sites[k];
        sl_strlcpy(row->name, st->sites[k].name, sizeof row->name);
        sl_strlcpy(row->department, st->sites[k].department, sizeof row->department);
        sl_strlcpy(row->tier, sl_tier_name(st->sites[k].tier), sizeof row->tier);
    }
    return 0;
}

int prog_figures(struct prog_work *w, struct sl_err *err)
{
    struct sl_progress *p = w->p;
    const struct sl_prog_state *st = w->st;
    if (name_rows(w, err) != 0)
        return -1;
    for (size_t d = 0; d < st->n; d++) {
        int sv = st->dv[d].status;
        if (!prog_counted(&st->dv[d]) || !st->dv[d].in_scope)
            continue;
        bool od = prog_is_overdue(st, d);
        struct sl_prog_counts *cs[4] = {&p->total, NULL, NULL, NULL};
        int32_t si = st->dv[d].site;
        if (si >= 0) {
            cs[1] = &p->tiers[st->sites[si].tier].c;
            cs[2] = &p->departments[st->sites[si].dept].c;
            cs[3] = &p->sites[si].c;
        }
        for (int i = 0; i < 4; i++) {
            if (cs[i] == NULL)
                continue;
            cs[i]->affected++;
            cs[i]->by_status[sv]++;
            cs[i]->overdue += od;
        }
    }
    prog_counts_finish(&p->total);
    for (int t = 0; t < SL_TIER_COUNT; t++)
        prog_counts_finish(&p->tiers[t].c);
    for (size_t k = 0; k < w->n_depts; k++)
        prog_counts_finish(&p->departments[k].c);
    for (size_t k = 0; k < st->n_sites; k++)
        prog_counts_finish(&p->sites[k].c);
    return 0;
}

int prog_weeks(struct prog_work *w, struct sl_err *err)
{
    struct sl_progress *p = w->p;
    const struct replay *r = &w->r;
    /* Drop the leading weeks in which nothing in scope existed yet. */
    size_t first = 0;
    while (first + 1 < w->n_weeks &&
           r->snap[(size_t)w->week_point[first] * r->n_groups + G_SCOPE].existing == 0)
        first++;
    w->first_week = first;
    p->n_weeks = w->n_weeks - first;
    p->weeks = calloc(p->n_weeks, sizeof *p->weeks);
    w->weekly = calloc(w->n_weeks, sizeof *w->weekly);
    if (p->weeks == NULL || w->weekly == NULL)
        return prog_oom(err);
    int64_t prev = 0;
    for (size_t k = 0; k < w->n_weeks; k++) {
        size_t pi = (size_t)w->week_point[k];
        const struct group *g = &r->snap[pi * r->n_groups + G_SCOPE];
        if (k >= first) {
            struct sl_prog_week *wk = &p->weeks[k - first];
            struct sl_prog_counts c;
            prog_group_counts(g, &c);
            sl_time_date(r->points[pi].t, wk->end);
            wk->affected = c.affected;
            wk->replaced = c.replaced;
            wk->verified = c.verified;
            wk->exempt = c.exempt;
            wk->outstanding = c.outstanding;
            wk->removals = g->removals - prev;
        }
        prev = g->removals;
    }
    if (p->n_weeks > 0 && p->total.affected > 0)
        sl_time_date(r->points[w->week_point[first]].t - 7 * 86400 + 1, p->start);
    return 0;
}

/* The scope's path of outstanding devices, week by week, in each band. */
static void project(struct sl_progress *p, const struct sl_fc_model *model, int64_t end_t)
{
    if (p->forecast.state != SL_FC_DATE && p->forecast.state != SL_FC_NOT_AT_TREND)
        return;
    double out = (double)p->total.outstanding;
    double left[3] = {out, out, out};
    for (int j = 1; j <= SL_PROG_MAX_PROJECTION; j++) {
        struct sl_prog_projection *pr = &p->projection[p->n_projection++];
        sl_time_date(end_t + (int64_t)j * 7 * 86400, pr->end);
        for (int b = 0; b < 3; b++) {
            left[b] -= sl_fc_rate(model, j, b == 0 ? 0 : b == 1 ? +1 : -1);
            if (left[b] < 0)
                left[b] = 0;
        }
        pr->central = left[0];
        pr->optimistic = left[1];
        pr->pessimistic = left[2];
        if (left[2] <= 0)
            break;
    }
}

/* Forecasts: the scope, then each tier and department (their own series). */
int prog_forecast(struct prog_work *w, struct sl_err *err)
{
    struct sl_progress *p = w->p;
    for (size_t k = 0; k < p->n_weeks; k++)
        w->weekly[k] = (double)p->weeks[k].removals;
    struct sl_fc_model model;
    sl_forecast_compute(w->weekly, (int)p->n_weeks, p->window, p->total.affected,
                        p->total.outstanding, w->end_t, &p->forecast, &model);
    p->projection = calloc(SL_PROG_MAX_PROJECTION, sizeof *p->projection);
    if (p->projection == NULL)
        return prog_oom(err);
    project(p, &model, w->end_t);
    if (p->scope.kind != SL_SCOPE_ALL) {
        /* Outside the scope's own series a tier's or department's forecast would mix
         * devices in and out of scope: only the scope's forecast is given. */
        for (int t = 0; t < SL_TIER_COUNT; t++)
            p->tiers[t].fc.state = SL_FC_STALLED;
        for (size_t k = 0; k < w->n_depts; k++)
            p->departments[k].fc.state = SL_FC_STALLED;
        return 0;
    }
    for (int t = 0; t < SL_TIER_COUNT; t++) {
        prog_group_weekly(w, G_TIER + (size_t)t, w->weekly);
        sl_forecast_compute(w->weekly, (int)p->n_weeks, p->window, p->tiers[t].c.affected,
                            p->tiers[t].c.outstanding, w->end_t, &p->tiers[t].fc, NULL);
    }
    for (size_t k = 0; k < w->n_depts; k++) {
        struct sl_prog_row *d = &p->departments[k];
        prog_group_weekly(w, G_DEPT + k, w->weekly);
        sl_forecast_compute(w->weekly, (int)p->n_weeks, p->window, d->c.affected,
                            d->c.outstanding, w->end_t, &d->fc, NULL);
    }
    return 0;
}

/* A milestone's counts from its group (at the due date when passed), judged
 * by milestone_eval.c. */
static void milestone(struct prog_work *w, struct sl_prog_milestone *pm, int64_t group, int point)
{
    const struct sl_milestone *m = &pm->m;
    const struct replay *r = &w->r;
    if (group < 0) {
        pm->status = SL_MS_NO_SCOPE;
        snprintf(pm->note, sizeof pm->note, "no %s named '%s' in the register", m->scope_kind,
                 m->scope_value);
        return;
    }
    const struct group *g = point >= 0 ? &r->snap[(size_t)point * r->n_groups + (size_t)group]
                                       : &r->groups[group];
    struct sl_prog_counts c;
    prog_group_counts(g, &c);
    struct sl_ms_counts mc = {c.affected, c.replaced, c.outstanding};
    if (point < 0)
        prog_group_weekly(w, (size_t)group, w->weekly);
    sl_ms_evaluate(pm, &mc, point >= 0, point >= 0 ? m->due : w->p->as_of, w->weekly,
                   (int)(w->n_weeks - w->first_week), w->p->window,
                   (int64_t)w->st->as_of_day * 86400);
}

void prog_milestones(struct prog_work *w)
{
    struct sl_progress *p = w->p;
    p->n_milestones = w->n_ms;
    p->milestones = w->ms;
    w->ms = NULL;
    for (size_t i = 0; i < p->n_milestones; i++)
        milestone(w, &p->milestones[i], w->ms_group[i], w->ms_point[i]);
}
