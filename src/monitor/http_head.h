/* http_head.h - what the monitor reads from the first segment of an HTTP or
 * RTSP flow: a request's method, path and Host, a response's status and Server.
 *
 * This is a look at one segment, not a parser of whole messages (identify's
 * proto/http.h does that with what we pass on). Bounded: only the first
 * SL_HTTP_HEAD_SCAN bytes are looked at, lines are read up to the first blank
 * line or the end of what was captured; values are cut to their buffers and
 * bytes outside printable ASCII become '.'.
 */
#ifndef SL_MONITOR_HTTP_HEAD_H
#define SL_MONITOR_HTTP_HEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_HTTP_HEAD_SCAN 4096

enum sl_http_kind { SL_HTTP_NONE = 0, SL_HTTP_REQUEST, SL_HTTP_RESPONSE, SL_RTSP_RESPONSE };

struct sl_http_head {
    enum sl_http_kind kind;
    char method[16];
    char path[128];
    int status;
    char host[256];   /* request Host header, lower-case, port removed ("" when none) */
    char server[128]; /* response Server header ("" when none) */
};

/* Returns the kind of message data starts with (SL_HTTP_NONE when neither) and
 * fills h. Never reads past len or SL_HTTP_HEAD_SCAN. */
enum sl_http_kind sl_http_head_parse(const uint8_t *data, size_t len, struct sl_http_head *h);

#endif
