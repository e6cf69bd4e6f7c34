/* agent.h - `sightline agent`: a site's agent (docs/agents.md). It enrols
 * once with a token (its own key, a CSR, a client certificate from the
 * server's CA), then runs: pulls its configuration (its sites' networks, its
 * schedule), scans them on schedule with the scan engine in this process,
 * spools the results as signed batches on disk (spool.h) and posts them over
 * mutual TLS (libcurl), deleting a batch only once the server acknowledged it.
 *
 * It renews its certificate over its mutual TLS in the last part of its
 * life (renew.c), and with monitor_iface runs the passive monitor at the
 * site, spooling its alerts as signed batches too (watch.c).
 *
 * The state directory holds agent-key.pem (0600), agent-cert.pem, ca-cert.pem,
 * agent.json (server, uid, name), seq, spool/, with --monitor monitor-state.json
 * (and, for a moment during a
 * renewal, agent-key.pem.new and agent-cert.pem.new).
 *
 * Memory: nothing here hands out memory. Bounded: server answers at 1 MiB.
 */
#ifndef SL_AGENT_AGENT_H
#define SL_AGENT_AGENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/err.h"

struct sl_agent_enrol_opts {
    const char *dir;      /* the state directory (made when absent) */
    const char *server;   /* https://ADDR:PORT */
    const char *token;    /* SLT1.SECRET.CA-SHA256 */
    const char *ca_file;  /* NULL: fetch the CA and check it against the token's hash */
    const char *name;     /* NULL: the server names it */
};
/* Enrols; info gets what to tell the operator. 0 or -1. */
int sl_agent_enrol(const struct sl_agent_enrol_opts *o, char *info, size_t infon,
                   struct sl_err *err);

struct sl_agent_run_opts {
    const char *dir;
    uint64_t spool_max;           /* bytes; a full spool starts no scan */
    bool once;                    /* one scan, then exit when the spool is empty */
    bool offline;                 /* air-gapped: configuration from config_file, no
                                     connection; the spool is carried to `import --spool` */
    const char *config_file;
    const char *monitor_iface;    /* NULL, or the passive monitor on this interface: its
                                     alerts about the sites' stations are spooled and sent */
    const char *monitor_user;     /* with monitor_iface: the user the agent becomes once the
                                     capture is open (NULL: it stays, without capabilities) */
    unsigned retry_max;           /* seconds: the longest wait between attempts */
    double rate;                  /* probes per second of its scans; 0 = the default */
    unsigned timeout_ms;          /* per exchange; 0 = the default */
    unsigned connect_timeout_ms;  /* an unanswered SYN means filtered after this; 0 = adaptive */
    unsigned batch_devices;       /* devices per batch at most */
    unsigned renew_pct;           /* renews its certificate in the last renew_pct per cent
                                     of its life (0: never by itself) */
    volatile sig_atomic_t *stop;  /* set to stop (finishes what it writes) */
    FILE *log;                    /* one line per event */
};
struct sl_agent_renew_opts {
    const char *dir;
    bool if_due;          /* only in the last window_pct per cent of its life */
    unsigned window_pct;
};
/* Renews the agent's certificate now (agent/renew.c; docs/agents.md
 * "Renewal"). info gets what to tell the operator. 0 renewed, 1 not due
 * (if_due), -1. */
int sl_agent_renew(const struct sl_agent_renew_opts *o, char *info, size_t infon,
                   struct sl_err *err);

/* Runs until *stop (or, with once, until its scan is sent). 0 or -1. */
int sl_agent_run(const struct sl_agent_run_opts *o, struct sl_err *err);

#endif
