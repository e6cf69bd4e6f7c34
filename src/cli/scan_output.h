/* scan_output.h - what `sightline scan` (and `sightline import`) show: the plan
 * line, a live progress line on a terminal, the versioned JSON lines of
 * docs/formats.md (whose records scan/jsonl.h writes), and at the end a
 * device table and a summary.
 *
 * The table keeps one short row per device (bounded: SL_SCAN_OUT_MAX_ROWS; the
 * rest are counted). JSON lines are written as results arrive, never held. */
#ifndef SL_CLI_SCAN_OUTPUT_H
#define SL_CLI_SCAN_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "scan/scan.h"
#include "store/store.h"
#include "util/table.h"

#define SL_SCAN_OUT_MAX_ROWS 100000

struct sl_scan_row;

struct sl_scan_out {
    FILE *jsonl;          /* NULL, stdout or an opened file */
    bool jsonl_owned, evidence, quiet, tty, human;
    FILE *human_out;      /* where the plan, table and summary go */
    struct sl_store *store; /* to read back a device's register record; may be NULL */
    const struct sl_targets *targets; /* what the scan covers, for the start and summary
                                         records (proof of absence); NULL for an import */
    struct sl_table *table, *not_seen;
    struct sl_scan_row *rows; /* the device table, sorted by address at the end */
    size_t n_rows, cap_rows;
    uint64_t rows_dropped;
    uint64_t last_jsonl_progress;
    uint64_t total;
    bool progress_shown;
};

/* path: NULL (no JSON lines), "-" (standard output: the table and summary then
 * go to standard error) or a file. */
int sl_scan_out_open(struct sl_scan_out *o, const char *path, bool evidence, bool quiet,
                     struct sl_err *err);
void sl_scan_out_callbacks(struct sl_scan_out *o, struct sl_scan_callbacks *cb);
/* Prints the table, the not-seen list and the summary (and the summary record). */
void sl_scan_out_finish(struct sl_scan_out *o, const struct sl_scan_summary *sum,
                        const char *error);
void sl_scan_out_close(struct sl_scan_out *o);

#endif
