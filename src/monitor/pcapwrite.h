/* pcapwrite.h - writing pcap files and building frames, for the golden tests,
 * the fuzz seeds and the benchmark (the project's own traffic generator).
 *
 * Frames are built into a caller's buffer: Ethernet (optionally with one
 * 802.1Q tag) around ARP, raw layer-2 payloads, or IPv4/IPv6 around UDP/TCP,
 * with correct lengths and checksums. Payload builders make the bytes of a
 * DNS query/answer, a TLS ClientHello with SNI, a DHCP request, and a DHIP
 * (Dahua discovery) message; text payloads (SSDP, WS-Discovery, SADP, HTTP)
 * are passed as they are. Every builder returns the length written, or 0 when
 * the buffer is too small (nothing useful was written).
 */
#ifndef SL_MONITOR_PCAPWRITE_H
#define SL_MONITOR_PCAPWRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/cidr.h"
#include "util/err.h"

struct sl_pcap_writer {
    FILE *f;
    uint32_t snaplen;
    uint64_t frames;
};

/* Classic pcap, microsecond timestamps, little-endian. */
int sl_pcapw_open(struct sl_pcap_writer *w, const char *path, uint32_t linktype, uint32_t snaplen,
                  struct sl_err *err);
/* Writes one record; caplen is cut to the snaplen. wirelen >= caplen. */
int sl_pcapw_write(struct sl_pcap_writer *w, int64_t sec, int32_t usec, const uint8_t *frame,
                   size_t caplen, size_t wirelen);
int sl_pcapw_close(struct sl_pcap_writer *w, struct sl_err *err);

struct sl_fb_l2 {
    uint8_t src[6], dst[6];
    uint16_t vlan; /* 0 = untagged */
};

size_t sl_fb_ether(uint8_t *out, size_t cap, const struct sl_fb_l2 *l2, uint16_t ethertype,
                   const uint8_t *payload, size_t plen);
size_t sl_fb_arp(uint8_t *out, size_t cap, const struct sl_fb_l2 *l2, uint16_t op,
                 const uint8_t sha[6], const struct sl_addr *spa, const uint8_t tha[6],
                 const struct sl_addr *tpa);
/* IPv4 when both addresses are v4, else IPv6. */
size_t sl_fb_udp(uint8_t *out, size_t cap, const struct sl_fb_l2 *l2, const struct sl_addr *src,
                 uint16_t sport, const struct sl_addr *dst, uint16_t dport, const uint8_t *payload,
                 size_t plen);
size_t sl_fb_tcp(uint8_t *out, size_t cap, const struct sl_fb_l2 *l2, const struct sl_addr *src,
                 uint16_t sport, const struct sl_addr *dst, uint16_t dport, uint8_t flags,
                 uint32_t seq, uint32_t ack, const uint8_t *payload, size_t plen);

size_t sl_pl_dns_query(uint8_t *out, size_t cap, uint16_t id, const char *name, uint16_t qtype);
/* A response with the question and one answer per address (v4: A, v6: AAAA),
 * the answers' owner name a compression pointer to the question. */
size_t sl_pl_dns_response(uint8_t *out, size_t cap, uint16_t id, const char *name,
                          uint16_t qtype, const struct sl_addr *addrs, size_t n);
size_t sl_pl_tls_client_hello(uint8_t *out, size_t cap, const char *sni);
/* A DHCP client message (op 1): msg_type (1 DISCOVER, 3 REQUEST), options
 * 53, 50 (when requested != NULL), 12, 60 (when not NULL). */
size_t sl_pl_dhcp_request(uint8_t *out, size_t cap, uint8_t msg_type, uint32_t xid,
                          const uint8_t chaddr[6], const struct sl_addr *requested,
                          const char *hostname, const char *vendor_class);
/* 32-byte DHIP header (fingerprints.md §1.13) + the JSON body. */
size_t sl_pl_dhip(uint8_t *out, size_t cap, const char *json);

#endif
