/* fuzz_mon_http.c - the one-segment HTTP/RTSP peek the monitor reads
 * (proto/http.h sl_http_peek): start line, Host, Server. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_http_peek h;
    uint8_t *copy = malloc(size ? size : 1);
    if (size)
        memcpy(copy, data, size);
    sl_http_peek(copy, size, &h);
    if (strlen(h.host) >= sizeof h.host || strlen(h.server) >= sizeof h.server ||
        strlen(h.path) >= sizeof h.path || strlen(h.method) >= sizeof h.method)
        abort();
    free(copy);
    return 0;
}
