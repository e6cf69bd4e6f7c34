/* reasm.h - IPv4 fragment reassembly for the few datagrams that need it:
 * a WS-Discovery ProbeMatches or an SSDP/SADP reply larger than the MTU
 * arrives in fragments, and identify should see all of it.
 *
 * Bounded: SL_REASM_SLOTS datagrams in flight, each at most 65,535 bytes
 * (buffers allocated on first use and kept); a slot is reused when its
 * datagram is older than SL_REASM_TIMEOUT seconds of capture time, or, when
 * all are busy, the oldest is dropped (counted). Overlapping fragments are
 * accepted (later bytes win), as the receiving host would most often do.
 */
#ifndef SL_MONITOR_REASM_H
#define SL_MONITOR_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "monitor/decode.h"

#define SL_REASM_SLOTS 64
#define SL_REASM_TIMEOUT 30

struct sl_reasm;

struct sl_reasm *sl_reasm_new(void);
void sl_reasm_free(struct sl_reasm *r);

/* Adds the fragment p (IPv4, p->fragment or p->frag_more). Returns 1 and sets
 * out and len to the whole IP payload when this completes a datagram (valid
 * until the next call), 0 while fragments are missing, -1 when the fragment is
 * refused (beyond 65,535 bytes, out of memory). */
int sl_reasm_add(struct sl_reasm *r, const struct sl_pkt *p, int64_t now, const uint8_t **out,
                 size_t *len);

uint64_t sl_reasm_dropped(const struct sl_reasm *r);

#endif
