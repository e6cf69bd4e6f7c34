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
    sqlite3_stmt *st = sl_st(s,
                             "INSERT INTO sites (name, department, tier, created_at)"
                             " VALUES (?1, ?2, ?3, ?4)",
                             err);
    if (st == NULL)
        goto fail;
    sl_bind_text(st, 1, name);
    sl_bind_text(st, 2, department);
    sl_bind_text(st, 3, sl_tier_name(tier));
    sl_bind_text(st, 4, now);
    if (sqlite3_step(st) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE)
            sl_err_setk(err, SL_ERR_EXISTS, "site '%s' already exists", name);
        else
            sl_st_fail(s, "adding a site", err);
        sqlite3_reset(st);
        goto fail;
    }
    sqlite3_reset(st);
    int64_t id = sqlite3_last_insert_rowid(s->db);

    json_t *nets = json_array();
    st = sl_st(s, "INSERT OR IGNORE INTO site_networks (site_id, cidr) VALUES (?1, ?2)", err);
    if (st == NULL) {
        json_decref(nets);
        goto fail;
    }
    for (size_t i = 0; i < n_networks; i++) {
        sqlite3_bind_int64(st, 1, id);
        sl_bind_text(st, 2, networks[i]);
        if (sl_exec_stmt(s, st, "adding a site network", err) != 0) {
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
    sqlite3_stmt *st =
        sl_st(s, "SELECT cidr FROM site_networks WHERE site_id = ?1 ORDER BY rowid", err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, site->id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (site->n_networks == cap) {
            cap = cap ? cap * 2 : 4;
            char **p = realloc(site->networks, cap * sizeof *p);
            if (p == NULL) {
                sqlite3_reset(st);
                return sl_err_set(err, "out of memory");
            }
            site->networks = p;
        }
        site->networks[site->n_networks++] = strdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return sl_st_fail(s, "reading site networks", err);
    return 0;
}

static void row_to_site(sqlite3_stmt *st, struct sl_site *site)
{
    memset(site, 0, sizeof *site);
    site->id = sqlite3_column_int64(st, 0);
    sl_col_text(st, 1, site->name, sizeof site->name);
    sl_col_text(st, 2, site->department, sizeof site->department);
    char tier[16];
    sl_col_text(st, 3, tier, sizeof tier);
    if (sl_tier_from_name(tier, &site->tier) != 0)
        site->tier = SL_TIER_PUBLIC;
    sl_col_text(st, 4, site->created_at, sizeof site->created_at);
}

static int get_one(struct sl_store *s, sqlite3_stmt *st, struct sl_site *site,
                   struct sl_err *err)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return 0;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return sl_st_fail(s, "reading a site", err);
    }
    row_to_site(st, site);
    sqlite3_reset(st);
    if (load_networks(s, site, err) != 0) {
        sl_site_free(site);
        return -1;
    }
    return 1;
}

int sl_store_site_get(struct sl_store *s, const char *name, struct sl_site *site,
                      struct sl_err *err)
{
    sqlite3_stmt *st = sl_st(
        s, "SELECT id, name, department, tier, created_at FROM sites WHERE name = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_text(st, 1, name);
    return get_one(s, st, site, err);
}

int sl_store_site_get_id(struct sl_store *s, int64_t id, struct sl_site *site, struct sl_err *err)
{
    sqlite3_stmt *st = sl_st(
        s, "SELECT id, name, department, tier, created_at FROM sites WHERE id = ?1", err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    return get_one(s, st, site, err);
}

int sl_store_site_list(struct sl_store *s, sl_site_cb cb, void *ctx, struct sl_err *err)
{
    /* Networks come from a second statement per site: prepare this one uncached
     * so the two never share a cache slot mid-iteration. */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, name, department, tier, created_at FROM sites"
                           " ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return sl_st_fail(s, "listing sites", err);
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sl_site site;
        row_to_site(st, &site);
        if (load_networks(s, &site, err) != 0) {
            sl_site_free(&site);
            ret = -1;
            break;
        }
        int stop = cb(&site, ctx);
        sl_site_free(&site);
        if (stop)
            break;
    }
    if (ret == 0 && rc != SQLITE_ROW && rc != SQLITE_DONE)
        ret = sl_st_fail(s, "listing sites", err);
    sqlite3_finalize(st);
    return ret;
}
