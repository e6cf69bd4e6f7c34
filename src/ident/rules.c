/* rules.c - the rule files loaded, checked and indexed by field (rules.h).
 * Matches nothing itself (ident.c does). */
#include "ident/rules.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/registry.h"
#include "util/fnv.h"
#include "util/grow.h"
#include "util/str.h"

#define MAX_RULES 4096
#define MAX_FILES 64
#define INDEX_SLOTS 1024 /* power of two, > 2x the distinct field names */

struct slot {
    const char *key;
    uint32_t *idx;
    size_t n, cap;
};

struct sl_ruleset {
    size_t n;
    struct sl_rule *rules;
    size_t n_docs;
    json_t *docs[MAX_FILES];
    char *files[MAX_FILES];
    struct slot index[INDEX_SLOTS];
    char **kept; /* strings of rules added from other tools' data (sl_rules_keep) */
    size_t n_kept, cap_kept;
};

static const char *const op_names[] = {
    [SL_OP_EQUALS] = "equals", [SL_OP_PREFIX] = "prefix",       [SL_OP_SUFFIX] = "suffix",
    [SL_OP_CONTAINS] = "contains", [SL_OP_REGEX] = "regex", [SL_OP_HEXPREFIX] = "hexprefix",
    [SL_OP_PRESENT] = "present",
};

static const char *const device_types[] = {"camera", "nvr",    "dvr",    "encoder",
                                           "doorbell", "intercom", "router", "printer",
                                           "server", "workstation", "switch", "access-point",
                                           "phone", "nas", "access-control", NULL};

const char *sl_rule_op_name(enum sl_rule_op op)
{
    return (unsigned)op <= SL_OP_PRESENT ? op_names[op] : "?";
}

static struct slot *slot_for(struct sl_ruleset *rs, const char *key, bool create)
{
    size_t h = sl_fnv1a64_str(key) & (INDEX_SLOTS - 1);
    for (size_t probe = 0; probe < INDEX_SLOTS; probe++) {
        struct slot *s = &rs->index[(h + probe) & (INDEX_SLOTS - 1)];
        if (s->key == NULL) {
            if (!create)
                return NULL;
            s->key = key;
            return s;
        }
        if (strcmp(s->key, key) == 0)
            return s;
    }
    return NULL;
}

const uint32_t *sl_rules_for_field(const struct sl_ruleset *rs, const char *field, size_t *n)
{
    struct slot *s = slot_for((struct sl_ruleset *)rs, field, false);
    if (s == NULL) {
        *n = 0;
        return NULL;
    }
    *n = s->n;
    return s->idx;
}

static char *lower_dup(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d != NULL)
        for (size_t i = 0; i <= n; i++)
            d[i] = (char)tolower((unsigned char)s[i]);
    return d;
}

static int decode_hex(const char *s, uint8_t **out, size_t *len)
{
    size_t n = strlen(s);
    uint8_t *b = malloc(n / 2 + 1);
    if (b == NULL)
        return -1;
    size_t k = 0;
    int hi = -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ')
            continue;
        int v = sl_hex_digit((unsigned char)s[i]);
        if (v < 0) {
            free(b);
            return -1;
        }
        if (hi < 0) {
            hi = v;
        } else {
            b[k++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0 || k == 0) {
        free(b);
        return -1;
    }
    *out = b;
    *len = k;
    return 0;
}

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool valid_template(const char *t, size_t groups)
{
    for (const char *p = t; *p; p++)
        if (*p == '$' && p[1] >= '0' && p[1] <= '9' && (size_t)(p[1] - '0') > groups)
            return false;
    return true;
}

/* The test of a rule or of one of its conditions: match, pattern, nocase. */
static int parse_test(struct sl_rule_test *t, const json_t *j, const char *file, const char *id,
                      size_t *groups, struct sl_err *err)
{
    const char *op = jstr(j, "match");
    int opi = -1;
    for (int i = 0; op != NULL && i <= SL_OP_PRESENT; i++)
        if (strcmp(op, op_names[i]) == 0)
            opi = i;
    if (opi < 0)
        return sl_err_set(err, "%s: rule '%s': match must be equals, prefix, suffix, contains, "
                               "regex, hexprefix or present",
                          file, id);
    t->op = (enum sl_rule_op)opi;
    t->nocase = json_is_true(json_object_get(j, "nocase"));
    t->pattern = jstr(j, "pattern");
    if (t->op != SL_OP_PRESENT && (t->pattern == NULL || t->pattern[0] == '\0'))
        return sl_err_set(err, "%s: rule '%s': needs a pattern", file, id);
    if (t->pattern == NULL)
        t->pattern = "";
    t->pattern_len = strlen(t->pattern);
    t->pattern_lc = lower_dup(t->pattern);
    if (t->pattern_lc == NULL)
        return sl_err_set(err, "out of memory");
    if (t->op == SL_OP_REGEX) {
        char why[160];
        if (sl_re_compile(&t->re, t->pattern, t->pattern_len,
                          SL_RE_DOTALL | SL_RE_ENDONLY | (t->nocase ? SL_RE_NOCASE : 0), why,
                          sizeof why) != 0)
            return sl_err_set(err, "%s: rule '%s': bad regex: %s", file, id, why);
        *groups = sl_re_groups(t->re);
        if (*groups >= SL_RULE_MAX_GROUPS)
            return sl_err_set(err, "%s: rule '%s': more than 9 regex groups", file, id);
    } else if (t->op == SL_OP_HEXPREFIX) {
        if (decode_hex(t->pattern, &t->bytes, &t->bytes_len) != 0)
            return sl_err_set(err, "%s: rule '%s': hexprefix pattern must be hex digits", file,
                              id);
    }
    return 0;
}

static void free_test(struct sl_rule_test *t)
{
    free(t->pattern_lc);
    free(t->bytes);
    sl_re_free(t->re);
    memset(t, 0, sizeof *t);
}

/* Where a rule looks: protocols, port and the fields it reads. */
static int parse_where(struct sl_rule *r, const json_t *j, const char *file, struct sl_err *err)
{
    const json_t *pj = json_object_get(j, "proto");
    if (json_is_string(pj)) {
        enum sl_proto p;
        if (sl_proto_from_name(json_string_value(pj), &p) != 0)
            return sl_err_set(err, "%s: rule '%s': unknown proto '%s'", file, r->id,
                              json_string_value(pj));
        r->proto_mask = 1u << p;
    } else if (json_is_array(pj)) {
        size_t i;
        const json_t *v;
        json_array_foreach(pj, i, v)
        {
            enum sl_proto p;
            if (!json_is_string(v) || sl_proto_from_name(json_string_value(v), &p) != 0)
                return sl_err_set(err, "%s: rule '%s': unknown proto in list", file, r->id);
            r->proto_mask |= 1u << p;
        }
    } else if (pj != NULL) {
        return sl_err_set(err, "%s: rule '%s': proto must be a name or a list", file, r->id);
    }
    const json_t *port = json_object_get(j, "port");
    if (port != NULL) {
        if (!json_is_integer(port) || json_integer_value(port) < 1 ||
            json_integer_value(port) > 65535)
            return sl_err_set(err, "%s: rule '%s': port must be 1..65535", file, r->id);
        r->port = (uint16_t)json_integer_value(port);
    }

    const json_t *fj = json_object_get(j, "field");
    if (json_is_string(fj)) {
        r->fields[r->n_fields++] = json_string_value(fj);
    } else if (json_is_array(fj)) {
        size_t i;
        const json_t *v;
        json_array_foreach(fj, i, v)
        {
            if (!json_is_string(v) || r->n_fields >= SL_RULE_MAX_FIELDS)
                return sl_err_set(err, "%s: rule '%s': field must be up to %d names", file,
                                  r->id, SL_RULE_MAX_FIELDS);
            r->fields[r->n_fields++] = json_string_value(v);
        }
    }
    if (r->n_fields == 0)
        return sl_err_set(err, "%s: rule '%s': needs a field", file, r->id);
    return 0;
}

/* The further conditions (also) a rule needs, each a field and a test. */
static int parse_also(struct sl_rule *r, const json_t *j, const char *file, struct sl_err *err)
{
    const json_t *also = json_object_get(j, "also");
    if (also != NULL && (!json_is_array(also) || json_array_size(also) > SL_RULE_MAX_ALSO))
        return sl_err_set(err, "%s: rule '%s': also must be a list of up to %d conditions", file,
                          r->id, SL_RULE_MAX_ALSO);
    size_t ai;
    const json_t *aj;
    json_array_foreach(also, ai, aj)
    {
        struct sl_rule_cond *c = &r->also[r->n_also++];
        c->field = jstr(aj, "field");
        size_t g = 0;
        if (c->field == NULL)
            return sl_err_set(err, "%s: rule '%s': a condition needs a field", file, r->id);
        if (parse_test(&c->t, aj, file, r->id, &g, err) != 0)
            return -1;
    }
    return 0;
}

/* What a match yields (maker, brand, type, templates) and its weights, checked
 * against the registry and the pattern's groups. */
static int parse_yield(struct sl_rule *r, const json_t *j, const char *file, size_t groups,
                       const struct sl_registry *reg, struct sl_err *err)
{
    const json_t *w = json_object_get(j, "weight");
    r->weight = json_is_number(w) ? json_number_value(w) : 0.0;
    if (r->weight < 0.0 || r->weight > 1.0)
        return sl_err_set(err, "%s: rule '%s': weight must be in 0..1", file, r->id);
    r->y.maker = jstr(j, "maker");
    r->y.brand = jstr(j, "brand");
    r->y.device_type = jstr(j, "device_type");
    r->y.model = jstr(j, "model");
    r->y.firmware = jstr(j, "firmware");
    r->y.serial = jstr(j, "serial");
    r->y.mac = jstr(j, "mac");
    r->y.label = jstr(j, "label");
    const json_t *rank = json_object_get(j, "rank");
    r->y.rank = json_is_integer(rank) ? (int)json_integer_value(rank) : 1;
    const json_t *tw = json_object_get(j, "type_weight");
    r->y.type_weight = json_is_number(tw) ? json_number_value(tw) : r->weight > 0 ? r->weight : 0.5;
    if (r->y.maker != NULL && r->weight <= 0.0)
        return sl_err_set(err, "%s: rule '%s': a maker needs a weight > 0", file, r->id);
    if (r->y.maker == NULL && r->y.label == NULL && r->y.brand == NULL && r->weight > 0.0)
        return sl_err_set(err, "%s: rule '%s': a weight needs a maker, brand or label", file,
                          r->id);
    if (reg != NULL && r->y.maker != NULL && sl_registry_vendor(reg, r->y.maker) == NULL)
        return sl_err_set(err, "%s: rule '%s': maker '%s' is not in the vendor registry", file,
                          r->id, r->y.maker);
    if (reg != NULL && r->y.brand != NULL && sl_registry_brand(reg, r->y.brand) == NULL)
        return sl_err_set(err, "%s: rule '%s': brand '%s' is not in the vendor registry", file,
                          r->id, r->y.brand);
    if (r->y.device_type != NULL) {
        bool ok = false;
        for (size_t i = 0; device_types[i] != NULL; i++)
            ok = ok || strcmp(device_types[i], r->y.device_type) == 0;
        if (!ok)
            return sl_err_set(err, "%s: rule '%s': unknown device_type '%s'", file, r->id,
                              r->y.device_type);
    }
    const char *tpls[] = {r->y.model, r->y.firmware, r->y.serial, r->y.mac, r->y.label};
    for (size_t i = 0; i < sizeof tpls / sizeof tpls[0]; i++)
        if (tpls[i] != NULL && !valid_template(tpls[i], groups))
            return sl_err_set(err, "%s: rule '%s': template '%s' names a missing regex group",
                              file, r->id, tpls[i]);
    return 0;
}

/* At least one positive and one negative example; a whole record among the
 * positives when the rule has conditions. */
static int check_examples(struct sl_rule *r, const json_t *j, const char *file,
                          struct sl_err *err)
{
    r->examples = json_object_get(j, "examples");
    const json_t *posx = json_object_get(r->examples, "positive");
    const json_t *neg = json_object_get(r->examples, "negative");
    if (json_array_size(posx) == 0 || json_array_size(neg) == 0)
        return sl_err_set(err, "%s: rule '%s': needs at least one positive and one negative "
                               "example",
                          file, r->id);
    bool whole = false;
    size_t k;
    const json_t *ex;
    json_array_foreach(posx, k, ex) whole = whole || json_is_object(ex);
    if (r->n_also > 0 && !whole)
        return sl_err_set(err, "%s: rule '%s': a rule with conditions (also) needs a whole "
                               "evidence record among its positive examples",
                          file, r->id);
    return 0;
}

static int parse_rule(struct sl_rule *r, const json_t *j, const char *file, size_t pos,
                      const struct sl_registry *reg, struct sl_err *err)
{
    memset(r, 0, sizeof *r);
    r->file = file;
    r->id = jstr(j, "id");
    if (r->id == NULL || r->id[0] == '\0' || strlen(r->id) >= SL_RULE_ID_MAX)
        return sl_err_set(err, "%s: rule %zu: needs an id shorter than %d characters", file, pos,
                          SL_RULE_ID_MAX);
    r->description = jstr(j, "description");
    r->source = jstr(j, "source");
    if (r->source == NULL || r->description == NULL)
        return sl_err_set(err, "%s: rule '%s': needs a description and a source", file, r->id);
    if (parse_where(r, j, file, err) != 0)
        return -1;
    size_t groups = 0;
    if (parse_test(&r->t, j, file, r->id, &groups, err) != 0)
        return -1;
    if (parse_also(r, j, file, err) != 0 || parse_yield(r, j, file, groups, reg, err) != 0)
        return -1;
    return check_examples(r, j, file, err);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Indexes rule i under each of its fields. */
static int index_rule(struct sl_ruleset *rs, size_t i, struct sl_err *err)
{
    const struct sl_rule *r = &rs->rules[i];
    for (size_t k = 0; k < r->n_fields; k++) {
        struct slot *s = slot_for(rs, r->fields[k], true);
        if (s == NULL)
            return sl_err_set(err, "rule index full");
        if (SL_GROW(s->idx, s->cap, s->n + 1, 4) != 0)
            return sl_err_set(err, "out of memory");
        s->idx[s->n++] = (uint32_t)i;
    }
    return 0;
}

int sl_rules_load(struct sl_ruleset **out, const char *datadir, const struct sl_registry *reg,
                  struct sl_err *err)
{
    struct sl_ruleset *rs = calloc(1, sizeof *rs);
    if (rs == NULL)
        return sl_err_set(err, "out of memory");
    rs->rules = calloc(MAX_RULES, sizeof *rs->rules);
    if (rs->rules == NULL) {
        free(rs);
        return sl_err_set(err, "out of memory");
    }
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/rules", datadir);
    DIR *d = opendir(dir);
    if (d == NULL) {
        sl_rules_free(rs);
        return sl_err_set(err, "%s: cannot open rule directory", dir);
    }
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        if (!sl_str_ends_with(de->d_name, ".json"))
            continue;
        if (rs->n_docs >= MAX_FILES) {
            rc = sl_err_set(err, "%s: more than %d rule files", dir, MAX_FILES);
            break;
        }
        rs->files[rs->n_docs++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(rs->files, rs->n_docs, sizeof rs->files[0], by_name);
    for (size_t f = 0; f < rs->n_docs && rc == 0; f++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, rs->files[f]);
        json_error_t je;
        rs->docs[f] = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
        if (rs->docs[f] == NULL) {
            rc = sl_err_set(err, "%s:%d: %s", path, je.line, je.text);
            break;
        }
        const json_t *arr = json_object_get(rs->docs[f], "rules");
        if (!json_is_array(arr)) {
            rc = sl_err_set(err, "%s: needs a \"rules\" list", path);
            break;
        }
        size_t i;
        const json_t *j;
        json_array_foreach(arr, i, j)
        {
            if (rs->n >= MAX_RULES) {
                rc = sl_err_set(err, "%s: more than %d rules", path, MAX_RULES);
                break;
            }
            struct sl_rule *r = &rs->rules[rs->n];
            if (parse_rule(r, j, rs->files[f], i + 1, reg, err) != 0) {
                rs->n++; /* so that free releases what it allocated */
                rc = -1;
                break;
            }
            rs->n++;
            if (sl_rules_find(rs, r->id) != r) {
                rc = sl_err_set(err, "%s: duplicate rule id '%s'", rs->files[f], r->id);
                break;
            }
            if (index_rule(rs, rs->n - 1, err) != 0) {
                rc = -1;
                break;
            }
        }
    }
    if (rc != 0) {
        sl_rules_free(rs);
        return -1;
    }
    *out = rs;
    return 0;
}

void sl_rules_free(struct sl_ruleset *rs)
{
    if (rs == NULL)
        return;
    for (size_t i = 0; i < rs->n; i++) {
        free_test(&rs->rules[i].t);
        for (size_t k = 0; k < rs->rules[i].n_also; k++)
            free_test(&rs->rules[i].also[k].t);
    }
    for (size_t i = 0; i < INDEX_SLOTS; i++)
        free(rs->index[i].idx);
    for (size_t i = 0; i < rs->n_kept; i++)
        free(rs->kept[i]);
    free(rs->kept);
    for (size_t i = 0; i < rs->n_docs; i++) {
        json_decref(rs->docs[i]);
        free(rs->files[i]);
    }
    free(rs->rules);
    free(rs);
}

const char *sl_rules_keep(struct sl_ruleset *rs, const char *str)
{
    if (SL_GROW(rs->kept, rs->cap_kept, rs->n_kept + 1, 64) != 0)
        return NULL;
    char *c = strdup(str);
    if (c != NULL)
        rs->kept[rs->n_kept++] = c;
    return c;
}

int sl_rules_add(struct sl_ruleset *rs, const struct sl_rule *r, struct sl_err *err)
{
    if (rs->n >= MAX_RULES)
        return sl_err_set(err, "more than %d rules", MAX_RULES);
    if (sl_rules_find(rs, r->id) != NULL)
        return sl_err_set(err, "duplicate rule id '%s'", r->id);
    rs->rules[rs->n++] = *r;
    return index_rule(rs, rs->n - 1, err);
}

size_t sl_rules_count(const struct sl_ruleset *rs) { return rs->n; }

const struct sl_rule *sl_rules_at(const struct sl_ruleset *rs, size_t i)
{
    return i < rs->n ? &rs->rules[i] : NULL;
}

const struct sl_rule *sl_rules_find(const struct sl_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->rules[i].id, id) == 0)
            return &rs->rules[i];
    return NULL;
}

size_t sl_rules_index_of(const struct sl_ruleset *rs, const struct sl_rule *r)
{
    return (size_t)(r - rs->rules);
}

static bool eq_nocase(const char *a, const char *b, size_t n)
{
    return strncasecmp(a, b, n) == 0;
}

static void clear_groups(struct sl_span *groups)
{
    if (groups != NULL)
        for (int i = 0; i < SL_RULE_MAX_GROUPS; i++)
            groups[i].so = groups[i].eo = -1;
}

bool sl_rule_test_value(const struct sl_rule_test *t, struct sl_re_scratch *scratch,
                        const char *value, size_t len, const char *value_lc,
                        struct sl_span groups[SL_RULE_MAX_GROUPS])
{
    clear_groups(groups);
    size_t m = t->pattern_len;
    switch (t->op) {
    case SL_OP_PRESENT: return true;
    case SL_OP_EQUALS:
        return len == m && (t->nocase ? eq_nocase(value, t->pattern, m)
                                      : memcmp(value, t->pattern, m) == 0);
    case SL_OP_PREFIX:
        return len >= m && (t->nocase ? eq_nocase(value, t->pattern, m)
                                      : memcmp(value, t->pattern, m) == 0);
    case SL_OP_SUFFIX:
        return len >= m && (t->nocase ? eq_nocase(value + len - m, t->pattern, m)
                                      : memcmp(value + len - m, t->pattern, m) == 0);
    case SL_OP_CONTAINS:
        if (!t->nocase)
            return memmem(value, len, t->pattern, m) != NULL;
        if (value_lc != NULL)
            return memmem(value_lc, len, t->pattern_lc, m) != NULL;
        return sl_memcasemem(value, len, t->pattern) != NULL;
    case SL_OP_HEXPREFIX:
        return len >= t->bytes_len && memcmp(value, t->bytes, t->bytes_len) == 0;
    case SL_OP_REGEX:
        return sl_re_match(t->re, scratch, value, len, groups,
                           groups != NULL ? SL_RULE_MAX_GROUPS : 0) == 1;
    }
    return false;
}

bool sl_rule_match(const struct sl_rule *r, struct sl_re_scratch *scratch, const char *value,
                   size_t len, const char *value_lc, struct sl_span groups[SL_RULE_MAX_GROUPS])
{
    return sl_rule_test_value(&r->t, scratch, value, len, value_lc, groups);
}

void sl_rule_expand(const char *tpl, const char *value, const struct sl_span *groups, char *out,
                    size_t outsz)
{
    size_t w = 0;
    if (outsz == 0)
        return;
    for (const char *p = tpl; *p && w + 1 < outsz; p++) {
        if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
            int g = p[1] - '0';
            p++;
            const char *src = NULL;
            size_t n = 0;
            if (g == 0 && (groups == NULL || groups[0].so < 0)) {
                src = value;
                n = strlen(value);
            } else if (groups != NULL && groups[g].so >= 0) {
                src = value + groups[g].so;
                n = (size_t)(groups[g].eo - groups[g].so);
            }
            if (g == 0 && groups != NULL && groups[0].so >= 0 && tpl[0] == '$' &&
                tpl[2] == '\0') {
                /* "$0" alone means the whole field value, not just the matched part */
                src = value;
                n = strlen(value);
            }
            for (size_t i = 0; i < n && w + 1 < outsz; i++)
                out[w++] = src[i];
        } else {
            out[w++] = *p;
        }
    }
    out[w] = '\0';
    sl_str_trim(out);
}
