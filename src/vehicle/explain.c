/* explain.c - the JSON of judged parts and vehicles, with the chain part ->
 * vendor -> parent -> law -> policy -> verdict (assess.h); it judges nothing
 * itself but replays each policy for the chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_internal.h"
#include "util/str.h"
#include "vehicle/assess_internal.h"

static void set_text(json_t *o, const char *key, const char *s)
{
    if (s != NULL && s[0] != '\0')
        json_object_set_new(o, key, json_string(s));
}

static json_t *found_json(const struct sl_part_id *id)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "vendor", id->vendor->name, "country",
                          id->vendor->country, "found_in", id->field, "text", id->value, "rule",
                          id->rule != NULL ? id->rule->id : "");
    set_text(o, "brand", id->brand);
    return o;
}

/* The laws that bind or name x, with the listing's date and source when one names it. */
static void laws_of(const struct sl_registry *reg, const struct sl_vendor *x, json_t *laws)
{
    for (int named = 0; named < 2; named++) {
        size_t n = named ? x->n_named_in : x->n_laws;
        for (size_t i = 0; i < n; i++) {
            const char *id = named ? x->named_in[i] : x->laws[i];
            const struct sl_law *l = sl_registry_law(reg, id);
            const struct sl_listing *li = named ? sl_registry_listing(reg, id, x) : NULL;
            json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "vendor", x->name, "law", id, "how",
                                  named ? "named in" : "subject to", "title",
                                  l != NULL ? l->title : id);
            if (li != NULL && li->since != NULL)
                json_object_set_new(o, "since", json_string(li->since));
            set_text(o, "source", li != NULL ? li->source : l != NULL ? l->source : NULL);
            json_array_append_new(laws, o);
        }
    }
}

/* One vendor's chain: how it was found, its parents, its laws, each policy's word. */
static json_t *vendor_chain(const struct sl_assessor *a, const struct sl_part_id *id,
                            const struct sl_part_subject *s)
{
    const struct sl_registry *reg = sl_policy_registry(a->ps);
    json_t *o = json_object();
    json_t *parents = json_array(), *laws = json_array(), *pols = json_array();
    if (id != NULL) {
        const struct sl_vendor *v = id->vendor;
        json_object_set_new(o, "vendor", json_string(v->name));
        set_text(o, "legal_name", v->legal_name);
        json_object_set_new(o, "country", json_string(v->country));
        json_object_set_new(o, "source", json_string(v->source));
        json_t *f = found_json(id);
        if (id->rule != NULL)
            json_object_set_new(f, "rule_source", json_string(id->rule->source));
        json_object_set_new(o, "found", f);
        int steps = 0;
        for (const struct sl_vendor *x = v; x != NULL && steps < SL_REG_MAX_DEPTH;
             x = sl_registry_parent(reg, x), steps++) {
            laws_of(reg, x, laws);
            const struct sl_vendor *up = sl_registry_parent(reg, x);
            if (up != NULL)
                json_array_append_new(parents, json_pack("{s:s, s:s, s:s, s:s, s:s}", "vendor",
                                                         up->name, "country", up->country,
                                                         "parent_of", x->name, "relation",
                                                         x->parent_relation, "source",
                                                         x->parent_source));
        }
    } else {
        json_object_set_new(o, "vendor", json_null());
    }
    for (size_t i = 0; i < sl_policy_count(a->ps); i++) {
        const struct sl_policy *p = sl_policy_at(a->ps, i);
        if (!(p->selected & SL_DOMAIN_VEHICLES))
            continue;
        struct sl_verdict v;
        struct sl_policy_basis b;
        sl_policy_judge_part_one(a->ps, p, a->o.tier, s, a->o.now, &v, &b);
        json_t *pj = json_pack("{s:s, s:o}", "policy", p->id, "verdict", sl_verdict_to_json(&v));
        if (b.via != NULL)
            json_object_set_new(pj, "covered_through", json_string(b.via->name));
        json_array_append_new(pols, pj);
    }
    json_object_set_new(o, "parents", parents);
    json_object_set_new(o, "laws", laws);
    json_object_set_new(o, "policies", pols);
    return o;
}

/* The parts of a verdict every caller shows: what was found, the verdict, who decided. */
static void verdict_fields(json_t *o, const struct sl_part_verdict *pv)
{
    json_t *found = json_array();
    for (size_t i = 0; i < pv->n_ids; i++)
        json_array_append_new(found, found_json(&pv->ids[i]));
    json_object_set_new(o, "identified", found);
    set_text(o, "tac_model", pv->tac_model);
    json_object_set_new(o, "verdict", sl_verdict_to_json(&pv->verdict));
    json_object_set_new(o, "decided_by", pv->decided_by >= 0
                                             ? json_string(pv->ids[pv->decided_by].vendor->name)
                                             : json_null());
    if (pv->nexus_via != NULL) {
        char n[96];
        snprintf(n, sizeof n, "%s (%s)", pv->nexus_via->name, pv->nexus_via->country);
        json_object_set_new(o, "nexus", json_string(n));
    }
}

static json_t *chains(const struct sl_assessor *a, const struct sl_part_verdict *pv,
                      struct sl_part_subject *s)
{
    json_t *arr = json_array();
    if (pv->n_ids == 0)
        json_array_append_new(arr, vendor_chain(a, NULL, s));
    for (size_t i = 0; i < pv->n_ids; i++) {
        s->vendor = pv->ids[i].vendor;
        json_array_append_new(arr, vendor_chain(a, &pv->ids[i], s));
    }
    return arr;
}

json_t *sl_assess_part_json(struct sl_assessor *a, const struct sl_fleet *f,
                            const struct sl_fleet_part *p, int model_year,
                            const struct sl_part_verdict *pv, bool explain)
{
    json_t *o = json_object();
    char where[32];
    if (p->line > 0)
        snprintf(where, sizeof where, "line %u", p->line);
    set_text(o, "where", p->line > 0 ? where : sl_fleet_str(f, p->where));
    const char *kind = sl_part_kind_name((enum sl_part_kind)p->kind);
    json_object_set_new(o, "kind", json_string(kind));
    const char *layer = sl_part_layer_name((enum sl_part_layer)p->layer);
    json_object_set_new(o, "layer", layer[0] ? json_string(layer) : json_null());
    static const char *const keys[] = {"supplier", "manufacturer", "model", "version",
                                       "imei", "serial", "purl", "cpe"};
    const sl_fstr vals[] = {p->supplier, p->manufacturer, p->model, p->version,
                            p->imei, p->serial, p->purl, p->cpe};
    for (size_t i = 0; i < 8; i++)
        set_text(o, keys[i], sl_fleet_str(f, vals[i]));
    verdict_fields(o, pv);
    if (explain) {
        struct sl_part_subject s = {NULL, kind, (enum sl_part_layer)p->layer, model_year};
        json_object_set_new(o, "explain", chains(a, pv, &s));
    }
    return o;
}

static json_t *vin_json(const struct sl_vin_info *vi)
{
    json_t *o = json_pack("{s:s, s:b, s:b}", "wmi", vi->wmi, "check_digit_required",
                          vi->check_required, "check_digit_ok", vi->check_ok);
    set_text(o, "region", vi->region);
    set_text(o, "country", vi->country);
    set_text(o, "country_name", vi->country_name);
    if (vi->wmi_rule != NULL) {
        json_object_set_new(o, "maker", json_string(vi->wmi_rule->maker));
        json_object_set_new(o, "rule", json_string(vi->wmi_rule->id));
    }
    return o;
}

json_t *sl_assess_vehicle_json(struct sl_assessor *a, const struct sl_fleet *f, size_t vi,
                               bool explain, struct sl_vehicle_verdict *vv_out,
                               size_t part_counts[SL_DECISION_COUNT])
{
    const struct sl_fleet_vehicle *v = &f->vehicles[vi];
    struct sl_vehicle_verdict vv;
    if (sl_assess_judge_vehicle(a, f, vi, &vv) != 0)
        return NULL;
    const struct sl_part_verdict *pv = a->pv;
    json_t *parts = json_array();
    for (size_t i = 0; i < v->n_parts; i++) {
        json_array_append_new(parts, sl_assess_part_json(a, f, &f->parts[v->first_part + i],
                                                         v->model_year, &pv[i], explain));
        if (part_counts != NULL)
            part_counts[pv[i].verdict.decision]++;
    }
    json_t *o = json_pack("{s:s}", "vin", v->vin);
    static const char *const keys[] = {"make", "model", "fleet", "site", "registration"};
    const sl_fstr vals[] = {v->make, v->model, v->fleet, v->site, v->registration};
    for (size_t i = 0; i < 5; i++)
        set_text(o, keys[i], sl_fleet_str(f, vals[i]));
    json_object_set_new(o, "model_year", v->model_year ? json_integer(v->model_year) : json_null());
    if (v->model_year_from_vin)
        json_object_set_new(o, "model_year_from_vin", json_true());
    if (v->line > 0)
        json_object_set_new(o, "line", json_integer(v->line));
    json_object_set_new(o, "vin_decoded", vin_json(&vv.vin));
    json_t *maker = json_object();
    verdict_fields(maker, &vv.maker);
    if (explain) {
        struct sl_part_subject s = {NULL, "vehicle", SL_LAYER_UNKNOWN, v->model_year};
        json_object_set_new(maker, "explain", chains(a, &vv.maker, &s));
    }
    json_object_set_new(o, "maker", maker);
    json_object_set_new(o, "site_rule", vv.site_rule_set ? sl_verdict_to_json(&vv.site) : json_null());
    json_object_set_new(o, "verdict", sl_verdict_to_json(&vv.verdict));
    json_object_set_new(o, "counts", json_pack("{s:I, s:I, s:I, s:I}", "parts", (json_int_t)vv.n_parts,
                                               "needs_review", (json_int_t)vv.n_review, "flagged",
                                               (json_int_t)vv.n_flagged, "nexus",
                                               (json_int_t)vv.n_nexus));
    json_object_set_new(o, "parts", parts);
    if (vv_out != NULL)
        *vv_out = vv;
    return o;
}
