#include "register/site_import.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/cidr.h"
#include "util/csv.h"
#include "util/grow.h"
#include "util/str.h"

#define MAX_NETWORKS 256

enum col { COL_NAME, COL_DEPARTMENT, COL_TIER, COL_NETWORKS, COL_COUNT };
static const char *const col_names[COL_COUNT] = {"name", "department", "tier", "networks"};

struct row {
    size_t line;
    char name[SL_NAME_MAX];
    char department[SL_NAME_MAX];
    enum sl_tier tier;
    size_t n_networks;
    char **networks;
};

static void problem(struct sl_import_problems *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void problem(struct sl_import_problems *p, const char *fmt, ...)
{
    if (p->count < SL_IMPORT_MAX_PROBLEMS) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->text[p->count], sizeof p->text[p->count], fmt, ap);
        va_end(ap);
    }
    p->count++;
}

int sl_parse_networks(const char *field, char **out, size_t max, struct sl_err *err)
{
    size_t n = 0;
    const char *p = field;
    while (*p != '\0') {
        while (*p == ' ' || *p == '\t' || *p == ';' || *p == ',' || *p == '\n' || *p == '\r')
            p++;
        if (*p == '\0')
            break;
        const char *start = p;
        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != ';' && *p != ',' && *p != '\n' &&
               *p != '\r')
            p++;
        char tok[SL_CIDR_STRLEN + 16];
        if ((size_t)(p - start) >= sizeof tok) {
            sl_err_set(err, "'%.40s...' is too long for a network", start);
            goto fail;
        }
        sl_strncpy_z(tok, sizeof tok, start, (size_t)(p - start));
        struct sl_cidr c;
        if (sl_cidr_parse(tok, &c, err) != 0)
            goto fail;
        if (n >= max) {
            sl_err_set(err, "more than %zu networks", max);
            goto fail;
        }
        char norm[SL_CIDR_STRLEN];
        sl_cidr_format(&c, norm);
        out[n++] = strdup(norm);
    }
    return (int)n;
fail:
    for (size_t i = 0; i < n; i++)
        free(out[i]);
    return -1;
}

static void free_rows(struct row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < rows[i].n_networks; k++)
            free(rows[i].networks[k]);
        free(rows[i].networks);
    }
    free(rows);
}

static bool has_control(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* Checks a name-like field; returns false and records a problem when bad. */
static bool check_text(struct sl_import_problems *probs, size_t line, size_t colno,
                       const char *colname, char *value, char *dst, size_t dstsz)
{
    sl_str_trim(value);
    if (value[0] == '\0') {
        problem(probs, "line %zu, column %zu (%s): empty", line, colno, colname);
        return false;
    }
    if (strlen(value) >= dstsz) {
        problem(probs, "line %zu, column %zu (%s): longer than %zu characters", line, colno,
                colname, dstsz - 1);
        return false;
    }
    if (has_control(value)) {
        problem(probs, "line %zu, column %zu (%s): contains control characters", line, colno,
                colname);
        return false;
    }
    sl_strlcpy(dst, value, dstsz);
    return true;
}

static int cmp_row_name(const void *a, const void *b)
{
    const struct row *ra = *(const struct row *const *)a;
    const struct row *rb = *(const struct row *const *)b;
    int c = strcmp(ra->name, rb->name);
    if (c != 0)
        return c;
    return ra->line < rb->line ? -1 : ra->line > rb->line;
}

int sl_site_import_csv(struct sl_store *s, const char *data, size_t len, const char *actor,
                       size_t *imported, struct sl_import_problems *probs, struct sl_err *err)
{
    memset(probs, 0, sizeof *probs);
    *imported = 0;
    struct sl_csv_reader *r = malloc(sizeof *r);
    if (r == NULL)
        return sl_err_set(err, "out of memory");
    sl_csv_reader_init(r, data, len);

    /* Header: which column holds what. */
    size_t line = 0;
    struct sl_err cerr = {0};
    int rc = sl_csv_next(r, &line, &cerr);
    if (rc <= 0) {
        if (rc == 0)
            problem(probs, "line 1: the file is empty (expected a header: %s,%s,%s,%s)",
                    col_names[0], col_names[1], col_names[2], col_names[3]);
        else
            problem(probs, "%s", cerr.msg);
        free(r);
        return 1;
    }
    int where[COL_COUNT] = {-1, -1, -1, -1};
    size_t ncols = r->nfields;
    for (size_t i = 0; i < ncols; i++) {
        char h[64];
        sl_strlcpy(h, r->fields[i], sizeof h);
        sl_str_trim(h);
        int found = -1;
        for (int c = 0; c < COL_COUNT; c++)
            if (strcasecmp(h, col_names[c]) == 0)
                found = c;
        if (found < 0)
            problem(probs, "line %zu, column %zu: unknown column '%s' (expected %s, %s, %s, %s)",
                    line, i + 1, h, col_names[0], col_names[1], col_names[2], col_names[3]);
        else if (where[found] >= 0)
            problem(probs, "line %zu, column %zu: column '%s' appears twice", line, i + 1, h);
        else
            where[found] = (int)i;
    }
    for (int c = 0; c < COL_COUNT; c++)
        if (where[c] < 0)
            problem(probs, "line %zu: the header has no '%s' column", line, col_names[c]);
    if (probs->count > 0) {
        free(r);
        return 1;
    }

    struct row *rows = NULL;
    size_t nrows = 0, caprows = 0;
    char *nets[MAX_NETWORKS];
    for (;;) {
        rc = sl_csv_next(r, &line, &cerr);
        if (rc == 0)
            break;
        if (rc < 0) {
            problem(probs, "%s", cerr.msg);
            break; /* the reader cannot resynchronise after a quoting error */
        }
        if (r->nfields != ncols) {
            problem(probs, "line %zu: %zu fields, the header has %zu", line, r->nfields, ncols);
            continue;
        }
        if (SL_GROW(rows, caprows, nrows + 1, 64) != 0) {
            free_rows(rows, nrows);
            free(r);
            return sl_err_set(err, "out of memory");
        }
        struct row *row = &rows[nrows];
        memset(row, 0, sizeof *row);
        row->line = line;
        bool ok = check_text(probs, line, (size_t)where[COL_NAME] + 1, "name",
                             r->fields[where[COL_NAME]], row->name, sizeof row->name);
        ok &= check_text(probs, line, (size_t)where[COL_DEPARTMENT] + 1, "department",
                         r->fields[where[COL_DEPARTMENT]], row->department,
                         sizeof row->department);
        char tier[32];
        sl_strlcpy(tier, r->fields[where[COL_TIER]], sizeof tier);
        sl_str_trim(tier);
        for (char *t = tier; *t; t++)
            if (*t >= 'A' && *t <= 'Z')
                *t = (char)(*t - 'A' + 'a');
        if (sl_tier_from_name(tier, &row->tier) != 0) {
            char shown[64];
            sl_strlcpy(shown, r->fields[where[COL_TIER]], sizeof shown);
            sl_str_printable(shown);
            problem(probs,
                    "line %zu, column %d (tier): '%s' is not one of sensitive, official, public",
                    line, where[COL_TIER] + 1, shown);
            ok = false;
        }
        struct sl_err nerr = {0};
        int nn = sl_parse_networks(r->fields[where[COL_NETWORKS]], nets, MAX_NETWORKS, &nerr);
        if (nn < 0) {
            problem(probs, "line %zu, column %d (networks): %s", line, where[COL_NETWORKS] + 1,
                    nerr.msg);
            ok = false;
        } else if (ok) {
            row->networks = malloc(((size_t)nn + 1) * sizeof *row->networks);
            if (row->networks == NULL) {
                for (int k = 0; k < nn; k++)
                    free(nets[k]);
                free_rows(rows, nrows);
                free(r);
                return sl_err_set(err, "out of memory");
            }
            memcpy(row->networks, nets, (size_t)nn * sizeof *nets);
            row->n_networks = (size_t)nn;
        } else {
            for (int k = 0; k < nn; k++)
                free(nets[k]);
        }
        if (ok)
            nrows++;
    }
    free(r);

    /* Duplicate names in the file: sort pointers to the rows by name. */
    if (probs->count == 0 && nrows > 1) {
        const struct row **ptrs = malloc(nrows * sizeof *ptrs);
        if (ptrs == NULL) {
            free_rows(rows, nrows);
            return sl_err_set(err, "out of memory");
        }
        for (size_t i = 0; i < nrows; i++)
            ptrs[i] = &rows[i];
        qsort(ptrs, nrows, sizeof *ptrs, cmp_row_name);
        for (size_t i = 1; i < nrows; i++)
            if (strcmp(ptrs[i - 1]->name, ptrs[i]->name) == 0)
                problem(probs, "line %zu, column %d (name): site '%s' also on line %zu",
                        ptrs[i]->line, where[COL_NAME] + 1, ptrs[i]->name, ptrs[i - 1]->line);
        free(ptrs);
    }
    /* Names already in the register. */
    for (size_t i = 0; probs->count == 0 && i < nrows; i++) {
        struct sl_site existing;
        int got = sl_store_site_get(s, rows[i].name, &existing, err);
        if (got < 0) {
            free_rows(rows, nrows);
            return -1;
        }
        if (got > 0) {
            sl_site_free(&existing);
            problem(probs, "line %zu, column %d (name): site '%s' already exists in the register",
                    rows[i].line, where[COL_NAME] + 1, rows[i].name);
        }
    }
    if (probs->count > 0) {
        free_rows(rows, nrows);
        return 1;
    }
    if (nrows == 0) {
        free_rows(rows, nrows);
        problem(probs, "no sites in the file (only a header)");
        return 1;
    }
    if (sl_store_begin(s, err) != 0) {
        free_rows(rows, nrows);
        return -1;
    }
    for (size_t i = 0; i < nrows; i++) {
        if (sl_store_site_add(s, rows[i].name, rows[i].department, rows[i].tier,
                              (const char *const *)rows[i].networks, rows[i].n_networks, actor,
                              NULL, err) != 0) {
            sl_err_prefix(err, "line %zu", rows[i].line);
            sl_store_rollback(s);
            free_rows(rows, nrows);
            return -1;
        }
    }
    if (sl_store_commit(s, err) != 0) {
        free_rows(rows, nrows);
        return -1;
    }
    *imported = nrows;
    free_rows(rows, nrows);
    return 0;
}
