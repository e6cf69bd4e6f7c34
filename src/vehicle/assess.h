/* assess.h - the verdicts for a fleet (DESIGN.md §10).
 *
 * Each part is identified (who made or supplied it, and how we know: the
 * supplier, manufacturer or model name, the IMEI's TAC, a CPE or purl), then
 * judged for every vendor found under the vehicle policies in force, at a site
 * of the given tier; the strictest verdict stands. A part whose vendor is not
 * identified needs review, never allowed by default. The vehicle itself is
 * judged by its maker (the VIN's WMI, else the make), and the site's own
 * vehicle rule, when set, turns parts of concern into a restriction or a
 * refusal. Every verdict carries the chain part -> vendor -> parent -> law ->
 * policy -> verdict, as JSON.
 *
 * An assessor borrows the policy set and the rule set (both must outlive it)
 * and caches name look-ups (bounded: SL_ASSESS_CACHE entries); it is not
 * shared between threads. Results are plain values.
 */
#ifndef SL_VEHICLE_ASSESS_H
#define SL_VEHICLE_ASSESS_H

#include <jansson.h>
#include <stdint.h>

#include "core/tier.h"
#include "policy/policy.h"
#include "vehicle/fleet.h"
#include "vehicle/rules.h"
#include "vehicle/siterule.h"

#define SL_ASSESS_MAX_IDS 4
#define SL_ASSESS_CACHE 65536

/* One way a vendor was found for a part (or the vehicle). */
struct sl_part_id {
    const struct sl_vendor *vendor;
    const struct sl_vrule *rule;
    const char *field; /* "supplier", "manufacturer", "model", "imei", "cpe", "purl", "vin", "make" */
    char value[96];    /* the text it was found in */
    const char *brand;
};

struct sl_part_verdict {
    size_t n_ids;
    struct sl_part_id ids[SL_ASSESS_MAX_IDS];
    const char *tac_model;     /* the device model the IMEI's TAC names, or NULL */
    struct sl_verdict verdict; /* the strictest over the vendors found */
    int decided_by;            /* index into ids of the vendor behind it; -1 = none found */
    const struct sl_vendor *nexus_via; /* a vendor (or parent) of a nexus country/law, or NULL */
};

struct sl_vehicle_verdict {
    struct sl_vin_info vin;
    struct sl_part_verdict maker;   /* the vehicle as a subject (kind "vehicle") */
    bool site_rule_set;
    struct sl_verdict site;         /* the site rule's verdict (when set) */
    struct sl_verdict verdict;      /* the strictest of maker, parts and site rule */
    size_t n_parts, n_review, n_flagged, n_nexus;
};

struct sl_assess_options {
    enum sl_tier tier;
    const struct sl_site_rule *site_rule; /* NULL = the site sets none */
    int64_t now;                          /* seconds since the epoch: the date judged at */
};

struct sl_assessor;

int sl_assess_new(struct sl_assessor **out, const struct sl_policy_set *ps,
                  const struct sl_vrules *vr, const struct sl_assess_options *o,
                  struct sl_err *err);
void sl_assess_free(struct sl_assessor *a);

/* Judges from now on at a site of this tier under this rule (NULL: the site
 * sets none), keeping what the assessor has learnt of names: one assessor
 * judges a fleet spread over many sites (vehicle/register.h). */
void sl_assess_set_site(struct sl_assessor *a, enum sl_tier tier, const struct sl_site_rule *rule);

/* Identifies and judges one part of a vehicle of this model year (0 = unknown). */
void sl_assess_part(struct sl_assessor *a, const struct sl_fleet *f,
                    const struct sl_fleet_part *p, int model_year, struct sl_part_verdict *out);

/* Judges vehicle vi of f, given its parts' verdicts (pv[i] for part
 * f->vehicles[vi].first_part + i). */
void sl_assess_vehicle(struct sl_assessor *a, const struct sl_fleet *f, size_t vi,
                       const struct sl_part_verdict *pv, struct sl_vehicle_verdict *out);

/* Judges vehicle vi and all its parts (no JSON: for tables and imports);
 * part_counts, when not NULL, get its parts' decisions added. 0 or -1 (out of
 * memory). */
int sl_assess_vehicle_all(struct sl_assessor *a, const struct sl_fleet *f, size_t vi,
                          struct sl_vehicle_verdict *out, size_t part_counts[SL_DECISION_COUNT]);

/* JSON of a part with its verdict; with explain, the chain. New reference. */
json_t *sl_assess_part_json(struct sl_assessor *a, const struct sl_fleet *f,
                            const struct sl_fleet_part *p, int model_year,
                            const struct sl_part_verdict *pv, bool explain);

/* JSON of a vehicle with its parts (judged here) and verdicts; counts, when
 * not NULL, get the vehicle's decision and its parts' added (indexed by enum
 * sl_decision). New reference. */
json_t *sl_assess_vehicle_json(struct sl_assessor *a, const struct sl_fleet *f, size_t vi,
                               bool explain, struct sl_vehicle_verdict *vv_out,
                               size_t part_counts[SL_DECISION_COUNT]);

/* The header of a check: tier, date, site rule, policies in force. New reference. */
json_t *sl_assess_context_json(const struct sl_assessor *a);

#endif
