/* fuzz_http.c - the incremental HTTP/RTSP response parser, fed in random slices. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* The first byte picks the slice size, so feeding patterns are fuzzed too. */
    size_t step = (size_t)data[0] % 17 + 1;
    data++;
    size--;
    struct sl_http_limits lim = {.max_head = 2048, .max_body = 4096};
    struct sl_http h;
    sl_http_init(&h, &lim);
    enum sl_http_result r = SL_HTTP_MORE;
    for (size_t i = 0; i < size && r == SL_HTTP_MORE; i += step) {
        size_t n = size - i < step ? size - i : step;
        r = sl_http_feed(&h, data + i, n);
        if (sl_http_consumed(&h) > n)
            __builtin_trap();
    }
    if (r == SL_HTTP_MORE)
        r = sl_http_finish(&h);
    if (sl_http_head_complete(&h)) {
        for (size_t i = 0; i < h.n_headers; i++)
            if (strlen(h.headers[i].name) == 0)
                __builtin_trap();
        (void)sl_http_header(&h, "server");
    }
    size_t blen;
    (void)sl_http_body(&h, &blen);
    if (blen > lim.max_body)
        __builtin_trap();
    sl_http_free(&h);

    /* the one-shot path with default limits */
    sl_http_parse(&h, data, size, NULL);
    sl_http_free(&h);
    return 0;
}
