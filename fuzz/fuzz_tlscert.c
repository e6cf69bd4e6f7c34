/* fuzz_tlscert.c - certificates, PEM or DER (our DER walk, OpenSSL's name and extension decoders). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/tlscert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_cert_info ci;
    struct sl_err err;
    if (sl_cert_parse(data, size, &ci, &err) == 0) {
        if (ci.n_sans > SL_CERT_MAX_SANS || strlen(ci.subject) >= sizeof ci.subject)
            __builtin_trap();
    }
    return 0;
}
