/* dns.c - question and answers of a DNS message, bounded (see dns.h). */
#include "monitor/dns.h"

#include <string.h>


/* Reads a possibly compressed name starting at *off; on success *off is past
 * the name's bytes in place (not past pointer targets). */
static int read_name(const uint8_t *msg, size_t len, size_t *off, char *out)
{
    size_t pos = *off, end_in_place = 0, n = 0;
    int jumps = 0, labels = 0;
    bool jumped = false;
    out[0] = '\0';
    for (;;) {
        if (pos >= len)
            return -1;
        uint8_t l = msg[pos];
        if ((l & 0xc0) == 0xc0) {
            if (pos + 1 >= len)
                return -1;
            size_t target = ((size_t)(l & 0x3f) << 8) | msg[pos + 1];
            if (!jumped)
                end_in_place = pos + 2;
            /* Only backwards: forbids loops, and real encoders never point forwards. */
            if (target >= pos || ++jumps > 32)
                return -1;
            jumped = true;
            pos = target;
            continue;
        }
        if ((l & 0xc0) != 0)
            return -1; /* 0x40/0x80: extended label types, obsolete */
        if (l == 0) {
            pos++;
            break;
        }
        if (++labels > 127 || pos + 1 + l > len || n + l + 1 >= SL_DNS_NAME_MAX)
            return -1;
        if (n > 0)
            out[n++] = '.';
        for (size_t i = 0; i < l; i++) {
            uint8_t ch = msg[pos + 1 + i];
            if (ch >= 'A' && ch <= 'Z')
                ch = (uint8_t)(ch - 'A' + 'a');
            else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                       ch == '_'))
                ch = '?';
            out[n++] = (char)ch;
        }
        out[n] = '\0';
        pos += 1 + (size_t)l;
    }
    *off = jumped ? end_in_place : pos;
    return 0;
}

int sl_dns_parse(const uint8_t *msg, size_t len, struct sl_dns *d, const char **error)
{
    d->n_answers = 0;
    d->qname[0] = '\0';
    d->qtype = 0;
    if (len < 12) {
        *error = "dns.truncated";
        return -1;
    }
    d->id = (uint16_t)(msg[0] << 8 | msg[1]);
    d->response = (msg[2] & 0x80) != 0;
    d->rcode = msg[3] & 0x0f;
    unsigned qd = (unsigned)(msg[4] << 8 | msg[5]);
    unsigned an = (unsigned)(msg[6] << 8 | msg[7]);
    if (qd == 0) {
        *error = "dns.no_question";
        return -1;
    }
    size_t off = 12;
    if (read_name(msg, len, &off, d->qname) != 0) {
        *error = "dns.bad_name";
        return -1;
    }
    if (off + 4 > len) {
        *error = "dns.truncated";
        return -1;
    }
    d->qtype = (uint16_t)(msg[off] << 8 | msg[off + 1]);
    off += 4;
    /* Further questions (rare): skip them. */
    char scratch[SL_DNS_NAME_MAX];
    for (unsigned i = 1; i < qd && i < 16; i++) {
        if (read_name(msg, len, &off, scratch) != 0 || off + 4 > len)
            return 0;
        off += 4;
    }
    for (unsigned i = 0; i < an && d->n_answers < SL_DNS_MAX_ANSWERS; i++) {
        if (read_name(msg, len, &off, scratch) != 0 || off + 10 > len)
            break;
        uint16_t type = (uint16_t)(msg[off] << 8 | msg[off + 1]);
        size_t rdlen = (size_t)(msg[off + 8] << 8 | msg[off + 9]);
        off += 10;
        if (off + rdlen > len)
            break;
        struct sl_dns_answer *a = &d->answers[d->n_answers];
        a->cname[0] = '\0';
        if (type == 1 && rdlen == 4) {
            memcpy(a->addr, msg + off, 4);
        } else if (type == 28 && rdlen == 16) {
            memcpy(a->addr, msg + off, 16);
        } else if (type == 5) {
            size_t coff = off;
            if (read_name(msg, off + rdlen, &coff, a->cname) != 0) {
                off += rdlen;
                continue;
            }
        } else {
            off += rdlen;
            continue;
        }
        a->type = type;
        d->n_answers++;
        off += rdlen;
    }
    return 0;
}
