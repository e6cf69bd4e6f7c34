/* exports.c - the programme report downloaded from the dashboard (CSV, JSON,
 * the HTML report): sl_report_write on the account's scope, as `sightline
 * report` writes it. Does not compute figures of its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programme/progress.h"
#include "report/report.h"
#include "util/str.h"
#include "web/internal.h"

/* Outstanding devices listed, as `sightline report` lists by default. */
#define EXPORT_DEVICE_LIMIT 1000

/* The scope asked for (?scope=KIND:VALUE as `report --scope` takes it), which
 * must be one the overview shows the account; else its first. 0, or a status. */
static unsigned export_scope(struct web_req *r, struct sl_scope *out)
{
    struct sl_scope mine[SL_ROLES_MAX];
    size_t n = web_overview_scopes(r, mine);
    if (n == 0)
        return 403;
    const char *want = web_arg(r, "scope");
    if (want == NULL || want[0] == '\0') {
        *out = mine[0];
        return 0;
    }
    struct sl_err err = {0};
    struct sl_scope sc;
    if (sl_scope_parse(want, &sc, &err) != 0)
        return 400;
    for (size_t i = 0; i < n; i++)
        if (mine[0].kind == SL_SCOPE_ALL ||
            (mine[i].kind == sc.kind && strcmp(mine[i].value, sc.value) == 0)) {
            *out = sc;
            return 0;
        }
    return 403;
}

static const struct {
    const char *name, *ctype, *ext;
    enum sl_report_format fmt;
} FORMATS[] = {
    {"csv", "text/csv; charset=utf-8", "csv", SL_REPORT_CSV},
    {"json", "application/json", "json", SL_REPORT_JSON},
    {"html", "text/html; charset=utf-8", "html", SL_REPORT_HTML},
};

/* Runs the report into the response body. 0, or -1 (err). */
static int export_write(struct web_req *r, enum sl_report_format fmt,
                        const struct sl_prog_options *po, struct sl_err *err)
{
    struct sl_progress *p;
    if (sl_progress_compute(r->s, po, &p, err) != 0)
        return -1;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    int rc = -1;
    if (out == NULL) {
        sl_err_set(err, "out of memory");
    } else {
        struct sl_report_opts ro = {EXPORT_DEVICE_LIMIT};
        rc = sl_report_write(fmt, out, r->s, p, &ro, err);
        if (fclose(out) != 0 && rc == 0)
            rc = sl_err_set(err, "out of memory");
        if (rc == 0 && sl_buf_append(&r->resp.body, text, len) != 0)
            rc = sl_err_set(err, "the report is larger than a response may be");
    }
    free(text);
    sl_progress_free(p);
    return rc;
}

void web_export(struct web_req *r)
{
    const char *f = web_arg(r, "format");
    size_t k = 0;
    while (k < 3 && (f == NULL || strcmp(f, FORMATS[k].name) != 0))
        k++;
    if (k == 3) {
        web_error(r, 400, "format must be csv, json or html");
        return;
    }
    const char *as_of = web_arg(r, "as_of");
    int64_t t;
    if (as_of != NULL && as_of[0] != '\0' && (strlen(as_of) != 10 || sl_time_parse(as_of, &t) != 0)) {
        web_error(r, 400, "as_of must be YYYY-MM-DD");
        return;
    }
    struct sl_prog_options po;
    memset(&po, 0, sizeof po);
    po.as_of = as_of != NULL && as_of[0] ? as_of : NULL;
    unsigned st = export_scope(r, &po.scope);
    if (st != 0) {
        web_error(r, st, st == 400 ? "scope must be all, tier:TIER, department:NAME or site:NAME"
                                   : "Your grants do not cover that scope.");
        return;
    }
    struct sl_err err = {0};
    if (export_write(r, FORMATS[k].fmt, &po, &err) != 0) {
        sl_buf_reset(&r->resp.body);
        web_error(r, 503, "The report cannot be made just now.");
        return;
    }
    char day[SL_DATE_LEN];
    if (po.as_of != NULL)
        sl_strlcpy(day, po.as_of, sizeof day);
    else
        sl_time_date(sl_now(), day);
    r->resp.status = 200;
    r->resp.ctype = FORMATS[k].ctype;
    snprintf(r->resp.disposition, sizeof r->resp.disposition,
             "attachment; filename=\"sightline-report-%s.%s\"", day, FORMATS[k].ext);
}
