/* cloud.c - cloud domain list: TSV loading and whole-label suffix look-up. */
#include "monitor/cloud.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/fnv.h"
#include "util/grow.h"
#include "util/str.h"

struct sl_cloud {
    size_t n;
    struct sl_cloud_entry *entries;
    size_t mask;     /* table size - 1 (a power of two) */
    int32_t *table;  /* index into entries, -1 = empty */
};

static const struct sl_cloud_entry *lookup(const struct sl_cloud *c, const char *s, size_t n)
{
    for (size_t i = sl_fnv1a64(s, n) & c->mask;; i = (i + 1) & c->mask) {
        int32_t k = c->table[i];
        if (k < 0)
            return NULL;
        const struct sl_cloud_entry *e = &c->entries[k];
        if (strlen(e->domain) == n && memcmp(e->domain, s, n) == 0)
            return e;
    }
}

const struct sl_cloud_entry *sl_cloud_match(const struct sl_cloud *c, const char *name)
{
    if (c == NULL || c->n == 0 || name == NULL)
        return NULL;
    size_t n = strlen(name);
    if (n > 0 && name[n - 1] == '.')
        n--;
    /* Try the whole name, then each suffix after a dot: the first hit is the longest. */
    const char *p = name;
    for (int labels = 0; labels < 128 && n > 0; labels++) {
        const struct sl_cloud_entry *e = lookup(c, p, n);
        if (e != NULL)
            return e;
        const char *dot = memchr(p, '.', n);
        if (dot == NULL)
            break;
        n -= (size_t)(dot + 1 - p);
        p = dot + 1;
    }
    return NULL;
}

static int valid_domain(const char *d)
{
    size_t n = strlen(d);
    if (n == 0 || n >= 128 || d[0] == '.' || d[n - 1] == '.' || strstr(d, "..") != NULL)
        return 0;
    for (const char *p = d; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
              *p == '_'))
            return 0;
    }
    return 1;
}

/* One data line (NUL-terminated, in buf): checked, then added. 0, or -1 with err. */
static int add_line(struct sl_cloud *c, size_t *cap, char *buf, const char *name, size_t line,
                    struct sl_err *err)
{
    char *f[5] = {buf, NULL, NULL, NULL, NULL};
    int nf = 1;
    for (char *q = buf; *q && nf < 5; q++) {
        if (*q == '\t') {
            *q = '\0';
            f[nf++] = q + 1;
        }
    }
    if (nf != 5)
        return sl_err_set(err, "%s: line %zu: expected 5 tab-separated fields (domain, vendor, "
                               "service, kind, source), got %d", name, line, nf);
    for (char *q = f[0]; *q; q++) {
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    }
    if (!valid_domain(f[0]))
        return sl_err_set(err, "%s: line %zu: '%s' is not a domain name", name, line, f[0]);
    if (strcmp(f[3], "cloud") != 0 && strcmp(f[3], "p2p") != 0 && strcmp(f[3], "ddns") != 0 &&
        strcmp(f[3], "vendor") != 0 && strcmp(f[3], "telematics") != 0)
        return sl_err_set(err, "%s: line %zu: kind must be cloud, p2p, ddns, vendor or telematics",
                          name, line);
    if (f[1][0] == '\0' || f[2][0] == '\0' || f[4][0] == '\0')
        return sl_err_set(err, "%s: line %zu: vendor, service and source are required", name,
                          line);
    if (c->n == SL_CLOUD_MAX_ENTRIES)
        return sl_err_set(err, "%s: more than %d entries", name, SL_CLOUD_MAX_ENTRIES);
    if (SL_GROW(c->entries, *cap, c->n + 1, 32) != 0)
        return sl_err_set(err, "out of memory");
    struct sl_cloud_entry *e = &c->entries[c->n];
    memset(e, 0, sizeof *e);
    sl_strlcpy(e->domain, f[0], sizeof e->domain);
    sl_strlcpy(e->vendor, f[1], sizeof e->vendor);
    sl_strlcpy(e->service, f[2], sizeof e->service);
    sl_strlcpy(e->kind, f[3], sizeof e->kind);
    sl_strlcpy(e->source, f[4], sizeof e->source);
    e->index = (unsigned)c->n;
    c->n++;
    return 0;
}

/* The look-up table: open addressing, at most half full; a domain listed
 * twice is an error. */
static int index_entries(struct sl_cloud *c, const char *name, struct sl_err *err)
{
    size_t size = 16;
    while (size < c->n * 2)
        size *= 2;
    c->mask = size - 1;
    c->table = malloc(size * sizeof *c->table);
    if (c->table == NULL)
        return sl_err_set(err, "out of memory");
    for (size_t i = 0; i < size; i++)
        c->table[i] = -1;
    for (size_t k = 0; k < c->n; k++) {
        const char *d = c->entries[k].domain;
        if (lookup(c, d, strlen(d)) != NULL)
            return sl_err_set(err, "%s: domain '%s' is listed twice", name, d);
        size_t i = sl_fnv1a64(d, strlen(d)) & c->mask;
        while (c->table[i] >= 0)
            i = (i + 1) & c->mask;
        c->table[i] = (int32_t)k;
    }
    return 0;
}

int sl_cloud_parse(struct sl_cloud **out, const char *text, size_t len, const char *name,
                   struct sl_err *err)
{
    struct sl_cloud *c = calloc(1, sizeof *c);
    if (c == NULL)
        return sl_err_set(err, "out of memory");
    size_t cap = 0, line = 0;
    const char *p = text, *end = text + len;
    int rc = 0;
    while (p < end && rc == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        line++;
        char buf[1024];
        if (n >= sizeof buf) {
            rc = sl_err_set(err, "%s: line %zu: too long", name, line);
            break;
        }
        memcpy(buf, p, n);
        buf[n] = '\0';
        p = nl != NULL ? nl + 1 : end;
        if (n > 0 && buf[n - 1] == '\r')
            buf[n - 1] = '\0';
        if (buf[0] == '#' || sl_str_trim(buf)[0] == '\0')
            continue;
        rc = add_line(c, &cap, buf, name, line, err);
    }
    if (rc == 0)
        rc = index_entries(c, name, err);
    if (rc != 0) {
        sl_cloud_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

int sl_cloud_load(struct sl_cloud **out, const char *path, struct sl_err *err)
{
    size_t len;
    char *text = sl_read_file(path, 4u << 20, &len, err);
    if (text == NULL)
        return -1;
    int rc = sl_cloud_parse(out, text, len, path, err);
    free(text);
    return rc;
}

void sl_cloud_free(struct sl_cloud *c)
{
    if (c == NULL)
        return;
    free(c->entries);
    free(c->table);
    free(c);
}

size_t sl_cloud_count(const struct sl_cloud *c)
{
    return c != NULL ? c->n : 0;
}
