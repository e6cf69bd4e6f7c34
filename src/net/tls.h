/* tls.h - TLS client over memory BIOs, for probing only.
 *
 * The scanner owns the socket (libuv); this module only turns ciphertext into
 * plaintext and back, so a stalled or hostile TLS peer is bounded by the
 * scanner's own deadline. The context accepts what old cameras speak -
 * TLS 1.0 and up, OpenSSL security level 0, legacy renegotiation - and verifies
 * nothing: we read the certificate as evidence, we do not trust the peer.
 * Never use this context for anything but probing.
 *
 * Ownership: struct sl_tls_ctx and struct sl_tls are owned by their creators. */
#ifndef SL_NET_TLS_H
#define SL_NET_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

struct sl_tls_ctx;
struct sl_tls;

int sl_tls_ctx_new(struct sl_tls_ctx **out, struct sl_err *err);
void sl_tls_ctx_free(struct sl_tls_ctx *c);

/* A new client connection; sni may be NULL (no SNI for bare addresses). */
struct sl_tls *sl_tls_new(struct sl_tls_ctx *c, const char *sni);
void sl_tls_free(struct sl_tls *t);

/* Ciphertext received from the peer. Returns 0 or -1. */
int sl_tls_feed(struct sl_tls *t, const void *data, size_t n);
/* Moves ciphertext waiting to be sent into out (unbounded by out's max: the
 * caller sends it at once). Returns the bytes moved. */
size_t sl_tls_take_output(struct sl_tls *t, struct sl_buf *out);

/* Advances the handshake: 1 done, 0 needs more input, -1 failed (detail says why). */
int sl_tls_handshake(struct sl_tls *t, char *detail, size_t n);
/* Encrypts plaintext (after the handshake). Returns 0 or -1. */
int sl_tls_write(struct sl_tls *t, const void *data, size_t n);
/* Decrypts what is available into plain (bounded by plain's max). Returns the
 * bytes added, 0 when nothing is ready, -1 when the peer closed TLS or failed. */
long sl_tls_read(struct sl_tls *t, struct sl_buf *plain);

/* Session resumption, so that the requests of one probe that the device answers
 * on separate connections cost one full handshake, not one each. take returns
 * a new reference (NULL when there is none yet; in TLS 1.3 the ticket arrives
 * after the handshake, so take it after the first answer); resume offers it on a
 * new connection before the handshake. */
struct sl_tls_session;
struct sl_tls_session *sl_tls_session_take(struct sl_tls *t);
void sl_tls_session_free(struct sl_tls_session *s);
int sl_tls_resume(struct sl_tls *t, struct sl_tls_session *s);
/* True when the connection holds a session a new connection could resume. */
int sl_tls_session_resumable(struct sl_tls *t);
/* True when the last handshake resumed a session. */
int sl_tls_was_resumed(struct sl_tls *t);

/* The peer's certificate, DER, appended to out. Returns 0, or -1 when none. */
int sl_tls_peer_cert(struct sl_tls *t, struct sl_buf *out);
/* "TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256" once the handshake is done. */
void sl_tls_describe(struct sl_tls *t, char *out, size_t n);

#endif
