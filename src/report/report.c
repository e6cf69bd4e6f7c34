/* report.c - what every report format shares (report.h): format names, the
 * rounding of percentages, and the dispatch to a renderer. Renders nothing. */
#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int sl_report_format_from_name(const char *name, enum sl_report_format *out)
{
    static const char *const names[] = {"html", "csv", "json", "md"};
    for (int i = 0; i < 4; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum sl_report_format)i;
            return 0;
        }
    }
    if (strcmp(name, "markdown") == 0) {
        *out = SL_REPORT_MD;
        return 0;
    }
    return -1;
}

const char sl_report_vehicle_definitions[] =
    "Vehicles of the fleet register in scope, registered by the as-of date, with the verdicts "
    "and statuses the register holds now. Affected: prohibited, replace-by or restricted (a "
    "site's vehicle rule restricts where a vehicle may park). Parts: the connected parts "
    "fitted to active vehicles, by the vendor behind their verdict. Earliest deadline: the "
    "first replace-by date. A part's origin says nothing of a vulnerability.";

const enum sl_decision sl_report_decisions[SL_REPORT_DECISIONS] = {
    SL_DECISION_PROHIBITED, SL_DECISION_REPLACE_BY, SL_DECISION_RESTRICTED, SL_DECISION_REVIEW,
    SL_DECISION_ALLOWED};

double sl_report_pct(double v)
{
    return round(v * 10.0) / 10.0;
}

void sl_report_pct_text(double v, char *out, size_t n)
{
    snprintf(out, n, "%.1f", sl_report_pct(v));
}

int sl_report_write(enum sl_report_format f, FILE *out, struct sl_store *s,
                    const struct sl_progress *p, const struct sl_report_opts *o,
                    struct sl_err *err)
{
    switch (f) {
    case SL_REPORT_HTML: return sl_report_html(out, s, p, o, err);
    case SL_REPORT_CSV: return sl_report_csv(out, s, p, o, err);
    case SL_REPORT_JSON: return sl_report_json(out, s, p, o, err);
    case SL_REPORT_MD: return sl_report_md(out, s, p, o, err);
    }
    return sl_err_set(err, "unknown report format");
}
