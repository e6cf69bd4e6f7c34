/* scan_jsonl.h - read the device lines of `sightline scan --jsonl` (DESIGN.md §4)
 * as observations for verification.
 *
 * The stream is one JSON object a line: {"v":1,"type":"device"|"evidence"|
 * "progress"|"summary",...}. Device lines give address, mac, ports, claim,
 * verdict, site. What a device said travels in the claim, so the file is
 * treated as hostile: lines of at most SL_JSONL_MAX_LINE bytes, at most
 * SL_JSONL_MAX_DEVICES devices, strings cut to their fields' sizes, a bad line
 * is a recorded problem (line number and why), never a crash. A summary line
 * with "complete": false (or "status": "incomplete") marks the scan incomplete.
 *
 * Memory: *out is malloc'd (caller frees); problems are a value.
 */
#ifndef SL_PROGRAMME_SCAN_JSONL_H
#define SL_PROGRAMME_SCAN_JSONL_H

#include <stdbool.h>
#include <stddef.h>

#include "programme/reconcile.h"
#include "util/err.h"

#define SL_JSONL_MAX_LINE (1u << 20)
#define SL_JSONL_MAX_DEVICES 2000000
#define SL_JSONL_MAX_PROBLEMS 10

struct sl_jsonl_result {
    size_t lines, devices, skipped;   /* skipped: other types, blank lines */
    bool incomplete;                   /* the summary says the scan did not finish */
    size_t n_problems;                 /* bad lines (may exceed the stored ones) */
    char problems[SL_JSONL_MAX_PROBLEMS][160];
};

/* Parses a whole buffer. Returns 0 (see res for bad lines) or -1 (out of memory,
 * too many devices). */
int sl_scan_jsonl_parse(const char *data, size_t len, struct sl_observation **out, size_t *n,
                        struct sl_jsonl_result *res, struct sl_err *err);

#endif
