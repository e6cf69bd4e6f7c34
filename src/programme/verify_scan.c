/* verify_scan.c - scan the sites' networks, then reconcile. */
#include "programme/verify_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sitenet.h"
#include "ident/ident.h"
#include "net/targets.h"
#include "policy/policy.h"
#include "probe/ports.h"
#include "scan/scan.h"
#include "store/exclusions.h"
#include "util/cidr.h"
#include "util/datadir.h"
#include "util/grow.h"
#include "util/str.h"

struct vsite {
    int64_t id;
    char name[SL_NAME_MAX];
    enum sl_tier tier;
    bool selected;
};

struct vctx {
    struct sl_store *s;
    const struct sl_policy_set *policy;
    int64_t scan_id, now;
    struct vsite *sites;
    size_t n_sites, cap_sites;
    struct sl_site_net *nets;
    size_t n_nets, cap_nets;
    struct sl_targets *targets;
    char targets_text[512];
    const int64_t *want;
    size_t n_want;
    struct sl_observation *obs;
    size_t n_obs, cap_obs;
    int failed;
    const char *actor;
    struct sl_err *err;
};

static int site_cb(const struct sl_site *site, void *vctx)
{
    struct vctx *c = vctx;
    if (SL_GROW(c->sites, c->cap_sites, c->n_sites + 1, 16) != 0)
        goto oom;
    struct vsite *vs = &c->sites[c->n_sites];
    memset(vs, 0, sizeof *vs);
    vs->id = site->id;
    sl_strlcpy(vs->name, site->name, sizeof vs->name);
    vs->tier = site->tier;
    for (size_t i = 0; i < c->n_want; i++)
        if (c->want[i] == site->id)
            vs->selected = true;
    for (size_t i = 0; i < site->n_networks; i++) {
        struct sl_cidr cidr;
        if (sl_cidr_parse(site->networks[i], &cidr, NULL) != 0)
            continue;
        if (SL_GROW(c->nets, c->cap_nets, c->n_nets + 1, 32) != 0)
            goto oom;
        c->nets[c->n_nets++] = (struct sl_site_net){cidr, (int64_t)c->n_sites, site->tier};
        if (vs->selected) {
            if (sl_targets_add(c->targets, site->networks[i], c->err) != 0) {
                c->failed = 1;
                return 1;
            }
            size_t l = strlen(c->targets_text);
            snprintf(c->targets_text + l, sizeof c->targets_text - l, "%s%s", l ? " " : "",
                     site->networks[i]);
        }
    }
    c->n_sites++;
    return 0;
oom:
    sl_err_set(c->err, "out of memory");
    c->failed = 1;
    return 1;
}

/* The index of the site the address belongs to (core/sitenet.h), or -1. */
static long site_of(const struct vctx *c, const char *address)
{
    struct sl_addr a;
    if (sl_addr_parse(address, &a) != 0)
        return -1;
    return (long)sl_site_net_best(c->nets, c->n_nets, &a);
}

static void on_device(const struct sl_scan_device *d, void *vctx)
{
    struct vctx *c = vctx;
    if (c->failed)
        return;
    long si = site_of(c, d->address);
    if (si < 0 || !c->sites[si].selected)
        return; /* not in a site being verified (reconcile would skip it too) */
    if (SL_GROW(c->obs, c->cap_obs, c->n_obs + 1, 64) != 0) {
        sl_err_set(c->err, "out of memory");
        c->failed = 1;
        return;
    }
    struct sl_observation *o = &c->obs[c->n_obs++];
    memset(o, 0, sizeof *o);
    sl_strlcpy(o->address, d->address, sizeof o->address);
    sl_strlcpy(o->ports, d->ports, sizeof o->ports);
    o->claim = *d->claim;
    sl_strlcpy(o->mac, d->claim->mac, sizeof o->mac);
    sl_strlcpy(o->serial, d->claim->serial, sizeof o->serial);
    sl_strlcpy(o->site, c->sites[si].name, sizeof o->site);
    sl_policy_judge(c->policy, c->sites[si].tier, &o->claim, c->now, &o->verdict);
    o->seen_at = sl_now();
    if (sl_store_evidence_add_many(c->s, c->scan_id, 0, d->address, d->evidence,
                                   d->n_evidence, c->actor, c->err) != 0)
        c->failed = 1;
}

/* The chosen sites' networks as targets (and every site's networks, to place
 * what answers). 0, or -1 with err. */
static int load_sites(struct vctx *c, struct sl_err *err)
{
    c->targets = sl_targets_new();
    if (c->targets == NULL)
        return sl_err_set(err, "out of memory");
    if (sl_store_site_list(c->s, site_cb, c, err) != 0 || c->failed)
        return -1;
    if (c->targets_text[0] == '\0')
        return sl_err_setk(err, SL_ERR_INVALID,
                          "the sites to verify have no networks (add them with 'sightline sites')");
    size_t n_excl = 0; /* the sites' exclusions are never probed */
    if (sl_store_exclusion_targets(c->s, c->want, c->n_want, c->targets, &n_excl, err) != 0)
        return -1;
    return sl_targets_prepare(c->targets, err);
}

/* Scans the targets; the evidence of the whole scan is written in one
 * transaction. 0, or -1 with err (nothing of the scan's evidence kept). */
static int run_scan(struct vctx *c, const struct sl_verify_scan_opts *o,
                    const struct sl_ident *ident, struct sl_scan_summary *sum, struct sl_err *err)
{
    struct sl_port_spec ports[SL_PORTS_MAX];
    int np = sl_ports_parse(o->ports != NULL ? o->ports : sl_ports_profile("cameras"), ports,
                            SL_PORTS_MAX, err);
    if (np < 0)
        return -1;
    struct sl_scan_opts so;
    memset(&so, 0, sizeof so);
    so.targets = c->targets;
    so.ports = ports;
    so.n_ports = (size_t)np;
    so.rate = o->rate;
    so.concurrency = o->concurrency;
    so.timeout_ms = o->timeout_ms;
    so.retries = SL_SCAN_DEFAULT_RETRIES;
    so.udp_discovery = true;
    so.ident = ident;
    so.actor = o->actor;
    so.stop = o->stop;
    struct sl_scan_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.on_device = on_device;
    cb.ctx = c;
    if (sl_store_begin(c->s, err) != 0)
        return -1;
    if (sl_scan_run(&so, &cb, sum, err) != 0 || c->failed) {
        sl_store_rollback(c->s);
        return -1;
    }
    return sl_store_commit(c->s, err);
}

/* Evidence joins the device it belongs to, now that reconciliation knows it. */
static int assign_evidence(struct vctx *c, struct sl_err *err)
{
    if (sl_store_begin(c->s, err) != 0)
        return -1;
    for (size_t i = 0; i < c->n_obs; i++) {
        const struct sl_observation *ob = &c->obs[i];
        int64_t site_id = 0;
        long si = site_of(c, ob->address);
        if (si >= 0)
            site_id = c->sites[si].id;
        struct sl_device_obs dobs = {c->scan_id, site_id, ob->mac,    ob->serial, ob->address,
                                     ob->ports,  &ob->claim, &ob->verdict, ob->seen_at};
        int64_t id;
        int found = sl_store_device_match(c->s, &dobs, &id, err);
        if (found < 0 ||
            (found && sl_store_evidence_assign(c->s, c->scan_id, ob->address, id, err) != 0)) {
            sl_store_rollback(c->s);
            return -1;
        }
    }
    return sl_store_commit(c->s, err);
}

/* The reconciliation of what was seen, the evidence joined to its devices,
 * the scan record closed (*closed set even when it fails after). 0, or -1. */
static int conclude(struct vctx *c, const int64_t *site_ids, size_t n_sites, bool complete,
                    uint64_t total, uint64_t up, struct sl_reconcile_result *rec, bool *closed,
                    struct sl_err *err)
{
    struct sl_reconcile_opts ro = {site_ids, n_sites, complete, c->scan_id, c->actor, NULL};
    if (sl_reconcile(c->s, c->obs, c->n_obs, &ro, rec, err) != 0 ||
        assign_evidence(c, err) != 0)
        return -1;
    *closed = true; /* the record is closed here, whatever the outcome */
    return sl_store_scan_finish(c->s, c->scan_id, complete ? SL_SCAN_COMPLETE : SL_SCAN_INCOMPLETE,
                                (int64_t)total, (int64_t)up, (int64_t)c->n_obs, c->actor, err);
}

/* The scan, the reconciliation and the evidence, under an open scan record.
 * 0, or -1 with err. */
static int verify(struct vctx *c, const struct sl_verify_scan_opts *o,
                  const struct sl_ident *ident, struct sl_verify_scan_result *res, bool *closed,
                  struct sl_err *err)
{
    struct sl_scan_summary sum;
    if (run_scan(c, o, ident, &sum, err) != 0)
        return -1;
    res->complete = sum.complete;
    res->addresses = sum.stats.hosts_total;
    res->answered = sum.stats.hosts_up;
    return conclude(c, o->site_ids, o->n_sites, sum.complete, sum.stats.hosts_total,
                    sum.stats.hosts_up, &res->rec, closed, err);
}

static void vctx_free(struct vctx *c)
{
    sl_targets_free(c->targets);
    free(c->sites);
    free(c->nets);
    free(c->obs);
}

int sl_verify_scan(struct sl_store *s, const struct sl_verify_scan_opts *o,
                   struct sl_verify_scan_result *res, struct sl_err *err)
{
    memset(res, 0, sizeof *res);
    struct vctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.err = err;
    c.actor = o->actor;
    c.want = o->site_ids;
    c.n_want = o->n_sites;
    c.now = sl_now();
    struct sl_ident *ident = NULL;
    struct sl_policy_set *ps = NULL;
    int ret = -1;
    if (load_sites(&c, err) == 0 && sl_ident_load(&ident, sl_datadir(), err) == 0 &&
        sl_policy_load(&ps, sl_datadir(), err) == 0 && sl_policy_select(ps, NULL, err) == 0) {
        c.policy = ps;
        if (o->on_start != NULL &&
            o->on_start(sl_targets_count(c.targets) - sl_targets_excluded(c.targets),
                        c.targets_text, o->ctx) != 0)
            sl_err_setk(err, SL_ERR_INVALID, "the rescan was refused before it began");
        else if (sl_store_scan_begin(s, o->n_sites == 1 ? o->site_ids[0] : 0, "verify",
                                c.targets_text, NULL, o->actor, &c.scan_id, err) == 0) {
            res->scan_id = c.scan_id;
            bool closed = false;
            ret = verify(&c, o, ident, res, &closed, err);
            if (!closed) /* stopped before its end: the record says incomplete */
                sl_store_scan_finish(s, c.scan_id, SL_SCAN_INCOMPLETE, 0, 0, 0, o->actor, NULL);
        }
    }
    sl_policy_free(ps);
    sl_ident_free(ident);
    vctx_free(&c);
    return ret;
}

/* ---- fed by a scan made elsewhere (a site agent's) ---- */

struct sl_verify_feed {
    struct vctx c;
    struct sl_err err;
    bool closed;
};

int sl_verify_feed_open(struct sl_store *s, const struct sl_verify_feed_opts *o,
                        struct sl_verify_feed **out, int64_t *scan_id, struct sl_err *err)
{
    struct sl_verify_feed *f = calloc(1, sizeof *f);
    if (f == NULL)
        return sl_err_set(err, "out of memory");
    struct vctx *c = &f->c;
    c->s = s;
    c->err = &f->err;
    c->actor = o->actor;
    c->want = o->site_ids;
    c->n_want = o->n_sites;
    c->now = sl_now();
    c->policy = o->policy;
    *out = f;
    if ((c->targets = sl_targets_new()) == NULL)
        return sl_err_set(err, "out of memory");
    if (sl_store_site_list(s, site_cb, c, err) != 0)
        return -1;
    if (c->failed) {
        *err = f->err;
        return -1;
    }
    if (sl_store_scan_begin(s, o->n_sites == 1 ? o->site_ids[0] : 0, "verify", o->targets_text,
                            NULL, o->actor, &c->scan_id, err) != 0)
        return -1;
    *scan_id = c->scan_id;
    return 0;
}

void sl_verify_feed_device(const struct sl_scan_device *d, void *feed)
{
    on_device(d, &((struct sl_verify_feed *)feed)->c);
}

int sl_verify_feed_close(struct sl_verify_feed *f, bool complete, uint64_t addresses,
                         uint64_t answered, struct sl_reconcile_result *rec, struct sl_err *err)
{
    if (f->c.failed) {
        *err = f->err;
        return -1;
    }
    return conclude(&f->c, f->c.want, f->c.n_want, complete, addresses, answered, rec, &f->closed,
                    err);
}

void sl_verify_feed_free(struct sl_verify_feed *f)
{
    if (f == NULL)
        return;
    vctx_free(&f->c);
    free(f);
}
