/* agent_verify.h - applying a site agent's batch centrally, whichever kind
 * it is: a scan's (scan/batch.h, sl_batch_ingest) or a verification's
 * outcome (a verification request of store/verifications.h, run by the
 * agent). A verification's batch is checked like a scan's (the agent's
 * header and signature, every host in its sites and outside their
 * exclusions) and must answer a request for one of the agent's sites; it is
 * then applied exactly as `sightline verify` applies a rescan
 * (programme/verify_scan.h: a scan record of kind "verify", the evidence,
 * the reconciliation with its lifecycle changes and audit entries), the
 * request marked done with the outcome, all in one transaction, once. A
 * batch answering a request done already is acknowledged, not applied.
 *
 * Memory: results are values. Bounded by the batch's own bounds.
 */
#ifndef SL_PROGRAMME_AGENT_VERIFY_H
#define SL_PROGRAMME_AGENT_VERIFY_H

#include <stddef.h>

#include "programme/reconcile.h"
#include "scan/batch.h"
#include "store/agents.h"

/* Either kind of batch (see above); rec (may be NULL) gets a verification's
 * reconciliation. Errors as sl_batch_ingest's: INVALID, CONFLICT (hosts
 * outside the agent's sites or excluded, counted; a request not for its
 * sites), or the register's. */
int sl_agent_batch_apply(struct sl_store *s, const struct sl_agent *a, const char *data,
                         size_t len, const struct sl_scan_opts *opts,
                         struct sl_batch_result *res, struct sl_reconcile_result *rec,
                         struct sl_err *err);

#endif
