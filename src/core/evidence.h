/* evidence.h - one answer from one device, the unit everything else is built on.
 *
 * Scans and the monitor produce evidence; identify turns a device's evidence
 * into a claim; the register keeps the raw bytes so every verdict can be
 * explained later (DESIGN.md §2). A struct sl_evidence only points at bytes
 * owned by whoever produced it; consumers copy what they keep.
 */
#ifndef SL_CORE_EVIDENCE_H
#define SL_CORE_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

/* The protocol an answer came in on. The names (sl_proto_name) are those of
 * `sightline identify --proto` (DESIGN.md §4, fixed). */
enum sl_proto {
    SL_PROTO_NONE = 0,
    SL_PROTO_HTTP,       /* whole HTTP response (status line, headers, body); HTTPS too */
    SL_PROTO_RTSP,       /* whole RTSP response */
    SL_PROTO_WSD,        /* WS-Discovery ProbeMatches or Hello (SOAP) */
    SL_PROTO_ONVIF,      /* SOAP response from an ONVIF device service */
    SL_PROTO_SSDP,       /* SSDP M-SEARCH response or NOTIFY */
    SL_PROTO_UPNP,       /* UPnP device description XML */
    SL_PROTO_SADP,       /* Hikvision SADP reply (XML) */
    SL_PROTO_DHDISCOVER, /* Dahua DHDiscover reply: 32-byte DHIP header + JSON */
    SL_PROTO_TCP,        /* raw first bytes from a TCP port (the port says which) */
    SL_PROTO_TLS,        /* a certificate, PEM or DER */
    SL_PROTO_MAC,        /* text: one MAC address */
    SL_PROTO_DHCP,       /* monitor: DHCP client options as "hostname=...\nvendor_class=..." */
    SL_PROTO_COUNT
};

const char *sl_proto_name(enum sl_proto p);
/* Returns 0 and sets *out, or -1 for an unknown name. */
int sl_proto_from_name(const char *name, enum sl_proto *out);

/* How the exchange that produced the evidence ended. Failures are evidence
 * too: a port that resets, stalls or floods says something about the device. */
enum sl_outcome {
    SL_OUTCOME_OK = 0,
    SL_OUTCOME_TIMEOUT,     /* the deadline passed; data holds what arrived before it */
    SL_OUTCOME_REFUSED,     /* connection refused */
    SL_OUTCOME_RESET,       /* connection reset by the peer */
    SL_OUTCOME_CLOSED,      /* peer closed before a complete answer */
    SL_OUTCOME_TOO_LARGE,   /* the answer passed our size bound; data holds the head */
    SL_OUTCOME_TLS_FAILED,  /* TLS handshake failed (detail says why) */
    SL_OUTCOME_MALFORMED,   /* the answer could not be parsed (detail says why) */
    SL_OUTCOME_ERROR,       /* any other local or network error */
    SL_OUTCOME_COUNT
};

const char *sl_outcome_name(enum sl_outcome o);
int sl_outcome_from_name(const char *name, enum sl_outcome *out);

struct sl_evidence {
    enum sl_proto proto;
    enum sl_outcome outcome;
    uint16_t port;        /* 0 when not applicable (mac, passive dhcp) */
    const char *path;     /* request path for http/rtsp ("/ISAPI/System/deviceInfo"); may be NULL */
    const char *request;  /* short description of what was sent ("GET /", "OPTIONS", "probe"); may be NULL */
    const uint8_t *data;  /* raw bytes as received; not owned; may be NULL when len == 0 */
    size_t len;
    const char *detail;   /* what went wrong, for outcome != OK; may be NULL */
    int64_t observed_at;  /* seconds since the epoch, UTC */
};

#endif
