/* vehicle_verdicts.c - the history of vehicles' and parts' verdicts: each
 * change written as an append-only row of vehicle_verdict_events with its
 * audit entry, and its check against the audit log (db verify). The as-of
 * reads are in vehicles.c's figure queries. */
#include <jansson.h>
#include <string.h>

#include "store/internal.h"
#include "util/fnv.h"
#include "util/str.h"

/* The verdict a vehicle (part_id 0) or a part holds now, into *from. 1, 0 (no such row), -1. */
static int current(struct sl_store *s, int64_t vehicle_id, int64_t part_id,
                   struct sl_verdict *from, struct sl_err *err)
{
    struct sl_q *q = part_id > 0
                         ? sl_st(s, "SELECT decision, deadline FROM vehicle_parts WHERE id = ?1", err)
                         : sl_st(s, "SELECT decision, deadline FROM vehicles WHERE id = ?1", err);
    if (q == NULL)
        return -1;
    sl_bind_int(q, 1, part_id > 0 ? part_id : vehicle_id);
    int rc = sl_step(q, "reading a verdict", err);
    if (rc == 1) {
        memset(from, 0, sizeof *from);
        if (sl_decision_from_name(sl_col_str(q, 0), &from->decision) != 0)
            from->decision = SL_DECISION_REVIEW;
        sl_col_text(q, 1, from->deadline, sizeof from->deadline);
        sl_reset(q);
    }
    return rc;
}

static int audit_change(struct sl_store *s, const struct sl_vverdict_change *c,
                        const struct sl_verdict *from, const char *at, struct sl_err *err)
{
    json_t *d = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "vin",
                          c->vin != NULL ? c->vin : "", "part", (json_int_t)c->part_id, "from",
                          sl_decision_name(from->decision), "to",
                          sl_decision_name(c->to->decision), "from_deadline", from->deadline,
                          "to_deadline", c->to->deadline, "policy", c->to->policy, "why",
                          c->why != NULL ? c->why : "", "at", at);
    char object[48];
    snprintf(object, sizeof object, "vehicle:%lld", (long long)c->vehicle_id);
    return sl_store_audit_json(s, c->actor, c->part_id > 0 ? "vehicle.part_verdict"
                                                           : "vehicle.verdict",
                               object, d, err);
}

int sl_store_vverdict_record(struct sl_store *s, const struct sl_vverdict_change *c,
                             bool *changed, struct sl_err *err)
{
    *changed = false;
    struct sl_verdict from;
    int got = current(s, c->vehicle_id, c->part_id, &from, err);
    if (got <= 0)
        return got;
    if (from.decision == c->to->decision && strcmp(from.deadline, c->to->deadline) == 0)
        return 0;
    struct sl_q *q = sl_st(s,
                           "INSERT INTO vehicle_verdict_events (vehicle_id, part_id, at, actor,"
                           " from_decision, to_decision, from_deadline, to_deadline, policy, why)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                           err);
    if (q == NULL)
        return -1;
    char at[SL_ISO_LEN];
    sl_time_iso(sl_now(), at);
    sl_bind_int(q, 1, c->vehicle_id);
    if (c->part_id > 0)
        sl_bind_int(q, 2, c->part_id);
    else
        sl_bind_null(q, 2);
    sl_bind_text(q, 3, at);
    sl_bind_text(q, 4, c->actor);
    sl_bind_text(q, 5, sl_decision_name(from.decision));
    sl_bind_text(q, 6, sl_decision_name(c->to->decision));
    sl_bind_text_or_null(q, 7, from.deadline);
    sl_bind_text_or_null(q, 8, c->to->deadline);
    sl_bind_text_or_null(q, 9, c->to->policy);
    sl_bind_text_or_null(q, 10, c->why);
    if (sl_exec_stmt(q, "recording a vehicle verdict change", err) != 0 ||
        audit_change(s, c, &from, at, err) != 0)
        return -1;
    *changed = true;
    return 0;
}

/* ---- db verify: the changes against their audit entries ---------------------------- */

static uint64_t change_hash(int64_t vehicle_id, int64_t part_id, const char *from,
                            const char *to, const char *from_deadline, const char *to_deadline,
                            const char *at)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%lld|%lld|%s|%s|%s|%s|%s", (long long)vehicle_id,
             (long long)part_id, from, to, from_deadline, to_deadline, at);
    return sl_fnv1a64_str(buf);
}

static const char *jtext(json_t *d, const char *key)
{
    const char *v = json_string_value(json_object_get(d, key));
    return v != NULL ? v : "";
}

void sl_vverdict_audited(struct sl_vverdict_tally *t, const char *action, const char *object,
                         json_t *d)
{
    /* Entries written before migration 12 carry no "at": no row stands for them. */
    if ((strcmp(action, "vehicle.verdict") != 0 && strcmp(action, "vehicle.part_verdict") != 0) ||
        json_object_get(d, "at") == NULL || strncmp(object, "vehicle:", 8) != 0)
        return;
    int64_t vid = 0;
    if (sl_parse_i64(object + 8, 1, INT64_MAX, &vid) != 0)
        return;
    t->audited++;
    t->audited_h += change_hash(vid, json_integer_value(json_object_get(d, "part")),
                                jtext(d, "from"), jtext(d, "to"), jtext(d, "from_deadline"),
                                jtext(d, "to_deadline"), jtext(d, "at"));
}

struct vv_page {
    int64_t after;
    struct sl_vverdict_tally *t;
};

static void vv_bind(struct sl_q *q, void *vp)
{
    sl_bind_int(q, 1, ((struct vv_page *)vp)->after);
}

static int vv_row(struct sl_q *q, void *vp)
{
    struct vv_page *p = vp;
    p->after = sl_col_int(q, 0);
    p->t->stored++;
    p->t->stored_h += change_hash(sl_col_int(q, 1), sl_col_int(q, 2), sl_col_str(q, 3),
                                  sl_col_str(q, 4), sl_col_null(q, 5) ? "" : sl_col_str(q, 5),
                                  sl_col_null(q, 6) ? "" : sl_col_str(q, 6), sl_col_str(q, 7));
    return 0;
}

int sl_vverdict_compare(struct sl_store *s, struct sl_vverdict_tally *t,
                        struct sl_audit_report *rep, struct sl_err *err)
{
    if (s->version < SL_SCHEMA_VEHICLE_VERDICTS)
        return 0;
    struct vv_page p = {0, t};
    struct sl_pager pg = {"SELECT id, vehicle_id, COALESCE(part_id, 0), from_decision,"
                          " to_decision, from_deadline, to_deadline, at"
                          " FROM vehicle_verdict_events WHERE id > ?1 ORDER BY id LIMIT ?2",
                          2, vv_bind, vv_row, "reading vehicle verdict changes"};
    if (sl_walk_pages(s, &pg, &p, err) != 0)
        return -1;
    if (t->stored != t->audited || t->stored_h != t->audited_h)
        sl_audit_mismatch(rep, "%lld vehicle verdict changes in the register, %lld in the audit "
                               "log%s",
                          (long long)t->stored, (long long)t->audited,
                          t->stored == t->audited ? " (but they differ)" : "");
    return 0;
}
