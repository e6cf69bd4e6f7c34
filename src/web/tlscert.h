/* tlscert.h - the dashboard's certificate: given PEM files, or a self-signed
 * ECDSA P-256 pair made on first start and kept for the next ones.
 *
 * Memory: the PEM strings in struct sl_web_tls are owned by it (sl_web_tls_free).
 */
#ifndef SL_WEB_TLSCERT_H
#define SL_WEB_TLSCERT_H

#include <stddef.h>

#include "util/err.h"

struct sl_web_tls {
    char *cert_pem, *key_pem;
    char fingerprint[100]; /* SHA-256 of the certificate, "AB:CD:..." */
    char made[512];       /* "" or the path of a certificate made now */
};

/* cert and key given: reads them. Else dir/dashboard-cert.pem and
 * dashboard-key.pem, made (self-signed, 825 days, names localhost and the
 * listen address) when absent. 0 or -1. */
int sl_web_tls_load(struct sl_web_tls *t, const char *cert, const char *key, const char *dir,
                    const char *host, struct sl_err *err);
void sl_web_tls_free(struct sl_web_tls *t);

#endif
