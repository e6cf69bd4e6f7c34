/* agent_figures.h - the report's agents section (docs/agents.md): the site
 * agents whose sites are in the report's scope (every agent for "all"; for a
 * tier, department or site, those with a site among the scope's sites), with
 * their state: ok, stale (silent for longer than twice its schedule) or
 * revoked, and whether its spool is full; and how many verification
 * requests wait for an agent (store/verifications.h) at sites in scope.
 *
 * An agent's state is the one it has when the report is made (the register
 * keeps no history of last-seen times), also in a report as of an earlier
 * date; the report says so.
 *
 * Memory: the rows are owned by the struct (sl_agent_figures_free); at most
 * SL_AFIG_MAX_LISTED agents are listed (stale and full first), all counted.
 */
#ifndef SL_PROGRAMME_AGENT_FIGURES_H
#define SL_PROGRAMME_AGENT_FIGURES_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

#define SL_AFIG_MAX_LISTED 500

struct sl_afig_agent {
    char name[SL_NAME_MAX];
    char sites[256];           /* comma-separated */
    const char *state;         /* "ok", "stale" or "revoked" (static) */
    char last_seen[SL_ISO_LEN]; /* "" when never */
    char version[32];
    int64_t spool_batches;
    bool spool_full;
};

struct sl_agent_figures {
    int64_t enrolled, ok, stale, revoked, spool_full;
    int64_t verify_pending; /* verification requests pending for sites in scope */
    size_t n_listed;
    struct sl_afig_agent *listed; /* stale and full first, then by name */
};

/* The agents in scope: in_scope(site name, ctx) says whether a site is in the
 * report's scope (NULL: every agent). now decides staleness. 0 or -1. */
int sl_agent_figures(struct sl_store *s, bool (*in_scope)(const char *site, void *ctx),
                     void *ctx, int64_t now, struct sl_agent_figures *out, struct sl_err *err);
void sl_agent_figures_free(struct sl_agent_figures *f);

#endif
