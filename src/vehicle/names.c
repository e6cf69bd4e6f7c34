/* names.c - supplier, make and model names -> a vendor (rules.h): whole-word
 * names, start-only names, non-Latin names as written, model prefixes, then
 * the registry's aliases. It matches text; it judges nothing. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/str.h"
#include "vehicle/rules_internal.h"

size_t sl_vr_normalise(const char *in, char *out, size_t outsz)
{
    size_t n = 0;
    if (outsz < 3) {
        if (outsz > 0)
            out[0] = '\0';
        return 0;
    }
    out[n++] = ' ';
    for (const char *p = in; *p != '\0' && n + 2 < outsz; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) || c >= 0x80)
            out[n++] = (char)tolower(c);
        else if (out[n - 1] != ' ')
            out[n++] = ' ';
    }
    if (out[n - 1] != ' ')
        out[n++] = ' ';
    out[n] = '\0';
    return n;
}

static void fill(struct sl_name_match *m, const struct sl_vrule *r, const char *matched)
{
    m->rule = r;
    m->vendor = r->vendor;
    m->brand = r->brand;
    sl_strlcpy(m->matched, matched, sizeof m->matched);
    sl_str_trim(m->matched);
}

/* The longest supplier-rule name found in the normalised text t. */
static const struct sl_vr_name *best_name(const struct sl_vrules *vr, const char *t)
{
    const struct sl_vr_name *best = NULL;
    for (size_t i = 0; i < vr->n_names; i++) {
        const struct sl_vr_name *x = &vr->names[i];
        if (best != NULL && x->len <= best->len)
            continue;
        bool hit;
        if (x->start_only)
            hit = strncmp(t, x->text, x->len) == 0;
        else if (x->literal) /* non-Latin script: as written, without the padding */
            hit = x->len > 2 && memmem(t, strlen(t), x->text + 1, x->len - 2) != NULL;
        else
            hit = strstr(t, x->text) != NULL;
        if (hit)
            best = x;
    }
    return best;
}

static bool registry_alias(const struct sl_vrules *vr, const char *text, struct sl_name_match *m)
{
    const struct sl_vendor *v = NULL;
    const struct sl_brand *b = NULL;
    if (vr->registry_alias == NULL || !sl_registry_resolve_label(vr->reg, text, &v, &b))
        return false;
    if (v == NULL && b != NULL)
        v = sl_registry_brand_maker(vr->reg, b);
    if (v == NULL)
        return false; /* an OEM label whose maker is open: no vendor */
    m->rule = vr->registry_alias;
    m->vendor = v;
    m->brand = b != NULL ? b->name : NULL;
    sl_strlcpy(m->matched, b != NULL ? b->name : v->name, sizeof m->matched);
    return true;
}

bool sl_vrules_match_name(const struct sl_vrules *vr, const char *text, struct sl_name_match *m)
{
    memset(m, 0, sizeof *m);
    if (text == NULL || text[0] == '\0')
        return false;
    char cut[SL_VNAME_MAX + 1];
    sl_strlcpy(cut, text, sizeof cut);
    char t[2 * SL_VNAME_MAX + 4];
    sl_vr_normalise(cut, t, sizeof t);
    const struct sl_vr_name *x = best_name(vr, t);
    if (x != NULL) {
        fill(m, x->rule, x->text);
        return true;
    }
    return registry_alias(vr, cut, m);
}

bool sl_vrules_match_model(const struct sl_vrules *vr, const char *text, struct sl_name_match *m)
{
    memset(m, 0, sizeof *m);
    if (text == NULL || text[0] == '\0')
        return false;
    char up[SL_VNAME_MAX + 1];
    sl_strlcpy(up, text, sizeof up);
    sl_str_trim(up);
    for (char *c = up; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    const struct sl_vr_name *best = NULL;
    for (size_t i = 0; i < vr->n_models; i++) {
        const struct sl_vr_name *x = &vr->models[i];
        /* a prefix, not running on into a digit: EG25-G and EC25EUX, not EC250 */
        if (strncmp(up, x->text, x->len) == 0 &&
            (x->any_tail || !isdigit((unsigned char)up[x->len])) &&
            (best == NULL || x->len > best->len))
            best = x;
    }
    if (best != NULL) {
        fill(m, best->rule, best->text);
        return true;
    }
    return sl_vrules_match_name(vr, text, m);
}
