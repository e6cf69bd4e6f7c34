/* http_head.c - request line + Host, status line + Server (see http_head.h). */
#include "monitor/http_head.h"

#include <string.h>

#include "util/str.h"

static const char *const methods[] = {"GET ", "POST ", "HEAD ", "PUT ", "OPTIONS ",
                                      "DELETE ", "CONNECT ", "DESCRIBE ", "NOTIFY ",
                                      "M-SEARCH ", "SUBSCRIBE ", "PATCH "};

static void copy_value(char *dst, size_t dstsz, const uint8_t *v, size_t n)
{
    while (n > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
        n--;
    if (n >= dstsz)
        n = dstsz - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = (v[i] >= 0x20 && v[i] < 0x7f) ? (char)v[i] : '.';
    dst[n] = '\0';
}

static bool name_is(const uint8_t *line, size_t n, const char *name)
{
    size_t k = strlen(name);
    if (n <= k || line[k] != ':')
        return false;
    for (size_t i = 0; i < k; i++) {
        uint8_t a = line[i], b = (uint8_t)name[i];
        if (a >= 'A' && a <= 'Z')
            a = (uint8_t)(a - 'A' + 'a');
        if (a != b)
            return false;
    }
    return true;
}

enum sl_http_kind sl_http_head_parse(const uint8_t *data, size_t len, struct sl_http_head *h)
{
    memset(h, 0, sizeof *h);
    if (len > SL_HTTP_HEAD_SCAN)
        len = SL_HTTP_HEAD_SCAN;
    const uint8_t *eol = memchr(data, '\n', len);
    size_t l1 = eol != NULL ? (size_t)(eol - data) : len;
    if (l1 >= 12 && (memcmp(data, "HTTP/1.", 7) == 0 || memcmp(data, "RTSP/1.", 7) == 0) &&
        data[8] == ' ') {
        int st = 0;
        for (size_t i = 9; i < 12; i++) {
            if (data[i] < '0' || data[i] > '9')
                return SL_HTTP_NONE;
            st = st * 10 + (data[i] - '0');
        }
        h->status = st;
        h->kind = data[0] == 'H' ? SL_HTTP_RESPONSE : SL_RTSP_RESPONSE;
    } else {
        for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
            size_t k = strlen(methods[i]);
            if (l1 > k && memcmp(data, methods[i], k) == 0) {
                sl_strncpy_z(h->method, sizeof h->method, methods[i], k - 1);
                const uint8_t *p = data + k, *sp = memchr(p, ' ', l1 - k);
                copy_value(h->path, sizeof h->path, p, sp != NULL ? (size_t)(sp - p) : l1 - k);
                h->kind = SL_HTTP_REQUEST;
                break;
            }
        }
        if (h->kind == SL_HTTP_NONE)
            return SL_HTTP_NONE;
    }
    size_t pos = eol != NULL ? l1 + 1 : len;
    while (pos < len) {
        const uint8_t *line = data + pos, *e = memchr(line, '\n', len - pos);
        size_t n = e != NULL ? (size_t)(e - line) : len - pos;
        if (n == 0 || (n == 1 && line[0] == '\r'))
            break; /* end of the head */
        if (h->kind == SL_HTTP_REQUEST && name_is(line, n, "host")) {
            copy_value(h->host, sizeof h->host, line + 5, n - 5);
            for (char *c = h->host; *c; c++) {
                if (*c >= 'A' && *c <= 'Z')
                    *c = (char)(*c - 'A' + 'a');
            }
            /* "[v6]:port" keeps the brackets' inside; "name:port" loses the port */
            char *colon = strrchr(h->host, ':');
            if (colon != NULL && strchr(h->host, ']') == NULL && strchr(h->host, ':') == colon)
                *colon = '\0';
        } else if (h->kind != SL_HTTP_REQUEST && name_is(line, n, "server")) {
            copy_value(h->server, sizeof h->server, line + 7, n - 7);
        }
        if (e == NULL)
            break;
        pos += n + 1;
    }
    return h->kind;
}
