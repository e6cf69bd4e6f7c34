/* record.c - the recording half of the scanner: a finished host's evidence
 * through identify and policy into the register, in batches (internal.h):
 * hosts are judged as they finish and queued (their evidence copied), and a
 * batch goes to the register in one sl_store_observe_batch call and one
 * transaction, after which each host's device is reported (on_device). */
#include <stdlib.h>
#include <string.h>

#include "core/sitenet.h"
#include "scan/internal.h"
#include "util/grow.h"
#include "util/str.h"
#include "util/timeutil.h"

#define BATCH_DEVICES 500
#define BATCH_BYTES (32u << 20) /* evidence bytes queued before a batch is written */

struct site_info {
    int64_t id;
    char name[SL_NAME_MAX];
    enum sl_tier tier;
};

/* What one finished host is: its evidence identified, judged under its site's tier. */
struct judged {
    size_t n_ev;
    bool hostile, defaulted;
    const struct sl_evidence *malformed; /* the first malformed answer, or NULL */
    long site;           /* index into r->sites, -1 outside every site */
    enum sl_tier tier;
    struct sl_claim claim;
    struct sl_verdict verdict;
    char ports[200];
};

/* A judged host waiting for its batch: its evidence copied (the host is gone). */
struct queued {
    struct judged j;
    char addr[SL_ADDR_STRLEN];
    int64_t seen_at;
    struct sl_evidence ev[SL_SCAN_HOST_MAX_EV];
    const struct sl_evidence *evp[SL_SCAN_HOST_MAX_EV];
    char *bytes; /* the copies' texts and data, one allocation */
};

struct sl_recorder {
    const struct sl_scan_opts *o;
    const struct sl_scan_callbacks *cb;
    struct sl_scan_summary *sum;
    int64_t scan_id;
    int64_t now;
    struct sl_ident_acc *acc;
    struct site_info *sites;
    size_t n_sites;
    struct sl_site_net *nets;
    struct sl_site_index *nets_ix; /* over nets, once they are read */
    size_t n_nets;
    long fixed_site; /* index into sites, or -1 */
    bool in_txn;
    uint64_t txn_started; /* when the first host of the open batch was queued */
    const struct sl_evidence **evp;
    /* The devices this scan's own hosts became: not-seen is computed from
     * them, never from last_scan_id, which a concurrent scan overwrites. */
    int64_t *seen;
    size_t n_seen, cap_seen;
    /* What the open batch added to the summary: taken back when the batch
     * is not committed (a full disk), so the summary claims nothing that is
     * not in the register. */
    struct sl_scan_summary pending;
    struct queued *q; /* BATCH_DEVICES hosts waiting for the register */
    size_t n_q, q_bytes;
};

static void pending_drop(struct sl_recorder *r)
{
    struct sl_scan_summary *s = r->sum, *p = &r->pending;
    s->stats.devices -= p->stats.devices;
    for (int i = 0; i < SL_SCAN_DECISIONS; i++)
        s->by_decision[i] -= p->by_decision[i];
    s->tier_defaulted -= p->tier_defaulted;
    s->hostile -= p->hostile;
    s->reappeared -= p->reappeared;
    memset(p, 0, sizeof *p);
}

static int collect_site(const struct sl_site *site, void *vctx)
{
    struct sl_recorder *r = vctx;
    struct site_info *ns = realloc(r->sites, (r->n_sites + 1) * sizeof *ns);
    if (ns == NULL)
        return -1;
    r->sites = ns;
    struct site_info *si = &r->sites[r->n_sites];
    si->id = site->id;
    si->tier = site->tier;
    sl_strlcpy(si->name, site->name, sizeof si->name);
    for (size_t i = 0; i < site->n_networks; i++) {
        struct sl_cidr c;
        if (sl_cidr_parse(site->networks[i], &c, NULL) != 0)
            continue;
        struct sl_site_net *nn = realloc(r->nets, (r->n_nets + 1) * sizeof *nn);
        if (nn == NULL)
            return -1;
        r->nets = nn;
        r->nets[r->n_nets++] = (struct sl_site_net){c, (int64_t)r->n_sites, site->tier};
    }
    r->n_sites++;
    return 0;
}

int sl_recorder_new(struct sl_recorder **out, const struct sl_scan_opts *o,
                    const struct sl_scan_callbacks *cb, struct sl_scan_summary *sum,
                    struct sl_err *err)
{
    struct sl_recorder *r = calloc(1, sizeof *r);
    if (r == NULL)
        return sl_err_set(err, "out of memory");
    r->o = o;
    r->cb = cb;
    r->sum = sum;
    r->now = o->now ? o->now : sl_now();
    r->fixed_site = -1;
    r->evp = calloc(SL_SCAN_HOST_MAX_EV, sizeof *r->evp);
    if (r->evp == NULL || (o->store != NULL && (r->q = calloc(BATCH_DEVICES, sizeof *r->q)) == NULL))
        goto oom;
    if (o->ident != NULL && (r->acc = sl_ident_acc_new(o->ident)) == NULL)
        goto oom;
    if (o->store != NULL) {
        if (sl_store_site_list(o->store, collect_site, r, err) != 0)
            goto fail;
        if ((r->nets_ix = sl_site_index_new(r->nets, r->n_nets)) == NULL)
            goto oom;
        if (o->site != NULL) {
            for (size_t i = 0; i < r->n_sites; i++)
                if (strcmp(r->sites[i].name, o->site) == 0)
                    r->fixed_site = (long)i;
            if (r->fixed_site < 0) {
                sl_err_setk(err, SL_ERR_NOT_FOUND, "no site named '%s' in the register (add it with 'sightline "
                                "sites add')",
                           o->site);
                goto fail;
            }
        }
        if (sl_store_scan_begin(o->store, r->fixed_site >= 0 ? r->sites[r->fixed_site].id : 0,
                                o->kind != NULL ? o->kind : "scan",
                                o->targets_text != NULL ? o->targets_text : "", o->options_json,
                                o->actor != NULL ? o->actor : "scanner", &r->scan_id, err) != 0)
            goto fail;
    } else if (o->site != NULL) {
        sl_err_setk(err, SL_ERR_INVALID, "--site needs a register");
        goto fail;
    }
    *out = r;
    return 0;
oom:
    sl_err_set(err, "out of memory");
fail:
    sl_recorder_free(r);
    return -1;
}

int64_t sl_recorder_scan_id(const struct sl_recorder *r) { return r->scan_id; }

/* The site an address belongs to (core/sitenet.h), or --site's. */
static long site_of(const struct sl_recorder *r, const struct sl_addr *a)
{
    if (r->fixed_site >= 0)
        return r->fixed_site;
    if (r->nets_ix == NULL)
        return -1; /* no register, no sites */
    return (long)sl_site_index_best(r->nets_ix, a);
}

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* "80,443,554": the host's open ports in order. */
static void ports_text(const struct sl_host *h, char *out, size_t n)
{
    uint16_t ports[32];
    memcpy(ports, h->open_ports, h->n_open * sizeof ports[0]);
    qsort(ports, h->n_open, sizeof ports[0], cmp_u16);
    out[0] = '\0';
    size_t used = 0;
    for (unsigned i = 0; i < h->n_open; i++) {
        int w = snprintf(out + used, n - used, "%s%u", i ? "," : "", (unsigned)ports[i]);
        if (w < 0 || (size_t)w >= n - used)
            break;
        used += (size_t)w;
    }
}

static void judge(struct sl_recorder *r, const struct sl_host *h, struct judged *j)
{
    const struct sl_scan_opts *o = r->o;
    memset(j, 0, sizeof *j);
    for (struct sl_ev_item *it = h->ev_head; it != NULL && j->n_ev < SL_SCAN_HOST_MAX_EV;
         it = it->next) {
        r->evp[j->n_ev++] = &it->ev;
        if (it->ev.outcome != SL_OUTCOME_OK)
            j->hostile = true;
        if (it->ev.outcome == SL_OUTCOME_MALFORMED && j->malformed == NULL)
            j->malformed = &it->ev;
    }
    if (r->acc != NULL) {
        sl_ident_acc_reset(r->acc);
        for (size_t i = 0; i < j->n_ev; i++)
            sl_ident_observe(r->acc, r->evp[i]);
        sl_ident_conclude(r->acc, &j->claim);
    }
    j->site = site_of(r, &h->addr);
    j->defaulted = j->site < 0;
    j->tier = j->defaulted ? SL_TIER_SENSITIVE : r->sites[j->site].tier;
    if (o->policy != NULL) {
        sl_policy_judge(o->policy, j->tier, &j->claim, r->now, &j->verdict);
    } else {
        j->verdict.decision = SL_DECISION_REVIEW;
        sl_strlcpy(j->verdict.reason, "no policy loaded", sizeof j->verdict.reason);
    }
    if (j->malformed != NULL)
        sl_policy_malformed_review(&j->verdict, j->malformed);
    ports_text(h, j->ports, sizeof j->ports);
}

/* A removed (or verified absent) device that answers, positively identified
 * (its MAC, serial or maker): reappeared, here as in verify and the monitor. */
static int reappeared(struct sl_recorder *r, const char *address, int64_t id,
                      const struct sl_observed *seen, const char *actor, struct sl_err *err)
{
    if (seen->created || !seen->positive ||
        (seen->prior_status != SL_STATUS_REMOVED &&
         seen->prior_status != SL_STATUS_VERIFIED_ABSENT))
        return 0;
    struct sl_event ev;
    memset(&ev, 0, sizeof ev);
    ev.to_status = SL_STATUS_REAPPEARED;
    ev.scan_id = r->scan_id;
    sl_strlcpy(ev.actor, actor, sizeof ev.actor);
    snprintf(ev.note, sizeof ev.note, "answered scan %lld at %s after its removal",
             (long long)r->scan_id, address);
    if (sl_store_device_set_status(r->o->store, id, &ev, err) != 0)
        return -1;
    r->sum->reappeared++;
    r->pending.reappeared++;
    return 0;
}

/* Copies the host's evidence (pointed at by r->evp) into q. 0 or -1 (memory). */
static int queue_evidence(struct sl_recorder *r, struct queued *q)
{
    size_t total = 0;
    for (size_t i = 0; i < q->j.n_ev; i++) {
        const struct sl_evidence *e = r->evp[i];
        total += e->len + 3 + (e->path ? strlen(e->path) : 0) +
                 (e->request ? strlen(e->request) : 0) + (e->detail ? strlen(e->detail) : 0);
    }
    char *p = q->bytes = malloc(total > 0 ? total : 1);
    if (p == NULL)
        return -1;
    for (size_t i = 0; i < q->j.n_ev; i++) {
        const struct sl_evidence *e = r->evp[i];
        q->ev[i] = *e;
        const char **text[3] = {&q->ev[i].path, &q->ev[i].request, &q->ev[i].detail};
        for (int k = 0; k < 3; k++)
            if (*text[k] != NULL) {
                size_t n = strlen(*text[k]) + 1;
                memcpy(p, *text[k], n);
                *text[k] = p;
                p += n;
            }
        if (e->len > 0 && e->data != NULL) {
            memcpy(p, e->data, e->len);
            q->ev[i].data = (const uint8_t *)p;
            p += e->len;
        }
        q->evp[i] = &q->ev[i];
    }
    r->q_bytes += total;
    return 0;
}

static void queue_clear(struct sl_recorder *r)
{
    for (size_t i = 0; i < r->n_q; i++)
        free(r->q[i].bytes);
    r->n_q = 0;
    r->q_bytes = 0;
}

/* The device as the scan reports it (on_device). */
static void report_device(struct sl_recorder *r, const struct judged *j, const char *address,
                          const struct sl_evidence **evp, int64_t device_id, bool created)
{
    if (r->cb->on_device == NULL)
        return;
    struct sl_scan_device d = {
        .address = address,
        .ports = j->ports,
        .claim = &j->claim,
        .verdict = &j->verdict,
        .site = j->defaulted ? "" : r->sites[j->site].name,
        .tier = j->tier,
        .tier_defaulted = j->defaulted,
        .device_id = device_id,
        .created = created,
        .evidence = evp,
        .n_evidence = j->n_ev,
    };
    r->cb->on_device(&d, r->cb->ctx);
}

static void batch_failed(struct sl_recorder *r)
{
    if (r->in_txn)
        sl_store_rollback(r->o->store);
    r->in_txn = false;
    queue_clear(r);
    pending_drop(r);
}

/* The queued hosts into the register in one call, each device seen again
 * after its removal marked reappeared, in the open transaction; then each
 * host reported. 0 or -1 (the batch and its counts dropped). */
static int write_queue(struct sl_recorder *r, struct sl_err *err)
{
    const struct sl_scan_opts *o = r->o;
    const char *actor = o->actor != NULL ? o->actor : "scanner";
    size_t n = r->n_q;
    struct sl_obs_item *items = calloc(n, sizeof *items);
    int64_t *ids = calloc(n, sizeof *ids);
    struct sl_observed *seen = calloc(n, sizeof *seen);
    bool ok = items != NULL && ids != NULL && seen != NULL &&
              SL_GROW(r->seen, r->cap_seen, r->n_seen + n, 256) == 0;
    if (!ok)
        sl_err_set(err, "out of memory");
    for (size_t i = 0; ok && i < n; i++) {
        const struct queued *q = &r->q[i];
        items[i].obs = (struct sl_device_obs){
            .scan_id = r->scan_id,
            .site_id = q->j.defaulted ? 0 : r->sites[q->j.site].id,
            .mac = q->j.claim.mac,
            .serial = q->j.claim.serial,
            .address = q->addr,
            .ports = q->j.ports,
            .claim = &q->j.claim,
            .verdict = &q->j.verdict,
            .seen_at = q->seen_at,
        };
        items[i].evs = q->evp;
        items[i].n_evs = q->j.n_ev;
    }
    if (ok && !r->in_txn) {
        ok = sl_store_begin(o->store, err) == 0;
        r->in_txn = ok;
    }
    ok = ok && sl_store_observe_batch(o->store, items, n, actor, ids, seen, err) == 0;
    for (size_t i = 0; ok && i < n; i++)
        ok = reappeared(r, r->q[i].addr, ids[i], &seen[i], actor, err) == 0;
    for (size_t i = 0; ok && i < n; i++) {
        if (ids[i] > 0)
            r->seen[r->n_seen++] = ids[i];
        report_device(r, &r->q[i].j, r->q[i].addr, r->q[i].evp, ids[i], seen[i].created);
    }
    free(items);
    free(ids);
    free(seen);
    if (!ok) {
        batch_failed(r);
        return -1;
    }
    queue_clear(r);
    return 0;
}

int sl_recorder_host(struct sl_recorder *r, struct sl_host *h, struct sl_err *err)
{
    struct judged jd;
    struct queued *q = r->o->store != NULL ? &r->q[r->n_q] : NULL;
    struct judged *j = q != NULL ? &q->j : &jd;
    judge(r, h, j);
    /* Counted first, as part of the open batch: a batch that is never
     * committed takes its devices back out of the summary (pending_drop). */
    unsigned dec = (unsigned)j->verdict.decision < SL_SCAN_DECISIONS ? j->verdict.decision : 0;
    struct sl_scan_summary *counts[2] = {r->sum, q != NULL ? &r->pending : NULL};
    for (int k = 0; k < 2 && counts[k] != NULL; k++) {
        counts[k]->stats.devices++;
        counts[k]->by_decision[dec]++;
        counts[k]->tier_defaulted += j->defaulted;
        counts[k]->hostile += j->hostile;
    }
    if (q == NULL) {
        report_device(r, j, h->addr_s, r->evp, 0, false);
        return 0;
    }
    j->malformed = NULL; /* it pointed into the host */
    sl_strlcpy(q->addr, h->addr_s, sizeof q->addr);
    q->seen_at = sl_now();
    if (queue_evidence(r, q) != 0) {
        batch_failed(r);
        return sl_err_set(err, "out of memory");
    }
    if (r->n_q++ == 0 && !r->in_txn)
        r->txn_started = sl_mono_ms();
    if (r->n_q >= BATCH_DEVICES || r->q_bytes >= BATCH_BYTES)
        return sl_recorder_flush(r, 0, err);
    return 0;
}

int sl_recorder_flush(struct sl_recorder *r, uint64_t max_age_ms, struct sl_err *err)
{
    if (!r->in_txn && r->n_q == 0)
        return 0;
    if (max_age_ms > 0 && sl_mono_ms() - r->txn_started < max_age_ms)
        return 0;
    if (r->n_q > 0 && write_queue(r, err) != 0)
        return -1;
    r->in_txn = false;
    if (sl_store_commit(r->o->store, err) != 0) {
        pending_drop(r);
        return -1;
    }
    memset(&r->pending, 0, sizeof r->pending);
    return 0;
}

struct ns_ctx {
    struct sl_recorder *r;
    const struct sl_walk *walk;
    uint64_t seen_below;
    int64_t *ids;
    size_t n, cap;
};

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int collect_not_seen(const struct sl_device *d, void *vctx)
{
    struct ns_ctx *c = vctx;
    const struct sl_recorder *r = c->r;
    if (d->address[0] == '\0' ||
        (r->n_seen > 0 && bsearch(&d->id, r->seen, r->n_seen, sizeof *r->seen, cmp_id) != NULL))
        return 0;
    struct sl_addr a;
    if (sl_addr_parse(d->address, &a) != 0 || !sl_targets_contains(c->r->o->targets, &a))
        return 0;
    uint64_t pos;
    if (c->seen_below != UINT64_MAX &&
        (!sl_walk_position_of(c->walk, &a, &pos) || pos >= c->seen_below))
        return 0;
    if (SL_GROW(c->ids, c->cap, c->n + 1, 64) != 0)
        return -1;
    c->ids[c->n++] = d->id;
    return 0;
}

int sl_recorder_finish(struct sl_recorder *r, const struct sl_walk *walk, uint64_t seen_below,
                       bool complete, struct sl_err *err)
{
    struct sl_store *s = r->o->store;
    if (s == NULL)
        return 0;
    int rc = sl_recorder_flush(r, 0, err);
    if (rc == 0 && r->o->targets != NULL && walk != NULL) {
        if (r->n_seen > 1)
            qsort(r->seen, r->n_seen, sizeof *r->seen, cmp_id);
        struct ns_ctx c = {r, walk, seen_below, NULL, 0, 0};
        struct sl_device_filter f = {.site = r->fixed_site >= 0 ? r->sites[r->fixed_site].name
                                                                : NULL,
                                     .status = -1};
        rc = sl_store_device_list(s, &f, collect_not_seen, &c, err);
        for (size_t i = 0; rc == 0 && i < c.n; i++) {
            struct sl_device d;
            if (sl_store_device_get(s, c.ids[i], &d, err) == 1) {
                r->sum->not_seen++;
                if (r->cb->on_not_seen != NULL)
                    r->cb->on_not_seen(&d, r->cb->ctx);
            }
        }
        free(c.ids);
    }
    struct sl_err ferr = {0};
    const struct sl_scan_stats *st = &r->sum->stats;
    if (sl_store_scan_finish(s, r->scan_id,
                             complete && rc == 0 ? SL_SCAN_COMPLETE : SL_SCAN_INCOMPLETE,
                             (int64_t)st->hosts_done, (int64_t)st->hosts_up,
                             (int64_t)st->devices, r->o->actor != NULL ? r->o->actor : "scanner",
                             &ferr) != 0 &&
        rc == 0) {
        *err = ferr;
        rc = -1;
    }
    r->sum->scan_id = r->scan_id;
    /* The last batch is written here: if the register refused it, the scan
     * did not complete, whatever the walk did. */
    if (rc != 0)
        r->sum->complete = false;
    return rc;
}

void sl_recorder_free(struct sl_recorder *r)
{
    if (r == NULL)
        return;
    if (r->in_txn)
        sl_store_rollback(r->o->store);
    if (r->q != NULL)
        queue_clear(r);
    free(r->q);
    sl_ident_acc_free(r->acc);
    free(r->sites);
    sl_site_index_free(r->nets_ix);
    free(r->nets);
    free(r->evp);
    free(r->seen);
    free(r);
}
