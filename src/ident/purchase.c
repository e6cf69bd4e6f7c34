/* purchase.c - the maker behind a make and model string (purchase.h). It reads
 * the registry and the model-number rules; it judges nothing. */
#include "ident/purchase.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ident/ident_internal.h"
#include "util/str.h"

static const char *const relation_names[] = {
    [SL_PURCHASE_UNKNOWN] = "unknown",       [SL_PURCHASE_MAKER] = "maker",
    [SL_PURCHASE_OWN_BRAND] = "own brand",   [SL_PURCHASE_OEM] = "OEM label",
    [SL_PURCHASE_OEM_OPEN] = "OEM label, maker open", [SL_PURCHASE_MODEL_NUMBER] = "model number",
};

const char *sl_purchase_relation_name(enum sl_purchase_relation r)
{
    return (unsigned)r <= SL_PURCHASE_MODEL_NUMBER ? relation_names[r] : "unknown";
}

static void trimmed_copy(char *dst, size_t n, const char *src, size_t len)
{
    sl_strncpy_z(dst, n, src, len);
    sl_str_trim(dst);
}

/* "Hanwha Vision XNV-6080R" -> make "Hanwha Vision", model "XNV-6080R". */
static void split_product(const struct sl_registry *reg, const char *s, struct sl_purchase *out)
{
    const struct sl_vendor *v;
    const struct sl_brand *b;
    size_t lead = strspn(s, " \t"), len = 0;
    if (sl_registry_match_label(reg, s, &v, &b, &len)) {
        trimmed_copy(out->make, sizeof out->make, s + lead, len);
        const char *rest = s + lead + len;
        trimmed_copy(out->model, sizeof out->model, rest, strlen(rest));
        return;
    }
    trimmed_copy(out->model, sizeof out->model, s, strlen(s));
}

/* The model-number rules' word on the model: a claim (firm or nothing). */
static void model_claim(const struct sl_ident *id, const char *model, struct sl_claim *c)
{
    memset(c, 0, sizeof *c);
    struct sl_ident_acc *acc = sl_ident_acc_new(id);
    if (acc == NULL)
        return;
    sl_ident_observe_value(acc, "model", model);
    sl_ident_conclude(acc, c);
    sl_ident_acc_free(acc);
    if (c->tentative)
        c->manufacturer[0] = '\0';
}

static void from_registry(const struct sl_registry *reg, const struct sl_vendor *v,
                          const struct sl_brand *b, struct sl_purchase *out)
{
    if (v != NULL) {
        out->relation = SL_PURCHASE_MAKER;
        sl_strlcpy(out->maker, v->name, sizeof out->maker);
        snprintf(out->basis, sizeof out->basis, "'%s' is %s's own name (vendor registry)",
                 out->make, v->name);
        sl_strlcpy(out->source, v->source, sizeof out->source);
        return;
    }
    sl_strlcpy(out->brand, b->name, sizeof out->brand);
    sl_strlcpy(out->source, b->source, sizeof out->source);
    const struct sl_vendor *mk = sl_registry_brand_maker(reg, b);
    if (b->owner != NULL && mk != NULL) {
        out->relation = SL_PURCHASE_OWN_BRAND;
        sl_strlcpy(out->maker, mk->name, sizeof out->maker);
        snprintf(out->basis, sizeof out->basis, "%s is a brand of %s (%s)", b->name, mk->name,
                 b->relation);
    } else if (mk != NULL) {
        out->relation = SL_PURCHASE_OEM;
        sl_strlcpy(out->maker, mk->name, sizeof out->maker);
        snprintf(out->basis, sizeof out->basis, "%s relabels products made by %s", b->name,
                 mk->name);
    } else {
        out->relation = SL_PURCHASE_OEM_OPEN;
        size_t w = (size_t)snprintf(out->basis, sizeof out->basis,
                                    "%s relabels other makers' products; who makes this one is not "
                                    "established",
                                    b->name);
        for (size_t i = 0; i < b->n_made_by && w < sizeof out->basis; i++)
            w += (size_t)snprintf(out->basis + w, sizeof out->basis - w, "%s%s",
                                  i ? " or " : " (", b->made_by[i]);
        if (b->n_made_by > 0 && w + 2 < sizeof out->basis)
            sl_strlcpy(out->basis + w, ")", sizeof out->basis - w);
    }
}

void sl_purchase_check(const struct sl_ident *id, const char *make, const char *model,
                       struct sl_purchase *out)
{
    memset(out, 0, sizeof *out);
    const struct sl_registry *reg = sl_ident_registry(id);
    if ((make == NULL || make[0] == '\0') && model != NULL) {
        split_product(reg, model, out);
    } else {
        trimmed_copy(out->make, sizeof out->make, make != NULL ? make : "", make ? strlen(make) : 0);
        trimmed_copy(out->model, sizeof out->model, model != NULL ? model : "",
                     model ? strlen(model) : 0);
    }
    const struct sl_vendor *v = NULL;
    const struct sl_brand *b = NULL;
    if (out->make[0] != '\0')
        sl_registry_resolve_label(reg, out->make, &v, &b);
    struct sl_claim mc;
    model_claim(id, out->model, &mc);
    sl_strlcpy(out->device_type, mc.device_type, sizeof out->device_type);
    if (mc.manufacturer[0] != '\0') {
        /* the model number is the maker's own grammar: it beats the label, as
         * firmware traits do in identify */
        out->relation = SL_PURCHASE_MODEL_NUMBER;
        sl_strlcpy(out->maker, mc.manufacturer, sizeof out->maker);
        const char *label = v != NULL ? v->name : b != NULL ? b->name : "";
        if (strcmp(label, mc.manufacturer) != 0)
            sl_strlcpy(out->brand, label, sizeof out->brand);
        if (out->brand[0] == '\0' && mc.brand[0] != '\0')
            sl_strlcpy(out->brand, mc.brand, sizeof out->brand);
        const struct sl_rule *r =
            mc.n_rules > 0 ? sl_rules_find(sl_ident_rules(id), mc.rules[0]) : NULL;
        snprintf(out->basis, sizeof out->basis, "model number %s follows %s's numbering (rule %s)",
                 out->model, mc.manufacturer, r != NULL ? r->id : "?");
        sl_strlcpy(out->source, r != NULL ? r->source : "", sizeof out->source);
        return;
    }
    if (v != NULL || b != NULL) {
        from_registry(reg, v, b, out);
        return;
    }
    out->relation = SL_PURCHASE_UNKNOWN;
    snprintf(out->basis, sizeof out->basis,
             "neither the make nor the model is known to the vendor registry or the rules");
}

void sl_purchase_claim(const struct sl_purchase *p, struct sl_claim *out)
{
    memset(out, 0, sizeof *out);
    sl_strlcpy(out->manufacturer, p->maker, sizeof out->manufacturer);
    sl_strlcpy(out->brand, p->brand, sizeof out->brand);
    sl_strlcpy(out->model, p->model, sizeof out->model);
    sl_strlcpy(out->device_type, p->device_type, sizeof out->device_type);
    out->confidence = p->maker[0] != '\0' ? 0.9 : 0.0;
}
