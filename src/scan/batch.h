/* batch.h - an agent's batch of results (docs/agents.md, "Batches"): the file
 * an agent spools and posts, and what the server applies.
 *
 *   {"v":1,"type":"batch","batch":UUID,"agent":UID,"seq":N,"created_at":T,"records":K}
 *   K records, one a line: the pinned evidence record of `scan --jsonl`
 *     (docs/formats.md) plus "data", the answer's raw bytes in base64, and the
 *     pinned device record ("address", "ports"); a host's evidence lines come
 *     before its device line
 *   {"type":"signature","alg":"ecdsa-p256-sha256","sig":BASE64}
 * The signature is the agent's key's over every byte before its line.
 *
 * The server identifies and judges the evidence itself (the agent's claims
 * are never taken): a batch applied centrally writes what a local scan of the
 * same answers would have written.
 *
 * Hostile input: at most SL_BATCH_MAX_BYTES, lines of at most
 * SL_BATCH_MAX_LINE, SL_BATCH_MAX_RECORDS records, strict types (an unknown
 * record type, a missing or mistyped field, a count that does not match, a
 * record after the signature: the whole batch is refused, naming the line).
 *
 * Memory: struct sl_batch points into the caller's buffer; a hosts list is
 * the caller's (sl_batch_hosts_free).
 */
#ifndef SL_SCAN_BATCH_H
#define SL_SCAN_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/pki.h"
#include "scan/scan.h"
#include "store/agents.h"
#include "util/buf.h"
#include "util/err.h"

#define SL_BATCH_MAX_BYTES ((size_t)32 << 20)
#define SL_BATCH_MAX_LINE ((size_t)256 << 10)
#define SL_BATCH_MAX_RECORDS 200000
#define SL_BATCH_UUID_LEN 36

struct sl_batch {
    char uuid[SL_BATCH_UUID_LEN + 1];
    char agent[SL_PKI_UID_LEN + 1];
    int64_t seq, created_at;
    size_t records;                 /* as declared (checked against the lines) */
    size_t signed_len;              /* bytes the signature covers */
    char sig[SL_PKI_SIG_MAX];
    const char *body;               /* the record lines */
    size_t body_len;
};

/* Reads the header and the signature line (not the records). 0, or -1 with
 * err (INVALID). */
int sl_batch_parse(const char *data, size_t len, struct sl_batch *b, struct sl_err *err);

/* The records as hosts, strictly validated. 0, or -1 with err (INVALID,
 * naming the line). */
struct sl_batch_hosts;
int sl_batch_hosts_read(const struct sl_batch *b, struct sl_batch_hosts **out,
                        struct sl_err *err);
size_t sl_batch_hosts_count(const struct sl_batch_hosts *hs);
/* The address of host i. */
const char *sl_batch_hosts_address(const struct sl_batch_hosts *hs, size_t i);
/* Identifies, judges and records every host (scan record kind "agent"). */
int sl_batch_hosts_record(struct sl_batch_hosts *hs, const struct sl_scan_opts *opts,
                          struct sl_scan_summary *sum, struct sl_err *err);
void sl_batch_hosts_free(struct sl_batch_hosts *hs);

/* ---- applying (batch_ingest.c) ---- */
struct sl_batch_result {
    bool applied;       /* false: its UUID was applied before (acknowledged only) */
    size_t hosts;       /* hosts in the batch */
    size_t outside;     /* hosts outside the agent's sites (the batch is then refused) */
    int64_t scan_id;    /* the scan record it was applied under */
    size_t devices;     /* devices the register took */
};
/* Checks and applies a batch of enrolled agent a: the header names a, the
 * signature is a's certificate's key's, every host lies in one of a's sites
 * (by the register's site networks). Applied in one transaction, once: a
 * UUID seen before is acknowledged without applying (res->applied false).
 * 0, or -1 with err: INVALID (malformed, another agent's, forged), CONFLICT
 * (hosts outside its sites: counted in res->outside and in the agent's
 * refused_records; nothing applied), or the register's error. This is
 * sl_batch_check then sl_batch_apply_group of that one batch. */
int sl_batch_ingest(struct sl_store *s, const struct sl_agent *a, const char *data, size_t len,
                    const struct sl_scan_opts *opts, struct sl_batch_result *res,
                    struct sl_err *err);

/* The same in two steps, so that checking (cheap, any connection, any
 * thread) and applying (a writer's connection, several batches a
 * transaction) can be apart. A job owns its hosts (sl_batch_job_free);
 * its batch points into the caller's data, which must outlive it. */
struct sl_batch_job {
    struct sl_agent agent;             /* a copy of the sender */
    struct sl_batch b;
    struct sl_batch_hosts *hs;
    char actor[SL_NAME_MAX + 8];       /* "agent:NAME" */
    /* Set by sl_batch_apply_group: */
    int rc;                            /* 0 (applied, or seen before), -1 with err */
    struct sl_batch_result res;
    struct sl_err err;
};
/* Every check of sl_batch_ingest: 1 (ready to apply), 0 (its UUID was applied
 * before: acknowledge, res->applied false), -1 with err as sl_batch_ingest
 * (the outside hosts counted). job is filled either way (free it). */
int sl_batch_check(struct sl_store *s, const struct sl_agent *a, const char *data, size_t len,
                   struct sl_batch_job *job, struct sl_err *err);
/* Applies checked jobs: all n in one transaction (each with its own scan
 * record and agent_batches row), a UUID twice in the group applied once.
 * When that transaction fails, each job is applied again alone, so that one
 * bad batch takes no other down; its rc and err say why it failed. Each
 * job's rc, err and res say what became of it once this returns (after its
 * commit). opts: ident, policy, now, actor (NULL: "agent:NAME" of each job's
 * sender); store and site are set here. 0, or -1 with err saying why the
 * group's transaction failed (its jobs then applied alone, as said). */
int sl_batch_apply_group(struct sl_store *s, struct sl_batch_job *const *jobs, size_t n,
                         const struct sl_scan_opts *opts, struct sl_err *err);
void sl_batch_job_free(struct sl_batch_job *job);

/* ---- writing (the agent) ---- */
/* The header line (with its newline) into b. */
int sl_batch_write_header(struct sl_buf *b, const char *uuid, const char *agent, int64_t seq,
                          int64_t created_at, size_t records);
/* One device's records (its evidence lines, then its device line) into b;
 * *records counts the lines. */
int sl_batch_write_device(struct sl_buf *b, const struct sl_scan_device *d, size_t *records);
/* The signature line over b's bytes so far, appended to b. */
int sl_batch_sign(struct sl_buf *b, const char *key_pem, struct sl_err *err);
/* A random (version 4) UUID into out (SL_BATCH_UUID_LEN + 1). 0 or -1. */
int sl_batch_uuid(char *out);

#endif
