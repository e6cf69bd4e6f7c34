/* pcapwrite.c - pcap files and frames for tests and benchmarks (see pcapwrite.h). */
#include "monitor/pcapwrite.h"
#include "util/file.h"

#include <errno.h>
#include <string.h>

static void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
    be16(p, (uint16_t)(v >> 16));
    be16(p + 2, (uint16_t)v);
}

int sl_pcapw_open(struct sl_pcap_writer *w, const char *path, uint32_t linktype, uint32_t snaplen,
                  struct sl_err *err)
{
    w->f = sl_stream_open(path, false, err);
    if (w->f == NULL)
        return -1;
    w->snaplen = snaplen ? snaplen : 65535;
    w->frames = 0;
    uint8_t h[24];
    le32(h, 0xa1b2c3d4);
    h[4] = 2, h[5] = 0, h[6] = 4, h[7] = 0; /* version 2.4 */
    le32(h + 8, 0);
    le32(h + 12, 0);
    le32(h + 16, w->snaplen);
    le32(h + 20, linktype);
    if (fwrite(h, 1, sizeof h, w->f) != sizeof h) {
        fclose(w->f);
        w->f = NULL;
        return sl_err_set(err, "%s: write failed", path);
    }
    return 0;
}

int sl_pcapw_write(struct sl_pcap_writer *w, int64_t sec, int32_t usec, const uint8_t *frame,
                   size_t caplen, size_t wirelen)
{
    if (caplen > w->snaplen)
        caplen = w->snaplen;
    if (wirelen < caplen)
        wirelen = caplen;
    uint8_t h[16];
    le32(h, (uint32_t)sec);
    le32(h + 4, (uint32_t)usec);
    le32(h + 8, (uint32_t)caplen);
    le32(h + 12, (uint32_t)wirelen);
    if (fwrite(h, 1, sizeof h, w->f) != sizeof h || fwrite(frame, 1, caplen, w->f) != caplen)
        return -1;
    w->frames++;
    return 0;
}

int sl_pcapw_close(struct sl_pcap_writer *w, struct sl_err *err)
{
    if (w->f == NULL)
        return 0;
    int rc = fclose(w->f);
    w->f = NULL;
    return rc == 0 ? 0 : sl_err_set(err, "closing pcap: %s", strerror(errno));
}

/* ---- frames -------------------------------------------------------------------------- */

static size_t l2_header(uint8_t *out, size_t cap, const struct sl_fb_l2 *l2, uint16_t ethertype)
{
    size_t n = l2->vlan ? 18 : 14;
    if (cap < n)
        return 0;
    memcpy(out, l2->dst, 6);
    memcpy(out + 6, l2->src, 6);
    if (l2->vlan) {
        be16(out + 12, 0x8100);
        be16(out + 14, l2->vlan & 0x0fff);
        be16(out + 16, ethertype);
    } else {
        be16(out + 12, ethertype);
    }
    return n;
}

size_t sl_fb_ether(uint8_t *out, size_t cap, const struct sl_fb_l2 *l2, uint16_t ethertype,
                   const uint8_t *payload, size_t plen)
{
    size_t n = l2_header(out, cap, l2, ethertype);
    if (n == 0 || cap - n < plen)
        return 0;
    if (plen > 0)
        memcpy(out + n, payload, plen);
    return n + plen;
}

size_t sl_fb_arp(uint8_t *out, size_t cap, const struct sl_fb_l2 *l2, uint16_t op,
                 const uint8_t sha[6], const struct sl_addr *spa, const uint8_t tha[6],
                 const struct sl_addr *tpa)
{
    uint8_t a[28];
    be16(a, 1);
    be16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    be16(a + 6, op);
    memcpy(a + 8, sha, 6);
    memcpy(a + 14, spa->b + 12, 4);
    memcpy(a + 18, tha, 6);
    memcpy(a + 24, tpa->b + 12, 4);
    return sl_fb_ether(out, cap, l2, 0x0806, a, sizeof a);
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)(p[n - 1] << 8);
    return s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* IP header + transport (already at out + hdr); fills lengths and checksums. */
static size_t ip_wrap(uint8_t *out, size_t cap, const struct sl_fb_l2 *l2, const struct sl_addr *src,
                      const struct sl_addr *dst, uint8_t proto, const uint8_t *l4, size_t l4len,
                      size_t csum_off)
{
    bool v4 = src->v4 && dst->v4;
    size_t n = l2_header(out, cap, l2, v4 ? 0x0800 : 0x86dd);
    size_t iph = v4 ? 20 : 40;
    if (n == 0 || cap - n < iph + l4len || l4len > 65535 - iph)
        return 0;
    uint8_t *ip = out + n, *t = ip + iph;
    memcpy(t, l4, l4len);
    /* pseudo-header sum */
    uint32_t s = 0;
    if (v4) {
        s = sum16(src->b + 12, 4, s);
        s = sum16(dst->b + 12, 4, s);
        s += proto;
        s += (uint32_t)l4len;
    } else {
        s = sum16(src->b, 16, s);
        s = sum16(dst->b, 16, s);
        s += (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff);
        s += proto;
    }
    t[csum_off] = t[csum_off + 1] = 0;
    uint16_t c = fold(sum16(t, l4len, s));
    if (proto == 17 && c == 0)
        c = 0xffff;
    be16(t + csum_off, c);
    if (v4) {
        ip[0] = 0x45;
        ip[1] = 0;
        be16(ip + 2, (uint16_t)(iph + l4len));
        be16(ip + 4, 0);
        be16(ip + 6, 0x4000); /* DF */
        ip[8] = 64;
        ip[9] = proto;
        ip[10] = ip[11] = 0;
        memcpy(ip + 12, src->b + 12, 4);
        memcpy(ip + 16, dst->b + 12, 4);
        be16(ip + 10, fold(sum16(ip, 20, 0)));
    } else {
        be32(ip, 0x60000000);
        be16(ip + 4, (uint16_t)l4len);
        ip[6] = proto;
        ip[7] = 64;
        memcpy(ip + 8, src->b, 16);
        memcpy(ip + 24, dst->b, 16);
    }
    return n + iph + l4len;
}

size_t sl_fb_udp(uint8_t *out, size_t cap, const struct sl_fb_l2 *l2, const struct sl_addr *src,
                 uint16_t sport, const struct sl_addr *dst, uint16_t dport, const uint8_t *payload,
                 size_t plen)
{
    static uint8_t l4[65536];
    if (plen > sizeof l4 - 8)
        return 0;
    be16(l4, sport);
    be16(l4 + 2, dport);
    be16(l4 + 4, (uint16_t)(8 + plen));
    if (plen > 0)
        memcpy(l4 + 8, payload, plen);
    return ip_wrap(out, cap, l2, src, dst, 17, l4, 8 + plen, 6);
}

size_t sl_fb_tcp(uint8_t *out, size_t cap, const struct sl_fb_l2 *l2, const struct sl_addr *src,
                 uint16_t sport, const struct sl_addr *dst, uint16_t dport, uint8_t flags,
                 uint32_t seq, uint32_t ack, const uint8_t *payload, size_t plen)
{
    static uint8_t l4[65536];
    if (plen > sizeof l4 - 20)
        return 0;
    memset(l4, 0, 20);
    be16(l4, sport);
    be16(l4 + 2, dport);
    be32(l4 + 4, seq);
    be32(l4 + 8, ack);
    l4[12] = 5 << 4;
    l4[13] = flags;
    be16(l4 + 14, 65535);
    if (plen > 0)
        memcpy(l4 + 20, payload, plen);
    return ip_wrap(out, cap, l2, src, dst, 6, l4, 20 + plen, 16);
}

/* ---- payloads ------------------------------------------------------------------------ */

static size_t put_name(uint8_t *out, size_t cap, const char *name)
{
    size_t n = 0;
    const char *p = name;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        if (l == 0 || l > 63 || n + 1 + l + 1 > cap)
            return 0;
        out[n++] = (uint8_t)l;
        memcpy(out + n, p, l);
        n += l;
        p += l;
        if (*p == '.')
            p++;
    }
    if (n + 1 > cap)
        return 0;
    out[n++] = 0;
    return n;
}

size_t sl_pl_dns_query(uint8_t *out, size_t cap, uint16_t id, const char *name, uint16_t qtype)
{
    if (cap < 12 + 4)
        return 0;
    memset(out, 0, 12);
    be16(out, id);
    out[2] = 0x01; /* RD */
    be16(out + 4, 1);
    size_t k = put_name(out + 12, cap - 12 - 4, name);
    if (k == 0)
        return 0;
    be16(out + 12 + k, qtype);
    be16(out + 14 + k, 1);
    return 16 + k;
}

size_t sl_pl_dns_response(uint8_t *out, size_t cap, uint16_t id, const char *name,
                          uint16_t qtype, const struct sl_addr *addrs, size_t n)
{
    size_t len = sl_pl_dns_query(out, cap, id, name, qtype);
    if (len == 0)
        return 0;
    out[2] = 0x81; /* QR, RD */
    out[3] = 0x80; /* RA */
    be16(out + 6, (uint16_t)n);
    for (size_t i = 0; i < n; i++) {
        size_t rd = addrs[i].v4 ? 4 : 16;
        if (len + 12 + rd > cap)
            return 0;
        uint8_t *a = out + len;
        be16(a, 0xc00c); /* pointer to the question name */
        be16(a + 2, addrs[i].v4 ? 1 : 28);
        be16(a + 4, 1);
        be32(a + 6, 300);
        be16(a + 10, (uint16_t)rd);
        memcpy(a + 12, addrs[i].v4 ? addrs[i].b + 12 : addrs[i].b, rd);
        len += 12 + rd;
    }
    return len;
}

size_t sl_pl_tls_client_hello(uint8_t *out, size_t cap, const char *sni)
{
    size_t sl = strlen(sni);
    /* record(5) hs(4) ver(2) random(32) sid(1+32) suites(2+4) comp(1+1) extlen(2)
     * sni ext(4 + 2 + 1 + 2 + sl) + supported_versions ext(4 + 3) */
    size_t body = 2 + 32 + 1 + 32 + 2 + 4 + 1 + 1 + 2 + (4 + 2 + 1 + 2 + sl) + (4 + 3);
    size_t total = 5 + 4 + body;
    if (sl == 0 || sl > 255 || cap < total)
        return 0;
    uint8_t *p = out;
    p[0] = 0x16, p[1] = 0x03, p[2] = 0x01;
    be16(p + 3, (uint16_t)(4 + body));
    p[5] = 1; /* ClientHello */
    p[6] = 0;
    be16(p + 7, (uint16_t)body);
    p += 9;
    p[0] = 0x03, p[1] = 0x03;
    p += 2;
    for (int i = 0; i < 32; i++)
        p[i] = (uint8_t)(0x5a ^ i); /* fixed "random": the files must be reproducible */
    p += 32;
    p[0] = 32;
    for (int i = 0; i < 32; i++)
        p[1 + i] = (uint8_t)(0xa5 ^ i);
    p += 33;
    be16(p, 4);
    be16(p + 2, 0x1301); /* TLS_AES_128_GCM_SHA256 */
    be16(p + 4, 0xc02f);
    p += 6;
    p[0] = 1, p[1] = 0;
    p += 2;
    be16(p, (uint16_t)((4 + 2 + 1 + 2 + sl) + (4 + 3)));
    p += 2;
    be16(p, 0); /* server_name */
    be16(p + 2, (uint16_t)(2 + 1 + 2 + sl));
    be16(p + 4, (uint16_t)(1 + 2 + sl));
    p[6] = 0;
    be16(p + 7, (uint16_t)sl);
    memcpy(p + 9, sni, sl);
    p += 9 + sl;
    be16(p, 43); /* supported_versions: TLS 1.3 */
    be16(p + 2, 3);
    p[4] = 2, p[5] = 0x03, p[6] = 0x04;
    p += 7;
    return (size_t)(p - out);
}

size_t sl_pl_dhcp_request(uint8_t *out, size_t cap, uint8_t msg_type, uint32_t xid,
                          const uint8_t chaddr[6], const struct sl_addr *requested,
                          const char *hostname, const char *vendor_class)
{
    size_t hl = hostname ? strlen(hostname) : 0, vl = vendor_class ? strlen(vendor_class) : 0;
    size_t need = 240 + 3 + 6 + (hl ? 2 + hl : 0) + (vl ? 2 + vl : 0) + 1;
    if (cap < need || hl > 255 || vl > 255)
        return 0;
    memset(out, 0, 240);
    out[0] = 1, out[1] = 1, out[2] = 6;
    be32(out + 4, xid);
    memcpy(out + 28, chaddr, 6);
    out[236] = 99, out[237] = 130, out[238] = 83, out[239] = 99;
    size_t n = 240;
    out[n++] = 53, out[n++] = 1, out[n++] = msg_type;
    if (requested != NULL) {
        out[n++] = 50, out[n++] = 4;
        memcpy(out + n, requested->b + 12, 4);
        n += 4;
    }
    if (hl) {
        out[n++] = 12, out[n++] = (uint8_t)hl;
        memcpy(out + n, hostname, hl);
        n += hl;
    }
    if (vl) {
        out[n++] = 60, out[n++] = (uint8_t)vl;
        memcpy(out + n, vendor_class, vl);
        n += vl;
    }
    out[n++] = 255;
    return n;
}

size_t sl_pl_dhip(uint8_t *out, size_t cap, const char *json)
{
    size_t jl = strlen(json);
    if (cap < 32 + jl)
        return 0;
    memset(out, 0, 32);
    le32(out, 0x20);
    memcpy(out + 4, "DHIP", 4);
    le32(out + 16, (uint32_t)jl);
    le32(out + 24, (uint32_t)jl);
    memcpy(out + 32, json, jl);
    return 32 + jl;
}
