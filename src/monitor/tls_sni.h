/* tls_sni.h - the server name a TLS client asks for (ClientHello SNI,
 * RFC 8446 §4.1.2, RFC 6066 §3), from the first bytes of a TCP flow.
 *
 * Only the first record is read, and only what was captured of it: a
 * ClientHello split over segments yields what the first segment holds
 * (usually all of it). Bounded by the record and handshake lengths, each
 * checked against the bytes present. The name comes out lower-case with bytes
 * outside [-_.a-z0-9] replaced by '?'.
 */
#ifndef SL_MONITOR_TLS_SNI_H
#define SL_MONITOR_TLS_SNI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_SNI_MAX 256

/* True when data starts like a TLS handshake record (0x16 0x03 0x0X). */
bool sl_tls_is_handshake(const uint8_t *data, size_t len);

/* Returns 1 and fills out with the SNI host name, 0 when the ClientHello has
 * none, -1 when it is not a ClientHello or is malformed (*error: stable key). */
int sl_tls_sni(const uint8_t *data, size_t len, char out[SL_SNI_MAX], const char **error);

#endif
