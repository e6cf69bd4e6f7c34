/* ident.c - the engine (ident.h): rules matched against each answer's fields,
 * clues weighed and fused into one claim. Parses no bytes itself (fields.c). */
#include "ident/ident.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ident/fields.h"
#include "ident/ident_internal.h"
#include "proto/mac.h"
#include "util/fnv.h"
#include "util/str.h"

#define MAX_CLUES 96
#define MAX_MAKERS 12
/* Remembered regex misses (rule, value): the same server strings and model
 * numbers recur across a fleet, and most regex tests fail. A pure cache of a
 * pure function, so it survives sl_ident_acc_reset. */
#define MISS_CACHE 4096

struct sl_ident {
    struct sl_registry *reg;
    struct sl_ruleset *rules;
    struct sl_oui *oui;
};

enum clue_kind { CLUE_MAKER, CLUE_HINT, CLUE_BRAND, CLUE_INFO };

struct clue {
    enum clue_kind kind;
    char rule[SL_RULE_ID_MAX];
    char field[64];
    char value[96];
    char maker[64]; /* CLUE_MAKER/CLUE_HINT: the maker; CLUE_BRAND: "" */
    char brand[64]; /* CLUE_BRAND, CLUE_HINT: the brand */
    char what[96];  /* other yields, for explain ("model=DS-2CD2143G0-I") */
    double weight;
};

struct candidate {
    char value[96];
    int rank;
    bool set;
};

struct sl_ident_acc {
    const struct sl_ident *id;
    struct sl_fieldset fs;
    size_t n_clues;
    struct clue clues[MAX_CLUES];
    size_t clues_dropped;
    struct candidate model, firmware, serial;
    char mac[18];
    char device_type[32];
    double dt_weight;
    char errors[256];
    uint64_t miss[MISS_CACHE];
};

/* ---- loading ---------------------------------------------------------------------- */

int sl_ident_load(struct sl_ident **out, const char *datadir, struct sl_err *err)
{
    struct sl_ident *id = calloc(1, sizeof *id);
    if (id == NULL)
        return sl_err_set(err, "out of memory");
    if (sl_registry_load(&id->reg, datadir, err) != 0 ||
        sl_rules_load(&id->rules, datadir, id->reg, err) != 0 ||
        sl_oui_load(&id->oui, datadir, id->reg, err) != 0) {
        sl_ident_free(id);
        return -1;
    }
    *out = id;
    return 0;
}

void sl_ident_free(struct sl_ident *id)
{
    if (id == NULL)
        return;
    sl_oui_free(id->oui);
    sl_rules_free(id->rules);
    sl_registry_free(id->reg);
    free(id);
}

const struct sl_ruleset *sl_ident_rules(const struct sl_ident *id) { return id->rules; }
const struct sl_registry *sl_ident_registry(const struct sl_ident *id) { return id->reg; }
const struct sl_oui *sl_ident_oui(const struct sl_ident *id) { return id->oui; }

/* ---- the accumulator -------------------------------------------------------------- */

struct sl_ident_acc *sl_ident_acc_new(const struct sl_ident *id)
{
    struct sl_ident_acc *acc = malloc(sizeof *acc);
    if (acc == NULL)
        return NULL;
    memset(acc, 0, offsetof(struct sl_ident_acc, fs));
    memset(acc->miss, 0, sizeof acc->miss);
    if (sl_fields_init(&acc->fs) != 0) {
        free(acc);
        return NULL;
    }
    acc->id = id;
    sl_ident_acc_reset(acc);
    return acc;
}

void sl_ident_acc_free(struct sl_ident_acc *acc)
{
    if (acc == NULL)
        return;
    sl_fields_free(&acc->fs);
    free(acc);
}

void sl_ident_acc_rebind(struct sl_ident_acc *acc, const struct sl_ident *id)
{
    /* Clues are copies (rule ids, values), so they outlive the rules that made
     * them; the miss cache is keyed by rule index, which the new rules reuse. */
    acc->id = id;
    memset(acc->miss, 0, sizeof acc->miss);
}

void sl_ident_acc_reset(struct sl_ident_acc *acc)
{
    acc->n_clues = 0;
    acc->clues_dropped = 0;
    acc->model.set = acc->firmware.set = acc->serial.set = false;
    acc->mac[0] = '\0';
    acc->device_type[0] = '\0';
    acc->dt_weight = -1.0;
    acc->errors[0] = '\0';
    sl_fields_reset(&acc->fs);
}

static void add_error(struct sl_ident_acc *acc, const char *msg)
{
    if (msg[0] == '\0' || strstr(acc->errors, msg) != NULL)
        return;
    char clean[256];
    sl_strlcpy(clean, msg, sizeof clean);
    sl_str_printable(clean); /* messages may quote device bytes */
    msg = clean;
    size_t n = strlen(acc->errors);
    if (n + 3 >= sizeof acc->errors)
        return;
    /* a cut message is still a message */
    size_t room = sizeof acc->errors - n - 3;
    snprintf(acc->errors + n, sizeof acc->errors - n, "%s%.*s", n ? "; " : "", (int)room, msg);
}

static struct clue *new_clue(struct sl_ident_acc *acc, enum clue_kind kind, const char *rule,
                             const struct sl_field *f)
{
    if (acc->n_clues >= MAX_CLUES) {
        acc->clues_dropped++;
        return NULL;
    }
    struct clue *c = &acc->clues[acc->n_clues++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    sl_strlcpy(c->rule, rule, sizeof c->rule);
    if (f != NULL) {
        sl_strlcpy(c->field, f->key, sizeof c->field);
        sl_strncpy_z(c->value, sizeof c->value, f->val, f->len);
        sl_str_printable(c->value);
    }
    return c;
}

static void set_candidate(struct candidate *c, const char *value, int rank)
{
    if (value[0] == '\0')
        return;
    if (c->set && c->rank >= rank)
        return;
    sl_strlcpy(c->value, value, sizeof c->value);
    sl_str_printable(c->value); /* device text: printable ASCII only in a claim */
    c->rank = rank;
    c->set = true;
}

static void vote_type(struct sl_ident_acc *acc, const char *dt, double w)
{
    if (w > acc->dt_weight) {
        sl_strlcpy(acc->device_type, dt, sizeof acc->device_type);
        acc->dt_weight = w;
    }
}

/* A brand was named (by a rule, a label or a MAC prefix). */
static void brand_clue(struct sl_ident_acc *acc, const char *rule, const struct sl_field *f,
                       const struct sl_brand *b, double weight)
{
    struct clue *c = new_clue(acc, CLUE_BRAND, rule, f);
    if (c == NULL)
        return;
    sl_strlcpy(c->brand, b->name, sizeof c->brand);
    c->weight = weight;
    const struct sl_vendor *maker = sl_registry_brand_maker(acc->id->reg, b);
    if (maker == NULL)
        return;
    if (b->owner != NULL) {
        /* the owner's own brand: as telling as the maker's own name */
        struct clue *m = new_clue(acc, CLUE_MAKER, rule, f);
        if (m != NULL) {
            sl_strlcpy(m->maker, maker->name, sizeof m->maker);
            sl_strlcpy(m->brand, b->name, sizeof m->brand);
            m->weight = weight;
        }
    } else {
        /* an OEM label: only a hint at who made it */
        struct clue *h = new_clue(acc, CLUE_HINT, rule, f);
        if (h != NULL) {
            sl_strlcpy(h->maker, maker->name, sizeof h->maker);
            sl_strlcpy(h->brand, b->name, sizeof h->brand);
            h->weight = weight < SL_BRAND_HINT_WEIGHT ? weight : SL_BRAND_HINT_WEIGHT;
        }
    }
}

static void maker_clue(struct sl_ident_acc *acc, const char *rule, const struct sl_field *f,
                       const char *maker, double weight, const char *what)
{
    struct clue *c = new_clue(acc, CLUE_MAKER, rule, f);
    if (c == NULL)
        return;
    sl_strlcpy(c->maker, maker, sizeof c->maker);
    c->weight = weight;
    if (what != NULL)
        sl_strlcpy(c->what, what, sizeof c->what);
}

static void oui_clue(struct sl_ident_acc *acc, const struct sl_field *f)
{
    uint64_t v;
    char canon[18];
    if (sl_mac_parse(f->val, f->len, canon, &v) != 0)
        return;
    if (acc->mac[0] == '\0')
        sl_strlcpy(acc->mac, canon, sizeof acc->mac);
    const struct sl_oui_entry *e = sl_oui_lookup(acc->id->oui, v);
    if (e == NULL)
        return;
    char rule[SL_RULE_ID_MAX];
    size_t k = (size_t)snprintf(rule, sizeof rule, "oui.");
    for (const char *c = e->owner; *c && k + 1 < sizeof rule; c++)
        rule[k++] = isalnum((unsigned char)*c) ? (char)tolower((unsigned char)*c) : '-';
    rule[k] = '\0';
    if (e->is_brand) {
        const struct sl_brand *b = sl_registry_brand(acc->id->reg, e->owner);
        if (b != NULL)
            brand_clue(acc, rule, f, b, SL_OUI_WEIGHT);
    } else {
        char what[96];
        snprintf(what, sizeof what, "org=%.90s", e->org);
        maker_clue(acc, rule, f, e->owner, SL_OUI_WEIGHT, what);
    }
}

static void derive(struct sl_ident_acc *acc, const struct sl_field *src, const char *key,
                   const char *value)
{
    if (!src->derived && value[0] != '\0')
        sl_fields_add(&acc->fs, key, value, strlen(value), true);
}

static void apply(struct sl_ident_acc *acc, const struct sl_rule *r, size_t fi,
                  const regmatch_t *groups)
{
    /* copy: adding derived fields may not move the array, but keep it simple */
    struct sl_field f = acc->fs.f[fi];
    char buf[128], what[96] = "";
    const struct sl_registry *reg = acc->id->reg;
    bool said = false;
    if (r->y.model != NULL) {
        sl_rule_expand(r->y.model, f.val, groups, buf, sizeof buf);
        set_candidate(&acc->model, buf, r->y.rank);
        derive(acc, &f, "model", buf);
        snprintf(what, sizeof what, "model=%.80s", buf);
    }
    if (r->y.firmware != NULL) {
        sl_rule_expand(r->y.firmware, f.val, groups, buf, sizeof buf);
        set_candidate(&acc->firmware, buf, r->y.rank);
        derive(acc, &f, "firmware", buf);
        snprintf(what, sizeof what, "firmware=%.80s", buf);
    }
    if (r->y.serial != NULL) {
        sl_rule_expand(r->y.serial, f.val, groups, buf, sizeof buf);
        set_candidate(&acc->serial, buf, r->y.rank);
        derive(acc, &f, "serial", buf);
        snprintf(what, sizeof what, "serial=%.80s", buf);
    }
    if (r->y.mac != NULL) {
        sl_rule_expand(r->y.mac, f.val, groups, buf, sizeof buf);
        char canon[18];
        if (sl_mac_parse(buf, strlen(buf), canon, NULL) == 0 && !f.derived) {
            sl_fields_add(&acc->fs, "mac", canon, strlen(canon), true);
            snprintf(what, sizeof what, "mac=%s", canon);
        }
    }
    if (r->y.device_type != NULL)
        vote_type(acc, r->y.device_type, r->y.type_weight);
    if (r->y.maker != NULL) {
        maker_clue(acc, r->id, &f, r->y.maker, r->weight, what);
        said = true;
    }
    if (r->y.brand != NULL) {
        const struct sl_brand *b = sl_registry_brand(reg, r->y.brand);
        if (b != NULL)
            brand_clue(acc, r->id, &f, b, r->weight > 0 ? r->weight : 0.5);
        said = true;
    }
    if (r->y.label != NULL) {
        sl_rule_expand(r->y.label, f.val, groups, buf, sizeof buf);
        const struct sl_vendor *v;
        const struct sl_brand *b;
        if (buf[0] != '\0' && sl_registry_resolve_label(reg, buf, &v, &b)) {
            if (v != NULL)
                maker_clue(acc, r->id, &f, v->name, r->weight, "label");
            else
                brand_clue(acc, r->id, &f, b, r->weight);
            said = true;
        }
    }
    if (!said) {
        struct clue *c = new_clue(acc, CLUE_INFO, r->id, &f);
        if (c != NULL) {
            sl_strlcpy(c->what, what, sizeof c->what);
            if (r->y.device_type != NULL && c->what[0] == '\0')
                snprintf(c->what, sizeof c->what, "device_type=%s", r->y.device_type);
        }
    }
}

static uint64_t miss_key(uint32_t rule, const char *v, size_t n)
{
    uint64_t h = sl_fnv1a64_more(SL_FNV1A64_INIT ^ ((uint64_t)rule * 0x9e3779b97f4a7c15ull), v, n);
    return h | 1; /* 0 marks an empty slot */
}

void sl_ident_observe(struct sl_ident_acc *acc, const struct sl_evidence *ev)
{
    struct sl_fieldset *fs = &acc->fs;
    sl_fields_reset(fs);
    /* Evidence with no bytes may carry a NULL pointer: give the parsers an
     * empty buffer instead, so none does arithmetic on NULL. */
    struct sl_evidence nonnull;
    if (ev->data == NULL) {
        nonnull = *ev;
        nonnull.data = (const uint8_t *)"";
        nonnull.len = 0;
        ev = &nonnull;
    }
    sl_fields_extract(fs, ev);
    unsigned bit = 1u << (unsigned)ev->proto;
    regmatch_t groups[SL_RULE_MAX_GROUPS];
    /* fs->n grows while we walk: derived fields (model, firmware, mac, ...)
     * meet their own rules in the same pass */
    for (size_t i = 0; i < fs->n; i++) {
        const struct sl_field *f = &fs->f[i];
        if (strcmp(f->key, "mac") == 0)
            oui_clue(acc, f);
        size_t n;
        const uint32_t *idx = sl_rules_for_field(acc->id->rules, f->key, &n);
        for (size_t k = 0; k < n; k++) {
            const struct sl_rule *r = sl_rules_at(acc->id->rules, idx[k]);
            if (r->proto_mask != 0 && !f->derived && (r->proto_mask & bit) == 0)
                continue;
            if (r->port != 0 && r->port != ev->port)
                continue;
            const char *lc = NULL;
            if (r->nocase && (r->op == SL_OP_CONTAINS || r->needle != NULL))
                lc = sl_fields_lc(fs, i);
            f = &fs->f[i];
            uint64_t key = 0;
            if (r->op == SL_OP_REGEX && r->any_upto == 0 && f->len <= 512) {
                key = miss_key(idx[k], f->val, f->len);
                if (acc->miss[key & (MISS_CACHE - 1)] == key)
                    continue;
            }
            if (sl_rule_match(r, f->val, f->len, lc, groups))
                apply(acc, r, i, groups);
            else if (key != 0)
                acc->miss[key & (MISS_CACHE - 1)] = key;
            f = &fs->f[i];
        }
    }
    add_error(acc, fs->errors);
}

/* ---- fusion ----------------------------------------------------------------------- */

struct maker_score {
    char name[64];
    double miss;                 /* product of (1 - weight) of its independent clues */
    double hint;                 /* the strongest brand hint */
    size_t n_rules;
    const char *rules[SL_CLAIM_MAX_RULES];
};

static struct maker_score *score_for(struct maker_score *ms, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(ms[i].name, name) == 0)
            return &ms[i];
    if (*n >= MAX_MAKERS)
        return NULL;
    struct maker_score *m = &ms[(*n)++];
    memset(m, 0, sizeof *m);
    sl_strlcpy(m->name, name, sizeof m->name);
    m->miss = 1.0;
    return m;
}

static double final_score(const struct maker_score *m)
{
    return 1.0 - m->miss * (1.0 - m->hint);
}

/* The same rule seen in several answers counts once; different rules combine
 * (noisy-OR), and a brand hint counts at most once per maker. */
static size_t fuse(const struct sl_ident_acc *acc, struct maker_score *ms)
{
    size_t n = 0;
    for (size_t i = 0; i < acc->n_clues; i++) {
        const struct clue *c = &acc->clues[i];
        if (c->kind != CLUE_MAKER && c->kind != CLUE_HINT)
            continue;
        bool dup = false;
        double best = c->weight;
        for (size_t k = 0; k < acc->n_clues; k++) {
            const struct clue *o = &acc->clues[k];
            if (k == i || o->kind != c->kind || strcmp(o->rule, c->rule) != 0 ||
                strcmp(o->maker, c->maker) != 0)
                continue;
            if (k < i)
                dup = true;
            if (o->weight > best)
                best = o->weight;
        }
        if (dup)
            continue;
        struct maker_score *m = score_for(ms, &n, c->maker);
        if (m == NULL)
            continue;
        if (c->kind == CLUE_HINT) {
            if (best > m->hint)
                m->hint = best;
        } else {
            m->miss *= 1.0 - best;
        }
        if (m->n_rules < SL_CLAIM_MAX_RULES)
            m->rules[m->n_rules++] = c->rule;
    }
    /* best first */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && final_score(&ms[k]) > final_score(&ms[k - 1]); k--) {
            struct maker_score t = ms[k];
            ms[k] = ms[k - 1];
            ms[k - 1] = t;
        }
    return n;
}

static double round2(double x)
{
    return floor(x * 100.0 + 0.5) / 100.0;
}

void sl_ident_conclude(const struct sl_ident_acc *acc, struct sl_claim *out)
{
    memset(out, 0, sizeof *out);
    struct maker_score ms[MAX_MAKERS];
    size_t n = fuse(acc, ms);
    const struct sl_registry *reg = acc->id->reg;
    char conflicts[256] = "";
    size_t cl = 0;
    if (n > 0 && final_score(&ms[0]) >= SL_RULE_STRONG) {
        sl_strlcpy(out->manufacturer, ms[0].name, sizeof out->manufacturer);
        /* never certain: several strong clues fuse to at most 0.99 */
        out->confidence = fmin(round2(final_score(&ms[0])), 0.99);
        for (size_t i = 1; i < n; i++) {
            if (final_score(&ms[i]) < 0.5)
                continue;
            int w = snprintf(conflicts + cl, sizeof conflicts - cl, "%s%s %.2f (%s) vs %s %.2f (%s)",
                             cl ? "; " : "", ms[0].name, final_score(&ms[0]), ms[0].rules[0],
                             ms[i].name, final_score(&ms[i]), ms[i].rules[0]);
            if (w > 0 && (size_t)w < sizeof conflicts - cl)
                cl += (size_t)w;
        }
    }
    /* the brand: the strongest brand clue that is not the manufacturer itself */
    const struct clue *bc = NULL;
    for (size_t i = 0; i < acc->n_clues; i++) {
        const struct clue *c = &acc->clues[i];
        if (c->kind != CLUE_BRAND || strcmp(c->brand, out->manufacturer) == 0)
            continue;
        if (bc == NULL || c->weight > bc->weight)
            bc = c;
    }
    if (bc != NULL) {
        sl_strlcpy(out->brand, bc->brand, sizeof out->brand);
        for (size_t i = 0; i < acc->n_clues; i++) {
            const struct clue *c = &acc->clues[i];
            if (c->kind == CLUE_BRAND && strcmp(c->brand, bc->brand) != 0 && c->weight >= 0.5 &&
                !strstr(conflicts, c->brand)) {
                int w = snprintf(conflicts + cl, sizeof conflicts - cl,
                                 "%sbrand %s (%s) vs %s (%s)", cl ? "; " : "", bc->brand, bc->rule,
                                 c->brand, c->rule);
                if (w > 0 && (size_t)w < sizeof conflicts - cl)
                    cl += (size_t)w;
            }
        }
        const struct sl_brand *b = sl_registry_brand(reg, bc->brand);
        if (b != NULL && out->manufacturer[0] != '\0') {
            bool known = b->owner != NULL && strcmp(b->owner, out->manufacturer) == 0;
            for (size_t i = 0; i < b->n_made_by; i++)
                known = known || strcmp(b->made_by[i], out->manufacturer) == 0;
            if (!known && (b->owner != NULL || b->n_made_by > 0)) {
                int w = snprintf(conflicts + cl, sizeof conflicts - cl,
                                 "%sbrand %s is not known to be made by %s", cl ? "; " : "",
                                 b->name, out->manufacturer);
                if (w > 0 && (size_t)w < sizeof conflicts - cl)
                    cl += (size_t)w;
            }
        }
    }
    sl_strlcpy(out->conflicts, conflicts, sizeof out->conflicts);
    if (acc->model.set)
        sl_strlcpy(out->model, acc->model.value, sizeof out->model);
    if (acc->firmware.set)
        sl_strlcpy(out->firmware, acc->firmware.value, sizeof out->firmware);
    if (acc->serial.set)
        sl_strlcpy(out->serial, acc->serial.value, sizeof out->serial);
    sl_strlcpy(out->mac, acc->mac, sizeof out->mac);
    sl_strlcpy(out->device_type, acc->device_type, sizeof out->device_type);
    /* rules: those that speak for the manufacturer first, then the rest */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < acc->n_clues; i++) {
            const struct clue *c = &acc->clues[i];
            bool for_maker = (c->kind == CLUE_MAKER || c->kind == CLUE_HINT) &&
                             strcmp(c->maker, out->manufacturer) == 0;
            if ((pass == 0) == for_maker)
                sl_claim_add_rule(out, c->rule);
        }
    char errors[256];
    sl_strlcpy(errors, acc->errors, sizeof errors);
    if (acc->clues_dropped > 0 && strlen(errors) + 40 < sizeof errors) {
        size_t e = strlen(errors);
        snprintf(errors + e, sizeof errors - e, "%sidentify: %zu clues over the bound dropped",
                 e ? "; " : "", acc->clues_dropped);
    }
    sl_strlcpy(out->errors, errors, sizeof out->errors);
}

void sl_ident_one(const struct sl_ident *id, const struct sl_evidence *ev, struct sl_claim *out)
{
    struct sl_ident_acc *acc = sl_ident_acc_new(id);
    if (acc == NULL) {
        memset(out, 0, sizeof *out);
        sl_strlcpy(out->errors, "identify: out of memory", sizeof out->errors);
        return;
    }
    sl_ident_observe(acc, ev);
    sl_ident_conclude(acc, out);
    sl_ident_acc_free(acc);
}

/* ---- introspection ---------------------------------------------------------------- */

bool sl_ident_acc_fired(const struct sl_ident_acc *acc, const char *rule_id)
{
    for (size_t i = 0; i < acc->n_clues; i++)
        if (strcmp(acc->clues[i].rule, rule_id) == 0)
            return true;
    return false;
}

static const char *const kind_names[] = {"maker", "hint", "brand", "info"};

json_t *sl_ident_acc_clues(const struct sl_ident_acc *acc)
{
    json_t *a = json_array();
    for (size_t i = 0; i < acc->n_clues; i++) {
        const struct clue *c = &acc->clues[i];
        json_t *o = json_object();
        json_object_set_new(o, "rule", json_string(c->rule));
        json_object_set_new(o, "kind", json_string(kind_names[c->kind]));
        if (c->field[0])
            json_object_set_new(o, "field", json_string(c->field));
        if (c->value[0])
            json_object_set_new(o, "value", json_string(c->value));
        if (c->maker[0])
            json_object_set_new(o, "maker", json_string(c->maker));
        if (c->brand[0])
            json_object_set_new(o, "brand", json_string(c->brand));
        if (c->kind != CLUE_INFO)
            json_object_set_new(o, "weight", json_real(round2(c->weight)));
        if (c->what[0])
            json_object_set_new(o, "says", json_string(c->what));
        json_array_append_new(a, o);
    }
    return a;
}

json_t *sl_ident_acc_scores(const struct sl_ident_acc *acc)
{
    struct maker_score ms[MAX_MAKERS];
    size_t n = fuse(acc, ms);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *rules = json_array();
        for (size_t k = 0; k < ms[i].n_rules; k++)
            json_array_append_new(rules, json_string(ms[i].rules[k]));
        json_array_append_new(a, json_pack("{s:s, s:f, s:o}", "maker", ms[i].name, "score",
                                           round2(final_score(&ms[i])), "rules", rules));
    }
    return a;
}
