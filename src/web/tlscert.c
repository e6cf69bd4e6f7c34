/* tlscert.c - reads the dashboard's certificate and key, or makes a self-signed
 * pair with OpenSSL; computes the certificate's SHA-256 fingerprint. */
#include "web/tlscert.h"

#include <stdbool.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/pki.h"
#include "util/file.h"

#define PEM_MAX (64 * 1024)

/* A self-signed certificate for host (an address or a name) and localhost. */
static X509 *self_signed(EVP_PKEY *key, const char *host)
{
    X509 *x = X509_new();
    if (x == NULL)
        return NULL;
    unsigned char serial[16];
    BIGNUM *bn = NULL;
    char san[300];
    bool ip = strspn(host, "0123456789.:abcdefABCDEF") == strlen(host) && strchr(host, '.') != NULL;
    if (strchr(host, ':') != NULL)
        ip = true;
    snprintf(san, sizeof san, "DNS:localhost,IP:127.0.0.1,IP:::1%s%s",
             host[0] ? (ip ? ",IP:" : ",DNS:") : "", host);
    X509_NAME *name = X509_get_subject_name(x);
    if (RAND_bytes(serial, sizeof serial) != 1)
        goto fail;
    serial[0] &= 0x7f;
    bn = BN_bin2bn(serial, sizeof serial, NULL);
    if (bn == NULL || BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
        X509_set_version(x, 2) != 1 || X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
        X509_gmtime_adj(X509_getm_notAfter(x), 825L * 86400) == NULL ||
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"sightline",
                                   -1, -1, 0) != 1 ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   (const unsigned char *)"sightline dashboard", -1, -1, 0) != 1 ||
        X509_set_issuer_name(x, name) != 1 || X509_set_pubkey(x, key) != 1 ||
        sl_pki_add_ext(x, x, NID_subject_alt_name, san) != 0 ||
        sl_pki_add_ext(x, x, NID_basic_constraints, "critical,CA:FALSE") != 0 ||
        sl_pki_add_ext(x, x, NID_ext_key_usage, "serverAuth") != 0 ||
        X509_sign(x, key, EVP_sha256()) == 0)
        goto fail;
    BN_free(bn);
    return x;
fail:
    BN_free(bn);
    X509_free(x);
    return NULL;
}

static int make_pair(struct sl_web_tls *t, const char *cpath, const char *kpath,
                     const char *host, struct sl_err *err)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = key != NULL ? self_signed(key, host) : NULL;
    if (x != NULL) {
        t->cert_pem = sl_pki_cert_pem(x);
        t->key_pem = sl_pki_key_pem(key);
    }
    X509_free(x);
    EVP_PKEY_free(key);
    if (t->cert_pem == NULL || t->key_pem == NULL)
        return sl_err_set(err, "making a self-signed certificate failed");
    if (sl_pki_write_private(kpath, t->key_pem, err) != 0)
        return -1;
    if (sl_pki_write_private(cpath, t->cert_pem, err) != 0) {
        unlink(kpath);
        return -1;
    }
    snprintf(t->made, sizeof t->made, "%s", cpath);
    return 0;
}

static int fingerprint(struct sl_web_tls *t, struct sl_err *err)
{
    BIO *b = BIO_new_mem_buf(t->cert_pem, -1);
    X509 *x = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    int ok = x != NULL && X509_digest(x, EVP_sha256(), md, &n) == 1;
    X509_free(x);
    if (!ok)
        return sl_err_setk(err, SL_ERR_INVALID, "the certificate is not a PEM X.509 certificate");
    size_t len = 0;
    for (unsigned int i = 0; i < n && len + 4 < sizeof t->fingerprint; i++)
        len += (size_t)snprintf(t->fingerprint + len, sizeof t->fingerprint - len, "%s%02X",
                                i ? ":" : "", md[i]);
    return 0;
}

int sl_web_tls_load(struct sl_web_tls *t, const char *cert, const char *key, const char *dir,
                    const char *host, struct sl_err *err)
{
    memset(t, 0, sizeof *t);
    char cpath[512], kpath[512];
    if ((cert == NULL) != (key == NULL))
        return sl_err_setk(err, SL_ERR_INVALID, "--cert and --key go together");
    if (cert == NULL) {
        if ((size_t)snprintf(cpath, sizeof cpath, "%s/dashboard-cert.pem", dir) >= sizeof cpath ||
            (size_t)snprintf(kpath, sizeof kpath, "%s/dashboard-key.pem", dir) >= sizeof kpath)
            return sl_err_setk(err, SL_ERR_INVALID, "--tls-dir: path too long");
        cert = cpath;
        key = kpath;
        if (access(cpath, F_OK) != 0 && access(kpath, F_OK) != 0) {
            if (make_pair(t, cpath, kpath, host, err) != 0) {
                sl_web_tls_free(t);
                return -1;
            }
            return fingerprint(t, err);
        }
    }
    size_t n;
    t->cert_pem = sl_read_file(cert, PEM_MAX, &n, err);
    t->key_pem = t->cert_pem != NULL ? sl_read_file(key, PEM_MAX, &n, err) : NULL;
    if (t->key_pem == NULL || fingerprint(t, err) != 0) {
        sl_web_tls_free(t);
        return -1;
    }
    return 0;
}

void sl_web_tls_free(struct sl_web_tls *t)
{
    if (t->key_pem != NULL)
        OPENSSL_cleanse(t->key_pem, strlen(t->key_pem));
    free(t->cert_pem);
    free(t->key_pem);
    t->cert_pem = t->key_pem = NULL;
}
