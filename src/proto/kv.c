/* kv.c - key=value line bodies split into pairs (kv.h), bounded. Knows no keys. */
#include "proto/kv.h"

#include <string.h>

#include "util/str.h"

static bool key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-' || c == '[' || c == ']';
}

size_t sl_kv_walk(const char *data, size_t len, sl_kv_cb cb, void *ctx)
{
    size_t pairs = 0, i = 0;
    char key[SL_KV_MAX_KEY + 1], value[SL_KV_MAX_VALUE + 1];
    while (i < len && pairs < SL_KV_MAX_PAIRS) {
        size_t start = i;
        while (i < len && data[i] != '\n')
            i++;
        size_t end = i;
        if (i < len)
            i++;
        if (end > start && data[end - 1] == '\r')
            end--;
        const char *eq = memchr(data + start, '=', end - start);
        if (eq == NULL || eq == data + start)
            continue;
        sl_strncpy_z(key, sizeof key, data + start, (size_t)(eq - (data + start)));
        sl_strncpy_z(value, sizeof value, eq + 1, (size_t)(data + end - (eq + 1)));
        sl_str_trim(key);
        sl_str_trim(value);
        if (key[0] == '\0')
            continue;
        pairs++;
        if (cb != NULL && cb(key, value, ctx) != 0)
            break;
    }
    return pairs;
}

bool sl_kv_looks_like(const char *data, size_t len)
{
    size_t i = 0;
    for (;;) {
        while (i < len && (data[i] == '\r' || data[i] == '\n' || data[i] == ' '))
            i++;
        if (i >= len || data[i] != '#')
            break;
        while (i < len && data[i] != '\n') /* a comment line */
            i++;
    }
    size_t k = 0;
    while (i < len && key_char(data[i]) && k < SL_KV_MAX_KEY)
        i++, k++;
    return k > 0 && i < len && data[i] == '=';
}
