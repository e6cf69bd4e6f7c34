/* pages.c - the dashboard's read pages (overview, sites, devices, a device,
 * exemptions, the audit log), server-rendered, each limited to what the
 * signed-in account's grants cover. Changes are in actions.c. */
#include <stdlib.h>
#include <string.h>

#include "programme/explain.h"
#include "programme/progress.h"
#include "report/report.h"
#include "util/grow.h"
#include "util/str.h"
#include "web/figcache.h"
#include "web/internal.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX 500

/* ---- shared reads ---------------------------------------------------------------- */

void web_site_ref_of(const struct sl_site *site, struct sl_site_ref *ref)
{
    memset(ref, 0, sizeof *ref);
    ref->id = site->id;
    sl_strlcpy(ref->name, site->name, sizeof ref->name);
    sl_strlcpy(ref->department, site->department, sizeof ref->department);
}

int web_site_ref(struct web_req *r, int64_t site_id, struct sl_site_ref *ref)
{
    memset(ref, 0, sizeof *ref);
    if (site_id <= 0)
        return 0;
    struct sl_err err = {0};
    struct sl_site site;
    int got = sl_store_site_get_id(r->s, site_id, &site, &err);
    if (got < 0)
        return -1;
    if (got == 1) {
        web_site_ref_of(&site, ref);
        sl_site_free(&site);
    }
    return 0;
}

int web_device_visible(struct web_req *r, int64_t id, struct sl_device *d,
                       struct sl_site_ref *site)
{
    struct sl_err err = {0};
    int got = sl_store_device_get(r->s, id, d, &err);
    if (got <= 0)
        return got;
    if (web_site_ref(r, d->site_id, site) != 0)
        return -1;
    return sl_roles_allow(&r->roles, SL_ROLE_ANY, site) ? 1 : 0;
}

bool web_device_or_404(struct web_req *r, int64_t id, struct sl_device *d,
                       struct sl_site_ref *site)
{
    int got = web_device_visible(r, id, d, site);
    if (got < 0)
        web_error(r, 503, "The register cannot be read just now.");
    else if (got == 0)
        web_error(r, 404, "No such device.");
    return got == 1;
}

struct vis_ctx {
    struct web_req *r;
    int64_t *ids;
    size_t n, cap;
    bool failed;
};

static int on_visible_site(const struct sl_site *s, void *vctx)
{
    struct vis_ctx *c = vctx;
    struct sl_site_ref ref;
    web_site_ref_of(s, &ref);
    if (!sl_roles_allow(&c->r->roles, SL_ROLE_ANY, &ref))
        return 0;
    if (SL_GROW(c->ids, c->cap, c->n + 1, 64) != 0) {
        c->failed = true;
        return 1;
    }
    c->ids[c->n++] = s->id;
    return 0;
}

int web_visible_sites(struct web_req *r, int64_t **ids, size_t *n, bool *all)
{
    *ids = NULL;
    *n = 0;
    *all = sl_roles_all_sites(&r->roles, SL_ROLE_ANY);
    if (*all)
        return 0;
    struct sl_err err = {0};
    struct vis_ctx c = {r, NULL, 0, 0, false};
    if (sl_store_site_list(r->s, on_visible_site, &c, &err) != 0 || c.failed) {
        free(c.ids);
        return -1;
    }
    *ids = c.ids;
    *n = c.n;
    return 0;
}

size_t web_overview_scopes(const struct web_req *r, struct sl_scope *out)
{
    if (sl_roles_all_sites(&r->roles, SL_ROLE_ANY)) {
        out[0] = (struct sl_scope){SL_SCOPE_ALL, ""};
        return 1;
    }
    size_t n = 0;
    for (size_t i = 0; i < r->roles.n; i++) {
        bool seen = false;
        for (size_t k = 0; k < i; k++)
            seen |= r->roles.g[k].kind == r->roles.g[i].kind &&
                    strcmp(r->roles.g[k].value, r->roles.g[i].value) == 0;
        if (seen)
            continue;
        out[n].kind = r->roles.g[i].kind == 1 ? SL_SCOPE_DEPARTMENT : SL_SCOPE_SITE;
        sl_strlcpy(out[n].value, r->roles.g[i].value, sizeof out[n].value);
        n++;
    }
    return n;
}

/* Where the figures of a scope on a day are kept: key and the figures' head. */
struct fig_at {
    char day[SL_DATE_LEN];
    char key[SL_NAME_MAX + 64];
    int64_t head;
    struct sl_store *s;
    const struct sl_scope *sc;
};

static int fig_at(struct web_req *r, const struct sl_scope *sc, const char *as_of,
                  struct fig_at *at, struct sl_err *err)
{
    if (as_of == NULL)
        sl_time_date(sl_now(), at->day);
    else
        sl_strlcpy(at->day, as_of, sizeof at->day);
    snprintf(at->key, sizeof at->key, "%s|%s|%s", at->day, sl_scope_kind_name(sc->kind),
             sc->value);
    at->s = r->s;
    at->sc = sc;
    return sl_store_figures_head(r->s, &at->head, err);
}

static json_t *compute_figures(void *ctx, struct sl_err *err)
{
    const struct fig_at *at = ctx;
    struct sl_prog_options po = {.as_of = at->day, .scope = *at->sc};
    struct sl_progress *p;
    if (sl_progress_compute(at->s, &po, &p, err) != 0)
        return NULL;
    json_t *f = sl_report_figures_json(p);
    sl_progress_free(p);
    if (f == NULL)
        sl_err_set(err, "out of memory");
    return f;
}

static void overview_scope(struct sl_buf *b, const json_t *f);

/* The figures of one scope as of a day (NULL: today), kept while the register
 * has not changed and computed once otherwise (web/figcache.h). */
static json_t *figures_for(struct web_req *r, const struct sl_scope *sc, const char *as_of,
                           struct sl_err *err)
{
    struct fig_at at;
    if (fig_at(r, sc, as_of, &at, err) != 0)
        return NULL;
    return web_figcache_get(at.key, at.head, compute_figures, &at, overview_scope, err);
}

json_t *web_overview_figures(struct web_req *r, const char *as_of, struct sl_err *err)
{
    struct sl_scope scopes[SL_ROLES_MAX];
    size_t n = web_overview_scopes(r, scopes);
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *f = figures_for(r, &scopes[i], as_of, err);
        if (f == NULL) {
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, f);
    }
    return out;
}

int web_figures_warm(struct sl_store *s, struct sl_err *err)
{
    struct web_req r = {.s = s};
    struct sl_scope all = {SL_SCOPE_ALL, ""};
    json_t *f = figures_for(&r, &all, NULL, err);
    json_decref(f);
    return f != NULL ? 0 : -1;
}

json_t *web_device_json(const struct sl_device *d)
{
    json_t *o = json_pack("{s:I, s:s?, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s}", "id",
                          (json_int_t)d->id, "site", d->site[0] ? d->site : NULL, "mac", d->mac,
                          "serial", d->serial, "address", d->address, "ports", d->ports, "claim",
                          sl_claim_to_json(&d->claim), "verdict", sl_verdict_to_json(&d->verdict),
                          "status", sl_status_name(d->status), "status_since", d->status_since);
    const struct {
        const char *k, *v;
    } opt[] = {{"scheduled_for", d->scheduled_for}, {"replaced_by", d->replaced_by},
               {"exempt_reason", d->exempt_reason}, {"exempt_approver", d->exempt_approver},
               {"exempt_until", d->exempt_until},   {"first_seen", d->first_seen},
               {"last_seen", d->last_seen}};
    for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++)
        if (opt[i].v[0])
            json_object_set_new(o, opt[i].k, json_string(opt[i].v));
    return o;
}

/* ---- overview ------------------------------------------------------------------- */

/* The value of a figure of the JSON report, escaped ("&ndash;" for none). */
static void figure_value(struct sl_buf *b, const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_integer(v))
        web_escf(b, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        web_escf(b, "%.1f", json_real_value(v));
    else if (json_is_string(v))
        web_esc(b, json_string_value(v));
    else
        sl_buf_append_str(b, "&ndash;");
}

/* A figure of the JSON report: <span data-figure="path">value</span>. */
static void figure(struct sl_buf *b, const json_t *obj, const char *prefix, const char *key)
{
    web_escf(b, "<span data-figure=\"%s%s\">", prefix, key);
    figure_value(b, obj, key);
    sl_buf_append_str(b, "</span>");
}

/* A <td data-figure="path"> of a figure for each key (class "n" for numbers):
 * tables of thousands of sites stay small. */
void web_figure_cells(struct sl_buf *b, const json_t *obj, const char *prefix,
                         const char *const *keys, size_t n, bool numeric)
{
    for (size_t k = 0; k < n; k++) {
        web_escf(b, "<td%s data-figure=\"%s%s\">", numeric ? " class=\"n\"" : "", prefix,
                 keys[k]);
        figure_value(b, obj, keys[k]);
        sl_buf_append_str(b, "</td>");
    }
}

static void breakdown(struct sl_buf *b, const json_t *f, const char *key, const char *title,
                      bool sites)
{
    const json_t *rows = json_object_get(f, key);
    if (json_array_size(rows) == 0)
        return;
    web_escf(b, "<h2>%s</h2><table><tr><th>Name</th>%s<th>Affected</th><th>Replaced</th>"
                "<th>Replaced %%</th><th>Exempt</th><th>Outstanding</th><th>Overdue</th></tr>",
             title, sites ? "<th>Department</th><th>Tier</th>" : "");
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row)
    {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s.%zu.", key, i);
        const char *name = json_string_value(json_object_get(row, "name"));
        sl_buf_append_str(b, "<tr>");
        if (sites) {
            sl_buf_append_str(b, "<td><a href=\"/devices?site=");
            web_url(b, name);
            sl_buf_append_str(b, "\">");
            web_esc(b, name);
            sl_buf_append_str(b, "</a></td>");
            const char *more[] = {json_string_value(json_object_get(row, "department")),
                                  json_string_value(json_object_get(row, "tier"))};
            web_cells(b, more, 2);
        } else {
            web_cells(b, &name, 1);
        }
        static const char *const cols[] = {"affected", "replaced", "replaced_pct", "exempt",
                                           "outstanding", "overdue"};
        web_figure_cells(b, row, prefix, cols, 6, true);
        sl_buf_append_str(b, "</tr>");
    }
    sl_buf_append_str(b, "</table>");
}

static void milestones(struct sl_buf *b, const json_t *f)
{
    const json_t *ms = json_object_get(f, "milestones");
    sl_buf_append_str(b, "<h2>Milestones</h2>");
    if (json_array_size(ms) == 0) {
        sl_buf_append_str(b, "<p class=\"muted\">No milestones.</p>");
        return;
    }
    sl_buf_append_str(b, "<table><tr><th>Milestone</th><th>Due</th><th>Target</th>"
                         "<th>Achieved</th><th>Status</th><th>Note</th></tr>");
    size_t i;
    const json_t *m;
    json_array_foreach(ms, i, m)
    {
        char prefix[48];
        snprintf(prefix, sizeof prefix, "milestones.%zu.", i);
        static const char *const cols[] = {"name", "due", "target", "achieved", "status", "note"};
        sl_buf_append_str(b, "<tr>");
        web_figure_cells(b, m, prefix, cols, 6, false);
        sl_buf_append_str(b, "</tr>");
    }
    sl_buf_append_str(b, "</table>");
}

static void overview_scope(struct sl_buf *b, const json_t *f)
{
    const json_t *scope = json_object_get(f, "scope");
    sl_buf_append_str(b, "<section class=\"scope\" data-scope=\"");
    web_esc(b, json_string_value(json_object_get(scope, "kind")));
    sl_buf_append_str(b, "\"><h2>");
    web_esc(b, json_string_value(json_object_get(scope, "text")));
    sl_buf_append_str(b, "</h2><p class=\"headline\">");
    figure(b, f, "", "headline");
    sl_buf_append_str(b, "</p><div class=\"cards\">");
    const json_t *t = json_object_get(f, "totals");
    const char *cards[][2] = {{"affected", "Affected"},       {"replaced", "Replaced"},
                              {"replaced_pct", "Replaced %"}, {"verified_pct", "Verified %"},
                              {"exempt", "Exempt"},           {"outstanding", "Outstanding"},
                              {"overdue", "Overdue"},         {"reappeared", "Reappeared"}};
    for (size_t k = 0; k < sizeof cards / sizeof cards[0]; k++) {
        web_escf(b, "<div class=\"card\">%s<b>", cards[k][1]);
        figure(b, t, "totals.", cards[k][0]);
        sl_buf_append_str(b, "</b></div>");
    }
    const json_t *fc = json_object_get(f, "forecast");
    sl_buf_append_str(b, "</div><p>Forecast: ");
    figure(b, fc, "forecast.", "state");
    sl_buf_append_str(b, ", finishing ");
    figure(b, fc, "forecast.", "finish");
    sl_buf_append_str(b, " (range ");
    figure(b, fc, "forecast.", "earliest");
    sl_buf_append_str(b, " to ");
    figure(b, fc, "forecast.", "latest");
    sl_buf_append_str(b, ") at ");
    figure(b, fc, "forecast.", "rate_per_week");
    sl_buf_append_str(b, " removals a week.</p>");
    milestones(b, f);
    breakdown(b, f, "by_tier", "By tier", false);
    breakdown(b, f, "by_department", "By department", false);
    breakdown(b, f, "by_site", "By site", true);
    web_vehicle_figures(b, f);
    sl_buf_append_str(b, "</section>");
}

/* One scope's section: the kept HTML, else rendered from the figures. 0 or -1. */
static int overview_section(struct web_req *r, const struct sl_scope *sc, const char *as_of)
{
    struct sl_err err = {0};
    struct fig_at at;
    if (fig_at(r, sc, as_of, &at, &err) != 0)
        return -1;
    if (web_figcache_html(at.key, at.head, &r->resp.body))
        return 0;
    json_t *f = web_figcache_get(at.key, at.head, compute_figures, &at, overview_scope, &err);
    if (f == NULL)
        return -1;
    overview_scope(&r->resp.body, f);
    json_decref(f);
    return 0;
}

void web_page_overview(struct web_req *r)
{
    const char *as_of = web_arg(r, "as_of");
    int64_t t;
    if (as_of != NULL && (as_of[0] == '\0' || strlen(as_of) != 10 || sl_time_parse(as_of, &t) != 0))
        as_of = NULL;
    char day[SL_DATE_LEN];
    if (as_of == NULL)
        sl_time_date(sl_now(), day);
    else
        sl_strlcpy(day, as_of, sizeof day);
    struct sl_scope scopes[SL_ROLES_MAX];
    size_t n = web_overview_scopes(r, scopes);
    struct sl_buf *b = &r->resp.body;
    web_page_start(r, "Overview");
    sl_buf_append_str(b, "<h1>Removal programme</h1><form method=\"get\" action=\"/\">"
                         "<label>As of <input type=\"date\" name=\"as_of\" value=\"");
    web_esc(b, day);
    sl_buf_append_str(b, "\"></label> <button>Show</button></form>");
    if (n > 0) {
        sl_buf_append_str(b, "<p class=\"exports\">Download the report:");
        static const char *const fmts[][2] = {{"csv", "CSV"}, {"json", "JSON"}, {"html", "HTML"}};
        for (size_t k = 0; k < 3; k++) {
            web_escf(b, " <a id=\"export-%s\" href=\"/export?format=%s", fmts[k][0], fmts[k][0]);
            if (as_of != NULL)
                web_escf(b, "&amp;as_of=%s", day);
            web_escf(b, "\">%s</a>", fmts[k][1]);
        }
        sl_buf_append_str(b, "</p>");
    }
    if (n == 0)
        sl_buf_append_str(b, "<p class=\"muted\">Your account has no grant yet.</p>");
    for (size_t i = 0; i < n; i++) {
        if (overview_section(r, &scopes[i], as_of) != 0) {
            sl_buf_reset(b);
            web_error(r, 503, "The figures cannot be computed just now.");
            return;
        }
    }
    web_page_end(r);
}

/* ---- sites ---------------------------------------------------------------------- */

struct sites_ctx {
    struct web_req *r;
    struct sl_buf *b;
};

static int on_site_row(const struct sl_site *s, void *vctx)
{
    struct sites_ctx *c = vctx;
    struct sl_site_ref ref;
    web_site_ref_of(s, &ref);
    if (!sl_roles_allow(&c->r->roles, SL_ROLE_ANY, &ref))
        return 0;
    sl_buf_append_str(c->b, "<tr><td><a href=\"/devices?site=");
    web_url(c->b, s->name);
    sl_buf_append_str(c->b, "\">");
    web_esc(c->b, s->name);
    sl_buf_append_str(c->b, "</a></td><td>");
    web_esc(c->b, s->department);
    web_escf(c->b, "</td><td>%s</td><td>", sl_tier_name(s->tier));
    for (size_t i = 0; i < s->n_networks; i++) {
        web_esc(c->b, s->networks[i]);
        sl_buf_append_str(c->b, i + 1 < s->n_networks ? ", " : "");
    }
    sl_buf_append_str(c->b, "</td></tr>");
    return 0;
}

void web_page_sites(struct web_req *r)
{
    struct sl_buf *b = &r->resp.body;
    web_page_start(r, "Sites");
    sl_buf_append_str(b, "<h1>Sites</h1><table><tr><th>Site</th><th>Department</th>"
                         "<th>Tier</th><th>Networks</th></tr>");
    struct sl_err err = {0};
    struct sites_ctx c = {r, b};
    if (sl_store_site_list(r->s, on_site_row, &c, &err) != 0) {
        web_error(r, 503, "The sites cannot be read just now.");
        return;
    }
    sl_buf_append_str(b, "</table><p class=\"muted\">Progress by site is on the "
                         "<a href=\"/\">overview</a>.</p>");
    web_page_end(r);
}

/* ---- devices -------------------------------------------------------------------- */

int web_device_query(struct web_req *r, struct sl_device_page_query *q, int64_t **ids)
{
    memset(q, 0, sizeof *q);
    q->status = -1;
    *ids = NULL;
    const char *site = web_arg(r, "site"), *status = web_arg(r, "status"),
               *after = web_arg(r, "after"), *limit = web_arg(r, "limit"),
               *order = web_arg(r, "order");
    enum sl_status st;
    if (status != NULL && status[0]) {
        if (sl_status_from_name(status, &st) != 0)
            return 400;
        q->status = (int)st;
    }
    const char *man = web_arg(r, "manufacturer"), *dec = web_arg(r, "decision");
    q->manufacturer = man != NULL && man[0] ? man : NULL;
    q->decision = dec != NULL && dec[0] ? dec : NULL;
    q->limit = PAGE_DEFAULT;
    if ((limit != NULL && limit[0] && sl_parse_i64(limit, 1, PAGE_MAX, &q->limit) != 0) ||
        (after != NULL && after[0] && sl_parse_i64(after, 0, INT64_MAX, &q->after) != 0))
        return 400;
    q->desc = order != NULL && strcmp(order, "newest") == 0;
    size_t n = 0;
    bool all;
    if (web_visible_sites(r, ids, &n, &all) != 0)
        return 503;
    if (site != NULL && site[0]) {
        struct sl_err err = {0};
        struct sl_site s = {0};
        int got = sl_store_site_get(r->s, site, &s, &err);
        if (got < 0)
            return 503;
        bool ok = false;
        if (got == 1) {
            for (size_t i = 0; i < n; i++)
                ok |= (*ids)[i] == s.id;
            ok |= all;
            sl_site_free(&s);
        }
        free(*ids);
        *ids = malloc(sizeof **ids);
        if (*ids == NULL)
            return 503;
        (*ids)[0] = s.id;
        n = ok ? 1 : 0;
        all = false;
    }
    static const int64_t none = 0;
    q->site_ids = all ? NULL : (*ids != NULL ? *ids : &none);
    q->n_site_ids = n;
    return 0;
}

struct rows_ctx {
    struct sl_buf *b;
    int64_t last;
    int64_t n;
};

static int on_device_row(const struct sl_device *d, void *vctx)
{
    struct rows_ctx *c = vctx;
    struct sl_buf *b = c->b;
    web_escf(b, "<tr><td><a href=\"/devices/%lld\">%lld</a></td><td>", (long long)d->id,
             (long long)d->id);
    web_esc(b, d->site);
    sl_buf_append_str(b, "</td><td>");
    web_esc(b, d->address);
    sl_buf_append_str(b, "</td><td>");
    web_esc(b, d->claim.manufacturer);
    sl_buf_append_str(b, "</td><td class=\"model\">");
    web_esc(b, d->claim.model);
    web_escf(b, "</td><td>%s</td><td>%s</td><td>", sl_decision_name(d->verdict.decision),
             sl_status_name(d->status));
    web_esc(b, d->scheduled_for);
    sl_buf_append_str(b, "</td></tr>");
    c->last = d->id;
    c->n++;
    return 0;
}

static void filter_select(struct sl_buf *b, const char *name, const char *cur,
                          const char *const *opts, size_t n)
{
    web_escf(b, "<label>%s <select name=\"%s\"><option value=\"\">any</option>", name, name);
    for (size_t i = 0; i < n; i++) {
        web_escf(b, "<option%s>", cur != NULL && strcmp(cur, opts[i]) == 0 ? " selected" : "");
        web_esc(b, opts[i]);
        sl_buf_append_str(b, "</option>");
    }
    sl_buf_append_str(b, "</select></label> ");
}

static void device_filters(struct web_req *r, struct sl_buf *b)
{
    static const char *const statuses[] = {"discovered", "confirmed",       "scheduled", "removed",
                                           "verified_absent", "exempt", "reappeared"};
    static const char *const decisions[] = {"prohibited", "replace-by", "needs-review",
                                            "restricted", "allowed"};
    static const char *const orders[] = {"oldest", "newest"};
    sl_buf_append_str(b, "<form class=\"filters\" method=\"get\" action=\"/devices\">"
                         "<label>site <input name=\"site\" value=\"");
    web_esc(b, web_arg(r, "site"));
    sl_buf_append_str(b, "\"></label> <label>manufacturer <input name=\"manufacturer\" value=\"");
    web_esc(b, web_arg(r, "manufacturer"));
    sl_buf_append_str(b, "\"></label> ");
    filter_select(b, "status", web_arg(r, "status"), statuses, 7);
    filter_select(b, "decision", web_arg(r, "decision"), decisions, 5);
    filter_select(b, "order", web_arg(r, "order"), orders, 2);
    sl_buf_append_str(b, "<button>Filter</button></form>");
}

/* A bulk action on every device the filters select (previewed first, bulk.c). */
static void bulk_form(struct web_req *r, struct sl_buf *b)
{
    if (!sl_roles_have(&r->roles, SL_ROLE_EDITOR))
        return;
    sl_buf_append_str(b, "<form class=\"filters\" method=\"get\" action=\"/bulk\" id=\"bulk\">");
    static const char *const keep[] = {"site", "status", "manufacturer", "decision"};
    for (size_t i = 0; i < 4; i++) {
        const char *v = web_arg(r, keep[i]);
        if (v == NULL || v[0] == '\0')
            continue;
        web_escf(b, "<input type=\"hidden\" name=\"%s\" value=\"", keep[i]);
        web_esc(b, v);
        sl_buf_append_str(b, "\">");
    }
    sl_buf_append_str(b, "<label>On every device that matches <select name=\"action\" "
                         "id=\"bulk-action\"><option value=\"confirm\">confirm</option>"
                         "<option value=\"schedule\">schedule removal</option>"
                         "<option value=\"remove\">record removal</option></select></label> "
                         "<label>date <input type=\"date\" name=\"date\" id=\"bulk-date\">"
                         "</label> <label>replaced by <input name=\"replaced_by\" "
                         "id=\"bulk-replaced-by\"></label> <button id=\"bulk-preview\">"
                         "Preview</button></form>");
}

/* The link to the next page: the same filters, after the last id shown. */
static void next_link(struct web_req *r, struct sl_buf *b, int64_t last)
{
    const char *keys[] = {"site", "status", "manufacturer", "decision", "order", "limit"};
    sl_buf_append_str(b, "<p><a id=\"next\" href=\"/devices?");
    for (size_t i = 0; i < 6; i++) {
        const char *v = web_arg(r, keys[i]);
        if (v == NULL || v[0] == '\0')
            continue;
        web_escf(b, "%s=", keys[i]);
        struct sl_buf u;
        sl_buf_init(&u, 4096);
        web_url(&u, v);
        web_esc(b, sl_buf_cstr(&u));
        sl_buf_free(&u);
        sl_buf_append_str(b, "&amp;");
    }
    web_escf(b, "after=%lld\">Next page</a></p>", (long long)last);
}

void web_page_devices(struct web_req *r)
{
    struct sl_device_page_query q;
    int64_t *ids;
    int st = web_device_query(r, &q, &ids);
    if (st != 0) {
        free(ids);
        web_error(r, (unsigned)st, st == 400 ? "A filter is not valid." : "The register cannot be read.");
        return;
    }
    struct sl_buf *b = &r->resp.body;
    web_page_start(r, "Devices");
    sl_buf_append_str(b, "<h1>Devices</h1>");
    device_filters(r, b);
    bulk_form(r, b);
    sl_buf_append_str(b, "<table id=\"devices\"><tr><th>Id</th><th>Site</th><th>Address</th>"
                         "<th>Manufacturer</th><th>Model</th><th>Decision</th><th>Status</th>"
                         "<th>Scheduled</th></tr>");
    struct rows_ctx c = {b, 0, 0};
    struct sl_err err = {0};
    int rc = sl_store_device_page(r->s, &q, on_device_row, &c, &err);
    free(ids);
    if (rc != 0) {
        sl_buf_reset(b);
        web_error(r, 503, "The devices cannot be read just now.");
        return;
    }
    sl_buf_append_str(b, "</table>");
    if (c.n == 0)
        sl_buf_append_str(b, "<p class=\"muted\">No devices match.</p>");
    if (c.n == q.limit)
        next_link(r, b, c.last);
    web_page_end(r);
}
