/* vehicle_page.c - one vehicle of the fleet (docs/dashboard.md#vehicles): its
 * parts with vendor, parent, country and verdict, judged again at its site
 * with today's rules, the chain `policy explain VIN` gives (the same JSON),
 * what the register holds (statuses, an expired exemption fallen back, the
 * history), and the lifecycle form for site editors; as a page and under
 * /api/v1/. A vehicle belongs to its home site: an account that may not read
 * that site gets 404, as for a vehicle that does not exist. */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "util/timeutil.h"
#include "vehicle/register.h"
#include "web/internal.h"

struct vis {
    int64_t site_id;
    char vin[18];
};

static int on_row(const struct sl_vehicle_row *v, void *ctx)
{
    struct vis *x = ctx;
    x->site_id = v->site_id;
    sl_strlcpy(x->vin, v->vin, sizeof x->vin);
    return 0;
}

int web_vehicle_visible(struct web_req *r, int64_t id, char vin[18], struct sl_site_ref *site)
{
    struct vis x = {0, ""};
    struct sl_err err = {0};
    int got = sl_store_vehicle_read(r->s, id, on_row, NULL, &x, &err);
    if (got <= 0)
        return got;
    if (web_site_ref(r, x.site_id, site) != 0)
        return -1;
    sl_strlcpy(vin, x.vin, 18);
    return sl_roles_allow(&r->roles, SL_ROLE_ANY, site) ? 1 : 0;
}

/* Each worker thread keeps one assessor (its name cache is what makes judging
 * cheap: making one zeroes a cache of SL_ASSESS_CACHE entries), made again
 * when the day changes and freed when the thread ends. */
struct kept_assessor {
    struct sl_assessor *a;
    int64_t day;
};
static pthread_key_t assessor_key;
static pthread_once_t assessor_once = PTHREAD_ONCE_INIT;

static void kept_free(void *p)
{
    struct kept_assessor *k = p;
    sl_assess_free(k->a);
    free(k);
}

static void assessor_key_make(void)
{
    pthread_key_create(&assessor_key, kept_free);
}

struct sl_assessor *web_assessor(struct web_req *r)
{
    if (r->conf->policies == NULL || r->conf->vrules == NULL)
        return NULL;
    pthread_once(&assessor_once, assessor_key_make);
    struct kept_assessor *k = pthread_getspecific(assessor_key);
    if (k == NULL) {
        if ((k = calloc(1, sizeof *k)) == NULL)
            return NULL;
        pthread_setspecific(assessor_key, k);
    }
    int64_t now = sl_now();
    if (k->a != NULL && k->day == now / 86400)
        return k->a;
    sl_assess_free(k->a);
    k->a = NULL;
    struct sl_err err = {0};
    struct sl_assess_options ao = {SL_TIER_SENSITIVE, NULL, now};
    if (sl_assess_new(&k->a, r->conf->policies, r->conf->vrules, &ao, &err) != 0)
        return NULL;
    k->day = now / 86400;
    return k->a;
}

/* A vehicle judged now at its site, with what the register holds. */
struct judged {
    struct sl_fleet f;
    struct sl_vreg_vehicle v;
    json_t *context, *vehicle; /* exactly `policy explain VIN --json`'s */
    json_t *reg;               /* sl_vreg_json */
};

static void judged_free(struct judged *j)
{
    json_decref(j->context);
    json_decref(j->vehicle);
    json_decref(j->reg);
    sl_vreg_vehicle_free(&j->v);
    sl_fleet_free(&j->f);
}

/* Loads and judges vehicle id, answering 404 or 503 itself: true when j is set. */
static bool judge(struct web_req *r, int64_t id, struct sl_site_ref *site, struct judged *j)
{
    memset(j, 0, sizeof *j);
    sl_fleet_init(&j->f);
    char vin[18];
    int got = web_vehicle_visible(r, id, vin, site);
    if (got <= 0) {
        web_error(r, got < 0 ? 503 : 404, got < 0 ? "The register cannot be read just now."
                                                  : "No such vehicle.");
        return false;
    }
    struct sl_err err = {0};
    struct sl_assessor *a = web_assessor(r);
    struct sl_vehicle_verdict vv;
    bool ok = a != NULL && sl_vreg_load(r->s, id, &j->f, &j->v, &err) == 1 &&
              (j->reg = sl_vreg_json(r->s, &j->v, sl_now(), &err)) != NULL;
    if (ok) {
        sl_vreg_assess_at(a, &j->v);
        j->vehicle = sl_assess_vehicle_json(a, &j->f, 0, true, &vv, NULL);
        j->context = sl_assess_context_json(a);
        ok = j->vehicle != NULL && j->context != NULL;
    }
    if (!ok) {
        judged_free(j);
        web_error(r, 503, "The vehicle cannot be judged just now.");
    }
    return ok;
}

void web_api_vehicle(struct web_req *r, int64_t id)
{
    struct sl_site_ref site;
    struct judged j;
    if (!judge(r, id, &site, &j))
        return;
    bool edit = sl_roles_allow(&r->roles, SL_ROLE_EDITOR, &site);
    web_json(r, 200, json_pack("{s:O, s:{s:O, s:O}, s:b}", "register", j.reg, "explain",
                               "context", j.context, "vehicle", j.vehicle, "may_change", edit));
    judged_free(&j);
}

/* ---- the page -------------------------------------------------------------------------- */

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : "";
}

static void verdict_text(struct sl_buf *b, const json_t *v)
{
    web_esc(b, str(v, "decision"));
    if (str(v, "deadline")[0]) {
        sl_buf_append_str(b, " ");
        web_esc(b, str(v, "deadline"));
    }
    if (str(v, "policy")[0]) {
        sl_buf_append_str(b, " (");
        web_esc(b, str(v, "policy"));
        sl_buf_append_str(b, ")");
    }
}

static void fact(struct sl_buf *b, const char *k, const char *v)
{
    web_escf(b, "<tr><th>%s</th><td>", k);
    web_esc(b, v);
    sl_buf_append_str(b, "</td></tr>");
}

static void facts(struct sl_buf *b, const struct judged *j)
{
    const json_t *vh = j->vehicle, *reg = j->reg;
    char year[16] = "unknown", since[96];
    if (json_integer_value(json_object_get(vh, "model_year")))
        snprintf(year, sizeof year, "%lld",
                 (long long)json_integer_value(json_object_get(vh, "model_year")));
    snprintf(since, sizeof since, "%s since %s", str(reg, "status"), str(reg, "status_since"));
    sl_buf_append_str(b, "<table class=\"facts\">");
    fact(b, "Make", str(vh, "make"));
    fact(b, "Model", str(vh, "model"));
    fact(b, "Model year", year);
    fact(b, "Site", str(reg, "site")[0] ? str(reg, "site") : "(none: judged as sensitive)");
    fact(b, "Tier", str(reg, "tier"));
    fact(b, "Vehicle rule", str(reg, "vehicle_rule")[0] ? str(reg, "vehicle_rule") : "none set");
    sl_buf_append_str(b, "<tr><th>Status</th><td id=\"vehicle-status\">");
    web_esc(b, since);
    sl_buf_append_str(b, "</td></tr><tr><th>Verdict</th><td id=\"vehicle-verdict\">");
    verdict_text(b, json_object_get(vh, "verdict"));
    sl_buf_append_str(b, "<br><span class=\"muted\">");
    web_esc(b, str(json_object_get(vh, "verdict"), "reason"));
    sl_buf_append_str(b, "</span></td></tr>");
    fact(b, "Registered", str(reg, "first_seen"));
    sl_buf_append_str(b, "</table>");
}

/* The chain of the vendor behind a subject's verdict (else its first). */
static const json_t *deciding_chain(const json_t *subject)
{
    const json_t *chains = json_object_get(subject, "explain");
    size_t i;
    const json_t *c;
    json_array_foreach(chains, i, c)
        if (str(c, "vendor")[0] && strcmp(str(c, "vendor"), str(subject, "decided_by")) == 0)
            return c;
    return json_array_get(chains, 0);
}

/* The register's part judged as jp (index i of the judged fleet), or NULL. */
static const json_t *register_part(const struct judged *j, size_t i)
{
    size_t k;
    const json_t *p;
    json_array_foreach(json_object_get(j->reg, "parts"), k, p)
        if (i < j->v.n_parts && json_integer_value(json_object_get(p, "id")) == j->v.part_ids[i])
            return p;
    return NULL;
}

static void part_status(struct sl_buf *b, const json_t *rp)
{
    sl_buf_append_str(b, "<td class=\"status\">");
    web_esc(b, str(rp, "status"));
    static const char *const extra[][2] = {{"scheduled_for", "removal due"},
                                           {"exempt_until", "exempt until"},
                                           {"exempt_approver", "approved by"},
                                           {"exemption_expired", "the exemption expired on"},
                                           {"replaced_by", "replaced by"}};
    for (size_t k = 0; k < 5; k++)
        if (str(rp, extra[k][0])[0]) {
            web_escf(b, "<br><span class=\"muted\">%s ", extra[k][1]);
            web_esc(b, str(rp, extra[k][0]));
            sl_buf_append_str(b, "</span>");
        }
    sl_buf_append_str(b, "</td>");
}

static void parts_table(struct sl_buf *b, const struct judged *j)
{
    sl_buf_append_str(b, "<h2>Connected parts</h2><table id=\"parts\"><tr><th>#</th>"
                         "<th>Kind</th><th>Supplier</th><th>Model</th><th>Vendor</th>"
                         "<th>Parent</th><th>Country</th><th>Status</th><th>Verdict</th></tr>");
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(j->vehicle, "parts"), i, p)
    {
        const json_t *rp = register_part(j, i), *c = deciding_chain(p);
        const json_t *parent = json_array_get(json_object_get(c, "parents"), 0);
        web_escf(b, "<tr data-part=\"%lld\"><td>%lld</td>",
                 (long long)json_integer_value(json_object_get(rp, "position")),
                 (long long)json_integer_value(json_object_get(rp, "position")));
        const char *cells[] = {str(p, "kind"), str(p, "supplier")[0] ? str(p, "supplier")
                                                                     : str(p, "manufacturer"),
                               str(p, "model"), str(c, "vendor")[0] ? str(c, "vendor")
                                                                    : "not identified",
                               str(parent, "vendor"), str(c, "country")};
        web_cells(b, cells, 6);
        part_status(b, rp);
        sl_buf_append_str(b, "<td class=\"decision\">");
        verdict_text(b, json_object_get(p, "verdict"));
        sl_buf_append_str(b, "</td></tr>");
    }
    json_array_foreach(json_object_get(j->reg, "parts"), i, p)
    {
        if (strcmp(str(p, "status"), "removed") != 0)
            continue;
        web_escf(b, "<tr class=\"removed\" data-part=\"%lld\"><td>%lld</td>",
                 (long long)json_integer_value(json_object_get(p, "position")),
                 (long long)json_integer_value(json_object_get(p, "position")));
        const char *cells[] = {str(p, "kind"), "", str(p, "model"), str(p, "vendor"), "", ""};
        web_cells(b, cells, 6);
        part_status(b, p);
        sl_buf_append_str(b, "<td>no longer judged</td></tr>");
    }
    sl_buf_append_str(b, "</table>");
}

/* Appends each text escaped, in order (NULL ends the list). */
static void texts(struct sl_buf *b, ...)
{
    va_list ap;
    va_start(ap, b);
    for (const char *t = va_arg(ap, const char *); t != NULL; t = va_arg(ap, const char *))
        web_esc(b, t);
    va_end(ap);
}

/* One vendor's chain: found in which field by which rule, parents, laws, policies. */
static void vendor_chain(struct sl_buf *b, const json_t *c)
{
    size_t k;
    const json_t *e, *found = json_object_get(c, "found");
    sl_buf_append_str(b, "<li>vendor ");
    if (json_is_null(json_object_get(c, "vendor")))
        sl_buf_append_str(b, "not identified");
    else
        texts(b, str(c, "vendor"), " (", str(c, "country"), ") \u2190 ", str(found, "found_in"),
              " \u201c", str(found, "text"), "\u201d [", str(found, "rule"), "]", NULL);
    json_array_foreach(json_object_get(c, "parents"), k, e)
    {
        sl_buf_append_str(b, "<br>parent ");
        texts(b, str(e, "vendor"), " (", str(e, "country"), ") of ", str(e, "parent_of"), ": ",
              str(e, "relation"), NULL);
    }
    json_array_foreach(json_object_get(c, "laws"), k, e)
    {
        sl_buf_append_str(b, "<br>law ");
        texts(b, str(e, "vendor"), " ", str(e, "how"), " ", str(e, "title"),
              str(e, "since")[0] ? " since " : "", str(e, "since"), NULL);
    }
    json_array_foreach(json_object_get(c, "policies"), k, e)
    {
        sl_buf_append_str(b, "<br>policy ");
        texts(b, str(e, "policy"), ": ", NULL);
        verdict_text(b, json_object_get(e, "verdict"));
        texts(b, " \u2014 ", str(json_object_get(e, "verdict"), "reason"), NULL);
    }
    sl_buf_append_str(b, "</li>");
}

/* One subject's chain (each vendor's, then its verdict), as `policy explain`
 * prints it. */
static void chain(struct sl_buf *b, const char *label, const json_t *subject)
{
    sl_buf_append_str(b, "<details class=\"chain\"><summary>");
    texts(b, label, ": ", NULL);
    verdict_text(b, json_object_get(subject, "verdict"));
    sl_buf_append_str(b, "</summary><ul>");
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(subject, "explain"), i, c)
        vendor_chain(b, c);
    sl_buf_append_str(b, "</ul></details>");
}

static void explanation(struct sl_buf *b, const struct judged *j)
{
    sl_buf_append_str(b, "<h2>Why this verdict</h2><div id=\"explain\">");
    chain(b, "vehicle (its maker)", json_object_get(j->vehicle, "maker"));
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(j->vehicle, "parts"), i, p)
    {
        char label[160];
        snprintf(label, sizeof label, "part %lld %s \"%s\"",
                 (long long)json_integer_value(json_object_get(register_part(j, i), "position")),
                 str(p, "kind"), str(p, "model"));
        chain(b, label, p);
    }
    const json_t *site = json_object_get(j->vehicle, "site_rule");
    if (json_is_object(site)) {
        sl_buf_append_str(b, "<p>site rule: ");
        verdict_text(b, site);
        texts(b, " \u2014 ", str(site, "reason"), NULL);
        sl_buf_append_str(b, "</p>");
    }
    sl_buf_append_str(b, "</div>");
}

static void history(struct sl_buf *b, const json_t *reg)
{
    sl_buf_append_str(b, "<h2>History</h2><table id=\"history\"><tr><th>At</th><th>What</th>"
                         "<th>From</th><th>To</th><th>Note</th><th>By</th></tr>");
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(reg, "history"), i, e)
    {
        char who[32] = "vehicle";
        if (json_is_integer(json_object_get(e, "part")))
            snprintf(who, sizeof who, "part %lld",
                     (long long)json_integer_value(json_object_get(e, "part")));
        char note[512];
        snprintf(note, sizeof note, "%s%s%s", str(e, "site")[0] ? "at " : "", str(e, "site"),
                 str(e, "note"));
        const char *cells[] = {str(e, "at"),   who,  str(e, "from")[0] ? str(e, "from") : "(new)",
                               str(e, "to"),   note, str(e, "actor")};
        sl_buf_append_str(b, "<tr>");
        web_cells(b, cells, 6);
        sl_buf_append_str(b, "</tr>");
    }
    sl_buf_append_str(b, "</table>");
}

/* The lifecycle form (vehicle_actions.c checks it again on the server). */
static void action_form(struct web_req *r, int64_t id, const struct judged *j)
{
    struct sl_buf *b = &r->resp.body;
    sl_buf_append_str(b, "<h2>Change</h2>");
    web_escf(b, "<form method=\"post\" action=\"/vehicles/%lld/status\" id=\"vehicle-change\">",
             (long long)id);
    web_csrf_field(r);
    sl_buf_append_str(b, "<label>What <select name=\"part\" id=\"vc-part\">"
                         "<option value=\"\">the vehicle</option>");
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(j->reg, "parts"), i, p)
    {
        if (strcmp(str(p, "status"), "removed") == 0)
            continue;
        long long pos = (long long)json_integer_value(json_object_get(p, "position"));
        web_escf(b, "<option value=\"%lld\">part %lld ", pos, pos);
        texts(b, str(p, "kind"), " ", str(p, "model"), NULL);
        sl_buf_append_str(b, "</option>");
    }
    sl_buf_append_str(
        b, "</select></label> <label>Status <select name=\"status\" id=\"vc-status\">"
           "<option>scheduled</option><option>removed</option><option>exempt</option>"
           "<option>fitted</option><option>active</option><option>retired</option></select>"
           "</label> <label>On <input type=\"date\" name=\"at\" id=\"vc-at\"></label> "
           "<label>Removal date <input type=\"date\" name=\"date\" id=\"vc-date\"></label> "
           "<label>Replaced by <input name=\"replaced_by\" id=\"vc-replaced-by\"></label> "
           "<label>Reason <input name=\"reason\" id=\"vc-reason\"></label> "
           "<label>Approver <input name=\"approver\" id=\"vc-approver\"></label> "
           "<label>Exempt until <input type=\"date\" name=\"until\" id=\"vc-until\"></label> "
           "<label>Move to site <input name=\"site\" id=\"vc-site\"></label> "
           "<button id=\"vc-go\">Record</button></form>");
}

void web_page_vehicle(struct web_req *r, int64_t id)
{
    struct sl_site_ref site;
    struct judged j;
    if (!judge(r, id, &site, &j))
        return;
    struct sl_buf *b = &r->resp.body;
    web_page_start(r, str(j.vehicle, "vin"));
    sl_buf_append_str(b, "<h1 class=\"vin\">");
    web_esc(b, str(j.vehicle, "vin"));
    sl_buf_append_str(b, "</h1>");
    const char *done = web_arg(r, "done");
    if (done != NULL) {
        sl_buf_append_str(b, "<p class=\"done\" id=\"done\">Recorded: ");
        web_esc(b, done);
        sl_buf_append_str(b, "</p>");
    }
    facts(b, &j);
    parts_table(b, &j);
    explanation(b, &j);
    history(b, j.reg);
    if (sl_roles_allow(&r->roles, SL_ROLE_EDITOR, &site))
        action_form(r, id, &j);
    else
        sl_buf_append_str(b, "<p class=\"muted\">Your grants let you read this vehicle, not "
                             "change it.</p>");
    judged_free(&j);
    web_page_end(r);
}
