/* agents_page.c - the dashboard's Agents page: every enrolled agent with its
 * state (ok, stale, revoked), last visit, version and spool; a programme
 * admin over all sites may revoke one. Below, the verification requests
 * (pending, and the latest done with their outcome); an admin of a site may
 * queue one for its agent, as `sightline agents verify` does. The agents' own
 * endpoint is agent_api.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/agents.h"
#include "store/verifications.h"
#include "util/str.h"
#include "util/timeutil.h"
#include "web/internal.h"

struct rows {
    struct web_req *r;
    bool can_revoke;
    int64_t now;
};

static int agent_row(const struct sl_agent *a, void *ctx)
{
    struct rows *c = ctx;
    struct sl_buf *b = &c->r->resp.body;
    const char *state = a->revoked_at ? "revoked" : sl_agent_stale(a, c->now) ? "stale" : "ok";
    char seen[SL_ISO_LEN] = "never", spool[64], counts[64];
    if (a->last_seen)
        sl_time_iso(a->last_seen, seen);
    snprintf(spool, sizeof spool, "%lld batches, %lld bytes%s", (long long)a->spool_batches,
             (long long)a->spool_bytes, a->spool_full ? ", FULL" : "");
    snprintf(counts, sizeof counts, "%lld / %lld", (long long)a->batches,
             (long long)a->refused_records);
    web_escf(b, "<tr class=\"agent-%s\">", state);
    const char *cells[] = {a->name, a->sites, state, seen, a->version, spool, counts};
    web_cells(b, cells, sizeof cells / sizeof cells[0]);
    sl_buf_append_str(b, "<td>");
    if (c->can_revoke && a->revoked_at == 0) {
        sl_buf_append_str(b, "<form class=\"inline\" method=\"post\" action=\"/agents/revoke\">");
        web_csrf_field(c->r);
        sl_buf_append_str(b, "<input type=\"hidden\" name=\"agent\" value=\"");
        web_esc(b, a->name);
        sl_buf_append_str(b, "\"><button>Revoke</button></form>");
    }
    sl_buf_append_str(b, "</td></tr>");
    return 0;
}

#define DONE_SHOWN 20 /* the latest done requests listed */

struct reqs {
    struct web_req *r;
    struct sl_verify_req *done; /* a ring of the latest DONE_SHOWN */
    size_t n_done, n_pending;
};

static void req_row(struct sl_buf *b, const struct sl_verify_req *q)
{
    char id[24], at[SL_ISO_LEN], done[SL_ISO_LEN] = "";
    snprintf(id, sizeof id, "%lld", (long long)q->id);
    sl_time_iso(q->requested_at, at);
    if (q->done)
        sl_time_iso(q->done_at, done);
    web_escf(b, "<tr class=\"verify-%s\">", q->done ? "done" : "pending");
    const char *cells[] = {id, q->site, q->done ? "done" : "pending", at, q->requested_by,
                           q->agent, done, q->outcome};
    web_cells(b, cells, sizeof cells / sizeof cells[0]);
    sl_buf_append_str(b, "</tr>");
}

static int on_req(const struct sl_verify_req *q, void *ctx)
{
    struct reqs *c = ctx;
    if (!q->done) { /* pending ones are few (at most 16 a site) and listed as read */
        req_row(&c->r->resp.body, q);
        c->n_pending++;
    } else {
        c->done[c->n_done++ % DONE_SHOWN] = *q;
    }
    return 0;
}

struct site_opts {
    struct web_req *r;
    size_t n;
};

static int site_option(const struct sl_site *site, void *ctx)
{
    struct site_opts *o = ctx;
    struct sl_site_ref ref;
    web_site_ref_of(site, &ref);
    if (!sl_roles_allow(&o->r->roles, SL_ROLE_ADMIN, &ref))
        return 0;
    sl_buf_append_str(&o->r->resp.body, "<option>");
    web_esc(&o->r->resp.body, site->name);
    sl_buf_append_str(&o->r->resp.body, "</option>");
    o->n++;
    return 0;
}

/* The verification requests, and the form that queues one. 0 or -1. */
static int verifications(struct web_req *r)
{
    struct sl_buf *b = &r->resp.body;
    sl_buf_append_str(b, "<h2>Verification requests</h2><p>A site's agent runs a request at its "
                         "next configuration pull: it rescans the site's networks, less its "
                         "exclusions, and the server reconciles what it saw as <code>sightline "
                         "verify</code> would (removed and not seen: verified absent; seen: "
                         "reappeared).</p><table id=\"verifications\"><tr><th>Request</th>"
                         "<th>Site</th><th>State</th><th>Requested</th><th>By</th><th>Agent</th>"
                         "<th>Done</th><th>Outcome</th></tr>");
    struct reqs c = {r, calloc(DONE_SHOWN, sizeof *c.done), 0, 0};
    struct sl_err err = {0};
    if (c.done == NULL || sl_store_verify_req_list(r->s, 0, false, on_req, &c, &err) != 0) {
        free(c.done);
        return -1;
    }
    size_t shown = c.n_done < DONE_SHOWN ? c.n_done : DONE_SHOWN;
    for (size_t i = 0; i < shown; i++) /* newest first */
        req_row(b, &c.done[(c.n_done - 1 - i) % DONE_SHOWN]);
    free(c.done);
    web_escf(b, "</table><p>%zu pending; %zu done (the latest %zu shown).</p>", c.n_pending,
             c.n_done, shown);
    size_t mark = b->len;
    sl_buf_append_str(b, "<form method=\"post\" action=\"/agents/verify\">");
    web_csrf_field(r);
    sl_buf_append_str(b, "<label>Verify site <select name=\"site\">");
    struct site_opts o = {r, 0};
    if (sl_store_site_list(r->s, site_option, &o, &err) != 0)
        return -1;
    sl_buf_append_str(b, "</select></label> <button>Queue a verification</button></form>");
    if (o.n == 0) /* not an admin of any site: no form */
        b->len = mark;
    return 0;
}

void web_page_agents(struct web_req *r)
{
    if (!sl_roles_have(&r->roles, SL_ROLE_AUDITOR | SL_ROLE_ADMIN)) {
        web_error(r, 403, "The agents are for auditors and programme admins.");
        return;
    }
    struct rows c = {r, sl_roles_all_sites(&r->roles, SL_ROLE_ADMIN), sl_now()};
    struct sl_buf *b = &r->resp.body;
    web_page_start(r, "Agents");
    sl_buf_append_str(b, "<h1>Site agents</h1><p>Stale: silent for more than twice its "
                         "schedule. FULL: its spool is over its cap and it starts no scan.</p>"
                         "<table id=\"agents\"><tr><th>Agent</th><th>Sites</th><th>State</th>"
                         "<th>Last seen</th><th>Version</th><th>Spool</th>"
                         "<th>Batches / refused</th><th></th></tr>");
    struct sl_err err = {0};
    if (sl_store_agent_list(r->s, agent_row, &c, &err) != 0) {
        sl_buf_reset(b);
        web_error(r, 503, "The agents cannot be read just now.");
        return;
    }
    sl_buf_append_str(b, "</table>");
    if (verifications(r) != 0) {
        sl_buf_reset(b);
        web_error(r, 503, "The verification requests cannot be read just now.");
        return;
    }
    web_page_end(r);
}

/* POST /agents/revoke (agent=NAME): programme admins over all sites only. */
void web_action_agent_revoke(struct web_req *r)
{
    if (!sl_roles_all_sites(&r->roles, SL_ROLE_ADMIN)) {
        web_error(r, 403, "Only a programme admin over all sites may revoke an agent.");
        return;
    }
    const char *name = web_field(r, "agent");
    if (name == NULL || name[0] == '\0') {
        web_error(r, 400, "Which agent?");
        return;
    }
    struct sl_err err = {0};
    int rc = sl_store_agent_revoke(r->s, name, r->user.name, &err);
    if (rc < 0)
        web_error(r, 503, "The agent could not be revoked just now.");
    else if (rc == 0)
        web_error(r, 404, "No such agent, or it is revoked already.");
    else if (r->api)
        web_json(r, 200, json_pack("{s:s}", "revoked", name));
    else
        web_redirect(r, "/agents");
}

/* POST /agents/verify (site=NAME): an admin of that site queues a
 * verification for its agent (audited agent.verify_request). */
void web_action_agent_verify(struct web_req *r)
{
    const char *name = web_field(r, "site");
    if (name == NULL || name[0] == '\0') {
        web_error(r, 400, "Which site?");
        return;
    }
    struct sl_site site = {0};
    struct sl_err err = {0};
    int got = sl_store_site_get(r->s, name, &site, &err);
    struct sl_site_ref ref;
    web_site_ref_of(&site, &ref);
    sl_site_free(&site);
    if (got < 0) {
        web_error(r, 503, "The register cannot be read just now.");
        return;
    }
    if (got == 0 || !sl_roles_allow(&r->roles, SL_ROLE_ADMIN, &ref)) {
        /* the same answer for a site that does not exist and one not yours */
        web_error(r, 403, "Only an admin of the site may queue its verification.");
        return;
    }
    int64_t id = 0;
    if (sl_store_verify_req_add(r->s, ref.id, r->user.name, &id, &err) != 0) {
        if (err.kind == SL_ERR_INVALID)
            web_error(r, 409, err.msg);
        else
            web_error(r, 503, "The request could not be queued just now.");
    } else if (r->api) {
        web_json(r, 200, json_pack("{s:I, s:s}", "request", (json_int_t)id, "site", ref.name));
    } else {
        web_redirect(r, "/agents");
    }
}
