/* err.h - errors as values.
 *
 * A function that can fail takes a `struct sl_err *` owned by the caller and, on
 * failure, writes a one-line message into it and returns a negative status
 * (usually -1). Callers print `err.msg` or pass it up; nobody else allocates.
 * A NULL `struct sl_err *` is accepted everywhere and means "don't care".
 */
#ifndef SL_UTIL_ERR_H
#define SL_UTIL_ERR_H

#include <stddef.h>

/* Exit codes of DESIGN.md §4 (fixed). */
enum sl_exit {
    SL_EXIT_OK = 0,       /* done */
    SL_EXIT_FINDINGS = 1, /* done, findings above the --fail-on threshold (or a check failed) */
    SL_EXIT_USAGE = 2,    /* usage or input error */
    SL_EXIT_RUNTIME = 3,  /* runtime failure: database, network setup, ... */
};

#define SL_ERR_MAX 512

struct sl_err {
    char msg[SL_ERR_MAX];
};

/* Writes a printf-style message into err (if not NULL); always returns -1. */
int sl_err_set(struct sl_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefixes an existing message: "prefix: old message". Returns -1. */
int sl_err_prefix(struct sl_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Resets the message to the empty string. */
void sl_err_clear(struct sl_err *err);

#endif
