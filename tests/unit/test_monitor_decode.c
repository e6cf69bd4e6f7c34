/* test_monitor_decode.c - the monitor's packet-layer decoders: frames built
 * with monitor/pcapwrite.h in, fields out; hostile variants rejected with
 * their error key and never read past the end. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "monitor/cloud.h"
#include "monitor/decode.h"
#include "monitor/dhcp.h"
#include "monitor/discovery.h"
#include "monitor/dns.h"
#include "monitor/pcapwrite.h"
#include "monitor/reasm.h"
#include "monitor/tls_sni.h"

static uint8_t frame[70000], pl[70000];

static struct sl_addr addr(const char *s)
{
    struct sl_addr a;
    assert_int_equal(sl_addr_parse(s, &a), 0);
    return a;
}

static struct sl_fb_l2 l2(uint16_t vlan)
{
    struct sl_fb_l2 l = {{0x44, 0x19, 0xb6, 1, 2, 3}, {2, 0, 0, 0, 0, 1}, vlan};
    return l;
}

/* Decodes a copy of exactly n bytes on the heap, so ASan catches any over-read. */
static int decode_exact(const uint8_t *f, size_t n, struct sl_pkt *p, uint8_t **copy)
{
    *copy = malloc(n ? n : 1);
    memcpy(*copy, f, n);
    return sl_decode(SL_LINK_ETHERNET, *copy, n, p);
}

static void test_udp_v4_vlan(void **state)
{
    (void)state;
    struct sl_fb_l2 l = l2(20);
    struct sl_addr s = addr("198.18.2.30"), d = addr("198.18.2.1");
    size_t n = sl_fb_udp(frame, sizeof frame, &l, &s, 40000, &d, 53, (const uint8_t *)"hello", 5);
    assert_int_equal(n, 18 + 20 + 8 + 5);
    struct sl_pkt p;
    uint8_t *c;
    assert_int_equal(decode_exact(frame, n, &p, &c), 0);
    assert_null(p.error);
    assert_int_equal(p.vlan, 20);
    assert_int_equal(p.l3, SL_L3_IPV4);
    assert_int_equal(p.ip_proto, 17);
    assert_true(p.has_l4);
    assert_int_equal(p.sport, 40000);
    assert_int_equal(p.dport, 53);
    assert_int_equal(p.payload_len, 5);
    assert_memory_equal(p.payload, "hello", 5);
    char mac[18];
    sl_mac_format(p.src_mac, mac);
    assert_string_equal(mac, "44:19:b6:01:02:03");
    /* Every shorter capture of the same frame decodes without reading past it. */
    for (size_t k = 0; k < n; k++) {
        uint8_t *c2;
        decode_exact(frame, k, &p, &c2);
        assert_true(p.payload == NULL || p.payload + p.payload_len <= c2 + k);
        free(c2);
    }
    free(c);
}

static void test_tcp_v6(void **state)
{
    (void)state;
    struct sl_fb_l2 l = l2(0);
    struct sl_addr s = addr("2001:db8:1::25"), d = addr("2001:db8:1::1");
    size_t n = sl_fb_tcp(frame, sizeof frame, &l, &s, 50000, &d, 443, 0x18, 1, 2,
                         (const uint8_t *)"abc", 3);
    struct sl_pkt p;
    uint8_t *c;
    assert_int_equal(decode_exact(frame, n, &p, &c), 0);
    assert_null(p.error);
    assert_int_equal(p.l3, SL_L3_IPV6);
    assert_int_equal(p.ip_proto, 6);
    assert_int_equal(p.tcp_flags, 0x18);
    assert_int_equal(p.dport, 443);
    assert_int_equal(p.payload_len, 3);
    char buf[SL_ADDR_STRLEN];
    sl_addr_format(&p.src, buf);
    assert_string_equal(buf, "2001:db8:1::25");
    free(c);
}

static void test_arp_and_errors(void **state)
{
    (void)state;
    struct sl_fb_l2 l = l2(0);
    struct sl_addr a = addr("198.18.1.31");
    uint8_t zero[6] = {0};
    size_t n = sl_fb_arp(frame, sizeof frame, &l, 1, l.src, &a, zero, &a);
    struct sl_pkt p;
    uint8_t *c;
    assert_int_equal(decode_exact(frame, n, &p, &c), 0);
    assert_int_equal(p.l3, SL_L3_ARP);
    assert_int_equal(p.arp_op, 1);
    assert_memory_equal(p.arp_sha, l.src, 6);
    free(c);
    frame[14 + 4] = 8; /* hardware length 8 */
    decode_exact(frame, n, &p, &c);
    assert_string_equal(p.error, "arp.unsupported");
    free(c);
    /* runt */
    assert_int_equal(decode_exact(frame, 10, &p, &c), -1);
    assert_string_equal(p.error, "eth.truncated");
    free(c);
    /* bad IHL, bad version, TCP offset, UDP length */
    struct sl_addr s = addr("198.18.1.22"), d = addr("198.18.1.1");
    n = sl_fb_udp(frame, sizeof frame, &l, &s, 1, &d, 2, (const uint8_t *)"x", 1);
    frame[14] = 0x43;
    decode_exact(frame, n, &p, &c);
    assert_string_equal(p.error, "ipv4.bad_ihl");
    free(c);
    frame[14] = 0x65;
    decode_exact(frame, n, &p, &c);
    assert_string_equal(p.error, "ipv4.bad_version");
    free(c);
    n = sl_fb_tcp(frame, sizeof frame, &l, &s, 1, &d, 2, 0x18, 0, 0, (const uint8_t *)"x", 1);
    frame[14 + 20 + 12] = 0x30;
    decode_exact(frame, n, &p, &c);
    assert_string_equal(p.error, "tcp.bad_offset");
    free(c);
    frame[14 + 20 + 12] = 0xf0; /* 60-byte header in a 21-byte segment */
    decode_exact(frame, n, &p, &c);
    assert_string_equal(p.error, "tcp.truncated");
    free(c);
    /* Ethernet padding after a short IP packet is not payload. */
    n = sl_fb_udp(frame, sizeof frame, &l, &s, 1, &d, 2, (const uint8_t *)"ab", 2);
    memset(frame + n, 0, 20);
    decode_exact(frame, n + 20, &p, &c);
    assert_null(p.error);
    assert_int_equal(p.payload_len, 2);
    free(c);
    /* A non-first fragment has no transport header. */
    n = sl_fb_udp(frame, sizeof frame, &l, &s, 1, &d, 53, (const uint8_t *)"ab", 2);
    frame[14 + 7] = 0x10;
    decode_exact(frame, n, &p, &c);
    assert_true(p.fragment);
    assert_false(p.has_l4);
    free(c);
}

/* Splits the IPv4 frame f (Ethernet, no VLAN) into fragments of at most mtu
 * payload bytes; returns how many were written into frags (each 2000 bytes). */
static int fragment(const uint8_t *f, size_t n, size_t mtu, uint8_t frags[][2000], size_t *lens)
{
    size_t ihl = (size_t)(f[14] & 15) * 4, payload = n - 14 - ihl;
    int k = 0;
    for (size_t off = 0; off < payload; off += mtu, k++) {
        size_t len = payload - off < mtu ? payload - off : mtu;
        memcpy(frags[k], f, 14 + ihl);
        memcpy(frags[k] + 14 + ihl, f + 14 + ihl + off, len);
        uint16_t fl = (uint16_t)((off / 8) | (off + len < payload ? 0x2000 : 0));
        frags[k][14 + 2] = (uint8_t)((ihl + len) >> 8);
        frags[k][14 + 3] = (uint8_t)(ihl + len);
        frags[k][14 + 6] = (uint8_t)(fl >> 8);
        frags[k][14 + 7] = (uint8_t)fl;
        lens[k] = 14 + ihl + len;
    }
    return k;
}

static void test_reassembly(void **state)
{
    (void)state;
    struct sl_fb_l2 l = l2(0);
    struct sl_addr s = addr("198.18.1.3"), d = addr("239.255.255.250");
    for (size_t i = 0; i < 3000; i++)
        pl[i] = (uint8_t)('a' + i % 26);
    memcpy(pl + 2990, "ProbeMatch", 10);
    size_t n = sl_fb_udp(frame, sizeof frame, &l, &s, 3702, &d, 50000, pl, 3000);
    static uint8_t frags[4][2000];
    size_t lens[4];
    int k = fragment(frame, n, 1480, frags, lens);
    assert_int_equal(k, 3);
    struct sl_reasm *r = sl_reasm_new();
    const uint8_t *out;
    size_t len;
    /* out of order: last, first, middle */
    int order[3] = {2, 0, 1};
    for (int i = 0; i < 3; i++) {
        struct sl_pkt p;
        assert_int_equal(sl_decode(SL_LINK_ETHERNET, frags[order[i]], lens[order[i]], &p), 0);
        assert_true(p.fragment || p.frag_more);
        assert_false(p.truncated);
        int rc = sl_reasm_add(r, &p, 100, &out, &len);
        assert_int_equal(rc, i == 2 ? 1 : 0);
        if (rc == 1) {
            assert_int_equal(len, 3008);
            assert_int_equal(sl_decode_l4(&p, out, len), 0);
            assert_int_equal(p.sport, 3702);
            assert_int_equal(p.payload_len, 3000);
            assert_memory_equal(p.payload, pl, 3000);
        }
    }
    /* a fragment that never completes is dropped once it is too old */
    struct sl_pkt p;
    sl_decode(SL_LINK_ETHERNET, frags[0], lens[0], &p);
    assert_int_equal(sl_reasm_add(r, &p, 200, &out, &len), 0);
    sl_decode(SL_LINK_ETHERNET, frags[1], lens[1], &p);
    p.frag_id = 99; /* another datagram, 31 s later */
    assert_int_equal(sl_reasm_add(r, &p, 231, &out, &len), 0);
    assert_int_equal(sl_reasm_dropped(r), 1);
    /* a middle fragment not a multiple of 8 bytes is refused */
    p.ip_payload_len = 13;
    assert_int_equal(sl_reasm_add(r, &p, 231, &out, &len), -1);
    sl_reasm_free(r);
}

static void test_dns(void **state)
{
    (void)state;
    struct sl_dns d;
    const char *e = NULL;
    size_t n = sl_pl_dns_query(pl, sizeof pl, 0x1234, "Api.Hik-Connect.COM", 1);
    assert_int_equal(sl_dns_parse(pl, n, &d, &e), 0);
    assert_false(d.response);
    assert_int_equal(d.id, 0x1234);
    assert_string_equal(d.qname, "api.hik-connect.com");
    struct sl_addr an[2] = {addr("198.19.200.10"), addr("2001:db8::10")};
    n = sl_pl_dns_response(pl, sizeof pl, 7, "x.easy4ip.com", 1, an, 2);
    assert_int_equal(sl_dns_parse(pl, n, &d, &e), 0);
    assert_true(d.response);
    assert_int_equal(d.n_answers, 2);
    assert_int_equal(d.answers[0].type, 1);
    assert_memory_equal(d.answers[0].addr, an[0].b + 12, 4);
    assert_int_equal(d.answers[1].type, 28);
    /* Every cut of the response parses or fails cleanly. */
    for (size_t k = 0; k < n; k++) {
        uint8_t *c = malloc(k ? k : 1);
        memcpy(c, pl, k);
        sl_dns_parse(c, k, &d, &e);
        free(c);
    }
    /* A pointer to itself, a pointer forwards, a name over 255 bytes. */
    n = sl_pl_dns_query(pl, sizeof pl, 1, "loop.example", 1);
    pl[12] = 0xc0, pl[13] = 12;
    assert_int_equal(sl_dns_parse(pl, n, &d, &e), -1);
    assert_string_equal(e, "dns.bad_name");
    pl[13] = 20;
    assert_int_equal(sl_dns_parse(pl, n, &d, &e), -1);
    memset(pl, 0, 12);
    pl[5] = 1;
    size_t k = 12;
    for (int i = 0; i < 5; i++) {
        pl[k++] = 63;
        memset(pl + k, 'a', 63);
        k += 63;
    }
    pl[k++] = 0;
    assert_int_equal(sl_dns_parse(pl, k + 4, &d, &e), -1);
    assert_string_equal(e, "dns.bad_name");
    assert_int_equal(sl_dns_parse(pl, 5, &d, &e), -1);
    assert_string_equal(e, "dns.truncated");
    /* Unprintable bytes in a label become '?'. */
    n = sl_pl_dns_query(pl, sizeof pl, 1, "ab.example", 1);
    pl[13] = 0x01;
    assert_int_equal(sl_dns_parse(pl, n, &d, &e), 0);
    assert_string_equal(d.qname, "?b.example");
}

static void test_tls_sni(void **state)
{
    (void)state;
    char sni[SL_SNI_MAX];
    const char *e = NULL;
    size_t n = sl_pl_tls_client_hello(pl, sizeof pl, "Dev.EzvizLife.com");
    assert_true(sl_tls_is_handshake(pl, n));
    assert_int_equal(sl_tls_sni(pl, n, sni, &e), 1);
    assert_string_equal(sni, "dev.ezvizlife.com");
    for (size_t k = 0; k < n; k++) {
        uint8_t *c = malloc(k ? k : 1);
        memcpy(c, pl, k);
        int rc = sl_tls_sni(c, k, sni, &e);
        assert_true(rc <= 0 || strcmp(sni, "dev.ezvizlife.com") == 0);
        free(c);
    }
    pl[5] = 2; /* ServerHello */
    assert_int_equal(sl_tls_sni(pl, n, sni, &e), -1);
    assert_string_equal(e, "tls.not_client_hello");
    assert_false(sl_tls_is_handshake((const uint8_t *)"GET ", 4));
}

static void test_dhcp(void **state)
{
    (void)state;
    uint8_t mac[6] = {0xac, 0xcc, 0x8e, 0, 0, 0x34};
    struct sl_addr r = addr("198.18.1.34");
    size_t n = sl_pl_dhcp_request(pl, sizeof pl, 3, 1, mac, &r, "axis-cam",
                                  "AXIS,Network Camera,P3343,5.20.3");
    struct sl_dhcp d;
    const char *e = NULL;
    assert_int_equal(sl_dhcp_parse(pl, n, &d, &e), 0);
    assert_int_equal(d.op, 1);
    assert_int_equal(d.msg_type, 3);
    assert_true(d.has_chaddr);
    assert_memory_equal(d.chaddr, mac, 6);
    assert_true(d.has_requested);
    assert_string_equal(d.hostname, "axis-cam");
    assert_string_equal(d.vendor_class, "AXIS,Network Camera,P3343,5.20.3");
    char text[256];
    sl_dhcp_evidence_text(&d, text, sizeof text);
    assert_string_equal(text, "hostname=axis-cam\nvendor_class=AXIS,Network Camera,P3343,5.20.3");
    pl[n - 1] = 12; /* an option whose length runs past the end */
    pl[n] = 200;
    assert_int_equal(sl_dhcp_parse(pl, n + 1, &d, &e), -1);
    assert_string_equal(e, "dhcp.bad_option");
    pl[236] = 0;
    assert_int_equal(sl_dhcp_parse(pl, n, &d, &e), -1);
    assert_string_equal(e, "dhcp.bad_cookie");
    assert_int_equal(sl_dhcp_parse(pl, 100, &d, &e), -1);
    assert_string_equal(e, "dhcp.truncated");
}

static void test_discovery(void **state)
{
    (void)state;
    struct sl_disc d;
    static const char hello[] = "<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello"
                                "</a:Action><d:Types>dn:NetworkVideoTransmitter</d:Types>";
    assert_int_equal(sl_disc_udp(3702, 3702, (const uint8_t *)hello, sizeof hello - 1, &d),
                     SL_DISC_WSD_HELLO);
    assert_true(d.announcement);
    assert_true(d.video);
    assert_int_equal(d.proto, SL_PROTO_WSD);
    static const char probe[] = "<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe"
                                "</a:Action>";
    assert_int_equal(sl_disc_udp(50000, 3702, (const uint8_t *)probe, sizeof probe - 1, &d),
                     SL_DISC_WSD_PROBE);
    assert_false(d.announcement);
    static const char notify[] = "NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\n\r\n";
    assert_int_equal(sl_disc_udp(1900, 1900, (const uint8_t *)notify, sizeof notify - 1, &d),
                     SL_DISC_SSDP_NOTIFY);
    static const char msearch[] = "M-SEARCH * HTTP/1.1\r\n\r\n";
    assert_int_equal(sl_disc_udp(5000, 1900, (const uint8_t *)msearch, sizeof msearch - 1, &d),
                     SL_DISC_SSDP_MSEARCH);
    static const char sadp[] = "<?xml version=\"1.0\"?><ProbeMatch><Uuid>x</Uuid></ProbeMatch>";
    assert_int_equal(sl_disc_udp(37020, 37020, (const uint8_t *)sadp, sizeof sadp - 1, &d),
                     SL_DISC_SADP_REPLY);
    size_t n = sl_pl_dhip(pl, sizeof pl, "{\"method\":\"client.notifyDevInfo\"}");
    assert_int_equal(sl_disc_udp(37810, 37810, pl, n, &d), SL_DISC_DHDISCOVER_REPLY);
    n = sl_pl_dhip(pl, sizeof pl, "{\"method\":\"DHDiscover.search\"}");
    assert_int_equal(sl_disc_udp(40000, 37810, pl, n, &d), SL_DISC_DHDISCOVER_SEARCH);
    assert_false(d.announcement);
    /* bare JSON without the DHIP header is not DHDiscover */
    assert_int_equal(sl_disc_udp(37810, 37810, (const uint8_t *)"{\"deviceInfo\":{}}", 17, &d),
                     SL_DISC_NONE);
    assert_int_equal(sl_disc_udp(80, 81, (const uint8_t *)"x", 1, &d), SL_DISC_NONE);
}

static void test_cloud_match(void **state)
{
    (void)state;
    static const char tsv[] =
        "# comment\n"
        "hik-connect.com\tHikvision\tHik-Connect\tcloud\tsrc\n"
        "Easy4ip.com\tDahua\tEasy4ip\tp2p\tsrc\n"
        "api.easy4ip.com\tDahua\tEasy4ip API\tp2p\tsrc\n";
    struct sl_cloud *c;
    struct sl_err err;
    assert_int_equal(sl_cloud_parse(&c, tsv, sizeof tsv - 1, "t", &err), 0);
    assert_int_equal(sl_cloud_count(c), 3);
    assert_string_equal(sl_cloud_match(c, "hik-connect.com")->domain, "hik-connect.com");
    assert_string_equal(sl_cloud_match(c, "x.y.hik-connect.com")->domain, "hik-connect.com");
    assert_string_equal(sl_cloud_match(c, "hik-connect.com.")->domain, "hik-connect.com");
    assert_null(sl_cloud_match(c, "nothik-connect.com"));
    assert_null(sl_cloud_match(c, "hik-connect.com.example.net"));
    assert_null(sl_cloud_match(c, "com"));
    assert_null(sl_cloud_match(c, ""));
    /* the longest entry wins */
    assert_string_equal(sl_cloud_match(c, "v1.api.easy4ip.com")->service, "Easy4ip API");
    assert_string_equal(sl_cloud_match(c, "p2p.easy4ip.com")->service, "Easy4ip");
    sl_cloud_free(c);
    static const char bad[] = "hik-connect.com\tHikvision\tHik-Connect\tweird\tsrc\n";
    assert_int_equal(sl_cloud_parse(&c, bad, sizeof bad - 1, "t", &err), -1);
    assert_non_null(strstr(err.msg, "line 1"));
    static const char dup[] = "a.com\tV\tS\tcloud\tsrc\nA.com\tV\tS\tcloud\tsrc\n";
    assert_int_equal(sl_cloud_parse(&c, dup, sizeof dup - 1, "t", &err), -1);
    assert_non_null(strstr(err.msg, "twice"));
    static const char fields[] = "a.com\tV\tS\tcloud\n";
    assert_int_equal(sl_cloud_parse(&c, fields, sizeof fields - 1, "t", &err), -1);
    /* the shipped file loads */
    char path[4096];
    snprintf(path, sizeof path, "%s/data/cloud-domains.tsv", SL_TEST_SOURCE_DIR);
    assert_int_equal(sl_cloud_load(&c, path, &err), 0);
    assert_true(sl_cloud_count(c) >= 10);
    assert_non_null(sl_cloud_match(c, "api.hik-connect.com"));
    assert_non_null(sl_cloud_match(c, "www.easy4ipcloud.com"));
    sl_cloud_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_udp_v4_vlan), cmocka_unit_test(test_tcp_v6),
        cmocka_unit_test(test_arp_and_errors), cmocka_unit_test(test_reassembly),
        cmocka_unit_test(test_dns),
        cmocka_unit_test(test_tls_sni),
        cmocka_unit_test(test_dhcp), cmocka_unit_test(test_discovery),
        cmocka_unit_test(test_cloud_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
