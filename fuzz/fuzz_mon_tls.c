/* fuzz_mon_tls.c - the TLS ClientHello server-name reader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/tls_sni.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char sni[SL_SNI_MAX];
    const char *e = NULL;
    uint8_t *copy = malloc(size ? size : 1);
    if (size)
        memcpy(copy, data, size);
    int rc = sl_tls_sni(copy, size, sni, &e);
    if ((rc == 1 && strlen(sni) >= SL_SNI_MAX) || (rc < 0 && e == NULL))
        abort();
    free(copy);
    return 0;
}
