/* progress_lists.c - the result put in reading order (progress_internal.h):
 * rows by name, overdue sites, the exemptions and reappearances a report
 * lists, and the headline sentence. Computes no count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "programme/progress_internal.h"

static int cmp_row(const void *a, const void *b)
{
    return strcmp(((const struct sl_prog_row *)a)->name, ((const struct sl_prog_row *)b)->name);
}

struct name_idx {
    const char *name;
    int32_t idx;
};

static int cmp_name_idx(const void *a, const void *b)
{
    return strcmp(((const struct name_idx *)a)->name, ((const struct name_idx *)b)->name);
}

/* Each site's rank by name, for the device list (which maps through site indexes). */
static int rank_sites(struct sl_prog_state *st, struct sl_err *err)
{
    st->site_rank = calloc(st->n_sites + 1, sizeof *st->site_rank);
    struct name_idx *ni = calloc(st->n_sites + 1, sizeof *ni);
    if (st->site_rank == NULL || ni == NULL) {
        free(ni);
        return prog_oom(err);
    }
    for (size_t k = 0; k < st->n_sites; k++)
        ni[k] = (struct name_idx){st->sites[k].name, (int32_t)k};
    if (st->n_sites > 1)
        qsort(ni, st->n_sites, sizeof *ni, cmp_name_idx);
    for (size_t k = 0; k < st->n_sites; k++)
        st->site_rank[ni[k].idx] = (int32_t)k;
    free(ni);
    return 0;
}

int prog_order(struct prog_work *w, struct sl_err *err)
{
    struct sl_progress *p = w->p;
    if (p->n_departments > 1)
        qsort(p->departments, p->n_departments, sizeof *p->departments, cmp_row);
    /* Sites were ordered by id for lookups; reports read them by name. Device
     * listing maps through site indexes, so sort a copy of the rows only. */
    if (p->n_sites > 1)
        qsort(p->sites, p->n_sites, sizeof *p->sites, cmp_row);
    if (rank_sites(w->st, err) != 0)
        return -1;
    p->overdue_sites = calloc(p->n_sites + 1, sizeof *p->overdue_sites);
    if (p->overdue_sites == NULL)
        return prog_oom(err);
    for (size_t k = 0; k < p->n_sites; k++)
        if (p->sites[k].c.overdue > 0)
            p->overdue_sites[p->n_overdue_sites++] = k;
    /* Most overdue first; ties stay in name order (insertion sort: a stable, short list). */
    for (size_t i = 1; i < p->n_overdue_sites; i++) {
        size_t v = p->overdue_sites[i], j = i;
        while (j > 0 && p->sites[p->overdue_sites[j - 1]].c.overdue < p->sites[v].c.overdue) {
            p->overdue_sites[j] = p->overdue_sites[j - 1];
            j--;
        }
        p->overdue_sites[j] = v;
    }
    return 0;
}

static int cmp_exemption(const void *a, const void *b)
{
    return strcmp(((const struct sl_prog_exemption *)a)->until,
                  ((const struct sl_prog_exemption *)b)->until);
}

static void fill_device_brief(struct sl_store *s, int64_t id, char *site, char *address,
                              char *manufacturer, char *model)
{
    struct sl_device *d = malloc(sizeof *d);
    struct sl_err err;
    if (d != NULL && sl_store_device_get(s, id, d, &err) == 1) {
        sl_strlcpy(site, d->site, SL_NAME_MAX);
        sl_strlcpy(address, d->address, 48);
        sl_strlcpy(manufacturer, d->claim.manufacturer, 64);
        sl_strlcpy(model, d->claim.model, 96);
    }
    free(d);
}

/* An exempt device, or one whose exemption expired (fallen back). */
static int list_exemption(struct sl_store *s, struct sl_progress *p, size_t d,
                          struct sl_err *err)
{
    const struct sl_prog_state *st = p->state;
    bool exempt = st->dv[d].status == SL_STATUS_EXEMPT;
    p->n_exemptions_total++;
    if (p->n_exemptions >= SL_PROG_MAX_LISTED)
        return 0;
    struct sl_prog_exemption *x = &p->exemptions[p->n_exemptions];
    memset(x, 0, sizeof *x);
    struct sl_event ev;
    int rc = sl_store_event_last_to(s, (int64_t)d, SL_STATUS_EXEMPT, st->as_of_end, &ev, err);
    if (rc < 0)
        return -1;
    x->device_id = (int64_t)d;
    if (rc == 1) {
        sl_strlcpy(x->reason, ev.note, sizeof x->reason);
        sl_strlcpy(x->approver, ev.exempt_approver, sizeof x->approver);
        sl_strlcpy(x->until, ev.exempt_until, sizeof x->until);
    }
    x->expired = !exempt;
    x->days_left = (int64_t)st->dv[d].exempt_until - st->as_of_day;
    sl_strlcpy(x->falls_back_to, sl_status_name((enum sl_status)st->dv[d].pre_exempt),
               sizeof x->falls_back_to);
    fill_device_brief(s, (int64_t)d, x->site, x->address, x->manufacturer, x->model);
    p->n_exemptions++;
    return 0;
}

static int list_reappearance(struct sl_store *s, struct sl_progress *p, size_t d,
                             struct sl_err *err)
{
    const struct sl_prog_state *st = p->state;
    p->n_reappearances_total++;
    if (p->n_reappearances >= SL_PROG_MAX_LISTED)
        return 0;
    struct sl_prog_reappearance *x = &p->reappearances[p->n_reappearances];
    memset(x, 0, sizeof *x);
    x->device_id = (int64_t)d;
    struct sl_event ev;
    int rc = sl_store_event_last_to(s, (int64_t)d, SL_STATUS_REAPPEARED, st->as_of_end, &ev, err);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        sl_strlcpy(x->at, ev.at, sizeof x->at);
        sl_strlcpy(x->note, ev.note, sizeof x->note);
    }
    fill_device_brief(s, (int64_t)d, x->site, x->address, x->manufacturer, x->model);
    p->n_reappearances++;
    return 0;
}

static int verdict_change_cb(const struct sl_verdict_change *c, void *vctx)
{
    struct prog_work *w = vctx;
    struct sl_progress *p = w->p;
    if (p->scope.kind != SL_SCOPE_ALL) {
        int32_t si = c->site_id > 0 ? prog_find_site(w->st, c->site_id) : -1;
        if (si < 0 || !w->st->sites[si].in_scope)
            return 0;
    }
    p->n_verdict_changes_total++;
    if (p->n_verdict_changes >= SL_PROG_MAX_LISTED)
        return 0;
    struct sl_prog_verdict_change *x = &p->verdict_changes[p->n_verdict_changes++];
    x->device_id = c->device_id;
    sl_strlcpy(x->at, c->at, sizeof x->at);
    sl_strlcpy(x->site, c->site, sizeof x->site);
    sl_strlcpy(x->address, c->address, sizeof x->address);
    sl_strlcpy(x->from, sl_decision_name(c->from_decision), sizeof x->from);
    sl_strlcpy(x->to, sl_decision_name(c->to_decision), sizeof x->to);
    sl_strlcpy(x->from_deadline, c->from_deadline, sizeof x->from_deadline);
    sl_strlcpy(x->to_deadline, c->to_deadline, sizeof x->to_deadline);
    sl_strlcpy(x->from_manufacturer, c->from_manufacturer, sizeof x->from_manufacturer);
    sl_strlcpy(x->to_manufacturer, c->to_manufacturer, sizeof x->to_manufacturer);
    sl_strlcpy(x->policy, c->to_policy[0] ? c->to_policy : c->from_policy, sizeof x->policy);
    sl_strlcpy(x->policy_version, c->policy_version, sizeof x->policy_version);
    sl_strlcpy(x->rules, c->rules, sizeof x->rules);
    sl_strlcpy(x->via, c->via, sizeof x->via);
    sl_strlcpy(x->actor, c->actor, sizeof x->actor);
    sl_strlcpy(x->reason, c->reason, sizeof x->reason);
    return 0;
}

int prog_verdict_changes(struct sl_store *s, struct prog_work *w, struct sl_err *err)
{
    struct sl_progress *p = w->p;
    p->verdict_changes = calloc(SL_PROG_MAX_LISTED, sizeof *p->verdict_changes);
    if (p->verdict_changes == NULL)
        return prog_oom(err);
    return sl_store_verdict_changes(s, w->st->as_of_end, verdict_change_cb, w, err);
}

int prog_lists(struct sl_store *s, struct prog_work *w, struct sl_err *err)
{
    struct sl_progress *p = w->p;
    const struct sl_prog_state *st = w->st;
    p->exemptions = calloc(SL_PROG_MAX_LISTED, sizeof *p->exemptions);
    p->reappearances = calloc(SL_PROG_MAX_LISTED, sizeof *p->reappearances);
    if (p->exemptions == NULL || p->reappearances == NULL)
        return prog_oom(err);
    for (size_t d = 0; d < st->n; d++) {
        if (!st->dv[d].in_scope || !prog_counted(&st->dv[d]))
            continue;
        int rc = 0;
        if (st->dv[d].status == SL_STATUS_EXEMPT || st->dv[d].fell_back)
            rc = list_exemption(s, p, d, err);
        else if (st->dv[d].status == SL_STATUS_REAPPEARED)
            rc = list_reappearance(s, p, d, err);
        if (rc != 0)
            return -1;
    }
    if (p->n_exemptions > 1)
        qsort(p->exemptions, p->n_exemptions, sizeof *p->exemptions, cmp_exemption);
    return 0;
}

static void forecast_words(const struct sl_progress *p, char *fc, size_t n)
{
    fc[0] = '\0';
    switch (p->forecast.state) {
    case SL_FC_DATE:
        if (p->forecast.latest[0])
            snprintf(fc, n, "forecast completion %s (range %s to %s)", p->forecast.finish,
                     p->forecast.earliest, p->forecast.latest);
        else
            snprintf(fc, n, "forecast completion %s (range %s to open-ended)",
                     p->forecast.finish, p->forecast.earliest);
        break;
    case SL_FC_COMPLETE: snprintf(fc, n, "every non-exempt affected device replaced"); break;
    case SL_FC_STALLED:
        snprintf(fc, n, "no forecast: no removals in the last %d weeks", p->forecast.weeks);
        break;
    case SL_FC_NOT_AT_TREND:
        snprintf(fc, n, "at the current trend the programme does not finish");
        break;
    case SL_FC_NO_AFFECTED: snprintf(fc, n, "nothing to remove"); break;
    }
}

static void milestone_words(const struct sl_progress *p, char *ms, size_t n)
{
    ms[0] = '\0';
    const struct sl_prog_milestone *next = NULL;
    size_t at_risk = 0;
    for (size_t i = 0; i < p->n_milestones; i++) {
        const struct sl_prog_milestone *m = &p->milestones[i];
        if (m->status == SL_MS_AT_RISK)
            at_risk++;
        if (next == NULL && strcmp(m->m.due, p->as_of) > 0)
            next = m;
    }
    if (next == NULL)
        return;
    static const char *const words[] = {"met", "missed", "on track", "at risk", "unscoped"};
    snprintf(ms, n, "; milestone '%s' (%s) %s", next->m.name, next->m.due, words[next->status]);
    if (at_risk > (next->status == SL_MS_AT_RISK ? 1u : 0u))
        snprintf(ms + strlen(ms), n - strlen(ms), "; %zu milestone%s at risk", at_risk,
                 at_risk == 1 ? "" : "s");
}

void prog_headline(struct sl_progress *p)
{
    const struct sl_prog_counts *c = &p->total;
    char fc[200], ms[300];
    forecast_words(p, fc, sizeof fc);
    milestone_words(p, ms, sizeof ms);
    snprintf(p->headline, sizeof p->headline,
             "%.0f%% of affected devices at %s replaced (%lld of %lld; %.0f%% verified absent); "
             "%s%s.",
             c->replaced_pct, p->scope_text, (long long)c->replaced, (long long)c->affected,
             c->verified_pct, fc, ms);
}
