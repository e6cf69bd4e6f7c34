/* milestone_eval.c - a milestone's status from its scope's counts and weekly
 * removals (milestone_eval.h); counts nothing itself. */
#include "programme/milestone_eval.h"

#include <stdio.h>
#include <string.h>

#include "programme/forecast.h"
#include "util/str.h"
#include "util/timeutil.h"

/* Not reached yet and not due yet: met, or what the forecast says. */
static void ahead(struct sl_prog_milestone *pm, const struct sl_ms_counts *c,
                  const double *weekly, int n, int window, int64_t as_of_t)
{
    const struct sl_milestone *m = &pm->m;
    bool pct = strcmp(m->target_kind, "percent") == 0;
    if (pm->achieved + 1e-9 >= m->target) {
        pm->status = SL_MS_MET;
        pm->projected = pm->achieved;
        snprintf(pm->note, sizeof pm->note, "reached before the due date");
        return;
    }
    struct sl_forecast fc;
    struct sl_fc_model model;
    sl_forecast_compute(weekly, n, window, c->affected, c->outstanding, as_of_t, &fc, &model);
    int64_t due_t = 0;
    (void)sl_time_parse(m->due, &due_t);
    int64_t days = due_t / 86400 - as_of_t / 86400;
    double more = sl_fc_cumulative(&model, days, 0);
    if (more > (double)c->outstanding)
        more = (double)c->outstanding;
    double proj = (double)c->replaced + more;
    pm->projected = pct ? (c->affected > 0 ? 100.0 * proj / (double)c->affected : 0) : proj;
    pm->forecast_miss = pm->projected + 1e-9 < m->target;
    pm->status = pm->forecast_miss ? SL_MS_AT_RISK : SL_MS_ON_TRACK;
    if (pct)
        snprintf(pm->note, sizeof pm->note, "forecast %.1f%% by %s (target %.0f%%)",
                 pm->projected, m->due, m->target);
    else
        snprintf(pm->note, sizeof pm->note, "forecast %.0f by %s (target %.0f)", pm->projected,
                 m->due, m->target);
}

void sl_ms_evaluate(struct sl_prog_milestone *pm, const struct sl_ms_counts *c, bool due_passed,
                    const char *evaluated_on, const double *weekly, int n, int window,
                    int64_t as_of_t)
{
    const struct sl_milestone *m = &pm->m;
    pm->affected = c->affected;
    pm->replaced = c->replaced;
    bool pct = strcmp(m->target_kind, "percent") == 0;
    pm->achieved = pct ? (c->affected > 0 ? 100.0 * (double)c->replaced / (double)c->affected : 0)
                       : (double)c->replaced;
    sl_strlcpy(pm->evaluated_on, evaluated_on, sizeof pm->evaluated_on);
    if (!due_passed) {
        ahead(pm, c, weekly, n, window, as_of_t);
        return;
    }
    bool reached = pm->achieved + 1e-9 >= m->target;
    pm->status = reached ? SL_MS_MET : SL_MS_MISSED;
    pm->projected = pm->achieved;
    snprintf(pm->note, sizeof pm->note, "%s on %s", reached ? "reached" : "not reached", m->due);
}
