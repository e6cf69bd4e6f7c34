/* policy.h - the vendor registry and the policies that judge a claim
 * (DESIGN.md §6) or one connected part of a vehicle (DESIGN.md §10).
 *
 * The registry (data/registry/) names each vendor: canonical name, parent,
 * subsidiaries and brands, country, the laws that bind it. Policies
 * (data/policies/) map (site tier, vendor) to a decision and a deadline, each
 * with its source and date. A policy applies to devices, to vehicles, or to
 * both ("applies_to"), and is in force by default or only when chosen, per
 * domain. Each policy has a version, its date and a hash of its text
 * ("2022-11-24.1a2b3c4d"): verdicts carry the deciding policy's version, which
 * the register's verdict history records (docs/register.md). Vehicle policies
 * may cover vendors by country (and through their parents) and limit
 * themselves to part kinds, hardware or software, and model years. Loaded
 * once, immutable, shareable read-only.
 */
#ifndef SL_POLICY_POLICY_H
#define SL_POLICY_POLICY_H

#include <stdint.h>

#include "core/claim.h"
#include "core/evidence.h"
#include "core/tier.h"
#include "policy/registry.h"
#include "util/err.h"

struct sl_policy_set;

int sl_policy_load(struct sl_policy_set **out, const char *datadir, struct sl_err *err);
void sl_policy_free(struct sl_policy_set *ps);

/* The registry the set was loaded with (lives as long as the set). */
const struct sl_registry *sl_policy_registry(const struct sl_policy_set *ps);

/* Chooses which policies are in force (comma-separated ids, e.g.
 * "UK-2022-sensitive-sites,US-NDAA-889"), in every domain each applies to;
 * NULL or "" = the default sets named in the data. Returns 0 or -1 for an
 * unknown id. */
int sl_policy_select(struct sl_policy_set *ps, const char *ids, struct sl_err *err);

/* The verdict for a claim at a site of the given tier, on date `now` (seconds
 * since the epoch; it decides whether a replace-by deadline has passed). An
 * unidentified device gets needs-review when it looks like a camera/recorder,
 * else allowed. The strictest verdict of the policies in force wins. */
void sl_policy_judge(const struct sl_policy_set *ps, enum sl_tier tier,
                     const struct sl_claim *claim, int64_t now, struct sl_verdict *out);

/* A device that answered malformed (ev, its first such answer) may be hiding
 * what it is (a NUL where the vendor's header was): an "allowed" verdict
 * becomes "needs-review", saying why. Other verdicts stay. */
void sl_policy_malformed_review(struct sl_verdict *v, const struct sl_evidence *ev);

/* What a vehicle policy judges: one connected part of one vehicle (or the
 * vehicle itself, kind "vehicle", judged by its maker). */
enum sl_part_layer { SL_LAYER_UNKNOWN = 0, SL_LAYER_HARDWARE = 1, SL_LAYER_SOFTWARE = 2 };

struct sl_part_subject {
    const struct sl_vendor *vendor; /* who made or supplied it; NULL = not identified */
    const char *kind;               /* "tcu", "cellular", "wifi-bt", ..., "vehicle" */
    enum sl_part_layer layer;
    int model_year;                 /* the vehicle's; 0 = unknown */
};

/* The verdict for one part at a site of the given tier: the strictest of the
 * vehicle policies in force. A part whose vendor is not identified always
 * needs review, never allowed by default. */
void sl_policy_judge_part(const struct sl_policy_set *ps, enum sl_tier tier,
                          const struct sl_part_subject *s, int64_t now, struct sl_verdict *out);

const char *sl_part_layer_name(enum sl_part_layer l); /* "hardware", "software", "" */

#endif
