/* vehicles_page.c - the dashboard's fleet list (docs/dashboard.md#vehicles):
 * server-side filters (site, fleet, verdict, status), order (oldest, newest,
 * VIN) and keyset pages, read a page at a time from the register's indexes,
 * limited to the sites the account's grants cover; and the overview's
 * vehicles section, rendered from the report's figures. One vehicle is
 * vehicle_page.c's, its changes vehicle_actions.c's. */
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "web/internal.h"

#define VPAGE_DEFAULT 50
#define VPAGE_MAX 1000

static const char *const decisions[] = {"prohibited", "replace-by", "needs-review", "restricted",
                                        "allowed"};

static const char *given(struct web_req *r, const char *name)
{
    const char *v = web_arg(r, name);
    return v != NULL && v[0] ? v : NULL;
}

/* The site filter narrowed to what the account may read: *ids is the
 * caller's to free; NULL with all set = any site. 0, 400 or 503. */
static int site_ids(struct web_req *r, const char *site, int64_t **ids, size_t *n, bool *all)
{
    if (web_visible_sites(r, ids, n, all) != 0)
        return 503;
    if (site == NULL)
        return 0;
    struct sl_err err = {0};
    struct sl_site s = {0};
    int got = sl_store_site_get(r->s, site, &s, &err);
    if (got < 0)
        return 503;
    bool ok = got == 1 && *all;
    for (size_t i = 0; got == 1 && i < *n; i++)
        ok |= (*ids)[i] == s.id;
    int64_t id = got == 1 ? s.id : 0;
    if (got == 1)
        sl_site_free(&s);
    free(*ids);
    if ((*ids = malloc(sizeof **ids)) == NULL)
        return 503;
    (*ids)[0] = id;
    *n = ok ? 1 : 0;
    *all = false;
    return 0;
}

/* The list's query from the request (site, fleet, decision, status, order,
 * after, limit). 0, 400 (a bad filter) or 503. *ids is the caller's to free. */
static int vehicle_query(struct web_req *r, struct sl_vehicle_page_query *q, int64_t **ids)
{
    memset(q, 0, sizeof *q);
    *ids = NULL;
    q->fleet = given(r, "fleet");
    q->decision = given(r, "decision");
    q->status = given(r, "status");
    const char *order = given(r, "order"), *after = given(r, "after"), *limit = given(r, "limit");
    enum sl_decision d;
    if ((q->decision != NULL && sl_decision_from_name(q->decision, &d) != 0) ||
        (q->status != NULL && strcmp(q->status, "active") != 0 &&
         strcmp(q->status, "retired") != 0))
        return 400;
    if (order == NULL || strcmp(order, "oldest") == 0)
        q->order = SL_VORDER_OLDEST;
    else if (strcmp(order, "newest") == 0)
        q->order = SL_VORDER_NEWEST;
    else if (strcmp(order, "vin") == 0)
        q->order = SL_VORDER_VIN;
    else
        return 400;
    q->limit = VPAGE_DEFAULT;
    if (limit != NULL && sl_parse_i64(limit, 1, VPAGE_MAX, &q->limit) != 0)
        return 400;
    if (q->order == SL_VORDER_VIN)
        q->after_vin = after;
    else if (after != NULL && sl_parse_i64(after, 0, INT64_MAX, &q->after_id) != 0)
        return 400;
    size_t n = 0;
    bool all;
    int st = site_ids(r, given(r, "site"), ids, &n, &all);
    if (st != 0)
        return st;
    static const int64_t none = 0;
    q->site_ids = all ? NULL : (*ids != NULL ? *ids : &none);
    q->n_site_ids = n;
    return 0;
}

static json_t *vehicle_json(const struct sl_vehicle_row *v)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:o, s:s, s:s, s:o}", "id",
                          (json_int_t)v->id, "vin", v->vin, "make", v->make, "model", v->model,
                          "model_year", v->model_year ? json_integer(v->model_year) : json_null(),
                          "fleet", v->fleet, "site", v->site[0] ? json_string(v->site) : json_null(),
                          "status", v->status, "status_since", v->status_since, "verdict",
                          sl_verdict_to_json(&v->verdict));
    if (v->registration[0])
        json_object_set_new(o, "registration", json_string(v->registration));
    if (v->maker[0])
        json_object_set_new(o, "maker", json_string(v->maker));
    return o;
}

struct list_ctx {
    struct sl_buf *b; /* the page, or NULL (the API) */
    json_t *a;
    int64_t n, last_id;
    char last_vin[18];
};

static int on_vehicle(const struct sl_vehicle_row *v, void *vctx)
{
    struct list_ctx *c = vctx;
    c->n++;
    c->last_id = v->id;
    sl_strlcpy(c->last_vin, v->vin, sizeof c->last_vin);
    if (c->b == NULL) {
        json_array_append_new(c->a, vehicle_json(v));
        return 0;
    }
    struct sl_buf *b = c->b;
    web_escf(b, "<tr><td class=\"vin\"><a href=\"/vehicles/%lld\">", (long long)v->id);
    web_esc(b, v->vin);
    sl_buf_append_str(b, "</a></td>");
    char year[8] = "";
    if (v->model_year)
        snprintf(year, sizeof year, "%d", v->model_year);
    const char *cells[] = {v->registration, v->make, v->model, year, v->fleet, v->site,
                           v->status};
    web_cells(b, cells, 7);
    web_escf(b, "<td class=\"decision\">%s</td><td>", sl_decision_name(v->verdict.decision));
    web_esc(b, v->verdict.deadline);
    sl_buf_append_str(b, "</td><td>");
    web_esc(b, v->verdict.policy);
    sl_buf_append_str(b, "</td></tr>");
    return 0;
}

/* Runs the request's query into c. 0, or an HTTP status (400, 503). */
static int run_query(struct web_req *r, struct sl_vehicle_page_query *q, struct list_ctx *c)
{
    int64_t *ids;
    int st = vehicle_query(r, q, &ids);
    struct sl_err err = {0};
    if (st == 0 && sl_store_vehicle_page(r->s, q, on_vehicle, c, &err) != 0)
        st = 503;
    free(ids);
    return st;
}

void web_api_vehicles(struct web_req *r)
{
    struct sl_vehicle_page_query q;
    struct list_ctx c = {NULL, json_array(), 0, 0, ""};
    int st = run_query(r, &q, &c);
    if (st != 0) {
        json_decref(c.a);
        web_error(r, (unsigned)st, st == 400 ? "a filter is not valid" : "the register cannot be read");
        return;
    }
    json_t *next = json_null();
    if (c.n == q.limit)
        next = q.order == SL_VORDER_VIN ? json_string(c.last_vin) : json_integer(c.last_id);
    web_json(r, 200, json_pack("{s:o, s:o}", "vehicles", c.a, "next_after", next));
}

static void select_of(struct sl_buf *b, const char *name, const char *cur,
                      const char *const *opts, size_t n, bool any)
{
    web_escf(b, "<label>%s <select name=\"%s\" id=\"vf-%s\">", name, name, name);
    if (any)
        sl_buf_append_str(b, "<option value=\"\">any</option>");
    for (size_t i = 0; i < n; i++) {
        web_escf(b, "<option%s>", cur != NULL && strcmp(cur, opts[i]) == 0 ? " selected" : "");
        web_esc(b, opts[i]);
        sl_buf_append_str(b, "</option>");
    }
    sl_buf_append_str(b, "</select></label> ");
}

static void filters(struct web_req *r, struct sl_buf *b)
{
    static const char *const statuses[] = {"active", "retired"};
    static const char *const orders[] = {"oldest", "newest", "vin"};
    sl_buf_append_str(b, "<form class=\"filters\" method=\"get\" action=\"/vehicles\">");
    static const char *const texts[] = {"site", "fleet"};
    for (size_t i = 0; i < 2; i++) {
        web_escf(b, "<label>%s <input name=\"%s\" id=\"vf-%s\" value=\"", texts[i], texts[i],
                 texts[i]);
        web_esc(b, web_arg(r, texts[i]));
        sl_buf_append_str(b, "\"></label> ");
    }
    select_of(b, "decision", web_arg(r, "decision"), decisions, 5, true);
    select_of(b, "status", web_arg(r, "status"), statuses, 2, true);
    select_of(b, "order", web_arg(r, "order"), orders, 3, false);
    sl_buf_append_str(b, "<button id=\"vf-go\">Filter</button></form>");
}

/* The next page: the same filters, after the last row's key. */
static void next_link(struct web_req *r, struct sl_buf *b, const struct list_ctx *c,
                      bool by_vin)
{
    static const char *const keys[] = {"site", "fleet", "decision", "status", "order", "limit"};
    sl_buf_append_str(b, "<p><a id=\"next\" href=\"/vehicles?");
    for (size_t i = 0; i < 6; i++) {
        const char *v = given(r, keys[i]);
        if (v == NULL)
            continue;
        struct sl_buf u;
        sl_buf_init(&u, 256);
        web_url(&u, v);
        web_escf(b, "%s=", keys[i]);
        web_esc(b, sl_buf_cstr(&u));
        sl_buf_append_str(b, "&amp;");
        sl_buf_free(&u);
    }
    if (by_vin) {
        sl_buf_append_str(b, "after=");
        web_esc(b, c->last_vin);
        sl_buf_append_str(b, "\">Next page</a></p>");
    }
    else
        web_escf(b, "after=%lld\">Next page</a></p>", (long long)c->last_id);
}

void web_page_vehicles(struct web_req *r)
{
    struct sl_buf *b = &r->resp.body;
    web_page_start(r, "Vehicles");
    sl_buf_append_str(b, "<h1>Vehicles</h1>");
    filters(r, b);
    sl_buf_append_str(b, "<table id=\"vehicles\"><tr><th>VIN</th><th>Registration</th>"
                         "<th>Make</th><th>Model</th><th>Year</th><th>Fleet</th><th>Site</th>"
                         "<th>Status</th><th>Verdict</th><th>Deadline</th><th>Policy</th></tr>");
    struct sl_vehicle_page_query q;
    struct list_ctx c = {b, NULL, 0, 0, ""};
    int st = run_query(r, &q, &c);
    if (st != 0) {
        sl_buf_reset(b);
        web_error(r, (unsigned)st, st == 400 ? "A filter is not valid." : "The register cannot be read.");
        return;
    }
    sl_buf_append_str(b, "</table>");
    if (c.n == 0)
        sl_buf_append_str(b, "<p class=\"muted\">No vehicles match.</p>");
    if (c.n == q.limit)
        next_link(r, b, &c, q.order == SL_VORDER_VIN);
    web_page_end(r);
}

/* ---- the overview's vehicles section ------------------------------------------------- */

static const char *const count_keys[] = {"total",      "affected",     "prohibited", "replace-by",
                                         "restricted", "needs-review", "allowed",
                                         "earliest_deadline"};
#define N_COUNT_KEYS 8
#define COUNT_HEADS                                                                               \
    "<th>Total</th><th>Affected</th><th>Prohibited</th><th>Replace by</th><th>Restricted</th>"   \
    "<th>Needs review</th><th>Allowed</th><th>Earliest deadline</th>"

/* One breakdown of the section (rows with a name and their counts). */
static void vrows(struct sl_buf *b, const json_t *v, const char *key, const char *title,
                  bool site)
{
    const json_t *rows = json_object_get(v, key);
    if (json_array_size(rows) == 0)
        return;
    web_escf(b, "<h3>%s</h3><table class=\"vfig\" id=\"vfig-%s\"><tr><th>Name</th>%s" COUNT_HEADS
                "</tr>", title, key, site ? "<th>Tier</th><th>Vehicle rule</th>" : "");
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row)
    {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "vehicles.%s.%zu.", key, i);
        static const char *const names[] = {"name", "tier", "vehicle_rule"};
        sl_buf_append_str(b, "<tr>");
        web_figure_cells(b, row, prefix, names, site ? 3 : 1, false);
        web_figure_cells(b, row, prefix, count_keys, N_COUNT_KEYS, true);
        sl_buf_append_str(b, "</tr>");
    }
    sl_buf_append_str(b, "</table>");
}

static void by_model_year(struct sl_buf *b, const json_t *v)
{
    const json_t *rows = json_object_get(v, "by_model_year");
    if (json_array_size(rows) == 0)
        return;
    sl_buf_append_str(b, "<h3>Deadlines by model year</h3><table class=\"vfig\" "
                         "id=\"vfig-by_model_year\"><tr><th>Model year</th><th>Vehicles</th>"
                         "<th>Affected</th><th>Earliest deadline</th><th>Parts</th>"
                         "<th>Affected parts</th><th>Earliest part deadline</th></tr>");
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row)
    {
        char prefix[96];
        static const char *const year[] = {"model_year"};
        static const char *const cols[] = {"total", "affected", "earliest_deadline"};
        snprintf(prefix, sizeof prefix, "vehicles.by_model_year.%zu.", i);
        sl_buf_append_str(b, "<tr>");
        web_figure_cells(b, row, prefix, year, 1, false);
        for (int k = 0; k < 2; k++) {
            const char *part = k == 0 ? "vehicles" : "parts";
            snprintf(prefix, sizeof prefix, "vehicles.by_model_year.%zu.%s.", i, part);
            web_figure_cells(b, json_object_get(row, part), prefix, cols, 3, true);
        }
        sl_buf_append_str(b, "</tr>");
    }
    sl_buf_append_str(b, "</table>");
}

/* The milestones of connected parts (`milestones add --of vehicle-parts`). */
static void vehicle_milestones(struct sl_buf *b, const json_t *v)
{
    const json_t *ms = json_object_get(v, "milestones");
    if (json_array_size(ms) == 0)
        return;
    sl_buf_append_str(b, "<h3>Milestones of connected parts</h3><table id=\"vfig-milestones\">"
                         "<tr><th>Milestone</th><th>Due</th><th>Target</th><th>Achieved</th>"
                         "<th>Outstanding</th><th>Status</th><th>Note</th></tr>");
    size_t i;
    const json_t *m;
    json_array_foreach(ms, i, m)
    {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "vehicles.milestones.%zu.", i);
        static const char *const cols[] = {"name",   "due",    "target", "achieved",
                                           "outstanding", "status", "note"};
        sl_buf_append_str(b, "<tr>");
        web_figure_cells(b, m, prefix, cols, 7, false);
        sl_buf_append_str(b, "</tr>");
    }
    sl_buf_append_str(b, "</table>");
}

void web_vehicle_figures(struct sl_buf *b, const json_t *f)
{
    const json_t *v = json_object_get(f, "vehicles");
    const json_t *all = json_object_get(v, "vehicles");
    if (!json_is_object(all) ||
        (json_integer_value(json_object_get(all, "total")) == 0 &&
         json_integer_value(json_object_get(v, "retired")) == 0))
        return;
    sl_buf_append_str(b, "<section class=\"vehicles\"><h2>Vehicles</h2><table class=\"vfig\" "
                         "id=\"vfig-totals\"><tr><th></th>" COUNT_HEADS "</tr><tr><th>Active "
                         "vehicles</th>");
    web_figure_cells(b, all, "vehicles.vehicles.", count_keys, N_COUNT_KEYS, true);
    sl_buf_append_str(b, "</tr><tr><th>Fitted parts</th>");
    web_figure_cells(b, json_object_get(v, "parts"), "vehicles.parts.", count_keys, N_COUNT_KEYS,
                     true);
    web_escf(b, "</tr></table><p>Retired vehicles: <span data-figure=\"vehicles.retired\">%lld"
                "</span> &middot; <a href=\"/vehicles\">the vehicles</a></p>",
             (long long)json_integer_value(json_object_get(v, "retired")));
    vrows(b, v, "by_fleet", "Affected vehicles by fleet", false);
    vrows(b, v, "by_site", "Affected vehicles by site", true);
    vrows(b, v, "parts_by_vendor", "Connected parts by vendor", false);
    by_model_year(b, v);
    vehicle_milestones(b, v);
    sl_buf_append_str(b, "</section>");
}
