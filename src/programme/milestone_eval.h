/* milestone_eval.h - a milestone's status from the counts of what it targets
 * (devices, or vehicles' connected parts): met or missed once due; before
 * that met (reached early), on track or at risk by the removal forecast
 * (forecast.h) over the weekly removals of its scope. What it targets is the
 * caller's business (programme/progress*.c for devices, vehicle_milestones.c
 * for parts): they count, this judges. Pure: no allocation, no I/O. */
#ifndef SL_PROGRAMME_MILESTONE_EVAL_H
#define SL_PROGRAMME_MILESTONE_EVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

enum sl_ms_status { SL_MS_MET = 0, SL_MS_MISSED, SL_MS_ON_TRACK, SL_MS_AT_RISK, SL_MS_NO_SCOPE };
const char *sl_ms_status_name(enum sl_ms_status st); /* "met", "missed", "on_track", ... */

struct sl_prog_milestone {
    struct sl_milestone m;
    enum sl_ms_status status;
    char evaluated_on[SL_DATE_LEN]; /* due date when passed, else the as-of date */
    int64_t affected, replaced;     /* in scope, on evaluated_on */
    double achieved;                /* percent or count, like the target */
    double projected;               /* forecast at the due date (future milestones) */
    bool forecast_miss;             /* the forecast says it will be missed */
    char note[200];
};

/* What a milestone's scope holds on the day it is evaluated. */
struct sl_ms_counts {
    int64_t affected, replaced, outstanding;
};

/* Fills pm's status, figures and note. due_passed: the counts are those of
 * the due date (met or missed); else of the as-of day as_of_t (seconds, any
 * time that day), with weekly[0..n-1] the scope's removals per week, oldest
 * first, the last ending that day, fitted over `window` weeks. */
void sl_ms_evaluate(struct sl_prog_milestone *pm, const struct sl_ms_counts *c, bool due_passed,
                    const char *evaluated_on, const double *weekly, int n, int window,
                    int64_t as_of_t);

#endif
