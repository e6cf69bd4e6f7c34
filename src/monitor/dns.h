/* dns.h - the parts of a DNS message the monitor needs: the question name,
 * and the names and addresses in the answer section (RFC 1035).
 *
 * Bounded: names are at most 255 bytes and at most 127 labels; compression
 * pointers may only point backwards and at most 32 are followed per name, so
 * a loop or a chain cannot hold us; at most SL_DNS_MAX_ANSWERS answers are
 * read. Names come out lower-case, dotted, without the final dot, with bytes
 * outside [-_a-z0-9] replaced by '?' so they are safe to print and match.
 *
 * Memory: struct sl_dns is a plain value filled in place; nothing allocated.
 */
#ifndef SL_MONITOR_DNS_H
#define SL_MONITOR_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_DNS_NAME_MAX 256
#define SL_DNS_MAX_ANSWERS 16

struct sl_dns_answer {
    uint16_t type;                 /* 1 A, 28 AAAA, 5 CNAME */
    uint8_t addr[16];              /* A: first 4 bytes; AAAA: 16 */
    char cname[SL_DNS_NAME_MAX];   /* CNAME target ("" otherwise) */
};

struct sl_dns {
    uint16_t id;
    bool response;
    uint8_t rcode;
    uint16_t qtype;
    char qname[SL_DNS_NAME_MAX];   /* first question ("" when none) */
    size_t n_answers;
    struct sl_dns_answer answers[SL_DNS_MAX_ANSWERS];
};

/* Parses msg[0..len). Returns 0 when at least the header and the first
 * question were read, else -1 with *error set to a stable key ("dns.truncated",
 * "dns.bad_name", "dns.no_question"). Answers that cannot be read are not an
 * error: the answers read before them are kept. */
int sl_dns_parse(const uint8_t *msg, size_t len, struct sl_dns *out, const char **error);

#endif
