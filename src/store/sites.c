/* sites.c - sites and their networks. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/grow.h"
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

/* Every site in name order, with its networks: two statements whatever the
 * number of sites (an agent's batch lists them all twice). */
static int read_all_sites(struct sl_store *s, struct sl_site **out, size_t *n_out,
                          struct sl_err *err)
{
    struct sl_q *st = sl_st(
        s, "SELECT id, name, department, tier, created_at, vehicle_rule FROM sites ORDER BY name", err);
    if (st == NULL)
        return -1;
    struct sl_site *v = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sl_step(st, "listing sites", err)) == 1) {
        if (SL_GROW(v, cap, n + 1, 16) != 0) {
            rc = sl_err_set(err, "out of memory");
            break;
        }
        row_to_site(st, &v[n++]);
    }
    sl_reset(st);
    *out = v;
    *n_out = n;
    return rc < 0 ? -1 : 0;
}

struct site_pos {
    int64_t id;
    size_t i;
};

static int cmp_site_pos(const void *a, const void *b)
{
    int64_t x = ((const struct site_pos *)a)->id, y = ((const struct site_pos *)b)->id;
    return (x > y) - (x < y);
}

/* Every site's networks, in the order load_networks gives them. */
static int read_all_networks(struct sl_store *s, struct sl_site *v, size_t n, struct sl_err *err)
{
    struct site_pos *pos = malloc((n ? n : 1) * sizeof *pos);
    if (pos == NULL)
        return sl_err_set(err, "out of memory");
    for (size_t i = 0; i < n; i++)
        pos[i] = (struct site_pos){v[i].id, i};
    qsort(pos, n, sizeof *pos, cmp_site_pos);
    struct sl_q *st = sl_st(
        s,
        sl_sql(s, "SELECT site_id, cidr FROM site_networks ORDER BY site_id, rowid",
               "SELECT site_id, cidr FROM site_networks ORDER BY site_id, ctid"),
        err);
    int rc = st == NULL ? -1 : 0;
    while (rc == 0 && (rc = sl_step(st, "reading site networks", err)) == 1) {
        struct site_pos key = {sl_col_int(st, 0), 0};
        const struct site_pos *p = bsearch(&key, pos, n, sizeof *pos, cmp_site_pos);
        rc = 0;
        if (p == NULL)
            continue; /* a site added since the first statement */
        struct sl_site *site = &v[p->i];
        char *cidr = strdup(sl_col_str(st, 1));
        char **nets = cidr != NULL ? realloc(site->networks, (site->n_networks + 1) * sizeof *nets)
                                   : NULL;
        if (nets == NULL) {
            free(cidr);
            rc = sl_err_set(err, "out of memory");
            break;
        }
        site->networks = nets;
        site->networks[site->n_networks++] = cidr;
    }
    if (st != NULL)
        sl_reset(st);
    free(pos);
    return rc < 0 ? -1 : 0;
}

int sl_store_site_list(struct sl_store *s, sl_site_cb cb, void *ctx, struct sl_err *err)
{
    /* Read whole first: a callback may look sites up (the statements are shared). */
    struct sl_site *v = NULL;
    size_t n = 0;
    int ret = read_all_sites(s, &v, &n, err);
    if (ret == 0)
        ret = read_all_networks(s, v, n, err);
    for (size_t i = 0; ret == 0 && i < n; i++)
        if (cb(&v[i], ctx))
            break;
    for (size_t i = 0; i < n; i++)
        sl_site_free(&v[i]);
    free(v);
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
