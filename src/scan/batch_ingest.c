/* batch_ingest.c - applying an agent's batch to the register: who sent it,
 * whether its signature holds, whether its hosts are the agent's to report,
 * and once only; several checked batches in one transaction (a writer's
 * group). Parsing is batch.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sitenet.h"
#include "scan/batch.h"
#include "store/agents.h"
#include "store/exclusions.h"
#include "util/grow.h"

struct nets {
    struct sl_site_net *v;
    size_t n, cap;
    bool failed;
};

static int collect(const struct sl_site *site, void *ctx)
{
    struct nets *ns = ctx;
    for (size_t i = 0; i < site->n_networks; i++) {
        struct sl_cidr c;
        if (sl_cidr_parse(site->networks[i], &c, NULL) != 0)
            continue;
        if (ns->n == ns->cap) {
            size_t cap = ns->cap ? ns->cap * 2 : 64;
            struct sl_site_net *v = realloc(ns->v, cap * sizeof *v);
            if (v == NULL) {
                ns->failed = true;
                return 1;
            }
            ns->v = v;
            ns->cap = cap;
        }
        ns->v[ns->n++] = (struct sl_site_net){c, site->id, site->tier};
    }
    return 0;
}

/* How many of n addresses (address i by at(ctx, i)) lie outside the agent's
 * sites (by the most specific network of any site, the rule the recorder
 * files them by) or, when `excluded` is set, in their exclusions (a scan
 * never probes those; a passive monitor may still see them). -1 on error. */
static long outside_of(struct sl_store *s, const struct sl_agent *a,
                       const char *(*at)(const void *ctx, size_t i), const void *ctx, size_t n,
                       bool excluded, struct sl_err *err)
{
    int64_t mine[SL_AGENT_MAX_SITES];
    size_t n_mine = 0, n_excl = 0;
    struct nets ns = {0};
    struct sl_cidr *excl = NULL;
    if (sl_store_agent_site_ids(s, a->id, mine, SL_AGENT_MAX_SITES, &n_mine, err) != 0 ||
        sl_store_site_list(s, collect, &ns, err) != 0 || ns.failed ||
        sl_store_exclusion_nets(s, mine, n_mine, &excl, &n_excl, err) != 0) {
        free(ns.v);
        return ns.failed ? sl_err_set(err, "out of memory") : -1;
    }
    struct sl_site_index *ix = sl_site_index_new(ns.v, ns.n);
    if (ix == NULL) {
        free(ns.v);
        free(excl);
        return sl_err_set(err, "out of memory");
    }
    long out = 0;
    for (size_t i = 0; i < n; i++) {
        struct sl_addr addr;
        if (sl_addr_parse(at(ctx, i), &addr) != 0) {
            out++;
            continue;
        }
        int64_t site = sl_site_index_best(ix, &addr);
        bool ok = false;
        for (size_t k = 0; k < n_mine && !ok; k++)
            ok = mine[k] == site;
        out += !ok || (excluded && sl_exclusion_hit(excl, n_excl, &addr));
    }
    sl_site_index_free(ix);
    free(ns.v);
    free(excl);
    return out;
}

static const char *host_at(const void *ctx, size_t i)
{
    return sl_batch_hosts_address(ctx, i);
}

static long outside_sites(struct sl_store *s, const struct sl_agent *a,
                          const struct sl_batch_hosts *hs, struct sl_err *err)
{
    return outside_of(s, a, host_at, hs, sl_batch_hosts_count(hs), true, err);
}

static const char *string_at(const void *ctx, size_t i)
{
    return ((const char *const *)ctx)[i];
}

long sl_batch_outside_sites(struct sl_store *s, const struct sl_agent *a,
                            const char *const *addrs, size_t n, struct sl_err *err)
{
    return outside_of(s, a, string_at, addrs, n, false, err);
}

int sl_batch_check_sites(struct sl_store *s, const struct sl_agent *a,
                         const struct sl_batch_hosts *hs, struct sl_batch_result *res,
                         struct sl_err *err)
{
    res->hosts = sl_batch_hosts_count(hs);
    long out = outside_sites(s, a, hs, err);
    if (out <= 0)
        return out < 0 ? -1 : 0;
    res->outside = (size_t)out;
    struct sl_err e2 = {0};
    sl_store_agent_refused(s, a->id, out, &e2);
    return sl_err_setk(err, SL_ERR_CONFLICT,
                       "%ld of %zu hosts lie outside agent %s's sites (%s) or in their exclusions",
                       out, res->hosts, a->name, a->sites);
}

struct sig_check {
    const char *data;
    const struct sl_batch *b;
};

static int verifies(const char *pem, void *ctx)
{
    const struct sig_check *c = ctx;
    return sl_pki_verify(pem, c->data, c->b->signed_len, c->b->sig, NULL) == 0;
}

/* The header and signature: the batch is a's and a signed it, with the key
 * of its current certificate or of one it held before a renewal (a batch
 * spooled before the renewal is sent after it). */
static int check_origin(struct sl_store *s, const struct sl_agent *a, const char *data,
                        const struct sl_batch *b, struct sl_err *err)
{
    if (strcmp(b->agent, a->uid) != 0)
        return sl_err_setk(err, SL_ERR_INVALID, "the batch names agent %s, not %s", b->agent,
                           a->uid);
    struct sig_check c = {data, b};
    int rc = sl_store_agent_certs_each(s, a->id, verifies, &c, err);
    if (rc < 0)
        return -1;
    return rc == 1 ? 0
                   : sl_err_setk(err, SL_ERR_INVALID,
                                 "the signature does not verify against agent %s's certificate "
                                 "(forged or altered)",
                                 a->name);
}

int sl_batch_check_origin(struct sl_store *s, const struct sl_agent *a, const char *data,
                          const struct sl_batch *b, struct sl_err *err)
{
    return check_origin(s, a, data, b, err);
}

int sl_batch_check(struct sl_store *s, const struct sl_agent *a, const char *data, size_t len,
                   struct sl_batch_job *job, struct sl_err *err)
{
    memset(job, 0, sizeof *job);
    job->agent = *a;
    snprintf(job->actor, sizeof job->actor, "agent:%s", a->name);
    struct sl_batch *b = &job->b;
    if (sl_batch_parse(data, len, b, err) != 0 || check_origin(s, a, data, b, err) != 0)
        return -1;
    if (sl_batch_is_verification(b))
        return sl_err_setk(err, SL_ERR_INVALID, "a verification's batch is not a scan's");
    int seen = sl_store_agent_batch_seen(s, b->uuid, err);
    if (seen != 0)
        return seen < 0 ? -1 : 0;
    if (sl_batch_hosts_read(b, &job->hs, err) != 0)
        return -1;
    return sl_batch_check_sites(s, a, job->hs, &job->res, err) == 0 ? 1 : -1;
}

/* One job into the open transaction: its hosts under a scan record of their
 * own, and its agent_batches row. */
static int apply_one(struct sl_store *s, struct sl_batch_job *j, const struct sl_scan_opts *opts,
                     struct sl_err *err)
{
    struct sl_scan_opts o = *opts;
    o.store = s;
    o.site = NULL;
    if (o.actor == NULL)
        o.actor = j->actor;
    struct sl_scan_summary sum;
    if (sl_batch_hosts_record(j->hs, &o, &sum, err) != 0 ||
        sl_store_agent_batch_add(s, j->b.uuid, j->agent.id, j->b.seq, (int64_t)j->b.records,
                                 sum.scan_id, sl_now(), err) != 0)
        return -1;
    j->res.scan_id = sum.scan_id;
    j->res.devices = sum.stats.devices;
    return 0;
}

/* The job whose UUID an earlier job of the group has, or NULL. */
static const struct sl_batch_job *twin(struct sl_batch_job *const *jobs, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (strcmp(jobs[k]->b.uuid, jobs[i]->b.uuid) == 0)
            return jobs[k];
    return NULL;
}

/* Every job of the group in one transaction. 0 (all applied or twins), -1. */
static int apply_together(struct sl_store *s, struct sl_batch_job *const *jobs, size_t n,
                          const struct sl_scan_opts *opts, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (twin(jobs, i) == NULL && apply_one(s, jobs[i], opts, err) != 0) {
            sl_store_rollback(s);
            return -1;
        }
    if (sl_store_commit(s, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        jobs[i]->rc = 0;
        jobs[i]->res.applied = twin(jobs, i) == NULL;
    }
    return 0;
}

/* One job in a transaction of its own. */
static void apply_alone(struct sl_store *s, struct sl_batch_job *j, const struct sl_scan_opts *opts)
{
    struct sl_err *err = &j->err;
    /* Its twin of the group, or a concurrent copy, may have been applied meanwhile. */
    int seen = sl_store_agent_batch_seen(s, j->b.uuid, err);
    if (seen != 0) {
        j->rc = seen < 0 ? -1 : 0;
        j->res.applied = false;
        return;
    }
    j->rc = sl_store_begin(s, err);
    if (j->rc == 0 && apply_one(s, j, opts, err) != 0) {
        sl_store_rollback(s);
        j->rc = -1;
    }
    if (j->rc == 0)
        j->rc = sl_store_commit(s, err);
    j->res.applied = j->rc == 0;
    /* A concurrent copy of the same batch won the key: acknowledged, not applied. */
    if (j->rc != 0 && err->kind == SL_ERR_EXISTS && sl_store_agent_batch_seen(s, j->b.uuid, err) == 1)
        j->rc = 0;
}

int sl_batch_apply_group(struct sl_store *s, struct sl_batch_job *const *jobs, size_t n,
                         const struct sl_scan_opts *opts, struct sl_err *err)
{
    if (n > 1 && apply_together(s, jobs, n, opts, err) == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        memset(&jobs[i]->err, 0, sizeof jobs[i]->err);
        jobs[i]->res.scan_id = 0;
        jobs[i]->res.devices = 0;
        apply_alone(s, jobs[i], opts);
    }
    return n > 1 ? -1 : 0;
}

void sl_batch_job_free(struct sl_batch_job *job)
{
    if (job != NULL) {
        sl_batch_hosts_free(job->hs);
        job->hs = NULL;
    }
}

int sl_batch_ingest(struct sl_store *s, const struct sl_agent *a, const char *data, size_t len,
                    const struct sl_scan_opts *opts, struct sl_batch_result *res,
                    struct sl_err *err)
{
    struct sl_batch_job job;
    int rc = sl_batch_check(s, a, data, len, &job, err);
    if (rc == 1) {
        struct sl_batch_job *one = &job;
        sl_batch_apply_group(s, &one, 1, opts, err);
        rc = job.rc;
        if (rc != 0)
            *err = job.err;
    } else if (rc == 0) {
        job.res.applied = false;
    }
    *res = job.res;
    sl_batch_job_free(&job);
    return rc;
}
