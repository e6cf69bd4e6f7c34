/* agents_page.c - the dashboard's Agents page: every enrolled agent with its
 * state (ok, stale, revoked), last visit, version and spool; a programme
 * admin over all sites may revoke one. The agents' own endpoint is
 * agent_api.c. */
#include <stdio.h>
#include <string.h>

#include "store/agents.h"
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
