/* oui.c - MAC prefixes of the registry's vendors from Debian's ieee-data CSVs and
 * the curated supplement (oui.h). Names nobody from a rebadger's prefix. */
#include "ident/oui.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/registry.h"
#include "proto/mac.h"
#include "util/csv.h"
#include "util/file.h"
#include "util/grow.h"
#include "util/str.h"

#define IEEE_MAX_BYTES (64u << 20)

struct sl_oui {
    size_t n, cap;
    struct sl_oui_entry *e; /* sorted by (bits desc, prefix) after load */
    char source[256];
};

static int add(struct sl_oui *o, uint64_t prefix, uint8_t bits, const char *org,
               const struct sl_registry *reg)
{
    const struct sl_vendor *v;
    const struct sl_brand *b;
    if (!sl_registry_resolve_org(reg, org, &v, &b))
        return 0;
    if (SL_GROW(o->e, o->cap, o->n + 1, 256) != 0)
        return -1;
    struct sl_oui_entry *e = &o->e[o->n++];
    e->prefix = prefix;
    e->bits = bits;
    e->owner = v != NULL ? v->name : b->name;
    e->is_brand = v == NULL;
    sl_strlcpy(e->org, org, sizeof e->org);
    return 1;
}

static int parse_hex(const char *s, size_t digits, uint64_t *out)
{
    if (strlen(s) != digits)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < digits; i++) {
        int d = sl_hex_digit((unsigned char)s[i]);
        if (d < 0)
            return -1;
        v = v << 4 | (uint64_t)d;
    }
    *out = v;
    return 0;
}

/* Reads one ieee-data CSV: Registry,Assignment,Organization Name,Address. */
static long load_csv(struct sl_oui *o, const char *path, size_t digits,
                     const struct sl_registry *reg, struct sl_csv_reader *rd)
{
    size_t len;
    char *data = sl_read_file(path, IEEE_MAX_BYTES, &len, NULL);
    if (data == NULL)
        return -1;
    sl_csv_reader_init(rd, data, len);
    long kept = 0;
    size_t line;
    int rc;
    bool header = true;
    while ((rc = sl_csv_next(rd, &line, NULL)) == 1) {
        if (header) {
            header = false;
            continue;
        }
        if (rd->nfields < 3)
            continue;
        uint64_t prefix;
        if (parse_hex(rd->fields[1], digits, &prefix) != 0)
            continue;
        int a = add(o, prefix, (uint8_t)(digits * 4), rd->fields[2], reg);
        if (a < 0) {
            kept = -2;
            break;
        }
        kept += a;
    }
    free(data);
    return kept;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct sl_oui_entry *x = a, *y = b;
    if (x->bits != y->bits)
        return x->bits > y->bits ? -1 : 1;
    return x->prefix < y->prefix ? -1 : x->prefix > y->prefix;
}

int sl_oui_load(struct sl_oui **out, const char *datadir, const struct sl_registry *reg,
                struct sl_err *err)
{
    struct sl_oui *o = calloc(1, sizeof *o);
    struct sl_csv_reader *rd = malloc(sizeof *rd);
    if (o == NULL || rd == NULL) {
        free(o);
        free(rd);
        return sl_err_set(err, "out of memory");
    }
    const char *dir = getenv("SIGHTLINE_IEEE_DATA");
    if (dir == NULL || *dir == '\0')
        dir = "/usr/share/ieee-data";
    static const struct {
        const char *file;
        size_t digits;
    } files[] = {{"oui.csv", 6}, {"mam.csv", 7}, {"oui36.csv", 9}, {"iab.csv", 9}};
    long ieee = 0;
    int found = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, files[i].file);
        long k = load_csv(o, path, files[i].digits, reg, rd);
        if (k == -2) {
            free(rd);
            sl_oui_free(o);
            return sl_err_set(err, "out of memory");
        }
        if (k >= 0) {
            found++;
            ieee += k;
        }
    }
    free(rd);

    char path[1024];
    snprintf(path, sizeof path, "%s/oui-supplement.json", datadir);
    json_error_t je;
    json_t *sup = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (sup == NULL) {
        sl_oui_free(o);
        return sl_err_set(err, "%s:%d: %s", path, je.line, je.text);
    }
    long extra = 0;
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(sup, "entries"), i, e)
    {
        const char *p = json_string_value(json_object_get(e, "prefix"));
        const char *org = json_string_value(json_object_get(e, "org"));
        const char *src = json_string_value(json_object_get(e, "source"));
        char hex[16];
        size_t k = 0;
        for (const char *c = p; c != NULL && *c && k + 1 < sizeof hex; c++)
            if (*c != ':' && *c != '-')
                hex[k++] = *c;
        hex[k] = '\0';
        uint64_t prefix;
        if (org == NULL || src == NULL || (k != 6 && k != 7 && k != 9) ||
            parse_hex(hex, k, &prefix) != 0) {
            json_decref(sup);
            sl_oui_free(o);
            return sl_err_set(err, "%s: entry %zu needs prefix (6, 7 or 9 hex digits), org, source",
                              path, i + 1);
        }
        int a = add(o, prefix, (uint8_t)(k * 4), org, reg);
        if (a == 0) {
            json_decref(sup);
            sl_oui_free(o);
            return sl_err_set(err, "%s: entry %zu: organisation '%s' matches no registry vendor",
                              path, i + 1, org);
        }
        extra += a > 0;
    }
    json_decref(sup);
    qsort(o->e, o->n, sizeof *o->e, cmp_entry);
    snprintf(o->source, sizeof o->source, "%s %s (%ld prefixes) + oui-supplement (%ld)",
             found ? "ieee-data" : "no ieee-data at", dir, ieee, extra);
    *out = o;
    return 0;
}

void sl_oui_free(struct sl_oui *o)
{
    if (o == NULL)
        return;
    free(o->e);
    free(o);
}

const struct sl_oui_entry *sl_oui_lookup(const struct sl_oui *o, uint64_t mac)
{
    static const uint8_t widths[] = {36, 28, 24};
    for (size_t w = 0; w < 3; w++) {
        uint64_t key = mac >> (48 - widths[w]);
        size_t lo = 0, hi = o->n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            const struct sl_oui_entry *e = &o->e[mid];
            int c = e->bits != widths[w] ? (e->bits > widths[w] ? -1 : 1)
                    : e->prefix < key    ? -1
                    : e->prefix > key    ? 1
                                         : 0;
            if (c == 0)
                return e;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    return NULL;
}

size_t sl_oui_count(const struct sl_oui *o) { return o->n; }
const char *sl_oui_source(const struct sl_oui *o) { return o->source; }
