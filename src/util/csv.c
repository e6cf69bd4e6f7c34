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
    memset(r->colname, 0, sizeof r->colname);
    /* A UTF-8 byte order mark, as spreadsheet programs write it. */
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        r->p += 3;
}

void sl_csv_name_columns(struct sl_csv_reader *r, const char *const *names, const int *where,
                         size_t n)
{
    for (size_t c = 0; c < n; c++)
        if (where[c] >= 0 && where[c] < SL_CSV_MAX_FIELDS)
            r->colname[where[c]] = names[c];
}

/* "column 4" or "column 4 (networks)", for an error. */
static const char *col_label(const struct sl_csv_reader *r, size_t col, char *buf, size_t n)
{
    if (col >= 1 && col <= SL_CSV_MAX_FIELDS && r->colname[col - 1] != NULL)
        snprintf(buf, n, "column %zu (%s)", col, r->colname[col - 1]);
    else
        snprintf(buf, n, "column %zu", col);
    return buf;
}

/* One byte of a field into f[*n]: false (err set) when it is a NUL or the
 * field is full. */
static bool field_byte(const struct sl_csv_reader *r, size_t line, size_t col, char c, char *f,
                       size_t *n, struct sl_err *err)
{
    char lb[96];
    if (c == '\0') {
        sl_err_set(err, "line %zu, %s: a NUL byte in the field", line,
                   col_label(r, col, lb, sizeof lb));
        return false;
    }
    if (*n >= SL_CSV_MAX_FIELD) {
        sl_err_set(err, "line %zu, %s: field longer than %d bytes", line,
                   col_label(r, col, lb, sizeof lb), SL_CSV_MAX_FIELD);
        return false;
    }
    f[(*n)++] = c;
    return true;
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
        char lb[96];
        char *f = store;
        size_t n = 0;
        r->field_line[r->nfields] = r->line;
        if (r->p < r->end && *r->p == '"') {
            size_t start_line = r->line;
            r->p++;
            for (;;) {
                if (r->p >= r->end)
                    return sl_err_set(err, "line %zu, %s: quoted field never closed", start_line,
                                  col_label(r, col, lb, sizeof lb));
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
                if (!field_byte(r, start_line, col, c, f, &n, err))
                    return -1;
            }
            if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
                return sl_err_set(err, "line %zu, %s: text after closing quote", r->line,
                                  col_label(r, col, lb, sizeof lb));
        } else {
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
                if (*r->p == '"')
                    return sl_err_set(err, "line %zu, %s: quote inside unquoted field", r->line,
                                      col_label(r, col, lb, sizeof lb));
                if (!field_byte(r, r->line, col, *r->p++, f, &n, err))
                    return -1;
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

static bool formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* [+-]digits[.digits]: what a spreadsheet reads as a number, not a formula. */
static bool plain_number(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    size_t digits = 0;
    while (*s >= '0' && *s <= '9')
        s++, digits++;
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9')
            s++, digits++;
    }
    return digits > 0 && *s == '\0';
}

bool sl_csv_is_formula(const char *s)
{
    return s != NULL && formula_start(*s) && !plain_number(s);
}

const char *sl_csv_unneutralise(const char *s)
{
    return s[0] == '\'' && formula_start(s[1]) && !plain_number(s + 1) ? s + 1 : s;
}

void sl_csv_write_field(FILE *out, const char *s)
{
    if (s == NULL)
        return;
    bool formula = sl_csv_is_formula(s);
    if (!formula && strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    if (formula)
        fputc('\'', out);
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
