/* vehicle_milestones.c - the status and forecast of milestones of vehicles'
 * connected parts (vehicle_milestones.h): counts the store's walk of the
 * scope's affected parts; milestone_eval.c and forecast.c judge. */
#include "programme/vehicle_milestones.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/str.h"
#include "util/timeutil.h"

struct collect {
    struct sl_vehicle_figures *f;
    size_t cap;
    bool oom;
};

static int ms_cb(const struct sl_milestone *m, void *ctx)
{
    struct collect *c = ctx;
    if (strcmp(m->subject, "vehicle-parts") != 0)
        return 0;
    if (SL_GROW(c->f->milestones, c->cap, c->f->n_milestones + 1, 4) != 0) {
        c->oom = true;
        return 1;
    }
    struct sl_vfig_milestone *vm = &c->f->milestones[c->f->n_milestones++];
    memset(vm, 0, sizeof *vm);
    vm->pm.m = *m;
    return 0;
}

/* The counts of one walk: its scope on one day, and the weeks ending that day. */
#define MAX_WEEKS 104 /* report --window's largest */

struct tally {
    int64_t day;           /* day number the walk is as of */
    int64_t affected, replaced, exempt;
    double weekly[MAX_WEEKS];
    int n;                 /* weeks kept (the window) */
};

static int part_cb(const struct sl_vpart_progress *p, void *ctx)
{
    struct tally *t = ctx;
    t->affected++;
    int64_t at;
    if (p->done_at[0] != '\0' && sl_time_parse(p->done_at, &at) == 0) {
        t->replaced++;
        int64_t back = (t->day - at / 86400) / 7; /* 0: the week ending on the day */
        if (back >= 0 && back < t->n)
            t->weekly[t->n - 1 - back] += 1;
    } else if (strcmp(p->status, "exempt") == 0) {
        t->exempt++;
    }
    return 0;
}

static int walk(struct sl_store *s, const struct sl_milestone *m, const char *date, int window,
                struct tally *t, struct sl_err *err)
{
    memset(t, 0, sizeof *t);
    int64_t d;
    if (sl_time_parse(date, &d) != 0)
        return sl_err_set(err, "'%s' is not a date", date);
    t->day = d / 86400;
    t->n = window;
    char until[SL_ISO_LEN];
    sl_time_iso(t->day * 86400 + 86399, until);
    struct sl_vehicle_scope sc = {m->scope_kind, m->scope_value, until};
    return sl_store_vpart_progress(s, &sc, part_cb, t, err);
}

static int count_one(const struct sl_vehicle_row *v, void *ctx)
{
    (void)v;
    ++*(int64_t *)ctx;
    return 1;
}

/* Whether the scope names something the register has (a site, a fleet, a tier). */
static int scope_known(struct sl_store *s, const struct sl_milestone *m, struct sl_err *err)
{
    if (strcmp(m->scope_kind, "site") == 0) {
        struct sl_site site;
        int got = sl_store_site_get(s, m->scope_value, &site, err);
        if (got == 1)
            sl_site_free(&site);
        return got;
    }
    if (strcmp(m->scope_kind, "fleet") == 0) {
        int64_t n = 0;
        struct sl_vehicle_filter flt = {.fleet = m->scope_value, .limit = 1};
        if (sl_store_vehicle_list(s, &flt, count_one, &n, err) != 0)
            return -1;
        return n > 0;
    }
    enum sl_tier tier;
    return strcmp(m->scope_kind, "tier") != 0 || sl_tier_from_name(m->scope_value, &tier) == 0;
}

static int evaluate(struct sl_store *s, struct sl_vfig_milestone *vm, const char *as_of,
                    int window, struct sl_err *err)
{
    struct sl_prog_milestone *pm = &vm->pm;
    int known = scope_known(s, &pm->m, err);
    if (known < 0)
        return -1;
    if (known == 0) {
        pm->status = SL_MS_NO_SCOPE;
        snprintf(pm->note, sizeof pm->note, "no %s named '%s' in the register", pm->m.scope_kind,
                 pm->m.scope_value);
        return 0;
    }
    struct tally now, due;
    if (walk(s, &pm->m, as_of, window, &now, err) != 0)
        return -1;
    vm->exempt = now.exempt;
    vm->outstanding = now.affected - now.replaced - now.exempt;
    int64_t as_of_t = now.day * 86400;
    sl_forecast_compute(now.weekly, now.n, window, now.affected, vm->outstanding, as_of_t,
                        &vm->fc, NULL);
    bool passed = strcmp(pm->m.due, as_of) <= 0; /* due by the end of the day, as devices */
    if (passed && walk(s, &pm->m, pm->m.due, window, &due, err) != 0)
        return -1;
    const struct tally *t = passed ? &due : &now;
    struct sl_ms_counts c = {t->affected, t->replaced, t->affected - t->replaced - t->exempt};
    sl_ms_evaluate(pm, &c, passed, passed ? pm->m.due : as_of, now.weekly, now.n, window,
                   as_of_t);
    return 0;
}

int sl_vehicle_milestones(struct sl_store *s, const char *as_of, int window,
                          struct sl_vehicle_figures *f, struct sl_err *err)
{
    struct collect c = {f, 0, false};
    if (window <= 0)
        window = SL_FC_DEFAULT_WINDOW;
    if (window > MAX_WEEKS)
        window = MAX_WEEKS;
    f->window = window;
    if (sl_store_milestone_list(s, ms_cb, &c, err) != 0)
        return -1;
    if (c.oom)
        return sl_err_set(err, "out of memory reading milestones");
    for (size_t i = 0; i < f->n_milestones; i++)
        if (evaluate(s, &f->milestones[i], as_of, window, err) != 0)
            return -1;
    return 0;
}
