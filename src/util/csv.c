/* csv.c - RFC 4180 CSV read with line and column numbers, and written (csv.h).
 * Knows no columns. */
#include "util/csv.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"

void sl_csv_reader_init(struct sl_csv_reader *r, const char *data, size_t len)
{
    r->p = data;
    r->end = data + len;
    r->line = 1;
    r->nfields = 0;
    /* A UTF-8 byte order mark, as spreadsheet programs write it. */
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        r->p += 3;
}

int sl_csv_next(struct sl_csv_reader *r, size_t *record_line, struct sl_err *err)
{
    /* Skip blank lines. */
    while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
        if (*r->p == '\n')
            r->line++;
        r->p++;
    }
    if (r->p >= r->end)
        return 0;
    *record_line = r->line;
    r->nfields = 0;
    char *store = r->storage;
    for (;;) {
        if (r->nfields >= SL_CSV_MAX_FIELDS)
            return sl_err_set(err, "line %zu: more than %d fields", r->line, SL_CSV_MAX_FIELDS);
        size_t col = r->nfields + 1;
        char *f = store;
        size_t n = 0;
        r->field_line[r->nfields] = r->line;
        if (r->p < r->end && *r->p == '"') {
            size_t start_line = r->line;
            r->p++;
            for (;;) {
                if (r->p >= r->end)
                    return sl_err_set(err, "line %zu, column %zu: quoted field never closed",
                                      start_line, col);
                char c = *r->p++;
                if (c == '"') {
                    if (r->p < r->end && *r->p == '"') {
                        r->p++;
                    } else {
                        break;
                    }
                }
                if (c == '\n')
                    r->line++;
                if (n >= SL_CSV_MAX_FIELD)
                    return sl_err_set(err, "line %zu, column %zu: field longer than %d bytes",
                                      start_line, col, SL_CSV_MAX_FIELD);
                f[n++] = c;
            }
            if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
                return sl_err_set(err, "line %zu, column %zu: text after closing quote", r->line,
                                  col);
        } else {
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
                if (*r->p == '"')
                    return sl_err_set(err, "line %zu, column %zu: quote inside unquoted field",
                                      r->line, col);
                if (n >= SL_CSV_MAX_FIELD)
                    return sl_err_set(err, "line %zu, column %zu: field longer than %d bytes",
                                      r->line, col, SL_CSV_MAX_FIELD);
                f[n++] = *r->p++;
            }
        }
        f[n] = '\0';
        r->fields[r->nfields++] = f;
        store += n + 1;
        if (r->p >= r->end)
            break;
        if (*r->p == ',') {
            r->p++;
            continue;
        }
        /* End of record: \n, \r\n or a lone \r. */
        if (*r->p == '\r')
            r->p++;
        if (r->p < r->end && *r->p == '\n')
            r->p++;
        r->line++;
        break;
    }
    return 1;
}

size_t sl_csv_map_header(const struct sl_csv_reader *r, size_t line, const char *const *names,
                         size_t n, const bool *required, int *where,
                         struct sl_import_problems *probs)
{
    size_t before = probs->count;
    char expected[512];
    size_t used = 0;
    expected[0] = '\0';
    for (size_t c = 0; c < n; c++) {
        where[c] = -1;
        int w = snprintf(expected + used, sizeof expected - used, "%s%s", c ? ", " : "", names[c]);
        if (w > 0 && (size_t)w < sizeof expected - used)
            used += (size_t)w;
    }
    for (size_t i = 0; i < r->nfields; i++) {
        char h[64];
        sl_strlcpy(h, r->fields[i], sizeof h);
        sl_str_trim(h);
        sl_str_printable(h);
        size_t c = 0;
        while (c < n && strcasecmp(h, names[c]) != 0)
            c++;
        if (c == n)
            sl_problem(probs, "line %zu, column %zu: unknown column '%s' (expected %s)", line,
                       i + 1, h, expected);
        else if (where[c] >= 0)
            sl_problem(probs, "line %zu, column %zu: column '%s' appears twice", line, i + 1, h);
        else
            where[c] = (int)i;
    }
    for (size_t c = 0; c < n; c++)
        if (where[c] < 0 && (required == NULL || required[c]))
            sl_problem(probs, "line %zu: the header has no '%s' column", line, names[c]);
    return probs->count - before;
}

void sl_csv_write_field(FILE *out, const char *s)
{
    if (s == NULL)
        return;
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void sl_csv_write_row(FILE *out, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            fputc(',', out);
        sl_csv_write_field(out, fields[i]);
    }
    fputc('\n', out);
}
