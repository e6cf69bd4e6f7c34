/* discovery.c - which UDP payloads are device announcements (see discovery.h). */
#include "monitor/discovery.h"

#include <string.h>

#include "util/str.h"

static bool has(const uint8_t *p, size_t len, const char *needle)
{
    return memmem(p, len, needle, strlen(needle)) != NULL;
}

static bool starts(const uint8_t *p, size_t len, const char *prefix)
{
    size_t k = strlen(prefix);
    return len >= k && memcmp(p, prefix, k) == 0;
}

static enum sl_disc_kind set(struct sl_disc *d, enum sl_disc_kind k, enum sl_proto proto,
                             bool announcement, bool video)
{
    d->kind = k;
    d->proto = proto;
    d->announcement = announcement;
    d->video = video;
    return k;
}

static enum sl_disc_kind wsd(const uint8_t *p, size_t len, struct sl_disc *d)
{
    /* The Action URI names the message; SOAP prefixes vary, so look for the
     * action's last path element, then for the element itself. */
    bool video = has(p, len, "NetworkVideoTransmitter") || has(p, len, "onvif://www.onvif.org");
    if (has(p, len, "/discovery/ProbeMatches") || has(p, len, "ProbeMatches>"))
        return set(d, SL_DISC_WSD_PROBE_MATCHES, SL_PROTO_WSD, true, video);
    if (has(p, len, "/discovery/Hello") || has(p, len, ":Hello>") || has(p, len, "<Hello>"))
        return set(d, SL_DISC_WSD_HELLO, SL_PROTO_WSD, true, video);
    if (has(p, len, "/discovery/Bye"))
        return set(d, SL_DISC_WSD_BYE, SL_PROTO_NONE, false, video);
    if (has(p, len, "/discovery/Probe"))
        return set(d, SL_DISC_WSD_PROBE, SL_PROTO_NONE, false, false);
    return SL_DISC_NONE;
}

enum sl_disc_kind sl_disc_udp(uint16_t sport, uint16_t dport, const uint8_t *p, size_t len,
                              struct sl_disc *d)
{
    memset(d, 0, sizeof *d);
    if (p == NULL || len == 0)
        return SL_DISC_NONE;
    size_t n = len < SL_DISC_SCAN ? len : SL_DISC_SCAN;
    if (sport == 3702 || dport == 3702)
        return wsd(p, n, d);
    if (sport == 1900 || dport == 1900) {
        if (starts(p, n, "NOTIFY * HTTP/1."))
            return set(d, SL_DISC_SSDP_NOTIFY, SL_PROTO_SSDP, true, false);
        if (starts(p, n, "HTTP/1.1 200") || starts(p, n, "HTTP/1.0 200"))
            return set(d, SL_DISC_SSDP_RESPONSE, SL_PROTO_SSDP, true, false);
        if (starts(p, n, "M-SEARCH * HTTP/1."))
            return set(d, SL_DISC_SSDP_MSEARCH, SL_PROTO_NONE, false, false);
        return SL_DISC_NONE;
    }
    if (sport == 37020 || dport == 37020) {
        if (has(p, n, "<ProbeMatch>") || has(p, n, "<ProbeMatch "))
            return set(d, SL_DISC_SADP_REPLY, SL_PROTO_SADP, true, true);
        if (has(p, n, "<Probe>") && has(p, n, "<Types>inquiry"))
            return set(d, SL_DISC_SADP_INQUIRY, SL_PROTO_NONE, false, false);
        return SL_DISC_NONE;
    }
    if (sport == 37810 || dport == 37810) {
        /* DHIP header: LE 0x20 header size, "DHIP" (fingerprints.md §1.13, RROLLER/USCAN) */
        if (n < 32 || memcmp(p, "\x20\x00\x00\x00" "DHIP", 8) != 0)
            return SL_DISC_NONE;
        if (has(p + 32, n - 32, "client.notifyDevInfo") || has(p + 32, n - 32, "\"deviceInfo\""))
            return set(d, SL_DISC_DHDISCOVER_REPLY, SL_PROTO_DHDISCOVER, true, true);
        if (has(p + 32, n - 32, "DHDiscover.search"))
            return set(d, SL_DISC_DHDISCOVER_SEARCH, SL_PROTO_NONE, false, false);
        return SL_DISC_NONE;
    }
    return SL_DISC_NONE;
}

enum sl_disc_kind sl_disc_sadp_l2(const uint8_t *p, size_t len, struct sl_disc *d)
{
    memset(d, 0, sizeof *d);
    /* HIKTOOLS lua/sadp.lua: a 0x26-byte header; we only need to know it is SADP. */
    if (p == NULL || len < 0x26)
        return SL_DISC_NONE;
    return set(d, SL_DISC_SADP_L2, SL_PROTO_NONE, false, true);
}

const char *sl_disc_kind_name(enum sl_disc_kind k)
{
    static const char *const names[] = {
        "none",          "wsd-hello",       "wsd-probe-matches", "wsd-bye",
        "wsd-probe",     "ssdp-notify",     "ssdp-response",     "ssdp-msearch",
        "sadp-reply",    "sadp-inquiry",    "sadp-l2",           "dhdiscover-reply",
        "dhdiscover-search",
    };
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "none";
}
