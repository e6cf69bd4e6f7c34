/* agent_figures.c - the agents in a report's scope and their state, from the
 * register's agents table (store/agents.h). Judges nothing; reads once. */
#include "programme/agent_figures.h"

#include <stdlib.h>
#include <string.h>

#include "store/agents.h"
#include "store/verifications.h"
#include "util/str.h"
#include "util/timeutil.h"

struct walk {
    bool (*in_scope)(const char *site, void *ctx);
    void *ctx;
    int64_t now;
    struct sl_agent_figures *f;
    bool oom;
};

/* Whether one of the agent's sites ("a,b,c") is in the scope. */
static bool agent_in_scope(const struct walk *w, const char *sites)
{
    if (w->in_scope == NULL)
        return true;
    char copy[256];
    sl_strlcpy(copy, sites, sizeof copy);
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save))
        if (w->in_scope(t, w->ctx))
            return true;
    return false;
}

static int on_agent(const struct sl_agent *a, void *vw)
{
    struct walk *w = vw;
    struct sl_agent_figures *f = w->f;
    if (!agent_in_scope(w, a->sites))
        return 0;
    f->enrolled++;
    const char *state = a->revoked_at ? "revoked" : sl_agent_stale(a, w->now) ? "stale" : "ok";
    if (a->revoked_at)
        f->revoked++;
    else if (strcmp(state, "stale") == 0)
        f->stale++;
    else
        f->ok++;
    if (a->spool_full && !a->revoked_at)
        f->spool_full++;
    if (f->n_listed == SL_AFIG_MAX_LISTED)
        return 0;
    if (f->n_listed % 64 == 0) {
        struct sl_afig_agent *n = realloc(f->listed, (f->n_listed + 64) * sizeof *n);
        if (n == NULL) {
            w->oom = true;
            return 1;
        }
        f->listed = n;
    }
    struct sl_afig_agent *r = &f->listed[f->n_listed++];
    memset(r, 0, sizeof *r);
    sl_strlcpy(r->name, a->name, sizeof r->name);
    sl_strlcpy(r->sites, a->sites, sizeof r->sites);
    r->state = state;
    if (a->last_seen > 0)
        sl_time_iso(a->last_seen, r->last_seen);
    sl_strlcpy(r->version, a->version, sizeof r->version);
    r->spool_batches = a->spool_batches;
    r->spool_full = a->spool_full;
    return 0;
}

static int on_request(const struct sl_verify_req *r, void *vw)
{
    struct walk *w = vw;
    if (w->in_scope == NULL || w->in_scope(r->site, w->ctx))
        w->f->verify_pending++;
    return 0;
}

/* Stale first, then a full spool, then ok, then revoked; by name within. */
static int rank(const struct sl_afig_agent *a)
{
    if (strcmp(a->state, "stale") == 0)
        return 0;
    if (strcmp(a->state, "revoked") == 0)
        return 3;
    return a->spool_full ? 1 : 2;
}

static int by_rank(const void *x, const void *y)
{
    const struct sl_afig_agent *a = x, *b = y;
    int d = rank(a) - rank(b);
    return d != 0 ? d : strcmp(a->name, b->name);
}

int sl_agent_figures(struct sl_store *s, bool (*in_scope)(const char *site, void *ctx),
                     void *ctx, int64_t now, struct sl_agent_figures *out, struct sl_err *err)
{
    memset(out, 0, sizeof *out);
    struct walk w = {in_scope, ctx, now, out, false};
    if (sl_store_agent_list(s, on_agent, &w, err) != 0 || w.oom ||
        sl_store_verify_req_list(s, 0, true, on_request, &w, err) != 0) {
        if (w.oom)
            sl_err_set(err, "out of memory listing agents");
        sl_agent_figures_free(out);
        return -1;
    }
    if (out->n_listed > 1)
        qsort(out->listed, out->n_listed, sizeof *out->listed, by_rank);
    return 0;
}

void sl_agent_figures_free(struct sl_agent_figures *f)
{
    free(f->listed);
    f->listed = NULL;
    f->n_listed = 0;
}
