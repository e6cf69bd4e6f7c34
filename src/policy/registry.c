/* registry.c - loading the vendor registry (registry.h) and resolving names
 * against it; it decides nothing about policy. */
#include "policy/registry.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"

#define MAX_DOCS 8
#define MAX_VENDORS 256
#define MAX_BRANDS 128
#define MAX_LAWS 32
#define MAX_NAMES 1024
#define MAX_LISTINGS 256

/* A lower-cased alias or organisation substring pointing at a vendor or brand. */
struct name_ref {
    char *lower;
    int vendor; /* index or -1 */
    int brand;  /* index or -1 */
};

struct sl_registry {
    size_t n_docs;
    json_t *docs[MAX_DOCS];
    char doc_names[MAX_DOCS][64]; /* "vendors.json", for messages */
    size_t n_vendors, n_brands, n_laws, n_listings;
    struct sl_vendor vendors[MAX_VENDORS];
    const json_t *vendor_json[MAX_VENDORS];
    struct sl_brand brands[MAX_BRANDS];
    struct sl_law laws[MAX_LAWS];
    const json_t *law_json[MAX_LAWS];
    struct sl_listing listings[MAX_LISTINGS];
    size_t n_aliases, n_orgs;
    struct name_ref aliases[MAX_NAMES];
    struct name_ref orgs[MAX_NAMES];
};

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int str_list(const json_t *o, const char *key, const char **out, size_t *n,
                    const char *what, struct sl_err *err)
{
    *n = 0;
    const json_t *a = json_object_get(o, key);
    if (a == NULL)
        return 0;
    if (!json_is_array(a))
        return sl_err_set(err, "%s: '%s' must be a list of strings", what, key);
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v))
            return sl_err_set(err, "%s: '%s' must be a list of strings", what, key);
        if (*n >= SL_REG_MAX_LIST)
            return sl_err_set(err, "%s: more than %d entries in '%s'", what, SL_REG_MAX_LIST, key);
        out[(*n)++] = json_string_value(v);
    }
    return 0;
}

static char *lower_dup(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d == NULL)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        d[i] = (char)tolower((unsigned char)s[i]);
    return d;
}

static int add_names(struct name_ref *arr, size_t *n, const json_t *o, const char *key,
                     int vendor, int brand, const char *what, struct sl_err *err)
{
    const json_t *a = json_object_get(o, key);
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v) || json_string_length(v) == 0)
            return sl_err_set(err, "%s: '%s' must hold non-empty strings", what, key);
        if (*n >= MAX_NAMES)
            return sl_err_set(err, "%s: too many names", what);
        arr[*n].lower = lower_dup(json_string_value(v));
        if (arr[*n].lower == NULL)
            return sl_err_set(err, "out of memory");
        arr[*n].vendor = vendor;
        arr[*n].brand = brand;
        (*n)++;
    }
    return 0;
}

/* laws.json and vendors.json first (the camera registry), then the others by name. */
static int doc_order(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int rx = strcmp(x, "laws.json") == 0 ? 0 : strcmp(x, "vendors.json") == 0 ? 1 : 2;
    int ry = strcmp(y, "laws.json") == 0 ? 0 : strcmp(y, "vendors.json") == 0 ? 1 : 2;
    return rx != ry ? rx - ry : strcmp(x, y);
}

static int load_docs(struct sl_registry *r, const char *datadir, struct sl_err *err)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/registry", datadir);
    DIR *d = opendir(dir);
    if (d == NULL)
        return sl_err_set(err, "%s: cannot open the registry directory", dir);
    char names[MAX_DOCS][64];
    const char *order[MAX_DOCS];
    size_t n = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        if (!sl_str_ends_with(de->d_name, ".json") || de->d_name[0] == '.')
            continue;
        if (n >= MAX_DOCS || strlen(de->d_name) >= sizeof names[0]) {
            rc = sl_err_set(err, "%s: more than %d registry files, or a name too long", dir,
                            MAX_DOCS);
            break;
        }
        sl_strlcpy(names[n], de->d_name, sizeof names[n]);
        order[n] = names[n];
        n++;
    }
    closedir(d);
    if (rc != 0)
        return rc;
    qsort(order, n, sizeof order[0], doc_order);
    for (size_t i = 0; i < n; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, order[i]);
        json_error_t je;
        json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
        if (j == NULL)
            return sl_err_set(err, "%s:%d: %s", path, je.line, je.text);
        r->docs[r->n_docs] = j;
        sl_strlcpy(r->doc_names[r->n_docs], order[i], sizeof r->doc_names[0]);
        r->n_docs++;
    }
    if (r->n_docs == 0)
        return sl_err_set(err, "%s: no registry files", dir);
    return 0;
}

static int load_laws(struct sl_registry *r, const json_t *doc, const char *file,
                     struct sl_err *err)
{
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(doc, "laws"), i, e)
    {
        if (r->n_laws >= MAX_LAWS)
            return sl_err_set(err, "registry/%s: too many laws", file);
        struct sl_law *l = &r->laws[r->n_laws];
        r->law_json[r->n_laws++] = e;
        l->id = jstr(e, "id");
        l->title = jstr(e, "title");
        l->text = jstr(e, "text");
        l->source = jstr(e, "source");
        if (l->id == NULL || l->title == NULL || l->source == NULL)
            return sl_err_set(err, "registry/%s: law %zu needs id, title and source", file, i + 1);
        for (size_t k = 0; k + 1 < r->n_laws; k++)
            if (strcmp(r->laws[k].id, l->id) == 0)
                return sl_err_set(err, "registry/%s: law '%s' defined twice", file, l->id);
    }
    return 0;
}

int sl_registry_check_laws(const struct sl_registry *r, const char *const *ids, size_t n,
                           const char *what, struct sl_err *err)
{
    for (size_t k = 0; k < n; k++)
        if (sl_registry_law(r, ids[k]) == NULL)
            return sl_err_set(err, "%s: unknown law '%s'", what, ids[k]);
    return 0;
}

static int load_vendor(struct sl_registry *r, const json_t *e, const char *what,
                       struct sl_err *err)
{
    if (r->n_vendors >= MAX_VENDORS)
        return sl_err_set(err, "%s: too many vendors", what);
    int idx = (int)r->n_vendors;
    struct sl_vendor *v = &r->vendors[r->n_vendors++];
    r->vendor_json[idx] = e;
    v->name = jstr(e, "name");
    v->legal_name = jstr(e, "legal_name");
    v->country = jstr(e, "country");
    v->kind = jstr(e, "kind");
    v->source = jstr(e, "source");
    v->parent = jstr(e, "parent");
    v->parent_relation = jstr(e, "parent_relation");
    v->parent_source = jstr(e, "parent_source");
    if (v->name == NULL || v->country == NULL || v->source == NULL)
        return sl_err_set(err, "%s: needs name, country and source", what);
    if (v->parent != NULL && (v->parent_relation == NULL || v->parent_source == NULL))
        return sl_err_set(err, "%s (%s): a parent needs parent_relation and parent_source", what,
                          v->name);
    for (int k = 0; k < idx; k++)
        if (strcasecmp(r->vendors[k].name, v->name) == 0)
            return sl_err_set(err, "%s: vendor '%s' defined twice", what, v->name);
    if (str_list(e, "laws", v->laws, &v->n_laws, what, err) != 0 ||
        str_list(e, "named_in", v->named_in, &v->n_named_in, what, err) != 0 ||
        str_list(e, "brands", v->brands, &v->n_brands, what, err) != 0 ||
        add_names(r->aliases, &r->n_aliases, e, "aliases", idx, -1, what, err) != 0 ||
        add_names(r->orgs, &r->n_orgs, e, "oui_orgs", idx, -1, what, err) != 0)
        return -1;
    char who[192];
    snprintf(who, sizeof who, "%s (%s)", what, v->name);
    if (sl_registry_check_laws(r, v->laws, v->n_laws, who, err) != 0 ||
        sl_registry_check_laws(r, v->named_in, v->n_named_in, who, err) != 0)
        return -1;
    return 0;
}

static int load_brand(struct sl_registry *r, const json_t *e, const char *what,
                      struct sl_err *err)
{
    if (r->n_brands >= MAX_BRANDS)
        return sl_err_set(err, "%s: too many brands", what);
    int idx = (int)r->n_brands;
    struct sl_brand *b = &r->brands[r->n_brands++];
    b->name = jstr(e, "name");
    b->owner = jstr(e, "owner");
    b->relation = jstr(e, "relation");
    b->source = jstr(e, "source");
    if (b->name == NULL || b->relation == NULL || b->source == NULL)
        return sl_err_set(err, "%s: needs name, relation and source", what);
    if (str_list(e, "made_by", b->made_by, &b->n_made_by, what, err) != 0 ||
        add_names(r->aliases, &r->n_aliases, e, "aliases", -1, idx, what, err) != 0 ||
        add_names(r->orgs, &r->n_orgs, e, "oui_orgs", -1, idx, what, err) != 0)
        return -1;
    if (b->owner != NULL && sl_registry_vendor(r, b->owner) == NULL)
        return sl_err_set(err, "%s (%s): unknown owner '%s'", what, b->name, b->owner);
    for (size_t k = 0; k < b->n_made_by; k++)
        if (sl_registry_vendor(r, b->made_by[k]) == NULL)
            return sl_err_set(err, "%s (%s): unknown maker '%s'", what, b->name, b->made_by[k]);
    return 0;
}

/* Every parent exists and following parents ends within SL_REG_MAX_DEPTH steps. */
static int check_parents(const struct sl_registry *r, struct sl_err *err)
{
    for (size_t i = 0; i < r->n_vendors; i++) {
        const struct sl_vendor *v = &r->vendors[i];
        if (v->parent != NULL && sl_registry_vendor(r, v->parent) == NULL)
            return sl_err_set(err, "registry: vendor '%s' names an unknown parent '%s'", v->name,
                              v->parent);
        int steps = 0;
        for (const struct sl_vendor *p = v; p != NULL; p = sl_registry_parent(r, p))
            if (++steps > SL_REG_MAX_DEPTH)
                return sl_err_set(err, "registry: vendor '%s': its parents loop or run deeper "
                                       "than %d", v->name, SL_REG_MAX_DEPTH);
    }
    return 0;
}

/* A law's "names" become listings and the named vendors' named_in. */
static int load_listings(struct sl_registry *r, struct sl_err *err)
{
    for (size_t li = 0; li < r->n_laws; li++) {
        const char *law = r->laws[li].id;
        size_t i;
        const json_t *e;
        json_array_foreach(json_object_get(r->law_json[li], "names"), i, e)
        {
            const char *vn = jstr(e, "vendor");
            const char *src = jstr(e, "source");
            if (vn == NULL || src == NULL)
                return sl_err_set(err, "registry: law '%s': name %zu needs vendor and source",
                                  law, i + 1);
            struct sl_vendor *v = (struct sl_vendor *)sl_registry_vendor(r, vn);
            if (v == NULL)
                return sl_err_set(err, "registry: law '%s' names unknown vendor '%s'", law, vn);
            if (r->n_listings >= MAX_LISTINGS)
                return sl_err_set(err, "registry: more than %d listings", MAX_LISTINGS);
            r->listings[r->n_listings++] = (struct sl_listing){law, v->name, jstr(e, "since"), src};
            bool have = false;
            for (size_t k = 0; k < v->n_named_in; k++)
                have = have || strcmp(v->named_in[k], law) == 0;
            if (!have) {
                if (v->n_named_in >= SL_REG_MAX_LIST)
                    return sl_err_set(err, "registry: vendor '%s' is named in too many laws", vn);
                v->named_in[v->n_named_in++] = law;
            }
        }
    }
    return 0;
}

int sl_registry_load(struct sl_registry **out, const char *datadir, struct sl_err *err)
{
    struct sl_registry *r = calloc(1, sizeof *r);
    if (r == NULL)
        return sl_err_set(err, "out of memory");
    if (load_docs(r, datadir, err) != 0)
        goto fail;
    for (size_t d = 0; d < r->n_docs; d++)
        if (load_laws(r, r->docs[d], r->doc_names[d], err) != 0)
            goto fail;
    for (int pass = 0; pass < 2; pass++) /* all vendors first: brands name their owners */
        for (size_t d = 0; d < r->n_docs; d++) {
            size_t i;
            const json_t *e;
            json_array_foreach(json_object_get(r->docs[d], pass == 0 ? "vendors" : "brands"), i, e)
            {
                char what[128];
                snprintf(what, sizeof what, "registry/%s: %s %zu", r->doc_names[d],
                         pass == 0 ? "vendor" : "brand", i + 1);
                if ((pass == 0 ? load_vendor(r, e, what, err) : load_brand(r, e, what, err)) != 0)
                    goto fail;
            }
        }
    if (check_parents(r, err) != 0 || load_listings(r, err) != 0)
        goto fail;
    *out = r;
    return 0;
fail:
    sl_registry_free(r);
    return -1;
}

void sl_registry_free(struct sl_registry *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_aliases; i++)
        free(r->aliases[i].lower);
    for (size_t i = 0; i < r->n_orgs; i++)
        free(r->orgs[i].lower);
    for (size_t i = 0; i < r->n_docs; i++)
        json_decref(r->docs[i]);
    free(r);
}

size_t sl_registry_vendor_count(const struct sl_registry *r) { return r->n_vendors; }
const struct sl_vendor *sl_registry_vendor_at(const struct sl_registry *r, size_t i)
{
    return i < r->n_vendors ? &r->vendors[i] : NULL;
}
size_t sl_registry_brand_count(const struct sl_registry *r) { return r->n_brands; }
const struct sl_brand *sl_registry_brand_at(const struct sl_registry *r, size_t i)
{
    return i < r->n_brands ? &r->brands[i] : NULL;
}

const struct sl_vendor *sl_registry_vendor(const struct sl_registry *r, const char *name)
{
    for (size_t i = 0; i < r->n_vendors; i++)
        if (strcasecmp(r->vendors[i].name, name) == 0)
            return &r->vendors[i];
    return NULL;
}

const struct sl_brand *sl_registry_brand(const struct sl_registry *r, const char *name)
{
    for (size_t i = 0; i < r->n_brands; i++)
        if (strcasecmp(r->brands[i].name, name) == 0)
            return &r->brands[i];
    return NULL;
}

const struct sl_law *sl_registry_law(const struct sl_registry *r, const char *id)
{
    for (size_t i = 0; i < r->n_laws; i++)
        if (strcmp(r->laws[i].id, id) == 0)
            return &r->laws[i];
    return NULL;
}

static bool word_prefix(const char *label_lower, const char *alias_lower)
{
    size_t n = strlen(alias_lower);
    if (strncmp(label_lower, alias_lower, n) != 0)
        return false;
    unsigned char next = (unsigned char)label_lower[n];
    return next == '\0' || !(isalnum(next) || next >= 0x80);
}

static void lower_copy(char *dst, size_t dstsz, const char *src)
{
    size_t i = 0;
    while (src[i] == ' ' || src[i] == '\t')
        src++;
    for (; src[i] && i + 1 < dstsz; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

static bool resolve(const struct sl_registry *r, const struct name_ref *arr, size_t n,
                    const char *text, bool substring, const struct sl_vendor **v,
                    const struct sl_brand **b)
{
    char low[256];
    lower_copy(low, sizeof low, text);
    size_t best_len = 0;
    const struct name_ref *best = NULL;
    for (size_t i = 0; i < n; i++) {
        bool hit = substring ? strstr(low, arr[i].lower) != NULL : word_prefix(low, arr[i].lower);
        size_t l = strlen(arr[i].lower);
        if (hit && l > best_len) { /* the longest alias wins ("Hanwha Techwin" over "Hanwha") */
            best = &arr[i];
            best_len = l;
        }
    }
    if (v != NULL)
        *v = NULL;
    if (b != NULL)
        *b = NULL;
    if (best == NULL)
        return false;
    if (best->vendor >= 0 && v != NULL)
        *v = &r->vendors[best->vendor];
    if (best->brand >= 0 && b != NULL)
        *b = &r->brands[best->brand];
    return true;
}

bool sl_registry_resolve_label(const struct sl_registry *r, const char *label,
                               const struct sl_vendor **v, const struct sl_brand **b)
{
    return resolve(r, r->aliases, r->n_aliases, label, false, v, b);
}

bool sl_registry_resolve_org(const struct sl_registry *r, const char *org,
                             const struct sl_vendor **v, const struct sl_brand **b)
{
    return resolve(r, r->orgs, r->n_orgs, org, true, v, b);
}

const struct sl_vendor *sl_registry_brand_maker(const struct sl_registry *r,
                                                const struct sl_brand *b)
{
    if (b->owner != NULL)
        return sl_registry_vendor(r, b->owner);
    if (b->n_made_by == 1)
        return sl_registry_vendor(r, b->made_by[0]);
    return NULL;
}

const struct sl_vendor *sl_registry_parent(const struct sl_registry *r, const struct sl_vendor *v)
{
    return v->parent != NULL ? sl_registry_vendor(r, v->parent) : NULL;
}

const struct sl_listing *sl_registry_listing(const struct sl_registry *r, const char *law_id,
                                             const struct sl_vendor *v)
{
    for (size_t i = 0; i < r->n_listings; i++)
        if (strcmp(r->listings[i].law, law_id) == 0 && strcmp(r->listings[i].vendor, v->name) == 0)
            return &r->listings[i];
    return NULL;
}

const json_t *sl_registry_vendor_json(const struct sl_registry *r, const struct sl_vendor *v)
{
    size_t i = (size_t)(v - r->vendors);
    return i < r->n_vendors ? r->vendor_json[i] : NULL;
}
