/* progress.c - the programme's figures as of a date (progress.h): scopes, and
 * sl_progress_compute, which runs the steps of progress_internal.h in order
 * over one working set and frees it in one place. */
#include "programme/progress.h"
#include "programme/vehicle_milestones.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programme/progress_internal.h"
#include "util/bigmem.h"
#include "util/str.h"

const char sl_progress_method[] =
    "Forecast: a least-squares line through the weekly removals of the last N weeks gives the "
    "current removal rate (its value at the as-of week), which is held flat from then on, never "
    "above the best week in the window; the range uses the 80% confidence interval of that "
    "rate. The finish is the day the projected removals cover every outstanding device.";

const char sl_progress_definitions[] =
    "Affected: verdict prohibited or replace-by (the verdict that held at the time: the "
    "register's verdict history; a device with no recorded change, its current verdict). "
    "Replaced: removed or verified absent. "
    "Exempt devices stay in the affected total but are not counted as replaced; the "
    "forecast is for the outstanding devices (affected - replaced - exempt). An exemption "
    "holds to the end of its expiry day, then the device counts with its status before the "
    "exemption. Figures as of a date replay the event history to the end of that day.";

/* ---- scopes ------------------------------------------------------------------------ */

static const char *const scope_names[] = {"all", "tier", "department", "site"};

const char *sl_scope_kind_name(enum sl_scope_kind k)
{
    return (unsigned)k <= SL_SCOPE_SITE ? scope_names[k] : "all";
}

int sl_scope_parse(const char *text, struct sl_scope *out, struct sl_err *err)
{
    memset(out, 0, sizeof *out);
    if (text == NULL || *text == '\0' || strcmp(text, "all") == 0)
        return 0;
    const char *colon = strchr(text, ':');
    if (colon == NULL || colon[1] == '\0')
        return sl_err_set(err, "scope must be all, tier:TIER, department:NAME or site:NAME");
    size_t klen = (size_t)(colon - text);
    int k = -1;
    for (int i = 1; i <= SL_SCOPE_SITE; i++)
        if (strlen(scope_names[i]) == klen && strncmp(text, scope_names[i], klen) == 0)
            k = i;
    if (k < 0)
        return sl_err_set(err, "scope must be all, tier:TIER, department:NAME or site:NAME");
    if (strlen(colon + 1) >= sizeof out->value)
        return sl_err_set(err, "scope name too long");
    out->kind = (enum sl_scope_kind)k;
    sl_strlcpy(out->value, colon + 1, sizeof out->value);
    enum sl_tier t;
    if (k == SL_SCOPE_TIER && sl_tier_from_name(out->value, &t) != 0)
        return sl_err_set(err, "tier must be sensitive, official or public");
    return 0;
}

void sl_scope_describe(const struct sl_scope *sc, char *out, size_t n)
{
    switch (sc->kind) {
    case SL_SCOPE_ALL: snprintf(out, n, "all sites"); break;
    case SL_SCOPE_TIER: snprintf(out, n, "%s sites", sc->value); break;
    case SL_SCOPE_DEPARTMENT: snprintf(out, n, "%s", sc->value); break;
    case SL_SCOPE_SITE: snprintf(out, n, "site %s", sc->value); break;
    }
}

static const char *const ms_names[] = {"met", "missed", "on_track", "at_risk", "no_scope"};

const char *sl_ms_status_name(enum sl_ms_status st)
{
    return (unsigned)st <= SL_MS_NO_SCOPE ? ms_names[st] : "no_scope";
}

/* ---- the computation --------------------------------------------------------------- */

int prog_oom(struct sl_err *err)
{
    return sl_err_set(err, "out of memory computing progress");
}

int32_t prog_day(const char *s)
{
    if (s == NULL || *s == '\0')
        return 0;
    char day[SL_DATE_LEN]; /* the date part of a date or a time (UTC: the same day) */
    sl_strlcpy(day, s, sizeof day);
    int64_t t;
    return sl_time_parse(day, &t) == 0 ? (int32_t)(t / 86400) : 0;
}

static void state_free(struct sl_prog_state *st)
{
    if (st == NULL)
        return;
    sl_big_free(st->dv, st->dv_bytes);
    free(st->sites);
    free(st->site_rank);
    free(st);
}

/* The as-of day: the end of that day, or of today. */
static int as_of(struct prog_work *w, const char *text, struct sl_err *err)
{
    int64_t t = sl_now();
    if (text != NULL && *text != '\0' && sl_time_parse(text, &t) != 0)
        return sl_err_setk(err, SL_ERR_INVALID, "'%s' is not a date (YYYY-MM-DD)", text);
    w->st->as_of_day = (int32_t)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
    w->end_t = (int64_t)w->st->as_of_day * 86400 + 86399;
    sl_time_date(w->end_t, w->p->as_of);
    sl_time_iso(w->end_t, w->st->as_of_end);
    return 0;
}

static void work_free(struct prog_work *w)
{
    free(w->depts);
    free(w->ms);
    free(w->ms_group);
    free(w->ms_point);
    free(w->r.groups);
    free(w->r.heap);
    free(w->r.points);
    free(w->r.snap);
    free(w->r.vq);
    free(w->week_point);
    free(w->weekly);
    if (w->p != NULL)
        sl_progress_free(w->p); /* and the state it owns */
    else
        state_free(w->st);
}

/* Whether a site (by name) is in the report's scope: for the agents section. */
static bool site_in_scope(const char *name, void *vst)
{
    const struct sl_prog_state *st = vst;
    for (size_t k = 0; k < st->n_sites; k++)
        if (st->sites[k].in_scope && strcmp(st->sites[k].name, name) == 0)
            return true;
    return false;
}

int sl_progress_compute(struct sl_store *s, const struct sl_prog_options *opt,
                        struct sl_progress **out, struct sl_err *err)
{
    *out = NULL;
    struct prog_work w;
    memset(&w, 0, sizeof w);
    w.p = calloc(1, sizeof *w.p);
    w.st = calloc(1, sizeof *w.st);
    if (w.p == NULL || w.st == NULL) {
        free(w.p);
        w.p = NULL;
        work_free(&w);
        return prog_oom(err);
    }
    struct sl_progress *p = w.p;
    p->state = w.st;
    p->scope = opt->scope;
    p->window = opt->window > 0 ? opt->window : SL_FC_DEFAULT_WINDOW;
    sl_scope_describe(&p->scope, p->scope_text, sizeof p->scope_text);
    sl_time_iso(sl_now(), p->generated_at);
    int rc = sl_store_audit_head(s, &p->audit_head_seq, p->audit_head_hash, err);
    if (rc == 0)
        rc = as_of(&w, opt->as_of, err);
    if (rc == 0)
        rc = prog_load_sites(s, &w, err);
    if (rc == 0)
        rc = prog_load_milestones(s, &w, err);
    if (rc == 0)
        rc = prog_load_devices(s, &w, err);
    if (rc == 0)
        rc = prog_plan_points(s, &w, err);
    if (rc == 0)
        rc = prog_replay(s, &w, err);
    if (rc == 0)
        rc = prog_figures(&w, err);
    if (rc == 0)
        rc = prog_weeks(&w, err);
    if (rc == 0)
        rc = prog_forecast(&w, err);
    if (rc == 0) {
        prog_milestones(&w);
        rc = prog_order(&w, err);
    }
    if (rc == 0)
        rc = prog_lists(s, &w, err);
    if (rc == 0)
        rc = prog_verdict_changes(s, &w, err);
    if (rc == 0)
        rc = sl_vehicle_figures(s, sl_scope_kind_name(p->scope.kind), p->scope.value,
                                w.st->as_of_end, &p->vehicles, err);
    if (rc == 0)
        rc = sl_vehicle_milestones(s, p->as_of, p->window, &p->vehicles, err);
    if (rc == 0)
        rc = sl_agent_figures(s, p->scope.kind == SL_SCOPE_ALL ? NULL : site_in_scope, w.st,
                              sl_now(), &p->agents, err);
    if (rc == 0) {
        prog_headline(p);
        *out = p;
        w.p = NULL;
        w.st = NULL;
    }
    work_free(&w);
    return rc == 0 ? 0 : -1;
}

void sl_progress_free(struct sl_progress *p)
{
    if (p == NULL)
        return;
    free(p->departments);
    free(p->sites);
    free(p->weeks);
    free(p->milestones);
    free(p->exemptions);
    free(p->reappearances);
    free(p->verdict_changes);
    free(p->projection);
    free(p->overdue_sites);
    sl_vehicle_figures_free(&p->vehicles);
    sl_agent_figures_free(&p->agents);
    state_free(p->state);
    free(p);
}
