/* fuzz_json.c - bounded JSON walking (jansson; duplicate keys refused) and DHIP framing. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_leaf(const char *path, const char *value, void *ctx)
{
    size_t *n = ctx;
    if (strlen(path) >= SL_JSON_MAX_PATH)
        __builtin_trap();
    (void)value;
    (*n)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_json_limits lim = {.max_bytes = 64 * 1024, .max_depth = 12, .max_leaves = 512};
    size_t n = 0;
    struct sl_err err;
    sl_json_walk((const char *)data, size, &lim, on_leaf, &n, &err);
    if (n > lim.max_leaves)
        __builtin_trap();
    const uint8_t *body;
    size_t blen;
    if (sl_dhip_unwrap(data, size, &body, &blen, &err) == 0) {
        if (body < data || body + blen > data + size)
            __builtin_trap();
        sl_json_walk((const char *)body, blen, &lim, on_leaf, &n, &err);
    }
    return 0;
}
