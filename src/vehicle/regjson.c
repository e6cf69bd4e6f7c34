/* regjson.c - what the register holds of one vehicle beyond its judged
 * fleet, as JSON (register.h: sl_vreg_json), for `vehicles show` and the
 * dashboard alike. It judges nothing. */
#include <string.h>

#include "vehicle/expire.h"
#include "vehicle/register.h"

struct register_info {
    json_t *parts, *history;
    int64_t now; /* the day shown: an exemption expired by then has fallen back */
};

/* Each of n named texts that is not empty, as a member of o. */
static void set_given(json_t *o, const char *const (*kv)[2], size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (kv[k][1][0])
            json_object_set_new(o, kv[k][0], json_string(kv[k][1]));
}

static int part_json(const struct sl_vpart_row *p, void *ctx)
{
    struct register_info *ri = ctx;
    const char *expired;
    json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:o}", "position", p->position, "kind",
                          p->kind, "model", p->model, "status",
                          sl_vpart_effective(p, ri->now, &expired), "status_since",
                          p->status_since, "verdict", sl_verdict_to_json(&p->verdict));
    if (expired[0])
        json_object_set_new(o, "exemption_expired", json_string(expired));
    const char *const extra[][2] = {{"replaced_by", p->replaced_by},
                                    {"scheduled_for", p->scheduled_for},
                                    {"exempt_until", p->exempt_until},
                                    {"exempt_approver", p->exempt_approver},
                                    {"exempt_reason", p->exempt_reason}};
    set_given(o, extra, sizeof extra / sizeof extra[0]);
    if (p->vendor[0])
        json_object_set_new(o, "vendor", json_string(p->vendor));
    json_array_append_new(ri->parts, o);
    return 0;
}

static int event_json(const struct sl_vehicle_event *e, void *ctx)
{
    struct register_info *ri = ctx;
    json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:s}", "at", e->at, "recorded_at", e->recorded_at,
                          "actor", e->actor, "from",
                          e->from_status[0] ? json_string(e->from_status) : json_null(), "to",
                          e->to_status);
    if (e->part_id > 0) {
        size_t i;
        const json_t *p;
        json_array_foreach(ri->parts, i, p) /* the part by its position, as `show` numbers it */
            if ((int64_t)json_integer_value(json_object_get(p, "id")) == e->part_id)
                json_object_set(o, "part", json_object_get(p, "position"));
        json_object_set_new(o, "part_id", json_integer(e->part_id));
    }
    if (e->site[0])
        json_object_set_new(o, "site", json_string(e->site));
    if (e->note[0])
        json_object_set_new(o, "note", json_string(e->note));
    const char *const extra[][2] = {{"replaced_by", e->replaced_by},
                                    {"scheduled_for", e->scheduled_for},
                                    {"exempt_until", e->exempt_until},
                                    {"exempt_approver", e->exempt_approver}};
    set_given(o, extra, sizeof extra / sizeof extra[0]);
    json_array_append_new(ri->history, o);
    return 0;
}

static int part_id_json(const struct sl_vpart_row *p, void *ctx)
{
    struct register_info *ri = ctx;
    int rc = part_json(p, ctx);
    json_object_set_new(json_array_get(ri->parts, json_array_size(ri->parts) - 1), "id",
                        json_integer(p->id));
    return rc;
}

/* What the register holds beyond the judged fleet: site, status, every part
 * (removed ones too) with its status, the history. NULL on failure (err set). */
json_t *sl_vreg_json(struct sl_store *s, const struct sl_vreg_vehicle *v, int64_t now,
                     struct sl_err *err)
{
    struct register_info ri = {json_array(), json_array(), now};
    if (sl_store_vehicle_read(s, v->id, NULL, part_id_json, &ri, err) < 0 ||
        sl_store_vehicle_events(s, v->id, event_json, &ri, err) != 0) {
        json_decref(ri.parts);
        json_decref(ri.history);
        return NULL;
    }
    char rule[64] = "";
    if (v->has_rule)
        sl_site_rule_format(&v->rule, rule, sizeof rule);
    return json_pack("{s:I, s:o, s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)v->id,
                     "site", v->site[0] ? json_string(v->site) : json_null(), "tier",
                     sl_tier_name(v->tier), "vehicle_rule",
                     rule[0] ? json_string(rule) : json_null(), "status", v->status,
                     "status_since", v->status_since, "first_seen", v->first_seen,
                     "stored_verdict", sl_verdict_to_json(&v->stored), "parts", ri.parts,
                     "history", ri.history);
}
