/* ident_internal.h - what the CLI (rules test/explain, policy explain), the
 * tests and the benchmarks read of the engine beyond ident.h. Pointers are
 * borrowed from the engine or the accumulator. */
#ifndef SL_IDENT_INTERNAL_H
#define SL_IDENT_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "ident/ident.h"
#include "ident/oui.h"
#include "ident/rules.h"
#include "policy/registry.h"

/* Weight of a MAC prefix: supporting evidence only (below SL_RULE_STRONG). */
#define SL_OUI_WEIGHT 0.45
/* Weight a rebadging brand lends to its known maker: a hint, never enough alone. */
#define SL_BRAND_HINT_WEIGHT 0.35

const struct sl_ruleset *sl_ident_rules(const struct sl_ident *id);
const struct sl_registry *sl_ident_registry(const struct sl_ident *id);
const struct sl_oui *sl_ident_oui(const struct sl_ident *id);
/* "nmap-service-probes /usr/share/nmap/nmap-service-probes (N rules)", or why none. */
const char *sl_ident_nmap_source(const struct sl_ident *id);

/* Whether a rule fired for this device (all of them, not only the first
 * SL_CLAIM_MAX_RULES that the claim lists). */
bool sl_ident_acc_fired(const struct sl_ident_acc *acc, const char *rule_id);

/* The clues behind the claim, one JSON object each: rule, field, value (cut),
 * and what it said (maker and weight, brand, label, device_type, model, ...).
 * Returns a new array. */
json_t *sl_ident_acc_clues(const struct sl_ident_acc *acc);

/* Candidate makers and their fused scores, best first: [{"maker", "score",
 * "rules": [...]}]. Returns a new array. */
json_t *sl_ident_acc_scores(const struct sl_ident_acc *acc);

#endif
