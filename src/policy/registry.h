/* registry.h - the vendor registry (data/registry/): manufacturers, their
 * brands and the OEM labels that rebadge them, their parent companies, the
 * laws that bind them and the lists that name them.
 *
 * Every .json file in data/registry/ is read (laws.json and vendors.json first,
 * then the others by name, e.g. vehicles.json for the fleet's makers); each
 * may hold "laws", "vendors" and "brands". A law may carry "names": the
 * vendors a list names, each with the date it was listed and its source
 * (e.g. the DoD section 1260H list). A vendor may name its "parent" (another
 * vendor): parents are followed at most SL_REG_MAX_DEPTH steps, cycles refused.
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
#define SL_REG_MAX_DEPTH 8 /* parent -> parent steps followed at most */

struct sl_vendor {
    const char *name;        /* canonical ("Hikvision") */
    const char *legal_name;
    const char *country;     /* ISO 3166 alpha-2 */
    const char *kind;
    const char *source;
    const char *parent;          /* canonical name of the parent vendor, or NULL */
    const char *parent_relation; /* "subsidiary", "majority owner (51%)", ... */
    const char *parent_source;
    size_t n_laws;
    const char *laws[SL_REG_MAX_LIST];     /* law ids it is subject to */
    size_t n_named_in;
    const char *named_in[SL_REG_MAX_LIST]; /* law ids that name it */
    size_t n_brands;
    const char *brands[SL_REG_MAX_LIST];
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

/* One entry of a list a law keeps (law "names"): who is listed, since when. */
struct sl_listing {
    const char *law;    /* law id */
    const char *vendor; /* canonical vendor name */
    const char *since;  /* "YYYY-MM-DD" or NULL */
    const char *source;
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

/* Resolves an IEEE organisation name through the oui_orgs substrings. */
bool sl_registry_resolve_org(const struct sl_registry *r, const char *org,
                             const struct sl_vendor **v, const struct sl_brand **b);

/* The vendor a brand's products are made by when that is unambiguous (owner,
 * or a single made_by), else NULL. */
const struct sl_vendor *sl_registry_brand_maker(const struct sl_registry *r,
                                                const struct sl_brand *b);

/* Checks that every law id is in the registry; what names the caller for the
 * message. 0, or -1 naming the first unknown one. */
int sl_registry_check_laws(const struct sl_registry *r, const char *const *ids, size_t n,
                           const char *what, struct sl_err *err);

/* The parent vendor of v (NULL when it has none). */
const struct sl_vendor *sl_registry_parent(const struct sl_registry *r, const struct sl_vendor *v);

/* The listing that names vendor v in law law_id, or NULL (a vendor's own
 * "named_in" without a listing entry also returns NULL). */
const struct sl_listing *sl_registry_listing(const struct sl_registry *r, const char *law_id,
                                             const struct sl_vendor *v);

/* The raw JSON of a vendor or brand entry (for explain output); borrowed. */
const json_t *sl_registry_vendor_json(const struct sl_registry *r, const struct sl_vendor *v);

#endif
