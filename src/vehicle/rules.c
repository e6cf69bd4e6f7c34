/* rules.c - loading the vehicle rules (data/vehicle/) into the tables
 * vin.c, imei.c and names.c match against; it matches nothing itself. */
#include "vehicle/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"
#include "vehicle/rules_internal.h"

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *load_doc(const char *datadir, const char *file, struct sl_err *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/vehicle/%s", datadir, file);
    json_error_t je;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL)
        sl_err_set(err, "%s:%d: %s", path, je.line, je.text);
    return j;
}

/* A new rule slot with id, source and examples checked. */
static struct sl_vrule *new_rule(struct sl_vrules *vr, const json_t *e, enum sl_vrule_kind kind,
                                 const char *file, struct sl_err *err)
{
    if (vr->n_rules >= SL_VR_MAX_RULES) {
        sl_err_set(err, "vehicle/%s: more than %d rules", file, SL_VR_MAX_RULES);
        return NULL;
    }
    struct sl_vrule *r = &vr->rules[vr->n_rules];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->id = jstr(e, "id");
    r->source = jstr(e, "source");
    r->examples = json_object_get(e, "examples");
    if (r->id == NULL || r->source == NULL || !json_is_object(r->examples) ||
        json_array_size(json_object_get(r->examples, "positive")) == 0 ||
        json_array_size(json_object_get(r->examples, "negative")) == 0) {
        sl_err_set(err, "vehicle/%s: rule %s needs an id, a source and positive and negative "
                        "examples", file, r->id != NULL ? r->id : "(no id)");
        return NULL;
    }
    if (sl_vrules_find(vr, r->id) != NULL) {
        sl_err_set(err, "vehicle/%s: rule '%s' defined twice", file, r->id);
        return NULL;
    }
    vr->n_rules++;
    return r;
}

static int set_match(struct sl_vrule *r, const char *text)
{
    r->match = strdup(text);
    return r->match != NULL ? 0 : -1;
}

/* The rule's vendor (and brand) from "vendor"/"brand"; the vendor must be in the registry. */
static int rule_vendor(struct sl_vrules *vr, struct sl_vrule *r, const json_t *e,
                       const char *file, struct sl_err *err)
{
    const char *vn = jstr(e, "vendor");
    r->vendor = vn != NULL ? sl_registry_vendor(vr->reg, vn) : NULL;
    if (r->vendor == NULL)
        return sl_err_set(err, "vehicle/%s: rule %s: vendor '%s' is not in the registry", file,
                          r->id, vn != NULL ? vn : "(none)");
    r->brand = jstr(e, "brand");
    return 0;
}

static int code_cmp(const void *a, const void *b)
{
    return strcmp(((const struct sl_vr_code *)a)->code, ((const struct sl_vr_code *)b)->code);
}

const struct sl_vrule *sl_vr_lookup(const struct sl_vr_code *tab, size_t n, const char *code)
{
    struct sl_vr_code key;
    sl_strlcpy(key.code, code, sizeof key.code);
    const struct sl_vr_code *hit = bsearch(&key, tab, n, sizeof *tab, code_cmp);
    return hit != NULL ? hit->rule : NULL;
}

/* Sorts a code table and refuses duplicates. */
static int sort_codes(struct sl_vr_code *tab, size_t n, const char *file, struct sl_err *err)
{
    qsort(tab, n, sizeof *tab, code_cmp);
    for (size_t i = 1; i < n; i++)
        if (strcmp(tab[i - 1].code, tab[i].code) == 0)
            return sl_err_set(err, "vehicle/%s: '%s' listed twice", file, tab[i].code);
    return 0;
}

static int syntax_rule(struct sl_vrules *vr, const json_t *e, const char *file,
                       const struct sl_vrule **slot, struct sl_err *err)
{
    struct sl_vrule *r = new_rule(vr, e, SL_VRULE_SYNTAX, file, err);
    if (r == NULL)
        return -1;
    *slot = r;
    return set_match(r, strcmp(file, "wmi.json") == 0   ? "a 17-character VIN"
                        : strcmp(file, "tac.json") == 0 ? "a 15-digit IMEI"
                                                        : "a site vehicle rule");
}

static int load_regions(struct sl_vrules *vr, const json_t *doc, struct sl_err *err)
{
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(json_object_get(doc, "regions"), "list"), i, e)
    {
        const char *first = jstr(e, "first"), *name = jstr(e, "name");
        if (first == NULL || name == NULL)
            return sl_err_set(err, "vehicle/wmi.json: region %zu needs first and name", i + 1);
        for (const char *c = first; *c; c++)
            if ((unsigned char)*c < 128)
                vr->region_of[(unsigned char)*c] = name;
    }
    json_array_foreach(json_object_get(json_object_get(doc, "countries"), "list"), i, e)
    {
        if (vr->n_countries >= SL_VR_MAX_COUNTRIES)
            return sl_err_set(err, "vehicle/wmi.json: too many country ranges");
        struct sl_vr_country *c = &vr->countries[vr->n_countries++];
        const char *from = jstr(e, "from"), *to = jstr(e, "to");
        c->country = jstr(e, "country");
        c->name = jstr(e, "name");
        if (from == NULL || to == NULL || strlen(from) != 2 || strlen(to) != 2 || from[0] != to[0] ||
            c->country == NULL || c->name == NULL)
            return sl_err_set(err, "vehicle/wmi.json: country range %zu is malformed", i + 1);
        memcpy(c->from, from, 3);
        memcpy(c->to, to, 3);
    }
    const json_t *cd = json_object_get(doc, "check_digit"), *my = json_object_get(doc, "model_year");
    vr->check_required = jstr(cd, "required_first");
    vr->year_codes = jstr(my, "codes");
    vr->pos7_first = jstr(my, "position7_first");
    vr->first_cycle = (int)json_integer_value(json_object_get(my, "first_cycle"));
    if (vr->check_required == NULL || jstr(cd, "source") == NULL || vr->year_codes == NULL ||
        vr->pos7_first == NULL || vr->first_cycle < 1950 || jstr(my, "source") == NULL)
        return sl_err_set(err, "vehicle/wmi.json: check_digit and model_year need their "
                               "fields and sources");
    return 0;
}

/* What a table of code rules (WMIs, TACs) looks like in its file. */
struct code_spec {
    const char *file, *list, *key, *label; /* "wmi.json", "wmis", "wmi", "WMI" */
    size_t len;                            /* characters of a code */
    bool digits;                           /* digits only */
    const char *text;                      /* the field it names: "maker" or "model" */
    enum sl_vrule_kind kind;
};

static int load_codes(struct sl_vrules *vr, const json_t *doc, const struct code_spec *cs,
                      struct sl_vr_code **tab, size_t *n, struct sl_err *err)
{
    const json_t *list = json_object_get(doc, cs->list);
    *tab = calloc(json_array_size(list) + 1, sizeof **tab);
    if (*tab == NULL)
        return sl_err_set(err, "out of memory");
    size_t i;
    const json_t *e;
    json_array_foreach(list, i, e)
    {
        struct sl_vrule *r = new_rule(vr, e, cs->kind, cs->file, err);
        const char *code = jstr(e, cs->key), *text = jstr(e, cs->text);
        if (r == NULL || rule_vendor(vr, r, e, cs->file, err) != 0)
            return -1;
        if (code == NULL || strlen(code) != cs->len || text == NULL ||
            (cs->digits && strspn(code, "0123456789") != cs->len))
            return sl_err_set(err, "vehicle/%s: rule %s needs a %zu-%s %s and a %s", cs->file,
                              r->id, cs->len, cs->digits ? "digit" : "character", cs->key,
                              cs->text);
        *(cs->kind == SL_VRULE_WMI ? &r->maker : &r->model) = text;
        sl_strlcpy((*tab)[*n].code, code, sizeof (*tab)[0].code);
        (*tab)[(*n)++].rule = r;
        char m[24];
        snprintf(m, sizeof m, "%s %s", cs->label, code);
        if (set_match(r, m) != 0)
            return sl_err_set(err, "out of memory");
    }
    return sort_codes(*tab, *n, cs->file, err);
}

static int load_wmi(struct sl_vrules *vr, struct sl_err *err)
{
    static const struct code_spec cs = {"wmi.json", "wmis", "wmi", "WMI", 3, false, "maker",
                                        SL_VRULE_WMI};
    const json_t *doc = vr->wmi_doc;
    if (load_regions(vr, doc, err) != 0 ||
        syntax_rule(vr, json_object_get(doc, "syntax"), "wmi.json", &vr->vin_syntax, err) != 0)
        return -1;
    return load_codes(vr, doc, &cs, &vr->wmi, &vr->n_wmi, err);
}

static int load_tac(struct sl_vrules *vr, struct sl_err *err)
{
    static const struct code_spec cs = {"tac.json", "tacs", "tac", "TAC", 8, true, "model",
                                        SL_VRULE_TAC};
    const json_t *doc = vr->tac_doc;
    if (syntax_rule(vr, json_object_get(doc, "syntax"), "tac.json", &vr->imei_syntax, err) != 0)
        return -1;
    return load_codes(vr, doc, &cs, &vr->tac, &vr->n_tac, err);
}

static int add_name(struct sl_vrules *vr, struct sl_vr_name **arr, size_t *n, const char *text,
                    bool model, const struct sl_vrule *r, struct sl_err *err)
{
    if (*n >= SL_VR_MAX_NAMES)
        return sl_err_set(err, "vehicle/suppliers.json: more than %d names", SL_VR_MAX_NAMES);
    struct sl_vr_name *x = &(*arr)[*n];
    memset(x, 0, sizeof *x);
    x->rule = r;
    char buf[SL_VNAME_MAX + 4];
    if (model) { /* model prefixes: upper case, as written */
        sl_strlcpy(buf, text, sizeof buf);
        for (char *c = buf; *c; c++)
            if (*c >= 'a' && *c <= 'z')
                *c = (char)(*c - 'a' + 'A');
        size_t bl = strlen(buf);
        x->any_tail = bl > 0 && buf[bl - 1] == '*';
        if (x->any_tail)
            buf[bl - 1] = '\0';
    } else {
        x->start_only = text[0] == '^';
        sl_vr_normalise(x->start_only ? text + 1 : text, buf, sizeof buf);
        for (const char *c = buf; *c; c++)
            x->literal = x->literal || (unsigned char)*c >= 0x80;
    }
    x->len = strlen(buf);
    if (x->len < (model ? 2u : 3u)) /* " x " at least */
        return sl_err_set(err, "vehicle/suppliers.json: rule %s: name '%s' is too short", r->id,
                          text);
    x->text = strdup(buf);
    if (x->text == NULL)
        return sl_err_set(err, "out of memory");
    (*n)++;
    (void)vr;
    return 0;
}

static int load_supplier_rule(struct sl_vrules *vr, const json_t *e, struct sl_err *err)
{
    struct sl_vrule *r = new_rule(vr, e, SL_VRULE_SUPPLIER, "suppliers.json", err);
    if (r == NULL || rule_vendor(vr, r, e, "suppliers.json", err) != 0)
        return -1;
    const json_t *names = json_object_get(e, "names"), *models = json_object_get(e, "models");
    if (json_array_size(names) == 0)
        return sl_err_set(err, "vehicle/suppliers.json: rule %s needs names", r->id);
    char desc[512] = "names:";
    size_t i;
    const json_t *v;
    json_array_foreach(names, i, v)
    {
        if (!json_is_string(v) ||
            add_name(vr, &vr->names, &vr->n_names, json_string_value(v), false, r, err) != 0)
            return err->msg[0] ? -1 : sl_err_set(err, "vehicle/suppliers.json: %s: bad name", r->id);
        size_t used = strlen(desc);
        snprintf(desc + used, sizeof desc - used, "%s %s", i ? "," : "", json_string_value(v));
    }
    json_array_foreach(models, i, v)
    {
        if (!json_is_string(v) ||
            add_name(vr, &vr->models, &vr->n_models, json_string_value(v), true, r, err) != 0)
            return err->msg[0] ? -1 : sl_err_set(err, "vehicle/suppliers.json: %s: bad model", r->id);
        size_t used = strlen(desc);
        snprintf(desc + used, sizeof desc - used, "%s %s", i ? "," : "; models:",
                 json_string_value(v));
    }
    return set_match(r, desc) != 0 ? sl_err_set(err, "out of memory") : 0;
}

static int load_suppliers(struct sl_vrules *vr, struct sl_err *err)
{
    vr->names = calloc(SL_VR_MAX_NAMES, sizeof *vr->names);
    vr->models = calloc(SL_VR_MAX_NAMES, sizeof *vr->models);
    if (vr->names == NULL || vr->models == NULL)
        return sl_err_set(err, "out of memory");
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(vr->sup_doc, "rules"), i, e)
        if (load_supplier_rule(vr, e, err) != 0)
            return -1;
    struct sl_vrule *r = new_rule(vr, json_object_get(vr->sup_doc, "registry_fallback"),
                                  SL_VRULE_SUPPLIER, "suppliers.json", err);
    if (r == NULL)
        return -1;
    vr->registry_alias = r;
    return set_match(r, "a registry alias starting the name (data/registry)") != 0
               ? sl_err_set(err, "out of memory")
               : 0;
}

static int load_site(struct sl_vrules *vr, struct sl_err *err)
{
    const json_t *d = vr->site_doc;
    if (jstr(d, "id") == NULL || jstr(d, "title") == NULL || jstr(d, "date") == NULL ||
        jstr(d, "source") == NULL)
        return sl_err_set(err, "vehicle/site-rule.json: needs id, title, date and source");
    static const char *const keys[2] = {"nexus_countries", "nexus_laws"};
    size_t *counts[2] = {&vr->n_nexus_countries, &vr->n_nexus_laws};
    const char **lists[2] = {vr->nexus_countries, vr->nexus_laws};
    for (int k = 0; k < 2; k++) {
        size_t i;
        const json_t *v;
        json_array_foreach(json_object_get(d, keys[k]), i, v)
        {
            if (!json_is_string(v) || *counts[k] >= SL_REG_MAX_LIST)
                return sl_err_set(err, "vehicle/site-rule.json: bad %s", keys[k]);
            lists[k][(*counts[k])++] = json_string_value(v);
            if (k == 1 && sl_registry_law(vr->reg, json_string_value(v)) == NULL)
                return sl_err_set(err, "vehicle/site-rule.json: unknown law '%s'",
                                  json_string_value(v));
        }
    }
    /* Its examples are the rule grammar's: a syntax rule of its own. */
    json_t *syn = json_pack("{s:s, s:s, s:O}", "id", "site.syntax", "source", jstr(d, "source"),
                            "examples", json_object_get(d, "examples"));
    if (syn == NULL)
        return sl_err_set(err, "vehicle/site-rule.json: needs examples");
    json_object_set_new(vr->site_doc, "_syntax", syn); /* kept alive with the document */
    return syntax_rule(vr, syn, "site-rule.json", &vr->site_syntax, err);
}

int sl_vrules_load(struct sl_vrules **out, const char *datadir, const struct sl_registry *reg,
                   struct sl_err *err)
{
    struct sl_vrules *vr = calloc(1, sizeof *vr);
    if (vr == NULL)
        return sl_err_set(err, "out of memory");
    vr->reg = reg;
    vr->rules = calloc(SL_VR_MAX_RULES, sizeof *vr->rules);
    if (vr->rules == NULL) {
        free(vr);
        return sl_err_set(err, "out of memory");
    }
    if ((vr->wmi_doc = load_doc(datadir, "wmi.json", err)) == NULL ||
        (vr->tac_doc = load_doc(datadir, "tac.json", err)) == NULL ||
        (vr->sup_doc = load_doc(datadir, "suppliers.json", err)) == NULL ||
        (vr->site_doc = load_doc(datadir, "site-rule.json", err)) == NULL ||
        load_wmi(vr, err) != 0 || load_tac(vr, err) != 0 || load_suppliers(vr, err) != 0 ||
        load_site(vr, err) != 0) {
        sl_vrules_free(vr);
        return -1;
    }
    *out = vr;
    return 0;
}

void sl_vrules_free(struct sl_vrules *vr)
{
    if (vr == NULL)
        return;
    for (size_t i = 0; i < vr->n_rules; i++)
        free((char *)vr->rules[i].match);
    for (size_t i = 0; i < vr->n_names; i++)
        free(vr->names[i].text);
    for (size_t i = 0; i < vr->n_models; i++)
        free(vr->models[i].text);
    free(vr->names);
    free(vr->models);
    free(vr->wmi);
    free(vr->tac);
    free(vr->rules);
    json_decref(vr->wmi_doc);
    json_decref(vr->tac_doc);
    json_decref(vr->sup_doc);
    json_decref(vr->site_doc);
    free(vr);
}

size_t sl_vrules_count(const struct sl_vrules *vr) { return vr->n_rules; }

const struct sl_vrule *sl_vrules_at(const struct sl_vrules *vr, size_t i)
{
    return i < vr->n_rules ? &vr->rules[i] : NULL;
}

const struct sl_vrule *sl_vrules_find(const struct sl_vrules *vr, const char *id)
{
    for (size_t i = 0; i < vr->n_rules; i++)
        if (vr->rules[i].id != NULL && strcmp(vr->rules[i].id, id) == 0)
            return &vr->rules[i];
    return NULL;
}

const struct sl_registry *sl_vrules_registry(const struct sl_vrules *vr) { return vr->reg; }

const char *sl_vrule_kind_name(enum sl_vrule_kind k)
{
    static const char *const names[] = {"syntax", "wmi", "tac", "supplier"};
    return (unsigned)k < 4 ? names[k] : "?";
}

const json_t *sl_vrules_site_rule_doc(const struct sl_vrules *vr) { return vr->site_doc; }

bool sl_vrules_nexus(const struct sl_vrules *vr, const struct sl_vendor *v,
                     const struct sl_vendor **via)
{
    int steps = 0;
    for (const struct sl_vendor *x = v; x != NULL && steps < SL_REG_MAX_DEPTH;
         x = sl_registry_parent(vr->reg, x), steps++) {
        bool hit = false;
        for (size_t i = 0; i < vr->n_nexus_countries && !hit; i++)
            hit = strcmp(x->country, vr->nexus_countries[i]) == 0;
        for (size_t i = 0; i < vr->n_nexus_laws && !hit; i++)
            for (size_t k = 0; k < x->n_laws && !hit; k++)
                hit = strcmp(x->laws[k], vr->nexus_laws[i]) == 0;
        if (hit) {
            if (via != NULL)
                *via = x;
            return true;
        }
    }
    return false;
}
