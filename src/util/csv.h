/* csv.h - RFC 4180 CSV: a reader that knows the line and column of every field
 * (so an import can say exactly where a bad value is), and a writer.
 *
 * The reader takes a whole buffer (the caller owns it) and yields one record at
 * a time; fields are copied into the reader's own storage, valid until the next
 * call. Bounded: at most SL_CSV_MAX_FIELDS fields of SL_CSV_MAX_FIELD bytes.
 */
#ifndef SL_UTIL_CSV_H
#define SL_UTIL_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/err.h"
#include "util/problems.h"

#define SL_CSV_MAX_FIELDS 32
#define SL_CSV_MAX_FIELD 4096

struct sl_csv_reader {
    const char *p, *end;
    size_t line;                        /* line where the next record starts (1-based) */
    size_t nfields;
    char *fields[SL_CSV_MAX_FIELDS];    /* NUL-terminated, owned by the reader */
    size_t field_line[SL_CSV_MAX_FIELDS];
    char storage[SL_CSV_MAX_FIELDS * (SL_CSV_MAX_FIELD + 1)];
};

void sl_csv_reader_init(struct sl_csv_reader *r, const char *data, size_t len);

/* Reads the next record. Returns 1 (a record), 0 (end of input) or -1 (error:
 * err says line and column). Blank lines are skipped. */
int sl_csv_next(struct sl_csv_reader *r, size_t *record_line, struct sl_err *err);

/* Maps the header record the reader holds to the n known column names
 * (case-insensitive, blanks trimmed): where[c] is the field index of names[c]
 * or -1. Records a problem for an unknown column, a column given twice, and a
 * missing required column (required[c]; NULL = every column is required).
 * Returns the number of problems it added. */
size_t sl_csv_map_header(const struct sl_csv_reader *r, size_t line, const char *const *names,
                         size_t n, const bool *required, int *where,
                         struct sl_import_problems *probs);

/* Writes one field, quoted when needed. */
void sl_csv_write_field(FILE *out, const char *s);
/* Writes a record of n fields and a CRLF-free "\n". */
void sl_csv_write_row(FILE *out, const char *const *fields, size_t n);

#endif
