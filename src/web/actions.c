/* actions.c - the changes the dashboard makes: confirm, schedule, record a
 * removal, request an exemption, approve or refuse one (never one's own). The
 * rules are programme/lifecycle.c's; this file checks who may, on the server,
 * and answers a form with a redirect and the API with JSON. */
#include <string.h>

#include "programme/lifecycle.h"
#include "util/str.h"
#include "web/internal.h"

/* A day YYYY-MM-DD that exists. */
static bool is_date(const char *s)
{
    int64_t t;
    return s != NULL && strlen(s) == 10 && sl_time_parse(s, &t) == 0;
}

/* The answer to a change that was made. */
static void done(struct web_req *r, int64_t device_id, const char *what)
{
    if (r->api) {
        struct sl_device d;
        struct sl_err err = {0};
        if (sl_store_device_get(r->s, device_id, &d, &err) == 1)
            web_json(r, 200, json_pack("{s:s, s:o}", "done", what, "device", web_device_json(&d)));
        else
            web_json(r, 200, json_pack("{s:s}", "done", what));
        return;
    }
    char loc[128];
    snprintf(loc, sizeof loc, "/devices/%lld?done=%s", (long long)device_id, what);
    web_redirect(r, loc);
}

const char *web_change_of(struct web_req *r, const char *action, struct sl_change *c,
                          web_getter get)
{
    memset(c, 0, sizeof *c);
    const char *date = get(r, "date");
    if (strcmp(action, "confirm") == 0) {
        c->to = SL_STATUS_CONFIRMED;
        c->note = "confirmed on the dashboard";
    } else if (strcmp(action, "schedule") == 0) {
        if (!is_date(date))
            return "A removal date (YYYY-MM-DD) is needed.";
        c->to = SL_STATUS_SCHEDULED;
        c->scheduled_for = date;
        c->note = "scheduled on the dashboard";
    } else if (strcmp(action, "remove") == 0) {
        const char *by = get(r, "replaced_by");
        if (by == NULL || by[0] == '\0' || strlen(by) >= 128 || sl_str_has_control(by))
            return "What replaced the device is needed ('none' when nothing did).";
        if (date != NULL && date[0] != '\0' && !is_date(date))
            return "The removal date must be YYYY-MM-DD.";
        c->to = SL_STATUS_REMOVED;
        c->replaced_by = by;
        c->at = date != NULL && date[0] ? date : NULL;
        c->note = "removal recorded on the dashboard";
    } else {
        return "";
    }
    return NULL;
}

static void request_exemption(struct web_req *r, const struct sl_device *d)
{
    const char *reason = web_field(r, "reason"), *until = web_field(r, "until");
    char today[SL_DATE_LEN];
    sl_time_date(sl_now(), today);
    if (reason == NULL || reason[0] == '\0' || strlen(reason) >= 256 || sl_str_has_control(reason)) {
        web_error(r, 400, "A reason (under 256 characters) is needed.");
        return;
    }
    if (!is_date(until) || strcmp(until, today) < 0) {
        web_error(r, 400, "The exemption's last day (YYYY-MM-DD, today or later) is needed.");
        return;
    }
    struct sl_change c = {.to = SL_STATUS_EXEMPT, .note = reason, .exempt_until = until,
                          .exempt_approver = "pending"};
    char why[256];
    if (sl_lifecycle_check(d, &c, sl_now(), why, sizeof why) != 0) {
        web_error(r, 409, why);
        return;
    }
    struct sl_err err = {0};
    int64_t id;
    if (sl_store_exreq_add(r->s, d->id, r->user.name, reason, until, &id, &err) != 0) {
        web_error(r, 503, "The request could not be stored.");
        return;
    }
    done(r, d->id, "exemption-request");
}

void web_action_device(struct web_req *r, int64_t id, const char *action)
{
    struct sl_device d;
    struct sl_site_ref site;
    if (!web_device_or_404(r, id, &d, &site))
        return;
    if (!sl_roles_allow(&r->roles, SL_ROLE_EDITOR, &site)) {
        web_error(r, 403, "Your grants do not allow changes to this device.");
        return;
    }
    if (strcmp(action, "exemption-request") == 0) {
        request_exemption(r, &d);
        return;
    }
    struct sl_change c;
    const char *bad = web_change_of(r, action, &c, web_field);
    if (bad != NULL) {
        web_error(r, bad[0] ? 400 : 404, bad[0] ? bad : "No such action.");
        return;
    }
    char why[256] = "";
    struct sl_err err = {0};
    int rc = sl_lifecycle_apply(r->s, id, &c, r->user.name, why, sizeof why, &err);
    if (rc < 0)
        web_error(r, 503, "The change could not be stored.");
    else if (rc == 0)
        web_error(r, 409, why);
    else
        done(r, id, action);
}

/* Approves (and exempts the device, as the approver) or refuses, in one
 * transaction; the request must still be pending. */
static void decide(struct web_req *r, const struct sl_exreq *q, bool approve)
{
    struct sl_err err = {0};
    char why[256] = "";
    if (sl_store_begin(r->s, &err) != 0) {
        web_error(r, 503, "The register cannot be written just now.");
        return;
    }
    int rc = sl_store_exreq_decide(r->s, q->id, approve ? "approved" : "refused", r->user.name, &err);
    if (rc == 1 && approve) {
        struct sl_change c = {.to = SL_STATUS_EXEMPT, .note = q->reason, .exempt_until = q->until,
                              .exempt_approver = r->user.name};
        rc = sl_lifecycle_apply(r->s, q->device_id, &c, r->user.name, why, sizeof why, &err);
    } else if (rc == 0) {
        snprintf(why, sizeof why, "The request is no longer pending.");
    }
    if (rc != 1) {
        sl_store_rollback(r->s);
        web_error(r, rc < 0 ? 503 : 409, rc < 0 ? "The decision could not be stored." : why);
        return;
    }
    if (sl_store_commit(r->s, &err) != 0) {
        web_error(r, 503, "The decision could not be stored.");
        return;
    }
    done(r, q->device_id, approve ? "exemption-approved" : "exemption-refused");
}

void web_action_exemption(struct web_req *r, int64_t id, const char *action)
{
    bool approve = strcmp(action, "approve") == 0;
    if (!approve && strcmp(action, "refuse") != 0) {
        web_error(r, 404, "No such action.");
        return;
    }
    struct sl_err err = {0};
    struct sl_exreq q;
    struct sl_device d;
    struct sl_site_ref site;
    int got = sl_store_exreq_get(r->s, id, &q, &err);
    if (got == 1)
        got = web_device_visible(r, q.device_id, &d, &site);
    if (got <= 0) {
        web_error(r, got < 0 ? 503 : 404, got < 0 ? "The register cannot be read." : "No such request.");
        return;
    }
    if (!sl_roles_allow(&r->roles, SL_ROLE_APPROVER, &site)) {
        web_error(r, 403, "Your grants do not allow deciding exemptions for this device.");
        return;
    }
    if (strcmp(q.requested_by, r->user.name) == 0) {
        web_error(r, 403, "You asked for this exemption: another approver must decide it.");
        return;
    }
    decide(r, &q, approve);
}
