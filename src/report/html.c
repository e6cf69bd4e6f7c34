/* html.c - the programme report as one self-contained HTML page.
 *
 * No script, no web font, no external request: inline CSS (with a print
 * stylesheet) and inline SVG charts. Colours are the Okabe-Ito palette (safe
 * for colour-blind readers) and every status is also written in words. Every
 * figure carries data-figure="JSON.PATH" (see report.h). */
#include <math.h>
#include <string.h>

#include "report/report.h"

static void esc(FILE *out, const char *s)
{
    for (; s != NULL && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(*s, out);
        }
    }
}

/* <span data-figure="path">text</span> */
static void fig(FILE *out, const char *path, const char *text)
{
    fputs("<span data-figure=\"", out);
    esc(out, path);
    fputs("\">", out);
    esc(out, text);
    fputs("</span>", out);
}

static void figi(FILE *out, const char *path, int64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", (long long)v);
    fig(out, path, b);
}

static void figp(FILE *out, const char *path, double v)
{
    char b[32];
    sl_report_pct_text(v, b, sizeof b);
    fig(out, path, b);
}

static const char css[] =
    ":root{--blue:#0072B2;--orange:#E69F00;--green:#009E73;--red:#D55E00;--sky:#56B4E9;"
    "--purple:#CC79A7;--ink:#1b1f24;--muted:#5b6470;--line:#d7dce2;--bg:#f6f7f9}"
    "*{box-sizing:border-box}body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
    "'Helvetica Neue',Arial,sans-serif;color:var(--ink);margin:0;background:#fff}"
    "main{max-width:1120px;margin:0 auto;padding:24px 28px 48px}"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:34px 0 10px;padding-bottom:4px;"
    "border-bottom:2px solid var(--line)}.sub{color:var(--muted);margin:0 0 18px}"
    ".headline{font-size:20px;line-height:1.4;background:var(--bg);border-left:6px solid "
    "var(--blue);padding:14px 18px;margin:0 0 18px}"
    ".alert{background:#fdecea;border-left:6px solid var(--red);padding:10px 16px;margin:0 0 18px;"
    "font-weight:600}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(138px,1fr));gap:12px;"
    "margin:0 0 8px}.card{border:1px solid var(--line);border-radius:6px;padding:10px 14px}"
    ".card .v{font-size:26px;font-weight:700;line-height:1.1;white-space:nowrap}.card .l{color:var(--muted);"
    "font-size:13px}.card.good .v{color:#006e52}.card.bad .v{color:#b34700}"
    "table{border-collapse:collapse;width:100%;font-size:14px;margin:6px 0}"
    "th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}"
    "th{background:var(--bg);font-weight:600}td.n,th.n{text-align:right;"
    "font-variant-numeric:tabular-nums}"
    ".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:13px;"
    "font-weight:600;border:1px solid}"
    ".met{background:#e3f4ee;color:#005a43;border-color:#009E73}"
    ".on_track{background:#e6f1f8;color:#00466e;border-color:#0072B2}"
    ".at_risk{background:#fdf1dc;color:#7a4d00;border-color:#E69F00}"
    ".missed{background:#fbe5dc;color:#8a2e00;border-color:#D55E00}"
    ".no_scope{background:#eee;color:#444;border-color:#999}"
    ".bar{display:inline-block;height:10px;background:var(--line);width:120px;"
    "vertical-align:middle;border-radius:2px;overflow:hidden}.bar i{display:block;height:100%;"
    "background:var(--green)}"
    "svg text{font:12px system-ui,Arial,sans-serif;fill:#333}"
    ".legend span{display:inline-block;margin-right:16px;font-size:13px}"
    ".legend i{display:inline-block;width:22px;height:4px;vertical-align:middle;margin-right:6px}"
    ".small{font-size:13px;color:var(--muted)}.ev{font-family:ui-monospace,Menlo,Consolas,"
    "monospace;font-size:12px}tr.overdue td:first-child{border-left:4px solid var(--red)}"
    "tr.reappeared td{background:#fdecea}"
    ".nw{white-space:nowrap}footer{margin-top:36px;color:var(--muted);font-size:13px}"
    "@media print{main{max-width:none;padding:0}body{font-size:11pt}h2{break-after:avoid}"
    "table,svg,.cards{break-inside:avoid}tr{break-inside:avoid}.headline{border:1px solid #999}"
    "a{color:inherit;text-decoration:none}@page{size:A4;margin:14mm}}";

static int64_t day_of(const char *date)
{
    int64_t t;
    if (date == NULL || *date == '\0' || sl_time_parse(date, &t) != 0)
        return -1;
    return t / 86400;
}

struct chart {
    double x0, y0, w, h;  /* plot area */
    int64_t d0, d1;       /* day range */
    double ymax;
};

static double cx(const struct chart *c, int64_t day)
{
    return c->x0 + c->w * (double)(day - c->d0) / (double)(c->d1 - c->d0 > 0 ? c->d1 - c->d0 : 1);
}

static double cy(const struct chart *c, double v)
{
    return c->y0 + c->h - c->h * v / (c->ymax > 0 ? c->ymax : 1);
}

static double nice_step(double max, int ticks)
{
    double raw = max / ticks;
    if (raw <= 0)
        return 1;
    double p = pow(10, floor(log10(raw)));
    double m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* The chart's frame: days from the first week to past the forecast and the
 * milestones (three years at most), and a round top for the y axis. */
static void chart_frame(const struct sl_progress *p, struct chart *out_c, double *out_step)
{
    struct chart c = {64, 20, 820, 300, 0, 0, 0};
    c.d0 = day_of(p->weeks[0].end) - 7;
    int64_t asof = day_of(p->as_of);
    c.d1 = asof + 14;
    for (size_t i = 0; i < p->n_projection; i++) {
        int64_t d = day_of(p->projection[i].end);
        if (d > c.d1)
            c.d1 = d;
    }
    for (size_t i = 0; i < p->n_milestones; i++) {
        int64_t d = day_of(p->milestones[i].m.due);
        if (d + 21 > c.d1)
            c.d1 = d + 21;
    }
    if (c.d1 > asof + 3 * 365)
        c.d1 = asof + 3 * 365;
    for (size_t i = 0; i < p->n_weeks; i++)
        if ((double)p->weeks[i].affected > c.ymax)
            c.ymax = (double)p->weeks[i].affected;
    double step = nice_step(c.ymax, 5);
    if (step < 1)
        step = 1; /* counts are whole: 0, 0.5, 1 would label 0, 0, 1 */
    c.ymax = ceil(c.ymax / step) * step;
    if (c.ymax <= 0)
        c.ymax = 1;
    *out_c = c;
    *out_step = step;
}

static void chart_axes(FILE *out, const struct chart *c, double step)
{
    for (double v = 0; v <= c->ymax + 1e-9; v += step) {
        fprintf(out,
                "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e6ea\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>",
                c->x0, c->x0 + c->w, cy(c, v), cy(c, v), c->x0 - 6, cy(c, v) + 4, v);
    }
    /* x ticks: first of each quarter (or month when short) */
    int64_t span = c->d1 - c->d0;
    int every = span > 900 ? 6 : span > 360 ? 3 : 1;
    for (int64_t d = c->d0; d <= c->d1; d++) {
        char date[SL_DATE_LEN];
        sl_time_date(d * 86400, date);
        int month = (date[5] - '0') * 10 + (date[6] - '0');
        if (date[8] == '0' && date[9] == '1' && (month - 1) % every == 0) {
            static const char *const mn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
            fprintf(out,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>"
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s %.4s</text>",
                    cx(c, d), cx(c, d), c->y0 + c->h, c->y0 + c->h + 5, cx(c, d), c->y0 + c->h + 19,
                    mn[month - 1], date);
        }
    }
    fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#555\"/>", c->x0,
            c->x0 + c->w, c->y0 + c->h, c->y0 + c->h);
}

/* The forecast from the as-of day: its 80% band and its central line. */
static void chart_forecast(FILE *out, const struct sl_progress *p, const struct chart *c,
                           int64_t asof)
{
    if (p->n_projection == 0)
        return;
    double o0 = (double)p->total.outstanding;
    fprintf(out, "<polygon fill=\"#56B4E9\" fill-opacity=\"0.25\" stroke=\"none\" points=\"");
    fprintf(out, "%.1f,%.1f ", cx(c, asof), cy(c, o0));
    for (size_t i = 0; i < p->n_projection; i++) {
        int64_t d = day_of(p->projection[i].end);
        if (d > c->d1)
            break;
        fprintf(out, "%.1f,%.1f ", cx(c, d), cy(c, p->projection[i].optimistic));
    }
    for (size_t i = p->n_projection; i-- > 0;) {
        int64_t d = day_of(p->projection[i].end);
        if (d > c->d1)
            continue;
        fprintf(out, "%.1f,%.1f ", cx(c, d), cy(c, p->projection[i].pessimistic));
    }
    fprintf(out, "\"/><polyline fill=\"none\" stroke=\"#0072B2\" stroke-width=\"2\" "
                 "stroke-dasharray=\"6 4\" points=\"%.1f,%.1f",
            cx(c, asof), cy(c, o0));
    for (size_t i = 0; i < p->n_projection; i++) {
        int64_t d = day_of(p->projection[i].end);
        if (d > c->d1)
            break;
        fprintf(out, " %.1f,%.1f", cx(c, d), cy(c, p->projection[i].central));
        if (p->projection[i].central <= 0)
            break;
    }
    fputs("\"/>", out);
}

/* Affected (grey) and outstanding (solid blue) history, and the as-of marker. */
static void chart_history(FILE *out, const struct sl_progress *p, const struct chart *c,
                          int64_t asof)
{
    fputs("<polyline fill=\"none\" stroke=\"#9aa3ad\" stroke-width=\"1.5\" points=\"", out);
    for (size_t i = 0; i < p->n_weeks; i++)
        fprintf(out, "%s%.1f,%.1f", i ? " " : "", cx(c, day_of(p->weeks[i].end)),
                cy(c, (double)p->weeks[i].affected));
    fputs("\"/><polyline fill=\"none\" stroke=\"#0072B2\" stroke-width=\"2.5\" points=\"", out);
    for (size_t i = 0; i < p->n_weeks; i++)
        fprintf(out, "%s%.1f,%.1f", i ? " " : "", cx(c, day_of(p->weeks[i].end)),
                cy(c, (double)p->weeks[i].outstanding));
    fputs("\"/>", out);
    /* as-of marker */
    fprintf(out,
            "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#333\" "
            "stroke-dasharray=\"2 3\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">as of "
            "%s</text>",
            cx(c, asof), cx(c, asof), c->y0, c->y0 + c->h, cx(c, asof) - 4, c->y0 + c->h - 6,
            p->as_of);
}

/* Milestones: a vertical marker, and the level the target allows when its scope is ours. */
static void chart_milestones(FILE *out, const struct sl_progress *p, const struct chart *c)
{
    for (size_t i = 0; i < p->n_milestones; i++) {
        const struct sl_prog_milestone *m = &p->milestones[i];
        int64_t d = day_of(m->m.due);
        if (d < c->d0 || d > c->d1)
            continue;
        const char *col = m->status == SL_MS_MET        ? "#009E73"
                          : m->status == SL_MS_ON_TRACK ? "#0072B2"
                          : m->status == SL_MS_AT_RISK  ? "#E69F00"
                                                        : "#D55E00";
        double x = cx(c, d);
        fprintf(out,
                "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                "stroke-width=\"2\" stroke-dasharray=\"4 3\"/>",
                x, x, c->y0 + 12.0 * (double)(i % 3), c->y0 + c->h, col);
        bool same = (strcmp(m->m.scope_kind, "all") == 0 && p->scope.kind == SL_SCOPE_ALL) ||
                    (strcmp(m->m.scope_kind, sl_scope_kind_name(p->scope.kind)) == 0 &&
                     strcmp(m->m.scope_value, p->scope.value) == 0);
        if (same) {
            double want = strcmp(m->m.target_kind, "percent") == 0
                              ? (double)m->affected * m->m.target / 100.0
                              : m->m.target;
            double level = (double)m->affected - want - (double)p->total.exempt;
            if (level < 0)
                level = 0;
            fprintf(out,
                    "<path d=\"M%.1f %.1f l7 7 l-7 7 l-7 -7 z\" fill=\"%s\" stroke=\"#fff\"/>", x,
                    cy(c, level) - 7, col);
        }
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" style=\"fill:%s\">", x + 4,
                c->y0 + 10 + 12.0 * (double)(i % 3), x > c->x0 + c->w - 120 ? "end" : "start",
                col);
        esc(out, m->m.name);
        fputs("</text>", out);
    }
}

static void burndown(FILE *out, const struct sl_progress *p)
{
    if (p->n_weeks == 0 || p->total.affected == 0) {
        fputs("<p class=\"small\">No affected devices yet: nothing to chart.</p>", out);
        return;
    }
    struct chart c;
    double step;
    chart_frame(p, &c, &step);
    int64_t asof = day_of(p->as_of);
    fprintf(out,
            "<svg role=\"img\" aria-labelledby=\"bd-title\" viewBox=\"0 0 900 370\" "
            "width=\"100%%\" style=\"max-width:900px\" xmlns=\"http://www.w3.org/2000/svg\">"
            "<title id=\"bd-title\">Burn-down: affected devices still to replace, week by week, "
            "with the forecast and its range, and the milestones</title>");
    chart_axes(out, &c, step);
    chart_forecast(out, p, &c, asof);
    chart_history(out, p, &c, asof);
    chart_milestones(out, p, &c);
    fprintf(out, "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" "
                 "text-anchor=\"middle\">devices still to replace</text></svg>",
            c.y0 + c.h / 2, c.y0 + c.h / 2);
    fputs("<div class=\"legend\"><span><i style=\"background:#0072B2\"></i>outstanding "
          "(actual)</span><span><i style=\"background:repeating-linear-gradient(90deg,#0072B2 0 "
          "6px,transparent 6px 10px)\"></i>forecast</span><span><i style=\"background:#56B4E9;"
          "opacity:.5;height:10px\"></i>forecast range (80%)</span><span><i "
          "style=\"background:#9aa3ad\"></i>affected devices known</span><span>&#9670; "
          "milestone target level</span></div>",
          out);
}

static void weekly_bars(FILE *out, const struct sl_progress *p)
{
    size_t n = p->n_weeks < 26 ? p->n_weeks : 26;
    if (n == 0)
        return;
    const struct sl_prog_week *w = p->weeks + (p->n_weeks - n);
    double max = 1;
    for (size_t i = 0; i < n; i++)
        if ((double)w[i].removals > max)
            max = (double)w[i].removals;
    double bw = 820.0 / (double)n;
    fprintf(out, "<svg role=\"img\" aria-labelledby=\"wk-title\" viewBox=\"0 0 900 170\" "
                 "width=\"100%%\" style=\"max-width:900px\" xmlns=\"http://www.w3.org/2000/svg\">"
                 "<title id=\"wk-title\">Removals each week, last %zu weeks, with the fitted "
                 "rate</title>",
            n);
    for (size_t i = 0; i < n; i++) {
        double h = 120.0 * (double)w[i].removals / max;
        fprintf(out,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#009E73\">"
                "<title>week to %s: %lld removed</title></rect>",
                64 + bw * (double)i + 1, 140 - h, bw - 2, h, w[i].end, (long long)w[i].removals);
        if ((n - 1 - i) % 4 == 0)
            fprintf(out, "<text x=\"%.1f\" y=\"156\" text-anchor=\"middle\">%.5s</text>",
                    64 + bw * ((double)i + 0.5), w[i].end + 5);
    }
    fprintf(out, "<text x=\"58\" y=\"24\" text-anchor=\"end\">%.0f</text><text x=\"58\" "
                 "y=\"144\" text-anchor=\"end\">0</text>",
            max);
    if (p->forecast.weeks > 0 && p->forecast.rate > 0) {
        double y = 140 - 120.0 * p->forecast.rate / max;
        fprintf(out, "<line x1=\"64\" x2=\"884\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#E69F00\" "
                     "stroke-width=\"2\" stroke-dasharray=\"5 4\"/><text x=\"884\" y=\"%.1f\" "
                     "text-anchor=\"end\">fitted rate %.1f a week</text>",
                y, y, y - 4, p->forecast.rate);
    }
    fputs("</svg>", out);
}

static const char *ms_words(enum sl_ms_status st)
{
    static const char *const w[] = {"met", "missed", "on track", "at risk", "scope not found"};
    return (unsigned)st <= SL_MS_NO_SCOPE ? w[st] : "";
}

static const char *fc_words(enum sl_fc_state st)
{
    switch (st) {
    case SL_FC_NO_AFFECTED: return "nothing to remove";
    case SL_FC_COMPLETE: return "complete";
    case SL_FC_STALLED: return "no removals lately";
    case SL_FC_NOT_AT_TREND: return "not at the current rate";
    case SL_FC_DATE: return "";
    }
    return "";
}

static void counts_table(FILE *out, const char *section, const struct sl_prog_row *rows,
                         size_t n, bool site, bool fc)
{
    fprintf(out, "<table><thead><tr><th>%s</th>%s<th class=\"n\">affected</th><th "
                 "class=\"n\">replaced</th><th class=\"n\">replaced %%</th><th></th><th "
                 "class=\"n\">verified %%</th><th class=\"n\">exempt</th><th "
                 "class=\"n\">outstanding</th><th class=\"n\">overdue</th>%s</tr></thead><tbody>",
            site ? "site" : strcmp(section, "by_tier") == 0 ? "tier" : "department",
            site ? "<th>department</th><th>tier</th>" : "", fc ? "<th>forecast finish</th>" : "");
    for (size_t i = 0; i < n; i++) {
        const struct sl_prog_row *r = &rows[i];
        if (site && r->c.affected == 0)
            continue;
        char path[96];
        fprintf(out, "<tr%s><td>", r->c.overdue ? " class=\"overdue\"" : "");
        snprintf(path, sizeof path, "%s.%zu.name", section, i);
        fig(out, path, r->name);
        fputs("</td>", out);
        if (site) {
            fputs("<td>", out);
            esc(out, r->department);
            fputs("</td><td>", out);
            esc(out, r->tier);
            fputs("</td>", out);
        }
        static const char *const f[] = {"affected", "replaced"};
        const int64_t v[] = {r->c.affected, r->c.replaced};
        for (int k = 0; k < 2; k++) {
            fputs("<td class=\"n\">", out);
            snprintf(path, sizeof path, "%s.%zu.%s", section, i, f[k]);
            figi(out, path, v[k]);
            fputs("</td>", out);
        }
        fputs("<td class=\"n\">", out);
        snprintf(path, sizeof path, "%s.%zu.replaced_pct", section, i);
        figp(out, path, r->c.replaced_pct);
        fprintf(out, "%%</td><td><span class=\"bar\"><i style=\"width:%.1f%%\"></i></span></td>",
                r->c.replaced_pct);
        fputs("<td class=\"n\">", out);
        snprintf(path, sizeof path, "%s.%zu.verified_pct", section, i);
        figp(out, path, r->c.verified_pct);
        fputs("%</td>", out);
        static const char *const g[] = {"exempt", "outstanding", "overdue"};
        const int64_t u[] = {r->c.exempt, r->c.outstanding, r->c.overdue};
        for (int k = 0; k < 3; k++) {
            fputs("<td class=\"n\">", out);
            snprintf(path, sizeof path, "%s.%zu.%s", section, i, g[k]);
            figi(out, path, u[k]);
            fputs("</td>", out);
        }
        if (fc) {
            fputs("<td>", out);
            snprintf(path, sizeof path, "%s.%zu.forecast.state", section, i);
            if (r->fc.state == SL_FC_DATE) {
                snprintf(path, sizeof path, "%s.%zu.forecast.finish", section, i);
                fig(out, path, r->fc.finish);
            } else {
                esc(out, fc_words(r->fc.state));
                fputs("<span hidden>", out);
                fig(out, path, sl_fc_state_name(r->fc.state));
                fputs("</span>", out);
            }
            fputs("</td>", out);
        }
        fputs("</tr>", out);
    }
    fputs("</tbody></table>", out);
}

struct dev_ctx {
    FILE *out;
};

static int dev_row(const struct sl_prog_device *pd, void *vctx)
{
    FILE *out = ((struct dev_ctx *)vctx)->out;
    const struct sl_device *d = pd->d;
    fprintf(out, "<tr%s><td class=\"n\">%lld</td><td>",
            pd->status == SL_STATUS_REAPPEARED ? " class=\"reappeared\""
            : pd->overdue                      ? " class=\"overdue\""
                                               : "",
            (long long)d->id);
    esc(out, d->site);
    fputs("</td><td>", out);
    esc(out, d->address);
    if (d->mac[0]) {
        fputs("<br><span class=\"small\">", out);
        esc(out, d->mac);
        fputs("</span>", out);
    }
    fputs("</td><td><b>", out);
    esc(out, d->claim.manufacturer[0] ? d->claim.manufacturer : "unknown");
    fputs("</b>", out);
    if (d->claim.brand[0]) {
        fputs(" (sold as ", out);
        esc(out, d->claim.brand);
        fputs(")", out);
    }
    fputs("<br>", out);
    esc(out, d->claim.model);
    fprintf(out, " <span class=\"small\">confidence %.2f</span></td><td><b>", d->claim.confidence);
    esc(out, sl_decision_name(d->verdict.decision));
    fputs("</b>", out);
    if (d->verdict.deadline[0]) {
        fputs(" by ", out);
        esc(out, d->verdict.deadline);
    }
    fputs("<br><span class=\"small\">", out);
    esc(out, d->verdict.policy);
    fputs(": ", out);
    esc(out, d->verdict.reason);
    fputs("</span></td><td class=\"ev\">", out);
    for (size_t i = 0; i < d->claim.n_rules; i++) {
        esc(out, d->claim.rules[i]);
        fputs("<br>", out);
    }
    if (pd->evidence[0]) {
        fputs("<span class=\"small\">", out);
        esc(out, pd->evidence);
        fputs("</span>", out);
    } else {
        fputs("<span class=\"small\">no raw evidence stored</span>", out);
    }
    fputs("</td><td>", out);
    esc(out, sl_status_name(pd->status));
    if (d->scheduled_for[0] && pd->status == SL_STATUS_SCHEDULED) {
        fputs(" for ", out);
        esc(out, d->scheduled_for);
    }
    if (pd->overdue)
        fputs(" <b>overdue</b>", out);
    fputs("</td></tr>", out);
    return 0;
}

static void card(FILE *out, const char *cls, const char *label, const char *path,
                 const char *value, const char *suffix, const char *sub)
{
    fprintf(out, "<div class=\"card %s\"><div class=\"v\">", cls);
    fig(out, path, value);
    fputs(suffix, out);
    fputs("</div><div class=\"l\">", out);
    esc(out, label);
    if (sub != NULL && *sub) {
        fputs("<br>", out);
        esc(out, sub);
    }
    fputs("</div></div>", out);
}

/* The page's head, title and headline, and the alert when devices came back. */
static void page_head(FILE *out, const struct sl_progress *p)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:\"><title>Removal programme: ",
          out);
    esc(out, p->scope_text);
    fprintf(out, " as of %s</title><style>%s</style></head><body><main>\n", p->as_of, css);
    fputs("<h1>Removal of high-risk-vendor devices: ", out);
    esc(out, p->scope_text);
    fputs("</h1><p class=\"sub\">Figures as of the end of ", out);
    fig(out, "as_of", p->as_of);
    fputs(" &middot; programme start ", out);
    fig(out, "programme_start", p->start[0] ? p->start : "none");
    fputs(" &middot; generated ", out);
    esc(out, p->generated_at);
    fputs(" by sightline &middot; audit head: entry ", out);
    figi(out, "audit_head.entry", p->audit_head_seq);
    fputs(" sha256 ", out);
    fig(out, "audit_head.sha256", p->audit_head_hash);
    fputs("</p>\n<p class=\"headline\">", out);
    fig(out, "headline", p->headline);
    fputs("</p>\n", out);
    if (p->n_reappearances_total > 0) {
        fputs("<p class=\"alert\">&#9888; ", out);
        figi(out, "reappearances.total", (int64_t)p->n_reappearances_total);
        fputs(" removed device(s) seen again on the network: see 'Reappeared after removal' "
              "below.</p>",
              out);
    }
}

static void headline_cards(FILE *out, const struct sl_progress *p)
{
    const struct sl_prog_counts *c = &p->total;
    char b[64], sub[128];
    fputs("<div class=\"cards\">", out);
    sl_report_pct_text(c->replaced_pct, b, sizeof b);
    snprintf(sub, sizeof sub, "%lld of %lld affected", (long long)c->replaced,
             (long long)c->affected);
    card(out, "good", "replaced", "totals.replaced_pct", b, "%", sub);
    sl_report_pct_text(c->verified_pct, b, sizeof b);
    snprintf(sub, sizeof sub, "%lld confirmed gone by a rescan", (long long)c->verified);
    card(out, "", "verified absent", "totals.verified_pct", b, "%", sub);
    snprintf(b, sizeof b, "%lld", (long long)c->outstanding);
    card(out, "", "outstanding", "totals.outstanding", b, "", "still to replace");
    snprintf(b, sizeof b, "%lld", (long long)c->overdue);
    card(out, c->overdue ? "bad" : "", "overdue", "totals.overdue", b, "",
         "past their date or deadline");
    snprintf(b, sizeof b, "%lld", (long long)c->exempt);
    card(out, "", "exempt", "totals.exempt", b, "", "approved, with expiry");
    snprintf(b, sizeof b, "%lld", (long long)c->reappeared);
    card(out, c->reappeared ? "bad" : "", "reappeared", "totals.reappeared", b, "",
         "seen again after removal");
    if (p->forecast.state == SL_FC_DATE) {
        snprintf(sub, sizeof sub, "range %s to %s", p->forecast.earliest,
                 p->forecast.latest[0] ? p->forecast.latest : "open-ended");
        card(out, "", "forecast completion", "forecast.finish", p->forecast.finish, "", sub);
    } else {
        card(out, "", fc_words(p->forecast.state), "forecast.state",
             sl_fc_state_name(p->forecast.state), "", "forecast");
    }
    fputs("</div>\n", out);

}

/* A milestone's cells up to its achievement; base: its JSON path ("milestones.0",
 * "vehicles.milestones.0"). */
static void milestone_cells(FILE *out, const struct sl_prog_milestone *m, const char *base)
{
    bool pct = strcmp(m->m.target_kind, "percent") == 0;
    char path[96], b[64];
    fputs("<tr><td>", out);
    snprintf(path, sizeof path, "%s.name", base);
    fig(out, path, m->m.name);
    fputs("</td><td>", out);
    snprintf(path, sizeof path, "%s.due", base);
    fig(out, path, m->m.due);
    fprintf(out, "</td><td class=\"n\">%.0f%s</td><td>", m->m.target, pct ? "%" : "");
    esc(out, m->m.scope_kind);
    if (m->m.scope_value[0]) {
        fputs(": ", out);
        esc(out, m->m.scope_value);
    }
    fprintf(out, "</td><td><span class=\"badge %s\">", sl_ms_status_name(m->status));
    esc(out, ms_words(m->status));
    fputs("</span> <span hidden>", out);
    snprintf(path, sizeof path, "%s.status", base);
    fig(out, path, sl_ms_status_name(m->status));
    fputs("</span></td><td class=\"n\">", out);
    snprintf(path, sizeof path, "%s.achieved", base);
    if (pct) {
        figp(out, path, m->achieved);
        fputs("%", out);
    } else {
        snprintf(b, sizeof b, "%.0f", m->achieved);
        fig(out, path, b);
    }
    fputs("</td>", out);
}

static void milestone_row(FILE *out, const struct sl_prog_milestone *m, size_t i)
{
    char base[32];
    snprintf(base, sizeof base, "milestones.%zu", i);
    milestone_cells(out, m, base);
    fputs("<td>", out);
    esc(out, m->note);
    fputs("</td></tr>", out);
}

/* The milestones of vehicles' parts: a device milestone's cells, then the
 * parts outstanding and when the forecast has them all out. */
static void vehicle_milestones(FILE *out, const struct sl_vehicle_figures *v)
{
    fputs("<h3>Milestones of connected parts</h3>", out);
    if (v->n_milestones == 0) {
        fputs("<p class=\"small\">No milestones of vehicle parts (<code>sightline milestones "
              "add --of vehicle-parts</code>).</p>",
              out);
        return;
    }
    fputs("<table><thead><tr><th>milestone</th><th>due</th><th class=\"n\">target</th>"
          "<th>scope</th><th>status</th><th class=\"n\">achieved</th>"
          "<th class=\"n\">outstanding</th><th>forecast finish</th><th>note</th></tr>"
          "</thead><tbody>",
          out);
    for (size_t i = 0; i < v->n_milestones; i++) {
        const struct sl_vfig_milestone *vm = &v->milestones[i];
        char base[48], path[96], b[32];
        snprintf(base, sizeof base, "vehicles.milestones.%zu", i);
        milestone_cells(out, &vm->pm, base);
        fputs("<td class=\"n\">", out);
        snprintf(path, sizeof path, "%s.outstanding", base);
        snprintf(b, sizeof b, "%lld", (long long)vm->outstanding);
        fig(out, path, b);
        fputs("</td><td>", out);
        if (vm->fc.state == SL_FC_DATE) {
            snprintf(path, sizeof path, "%s.forecast.finish", base);
            fig(out, path, vm->fc.finish);
        } else {
            snprintf(path, sizeof path, "%s.forecast.state", base);
            fig(out, path, sl_fc_state_name(vm->fc.state));
        }
        fputs("</td><td>", out);
        esc(out, vm->pm.note);
        fputs("</td></tr>", out);
    }
    fputs("</tbody></table>", out);
}

static void milestones_section(FILE *out, const struct sl_progress *p)
{
    fputs("<h2 id=\"milestones\">Milestones</h2>", out);
    if (p->n_milestones == 0) {
        fputs("<p class=\"small\">No milestones set (<code>sightline milestones add</code>).</p>",
              out);
        return;
    }
    fputs("<table><thead><tr><th>milestone</th><th>due</th><th class=\"n\">target</th>"
          "<th>scope</th><th>status</th><th class=\"n\">achieved</th><th>note</th></tr>"
          "</thead><tbody>",
          out);
    for (size_t i = 0; i < p->n_milestones; i++)
        milestone_row(out, &p->milestones[i], i);
    fputs("</tbody></table>", out);
}

static void forecast_section(FILE *out, const struct sl_progress *p)
{
    char b[64];
    fputs("<h2 id=\"burndown\">Burn-down and forecast</h2>", out);
    burndown(out, p);
    fputs("<p class=\"small\">", out);
    esc(out, sl_progress_method);
    fprintf(out, " Window: %d weeks; fitted rate ", p->forecast.weeks);
    snprintf(b, sizeof b, "%.1f", round(p->forecast.rate * 10) / 10);
    fig(out, "forecast.rate_per_week", b);
    fputs(" removals a week, trend ", out);
    snprintf(b, sizeof b, "%+.2f", round(p->forecast.slope * 100) / 100);
    esc(out, b);
    fputs(" a week per week.</p>", out);
    fputs("<h2 id=\"weekly\">Removals each week</h2>", out);
    weekly_bars(out, p);

}

static void breakdown_sections(FILE *out, const struct sl_progress *p)
{
    fputs("<h2 id=\"tiers\">Progress by tier</h2>", out);
    counts_table(out, "by_tier", p->tiers, SL_TIER_COUNT, false, true);
    fputs("<h2 id=\"departments\">Progress by department</h2>", out);
    counts_table(out, "by_department", p->departments, p->n_departments, false, true);
    fputs("<h2 id=\"sites\">Progress by site</h2>", out);
    counts_table(out, "by_site", p->sites, p->n_sites, true, false);

}

static void overdue_section(FILE *out, const struct sl_progress *p)
{
    fputs("<h2 id=\"overdue\">Overdue sites</h2>", out);
    if (p->n_overdue_sites == 0) {
        fputs("<p>No site has devices past their removal date or deadline.</p>", out);
    } else {
        fputs("<table><thead><tr><th>site</th><th>department</th><th>tier</th><th "
              "class=\"n\">overdue</th><th class=\"n\">outstanding</th></tr></thead><tbody>",
              out);
        for (size_t k = 0; k < p->n_overdue_sites; k++) {
            const struct sl_prog_row *r = &p->sites[p->overdue_sites[k]];
            char path[64];
            fputs("<tr class=\"overdue\"><td>", out);
            snprintf(path, sizeof path, "overdue_sites.%zu.name", k);
            fig(out, path, r->name);
            fputs("</td><td>", out);
            esc(out, r->department);
            fputs("</td><td>", out);
            esc(out, r->tier);
            fputs("</td><td class=\"n\">", out);
            snprintf(path, sizeof path, "overdue_sites.%zu.overdue", k);
            figi(out, path, r->c.overdue);
            fputs("</td><td class=\"n\">", out);
            snprintf(path, sizeof path, "overdue_sites.%zu.outstanding", k);
            figi(out, path, r->c.outstanding);
            fputs("</td></tr>", out);
        }
        fputs("</tbody></table>", out);
    }

}

static void reappeared_section(FILE *out, const struct sl_progress *p)
{
    fputs("<h2 id=\"reappeared\">Reappeared after removal</h2>", out);
    if (p->n_reappearances == 0) {
        fputs("<p>No removed device has been seen again.</p>", out);
    } else {
        fputs("<table><thead><tr><th class=\"n\">device</th><th>site</th><th>address</th>"
              "<th>device</th><th>seen again</th><th>note</th></tr></thead><tbody>",
              out);
        for (size_t i = 0; i < p->n_reappearances; i++) {
            const struct sl_prog_reappearance *x = &p->reappearances[i];
            fprintf(out, "<tr class=\"reappeared\"><td class=\"n\">%lld</td><td>",
                    (long long)x->device_id);
            esc(out, x->site);
            fputs("</td><td>", out);
            esc(out, x->address);
            fputs("</td><td>", out);
            esc(out, x->manufacturer);
            fputs(" ", out);
            esc(out, x->model);
            fputs("</td><td class=\"nw\">", out);
            esc(out, x->at);
            fputs("</td><td>", out);
            esc(out, x->note);
            fputs("</td></tr>", out);
        }
        fputs("</tbody></table>", out);
    }

}

/* One cell of row i of a listed section, its figure path "LIST.listed.I.FIELD". */
static void list_cell(FILE *out, const char *list, size_t i, const char *field, const char *text)
{
    char path[96];
    snprintf(path, sizeof path, "%s.listed.%zu.%s", list, i, field);
    fig(out, path, text);
}

static void vc_cell(FILE *out, size_t i, const char *field, const char *text)
{
    list_cell(out, "verdict_changes", i, field, text);
}

static void verdict_change_row(FILE *out, size_t i, const struct sl_prog_verdict_change *x)
{
    fputs("<tr><td class=\"nw\">", out);
    vc_cell(out, i, "at", x->at);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)x->device_id);
    fputs("</td><td class=\"n\">", out);
    vc_cell(out, i, "device", id);
    fputs("</td><td>", out);
    vc_cell(out, i, "site", x->site);
    fputs("</td><td>", out);
    vc_cell(out, i, "address", x->address);
    fputs("</td><td>", out);
    vc_cell(out, i, "from", x->from);
    fputs(" &rarr; ", out);
    vc_cell(out, i, "to", x->to);
    fputs("</td><td>", out);
    vc_cell(out, i, "to_manufacturer", x->to_manufacturer);
    fputs("</td><td><span class=\"small\">", out);
    vc_cell(out, i, "via", x->via);
    fputs(": rules ", out);
    vc_cell(out, i, "rules", x->rules);
    fputs("; policy ", out);
    vc_cell(out, i, "policy", x->policy);
    fputs(" ", out);
    vc_cell(out, i, "policy_version", x->policy_version);
    fputs("</span></td></tr>", out);
}

static void verdict_changes_section(FILE *out, const struct sl_progress *p)
{
    fputs("<h2 id=\"verdict-changes\">Verdict changes</h2>", out);
    if (p->n_verdict_changes == 0) {
        fputs("<p>No device's verdict changed by this date.</p>", out);
        return;
    }
    fputs("<p class=\"small\">", out);
    figi(out, "verdict_changes.total", (int64_t)p->n_verdict_changes_total);
    fputs(" change(s) of a verdict by this date, newest first: a device counts with the "
          "verdict that held at each date. Why: what judged it again (a scan's observation or "
          "'devices reassess'), the rules that identified it and the deciding policy's "
          "version.</p><table><thead><tr><th>when</th><th class=\"n\">device</th><th>site</th>"
          "<th>address</th><th>verdict</th><th>maker</th><th>why</th></tr></thead><tbody>",
          out);
    for (size_t i = 0; i < p->n_verdict_changes; i++)
        verdict_change_row(out, i, &p->verdict_changes[i]);
    fputs("</tbody></table>", out);
}

/* The site agents in scope (their state when the report is made); nothing
 * when the register has none. */
static void agents_section(FILE *out, const struct sl_progress *p)
{
    const struct sl_agent_figures *f = &p->agents;
    if (f->enrolled == 0)
        return;
    fputs("<h2 id=\"agents\">Site agents</h2><p class=\"small\">", out);
    figi(out, "agents.enrolled", f->enrolled);
    fputs(" agent(s) as at ", out);
    fig(out, "agents.state_at", p->generated_at);
    fputs(" (now, whatever the report's date): ", out);
    figi(out, "agents.ok", f->ok);
    fputs(" ok, ", out);
    figi(out, "agents.stale", f->stale);
    fputs(" stale (silent for more than twice their schedule), ", out);
    figi(out, "agents.revoked", f->revoked);
    fputs(" revoked, ", out);
    figi(out, "agents.spool_full", f->spool_full);
    fputs(" with a full spool.</p><table><thead><tr><th>agent</th><th>sites</th><th>state</th>"
          "<th>last seen</th><th>version</th><th class=\"n\">spool batches</th></tr></thead>"
          "<tbody>",
          out);
    for (size_t i = 0; i < f->n_listed; i++) {
        const struct sl_afig_agent *x = &f->listed[i];
        fputs(strcmp(x->state, "ok") == 0 ? "<tr><td>" : "<tr class=\"overdue\"><td>", out);
        list_cell(out, "agents", i, "name", x->name);
        fputs("</td><td>", out);
        list_cell(out, "agents", i, "sites", x->sites);
        fputs("</td><td>", out);
        list_cell(out, "agents", i, "state", x->state);
        fputs("</td><td class=\"nw\">", out);
        list_cell(out, "agents", i, "last_seen", x->last_seen);
        fputs("</td><td>", out);
        list_cell(out, "agents", i, "version", x->version);
        fputs("</td><td class=\"n\">", out);
        char n[24];
        snprintf(n, sizeof n, "%lld", (long long)x->spool_batches);
        list_cell(out, "agents", i, "spool_batches", n);
        fputs("</td></tr>", out);
    }
    fputs("</tbody></table>", out);
}

static void exemptions_section(FILE *out, const struct sl_progress *p)
{
    fputs("<h2 id=\"exemptions\">Exemptions</h2>", out);
    if (p->n_exemptions == 0) {
        fputs("<p>No exemptions.</p>", out);
    } else {
        fputs("<p class=\"small\">Exempt devices stay in the affected total and are not "
              "counted as replaced. When an exemption expires the device counts with its "
              "status before the exemption.</p><table><thead><tr><th class=\"n\">device</th>"
              "<th>site</th><th>device</th><th>reason</th><th>approved by</th><th>until</th>"
              "<th>state</th></tr></thead><tbody>",
              out);
        for (size_t i = 0; i < p->n_exemptions; i++) {
            const struct sl_prog_exemption *x = &p->exemptions[i];
            fprintf(out, "<tr><td class=\"n\">%lld</td><td>", (long long)x->device_id);
            esc(out, x->site);
            fputs("</td><td>", out);
            esc(out, x->manufacturer);
            fputs(" ", out);
            esc(out, x->model);
            fputs("</td><td>", out);
            esc(out, x->reason);
            fputs("</td><td>", out);
            esc(out, x->approver);
            fputs("</td><td class=\"nw\">", out);
            esc(out, x->until);
            if (x->expired)
                fprintf(out, "</td><td><span class=\"badge missed\">expired</span> counts as %s",
                        x->falls_back_to);
            else
                fprintf(out, "</td><td>%lld days left", (long long)x->days_left);
            fputs("</td></tr>", out);
        }
        fputs("</tbody></table>", out);
    }

}

/* One row of a vehicle table: name, total, affected, each decision, earliest deadline. */
static void vehicle_row(FILE *out, const char *path, const char *name, const char *none,
                        const struct sl_vfig_counts *c)
{
    char fp[96];
    fputs("<tr><td>", out);
    if (name[0]) {
        snprintf(fp, sizeof fp, "%s.name", path);
        fig(out, fp, name);
    } else {
        esc(out, none);
    }
    fputs("</td><td class=\"n\">", out);
    snprintf(fp, sizeof fp, "%s.total", path);
    figi(out, fp, c->total);
    fputs("</td><td class=\"n\">", out);
    snprintf(fp, sizeof fp, "%s.affected", path);
    figi(out, fp, c->affected);
    for (size_t i = 0; i < SL_REPORT_DECISIONS; i++) {
        fputs("</td><td class=\"n\">", out);
        snprintf(fp, sizeof fp, "%s.%s", path, sl_decision_name(sl_report_decisions[i]));
        figi(out, fp, c->by[sl_report_decisions[i]]);
    }
    fputs("</td><td class=\"nw\">", out);
    snprintf(fp, sizeof fp, "%s.earliest_deadline", path);
    fig(out, fp, c->earliest[0] ? c->earliest : "none");
    fputs("</td></tr>", out);
}

static void vehicle_table(FILE *out, const char *title, const char *first, const char *path,
                          const struct sl_vfig_row *rows, size_t n, const char *none)
{
    fprintf(out, "<h3>%s</h3>", title);
    if (n == 0) {
        fputs("<p class=\"small\">None.</p>", out);
        return;
    }
    fprintf(out, "<table><thead><tr><th>%s</th><th class=\"n\">total</th><th class=\"n\">"
                 "affected</th><th class=\"n\">prohibited</th><th class=\"n\">replace-by</th>"
                 "<th class=\"n\">restricted</th><th class=\"n\">needs review</th>"
                 "<th class=\"n\">allowed</th><th>earliest deadline</th></tr></thead><tbody>",
            first);
    for (size_t i = 0; i < n; i++) {
        char rp[64];
        snprintf(rp, sizeof rp, "%s.%zu", path, i);
        vehicle_row(out, rp, rows[i].name, none, &rows[i].c);
    }
    fputs("</tbody></table>", out);
}

static void vehicles_section(FILE *out, const struct sl_vehicle_figures *v)
{
    char b[32], sub[96];
    fputs("<h2 id=\"vehicles\">Vehicles and their connected parts</h2><div class=\"cards\">",
          out);
    snprintf(b, sizeof b, "%lld", (long long)v->vehicles.total);
    snprintf(sub, sizeof sub, "%lld retired, not counted", (long long)v->retired);
    card(out, "", "active vehicles", "vehicles.vehicles.total", b, "", sub);
    snprintf(b, sizeof b, "%lld", (long long)v->vehicles.affected);
    card(out, v->vehicles.affected ? "bad" : "", "affected vehicles", "vehicles.vehicles.affected",
         b, "", "prohibited, replace-by or restricted");
    snprintf(b, sizeof b, "%lld", (long long)v->vehicles.by[SL_DECISION_PROHIBITED]);
    card(out, "", "prohibited at their site", "vehicles.vehicles.prohibited", b, "", "");
    snprintf(b, sizeof b, "%lld", (long long)v->vehicles.by[SL_DECISION_RESTRICTED]);
    card(out, "", "restricted (site rule)", "vehicles.vehicles.restricted", b, "", "");
    snprintf(b, sizeof b, "%lld", (long long)v->parts.affected);
    snprintf(sub, sizeof sub, "of %lld fitted", (long long)v->parts.total);
    card(out, "", "affected parts", "vehicles.parts.affected", b, "", sub);
    fputs("</div><p class=\"small\">", out);
    esc(out, sl_report_vehicle_definitions);
    fputs("</p>", out);
    vehicle_table(out, "Affected vehicles by fleet", "fleet", "vehicles.by_fleet", v->fleets,
                  v->n_fleets, "(no fleet)");
    vehicle_table(out, "Affected vehicles by site", "site", "vehicles.by_site", v->sites,
                  v->n_sites, "(no site)");
    vehicle_table(out, "Connected parts by vendor", "vendor", "vehicles.parts_by_vendor",
                  v->vendors, v->n_vendors, "(not identified)");
    fputs("<h3>Deadlines by model year</h3><table><thead><tr><th>model year</th>"
          "<th class=\"n\">vehicles</th><th class=\"n\">affected</th><th class=\"n\">"
          "prohibited</th><th class=\"n\">replace-by</th><th class=\"n\">parts affected</th>"
          "<th class=\"n\">parts replace-by</th><th>earliest part deadline</th></tr></thead>"
          "<tbody>",
          out);
    for (size_t i = 0; i < v->n_years; i++) {
        const struct sl_vfig_row *y = &v->years[i];
        char fp[96];
        static const char *const keys[] = {"vehicles.total", "vehicles.affected",
                                           "vehicles.prohibited", "vehicles.replace-by",
                                           "parts.affected", "parts.replace-by"};
        int64_t vals[] = {y->c.total, y->c.affected, y->c.by[SL_DECISION_PROHIBITED],
                          y->c.by[SL_DECISION_REPLACE_BY], y->parts.affected,
                          y->parts.by[SL_DECISION_REPLACE_BY]};
        fputs("<tr><td>", out);
        snprintf(fp, sizeof fp, "vehicles.by_model_year.%zu.model_year", i);
        if (y->name[0])
            fig(out, fp, y->name);
        else
            fputs("unknown", out);
        for (size_t k = 0; k < 6; k++) {
            fputs("</td><td class=\"n\">", out);
            snprintf(fp, sizeof fp, "vehicles.by_model_year.%zu.%s", i, keys[k]);
            figi(out, fp, vals[k]);
        }
        fputs("</td><td class=\"nw\">", out);
        snprintf(fp, sizeof fp, "vehicles.by_model_year.%zu.parts.earliest_deadline", i);
        fig(out, fp, y->parts.earliest[0] ? y->parts.earliest : "none");
        fputs("</td></tr>", out);
    }
    fputs("</tbody></table>", out);
    vehicle_milestones(out, v);
}

/* The device list, streamed: the work first (sl_progress_devices). */
static int devices_section(FILE *out, struct sl_store *s, const struct sl_progress *p,
                           const struct sl_report_opts *o, struct sl_err *err)
{
    const struct sl_prog_counts *c = &p->total;
    fputs("<h2 id=\"devices\">Affected devices and the evidence against them</h2>"
          "<p class=\"small\">",
          out);
    figi(out, "devices.affected", c->affected);
    fputs(" affected, ", out);
    figi(out, "devices.outstanding", c->outstanding);
    fputs(" outstanding; the work comes first (reappeared, overdue, outstanding, then exempt, "
          "removed and verified absent)",
          out);
    if (o->device_limit < c->affected)
        fprintf(out, "; the first %lld are listed, and the JSON and CSV reports list every one "
                     "with <code>--devices all</code>",
                (long long)o->device_limit);
    fputs(". Each row shows the claim (who made it, and the identification rules that fired), "
          "the verdict and the policy behind it, and the evidence records the claim was built "
          "from.</p><table><thead><tr><th class=\"n\">id</th><th>site</th><th>address</th>"
          "<th>maker / model</th><th>verdict</th><th>rules and evidence</th><th>status</th>"
          "</tr></thead><tbody>",
          out);
    struct dev_ctx dc = {out};
    return sl_progress_devices(s, p, o->device_limit, dev_row, &dc, err);
}

int sl_report_html(FILE *out, struct sl_store *s, const struct sl_progress *p,
                   const struct sl_report_opts *o, struct sl_err *err)
{
    page_head(out, p);
    headline_cards(out, p);
    milestones_section(out, p);
    forecast_section(out, p);
    breakdown_sections(out, p);
    overdue_section(out, p);
    reappeared_section(out, p);
    exemptions_section(out, p);
    verdict_changes_section(out, p);
    agents_section(out, p);
    vehicles_section(out, &p->vehicles);
    if (devices_section(out, s, p, o, err) != 0)
        return -1;
    fputs("</tbody></table>\n<footer><p>", out);
    esc(out, sl_progress_definitions);
    fputs("</p><p>", out);
    esc(out, sl_progress_method);
    fputs("</p></footer></main></body></html>\n", out);
    return ferror(out) ? sl_err_set(err, "write error") : 0;
}
