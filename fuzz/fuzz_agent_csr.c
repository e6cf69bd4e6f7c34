/* fuzz_agent_csr.c - the certificate request an enrolling agent sends
 * (net/pki.h sl_pki_issue) and the agent a renewal's names (sl_pki_csr_uid): any bytes, checked by OpenSSL and the CA's rules
 * (self-signature, P-256 only) before anything is signed. The CA is made
 * once in a temporary directory. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "net/pki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sl_pki_ca ca;
static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_err err = {0};
    if (!ready) {
        char dir[] = "/tmp/sl-fuzz-ca.XXXXXX";
        bool made;
        if (mkdtemp(dir) == NULL || sl_pki_ca_load(&ca, dir, &made, &err) != 0)
            abort();
        ready = 1;
    }
    char *cert = NULL, sha[65], uid[SL_PKI_UID_LEN + 1];
    (void)sl_pki_csr_uid((const char *)data, size, uid, &err); /* a renewal's CSR */
    int64_t not_after;
    if (sl_pki_issue(&ca, (const char *)data, size, "0123456789abcdef0123456789abcdef", "site",
                     1, &cert, sha, &not_after, &err) == 0)
        free(cert);
    return 0;
}
