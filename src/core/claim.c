/* claim.c - claims and verdicts to and from JSON, and the rule list of a claim
 * (claim.h). Decides nothing: identify makes claims, policy makes verdicts. */
#include "core/claim.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/str.h"

static json_t *str_or_null(const char *s)
{
    return s[0] != '\0' ? json_string(s) : json_null();
}

static void set_str(json_t *o, const char *key, const char *s)
{
    json_object_set_new(o, key, str_or_null(s));
}

static void get_str(const json_t *o, const char *key, char *dst, size_t dstsz)
{
    const json_t *v = json_object_get(o, key);
    if (json_is_string(v))
        sl_strlcpy(dst, json_string_value(v), dstsz);
    else
        dst[0] = '\0';
}

json_t *sl_claim_to_json(const struct sl_claim *c)
{
    json_t *o = json_object();
    set_str(o, "manufacturer", c->manufacturer);
    set_str(o, "brand", c->brand);
    set_str(o, "model", c->model);
    set_str(o, "firmware", c->firmware);
    set_str(o, "device_type", c->device_type);
    json_object_set_new(o, "confidence", json_real(c->confidence));
    json_t *rules = json_array();
    for (size_t i = 0; i < c->n_rules; i++)
        json_array_append_new(rules, json_string(c->rules[i]));
    json_object_set_new(o, "rules", rules);
    if (c->serial[0] != '\0')
        set_str(o, "serial", c->serial);
    if (c->mac[0] != '\0')
        set_str(o, "mac", c->mac);
    if (c->conflicts[0] != '\0')
        set_str(o, "conflicts", c->conflicts);
    if (c->errors[0] != '\0')
        set_str(o, "errors", c->errors);
    if (c->tentative)
        json_object_set_new(o, "tentative", json_true());
    return o;
}

int sl_claim_from_json(const json_t *j, struct sl_claim *c)
{
    memset(c, 0, sizeof *c);
    if (!json_is_object(j))
        return -1;
    get_str(j, "manufacturer", c->manufacturer, sizeof c->manufacturer);
    get_str(j, "brand", c->brand, sizeof c->brand);
    get_str(j, "model", c->model, sizeof c->model);
    get_str(j, "firmware", c->firmware, sizeof c->firmware);
    get_str(j, "device_type", c->device_type, sizeof c->device_type);
    get_str(j, "serial", c->serial, sizeof c->serial);
    get_str(j, "mac", c->mac, sizeof c->mac);
    get_str(j, "conflicts", c->conflicts, sizeof c->conflicts);
    get_str(j, "errors", c->errors, sizeof c->errors);
    const json_t *conf = json_object_get(j, "confidence");
    c->confidence = json_is_number(conf) ? json_number_value(conf) : 0.0;
    c->tentative = json_is_true(json_object_get(j, "tentative"));
    const json_t *rules = json_object_get(j, "rules");
    size_t i;
    const json_t *r;
    json_array_foreach(rules, i, r)
    {
        if (json_is_string(r))
            sl_claim_add_rule(c, json_string_value(r));
    }
    return 0;
}

void sl_claim_add_rule(struct sl_claim *c, const char *rule_id)
{
    for (size_t i = 0; i < c->n_rules; i++)
        if (strcmp(c->rules[i], rule_id) == 0)
            return;
    if (c->n_rules >= SL_CLAIM_MAX_RULES)
        return;
    sl_strlcpy(c->rules[c->n_rules], rule_id, SL_RULE_ID_MAX);
    c->n_rules++;
}

static const char *const decision_names[] = {
    [SL_DECISION_REVIEW] = "needs-review",
    [SL_DECISION_ALLOWED] = "allowed",
    [SL_DECISION_REPLACE_BY] = "replace-by",
    [SL_DECISION_PROHIBITED] = "prohibited",
    [SL_DECISION_RESTRICTED] = "restricted",
};

int sl_decision_severity(enum sl_decision d)
{
    switch (d) {
    case SL_DECISION_PROHIBITED: return 4;
    case SL_DECISION_REPLACE_BY: return 3;
    case SL_DECISION_RESTRICTED: return 2;
    case SL_DECISION_REVIEW: return 1;
    default: return 0;
    }
}

const char *sl_decision_name(enum sl_decision d)
{
    if ((unsigned)d >= SL_DECISION_COUNT)
        return "needs-review";
    return decision_names[d];
}

int sl_decision_from_name(const char *name, enum sl_decision *out)
{
    for (int i = 0; i < SL_DECISION_COUNT; i++) {
        if (strcmp(decision_names[i], name) == 0) {
            *out = (enum sl_decision)i;
            return 0;
        }
    }
    return -1;
}

bool sl_verdict_is_stricter(const struct sl_verdict *v, const struct sl_verdict *than)
{
    int a = sl_decision_severity(v->decision), b = sl_decision_severity(than->decision);
    if (a != b)
        return a > b;
    return v->decision == SL_DECISION_REPLACE_BY && strcmp(v->deadline, than->deadline) < 0;
}

json_t *sl_verdict_to_json(const struct sl_verdict *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "decision", json_string(sl_decision_name(v->decision)));
    set_str(o, "policy", v->policy);
    set_str(o, "deadline", v->deadline);
    set_str(o, "reason", v->reason);
    if (v->law[0] != '\0')
        set_str(o, "law", v->law);
    return o;
}

int sl_verdict_from_json(const json_t *j, struct sl_verdict *v)
{
    memset(v, 0, sizeof *v);
    if (!json_is_object(j))
        return -1;
    const json_t *d = json_object_get(j, "decision");
    if (!json_is_string(d) || sl_decision_from_name(json_string_value(d), &v->decision) != 0)
        return -1;
    get_str(j, "policy", v->policy, sizeof v->policy);
    get_str(j, "deadline", v->deadline, sizeof v->deadline);
    get_str(j, "reason", v->reason, sizeof v->reason);
    get_str(j, "law", v->law, sizeof v->law);
    return 0;
}

void sl_claim_rules_text(const struct sl_claim *c, const char *sep, char *out, size_t n)
{
    if (n == 0)
        return;
    out[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < c->n_rules && used < n; i++) {
        int w = snprintf(out + used, n - used, "%s%s", i ? sep : "", c->rules[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static bool same_rules(const struct sl_claim *a, const struct sl_claim *b)
{
    if (a->n_rules != b->n_rules)
        return false;
    for (size_t i = 0; i < a->n_rules; i++)
        if (strcmp(a->rules[i], b->rules[i]) != 0)
            return false;
    return true;
}

bool sl_claim_changed(const struct sl_claim *a, const struct sl_claim *b)
{
    return strcmp(a->manufacturer, b->manufacturer) != 0 || strcmp(a->model, b->model) != 0 ||
           strcmp(a->firmware, b->firmware) != 0 || fabs(a->confidence - b->confidence) > 1e-9 ||
           !same_rules(a, b);
}

bool sl_verdict_changed(const struct sl_verdict *a, const struct sl_verdict *b)
{
    return a->decision != b->decision || strcmp(a->policy, b->policy) != 0 ||
           strcmp(a->deadline, b->deadline) != 0;
}
