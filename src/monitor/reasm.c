/* reasm.c - bounded IPv4 reassembly (see reasm.h). */
#include "monitor/reasm.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAXLEN 65535u
#define UNITS ((MAXLEN + 7) / 8)

struct slot {
    bool used;
    uint8_t src[16], dst[16];
    uint16_t id;
    uint8_t proto;
    int64_t started;
    uint32_t total;        /* the datagram's length once its last fragment came, else 0 */
    uint32_t have;         /* 8-byte units received */
    uint8_t *buf;          /* MAXLEN bytes */
    uint8_t map[(UNITS + 7) / 8];
};

struct sl_reasm {
    struct slot s[SL_REASM_SLOTS];
    uint64_t dropped;
};

struct sl_reasm *sl_reasm_new(void)
{
    return calloc(1, sizeof(struct sl_reasm));
}

void sl_reasm_free(struct sl_reasm *r)
{
    if (r == NULL)
        return;
    for (int i = 0; i < SL_REASM_SLOTS; i++)
        free(r->s[i].buf);
    free(r);
}

uint64_t sl_reasm_dropped(const struct sl_reasm *r)
{
    return r->dropped;
}

static struct slot *find(struct sl_reasm *r, const struct sl_pkt *p, int64_t now)
{
    struct slot *free_slot = NULL, *oldest = NULL;
    for (int i = 0; i < SL_REASM_SLOTS; i++) {
        struct slot *s = &r->s[i];
        if (s->used && s->id == p->frag_id && s->proto == p->ip_proto &&
            memcmp(s->src, p->src.b, 16) == 0 && memcmp(s->dst, p->dst.b, 16) == 0)
            return s;
        if (s->used && now - s->started > SL_REASM_TIMEOUT) {
            s->used = false; /* timed out: its datagram never completed */
            r->dropped++;
        }
        if (!s->used && free_slot == NULL)
            free_slot = s;
        if (s->used && (oldest == NULL || s->started < oldest->started))
            oldest = s;
    }
    struct slot *s = free_slot;
    if (s == NULL) {
        s = oldest;
        r->dropped++;
    }
    if (s->buf == NULL && (s->buf = malloc(MAXLEN)) == NULL)
        return NULL;
    s->used = true;
    memcpy(s->src, p->src.b, 16);
    memcpy(s->dst, p->dst.b, 16);
    s->id = p->frag_id;
    s->proto = p->ip_proto;
    s->started = now;
    s->total = 0;
    s->have = 0;
    memset(s->map, 0, sizeof s->map);
    return s;
}

int sl_reasm_add(struct sl_reasm *r, const struct sl_pkt *p, int64_t now, const uint8_t **out,
                 size_t *len)
{
    uint32_t off = p->frag_offset, n = (uint32_t)p->ip_payload_len;
    if (off + n > MAXLEN || (p->frag_more && (n == 0 || n % 8 != 0)))
        return -1; /* only the last fragment may end off an 8-byte boundary */
    struct slot *s = find(r, p, now);
    if (s == NULL)
        return -1;
    memcpy(s->buf + off, p->ip_payload, n);
    for (uint32_t u = off / 8; u < (off + n + 7) / 8; u++) {
        if (!(s->map[u / 8] & (1u << (u % 8)))) {
            s->map[u / 8] |= (uint8_t)(1u << (u % 8));
            s->have++;
        }
    }
    if (!p->frag_more)
        s->total = off + n;
    if (s->total == 0 || s->have < (s->total + 7) / 8)
        return 0;
    for (uint32_t u = 0; u < (s->total + 7) / 8; u++) {
        if (!(s->map[u / 8] & (1u << (u % 8))))
            return 0; /* a unit past the end counted, a hole inside: wait */
    }
    s->used = false;
    *out = s->buf;
    *len = s->total;
    return 1;
}
