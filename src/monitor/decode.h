/* decode.h - link, network and transport layers of one captured frame.
 *
 * The frame is hostile: every field is read through a bounds-checked cursor
 * (after tcpdump's GET_U_1/ND_TCHECK), and a frame that ends early is a normal
 * outcome, not an error. Decoding fills a struct sl_pkt with what it could
 * read and stops at the first layer it cannot; `error` then names that layer
 * and what was wrong ("ipv4.bad_ihl"), as a stable key for counting.
 *
 * Handled: Ethernet II, 802.1Q/802.1ad VLAN tags (at most 2), Linux cooked
 * capture (SLL), raw IP; ARP (Ethernet/IPv4); Hikvision layer-2 SADP
 * (EtherType 0x8033); IPv4 (options skipped, non-first fragments carry no
 * transport header); IPv6 with up to 8 extension headers; UDP; TCP.
 *
 * Memory: struct sl_pkt points into the frame (owned by the caller); nothing
 * is allocated. Decoding touches only the header bytes it needs.
 */
#ifndef SL_MONITOR_DECODE_H
#define SL_MONITOR_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/mac.h" /* sl_mac_format: how the monitor writes a frame's MAC */
#include "util/cidr.h"

/* Link types (the pcap DLT_ numbers, so a file's header value can be passed on). */
enum sl_link {
    SL_LINK_ETHERNET = 1,   /* DLT_EN10MB */
    SL_LINK_RAW = 101,      /* LINKTYPE_RAW: bare IPv4/IPv6 */
    SL_LINK_LINUX_SLL = 113 /* Linux cooked capture v1 (`-i any`) */
};

enum sl_l3 { SL_L3_NONE = 0, SL_L3_ARP, SL_L3_IPV4, SL_L3_IPV6, SL_L3_SADP2 };

#define SL_ETHERTYPE_IPV4 0x0800
#define SL_ETHERTYPE_ARP 0x0806
#define SL_ETHERTYPE_VLAN 0x8100
#define SL_ETHERTYPE_QINQ 0x88a8
#define SL_ETHERTYPE_IPV6 0x86dd
#define SL_ETHERTYPE_SADP 0x8033 /* Hikvision layer-2 SADP (fingerprints.md §1.12, HIKTOOLS) */

#define SL_TCP_FIN 0x01
#define SL_TCP_SYN 0x02
#define SL_TCP_RST 0x04
#define SL_TCP_ACK 0x10

struct sl_pkt {
    /* link */
    bool has_mac;
    uint8_t src_mac[6], dst_mac[6];
    uint16_t ethertype;
    uint16_t vlan;           /* outermost VLAN id, 0 when untagged */
    /* network */
    enum sl_l3 l3;
    struct sl_addr src, dst; /* valid for IPv4/IPv6 (and ARP: sender/target) */
    uint8_t ip_proto;        /* 6 TCP, 17 UDP, ... (IPv4/IPv6 only) */
    bool fragment;           /* not the first fragment: no transport header */
    bool frag_more;          /* IPv4 "more fragments": this is not the datagram's end */
    uint16_t frag_id;        /* IPv4 identification */
    uint32_t frag_offset;    /* bytes */
    const uint8_t *ip_payload; /* IPv4: the bytes after the IP header (for reassembly) */
    size_t ip_payload_len;
    uint16_t arp_op;         /* 1 request, 2 reply */
    uint8_t arp_sha[6];      /* ARP sender hardware address */
    /* transport */
    bool has_l4;
    uint16_t sport, dport;
    uint8_t tcp_flags;
    /* what follows the last decoded header, cut to what was captured */
    const uint8_t *payload;
    size_t payload_len;
    bool truncated;          /* the capture ended before a length field said it would */
    const char *error;       /* NULL, or a stable key for what could not be decoded */
};

/* Decodes frame[0..caplen). Returns 0 when at least the link layer was read,
 * -1 when the frame is unusable (error says why). Never reads past caplen. */
int sl_decode(enum sl_link link, const uint8_t *frame, size_t caplen, struct sl_pkt *out);

/* Decodes the transport header of a reassembled datagram (p->ip_proto set):
 * fills the ports, flags and payload as sl_decode would. Returns 0. */
int sl_decode_l4(struct sl_pkt *p, const uint8_t *l4, size_t len);


#endif
