/* form.h - an application/x-www-form-urlencoded body (or query) parsed into
 * name/value pairs: hostile input, bounded (WEB_FORM_FIELDS fields, the size
 * of the text given), '+' and %XX decoded, NUL bytes and bad escapes refused.
 *
 * Memory: the form owns one copy of the text (sl_form_free).
 */
#ifndef SL_WEB_FORM_H
#define SL_WEB_FORM_H

#include <stddef.h>

#define SL_FORM_FIELDS 32

struct sl_form {
    char *text; /* owned: the decoded names and values, NUL-separated */
    size_t n;
    const char *name[SL_FORM_FIELDS];
    const char *value[SL_FORM_FIELDS];
};

/* 0, or -1 when the text is malformed (a bad %XX, a NUL, too many fields). */
int sl_form_parse(struct sl_form *f, const char *text, size_t len);
/* The first value of name, or NULL. */
const char *sl_form_get(const struct sl_form *f, const char *name);
void sl_form_free(struct sl_form *f);

#endif
