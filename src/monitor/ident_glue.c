/* ident_glue.c - identify + policy for the monitor (see ident_glue.h). */
#include "monitor/ident_glue.h"

#include <stdlib.h>

#include "ident/ident.h"
#include "policy/policy.h"

struct glue {
    struct sl_mon_identify ops; /* first: the pointer handed out is the glue's */
    struct sl_ident *ident;
    struct sl_policy_set *policy;
    enum sl_tier tier;
};

static void *acc_new(void *ctx)
{
    return sl_ident_acc_new(((struct glue *)ctx)->ident);
}

static void acc_free(void *acc)
{
    sl_ident_acc_free(acc);
}

static void observe(void *acc, const struct sl_evidence *ev)
{
    sl_ident_observe(acc, ev);
}

static void conclude(void *acc, struct sl_claim *out)
{
    sl_ident_conclude(acc, out);
}

static void rebind(void *acc, void *ctx)
{
    sl_ident_acc_rebind(acc, ((struct glue *)ctx)->ident);
}

static void judge(void *ctx, const struct sl_claim *c, int64_t now, struct sl_verdict *out)
{
    struct glue *g = ctx;
    sl_policy_judge(g->policy, g->tier, c, now, out);
}

int sl_mon_identify_open(struct sl_mon_identify **out, const char *datadir, enum sl_tier tier,
                         const char *policy_ids, struct sl_err *err)
{
    struct glue *g = calloc(1, sizeof *g);
    if (g == NULL)
        return sl_err_set(err, "out of memory");
    if (sl_ident_load(&g->ident, datadir, err) != 0)
        goto fail;
    if (sl_policy_load(&g->policy, datadir, err) != 0)
        goto fail;
    if (policy_ids != NULL && sl_policy_select(g->policy, policy_ids, err) != 0) {
        sl_err_prefix(err, "--policy");
        sl_err_kind(err, SL_ERR_INVALID);
        goto fail;
    }
    g->tier = tier;
    g->ops.ctx = g;
    g->ops.acc_new = acc_new;
    g->ops.acc_free = acc_free;
    g->ops.observe = observe;
    g->ops.conclude = conclude;
    g->ops.judge = judge;
    g->ops.rebind = rebind;
    *out = &g->ops;
    return 0;
fail:
    sl_mon_identify_close(&g->ops);
    return -1;
}

void sl_mon_identify_close(struct sl_mon_identify *mi)
{
    if (mi == NULL)
        return;
    struct glue *g = (struct glue *)mi;
    sl_ident_free(g->ident);
    sl_policy_free(g->policy);
    free(g);
}
