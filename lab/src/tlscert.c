/* tlscert.c - self-signed certificates (see tlscert.h). */
#include "tlscert.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <string.h>

#include "util/str.h"

X509_NAME *lab_tls_name(const char *subject, struct sl_err *err)
{
    X509_NAME *n = X509_NAME_new();
    char buf[1024];
    if (n == NULL || sl_strlcpy(buf, subject, sizeof buf) >= sizeof buf) {
        X509_NAME_free(n);
        sl_err_set(err, "certificate subject too long");
        return NULL;
    }
    char *save = NULL;
    for (char *rdn = strtok_r(buf, ",", &save); rdn; rdn = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(rdn, '=');
        if (eq == NULL) {
            X509_NAME_free(n);
            sl_err_set(err, "certificate subject part '%s' has no '='", rdn);
            return NULL;
        }
        *eq = '\0';
        /* Written most specific first (as RFC 2253 prints it, and as the
         * fingerprint sources quote subjects); stored the other way round,
         * C first, like the certificates devices generate. */
        if (!X509_NAME_add_entry_by_txt(n, sl_str_trim(rdn), MBSTRING_UTF8,
                                        (const unsigned char *)(eq + 1), -1, 0, 0)) {
            X509_NAME_free(n);
            sl_err_set(err, "certificate subject: unknown attribute '%s'", rdn);
            return NULL;
        }
    }
    return n;
}

EVP_PKEY *lab_tls_key(struct sl_err *err)
{
    /* One ECDSA P-256 key for the whole lab: signing a certificate per device
     * and a handshake per connection then cost microseconds, where RSA-2048
     * took a millisecond each and dominated a 10,000-device scan. Identification
     * reads a certificate's names and dates, never its key type. */
    EVP_PKEY *k = EVP_EC_gen("P-256");
    if (k == NULL)
        sl_err_set(err, "cannot generate an EC key");
    return k;
}

X509 *lab_tls_cert(EVP_PKEY *key, const char *subject, unsigned long serial, struct sl_err *err)
{
    X509_NAME *name = lab_tls_name(subject, err);
    if (name == NULL)
        return NULL;
    X509 *c = X509_new();
    if (c == NULL)
        abort();
    X509_set_version(c, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c), (long)(serial & 0x7fffffff));
    /* Embedded devices ship certificates valid for ten years or more. */
    X509_gmtime_adj(X509_getm_notBefore(c), -86400L * 400);
    X509_gmtime_adj(X509_getm_notAfter(c), 86400L * 3650);
    X509_set_subject_name(c, name);
    X509_set_issuer_name(c, name);
    X509_NAME_free(name);
    X509_set_pubkey(c, key);
    if (X509_sign(c, key, EVP_sha256()) == 0) {
        X509_free(c);
        sl_err_set(err, "cannot sign the certificate");
        return NULL;
    }
    return c;
}
