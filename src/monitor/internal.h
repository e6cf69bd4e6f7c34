/* internal.h - the monitor engine's station table, shared by monitor.c and
 * state.c. Not for use outside src/monitor/. */
#ifndef SL_MONITOR_INTERNAL_H
#define SL_MONITOR_INTERNAL_H

#include "monitor/flow.h"
#include "monitor/monitor.h"
#include "monitor/reasm.h"

#define SL_STATION_ADDRS 4
#define SL_STATION_RECENT 8

/* A station: the sender of frames, keyed by its MAC (or by its IP address
 * when the link layer has none). */
struct sl_station {
    bool used;
    bool has_mac;
    uint8_t mac[6];
    struct sl_addr key_ip;        /* the key when !has_mac */
    uint8_t n_addrs;
    struct sl_addr addrs[SL_STATION_ADDRS]; /* most recent last */
    int64_t first_seen, last_seen;
    bool dirty;                   /* changed since the last flush to the register */
    bool video;                   /* speaks a camera protocol or says it is a video device */
    bool reg_checked;             /* looked up in the register (with what we knew then) */
    bool reg_checked_with_mfr;
    bool reappeared_done;
    int64_t device_id;            /* register device, 0 = none */
    int reg_status;               /* enum sl_status, -1 = not in the register */
    int64_t reg_since;            /* when the register's status began (seconds) */
    char key[56];                 /* "mac:aa:bb:cc:dd:ee:ff" or "ip:ADDR", built on demand */
    /* identification (allocated when the station first sends something identifying) */
    void *acc;
    struct sl_claim *claim;
    struct sl_verdict *verdict;
    uint16_t n_evidence;
    uint64_t recent[SL_STATION_RECENT]; /* hashes of payloads already given to identify */
    uint8_t recent_next;
    char hostname[64];            /* from DHCP, for alerts */
};

/* 8 bytes, so the index stays in cache: a tag of the key's hash, and the
 * station's position + 1 (0 = empty). */
struct sl_station_slot {
    uint32_t tag;
    uint32_t idx;
};

struct sl_cloud_ip {
    bool used;
    uint8_t addr[16];
    const struct sl_cloud_entry *entry;
    char name[128];               /* the name that resolved to it */
};

#define SL_CLOUD_IP_SLOTS 4096

struct sl_monitor {
    struct sl_mon_config cfg;
    struct sl_station *hosts;     /* max_hosts, the first n_hosts in use, in order first seen */
    struct sl_station_slot *slots; /* open-addressing index into hosts */
    size_t host_slots;            /* power of two, >= 2 * max_hosts */
    size_t n_hosts, max_hosts;
    uint64_t seed;                /* sl_mon_hash_seed: the tables' hash key */
    size_t longest_probe;         /* the most station slots one look-up has probed */
    struct sl_flow_table *flows;
    struct sl_reasm *reasm;
    struct sl_cloud_ip cloud_ips[SL_CLOUD_IP_SLOTS];
    size_t n_cloud_ips;
    int64_t now_sec;
    int32_t now_usec;
    int64_t next_summary;
    struct sl_mon_stats st;
};

struct sl_station *sl_mon_station_find(struct sl_monitor *m, bool by_mac, const uint8_t mac[6],
                                 const struct sl_addr *ip, bool create, bool *created);
void sl_mon_station_add_addr(struct sl_station *h, const struct sl_addr *a);
const char *sl_mon_station_key(struct sl_station *h);

#endif
