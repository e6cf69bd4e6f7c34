/* cidr.c - addresses and prefixes: parse, format, convert, contain. Knows no
 * sockets beyond the conversion of their addresses. */
#include "util/cidr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>

#include "util/str.h"

int sl_addr_parse(const char *s, struct sl_addr *out)
{
    memset(out, 0, sizeof *out);
    uint8_t a4[4];
    if (inet_pton(AF_INET, s, a4) == 1) {
        sl_addr_from_v4(a4, out);
        return 0;
    }
    if (inet_pton(AF_INET6, s, out->b) == 1) {
        out->v4 = sl_addr_bytes_mapped(out->b);
        return 0;
    }
    return -1;
}

void sl_addr_format(const struct sl_addr *a, char out[SL_ADDR_STRLEN])
{
    if (a->v4)
        inet_ntop(AF_INET, a->b + 12, out, SL_ADDR_STRLEN);
    else
        inet_ntop(AF_INET6, a->b, out, SL_ADDR_STRLEN);
}

int sl_addr_from_sockaddr(const struct sockaddr *sa, struct sl_addr *out, uint16_t *port)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;
        sl_addr_from_v4((const uint8_t *)&sin->sin_addr, out);
        if (port != NULL)
            *port = ntohs(sin->sin_port);
        return 0;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        sl_addr_from_v6((const uint8_t *)&s6->sin6_addr, out);
        if (port != NULL)
            *port = ntohs(s6->sin6_port);
        return 0;
    }
    return -1;
}

unsigned sl_addr_to_sockaddr(const struct sl_addr *a, uint16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (a->v4) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        memcpy(&sin->sin_addr, a->b + 12, 4);
        return sizeof *sin;
    }
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(port);
    memcpy(&s6->sin6_addr, a->b, 16);
    return sizeof *s6;
}

static unsigned mapped_prefix(const struct sl_cidr *c)
{
    return c->addr.v4 ? c->prefix + 96 : c->prefix;
}

static bool host_bits_zero(const struct sl_addr *a, unsigned mp)
{
    for (unsigned bit = mp; bit < 128; bit++)
        if (a->b[bit / 8] & (0x80u >> (bit % 8)))
            return false;
    return true;
}

/* True when the IPv6 network a/prefix (prefix <= 96) holds ::ffff:0:0/96. */
static bool covers_mapped(const struct sl_addr *a, unsigned prefix)
{
    struct sl_addr m;
    memset(&m, 0, sizeof m);
    m.b[10] = m.b[11] = 0xff;
    for (unsigned bit = 0; bit < prefix; bit++) {
        uint8_t mask = (uint8_t)(0x80u >> (bit % 8));
        if ((a->b[bit / 8] & mask) != (m.b[bit / 8] & mask))
            return false;
    }
    return true;
}

int sl_cidr_parse(const char *s, struct sl_cidr *out, struct sl_err *err)
{
    char tmp[SL_CIDR_STRLEN + 8];
    if (sl_strlcpy(tmp, s, sizeof tmp) >= sizeof tmp)
        return sl_err_set(err, "'%.60s' is too long for a network", s);
    sl_str_trim(tmp);
    char *slash = strchr(tmp, '/');
    int64_t prefix = -1;
    if (slash != NULL) {
        *slash = '\0';
        if (sl_parse_i64(slash + 1, 0, 128, &prefix) != 0)
            return sl_err_set(err, "'%s' has a bad prefix length", s);
    }
    if (sl_addr_parse(tmp, &out->addr) != 0)
        return sl_err_set(err, "'%s' is not an IPv4 or IPv6 network", s);
    if (out->addr.v4 && strchr(tmp, ':') != NULL && prefix >= 0) {
        /* ::ffff:198.18.0.0/120 is 198.18.0.0/24 */
        if (prefix < 96)
            return sl_err_set(err, "'%s' covers more than the IPv4-mapped range ::ffff:0:0/96; "
                                   "give IPv4 networks as IPv4",
                              s);
        prefix -= 96;
    }
    if (!out->addr.v4 && prefix >= 0 && prefix <= 96 && covers_mapped(&out->addr, (unsigned)prefix))
        return sl_err_set(err, "'%s' covers the IPv4-mapped range ::ffff:0:0/96; give IPv4 "
                               "networks as IPv4",
                          s);
    unsigned maxp = out->addr.v4 ? 32 : 128;
    if (prefix < 0)
        prefix = maxp;
    if ((unsigned)prefix > maxp)
        return sl_err_set(err, "'%s': prefix length above %u", s, maxp);
    out->prefix = (unsigned)prefix;
    if (!host_bits_zero(&out->addr, mapped_prefix(out))) {
        struct sl_cidr fixed = *out;
        unsigned mp = mapped_prefix(out);
        for (unsigned bit = mp; bit < 128; bit++)
            fixed.addr.b[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
        char hint[SL_CIDR_STRLEN];
        sl_cidr_format(&fixed, hint);
        return sl_err_set(err, "'%s' has host bits set (did you mean %s?)", s, hint);
    }
    return 0;
}

void sl_cidr_format(const struct sl_cidr *c, char out[SL_CIDR_STRLEN])
{
    char a[SL_ADDR_STRLEN];
    sl_addr_format(&c->addr, a);
    snprintf(out, SL_CIDR_STRLEN, "%s/%u", a, c->prefix);
}

bool sl_cidr_contains(const struct sl_cidr *c, const struct sl_addr *a)
{
    if (c->addr.v4 != a->v4)
        return false;
    unsigned mp = mapped_prefix(c);
    unsigned full = mp / 8;
    if (memcmp(c->addr.b, a->b, full) != 0)
        return false;
    unsigned rest = mp % 8;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (c->addr.b[full] & mask) == (a->b[full] & mask);
}
