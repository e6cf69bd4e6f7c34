/* milestones.c - dated targets of the removal programme. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

static int audit_milestone(struct sl_store *s, const char *actor, const char *action,
                           const char *name, json_t *detail, struct sl_err *err)
{
    char object[SL_NAME_MAX + 16];
    snprintf(object, sizeof object, "milestone:%s", name);
    char *dj = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(detail);
    int rc = sl_store_audit(s, actor, action, object, dj != NULL ? dj : "{}", err);
    free(dj);
    return rc;
}

int sl_store_milestone_add(struct sl_store *s, const struct sl_milestone *m, const char *actor,
                           int64_t *id, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    char now[SL_ISO_LEN];
    sl_time_iso(sl_now(), now);
    bool parts = strcmp(m->subject, "vehicle-parts") == 0;
    if (parts && s->version < SL_SCHEMA_VEHICLE_VERDICTS) {
        sl_err_setk(err, SL_ERR_INVALID, "this register's schema predates vehicle milestones");
        goto fail;
    }
    struct sl_q *st = parts ? sl_st(s,
                                    "INSERT INTO milestones (name, due, target_kind, target,"
                                    " scope_kind, scope_value, created_at, subject)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'vehicle-parts')"
                                    " RETURNING id",
                                    err)
                            : sl_st(s,
                                    "INSERT INTO milestones (name, due, target_kind, target,"
                                    " scope_kind, scope_value, created_at)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                                    err);
    if (st == NULL)
        goto fail;
    sl_bind_text(st, 1, m->name);
    sl_bind_text(st, 2, m->due);
    sl_bind_text(st, 3, m->target_kind);
    sl_bind_real(st, 4, m->target);
    sl_bind_text(st, 5, m->scope_kind[0] ? m->scope_kind : "all");
    sl_bind_text_or_null(st, 6, m->scope_value);
    sl_bind_text(st, 7, now);
    int64_t new_id = 0;
    if (sl_one_int(st, &new_id, "adding a milestone", err) != 1) {
        if (err != NULL && err->kind == SL_ERR_EXISTS)
            sl_err_setk(err, SL_ERR_EXISTS, "milestone '%s' already exists", m->name);
        goto fail;
    }
    if (id != NULL)
        *id = new_id;
    /* "subject" only for vehicle parts: a device milestone's entry is as before. */
    json_t *d = json_pack("{s:s, s:s, s:s, s:f, s:s, s:s?, s:s?}", "name", m->name, "due", m->due,
                          "target_kind", m->target_kind, "target", m->target, "scope_kind",
                          m->scope_kind[0] ? m->scope_kind : "all", "scope_value",
                          m->scope_value[0] ? m->scope_value : NULL, "subject",
                          parts ? "vehicle-parts" : NULL);
    if (audit_milestone(s, actor, "milestone.add", m->name, d, err) != 0)
        goto fail;
    return sl_store_commit(s, err);
fail:
    sl_store_rollback(s);
    return -1;
}

int sl_store_milestone_remove(struct sl_store *s, const char *name, const char *actor,
                              struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_q *st = sl_st(s, "DELETE FROM milestones WHERE name = ?1", err);
    if (st == NULL)
        goto fail;
    sl_bind_text(st, 1, name);
    if (sl_exec_stmt(st, "removing a milestone", err) != 0)
        goto fail;
    if (sl_changes(st) == 0) {
        sl_store_rollback(s);
        return 0;
    }
    if (audit_milestone(s, actor, "milestone.remove", name, json_object(), err) != 0)
        goto fail;
    return sl_store_commit(s, err) == 0 ? 1 : -1;
fail:
    sl_store_rollback(s);
    return -1;
}

int sl_store_milestone_list(struct sl_store *s, sl_milestone_cb cb, void *ctx,
                            struct sl_err *err)
{
    struct sl_q *st = s->version >= SL_SCHEMA_VEHICLE_VERDICTS
                          ? sl_st(s,
                                  "SELECT id, name, due, target_kind, target, scope_kind,"
                                  " scope_value, created_at, subject FROM milestones"
                                  " ORDER BY due, name",
                                  err)
                          : sl_st(s,
                                  "SELECT id, name, due, target_kind, target, scope_kind,"
                                  " scope_value, created_at, 'devices' FROM milestones"
                                  " ORDER BY due, name",
                                  err);
    if (st == NULL)
        return -1;
    int rc;
    while ((rc = sl_step(st, NULL, err)) == 1) {
        struct sl_milestone m;
        memset(&m, 0, sizeof m);
        m.id = sl_col_int(st, 0);
        sl_col_text(st, 1, m.name, sizeof m.name);
        sl_col_text(st, 2, m.due, sizeof m.due);
        sl_col_text(st, 3, m.target_kind, sizeof m.target_kind);
        m.target = sl_col_real(st, 4);
        sl_col_text(st, 5, m.scope_kind, sizeof m.scope_kind);
        sl_col_text(st, 6, m.scope_value, sizeof m.scope_value);
        sl_col_text(st, 7, m.created_at, sizeof m.created_at);
        sl_col_text(st, 8, m.subject, sizeof m.subject);
        if (cb(&m, ctx) != 0)
            break;
    }
    if (rc != 1 && rc != 0) {
        sl_reset(st);
        return sl_err_prefix(err, "listing milestones");
    }
    sl_reset(st);
    return 0;
}
