/* mac.c - MAC addresses parsed in the forms devices and tools write, to one
 * lower-case form (mac.h). Knows no vendor (ident/oui.c does). */
#include "proto/mac.h"

#include <stdio.h>

#include "util/str.h"

int sl_mac_parse(const char *s, size_t len, char out[18], uint64_t *value)
{
    if (s == NULL)
        return -1;
    size_t a = 0, b = len;
    while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n'))
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r' || s[b - 1] == '\n'))
        b--;
    size_t n = b - a;
    const char *p = s + a;
    int nib[12];
    int k = 0;
    if (n == 17 && (p[2] == ':' || p[2] == '-')) {
        char sep = p[2];
        for (size_t i = 0; i < 17; i++) {
            if (i % 3 == 2) {
                if (p[i] != sep)
                    return -1;
                continue;
            }
            if ((nib[k++] = sl_hex_digit((unsigned char)p[i])) < 0)
                return -1;
        }
    } else if (n == 14 && p[4] == '.' && p[9] == '.') {
        for (size_t i = 0; i < 14; i++) {
            if (i == 4 || i == 9)
                continue;
            if ((nib[k++] = sl_hex_digit((unsigned char)p[i])) < 0)
                return -1;
        }
    } else if (n == 12) {
        for (size_t i = 0; i < 12; i++)
            if ((nib[k++] = sl_hex_digit((unsigned char)p[i])) < 0)
                return -1;
    } else {
        return -1;
    }
    uint64_t v = 0;
    for (int i = 0; i < 12; i++)
        v = (v << 4) | (uint64_t)nib[i];
    if (value != NULL)
        *value = v;
    if (out != NULL)
        snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", (unsigned)(v >> 40) & 0xff,
                 (unsigned)(v >> 32) & 0xff, (unsigned)(v >> 24) & 0xff,
                 (unsigned)(v >> 16) & 0xff, (unsigned)(v >> 8) & 0xff, (unsigned)v & 0xff);
    return 0;
}

void sl_mac_format(const uint8_t m[6], char out[18])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 6; i++) {
        out[i * 3] = hex[m[i] >> 4];
        out[i * 3 + 1] = hex[m[i] & 15];
        out[i * 3 + 2] = i == 5 ? '\0' : ':';
    }
}
