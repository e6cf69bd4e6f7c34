/* pcapgen.c - the project's traffic generator for the monitor.
 *
 *   bench_pcapgen golden DIR        writes the golden-test pcaps (the .pcap files of tests/monitor/)
 *   bench_pcapgen mix FILE [N] [C]  writes a benchmark pcap of N frames (default
 *                                   5,000,000) of mixed traffic with C camera stations
 *                                   (default 300) calling their vendors' clouds
 *
 * Every file is reproducible byte for byte (fixed times, a fixed PRNG seed).
 * All addresses are documentation/benchmark ranges: 198.18.0.0/15, 2001:db8::/32.
 * Payload bytes follow research/fingerprints.md (section numbers cited below).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/pcapwrite.h"
#include "util/cidr.h"
#include "util/rng.h"

#define T0 1772442000 /* 2026-03-02T09:00:00Z */

static uint8_t frame[70000];
static uint8_t pl[70000];
static struct sl_pcap_writer W;
static int64_t now_s = T0;
static int32_t now_us;

static struct sl_addr A(const char *s)
{
    struct sl_addr a;
    if (sl_addr_parse(s, &a) != 0) {
        fprintf(stderr, "pcapgen: bad address %s\n", s);
        exit(3);
    }
    return a;
}

static void M(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
        exit(3);
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)v[i];
}

static struct sl_fb_l2 L2(const char *src, const char *dst, uint16_t vlan)
{
    struct sl_fb_l2 l;
    M(src, l.src);
    M(dst, l.dst);
    l.vlan = vlan;
    return l;
}

static void at(int64_t s, int32_t us)
{
    now_s = T0 + s;
    now_us = us;
}

static void put(size_t n)
{
    if (n == 0) {
        fprintf(stderr, "pcapgen: a frame did not fit\n");
        exit(3);
    }
    if (sl_pcapw_write(&W, now_s, now_us, frame, n, n) != 0) {
        fprintf(stderr, "pcapgen: write failed\n");
        exit(3);
    }
    now_us += 1000;
}

/* A frame whose capture ends at caplen, though it was wirelen long. */
static void put_cut(size_t n, size_t caplen)
{
    if (sl_pcapw_write(&W, now_s, now_us, frame, caplen < n ? caplen : n, n) != 0)
        exit(3);
    now_us += 1000;
}

static void open_out(const char *dir, const char *name, uint32_t linktype)
{
    char path[4096];
    struct sl_err err;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (sl_pcapw_open(&W, path, linktype, 65535, &err) != 0) {
        fprintf(stderr, "pcapgen: %s\n", err.msg);
        exit(3);
    }
}

static void close_out(void)
{
    struct sl_err err;
    if (sl_pcapw_close(&W, &err) != 0) {
        fprintf(stderr, "pcapgen: %s\n", err.msg);
        exit(3);
    }
}

static const char *const ROUTER = "02:00:00:00:00:01";
static const char *const BCAST = "ff:ff:ff:ff:ff:ff";

static void dns_q(const char *mac, const char *ip, uint16_t sport, const char *name, uint16_t qtype,
                  uint16_t id, uint16_t vlan, const char *server)
{
    struct sl_fb_l2 l = L2(mac, ROUTER, vlan);
    struct sl_addr s = A(ip), d = A(server);
    size_t n = sl_pl_dns_query(pl, sizeof pl, id, name, qtype);
    put(sl_fb_udp(frame, sizeof frame, &l, &s, sport, &d, 53, pl, n));
}

static void dns_r(const char *mac, const char *ip, uint16_t dport, const char *name, uint16_t id,
                  const char *answer)
{
    struct sl_fb_l2 l = L2(ROUTER, mac, 0);
    struct sl_addr s = A("198.18.1.1"), d = A(ip), an = A(answer);
    size_t n = sl_pl_dns_response(pl, sizeof pl, id, name, an.v4 ? 1 : 28, &an, 1);
    put(sl_fb_udp(frame, sizeof frame, &l, &s, 53, &d, dport, pl, n));
}

static void tcp(const char *smac, const char *sip, uint16_t sport, const char *dmac,
                const char *dip, uint16_t dport, uint8_t flags, const void *data, size_t len)
{
    struct sl_fb_l2 l = L2(smac, dmac, 0);
    struct sl_addr s = A(sip), d = A(dip);
    put(sl_fb_tcp(frame, sizeof frame, &l, &s, sport, &d, dport, flags, 1000, flags & 0x10 ? 1 : 0,
                  data, len));
}

static void udp(const char *smac, const char *sip, uint16_t sport, const char *dmac,
                const char *dip, uint16_t dport, const void *data, size_t len)
{
    struct sl_fb_l2 l = L2(smac, dmac, 0);
    struct sl_addr s = A(sip), d = A(dip);
    put(sl_fb_udp(frame, sizeof frame, &l, &s, sport, &d, dport, data, len));
}

/* ---- golden: vendor cloud ------------------------------------------------------------ */

#define HIK1 "44:19:b6:6e:00:01" /* Hikvision OUI 44:19:B6 (fingerprints.md §3, CAMIO) */
#define DAH1 "3c:ef:8c:00:00:02" /* Dahua OUI 3C:EF:8C (fingerprints.md §1.13) */
#define HIK2 "c0:56:e3:00:00:04" /* Hikvision OUI C0:56:E3 (CAMIO) */
#define HIK3 "bc:ad:28:00:00:05" /* Hikvision OUI BC:AD:28 (CAMIO) */
#define WS1 "02:00:00:00:00:33"  /* a workstation (locally administered MAC) */

static void golden_cloud(const char *dir)
{
    open_out(dir, "cloud.pcap", 1);
    /* The camera looks up Hik-Connect three times (one alert, a summary of 3). */
    at(0, 0);
    dns_q(HIK1, "198.18.1.21", 40001, "api.hik-connect.com", 1, 0x1001, 0, "198.18.1.1");
    at(1, 0);
    dns_r(HIK1, "198.18.1.21", 40001, "api.hik-connect.com", 0x1001, "198.19.200.10");
    /* ... connects to the address it got, and names it in TLS */
    at(2, 0);
    tcp(HIK1, "198.18.1.21", 50001, ROUTER, "198.19.200.10", 443, 0x02, NULL, 0);
    tcp(ROUTER, "198.19.200.10", 443, HIK1, "198.18.1.21", 50001, 0x12, NULL, 0);
    size_t n = sl_pl_tls_client_hello(pl, sizeof pl, "api.hik-connect.com");
    tcp(HIK1, "198.18.1.21", 50001, ROUTER, "198.19.200.10", 443, 0x18, pl, n);
    at(10, 0);
    dns_q(HIK1, "198.18.1.21", 40002, "api.hik-connect.com", 1, 0x1002, 0, "198.18.1.1");
    at(20, 0);
    dns_q(HIK1, "198.18.1.21", 40003, "api.hik-connect.com", 1, 0x1003, 0, "198.18.1.1");
    /* A Dahua camera: P2P mediator look-up (anchors.md §2), then UDP to the relay. */
    at(5, 0);
    dns_q(DAH1, "198.18.1.22", 40010, "www.easy4ipcloud.com", 1, 0x2001, 0, "198.18.1.1");
    dns_r(DAH1, "198.18.1.22", 40010, "www.easy4ipcloud.com", 0x2001, "198.19.200.20");
    for (int i = 0; i < 5; i++)
        udp(DAH1, "198.18.1.22", 40011, ROUTER, "198.19.200.20", 8800, "P2P-HELLO", 9);
    /* A workstation: look-alike names must not match (whole labels only). */
    at(7, 0);
    dns_q(WS1, "198.18.1.50", 40020, "nothik-connect.com", 1, 0x3001, 0, "198.18.1.1");
    dns_q(WS1, "198.18.1.50", 40021, "www.example.org", 1, 0x3002, 0, "198.18.1.1");
    dns_q(WS1, "198.18.1.50", 40022, "hik-connect.com.example.net", 1, 0x3003, 0, "198.18.1.1");
    /* ... but an HTTP request to Dahua's DDNS (anchors.md §2) does. */
    at(8, 0);
    static const char get[] = "GET /ddns/update?host=x HTTP/1.1\r\nHost: www.DahuaDDNS.com:80\r\n"
                              "User-Agent: test\r\n\r\n";
    tcp(WS1, "198.18.1.50", 50100, ROUTER, "198.19.200.30", 80, 0x02, NULL, 0);
    tcp(WS1, "198.18.1.50", 50100, ROUTER, "198.19.200.30", 80, 0x18, get, sizeof get - 1);
    /* ... and a visit to the maker's own site is a lower-severity alert. */
    n = sl_pl_tls_client_hello(pl, sizeof pl, "www.hikvision.com");
    tcp(WS1, "198.18.1.50", 50101, ROUTER, "198.19.200.40", 443, 0x18, pl, n);
    /* A camera on VLAN 20 and one speaking IPv6 (name in mixed case). */
    at(9, 0);
    dns_q(HIK2, "198.18.2.30", 40030, "i.ys7.com", 1, 0x4001, 20, "198.18.2.1");
    at(11, 0);
    dns_q(HIK3, "2001:db8:1::25", 40040, "Api.Hik-Connect.COM", 28, 0x5001, 0, "2001:db8:1::1");
    /* A DNS answer arriving without its question is only learned from. */
    at(12, 0);
    dns_r(WS1, "198.18.1.50", 40023, "relay.easy4ip.com", 0x3004, "198.19.200.21");
    close_out();
}

/* ---- golden: discovery and banners ----------------------------------------------------- */

#define HIKC "44:19:b6:6e:00:0a"
#define DAHC "3c:ef:8c:41:6c:ce" /* the MAC of the measured VTO2000A (fingerprints.md §1.13) */
#define GENC "02:11:22:33:44:55"
#define AXIS "ac:cc:8e:00:00:34" /* Axis OUI ACCC8E (fingerprints.md §1.16) */
#define HNVR "28:57:be:00:00:35" /* Hikvision OUI 28:57:BE (CAMIO) */
#define DRTS "90:02:a9:00:00:36" /* Dahua OUI 90:02:A9 (CAMIO) */
#define HL2 "c4:2f:90:00:00:37"  /* Hikvision OUI C4:2F:90 (CAMIO) */

/* SADP reply fields as listed in fingerprints.md §1.12 (HIKTOOL struct, USCAN selftest). */
static const char sadp_reply[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ProbeMatch>"
    "<Uuid>8C4A7F21-0000-4000-8000-0000000000AB</Uuid><Types>inquiry</Types>"
    "<DeviceType>138153</DeviceType><DeviceDescription>DS-2CD2143G0-I</DeviceDescription>"
    "<DeviceSN>DS-2CD2143G0-I20190601AAWRD00000001</DeviceSN><CommandPort>8000</CommandPort>"
    "<HttpPort>80</HttpPort><MAC>44-19-b6-6e-00-0a</MAC><IPv4Address>198.18.1.31</IPv4Address>"
    "<IPv4SubnetMask>255.255.255.0</IPv4SubnetMask><IPv4Gateway>198.18.1.1</IPv4Gateway>"
    "<DHCP>false</DHCP><AnalogChannelNum>0</AnalogChannelNum>"
    "<DigitalChannelNum>1</DigitalChannelNum><SoftwareVersion>V5.5.0build 191126"
    "</SoftwareVersion><DSPVersion>V7.3 build 191126</DSPVersion><BootTime>2026-03-01 "
    "08:00:00</BootTime><Activated>true</Activated></ProbeMatch>";

/* DHDiscover reply body as in fingerprints.md §1.13 (RROLLER test_discovery.py shape). */
static const char dh_reply[] =
    "{\"mac\":\"3c:ef:8c:41:6c:ce\",\"method\":\"client.notifyDevInfo\",\"params\":{\"deviceInfo\":"
    "{\"AlarmInputChannels\":1,\"AlarmOutputChannels\":1,\"DeviceClass\":\"IPC\","
    "\"DeviceType\":\"IPC-HDW2431T-AS-S2\",\"HttpPort\":80,\"IPv4Address\":{\"IPAddress\":"
    "\"198.18.1.32\",\"SubnetMask\":\"255.255.255.0\",\"DefaultGateway\":\"198.18.1.1\","
    "\"DhcpEnable\":false},\"MachineName\":\"IPC\",\"Manufacturer\":\"Dahua\",\"Port\":37777,"
    "\"SerialNo\":\"5J0000000000001\",\"Vendor\":\"Dahua\",\"Version\":\"2.800.0000000.25.R\","
    "\"VideoInputChannels\":1,\"VideoOutputChannels\":0}}}";

/* WS-Discovery Hello (fingerprints.md §1.9: Types, Scopes, XAddrs). */
static const char wsd_hello[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><s:Envelope "
    "xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
    "xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
    "xmlns:d=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\" "
    "xmlns:dn=\"http://www.onvif.org/ver10/network/wsdl\"><s:Header>"
    "<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello</a:Action>"
    "<a:MessageID>urn:uuid:00000000-0000-4000-8000-000000000033</a:MessageID>"
    "<a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header><s:Body><d:Hello>"
    "<a:EndpointReference><a:Address>urn:uuid:00000000-0000-4000-8000-0000000000ee</a:Address>"
    "</a:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>"
    "onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming "
    "onvif://www.onvif.org/name/IPCAM onvif://www.onvif.org/hardware/C100</d:Scopes>"
    "<d:XAddrs>http://198.18.1.33/onvif/device_service</d:XAddrs>"
    "<d:MetadataVersion>1</d:MetadataVersion></d:Hello></s:Body></s:Envelope>";

/* SSDP NOTIFY with the Axis Server string of fingerprints.md §1.1 (RECOG). */
static const char ssdp_notify[] =
    "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n"
    "LOCATION: http://198.18.1.34:49152/rootdesc1.xml\r\nNT: upnp:rootdevice\r\n"
    "NTS: ssdp:alive\r\nSERVER: Linux/4.9.94-axis5, UPnP/1.0, Portable SDK for UPnP "
    "devices/1.6.22\r\nUSN: uuid:Upnp-BasicDevice-1_0-ACCC8E000034::upnp:rootdevice\r\n\r\n";

static const char http_nvr[] = "HTTP/1.1 200 OK\r\nServer: DNVRS-Webs\r\n" /* §1.1 NMAP/RECOG */
                               "Content-Type: text/html\r\nContent-Length: 0\r\n\r\n";
static const char rtsp_dahua[] = "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Dahua Rtsp Server\r\n" /* §1.8 */
                                 "Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n";

static void golden_discovery(const char *dir)
{
    open_out(dir, "discovery.pcap", 1);
    uint8_t sha[6], zero[6] = {0};
    /* Hikvision camera: gratuitous ARP, then SADP replies (the same one three times). */
    at(0, 0);
    struct sl_fb_l2 l = L2(HIKC, BCAST, 0);
    M(HIKC, sha);
    struct sl_addr a31 = A("198.18.1.31");
    put(sl_fb_arp(frame, sizeof frame, &l, 1, sha, &a31, zero, &a31));
    for (int i = 0; i < 3; i++) {
        at(1 + 30 * i, 0);
        udp(HIKC, "198.18.1.31", 37020, "01:00:5e:7f:ff:fa", "239.255.255.250", 37020, sadp_reply,
            sizeof sadp_reply - 1);
    }
    /* Dahua: DHDiscover reply (DHIP header + JSON) to a search. */
    at(2, 0);
    size_t n = sl_pl_dhip(pl, sizeof pl, dh_reply);
    udp(DAHC, "198.18.1.32", 37810, "01:00:5e:7f:ff:fb", "239.255.255.251", 37810, pl, n);
    /* An unbranded ONVIF camera announcing itself. */
    at(3, 0);
    udp(GENC, "198.18.1.33", 3702, "01:00:5e:7f:ff:fa", "239.255.255.250", 3702, wsd_hello,
        sizeof wsd_hello - 1);
    /* An Axis camera: DHCP request with its vendor class (fingerprints.md §1.16), SSDP. */
    at(4, 0);
    uint8_t ax[6];
    M(AXIS, ax);
    struct sl_addr r34 = A("198.18.1.34"), any = A("0.0.0.0"), bc = A("255.255.255.255");
    n = sl_pl_dhcp_request(pl, sizeof pl, 3, 0xabcd0034, ax, &r34, "axis-accc8e000034",
                           "AXIS,Network Camera,P3343,5.20.3");
    l = L2(AXIS, BCAST, 0);
    put(sl_fb_udp(frame, sizeof frame, &l, &any, 68, &bc, 67, pl, n));
    udp(AXIS, "198.18.1.34", 1900, "01:00:5e:7f:ff:fa", "239.255.255.250", 1900, ssdp_notify,
        sizeof ssdp_notify - 1);
    /* A workstation asks a Hikvision NVR's web server; the answer names it. */
    at(5, 0);
    static const char get[] = "GET / HTTP/1.1\r\nHost: 198.18.1.35\r\n\r\n";
    tcp(WS1, "198.18.1.50", 50200, HNVR, "198.18.1.35", 80, 0x18, get, sizeof get - 1);
    tcp(HNVR, "198.18.1.35", 80, WS1, "198.18.1.50", 50200, 0x18, http_nvr, sizeof http_nvr - 1);
    /* ... and a Dahua camera's RTSP server answers OPTIONS. */
    static const char opt[] = "OPTIONS rtsp://198.18.1.36/ RTSP/1.0\r\nCSeq: 1\r\n\r\n";
    tcp(WS1, "198.18.1.50", 50201, DRTS, "198.18.1.36", 554, 0x18, opt, sizeof opt - 1);
    tcp(DRTS, "198.18.1.36", 554, WS1, "198.18.1.50", 50201, 0x18, rtsp_dahua,
        sizeof rtsp_dahua - 1);
    /* Hikvision layer-2 SADP (EtherType 0x8033, fingerprints.md §1.12, HIKTOOLS). */
    at(6, 0);
    uint8_t sadp2[0x40] = {0x21, 0x02, 0x01, 0x42};
    l = L2(HL2, BCAST, 0);
    put(sl_fb_ether(frame, sizeof frame, &l, 0x8033, sadp2, sizeof sadp2));
    close_out();
}

/* ---- golden: hostile frames ---------------------------------------------------------- */

/* Long: the golden pcap of hostile frames is a list of frames, one a stanza:
 * data, written in the order the golden test's expected output follows. */
static void golden_malformed(const char *dir)
{
    open_out(dir, "malformed.pcap", 1);
    struct sl_fb_l2 l = L2(DAH1, ROUTER, 0);
    struct sl_addr s = A("198.18.1.22"), d = A("198.18.1.1");
    size_t n;
    at(0, 0);
    /* 1. a runt: 10 bytes */
    memset(frame, 0xee, 10);
    put(10);
    /* 2. IPv4 header cut after 10 bytes */
    n = sl_fb_udp(frame, sizeof frame, &l, &s, 1, &d, 2, NULL, 0);
    put_cut(n, 14 + 10);
    /* 3. IPv4 IHL 3 (12 bytes: less than the minimum) */
    n = sl_fb_udp(frame, sizeof frame, &l, &s, 1, &d, 2, (const uint8_t *)"x", 1);
    frame[14] = 0x43;
    put(n);
    /* 4. version 5 in an IPv4 EtherType */
    frame[14] = 0x55;
    put(n);
    /* 5. TCP data offset 3 */
    n = sl_fb_tcp(frame, sizeof frame, &l, &s, 1234, &d, 80, 0x18, 1, 1, (const uint8_t *)"GET", 3);
    frame[14 + 20 + 12] = 0x30;
    put(n);
    /* 6. UDP length 4 */
    n = sl_fb_udp(frame, sizeof frame, &l, &s, 1234, &d, 53, (const uint8_t *)"abcd", 4);
    frame[14 + 20 + 4] = 0, frame[14 + 20 + 5] = 4;
    put(n);
    /* 7. a DNS query captured only in part (snap length 60) */
    n = sl_pl_dns_query(pl, sizeof pl, 7, "a-rather-long-label-for-cutting.p2p.easy4ip.com", 1);
    n = sl_fb_udp(frame, sizeof frame, &l, &s, 40007, &d, 53, pl, n);
    put_cut(n, 60);
    /* 8. DNS name that points at itself (a compression loop) */
    n = sl_pl_dns_query(pl, sizeof pl, 8, "loop.example", 1);
    pl[12] = 0xc0, pl[13] = 12;
    put(sl_fb_udp(frame, sizeof frame, &l, &s, 40008, &d, 53, pl, n));
    /* 9. DNS name pointing forwards */
    pl[12] = 0xc0, pl[13] = 40;
    put(sl_fb_udp(frame, sizeof frame, &l, &s, 40009, &d, 53, pl, n));
    /* 10. DNS name longer than 255 bytes (five 63-byte labels) */
    memset(pl, 0, 12);
    pl[5] = 1;
    size_t k = 12;
    for (int i = 0; i < 5; i++) {
        pl[k++] = 63;
        memset(pl + k, 'a', 63);
        k += 63;
    }
    pl[k++] = 0;
    pl[k++] = 0, pl[k++] = 1, pl[k++] = 0, pl[k++] = 1;
    put(sl_fb_udp(frame, sizeof frame, &l, &s, 40010, &d, 53, pl, k));
    /* 11. a TLS record that claims 16 KiB and holds 20 bytes */
    static const uint8_t tls[] = {0x16, 3, 1, 0x40, 0, 1, 0, 0x3f, 0xfc, 3, 3, 0, 0, 0, 0, 0, 0, 0,
                                  0, 0};
    n = sl_fb_tcp(frame, sizeof frame, &l, &s, 50011, &d, 443, 0x18, 1, 1, tls, sizeof tls);
    put(n);
    /* 12. DHCP with a wrong magic cookie */
    uint8_t mac[6];
    M(DAH1, mac);
    n = sl_pl_dhcp_request(pl, sizeof pl, 1, 12, mac, NULL, "x", NULL);
    pl[236] = 0;
    struct sl_addr any = A("0.0.0.0"), bc = A("255.255.255.255");
    put(sl_fb_udp(frame, sizeof frame, &l, &any, 68, &bc, 67, pl, n));
    /* 13. DHCP option running past the end */
    n = sl_pl_dhcp_request(pl, sizeof pl, 1, 13, mac, NULL, "host", NULL);
    pl[n - 1] = 12, pl[n] = 200; /* replaces the end option with a 200-byte hostname */
    put(sl_fb_udp(frame, sizeof frame, &l, &any, 68, &bc, 67, pl, n + 1));
    /* 14. three VLAN tags */
    memcpy(frame, l.dst, 6);
    memcpy(frame + 6, l.src, 6);
    for (int i = 0; i < 3; i++)
        frame[12 + 4 * i] = 0x81, frame[13 + 4 * i] = 0, frame[14 + 4 * i] = 0,
                      frame[15 + 4 * i] = 5;
    frame[24] = 0x08, frame[25] = 0;
    memset(frame + 26, 0, 20);
    put(46);
    /* 15. IPv6 with nine hop-by-hop headers */
    struct sl_addr s6 = A("2001:db8:1::22"), d6 = A("2001:db8:1::1");
    n = sl_fb_udp(frame, sizeof frame, &l, &s6, 1, &d6, 2, NULL, 0);
    memmove(frame + 14 + 40 + 72, frame + 14 + 40, 8);
    frame[14 + 6] = 0;
    for (int i = 0; i < 9; i++) {
        uint8_t *h = frame + 14 + 40 + 8 * i;
        memset(h, 0, 8);
        h[0] = i == 8 ? 17 : 0;
    }
    frame[14 + 4] = 0, frame[14 + 5] = 80;
    put(14 + 40 + 80);
    /* 16. a non-first IPv4 fragment that looks like DNS: not read as UDP */
    n = sl_pl_dns_query(pl, sizeof pl, 16, "frag.hik-connect.com", 1);
    n = sl_fb_udp(frame, sizeof frame, &l, &s, 40016, &d, 53, pl, n);
    frame[14 + 6] = 0x00, frame[14 + 7] = 0x10;
    put(n);
    /* 17. ARP for a hardware type we do not read */
    uint8_t zero[6] = {0};
    n = sl_fb_arp(frame, sizeof frame, &l, 1, mac, &s, zero, &d);
    frame[14 + 4] = 8;
    put(n);
    /* 18. giant frames: 65,000 bytes of SSDP-port junk and an HTTP response with
     *     one enormous header line: the scans are bounded */
    memset(pl, 'A', 65000);
    memcpy(pl, "NOTIFY * HTTP/1.1\r\n", 19);
    put(sl_fb_udp(frame, sizeof frame, &l, &s, 1900, &d, 1900, pl, 65000));
    memcpy(pl, "HTTP/1.1 200 OK\r\nX-Long: ", 25);
    n = sl_fb_tcp(frame, sizeof frame, &l, &s, 80, &d, 50018, 0x18, 1, 1, pl, 65000);
    put(n);
    /* 19. an IP packet whose total length is larger than the frame */
    n = sl_pl_dns_query(pl, sizeof pl, 19, "short.example", 1);
    n = sl_fb_udp(frame, sizeof frame, &l, &s, 40019, &d, 53, pl, n);
    frame[14 + 2] = 0x05, frame[14 + 3] = 0xdc;
    put(n);
    /* 20. After all that, a real look-up still raises its alert. */
    at(1, 0);
    n = sl_pl_dns_query(pl, sizeof pl, 20, "p2p.easy4ip.com", 1);
    put(sl_fb_udp(frame, sizeof frame, &l, &s, 40020, &d, 53, pl, n));
    close_out();

    /* A raw-IP capture (LINKTYPE_RAW): no MAC, stations keyed by address. */
    open_out(dir, "rawip.pcap", 101);
    at(0, 0);
    n = sl_pl_dns_query(pl, sizeof pl, 21, "www.imoulife.com", 1);
    n = sl_fb_udp(frame, sizeof frame, &l, &s, 40021, &d, 53, pl, n);
    memmove(frame, frame + 14, n - 14);
    put(n - 14);
    close_out();
}

/* ---- benchmark mix --------------------------------------------------------------------- */

static struct sl_rng rng = {1};
static uint32_t rnd(void)
{
    return (uint32_t)(sl_rng_next(&rng) >> 32);
}

static void mk_addr(struct sl_addr *a, uint8_t b2, uint8_t b3, uint8_t b4, uint8_t b1)
{
    memset(a, 0, sizeof *a);
    a->b[10] = a->b[11] = 0xff;
    a->b[12] = 198;
    a->b[13] = b1;
    a->b[14] = b2;
    a->b[15] = b3;
    a->v4 = true;
    (void)b4;
}

static const char *const benign[] = {"www.example.org", "mail.example.com", "updates.example.net",
                                     "intranet.example", "time.example.org", "cdn.example.com"};
static const char *const clouds[] = {"api.hik-connect.com", "dev.ezvizlife.com", "i.ys7.com",
                                     "www.easy4ipcloud.com", "p2p.easy4ip.com",
                                     "www.dahuaddns.com", "app.imoulife.com"};

/* Long: the benchmark's traffic mix, one weighted case per kind of frame. */
static int mix(const char *path, uint64_t total, unsigned cameras)
{
    struct sl_err err;
    if (sl_pcapw_open(&W, path, 1, 65535, &err) != 0) {
        fprintf(stderr, "pcapgen: %s\n", err.msg);
        return 3;
    }
    enum { HOSTS = 2000, SERVERS = 200 };
    static const uint8_t ouis[][3] = {{0x44, 0x19, 0xb6}, {0xc0, 0x56, 0xe3}, {0x3c, 0xef, 0x8c},
                                      {0x90, 0x02, 0xa9}};
    uint8_t router[6] = {2, 0, 0, 0, 0, 1};
    struct sl_addr dns = A("198.18.0.1");
    uint64_t cloud_queries = 0;
    static uint8_t fill[1500]; /* bulk payload bytes (video, data): never a DNS message */
    memset(fill, 'x', sizeof fill);
    for (uint64_t i = 0; i < total; i++) {
        now_s = T0 + (int64_t)(i / 50000); /* 50,000 frames a second of capture time */
        now_us = (int32_t)((i % 50000) * 20);
        uint32_t r = rnd();
        unsigned kind = r % 1000;
        struct sl_fb_l2 l;
        struct sl_addr s, d;
        size_t n;
        if (kind < 2 && cameras > 0) {
            /* a camera calls its cloud: DNS look-up (0.2 % of frames) */
            unsigned c = rnd() % cameras;
            memcpy(l.src, ouis[c % 4], 3);
            l.src[3] = 0x10, l.src[4] = (uint8_t)(c >> 8), l.src[5] = (uint8_t)c;
            memcpy(l.dst, router, 6);
            l.vlan = 0;
            mk_addr(&s, (uint8_t)(100 + c / 250), (uint8_t)(c % 250 + 1), 0, 18);
            const char *name = clouds[c % (sizeof clouds / sizeof clouds[0])];
            n = sl_pl_dns_query(pl, sizeof pl, (uint16_t)i, name, 1);
            n = sl_fb_udp(frame, sizeof frame, &l, &s, (uint16_t)(20000 + c), &dns, 53, pl, n);
            cloud_queries++;
        } else if (kind < 30) {
            /* benign DNS from workstations */
            unsigned h = rnd() % HOSTS;
            l.src[0] = 0x02, l.src[1] = 0x42, l.src[2] = 0, l.src[3] = 0;
            l.src[4] = (uint8_t)(h >> 8), l.src[5] = (uint8_t)h;
            memcpy(l.dst, router, 6);
            l.vlan = 0;
            mk_addr(&s, (uint8_t)(1 + h / 250), (uint8_t)(h % 250 + 1), 0, 18);
            n = sl_pl_dns_query(pl, sizeof pl, (uint16_t)i, benign[rnd() % 6], 1);
            n = sl_fb_udp(frame, sizeof frame, &l, &s, (uint16_t)(30000 + (r & 0x3fff)), &dns, 53,
                          pl, n);
        } else if (kind < 60) {
            /* camera video: RTP-like UDP to the NVR */
            unsigned c = cameras ? rnd() % cameras : 0;
            memcpy(l.src, ouis[c % 4], 3);
            l.src[3] = 0x10, l.src[4] = (uint8_t)(c >> 8), l.src[5] = (uint8_t)c;
            memcpy(l.dst, router, 6);
            l.vlan = 0;
            mk_addr(&s, (uint8_t)(100 + c / 250), (uint8_t)(c % 250 + 1), 0, 18);
            mk_addr(&d, 200, 10, 0, 18);
            n = sl_fb_udp(frame, sizeof frame, &l, &s, 5004, &d, (uint16_t)(10000 + c), fill,
                          160 + (r >> 20) % 400);
        } else {
            /* workstation <-> server TCP: SYNs, first payloads (HTTP, TLS), then data */
            unsigned h = rnd() % HOSTS, sv = rnd() % SERVERS, flow = rnd() % 64;
            bool up = (r >> 10) & 1;
            uint8_t hmac[6] = {0x02, 0x42, 0, 0, (uint8_t)(h >> 8), (uint8_t)h};
            uint8_t smac[6] = {0x02, 0x43, 0, 0, 0, (uint8_t)sv};
            struct sl_addr ha, sa;
            mk_addr(&ha, (uint8_t)(1 + h / 250), (uint8_t)(h % 250 + 1), 0, 18);
            mk_addr(&sa, (uint8_t)(sv / 250), (uint8_t)(sv % 250 + 1), 0, 19);
            uint16_t hp = (uint16_t)(40000 + flow), sp = (sv & 1) ? 443 : 80;
            memcpy(l.src, up ? hmac : smac, 6);
            memcpy(l.dst, up ? smac : hmac, 6);
            l.vlan = 0;
            unsigned what = (r >> 12) % 100;
            const uint8_t *data = fill;
            size_t len = 40 + (r >> 18) % 400;
            uint8_t flags = 0x10;
            static uint8_t hello[600], req[200];
            static size_t hello_n, req_n;
            if (hello_n == 0) {
                hello_n = sl_pl_tls_client_hello(hello, sizeof hello, "www.example.org");
                req_n = (size_t)snprintf((char *)req, sizeof req,
                                         "GET /index.html HTTP/1.1\r\nHost: intranet.example\r\n"
                                         "User-Agent: bench\r\n\r\n");
            }
            if (what < 3) {
                flags = up ? 0x02 : 0x12;
                len = 0;
            } else if (what < 6 && up) {
                data = sp == 443 ? hello : req;
                len = sp == 443 ? hello_n : req_n;
                flags = 0x18;
            } else if (what < 30) {
                len = 0; /* a bare ACK */
            }
            n = sl_fb_tcp(frame, sizeof frame, &l, up ? &ha : &sa, up ? hp : sp, up ? &sa : &ha,
                          up ? sp : hp, flags, (uint32_t)i, 1, data, len);
        }
        if (n == 0 || sl_pcapw_write(&W, now_s, now_us, frame, n, n) != 0) {
            fprintf(stderr, "pcapgen: write failed at frame %" PRIu64 "\n", i);
            return 3;
        }
    }
    if (sl_pcapw_close(&W, &err) != 0) {
        fprintf(stderr, "pcapgen: %s\n", err.msg);
        return 3;
    }
    printf("wrote %" PRIu64 " frames, %" PRIu64 " vendor-cloud DNS queries from %u cameras to %s\n",
           total, cloud_queries, cameras, path);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "golden") == 0) {
        golden_cloud(argv[2]);
        golden_discovery(argv[2]);
        golden_malformed(argv[2]);
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "mix") == 0) {
        uint64_t total = argc > 3 ? strtoull(argv[3], NULL, 10) : 5000000;
        unsigned cams = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : 300;
        if (total == 0 || cams > 60000) {
            fprintf(stderr, "pcapgen: bad frame or camera count\n");
            return 2;
        }
        return mix(argv[2], total, cams);
    }
    fprintf(stderr, "usage: bench_pcapgen golden DIR | mix FILE [FRAMES] [CAMERAS]\n");
    return 2;
}
