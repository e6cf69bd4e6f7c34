/* cidr.h - IPv4/IPv6 addresses and prefixes (site networks, exclusions).
 *
 * Addresses are kept as 16 bytes (IPv4 mapped into ::ffff:0:0/96) so one
 * comparison works for both families.
 *
 * An IPv4-mapped IPv6 address (::ffff:198.18.0.7, however written, however it
 * arrives: parsed, resolved, from a socket) IS the IPv4 address: every way in
 * here makes it one (v4 true), so a target, an exclusion and a site network
 * name it alike and none can be bypassed by the other spelling. A mapped
 * network ::ffff:198.18.0.0/120 is the IPv4 198.18.0.0/24; an IPv6 network
 * that covers part of the mapped range without being inside it (::/64,
 * ::ffff:0:0/95) is refused. NAT64 (64:ff9b::/96, RFC 6052) and 6to4
 * (2002::/16) addresses stay IPv6: they are other hosts' addresses on the
 * wire (a NAT64 gateway's, a 6to4 relay's). SL_NAT64_WKP is the well-known
 * NAT64 prefix, for the callers that treat it (exclusions, site matching).
 */
#ifndef SL_UTIL_CIDR_H
#define SL_UTIL_CIDR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util/err.h"

#define SL_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */
#define SL_CIDR_STRLEN 50

struct sl_addr {
    uint8_t b[16];
    bool v4;
};

struct sl_cidr {
    struct sl_addr addr; /* network address, host bits zero */
    unsigned prefix;     /* 0..32 for v4, 0..128 for v6 (as written, not mapped) */
};

struct sockaddr;
struct sockaddr_storage;

/* Parses "198.18.0.7" or "2001:db8::1". Returns 0 or -1. */
int sl_addr_parse(const char *s, struct sl_addr *out);
void sl_addr_format(const struct sl_addr *a, char out[SL_ADDR_STRLEN]);

/* The one place an address changes form: from 4 bytes of an IPv4 address or 16
 * of an IPv6 one (network order, as on the wire), from a socket address
 * (AF_INET or AF_INET6: 0; any other family: -1; *port set when port is not
 * NULL), and to a socket address with a port (returns its length). */
static inline void sl_addr_from_v4(const uint8_t b[4], struct sl_addr *out)
{
    memset(out->b, 0, 10);
    out->b[10] = 0xff;
    out->b[11] = 0xff;
    memcpy(out->b + 12, b, 4);
    out->v4 = true;
}

/* True for ::ffff:a.b.c.d (the bytes of an IPv4 address in struct sl_addr). */
static inline bool sl_addr_bytes_mapped(const uint8_t b[16])
{
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(b, prefix, 12) == 0;
}

static inline void sl_addr_from_v6(const uint8_t b[16], struct sl_addr *out)
{
    memcpy(out->b, b, 16);
    out->v4 = sl_addr_bytes_mapped(b);
}

/* 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052 s2.1). */
static inline bool sl_addr_nat64(const struct sl_addr *a)
{
    static const uint8_t wkp[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    return !a->v4 && memcmp(a->b, wkp, 12) == 0;
}

int sl_addr_from_sockaddr(const struct sockaddr *sa, struct sl_addr *out, uint16_t *port);
unsigned sl_addr_to_sockaddr(const struct sl_addr *a, uint16_t port, struct sockaddr_storage *ss);

/* Parses "198.18.0.0/24", "2001:db8::/32", or a bare address (a /32 or /128).
 * Host bits must be zero: "198.18.0.1/24" is refused with a hint. */
int sl_cidr_parse(const char *s, struct sl_cidr *out, struct sl_err *err);
void sl_cidr_format(const struct sl_cidr *c, char out[SL_CIDR_STRLEN]);
bool sl_cidr_contains(const struct sl_cidr *c, const struct sl_addr *a);

#endif
