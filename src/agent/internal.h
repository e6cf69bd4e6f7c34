/* internal.h - what the files of agent/ share: the HTTPS client (libcurl)
 * and the spool. Not for use outside agent/.
 *
 * Memory: responses go into the caller's sl_buf (bounded by its max).
 */
#ifndef SL_AGENT_INTERNAL_H
#define SL_AGENT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/buf.h"
#include "util/err.h"

#define AGENT_RESP_MAX (1u << 20)

/* ---- http.c ---- */
struct agent_http {
    const char *server;               /* https://ADDR:PORT */
    const char *ca_file;              /* NULL: the peer is not verified (fetching the CA only) */
    const char *cert_file, *key_file; /* NULL: no client certificate (enrolment) */
    const char *spool_header;         /* "X-Sightline-Spool: ..." or NULL */
    long timeout_s;
};
/* One request. *status gets the HTTP status (0 when none came). 0, or -1
 * with err (UNAVAILABLE: no answer). */
int agent_http(const struct agent_http *h, const char *method, const char *path,
               const void *body, size_t len, long *status, struct sl_buf *resp,
               struct sl_err *err);

/* ---- spool.c ---- */
/* fsync of a directory (after a rename in it). 0 or -1 (errno). */
int agent_sync_dir(const char *dir);
struct agent_spool {
    char dir[1024];       /* STATE/spool */
    uint64_t max;         /* bytes */
};
struct spool_stat {
    size_t batches;
    uint64_t bytes;
    bool full;
};
int spool_open(struct agent_spool *sp, const char *state_dir, uint64_t max, struct sl_err *err);
/* Writes one batch durably (temporary file, fsync, rename, fsync of the
 * directory) as NNNNNNNNNN.batch with the next sequence number. 0 or -1. */
int spool_write(struct agent_spool *sp, const void *data, size_t len, struct sl_err *err);
/* The next sequence number (kept in STATE/seq). */
int64_t spool_next_seq(struct agent_spool *sp);
void spool_stat(const struct agent_spool *sp, struct spool_stat *st);
/* The oldest batch's file name into name (0), or 1 when the spool is empty. */
int spool_oldest(const struct agent_spool *sp, char *name, size_t n);
/* Removes an acknowledged batch (and syncs the directory). */
int spool_remove(const struct agent_spool *sp, const char *name, struct sl_err *err);
/* Moves a refused batch to spool/refused/ (kept for an operator, never deleted). */
int spool_quarantine(const struct agent_spool *sp, const char *name, struct sl_err *err);

/* ---- renew.c ---- */
/* The state directory's agent.json: server (256), uid (SL_PKI_UID_LEN + 1),
 * name (64). 0 or -1. */
int agent_state_read(const char *dir, char *server, char *uid, char *name, struct sl_err *err);
/* Finishes or undoes a renewal a crash interrupted, so that agent-key.pem
 * and agent-cert.pem are a pair; *note gets what was done ("" when nothing).
 * 0, or -1 when no working pair is left. */
int agent_creds_recover(const char *dir, char *note, size_t n, struct sl_err *err);
/* 1 when the certificate at cert_path is in the last window_pct per cent of
 * its life at now (or past it), 0 not, -1. *not_after gets its end. */
int agent_renew_due(const char *cert_path, int64_t now, unsigned window_pct, int64_t *not_after,
                    struct sl_err *err);
/* Renews over h (its current certificate): a new key and CSR naming uid,
 * POST /agent/v1/renew, the answer checked (the agent's, for the new key),
 * then key and certificate swapped on disk (temporaries fsync'd, renamed:
 * certificate first, then key; agent_creds_recover mends a crash between).
 * *not_after gets the new certificate's end. 0, or -1 (INVALID: refused). */
int agent_renew(const struct agent_http *h, const char *dir, const char *uid, int64_t *not_after,
                struct sl_err *err);
/* ---- watch.c: the passive monitor under the agent ---- */
struct agent_watch;
struct agent_watch_stat {
    size_t outside;    /* alerts about stations outside the agent's sites (not sent) */
    size_t lost;       /* alerts that found no room (WATCH_PENDING_MAX bytes or
                          SL_ALERT_BATCH_MAX alerts between two turns) */
    bool failed;       /* the capture failed (err says why); the thread ended */
    struct sl_err err;
};
/* Opens iface (live, needs CAP_NET_RAW) and runs monitor/ on it in a thread,
 * the stations judged under the configuration's first site's tier, with what
 * STATE_DIR/monitor-state.json kept from the last run (an alert written then
 * is not written again). Between opening the capture and starting the thread
 * the whole process gives up every capability and, with user, becomes that
 * user (util/privdrop.h; the agent needs no privilege but the capture's, and
 * the thread reading hostile traffic must not hold one); STATE_DIR must then
 * be writable. report gets the drop's log line. 0 or -1. */
int agent_watch_start(struct agent_watch **out, const char *iface, const json_t *config,
                      const char *state_dir, const char *user, char *report, size_t report_n,
                      struct sl_err *err);
/* Appends the alert records written since the last call to into; returns
 * how many (0 when into has no room: they wait). */
size_t agent_watch_take(struct agent_watch *w, struct sl_buf *into, struct agent_watch_stat *st);
/* Stops the thread (what it wrote can still be taken) and saves the state. */
void agent_watch_halt(struct agent_watch *w);
/* Stops the thread and frees everything. */
void agent_watch_stop(struct agent_watch *w);
#endif
