/* payload.c - counter and checksum search and evaluation (payload.h). */
#include "can/payload.h"

#include <string.h>

static uint8_t crc_tab[3][256];
static bool crc_ready;
static const uint8_t POLY[3] = {0x1D, 0x2F, 0x07};

static void crc_init(void)
{
    for (int t = 0; t < 3; t++)
        for (int i = 0; i < 256; i++) {
            uint8_t c = (uint8_t)i;
            for (int b = 0; b < 8; b++)
                c = (uint8_t)((c & 0x80) ? (c << 1) ^ POLY[t] : c << 1);
            crc_tab[t][i] = c;
        }
    crc_ready = true;
}

static const char *const CS_NAMES[] = {"none", "sum8", "negsum8", "xor8", "crc8-1d", "crc8-2f", "crc8-07"};

const char *sl_can_cs_name(uint8_t kind)
{
    return kind < sizeof CS_NAMES / sizeof CS_NAMES[0] ? CS_NAMES[kind] : "?";
}

int sl_can_cs_parse(const char *name, uint8_t *kind)
{
    for (uint8_t i = 1; i < sizeof CS_NAMES / sizeof CS_NAMES[0]; i++)
        if (strcmp(name, CS_NAMES[i]) == 0) {
            *kind = i;
            return 0;
        }
    return -1;
}

/* f(others) before the constant is applied. */
static uint8_t raw(uint8_t kind, uint8_t init, const uint8_t *d, unsigned len, unsigned skip)
{
    uint8_t v = 0;
    switch (kind) {
    case SL_CAN_CS_SUM:
    case SL_CAN_CS_NEGSUM:
        for (unsigned i = 0; i < len; i++)
            if (i != skip)
                v = (uint8_t)(v + d[i]);
        return v;
    case SL_CAN_CS_XOR:
        for (unsigned i = 0; i < len; i++)
            if (i != skip)
                v ^= d[i];
        return v;
    default: {
        if (!crc_ready)
            crc_init();
        const uint8_t *tab = crc_tab[kind - SL_CAN_CS_CRC8_1D];
        v = init;
        for (unsigned i = 0; i < len; i++)
            if (i != skip)
                v = tab[v ^ d[i]];
        return v;
    }
    }
}

static uint8_t apply(uint8_t kind, uint8_t r, uint8_t k)
{
    if (kind == SL_CAN_CS_SUM)
        return (uint8_t)(r + k);
    if (kind == SL_CAN_CS_NEGSUM)
        return (uint8_t)(k - r);
    return r ^ k;
}

/* The constant that makes byte b right for raw value r. */
static uint8_t solve(uint8_t kind, uint8_t r, uint8_t b)
{
    if (kind == SL_CAN_CS_SUM)
        return (uint8_t)(b - r);
    if (kind == SL_CAN_CS_NEGSUM)
        return (uint8_t)(b + r);
    return b ^ r;
}

uint8_t sl_can_cs_expected(const struct sl_can_checksum *c, const uint8_t *data, unsigned len)
{
    return apply(c->kind, raw(c->kind, c->init, data, len, c->byte), c->k);
}

static bool fits(uint8_t kind, uint8_t init, unsigned pos, const uint8_t *data, unsigned n,
                 unsigned len, uint8_t *k)
{
    *k = solve(kind, raw(kind, init, data, len, pos), data[pos]);
    for (unsigned f = 1; f < n; f++) {
        const uint8_t *d = data + (size_t)f * len;
        if (apply(kind, raw(kind, init, d, len, pos), *k) != d[pos])
            return false;
    }
    return true;
}

/* For a sum or XOR every byte of the frame is "the checksum of the others";
 * the byte with the most distinct values (a checksum looks random) is taken,
 * the later one on a tie. */
bool sl_can_cs_search(const uint8_t *data, unsigned n, unsigned len, struct sl_can_checksum *out)
{
    if (n < 16 || len < 3)
        return false;
    bool found = false;
    unsigned best = 0;
    for (unsigned pos = 0; pos < len; pos++) {
        uint8_t seen[32] = {0};
        unsigned distinct = 0;
        for (unsigned f = 0; f < n; f++) {
            uint8_t b = data[(size_t)f * len + pos];
            if (!(seen[b >> 3] & (1u << (b & 7)))) {
                seen[b >> 3] |= (uint8_t)(1u << (b & 7));
                distinct++;
            }
        }
        if (distinct < 8 || (found && distinct < best))
            continue; /* a constant byte is nobody's checksum */
        uint8_t k;
        bool hit = false;
        for (uint8_t kind = SL_CAN_CS_SUM; kind <= SL_CAN_CS_XOR && !hit; kind++)
            if (fits(kind, 0, pos, data, n, len, &k)) {
                *out = (struct sl_can_checksum){kind, (uint8_t)pos, (uint8_t)len, 0, k};
                hit = true;
            }
        for (uint8_t kind = SL_CAN_CS_CRC8_1D; kind <= SL_CAN_CS_CRC8_07 && !hit; kind++)
            for (unsigned init = 0; init < 256 && !hit; init++)
                if (fits(kind, (uint8_t)init, pos, data, n < 24 ? n : 24, len, &k) &&
                    fits(kind, (uint8_t)init, pos, data, n, len, &k)) {
                    *out = (struct sl_can_checksum){kind, (uint8_t)pos, (uint8_t)len, (uint8_t)init, k};
                    hit = true;
                }
        if (hit) {
            found = true;
            best = distinct;
        }
    }
    return found;
}

struct cand {
    struct sl_can_counter c;
    unsigned distinct;
};

/* Does the field step by a constant modulo (its largest value + 1)? */
static bool counter_fits(struct sl_can_counter *c, const uint64_t *be, const uint64_t *le,
                         unsigned n, unsigned *distinct)
{
    uint32_t maxv = 0;
    uint8_t seen[32] = {0};
    *distinct = 0;
    for (unsigned i = 0; i < n; i++) {
        uint32_t v = sl_can_counter_get(c, be[i], le[i]);
        if (v > maxv)
            maxv = v;
        if (!(seen[v >> 3] & (1u << (v & 7)))) {
            seen[v >> 3] |= (uint8_t)(1u << (v & 7));
            (*distinct)++;
        }
    }
    uint32_t mod = maxv + 1;
    if (mod < 4 || *distinct < mod * 3 / 4)
        return false;
    uint32_t step = (sl_can_counter_get(c, be[1], le[1]) + mod - sl_can_counter_get(c, be[0], le[0])) % mod;
    if (step == 0)
        return false;
    unsigned bad = 0;
    for (unsigned i = 1; i < n; i++) {
        uint32_t a = sl_can_counter_get(c, be[i - 1], le[i - 1]);
        uint32_t b = sl_can_counter_get(c, be[i], le[i]);
        if ((a + step) % mod != b && ++bad > n / 100)
            return false;
    }
    c->modulo = (uint16_t)mod;
    c->step = (uint8_t)step;
    return true;
}

static bool overlaps(const struct sl_can_counter *a, const struct sl_can_counter *b)
{
    if (a->order != b->order)
        return true; /* bit positions differ in meaning: be conservative */
    return a->pos < b->pos + b->bits && b->pos < a->pos + a->bits;
}

unsigned sl_can_counter_search(const uint64_t *be, const uint64_t *le, unsigned n,
                               struct sl_can_counter *out, unsigned max)
{
    if (n < 32)
        return 0;
    struct cand best[8];
    unsigned nb = 0;
    for (uint8_t order = 0; order < 2; order++)
        for (uint8_t bits = 8; bits >= 2; bits--)
            for (uint8_t pos = 0; pos + bits <= 64; pos++) {
                struct sl_can_counter c = {order, pos, bits, 0, 0};
                unsigned d;
                if (!counter_fits(&c, be, le, n, &d))
                    continue;
                /* keep the field with the most values; among equals the
                 * narrowest (a wider window only adds constant zero bits) */
                bool skip = false;
                for (unsigned i = 0; i < nb && !skip; i++) {
                    if (!overlaps(&best[i].c, &c))
                        continue;
                    if (best[i].distinct > d ||
                        (best[i].distinct == d && best[i].c.bits <= c.bits))
                        skip = true;
                    else
                        best[i] = (struct cand){c, d}, skip = true;
                }
                if (!skip && nb < 8)
                    best[nb++] = (struct cand){c, d};
            }
    unsigned k = 0;
    for (unsigned i = 0; i < nb && k < max; i++)
        out[k++] = best[i].c;
    return k;
}

uint64_t sl_can_counter_mask(const struct sl_can_counter *c)
{
    uint64_t m = 0;
    for (unsigned i = 0; i < c->bits; i++) {
        if (c->order == 0) {
            m |= 1ull << (63 - c->pos - i);
        } else {
            unsigned j = c->pos + i; /* bit j of the little-endian word: byte j/8, bit j%8 */
            m |= 1ull << ((7 - j / 8) * 8 + j % 8);
        }
    }
    return m;
}
