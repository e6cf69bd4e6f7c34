/* request.h - the exact bytes the scanner sends. Every request here is a
 * benign query a management tool would send: no exploit, no login bypass, no
 * password guessing. The only authenticated request (ONVIF
 * GetDeviceInformation) is built only from credentials the operator passed.
 *
 * Builders append to a caller-owned struct sl_buf and return 0, or -1 when it
 * would pass the buffer's maximum. */
#ifndef SL_PROBE_REQUEST_H
#define SL_PROBE_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/ports.h"
#include "util/buf.h"
#include "util/cidr.h"

/* ---- step plans: what is asked on a TCP port, in order ---------------------------- */

/* One step of a port's conversation: one request, one answer. The plans are
 * tables, one per protocol, next to that protocol's builders in request.c: to
 * ask something new, write its builder and add a line to its protocol's table. */
enum sl_step_flag {
    SL_STEP_ONVIF = 1u << 0,    /* a SOAP body in the answer is ONVIF evidence */
    SL_STEP_CREDS = 1u << 1,    /* only with operator credentials; the request holds a
                                 * secret and is wiped once sent */
    SL_STEP_FALLBACK = 1u << 2, /* a silent port's GET /: a non-HTTP answer is kept as
                                 * the port's raw bytes */
};

/* What a builder needs besides its step. user/password: the operator's
 * credentials for the target (NULL when none). created: "YYYY-MM-DDTHH:MM:SSZ". */
struct sl_step_ctx {
    const char *host; /* the target address as text */
    uint16_t port;
    unsigned cseq;    /* 1-based number of the step (RTSP CSeq) */
    const char *user, *password, *created;
};

struct sl_step {
    const char *request; /* the evidence's name for it: "GET", "POST GetSystemDateAndTime" */
    const char *method;  /* on the wire: "GET", "POST", "OPTIONS", "DESCRIBE" */
    const char *path;
    unsigned flags;      /* SL_STEP_* */
    int (*build)(struct sl_buf *out, const struct sl_step *s, const struct sl_step_ctx *c);
};

#define SL_PROBE_MAX_STEPS 8

/* The plan for a port of this kind (ports.h): fills out[] with at most max
 * steps in order and returns their count; steps that need credentials only
 * when have_creds. Ports whose device speaks first (banner, hik-sdk, dvrip,
 * listen) have no plan (0). */
size_t sl_probe_plan(enum sl_port_kind kind, bool have_creds, const struct sl_step **out, size_t max);

/* The GET / sent to a silent banner port (nmap's GetRequest after its NULL probe). */
extern const struct sl_step sl_step_get_fallback;

/* ---- HTTP ------------------------------------------------------------------------- */

/* "GET path HTTP/1.1" with Host, a plain User-Agent, Accept and keep-alive. */
int sl_req_http_get(struct sl_buf *out, const char *host, uint16_t port, const char *path);

/* ---- ONVIF (SOAP 1.2 over HTTP POST /onvif/device_service) ------------------------ */

#define SL_ONVIF_PATH "/onvif/device_service"
int sl_req_onvif_system_date(struct sl_buf *out, const char *host, uint16_t port);
/* GetDeviceInformation with a WS-Security UsernameToken (PasswordDigest =
 * Base64(SHA-1(nonce + created + password))). created is "YYYY-MM-DDTHH:MM:SSZ". */
int sl_req_onvif_device_info(struct sl_buf *out, const char *host, uint16_t port,
                             const char *user, const char *password, const char *created);

/* ---- RTSP -------------------------------------------------------------------------- */

int sl_req_rtsp(struct sl_buf *out, const char *method, const char *host, uint16_t port,
                unsigned cseq);

/* ---- vendor TCP ports -------------------------------------------------------------- */

/* Dahua DVRIP: 0xa1 and 31 zero bytes, the device-type query (what Metasploit's
 * scanner sends to recognise Dahua recorders; only the query, none of its
 * other actions). */
extern const uint8_t sl_req_dvrip_hello[32];

/* ---- UDP discovery ------------------------------------------------------------------ */

enum sl_udp_kind { SL_UDP_WSD = 0, SL_UDP_SSDP, SL_UDP_SADP, SL_UDP_DHDISCOVER, SL_UDP_COUNT };

uint16_t sl_udp_port(enum sl_udp_kind k);       /* 3702, 1900, 37020, 37810 */
const char *sl_udp_kind_name(enum sl_udp_kind k); /* "wsd", "ssdp", "sadp", "dhdiscover" */

/* A probe id that only this run can make: a UUID derived from SipHash(key,
 * target address, kind). Replies that echo it (WS-Discovery RelatesTo, SADP
 * Uuid) are matched to their probe with no table of sent probes. */
void sl_probe_uuid(const uint8_t key[16], const struct sl_addr *target, enum sl_udp_kind k,
                   char out[37]);

/* The datagram for one discovery protocol. uuid is used by WSD and SADP;
 * host ("198.18.0.7" or "239.255.255.250") by SSDP's HOST header. */
int sl_req_udp(struct sl_buf *out, enum sl_udp_kind k, const char *uuid, const char *host);

#endif
