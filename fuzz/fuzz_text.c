/* fuzz_text.c - the small text parsers: key=value bodies, MAC addresses,
 * HTML titles and favicon hashes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/html.h"
#include "proto/kv.h"
#include "proto/mac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_pair(const char *k, const char *v, void *ctx)
{
    (void)ctx;
    if (strlen(k) > SL_KV_MAX_KEY || strlen(v) > SL_KV_MAX_VALUE || k[0] == '\0')
        __builtin_trap();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    if (sl_kv_walk(s, size, on_pair, NULL) > SL_KV_MAX_PAIRS)
        __builtin_trap();
    (void)sl_kv_looks_like(s, size);
    char mac[18];
    uint64_t v;
    if (sl_mac_parse(s, size, mac, &v) == 0 && strlen(mac) != 17)
        __builtin_trap();
    char title[SL_HTML_MAX_TITLE + 1];
    if (sl_html_title(s, size, title, sizeof title) && strlen(title) > SL_HTML_MAX_TITLE)
        __builtin_trap();
    char md5[33];
    sl_md5_hex(data, size, md5);
    (void)sl_favicon_mmh3(data, size);
    return 0;
}
