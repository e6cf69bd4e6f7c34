/* http.c - the bounded HTTP/RTSP reader (http.h): the incremental response
 * parser and the one-segment peek, sharing their line rules. Sends nothing. */
#include "proto/http.h"

#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>

#include "util/str.h"

enum state {
    ST_HEAD = 0,
    ST_BODY_FIXED,
    ST_BODY_CLOSE,
    ST_CHUNK_SIZE,
    ST_CHUNK_DATA,
    ST_CHUNK_DATA_END,
    ST_TRAILER,
    ST_DONE,
    ST_ERROR,
};

/* Trailer lines after the last chunk are skipped but still bounded. */
#define MAX_TRAILER_BYTES 4096

void sl_http_init(struct sl_http *h, const struct sl_http_limits *limits)
{
    memset(h, 0, sizeof *h);
    h->max_head = limits != NULL && limits->max_head ? limits->max_head : SL_HTTP_DEFAULT_MAX_HEAD;
    h->max_body = limits != NULL && limits->max_body ? limits->max_body : SL_HTTP_DEFAULT_MAX_BODY;
    sl_buf_init(&h->head, h->max_head);
    sl_buf_init(&h->body, h->max_body);
    h->content_length = -1;
    h->reason = "";
}

void sl_http_free(struct sl_http *h)
{
    sl_buf_free(&h->head);
    sl_buf_free(&h->body);
}

void sl_http_reset(struct sl_http *h)
{
    struct sl_buf head = h->head, body = h->body;
    size_t max_head = h->max_head, max_body = h->max_body;
    memset(h, 0, sizeof *h);
    h->head = head;
    h->body = body;
    sl_buf_reset(&h->head);
    sl_buf_reset(&h->body);
    h->max_head = max_head;
    h->max_body = max_body;
    h->content_length = -1;
    h->reason = "";
}

void sl_http_set_head_request(struct sl_http *h, bool is_head)
{
    h->head_request = is_head;
}

__attribute__((format(printf, 2, 3))) static enum sl_http_result fail(struct sl_http *h,
                                                                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->error, sizeof h->error, fmt, ap);
    va_end(ap);
    h->state = ST_ERROR;
    return SL_HTTP_ERROR;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_tchar(unsigned char c)
{
    if (c <= 32 || c >= 127)
        return false;
    return strchr("()<>@,;:\\\"/[]?={}", c) == NULL;
}

/* ---- lines of a head, shared by the parser and the peek ----------------------------- */

/* A status line "PROTO/M.m SP 3DIGIT [SP reason]" in s[0..n), no line end. */
struct status_line {
    enum sl_http_proto proto;
    int major, minor, status;
    size_t reason_at; /* offset of the reason phrase (n when none) */
};

/* NULL when s is a status line (out filled), else what is wrong with it. */
static const char *read_status_line(const char *s, size_t n, struct status_line *out)
{
    if (n >= 5 && memcmp(s, "HTTP/", 5) == 0)
        out->proto = SL_HTTP_PROTO_HTTP;
    else if (n >= 5 && memcmp(s, "RTSP/", 5) == 0)
        out->proto = SL_HTTP_PROTO_RTSP;
    else
        return "not an HTTP or RTSP status line";
    size_t i = 5;
    if (n < i + 3 || !is_digit(s[i]) || s[i + 1] != '.' || !is_digit(s[i + 2]))
        return "bad protocol version in status line";
    out->major = s[i] - '0';
    out->minor = s[i + 2] - '0';
    i += 3;
    if (i >= n || s[i] != ' ')
        return "bad status line";
    while (i < n && s[i] == ' ')
        i++;
    if (n < i + 3 || !is_digit(s[i]) || !is_digit(s[i + 1]) || !is_digit(s[i + 2]) ||
        (i + 3 < n && is_digit(s[i + 3])))
        return "bad status code";
    out->status = (s[i] - '0') * 100 + (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
    if (out->status < 100)
        return "bad status code";
    i += 3;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    out->reason_at = i;
    return NULL;
}

/* A header line "name: value" in s[0..n): the name must be a token; white
 * space around the value is not part of it. false when it is no header
 * (tolerated by both readers, and ignored). */
static bool read_header_line(const char *s, size_t n, size_t *name_len, size_t *value_at,
                             size_t *value_len)
{
    const char *colon = memchr(s, ':', n);
    if (colon == NULL || colon == s)
        return false;
    size_t ne = (size_t)(colon - s);
    while (ne > 0 && (s[ne - 1] == ' ' || s[ne - 1] == '\t'))
        ne--;
    if (ne == 0)
        return false;
    for (size_t k = 0; k < ne; k++)
        if (!is_tchar((unsigned char)s[k]))
            return false;
    size_t v = (size_t)(colon - s) + 1;
    while (v < n && (s[v] == ' ' || s[v] == '\t'))
        v++;
    size_t e = n;
    while (e > v && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        e--;
    *name_len = ne;
    *value_at = v;
    *value_len = e - v;
    return true;
}

/* Cuts the complete head in h->head into NUL-terminated lines, dropping CR
 * before LF. Returns the number of lines, or -1 (h failed) when too many. */
static int cut_lines(struct sl_http *h, char *lines[SL_HTTP_MAX_HEADERS + 2])
{
    char *p = (char *)h->head.data;
    char *end = p + h->head.len;
    int n_lines = 0;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            nl = end;
        char *line_end = nl;
        if (line_end > p && line_end[-1] == '\r')
            line_end--;
        else if (nl < end)
            h->bare_lf = true;
        *line_end = '\0';
        if (line_end == p) /* the blank line that ends the head */
            break;
        if (*p != ' ' && *p != '\t') { /* obsolete line folding: not used by devices; ignored */
            if (n_lines >= SL_HTTP_MAX_HEADERS + 1) {
                fail(h, "more than %d header lines", SL_HTTP_MAX_HEADERS);
                return -1;
            }
            lines[n_lines++] = p;
        }
        p = nl + 1;
    }
    return n_lines;
}

/* Splits the head (complete, in h->head) into status line and headers. */
static enum sl_http_result parse_head(struct sl_http *h)
{
    char *lines[SL_HTTP_MAX_HEADERS + 2];
    int n_lines = cut_lines(h, lines);
    if (n_lines < 0)
        return SL_HTTP_ERROR;
    if (n_lines == 0)
        return fail(h, "empty response head");
    struct status_line st;
    const char *why = read_status_line(lines[0], strlen(lines[0]), &st);
    if (why != NULL)
        return fail(h, "%s", why);
    h->proto = st.proto;
    h->version_major = st.major;
    h->version_minor = st.minor;
    h->status = st.status;
    h->reason = lines[0] + st.reason_at;
    for (int i = 1; i < n_lines; i++) {
        char *line = lines[i];
        size_t name_len, value_at, value_len;
        if (!read_header_line(line, strlen(line), &name_len, &value_at, &value_len))
            continue;
        if (h->n_headers >= SL_HTTP_MAX_HEADERS)
            return fail(h, "more than %d headers", SL_HTTP_MAX_HEADERS);
        line[name_len] = '\0';
        line[value_at + value_len] = '\0';
        h->headers[h->n_headers].name = line;
        h->headers[h->n_headers].value = line + value_at;
        h->n_headers++;
    }
    h->head_done = true;
    return SL_HTTP_MORE;
}

static bool token_in_list(const char *list, const char *token)
{
    /* case-insensitive search of a comma-separated token ("gzip, chunked") */
    size_t tl = strlen(token);
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *start = p;
        while (*p && *p != ',' && *p != ';')
            p++;
        const char *e = p;
        while (e > start && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if ((size_t)(e - start) == tl && strncasecmp(start, token, tl) == 0)
            return true;
        while (*p && *p != ',')
            p++;
    }
    return false;
}

/* Decides how the body is delimited once the head is known. */
static enum sl_http_result choose_body(struct sl_http *h)
{
    if (h->head_request || (h->status >= 100 && h->status < 200) || h->status == 204 ||
        h->status == 304) {
        h->state = ST_DONE;
        return SL_HTTP_DONE;
    }
    for (size_t i = 0; i < h->n_headers; i++) {
        if (strcasecmp(h->headers[i].name, "Transfer-Encoding") == 0 &&
            token_in_list(h->headers[i].value, "chunked"))
            h->chunked = true;
    }
    if (h->chunked) {
        h->state = ST_CHUNK_SIZE;
        h->line_len = 0;
        return SL_HTTP_MORE;
    }
    for (size_t i = 0; i < h->n_headers; i++) {
        if (strcasecmp(h->headers[i].name, "Content-Length") != 0)
            continue;
        int64_t v;
        if (sl_parse_i64(h->headers[i].value, 0, INT64_C(1) << 50, &v) != 0)
            return fail(h, "bad Content-Length '%.40s'", h->headers[i].value);
        if (h->content_length >= 0 && h->content_length != v)
            return fail(h, "conflicting Content-Length headers");
        h->content_length = v;
    }
    if (h->content_length >= 0) {
        h->remaining = (uint64_t)h->content_length;
        if (h->remaining == 0) {
            h->state = ST_DONE;
            return SL_HTTP_DONE;
        }
        h->state = ST_BODY_FIXED;
        return SL_HTTP_MORE;
    }
    if (h->proto == SL_HTTP_PROTO_RTSP) {
        /* RTSP: no Content-Length means no body */
        h->state = ST_DONE;
        return SL_HTTP_DONE;
    }
    h->until_close = true;
    h->state = ST_BODY_CLOSE;
    return SL_HTTP_MORE;
}

/* Keeps body bytes up to max_body; returns true when the body was cut. */
static bool keep_body(struct sl_http *h, const uint8_t *p, size_t n)
{
    size_t took = sl_buf_append_upto(&h->body, p, n);
    if (took < n) {
        h->truncated = true;
        return true;
    }
    return false;
}

static enum sl_http_result feed_head(struct sl_http *h, const uint8_t *p, size_t n, size_t *used)
{
    size_t i = 0;
    /* Tolerate stray CR/LF before the status line (RFC 9112 §2.2). */
    if (h->head.len == 0)
        while (i < n && (p[i] == '\r' || p[i] == '\n'))
            i++;
    size_t start = i;
    const uint8_t *hd = h->head.data;
    size_t hl = h->head.len;
    /* Track the previous two bytes across feeds to spot LF [CR] LF. */
    uint8_t prev1 = hl >= 1 ? hd[hl - 1] : 0, prev2 = hl >= 2 ? hd[hl - 2] : 0;
    bool end = false;
    for (; i < n; i++) {
        uint8_t c = p[i];
        if (c == 0)
            return fail(h, "NUL byte in response head");
        if (c == '\n' && (prev1 == '\n' || (prev1 == '\r' && prev2 == '\n'))) {
            i++;
            end = true;
            break;
        }
        prev2 = prev1;
        prev1 = c;
    }
    size_t take = i - start;
    if (take > h->max_head - h->head.len)
        return fail(h, "response head larger than %zu bytes", h->max_head);
    if (take > 0 && sl_buf_append(&h->head, p + start, take) != 0)
        return fail(h, "out of memory");
    *used = i;
    if (h->head.len >= 5) {
        const char *d = (const char *)h->head.data;
        if (strncmp(d, "HTTP/", 5) != 0 && strncmp(d, "RTSP/", 5) != 0)
            return fail(h, "not an HTTP or RTSP response");
    } else if (h->head.len > 0) {
        if (strncmp((const char *)h->head.data, "HTTP/", h->head.len) != 0 &&
            strncmp((const char *)h->head.data, "RTSP/", h->head.len) != 0)
            return fail(h, "not an HTTP or RTSP response");
    }
    if (!end)
        return SL_HTTP_MORE;
    enum sl_http_result r = parse_head(h);
    if (r == SL_HTTP_ERROR)
        return r;
    return choose_body(h);
}

static int parse_chunk_size(const char *line, uint64_t *out)
{
    const char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    uint64_t v = 0;
    int digits = 0;
    for (; *p; p++) {
        int d = sl_hex_digit((unsigned char)*p);
        if (d < 0)
            break;
        if (++digits > 15)
            return -1;
        v = v * 16 + (uint64_t)d;
    }
    if (digits == 0)
        return -1;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '\0' && *p != ';')
        return -1;
    *out = v;
    return 0;
}

/* Reads one line (chunk size, CRLF after data, trailer) into h->line.
 * Returns 1 when a line is complete, 0 when more bytes are needed, -1 when too long. */
static int take_line(struct sl_http *h, const uint8_t *p, size_t n, size_t *i)
{
    while (*i < n) {
        uint8_t c = p[(*i)++];
        if (c == '\n') {
            if (h->line_len > 0 && h->line[h->line_len - 1] == '\r')
                h->line_len--;
            h->line[h->line_len] = '\0';
            return 1;
        }
        if (h->line_len + 1 >= sizeof h->line)
            return -1;
        h->line[h->line_len++] = (char)c;
    }
    return 0;
}

/* Body bytes counted by Content-Length or a chunk: at most h->remaining. */
static void feed_counted(struct sl_http *h, const uint8_t *p, size_t n, size_t *i,
                         enum state when_done)
{
    size_t take = n - *i;
    if ((uint64_t)take > h->remaining)
        take = (size_t)h->remaining;
    bool cut = keep_body(h, p + *i, take);
    *i += take;
    h->remaining -= take;
    if (cut) {
        h->state = ST_DONE;
    } else if (h->remaining == 0) {
        h->state = when_done;
        h->line_len = 0;
    }
}

static enum sl_http_result feed_chunk_size(struct sl_http *h, const uint8_t *p, size_t n,
                                           size_t *i)
{
    int r = take_line(h, p, n, i);
    if (r < 0)
        return fail(h, "chunk size line too long");
    if (r == 0)
        return SL_HTTP_MORE;
    h->line_len = 0;
    uint64_t size;
    if (parse_chunk_size(h->line, &size) != 0)
        return fail(h, "bad chunk size '%.32s'", h->line);
    if (size == 0) {
        h->state = ST_TRAILER;
        h->remaining = MAX_TRAILER_BYTES;
    } else {
        h->remaining = size;
        h->state = ST_CHUNK_DATA;
    }
    return SL_HTTP_MORE;
}

static enum sl_http_result feed_chunk_end(struct sl_http *h, const uint8_t *p, size_t n,
                                          size_t *i)
{
    int r = take_line(h, p, n, i);
    if (r < 0 || (r == 1 && h->line_len != 0))
        return fail(h, "chunk data not followed by CRLF");
    if (r == 1) {
        h->line_len = 0;
        h->state = ST_CHUNK_SIZE;
    }
    return SL_HTTP_MORE;
}

static enum sl_http_result feed_trailer(struct sl_http *h, const uint8_t *p, size_t n,
                                        size_t *i)
{
    size_t before = *i;
    int r = take_line(h, p, n, i);
    uint64_t used = *i - before;
    if (r < 0 || used > h->remaining)
        return fail(h, "chunked trailer too long");
    h->remaining -= used;
    if (r == 1) {
        bool blank = h->line_len == 0;
        h->line_len = 0;
        if (blank)
            h->state = ST_DONE;
    }
    return SL_HTTP_MORE;
}

/* One step of the state machine over p[*i..n): each state takes what it can. */
static enum sl_http_result feed_step(struct sl_http *h, const uint8_t *p, size_t n, size_t *i)
{
    switch (h->state) {
    case ST_HEAD: {
        size_t used = 0;
        enum sl_http_result r = feed_head(h, p + *i, n - *i, &used);
        *i += used;
        return r == SL_HTTP_ERROR ? r : SL_HTTP_MORE;
    }
    case ST_BODY_FIXED: feed_counted(h, p, n, i, ST_DONE); return SL_HTTP_MORE;
    case ST_BODY_CLOSE: {
        size_t take = n - *i;
        bool cut = keep_body(h, p + *i, take);
        *i += take;
        if (cut)
            h->state = ST_DONE;
        return SL_HTTP_MORE;
    }
    case ST_CHUNK_SIZE: return feed_chunk_size(h, p, n, i);
    case ST_CHUNK_DATA: feed_counted(h, p, n, i, ST_CHUNK_DATA_END); return SL_HTTP_MORE;
    case ST_CHUNK_DATA_END: return feed_chunk_end(h, p, n, i);
    case ST_TRAILER: return feed_trailer(h, p, n, i);
    default: return SL_HTTP_ERROR;
    }
}

enum sl_http_result sl_http_feed(struct sl_http *h, const void *data, size_t n)
{
    const uint8_t *p = data;
    size_t i = 0;
    h->consumed = 0;
    if (h->state == ST_ERROR)
        return SL_HTTP_ERROR;
    if (h->state == ST_DONE)
        return SL_HTTP_DONE;
    h->total_in += n;
    while (i < n && h->state != ST_DONE) {
        if (feed_step(h, p, n, &i) == SL_HTTP_ERROR)
            return SL_HTTP_ERROR;
        if (h->state == ST_HEAD) /* the head needs more bytes than these */
            break;
    }
    h->consumed = i;
    return h->state == ST_DONE ? SL_HTTP_DONE : SL_HTTP_MORE;
}

enum sl_http_result sl_http_finish(struct sl_http *h)
{
    switch (h->state) {
    case ST_DONE: return SL_HTTP_DONE;
    case ST_ERROR: return SL_HTTP_ERROR;
    case ST_BODY_CLOSE: h->state = ST_DONE; return SL_HTTP_DONE;
    case ST_HEAD:
        if (h->head.len == 0)
            return fail(h, "connection closed without a response");
        return fail(h, "connection closed before the end of the response head");
    case ST_BODY_FIXED:
        return fail(h, "connection closed after %llu of %llu body bytes",
                     (unsigned long long)h->content_length - h->remaining,
                     (unsigned long long)h->content_length);
    default:
        return fail(h, "connection closed inside the chunked body");
    }
}

enum sl_http_result sl_http_parse(struct sl_http *h, const void *data, size_t n,
                                  const struct sl_http_limits *limits)
{
    sl_http_init(h, limits);
    enum sl_http_result r = sl_http_feed(h, data, n);
    if (r == SL_HTTP_MORE)
        r = sl_http_finish(h);
    return r;
}

size_t sl_http_consumed(const struct sl_http *h)
{
    return h->consumed;
}

bool sl_http_head_complete(const struct sl_http *h)
{
    return h->head_done;
}

bool sl_http_body_complete(const struct sl_http *h)
{
    return h->state == ST_DONE;
}

const char *sl_http_error(const struct sl_http *h)
{
    return h->error;
}

const char *sl_http_header_nth(const struct sl_http *h, const char *name, size_t nth)
{
    if (!h->head_done)
        return NULL;
    for (size_t i = 0; i < h->n_headers; i++) {
        if (strcasecmp(h->headers[i].name, name) == 0) {
            if (nth == 0)
                return h->headers[i].value;
            nth--;
        }
    }
    return NULL;
}

const char *sl_http_header(const struct sl_http *h, const char *name)
{
    return sl_http_header_nth(h, name, 0);
}

const uint8_t *sl_http_body(const struct sl_http *h, size_t *len)
{
    *len = h->body.len;
    return h->body.data != NULL ? h->body.data : (const uint8_t *)"";
}

/* ---- the peek ----------------------------------------------------------------------- */

static const char *const peek_methods[] = {"GET ", "POST ", "HEAD ", "PUT ", "OPTIONS ",
                                           "DELETE ", "CONNECT ", "DESCRIBE ", "NOTIFY ",
                                           "M-SEARCH ", "SUBSCRIBE ", "PATCH "};

/* Copies n bytes, cut to the field, each byte outside printable ASCII as '.'. */
static void copy_printable(char *dst, size_t dstsz, const char *v, size_t n)
{
    if (n >= dstsz)
        n = dstsz - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = (v[i] >= 0x20 && v[i] < 0x7f) ? v[i] : '.';
    dst[n] = '\0';
}

/* The start line: a request's method and path, or a response's status. */
static enum sl_http_peek_kind peek_start(const char *l, size_t n, struct sl_http_peek *out)
{
    struct status_line st;
    if (read_status_line(l, n, &st) == NULL) {
        out->proto = st.proto;
        out->status = st.status;
        return SL_HTTP_PEEK_RESPONSE;
    }
    for (size_t i = 0; i < sizeof peek_methods / sizeof peek_methods[0]; i++) {
        size_t k = strlen(peek_methods[i]);
        if (n > k && memcmp(l, peek_methods[i], k) == 0) {
            sl_strncpy_z(out->method, sizeof out->method, peek_methods[i], k - 1);
            const char *path = l + k, *sp = memchr(path, ' ', n - k);
            copy_printable(out->path, sizeof out->path, path,
                           sp != NULL ? (size_t)(sp - path) : n - k);
            return SL_HTTP_PEEK_REQUEST;
        }
    }
    return SL_HTTP_PEEK_NONE;
}

enum sl_http_peek_kind sl_http_peek(const uint8_t *data, size_t len, struct sl_http_peek *out)
{
    memset(out, 0, sizeof *out);
    if (len > SL_HTTP_PEEK_MAX)
        len = SL_HTTP_PEEK_MAX;
    const char *d = (const char *)data;
    size_t pos = 0;
    for (bool first = true; pos < len; first = false) {
        const char *line = d + pos, *nl = memchr(line, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - line) : len - pos;
        pos += n + 1;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (first) {
            out->kind = peek_start(line, n, out);
            if (out->kind == SL_HTTP_PEEK_NONE)
                return SL_HTTP_PEEK_NONE;
            continue;
        }
        if (n == 0)
            break; /* the end of the head */
        size_t name_len, value_at, value_len;
        if (!read_header_line(line, n, &name_len, &value_at, &value_len))
            continue;
        bool req = out->kind == SL_HTTP_PEEK_REQUEST;
        if (req && name_len == 4 && strncasecmp(line, "host", 4) == 0)
            copy_printable(out->host, sizeof out->host, line + value_at, value_len);
        else if (!req && name_len == 6 && strncasecmp(line, "server", 6) == 0)
            copy_printable(out->server, sizeof out->server, line + value_at, value_len);
    }
    return out->kind;
}
