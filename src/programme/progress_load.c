/* progress_load.c - what the progress replay starts from (progress_internal.h):
 * the sites and their departments, the groups the milestones need, and the
 * affected devices (now, and as they were before their first verdict change).
 * Reads the register; replays nothing. */
#include <stdlib.h>
#include <string.h>

#include "programme/progress_internal.h"
#include "util/bigmem.h"
#include "util/grow.h"
#include "util/str.h"

struct load_ctx {
    struct prog_work *w;
    size_t cap_sites, cap_depts;
    int failed;
};

static int add_dept(struct load_ctx *c, const char *name)
{
    struct prog_work *w = c->w;
    for (size_t i = 0; i < w->n_depts; i++)
        if (strcmp(w->depts[i], name) == 0)
            return (int)i;
    if (SL_GROW(w->depts, c->cap_depts, w->n_depts + 1, 16) != 0)
        return -1;
    sl_strlcpy(w->depts[w->n_depts], name, SL_NAME_MAX);
    return (int)w->n_depts++;
}

static bool site_in_scope(const struct sl_scope *sc, const struct sl_site *site)
{
    switch (sc->kind) {
    case SL_SCOPE_ALL: return true;
    case SL_SCOPE_TIER: return strcmp(sl_tier_name(site->tier), sc->value) == 0;
    case SL_SCOPE_DEPARTMENT: return strcmp(site->department, sc->value) == 0;
    case SL_SCOPE_SITE: return strcmp(site->name, sc->value) == 0;
    }
    return false;
}

static int site_cb(const struct sl_site *site, void *vctx)
{
    struct load_ctx *c = vctx;
    struct sl_prog_state *st = c->w->st;
    if (SL_GROW(st->sites, c->cap_sites, st->n_sites + 1, 64) != 0) {
        c->failed = 1;
        return 1;
    }
    struct site_info *si = &st->sites[st->n_sites];
    memset(si, 0, sizeof *si);
    si->id = site->id;
    sl_strlcpy(si->name, site->name, sizeof si->name);
    sl_strlcpy(si->department, site->department, sizeof si->department);
    si->tier = site->tier;
    si->dept = add_dept(c, site->department);
    si->group = -1;
    if (si->dept < 0) {
        c->failed = 1;
        return 1;
    }
    si->in_scope = site_in_scope(&c->w->p->scope, site);
    st->n_sites++;
    return 0;
}

static int cmp_site_id(const void *a, const void *b)
{
    int64_t x = ((const struct site_info *)a)->id, y = ((const struct site_info *)b)->id;
    return (x > y) - (x < y);
}

int prog_load_sites(struct sl_store *s, struct prog_work *w, struct sl_err *err)
{
    struct sl_prog_state *st = w->st;
    struct load_ctx lc = {w, 0, 0, 0};
    if (sl_store_site_list(s, site_cb, &lc, err) != 0)
        return -1;
    if (lc.failed)
        return prog_oom(err);
    if (st->n_sites > 1)
        qsort(st->sites, st->n_sites, sizeof *st->sites, cmp_site_id);
    const struct sl_scope *sc = &w->p->scope;
    bool scope_found = sc->kind == SL_SCOPE_ALL;
    for (size_t i = 0; i < st->n_sites; i++)
        scope_found |= st->sites[i].in_scope;
    if (!scope_found)
        return sl_err_setk(err, SL_ERR_NOT_FOUND, "no %s named '%s' in the register", sl_scope_kind_name(sc->kind),
                          sc->value);
    return 0;
}

struct ms_collect {
    struct prog_work *w;
    size_t cap;
    int failed;
};

static int ms_cb(const struct sl_milestone *m, void *vctx)
{
    struct ms_collect *c = vctx;
    struct prog_work *w = c->w;
    if (strcmp(m->subject, "vehicle-parts") == 0)
        return 0; /* counted by vehicle_milestones.c */
    if (SL_GROW(w->ms, c->cap, w->n_ms + 1, 8) != 0) {
        c->failed = 1;
        return 1;
    }
    memset(&w->ms[w->n_ms], 0, sizeof w->ms[w->n_ms]);
    w->ms[w->n_ms++].m = *m;
    return 0;
}

/* The group a milestone's scope counts in (a site gets a group of its own the
 * first time a milestone names it), or -1 when nothing has that name. */
static int64_t milestone_group(struct prog_work *w, const struct sl_milestone *m)
{
    struct sl_prog_state *st = w->st;
    int64_t g = -1;
    if (strcmp(m->scope_kind, "tier") == 0) {
        enum sl_tier t;
        if (sl_tier_from_name(m->scope_value, &t) == 0)
            g = G_TIER + (int64_t)t;
    } else if (strcmp(m->scope_kind, "department") == 0) {
        for (size_t k = 0; k < w->n_depts; k++)
            if (strcmp(w->depts[k], m->scope_value) == 0)
                g = G_DEPT + (int64_t)k;
    } else if (strcmp(m->scope_kind, "site") == 0) {
        for (size_t k = 0; k < st->n_sites; k++) {
            if (strcmp(st->sites[k].name, m->scope_value) == 0) {
                if (st->sites[k].group < 0)
                    st->sites[k].group = (int)w->r.n_groups++;
                g = st->sites[k].group;
            }
        }
    } else {
        g = G_ALL;
    }
    return g;
}

int prog_load_milestones(struct sl_store *s, struct prog_work *w, struct sl_err *err)
{
    struct ms_collect mc = {w, 0, 0};
    if (sl_store_milestone_list(s, ms_cb, &mc, err) != 0)
        return -1;
    if (mc.failed)
        return prog_oom(err);
    w->r.n_groups = G_DEPT + w->n_depts;
    w->ms_group = calloc(w->n_ms + 1, sizeof *w->ms_group);
    if (w->ms_group == NULL)
        return prog_oom(err);
    for (size_t i = 0; i < w->n_ms; i++)
        w->ms_group[i] = milestone_group(w, &w->ms[i].m);
    return 0;
}

int32_t prog_find_site(const struct sl_prog_state *st, int64_t id)
{
    size_t lo = 0, hi = st->n_sites;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (st->sites[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < st->n_sites && st->sites[lo].id == id ? (int32_t)lo : -1;
}

static int affected_cb(const struct sl_affected_row *row, void *vctx)
{
    struct prog_work *w = vctx;
    struct sl_prog_state *st = w->st;
    if (row->id <= 0 || row->id > st->max_id)
        return 0;
    size_t d = (size_t)row->id;
    st->dv[d].affected = st->dv[d].tracked = true;
    st->dv[d].decision = (int8_t)row->decision;
    int32_t si = row->site_id > 0 ? prog_find_site(st, row->site_id) : -1;
    st->dv[d].site = si;
    st->dv[d].in_scope = w->p->scope.kind == SL_SCOPE_ALL || (si >= 0 && st->sites[si].in_scope);
    st->dv[d].status = -1;
    st->dv[d].deadline = prog_day(row->deadline);
    return 0;
}

bool prog_decision_affects(enum sl_decision d)
{
    return d == SL_DECISION_PROHIBITED || d == SL_DECISION_REPLACE_BY;
}

/* A device with a verdict history starts from the verdict it had before its
 * first change (current or not, affected or not): the replay moves it on. */
static int first_cb(const struct sl_verdict_first_row *row, void *vctx)
{
    struct prog_work *w = vctx;
    struct sl_prog_state *st = w->st;
    if (row->device_id <= 0 || row->device_id > st->max_id)
        return 0;
    struct dstate *dv = &st->dv[row->device_id];
    int32_t si = row->site_id > 0 ? prog_find_site(st, row->site_id) : -1;
    dv->tracked = true;
    dv->site = si;
    dv->in_scope = w->p->scope.kind == SL_SCOPE_ALL || (si >= 0 && st->sites[si].in_scope);
    dv->decision = (int8_t)row->from_decision;
    dv->affected = prog_decision_affects(row->from_decision);
    dv->deadline = row->from_decision == SL_DECISION_REPLACE_BY ? prog_day(row->from_deadline) : 0;
    return 0;
}

int prog_load_devices(struct sl_store *s, struct prog_work *w, struct sl_err *err)
{
    struct sl_prog_state *st = w->st;
    if (sl_store_device_max_id(s, &st->max_id, err) != 0)
        return -1;
    if (st->max_id > (int64_t)INT32_MAX - 1)
        return sl_err_set(err, "device ids above %d are not supported by the report",
                          INT32_MAX - 1);
    st->n = (size_t)st->max_id + 1;
    st->dv = sl_big_calloc(st->n, sizeof *st->dv, &st->dv_bytes);
    if (st->dv == NULL)
        return prog_oom(err);
    for (size_t k = 0; k < st->n; k++) {
        st->dv[k].status = -1;
        st->dv[k].site = -1;
    }
    if (sl_store_affected_list(s, affected_cb, w, err) != 0)
        return -1;
    return sl_store_verdict_first(s, first_cb, w, err);
}
