/* agents.h - the register's side of site agents (docs/agents.md): enrolment
 * tokens (only their SHA-256 is kept), enrolled agents with their certificate
 * and the sites they may write, the batch UUIDs already applied, and the
 * certificates a renewal issued (pending until first used) or replaced.
 *
 * Memory: everything is copied into caller-owned structs; nothing to free.
 * Bounded: an agent holds at most SL_AGENT_MAX_SITES sites.
 */
#ifndef SL_STORE_AGENTS_H
#define SL_STORE_AGENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define SL_AGENT_MAX_SITES 16
#define SL_AGENT_CERT_MAX 8192

struct sl_agent {
    int64_t id;
    char uid[40];                 /* the random id in its certificate (CN "agent:UID") */
    char name[SL_NAME_MAX];       /* an operator's name for it, unique */
    char cert_sha256[65];         /* lowercase hex of the DER certificate */
    int64_t not_after, enrolled_at;
    int64_t revoked_at;           /* 0: not revoked */
    int64_t schedule;             /* seconds between its scans */
    int64_t last_seen;            /* 0: never since enrolment */
    char version[32];
    int64_t spool_batches, spool_bytes;
    bool spool_full;
    int64_t batches, refused_records;
    char sites[256];              /* its sites' names, comma-separated */
};

/* Adds a token for a site (sha256: hex of the token's secret); the agent
 * enrolled with it scans every `schedule` seconds. */
int sl_store_agent_token_add(struct sl_store *s, const char *sha256, int64_t site_id,
                             int64_t expires_at, int64_t schedule, const char *actor,
                             struct sl_err *err);

/* Enrols an agent in one transaction: spends the token (refused with kind
 * NOT_FOUND for an unknown token, CONFLICT for a spent one, INVALID for an
 * expired one), adds the agent with its certificate and the token's site,
 * audits. *a is filled with the new agent. 0 or -1. */
struct sl_agent_enrolment {
    const char *token_sha256, *uid, *name, *cert_pem, *cert_sha256;
    int64_t not_after, now;     /* the schedule is the token's */
};
int sl_store_agent_enrol(struct sl_store *s, const struct sl_agent_enrolment *e,
                         struct sl_agent *a, struct sl_err *err);
/* The token's site before spending it (to make the certificate): 1 and
 * *site_id, 0 unknown/spent/expired (why says which), -1. */
int sl_store_agent_token_check(struct sl_store *s, const char *sha256, int64_t now,
                               int64_t *site_id, const char **why, struct sl_err *err);

/* 1 and *a, 0 none, -1. key: the name, the uid, or the certificate's SHA-256. */
int sl_store_agent_get(struct sl_store *s, const char *key, struct sl_agent *a,
                       struct sl_err *err);
typedef int (*sl_agent_cb)(const struct sl_agent *a, void *ctx);
/* Every agent, by name (none on a register older than the agents' migration). */
int sl_store_agent_list(struct sl_store *s, sl_agent_cb cb, void *ctx, struct sl_err *err);
/* 1 done, 0 no such agent (or already revoked for revoke), -1. Audited. */
int sl_store_agent_revoke(struct sl_store *s, const char *key, const char *actor,
                          struct sl_err *err);
int sl_store_agent_rename(struct sl_store *s, const char *key, const char *new_name,
                          const char *actor, struct sl_err *err);
/* What an agent said of itself at its last request (not audited). */
int sl_store_agent_seen(struct sl_store *s, int64_t id, int64_t now, const char *version,
                        int64_t spool_batches, int64_t spool_bytes, bool spool_full,
                        struct sl_err *err);
/* Its site ids (at most max). 0 or -1. */
int sl_store_agent_site_ids(struct sl_store *s, int64_t agent_id, int64_t *ids, size_t max,
                            size_t *n, struct sl_err *err);
/* 1 when the batch UUID was applied already, 0 not, -1. */
int sl_store_agent_batch_seen(struct sl_store *s, const char *uuid, struct sl_err *err);
/* Inside the batch's transaction: records it as applied (a concurrent
 * duplicate fails on the key: kind EXISTS). 0 or -1. */
int sl_store_agent_batch_add(struct sl_store *s, const char *uuid, int64_t agent_id, int64_t seq,
                             int64_t records, int64_t scan_id, int64_t now, struct sl_err *err);
/* Adds n to the agent's count of refused records. */
int sl_store_agent_refused(struct sl_store *s, int64_t agent_id, int64_t n, struct sl_err *err);
/* The agent's certificate (PEM, malloc'd into *pem). 1, 0 none, -1. */
int sl_store_agent_cert(struct sl_store *s, int64_t id, char **pem, struct sl_err *err);
/* Stale: silent for longer than twice its schedule (or never seen and
 * enrolled that long ago). */
bool sl_agent_stale(const struct sl_agent *a, int64_t now);

/* ---- renewal (agent_certs.c): a renewed certificate is pending until its
 * first use makes it the agent's current one; the one it replaces is then
 * retired (refused at the handshake, still verifying batches it signed). ---- */
struct sl_agent_renewal {
    const struct sl_agent *agent;
    const char *cert_pem, *cert_sha256;
    int64_t not_after, now;
};
/* Records a renewed certificate as pending (a pending one never used is
 * dropped: the agent holds at most one) and audits it (agent.renew). 0 or -1. */
int sl_store_agent_renew(struct sl_store *s, const struct sl_agent_renewal *r, const char *actor,
                         struct sl_err *err);
/* The agent a client certificate (hex SHA-256) belongs to: 1 and *a for its
 * current certificate, or for a pending one, which this first use makes
 * current (the old one retired; audited agent.cert.switch); 0 with *why (a
 * retired certificate, no agent's), -1. */
int sl_store_agent_by_cert(struct sl_store *s, const char *sha256, int64_t now,
                           struct sl_agent *a, const char **why, struct sl_err *err);
/* Calls cb with each certificate (PEM) agent id holds or held: current,
 * pending, retired; stops at cb's non-zero (returned). -1 on error. */
typedef int (*sl_agent_cert_cb)(const char *pem, void *ctx);
int sl_store_agent_certs_each(struct sl_store *s, int64_t id, sl_agent_cert_cb cb, void *ctx,
                              struct sl_err *err);

#endif
