/* expand.c - ${...} template expansion (see expand.h). */
#include "expand.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/str.h"
#include "world.h"

static int put(struct sl_buf *out, const void *p, size_t n, struct sl_err *err)
{
    if (out->len + n > LAB_EXPAND_MAX || sl_buf_append(out, p, n) != 0)
        return sl_err_set(err, "expansion larger than %u bytes", LAB_EXPAND_MAX);
    return 0;
}

static int put_str(struct sl_buf *out, const char *s, struct sl_err *err)
{
    return put(out, s, strlen(s), err);
}

static int put_wild(struct sl_buf *out, struct sl_err *err)
{
    char w = LAB_WILD;
    return put(out, &w, 1, err);
}

static int put_random(struct sl_buf *out, struct sl_rng *r, const char *alphabet, int64_t n,
                      struct sl_err *err)
{
    size_t k = strlen(alphabet);
    for (int64_t i = 0; i < n; i++) {
        char c = alphabet[sl_rng_below(r, k)];
        if (put(out, &c, 1, err) != 0)
            return -1;
    }
    return 0;
}

static void fmt_uuid(struct sl_rng *r, char out[37])
{
    uint64_t a = sl_rng_next(r), b = sl_rng_next(r);
    /* Version 4, variant 1 */
    snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
             (unsigned)((a >> 16) & 0xffff), (unsigned)(a & 0xfff),
             (unsigned)(0x8000 | ((b >> 48) & 0x3fff)),
             (unsigned long long)(b & 0xffffffffffffULL));
}

static const char *lookup(const struct lab_xctx *x, const char *name)
{
    for (size_t i = x->n_values; i > 0; i--)
        if (x->names[i - 1] && strcmp(x->names[i - 1], name) == 0)
            return x->values[i - 1];
    if (x->dev)
        return lab_device_value(x->dev, name);
    return NULL;
}

/* One ${expr}: expr is NUL-terminated, may contain ':' arguments.
 * Long: one case per template function of docs/lab.md; each case is a few
 * lines and they share the argument parsing at the top. */
static int expand_one(struct sl_buf *out, char *expr, const struct lab_xctx *x,
                      struct sl_err *err)
{
    char *arg = strchr(expr, ':');
    if (arg)
        *arg++ = '\0';
    int64_t n = 0;
    if (strcmp(expr, "digits") == 0 || strcmp(expr, "hex") == 0 || strcmp(expr, "HEX") == 0 ||
        strcmp(expr, "alnum") == 0) {
        if (arg == NULL || sl_parse_i64(arg, 1, 4096, &n) != 0)
            return sl_err_set(err, "${%s:N} needs N in 1..4096", expr);
        if (x->mask && x->dev)
            return put_wild(out, err);
        const char *alpha = expr[0] == 'd' ? "0123456789"
                            : expr[0] == 'h' ? "0123456789abcdef"
                            : expr[0] == 'H' ? "0123456789ABCDEF"
                                             : "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
        return put_random(out, x->rng, alpha, n, err);
    }
    if (strcmp(expr, "pick") == 0) {
        if (arg == NULL || *arg == '\0')
            return sl_err_set(err, "${pick:a|b|...} needs choices");
        size_t k = 1;
        for (const char *s = arg; *s; s++)
            k += *s == '|';
        uint64_t want = sl_rng_below(x->rng, k);
        char *s = arg;
        for (uint64_t i = 0; i < want; i++)
            s = strchr(s, '|') + 1;
        char *e = strchr(s, '|');
        return put(out, s, e ? (size_t)(e - s) : strlen(s), err);
    }
    if (strcmp(expr, "uuid") == 0 || strcmp(expr, "msgid") == 0) {
        if (x->mask && (x->dev || expr[0] == 'm'))
            return put_wild(out, err);
        char u[37];
        fmt_uuid(x->rng, u);
        return put_str(out, u, err);
    }
    if (strcmp(expr, "date") == 0) {
        int64_t y1, y2;
        char *y2s = arg ? strchr(arg, ':') : NULL;
        if (y2s)
            *y2s++ = '\0';
        if (arg == NULL || y2s == NULL || sl_parse_i64(arg, 1990, 2100, &y1) != 0 ||
            sl_parse_i64(y2s, y1, 2100, &y2) != 0)
            return sl_err_set(err, "${date:Y1:Y2} needs two years");
        char d[48];
        snprintf(d, sizeof d, "%04d%02d%02d", (int)(y1 + (int64_t)sl_rng_below(x->rng, (uint64_t)(y2 - y1 + 1))),
                 (int)sl_rng_below(x->rng, 12) + 1, (int)sl_rng_below(x->rng, 28) + 1);
        return put_str(out, d, err);
    }
    if (strcmp(expr, "repeat") == 0) {
        char *text = arg ? strchr(arg, ':') : NULL;
        if (text)
            *text++ = '\0';
        if (arg == NULL || text == NULL || sl_parse_i64(arg, 0, LAB_EXPAND_MAX, &n) != 0)
            return sl_err_set(err, "${repeat:N:TEXT} needs a count and a text");
        size_t tl = strlen(text);
        if (tl * (size_t)n > LAB_EXPAND_MAX)
            return sl_err_set(err, "${repeat} larger than %u bytes", LAB_EXPAND_MAX);
        for (int64_t i = 0; i < n; i++)
            if (put(out, text, tl, err) != 0)
                return -1;
        return 0;
    }
    if (strcmp(expr, "dollar") == 0)
        return put_str(out, "$", err);
    if (strcmp(expr, "http_date") == 0 || strcmp(expr, "iso_date") == 0) {
        if (x->mask)
            return put_wild(out, err);
        char d[64];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(d, sizeof d, expr[0] == 'h' ? "%a, %d %b %Y %H:%M:%S GMT" : "%Y-%m-%dT%H:%M:%SZ",
                 &tm);
        return put_str(out, d, err);
    }
    if (strcmp(expr, "utc") == 0) {
        if (arg == NULL || *arg == '\0')
            return sl_err_set(err, "${utc:FORMAT} needs a strftime format");
        if (x->mask)
            return put_wild(out, err);
        char d[128];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        size_t dn = strftime(d, sizeof d, arg, &tm);
#pragma GCC diagnostic pop
        return put(out, d, dn, err);
    }
    if (strcmp(expr, "nonce") == 0) {
        if (x->mask)
            return put_wild(out, err);
        return put_random(out, x->rng, "0123456789abcdef", 32, err);
    }
    if (strcmp(expr, "content_length") == 0) {
        if (x->mask)
            return put_wild(out, err);
        char d[24];
        snprintf(d, sizeof d, "%zu", x->content_length);
        return put_str(out, d, err);
    }
    if (strcmp(expr, "port") == 0) {
        char d[8];
        snprintf(d, sizeof d, "%u", x->port);
        return put_str(out, d, err);
    }
    if (strcmp(expr, "cseq") == 0)
        return put_str(out, x->cseq ? x->cseq : "0", err);
    if (strcmp(expr, "relates_to") == 0 || strcmp(expr, "req_uuid") == 0) {
        const char *v = expr[0] == 'r' && expr[2] == 'l' ? x->relates_to : x->req_uuid;
        if (v == NULL) {
            if (x->mask)
                return put_wild(out, err);
            char u[37];
            fmt_uuid(x->rng, u);
            return put_str(out, u, err);
        }
        return put_str(out, v, err);
    }
    if (arg)
        return sl_err_set(err, "unknown function ${%s:...}", expr);
    const char *v = lookup(x, expr);
    if (v == NULL)
        return sl_err_set(err, "unknown name ${%s}", expr);
    return put_str(out, v, err);
}

int lab_expand(struct sl_buf *out, const char *tmpl, size_t len, const struct lab_xctx *x,
               struct sl_err *err)
{
    size_t i = 0;
    while (i < len) {
        const char *d = memchr(tmpl + i, '$', len - i);
        if (d == NULL) {
            return put(out, tmpl + i, len - i, err);
        }
        size_t at = (size_t)(d - tmpl);
        if (put(out, tmpl + i, at - i, err) != 0)
            return -1;
        if (at + 1 < len && tmpl[at + 1] == '{') {
            const char *e = memchr(tmpl + at + 2, '}', len - at - 2);
            if (e == NULL)
                return sl_err_set(err, "unterminated ${");
            size_t elen = (size_t)(e - (tmpl + at + 2));
            char expr[512];
            if (elen >= sizeof expr)
                return sl_err_set(err, "${...} longer than %zu bytes", sizeof expr - 1);
            memcpy(expr, tmpl + at + 2, elen);
            expr[elen] = '\0';
            if (expand_one(out, expr, x, err) != 0)
                return -1;
            i = (size_t)(e - tmpl) + 1;
        } else {
            if (put(out, "$", 1, err) != 0)
                return -1;
            i = at + 1;
        }
    }
    return 0;
}

static bool value_char(unsigned char c)
{
    return c != '\r' && c != '\n' && c != '"' && c != '<' && c != '>' && c != '&' && c >= 0x20 &&
           c < 0x7f;
}

bool lab_wild_match(const char *p, size_t plen, const char *t, size_t tlen)
{
    /* Iterative matching with backtracking to the last wildcard; a wildcard
     * takes one or more value characters. */
    size_t pi = 0, ti = 0, star_p = (size_t)-1, star_t = 0;
    while (ti < tlen) {
        if (pi < plen && p[pi] == LAB_WILD && value_char((unsigned char)t[ti])) {
            star_p = pi;
            star_t = ti + 1;
            pi++;
            ti++;
        } else if (pi < plen && p[pi] != LAB_WILD && p[pi] == t[ti]) {
            pi++;
            ti++;
        } else if (star_p != (size_t)-1 && star_t < tlen && value_char((unsigned char)t[star_t])) {
            pi = star_p + 1;
            ti = ++star_t;
        } else {
            return false;
        }
    }
    return pi == plen;
}
