/* claim.h - what identify concludes about one device, and what policy says of it.
 *
 * A claim names the maker of the hardware/firmware (manufacturer) and, when the
 * label differs, the brand; its JSON form is the output of `sightline identify`
 * and the "claim" of a scan's device record (DESIGN.md §4, fixed). A verdict is
 * the policy's answer for that claim at a site of a given tier.
 *
 * Both are plain values with fixed-size fields: copy them freely, nothing to free.
 * Empty strings mean "unknown" and become JSON null.
 */
#ifndef SL_CORE_CLAIM_H
#define SL_CORE_CLAIM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define SL_CLAIM_MAX_RULES 16
#define SL_RULE_ID_MAX 64

struct sl_claim {
    char manufacturer[64]; /* canonical registry name ("Hikvision"); "" = unknown */
    char brand[64];        /* label when it differs from the manufacturer ("Lorex") */
    char model[96];
    char firmware[96];
    char device_type[32];  /* camera, nvr, dvr, router, printer, server, workstation, ... */
    char serial[96];
    char mac[18];          /* "aa:bb:cc:dd:ee:ff" when the evidence carried one */
    double confidence;     /* 0..1, confidence in the manufacturer */
    bool tentative;        /* the manufacturer is named by weak evidence alone (its own MAC
                              prefix): low confidence, never enough to prohibit */
    size_t n_rules;
    char rules[SL_CLAIM_MAX_RULES][SL_RULE_ID_MAX]; /* ids of the rules that fired */
    char conflicts[256];   /* "" or what disagreeing clues said */
    char errors[256];      /* "" or what could not be parsed ("http: header line too long") */
};

/* JSON object with the fields of DESIGN.md §4 (manufacturer, brand, model,
 * firmware, device_type, confidence, rules) plus serial, mac, conflicts, errors
 * when set and "tentative": true for a tentative claim. Returns a new reference. */
json_t *sl_claim_to_json(const struct sl_claim *c);
/* Fills c from such an object (unknown keys ignored). Returns 0 or -1. */
int sl_claim_from_json(const json_t *j, struct sl_claim *c);
/* Adds a rule id (deduplicated, silently capped at SL_CLAIM_MAX_RULES). */
void sl_claim_add_rule(struct sl_claim *c, const char *rule_id);
/* The rule ids with sep between them into out (n bytes, cut to fit). */
#define SL_CLAIM_RULES_TEXT (SL_CLAIM_MAX_RULES * (SL_RULE_ID_MAX + 2) + 1)
void sl_claim_rules_text(const struct sl_claim *c, const char *sep, char *out, size_t n);
/* Whether b says something else than a of the device: another manufacturer,
 * model, firmware, confidence or set of rules (what the verdict history
 * records as a changed claim). */
bool sl_claim_changed(const struct sl_claim *a, const struct sl_claim *b);

enum sl_decision {
    SL_DECISION_REVIEW = 0,     /* "needs-review": not enough known to decide */
    SL_DECISION_ALLOWED,        /* "allowed" */
    SL_DECISION_REPLACE_BY,     /* "replace-by": may stay until the deadline */
    SL_DECISION_PROHIBITED,     /* "prohibited": must not be there */
    SL_DECISION_RESTRICTED,     /* "restricted": may stay under a rule's condition (vehicles:
                                   parked away from buildings, not on DoD work, ...) */
    SL_DECISION_COUNT
};

/* How strict a decision is, for taking the strictest of several:
 * allowed 0 < needs-review 1 < restricted 2 < replace-by 3 < prohibited 4. */
int sl_decision_severity(enum sl_decision d);

const char *sl_decision_name(enum sl_decision d);
int sl_decision_from_name(const char *name, enum sl_decision *out);

struct sl_verdict {
    enum sl_decision decision;
    char policy[64];   /* id of the policy that decided, e.g. "UK-2022-sensitive-sites" */
    char deadline[11]; /* "YYYY-MM-DD" for replace-by, else "" */
    char reason[256];  /* one sentence a person can read */
    char law[128];     /* the law or direction behind the policy, when there is one */
    char policy_version[40]; /* the deciding policy's version ("DATE.HASH", policy.h), "" when
                                none decided; kept in the verdict history, not in the JSON */
};

/* Whether v is stricter than than: a more severe decision, or, both
 * replace-by, an earlier deadline. */
bool sl_verdict_is_stricter(const struct sl_verdict *v, const struct sl_verdict *than);

/* Whether b decides otherwise than a: decision, policy or deadline (a changed
 * verdict in the verdict history; the reason's wording alone is not). */
bool sl_verdict_changed(const struct sl_verdict *a, const struct sl_verdict *b);

json_t *sl_verdict_to_json(const struct sl_verdict *v);
int sl_verdict_from_json(const json_t *j, struct sl_verdict *v);

#endif
