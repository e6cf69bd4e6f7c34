/* html.c - a page's <title> and the favicon hashes (MD5, Shodan's mmh3) of
 * html.h, bounded. Renders nothing and follows no link. */
#include "proto/html.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

#define TITLE_SCAN_MAX (64u * 1024u)

static void decode_entities(char *s)
{
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'},
                {"&#39;", '\''}, {"&apos;", '\''}, {"&nbsp;", ' '}};
    char *w = s;
    for (char *r = s; *r;) {
        bool done = false;
        if (*r == '&') {
            for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
                size_t l = strlen(ents[i].ent);
                if (strncasecmp(r, ents[i].ent, l) == 0) {
                    *w++ = ents[i].c;
                    r += l;
                    done = true;
                    break;
                }
            }
        }
        if (!done)
            *w++ = *r++;
    }
    *w = '\0';
}

bool sl_html_title(const char *page, size_t len, char *out, size_t outsz)
{
    if (outsz == 0)
        return false;
    out[0] = '\0';
    size_t n = len < TITLE_SCAN_MAX ? len : TITLE_SCAN_MAX;
    const char *p = page, *end = page + n;
    while (p < end) {
        const char *t = sl_memcasemem(p, (size_t)(end - p), "<title");
        if (t == NULL)
            return false;
        const char *q = t + 6;
        if (q < end && (*q == '>' || *q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')) {
            const char *gt = memchr(q, '>', (size_t)(end - q));
            if (gt == NULL)
                return false;
            const char *start = gt + 1;
            const char *stop = sl_memcasemem(start, (size_t)(end - start), "</title");
            if (stop == NULL)
                stop = end;
            /* collapse white space while copying */
            size_t w = 0;
            bool space = false;
            for (const char *c = start; c < stop && w + 1 < outsz && w < SL_HTML_MAX_TITLE; c++) {
                unsigned char ch = (unsigned char)*c;
                if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
                    space = w > 0;
                    continue;
                }
                if (ch < 32 || ch == 127)
                    continue;
                if (space && w + 2 < outsz)
                    out[w++] = ' ';
                space = false;
                out[w++] = (char)ch;
            }
            out[w] = '\0';
            decode_entities(out);
            return true;
        }
        p = t + 6;
    }
    return false;
}

void sl_md5_hex(const void *data, size_t len, char out[33])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_Digest(data, len, md, &mdlen, EVP_md5(), NULL) != 1 || mdlen != 16) {
        out[0] = '\0';
        return;
    }
    for (unsigned i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static uint32_t rotl32(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

uint32_t sl_mmh3_32(const void *data, size_t len, uint32_t seed)
{
    const uint8_t *p = data;
    size_t nblocks = len / 4;
    uint32_t h1 = seed;
    const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
    for (size_t i = 0; i < nblocks; i++) {
        uint32_t k1 = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
                      (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
        k1 *= c1;
        k1 = rotl32(k1, 15);
        k1 *= c2;
        h1 ^= k1;
        h1 = rotl32(h1, 13);
        h1 = h1 * 5 + 0xe6546b64;
    }
    const uint8_t *tail = p + nblocks * 4;
    uint32_t k1 = 0;
    switch (len & 3) {
    case 3: k1 ^= (uint32_t)tail[2] << 16; __attribute__((fallthrough));
    case 2: k1 ^= (uint32_t)tail[1] << 8; __attribute__((fallthrough));
    case 1:
        k1 ^= tail[0];
        k1 *= c1;
        k1 = rotl32(k1, 15);
        k1 *= c2;
        h1 ^= k1;
        break;
    default: break;
    }
    h1 ^= (uint32_t)len;
    h1 ^= h1 >> 16;
    h1 *= 0x85ebca6b;
    h1 ^= h1 >> 13;
    h1 *= 0xc2b2ae35;
    h1 ^= h1 >> 16;
    return h1;
}

int32_t sl_favicon_mmh3(const void *data, size_t len)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const uint8_t *p = data;
    size_t enc = 4 * ((len + 2) / 3);
    size_t total = enc + enc / 76 + 2;
    char *out = malloc(total);
    if (out == NULL)
        return 0;
    size_t w = 0, col = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        size_t rem = len - i;
        if (rem > 1)
            v |= (uint32_t)p[i + 1] << 8;
        if (rem > 2)
            v |= p[i + 2];
        char q[4] = {b64[(v >> 18) & 63], b64[(v >> 12) & 63], rem > 1 ? b64[(v >> 6) & 63] : '=',
                     rem > 2 ? b64[v & 63] : '='};
        for (int k = 0; k < 4; k++) {
            out[w++] = q[k];
            if (++col == 76) {
                out[w++] = '\n';
                col = 0;
            }
        }
    }
    if (col != 0)
        out[w++] = '\n';
    uint32_t h = sl_mmh3_32(out, w, 0);
    free(out);
    int32_t s;
    memcpy(&s, &h, sizeof s);
    return s;
}
