/* batch_ingest.c - applying an agent's batch to the register: who sent it,
 * whether its signature holds, whether its hosts are the agent's to report,
 * and once only. Parsing is batch.c's. */
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

/* How many hosts lie outside the agent's sites (by the most specific network
 * of any site, the rule the recorder files them by) or in their exclusions.
 * -1 on error. */
static long outside_sites(struct sl_store *s, const struct sl_agent *a,
                          const struct sl_batch_hosts *hs, struct sl_err *err)
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
    long out = 0;
    for (size_t i = 0; i < sl_batch_hosts_count(hs); i++) {
        struct sl_addr addr;
        if (sl_addr_parse(sl_batch_hosts_address(hs, i), &addr) != 0) {
            out++;
            continue;
        }
        int64_t site = sl_site_net_best(ns.v, ns.n, &addr);
        bool ok = false;
        for (size_t k = 0; k < n_mine && !ok; k++)
            ok = mine[k] == site;
        out += !ok || sl_exclusion_hit(excl, n_excl, &addr);
    }
    free(ns.v);
    free(excl);
    return out;
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

/* The header and signature: the batch is a's and a signed it. */
int sl_batch_check_origin(struct sl_store *s, const struct sl_agent *a, const char *data,
                          const struct sl_batch *b, struct sl_err *err)
{
    if (strcmp(b->agent, a->uid) != 0)
        return sl_err_setk(err, SL_ERR_INVALID, "the batch names agent %s, not %s", b->agent,
                           a->uid);
    char *pem = NULL;
    int rc = sl_store_agent_cert(s, a->id, &pem, err);
    if (rc == 0)
        rc = sl_err_setk(err, SL_ERR_NOT_FOUND, "agent %s has no certificate", a->uid);
    if (rc == 1)
        rc = sl_pki_verify(pem, data, b->signed_len, b->sig, err) == 0
                 ? 0
                 : sl_err_setk(err, SL_ERR_INVALID,
                               "the signature does not verify against agent %s's certificate "
                               "(forged or altered)",
                               a->name);
    free(pem);
    return rc;
}

static int apply(struct sl_store *s, const struct sl_agent *a, const struct sl_batch *b,
                 struct sl_batch_hosts *hs, const struct sl_scan_opts *opts,
                 struct sl_batch_result *res, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct sl_scan_opts o = *opts;
    o.store = s;
    o.site = NULL;
    struct sl_scan_summary sum;
    if (sl_batch_hosts_record(hs, &o, &sum, err) != 0 ||
        sl_store_agent_batch_add(s, b->uuid, a->id, b->seq, (int64_t)b->records, sum.scan_id,
                                 sl_now(), err) != 0) {
        sl_store_rollback(s);
        return -1;
    }
    if (sl_store_commit(s, err) != 0)
        return -1;
    res->applied = true;
    res->scan_id = sum.scan_id;
    res->devices = sum.stats.devices;
    return 0;
}

int sl_batch_ingest(struct sl_store *s, const struct sl_agent *a, const char *data, size_t len,
                    const struct sl_scan_opts *opts, struct sl_batch_result *res,
                    struct sl_err *err)
{
    memset(res, 0, sizeof *res);
    struct sl_batch b;
    if (sl_batch_parse(data, len, &b, err) != 0 || sl_batch_check_origin(s, a, data, &b, err) != 0)
        return -1;
    if (sl_batch_is_verification(&b))
        return sl_err_setk(err, SL_ERR_INVALID, "a verification's batch is not a scan's");
    int seen = sl_store_agent_batch_seen(s, b.uuid, err);
    if (seen != 0)
        return seen < 0 ? -1 : 0;
    struct sl_batch_hosts *hs = NULL;
    if (sl_batch_hosts_read(&b, &hs, err) != 0)
        return -1;
    int rc = sl_batch_check_sites(s, a, hs, res, err);
    if (rc == 0) {
        rc = apply(s, a, &b, hs, opts, res, err);
        /* A concurrent copy of the same batch won the key: acknowledged, not applied. */
        if (rc != 0 && err->kind == SL_ERR_EXISTS && sl_store_agent_batch_seen(s, b.uuid, err) == 1)
            rc = 0;
    }
    sl_batch_hosts_free(hs);
    return rc;
}
