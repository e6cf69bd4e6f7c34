/* pki.h - the site agents' certificates and signatures (OpenSSL): the
 * server's small CA (ECDSA P-256, kept as two PEM files in the server's state
 * directory), the agent's key and certificate signing request, the client
 * certificates the CA issues (CN "agent:UID", O "sightline agent", extended
 * key usage clientAuth only) and the server certificate of the agent
 * endpoint (serverAuth only), and ECDSA signatures over spool batches.
 *
 * Hostile input: a CSR or a certificate from the network is at most
 * SL_PKI_PEM_MAX bytes and is parsed by OpenSSL; a signature is base64 of at
 * most SL_PKI_SIG_MAX bytes.
 *
 * Memory: every char * returned is malloc'd and the caller's (free); struct
 * sl_pki_ca holds OpenSSL objects released by sl_pki_ca_free.
 */
#ifndef SL_NET_PKI_H
#define SL_NET_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define SL_PKI_PEM_MAX (16 * 1024)
#define SL_PKI_SIG_MAX 512
#define SL_PKI_UID_LEN 32 /* hex digits of an agent id */

struct sl_pki_ca {
    void *key;       /* EVP_PKEY */
    void *cert;      /* X509 */
    char *cert_pem;
    char sha256[65]; /* of the CA certificate (DER), lowercase hex: what a token pins */
};

/* DIR/agent-ca-cert.pem and agent-ca-key.pem, made (ten years) when both are
 * absent (*made set). 0 or -1. */
int sl_pki_ca_load(struct sl_pki_ca *ca, const char *dir, bool *made, struct sl_err *err);
void sl_pki_ca_free(struct sl_pki_ca *ca);

/* A fresh key and a certificate for the agent endpoint signed by the CA,
 * naming host (an address or a name) and localhost. 0 or -1. */
int sl_pki_server_cert(const struct sl_pki_ca *ca, const char *host, char **cert_pem,
                       char **key_pem, struct sl_err *err);

/* The agent's own key and a CSR for it. 0 or -1. */
int sl_pki_make_key_csr(char **key_pem, char **csr_pem, struct sl_err *err);
/* The same for a renewal: the CSR names the agent (CN "agent:UID"). */
int sl_pki_make_key_csr_for(const char *uid, char **key_pem, char **csr_pem, struct sl_err *err);
/* The agent a CSR names (CN "agent:UID") into uid (SL_PKI_UID_LEN + 1), its
 * self-signature checked. 0, or -1 (INVALID: not one, or names no agent). */
int sl_pki_csr_uid(const char *csr_pem, size_t len, char *uid, struct sl_err *err);
/* A PEM certificate's validity (Unix seconds). 0 or -1. */
int sl_pki_cert_times(const char *cert_pem, int64_t *not_before, int64_t *not_after,
                      struct sl_err *err);
/* Whether a PEM certificate is for a PEM private key. */
bool sl_pki_pair_matches(const char *cert_pem, const char *key_pem);

/* Issues a client certificate for a CSR (its self-signature checked; P-256
 * keys only) to agent uid of site, valid for days. *sha256 gets the new
 * certificate's hex SHA-256 (65 bytes), *not_after its end. 0 or -1
 * (INVALID: the CSR is refused). */
int sl_pki_issue(const struct sl_pki_ca *ca, const char *csr_pem, size_t len, const char *uid,
                 const char *site, int days, char **cert_pem, char *sha256, int64_t *not_after,
                 struct sl_err *err);

/* Checks a client certificate (DER) against the CA: its signature, its
 * validity at now, clientAuth, the CN. Fills uid (SL_PKI_UID_LEN + 1) and
 * sha256 (65). 0, or -1 with why in err (INVALID). */
int sl_pki_check_client(const struct sl_pki_ca *ca, const uint8_t *der, size_t len, int64_t now,
                        char *uid, char *sha256, struct sl_err *err);

/* Hex SHA-256 of a PEM certificate's DER (65 bytes). 0 or -1. */
int sl_pki_cert_sha256(const char *cert_pem, char *sha256, struct sl_err *err);
/* Hex SHA-256 of bytes (65 bytes). */
void sl_pki_sha256_hex(const void *data, size_t len, char *hex);
/* n random bytes as 2n hex digits into hex (2n + 1). 0 or -1. */
int sl_pki_random_hex(char *hex, size_t n);

/* An ECDSA SHA-256 signature over data with a PEM key, base64 into sig
 * (SL_PKI_SIG_MAX). 0 or -1. */
int sl_pki_sign(const char *key_pem, const void *data, size_t len, char *sig,
                struct sl_err *err);
/* 0 when sig (base64) is the certificate's key's signature over data, else
 * -1 (INVALID). */
int sl_pki_verify(const char *cert_pem, const void *data, size_t len, const char *sig,
                  struct sl_err *err);

/* Adds an extension (nid, OpenSSL's config text) to an X509 * issued by the
 * X509 * issuer (itself when self-signed). 0 or -1. */
int sl_pki_add_ext(void *x509, void *issuer, int nid, const char *value);
/* PEM text of an X509 * and of an EVP_PKEY * (unencrypted), malloc'd; NULL on failure. */
char *sl_pki_cert_pem(const void *x509);
char *sl_pki_key_pem(const void *pkey);

/* Writes a file only its owner may read (mode 0600), refusing to replace one. */
int sl_pki_write_private(const char *path, const char *data, struct sl_err *err);

#endif
