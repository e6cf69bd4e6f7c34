/* report.h - the programme report in four formats, from one struct sl_progress.
 *
 * The figures come from programme/progress.h; these functions only render. All
 * four carry the same figures (docs/programme.md documents the JSON fields and
 * the CSV columns):
 *   json  one object; the device list is streamed, so any register size fits
 *   csv   long format: section,name,field,value - one figure a row
 *   md    for a letter or a ticket
 *   html  one self-contained page: inline CSS and SVG, no script, no external
 *         request, a print stylesheet. Every figure shown carries
 *         data-figure="PATH" where PATH locates the same figure in the JSON
 *         report ("totals.replaced_pct", "milestones.0.status"), so a test can
 *         check that the page and the JSON agree.
 * Numbers: counts as integers, percentages with one decimal, dates YYYY-MM-DD.
 */
#ifndef SL_REPORT_REPORT_H
#define SL_REPORT_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "programme/progress.h"
#include "store/store.h"
#include "util/err.h"

enum sl_report_format { SL_REPORT_HTML = 0, SL_REPORT_CSV, SL_REPORT_JSON, SL_REPORT_MD };
int sl_report_format_from_name(const char *name, enum sl_report_format *out);

#define SL_REPORT_ALL_DEVICES INT64_MAX

struct sl_report_opts {
    int64_t device_limit; /* outstanding devices listed: 0 = none, SL_REPORT_ALL_DEVICES = all */
};

/* The figures (everything but the device list) as JSON. New reference. */
json_t *sl_report_figures_json(const struct sl_progress *p);

/* The vehicles section (programme/vehicle_figures.h) as the JSON report's
 * "vehicles" object; its definitions in words; the decisions in the order
 * every format lists them (prohibited, replace-by, restricted, needs-review,
 * allowed). */
json_t *sl_report_vehicles_json(const struct sl_vehicle_figures *v);
extern const char sl_report_vehicle_definitions[];
#define SL_REPORT_DECISIONS 5
extern const enum sl_decision sl_report_decisions[SL_REPORT_DECISIONS];

/* Percentages are rounded to one decimal everywhere, so every format agrees
 * (report.c); _text writes the rounded value as "12.5". */
double sl_report_pct(double v);
void sl_report_pct_text(double v, char *out, size_t n);

int sl_report_json(FILE *out, struct sl_store *s, const struct sl_progress *p,
                   const struct sl_report_opts *o, struct sl_err *err);
int sl_report_csv(FILE *out, struct sl_store *s, const struct sl_progress *p,
                  const struct sl_report_opts *o, struct sl_err *err);
int sl_report_md(FILE *out, struct sl_store *s, const struct sl_progress *p,
                 const struct sl_report_opts *o, struct sl_err *err);
int sl_report_html(FILE *out, struct sl_store *s, const struct sl_progress *p,
                   const struct sl_report_opts *o, struct sl_err *err);

int sl_report_write(enum sl_report_format f, FILE *out, struct sl_store *s,
                    const struct sl_progress *p, const struct sl_report_opts *o,
                    struct sl_err *err);

#endif
