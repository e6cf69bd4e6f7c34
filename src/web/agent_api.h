/* agent_api.h - the site agents' endpoint of `sightline serve` (docs/agents.md):
 * its own HTTPS listener (--agent-listen), mutual TLS against the server's
 * agent CA (net/pki.h), next to the dashboard in the same process.
 *
 *   GET  /agent/v1/ca      the CA certificate (public; a token pins its hash)
 *   POST /agent/v1/enrol   {"token","csr","name"?}: a client certificate
 *   GET  /agent/v1/config  (client certificate) sites, networks, schedule
 *   POST /agent/v1/batch   (client certificate) a signed batch (scan/batch.h)
 *   POST /agent/v1/renew   (client certificate) {"csr"}: a new certificate for
 *                          the same agent, pending until first used (store/agents.h)
 *   POST /agent/v1/alerts  (client certificate) a signed batch of monitor
 *                          alerts (monitor/agent_alerts.h)
 *
 * Every request after enrolment is checked on arrival: the client certificate
 * must be this CA's, unexpired, and belong to an enrolled, unrevoked agent;
 * anything else is refused with a log line naming the peer and the reason.
 * Bodies are bounded (a batch at SL_BATCH_MAX_BYTES, the rest 64 KiB), and
 * each agent has a rate limit (requests a minute).
 *
 * Memory: sl_agent_srv_prepare allocates; sl_agent_srv_stop frees.
 */
#ifndef SL_WEB_AGENT_API_H
#define SL_WEB_AGENT_API_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct sl_agent_srv_opts {
    const char *listen;     /* "ADDR:PORT" */
    const char *db;
    const char *tls_dir;    /* where the agent CA is kept (made on first start) */
    const char *name;       /* the server's name or address agents use, for its
                               certificate; NULL: the listen address */
    unsigned threads;
    int cert_days;          /* validity of agents' certificates */
    unsigned rate;          /* requests per agent per minute */
    size_t max_batch;       /* bytes; 0: SL_BATCH_MAX_BYTES */
};

struct sl_agent_srv;

/* Binds, loads (or makes) the CA and the endpoint's certificate, loads the
 * rules and policies: everything that needs the privileges serve starts
 * with. info gets the lines an operator must see. 0 or -1. */
int sl_agent_srv_prepare(const struct sl_agent_srv_opts *o, struct sl_agent_srv **out,
                         char *info, size_t infon, struct sl_err *err);
/* Starts serving (after privileges are dropped). 0 or -1. */
int sl_agent_srv_start(struct sl_agent_srv *a, struct sl_err *err);
void sl_agent_srv_stop(struct sl_agent_srv *a);

#endif
