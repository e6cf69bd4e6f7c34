/* api.c - the JSON API under /api/v1/ (docs/api.md): the dashboard's reads and
 * actions for scripts, with the same sessions, CSRF tokens and roles. */
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "web/auth.h"
#include "web/internal.h"

static json_t *grants_json(const struct sl_roles *ro)
{
    static const char *const names[] = {"viewer", "site-editor", "approver", "programme-admin",
                                        "auditor"};
    json_t *a = json_array();
    for (size_t i = 0; i < ro->n; i++) {
        const char *role = "";
        for (int k = 0; k < 5; k++)
            if (ro->g[i].role == 1u << k)
                role = names[k];
        json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "role", role, "scope",
                                           ro->g[i].kind == 0   ? "all"
                                           : ro->g[i].kind == 1 ? "department"
                                                                : "site",
                                           "value", ro->g[i].value));
    }
    return a;
}

static void me(struct web_req *r)
{
    web_json(r, 200, json_pack("{s:s, s:s, s:o}", "name", r->user.name, "csrf_token", r->csrf,
                               "grants", grants_json(&r->roles)));
}

static void sign_in(struct web_req *r)
{
    unsigned st = web_sign_in(r, web_field(r, "name"), web_field(r, "password"));
    if (st == 200) {
        struct sl_err err = {0};
        sl_roles_load(r->s, r->user.id, &r->roles, &err);
        me(r);
    } else {
        web_error(r, st, st == 429 ? "too many failed sign-ins; wait and try again"
                         : st == 401 ? "sign-in failed" : "the register cannot be reached");
    }
}

static void overview(struct web_req *r)
{
    const char *as_of = web_arg(r, "as_of");
    int64_t t;
    if (as_of != NULL && (strlen(as_of) != 10 || sl_time_parse(as_of, &t) != 0)) {
        web_error(r, 400, "as_of must be YYYY-MM-DD");
        return;
    }
    struct sl_err err = {0};
    json_t *figs = web_overview_figures(r, as_of, &err);
    if (figs == NULL)
        web_error(r, 503, "the figures cannot be computed just now");
    else
        web_json(r, 200, json_pack("{s:o}", "scopes", figs));
}

static int on_site(const struct sl_site *s, void *vctx)
{
    struct web_req *r = ((void **)vctx)[0];
    json_t *a = ((void **)vctx)[1];
    struct sl_site_ref ref;
    web_site_ref_of(s, &ref);
    if (!sl_roles_allow(&r->roles, SL_ROLE_ANY, &ref))
        return 0;
    json_t *nets = json_array();
    for (size_t i = 0; i < s->n_networks; i++)
        json_array_append_new(nets, json_string(s->networks[i]));
    json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)s->id, "name",
                                       s->name, "department", s->department, "tier",
                                       sl_tier_name(s->tier), "networks", nets));
    return 0;
}

static void sites(struct web_req *r)
{
    json_t *a = json_array();
    void *ctx[2] = {r, a};
    struct sl_err err = {0};
    if (sl_store_site_list(r->s, on_site, ctx, &err) != 0) {
        json_decref(a);
        web_error(r, 503, "the sites cannot be read just now");
        return;
    }
    web_json(r, 200, json_pack("{s:o}", "sites", a));
}

struct dev_ctx {
    json_t *a;
    int64_t last;
};

static int on_device(const struct sl_device *d, void *vctx)
{
    struct dev_ctx *c = vctx;
    json_array_append_new(c->a, web_device_json(d));
    c->last = d->id;
    return 0;
}

static void devices(struct web_req *r)
{
    struct sl_device_page_query q;
    int64_t *ids;
    int st = web_device_query(r, &q, &ids);
    if (st != 0) {
        free(ids);
        web_error(r, (unsigned)st, st == 400 ? "a filter is not valid" : "the register cannot be read");
        return;
    }
    struct dev_ctx c = {json_array(), 0};
    struct sl_err err = {0};
    int rc = sl_store_device_page(r->s, &q, on_device, &c, &err);
    free(ids);
    if (rc != 0) {
        json_decref(c.a);
        web_error(r, 503, "the devices cannot be read just now");
        return;
    }
    bool more = (int64_t)json_array_size(c.a) == q.limit;
    web_json(r, 200, json_pack("{s:o, s:o}", "devices", c.a, "next_after",
                               more ? json_integer(c.last) : json_null()));
}

static json_t *exreq_json(const struct sl_exreq *q)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s?}", "id", (json_int_t)q->id, "device",
                     (json_int_t)q->device_id, "requested_by", q->requested_by, "reason", q->reason,
                     "until", q->until, "requested_at", (json_int_t)q->requested_at, "state",
                     q->state, "decided_by", q->decided_by[0] ? q->decided_by : NULL);
}

static int on_exreq(const struct sl_exreq *q, void *vctx)
{
    json_array_append_new(vctx, exreq_json(q));
    return 0;
}

static int on_event(const struct sl_event *e, void *vctx)
{
    json_array_append_new(vctx, json_pack("{s:s, s:s, s:s?, s:s, s:s}", "at", e->at, "actor",
                                          e->actor, "from",
                                          e->from_status >= 0
                                              ? sl_status_name((enum sl_status)e->from_status)
                                              : NULL,
                                          "to", sl_status_name(e->to_status), "note", e->note));
    return 0;
}

static void device(struct web_req *r, int64_t id)
{
    struct sl_device d;
    struct sl_site_ref site;
    if (!web_device_or_404(r, id, &d, &site))
        return;
    struct sl_err err = {0};
    json_t *hist = json_array(), *reqs = json_array();
    sl_store_event_list(r->s, id, NULL, on_event, hist, &err);
    sl_store_exreq_list(r->s, id, NULL, 50, on_exreq, reqs, &err);
    json_t *x = web_device_explain(r, &d);
    web_json(r, 200, json_pack("{s:o, s:o, s:o, s:o}", "device", web_device_json(&d), "history",
                               hist, "exemption_requests", reqs, "explain",
                               x != NULL ? x : json_null()));
}

struct exlist {
    struct web_req *r;
    json_t *a;
};

static int on_exreq_visible(const struct sl_exreq *q, void *vctx)
{
    struct exlist *c = vctx;
    struct sl_device d;
    struct sl_site_ref site;
    if (web_device_visible(c->r, q->device_id, &d, &site) == 1)
        json_array_append_new(c->a, exreq_json(q));
    return 0;
}

static void exemptions(struct web_req *r)
{
    const char *state = web_arg(r, "state");
    struct exlist c = {r, json_array()};
    struct sl_err err = {0};
    if (sl_store_exreq_list(r->s, 0, state != NULL && state[0] ? state : NULL, 1000,
                            on_exreq_visible, &c, &err) != 0) {
        json_decref(c.a);
        web_error(r, 503, "the requests cannot be read just now");
        return;
    }
    web_json(r, 200, json_pack("{s:o}", "exemption_requests", c.a));
}

static int on_audit(const struct sl_audit_entry *e, void *vctx)
{
    json_error_t je;
    json_t *detail = json_loads(e->detail, 0, &je);
    json_array_append_new(vctx, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "seq", (json_int_t)e->seq,
                                          "at", e->at, "actor", e->actor, "action", e->action,
                                          "object", e->object, "detail",
                                          detail != NULL ? detail : json_string(e->detail)));
    return 0;
}

static void audit(struct web_req *r)
{
    if (!sl_roles_have(&r->roles, SL_ROLE_AUDITOR | SL_ROLE_ADMIN)) {
        web_error(r, 403, "the audit log is for auditors and programme admins");
        return;
    }
    int64_t after = 0, limit = 200;
    const char *a = web_arg(r, "after"), *l = web_arg(r, "limit");
    if ((a != NULL && sl_parse_i64(a, 0, INT64_MAX, &after) != 0) ||
        (l != NULL && sl_parse_i64(l, 1, 1000, &limit) != 0)) {
        web_error(r, 400, "after and limit must be numbers (limit 1 to 1000)");
        return;
    }
    struct sl_err err = {0};
    struct sl_audit_report rep;
    json_t *entries = json_array();
    if (sl_store_verify(r->s, &rep, &err) != 0 ||
        sl_store_audit_list(r->s, after, limit, on_audit, entries, &err) != 0) {
        json_decref(entries);
        web_error(r, 503, "the audit log cannot be read just now");
        return;
    }
    web_json(r, 200, json_pack("{s:{s:b, s:I, s:I, s:s, s:I, s:s}, s:o}", "chain", "intact",
                               rep.first_bad_seq == 0, "entries", (json_int_t)rep.entries,
                               "head_seq", (json_int_t)rep.head_seq, "head_hash", rep.head_hash,
                               "first_bad_seq", (json_int_t)rep.first_bad_seq, "problem",
                               rep.problem, "entries", entries));
}

static void route_get(struct web_req *r, const char *p)
{
    int64_t id;
    const char *rest;
    if (strcmp(p, "me") == 0)
        me(r);
    else if (strcmp(p, "overview") == 0)
        overview(r);
    else if (strcmp(p, "sites") == 0)
        sites(r);
    else if (strcmp(p, "devices") == 0)
        devices(r);
    else if (web_split_id(p, "devices/", &id, &rest) == 0 && rest[0] == '\0')
        device(r, id);
    else if (strcmp(p, "vehicles") == 0)
        web_api_vehicles(r);
    else if (web_split_id(p, "vehicles/", &id, &rest) == 0 && rest[0] == '\0')
        web_api_vehicle(r, id);
    else if (strcmp(p, "exemptions") == 0)
        exemptions(r);
    else if (strcmp(p, "audit") == 0)
        audit(r);
    else if (strcmp(p, "bulk") == 0)
        web_bulk_preview(r);
    else if (strcmp(p, "export") == 0)
        web_export(r);
    else if (strcmp(p, "alerts") == 0)
        web_page_alerts(r);
    else if (strcmp(p, "admin") == 0)
        web_page_admin(r);
    else
        web_error(r, 404, "no such endpoint");
}

static void route_post(struct web_req *r, const char *p)
{
    int64_t id;
    const char *rest;
    if (!web_csrf_ok(r))
        web_error(r, 403, "missing or wrong X-CSRF-Token");
    else if (strcmp(p, "logout") == 0)
        web_logout(r);
    else if (web_split_id(p, "devices/", &id, &rest) == 0 && rest[0] != '\0')
        web_action_device(r, id, rest);
    else if (web_split_id(p, "exemptions/", &id, &rest) == 0 && rest[0] != '\0')
        web_action_exemption(r, id, rest);
    else if (web_split_id(p, "vehicles/", &id, &rest) == 0 && rest[0] != '\0')
        web_action_vehicle(r, id, rest);
    else if (strcmp(p, "bulk") == 0)
        web_bulk_apply(r);
    else if (sl_str_starts_with(p, "admin/"))
        web_admin_action(r, p + strlen("admin/"));
    else
        web_error(r, 404, "no such endpoint");
}

void web_api(struct web_req *r)
{
    if (!sl_str_starts_with(r->path, "/api/v1/")) {
        web_error(r, 404, "no such API version (this server speaks /api/v1/)");
        return;
    }
    const char *p = r->path + strlen("/api/v1/");
    bool get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    if (strcmp(p, "session") == 0) {
        if (get)
            web_error(r, 405, "POST name and password to sign in");
        else
            sign_in(r);
        return;
    }
    if (!r->signed_in) {
        web_error(r, 401, r->bearer    ? "the API token is not valid, has expired or was revoked"
                          : r->expired ? "the session has ended; sign in again"
                                       : "sign in first");
        return;
    }
    if (get)
        route_get(r, p);
    else if (r->bearer && !r->bearer_write)
        web_error(r, 403, "this API token may only read");
    else
        route_post(r, p);
}
