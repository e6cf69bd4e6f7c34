/* err.c - filling struct sl_err: message formatting, kinds, prefixes. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int vset(struct sl_err *err, enum sl_err_kind kind, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static int vset(struct sl_err *err, enum sl_err_kind kind, const char *fmt, va_list ap)
{
    if (err == NULL)
        return -1;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    err->kind = kind;
    return -1;
}

int sl_err_set(struct sl_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(err, SL_ERR_FAILED, fmt, ap);
    va_end(ap);
    return -1;
}

int sl_err_setk(struct sl_err *err, enum sl_err_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(err, kind, fmt, ap);
    va_end(ap);
    return -1;
}

int sl_err_kind(struct sl_err *err, enum sl_err_kind kind)
{
    if (err != NULL)
        err->kind = kind;
    return -1;
}

const char *sl_err_kind_name(enum sl_err_kind kind)
{
    static const char *const names[SL_ERR_KIND_COUNT] = {
        "failed", "not found", "already exists", "conflict", "invalid input",
        "i/o error", "corrupt", "unavailable",
    };
    return (unsigned)kind < SL_ERR_KIND_COUNT ? names[kind] : "failed";
}

int sl_err_prefix(struct sl_err *err, const char *fmt, ...)
{
    if (err == NULL)
        return -1;
    char old[SL_ERR_MAX];
    memcpy(old, err->msg, sizeof old);
    old[sizeof old - 1] = '\0';
    char prefix[SL_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* Truncation is fine here: the message is for people and stays bounded. */
    size_t n = strlen(prefix);
    if (n >= sizeof err->msg)
        n = sizeof err->msg - 1;
    memcpy(err->msg, prefix, n);
    err->msg[n] = '\0';
    if (old[0] != '\0' && n + 2 < sizeof err->msg) {
        memcpy(err->msg + n, ": ", 3);
        n += 2;
        size_t m = strlen(old);
        if (m > sizeof err->msg - 1 - n)
            m = sizeof err->msg - 1 - n;
        memcpy(err->msg + n, old, m);
        err->msg[n + m] = '\0';
    }
    return -1;
}

void sl_err_clear(struct sl_err *err)
{
    if (err != NULL) {
        err->msg[0] = '\0';
        err->kind = SL_ERR_FAILED;
    }
}
