/* discovery.h - recognising device announcements and discovery replies in
 * UDP payloads (and Hikvision's layer-2 SADP), so that only the few payloads
 * that can identify a device go to identify.
 *
 *   WS-Discovery  UDP 3702  Hello / ProbeMatches / Bye (SOAP)   fingerprints.md §1.9
 *   SSDP          UDP 1900  NOTIFY * / HTTP/1.1 200 (M-SEARCH reply)  §1.11
 *   SADP          UDP 37020 <ProbeMatch> reply; EtherType 0x8033 frames  §1.12
 *   DHDiscover    UDP 37810 32-byte DHIP header + client.notifyDevInfo JSON  §1.13
 *
 * Queries (WS-Discovery Probe, M-SEARCH, SADP inquiry, DHDiscover.search) are
 * recognised too: they say a client is looking, not what it is. This looks at
 * bytes only (bounded to the first SL_DISC_SCAN bytes); parsing the XML or
 * JSON is identify's job.
 */
#ifndef SL_MONITOR_DISCOVERY_H
#define SL_MONITOR_DISCOVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evidence.h"

#define SL_DISC_SCAN 16384

enum sl_disc_kind {
    SL_DISC_NONE = 0,
    SL_DISC_WSD_HELLO,
    SL_DISC_WSD_PROBE_MATCHES,
    SL_DISC_WSD_BYE,
    SL_DISC_WSD_PROBE,
    SL_DISC_SSDP_NOTIFY,
    SL_DISC_SSDP_RESPONSE,
    SL_DISC_SSDP_MSEARCH,
    SL_DISC_SADP_REPLY,
    SL_DISC_SADP_INQUIRY,
    SL_DISC_SADP_L2,
    SL_DISC_DHDISCOVER_REPLY,
    SL_DISC_DHDISCOVER_SEARCH,
};

struct sl_disc {
    enum sl_disc_kind kind;
    enum sl_proto proto;  /* the identify protocol of an announcement, else SL_PROTO_NONE */
    bool announcement;    /* the sender describes itself (worth identifying) */
    bool video;           /* the sender says it is a video device (NetworkVideoTransmitter,
                             a camera discovery protocol of its own) */
};

/* Classifies a UDP payload by its ports and first bytes. Returns the kind. */
enum sl_disc_kind sl_disc_udp(uint16_t sport, uint16_t dport, const uint8_t *p, size_t len,
                              struct sl_disc *out);
/* Classifies a layer-2 SADP frame body (EtherType 0x8033). */
enum sl_disc_kind sl_disc_sadp_l2(const uint8_t *p, size_t len, struct sl_disc *out);

const char *sl_disc_kind_name(enum sl_disc_kind k);

#endif
