/* reconcile.c - verification: seen / not seen against the register. */
#include "programme/reconcile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programme/lifecycle.h"
#include "util/cidr.h"
#include "util/grow.h"
#include "util/str.h"

struct site_net {
    int64_t site_id;
    struct sl_cidr cidr;
};

struct sites {
    struct site_net *nets;
    size_t n, cap;
    int64_t *names_id;
    char (*names)[SL_NAME_MAX];
    size_t n_names, cap_names;
    int failed;
};

static int site_cb(const struct sl_site *site, void *vctx)
{
    struct sites *c = vctx;
    if (c->n_names == c->cap_names) {
        size_t cap = c->cap_names ? c->cap_names * 2 : 32;
        void *a = realloc(c->names, cap * sizeof *c->names);
        if (a == NULL)
            goto oom;
        c->names = a;
        void *b = realloc(c->names_id, cap * sizeof *c->names_id);
        if (b == NULL)
            goto oom;
        c->names_id = b;
        c->cap_names = cap;
    }
    sl_strlcpy(c->names[c->n_names], site->name, SL_NAME_MAX);
    c->names_id[c->n_names++] = site->id;
    for (size_t i = 0; i < site->n_networks; i++) {
        struct sl_cidr cidr;
        if (sl_cidr_parse(site->networks[i], &cidr, NULL) != 0)
            continue;
        if (SL_GROW(c->nets, c->cap, c->n + 1, 64) != 0)
            goto oom;
        c->nets[c->n++] = (struct site_net){site->id, cidr};
    }
    return 0;
oom:
    c->failed = 1;
    return 1;
}

/* The site an observation belongs to: by name, else the most specific network
 * holding its address. 0 when none. */
static int64_t site_of(const struct sites *c, const struct sl_observation *o)
{
    if (o->site[0]) {
        for (size_t i = 0; i < c->n_names; i++)
            if (strcmp(c->names[i], o->site) == 0)
                return c->names_id[i];
        return 0;
    }
    struct sl_addr a;
    if (sl_addr_parse(o->address, &a) != 0)
        return 0;
    int64_t best = 0;
    int best_len = -1;
    for (size_t i = 0; i < c->n; i++) {
        if (sl_cidr_contains(&c->nets[i].cidr, &a) && (int)c->nets[i].cidr.prefix > best_len) {
            best = c->nets[i].site_id;
            best_len = (int)c->nets[i].cidr.prefix;
        }
    }
    return best;
}

static bool covered(const struct sl_reconcile_opts *o, int64_t site_id)
{
    for (size_t i = 0; i < o->n_sites; i++)
        if (o->site_ids[i] == site_id)
            return true;
    return false;
}

static bool same_text(const char *a, const char *b)
{
    return a[0] != '\0' && b[0] != '\0' && sl_str_eq_nocase(a, b);
}

struct seen {
    int64_t *v;
    size_t n, cap;
};

static int seen_add(struct seen *s, int64_t id)
{
    if (SL_GROW(s->v, s->cap, s->n + 1, 64) != 0)
        return -1;
    s->v[s->n++] = id;
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

struct walk {
    int64_t *ids;
    enum sl_status *status;
    size_t n, cap;
    int failed;
};

static int walk_cb(const struct sl_device *d, void *vctx)
{
    struct walk *w = vctx;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 256;
        void *a = realloc(w->ids, cap * sizeof *w->ids);
        if (a == NULL) {
            w->failed = 1;
            return 1;
        }
        w->ids = a;
        void *b = realloc(w->status, cap * sizeof *w->status);
        if (b == NULL) {
            w->failed = 1;
            return 1;
        }
        w->status = b;
        w->cap = cap;
    }
    w->ids[w->n] = d->id;
    w->status[w->n++] = d->status;
    return 0;
}

static void note_id(int64_t *list, size_t count, int64_t id)
{
    if (count <= SL_RECONCILE_LISTED)
        list[count - 1] = id;
}

int sl_reconcile(struct sl_store *s, const struct sl_observation *obs, size_t n,
                 const struct sl_reconcile_opts *o, struct sl_reconcile_result *res,
                 struct sl_err *err)
{
    memset(res, 0, sizeof *res);
    struct sites sites;
    memset(&sites, 0, sizeof sites);
    struct seen seen = {NULL, 0, 0};
    struct walk w;
    memset(&w, 0, sizeof w);
    struct sl_device *d = malloc(sizeof *d);
    const char *actor = o->actor != NULL ? o->actor : "verify";
    char note[256], why[400];
    int ret = -1;
    if (d == NULL) {
        sl_err_set(err, "out of memory");
        goto out;
    }
    if (sl_store_site_list(s, site_cb, &sites, err) != 0)
        goto out;
    if (sites.failed) {
        sl_err_set(err, "out of memory");
        goto out;
    }
    if (sl_store_begin(s, err) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const struct sl_observation *ob = &obs[i];
        res->observations++;
        int64_t site_id = site_of(&sites, ob);
        if (site_id == 0 || !covered(o, site_id)) {
            res->outside++;
            continue;
        }
        char mac[sizeof ob->mac];
        sl_strlcpy(mac, ob->mac, sizeof mac);
        for (char *q = mac; *q; q++) /* the register keeps MACs in lower case */
            if (*q >= 'A' && *q <= 'F')
                *q = (char)(*q - 'A' + 'a');
        struct sl_device_obs dobs = {o->scan_id, site_id, mac,       ob->serial, ob->address,
                                     ob->ports,  &ob->claim, &ob->verdict, ob->seen_at};
        int64_t id = 0;
        int found = sl_store_device_match(s, &dobs, &id, err);
        if (found < 0)
            goto fail;
        if (found) {
            if (sl_store_device_get(s, id, d, err) != 1)
                goto fail;
            if (d->status == SL_STATUS_REAPPEARED)
                res->still_reappeared++;
            if (sl_status_is_replaced(d->status)) {
                bool positive = same_text(mac, d->mac) || same_text(ob->serial, d->serial) ||
                                same_text(ob->claim.manufacturer, d->claim.manufacturer);
                if (seen_add(&seen, id) != 0)
                    goto oom;
                if (!positive) {
                    if (res->unidentified++ < SL_RECONCILE_LISTED)
                        sl_strlcpy(res->unidentified_at[res->unidentified - 1], ob->address, 48);
                    continue;
                }
                if (o->scan_id)
                    snprintf(note, sizeof note, "seen again at %s by verification scan %lld",
                             ob->address, (long long)o->scan_id);
                else
                    snprintf(note, sizeof note, "seen again at %s by verification", ob->address);
                struct sl_change c = {SL_STATUS_REAPPEARED, NULL, note, NULL, NULL, NULL, NULL,
                                      o->scan_id, true};
                int rc = sl_lifecycle_apply(s, id, &c, actor, why, sizeof why, err);
                if (rc < 0)
                    goto fail;
                if (rc == 0) {
                    sl_err_set(err, "device %lld: %s", (long long)id, why);
                    goto fail;
                }
                res->reappeared++;
                note_id(res->reappeared_ids, res->reappeared, id);
            }
            if (sl_store_device_observe(s, &dobs, actor, &id, NULL, err) != 0)
                goto fail;
            res->matched++;
            if (seen_add(&seen, id) != 0)
                goto oom;
            continue;
        }
        bool affected = ob->verdict.decision == SL_DECISION_PROHIBITED ||
                        ob->verdict.decision == SL_DECISION_REPLACE_BY;
        if (!affected) {
            res->ignored++;
            continue;
        }
        bool created = false;
        if (sl_store_device_observe(s, &dobs, actor, &id, &created, err) != 0)
            goto fail;
        if (seen_add(&seen, id) != 0)
            goto oom;
        if (created) {
            res->added++;
            note_id(res->added_ids, res->added, id);
        }
    }
    if (seen.n > 1)
        qsort(seen.v, seen.n, sizeof *seen.v, cmp_i64);

    /* Not seen: removed -> verified_absent (complete scans only); outstanding -> missing. */
    for (size_t k = 0; k < o->n_sites; k++) {
        const char *site_name = NULL;
        for (size_t i = 0; i < sites.n_names; i++)
            if (sites.names_id[i] == o->site_ids[k])
                site_name = sites.names[i];
        if (site_name == NULL)
            continue;
        w.n = 0;
        struct sl_device_filter f = {site_name, -1, NULL, NULL, 0};
        if (sl_store_device_list(s, &f, walk_cb, &w, err) != 0)
            goto fail;
        if (w.failed)
            goto oom;
        for (size_t i = 0; i < w.n; i++) {
            if (seen.n > 0 && bsearch(&w.ids[i], seen.v, seen.n, sizeof *seen.v, cmp_i64) != NULL)
                continue;
            enum sl_status st = w.status[i];
            if (st == SL_STATUS_REMOVED && o->complete) {
                if (o->scan_id)
                    snprintf(note, sizeof note, "not seen by verification scan %lld",
                             (long long)o->scan_id);
                else
                    snprintf(note, sizeof note, "not seen by verification");
                struct sl_change c = {SL_STATUS_VERIFIED_ABSENT, NULL, note, NULL, NULL, NULL,
                                      NULL, o->scan_id, true};
                int rc = sl_lifecycle_apply(s, w.ids[i], &c, actor, why, sizeof why, err);
                if (rc < 0)
                    goto fail;
                if (rc == 1) {
                    res->verified_absent++;
                    note_id(res->verified_ids, res->verified_absent, w.ids[i]);
                }
            } else if (st == SL_STATUS_DISCOVERED || st == SL_STATUS_CONFIRMED ||
                       st == SL_STATUS_SCHEDULED || st == SL_STATUS_REAPPEARED) {
                res->missing++;
                note_id(res->missing_ids, res->missing, w.ids[i]);
            }
        }
    }
    if (sl_store_commit(s, err) != 0)
        goto out;
    ret = 0;
    goto out;
oom:
    sl_err_set(err, "out of memory");
fail:
    sl_store_rollback(s);
out:
    free(d);
    free(seen.v);
    free(w.ids);
    free(w.status);
    free(sites.nets);
    free(sites.names);
    free(sites.names_id);
    return ret;
}
