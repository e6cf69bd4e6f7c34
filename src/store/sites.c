/* sites.c - sites and their networks. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/str.h"

void sl_site_free(struct sl_site *site)
{
    for (size_t i = 0; i < site->n_networks; i++)
        free(site->networks[i]);
    free(site->networks);
    site->networks = NULL;
    site->n_networks = 0;
}

int sl_store_site_add(struct sl_store *s, const char *name, const char *department,
                      enum sl_tier tier, const char *const *networks, size_t n_networks,
                      const char *actor, int64_t *id_out, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    char now[SL_ISO_LEN];
    sl_time_iso(sl_now(), now);
    struct sl_q *st = sl_st(s,
                             "INSERT INTO sites (name, department, tier, created_at)"
                             " VALUES (?1, ?2, ?3, ?4) RETURNING id",
                             err);
    if (st == NULL)
        goto fail;
    sl_bind_text(st, 1, name);
    sl_bind_text(st, 2, department);
    sl_bind_text(st, 3, sl_tier_name(tier));
    sl_bind_text(st, 4, now);
    int64_t id = 0;
    if (sl_one_int(st, &id, "adding a site", err) != 1) {
        if (err != NULL && err->kind == SL_ERR_EXISTS)
            sl_err_setk(err, SL_ERR_EXISTS, "site '%s' already exists", name);
        goto fail;
    }

    json_t *nets = json_array();
    st = sl_st(s, "INSERT INTO site_networks (site_id, cidr) VALUES (?1, ?2) ON CONFLICT DO NOTHING", err);
    if (st == NULL) {
        json_decref(nets);
        goto fail;
    }
    for (size_t i = 0; i < n_networks; i++) {
        sl_bind_int(st, 1, id);
        sl_bind_text(st, 2, networks[i]);
        if (sl_exec_stmt(st, "adding a site network", err) != 0) {
            json_decref(nets);
            goto fail;
        }
        json_array_append_new(nets, json_string(networks[i]));
    }
    json_t *detail = json_pack("{s:s, s:s, s:s, s:o}", "name", name, "department", department,
                               "tier", sl_tier_name(tier), "networks", nets);
    char *dj = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(detail);
    char object[SL_NAME_MAX + 8];
    snprintf(object, sizeof object, "site:%lld", (long long)id);
    int rc = sl_store_audit(s, actor, "site.add", object, dj, err);
    free(dj);
    if (rc != 0)
        goto fail;
    if (id_out != NULL)
        *id_out = id;
    return sl_store_commit(s, err);
fail:
    sl_store_rollback(s);
    return -1;
}

static int load_networks(struct sl_store *s, struct sl_site *site, struct sl_err *err)
{
    struct sl_q *st =
        sl_st(s,
              sl_sql(s, "SELECT cidr FROM site_networks WHERE site_id = ?1 ORDER BY rowid",
                     "SELECT cidr FROM site_networks WHERE site_id = ?1 ORDER BY ctid"),
              err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, site->id);
    size_t cap = 0;
    int rc;
    while ((rc = sl_step(st, NULL, err)) == 1) {
        if (site->n_networks == cap) {
            cap = cap ? cap * 2 : 4;
            char **p = realloc(site->networks, cap * sizeof *p);
            if (p == NULL) {
                sl_reset(st);
                return sl_err_set(err, "out of memory");
            }
            site->networks = p;
        }
        site->networks[site->n_networks++] = strdup(sl_col_str(st, 0));
    }
    sl_reset(st);
    if (rc != 0)
        return sl_err_prefix(err, "reading site networks");
    return 0;
}

static void row_to_site(struct sl_q *st, struct sl_site *site)
{
    memset(site, 0, sizeof *site);
    site->id = sl_col_int(st, 0);
    sl_col_text(st, 1, site->name, sizeof site->name);
    sl_col_text(st, 2, site->department, sizeof site->department);
    char tier[16];
    sl_col_text(st, 3, tier, sizeof tier);
    if (sl_tier_from_name(tier, &site->tier) != 0)
        site->tier = SL_TIER_PUBLIC;
    sl_col_text(st, 4, site->created_at, sizeof site->created_at);
    sl_col_text(st, 5, site->vehicle_rule, sizeof site->vehicle_rule);
}

static int get_one(struct sl_store *s, struct sl_q *st, struct sl_site *site,
                   struct sl_err *err)
{
    int rc = sl_step(st, NULL, err);
    if (rc == 0) {
        sl_reset(st);
        return 0;
    }
    if (rc != 1) {
        sl_reset(st);
        return sl_err_prefix(err, "reading a site");
    }
    row_to_site(st, site);
    sl_reset(st);
    if (load_networks(s, site, err) != 0) {
        sl_site_free(site);
        return -1;
    }
    return 1;
}

int sl_store_site_get(struct sl_store *s, const char *name, struct sl_site *site,
                      struct sl_err *err)
{
    struct sl_q *st = sl_st(
        s, "SELECT id, name, department, tier, created_at, vehicle_rule FROM sites WHERE name = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, name);
    return get_one(s, st, site, err);
}

int sl_store_site_get_id(struct sl_store *s, int64_t id, struct sl_site *site, struct sl_err *err)
{
    struct sl_q *st = sl_st(
        s, "SELECT id, name, department, tier, created_at, vehicle_rule FROM sites WHERE id = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, id);
    return get_one(s, st, site, err);
}

int sl_store_site_list(struct sl_store *s, sl_site_cb cb, void *ctx, struct sl_err *err)
{
    /* Networks come from a second statement per site, and a callback may look
     * sites up: collect the (few) site ids first, then fetch each. */
    struct sl_q *st = sl_st(s, "SELECT id FROM sites ORDER BY name", err);
    if (st == NULL)
        return -1;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sl_step(st, "listing sites", err)) == 1) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            int64_t *p = realloc(ids, cap * sizeof *p);
            if (p == NULL) {
                sl_reset(st);
                free(ids);
                return sl_err_set(err, "out of memory");
            }
            ids = p;
        }
        ids[n++] = sl_col_int(st, 0);
    }
    int ret = rc < 0 ? -1 : 0;
    for (size_t i = 0; ret == 0 && i < n; i++) {
        struct sl_site site;
        int got = sl_store_site_get_id(s, ids[i], &site, err);
        if (got < 0)
            ret = -1;
        if (got <= 0)
            continue;
        int stop = cb(&site, ctx);
        sl_site_free(&site);
        if (stop)
            break;
    }
    free(ids);
    return ret;
}

int sl_store_site_set_vehicle_rule(struct sl_store *s, int64_t site_id, const char *rule,
                                   const char *actor, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_q *st = sl_st(s, "UPDATE sites SET vehicle_rule = ?2 WHERE id = ?1", err);
    if (st == NULL)
        goto fail;
    sl_bind_int(st, 1, site_id);
    sl_bind_text_or_null(st, 2, rule);
    if (sl_exec_stmt(st, "setting a site's vehicle rule", err) != 0)
        goto fail;
    if (sl_changes(st) == 0) {
        sl_err_setk(err, SL_ERR_NOT_FOUND, "no site %lld", (long long)site_id);
        goto fail;
    }
    char object[32];
    snprintf(object, sizeof object, "site:%lld", (long long)site_id);
    if (sl_store_audit_json(s, actor, "site.vehicle_rule", object,
                            json_pack("{s:s?}", "vehicle_rule",
                                      rule != NULL && rule[0] ? rule : NULL),
                            err) != 0)
        goto fail;
    return sl_store_commit(s, err);
fail:
    sl_store_rollback(s);
    return -1;
}
