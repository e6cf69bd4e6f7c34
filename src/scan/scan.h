/* scan.h - the scanner as a library: probe targets, collect evidence, identify,
 * judge and record (DESIGN.md §8). `sightline scan` is one caller; `sightline
 * verify` (programme) is another: it scans a site's networks and asks which
 * devices of the register were not seen.
 *
 * One call, sl_scan_run, does everything on one libuv loop in the calling
 * thread and reports through callbacks as it goes:
 *   - targets are walked in a keyed random order (net/targets.h), never all held;
 *   - each host gets its UDP discovery probes (WS-Discovery, SSDP, SADP,
 *     DHDiscover; unicast, with retries) and a TCP probe per port: a connect,
 *     then the port's conversation (probe/ports.h), all under one deadline
 *     (timeout_ms) per port; connections close with RST (SO_LINGER {1,0});
 *   - at most `concurrency` TCP connections are open at once and at most
 *     `rate` probe packets (connects + datagrams) start per second;
 *   - a host that answered anything becomes a device: its evidence goes
 *     through identify (ident.h) and policy (policy.h) and into the register
 *     (one scan record, evidence rows, sl_store_device_observe), batched in
 *     transactions;
 *   - at the end, devices already in the register whose address was in the
 *     scanned range but which were not seen this time are reported (not_seen).
 *
 * Safety: only benign queries are sent (probe/request.h); the only
 * authenticated request is ONVIF GetDeviceInformation and only with operator
 * credentials. Device input is bounded everywhere: head 16 KiB, body 64 KiB,
 * raw bytes kept per answer 80 KiB, evidence per host 512 KiB, datagrams 8 KiB,
 * replies per UDP kind per host 4; a device that stalls, floods or sends
 * garbage ends as evidence with an outcome and detail, never as a hang.
 *
 * Memory is bounded by the concurrency, not by the size of the range.
 *
 * Threads: sl_scan_run blocks. It runs `threads` event loops, each walking a
 * shard of the same permutation with its share of the concurrency and rate;
 * the register and the callbacks are used under one mutex, so callbacks are
 * never called concurrently (but possibly from different threads: on_evidence
 * and on_device from any, on_progress from the first, on_start and
 * on_not_seen from the caller's). Stop early by setting *opts->stop (e.g. from
 * a SIGINT handler): in-flight hosts are dropped, everything finished is
 * committed, the scan is marked incomplete.
 */
#ifndef SL_SCAN_SCAN_H
#define SL_SCAN_SCAN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/claim.h"
#include "core/evidence.h"
#include "core/tier.h"
#include "ident/ident.h"
#include "net/targets.h"
#include "policy/policy.h"
#include "probe/ports.h"
#include "scan/creds.h"
#include "store/store.h"
#include "util/err.h"

#define SL_SCAN_DEFAULT_CONCURRENCY 3000
#define SL_SCAN_DEFAULT_RATE 20000
#define SL_SCAN_DEFAULT_TIMEOUT_MS 3000
#define SL_SCAN_DEFAULT_RETRIES 1
/* More addresses than this need --max-addresses or a yes on a terminal (a /16). */
#define SL_SCAN_CONFIRM_ADDRESSES 65536
#define SL_SCAN_FD_RESERVE 512 /* descriptors kept free for the register, logs, ... */

struct sl_scan_opts {
    struct sl_targets *targets;          /* prepared (sl_targets_prepare); borrowed */
    const struct sl_port_spec *ports;    /* TCP ports and what to say on them */
    size_t n_ports;                      /* 0 = UDP discovery only */
    double rate;                         /* probe packets started per second; 0 = unlimited */
    unsigned concurrency;                /* open TCP connections at most; 0 = default */
    unsigned timeout_ms;                 /* deadline of one exchange (connect, TLS, request,
                                            answer); 0 = default */
    unsigned connect_timeout_ms;         /* unanswered SYN = filtered after this; 0 = adaptive */
    unsigned retries;                    /* UDP retransmissions */
    bool udp_discovery;                  /* unicast discovery datagrams (all four kinds) to
                                            every target, with its TCP probes */
    bool discovery_followup;             /* WS-Discovery, SADP and DHDiscover, unicast, to each
                                            host that answered on TCP, once its TCP probes are
                                            done (what `sightline scan` does by default) */
    const char *multicast_iface;         /* NULL, or multicast discovery on this interface */
    const struct sl_creds *creds;        /* NULL: no authenticated request at all */
    uint64_t seed;                       /* walk order; 0 = random */
    unsigned threads;                    /* event loops in parallel, each a shard of the walk
                                            with its share of concurrency and rate; 0 = one
                                            per CPU (at most 4), 1 for small scans and for
                                            multicast discovery */

    const struct sl_ident *ident;        /* NULL: no identification (claims stay empty) */
    const struct sl_policy_set *policy;  /* NULL: no verdicts (needs-review) */
    struct sl_store *store;              /* NULL: nothing written, no not-seen report */
    const char *site;                    /* judge everything under this site; NULL = by address */
    const char *kind;                    /* scan record kind: "scan" (default), "verify" */
    const char *targets_text;            /* as the operator wrote them, for the scan record */
    const char *options_json;            /* options for the scan record, or NULL */
    const char *actor;                   /* for the register's audit log */
    int64_t now;                         /* judgement date (sl_now() when 0) */
    volatile sig_atomic_t *stop;         /* set non-zero to stop early; may be NULL */
};

/* What the scan will do, reported before the first packet. */
struct sl_scan_plan {
    uint64_t addresses;   /* distinct target addresses */
    uint64_t excluded;    /* of those, excluded */
    uint64_t probes;      /* probe packets planned: (addresses - excluded) x per-host probes */
    unsigned per_host;    /* TCP ports + UDP datagrams per host (first tries) */
    unsigned concurrency, timeout_ms;
    double rate;
    int64_t scan_id;      /* 0 without a store */
    unsigned threads;     /* event loops */
};

struct sl_scan_stats {
    uint64_t hosts_total;     /* addresses to probe (after exclusions) */
    uint64_t hosts_done;      /* finished (answered or not) */
    uint64_t hosts_up;        /* answered anything */
    uint64_t devices;         /* devices reported */
    uint64_t probes_sent;     /* connects + datagrams */
    uint64_t connections;     /* TCP connections that opened */
    uint64_t evidence;        /* evidence records */
    uint64_t failures;        /* evidence with an outcome other than ok */
    uint64_t udp_unmatched;   /* datagrams that matched no probe (foreign, or late and unproven) */
    uint64_t late_replies;    /* hosts probed because a proven reply came after their window */
    uint64_t elapsed_ms;
    double hosts_per_s;
    uint64_t eta_ms;          /* 0 when unknown */
    unsigned open_conns, inflight_hosts;
};

/* One device, as reported to on_device. Pointers valid during the callback. */
struct sl_scan_device {
    const char *address;
    const char *ports;                 /* open TCP ports "80,554" ("" when none) */
    const struct sl_claim *claim;
    const struct sl_verdict *verdict;
    const char *site;                  /* site name, "" when outside every site */
    enum sl_tier tier;                 /* tier it was judged under */
    bool tier_defaulted;               /* outside every site: judged as sensitive */
    int64_t device_id;                 /* register id, 0 without a store */
    bool created;                      /* new in the register */
    const struct sl_evidence *const *evidence; /* the evidence it was identified from */
    size_t n_evidence;
};

enum { SL_SCAN_DECISIONS = 4 }; /* enum sl_decision values */

struct sl_scan_summary {
    struct sl_scan_stats stats;
    int64_t scan_id;                 /* 0 without a store */
    bool complete;                   /* false when stopped early or a write failed */
    uint64_t by_decision[SL_SCAN_DECISIONS];
    uint64_t tier_defaulted;         /* devices outside every site, judged as sensitive */
    uint64_t not_seen;               /* register devices in range but not seen */
    uint64_t hostile;                /* devices with at least one failed exchange */
    uint64_t reappeared;             /* removed devices that answered (now reappeared) */
};

struct sl_scan_callbacks {
    void (*on_start)(const struct sl_scan_plan *plan, void *ctx);
    void (*on_evidence)(const char *address, const struct sl_evidence *ev, void *ctx);
    void (*on_device)(const struct sl_scan_device *d, void *ctx);
    void (*on_progress)(const struct sl_scan_stats *st, void *ctx); /* about 4 times a second */
    /* A device of the register in the scanned range that did not answer. */
    void (*on_not_seen)(const struct sl_device *d, void *ctx);
    void *ctx;
};

/* The largest concurrency this process may use (file limit minus a reserve). */
unsigned sl_scan_max_concurrency(void);
/* The thread count used when opts->threads is 0, for a scan of that many addresses. */
unsigned sl_scan_default_threads(uint64_t addresses);
/* Probe packets sent to one host (first tries): the TCP ports plus the UDP queries. */
unsigned sl_scan_per_host(const struct sl_scan_opts *o);

/* Runs a scan. Returns 0 when it ran (complete or stopped early: see
 * summary->complete), -1 on a setup or register failure (err set; whatever was
 * committed stays, and the scan record is marked incomplete). */
int sl_scan_run(const struct sl_scan_opts *opts, const struct sl_scan_callbacks *cb,
                struct sl_scan_summary *summary, struct sl_err *err);

#endif
