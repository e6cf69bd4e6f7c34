/* internal.h - what the scanner's files share (not for use outside scan/). */
#ifndef SL_SCAN_INTERNAL_H
#define SL_SCAN_INTERNAL_H

#include <uv.h>

#include "probe/request.h"
#include "scan/scan.h"

#define SL_SCAN_MAX_HEAD (16u * 1024u)
#define SL_SCAN_MAX_BODY (64u * 1024u)
#define SL_SCAN_MAX_RAW (80u * 1024u)     /* raw bytes kept of one answer */
#define SL_SCAN_HOST_EVIDENCE (512u * 1024u)
#define SL_SCAN_HOST_MAX_EV 64
#define SL_SCAN_UDP_MAX 8192
#define SL_SCAN_UDP_PER_KIND 4

/* One piece of evidence, owned by its host. ev's pointers point into this item. */
struct sl_ev_item {
    struct sl_ev_item *next;
    struct sl_evidence ev;
    char request[64];
    char path[160];
    char detail[200];
    uint8_t data[];
};

struct sl_host {
    struct sl_host *next, *prev;   /* in-flight list */
    struct sl_host *hnext;         /* address hash chain */
    struct sl_host *qnext;         /* slot-wait or UDP queue */
    struct sl_host *unext, *uprev; /* UDP window queue */
    bool in_udp_queue;
    struct sl_addr addr;
    char addr_s[SL_ADDR_STRLEN];
    uint64_t pos;                  /* walk position (UINT64_MAX: multicast extra) */
    unsigned next_port;            /* next index of opts->ports to start */
    unsigned conns;                /* TCP probes running */
    bool in_slot_wait;
    bool udp_pending;              /* UDP window still open */
    bool udp_followup;             /* its discovery probes were the follow-up kinds (up hosts) */
    uint8_t udp_tries;
    uint8_t udp_answers[SL_UDP_COUNT];
    uint64_t udp_next_ms;          /* next retry or end of the UDP window */
    bool up;
    bool late;                     /* made for a discovery reply after its window */
    struct sl_ev_item *ev_head, *ev_tail;
    size_t ev_bytes;
    unsigned n_ev;
    unsigned n_open;
    uint16_t open_ports[32];
};

/* Adds evidence to a host (copies everything; bounded per host). */
void sl_host_add_evidence(struct sl_host *h, enum sl_proto proto, enum sl_outcome outcome,
                          uint16_t port, const char *request, const char *path,
                          const void *data, size_t len, const char *detail);

/* A list of hosts built from a file (import.c, batch.c), owned by the list. */
struct sl_hostlist {
    struct sl_host **h;
    size_t n, cap;
};
/* A new host for a literal address (up, no evidence), or NULL with err. */
struct sl_host *sl_hostlist_add(struct sl_hostlist *hs, const char *addr, struct sl_err *err);
void sl_hostlist_free(struct sl_hostlist *hs);
/* Notes an open TCP port of a host (bounded, no duplicates). */
void sl_host_port(struct sl_host *h, uint16_t port);
/* Identifies, judges and records every host of the list under one scan record
 * of this kind (opts: ident, policy, store, site, actor). 0 or -1. */
int sl_hostlist_record(struct sl_hostlist *hs, const struct sl_scan_opts *opts, const char *kind,
                       const struct sl_scan_callbacks *cb, struct sl_scan_summary *sum,
                       struct sl_err *err);

/* The recording half (record.c): site, identify, judge, register. */
struct sl_recorder;
int sl_recorder_new(struct sl_recorder **out, const struct sl_scan_opts *opts,
                    const struct sl_scan_callbacks *cb, struct sl_scan_summary *sum,
                    struct sl_err *err);
/* Called for every finished host that answered anything. */
int sl_recorder_host(struct sl_recorder *r, struct sl_host *h, struct sl_err *err);
/* n hosts at once (at most SL_OBS_BATCH_MAX): judged as sl_recorder_host
 * judges them, written with one sl_store_observe_batch (a few statements
 * for them all on a server); the same register and audit entries. */
int sl_recorder_hosts(struct sl_recorder *r, struct sl_host *const *hs, size_t n,
                      struct sl_err *err);
/* Commits the open batch when it is older than max_age_ms (0 = now). */
int sl_recorder_flush(struct sl_recorder *r, uint64_t max_age_ms, struct sl_err *err);
/* Ends the scan record and reports not-seen devices. `seen_below`: walk
 * positions below it were all probed (UINT64_MAX when the walk finished). */
int sl_recorder_finish(struct sl_recorder *r, const struct sl_walk *walk, uint64_t seen_below,
                       bool complete, struct sl_err *err);
void sl_recorder_free(struct sl_recorder *r);
int64_t sl_recorder_scan_id(const struct sl_recorder *r);

#endif
