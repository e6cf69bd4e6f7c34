#include "proto/tlscert.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/str.h"

#define CERT_MAX_BYTES (64u * 1024u)

static void name_string(const X509_NAME *name, char *out, size_t outsz)
{
    out[0] = '\0';
    BIO *b = BIO_new(BIO_s_mem());
    if (b == NULL)
        return;
    unsigned long flags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
    if (X509_NAME_print_ex(b, name, 0, flags) >= 0) {
        char *p;
        long n = BIO_get_mem_data(b, &p);
        if (n > 0)
            sl_strncpy_z(out, outsz, p, (size_t)n);
    }
    BIO_free(b);
}

static void time_string(const ASN1_TIME *t, char out[21])
{
    struct tm tm;
    out[0] = '\0';
    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
        return;
    if (strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        out[0] = '\0';
}

int sl_cert_parse(const void *data, size_t len, struct sl_cert_info *out, struct sl_err *err)
{
    memset(out, 0, sizeof *out);
    if (len == 0)
        return sl_err_set(err, "tls: empty certificate");
    if (len > CERT_MAX_BYTES)
        return sl_err_set(err, "tls: certificate larger than %u bytes", CERT_MAX_BYTES);
    X509 *x = NULL;
    if (memmem(data, len, "-----BEGIN", 10) != NULL) {
        BIO *b = BIO_new_mem_buf(data, (int)len);
        if (b != NULL) {
            x = PEM_read_bio_X509(b, NULL, NULL, NULL);
            BIO_free(b);
        }
    } else {
        const unsigned char *p = data;
        x = d2i_X509(NULL, &p, (long)len);
    }
    ERR_clear_error();
    if (x == NULL)
        return sl_err_set(err, "tls: not a PEM or DER certificate");
    name_string(X509_get_subject_name(x), out->subject, sizeof out->subject);
    name_string(X509_get_issuer_name(x), out->issuer, sizeof out->issuer);
    out->self_signed = strcmp(out->subject, out->issuer) == 0;
    int idx = X509_NAME_get_index_by_NID(X509_get_subject_name(x), NID_commonName, -1);
    if (idx >= 0) {
        const ASN1_STRING *cn =
            X509_NAME_ENTRY_get_data(X509_NAME_get_entry(X509_get_subject_name(x), idx));
        unsigned char *u = NULL;
        int n = ASN1_STRING_to_UTF8(&u, cn);
        if (n > 0)
            sl_strncpy_z(out->common_name, sizeof out->common_name, (const char *)u, (size_t)n);
        OPENSSL_free(u);
    }
    GENERAL_NAMES *sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    if (sans != NULL) {
        int n = sk_GENERAL_NAME_num(sans);
        for (int i = 0; i < n && out->n_sans < SL_CERT_MAX_SANS; i++) {
            const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
            char *dst = out->sans[out->n_sans];
            if (g->type == GEN_DNS) {
                const ASN1_IA5STRING *s = g->d.dNSName;
                sl_strncpy_z(dst, sizeof out->sans[0], (const char *)ASN1_STRING_get0_data(s),
                             (size_t)ASN1_STRING_length(s));
                sl_str_printable(dst);
                out->n_sans++;
            } else if (g->type == GEN_IPADD) {
                const ASN1_OCTET_STRING *s = g->d.iPAddress;
                const unsigned char *ip = ASN1_STRING_get0_data(s);
                if (ASN1_STRING_length(s) == 4) {
                    snprintf(dst, sizeof out->sans[0], "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
                    out->n_sans++;
                }
            }
        }
        GENERAL_NAMES_free(sans);
    }
    time_string(X509_get0_notBefore(x), out->not_before);
    time_string(X509_get0_notAfter(x), out->not_after);
    X509_free(x);
    ERR_clear_error();
    return 0;
}
