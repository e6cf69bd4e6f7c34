/* explain.c - a device's verdict chain as JSON (identification again from the
 * stored evidence, the registry entry, each policy's verdict); no printing. */
#include "programme/explain.h"

#include "ident/ident_internal.h"
#include "policy/policy_internal.h"

struct ev_ctx {
    struct sl_ident_acc *acc;
    json_t *list;
    size_t n;
};

static int on_evidence(const struct sl_evidence_row *r, void *vctx)
{
    struct ev_ctx *c = vctx;
    sl_ident_observe(c->acc, &r->ev);
    c->n++;
    json_t *o = json_pack("{s:I, s:s, s:s, s:i, s:i}", "id", (json_int_t)r->id, "observed_at",
                          r->observed_at, "proto", sl_proto_name(r->ev.proto), "port",
                          (int)r->ev.port, "bytes", (int)r->ev.len);
    if (r->path[0])
        json_object_set_new(o, "path", json_string(r->path));
    if (r->ev.outcome != SL_OUTCOME_OK)
        json_object_set_new(o, "outcome", json_string(sl_outcome_name(r->ev.outcome)));
    if (r->truncated)
        json_object_set_new(o, "truncated", json_true());
    json_array_append_new(c->list, o);
    return 0;
}

void sl_explain_device_tier(struct sl_store *s, const struct sl_device *d, enum sl_tier *tier,
                            bool *have_tier)
{
    struct sl_err err = {0};
    struct sl_site site;
    if (*have_tier || d->site_id <= 0 || sl_store_site_get_id(s, d->site_id, &site, &err) != 1)
        return;
    *tier = site.tier;
    *have_tier = true;
    sl_site_free(&site);
}

int sl_explain_claim(struct sl_store *s, const struct sl_ident *id, const struct sl_device *d,
                     struct sl_claim *claim, json_t *out, struct sl_err *err)
{
    int rc = 0;
    struct ev_ctx ctx = {sl_ident_acc_new(id), json_array(), 0};
    if (ctx.acc == NULL || ctx.list == NULL) {
        rc = sl_err_set(err, "out of memory");
    } else if (sl_store_evidence_list(s, d->id, 0, on_evidence, &ctx, err) != 0) {
        rc = -1;
    } else {
        sl_ident_conclude(ctx.acc, claim);
        if (ctx.n == 0) /* nothing stored: explain the claim the register holds */
            *claim = d->claim;
        json_object_set_new(out, "device",
                            json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)d->id, "address",
                                      d->address, "mac", d->mac, "site",
                                      d->site[0] ? d->site : "(none)"));
        json_object_set_new(out, "evidence", ctx.list);
        ctx.list = NULL;
        json_object_set_new(out, "clues", sl_ident_acc_clues(ctx.acc));
        json_object_set_new(out, "stored_claim", sl_claim_to_json(&d->claim));
    }
    json_decref(ctx.list);
    sl_ident_acc_free(ctx.acc);
    return rc;
}

/* The registry's entry for the claim's vendor, or null. */
static json_t *registry_json(const struct sl_policy_set *ps, const struct sl_claim *claim)
{
    const struct sl_vendor *v = sl_policy_claim_vendor(ps, claim);
    if (v == NULL)
        return json_null();
    json_t *laws = json_array();
    for (size_t i = 0; i < v->n_laws; i++) {
        const struct sl_law *l = sl_registry_law(sl_policy_registry(ps), v->laws[i]);
        json_array_append_new(laws, json_string(l ? l->title : v->laws[i]));
    }
    json_t *named = json_array();
    for (size_t i = 0; i < v->n_named_in; i++)
        json_array_append_new(named, json_string(v->named_in[i]));
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:s}", "name", v->name, "legal_name",
                     v->legal_name ? v->legal_name : "", "country", v->country, "laws", laws,
                     "named_in", named, "source", v->source);
}

/* claim -> registry -> each policy -> the verdict, into out. */
void sl_explain_judge(const struct sl_policy_set *ps, enum sl_tier tier,
                      const struct sl_claim *claim, int64_t now, json_t *out)
{
    json_object_set_new(out, "tier", json_string(sl_tier_name(tier)));
    json_object_set_new(out, "claim", sl_claim_to_json(claim));
    json_object_set_new(out, "registry", registry_json(ps, claim));
    json_t *pols = json_array();
    for (size_t i = 0; i < sl_policy_count(ps); i++) {
        const struct sl_policy *p = sl_policy_at(ps, i);
        struct sl_verdict pv;
        sl_policy_judge_one(ps, p, tier, claim, now, &pv);
        json_array_append_new(pols, json_pack("{s:s, s:s, s:b, s:o}", "id", p->id, "date",
                                              p->date, "in_force",
                                              (p->selected & SL_DOMAIN_DEVICES) != 0, "verdict",
                                              sl_verdict_to_json(&pv)));
    }
    json_object_set_new(out, "policies", pols);
    struct sl_verdict verdict;
    sl_policy_judge(ps, tier, claim, now, &verdict);
    json_object_set_new(out, "verdict", sl_verdict_to_json(&verdict));
}
