/* frame.c - identifier text forms and wire-size estimates (frame.h). */
#include "can/frame.h"

#include <stdio.h>
#include <string.h>

#include "util/str.h"

void sl_can_id_str(uint32_t id, bool ext, char out[12])
{
    if (ext)
        snprintf(out, 12, "0x%08X", (unsigned)(id & SL_CAN_EFF_MASK));
    else
        snprintf(out, 12, "0x%03X", (unsigned)(id & SL_CAN_SFF_MASK));
}

int sl_can_id_parse(const char *s, uint32_t *id, bool *ext)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    size_t n = strlen(s);
    if (n == 0 || n > 8)
        return -1;
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = sl_hex_digit((unsigned char)s[i]);
        if (d < 0)
            return -1;
        v = (v << 4) | (uint32_t)d;
    }
    if (v > SL_CAN_EFF_MASK)
        return -1;
    *id = v;
    *ext = n > 3 || v > SL_CAN_SFF_MASK;
    return 0;
}

unsigned sl_can_wire_bits(const struct sl_can_frame *f)
{
    /* Classic: SOF..EOF is 44 + 8n bits (11-bit) or 64 + 8n (29-bit), plus the
     * 3-bit interframe space; stuff bits at most one per 4 after the first,
     * on average about half of that for real payloads. FD's data phase runs
     * faster; it is counted at the arbitration rate, an overestimate. */
    unsigned body = ((f->flags & SL_CAN_F_EXT) ? 64u : 44u) + 8u * f->len;
    if (f->flags & SL_CAN_F_FD)
        body += f->len > 16 ? 26 : 22; /* the longer CRC and the FD control bits */
    return body + 3 + (body - 10) / 8;
}

bool sl_can_fd_len_valid(unsigned len)
{
    return len <= 8 || len == 12 || len == 16 || len == 20 || len == 24 || len == 32 ||
           len == 48 || len == 64;
}
