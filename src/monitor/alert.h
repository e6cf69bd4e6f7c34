/* alert.h - the monitor's alerts: signatures, deduplication, and output as
 * JSON lines in the style of Suricata's EVE format (and optionally syslog and
 * the register's alerts table).
 *
 * Deduplication: the first alert of a (device, signature, subject) is
 * written at once with "count": 1; later ones only count. sl_alerts_summarise
 * then writes one "alert_summary" event for every alert whose count grew
 * since the last summary, so a chatty camera gives one alert and a summary
 * line, not a flood. The subject is what the alert is about beyond the device
 * (the cloud service for the cloud signatures, "" otherwise).
 *
 * Bounded: at most max_entries deduplication entries (insertion-ordered, so
 * summaries come out in a stable order); past that an alert is written but
 * not remembered, and counted as "dedup_full".
 *
 * Memory: struct sl_alerts owns its entries and the detail objects it keeps;
 * the FILE and the store are the caller's and must outlive it.
 */
#ifndef SL_MONITOR_ALERT_H
#define SL_MONITOR_ALERT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "store/store.h"
#include "util/cidr.h"

/* Stable signature ids (docs/monitor.md). Never renumber; add new ones at the end. */
enum {
    SL_SIG_PROHIBITED = 9000001,     /* prohibited device seen */
    SL_SIG_REAPPEARED = 9000002,     /* removed / verified-absent device seen again */
    SL_SIG_CLOUD_DNS = 9000003,      /* DNS lookup of a vendor cloud/P2P/DDNS name */
    SL_SIG_CLOUD_TLS = 9000004,      /* TLS ClientHello with such a server name */
    SL_SIG_CLOUD_HTTP = 9000005,     /* HTTP request with such a Host */
    SL_SIG_CLOUD_CONNECT = 9000006,  /* connection to an address such a name resolved to */
    SL_SIG_UNKNOWN_CAMERA = 9000007, /* camera-like device not in the register */
};

struct sl_sig_info {
    uint32_t id;
    const char *signature; /* one line, starts with "SIGHTLINE " like Suricata's ET rules */
    const char *category;
    int severity;          /* 1 highest .. 3 */
};

/* NULL for an unknown id. */
const struct sl_sig_info *sl_sig_info(uint32_t id);
/* All signatures, terminated by an entry with id 0. */
extern const struct sl_sig_info sl_signatures[];

struct sl_alert {
    uint32_t sig_id;
    int severity;            /* 0 = the signature's default */
    int64_t ts_sec;
    int32_t ts_usec;
    const char *proto;       /* "TCP", "UDP", "ARP", "ETH", or NULL */
    const char *app_proto;   /* "dns", "tls", "http", "dhcp", "wsd", ... or NULL */
    bool has_ip;
    struct sl_addr src, dst;
    bool has_ports;
    uint16_t sport, dport;
    bool has_mac;
    uint8_t src_mac[6];
    uint16_t vlan;
    const char *device_key;  /* stable text naming the device ("mac:aa:..", "ip:198.18.1.7") */
    const char *subject;     /* "" or what else makes the alert distinct (a cloud domain) */
    int64_t device_id;       /* register id, 0 = none */
    json_t *app;             /* NULL or the protocol's object, written under app_proto's name
                                like EVE's "dns"/"tls"/"http"; the call takes the reference */
    json_t *detail;          /* the "sightline" object; the call takes the reference */
};

/* Called with each alert written (the first of its key): what the register
 * would take (src and dest "ADDR[:PORT]" or "", the "sightline" detail).
 * A site agent spools them (agent/watch.c). */
typedef void (*sl_alert_written_cb)(void *ctx, const struct sl_alert *al, int severity,
                                    const char *src, const char *dest, const json_t *detail);

struct sl_alerts_config {
    FILE *jsonl;             /* NULL = no JSON lines */
    bool syslog;             /* also send each line to syslog (facility daemon) */
    struct sl_store *store;  /* NULL = no register */
    size_t max_entries;      /* 0 = 65536 */
    sl_alert_written_cb on_written; /* NULL = none */
    void *on_written_ctx;
};

struct sl_alerts_stats {
    uint64_t raised;     /* every call of sl_alerts_raise */
    uint64_t written;    /* alerts written (first of their key) */
    uint64_t suppressed; /* duplicates only counted */
    uint64_t dedup_full; /* written without a dedup entry: the table was full */
    uint64_t store_errors;
    int worst_severity;  /* the highest (lowest-numbered) severity raised, 0 = none */
};

struct sl_alerts;

struct sl_alerts *sl_alerts_new(const struct sl_alerts_config *cfg);
void sl_alerts_free(struct sl_alerts *a);

/* Raises an alert: writes it when its key is new, else counts it. Returns 1
 * when written, 0 when deduplicated. Takes a->detail's reference. */
int sl_alerts_raise(struct sl_alerts *a, struct sl_alert *al);

/* True when an alert of this key was already raised (this run or restored). */
bool sl_alerts_seen(const struct sl_alerts *a, const char *device_key, uint32_t sig_id,
                    const char *subject);

/* Writes an alert_summary for each key whose count grew since the last call.
 * ts: the time to stamp them with (packet time). */
void sl_alerts_summarise(struct sl_alerts *a, int64_t ts_sec, int32_t ts_usec);

/* Writes any other EVE event (stats): adds "timestamp" and "event_type" first.
 * Takes the reference of body (its keys follow). */
void sl_alerts_write_event(struct sl_alerts *a, const char *event_type, int64_t ts_sec,
                           int32_t ts_usec, json_t *body);

void sl_alerts_get_stats(const struct sl_alerts *a, struct sl_alerts_stats *out);

/* Persisted deduplication state (monitor/state.c): a JSON array of
 * {"device","signature_id","subject","count","first","last"}; restore adds
 * entries whose first alert was written by an earlier run. */
json_t *sl_alerts_save(const struct sl_alerts *a);
int sl_alerts_restore(struct sl_alerts *a, const json_t *arr);

/* "2024-04-29T12:34:56.123456+0000" (out: 48 bytes). */
void sl_eve_time(int64_t sec, int32_t usec, char out[48]);

#endif
