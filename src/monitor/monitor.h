/* monitor.h - the passive monitor's engine: captured frames in, stations
 * learned and alerts out (DESIGN.md §9).
 *
 * Per frame: decode (monitor/decode.h), learn the sending station (by MAC,
 * else by IP) and its MAC <-> IP pairs (ARP, DHCP, IP), look at DNS
 * questions and answers, the first payload of each TCP direction (TLS SNI,
 * HTTP Host/Server, RTSP), DHCP client options and discovery announcements,
 * and raise alerts (monitor/alert.h) on:
 *   - a station identify says is made by a manufacturer policy prohibits;
 *   - a station the register lists as removed/verified_absent (reappeared:
 *     the register's status is changed to reappeared);
 *   - DNS look-ups, TLS server names, HTTP hosts of vendor cloud/P2P/DDNS
 *     services (monitor/cloud.h), and connections to the addresses those
 *     names resolved to;
 *   - a camera-like station that the register does not know.
 *
 * Only the few payloads that can identify a station go to identify: a new
 * MAC, DHCP client options, discovery announcements, HTTP/RTSP responses;
 * each station's identical payloads are passed on once, and at most
 * SL_MON_MAX_EVIDENCE per station.
 *
 * Bounded: max_hosts stations (more are counted, not tracked), a fixed flow
 * table, a fixed table of cloud addresses, the alert table's bound. Nothing is
 * allocated per packet; per station only when it is first seen and when it
 * first sends an identifying payload.
 *
 * Memory: the monitor owns its tables; the things in the config (cloud list,
 * identify, store, alerts) are the caller's and must outlive it.
 */
#ifndef SL_MONITOR_MONITOR_H
#define SL_MONITOR_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/claim.h"
#include "core/evidence.h"
#include "monitor/alert.h"
#include "monitor/cloud.h"
#include "monitor/decode.h"
#include "store/store.h"
#include "util/err.h"

#define SL_MON_MAX_EVIDENCE 32

/* How a station is identified and judged: identify's accumulator
 * (ident/ident.h) and policy's judge (policy/policy.h) behind pointers, wired
 * by monitor/ident_glue.c; NULL members mean "not available". */
struct sl_mon_identify {
    void *ctx;
    void *(*acc_new)(void *ctx);
    void (*acc_free)(void *acc);
    void (*observe)(void *acc, const struct sl_evidence *ev);
    void (*conclude)(void *acc, struct sl_claim *out);
    void (*judge)(void *ctx, const struct sl_claim *c, int64_t now, struct sl_verdict *out);
    void (*rebind)(void *acc, void *ctx); /* move an accumulator to this ctx's rules */
};

struct sl_mon_config {
    const struct sl_cloud *cloud;          /* NULL = no cloud matching */
    const struct sl_mon_identify *identify;/* NULL = no identification */
    struct sl_alerts *alerts;              /* required */
    struct sl_store *store;                /* NULL = no register */
    int64_t site_id;                       /* register site of the monitored network, 0 = any */
    const char *site;                      /* its name, for alerts ("" = none) */
    const char *actor;                     /* for register changes ("monitor") */
    size_t max_hosts;                      /* 0 = 65536 */
    size_t flow_sets;                      /* 0 = 65536 (4 flows each) */
    int64_t summary_interval;              /* seconds of packet time; 0 = only at the end */
};

#define SL_MON_MAX_ERROR_KINDS 48

struct sl_mon_stats {
    uint64_t packets, bytes;
    uint64_t truncated;          /* frames whose capture ended before their headers said */
    uint64_t decode_errors;      /* frames (or payloads) that could not be decoded */
    size_t n_error_kinds;
    struct { const char *key; uint64_t count; } errors[SL_MON_MAX_ERROR_KINDS];
    uint64_t dns, tls_hello, http, dhcp, announcements;
    uint64_t evidence;           /* payloads given to identify */
    uint64_t hosts, hosts_dropped;
    uint64_t flows_evicted;
    uint64_t reassembled;        /* IPv4 datagrams put back together from fragments */
    uint64_t reasm_dropped;      /* fragments of datagrams that never completed in time */
    uint64_t register_errors;
};

struct sl_monitor;

int sl_monitor_new(struct sl_monitor **out, const struct sl_mon_config *cfg, struct sl_err *err);
void sl_monitor_free(struct sl_monitor *m);

/* One captured frame. ts: capture time. Never fails; what cannot be decoded is
 * counted under its error key. */
void sl_monitor_packet(struct sl_monitor *m, enum sl_link link, int64_t ts_sec, int32_t ts_usec,
                       const uint8_t *frame, size_t caplen, size_t wirelen);

/* Writes the summaries of deduplicated alerts (stamped with the last packet's
 * time) and writes the stations to the register's sightings, when there is
 * one. Call at the end of input and periodically in live capture. */
void sl_monitor_flush(struct sl_monitor *m);

/* The time of the last packet seen (0 before any). */
void sl_monitor_last_time(const struct sl_monitor *m, int64_t *sec, int32_t *usec);

void sl_monitor_get_stats(const struct sl_monitor *m, struct sl_mon_stats *out);

/* Rules reloaded (SIGHUP): from now on the monitor uses cloud and identify
 * in place of the ones it was given. Nothing is dropped: every station keeps
 * what it has learned, its claim is concluded again and judged under the new
 * policies; addresses learned from cloud names are kept while the new list
 * still has their name. The caller frees the old cloud list and identify
 * afterwards. */
void sl_monitor_reload(struct sl_monitor *m, const struct sl_cloud *cloud,
                       const struct sl_mon_identify *identify);

/* Station table persistence (monitor/state.c): a JSON file
 * {"v":1,"hosts":[...],"alerts":[...]} written atomically; loading adds its
 * stations and the deduplication entries of alerts already written. */
int sl_monitor_save_state(const struct sl_monitor *m, const char *path, struct sl_err *err);
int sl_monitor_load_state(struct sl_monitor *m, const char *path, struct sl_err *err);
/* Adds the register's sightings to the station table. */
int sl_monitor_load_sightings(struct sl_monitor *m, struct sl_err *err);

#endif
