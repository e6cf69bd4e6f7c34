/* ruletest.h - checking a rule against its own examples (like recog's
 * example tests), for `sightline rules test` and the unit tests.
 *
 * A string example is a field value: a positive one must match the rule's
 * test, a negative one must not. An object example is a whole evidence record
 * {"proto", "port", "path", "data" | "data_b64", "expect": {...}}: it is
 * identified, and the rule must (positive) or must not (negative) fire; the
 * claim must agree with "expect" (manufacturer, brand, model, firmware,
 * device_type; null = unknown).
 */
#ifndef SL_IDENT_RULETEST_H
#define SL_IDENT_RULETEST_H

#include <stddef.h>

#include "ident/ident.h"
#include "ident/rules.h"

struct sl_ruletest_result {
    size_t checked, failed;
    char first_failure[512];
};

void sl_rule_test(const struct sl_ident *id, const struct sl_rule *r,
                  struct sl_ruletest_result *res);

#endif
