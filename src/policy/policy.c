/* policy.c - loading the policies and judging a claim or a vehicle part under
 * them; it identifies nothing (ident/ and vehicle/ do). */
#include "policy/policy.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "policy/policy_internal.h"
#include "util/fnv.h"
#include "util/str.h"

#define MAX_POLICIES 16

struct sl_policy_set {
    struct sl_registry *reg;
    size_t n;
    struct sl_policy p[MAX_POLICIES];
    json_t *docs[MAX_POLICIES];
};

static const char *const surveillance_types[] = {"camera", "nvr", "dvr", "encoder", "doorbell",
                                                 "intercom", NULL};

bool sl_policy_is_surveillance_type(const char *dt)
{
    for (size_t i = 0; surveillance_types[i] != NULL; i++)
        if (strcmp(dt, surveillance_types[i]) == 0)
            return true;
    return false;
}

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int list(const json_t *o, const char *key, const char **out, size_t max, size_t *n,
                const char *what, struct sl_err *err)
{
    *n = 0;
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(o, key), i, v)
    {
        if (!json_is_string(v) || *n >= max)
            return sl_err_set(err, "%s: bad '%s' list", what, key);
        out[(*n)++] = json_string_value(v);
    }
    return 0;
}

static bool valid_date(const char *s)
{
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    return true;
}

/* "applies_to": {"devices": "default"|"optional", "vehicles": ...}; without
 * it a policy judges devices, in force by default when "default" is true. */
static int load_applies(struct sl_policy *p, const json_t *doc, const char *path,
                        struct sl_err *err)
{
    const json_t *a = json_object_get(doc, "applies_to");
    if (a == NULL) {
        p->applies = SL_DOMAIN_DEVICES;
        p->defaults = json_is_true(json_object_get(doc, "default")) ? SL_DOMAIN_DEVICES : 0;
        return 0;
    }
    if (json_object_get(doc, "default") != NULL)
        return sl_err_set(err, "%s: give either 'default' or 'applies_to', not both", path);
    static const struct { const char *key; unsigned bit; } doms[] = {
        {"devices", SL_DOMAIN_DEVICES}, {"vehicles", SL_DOMAIN_VEHICLES}};
    for (size_t k = 0; k < 2; k++) {
        const char *m = jstr(a, doms[k].key);
        if (m == NULL)
            continue;
        if (strcmp(m, "default") != 0 && strcmp(m, "optional") != 0)
            return sl_err_set(err, "%s: applies_to.%s must be 'default' or 'optional'", path,
                              doms[k].key);
        p->applies |= doms[k].bit;
        if (strcmp(m, "default") == 0)
            p->defaults |= doms[k].bit;
    }
    if (p->applies == 0)
        return sl_err_set(err, "%s: applies_to names neither devices nor vehicles", path);
    return 0;
}

static int load_scope(struct sl_policy_scope *sc, const json_t *e, const char *path,
                      struct sl_err *err)
{
    if (list(e, "kinds", sc->kinds, SL_POLICY_MAX_KINDS, &sc->n_kinds, path, err))
        return -1;
    size_t i;
    const json_t *l;
    json_array_foreach(json_object_get(e, "layers"), i, l)
    {
        const char *n = json_string_value(l);
        if (n != NULL && strcmp(n, "hardware") == 0)
            sc->layers |= 1u << SL_LAYER_HARDWARE;
        else if (n != NULL && strcmp(n, "software") == 0)
            sc->layers |= 1u << SL_LAYER_SOFTWARE;
        else
            return sl_err_set(err, "%s: a scope's layers are 'hardware' or 'software'", path);
    }
    const json_t *my = json_object_get(e, "from_model_year");
    if (my != NULL && (!json_is_integer(my) || json_integer_value(my) < 1980 ||
                       json_integer_value(my) > 2100))
        return sl_err_set(err, "%s: from_model_year must be a year", path);
    sc->from_model_year = my != NULL ? (int)json_integer_value(my) : 0;
    sc->rule = jstr(e, "rule");
    if (sc->rule == NULL || sc->n_kinds == 0)
        return sl_err_set(err, "%s: a scope needs kinds and a rule", path);
    return 0;
}

/* "vehicle_parts": {"scopes": [...], "review_kinds": [...], "review_reason": "..."} */
static int load_vehicle_parts(struct sl_policy *p, const json_t *doc, const char *path,
                              struct sl_err *err)
{
    const json_t *vp = json_object_get(doc, "vehicle_parts");
    if (vp == NULL)
        return 0;
    if (!(p->applies & SL_DOMAIN_VEHICLES))
        return sl_err_set(err, "%s: vehicle_parts in a policy that does not apply to vehicles", path);
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(vp, "scopes"), i, e)
    {
        if (p->n_scopes >= SL_POLICY_MAX_SCOPES)
            return sl_err_set(err, "%s: more than %d scopes", path, SL_POLICY_MAX_SCOPES);
        if (load_scope(&p->scopes[p->n_scopes++], e, path, err) != 0)
            return -1;
    }
    p->review_reason = jstr(vp, "review_reason");
    return list(vp, "review_kinds", p->review_kinds, SL_POLICY_MAX_KINDS, &p->n_review_kinds, path,
                err);
}

static int load_tiers(struct sl_policy *p, const json_t *doc, const char *path,
                      struct sl_err *err)
{
    const json_t *tiers = json_object_get(doc, "tiers");
    for (int t = 0; t < SL_TIER_COUNT; t++) {
        const char *tn = sl_tier_name((enum sl_tier)t);
        const json_t *te = json_object_get(tiers, tn);
        const char *d = jstr(te, "decision");
        struct sl_policy_tier *pt = &p->tiers[t];
        if (d == NULL || sl_decision_from_name(d, &pt->decision) != 0)
            return sl_err_set(err, "%s: tier '%s' needs a decision", path, tn);
        pt->deadline = jstr(te, "deadline");
        pt->reason = jstr(te, "reason");
        if (pt->decision == SL_DECISION_REPLACE_BY && !valid_date(pt->deadline))
            return sl_err_set(err, "%s: tier '%s': replace-by needs a deadline YYYY-MM-DD", path,
                              tn);
        /* The devices register has no 'restricted' (its schema refuses it). */
        if (pt->decision == SL_DECISION_RESTRICTED && (p->applies & SL_DOMAIN_DEVICES))
            return sl_err_set(err, "%s: tier '%s': 'restricted' is for vehicle policies only",
                              path, tn);
    }
    return 0;
}

/* A policy's version: its date, and a hash of its text as keys sorted and
 * compact, so that any edit of the file (a deadline, a tier) is a new version
 * while reformatting it is not. */
static void set_version(struct sl_policy *p, const json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    uint64_t h = text != NULL ? sl_fnv1a64_str(text) : 0;
    free(text);
    snprintf(p->version, sizeof p->version, "%s.%08x", p->date, (unsigned)(h ^ (h >> 32)));
}

static int load_one(struct sl_policy_set *ps, const char *path, struct sl_err *err)
{
    if (ps->n >= MAX_POLICIES)
        return sl_err_set(err, "%s: more than %d policies", path, MAX_POLICIES);
    json_error_t je;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (doc == NULL)
        return sl_err_set(err, "%s:%d: %s", path, je.line, je.text);
    ps->docs[ps->n] = doc;
    struct sl_policy *p = &ps->p[ps->n++];
    p->id = jstr(doc, "id");
    p->title = jstr(doc, "title");
    p->date = jstr(doc, "date");
    p->date_is = jstr(doc, "date_is");
    p->source = jstr(doc, "source");
    p->law = jstr(doc, "law");
    if (p->id == NULL || p->title == NULL || p->source == NULL || !valid_date(p->date))
        return sl_err_set(err, "%s: a policy needs id, title, source and date (YYYY-MM-DD)", path);
    const json_t *covers = json_object_get(doc, "covers");
    if (load_applies(p, doc, path, err) ||
        list(covers, "subject_to", p->subject_to, SL_REG_MAX_LIST, &p->n_subject_to, path, err) ||
        list(covers, "named_in", p->named_in, SL_REG_MAX_LIST, &p->n_named_in, path, err) ||
        list(covers, "countries", p->countries, SL_REG_MAX_LIST, &p->n_countries, path, err) ||
        list(doc, "device_types", p->types, 16, &p->n_types, path, err) ||
        sl_registry_check_laws(ps->reg, p->subject_to, p->n_subject_to, path, err) ||
        sl_registry_check_laws(ps->reg, p->named_in, p->n_named_in, path, err) ||
        load_vehicle_parts(p, doc, path, err) || load_tiers(p, doc, path, err))
        return -1;
    for (size_t i = 0; i + 1 < ps->n; i++)
        if (strcmp(ps->p[i].id, p->id) == 0)
            return sl_err_set(err, "%s: duplicate policy id '%s'", path, p->id);
    set_version(p, doc);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int sl_policy_load(struct sl_policy_set **out, const char *datadir, struct sl_err *err)
{
    struct sl_policy_set *ps = calloc(1, sizeof *ps);
    if (ps == NULL)
        return sl_err_set(err, "out of memory");
    if (sl_registry_load(&ps->reg, datadir, err) != 0) {
        free(ps);
        return -1;
    }
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/policies", datadir);
    DIR *d = opendir(dir);
    if (d == NULL) {
        sl_policy_free(ps);
        return sl_err_set(err, "%s: cannot open policy directory", dir);
    }
    char *names[MAX_POLICIES + 1];
    size_t n = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        if (!sl_str_ends_with(de->d_name, ".json"))
            continue;
        if (n >= MAX_POLICIES) {
            rc = sl_err_set(err, "%s: more than %d policy files", dir, MAX_POLICIES);
            break;
        }
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    for (size_t i = 0; i < n; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (rc == 0 && load_one(ps, path, err) != 0)
            rc = -1;
        free(names[i]);
    }
    if (rc == 0 && ps->n == 0)
        rc = sl_err_set(err, "%s: no policies", dir);
    if (rc != 0) {
        sl_policy_free(ps);
        return -1;
    }
    sl_policy_select(ps, NULL, NULL);
    *out = ps;
    return 0;
}

void sl_policy_free(struct sl_policy_set *ps)
{
    if (ps == NULL)
        return;
    for (size_t i = 0; i < ps->n; i++)
        json_decref(ps->docs[i]);
    sl_registry_free(ps->reg);
    free(ps);
}

int sl_policy_select(struct sl_policy_set *ps, const char *ids, struct sl_err *err)
{
    if (ids == NULL || *ids == '\0') {
        for (size_t i = 0; i < ps->n; i++)
            ps->p[i].selected = ps->p[i].defaults;
        return 0;
    }
    bool sel[MAX_POLICIES] = {false};
    const char *p = ids;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char id[64];
        sl_strncpy_z(id, sizeof id, p, len);
        sl_str_trim(id);
        if (id[0] != '\0') {
            size_t k = 0;
            while (k < ps->n && strcasecmp(ps->p[k].id, id) != 0)
                k++;
            if (k == ps->n)
                return sl_err_set(err, "unknown policy '%s' (see 'sightline policy list')", id);
            sel[k] = true;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    for (size_t i = 0; i < ps->n; i++)
        ps->p[i].selected = sel[i] ? ps->p[i].applies : 0;
    return 0;
}

size_t sl_policy_count(const struct sl_policy_set *ps) { return ps->n; }
const struct sl_policy *sl_policy_at(const struct sl_policy_set *ps, size_t i)
{
    return i < ps->n ? &ps->p[i] : NULL;
}
const struct sl_registry *sl_policy_registry(const struct sl_policy_set *ps) { return ps->reg; }

const struct sl_vendor *sl_policy_claim_vendor(const struct sl_policy_set *ps,
                                               const struct sl_claim *claim)
{
    if (claim->manufacturer[0] != '\0')
        return sl_registry_vendor(ps->reg, claim->manufacturer);
    if (claim->brand[0] != '\0') {
        const struct sl_brand *b = sl_registry_brand(ps->reg, claim->brand);
        if (b != NULL && b->owner != NULL)
            return sl_registry_vendor(ps->reg, b->owner);
    }
    return NULL;
}

static bool has_id(const char *const *list, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], id) == 0)
            return true;
    return false;
}

/* Whether p covers vendor v itself (not its parents). */
static bool covers_self(const struct sl_policy *p, const struct sl_vendor *v,
                        struct sl_policy_basis *b)
{
    for (size_t k = 0; k < v->n_named_in; k++)
        if (has_id(p->named_in, p->n_named_in, v->named_in[k])) {
            *b = (struct sl_policy_basis){v, v->named_in[k], NULL, true};
            return true;
        }
    for (size_t k = 0; k < v->n_laws; k++)
        if (has_id(p->subject_to, p->n_subject_to, v->laws[k])) {
            *b = (struct sl_policy_basis){v, v->laws[k], NULL, false};
            return true;
        }
    if (has_id(p->countries, p->n_countries, v->country)) {
        *b = (struct sl_policy_basis){v, NULL, v->country, false};
        return true;
    }
    return false;
}

bool sl_policy_covers_vendor(const struct sl_policy_set *ps, const struct sl_policy *p,
                             const struct sl_vendor *v, struct sl_policy_basis *basis)
{
    memset(basis, 0, sizeof *basis);
    int steps = 0; /* the registry refuses parent loops; the bound is belt and braces */
    for (const struct sl_vendor *x = v; x != NULL && steps < SL_REG_MAX_DEPTH;
         x = sl_registry_parent(ps->reg, x), steps++)
        if (covers_self(p, x, basis))
            return true;
    return false;
}

/* "Quectel is named in ...", "Volvo Cars' parent Geely Holding is in CN, ...". */
static void basis_text(const struct sl_policy_set *ps, const struct sl_policy *p,
                       const struct sl_vendor *v, const struct sl_policy_basis *b, char *why,
                       size_t whysz)
{
    char who[160];
    if (b->via == v)
        snprintf(who, sizeof who, "%s", v->name);
    else
        snprintf(who, sizeof who, "%s (parent of %s)", b->via->name, v->name);
    if (b->law != NULL) {
        const struct sl_law *l = sl_registry_law(ps->reg, b->law);
        snprintf(why, whysz, "%s is %s %s", who, b->named ? "named in" : "subject to",
                 l != NULL ? l->title : b->law);
    } else {
        snprintf(why, whysz, "%s is of %s, a country %s covers", who, b->country, p->id);
    }
}

bool sl_policy_covers(const struct sl_policy_set *ps, const struct sl_policy *p,
                      const struct sl_vendor *v, const char *dt, char *why, size_t whysz)
{
    why[0] = '\0';
    struct sl_policy_basis b;
    if (!sl_policy_covers_vendor(ps, p, v, &b)) {
        snprintf(why, whysz, "%s is not covered by %s", v->name, p->id);
        return false;
    }
    if (p->n_types > 0 && dt[0] != '\0' && !has_id(p->types, p->n_types, dt)) {
        snprintf(why, whysz, "%s is covered by %s, but a %s is outside its scope", v->name,
                 p->id, dt);
        return false;
    }
    basis_text(ps, p, v, &b, why, whysz);
    return true;
}

__attribute__((format(printf, 2, 3))) static void reasonf(struct sl_verdict *v, const char *fmt,
                                                       ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->reason, sizeof v->reason, fmt, ap);
    va_end(ap);
}

static void today_utc(int64_t now, char out[11])
{
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    if (strftime(out, 11, "%Y-%m-%d", &tm) == 0)
        out[0] = '\0';
}

/* The covered case: the tier's decision, a passed replace-by date turning
 * into prohibited; why says what covered the vendor. */
static void apply_tier(const struct sl_policy *p, enum sl_tier tier, const char *why,
                       int64_t now, struct sl_verdict *out)
{
    const struct sl_policy_tier *pt = &p->tiers[tier];
    out->decision = pt->decision;
    if (p->law != NULL)
        sl_strlcpy(out->law, p->law, sizeof out->law);
    if (pt->decision == SL_DECISION_REPLACE_BY && pt->deadline != NULL) {
        char today[11];
        today_utc(now, today);
        if (strcmp(today, pt->deadline) > 0) {
            out->decision = SL_DECISION_PROHIBITED;
            reasonf(out, "%s; %s site: the replace-by date %s has passed", why,
                    sl_tier_name(tier), pt->deadline);
            return;
        }
        sl_strlcpy(out->deadline, pt->deadline, sizeof out->deadline);
    }
    reasonf(out, "%s; %s site: %s", why, sl_tier_name(tier),
            pt->reason != NULL ? pt->reason : sl_decision_name(pt->decision));
}

void sl_policy_judge_one(const struct sl_policy_set *ps, const struct sl_policy *p,
                         enum sl_tier tier, const struct sl_claim *claim, int64_t now,
                         struct sl_verdict *out)
{
    memset(out, 0, sizeof *out);
    sl_strlcpy(out->policy, p->id, sizeof out->policy);
    sl_strlcpy(out->policy_version, p->version, sizeof out->policy_version);
    if ((unsigned)tier >= SL_TIER_COUNT)
        tier = SL_TIER_SENSITIVE;
    const struct sl_vendor *v = sl_policy_claim_vendor(ps, claim);
    char why[256];
    if (v == NULL) {
        const struct sl_brand *b =
            claim->brand[0] ? sl_registry_brand(ps->reg, claim->brand) : NULL;
        if (b != NULL && b->owner == NULL) {
            out->decision = SL_DECISION_REVIEW;
            reasonf(out,
                     "%s relabels other makers' products and the firmware did not say whose: check it",
                     b->name);
        } else if (sl_policy_is_surveillance_type(claim->device_type)) {
            out->decision = SL_DECISION_REVIEW;
            reasonf(out,
                     "a %s whose manufacturer could not be identified: check it",
                     claim->device_type);
        } else {
            out->decision = SL_DECISION_ALLOWED;
            reasonf(out,
                     claim->manufacturer[0] ? "%s is not in the vendor registry"
                                            : "no manufacturer identified%s and not a surveillance device",
                     claim->manufacturer);
        }
        return;
    }
    if (!sl_policy_covers(ps, p, v, claim->device_type, why, sizeof why)) {
        out->decision = SL_DECISION_ALLOWED;
        sl_strlcpy(out->reason, why, sizeof out->reason);
        return;
    }
    if (claim->tentative && p->tiers[tier].decision != SL_DECISION_ALLOWED) {
        /* a maker named by its MAC prefix alone: never enough to prohibit */
        out->decision = SL_DECISION_REVIEW;
        reasonf(out, "%s, but only the MAC address names it (a prefix of the maker or of its own "
                     "brand, low confidence); %s site: check what the device is",
                why, sl_tier_name(tier));
        return;
    }
    apply_tier(p, tier, why, now, out);
}

/* Keeps the stricter of cur and v in cur (for equal replace-by, the earlier date). */
static void keep_strictest(struct sl_verdict *cur, bool *have, const struct sl_verdict *v)
{
    if (!*have || sl_verdict_is_stricter(v, cur)) {
        *cur = *v;
        *have = true;
    }
}

static void no_policy(struct sl_verdict *out)
{
    memset(out, 0, sizeof *out);
    out->decision = SL_DECISION_REVIEW;
    sl_strlcpy(out->reason, "no policy in force", sizeof out->reason);
}

/* The strictest verdict of the policies in force in one domain: for a claim
 * (devices) or a part (vehicles). */
static void judge_all(const struct sl_policy_set *ps, unsigned domain, enum sl_tier tier,
                      const struct sl_claim *claim, const struct sl_part_subject *part,
                      int64_t now, struct sl_verdict *out)
{
    bool have = false;
    for (size_t i = 0; i < ps->n; i++) {
        if (!(ps->p[i].selected & domain))
            continue;
        struct sl_verdict v;
        struct sl_policy_basis b;
        if (claim != NULL)
            sl_policy_judge_one(ps, &ps->p[i], tier, claim, now, &v);
        else
            sl_policy_judge_part_one(ps, &ps->p[i], tier, part, now, &v, &b);
        keep_strictest(out, &have, &v);
    }
    if (!have)
        no_policy(out);
}

void sl_policy_judge(const struct sl_policy_set *ps, enum sl_tier tier,
                     const struct sl_claim *claim, int64_t now, struct sl_verdict *out)
{
    judge_all(ps, SL_DOMAIN_DEVICES, tier, claim, NULL, now, out);
}

void sl_policy_malformed_review(struct sl_verdict *v, const struct sl_evidence *ev)
{
    if (v->decision != SL_DECISION_ALLOWED)
        return;
    char why[512];
    snprintf(why, sizeof why,
             "answered malformed on port %u (%.60s: %.80s); what it is cannot be ruled out, "
             "review by hand%s%.200s",
             (unsigned)ev->port,
             ev->path != NULL ? ev->path : ev->request != NULL ? ev->request : "?",
             ev->detail != NULL ? ev->detail : "", v->reason[0] ? "; otherwise: " : "",
             v->reason);
    v->decision = SL_DECISION_REVIEW;
    sl_strlcpy(v->reason, why, sizeof v->reason);
}

const char *sl_part_layer_name(enum sl_part_layer l)
{
    return l == SL_LAYER_HARDWARE ? "hardware" : l == SL_LAYER_SOFTWARE ? "software" : "";
}

const char *sl_policy_domains_name(unsigned mask)
{
    switch (mask & (SL_DOMAIN_DEVICES | SL_DOMAIN_VEHICLES)) {
    case SL_DOMAIN_DEVICES: return "devices";
    case SL_DOMAIN_VEHICLES: return "vehicles";
    case SL_DOMAIN_DEVICES | SL_DOMAIN_VEHICLES: return "devices,vehicles";
    default: return "-";
    }
}

/* The scope of p that reaches a part of this kind and layer: for an unknown
 * layer, the one with the earliest model year (the stricter reading). NULL
 * when no scope names the kind. */
static const struct sl_policy_scope *part_scope(const struct sl_policy *p, const char *kind,
                                                enum sl_part_layer layer)
{
    const struct sl_policy_scope *best = NULL;
    for (size_t i = 0; i < p->n_scopes; i++) {
        const struct sl_policy_scope *sc = &p->scopes[i];
        if (!has_id(sc->kinds, sc->n_kinds, kind))
            continue;
        if (layer != SL_LAYER_UNKNOWN && sc->layers != 0 && !(sc->layers & (1u << layer)))
            continue;
        if (best == NULL || sc->from_model_year < best->from_model_year)
            best = sc;
    }
    return best;
}

/* Whether a covered part falls inside p's scopes; false sets out (allowed
 * or needs-review) with the reason. why says what covered the vendor. */
static bool part_in_scope(const struct sl_policy *p, const struct sl_part_subject *s,
                          const char *why, struct sl_verdict *out)
{
    if (p->n_scopes == 0)
        return true;
    const struct sl_policy_scope *sc = part_scope(p, s->kind, s->layer);
    if (sc == NULL) {
        if (has_id(p->review_kinds, p->n_review_kinds, s->kind)) {
            out->decision = SL_DECISION_REVIEW;
            reasonf(out, "%s; a %s is within %s only if %s: check it", why, s->kind, p->id,
                    p->review_reason != NULL ? p->review_reason : "it is in scope");
        } else {
            out->decision = SL_DECISION_ALLOWED;
            reasonf(out, "%s; a %s%s%s is outside %s's scope", why,
                    sl_part_layer_name(s->layer), s->layer != SL_LAYER_UNKNOWN ? " " : "",
                    s->kind, p->id);
        }
        return false;
    }
    if (sc->from_model_year == 0)
        return true;
    if (s->model_year == 0) {
        out->decision = SL_DECISION_REVIEW;
        reasonf(out, "%s; model year unknown: %s applies from model year %d: check it", why,
                sc->rule, sc->from_model_year);
        return false;
    }
    if (s->model_year < sc->from_model_year) {
        size_t scopes = 0; /* an unknown layer matters only where hardware and software differ */
        for (size_t i = 0; i < p->n_scopes; i++)
            scopes += has_id(p->scopes[i].kinds, p->scopes[i].n_kinds, s->kind);
        out->decision = SL_DECISION_ALLOWED;
        reasonf(out, "%s; model year %d is before %d, when %s begins%s", why, s->model_year,
                sc->from_model_year, sc->rule,
                s->layer == SL_LAYER_UNKNOWN && scopes > 1
                    ? " (layer not given: judged by the earlier date)"
                    : "");
        return false;
    }
    return true;
}

void sl_policy_judge_part_one(const struct sl_policy_set *ps, const struct sl_policy *p,
                              enum sl_tier tier, const struct sl_part_subject *s, int64_t now,
                              struct sl_verdict *out, struct sl_policy_basis *basis)
{
    memset(out, 0, sizeof *out);
    memset(basis, 0, sizeof *basis);
    sl_strlcpy(out->policy, p->id, sizeof out->policy);
    sl_strlcpy(out->policy_version, p->version, sizeof out->policy_version);
    if ((unsigned)tier >= SL_TIER_COUNT)
        tier = SL_TIER_SENSITIVE;
    if (s->vendor == NULL) {
        out->decision = SL_DECISION_REVIEW;
        reasonf(out, "the maker or supplier of this %s is not identified: check it", s->kind);
        return;
    }
    if (!sl_policy_covers_vendor(ps, p, s->vendor, basis)) {
        out->decision = SL_DECISION_ALLOWED;
        reasonf(out, "%s (%s) is not covered by %s", s->vendor->name, s->vendor->country, p->id);
        return;
    }
    char why[256];
    basis_text(ps, p, s->vendor, basis, why, sizeof why);
    if (!part_in_scope(p, s, why, out))
        return;
    char whyscope[512];
    const struct sl_policy_scope *sc = part_scope(p, s->kind, s->layer);
    if (sc != NULL)
        snprintf(whyscope, sizeof whyscope, "%s; %s", why, sc->rule);
    else
        sl_strlcpy(whyscope, why, sizeof whyscope);
    apply_tier(p, tier, whyscope, now, out);
}

void sl_policy_judge_part(const struct sl_policy_set *ps, enum sl_tier tier,
                          const struct sl_part_subject *s, int64_t now, struct sl_verdict *out)
{
    judge_all(ps, SL_DOMAIN_VEHICLES, tier, NULL, s, now, out);
}
