/* pki.c - the agents' CA, keys, CSRs, certificates and batch signatures with
 * OpenSSL (pki.h). No network and no register here. */
#include "net/pki.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/base64.h"
#include "util/file.h"
#include "util/str.h"

int sl_pki_write_private(const char *path, const char *data, struct sl_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return sl_err_setk(err, SL_ERR_IO, "cannot create %s", path);
    size_t n = strlen(data);
    int rc = write(fd, data, n) == (ssize_t)n && fsync(fd) == 0 ? 0 : -1;
    if (close(fd) != 0 || rc != 0) {
        unlink(path);
        return sl_err_setk(err, SL_ERR_IO, "cannot write %s", path);
    }
    return 0;
}

static char *pem_of(int (*write)(BIO *, void *), const void *obj)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *out = NULL;
    if (b != NULL && write(b, (void *)obj) == 1) {
        char *p;
        long n = BIO_get_mem_data(b, &p);
        out = n > 0 ? strndup(p, (size_t)n) : NULL;
    }
    BIO_free(b);
    return out;
}

static int write_x509(BIO *b, void *x)
{
    return PEM_write_bio_X509(b, x);
}

static int write_key(BIO *b, void *k)
{
    return PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
}

char *sl_pki_cert_pem(const void *x509)
{
    return pem_of(write_x509, x509);
}

char *sl_pki_key_pem(const void *pkey)
{
    return pem_of(write_key, pkey);
}

static int write_req(BIO *b, void *r)
{
    return PEM_write_bio_X509_REQ(b, r);
}

static X509 *x509_of_pem(const char *pem, size_t len)
{
    BIO *b = BIO_new_mem_buf(pem, (int)len);
    X509 *x = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return x;
}

static EVP_PKEY *key_of_pem(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = b != NULL ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return k;
}

static void hex_of(const unsigned char *md, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[2 * n] = '\0';
}

void sl_pki_sha256_hex(const void *data, size_t len, char *hex)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
    hex_of(md, n, hex);
}

int sl_pki_random_hex(char *hex, size_t n)
{
    unsigned char b[64];
    if (n > sizeof b || RAND_bytes(b, (int)n) != 1)
        return -1;
    hex_of(b, n, hex);
    return 0;
}

static int x509_sha256(X509 *x, char *sha256)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (X509_digest(x, EVP_sha256(), md, &n) != 1)
        return -1;
    hex_of(md, n, sha256);
    return 0;
}

int sl_pki_cert_sha256(const char *cert_pem, char *sha256, struct sl_err *err)
{
    X509 *x = x509_of_pem(cert_pem, strlen(cert_pem));
    int rc = x != NULL ? x509_sha256(x, sha256) : -1;
    X509_free(x);
    return rc == 0 ? 0 : sl_err_setk(err, SL_ERR_INVALID, "not a PEM X.509 certificate");
}

int sl_pki_add_ext(void *xv, void *issuerv, int nid, const char *value)
{
    X509 *x = xv, *issuer = issuerv;
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (e == NULL)
        return -1;
    int rc = X509_add_ext(x, e, -1) == 1 ? 0 : -1;
    X509_EXTENSION_free(e);
    return rc;
}

static int set_name(X509_NAME *name, const char *o, const char *ou, const char *cn)
{
    return X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)o, -1, -1,
                                      0) == 1 &&
                   (ou == NULL || X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_UTF8,
                                                             (const unsigned char *)ou, -1, -1,
                                                             0) == 1) &&
                   X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                              (const unsigned char *)cn, -1, -1, 0) == 1
               ? 0
               : -1;
}

/* A certificate's frame: random serial, version 3, validity from an hour ago. */
static X509 *cert_new(long days)
{
    X509 *x = X509_new();
    unsigned char serial[16];
    if (x == NULL || RAND_bytes(serial, sizeof serial) != 1)
        goto fail;
    serial[0] &= 0x7f;
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
    int ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
    BN_free(bn);
    if (!ok || X509_set_version(x, 2) != 1 ||
        X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
        X509_gmtime_adj(X509_getm_notAfter(x), days * 86400L) == NULL)
        goto fail;
    return x;
fail:
    X509_free(x);
    return NULL;
}

static int ca_make(struct sl_pki_ca *ca, const char *cpath, const char *kpath, struct sl_err *err)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = key != NULL ? cert_new(3650) : NULL;
    if (x == NULL || set_name(X509_get_subject_name(x), "sightline", NULL, "sightline agent CA") != 0 ||
        X509_set_issuer_name(x, X509_get_subject_name(x)) != 1 || X509_set_pubkey(x, key) != 1 ||
        sl_pki_add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") != 0 ||
        sl_pki_add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign") != 0 ||
        sl_pki_add_ext(x, x, NID_subject_key_identifier, "hash") != 0 ||
        X509_sign(x, key, EVP_sha256()) == 0) {
        X509_free(x);
        EVP_PKEY_free(key);
        return sl_err_set(err, "making the agent CA failed");
    }
    char *kp = pem_of(write_key, key), *cp = pem_of(write_x509, x);
    int rc = kp != NULL && cp != NULL ? 0 : sl_err_set(err, "out of memory");
    if (rc == 0 && sl_pki_write_private(kpath, kp, err) != 0)
        rc = -1;
    if (rc == 0 && sl_pki_write_private(cpath, cp, err) != 0) {
        unlink(kpath);
        rc = -1;
    }
    if (kp != NULL)
        OPENSSL_cleanse(kp, strlen(kp));
    free(kp);
    ca->key = key;
    ca->cert = x;
    ca->cert_pem = cp;
    return rc;
}

int sl_pki_ca_load(struct sl_pki_ca *ca, const char *dir, bool *made, struct sl_err *err)
{
    memset(ca, 0, sizeof *ca);
    *made = false;
    char cpath[1024], kpath[1024];
    if ((size_t)snprintf(cpath, sizeof cpath, "%s/agent-ca-cert.pem", dir) >= sizeof cpath ||
        (size_t)snprintf(kpath, sizeof kpath, "%s/agent-ca-key.pem", dir) >= sizeof kpath)
        return sl_err_setk(err, SL_ERR_INVALID, "%s: path too long", dir);
    int rc;
    if (access(cpath, F_OK) != 0 && access(kpath, F_OK) != 0) {
        rc = ca_make(ca, cpath, kpath, err);
        *made = rc == 0;
    } else {
        size_t n;
        char *kp = sl_read_file(kpath, SL_PKI_PEM_MAX, &n, err);
        ca->cert_pem = kp != NULL ? sl_read_file(cpath, SL_PKI_PEM_MAX, &n, err) : NULL;
        ca->key = kp != NULL ? key_of_pem(kp) : NULL;
        ca->cert = ca->cert_pem != NULL ? x509_of_pem(ca->cert_pem, strlen(ca->cert_pem)) : NULL;
        if (kp != NULL)
            OPENSSL_cleanse(kp, strlen(kp));
        free(kp);
        rc = ca->cert_pem == NULL ? -1
             : ca->key == NULL || ca->cert == NULL ||
                     X509_check_private_key(ca->cert, ca->key) != 1
                 ? sl_err_setk(err, SL_ERR_CORRUPT, "%s and %s are not a CA key and its certificate",
                               kpath, cpath)
                 : 0;
    }
    if (rc == 0 && x509_sha256(ca->cert, ca->sha256) != 0)
        rc = sl_err_set(err, "hashing the CA certificate failed");
    if (rc != 0)
        sl_pki_ca_free(ca);
    return rc;
}

void sl_pki_ca_free(struct sl_pki_ca *ca)
{
    EVP_PKEY_free(ca->key);
    X509_free(ca->cert);
    free(ca->cert_pem);
    memset(ca, 0, sizeof *ca);
}

/* Signs x (subject, key and extensions set) with the CA. */
static int ca_sign(const struct sl_pki_ca *ca, X509 *x)
{
    return X509_set_issuer_name(x, X509_get_subject_name(ca->cert)) == 1 &&
                   sl_pki_add_ext(x, ca->cert, NID_authority_key_identifier, "keyid:always") == 0 &&
                   X509_sign(x, ca->key, EVP_sha256()) != 0
               ? 0
               : -1;
}

int sl_pki_server_cert(const struct sl_pki_ca *ca, const char *host, char **cert_pem,
                       char **key_pem, struct sl_err *err)
{
    char san[400];
    bool ip = strchr(host, ':') != NULL || strspn(host, "0123456789.") == strlen(host);
    snprintf(san, sizeof san, "DNS:localhost,IP:127.0.0.1,IP:::1%s%s",
             host[0] ? (ip ? ",IP:" : ",DNS:") : "", host);
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = key != NULL ? cert_new(825) : NULL;
    int rc = -1;
    if (x != NULL &&
        set_name(X509_get_subject_name(x), "sightline", NULL, "sightline agent endpoint") == 0 &&
        X509_set_pubkey(x, key) == 1 && sl_pki_add_ext(x, ca->cert, NID_subject_alt_name, san) == 0 &&
        sl_pki_add_ext(x, ca->cert, NID_basic_constraints, "critical,CA:FALSE") == 0 &&
        sl_pki_add_ext(x, ca->cert, NID_ext_key_usage, "serverAuth") == 0 && ca_sign(ca, x) == 0) {
        *cert_pem = pem_of(write_x509, x);
        *key_pem = pem_of(write_key, key);
        rc = *cert_pem != NULL && *key_pem != NULL ? 0 : -1;
    }
    X509_free(x);
    EVP_PKEY_free(key);
    return rc == 0 ? 0 : sl_err_set(err, "making the agent endpoint's certificate failed");
}

int sl_pki_make_key_csr_for(const char *uid, char **key_pem, char **csr_pem, struct sl_err *err)
{
    char cn[SL_PKI_UID_LEN + 8] = "agent";
    if (uid != NULL)
        snprintf(cn, sizeof cn, "agent:%s", uid);
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509_REQ *r = X509_REQ_new();
    int rc = -1;
    if (key != NULL && r != NULL && X509_REQ_set_version(r, 0) == 1 &&
        set_name(X509_REQ_get_subject_name(r), "sightline agent", NULL, cn) == 0 &&
        X509_REQ_set_pubkey(r, key) == 1 && X509_REQ_sign(r, key, EVP_sha256()) != 0) {
        *key_pem = pem_of(write_key, key);
        *csr_pem = pem_of(write_req, r);
        rc = *key_pem != NULL && *csr_pem != NULL ? 0 : -1;
    }
    X509_REQ_free(r);
    EVP_PKEY_free(key);
    return rc == 0 ? 0 : sl_err_set(err, "making the agent's key and request failed");
}

int sl_pki_make_key_csr(char **key_pem, char **csr_pem, struct sl_err *err)
{
    return sl_pki_make_key_csr_for(NULL, key_pem, csr_pem, err);
}

/* The CSR's key when it is P-256 and the request is signed by it. */
static EVP_PKEY *csr_key(const char *csr_pem, size_t len, struct sl_err *err)
{
    if (len == 0 || len > SL_PKI_PEM_MAX)
        return sl_err_setk(err, SL_ERR_INVALID, "the request is empty or too large"), NULL;
    BIO *b = BIO_new_mem_buf(csr_pem, (int)len);
    X509_REQ *r = b != NULL ? PEM_read_bio_X509_REQ(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    EVP_PKEY *key = r != NULL ? X509_REQ_get_pubkey(r) : NULL;
    char group[32] = "";
    size_t gl = 0;
    const char *why = r == NULL ? "not a PEM certificate signing request"
                      : key == NULL ? "the request has no usable key"
                      : X509_REQ_verify(r, key) != 1 ? "the request's signature does not verify"
                      : EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
                              EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group,
                                                             &gl) != 1 ||
                              strcmp(group, "prime256v1") != 0
                          ? "the request's key is not ECDSA P-256"
                          : NULL;
    X509_REQ_free(r);
    if (why != NULL) {
        EVP_PKEY_free(key);
        sl_err_setk(err, SL_ERR_INVALID, "%s", why);
        return NULL;
    }
    return key;
}

int sl_pki_issue(const struct sl_pki_ca *ca, const char *csr_pem, size_t len, const char *uid,
                 const char *site, int days, char **cert_pem, char *sha256, int64_t *not_after,
                 struct sl_err *err)
{
    EVP_PKEY *key = csr_key(csr_pem, len, err);
    if (key == NULL)
        return -1;
    char cn[SL_PKI_UID_LEN + 8];
    snprintf(cn, sizeof cn, "agent:%s", uid);
    X509 *x = cert_new(days);
    int rc = -1;
    if (x != NULL && set_name(X509_get_subject_name(x), "sightline agent", site, cn) == 0 &&
        X509_set_pubkey(x, key) == 1 &&
        sl_pki_add_ext(x, ca->cert, NID_basic_constraints, "critical,CA:FALSE") == 0 &&
        sl_pki_add_ext(x, ca->cert, NID_key_usage, "critical,digitalSignature") == 0 &&
        sl_pki_add_ext(x, ca->cert, NID_ext_key_usage, "clientAuth") == 0 && ca_sign(ca, x) == 0 &&
        x509_sha256(x, sha256) == 0) {
        *cert_pem = pem_of(write_x509, x);
        *not_after = (int64_t)time(NULL) + (int64_t)days * 86400;
        rc = *cert_pem != NULL ? 0 : -1;
    }
    X509_free(x);
    EVP_PKEY_free(key);
    return rc == 0 ? 0 : sl_err_set(err, "issuing the agent's certificate failed");
}

/* The CN "agent:UID" of x into uid; -1 when it is not one. */
static int agent_uid(X509 *x, char *uid)
{
    char cn[80];
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof cn) <= 0 ||
        !sl_str_starts_with(cn, "agent:") || strlen(cn + 6) != SL_PKI_UID_LEN ||
        strspn(cn + 6, "0123456789abcdef") != SL_PKI_UID_LEN)
        return -1;
    memcpy(uid, cn + 6, SL_PKI_UID_LEN + 1);
    return 0;
}

int sl_pki_check_client(const struct sl_pki_ca *ca, const uint8_t *der, size_t len, int64_t now,
                        char *uid, char *sha256, struct sl_err *err)
{
    const unsigned char *p = der;
    X509 *x = len > 0 && len <= SL_PKI_PEM_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;
    EVP_PKEY *capub = X509_get0_pubkey(ca->cert);
    time_t t = (time_t)now;
    const char *why =
        x == NULL ? "not an X.509 certificate"
        : X509_verify(x, capub) != 1 ? "not issued by this server's agent CA"
        : X509_cmp_time(X509_get0_notBefore(x), &t) >= 0 ? "not valid yet"
        : X509_cmp_time(X509_get0_notAfter(x), &t) <= 0 ? "expired"
        : !(X509_get_extended_key_usage(x) & XKU_SSL_CLIENT) ? "not a client certificate"
        : agent_uid(x, uid) != 0 ? "not an agent's certificate"
        : x509_sha256(x, sha256) != 0 ? "cannot be hashed"
                                      : NULL;
    X509_free(x);
    return why == NULL ? 0 : sl_err_setk(err, SL_ERR_INVALID, "certificate %s", why);
}

int sl_pki_sign(const char *key_pem, const void *data, size_t len, char *sig, struct sl_err *err)
{
    EVP_PKEY *key = key_of_pem(key_pem);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char raw[SL_PKI_SIG_MAX / 2];
    size_t n = sizeof raw;
    int ok = key != NULL && ctx != NULL &&
             EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestSign(ctx, raw, &n, data, len) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    if (!ok)
        return sl_err_set(err, "signing failed (is the agent's key readable?)");
    EVP_EncodeBlock((unsigned char *)sig, raw, (int)n);
    return 0;
}

int sl_pki_verify(const char *cert_pem, const void *data, size_t len, const char *sig,
                  struct sl_err *err)
{
    size_t sl = strlen(sig);
    uint8_t raw[SL_PKI_SIG_MAX];
    long n = sl < SL_PKI_SIG_MAX ? sl_base64_decode(sig, sl, raw) : -1;
    X509 *x = x509_of_pem(cert_pem, strlen(cert_pem));
    EVP_PKEY *key = x != NULL ? X509_get0_pubkey(x) : NULL;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = n > 0 && key != NULL && ctx != NULL &&
             EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestVerify(ctx, raw, (size_t)n, data, len) == 1;
    EVP_MD_CTX_free(ctx);
    X509_free(x);
    return ok ? 0 : sl_err_setk(err, SL_ERR_INVALID, "the signature does not verify");
}

int sl_pki_csr_uid(const char *csr_pem, size_t len, char *uid, struct sl_err *err)
{
    EVP_PKEY *key = csr_key(csr_pem, len, err); /* bounded, parsed, self-signature checked */
    if (key == NULL)
        return -1;
    EVP_PKEY_free(key);
    BIO *b = BIO_new_mem_buf(csr_pem, (int)len);
    X509_REQ *r = b != NULL ? PEM_read_bio_X509_REQ(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    char cn[80];
    int rc = r != NULL && X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(r), NID_commonName,
                                                    cn, sizeof cn) > 0 &&
                     sl_str_starts_with(cn, "agent:") && strlen(cn + 6) == SL_PKI_UID_LEN &&
                     strspn(cn + 6, "0123456789abcdef") == SL_PKI_UID_LEN
                 ? 0
                 : sl_err_setk(err, SL_ERR_INVALID, "the request names no agent (CN agent:UID)");
    if (rc == 0)
        memcpy(uid, cn + 6, SL_PKI_UID_LEN + 1);
    X509_REQ_free(r);
    return rc;
}

/* ASN1_TIME as Unix seconds. */
static int64_t unix_of(const ASN1_TIME *t)
{
    struct tm tm;
    return ASN1_TIME_to_tm(t, &tm) == 1 ? (int64_t)timegm(&tm) : 0;
}

int sl_pki_cert_times(const char *cert_pem, int64_t *not_before, int64_t *not_after,
                      struct sl_err *err)
{
    X509 *x = x509_of_pem(cert_pem, strlen(cert_pem));
    if (x == NULL)
        return sl_err_setk(err, SL_ERR_INVALID, "not a PEM certificate");
    *not_before = unix_of(X509_get0_notBefore(x));
    *not_after = unix_of(X509_get0_notAfter(x));
    X509_free(x);
    return 0;
}

bool sl_pki_pair_matches(const char *cert_pem, const char *key_pem)
{
    X509 *x = x509_of_pem(cert_pem, strlen(cert_pem));
    EVP_PKEY *k = key_of_pem(key_pem);
    bool ok = x != NULL && k != NULL && X509_check_private_key(x, k) == 1;
    X509_free(x);
    EVP_PKEY_free(k);
    return ok;
}
