/* reconcile.c - verification: what a scan saw and did not see, applied to the
 * register in one transaction (reconcile.h). Scans nothing itself. */
#include "programme/reconcile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sitenet.h"
#include "programme/lifecycle.h"
#include "store/exclusions.h"
#include "util/cidr.h"
#include "util/grow.h"
#include "util/str.h"

struct sites {
    struct sl_site_net *nets;
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
        c->nets[c->n++] = (struct sl_site_net){cidr, site->id, site->tier};
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
    int64_t best = sl_site_net_best(c->nets, c->n, &a);
    return best < 0 ? 0 : best;
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
    bool *outside; /* the address is outside the stream's targets */
    size_t n, cap;
    int failed;
    const struct sl_jsonl_result *stream;
    struct sl_cidr *excl; /* the covered sites' exclusions */
    size_t n_excl;
};

/* True when the address lies in an exclusion of the covered sites. */
static bool excluded(const struct walk *w, const char *address)
{
    struct sl_addr a;
    return w->n_excl > 0 && sl_addr_parse(address, &a) == 0 &&
           sl_exclusion_hit(w->excl, w->n_excl, &a);
}

static int walk_cb(const struct sl_device *d, void *vctx)
{
    struct walk *w = vctx;
    if (excluded(w, d->address))
        return 0; /* never probed: a scan proves nothing about it */
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
        void *c = realloc(w->outside, cap * sizeof *w->outside);
        if (c == NULL) {
            w->failed = 1;
            return 1;
        }
        w->outside = c;
        w->cap = cap;
    }
    w->ids[w->n] = d->id;
    w->outside[w->n] = w->stream != NULL && !sl_jsonl_covers(w->stream, d->address);
    w->status[w->n++] = d->status;
    return 0;
}

static void note_id(int64_t *list, size_t count, int64_t id)
{
    if (count <= SL_RECONCILE_LISTED)
        list[count - 1] = id;
}

/* One reconciliation: the sites, the devices seen, scratch for the walks. */
struct recon {
    struct sl_store *s;
    const struct sl_reconcile_opts *o;
    struct sl_reconcile_result *res;
    struct sites sites;
    struct seen seen;
    struct walk w;
    struct sl_device *d;
    const char *actor;
    char note[256], why[400];
};

/* A removed (or verified absent) device matched again: with a positive
 * identity it reappeared; otherwise it is listed for a look. 1 when it
 * reappeared (or was listed), 0 when nothing was said, -1 with err. */
static int seen_again(struct recon *rc, const struct sl_observation *ob, const char *mac,
                      int64_t id, struct sl_err *err)
{
    const struct sl_device *d = rc->d;
    struct sl_reconcile_result *res = rc->res;
    bool positive = same_text(mac, d->mac) || same_text(ob->serial, d->serial) ||
                    same_text(ob->claim.manufacturer, d->claim.manufacturer);
    if (seen_add(&rc->seen, id) != 0)
        return sl_err_set(err, "out of memory");
    if (!positive) {
        if (res->unidentified++ < SL_RECONCILE_LISTED)
            sl_strlcpy(res->unidentified_at[res->unidentified - 1], ob->address, 48);
        return 1;
    }
    if (rc->o->scan_id)
        snprintf(rc->note, sizeof rc->note, "seen again at %s by verification scan %lld",
                 ob->address, (long long)rc->o->scan_id);
    else
        snprintf(rc->note, sizeof rc->note, "seen again at %s by verification", ob->address);
    struct sl_change c = {SL_STATUS_REAPPEARED, NULL, rc->note, NULL, NULL, NULL, NULL,
                          rc->o->scan_id, true};
    int k = sl_lifecycle_apply(rc->s, id, &c, rc->actor, rc->why, sizeof rc->why, err);
    if (k < 0)
        return -1;
    if (k == 0)
        return sl_err_set(err, "device %lld: %s", (long long)id, rc->why);
    res->reappeared++;
    note_id(res->reappeared_ids, res->reappeared, id);
    return 0;
}

/* One observation: outside the covered sites, a device of the register (seen,
 * maybe seen again), or a new affected device. 0, or -1 with err. */
static int observe(struct recon *rc, const struct sl_observation *ob, struct sl_err *err)
{
    struct sl_reconcile_result *res = rc->res;
    res->observations++;
    int64_t site_id = site_of(&rc->sites, ob);
    if (site_id == 0 || !covered(rc->o, site_id) || excluded(&rc->w, ob->address)) {
        res->outside++;
        return 0;
    }
    char mac[sizeof ob->mac];
    sl_strlcpy(mac, ob->mac, sizeof mac);
    for (char *q = mac; *q; q++) /* the register keeps MACs in lower case */
        if (*q >= 'A' && *q <= 'F')
            *q = (char)(*q - 'A' + 'a');
    struct sl_device_obs dobs = {rc->o->scan_id, site_id,    mac,          ob->serial, ob->address,
                                 ob->ports,      &ob->claim, &ob->verdict, ob->seen_at};
    int64_t id = 0;
    int found = sl_store_device_match(rc->s, &dobs, &id, err);
    if (found < 0)
        return -1;
    if (found) {
        if (sl_store_device_get(rc->s, id, rc->d, err) != 1)
            return -1;
        if (rc->d->status == SL_STATUS_REAPPEARED)
            res->still_reappeared++;
        if (sl_status_is_replaced(rc->d->status)) {
            int k = seen_again(rc, ob, mac, id, err);
            if (k != 0)
                return k < 0 ? -1 : 0;
        }
        if (sl_store_device_observe(rc->s, &dobs, rc->actor, &id, NULL, err) != 0)
            return -1;
        res->matched++;
        return seen_add(&rc->seen, id) != 0 ? sl_err_set(err, "out of memory") : 0;
    }
    if (ob->verdict.decision != SL_DECISION_PROHIBITED &&
        ob->verdict.decision != SL_DECISION_REPLACE_BY) {
        res->ignored++;
        return 0;
    }
    bool created = false;
    if (sl_store_device_observe(rc->s, &dobs, rc->actor, &id, &created, err) != 0)
        return -1;
    if (seen_add(&rc->seen, id) != 0)
        return sl_err_set(err, "out of memory");
    if (created) {
        res->added++;
        note_id(res->added_ids, res->added, id);
    }
    return 0;
}

/* A removed device not seen by a complete scan: verified absent. 0, or -1. */
static int verify_absent(struct recon *rc, int64_t id, struct sl_err *err)
{
    if (rc->o->scan_id)
        snprintf(rc->note, sizeof rc->note, "not seen by verification scan %lld",
                 (long long)rc->o->scan_id);
    else
        snprintf(rc->note, sizeof rc->note, "not seen by verification");
    struct sl_change c = {SL_STATUS_VERIFIED_ABSENT, NULL, rc->note, NULL, NULL, NULL, NULL,
                          rc->o->scan_id, true};
    int k = sl_lifecycle_apply(rc->s, id, &c, rc->actor, rc->why, sizeof rc->why, err);
    if (k < 0)
        return -1;
    if (k == 1) {
        rc->res->verified_absent++;
        note_id(rc->res->verified_ids, rc->res->verified_absent, id);
    }
    return 0;
}

/* A covered site's devices not seen: removed -> verified_absent (complete
 * scans only); outstanding -> missing. 0, or -1 with err. */
static int not_seen(struct recon *rc, int64_t site_id, struct sl_err *err)
{
    const char *site_name = NULL;
    for (size_t i = 0; i < rc->sites.n_names; i++)
        if (rc->sites.names_id[i] == site_id)
            site_name = rc->sites.names[i];
    if (site_name == NULL)
        return 0;
    struct walk *w = &rc->w;
    w->n = 0;
    struct sl_device_filter f = {site_name, -1, NULL, NULL, 0};
    if (sl_store_device_list(rc->s, &f, walk_cb, w, err) != 0)
        return -1;
    if (w->failed)
        return sl_err_set(err, "out of memory");
    const struct seen *seen = &rc->seen;
    for (size_t i = 0; i < w->n; i++) {
        if (seen->n > 0 && bsearch(&w->ids[i], seen->v, seen->n, sizeof *seen->v, cmp_i64))
            continue;
        enum sl_status st = w->status[i];
        if (st == SL_STATUS_REMOVED && rc->o->complete && w->outside[i])
            return sl_err_setk(err, SL_ERR_INVALID,
                               "removed device %lld (site %s) is outside the scan's targets: "
                               "the scan proves nothing about it (verify only the sites it "
                               "covered)",
                               (long long)w->ids[i], site_name);
        if (st == SL_STATUS_REMOVED && rc->o->complete) {
            if (verify_absent(rc, w->ids[i], err) != 0)
                return -1;
        } else if (st == SL_STATUS_DISCOVERED || st == SL_STATUS_CONFIRMED ||
                   st == SL_STATUS_SCHEDULED || st == SL_STATUS_REAPPEARED) {
            rc->res->missing++;
            note_id(rc->res->missing_ids, rc->res->missing, w->ids[i]);
        }
    }
    return 0;
}

static int load_sites(struct recon *rc, struct sl_err *err)
{
    struct sl_cidr *excl = NULL;
    if (sl_store_site_list(rc->s, site_cb, &rc->sites, err) != 0 ||
        sl_store_exclusion_nets(rc->s, rc->o->site_ids, rc->o->n_sites, &excl, &rc->w.n_excl,
                                err) != 0)
        return -1;
    rc->w.excl = excl;
    return rc->sites.failed ? sl_err_set(err, "out of memory") : 0;
}

/* Everything inside the transaction. 0, or -1 with err. */
static int apply(struct recon *rc, const struct sl_observation *obs, size_t n,
                 struct sl_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (observe(rc, &obs[i], err) != 0)
            return -1;
    if (rc->seen.n > 1)
        qsort(rc->seen.v, rc->seen.n, sizeof *rc->seen.v, cmp_i64);
    for (size_t k = 0; k < rc->o->n_sites; k++)
        if (not_seen(rc, rc->o->site_ids[k], err) != 0)
            return -1;
    return 0;
}

int sl_reconcile(struct sl_store *s, const struct sl_observation *obs, size_t n,
                 const struct sl_reconcile_opts *o, struct sl_reconcile_result *res,
                 struct sl_err *err)
{
    memset(res, 0, sizeof *res);
    struct recon *rc = calloc(1, sizeof *rc);
    if (rc == NULL)
        return sl_err_set(err, "out of memory");
    rc->s = s;
    rc->o = o;
    rc->res = res;
    rc->actor = o->actor != NULL ? o->actor : "verify";
    rc->d = malloc(sizeof *rc->d);
    rc->w.stream = o->stream;
    int ret = -1;
    if (rc->d == NULL)
        sl_err_set(err, "out of memory");
    else if (load_sites(rc, err) == 0 && sl_store_begin(s, err) == 0) {
        if (apply(rc, obs, n, err) != 0)
            sl_store_rollback(s);
        else if (sl_store_commit(s, err) == 0)
            ret = 0;
    }
    free(rc->d);
    free(rc->seen.v);
    free(rc->w.ids);
    free(rc->w.status);
    free(rc->w.outside);
    free(rc->w.excl);
    free(rc->sites.nets);
    free(rc->sites.names);
    free(rc->sites.names_id);
    free(rc);
    return ret;
}
