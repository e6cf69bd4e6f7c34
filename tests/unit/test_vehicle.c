/* test_vehicle.c - the vehicle rules (VIN, WMI, IMEI, TAC, supplier names,
 * site rules) and their examples, the fleet parsers, and the verdicts with
 * their explanations. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "policy/policy_internal.h"
#include "vehicle/rules.h"
#include "vehicle/siterule.h"

static struct sl_policy_set *ps;
static struct sl_vrules *vr;

static int setup(void **state)
{
    (void)state;
    struct sl_err err = {{0}};
    if (sl_policy_load(&ps, SL_TEST_SOURCE_DIR "/data", &err) != 0 ||
        sl_vrules_load(&vr, SL_TEST_SOURCE_DIR "/data", sl_policy_registry(ps), &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sl_vrules_free(vr);
    sl_policy_free(ps);
    return 0;
}

/* Every rule has a source and runs its own examples without a failure. */
static void test_every_rule_example(void **state)
{
    (void)state;
    size_t total = 0, kinds[4] = {0};
    for (size_t i = 0; i < sl_vrules_count(vr); i++) {
        const struct sl_vrule *r = sl_vrules_at(vr, i);
        assert_non_null(r->source);
        assert_true(strlen(r->source) > 10);
        struct sl_vrule_test res;
        sl_vrule_test(vr, r, &res);
        if (res.failed > 0)
            fprintf(stderr, "FAIL %s: %s\n", r->id, res.first_failure);
        assert_int_equal(res.failed, 0);
        assert_true(res.checked >= 2); /* at least one positive and one negative */
        total += res.checked;
        kinds[r->kind]++;
    }
    assert_true(kinds[SL_VRULE_SYNTAX] == 3);
    assert_true(kinds[SL_VRULE_WMI] >= 30);
    assert_true(kinds[SL_VRULE_TAC] >= 9);
    assert_true(kinds[SL_VRULE_SUPPLIER] >= 50);
    assert_true(total > 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_rule_example),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
