/* tlscert.h - what a device's TLS certificate says (OpenSSL): subject,
 * issuer, DNS/IP subject alternative names, validity.
 *
 * Names are written like recog's x509_subjects.xml: RFC 2253 order, most
 * specific first, "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,
 * ST=ZheJiang,C=CN", UTF-8 kept. Input is PEM (the first certificate) or DER,
 * at most 64 KiB; fields are cut at their sizes below.
 */
#ifndef SL_PROTO_TLSCERT_H
#define SL_PROTO_TLSCERT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define SL_CERT_MAX_SANS 8

struct sl_cert_info {
    char subject[512];
    char issuer[512];
    char common_name[256];
    size_t n_sans;
    char sans[SL_CERT_MAX_SANS][128];
    char not_before[21]; /* "YYYY-MM-DDTHH:MM:SSZ" */
    char not_after[21];
    bool self_signed;    /* subject == issuer */
};

/* Returns 0, or -1 with err ("tls: not a PEM or DER certificate"). */
int sl_cert_parse(const void *data, size_t len, struct sl_cert_info *out, struct sl_err *err);

#endif
