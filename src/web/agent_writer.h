/* agent_writer.h - the writers of agents' batches: a small pool of threads,
 * each with its own register connection, that apply the batches the HTTP
 * workers have checked (scan/batch.h, sl_batch_check), several queued
 * batches in one transaction (sl_batch_apply_group), and tell the submitter
 * after the commit. HTTP workers only parse and check, so a long batch never
 * holds up the handshakes of other connections (docs/agents.md, "Ingest").
 *
 * Bounded: at most AGENT_WRITER_QUEUE batches wait (then submit refuses and
 * the agent sends again later); a group is at most AGENT_WRITER_GROUP batches
 * and AGENT_WRITER_GROUP_HOSTS hosts (a larger batch is a group alone).
 *
 * Memory: a submitted job stays the submitter's; the writer only reads and
 * fills it until it calls done, and never touches it after. */
#ifndef SL_WEB_AGENT_WRITER_H
#define SL_WEB_AGENT_WRITER_H

#include <stddef.h>

#include "ident/ident.h"
#include "policy/policy.h"
#include "scan/batch.h"
#include "util/err.h"

#define AGENT_WRITER_QUEUE 256
#define AGENT_WRITER_GROUP 16
/* Hosts a group at most (a larger batch goes alone): PostgreSQL holds a lock
 * per device identity until the commit, in a table of max_locks_per_transaction
 * x max_connections shared by all sessions; a group of 8,000 hosts ran out of
 * it on a cluster of 60 connections. 500 is an agent's default batch. */
#define AGENT_WRITER_GROUP_HOSTS 500

struct agent_writer;

/* n writers (1 to 8) on register db, judging with ident and policy (shared,
 * read only). Connections are opened by the writers themselves. 0 or -1. */
int agent_writer_start(struct agent_writer **out, const char *db, unsigned n,
                       const struct sl_ident *ident, const struct sl_policy_set *policy,
                       struct sl_err *err);
/* Queues job; done(ctx) is called from a writer thread once the job's
 * rc/err/res are final (after its commit). 0, or -1 when the queue is full
 * or the writers are stopping (done is then never called). */
int agent_writer_submit(struct agent_writer *w, struct sl_batch_job *job,
                        void (*done)(void *ctx), void *ctx);
/* Applies what is queued, then stops the writers and frees w. */
void agent_writer_stop(struct agent_writer *w);

#endif
