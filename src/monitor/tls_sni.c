/* tls_sni.c - ClientHello server_name extension, bounded (see tls_sni.h). */
#include "monitor/tls_sni.h"

#include "monitor/rd.h"

bool sl_tls_is_handshake(const uint8_t *d, size_t len)
{
    return len >= 3 && d[0] == 0x16 && d[1] == 0x03 && d[2] <= 0x04;
}

static int bad(const char **error, const char *key)
{
    *error = key;
    return -1;
}

int sl_tls_sni(const uint8_t *data, size_t len, char out[SL_SNI_MAX], const char **error)
{
    out[0] = '\0';
    if (!sl_tls_is_handshake(data, len))
        return bad(error, "tls.not_handshake");
    struct sl_rd r;
    sl_rd_init(&r, data, len);
    uint16_t reclen;
    sl_rd_skip(&r, 3);
    if (!sl_rd_get16(&r, &reclen))
        return bad(error, "tls.truncated");
    /* Read only within the record, and only what was captured of it. */
    if (reclen < sl_rd_left(&r))
        r.len = r.off + reclen;
    uint8_t hstype;
    if (!sl_rd_get8(&r, &hstype))
        return bad(error, "tls.truncated");
    if (hstype != 1)
        return bad(error, "tls.not_client_hello");
    /* handshake length (3), client version (2), random (32) */
    if (!sl_rd_skip(&r, 3 + 2 + 32))
        return bad(error, "tls.truncated");
    uint8_t sid_len;
    uint16_t cs_len;
    if (!sl_rd_get8(&r, &sid_len) || sid_len > 32 || !sl_rd_skip(&r, sid_len))
        return bad(error, "tls.bad_session_id");
    if (!sl_rd_get16(&r, &cs_len) || !sl_rd_skip(&r, cs_len))
        return bad(error, "tls.truncated");
    uint8_t comp_len;
    if (!sl_rd_get8(&r, &comp_len) || !sl_rd_skip(&r, comp_len))
        return bad(error, "tls.truncated");
    uint16_t ext_total;
    if (!sl_rd_get16(&r, &ext_total))
        return 0; /* no extensions at all: legal, no SNI */
    if (ext_total < sl_rd_left(&r))
        r.len = r.off + ext_total;
    for (int n = 0; n < 256; n++) {
        uint16_t type, elen;
        if (!sl_rd_get16(&r, &type) || !sl_rd_get16(&r, &elen))
            return sl_rd_left(&r) == 0 ? 0 : bad(error, "tls.truncated");
        if (elen > sl_rd_left(&r))
            return bad(error, "tls.truncated");
        if (type != 0) {
            sl_rd_skip(&r, elen);
            continue;
        }
        struct sl_rd e;
        sl_rd_init(&e, sl_rd_ptr(&r), elen);
        uint16_t list_len, name_len;
        uint8_t name_type;
        if (!sl_rd_get16(&e, &list_len) || !sl_rd_get8(&e, &name_type) ||
            !sl_rd_get16(&e, &name_len) || name_len > sl_rd_left(&e))
            return bad(error, "tls.bad_sni");
        if (name_type != 0 || name_len == 0 || name_len >= SL_SNI_MAX)
            return bad(error, "tls.bad_sni");
        const uint8_t *nm = sl_rd_ptr(&e);
        for (size_t i = 0; i < name_len; i++) {
            uint8_t ch = nm[i];
            if (ch >= 'A' && ch <= 'Z')
                ch = (uint8_t)(ch - 'A' + 'a');
            else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                       ch == '_' || ch == '.'))
                ch = '?';
            out[i] = (char)ch;
        }
        out[name_len] = '\0';
        /* a trailing dot is not part of the name */
        if (name_len > 1 && out[name_len - 1] == '.')
            out[name_len - 1] = '\0';
        return 1;
    }
    return 0;
}
