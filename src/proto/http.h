/* http.h - incremental, bounded parser of HTTP/1.x and RTSP/1.0 responses.
 *
 * Feed bytes as they arrive (sl_http_feed); the parser says when the head is
 * complete and when the body is complete: by Content-Length, by chunked
 * transfer coding, or - for HTTP without either - when the peer closes
 * (sl_http_finish). RTSP without Content-Length has no body (RFC 2326 §12.14).
 * Responses to HEAD, 1xx, 204 and 304 have no body.
 *
 * Leniency, because cameras are sloppy: bare LF line ends, any header-name
 * case and order, several WWW-Authenticate headers, white space around values,
 * a reason phrase that is missing. Strictness, because cameras are hostile:
 * the head and the body are bounded (limits below), header count and line
 * lengths are bounded, conflicting Content-Length values, bad chunk sizes and
 * NUL bytes in the head are errors with a message.
 *
 * Memory: struct sl_http owns its buffers (sl_http_free). Header names and
 * values returned by the accessors point into the parser and stay valid until
 * the next sl_http_feed/sl_http_reset/sl_http_free; they are NUL-terminated.
 * The body holds the decoded bytes (chunked coding removed), at most
 * limits.max_body; a longer body is cut there and `truncated` is set - the
 * response then counts as complete so a reader can stop reading.
 *
 * Not thread-safe per object; any number of objects may be used in parallel.
 */
#ifndef SL_PROTO_HTTP_H
#define SL_PROTO_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define SL_HTTP_DEFAULT_MAX_HEAD (16u * 1024u)
#define SL_HTTP_DEFAULT_MAX_BODY (256u * 1024u)
#define SL_HTTP_MAX_HEADERS 64
#define SL_HTTP_MAX_CHUNK_LINE 256

struct sl_http_limits {
    size_t max_head;    /* bytes of status line + headers + blank line; 0 = default */
    size_t max_body;    /* decoded body bytes kept; 0 = default */
};

enum sl_http_proto { SL_HTTP_PROTO_HTTP = 0, SL_HTTP_PROTO_RTSP };

/* What sl_http_feed / sl_http_finish report. */
enum sl_http_result {
    SL_HTTP_ERROR = -1, /* malformed or over a bound: see sl_http_error() */
    SL_HTTP_MORE = 0,   /* incomplete: feed more bytes (or finish at close) */
    SL_HTTP_DONE = 1,   /* the response is complete (maybe truncated) */
};

struct sl_http_header {
    const char *name;  /* as sent (case preserved), NUL-terminated */
    const char *value; /* trimmed, NUL-terminated */
};

struct sl_http {
    /* configuration */
    size_t max_head, max_body;
    bool head_request; /* the request was HEAD: no body whatever the headers say */

    /* results (read with the accessors) */
    enum sl_http_proto proto;
    int version_major, version_minor;
    int status;                 /* 100..999 */
    const char *reason;         /* points into head; "" when absent */
    size_t n_headers;
    struct sl_http_header headers[SL_HTTP_MAX_HEADERS];
    bool head_done;
    bool bare_lf;               /* some head line ended in LF without CR */
    bool truncated;             /* body longer than max_body: cut */
    bool chunked;
    bool until_close;           /* body is delimited by the connection closing */
    int64_t content_length;     /* -1 when absent */
    struct sl_buf body;

    /* internal state */
    struct sl_buf head;         /* raw head bytes, then parsed in place */
    int state;
    uint64_t remaining;         /* bytes left in this chunk or fixed body */
    char line[SL_HTTP_MAX_CHUNK_LINE];
    size_t line_len;
    size_t consumed;            /* bytes taken from the last feed */
    size_t total_in;            /* bytes fed since reset */
    char error[128];
};

/* Prepares h (limits NULL = defaults). Allocates nothing until fed. */
void sl_http_init(struct sl_http *h, const struct sl_http_limits *limits);
void sl_http_free(struct sl_http *h);
/* Forgets the response, keeps limits and allocations (for keep-alive reuse). */
void sl_http_reset(struct sl_http *h);

/* Says the request was HEAD (call before feeding): the response has no body. */
void sl_http_set_head_request(struct sl_http *h, bool is_head);

/* Feeds n bytes. Returns SL_HTTP_MORE, SL_HTTP_DONE or SL_HTTP_ERROR. After
 * DONE, sl_http_consumed() says how many of these bytes belonged to the
 * response (the rest is the next message or junk); after ERROR the parser
 * stays in error until reset. Feeding after DONE consumes nothing. */
enum sl_http_result sl_http_feed(struct sl_http *h, const void *data, size_t n);

/* The peer closed the connection. Completes an until-close body; a head or a
 * counted/chunked body that is still incomplete becomes an error (the parts
 * already parsed stay readable). */
enum sl_http_result sl_http_finish(struct sl_http *h);

/* One-shot: init + feed + finish over a whole buffer (what identify does). */
enum sl_http_result sl_http_parse(struct sl_http *h, const void *data, size_t n,
                                  const struct sl_http_limits *limits);

size_t sl_http_consumed(const struct sl_http *h);
bool sl_http_head_complete(const struct sl_http *h);
bool sl_http_body_complete(const struct sl_http *h);
/* Error message ("" when none). */
const char *sl_http_error(const struct sl_http *h);

/* The first header with this name (case-insensitive), or NULL. */
const char *sl_http_header(const struct sl_http *h, const char *name);
/* The i-th header with this name (0-based), or NULL: for repeated headers
 * such as WWW-Authenticate. */
const char *sl_http_header_nth(const struct sl_http *h, const char *name, size_t i);

/* Decoded body bytes (NUL-terminated for convenience; may hold NULs). */
const uint8_t *sl_http_body(const struct sl_http *h, size_t *len);

/* ---- a look at one segment (the monitor) --------------------------------------------

   What the first bytes of a message say, for a passive reader that sees one
   segment and cannot ask for more: the start line of a request (method, path)
   or of a response (HTTP or RTSP, status), then the Host header of a request
   and the Server header of a response, read with the same line rules as the
   parser above (a header line that is no header is skipped). Bounded: at most
   SL_HTTP_PEEK_MAX bytes are looked at, lines up to the blank line or the end
   of the segment; values are cut to their fields and bytes outside printable
   ASCII become '.'. Allocates nothing. */

#define SL_HTTP_PEEK_MAX 4096

enum sl_http_peek_kind {
    SL_HTTP_PEEK_NONE = 0,
    SL_HTTP_PEEK_REQUEST,  /* a method the tool knows: GET, POST, ..., DESCRIBE, M-SEARCH */
    SL_HTTP_PEEK_RESPONSE, /* see proto: HTTP or RTSP */
};

struct sl_http_peek {
    enum sl_http_peek_kind kind;
    enum sl_http_proto proto; /* of a response */
    int status;               /* of a response */
    char method[16];          /* of a request */
    char path[128];
    char host[256];           /* the request's Host header as sent ("" when none) */
    char server[128];         /* the response's Server header ("" when none) */
};

/* Never reads past len; returns what out->kind says. */
enum sl_http_peek_kind sl_http_peek(const uint8_t *data, size_t len, struct sl_http_peek *out);

#endif
