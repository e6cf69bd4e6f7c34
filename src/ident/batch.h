/* batch.h - `sightline identify --batch`: many evidence records in (JSON
 * lines), one claim per device out.
 *
 * Input, one record a line (docs/identify.md):
 *   {"device": "<any key that groups records>", "proto": "http", "port": 80,
 *    "path": "/", "data_b64": "..."}        (or "data": "<text>")
 * Output, one line per device in order of first appearance:
 *   {"device": "<key>", "claim": {...}}     (the claim exactly as `identify`)
 *
 * A record that cannot be read is reported on `errs` with its line number and
 * skipped; the others still count. Memory: the input buffer is the caller's;
 * records keep decoded copies of their data until the run ends.
 */
#ifndef SL_IDENT_BATCH_H
#define SL_IDENT_BATCH_H

#include <stddef.h>
#include <stdio.h>

#include "ident/ident.h"

#define SL_BATCH_MAX_LINE (4u << 20)   /* one record's line */
#define SL_BATCH_MAX_KEY 256           /* device key length */

struct sl_batch_stats {
    size_t records, devices, bad;
};

/* Runs the batch in data (len bytes) and writes claims to out. name is used
 * in messages ("FILE:LINE: ..."). Returns 0, or -1 on a failure to run at all
 * (out of memory) with err set. */
int sl_batch_run(const struct sl_ident *id, const char *data, size_t len, const char *name,
                 FILE *out, FILE *errs, struct sl_batch_stats *st, struct sl_err *err);

#endif
