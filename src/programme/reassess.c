/* reassess.c - devices identified again from their stored evidence and judged
 * again (reassess.h); the store records what changed. No printing. */
#include "programme/reassess.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/str.h"

#define PROGRESS_EVERY 1000

struct site_tier {
    int64_t id;
    enum sl_tier tier;
};

/* The first malformed answer of a device's newest scan, kept past its row. */
struct malformed {
    bool seen;
    uint16_t port;
    char path[256], request[128], detail[256];
};

struct batch {
    const struct sl_reassess_opts *o;
    struct sl_store *s;
    struct site_tier *sites;
    size_t n_sites, cap_sites;
    struct sl_device *dev;     /* SL_DEVICE_BATCH */
    int64_t ids[SL_DEVICE_BATCH];
    size_t n;
    struct sl_ident_acc *acc[SL_DEVICE_BATCH];
    int64_t scan[SL_DEVICE_BATCH]; /* the newest scan whose evidence is observed; 0 = none yet */
    struct malformed bad[SL_DEVICE_BATCH];
    int64_t after;             /* the last device id read */
    int failed;
};

static int site_cb(const struct sl_site *site, void *vb)
{
    struct batch *b = vb;
    if (SL_GROW(b->sites, b->cap_sites, b->n_sites + 1, 16) != 0)
        return b->failed = 1;
    b->sites[b->n_sites++] = (struct site_tier){site->id, site->tier};
    return 0;
}

static enum sl_tier tier_of(const struct batch *b, int64_t site_id)
{
    for (size_t i = 0; i < b->n_sites; i++)
        if (b->sites[i].id == site_id)
            return b->sites[i].tier;
    return SL_TIER_SENSITIVE; /* outside every site: judged as a scan judges it */
}

static int device_cb(const struct sl_device *d, void *vb)
{
    struct batch *b = vb;
    b->dev[b->n] = *d;
    b->ids[b->n++] = d->id;
    b->after = d->id;
    return 0;
}

static int evidence_cb(const struct sl_evidence_row *r, void *vb)
{
    struct batch *b = vb;
    size_t i = 0;
    while (i < b->n && b->ids[i] != r->device_id)
        i++;
    if (i == b->n)
        return 0;
    if (b->scan[i] == 0)
        b->scan[i] = r->scan_id;
    if (r->scan_id != b->scan[i])
        return 0; /* an older scan's: the claim is what the newest scan saw */
    sl_ident_observe(b->acc[i], &r->ev);
    if (r->ev.outcome == SL_OUTCOME_MALFORMED && !b->bad[i].seen) {
        struct malformed *m = &b->bad[i];
        m->seen = true;
        m->port = r->ev.port;
        sl_strlcpy(m->path, r->path, sizeof m->path);
        sl_strlcpy(m->request, r->request, sizeof m->request);
        sl_strlcpy(m->detail, r->detail, sizeof m->detail);
    }
    return 0;
}

/* Judges device i of the batch again and records (or, dry, reports) a change. */
static int judge_one(struct batch *b, size_t i, struct sl_reassess_result *res,
                     struct sl_err *err)
{
    const struct sl_reassess_opts *o = b->o;
    const struct sl_device *d = &b->dev[i];
    struct sl_claim claim;
    struct sl_verdict v;
    if (b->scan[i] != 0) {
        sl_ident_conclude(b->acc[i], &claim);
    } else {
        claim = d->claim;
        res->without_evidence++;
    }
    sl_policy_judge(o->policy, d->site_id > 0 ? tier_of(b, d->site_id) : SL_TIER_SENSITIVE,
                    &claim, sl_now(), &v);
    if (b->bad[i].seen) {
        const struct malformed *m = &b->bad[i];
        struct sl_evidence ev = {0};
        ev.port = m->port;
        ev.path = m->path[0] ? m->path : NULL;
        ev.request = m->request[0] ? m->request : NULL;
        ev.detail = m->detail[0] ? m->detail : NULL;
        sl_policy_malformed_review(&v, &ev);
    }
    int what = (sl_claim_changed(&d->claim, &claim) ? SL_CHANGED_CLAIM : 0) |
               (sl_verdict_changed(&d->verdict, &v) ? SL_CHANGED_VERDICT : 0);
    if (what != 0 && !o->dry_run &&
        sl_store_device_rejudge(b->s, d->id, &claim, &v, o->actor, &what, err) != 0)
        return -1;
    res->claims_changed += (what & SL_CHANGED_CLAIM) != 0;
    res->verdicts_changed += (what & SL_CHANGED_VERDICT) != 0;
    if (what != 0 && o->on_change != NULL) {
        struct sl_reassess_change c = {d, &claim, &v, what};
        o->on_change(&c, o->ctx);
    }
    return 0;
}

/* One batch: its devices' evidence streamed into their accumulators, then each judged. */
static int run_batch(struct batch *b, struct sl_reassess_result *res, struct sl_err *err)
{
    for (size_t i = 0; i < b->n; i++) {
        sl_ident_acc_reset(b->acc[i]);
        b->scan[i] = 0;
        memset(&b->bad[i], 0, sizeof b->bad[i]);
    }
    if (sl_store_evidence_list_many(b->s, b->ids, b->n, 0, evidence_cb, b, err) != 0)
        return -1;
    /* One transaction a batch: a commit (and its fsync) per device would be
     * most of the time of a large register. */
    if (!b->o->dry_run && sl_store_begin(b->s, err) != 0)
        return -1;
    for (size_t i = 0; i < b->n; i++) {
        if (judge_one(b, i, res, err) != 0) {
            if (!b->o->dry_run)
                sl_store_rollback(b->s);
            return -1;
        }
        res->examined++;
    }
    return b->o->dry_run ? 0 : sl_store_commit(b->s, err);
}

static int walk(struct batch *b, int64_t site_id, int64_t total, struct sl_reassess_result *res,
                struct sl_err *err)
{
    const struct sl_reassess_opts *o = b->o;
    int64_t next_report = PROGRESS_EVERY;
    for (;;) {
        struct sl_device_page_query q = {site_id > 0 ? &site_id : NULL, site_id > 0 ? 1 : 0,
                                         -1, NULL, NULL, b->after, false, SL_DEVICE_BATCH};
        b->n = 0;
        if (sl_store_device_page(b->s, &q, device_cb, b, err) != 0)
            return -1;
        if (b->n == 0)
            break;
        if (run_batch(b, res, err) != 0)
            return -1;
        if (o->on_progress != NULL && res->examined >= next_report) {
            o->on_progress(res->examined, total, o->ctx);
            next_report = res->examined + PROGRESS_EVERY;
        }
        if (b->n < SL_DEVICE_BATCH)
            break;
    }
    if (o->on_progress != NULL)
        o->on_progress(res->examined, total, o->ctx);
    return 0;
}

int sl_reassess_run(struct sl_store *s, const struct sl_reassess_opts *o,
                    struct sl_reassess_result *res, struct sl_err *err)
{
    memset(res, 0, sizeof *res);
    struct batch *b = calloc(1, sizeof *b);
    if (b == NULL)
        return sl_err_set(err, "out of memory");
    b->o = o;
    b->s = s;
    int rc = 0;
    int64_t site_id = 0;
    struct sl_status_counts counts;
    if (o->site != NULL) {
        struct sl_site site;
        rc = sl_store_site_get(s, o->site, &site, err);
        if (rc == 0)
            rc = sl_err_setk(err, SL_ERR_NOT_FOUND, "no site named '%s' in the register", o->site);
        else if (rc == 1) {
            site_id = site.id;
            sl_site_free(&site);
            rc = 0;
        }
    }
    if (rc == 0 && (sl_store_site_list(s, site_cb, b, err) != 0 ||
                    sl_store_count_devices(s, o->site, &counts, err) != 0))
        rc = -1;
    if (rc == 0 && b->failed)
        rc = sl_err_set(err, "out of memory");
    b->dev = rc == 0 ? malloc(SL_DEVICE_BATCH * sizeof *b->dev) : NULL;
    for (size_t i = 0; rc == 0 && i < SL_DEVICE_BATCH; i++)
        if ((b->acc[i] = sl_ident_acc_new(o->ident)) == NULL)
            rc = sl_err_set(err, "out of memory");
    if (rc == 0 && b->dev == NULL)
        rc = sl_err_set(err, "out of memory");
    if (rc == 0)
        rc = walk(b, site_id, counts.total, res, err);
    for (size_t i = 0; i < SL_DEVICE_BATCH; i++)
        sl_ident_acc_free(b->acc[i]);
    free(b->dev);
    free(b->sites);
    free(b);
    return rc;
}
