/* flow.h - a fixed-size table of TCP flows, so the monitor looks at the first
 * payload of each direction of a flow and at nothing after it.
 *
 * 4-way set-associative: a new flow takes the least recently used way of its
 * set. The table never grows; an evicted flow that sends more data looks new
 * and its next segment is inspected once more, which is harmless (alerts are
 * deduplicated). Memory: 4 * nsets entries of 16 bytes, allocated once.
 */
#ifndef SL_MONITOR_FLOW_H
#define SL_MONITOR_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/cidr.h"

/* 16 bytes, so a set of 4 is one cache line. Flows are told apart by a 64-bit
 * hash of their endpoints: two flows that collide share an entry, which at
 * worst skips one first-payload inspection. */
struct sl_flow {
    uint64_t key;         /* hash of the endpoints in a canonical order; 0 = empty */
    uint32_t last;        /* packet time (s, low 32 bits) of the last use */
    uint8_t seen;         /* SL_FLOW_* bits */
    uint8_t pad[3];
};

#define SL_FLOW_A2B_PAYLOAD 0x01 /* first payload from a to b already inspected */
#define SL_FLOW_B2A_PAYLOAD 0x02
#define SL_FLOW_CLOUD_CHECKED 0x04

struct sl_flow_table;

/* nsets is rounded up to a power of two. Returns NULL on allocation failure. */
struct sl_flow_table *sl_flow_table_new(size_t nsets);
void sl_flow_table_free(struct sl_flow_table *t);

/* Finds or creates the flow of (src:sport -> dst:dport). *created says which;
 * *a2b whether this packet goes from the canonical a to b. Never fails. */
struct sl_flow *sl_flow_get(struct sl_flow_table *t, const struct sl_addr *src, uint16_t sport,
                            const struct sl_addr *dst, uint16_t dport, int64_t now,
                            bool *created, bool *a2b);

size_t sl_flow_evictions(const struct sl_flow_table *t);

#endif
