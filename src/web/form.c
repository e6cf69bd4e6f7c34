/* form.c - urlencoded form decoding (the dashboard's POST bodies); no
 * multipart, no nesting, no repeated-field arrays. */
#include "web/form.h"

#include <stdlib.h>
#include <string.h>

#include "util/str.h"

/* Decodes src[0..n) into dst (which has room for n + 1): 0, or -1. */
static int decode(char *dst, const char *src, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = src[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (i + 2 >= n)
                return -1;
            int hi = sl_hex_digit((unsigned char)src[i + 1]);
            int lo = sl_hex_digit((unsigned char)src[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0')
            return -1;
        dst[o++] = c;
    }
    dst[o] = '\0';
    return 0;
}

int sl_form_parse(struct sl_form *f, const char *text, size_t len)
{
    memset(f, 0, sizeof *f);
    /* Each field takes its text plus two NULs; "a&a&..." needs 3 bytes per 2. */
    f->text = malloc(2 * len + 2);
    if (f->text == NULL)
        return -1;
    char *out = f->text;
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && text[end] != '&')
            end++;
        if (end > i) {
            if (f->n == SL_FORM_FIELDS)
                goto bad;
            const char *eq = memchr(text + i, '=', end - i);
            size_t nlen = eq != NULL ? (size_t)(eq - (text + i)) : end - i;
            if (decode(out, text + i, nlen) != 0)
                goto bad;
            f->name[f->n] = out;
            out += strlen(out) + 1;
            size_t vlen = eq != NULL ? end - i - nlen - 1 : 0;
            if (decode(out, eq != NULL ? eq + 1 : "", vlen) != 0)
                goto bad;
            f->value[f->n++] = out;
            out += strlen(out) + 1;
        }
        i = end + 1;
    }
    return 0;
bad:
    sl_form_free(f);
    return -1;
}

const char *sl_form_get(const struct sl_form *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->name[i], name) == 0)
            return f->value[i];
    return NULL;
}

void sl_form_free(struct sl_form *f)
{
    free(f->text);
    memset(f, 0, sizeof *f);
}
