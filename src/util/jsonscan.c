/* jsonscan.c - a large JSON document's top-level object and arrays walked as
 * byte ranges (jsonscan.h); each range is loaded alone by jansson. It checks
 * structure only; it decodes no value but keys. */
#include "util/jsonscan.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum { ST_NONE, ST_FIRST, ST_NEXT, ST_DONE };

#define ST_TOP 0x100 /* the walk is the document's top-level object */

void sl_jscan_init(struct sl_jscan *s, const char *d, size_t len)
{
    s->d = d;
    s->len = len;
    s->pos = 0;
    s->state = ST_NONE;
}

void sl_jscan_at(const struct sl_jscan *from, size_t start, struct sl_jscan *out)
{
    sl_jscan_init(out, from->d, from->len);
    out->pos = start;
}

/* Line and column (from 1) of byte at. */
static void where(const struct sl_jscan *s, size_t at, int *line, int *col)
{
    *line = 1;
    size_t bol = 0;
    for (size_t i = 0; i < at && i < s->len; i++)
        if (s->d[i] == '\n') {
            (*line)++;
            bol = i + 1;
        }
    *col = (int)(at - bol) + 1;
}

__attribute__((format(printf, 4, 5))) static int fail(const struct sl_jscan *s, size_t at,
                                                      struct sl_err *err, const char *fmt, ...)
{
    char what[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    int line, col;
    where(s, at, &line, &col);
    sl_err_setk(err, SL_ERR_INVALID, "line %d, column %d: %s", line, col, what);
    return -1;
}

static void skip_ws(struct sl_jscan *s)
{
    while (s->pos < s->len) {
        char c = s->d[s->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        s->pos++;
    }
}

/* At a '"': past the closing quote (one not escaped: after an even run of
 * backslashes). What is inside is checked when the range is loaded. */
static int skip_string(struct sl_jscan *s, struct sl_err *err)
{
    size_t start = s->pos++;
    for (;;) {
        const char *q = memchr(s->d + s->pos, '"', s->len - s->pos);
        if (q == NULL)
            return fail(s, start, err, "premature end of input in a string");
        size_t at = (size_t)(q - s->d), bs = 0;
        while (at - bs > start + 1 && s->d[at - bs - 1] == '\\')
            bs++;
        s->pos = at + 1;
        if (bs % 2 == 0)
            return 0;
    }
}

/* At an object or array: past its closing bracket (matched by depth; the
 * bracket kinds are checked when the range is loaded). */
static int skip_nested(struct sl_jscan *s, struct sl_err *err)
{
    size_t start = s->pos;
    int depth = 0;
    while (s->pos < s->len) {
        char c = s->d[s->pos];
        if (c == '"') {
            if (skip_string(s, err) != 0)
                return -1;
            continue;
        }
        s->pos++;
        if (c == '{' || c == '[') {
            if (++depth > SL_JSCAN_MAX_DEPTH)
                return fail(s, s->pos - 1, err, "maximum parsing depth reached");
        } else if ((c == '}' || c == ']') && --depth == 0) {
            return 0;
        }
    }
    return fail(s, start, err, "premature end of input");
}

/* One value from pos (after whitespace): its range. */
static int skip_value(struct sl_jscan *s, size_t *start, size_t *end, struct sl_err *err)
{
    skip_ws(s);
    *start = s->pos;
    if (s->pos >= s->len)
        return fail(s, s->pos, err, "premature end of input");
    char c = s->d[s->pos];
    int rc = 0;
    if (c == '"') {
        rc = skip_string(s, err);
    } else if (c == '{' || c == '[') {
        rc = skip_nested(s, err);
    } else {
        while (s->pos < s->len && strchr(",:{}[]\" \t\r\n", s->d[s->pos]) == NULL)
            s->pos++;
        if (s->pos == *start)
            return fail(s, s->pos, err, "'%c': a value was expected", c);
    }
    *end = s->pos;
    return rc;
}

static int enter(struct sl_jscan *s, char open, int flags, struct sl_err *err)
{
    skip_ws(s);
    if (s->pos >= s->len || s->d[s->pos] != open)
        return fail(s, s->pos, err, "'%c' expected", open);
    s->pos++;
    s->state = ST_FIRST | flags;
    return 0;
}

int sl_jscan_object(struct sl_jscan *s, struct sl_err *err)
{
    return enter(s, '{', ST_TOP, err);
}

int sl_jscan_array(struct sl_jscan *s, struct sl_err *err)
{
    return enter(s, '[', 0, err);
}

/* Before the next item: 1 there is one, 0 the walk ended at close, -1. */
static int next_item(struct sl_jscan *s, char close, struct sl_err *err)
{
    int st = s->state & 0xff;
    if (st == ST_DONE || st == ST_NONE)
        return 0;
    skip_ws(s);
    if (s->pos < s->len && s->d[s->pos] == close && st == ST_FIRST) {
        s->pos++;
    } else if (st == ST_NEXT && s->pos < s->len && s->d[s->pos] == ',') {
        s->pos++; /* an item must follow: "[1,]" fails reading it */
        return 1;
    } else if (st == ST_NEXT && s->pos < s->len && s->d[s->pos] == close) {
        s->pos++;
    } else if (st == ST_FIRST) {
        return 1;
    } else {
        return fail(s, s->pos, err, s->pos < s->len ? "',' or '%c' expected"
                                                    : "premature end of input ('%c' expected)",
                    close);
    }
    bool top = (s->state & ST_TOP) != 0;
    s->state = ST_DONE;
    if (top) {
        skip_ws(s);
        if (s->pos < s->len)
            return fail(s, s->pos, err, "end of file expected");
    }
    return 0;
}

int sl_jscan_member(struct sl_jscan *s, char *key, size_t keymax, size_t *start, size_t *end,
                    struct sl_err *err)
{
    int more = next_item(s, '}', err);
    if (more <= 0)
        return more;
    skip_ws(s);
    if (s->pos >= s->len || s->d[s->pos] != '"')
        return fail(s, s->pos, err, "string or '}' expected");
    size_t ks = s->pos;
    if (skip_string(s, err) != 0)
        return -1;
    json_t *k = sl_jscan_load(s, ks, s->pos, err);
    if (k == NULL)
        return -1;
    size_t klen = json_string_length(k);
    bool fits = klen < keymax && memchr(json_string_value(k), '\0', klen) == NULL;
    if (fits)
        memcpy(key, json_string_value(k), klen + 1);
    json_decref(k);
    if (!fits)
        return fail(s, ks, err, "a key longer than %zu bytes", keymax - 1);
    skip_ws(s);
    if (s->pos >= s->len || s->d[s->pos] != ':')
        return fail(s, s->pos, err, "':' expected");
    s->pos++;
    if (skip_value(s, start, end, err) != 0)
        return -1;
    s->state = ST_NEXT | (s->state & ST_TOP);
    return 1;
}

int sl_jscan_element(struct sl_jscan *s, size_t *start, size_t *end, struct sl_err *err)
{
    int more = next_item(s, ']', err);
    if (more <= 0)
        return more;
    if (skip_value(s, start, end, err) != 0)
        return -1;
    s->state = ST_NEXT;
    return 1;
}

json_t *sl_jscan_load(const struct sl_jscan *s, size_t start, size_t end, struct sl_err *err)
{
    json_error_t je;
    json_t *v = json_loadb(s->d + start, end - start, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
                           &je);
    if (v != NULL)
        return v;
    int line, col;
    where(s, start, &line, &col);
    if (je.line > 1)
        sl_err_setk(err, SL_ERR_INVALID, "line %d, column %d: %s", line + je.line - 1,
                    je.column, je.text);
    else
        sl_err_setk(err, SL_ERR_INVALID, "line %d, column %d: %s", line,
                    col + (je.column > 0 ? je.column - 1 : 0), je.text);
    return NULL;
}
