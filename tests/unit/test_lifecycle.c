/* test_lifecycle.c - every transition rule, its requirements, and expiry. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "programme/lifecycle.h"
#include "store/store.h"

#define D SL_STATUS_DISCOVERED
#define C SL_STATUS_CONFIRMED
#define S SL_STATUS_SCHEDULED
#define R SL_STATUS_REMOVED
#define V SL_STATUS_VERIFIED_ABSENT
#define E SL_STATUS_EXEMPT
#define P SL_STATUS_REAPPEARED

/* A change to `to` carrying everything any status needs. */
static struct sl_change full_change(enum sl_status to)
{
    struct sl_change c = {to,        "2024-03-01", "why", "Axis P3265-LVE", "2024-04-01",
                          "2024-12-31", "Board",   0,     false};
    return c;
}

static void device_in(struct sl_device *d, enum sl_status st)
{
    memset(d, 0, sizeof *d);
    d->id = 1;
    d->status = st;
    snprintf(d->status_since, sizeof d->status_since, "2024-02-01T00:00:00Z");
}

static void test_transition_table(void **state)
{
    (void)state;
    /* expected[from][to]: what an operator may do (with a note where needed). */
    static const bool expected[SL_STATUS_COUNT][SL_STATUS_COUNT] = {
        [D] = {0, 1, 1, 1, 0, 1, 0}, [C] = {0, 0, 1, 1, 0, 1, 0}, [S] = {0, 1, 1, 1, 0, 1, 0},
        [R] = {0, 0, 0, 0, 1, 0, 1}, [V] = {0, 0, 0, 0, 0, 0, 1}, [E] = {0, 1, 1, 1, 0, 1, 0},
        [P] = {0, 1, 1, 1, 0, 1, 0},
    };
    int64_t now;
    sl_time_parse("2024-06-01", &now);
    for (int from = 0; from < SL_STATUS_COUNT; from++) {
        for (int to = 0; to < SL_STATUS_COUNT; to++) {
            struct sl_device d;
            device_in(&d, (enum sl_status)from);
            struct sl_change c = full_change((enum sl_status)to);
            char why[400] = "";
            int rc = sl_lifecycle_check(&d, &c, now, why, sizeof why);
            if (expected[from][to] && rc != 0)
                fail_msg("%s -> %s refused: %s", sl_status_name((enum sl_status)from),
                         sl_status_name((enum sl_status)to), why);
            if (!expected[from][to]) {
                if (rc == 0)
                    fail_msg("%s -> %s allowed", sl_status_name((enum sl_status)from),
                             sl_status_name((enum sl_status)to));
                assert_true(strstr(why, "refused") != NULL);
            }
        }
    }
}

static void expect_refused(enum sl_status from, struct sl_change c, const char *needle)
{
    struct sl_device d;
    device_in(&d, from);
    int64_t now;
    sl_time_parse("2024-06-01", &now);
    char why[400] = "";
    assert_int_equal(sl_lifecycle_check(&d, &c, now, why, sizeof why), -1);
    if (strstr(why, needle) == NULL)
        fail_msg("reason '%s' does not mention '%s'", why, needle);
}

static void test_requirements(void **state)
{
    (void)state;
    struct sl_change c = full_change(S);
    c.scheduled_for = NULL;
    expect_refused(C, c, "removal date");
    c = full_change(R);
    c.replaced_by = "";
    expect_refused(C, c, "--replaced-by");
    c = full_change(E);
    c.exempt_approver = NULL;
    expect_refused(C, c, "approver");
    c = full_change(E);
    c.exempt_until = "2024-02-15"; /* before the exemption starts (2024-03-01) */
    expect_refused(C, c, "expire");
    c = full_change(E);
    c.exempt_until = "someday";
    expect_refused(C, c, "not a date");
    c = full_change(V);
    c.note = NULL;
    expect_refused(R, c, "sightline verify");
    c.by_verification = true; /* verification needs no note */
    struct sl_device d;
    device_in(&d, R);
    char why[400];
    assert_int_equal(sl_lifecycle_check(&d, &c, 2000000000, why, sizeof why), 0);
    c = full_change(C);
    c.at = "2030-01-01";
    expect_refused(D, c, "future");
    c = full_change(C);
    c.at = "2024-01-15"; /* before status_since 2024-02-01 */
    expect_refused(D, c, "append-only");
    c = full_change(C);
    c.at = "yesterday";
    expect_refused(D, c, "not a date");
    c = full_change(D);
    expect_refused(C, c, "first status");
    c = full_change(V);
    expect_refused(C, c, "only a removed device");
    c = full_change(P);
    expect_refused(S, c, "only a removed or verified-absent");
    c = full_change(C);
    expect_refused(V, c, "reappeared");
    c = full_change(C);
    expect_refused(C, c, "already has that status");
}

/* A register with one device, for apply/expire. */
static struct sl_store *one_device(const char *name, int64_t *id)
{
    struct sl_store *s;
    struct sl_err err;
    assert_int_equal(sl_store_open(&s, sl_test_tmpfile(name, "r.db"), 0, &err), 0);
    struct sl_claim claim;
    memset(&claim, 0, sizeof claim);
    snprintf(claim.manufacturer, sizeof claim.manufacturer, "Hikvision");
    struct sl_verdict v;
    memset(&v, 0, sizeof v);
    v.decision = SL_DECISION_PROHIBITED;
    int64_t seen;
    sl_time_parse("2024-01-01", &seen);
    struct sl_device_obs obs = {0, 0, "aa:bb:cc:00:00:01", NULL, "198.18.0.1", NULL, &claim, &v,
                                seen};
    assert_int_equal(sl_store_device_observe(s, &obs, "test", id, NULL, &err), 0);
    return s;
}

static void test_apply_and_history(void **state)
{
    (void)state;
    int64_t id;
    struct sl_store *s = one_device("lc-apply", &id);
    struct sl_err err;
    char why[400];
    struct sl_change c = {C, "2024-01-05", "survey", NULL, NULL, NULL, NULL, 0, false};
    assert_int_equal(sl_lifecycle_apply(s, id, &c, "alice", why, sizeof why, &err), 1);
    /* refused: no change, reason given */
    struct sl_change bad = {R, "2024-01-06", NULL, NULL, NULL, NULL, NULL, 0, false};
    assert_int_equal(sl_lifecycle_apply(s, id, &bad, "alice", why, sizeof why, &err), 0);
    assert_non_null(strstr(why, "replaced-by"));
    struct sl_change rm = {R, "2024-02-01", "swapped", "Axis P3265-LVE", NULL, NULL, NULL, 0,
                           false};
    assert_int_equal(sl_lifecycle_apply(s, id, &rm, "bob", why, sizeof why, &err), 1);
    struct sl_device d;
    assert_int_equal(sl_store_device_get(s, id, &d, &err), 1);
    assert_int_equal(d.status, R);
    assert_string_equal(d.replaced_by, "Axis P3265-LVE");
    assert_string_equal(d.status_since, "2024-02-01T00:00:00Z");
    /* the audit chain holds */
    struct sl_audit_report rep;
    assert_int_equal(sl_store_verify(s, &rep, &err), 0);
    assert_int_equal(rep.first_bad_seq, 0);
    assert_true(rep.entries >= 3);
    sl_store_close(s);
}

static void test_expire(void **state)
{
    (void)state;
    int64_t id;
    struct sl_store *s = one_device("lc-expire", &id);
    struct sl_err err;
    char why[400];
    struct sl_change c = {S, "2024-01-05", NULL, NULL, "2024-02-01", NULL, NULL, 0, false};
    assert_int_equal(sl_lifecycle_apply(s, id, &c, "t", why, sizeof why, &err), 1);
    struct sl_change e1 = {E, "2024-01-10", "legacy", NULL, NULL, "2024-02-29", "Board", 0, false};
    assert_int_equal(sl_lifecycle_apply(s, id, &e1, "t", why, sizeof why, &err), 1);
    /* a renewal keeps the status before the first exemption */
    struct sl_change e2 = {E, "2024-02-20", "renewed", NULL, NULL, "2024-03-31", "Board", 0,
                           false};
    assert_int_equal(sl_lifecycle_apply(s, id, &e2, "t", why, sizeof why, &err), 1);
    enum sl_status back;
    assert_int_equal(sl_lifecycle_pre_exempt(s, id, &back, &err), 0);
    assert_int_equal(back, S);
    size_t n = 99;
    int64_t now;
    sl_time_parse("2024-03-31T23:00:00Z", &now); /* still the last exempt day */
    assert_int_equal(sl_lifecycle_expire(s, now, "cron", &n, &err), 0);
    assert_int_equal(n, 0);
    sl_time_parse("2024-04-02", &now);
    assert_int_equal(sl_lifecycle_expire(s, now, "cron", &n, &err), 0);
    assert_int_equal(n, 1);
    struct sl_device d;
    assert_int_equal(sl_store_device_get(s, id, &d, &err), 1);
    assert_int_equal(d.status, S);
    assert_string_equal(d.status_since, "2024-04-01T00:00:00Z");
    sl_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transition_table),
        cmocka_unit_test(test_requirements),
        cmocka_unit_test(test_apply_and_history),
        cmocka_unit_test(test_expire),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
