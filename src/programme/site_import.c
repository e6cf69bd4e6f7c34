/* site_import.c - the CSV site list, checked whole and then written in one
 * transaction (site_import.h). Checks and writes sites; touches no device. */
#include "programme/site_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sitenet.h"
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
        unsigned minp = c.addr.v4 ? SL_SITE_NET_MIN_V4 : SL_SITE_NET_MIN_V6;
        if (c.prefix < minp) {
            sl_err_set(err, "'%s' is too large for a site (a site network is at most an %s /%u)",
                       tok, c.addr.v4 ? "IPv4" : "IPv6", minp);
            goto fail;
        }
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

/* Checks a name-like field and copies it into dst; false (and a problem) when bad. */
static bool check_text(struct sl_import_problems *probs, size_t line, size_t colno,
                       const char *colname, char *value, char *dst, size_t dstsz)
{
    /* A name 'sites list --csv' wrote as '=... (formula guard) reads back as =... */
    const char *plain = sl_csv_unneutralise(value);
    if (plain != value)
        memmove(value, plain, strlen(plain) + 1);
    if (!sl_problem_text(probs, line, colno, colname, value, dstsz - 1, true))
        return false;
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

/* One import: the reader, where each column is, the rows read so far. */
struct import {
    struct sl_csv_reader r;
    int where[COL_COUNT];
    size_t ncols, line;
    struct row *rows;
    size_t nrows, caprows;
    struct sl_import_problems *probs;
};

/* The header: which column holds what. false when it is unusable (problems noted). */
static bool read_header(struct import *im)
{
    struct sl_import_problems *probs = im->probs;
    struct sl_err cerr = {0};
    int rc = sl_csv_next(&im->r, &im->line, &cerr);
    if (rc <= 0) {
        if (rc == 0)
            sl_problem(probs, "line 1: the file is empty (expected a header: %s,%s,%s,%s)",
                       col_names[0], col_names[1], col_names[2], col_names[3]);
        else
            sl_problem(probs, "%s", cerr.msg);
        return false;
    }
    im->ncols = im->r.nfields;
    sl_csv_map_header(&im->r, im->line, col_names, COL_COUNT, NULL, im->where, probs);
    sl_csv_name_columns(&im->r, col_names, im->where, COL_COUNT);
    return probs->count == 0;
}

/* The tier field, any case. false when it names none (problem noted). */
static bool read_tier(struct import *im, struct row *row)
{
    const char *field = im->r.fields[im->where[COL_TIER]];
    char tier[32];
    sl_strlcpy(tier, field, sizeof tier);
    sl_str_trim(tier);
    for (char *t = tier; *t; t++)
        if (*t >= 'A' && *t <= 'Z')
            *t = (char)(*t - 'A' + 'a');
    if (sl_tier_from_name(tier, &row->tier) == 0)
        return true;
    char shown[64];
    sl_strlcpy(shown, field, sizeof shown);
    sl_str_printable(shown);
    sl_problem(im->probs,
               "line %zu, column %d (tier): '%s' is not one of sensitive, official, public",
               im->line, im->where[COL_TIER] + 1, shown);
    return false;
}

/* The networks field into the row (only when the rest of it is fine). 1 fine,
 * 0 a problem noted, -1 out of memory. */
static int read_networks(struct import *im, struct row *row, bool ok)
{
    char *nets[MAX_NETWORKS];
    struct sl_err nerr = {0};
    int nn = sl_parse_networks(im->r.fields[im->where[COL_NETWORKS]], nets, MAX_NETWORKS, &nerr);
    if (nn < 0) {
        sl_problem(im->probs, "line %zu, column %d (networks): %s", im->line,
                   im->where[COL_NETWORKS] + 1, nerr.msg);
        return 0;
    }
    if (ok)
        row->networks = malloc(((size_t)nn + 1) * sizeof *row->networks);
    if (!ok || row->networks == NULL) {
        for (int k = 0; k < nn; k++)
            free(nets[k]);
        return ok ? -1 : 0;
    }
    memcpy(row->networks, nets, (size_t)nn * sizeof *nets);
    row->n_networks = (size_t)nn;
    return 1;
}

/* One data row, checked field by field; kept when every field is good. 0, or -1
 * (out of memory). */
static int read_row(struct import *im, struct sl_err *err)
{
    if (im->r.nfields != im->ncols) {
        sl_problem(im->probs, "line %zu: %zu fields, the header has %zu", im->line, im->r.nfields,
                   im->ncols);
        return 0;
    }
    if (SL_GROW(im->rows, im->caprows, im->nrows + 1, 64) != 0)
        return sl_err_set(err, "out of memory");
    struct row *row = &im->rows[im->nrows];
    memset(row, 0, sizeof *row);
    row->line = im->line;
    const int *w = im->where;
    bool ok = check_text(im->probs, im->line, (size_t)w[COL_NAME] + 1, "name",
                         im->r.fields[w[COL_NAME]], row->name, sizeof row->name);
    ok &= check_text(im->probs, im->line, (size_t)w[COL_DEPARTMENT] + 1, "department",
                     im->r.fields[w[COL_DEPARTMENT]], row->department, sizeof row->department);
    ok &= read_tier(im, row);
    int nets = read_networks(im, row, ok);
    if (nets < 0)
        return sl_err_set(err, "out of memory");
    if (nets > 0)
        im->nrows++;
    return 0;
}

/* Names given twice in the file, then names the register has already. 0, or -1. */
static int check_names(struct sl_store *s, struct import *im, struct sl_err *err)
{
    int name_col = im->where[COL_NAME] + 1;
    if (im->nrows > 1) {
        const struct row **ptrs = malloc(im->nrows * sizeof *ptrs);
        if (ptrs == NULL)
            return sl_err_set(err, "out of memory");
        for (size_t i = 0; i < im->nrows; i++)
            ptrs[i] = &im->rows[i];
        qsort(ptrs, im->nrows, sizeof *ptrs, cmp_row_name);
        for (size_t i = 1; i < im->nrows; i++)
            if (strcmp(ptrs[i - 1]->name, ptrs[i]->name) == 0)
                sl_problem(im->probs, "line %zu, column %d (name): site '%s' also on line %zu",
                           ptrs[i]->line, name_col, ptrs[i]->name, ptrs[i - 1]->line);
        free(ptrs);
    }
    for (size_t i = 0; im->probs->count == 0 && i < im->nrows; i++) {
        struct sl_site existing;
        int got = sl_store_site_get(s, im->rows[i].name, &existing, err);
        if (got < 0)
            return -1;
        if (got > 0) {
            sl_site_free(&existing);
            sl_problem(im->probs,
                       "line %zu, column %d (name): site '%s' already exists in the register",
                       im->rows[i].line, name_col, im->rows[i].name);
        }
    }
    return 0;
}

/* A network some site already has: the register's (line 0) or the file's. */
struct known_net {
    struct sl_cidr c;
    char site[SL_NAME_MAX];
    size_t line;
};

struct known {
    struct known_net *v;
    size_t n, cap;
    bool oom;
};

static int known_add(struct known *k, const char *net, const char *site, size_t line)
{
    struct sl_cidr c;
    if (sl_cidr_parse(net, &c, NULL) != 0)
        return 0; /* a register network this version cannot read: nothing to compare */
    if (SL_GROW(k->v, k->cap, k->n + 1, 64) != 0)
        return -1;
    k->v[k->n].c = c;
    sl_strlcpy(k->v[k->n].site, site, sizeof k->v[k->n].site);
    k->v[k->n++].line = line;
    return 0;
}

static int known_site(const struct sl_site *site, void *vctx)
{
    struct known *k = vctx;
    for (size_t i = 0; i < site->n_networks; i++)
        if (known_add(k, site->networks[i], site->name, 0) != 0) {
            k->oom = true;
            return 1;
        }
    return 0;
}

/* The register's site networks into k. 0, or -1 (err). */
static int known_register(struct sl_store *s, struct known *k, struct sl_err *err)
{
    if (sl_store_site_list(s, known_site, k, err) != 0)
        return -1;
    return k->oom ? sl_err_set(err, "out of memory") : 0;
}

/* One new site's networks against the known ones (other sites only): the same
 * network is a problem, an overlap a note. where: "line 7, column 4
 * (networks)" or "--network". */
static void compare_nets(const struct known *k, const char *name, char *const *nets, size_t n,
                         const char *where, struct sl_import_problems *probs)
{
    for (size_t i = 0; i < n; i++) {
        struct sl_cidr c;
        if (sl_cidr_parse(nets[i], &c, NULL) != 0)
            continue;
        for (size_t j = 0; j < k->n; j++) {
            const struct known_net *o = &k->v[j];
            if (strcmp(o->site, name) == 0 || !sl_cidr_overlap(&c, &o->c))
                continue;
            char at[48] = " (in the register)";
            if (o->line > 0)
                snprintf(at, sizeof at, " (line %zu)", o->line);
            char on[SL_CIDR_STRLEN];
            sl_cidr_format(&o->c, on);
            if (c.prefix == o->c.prefix)
                sl_problem(probs, "%s: %s is already a network of site '%s'%s; a network "
                           "belongs to one site", where, nets[i], o->site, at);
            else
                sl_note(probs, "%s: %s overlaps %s of site '%s'%s; a device there belongs "
                        "to the site of the more specific network", where, nets[i], on,
                        o->site, at);
        }
    }
}

int sl_site_check_networks(struct sl_store *s, const char *name, char *const *nets, size_t n,
                           struct sl_import_problems *probs, struct sl_err *err)
{
    struct known k = {0};
    if (known_register(s, &k, err) != 0) {
        free(k.v);
        return -1;
    }
    compare_nets(&k, name, nets, n, "--network", probs);
    free(k.v);
    return 0;
}

/* Every row's networks against the register's and the earlier rows'. 0, or -1. */
static int check_networks(struct sl_store *s, struct import *im, struct sl_err *err)
{
    struct known k = {0};
    int rc = known_register(s, &k, err);
    for (size_t i = 0; rc == 0 && i < im->nrows; i++) {
        const struct row *row = &im->rows[i];
        char where[64];
        snprintf(where, sizeof where, "line %zu, column %d (networks)", row->line,
                 im->where[COL_NETWORKS] + 1);
        compare_nets(&k, row->name, row->networks, row->n_networks, where, im->probs);
        for (size_t j = 0; rc == 0 && j < row->n_networks; j++)
            if (known_add(&k, row->networks[j], row->name, row->line) != 0)
                rc = sl_err_set(err, "out of memory");
    }
    free(k.v);
    return rc;
}

/* Every row in one transaction. 0, or -1 (nothing written). */
static int write_sites(struct sl_store *s, const struct import *im, const char *actor,
                       struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    for (size_t i = 0; i < im->nrows; i++) {
        const struct row *row = &im->rows[i];
        if (sl_store_site_add(s, row->name, row->department, row->tier,
                              (const char *const *)row->networks, row->n_networks, actor, NULL,
                              err) != 0) {
            sl_err_prefix(err, "line %zu", row->line);
            sl_store_rollback(s);
            return -1;
        }
    }
    return sl_store_commit(s, err);
}

/* Reads and checks the whole file. 0 (rows ready), 1 (problems), -1 (err). */
static int read_all(struct sl_store *s, struct import *im, struct sl_err *err)
{
    if (!read_header(im))
        return 1;
    for (;;) {
        struct sl_err cerr = {0};
        int rc = sl_csv_next(&im->r, &im->line, &cerr);
        if (rc == 0)
            break;
        if (rc < 0) {
            sl_problem(im->probs, "%s", cerr.msg);
            break; /* the reader cannot resynchronise after a quoting error */
        }
        if (read_row(im, err) != 0)
            return -1;
    }
    if (im->probs->count == 0 && check_names(s, im, err) != 0)
        return -1;
    if (im->probs->count == 0 && check_networks(s, im, err) != 0)
        return -1;
    if (im->probs->count > 0)
        return 1;
    if (im->nrows == 0) {
        sl_problem(im->probs, "no sites in the file (only a header)");
        return 1;
    }
    return 0;
}

int sl_site_import_csv(struct sl_store *s, const char *data, size_t len, const char *actor,
                       size_t *imported, struct sl_import_problems *probs, struct sl_err *err)
{
    memset(probs, 0, sizeof *probs);
    *imported = 0;
    struct import *im = calloc(1, sizeof *im);
    if (im == NULL)
        return sl_err_set(err, "out of memory");
    sl_csv_reader_init(&im->r, data, len);
    im->probs = probs;
    int rc = read_all(s, im, err);
    if (rc == 0)
        rc = write_sites(s, im, actor, err);
    if (rc == 0)
        *imported = im->nrows;
    free_rows(im->rows, im->nrows);
    free(im);
    return rc;
}
