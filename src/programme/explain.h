/* explain.h - a verdict's chain, evidence -> claim -> registry -> policy ->
 * verdict, as JSON: what `sightline policy explain` prints and the dashboard's
 * device page shows.
 *
 * Memory: the caller owns `out` (a JSON object the functions add keys to) and
 * every loaded set passed in. Bounded by the device's stored evidence.
 */
#ifndef SL_PROGRAMME_EXPLAIN_H
#define SL_PROGRAMME_EXPLAIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "ident/ident.h"
#include "policy/policy.h"
#include "store/store.h"
#include "util/err.h"

/* The device's site's tier into *tier (and *have_tier = true) unless *have_tier. */
void sl_explain_device_tier(struct sl_store *s, const struct sl_device *d, enum sl_tier *tier,
                            bool *have_tier);

/* The device identified again from its stored evidence with `id`: its claim
 * into *claim (the register's claim when nothing is stored), and "device",
 * "evidence", "clues", "stored_claim" into out. 0 or -1. */
int sl_explain_claim(struct sl_store *s, const struct sl_ident *id, const struct sl_device *d,
                     struct sl_claim *claim, json_t *out, struct sl_err *err);

/* claim -> registry -> each policy -> the verdict into out ("tier", "claim",
 * "registry", "policies", "verdict"), judged as of `now`. */
void sl_explain_judge(const struct sl_policy_set *ps, enum sl_tier tier,
                      const struct sl_claim *claim, int64_t now, json_t *out);

#endif
