/* fuzz_mon_http.c - the first-segment HTTP/RTSP head reader (Host, Server). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/http_head.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_http_head h;
    uint8_t *copy = malloc(size ? size : 1);
    if (size)
        memcpy(copy, data, size);
    sl_http_head_parse(copy, size, &h);
    if (strlen(h.host) >= sizeof h.host || strlen(h.server) >= sizeof h.server)
        abort();
    free(copy);
    return 0;
}
