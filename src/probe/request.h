/* request.h - the exact bytes the scanner sends. Every request here is a
 * benign query a management tool would send: no exploit, no login bypass, no
 * password guessing. The only authenticated request (ONVIF
 * GetDeviceInformation) is built only from credentials the operator passed.
 *
 * Builders append to a caller-owned struct sl_buf and return 0, or -1 when it
 * would pass the buffer's maximum. */
#ifndef SL_PROBE_REQUEST_H
#define SL_PROBE_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/cidr.h"

/* ---- HTTP ------------------------------------------------------------------------- */

/* The identifying paths asked on every HTTP(S) port, in order: the front page,
 * vendor login pages and device-information endpoints that answer (often with a
 * 401 whose realm is itself a fingerprint) without credentials. */
extern const char *const sl_http_paths[];
extern const size_t sl_http_path_count;
/* The shorter list asked over HTTPS (each request there may cost a handshake). */
extern const char *const sl_https_paths[];
extern const size_t sl_https_path_count;

/* "GET path HTTP/1.1" with Host, a plain User-Agent, Accept and keep-alive. */
int sl_req_http_get(struct sl_buf *out, const char *host, uint16_t port, const char *path);

/* The request for one of the listed paths: a GET, except where the path's
 * question is a POST (Dahua's /RPC2_Login: a global.login for no user and no
 * password, which every Dahua firmware answers with its login challenge:
 * encryption, random, realm "Login to <serial>"; no credential is sent). */
int sl_req_http_path(struct sl_buf *out, const char *host, uint16_t port, const char *path);
/* "GET" or "POST": the method sl_req_http_path uses for path. */
const char *sl_http_path_method(const char *path);

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
