/* err.h - errors as values.
 *
 * A function that can fail takes a `struct sl_err *` owned by the caller and, on
 * failure, writes a one-line message and a kind into it and returns a negative
 * status (usually -1). Callers print `err.msg` or pass it up; the kind says what
 * went wrong for a program (the CLI's exit code, a retry), never the message
 * text. Nobody else allocates. A NULL `struct sl_err *` is accepted everywhere
 * and means "don't care".
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

/* What kind of failure an error is. The CLI maps kinds to exit codes in one
 * place (cli/cli.c, sl_cli_exit_for). */
enum sl_err_kind {
    SL_ERR_FAILED = 0,   /* a runtime failure with no more specific kind */
    SL_ERR_NOT_FOUND,    /* a named thing (site, device, milestone) does not exist */
    SL_ERR_EXISTS,       /* a thing by that name already exists */
    SL_ERR_CONFLICT,     /* refused: the register's state or a concurrent writer forbids it */
    SL_ERR_INVALID,      /* the input (file, option value, request) is malformed */
    SL_ERR_IO,           /* reading or writing a file or socket failed */
    SL_ERR_CORRUPT,      /* stored data is damaged or not what it claims to be */
    SL_ERR_UNAVAILABLE,  /* a server is down, restarting or refusing connections */
    SL_ERR_KIND_COUNT
};

struct sl_err {
    char msg[SL_ERR_MAX];
    enum sl_err_kind kind; /* after msg, so `struct sl_err e = {0};` stays valid */
};

/* Writes a printf-style message into err (if not NULL) with kind SL_ERR_FAILED;
 * always returns -1. */
int sl_err_set(struct sl_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The same with a kind. */
int sl_err_setk(struct sl_err *err, enum sl_err_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Changes only the kind (a caller that knows better than the callee). Returns -1. */
int sl_err_kind(struct sl_err *err, enum sl_err_kind kind);

/* A short name for a kind ("not found", "already exists", ...). */
const char *sl_err_kind_name(enum sl_err_kind kind);

/* Prefixes an existing message: "prefix: old message"; the kind stays. Returns -1. */
int sl_err_prefix(struct sl_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Resets the message to the empty string and the kind to SL_ERR_FAILED. */
void sl_err_clear(struct sl_err *err);

#endif
