/* dhcp.c - BOOTP header and the client-describing options (see dhcp.h). */
#include "monitor/dhcp.h"

#include <stdio.h>
#include <string.h>

static void text(char *dst, size_t dstsz, const uint8_t *v, size_t n)
{
    while (n > 0 && v[n - 1] == '\0') /* some clients count a trailing NUL */
        n--;
    if (n >= dstsz)
        n = dstsz - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = (v[i] >= 0x20 && v[i] < 0x7f) ? (char)v[i] : '.';
    dst[n] = '\0';
}

int sl_dhcp_parse(const uint8_t *d, size_t len, struct sl_dhcp *out, const char **error)
{
    memset(out, 0, sizeof *out);
    if (len < 240) {
        *error = "dhcp.truncated";
        return -1;
    }
    if (d[236] != 99 || d[237] != 130 || d[238] != 83 || d[239] != 99) {
        *error = "dhcp.bad_cookie";
        return -1;
    }
    out->op = d[0];
    if (d[1] == 1 && d[2] == 6) {
        out->has_chaddr = true;
        memcpy(out->chaddr, d + 28, 6);
    }
    memcpy(out->ciaddr, d + 12, 4);
    memcpy(out->yiaddr, d + 16, 4);
    size_t pos = 240;
    for (int n = 0; n < 255 && pos < len; n++) {
        uint8_t code = d[pos];
        if (code == 0) {
            pos++;
            continue;
        }
        if (code == 255)
            return 0;
        if (pos + 2 > len || pos + 2 + d[pos + 1] > len) {
            *error = "dhcp.bad_option";
            return -1;
        }
        size_t olen = d[pos + 1];
        const uint8_t *v = d + pos + 2;
        switch (code) {
        case 53:
            if (olen >= 1)
                out->msg_type = v[0];
            break;
        case 50:
            if (olen == 4) {
                out->has_requested = true;
                memcpy(out->requested, v, 4);
            }
            break;
        case 12: text(out->hostname, sizeof out->hostname, v, olen); break;
        case 60: text(out->vendor_class, sizeof out->vendor_class, v, olen); break;
        default: break;
        }
        pos += 2 + olen;
    }
    return 0;
}

size_t sl_dhcp_evidence_text(const struct sl_dhcp *d, char *out, size_t outsz)
{
    int w = snprintf(out, outsz, "%s%s%s%s%s", d->hostname[0] ? "hostname=" : "", d->hostname,
                     d->hostname[0] && d->vendor_class[0] ? "\n" : "",
                     d->vendor_class[0] ? "vendor_class=" : "", d->vendor_class);
    if (w < 0)
        return 0;
    return (size_t)w < outsz ? (size_t)w : outsz - 1;
}
