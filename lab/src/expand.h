/* expand.h - ${...} templates in profile text.
 *
 * Two stages use the same syntax:
 *  - device stage (once per device, deterministic from the seed): profile vars
 *    such as `var serial = ${model}${date:2016:2022}AAWR${alnum:9}`;
 *  - response stage (each answer): section text with the device's values and
 *    what the request brought (CSeq, WS-Discovery MessageID, SADP Uuid) plus
 *    fresh dates and nonces.
 *
 * Functions: ${digits:N} ${hex:N} ${HEX:N} ${alnum:N} ${pick:a|b|c} ${uuid}
 * ${date:Y1:Y2} (YYYYMMDD) ${repeat:N:TEXT} ${dollar}. Dynamic names:
 * ${http_date} ${iso_date} ${nonce} ${msgid} ${cseq} ${relates_to} ${req_uuid}
 * ${content_length} ${port} ${utc:STRFTIME-FORMAT}. Everything else is looked up in the device.
 *
 * Bounded: one expansion yields at most LAB_EXPAND_MAX bytes.
 */
#ifndef SL_LAB_EXPAND_H
#define SL_LAB_EXPAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/rng.h"

#define LAB_EXPAND_MAX (8u * 1024 * 1024)
/* In "mask" mode (the profile checker) every value that changes per answer is
 * written as this byte, which matches any run of value characters. */
#define LAB_WILD '\x01'

struct lab_device;

struct lab_xctx {
    const struct lab_device *dev; /* may be NULL (device stage before values exist) */
    /* device stage: values defined so far, name -> value */
    const char *const *names;
    const char *const *values;
    size_t n_values;
    struct sl_rng *rng;
    /* response stage */
    const char *cseq;
    const char *relates_to;
    const char *req_uuid;
    uint16_t port;
    size_t content_length;
    bool mask;
};

/* Appends the expansion of tmpl[0..len) to out. Returns 0 or -1 with err set
 * (unknown name, bad function, output too large). */
int lab_expand(struct sl_buf *out, const char *tmpl, size_t len, const struct lab_xctx *x,
               struct sl_err *err);

/* Does `text` match `pattern` (LAB_WILD = a run of value characters)? */
bool lab_wild_match(const char *pattern, size_t plen, const char *text, size_t tlen);

#endif
