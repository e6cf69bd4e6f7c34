/* jsonl.h - the scan stream of `sightline scan --jsonl` and `sightline import
 * --jsonl` (DESIGN.md §4: a fixed, versioned shape; docs/formats.md names every
 * field): one JSON object a line,
 *     {"v":1,"type":"progress"|"evidence"|"device"|"not_seen"|"summary",...}
 * This module writes every record type and reads the stream back, so writer
 * and reader cannot drift apart (tests/unit/test_scan_jsonl.c round-trips each
 * type). The JSON form of a register device written here, sl_device_to_json,
 * is also what `devices --json` and the JSON report show.
 *
 * Writing: every *_json function returns a new reference; sl_jsonl_write puts
 * the envelope ("v", "type") around one, writes it as one line with sorted keys
 * and releases it.
 *
 * Reading (sl_scan_jsonl_parse) turns device lines into observations for
 * verification. What a device said travels in its claim, so the stream is
 * treated as hostile: lines of at most SL_JSONL_MAX_LINE bytes, at most
 * SL_JSONL_MAX_DEVICES devices, strings cut to their fields' sizes; a bad line
 * is a recorded problem (line number and why), never a crash. A summary line
 * with "complete": false (or "status": "incomplete") marks the scan
 * incomplete. *out is malloc'd (the caller frees it); problems are a value,
 * apart from the covered targets it holds (sl_jsonl_result_free).
 *
 * Proof of absence (issue 11): the start and summary records carry what the
 * scan covered ("targets" and "exclusions": the merged intervals it walked).
 * sl_jsonl_proof_problem says whether a parsed stream is one whole, complete
 * scan that says so; only then may a device in its targets that did not answer
 * be called absent.
 */
#ifndef SL_SCAN_JSONL_H
#define SL_SCAN_JSONL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scan/scan.h"
#include "store/store.h"
#include "util/err.h"

#define SL_JSONL_VERSION 1

enum sl_jsonl_type {
    SL_JSONL_PROGRESS = 0,
    SL_JSONL_EVIDENCE,
    SL_JSONL_DEVICE,
    SL_JSONL_NOT_SEEN,
    SL_JSONL_SUMMARY,
    SL_JSONL_TYPES
};
const char *sl_jsonl_type_name(enum sl_jsonl_type t); /* "progress", "evidence", ... */

/* ---- writing ----------------------------------------------------------------------- */

/* Writes {"v":1,"type":...} merged with j as one line; releases j. */
void sl_jsonl_write(FILE *out, enum sl_jsonl_type type, json_t *j);

/* A register device: id, site, address, mac, serial, ports (array of numbers),
 * claim, verdict, status, status_since, lifecycle fields when set, first_seen,
 * last_seen. */
json_t *sl_device_to_json(const struct sl_device *d);
/* "80,554" -> [80, 554] (bad entries skipped). */
json_t *sl_ports_to_json(const char *ports);

/* progress: the plan at the start ("phase":"start"), and the counters as the
 * scan runs ("phase":"running"). total: addresses less exclusions. */
json_t *sl_jsonl_start_json(const struct sl_scan_plan *p, uint64_t total);
json_t *sl_jsonl_running_json(const struct sl_scan_stats *st);
/* evidence: one answer of one address (the first 200 bytes, printable). */
json_t *sl_scan_evidence_json(const char *address, const struct sl_evidence *ev);
/* device: what the scan found; reg is the register's record after the scan
 * (NULL without a register), whose lifecycle fields then come along. */
json_t *sl_jsonl_device_json(const struct sl_scan_device *d, const struct sl_device *reg);
/* not_seen: a register device in the scanned range that did not answer. */
json_t *sl_jsonl_not_seen_json(const struct sl_device *d);
/* summary: the scan's end. */
json_t *sl_scan_summary_json(const struct sl_scan_summary *sum);
/* {"targets": [...], "exclusions": [...]}: the merged intervals of t (prepared)
 * as text (net/targets.h), merged into the start and summary records. */
json_t *sl_jsonl_coverage_json(const struct sl_targets *t);

/* ---- reading ----------------------------------------------------------------------- */

#define SL_JSONL_MAX_LINE (16u << 20) /* a start line lists every target interval */
#define SL_JSONL_MAX_DEVICES 2000000
#define SL_JSONL_MAX_PROBLEMS 10

/* One device a scan saw (what verification reconciles with the register). */
struct sl_observation {
    char address[48];
    char mac[18];
    char serial[96];
    char site[SL_NAME_MAX]; /* "" = find the site from the address and the sites' networks */
    char ports[128];
    struct sl_claim claim;
    struct sl_verdict verdict;
    int64_t seen_at;        /* 0 = now */
};

struct sl_jsonl_result {
    size_t lines, devices, skipped;    /* skipped: other types, blank lines */
    size_t by_type[SL_JSONL_TYPES];    /* well-formed records of each type */
    bool incomplete;                   /* the summary says the scan did not finish */
    size_t n_problems;                 /* bad lines (may exceed the stored ones) */
    char problems[SL_JSONL_MAX_PROBLEMS][160];
    /* What the scan covered (the proof of absence). */
    size_t starts, summaries;          /* start progress records, summary records */
    bool complete;                     /* the summary says "status": "complete" */
    bool after_summary;                /* records after the summary */
    bool cover_differs;                /* start and summary name different targets */
    bool bad_cover;                    /* a target or exclusion is not a literal range */
    int64_t summary_devices;           /* the summary's device count; -1 when absent */
    json_t *start_cover;               /* the start record's targets and exclusions */
    struct sl_targets *covered;        /* the summary's; NULL when it names none */
};

/* Releases what a parse left in res (safe on a zeroed or freed result). */
void sl_jsonl_result_free(struct sl_jsonl_result *res);

/* NULL when the parsed stream is one whole, complete scan that says what it
 * covered, in agreement at its start and end, with every device line its
 * summary counts and no bad line; else why it proves nothing absent. */
const char *sl_jsonl_proof_problem(const struct sl_jsonl_result *res);
/* True when the scan's targets (less its exclusions) hold the address. */
bool sl_jsonl_covers(const struct sl_jsonl_result *res, const char *address);

/* Parses a whole buffer. Returns 0 (see res for bad lines) or -1 (out of memory,
 * too many devices). */
int sl_scan_jsonl_parse(const char *data, size_t len, struct sl_observation **out, size_t *n,
                        struct sl_jsonl_result *res, struct sl_err *err);

#endif
