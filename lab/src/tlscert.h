/* tlscert.h - self-signed certificates with each profile's subject.
 *
 * One ECDSA P-256 key per lab run (made on first use), one X.509
 * certificate per device that is contacted over TLS, made on first use and
 * kept until the lab stops (about 1.5 KB each). The subject comes from the
 * profile's tls_subject template ("CN=...,OU=...,O=...") after expansion.
 */
#ifndef SL_LAB_TLSCERT_H
#define SL_LAB_TLSCERT_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "util/err.h"

/* Parses "CN=a,OU=b,O=c" (values may not contain ',') into an X509_NAME.
 * Returns NULL with err set. */
X509_NAME *lab_tls_name(const char *subject, struct sl_err *err);

/* A new ECDSA P-256 key, or NULL. */
EVP_PKEY *lab_tls_key(struct sl_err *err);

/* A self-signed certificate for subject (issuer = subject), serial and
 * validity derived from `serial`. Returns NULL with err set. */
X509 *lab_tls_cert(EVP_PKEY *key, const char *subject, unsigned long serial, struct sl_err *err);

#endif
