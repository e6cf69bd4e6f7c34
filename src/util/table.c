/* table.c - text tables with aligned columns for the terminal (table.h). Knows
 * no data. */
#include "util/table.h"

#include <stdlib.h>
#include <string.h>

struct sl_table {
    size_t ncols;
    size_t nrows, caprows;
    char **cells; /* (nrows + 1) * ncols; row 0 = headers */
};

static char *dup_cell(const char *s)
{
    return strdup(s != NULL && *s != '\0' ? s : "-");
}

struct sl_table *sl_table_new(size_t ncols, const char *const *headers)
{
    struct sl_table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->ncols = ncols;
    if (sl_table_add(t, headers) != 0) {
        free(t);
        return NULL;
    }
    t->nrows = 0; /* the header row is row "-1" */
    return t;
}

int sl_table_add(struct sl_table *t, const char *const *cells)
{
    size_t total = t->cells == NULL ? 0 : t->nrows + 1;
    if (total + 1 > t->caprows) {
        size_t cap = t->caprows ? t->caprows * 2 : 16;
        char **p = realloc(t->cells, cap * t->ncols * sizeof *p);
        if (p == NULL)
            return -1;
        t->cells = p;
        t->caprows = cap;
    }
    for (size_t c = 0; c < t->ncols; c++)
        t->cells[total * t->ncols + c] = dup_cell(cells[c]);
    if (total > 0)
        t->nrows++;
    return 0;
}

size_t sl_table_rows(const struct sl_table *t)
{
    return t->nrows;
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

/* Byte length of the first `cols` display columns of s. */
static size_t bytes_for(const char *s, size_t cols)
{
    size_t w = 0, i = 0;
    for (; s[i] != '\0'; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80) {
            if (w == cols)
                break;
            w++;
        }
    }
    return i;
}

static void print_cell(FILE *out, const char *s, size_t colw, size_t max_width, int last)
{
    size_t w = width(s);
    if (max_width > 0 && w > max_width) {
        fwrite(s, 1, bytes_for(s, max_width - 1), out);
        fputs("\u2026", out);
        w = max_width;
    } else {
        fputs(s, out);
    }
    if (!last)
        for (size_t i = w; i < colw + 2; i++)
            fputc(' ', out);
}

void sl_table_print(const struct sl_table *t, FILE *out, size_t max_width)
{
    size_t *colw = calloc(t->ncols, sizeof *colw);
    if (colw == NULL)
        return;
    for (size_t r = 0; r <= t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            size_t w = width(t->cells[r * t->ncols + c]);
            if (max_width > 0 && w > max_width)
                w = max_width;
            if (w > colw[c])
                colw[c] = w;
        }
    for (size_t r = 0; r <= t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++)
            print_cell(out, t->cells[r * t->ncols + c], colw[c], max_width, c + 1 == t->ncols);
        fputc('\n', out);
    }
    free(colw);
}

void sl_table_free(struct sl_table *t)
{
    if (t == NULL)
        return;
    size_t total = t->cells == NULL ? 0 : t->nrows + 1;
    for (size_t i = 0; i < total * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}
