/* vehicle_actions.c - the lifecycle moves the dashboard makes on a vehicle or
 * one of its parts (POST /vehicles/ID/status, and under /api/v1/), checked as
 * `vehicles set-status` checks them (vehicle/status.c, through
 * sl_vreg_set_status), recorded and audited as the signed-in account, the
 * vehicle judged again; and the daily write-down of expired part exemptions
 * for the server's warmer. Who may: a site editor of the vehicle's site (and,
 * to move it, of the site it moves to). */
#include <string.h>

#include "util/str.h"
#include "util/timeutil.h"
#include "vehicle/expire.h"
#include "vehicle/register.h"
#include "vehicle/status.h"
#include "web/internal.h"

static const char *field(struct web_req *r, const char *name)
{
    const char *v = web_field(r, name);
    return v != NULL ? v : "";
}

/* The part at `position` of the vehicle (not removed or removed: the
 * lifecycle says what it may do). 1 and *id, 0 none, -1 error. */
struct pick {
    int64_t position, id;
};

static int on_part(const struct sl_vpart_row *p, void *ctx)
{
    struct pick *k = ctx;
    if (p->position == k->position)
        k->id = p->id;
    return k->id != 0;
}

/* The event the form asks for; NULL, or what is wrong (400) with *status set. */
static const char *event_of(struct web_req *r, int64_t id, struct sl_vehicle_event *ev,
                            unsigned *status)
{
    memset(ev, 0, sizeof *ev);
    *status = 400;
    ev->vehicle_id = id;
    const char *part = field(r, "part"), *to = field(r, "status"), *site = field(r, "site");
    struct sl_err err = {0};
    if (part[0]) {
        struct pick k = {0, 0};
        if (sl_parse_i64(part, 1, 100000, &k.position) != 0)
            return "part is the part's position, counted from 1";
        if (sl_store_vehicle_read(r->s, id, NULL, on_part, &k, &err) < 0) {
            *status = 503;
            return "The register cannot be read just now.";
        }
        if (k.id == 0)
            return "the vehicle has no such part";
        ev->part_id = k.id;
    }
    if (!sl_vstatus_valid(to, ev->part_id > 0))
        return ev->part_id > 0 ? "a part's status is fitted, scheduled, removed or exempt"
                               : "a vehicle's status is active or retired";
    sl_strlcpy(ev->to_status, to, sizeof ev->to_status);
    if (site[0] && ev->part_id > 0)
        return "site moves a vehicle, not a part";
    if (site[0]) {
        struct sl_site s;
        int got = sl_store_site_get(r->s, site, &s, &err);
        if (got <= 0) {
            *status = got < 0 ? 503 : 400;
            return got < 0 ? "The register cannot be read just now." : "no such site";
        }
        struct sl_site_ref to_site = {.id = s.id};
        sl_strlcpy(to_site.name, s.name, sizeof to_site.name);
        sl_strlcpy(to_site.department, s.department, sizeof to_site.department);
        sl_site_free(&s);
        if (!sl_roles_allow(&r->roles, SL_ROLE_EDITOR, &to_site)) {
            *status = 403;
            return "Your grants do not allow moving vehicles to that site.";
        }
        ev->site_id = to_site.id;
    }
    int64_t t;
    const char *at = field(r, "at");
    if (at[0] && sl_time_parse(at, &t) != 0)
        return "at is not a date or time";
    if (at[0])
        sl_time_iso(t, ev->at);
    sl_strlcpy(ev->note, field(r, "reason")[0] ? field(r, "reason") : field(r, "note"),
               sizeof ev->note);
    sl_strlcpy(ev->replaced_by, field(r, "replaced_by"), sizeof ev->replaced_by);
    sl_strlcpy(ev->scheduled_for, field(r, "date"), sizeof ev->scheduled_for);
    sl_strlcpy(ev->exempt_until, field(r, "until"), sizeof ev->exempt_until);
    sl_strlcpy(ev->exempt_approver, field(r, "approver"), sizeof ev->exempt_approver);
    sl_strlcpy(ev->actor, r->user.name, sizeof ev->actor);
    return NULL;
}

static void answer(struct web_req *r, int64_t id, const struct sl_vehicle_event *ev,
                   enum sl_decision was, enum sl_decision now)
{
    if (r->api) {
        web_json(r, 200, json_pack("{s:s, s:s, s:s, s:s, s:s}", "done", "status", "from",
                                   ev->from_status, "to", ev->to_status, "verdict_was",
                                   sl_decision_name(was), "verdict", sl_decision_name(now)));
        return;
    }
    char loc[160];
    snprintf(loc, sizeof loc, "/vehicles/%lld?done=%s", (long long)id, ev->to_status);
    web_redirect(r, loc);
}

void web_action_vehicle(struct web_req *r, int64_t id, const char *action)
{
    char vin[18];
    struct sl_site_ref site;
    int got = web_vehicle_visible(r, id, vin, &site);
    if (got <= 0) {
        web_error(r, got < 0 ? 503 : 404, got < 0 ? "The register cannot be read just now."
                                                  : "No such vehicle.");
        return;
    }
    if (strcmp(action, "status") != 0) {
        web_error(r, 404, "No such action.");
        return;
    }
    if (!sl_roles_allow(&r->roles, SL_ROLE_EDITOR, &site)) {
        web_error(r, 403, "Your grants do not allow changes to this vehicle.");
        return;
    }
    struct sl_vehicle_event ev;
    unsigned st;
    const char *bad = event_of(r, id, &ev, &st);
    if (bad != NULL) {
        web_error(r, st, bad);
        return;
    }
    struct sl_err err = {0};
    struct sl_assessor *a = web_assessor(r);
    if (a == NULL) {
        web_error(r, 503, "The vehicle cannot be judged just now.");
        return;
    }
    char why[256] = "";
    enum sl_decision was = SL_DECISION_REVIEW, now = SL_DECISION_REVIEW;
    int rc = sl_vreg_set_status(r->s, a, &ev, why, sizeof why, &was, &now, &err);
    if (rc < 0)
        web_error(r, err.kind == SL_ERR_CONFLICT ? 409 : 503,
                  err.kind == SL_ERR_CONFLICT ? err.msg : "The change could not be stored.");
    else if (rc == 0)
        web_error(r, 409, why);
    else
        answer(r, id, &ev, was, now);
}

int web_vehicles_expire(struct sl_store *s, const struct web_conf *conf, char day[11],
                        struct sl_err *err)
{
    char today[SL_DATE_LEN];
    sl_time_date(sl_now(), today);
    if (strcmp(day, today) == 0 || conf->policies == NULL || conf->vrules == NULL)
        return 0;
    struct sl_assessor *a = NULL;
    struct sl_assess_options ao = {SL_TIER_SENSITIVE, NULL, sl_now()};
    if (sl_assess_new(&a, conf->policies, conf->vrules, &ao, err) != 0)
        return -1;
    size_t n = 0;
    int rc = sl_vreg_expire(s, a, ao.now, "sightline serve", &n, err);
    sl_assess_free(a);
    sl_strlcpy(day, today, SL_DATE_LEN); /* tried today: a failure is said once a day */
    return rc;
}
