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
    const char *colname[SL_CSV_MAX_FIELDS]; /* for errors; NULL = unnamed (sl_csv_name_columns) */
    char storage[SL_CSV_MAX_FIELDS * (SL_CSV_MAX_FIELD + 1)];
};

void sl_csv_reader_init(struct sl_csv_reader *r, const char *data, size_t len);

/* Reads the next record. Returns 1 (a record), 0 (end of input) or -1 (error:
 * err says line and column, and the column's name once sl_csv_name_columns
 * has named it). Blank lines are skipped. A NUL byte in a field is an error
 * (it would silently cut the text short). */
int sl_csv_next(struct sl_csv_reader *r, size_t *record_line, struct sl_err *err);

/* Maps the header record the reader holds to the n known column names
 * (case-insensitive, blanks trimmed): where[c] is the field index of names[c]
 * or -1. Records a problem for an unknown column, a column given twice, and a
 * missing required column (required[c]; NULL = every column is required).
 * Returns the number of problems it added. */
size_t sl_csv_map_header(const struct sl_csv_reader *r, size_t line, const char *const *names,
                         size_t n, const bool *required, int *where,
                         struct sl_import_problems *probs);

/* Names the columns in the reader's error messages: field where[c] is names[c]
 * (where[] as sl_csv_map_header fills it; -1 = absent). names must outlive r. */
void sl_csv_name_columns(struct sl_csv_reader *r, const char *const *names, const int *where,
                         size_t n);

/* Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that
 * starts with = + - @, a tab or a carriage return as a formula. True for such a
 * text, except a plain number ("-3", "+1.5"), which a spreadsheet reads as the
 * number it is. */
bool sl_csv_is_formula(const char *s);
/* The text a neutralised cell stood for: s without the leading ' that
 * sl_csv_write_field adds before a formula character; s itself otherwise. For
 * readers of files sightline wrote (sites list --csv -> sites import). */
const char *sl_csv_unneutralise(const char *s);

/* Writes one field, quoted when needed. Every CSV sightline writes goes through
 * here: a cell that sl_csv_is_formula is written as "'..." (a leading single
 * quote, quoted), so a spreadsheet shows it as text and never runs it. */
void sl_csv_write_field(FILE *out, const char *s);
/* Writes a record of n fields and a CRLF-free "\n". */
void sl_csv_write_row(FILE *out, const char *const *fields, size_t n);

#endif
