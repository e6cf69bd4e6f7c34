/* tls.c - OpenSSL over memory BIOs (tls.h). */
#include "net/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>

struct sl_tls_ctx {
    SSL_CTX *ctx;
};

struct sl_tls {
    SSL *ssl;
    BIO *rbio, *wbio; /* owned by ssl */
};

int sl_tls_ctx_new(struct sl_tls_ctx **out, struct sl_err *err)
{
    struct sl_tls_ctx *c = calloc(1, sizeof *c);
    if (c == NULL)
        return sl_err_set(err, "out of memory");
    c->ctx = SSL_CTX_new(TLS_client_method());
    if (c->ctx == NULL) {
        free(c);
        return sl_err_set(err, "cannot create a TLS context");
    }
    SSL_CTX_set_security_level(c->ctx, 0);
    SSL_CTX_set_min_proto_version(c->ctx, TLS1_VERSION);
    SSL_CTX_set_cipher_list(c->ctx, "ALL:@SECLEVEL=0");
    SSL_CTX_set_options(c->ctx, SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_IGNORE_UNEXPECTED_EOF);
    /* Sessions are kept by the caller per probe (sl_tls_session_take), not cached. */
    SSL_CTX_set_session_cache_mode(c->ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
    *out = c;
    return 0;
}

void sl_tls_ctx_free(struct sl_tls_ctx *c)
{
    if (c == NULL)
        return;
    SSL_CTX_free(c->ctx);
    free(c);
}

struct sl_tls *sl_tls_new(struct sl_tls_ctx *c, const char *sni)
{
    struct sl_tls *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->ssl = SSL_new(c->ctx);
    t->rbio = BIO_new(BIO_s_mem());
    t->wbio = BIO_new(BIO_s_mem());
    if (t->ssl == NULL || t->rbio == NULL || t->wbio == NULL) {
        SSL_free(t->ssl);
        BIO_free(t->rbio);
        BIO_free(t->wbio);
        free(t);
        return NULL;
    }
    SSL_set_bio(t->ssl, t->rbio, t->wbio);
    SSL_set_connect_state(t->ssl);
    if (sni != NULL && *sni != '\0')
        SSL_set_tlsext_host_name(t->ssl, sni);
    return t;
}

void sl_tls_free(struct sl_tls *t)
{
    if (t == NULL)
        return;
    /* Without a shutdown OpenSSL marks the session unresumable on free; the
     * devices close without close_notify all the time, and we keep the session. */
    SSL_set_shutdown(t->ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(t->ssl);
    free(t);
}

int sl_tls_feed(struct sl_tls *t, const void *data, size_t n)
{
    return n == 0 || BIO_write(t->rbio, data, (int)n) == (int)n ? 0 : -1;
}

size_t sl_tls_take_output(struct sl_tls *t, struct sl_buf *out)
{
    size_t total = 0;
    char chunk[4096];
    int r;
    while ((r = BIO_read(t->wbio, chunk, sizeof chunk)) > 0) {
        if (sl_buf_append(out, chunk, (size_t)r) != 0)
            break;
        total += (size_t)r;
    }
    return total;
}

int sl_tls_handshake(struct sl_tls *t, char *detail, size_t n)
{
    ERR_clear_error();
    int r = SSL_do_handshake(t->ssl);
    if (r == 1)
        return 1;
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return 0;
    unsigned long code = ERR_get_error();
    char why[200] = "handshake failed";
    if (code != 0)
        ERR_error_string_n(code, why, sizeof why);
    snprintf(detail, n, "TLS handshake failed: %s", why);
    ERR_clear_error();
    return -1;
}

int sl_tls_write(struct sl_tls *t, const void *data, size_t n)
{
    ERR_clear_error();
    return SSL_write(t->ssl, data, (int)n) == (int)n ? 0 : -1;
}

long sl_tls_read(struct sl_tls *t, struct sl_buf *plain)
{
    long total = 0;
    char chunk[4096];
    for (;;) {
        ERR_clear_error();
        int r = SSL_read(t->ssl, chunk, sizeof chunk);
        if (r > 0) {
            total += (long)sl_buf_append_upto(plain, chunk, (size_t)r);
            continue;
        }
        int e = SSL_get_error(t->ssl, r);
        ERR_clear_error();
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
            return total;
        return total > 0 ? total : -1;
    }
}

struct sl_tls_session *sl_tls_session_take(struct sl_tls *t)
{
    SSL_SESSION *s = SSL_get1_session(t->ssl);
    if (s != NULL && !SSL_SESSION_is_resumable(s)) {
        SSL_SESSION_free(s);
        return NULL;
    }
    return (struct sl_tls_session *)s;
}

void sl_tls_session_free(struct sl_tls_session *s)
{
    SSL_SESSION_free((SSL_SESSION *)s);
}

int sl_tls_resume(struct sl_tls *t, struct sl_tls_session *s)
{
    return s != NULL && SSL_set_session(t->ssl, (SSL_SESSION *)s) == 1 ? 0 : -1;
}

int sl_tls_session_resumable(struct sl_tls *t)
{
    SSL_SESSION *s = SSL_get0_session(t->ssl);
    return s != NULL && SSL_SESSION_is_resumable(s);
}

int sl_tls_was_resumed(struct sl_tls *t)
{
    return SSL_session_reused(t->ssl);
}

int sl_tls_peer_cert(struct sl_tls *t, struct sl_buf *out)
{
    X509 *x = SSL_get1_peer_certificate(t->ssl);
    if (x == NULL)
        return -1;
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    X509_free(x);
    if (n <= 0)
        return -1;
    int rc = sl_buf_append(out, der, (size_t)n);
    OPENSSL_free(der);
    return rc;
}

void sl_tls_describe(struct sl_tls *t, char *out, size_t n)
{
    snprintf(out, n, "%s %s", SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl));
}
