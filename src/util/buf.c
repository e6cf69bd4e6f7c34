/* buf.c - byte buffers with a hard maximum (buf.h). Never grows past it. */
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sl_buf_init(struct sl_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void sl_buf_free(struct sl_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void sl_buf_reset(struct sl_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

static int reserve(struct sl_buf *b, size_t need)
{
    if (need <= b->cap && b->data != NULL)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap * 2;
    if (cap > b->max)
        cap = b->max;
    uint8_t *p = realloc(b->data, cap + 1);
    if (p == NULL)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int sl_buf_append(struct sl_buf *b, const void *p, size_t n)
{
    if (n > b->max - b->len)
        return -1;
    if (reserve(b, b->len + n) != 0)
        return -1;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

size_t sl_buf_append_upto(struct sl_buf *b, const void *p, size_t n)
{
    size_t room = b->max - b->len;
    size_t take = n < room ? n : room;
    if (take == 0)
        return 0;
    if (sl_buf_append(b, p, take) != 0)
        return 0;
    return take;
}

int sl_buf_append_str(struct sl_buf *b, const char *s)
{
    return sl_buf_append(b, s, strlen(s));
}

int sl_buf_printf(struct sl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    size_t need = (size_t)n;
    if (need > b->max - b->len)
        return -1;
    if (reserve(b, b->len + need) != 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, need + 1, fmt, ap);
    va_end(ap);
    b->len += need;
    return 0;
}

void sl_buf_consume(struct sl_buf *b, size_t n)
{
    if (n >= b->len) {
        sl_buf_reset(b);
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->data[b->len] = '\0';
}

const char *sl_buf_cstr(const struct sl_buf *b)
{
    return b->data != NULL ? (const char *)b->data : "";
}
