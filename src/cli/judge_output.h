/* judge_output.h - what the commands that judge share: loading the policies
 * (and the vehicle rules), and printing a judged vehicle (the JSON of
 * vehicle/assess.h) as text for people, chain and all. */
#ifndef SL_CLI_JUDGE_OUTPUT_H
#define SL_CLI_JUDGE_OUTPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "policy/policy.h"
#include "vehicle/rules.h"

/* Loads the policy set and selects ids (NULL = the defaults); prints the
 * failure and returns its exit code, else 0. */
int sl_cli_load_policies(const char *cmd, const char *select, struct sl_policy_set **ps);

/* The same, and the vehicle rules. */
int sl_cli_load_vehicle_rules(const char *cmd, const char *select, struct sl_policy_set **ps,
                              struct sl_vrules **vr);

/* "replace-by 2027-06-30 (US-DoD-1260H)" for a verdict object. */
void sl_cli_verdict_text(const json_t *v, char *buf, size_t n);

/* Prints one vehicle object with its maker, parts and site rule, each with
 * its chain (vendor, parents, laws, policies, verdict). */
void sl_cli_print_vehicle_chain(FILE *out, const json_t *vehicle);

#endif
