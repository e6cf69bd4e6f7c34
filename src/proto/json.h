/* json.h - bounded JSON reading (jansson) for device answers: Dahua
 * DHDiscover (behind its 32-byte DHIP header), Dahua RPC2, Uniview LAPI.
 *
 * sl_json_walk parses a document and reports every scalar leaf with its
 * dotted path ("params.deviceInfo.DeviceType"; array items as "list.0.x")
 * and its value as text (strings as they are, numbers and booleans printed,
 * null as ""). Duplicate keys are rejected (a device that sends two values
 * for one key is not trusted to say which counts), as are NUL bytes inside
 * strings; size, depth and leaf count are capped.
 */
#ifndef SL_PROTO_JSON_H
#define SL_PROTO_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define SL_JSON_MAX_PATH 192

struct sl_json_limits {
    size_t max_bytes;   /* 0 = 256 KiB */
    unsigned max_depth; /* 0 = 16 */
    unsigned max_leaves; /* 0 = 4096 */
};

typedef int (*sl_json_cb)(const char *path, const char *value, void *ctx);

/* Returns 0, or -1 with err set ("json: duplicate object key near 'x'"). */
int sl_json_walk(const char *data, size_t len, const struct sl_json_limits *limits, sl_json_cb cb,
                 void *ctx, struct sl_err *err);

/* Dahua's DHIP framing (DHDiscover on UDP 37810; DHIP on TCP 37777 and 5000):
 * bytes 0-3 little-endian header size 0x20, 4-7 "DHIP", 8-15 session and
 * request id, 16-23 body length (LE), 24-31 body length again, then the body.
 * Sets *body and *body_len to the JSON body (bounded by the stated length and the
 * bytes present). Returns 0, or -1 with err saying what is wrong. */
#define SL_DHIP_HEADER_LEN 32
int sl_dhip_unwrap(const uint8_t *data, size_t len, const uint8_t **body, size_t *body_len,
                   struct sl_err *err);

#endif
