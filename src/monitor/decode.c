/* decode.c - Ethernet/VLAN/SLL/raw -> ARP/IPv4/IPv6 -> UDP/TCP, bounds-checked. */
#include "monitor/decode.h"

#include <stdio.h>
#include <string.h>

#include "monitor/rd.h"

static int fail(struct sl_pkt *p, const char *key)
{
    p->error = key;
    return 0;
}

/* The transport header at c; payload is what follows, bounded by both the
 * capture and the IP payload length (ip_len, SIZE_MAX when unknown). */
static int decode_l4(struct sl_pkt *p, struct sl_rd *c, size_t ip_len)
{
    size_t avail = sl_rd_left(c);
    if (ip_len < avail)
        avail = ip_len; /* Ethernet padding after a short IP packet */
    else if (ip_len != SIZE_MAX && ip_len > avail)
        p->truncated = true;
    if (p->ip_proto == 17) {
        if (avail < 8)
            return fail(p, "udp.truncated");
        p->sport = sl_rd_be16_at(c, 0);
        p->dport = sl_rd_be16_at(c, 2);
        uint16_t ulen = sl_rd_be16_at(c, 4);
        p->has_l4 = true;
        size_t plen = avail - 8;
        if (ulen >= 8 && (size_t)ulen - 8 < plen)
            plen = (size_t)ulen - 8;
        else if (ulen >= 8 && (size_t)ulen - 8 > plen && !p->frag_more)
            p->truncated = true; /* a first fragment is short by design */
        else if (ulen < 8 && ulen != 0) /* 0 is legal for IPv6 jumbograms */
            return fail(p, "udp.bad_length");
        p->payload = sl_rd_ptr(c) + 8;
        p->payload_len = plen;
        return 0;
    }
    if (p->ip_proto == 6) {
        if (avail < 20)
            return fail(p, "tcp.truncated");
        p->sport = sl_rd_be16_at(c, 0);
        p->dport = sl_rd_be16_at(c, 2);
        size_t off = (size_t)(sl_rd_u8_at(c, 12) >> 4) * 4;
        p->tcp_flags = sl_rd_u8_at(c, 13);
        p->has_l4 = true;
        if (off < 20)
            return fail(p, "tcp.bad_offset");
        if (off > avail) {
            p->truncated = true;
            return fail(p, "tcp.truncated");
        }
        p->payload = sl_rd_ptr(c) + off;
        p->payload_len = avail - off;
        return 0;
    }
    p->payload = sl_rd_ptr(c);
    p->payload_len = avail;
    return 0;
}

static int decode_ipv4(struct sl_pkt *p, struct sl_rd *c)
{
    if (sl_rd_left(c) < 20)
        return fail(p, "ipv4.truncated");
    uint8_t vihl = sl_rd_u8_at(c, 0);
    if ((vihl >> 4) != 4)
        return fail(p, "ipv4.bad_version");
    size_t ihl = (size_t)(vihl & 0x0f) * 4;
    if (ihl < 20)
        return fail(p, "ipv4.bad_ihl");
    if (ihl > sl_rd_left(c))
        return fail(p, "ipv4.truncated");
    size_t total = sl_rd_be16_at(c, 2);
    if (total < ihl)
        return fail(p, "ipv4.bad_length");
    uint16_t frag = sl_rd_be16_at(c, 6);
    p->frag_id = sl_rd_be16_at(c, 4);
    p->ip_proto = sl_rd_u8_at(c, 9);
    sl_addr_from_v4(sl_rd_ptr(c) + 12, &p->src);
    sl_addr_from_v4(sl_rd_ptr(c) + 16, &p->dst);
    p->l3 = SL_L3_IPV4;
    sl_rd_skip(c, ihl);
    p->frag_more = (frag & 0x2000) != 0;
    p->frag_offset = (uint32_t)(frag & 0x1fff) * 8;
    p->ip_payload = sl_rd_ptr(c);
    p->ip_payload_len = sl_rd_left(c) < total - ihl ? sl_rd_left(c) : total - ihl;
    if ((frag & 0x1fff) != 0) {
        p->fragment = true; /* only the first fragment has the transport header */
        p->payload = sl_rd_ptr(c);
        p->payload_len = sl_rd_left(c) < total - ihl ? sl_rd_left(c) : total - ihl;
        return 0;
    }
    return decode_l4(p, c, total - ihl);
}

static int decode_ipv6(struct sl_pkt *p, struct sl_rd *c)
{
    if (sl_rd_left(c) < 40)
        return fail(p, "ipv6.truncated");
    if ((sl_rd_u8_at(c, 0) >> 4) != 6)
        return fail(p, "ipv6.bad_version");
    size_t plen = sl_rd_be16_at(c, 4);
    uint8_t next = sl_rd_u8_at(c, 6);
    sl_addr_from_v6(sl_rd_ptr(c) + 8, &p->src);
    sl_addr_from_v6(sl_rd_ptr(c) + 24, &p->dst);
    p->l3 = SL_L3_IPV6;
    sl_rd_skip(c, 40);
    /* Extension headers: a bounded walk, so a chain of them cannot keep us here. */
    for (int i = 0; i < 8; i++) {
        if (next != 0 && next != 43 && next != 44 && next != 60)
            break;
        if (sl_rd_left(c) < 8)
            return fail(p, "ipv6.truncated");
        uint8_t nh = sl_rd_u8_at(c, 0);
        size_t len = next == 44 ? 8 : ((size_t)sl_rd_u8_at(c, 1) + 1) * 8;
        if (next == 44 && (sl_rd_be16_at(c, 2) & 0xfff8) != 0)
            p->fragment = true;
        if (len > sl_rd_left(c))
            return fail(p, "ipv6.truncated");
        if (len > plen)
            return fail(p, "ipv6.bad_length");
        sl_rd_skip(c, len);
        plen -= len;
        next = nh;
    }
    if (next == 0 || next == 43 || next == 44 || next == 60)
        return fail(p, "ipv6.too_many_ext");
    p->ip_proto = next;
    if (p->fragment) {
        p->payload = sl_rd_ptr(c);
        p->payload_len = sl_rd_left(c) < plen ? sl_rd_left(c) : plen;
        return 0;
    }
    return decode_l4(p, c, plen == 0 ? SIZE_MAX : plen);
}

static int decode_arp(struct sl_pkt *p, struct sl_rd *c)
{
    /* Ethernet/IPv4 ARP only: htype 1, ptype 0x0800, hlen 6, plen 4. */
    if (sl_rd_left(c) < 28)
        return fail(p, "arp.truncated");
    if (sl_rd_be16_at(c, 0) != 1 || sl_rd_be16_at(c, 2) != SL_ETHERTYPE_IPV4 ||
        sl_rd_u8_at(c, 4) != 6 || sl_rd_u8_at(c, 5) != 4)
        return fail(p, "arp.unsupported");
    p->l3 = SL_L3_ARP;
    p->arp_op = sl_rd_be16_at(c, 6);
    memcpy(p->arp_sha, sl_rd_ptr(c) + 8, 6);
    sl_addr_from_v4(sl_rd_ptr(c) + 14, &p->src);
    sl_addr_from_v4(sl_rd_ptr(c) + 24, &p->dst);
    return 0;
}

static int decode_l3(struct sl_pkt *p, struct sl_rd *c)
{
    switch (p->ethertype) {
    case SL_ETHERTYPE_IPV4: return decode_ipv4(p, c);
    case SL_ETHERTYPE_IPV6: return decode_ipv6(p, c);
    case SL_ETHERTYPE_ARP: return decode_arp(p, c);
    case SL_ETHERTYPE_SADP:
        p->l3 = SL_L3_SADP2;
        p->payload = sl_rd_ptr(c);
        p->payload_len = sl_rd_left(c);
        return 0;
    default:
        p->payload = sl_rd_ptr(c);
        p->payload_len = sl_rd_left(c);
        return 0;
    }
}

int sl_decode(enum sl_link link, const uint8_t *frame, size_t caplen, struct sl_pkt *p)
{
    memset(p, 0, sizeof *p);
    struct sl_rd c;
    sl_rd_init(&c, frame, caplen);
    switch (link) {
    case SL_LINK_ETHERNET:
        if (caplen < 14) {
            p->error = "eth.truncated";
            return -1;
        }
        p->has_mac = true;
        memcpy(p->dst_mac, frame, 6);
        memcpy(p->src_mac, frame + 6, 6);
        p->ethertype = sl_rd_be16_at(&c, 12);
        sl_rd_skip(&c, 14);
        for (int tags = 0; p->ethertype == SL_ETHERTYPE_VLAN || p->ethertype == SL_ETHERTYPE_QINQ;
             tags++) {
            if (tags == 2)
                return fail(p, "vlan.too_many_tags");
            if (sl_rd_left(&c) < 4)
                return fail(p, "vlan.truncated");
            if (tags == 0)
                p->vlan = sl_rd_be16_at(&c, 0) & 0x0fff;
            p->ethertype = sl_rd_be16_at(&c, 2);
            sl_rd_skip(&c, 4);
        }
        if (p->ethertype < 0x0600) /* 802.3 length field (LLC): nothing of ours */
            return 0;
        return decode_l3(p, &c);
    case SL_LINK_LINUX_SLL:
        if (caplen < 16) {
            p->error = "sll.truncated";
            return -1;
        }
        /* pkttype(2) hatype(2) halen(2) addr(8) proto(2); addr is the sender's. */
        if (sl_rd_be16_at(&c, 2) == 1 && sl_rd_be16_at(&c, 4) == 6) {
            p->has_mac = true;
            memcpy(p->src_mac, frame + 6, 6);
        }
        p->ethertype = sl_rd_be16_at(&c, 14);
        sl_rd_skip(&c, 16);
        return decode_l3(p, &c);
    case SL_LINK_RAW:
        if (caplen < 1) {
            p->error = "raw.truncated";
            return -1;
        }
        p->ethertype = (frame[0] >> 4) == 6 ? SL_ETHERTYPE_IPV6 : SL_ETHERTYPE_IPV4;
        return decode_l3(p, &c);
    }
    p->error = "link.unsupported";
    return -1;
}

int sl_decode_l4(struct sl_pkt *p, const uint8_t *l4, size_t len)
{
    struct sl_rd c;
    sl_rd_init(&c, l4, len);
    p->error = NULL;
    p->truncated = false;
    p->has_l4 = false;
    p->payload = NULL;
    p->payload_len = 0;
    return decode_l4(p, &c, len);
}
