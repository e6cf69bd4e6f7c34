/* admin_page.c - the administration page (GET /admin, and the same lists
 * under /api/v1/admin): milestones with edit and remove forms, the forms to
 * add a milestone, a site and an account, and the accounts with their grants.
 * Reads only; the forms post to admin.c. */
#include <string.h>

#include "util/str.h"
#include "web/internal.h"

struct admin_ctx {
    struct web_req *r;
    struct sl_buf *b;
    json_t *rows; /* API */
};

static void field(struct sl_buf *b, const char *label, const char *name, const char *type,
                  const char *value)
{
    web_escf(b, "<label>%s <input name=\"%s\" type=\"%s\" value=\"", label, name, type);
    web_esc(b, value);
    sl_buf_append_str(b, "\"></label> ");
}

static void form_open(struct web_req *r, const char *action, const char *id)
{
    web_escf(&r->resp.body, "<form class=\"inline\" method=\"post\" action=\"/admin/%s\" id=\"%s\">",
             action, id);
    web_csrf_field(r);
}

/* What a milestone counts, as `milestones add --of` names it. */
static const char *subject_name(const struct sl_milestone *m)
{
    return m->subject[0] ? m->subject : "devices";
}

static void subject_select(struct sl_buf *b, const char *current)
{
    bool parts = strcmp(current, "vehicle-parts") == 0;
    web_escf(b, "<label>of <select name=\"of\"><option%s>devices</option>"
                "<option%s>vehicle-parts</option></select></label> ",
             parts ? "" : " selected", parts ? " selected" : "");
}

static int on_milestone(const struct sl_milestone *m, void *vctx)
{
    struct admin_ctx *c = vctx;
    bool pct = strcmp(m->target_kind, "percent") == 0;
    char target[32], scope[SL_NAME_MAX + 16];
    snprintf(target, sizeof target, pct ? "%g" : "%.0f", m->target);
    snprintf(scope, sizeof scope, "%s%s%s", m->scope_kind, m->scope_value[0] ? ":" : "",
             m->scope_value);
    if (c->rows != NULL) {
        json_array_append_new(c->rows, json_pack("{s:s, s:s, s:s, s:f, s:s, s:s}", "name",
                                                 m->name, "due", m->due, "target_kind",
                                                 m->target_kind, "target", m->target, "scope",
                                                 scope, "of", subject_name(m)));
        return 0;
    }
    struct sl_buf *b = c->b;
    sl_buf_append_str(b, "<tr><td>");
    web_esc(b, m->name);
    sl_buf_append_str(b, "</td><td>");
    form_open(c->r, "milestones/edit", "milestone-edit");
    web_escf(b, "<input type=\"hidden\" name=\"name\" value=\"");
    web_esc(b, m->name);
    sl_buf_append_str(b, "\">");
    field(b, "due", "due", "date", m->due);
    field(b, "percent", "percent", "text", pct ? target : "");
    field(b, "count", "count", "text", pct ? "" : target);
    field(b, "scope", "scope", "text", scope);
    subject_select(b, subject_name(m));
    sl_buf_append_str(b, "<button>Save</button></form> ");
    form_open(c->r, "milestones/remove", "milestone-remove");
    web_escf(b, "<input type=\"hidden\" name=\"name\" value=\"");
    web_esc(b, m->name);
    sl_buf_append_str(b, "\"><button>Remove</button></form></td></tr>");
    return 0;
}

static int on_grant(const struct sl_grant *g, void *vctx)
{
    json_t *a = vctx;
    char text[SL_NAME_MAX + 48];
    snprintf(text, sizeof text, "%s%s%s%s%s", g->role, strcmp(g->scope_kind, "all") ? ":" : "",
             strcmp(g->scope_kind, "all") ? g->scope_kind : "", g->scope_value[0] ? ":" : "",
             g->scope_value);
    json_array_append_new(a, json_string(text));
    return 0;
}

static int on_user(const struct sl_user *u, void *vctx)
{
    struct admin_ctx *c = vctx;
    json_t *grants = json_array();
    struct sl_err err = {0};
    if (sl_store_grant_list(c->r->s, u->id, on_grant, grants, &err) != 0) {
        json_decref(grants);
        return -1;
    }
    if (c->rows != NULL) {
        json_array_append_new(c->rows, json_pack("{s:s, s:b, s:o}", "name", u->name, "disabled",
                                                 u->disabled, "grants", grants));
        return 0;
    }
    struct sl_buf *b = c->b;
    sl_buf_append_str(b, "<tr><td>");
    web_esc(b, u->name);
    web_escf(b, "</td><td>%s</td><td>", u->disabled ? "disabled" : "active");
    size_t i;
    json_t *g;
    json_array_foreach(grants, i, g)
    {
        web_esc(b, json_string_value(g));
        sl_buf_append_str(b, "<br>");
    }
    sl_buf_append_str(b, "</td><td>");
    form_open(c->r, u->disabled ? "users/enable" : "users/disable", "user-state");
    web_escf(b, "<input type=\"hidden\" name=\"name\" value=\"");
    web_esc(b, u->name);
    web_escf(b, "\"><button>%s</button></form> ", u->disabled ? "Enable" : "Disable");
    form_open(c->r, "users/grant", "user-grant");
    web_escf(b, "<input type=\"hidden\" name=\"name\" value=\"");
    web_esc(b, u->name);
    sl_buf_append_str(b, "\"><input name=\"grant\" placeholder=\"ROLE[:site:NAME]\"><button>Grant"
                         "</button> <button formaction=\"/admin/users/revoke\">Revoke</button>"
                         "</form></td></tr>");
    json_decref(grants);
    return 0;
}

static void add_forms(struct web_req *r)
{
    struct sl_buf *b = &r->resp.body;
    sl_buf_append_str(b, "<h2>Add a milestone</h2>");
    form_open(r, "milestones/add", "milestone-add");
    field(b, "name", "name", "text", "");
    field(b, "due", "due", "date", "");
    field(b, "percent", "percent", "text", "");
    field(b, "or count", "count", "text", "");
    field(b, "scope", "scope", "text", "all");
    subject_select(b, "devices");
    sl_buf_append_str(b, "<button>Add</button></form><h2>Add a site</h2>");
    form_open(r, "sites/add", "site-add");
    field(b, "name", "name", "text", "");
    field(b, "department", "department", "text", "");
    sl_buf_append_str(b, "<label>tier <select name=\"tier\"><option>sensitive</option>"
                         "<option>official</option><option>public</option></select></label> ");
    field(b, "networks", "networks", "text", "");
    sl_buf_append_str(b, "<button>Add</button></form><h2>Add an account</h2>");
    form_open(r, "users/add", "user-add");
    field(b, "name", "name", "text", "");
    field(b, "password", "password", "password", "");
    sl_buf_append_str(b, "<button>Add</button></form>");
}

void web_page_admin(struct web_req *r)
{
    if (!sl_roles_all_sites(&r->roles, SL_ROLE_ADMIN)) {
        web_error(r, 403, "Only a programme-admin of all sites may change the programme's settings.");
        return;
    }
    struct sl_err err = {0};
    struct admin_ctx ms = {r, &r->resp.body, r->api ? json_array() : NULL};
    struct admin_ctx us = {r, &r->resp.body, r->api ? json_array() : NULL};
    if (!r->api) {
        web_page_start(r, "Administration");
        sl_buf_append_str(&r->resp.body, "<h1>Administration</h1><h2>Milestones</h2>"
                                         "<table id=\"milestones\"><tr><th>Milestone</th>"
                                         "<th>Due, target, scope, what it counts</th></tr>");
    }
    int rc = sl_store_milestone_list(r->s, on_milestone, &ms, &err);
    if (rc == 0 && !r->api) {
        sl_buf_append_str(&r->resp.body, "</table>");
        add_forms(r);
        sl_buf_append_str(&r->resp.body, "<h2>Accounts</h2><table id=\"users\"><tr><th>Account"
                                         "</th><th>State</th><th>Grants</th><th></th></tr>");
    }
    if (rc == 0)
        rc = sl_store_user_list(r->s, on_user, &us, &err);
    if (rc != 0) {
        json_decref(ms.rows);
        json_decref(us.rows);
        sl_buf_reset(&r->resp.body);
        web_error(r, 503, "The register cannot be read just now.");
        return;
    }
    if (r->api) {
        web_json(r, 200, json_pack("{s:o, s:o}", "milestones", ms.rows, "users", us.rows));
        return;
    }
    sl_buf_append_str(&r->resp.body, "</table><p class=\"muted\">Sites are listed on the "
                                     "<a href=\"/sites\">sites page</a>.</p>");
    web_page_end(r);
}
