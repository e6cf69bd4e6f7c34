/* tlscert.c - a certificate's subject, issuer, names and validity through
 * OpenSSL (tlscert.h). Verifies no chain and trusts nothing. */
#include "proto/tlscert.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/base64.h"
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

/* One DER element: tag, the whole element (tlv) and its contents (val). */
struct der {
    uint8_t tag;
    const uint8_t *tlv, *val;
    size_t tlv_len, len;
};

static int der_next(const uint8_t **p, const uint8_t *end, struct der *d)
{
    const uint8_t *q = *p;
    if (end - q < 2)
        return -1;
    d->tlv = q;
    d->tag = *q++;
    size_t len = *q++;
    if (len & 0x80) {
        size_t k = len & 0x7f;
        if (k == 0 || k > 4 || (size_t)(end - q) < k)
            return -1;
        len = 0;
        for (size_t i = 0; i < k; i++)
            len = len << 8 | *q++;
    }
    if ((size_t)(end - q) < len)
        return -1;
    d->val = q;
    d->len = len;
    d->tlv_len = (size_t)(q + len - d->tlv);
    *p = q + len;
    return 0;
}

static void name_from_der(const struct der *d, char *out, size_t outsz)
{
    const unsigned char *p = d->tlv;
    X509_NAME *n = d2i_X509_NAME(NULL, &p, (long)d->tlv_len);
    out[0] = '\0';
    if (n != NULL) {
        name_string(n, out, outsz);
        X509_NAME_free(n);
    }
}

static void cn_of(const char *subject, char *out, size_t outsz)
{
    /* RFC 2253 text: the CN is "CN=..." up to an unescaped comma */
    out[0] = '\0';
    const char *c = strstr(subject, "CN=");
    while (c != NULL && c != subject && c[-1] != ',')
        c = strstr(c + 1, "CN=");
    if (c == NULL)
        return;
    c += 3;
    size_t n = 0;
    while (c[n] && !(c[n] == ',' && (n == 0 || c[n - 1] != '\\')))
        n++;
    sl_strncpy_z(out, outsz, c, n);
}

static void sans_from_ext(const struct der *ext_wrap, struct sl_cert_info *out)
{
    /* [3] { SEQUENCE OF Extension } */
    const uint8_t *p = ext_wrap->val;
    struct der seq;
    if (der_next(&p, ext_wrap->val + ext_wrap->len, &seq) != 0)
        return;
    const unsigned char *q = seq.tlv;
    STACK_OF(X509_EXTENSION) *exts = d2i_X509_EXTENSIONS(NULL, &q, (long)seq.tlv_len);
    if (exts == NULL)
        return;
    int idx = X509v3_get_ext_by_NID(exts, NID_subject_alt_name, -1);
    if (idx >= 0) {
        GENERAL_NAMES *sans = X509V3_EXT_d2i(X509v3_get_ext(exts, idx));
        int n = sans != NULL ? sk_GENERAL_NAME_num(sans) : 0;
        for (int i = 0; i < n && out->n_sans < SL_CERT_MAX_SANS; i++) {
            const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
            char *dst = out->sans[out->n_sans];
            if (g->type == GEN_DNS) {
                const ASN1_IA5STRING *str = g->d.dNSName;
                sl_strncpy_z(dst, sizeof out->sans[0], (const char *)ASN1_STRING_get0_data(str),
                             (size_t)ASN1_STRING_length(str));
                sl_str_printable(dst);
                out->n_sans++;
            } else if (g->type == GEN_IPADD && ASN1_STRING_length(g->d.iPAddress) == 4) {
                const unsigned char *ip = ASN1_STRING_get0_data(g->d.iPAddress);
                snprintf(dst, sizeof out->sans[0], "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
                out->n_sans++;
            }
        }
        GENERAL_NAMES_free(sans);
    }
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
}

static void time_from_der(const struct der *d, char out[21])
{
    const unsigned char *p = d->tlv;
    ASN1_TIME *t = d2i_ASN1_TIME(NULL, &p, (long)d->tlv_len);
    time_string(t, out);
    ASN1_TIME_free(t);
}

/* Walks the DER of a certificate for the fields we read, without decoding its
 * public key (OpenSSL 3's key decoders cost far more than the rest). */
static int parse_der(const uint8_t *der, size_t len, struct sl_cert_info *out)
{
    const uint8_t *p = der, *end = der + len;
    struct der cert, tbs, e;
    if (der_next(&p, end, &cert) != 0 || cert.tag != 0x30)
        return -1;
    p = cert.val;
    if (der_next(&p, cert.val + cert.len, &tbs) != 0 || tbs.tag != 0x30)
        return -1;
    p = tbs.val;
    const uint8_t *tend = tbs.val + tbs.len;
    if (der_next(&p, tend, &e) != 0)
        return -1;
    if (e.tag == 0xa0 && der_next(&p, tend, &e) != 0) /* [0] version, then serial */
        return -1;
    if (e.tag != 0x02)
        return -1;
    struct der sigalg, issuer, validity, subject, spki;
    if (der_next(&p, tend, &sigalg) != 0 || der_next(&p, tend, &issuer) != 0 ||
        der_next(&p, tend, &validity) != 0 || der_next(&p, tend, &subject) != 0 ||
        der_next(&p, tend, &spki) != 0 || issuer.tag != 0x30 || subject.tag != 0x30 ||
        validity.tag != 0x30)
        return -1;
    name_from_der(&subject, out->subject, sizeof out->subject);
    name_from_der(&issuer, out->issuer, sizeof out->issuer);
    out->self_signed = issuer.tlv_len == subject.tlv_len &&
                       memcmp(issuer.tlv, subject.tlv, issuer.tlv_len) == 0;
    cn_of(out->subject, out->common_name, sizeof out->common_name);
    const uint8_t *v = validity.val;
    struct der nb, na;
    if (der_next(&v, validity.val + validity.len, &nb) == 0 &&
        der_next(&v, validity.val + validity.len, &na) == 0) {
        time_from_der(&nb, out->not_before);
        time_from_der(&na, out->not_after);
    }
    while (p < tend && der_next(&p, tend, &e) == 0)
        if (e.tag == 0xa3)
            sans_from_ext(&e, out);
    return 0;
}

int sl_cert_parse(const void *data, size_t len, struct sl_cert_info *out, struct sl_err *err)
{
    memset(out, 0, sizeof *out);
    if (len == 0)
        return sl_err_set(err, "tls: empty certificate");
    if (len > CERT_MAX_BYTES)
        return sl_err_set(err, "tls: certificate larger than %u bytes", CERT_MAX_BYTES);
    const char *begin = memmem(data, len, "-----BEGIN CERTIFICATE-----", 27);
    int rc;
    if (begin != NULL) {
        const char *b64 = begin + 27;
        const char *stop = memmem(b64, len - (size_t)(b64 - (const char *)data), "-----END", 8);
        if (stop == NULL)
            return sl_err_set(err, "tls: PEM certificate without its END line");
        size_t n = (size_t)(stop - b64);
        uint8_t *der = malloc(n / 4 * 3 + 4);
        if (der == NULL)
            return sl_err_set(err, "tls: out of memory");
        long dl = sl_base64_decode(b64, n, der);
        rc = dl > 0 ? parse_der(der, (size_t)dl, out) : -1;
        free(der);
    } else {
        rc = parse_der(data, len, out);
    }
    ERR_clear_error();
    if (rc != 0) {
        memset(out, 0, sizeof *out);
        return sl_err_set(err, "tls: not a PEM or DER certificate");
    }
    return 0;
}
