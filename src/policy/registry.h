/* registry.h - the vendor registry (data/registry/): manufacturers, their
 * brands and the OEM labels that rebadge them, the laws that bind them.
 *
 * Loaded once, immutable, shareable read-only. Strings returned point into
 * the registry and live as long as it does. Identify uses it to resolve
 * self-reported names ("HIKVISION", "LOREX", "Zhejiang Dahua Technology
 * Co., Ltd.") and IEEE organisation names; policy uses it to decide whether a
 * claim's maker is covered.
 */
#ifndef SL_POLICY_REGISTRY_H
#define SL_POLICY_REGISTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define SL_REG_MAX_LIST 8

struct sl_vendor {
    const char *name;        /* canonical ("Hikvision") */
    const char *legal_name;
    const char *country;     /* ISO 3166 alpha-2 */
    const char *kind;
    const char *source;
    size_t n_laws;
    const char *laws[SL_REG_MAX_LIST];     /* law ids it is subject to */
    size_t n_named_in;
    const char *named_in[SL_REG_MAX_LIST]; /* law ids that name it */
    size_t n_brands;
    const char *brands[SL_REG_MAX_LIST];
    bool oui_names_maker;    /* builds its own devices: its MAC prefix alone names it,
                                tentatively; false for module/NIC makers and rebadgers */
};

struct sl_brand {
    const char *name;        /* "Lorex" */
    const char *owner;       /* the vendor that owns the brand, or NULL for an OEM label */
    const char *relation;    /* "subsidiary", "brand", "oem" */
    const char *source;
    size_t n_made_by;
    const char *made_by[SL_REG_MAX_LIST]; /* OEM: vendors known to make its products */
};

struct sl_law {
    const char *id, *title, *text, *source;
};

struct sl_registry;

int sl_registry_load(struct sl_registry **out, const char *datadir, struct sl_err *err);
void sl_registry_free(struct sl_registry *r);

size_t sl_registry_vendor_count(const struct sl_registry *r);
const struct sl_vendor *sl_registry_vendor_at(const struct sl_registry *r, size_t i);
size_t sl_registry_brand_count(const struct sl_registry *r);
const struct sl_brand *sl_registry_brand_at(const struct sl_registry *r, size_t i);

/* By canonical name (case-insensitive), or NULL. */
const struct sl_vendor *sl_registry_vendor(const struct sl_registry *r, const char *name);
const struct sl_brand *sl_registry_brand(const struct sl_registry *r, const char *name);
const struct sl_law *sl_registry_law(const struct sl_registry *r, const char *id);

/* Resolves a name a device or page gives itself: returns the vendor or brand
 * whose alias starts the label as a whole word ("HIKVISION DS-2CD2143G0-I",
 * "Zhejiang Dahua Technology Co., Ltd."). Sets at most one of *v and *b. */
bool sl_registry_resolve_label(const struct sl_registry *r, const char *label,
                               const struct sl_vendor **v, const struct sl_brand **b);

/* The same, also giving how many bytes of label (after leading blanks) the
 * alias covered ("Hanwha Vision XNV-6080R" -> Hanwha, 13). */
bool sl_registry_match_label(const struct sl_registry *r, const char *label,
                             const struct sl_vendor **v, const struct sl_brand **b, size_t *len);

/* Resolves an IEEE organisation name through the oui_orgs substrings. */
bool sl_registry_resolve_org(const struct sl_registry *r, const char *org,
                             const struct sl_vendor **v, const struct sl_brand **b);

/* The vendor a brand's products are made by when that is unambiguous (owner,
 * or a single made_by), else NULL. */
const struct sl_vendor *sl_registry_brand_maker(const struct sl_registry *r,
                                                const struct sl_brand *b);

/* The raw JSON of a vendor or brand entry (for explain output); borrowed. */
const json_t *sl_registry_vendor_json(const struct sl_registry *r, const struct sl_vendor *v);

#endif
