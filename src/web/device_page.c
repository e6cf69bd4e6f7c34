/* device_page.c - one device: what it is, why it is judged so (the chain
 * `policy explain` prints), its history, and the actions the signed-in account
 * may take on it now; plus the exemption requests, audit log and password pages. */
#include <stdlib.h>
#include <string.h>

#include "programme/explain.h"
#include "programme/lifecycle.h"
#include "util/str.h"
#include "web/internal.h"

json_t *web_device_explain(struct web_req *r, const struct sl_device *d)
{
    if (r->conf->ident == NULL || r->conf->policies == NULL)
        return NULL;
    json_t *out = json_object();
    enum sl_tier tier = SL_TIER_SENSITIVE;
    bool have = false;
    sl_explain_device_tier(r->s, d, &tier, &have);
    struct sl_claim claim;
    struct sl_err err = {0};
    if (sl_explain_claim(r->s, r->conf->ident, d, &claim, out, &err) != 0) {
        json_decref(out);
        return NULL;
    }
    sl_explain_judge(r->conf->policies, tier, &claim, sl_now(), out);
    return out;
}

static void row(struct sl_buf *b, const char *k, const char *v, const char *cls)
{
    web_escf(b, "<tr><th>%s</th><td%s%s%s>", k, cls ? " class=\"" : "", cls ? cls : "",
             cls ? "\"" : "");
    web_esc(b, v);
    sl_buf_append_str(b, "</td></tr>");
}

static void facts(struct sl_buf *b, const struct sl_device *d)
{
    char conf[16];
    snprintf(conf, sizeof conf, "%.2f", d->claim.confidence);
    sl_buf_append_str(b, "<table class=\"facts\">");
    row(b, "Site", d->site[0] ? d->site : "(none)", NULL);
    row(b, "Address", d->address, NULL);
    row(b, "MAC", d->mac, NULL);
    row(b, "Serial", d->serial, NULL);
    row(b, "Ports", d->ports, NULL);
    row(b, "Manufacturer", d->claim.manufacturer, NULL);
    row(b, "Brand", d->claim.brand, NULL);
    row(b, "Model", d->claim.model, "model");
    row(b, "Firmware", d->claim.firmware, NULL);
    row(b, "Type", d->claim.device_type, NULL);
    row(b, "Confidence", conf, NULL);
    row(b, "Decision", sl_decision_name(d->verdict.decision), "decision");
    row(b, "Deadline", d->verdict.deadline, NULL);
    row(b, "Reason", d->verdict.reason, NULL);
    row(b, "Policy", d->verdict.policy, NULL);
    row(b, "Status", sl_status_name(d->status), "status");
    row(b, "Since", d->status_since, NULL);
    row(b, "Scheduled for", d->scheduled_for, "scheduled");
    row(b, "Replaced by", d->replaced_by, NULL);
    row(b, "Exempt until", d->exempt_until, NULL);
    row(b, "Exemption approved by", d->exempt_approver, NULL);
    row(b, "First seen", d->first_seen, NULL);
    row(b, "Last seen", d->last_seen, NULL);
    sl_buf_append_str(b, "</table>");
}

static bool legal(const struct sl_device *d, enum sl_status to, const char *sched)
{
    struct sl_change c = {.to = to, .scheduled_for = sched, .replaced_by = "none",
                          .exempt_until = "2999-12-31", .note = "x", .exempt_approver = "x"};
    char why[256];
    return sl_lifecycle_check(d, &c, sl_now(), why, sizeof why) == 0;
}

static void action_form(struct web_req *r, int64_t id, const char *action, const char *label,
                        const char *fields)
{
    struct sl_buf *b = &r->resp.body;
    web_escf(b, "<form class=\"inline\" method=\"post\" action=\"/devices/%lld/%s\" id=\"form-%s\">",
             (long long)id, action, action);
    web_csrf_field(r);
    sl_buf_append_str(b, fields);
    web_escf(b, "<button id=\"do-%s\">%s</button></form>", action, label);
}

static void actions(struct web_req *r, const struct sl_device *d, const struct sl_site_ref *site)
{
    struct sl_buf *b = &r->resp.body;
    sl_buf_append_str(b, "<h2>Actions</h2>");
    if (!sl_roles_allow(&r->roles, SL_ROLE_EDITOR, site)) {
        sl_buf_append_str(b, "<p class=\"muted\">Your grants let you read this device, not change it.</p>");
        return;
    }
    char tomorrow[SL_DATE_LEN];
    sl_time_date(sl_now() + 86400, tomorrow);
    if (legal(d, SL_STATUS_CONFIRMED, NULL))
        action_form(r, d->id, "confirm", "Confirm", "");
    if (legal(d, SL_STATUS_SCHEDULED, tomorrow))
        action_form(r, d->id, "schedule", "Schedule removal",
                    "<label>Removal date <input type=\"date\" name=\"date\" id=\"schedule-date\" "
                    "required></label>");
    if (legal(d, SL_STATUS_REMOVED, NULL))
        action_form(r, d->id, "remove", "Record removal",
                    "<label>Replaced by <input name=\"replaced_by\" required></label>"
                    "<label>Removed on <input type=\"date\" name=\"date\"></label>");
    if (legal(d, SL_STATUS_EXEMPT, NULL))
        action_form(r, d->id, "exemption-request", "Request exemption",
                    "<label>Reason <input name=\"reason\" id=\"exempt-reason\" required></label>"
                    "<label>Until <input type=\"date\" name=\"until\" id=\"exempt-until\" "
                    "required></label>");
}

struct exreq_ctx {
    struct web_req *r;
    const struct sl_site_ref *site;
    bool device_column;
};

static int on_exreq(const struct sl_exreq *q, void *vctx)
{
    struct exreq_ctx *c = vctx;
    struct sl_buf *b = &c->r->resp.body;
    web_escf(b, "<tr id=\"exreq-%lld\">", (long long)q->id);
    if (c->device_column)
        web_escf(b, "<td><a href=\"/devices/%lld\">%lld</a></td>", (long long)q->device_id,
                 (long long)q->device_id);
    const char *cells[] = {q->requested_by, q->reason, q->until};
    web_cells(b, cells, 3);
    web_escf(b, "<td class=\"state\">%s", strcmp(q->state, "pending") ? "" : "pending");
    if (strcmp(q->state, "pending") != 0) {
        web_esc(b, q->state);
        sl_buf_append_str(b, " by ");
        web_esc(b, q->decided_by);
    }
    sl_buf_append_str(b, "</td><td>");
    if (strcmp(q->state, "pending") == 0 && c->site != NULL &&
        sl_roles_allow(&c->r->roles, SL_ROLE_APPROVER, c->site)) {
        if (strcmp(q->requested_by, c->r->user.name) == 0) {
            sl_buf_append_str(b, "<span class=\"muted\">your request: another approver decides</span>");
        } else {
            for (int k = 0; k < 2; k++) {
                const char *a = k == 0 ? "approve" : "refuse";
                web_escf(b, "<form class=\"inline\" method=\"post\" action=\"/exemptions/%lld/%s\">",
                         (long long)q->id, a);
                web_csrf_field(c->r);
                web_escf(b, "<button id=\"%s-%lld\">%s</button></form>", a, (long long)q->id,
                         k == 0 ? "Approve" : "Refuse");
            }
        }
    }
    sl_buf_append_str(b, "</td></tr>");
    return 0;
}

static int on_event(const struct sl_event *e, void *vctx)
{
    struct sl_buf *b = vctx;
    const char *cells[] = {e->at, e->actor};
    sl_buf_append_str(b, "<tr>");
    web_cells(b, cells, 2);
    web_escf(b, "<td>%s &rarr; %s</td><td>",
             e->from_status >= 0 ? sl_status_name((enum sl_status)e->from_status) : "(new)",
             sl_status_name(e->to_status));
    web_esc(b, e->note);
    if (e->scheduled_for[0]) {
        sl_buf_append_str(b, " scheduled for ");
        web_esc(b, e->scheduled_for);
    }
    if (e->replaced_by[0]) {
        sl_buf_append_str(b, " replaced by ");
        web_esc(b, e->replaced_by);
    }
    sl_buf_append_str(b, "</td></tr>");
    return 0;
}

/* The explanation chain: clues, registry, each policy, the verdict. */
static void explanation(struct sl_buf *b, const json_t *x)
{
    sl_buf_append_str(b, "<h2>Why this verdict</h2>");
    if (x == NULL) {
        sl_buf_append_str(b, "<p class=\"muted\">The explanation is not available.</p>");
        return;
    }
    sl_buf_append_str(b, "<h3>Clues from the evidence</h3><table><tr><th>Rule</th><th>Field</th>"
                         "<th>Value</th><th>Says</th></tr>");
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(x, "clues"), i, e)
    {
        const char *cells[] = {json_string_value(json_object_get(e, "rule")),
                               json_string_value(json_object_get(e, "field")),
                               json_string_value(json_object_get(e, "value")),
                               json_string_value(json_object_get(e, "maker"))};
        sl_buf_append_str(b, "<tr>");
        web_cells(b, cells, 4);
        sl_buf_append_str(b, "</tr>");
    }
    const json_t *reg = json_object_get(x, "registry");
    sl_buf_append_str(b, "</table><h3>Registry</h3><p>");
    if (json_is_object(reg)) {
        web_esc(b, json_string_value(json_object_get(reg, "name")));
        sl_buf_append_str(b, ": ");
        web_esc(b, json_string_value(json_object_get(reg, "legal_name")));
        sl_buf_append_str(b, ", ");
        web_esc(b, json_string_value(json_object_get(reg, "country")));
    } else {
        sl_buf_append_str(b, "No vendor to look up.");
    }
    sl_buf_append_str(b, "</p><h3>Policies</h3><table><tr><th>Policy</th><th>In force</th>"
                         "<th>Decision</th><th>Reason</th></tr>");
    json_array_foreach(json_object_get(x, "policies"), i, e)
    {
        const json_t *v = json_object_get(e, "verdict");
        sl_buf_append_str(b, "<tr><td>");
        web_esc(b, json_string_value(json_object_get(e, "id")));
        web_escf(b, "</td><td>%s</td><td>", json_is_true(json_object_get(e, "in_force")) ? "yes" : "no");
        web_esc(b, json_string_value(json_object_get(v, "decision")));
        sl_buf_append_str(b, "</td><td>");
        web_esc(b, json_string_value(json_object_get(v, "reason")));
        sl_buf_append_str(b, "</td></tr>");
    }
    const json_t *v = json_object_get(x, "verdict");
    sl_buf_append_str(b, "</table><p id=\"verdict\"><strong>Verdict:</strong> ");
    web_esc(b, json_string_value(json_object_get(v, "decision")));
    sl_buf_append_str(b, " &mdash; ");
    web_esc(b, json_string_value(json_object_get(v, "reason")));
    web_escf(b, "</p><p class=\"muted\">%zu evidence record(s).</p>",
             json_array_size(json_object_get(x, "evidence")));
}

/* One change of the device's claim or verdict (the verdict history). */
static int on_verdict(const struct sl_verdict_change *c, void *vctx)
{
    struct sl_buf *b = vctx;
    const char *cells[] = {c->at, c->actor, c->via};
    sl_buf_append_str(b, "<tr>");
    web_cells(b, cells, 3);
    web_escf(b, "<td>%s &rarr; %s</td><td>", sl_decision_name(c->from_decision),
             sl_decision_name(c->to_decision));
    web_esc(b, c->from_manufacturer[0] ? c->from_manufacturer : "unknown");
    sl_buf_append_str(b, " &rarr; ");
    web_esc(b, c->to_manufacturer[0] ? c->to_manufacturer : "unknown");
    sl_buf_append_str(b, "</td><td>rules ");
    web_esc(b, c->rules[0] ? c->rules : "none");
    sl_buf_append_str(b, "; policy ");
    web_esc(b, c->to_policy[0] ? c->to_policy : "none");
    sl_buf_append_str(b, " ");
    web_esc(b, c->policy_version);
    sl_buf_append_str(b, "</td></tr>");
    return 0;
}

void web_page_device(struct web_req *r, int64_t id)
{
    struct sl_device d;
    struct sl_site_ref site;
    if (!web_device_or_404(r, id, &d, &site))
        return;
    struct sl_buf *b = &r->resp.body;
    web_page_start(r, "Device");
    web_escf(b, "<h1>Device %lld: ", (long long)d.id);
    web_esc(b, d.address);
    sl_buf_append_str(b, "</h1>");
    const char *done = web_arg(r, "done");
    if (done != NULL && done[0]) {
        sl_buf_append_str(b, "<p class=\"notice\" id=\"notice\">Done: ");
        web_esc(b, done);
        sl_buf_append_str(b, ".</p>");
    }
    facts(b, &d);
    actions(r, &d, &site);
    struct sl_err err = {0};
    sl_buf_append_str(b, "<h2>Exemption requests</h2><table><tr><th>Requested by</th><th>Reason</th>"
                         "<th>Until</th><th>State</th><th></th></tr>");
    struct exreq_ctx ec = {r, &site, false};
    sl_store_exreq_list(r->s, d.id, NULL, 20, on_exreq, &ec, &err);
    sl_buf_append_str(b, "</table><h2>History</h2><table id=\"history\"><tr><th>At</th><th>By</th>"
                         "<th>Change</th><th>Note</th></tr>");
    sl_store_event_list(r->s, d.id, NULL, on_event, b, &err);
    sl_buf_append_str(b, "</table><h2>Verdict history</h2><table id=\"verdicts\"><tr><th>At</th>"
                         "<th>By</th><th>How</th><th>Verdict</th><th>Maker</th><th>Why</th></tr>");
    sl_store_verdict_history(r->s, d.id, on_verdict, b, &err);
    sl_buf_append_str(b, "</table>");
    json_t *x = web_device_explain(r, &d);
    explanation(b, x);
    json_decref(x);
    web_page_end(r);
}

/* Pending requests first, for the sites the user may read. */
struct exlist_ctx {
    struct web_req *r;
    int shown;
};

static int on_exreq_listed(const struct sl_exreq *q, void *vctx)
{
    struct exlist_ctx *c = vctx;
    struct sl_device d;
    struct sl_site_ref site;
    if (web_device_visible(c->r, q->device_id, &d, &site) != 1)
        return 0;
    struct exreq_ctx ec = {c->r, &site, true};
    c->shown++;
    return on_exreq(q, &ec);
}

void web_page_exemptions(struct web_req *r)
{
    struct sl_buf *b = &r->resp.body;
    web_page_start(r, "Exemptions");
    sl_buf_append_str(b, "<h1>Exemption requests</h1><table id=\"exemptions\"><tr><th>Device</th>"
                         "<th>Requested by</th><th>Reason</th><th>Until</th><th>State</th><th></th></tr>");
    struct sl_err err = {0};
    struct exlist_ctx c = {r, 0};
    sl_store_exreq_list(r->s, 0, "pending", 500, on_exreq_listed, &c, &err);
    sl_store_exreq_list(r->s, 0, "approved", 100, on_exreq_listed, &c, &err);
    sl_store_exreq_list(r->s, 0, "refused", 100, on_exreq_listed, &c, &err);
    sl_buf_append_str(b, "</table>");
    web_page_end(r);
}

/* ---- audit log --------------------------------------------------------------------- */

static int on_audit(const struct sl_audit_entry *e, void *vctx)
{
    struct sl_buf *b = vctx;
    web_escf(b, "<tr><td class=\"n\">%lld</td>", (long long)e->seq);
    const char *cells[] = {e->at, e->actor, e->action, e->object};
    web_cells(b, cells, 4);
    sl_buf_append_str(b, "<td><code>");
    web_esc(b, e->detail);
    sl_buf_append_str(b, "</code></td></tr>");
    return 0;
}

void web_page_audit(struct web_req *r)
{
    if (!sl_roles_have(&r->roles, SL_ROLE_AUDITOR | SL_ROLE_ADMIN)) {
        web_error(r, 403, "The audit log is for auditors and programme admins.");
        return;
    }
    struct sl_err err = {0};
    struct sl_audit_report rep;
    if (sl_store_verify(r->s, &rep, &err) != 0) {
        web_error(r, 503, "The audit chain cannot be checked just now.");
        return;
    }
    int64_t after = rep.head_seq > 200 ? rep.head_seq - 200 : 0;
    const char *a = web_arg(r, "after");
    if (a != NULL && a[0] && sl_parse_i64(a, 0, INT64_MAX, &after) != 0) {
        web_error(r, 400, "after must be a sequence number.");
        return;
    }
    struct sl_buf *b = &r->resp.body;
    web_page_start(r, "Audit log");
    web_escf(b, "<h1>Audit log</h1><p id=\"chain\" class=\"%s\">Chain: %s; %lld entries; head #%lld ",
             rep.first_bad_seq == 0 ? "ok" : "bad",
             rep.first_bad_seq == 0 ? "intact" : "BROKEN", (long long)rep.entries,
             (long long)rep.head_seq);
    web_esc(b, rep.head_hash);
    if (rep.first_bad_seq != 0) {
        web_escf(b, "; first bad entry #%lld: ", (long long)rep.first_bad_seq);
        web_esc(b, rep.problem);
    }
    sl_buf_append_str(b, "</p><table id=\"audit\"><tr><th>#</th><th>At</th><th>Actor</th>"
                         "<th>Action</th><th>Object</th><th>Detail</th></tr>");
    sl_store_audit_list(r->s, after, 200, on_audit, b, &err);
    sl_buf_append_str(b, "</table>");
    if (after + 200 < rep.head_seq)
        web_escf(b, "<p><a href=\"/audit?after=%lld\">Later entries</a></p>", (long long)(after + 200));
    web_page_end(r);
}

void web_page_password(struct web_req *r)
{
    struct sl_buf *b = &r->resp.body;
    web_page_start(r, "Password");
    sl_buf_append_str(b, "<h1>Change your password</h1><form method=\"post\" action=\"/password\">");
    web_csrf_field(r);
    sl_buf_append_str(b, "<label>Current password <input type=\"password\" name=\"current\" "
                         "autocomplete=\"current-password\" required></label>"
                         "<label>New password (12 characters or more) <input type=\"password\" "
                         "name=\"new\" autocomplete=\"new-password\" minlength=\"12\" required></label>"
                         "<label>Again <input type=\"password\" name=\"again\" "
                         "autocomplete=\"new-password\" minlength=\"12\" required></label>"
                         "<button>Change</button></form><p class=\"muted\">Every session of the "
                         "account ends; sign in again afterwards.</p>");
    web_page_end(r);
}
