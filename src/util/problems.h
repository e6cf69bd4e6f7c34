/* problems.h - what an all-or-nothing import found wrong, each problem naming
 * its line and column ("line 7, column 3 (tier): ..."), for the CSV imports
 * of sites and of fleets.
 *
 * The caller owns the struct (it is plain storage, nothing to free). At most
 * SL_IMPORT_MAX_PROBLEMS texts are kept; count goes on counting past that.
 */
#ifndef SL_UTIL_PROBLEMS_H
#define SL_UTIL_PROBLEMS_H

#include <stdbool.h>
#include <stddef.h>

#define SL_IMPORT_MAX_PROBLEMS 20

struct sl_import_problems {
    size_t count;                              /* problems found (may exceed the stored ones) */
    char text[SL_IMPORT_MAX_PROBLEMS][320];    /* "line 7, column 3 (tier): ..." */
    size_t note_count;                         /* notes: worth saying, not a reason to refuse */
    char note[SL_IMPORT_MAX_PROBLEMS][320];
};

/* Records one problem (printf-style). */
void sl_problem(struct sl_import_problems *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records one note (printf-style): imported anyway, but the user should know. */
void sl_note(struct sl_import_problems *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Checks a free-text field in place: trims it, then records a problem (and
 * returns false) when it is empty but required, longer than maxlen bytes, or
 * holds control characters. colno is 1-based; colname names the column. */
bool sl_problem_text(struct sl_import_problems *p, size_t line, size_t colno,
                     const char *colname, char *value, size_t maxlen, bool required);

#endif
