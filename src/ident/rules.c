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

#define MAX_RULES 2048
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
};

static const char *const op_names[] = {
    [SL_OP_EQUALS] = "equals", [SL_OP_PREFIX] = "prefix",       [SL_OP_SUFFIX] = "suffix",
    [SL_OP_CONTAINS] = "contains", [SL_OP_REGEX] = "regex", [SL_OP_HEXPREFIX] = "hexprefix",
    [SL_OP_PRESENT] = "present",
};

static const char *const device_types[] = {"camera", "nvr",    "dvr",    "encoder",
                                           "doorbell", "intercom", "router", "printer",
                                           "server", "workstation", "switch", "access-point",
                                           "phone", "nas", NULL};

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

/* The longest run of literal characters that every match of an extended
 * regex must contain (outside groups and brackets, not made optional by a
 * quantifier), or NULL when there is none of at least 2 characters or the
 * pattern has a top-level alternation. Used to skip regexec cheaply. */
static char *required_literal(const char *pat, bool lower)
{
    char best[128] = "", run[128] = "";
    size_t bl = 0, rl = 0;
    int depth = 0;
    for (const char *p = pat; *p; p++) {
        char lit = 0;
        bool is_lit = false;
        switch (*p) {
        case '\\':
            if (p[1] != '\0' && strchr(".[]()*+?{}|^$\\/-", p[1]) != NULL) {
                lit = p[1];
                is_lit = true;
            }
            if (p[1] != '\0')
                p++;
            break;
        case '[':
            p++;
            if (*p == '^')
                p++;
            if (*p == ']')
                p++;
            while (*p && *p != ']')
                p++;
            if (*p == '\0')
                return NULL;
            break;
        case '(': depth++; break;
        case ')': depth--; break;
        case '|':
            if (depth == 0)
                return NULL;
            break;
        case '*':
        case '?':
            if (rl > 0)
                rl--; /* the previous character may be absent */
            break;
        case '{':
            if (rl > 0)
                rl--;
            while (*p && *p != '}')
                p++;
            if (*p == '\0')
                return NULL;
            break;
        case '+':
        case '.':
        case '^':
        case '$': break;
        default:
            lit = *p;
            is_lit = true;
            break;
        }
        if (is_lit && depth == 0 && rl + 1 < sizeof run) {
            run[rl++] = lower ? (char)tolower((unsigned char)lit) : lit;
            continue;
        }
        if (rl > bl) {
            memcpy(best, run, rl);
            bl = rl;
        }
        rl = 0;
    }
    if (rl > bl) {
        memcpy(best, run, rl);
        bl = rl;
    }
    if (bl < 2)
        return NULL;
    best[bl] = '\0';
    return strdup(best);
}

static void set_bit(uint8_t *bm, unsigned char c, bool nocase)
{
    bm[c >> 3] |= (uint8_t)(1u << (c & 7));
    if (nocase) {
        unsigned char u = (unsigned char)toupper(c), l = (unsigned char)tolower(c);
        bm[u >> 3] |= (uint8_t)(1u << (u & 7));
        bm[l >> 3] |= (uint8_t)(1u << (l & 7));
    }
}

/* The bytes the first character of one alternative can be, from *pp; moves
 * *pp past that first item. Returns false when it cannot tell. */
static bool first_of_item(const char **pp, uint8_t *bm, bool nocase)
{
    const char *p = *pp;
    if (*p == '\\') {
        if (p[1] == '\0' || strchr(".[]()*+?{}|^$\\/-", p[1]) == NULL)
            return false;
        set_bit(bm, (unsigned char)p[1], nocase);
        p += 2;
    } else if (*p == '[') {
        p++;
        if (*p == '^')
            return false;
        bool firstc = true;
        while (*p && (*p != ']' || firstc)) {
            firstc = false;
            if (*p == '[')
                return false; /* [:alpha:] and friends */
            unsigned char lo = (unsigned char)*p;
            if (p[1] == '-' && p[2] && p[2] != ']') {
                unsigned char hi = (unsigned char)p[2];
                for (unsigned c = lo; c <= hi; c++)
                    set_bit(bm, (unsigned char)c, nocase);
                p += 3;
            } else {
                set_bit(bm, lo, nocase);
                p++;
            }
        }
        if (*p != ']')
            return false;
        p++;
    } else if (*p == '(' || *p == '.' || *p == '\0' || strchr("*+?{|)$^", *p) != NULL) {
        return false;
    } else {
        set_bit(bm, (unsigned char)*p, nocase);
        p++;
    }
    if (*p == '*' || *p == '?' || *p == '{')
        return false; /* the item may be absent */
    *pp = p;
    return true;
}

/* For "^X..." or "^(A...|B...)...": the set of first bytes of any match. */
static bool first_bytes(const char *pat, bool nocase, uint8_t bm[32])
{
    memset(bm, 0, 32);
    if (pat[0] != '^')
        return false;
    const char *p = pat + 1;
    if (*p != '(')
        return first_of_item(&p, bm, nocase);
    /* a group of alternatives, each starting with a plain item */
    int depth = 0;
    const char *q = p + 1;
    if (!first_of_item(&q, bm, nocase))
        return false;
    for (const char *r = p; *r; r++) {
        if (*r == '\\' && r[1]) {
            r++;
            continue;
        }
        if (*r == '[') {
            while (*r && *r != ']')
                r++;
            if (!*r)
                return false;
            continue;
        }
        if (*r == '(')
            depth++;
        else if (*r == ')') {
            if (--depth == 0) {
                /* the group must not be optional */
                return !(r[1] == '?' || r[1] == '*' || r[1] == '{');
            }
        } else if (*r == '|' && depth == 1) {
            const char *a = r + 1;
            if (!first_of_item(&a, bm, nocase))
                return false;
        }
    }
    return false;
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

/* Long: every field of one rule, checked in the order docs/identify.md lists
 * them. Left whole while issue 10 moves rule regexes to PCRE2, which rewrites
 * this function's pattern half. */
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

    const char *op = jstr(j, "match");
    int opi = -1;
    for (int i = 0; op != NULL && i <= SL_OP_PRESENT; i++)
        if (strcmp(op, op_names[i]) == 0)
            opi = i;
    if (opi < 0)
        return sl_err_set(err, "%s: rule '%s': match must be equals, prefix, suffix, contains, "
                               "regex, hexprefix or present",
                          file, r->id);
    r->op = (enum sl_rule_op)opi;
    r->nocase = json_is_true(json_object_get(j, "nocase"));
    r->pattern = jstr(j, "pattern");
    if (r->op != SL_OP_PRESENT && (r->pattern == NULL || r->pattern[0] == '\0'))
        return sl_err_set(err, "%s: rule '%s': needs a pattern", file, r->id);
    if (r->pattern == NULL)
        r->pattern = "";
    r->pattern_len = strlen(r->pattern);
    r->pattern_lc = lower_dup(r->pattern);
    if (r->pattern_lc == NULL)
        return sl_err_set(err, "out of memory");
    size_t groups = 0;
    if (r->op == SL_OP_REGEX) {
        int rc = regcomp(&r->re, r->pattern, REG_EXTENDED | (r->nocase ? REG_ICASE : 0));
        if (rc != 0) {
            char msg[128];
            regerror(rc, &r->re, msg, sizeof msg);
            return sl_err_set(err, "%s: rule '%s': bad regex: %s", file, r->id, msg);
        }
        r->has_re = true;
        groups = r->re.re_nsub;
        unsigned long upto;
        char tail;
        if (sscanf(r->pattern, "^(.{1,%lu})$%c", &upto, &tail) == 1 && upto > 0)
            r->any_upto = upto;
        r->needle = required_literal(r->pattern, r->nocase);
        r->has_first = first_bytes(r->pattern, r->nocase, r->first);
        struct sl_simplere tmp;
        if (r->any_upto == 0 && sl_simplere_compile(&tmp, r->pattern, r->nocase)) {
            r->simple = malloc(sizeof *r->simple);
            if (r->simple == NULL)
                return sl_err_set(err, "out of memory");
            *r->simple = tmp;
        }
        r->needle_len = r->needle != NULL ? strlen(r->needle) : 0;
        if (groups >= SL_RULE_MAX_GROUPS)
            return sl_err_set(err, "%s: rule '%s': more than 9 regex groups", file, r->id);
    } else if (r->op == SL_OP_HEXPREFIX) {
        if (decode_hex(r->pattern, &r->bytes, &r->bytes_len) != 0)
            return sl_err_set(err, "%s: rule '%s': hexprefix pattern must be hex digits", file,
                              r->id);
    }

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

    r->examples = json_object_get(j, "examples");
    const json_t *posx = json_object_get(r->examples, "positive");
    const json_t *neg = json_object_get(r->examples, "negative");
    if (json_array_size(posx) == 0 || json_array_size(neg) == 0)
        return sl_err_set(err, "%s: rule '%s': needs at least one positive and one negative "
                               "example",
                          file, r->id);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
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
            for (size_t k = 0; k < r->n_fields; k++) {
                struct slot *s = slot_for(rs, r->fields[k], true);
                if (s == NULL) {
                    rc = sl_err_set(err, "rule index full");
                    break;
                }
                if (SL_GROW(s->idx, s->cap, s->n + 1, 4) != 0) {
                    rc = sl_err_set(err, "out of memory");
                    break;
                }
                s->idx[s->n++] = (uint32_t)(rs->n - 1);
            }
            if (rc != 0)
                break;
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
        free(rs->rules[i].pattern_lc);
        free(rs->rules[i].bytes);
        free(rs->rules[i].needle);
        free(rs->rules[i].simple);
        if (rs->rules[i].has_re)
            regfree(&rs->rules[i].re);
    }
    for (size_t i = 0; i < INDEX_SLOTS; i++)
        free(rs->index[i].idx);
    for (size_t i = 0; i < rs->n_docs; i++) {
        json_decref(rs->docs[i]);
        free(rs->files[i]);
    }
    free(rs->rules);
    free(rs);
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

bool sl_rule_match(const struct sl_rule *r, const char *value, size_t len, const char *value_lc,
                   regmatch_t groups[SL_RULE_MAX_GROUPS])
{
    if (groups != NULL)
        for (int i = 0; i < SL_RULE_MAX_GROUPS; i++)
            groups[i].rm_so = groups[i].rm_eo = -1;
    size_t m = r->pattern_len;
    switch (r->op) {
    case SL_OP_PRESENT: return true;
    case SL_OP_EQUALS:
        return len == m && (r->nocase ? eq_nocase(value, r->pattern, m)
                                      : memcmp(value, r->pattern, m) == 0);
    case SL_OP_PREFIX:
        return len >= m && (r->nocase ? eq_nocase(value, r->pattern, m)
                                      : memcmp(value, r->pattern, m) == 0);
    case SL_OP_SUFFIX:
        return len >= m && (r->nocase ? eq_nocase(value + len - m, r->pattern, m)
                                      : memcmp(value + len - m, r->pattern, m) == 0);
    case SL_OP_CONTAINS:
        if (!r->nocase)
            return memmem(value, len, r->pattern, m) != NULL;
        if (value_lc != NULL)
            return memmem(value_lc, len, r->pattern_lc, m) != NULL;
        return sl_memcasemem(value, len, r->pattern) != NULL;
    case SL_OP_HEXPREFIX:
        return len >= r->bytes_len && memcmp(value, r->bytes, r->bytes_len) == 0;
    case SL_OP_REGEX: {
        if (r->any_upto > 0) {
            /* ^(.{1,N})$ : any value of 1..N characters without a newline */
            if (len == 0 || len > r->any_upto || memchr(value, '\n', len) != NULL)
                return false;
            if (groups != NULL) {
                groups[0].rm_so = groups[1].rm_so = 0;
                groups[0].rm_eo = groups[1].rm_eo = (regoff_t)len;
            }
            return true;
        }
        if (r->has_first &&
            (len == 0 || !(r->first[(unsigned char)value[0] >> 3] & (1u << ((unsigned char)value[0] & 7)))))
            return false;
        if (r->needle != NULL) {
            const char *hay = r->nocase ? value_lc : value;
            if (hay != NULL && memmem(hay, len, r->needle, r->needle_len) == NULL)
                return false;
            if (hay == NULL && sl_memcasemem(value, len, r->needle) == NULL)
                return false;
        }
        if (memchr(value, '\0', len) != NULL)
            return false; /* regexec cannot see past a NUL: binary values never match */
        regmatch_t local[SL_RULE_MAX_GROUPS];
        regmatch_t *g = groups != NULL ? groups : local;
        if (r->simple != NULL)
            return sl_simplere_match(r->simple, value, len, g, SL_RULE_MAX_GROUPS);
        return regexec(&r->re, value, SL_RULE_MAX_GROUPS, g, 0) == 0;
    }
    }
    return false;
}

void sl_rule_expand(const char *tpl, const char *value, const regmatch_t *groups, char *out,
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
            if (g == 0 && (groups == NULL || groups[0].rm_so < 0)) {
                src = value;
                n = strlen(value);
            } else if (groups != NULL && groups[g].rm_so >= 0) {
                src = value + groups[g].rm_so;
                n = (size_t)(groups[g].rm_eo - groups[g].rm_so);
            }
            if (g == 0 && groups != NULL && groups[0].rm_so >= 0 && tpl[0] == '$' &&
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
