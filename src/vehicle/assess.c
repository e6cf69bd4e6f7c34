/* assess.c - identifying a fleet's parts and judging them and their vehicles
 * (assess.h); the chains it explains with are JSON, rendered by the CLI. */
#include "vehicle/assess.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/policy_internal.h"
#include "util/grow.h"
#include "util/siphash.h"
#include "util/str.h"
#include "vehicle/assess_internal.h"
#include "vehicle/cyclonedx.h"

int sl_assess_new(struct sl_assessor **out, const struct sl_policy_set *ps,
                  const struct sl_vrules *vr, const struct sl_assess_options *o,
                  struct sl_err *err)
{
    struct sl_assessor *a = calloc(1, sizeof *a);
    if (a == NULL)
        return sl_err_set(err, "out of memory");
    a->ps = ps;
    a->vr = vr;
    a->o = *o;
    if (o->site_rule != NULL) {
        a->site_rule = *o->site_rule;
        a->o.site_rule = &a->site_rule;
    }
    a->cache_cap = 2 * SL_ASSESS_CACHE;
    a->cache = calloc(a->cache_cap, sizeof *a->cache);
    if (a->cache == NULL) {
        free(a);
        return sl_err_set(err, "out of memory");
    }
    *out = a;
    return 0;
}

void sl_assess_set_site(struct sl_assessor *a, enum sl_tier tier, const struct sl_site_rule *rule)
{
    a->o.tier = tier;
    a->o.site_rule = NULL;
    if (rule != NULL) {
        a->site_rule = *rule;
        a->o.site_rule = &a->site_rule;
    }
}

void sl_assess_free(struct sl_assessor *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->cache_cap; i++)
        free(a->cache[i].key);
    free(a->cache);
    free(a->pv);
    free(a);
}

/* A name or model look-up through the cache (a fleet repeats its suppliers). */
static bool lookup(struct sl_assessor *a, char field, const char *text, struct sl_name_match *m)
{
    static const uint8_t key[16] = {'s', 'l', '-', 'a', 's', 's', 'e', 's',
                                    's', '-', 'c', 'a', 'c', 'h', 'e', '1'};
    char k[SL_VNAME_MAX + 2];
    snprintf(k, sizeof k, "%c%s", field, text);
    uint64_t h = sl_siphash24(key, k, strlen(k));
    size_t i = (size_t)h & (a->cache_cap - 1);
    for (; a->cache[i].key != NULL; i = (i + 1) & (a->cache_cap - 1))
        if (a->cache[i].hash == h && strcmp(a->cache[i].key, k) == 0) {
            *m = a->cache[i].m;
            return a->cache[i].hit;
        }
    bool hit = field == 'm' ? sl_vrules_match_model(a->vr, text, m)
                            : sl_vrules_match_name(a->vr, text, m);
    if (a->n_cache < SL_ASSESS_CACHE) {
        struct cache_entry *e = &a->cache[i];
        e->key = strdup(k);
        if (e->key != NULL) {
            e->hash = h;
            e->hit = hit;
            e->m = *m;
            a->n_cache++;
        }
    }
    return hit;
}

static void add_id(struct sl_part_verdict *out, const struct sl_name_match *m, const char *field,
                   const char *value)
{
    for (size_t i = 0; i < out->n_ids; i++)
        if (out->ids[i].vendor == m->vendor)
            return; /* the first way a vendor was found is the one shown */
    if (out->n_ids >= SL_ASSESS_MAX_IDS || m->vendor == NULL)
        return;
    struct sl_part_id *id = &out->ids[out->n_ids++];
    id->vendor = m->vendor;
    id->rule = m->rule;
    id->field = field;
    id->brand = m->brand;
    sl_strlcpy(id->value, value, sizeof id->value);
}

static void identify(struct sl_assessor *a, const struct sl_fleet *f,
                     const struct sl_fleet_part *p, struct sl_part_verdict *out)
{
    struct sl_name_match m;
    const char *s;
    if ((s = sl_fleet_str(f, p->supplier))[0] && lookup(a, 'n', s, &m))
        add_id(out, &m, "supplier", s);
    if ((s = sl_fleet_str(f, p->manufacturer))[0] && lookup(a, 'n', s, &m))
        add_id(out, &m, "manufacturer", s);
    if ((s = sl_fleet_str(f, p->model))[0] && lookup(a, 'm', s, &m))
        add_id(out, &m, "model", s);
    if ((s = sl_fleet_str(f, p->imei))[0]) {
        struct sl_imei_info ii;
        if (sl_imei_decode(a->vr, s, &ii, NULL) == 0 && ii.tac_rule != NULL) {
            struct sl_name_match t = {.rule = ii.tac_rule, .vendor = ii.tac_rule->vendor};
            add_id(out, &t, "imei", ii.tac);
            out->tac_model = ii.tac_rule->model;
        }
    }
    char v[128];
    if (sl_cpe_vendor(sl_fleet_str(f, p->cpe), v, sizeof v) && lookup(a, 'n', v, &m))
        add_id(out, &m, "cpe", v);
    if (sl_purl_namespace(sl_fleet_str(f, p->purl), v, sizeof v) && lookup(a, 'n', v, &m))
        add_id(out, &m, "purl", v);
}

/* Judges the subject once per vendor found (or once, unidentified). */
static void judge(struct sl_assessor *a, const char *kind, enum sl_part_layer layer,
                  int model_year, struct sl_part_verdict *out)
{
    struct sl_part_subject s = {NULL, kind, layer, model_year};
    out->decided_by = -1;
    if (out->n_ids == 0) {
        sl_policy_judge_part(a->ps, a->o.tier, &s, a->o.now, &out->verdict);
        return;
    }
    for (size_t i = 0; i < out->n_ids; i++) {
        s.vendor = out->ids[i].vendor;
        struct sl_verdict v;
        sl_policy_judge_part(a->ps, a->o.tier, &s, a->o.now, &v);
        if (out->decided_by < 0 || sl_verdict_is_stricter(&v, &out->verdict)) {
            out->verdict = v;
            out->decided_by = (int)i;
        }
        const struct sl_vendor *via = NULL;
        if (out->nexus_via == NULL && sl_vrules_nexus(a->vr, s.vendor, &via))
            out->nexus_via = via;
    }
}

void sl_assess_part(struct sl_assessor *a, const struct sl_fleet *f,
                    const struct sl_fleet_part *p, int model_year, struct sl_part_verdict *out)
{
    memset(out, 0, sizeof *out);
    identify(a, f, p, out);
    judge(a, sl_part_kind_name((enum sl_part_kind)p->kind), (enum sl_part_layer)p->layer,
          model_year, out);
}

static bool flagged(enum sl_decision d)
{
    return d == SL_DECISION_PROHIBITED || d == SL_DECISION_REPLACE_BY ||
           d == SL_DECISION_RESTRICTED;
}

/* The site rule's verdict from what triggered it (trigger NULL: nothing did). */
static void site_verdict(const struct sl_assessor *a, const char *trigger, struct sl_verdict *v)
{
    memset(v, 0, sizeof *v);
    const json_t *doc = sl_vrules_site_rule_doc(a->vr);
    sl_strlcpy(v->policy, json_string_value(json_object_get(doc, "id")), sizeof v->policy);
    char rule[64], what[192];
    sl_site_rule_format(&a->site_rule, rule, sizeof rule);
    sl_site_rule_describe(&a->site_rule, what, sizeof what);
    if (trigger == NULL || a->site_rule.action == SL_SITE_NONE) {
        v->decision = SL_DECISION_ALLOWED;
        snprintf(v->reason, sizeof v->reason, "site rule %s: no part of concern", rule);
        return;
    }
    v->decision = a->site_rule.action == SL_SITE_NOT_ADMITTED ? SL_DECISION_PROHIBITED
                                                              : SL_DECISION_RESTRICTED;
    char reason[512];
    snprintf(reason, sizeof reason, "site rule %s: %s; here %s", rule, what, trigger);
    sl_strlcpy(v->reason, reason, sizeof v->reason); /* cut to the verdict's size */
}

/* What sets off the site rule, in words (into buf), or false when nothing does. */
static bool site_trigger(const struct sl_assessor *a, const struct sl_fleet *f,
                         const struct sl_fleet_vehicle *v, const struct sl_part_verdict *pv,
                         const struct sl_part_verdict *maker, char *buf, size_t n)
{
    bool nexus = a->site_rule.when == SL_SITE_NEXUS;
    if (nexus ? maker->nexus_via != NULL : flagged(maker->verdict.decision)) {
        const struct sl_vendor *who =
            maker->decided_by >= 0 ? maker->ids[maker->decided_by].vendor : NULL;
        snprintf(buf, n, "the vehicle's maker %s (%s)",
                 nexus ? maker->nexus_via->name : who != NULL ? who->name : "?",
                 nexus ? maker->nexus_via->country : sl_decision_name(maker->verdict.decision));
        return true;
    }
    for (size_t i = 0; i < v->n_parts; i++) {
        const struct sl_part_verdict *p = &pv[i];
        if (!(nexus ? p->nexus_via != NULL : flagged(p->verdict.decision)))
            continue;
        const struct sl_fleet_part *fp = &f->parts[v->first_part + i];
        const struct sl_vendor *who = nexus ? p->nexus_via
                                      : p->decided_by >= 0 ? p->ids[p->decided_by].vendor
                                                           : NULL;
        snprintf(buf, n, "the %s '%.40s' of %s (%s)", sl_part_kind_name(fp->kind),
                 sl_fleet_str(f, fp->model), who != NULL ? who->name : "?",
                 nexus ? who->country : sl_decision_name(p->verdict.decision));
        return true;
    }
    return false;
}

void sl_assess_vehicle(struct sl_assessor *a, const struct sl_fleet *f, size_t vi,
                       const struct sl_part_verdict *pv, struct sl_vehicle_verdict *out)
{
    memset(out, 0, sizeof *out);
    const struct sl_fleet_vehicle *v = &f->vehicles[vi];
    sl_vin_decode(a->vr, v->vin, &out->vin, NULL);
    if (out->vin.wmi_rule != NULL) {
        struct sl_name_match w = {.rule = out->vin.wmi_rule, .vendor = out->vin.wmi_rule->vendor,
                                  .brand = out->vin.wmi_rule->brand};
        add_id(&out->maker, &w, "vin", out->vin.wmi);
    }
    struct sl_name_match m;
    const char *make = sl_fleet_str(f, v->make);
    if (make[0] && lookup(a, 'n', make, &m))
        add_id(&out->maker, &m, "make", make);
    judge(a, "vehicle", SL_LAYER_UNKNOWN, v->model_year, &out->maker);
    out->verdict = out->maker.verdict;
    out->n_parts = v->n_parts;
    for (size_t i = 0; i < v->n_parts; i++) {
        out->n_review += pv[i].verdict.decision == SL_DECISION_REVIEW;
        out->n_flagged += flagged(pv[i].verdict.decision);
        out->n_nexus += pv[i].nexus_via != NULL;
        if (sl_verdict_is_stricter(&pv[i].verdict, &out->verdict))
            out->verdict = pv[i].verdict;
    }
    if (v->n_parts == 0 && sl_decision_severity(out->verdict.decision) <
                               sl_decision_severity(SL_DECISION_REVIEW)) {
        out->verdict.decision = SL_DECISION_REVIEW;
        out->verdict.deadline[0] = '\0';
        snprintf(out->verdict.reason, sizeof out->verdict.reason,
                 "no connected parts are recorded for this vehicle: its telematics unit, "
                 "modules and software are unknown: check them");
    }
    if (a->o.site_rule == NULL)
        return;
    char trigger[192];
    bool hit = site_trigger(a, f, v, pv, &out->maker, trigger, sizeof trigger);
    out->site_rule_set = true;
    site_verdict(a, hit ? trigger : NULL, &out->site);
    if (sl_verdict_is_stricter(&out->site, &out->verdict))
        out->verdict = out->site;
}

json_t *sl_assess_context_json(const struct sl_assessor *a)
{
    char date[16] = "";
    time_t t = (time_t)a->o.now;
    struct tm tm;
    if (gmtime_r(&t, &tm) != NULL)
        strftime(date, sizeof date, "%Y-%m-%d", &tm);
    json_t *pols = json_array();
    for (size_t i = 0; i < sl_policy_count(a->ps); i++) {
        const struct sl_policy *p = sl_policy_at(a->ps, i);
        if (p->selected & SL_DOMAIN_VEHICLES)
            json_array_append_new(pols, json_pack("{s:s, s:s, s:s}", "id", p->id, "date", p->date,
                                                  "title", p->title));
    }
    json_t *o = json_pack("{s:s, s:s, s:o}", "tier", sl_tier_name(a->o.tier), "date", date,
                          "policies", pols);
    if (a->o.site_rule != NULL) {
        char rule[64], what[192];
        sl_site_rule_format(&a->site_rule, rule, sizeof rule);
        sl_site_rule_describe(&a->site_rule, what, sizeof what);
        json_object_set_new(o, "site_rule", json_pack("{s:s, s:s}", "rule", rule, "means", what));
    } else {
        json_object_set_new(o, "site_rule", json_null());
    }
    return o;
}

int sl_assess_judge_vehicle(struct sl_assessor *a, const struct sl_fleet *f, size_t vi,
                            struct sl_vehicle_verdict *out)
{
    const struct sl_fleet_vehicle *v = &f->vehicles[vi];
    if (SL_GROW(a->pv, a->pv_cap, v->n_parts ? v->n_parts : 1, 16) != 0)
        return -1;
    for (size_t i = 0; i < v->n_parts; i++)
        sl_assess_part(a, f, &f->parts[v->first_part + i], v->model_year, &a->pv[i]);
    sl_assess_vehicle(a, f, vi, a->pv, out);
    return 0;
}

int sl_assess_vehicle_all(struct sl_assessor *a, const struct sl_fleet *f, size_t vi,
                          struct sl_vehicle_verdict *out, size_t part_counts[SL_DECISION_COUNT])
{
    if (sl_assess_judge_vehicle(a, f, vi, out) != 0)
        return -1;
    for (size_t i = 0; part_counts != NULL && i < f->vehicles[vi].n_parts; i++)
        part_counts[a->pv[i].verdict.decision]++;
    return 0;
}
