/* ports.h - which TCP ports a scan probes and what it says on each.
 *
 * A port list is "80,443,554", ranges "8000-8010", and an explicit protocol for
 * a non-standard port "8554/rtsp,9443/https" (protocols: http, https, rtsp,
 * hik-sdk, dvrip, banner, listen). Without one, a well-known port gets its protocol
 * (sl_port_kind_default) and any other port is treated as `banner`: wait for
 * the device to speak first, then send an HTTP GET / (nmap's NULL probe then
 * GetRequest). `listen` never sends a byte (raw printing ports 9100 and 515,
 * and the Windows ports): an open port and any greeting are the evidence.
 * Profiles: `cameras` (the default) and `full` (cameras, recorders and the
 * other hosts of a network: SSH, telnet, Windows, printers). */
#ifndef SL_PROBE_PORTS_H
#define SL_PROBE_PORTS_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum sl_port_kind {
    SL_PK_HTTP = 0, /* HTTP: GET / and identifying paths, ONVIF GetSystemDateAndTime */
    SL_PK_HTTPS,    /* the same over TLS, and the certificate */
    SL_PK_RTSP,     /* OPTIONS and DESCRIBE */
    SL_PK_HIK_SDK,  /* Hikvision SDK port 8000: listen for the greeting */
    SL_PK_DVRIP,    /* Dahua 37777: the 32-byte DVRIP hello */
    SL_PK_BANNER,   /* anything else: listen, then GET / */
    SL_PK_LISTEN,   /* listen only, never send: printers print what port 9100 gets */
    SL_PK_COUNT
};

#define SL_PORTS_MAX 256

struct sl_port_spec {
    uint16_t port;
    enum sl_port_kind kind;
};

const char *sl_port_kind_name(enum sl_port_kind k);
int sl_port_kind_from_name(const char *name, enum sl_port_kind *out);
enum sl_port_kind sl_port_kind_default(uint16_t port);

/* Parses a list into out[] (at most max entries, duplicates dropped). Returns
 * the count, or -1 with err set. */
int sl_ports_parse(const char *list, struct sl_port_spec *out, size_t max, struct sl_err *err);
/* The port list of a named profile ("cameras", "full"), or NULL. */
const char *sl_ports_profile(const char *name);

#endif
