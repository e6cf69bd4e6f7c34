/* problems.c - collecting an import's problems (problems.h); it judges text
 * fields, not their meaning. */
#include "util/problems.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/str.h"

/* One printf-style text into the next free slot of a kept list. */
__attribute__((format(printf, 3, 0))) static void add(char (*text)[320], size_t *count,
                                                      const char *fmt, va_list ap)
{
    if (*count < SL_IMPORT_MAX_PROBLEMS)
        vsnprintf(text[*count], sizeof text[*count], fmt, ap);
    (*count)++;
}

void sl_problem(struct sl_import_problems *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(p->text, &p->count, fmt, ap);
    va_end(ap);
}

void sl_note(struct sl_import_problems *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(p->note, &p->note_count, fmt, ap);
    va_end(ap);
}

bool sl_problem_text(struct sl_import_problems *p, size_t line, size_t colno,
                     const char *colname, char *value, size_t maxlen, bool required)
{
    sl_str_trim(value);
    if (value[0] == '\0') {
        if (required)
            sl_problem(p, "line %zu, column %zu (%s): empty", line, colno, colname);
        return !required;
    }
    if (strlen(value) > maxlen) {
        sl_problem(p, "line %zu, column %zu (%s): longer than %zu characters", line, colno,
                   colname, maxlen);
        return false;
    }
    size_t bad;
    if (!sl_utf8_valid(value, strlen(value), &bad)) {
        sl_problem(p, "line %zu, column %zu (%s): not valid UTF-8 (byte %zu of the field)", line,
                   colno, colname, bad + 1);
        return false;
    }
    if (sl_str_has_control(value)) {
        sl_problem(p, "line %zu, column %zu (%s): contains control characters", line, colno,
                   colname);
        return false;
    }
    return true;
}
