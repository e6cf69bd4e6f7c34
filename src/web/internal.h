/* internal.h - what the files of web/ share: one request as the handlers see
 * it, the response they build, and the helpers every page and API call uses.
 * Not for use outside web/.
 *
 * Memory: a struct web_req lives for one request (server.c owns it); strings
 * it hands out are valid for the request. Bodies are bounded (WEB_BODY_MAX),
 * responses too (WEB_PAGE_MAX).
 */
#ifndef SL_WEB_INTERNAL_H
#define SL_WEB_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "util/buf.h"
#include "web/form.h"
#include "web/roles.h"

#define WEB_BODY_MAX (64 * 1024)
#define WEB_PAGE_MAX (8 * 1024 * 1024)

struct sl_web;
struct MHD_Connection;

/* The settings handlers read (server.c fills them once). */
struct sl_ident;
struct sl_policy_set;
struct sl_vrules;
struct web_conf {
    bool https;
    const struct sl_ident *ident;          /* loaded once, read-only */
    const struct sl_policy_set *policies;  /* the policies in force, read-only */
    const struct sl_vrules *vrules;        /* the vehicle rules, read-only */
    int64_t idle_timeout, session_lifetime;
    const char *db;
};

struct web_resp {
    unsigned status;
    const char *ctype;       /* static */
    struct sl_buf body;
    char location[512];      /* a redirect's target, "" for none */
    char cookie[2][256];     /* Set-Cookie values, "" for none */
    bool cacheable;          /* static assets only */
    char disposition[128];   /* Content-Disposition (downloads), "" for none */
};

struct web_req {
    struct sl_web *srv;
    const struct web_conf *conf;
    struct MHD_Connection *conn;
    struct sl_store *s;
    const char *method, *path;
    char addr[64];           /* the peer's address */
    struct sl_buf body;      /* POST body as received (bounded) */
    struct sl_form form;     /* the body parsed as a form (urlencoded) */
    json_t *json;            /* the body parsed as JSON (API), or NULL */
    bool api;                /* path under /api/v1/ */
    /* The session, when signed in. */
    bool signed_in, expired;
    bool bearer, bearer_write; /* an API token (web/auth.c), and may it change things */
    struct sl_user user;
    struct sl_roles roles;
    char sid_hash[65];
    char csrf[65];
    struct web_resp resp;
};

/* A query-string argument (NULL when absent). */
const char *web_arg(struct web_req *r, const char *name);
/* A request header (NULL when absent). */
const char *web_header(struct web_req *r, const char *name);
/* A cookie (NULL when absent). */
const char *web_cookie(struct web_req *r, const char *name);
/* A field of the body: the form's, or the JSON object's string member. */
const char *web_field(struct web_req *r, const char *name);

/* "/devices/12/schedule" with prefix "/devices/" -> 12 and "schedule". 0 or -1. */
int web_split_id(const char *path, const char *prefix, int64_t *id, const char **rest);

/* Binds and listens on "ADDR:PORT" (numeric only: no name is looked up);
 * *loopback says whether it is a loopback address, host gets ADDR. The
 * descriptor, or -1 with err. (server.c; the agent endpoint uses it too.) */
int web_bind_listen(const char *listen_on, bool *loopback, char *host, size_t hostn,
                    struct sl_err *err);

/* Responses. */
void web_redirect(struct web_req *r, const char *location);
/* A plain error page (or, for the API, {"error": msg}) with that status. */
void web_error(struct web_req *r, unsigned status, const char *msg);
/* A JSON response (steals j). */
void web_json(struct web_req *r, unsigned status, json_t *j);

/* ---- html.c: escaping and the page frame ---- */
/* Appends s escaped for HTML text and attribute values ("" for NULL). */
void web_esc(struct sl_buf *b, const char *s);
void web_escf(struct sl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* <td>value</td> for each value, escaped. */
void web_cells(struct sl_buf *b, const char *const *vals, size_t n);
/* Appends s escaped for a URL query value. */
void web_url(struct sl_buf *b, const char *s);
/* <!doctype html> ... <main>: the header with the navigation for the user. */
void web_page_start(struct web_req *r, const char *title);
/* </main> ... </html>; the response becomes a 200 HTML page unless set. */
void web_page_end(struct web_req *r);
/* <input type=hidden name=csrf value=...> */
void web_csrf_field(struct web_req *r);

/* ---- auth.c: accounts, sessions, throttling ---- */
int web_auth_init(void);
/* Fills r->signed_in/user/roles from the session cookie; expired sessions are
 * ended and r->expired set. 0, or -1 on a store error. */
int web_session_load(struct web_req *r);
/* POST /login: checks the password (throttled), starts a session. */
void web_login(struct web_req *r);
void web_logout(struct web_req *r);
/* The CSRF check of a change: the form field or X-CSRF-Token header equals the
 * session's token. */
bool web_csrf_ok(struct web_req *r);
/* The pre-session token of the login form (cookie + field, double submit). */
void web_login_page(struct web_req *r, const char *message, unsigned status);

/* ---- pages.c ---- */
void web_page_overview(struct web_req *r);
void web_page_sites(struct web_req *r);
void web_page_devices(struct web_req *r);
void web_page_device(struct web_req *r, int64_t id);
void web_page_audit(struct web_req *r);
void web_page_exemptions(struct web_req *r);
void web_page_password(struct web_req *r);
/* The device page's explanation chain (policy explain's JSON), or NULL. */
json_t *web_device_explain(struct web_req *r, const struct sl_device *d);

/* ---- actions.c: the changes, for forms and the API ---- */
/* POST /devices/ID/ACTION and /exemptions/ID/ACTION (forms and API). */
void web_action_device(struct web_req *r, int64_t id, const char *action);
void web_action_exemption(struct web_req *r, int64_t id, const char *action);
void web_password_change(struct web_req *r);
/* Where an action's fields are read: web_arg (a preview's query) or web_field (a form). */
typedef const char *(*web_getter)(struct web_req *r, const char *name);
struct sl_change;
/* The move action ("confirm", "schedule" with date, "remove" with replaced_by
 * and an optional date) asks for, fields read with get: NULL when c is set,
 * "" for no such action, else the sentence saying what is missing. c points
 * into the request's strings. */
const char *web_change_of(struct web_req *r, const char *action, struct sl_change *c,
                          web_getter get);

/* ---- admin.c, admin_page.c: milestones, sites, accounts (programme-admin of all sites) ---- */
/* GET /admin (and /api/v1/admin). */
void web_page_admin(struct web_req *r);
/* POST /admin/WHAT (and /api/v1/admin/WHAT): milestones/add|edit|remove,
 * sites/add, users/add|disable|enable|grant|revoke. */
void web_admin_action(struct web_req *r, const char *what);

/* ---- alerts.c: GET /alerts (and /api/v1/alerts) ---- */
void web_page_alerts(struct web_req *r);

/* ---- exports.c: GET /export (and /api/v1/export): the report as a download ---- */
void web_export(struct web_req *r);

/* ---- bulk.c: one action on a filtered set, previewed then applied ---- */
/* GET /bulk (and GET /api/v1/bulk): what would move, what is refused and why. */
void web_bulk_preview(struct web_req *r);
/* POST /bulk (and /api/v1/bulk): applies the action to the previewed ids. */
void web_bulk_apply(struct web_req *r);

/* ---- agents_page.c: the site agents (list, revoke) ---- */
void web_page_agents(struct web_req *r);
void web_action_agent_revoke(struct web_req *r);
void web_action_agent_verify(struct web_req *r);

/* ---- vehicles_page.c, vehicle_page.c, vehicle_actions.c: the fleet ---- */
/* GET /vehicles (and /api/v1/vehicles): the list, filtered, sorted, paged. */
void web_page_vehicles(struct web_req *r);
void web_api_vehicles(struct web_req *r);
/* GET /vehicles/ID (and /api/v1/vehicles/ID): parts, verdicts, chains, history. */
void web_page_vehicle(struct web_req *r, int64_t id);
void web_api_vehicle(struct web_req *r, int64_t id);
/* POST /vehicles/ID/status (and /api/v1/vehicles/ID/status): a lifecycle move. */
void web_action_vehicle(struct web_req *r, int64_t id, const char *action);
/* The overview's vehicles section from a scope's report figures (f.vehicles). */
void web_vehicle_figures(struct sl_buf *b, const json_t *f);
/* The calling worker thread's assessor (vehicle_page.c), judging as of today:
 * borrowed, kept for the thread's next requests. NULL when it cannot be made. */
struct sl_assessor;
struct sl_assessor *web_assessor(struct web_req *r);
/* A vehicle the user may read: 1 (*vin, *site set), 0 (absent or not allowed:
 * the same answer), -1 store error. */
int web_vehicle_visible(struct web_req *r, int64_t id, char vin[18], struct sl_site_ref *site);
/* Writes down expired part exemptions once a day (day: the last day tried,
 * updated), as `vehicles expire` does. 0 or -1. */
int web_vehicles_expire(struct sl_store *s, const struct web_conf *conf, char day[11],
                        struct sl_err *err);
/* A <td data-figure="PREFIXkey"> of each key's value in obj (class "n":
 * numeric), the report JSON's path on every figure (pages.c). */
void web_figure_cells(struct sl_buf *b, const json_t *obj, const char *prefix,
                      const char *const *keys, size_t n, bool numeric);
/* The site's name and department for the role checks (id 0 or absent: none). 0 or -1. */
int web_site_ref(struct web_req *r, int64_t site_id, struct sl_site_ref *ref);
/* A site of the register as the role checks see it (name, department, id). */
void web_site_ref_of(const struct sl_site *site, struct sl_site_ref *ref);

/* ---- api.c ---- */
void web_api(struct web_req *r);

/* ---- shared reads (pages.c) ---- */
/* The device if it exists and the user may read it: 1, 0 (absent or not
 * allowed: the same answer), -1 store error. *site gets its site (id 0: none). */
int web_device_visible(struct web_req *r, int64_t id, struct sl_device *d,
                       struct sl_site_ref *site);
/* The same, answering 404 (absent or not allowed) or 503 itself: true when
 * the device may be read. */
bool web_device_or_404(struct web_req *r, int64_t id, struct sl_device *d,
                       struct sl_site_ref *site);
/* The sites the user may read (NULL = all) as ids; caller frees. n set. -1 on error. */
int web_visible_sites(struct web_req *r, int64_t **ids, size_t *n, bool *all);
/* The overview's figures for the user's scopes: an array of figure objects
 * (report JSON, sl_report_figures_json) as of as_of (NULL = today). */
json_t *web_overview_figures(struct web_req *r, const char *as_of, struct sl_err *err);
struct sl_scope;
/* The scopes the overview shows the account: all sites, else each department
 * and site granted, once each (at most SL_ROLES_MAX). Returns how many. */
size_t web_overview_scopes(const struct web_req *r, struct sl_scope *out);
/* Computes (or finds kept) today's all-sites figures and their HTML, as the
 * overview asks for them: the server's warmer calls it at start and after
 * each change, so readers rarely wait. 0 or -1. */
int web_figures_warm(struct sl_store *s, struct sl_err *err);
/* The device list's query from the request's arguments (site, status,
 * manufacturer, decision, order, after, limit), limited to the user's sites.
 * 0, or an HTTP status (400 a bad filter, 503). *ids is the caller's to free. */
int web_device_query(struct web_req *r, struct sl_device_page_query *q, int64_t **ids);
/* A device as the API and the page show it. */
json_t *web_device_json(const struct sl_device *d);

#endif
