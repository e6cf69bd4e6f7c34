/* policy.c - the policies loaded and a claim judged under each for a site tier
 * (policy.h). Knows vendors only through the registry (registry.c). */
#include "policy/policy.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "policy/policy_internal.h"
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
    p->is_default = json_is_true(json_object_get(doc, "default"));
    if (p->id == NULL || p->title == NULL || p->source == NULL || !valid_date(p->date))
        return sl_err_set(err, "%s: a policy needs id, title, source and date (YYYY-MM-DD)", path);
    const json_t *covers = json_object_get(doc, "covers");
    if (list(covers, "subject_to", p->subject_to, SL_REG_MAX_LIST, &p->n_subject_to, path, err) ||
        list(covers, "named_in", p->named_in, SL_REG_MAX_LIST, &p->n_named_in, path, err) ||
        list(doc, "device_types", p->types, 16, &p->n_types, path, err))
        return -1;
    for (size_t i = 0; i < p->n_subject_to; i++)
        if (sl_registry_law(ps->reg, p->subject_to[i]) == NULL)
            return sl_err_set(err, "%s: unknown law '%s'", path, p->subject_to[i]);
    for (size_t i = 0; i < p->n_named_in; i++)
        if (sl_registry_law(ps->reg, p->named_in[i]) == NULL)
            return sl_err_set(err, "%s: unknown law '%s'", path, p->named_in[i]);
    const json_t *tiers = json_object_get(doc, "tiers");
    for (int t = 0; t < SL_TIER_COUNT; t++) {
        const json_t *te = json_object_get(tiers, sl_tier_name((enum sl_tier)t));
        const char *d = jstr(te, "decision");
        struct sl_policy_tier *pt = &p->tiers[t];
        if (d == NULL || sl_decision_from_name(d, &pt->decision) != 0)
            return sl_err_set(err, "%s: tier '%s' needs a decision", path,
                              sl_tier_name((enum sl_tier)t));
        pt->deadline = jstr(te, "deadline");
        pt->reason = jstr(te, "reason");
        if (pt->decision == SL_DECISION_REPLACE_BY && !valid_date(pt->deadline))
            return sl_err_set(err, "%s: tier '%s': replace-by needs a deadline YYYY-MM-DD", path,
                              sl_tier_name((enum sl_tier)t));
    }
    for (size_t i = 0; i + 1 < ps->n; i++)
        if (strcmp(ps->p[i].id, p->id) == 0)
            return sl_err_set(err, "%s: duplicate policy id '%s'", path, p->id);
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
            ps->p[i].selected = ps->p[i].is_default;
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
        ps->p[i].selected = sel[i];
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

bool sl_policy_covers(const struct sl_policy_set *ps, const struct sl_policy *p,
                      const struct sl_vendor *v, const char *dt, char *why, size_t whysz)
{
    why[0] = '\0';
    const char *law = NULL;
    for (size_t i = 0; i < p->n_subject_to && law == NULL; i++)
        for (size_t k = 0; k < v->n_laws; k++)
            if (strcmp(p->subject_to[i], v->laws[k]) == 0)
                law = v->laws[k];
    bool named = false;
    for (size_t i = 0; i < p->n_named_in && !named; i++)
        for (size_t k = 0; k < v->n_named_in; k++)
            if (strcmp(p->named_in[i], v->named_in[k]) == 0)
                named = true, law = v->named_in[k];
    if (law == NULL) {
        snprintf(why, whysz, "%s is not covered by %s", v->name, p->id);
        return false;
    }
    const struct sl_law *l = sl_registry_law(ps->reg, law);
    if (p->n_types > 0 && dt[0] != '\0') {
        bool in = false;
        for (size_t i = 0; i < p->n_types; i++)
            in = in || strcmp(p->types[i], dt) == 0;
        if (!in) {
            snprintf(why, whysz, "%s is covered by %s, but a %s is outside its scope", v->name,
                     p->id, dt);
            return false;
        }
    }
    snprintf(why, whysz, "%s is %s %s", v->name, named ? "named in" : "subject to",
             l != NULL ? l->title : law);
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

void sl_policy_judge_one(const struct sl_policy_set *ps, const struct sl_policy *p,
                         enum sl_tier tier, const struct sl_claim *claim, int64_t now,
                         struct sl_verdict *out)
{
    memset(out, 0, sizeof *out);
    sl_strlcpy(out->policy, p->id, sizeof out->policy);
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

static int severity(enum sl_decision d)
{
    switch (d) {
    case SL_DECISION_PROHIBITED: return 3;
    case SL_DECISION_REPLACE_BY: return 2;
    case SL_DECISION_REVIEW: return 1;
    default: return 0;
    }
}

void sl_policy_judge(const struct sl_policy_set *ps, enum sl_tier tier,
                     const struct sl_claim *claim, int64_t now, struct sl_verdict *out)
{
    bool have = false;
    for (size_t i = 0; i < ps->n; i++) {
        if (!ps->p[i].selected)
            continue;
        struct sl_verdict v;
        sl_policy_judge_one(ps, &ps->p[i], tier, claim, now, &v);
        bool better = !have || severity(v.decision) > severity(out->decision) ||
                      (v.decision == SL_DECISION_REPLACE_BY &&
                       out->decision == SL_DECISION_REPLACE_BY &&
                       strcmp(v.deadline, out->deadline) < 0);
        if (better) {
            *out = v;
            have = true;
        }
    }
    if (!have) {
        memset(out, 0, sizeof *out);
        out->decision = SL_DECISION_REVIEW;
        sl_strlcpy(out->reason, "no policy in force", sizeof out->reason);
    }
}
