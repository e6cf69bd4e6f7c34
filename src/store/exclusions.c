/* exclusions.c - a site's exclusions in the register (exclusions.h). Whether
 * an address is excluded is decided by the callers (net/targets.h, scan/). */
#include "store/exclusions.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/grow.h"
#include "util/str.h"

static int count_of(struct sl_store *s, int64_t site_id, int64_t *n, struct sl_err *err)
{
    struct sl_q *st = sl_st(s, "SELECT count(*) FROM site_exclusions WHERE site_id = ?1", err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, site_id);
    return sl_one_int(st, n, "counting a site's exclusions", err) == 1 ? 0 : -1;
}

int sl_store_exclusion_add(struct sl_store *s, int64_t site_id, const char *cidr,
                           const char *reason, const char *actor, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    int64_t n = 0;
    if (count_of(s, site_id, &n, err) != 0)
        goto fail;
    if (n >= SL_EXCLUSIONS_MAX) {
        sl_err_setk(err, SL_ERR_INVALID, "the site has %d exclusions already (the most allowed)",
                    SL_EXCLUSIONS_MAX);
        goto fail;
    }
    struct sl_q *st = sl_st(s,
                            "INSERT INTO site_exclusions (site_id, cidr, reason, created_by,"
                            " created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                            err);
    if (st == NULL)
        goto fail;
    sl_bind_int(st, 1, site_id);
    sl_bind_text(st, 2, cidr);
    sl_bind_text(st, 3, reason);
    sl_bind_text(st, 4, actor);
    sl_bind_int(st, 5, sl_now());
    if (sl_exec_stmt(st, "adding an exclusion", err) != 0) {
        if (err != NULL && err->kind == SL_ERR_EXISTS)
            sl_err_setk(err, SL_ERR_EXISTS, "the site excludes %s already", cidr);
        goto fail;
    }
    char object[32];
    snprintf(object, sizeof object, "site:%lld", (long long)site_id);
    if (sl_store_audit_json(s, actor, "site.exclude", object,
                            json_pack("{s:s, s:s}", "network", cidr, "reason", reason), err) != 0)
        goto fail;
    return sl_store_commit(s, err);
fail:
    sl_store_rollback(s);
    return -1;
}

int sl_store_exclusion_remove(struct sl_store *s, int64_t site_id, const char *cidr,
                              const char *actor, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_q *st =
        sl_st(s, "DELETE FROM site_exclusions WHERE site_id = ?1 AND cidr = ?2", err);
    if (st == NULL)
        goto fail;
    sl_bind_int(st, 1, site_id);
    sl_bind_text(st, 2, cidr);
    if (sl_exec_stmt(st, "removing an exclusion", err) != 0)
        goto fail;
    if (sl_changes(st) == 0) {
        sl_store_rollback(s);
        return 0;
    }
    char object[32];
    snprintf(object, sizeof object, "site:%lld", (long long)site_id);
    if (sl_store_audit_json(s, actor, "site.unexclude", object,
                            json_pack("{s:s}", "network", cidr), err) != 0)
        goto fail;
    return sl_store_commit(s, err) == 0 ? 1 : -1;
fail:
    sl_store_rollback(s);
    return -1;
}

int sl_store_exclusion_list(struct sl_store *s, int64_t site_id, sl_exclusion_cb cb, void *ctx,
                            struct sl_err *err)
{
    struct sl_q *st = sl_st(s,
                            "SELECT x.id, x.site_id, s.name, x.cidr, x.reason, x.created_by,"
                            " x.created_at FROM site_exclusions x JOIN sites s ON s.id = x.site_id"
                            " WHERE x.site_id = ?1 OR ?1 = 0 ORDER BY s.name, x.cidr",
                            err);
    if (st == NULL)
        return -1;
    sl_bind_int(st, 1, site_id);
    int rc;
    struct sl_exclusion x;
    while ((rc = sl_step(st, "listing exclusions", err)) == 1) {
        memset(&x, 0, sizeof x);
        x.id = sl_col_int(st, 0);
        x.site_id = sl_col_int(st, 1);
        sl_col_text(st, 2, x.site, sizeof x.site);
        sl_col_text(st, 3, x.cidr, sizeof x.cidr);
        sl_col_text(st, 4, x.reason, sizeof x.reason);
        sl_col_text(st, 5, x.created_by, sizeof x.created_by);
        x.created_at = sl_col_int(st, 6);
        if (cb(&x, ctx) != 0) {
            sl_reset(st);
            return 0;
        }
    }
    sl_reset(st);
    return rc < 0 ? -1 : 0;
}

struct nets_ctx {
    const int64_t *ids;
    size_t n_ids;
    struct sl_cidr *v;
    size_t n, cap;
    int failed;
};

static int collect_net(const struct sl_exclusion *x, void *vctx)
{
    struct nets_ctx *c = vctx;
    bool wanted = false;
    for (size_t i = 0; i < c->n_ids && !wanted; i++)
        wanted = c->ids[i] == x->site_id;
    struct sl_cidr cidr;
    if (!wanted || sl_cidr_parse(x->cidr, &cidr, NULL) != 0)
        return 0;
    if (SL_GROW(c->v, c->cap, c->n + 1, 16) != 0) {
        c->failed = 1;
        return 1;
    }
    c->v[c->n++] = cidr;
    return 0;
}

int sl_store_exclusion_nets(struct sl_store *s, const int64_t *site_ids, size_t n_sites,
                            struct sl_cidr **out, size_t *n, struct sl_err *err)
{
    struct nets_ctx c = {site_ids, n_sites, NULL, 0, 0, 0};
    *out = NULL;
    *n = 0;
    if (sl_store_exclusion_list(s, n_sites == 1 ? site_ids[0] : 0, collect_net, &c, err) != 0 ||
        c.failed) {
        free(c.v);
        return c.failed ? sl_err_set(err, "out of memory") : -1;
    }
    *out = c.v;
    *n = c.n;
    return 0;
}

int sl_store_exclusion_targets(struct sl_store *s, const int64_t *site_ids, size_t n_sites,
                               struct sl_targets *t, size_t *n, struct sl_err *err)
{
    struct sl_cidr *v = NULL;
    if (sl_store_exclusion_nets(s, site_ids, n_sites, &v, n, err) != 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < *n && rc == 0; i++) {
        char text[SL_CIDR_STRLEN];
        sl_cidr_format(&v[i], text);
        rc = sl_targets_exclude(t, text, err);
    }
    free(v);
    return rc;
}

bool sl_exclusion_hit(const struct sl_cidr *nets, size_t n, const struct sl_addr *a)
{
    for (size_t i = 0; i < n; i++)
        if (sl_cidr_contains(&nets[i], a))
            return true;
    return false;
}
