/* fuzz_agent_batch.c - an agent's batch as the server reads it (scan/batch.h):
 * the header, the signature line and every record, strictly; hostile bodies
 * must never crash, hang or grow without bound. Nothing is written. */
#include <stddef.h>
#include <stdint.h>

#include "scan/batch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_batch b;
    struct sl_err err = {0};
    if (sl_batch_parse((const char *)data, size, &b, &err) != 0)
        return 0;
    struct sl_batch_hosts *hs = NULL;
    if (sl_batch_hosts_read(&b, &hs, &err) == 0) {
        for (size_t i = 0; i < sl_batch_hosts_count(hs); i++)
            (void)sl_batch_hosts_address(hs, i);
        sl_batch_hosts_free(hs);
    }
    return 0;
}
