/* test_policy.c - the vendor registry, the policies and their verdicts, and
 * `sightline policy explain` over a register. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "policy/policy_internal.h"
#include "policy/registry.h"
#include "store/store.h"

static struct sl_policy_set *ps;

/* 2026-01-01 and 2024-06-01, UTC */
#define AFTER_DEADLINE INT64_C(1767225600)
#define BEFORE_DEADLINE INT64_C(1717200000)

static int setup(void **state)
{
    (void)state;
    struct sl_err err = {0};
    if (sl_policy_load(&ps, SL_TEST_SOURCE_DIR "/data", &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sl_policy_free(ps);
    return 0;
}

static struct sl_claim claim(const char *maker, const char *brand, const char *type)
{
    struct sl_claim c;
    memset(&c, 0, sizeof c);
    snprintf(c.manufacturer, sizeof c.manufacturer, "%s", maker);
    snprintf(c.brand, sizeof c.brand, "%s", brand);
    snprintf(c.device_type, sizeof c.device_type, "%s", type);
    return c;
}

static enum sl_decision judge(enum sl_tier t, struct sl_claim c, int64_t now, struct sl_verdict *v)
{
    sl_policy_judge(ps, t, &c, now, v);
    return v->decision;
}

static void test_registry(void **state)
{
    (void)state;
    const struct sl_registry *r = sl_policy_registry(ps);
    const struct sl_vendor *v;
    const struct sl_brand *b;
    assert_true(sl_registry_resolve_label(r, "HIKVISION DS-2CD2143G0-I", &v, &b));
    assert_non_null(v);
    assert_string_equal(v->name, "Hikvision");
    assert_true(sl_registry_resolve_label(r, "Zhejiang Dahua Technology Co., Ltd.", &v, &b));
    assert_string_equal(v->name, "Dahua");
    assert_true(sl_registry_resolve_label(r, "LOREX", &v, &b));
    assert_null(v);
    assert_string_equal(b->name, "Lorex");
    assert_string_equal(sl_registry_brand_maker(r, b)->name, "Dahua");
    assert_false(sl_registry_resolve_label(r, "General", &v, &b)); /* DHDiscover's Vendor */
    assert_false(sl_registry_resolve_label(r, "Hikvisionary", &v, &b));
    assert_true(sl_registry_resolve_org(r, "Hangzhou Hikvision Digital Technology Co.,Ltd.", &v, &b));
    assert_string_equal(v->name, "Hikvision");
    assert_false(sl_registry_resolve_org(r, "Shanghai Dahua Scale Factory", &v, &b));
    const struct sl_vendor *h = sl_registry_vendor(r, "hikvision");
    assert_non_null(h);
    assert_string_equal(h->country, "CN");
    assert_string_equal(h->laws[0], "cn-nil-2017");
    assert_string_equal(sl_registry_brand(r, "EZVIZ")->owner, "Hikvision");
}

static void test_uk_policy(void **state)
{
    (void)state;
    struct sl_verdict v;
    /* sensitive site: replace-by 2025-04-30, prohibited once it has passed */
    assert_int_equal(judge(SL_TIER_SENSITIVE, claim("Hikvision", "", "camera"), BEFORE_DEADLINE, &v),
                     SL_DECISION_REPLACE_BY);
    assert_string_equal(v.deadline, "2025-04-30");
    assert_string_equal(v.policy, "UK-2022-sensitive-sites");
    assert_int_equal(judge(SL_TIER_SENSITIVE, claim("Hikvision", "", "camera"), AFTER_DEADLINE, &v),
                     SL_DECISION_PROHIBITED);
    assert_non_null(strstr(v.reason, "National Intelligence Law"));
    assert_int_equal(judge(SL_TIER_OFFICIAL, claim("Dahua", "Lorex", "nvr"), AFTER_DEADLINE, &v),
                     SL_DECISION_REPLACE_BY);
    assert_string_equal(v.deadline, "2027-03-31");
    assert_int_equal(judge(SL_TIER_PUBLIC, claim("Dahua", "", "camera"), AFTER_DEADLINE, &v),
                     SL_DECISION_ALLOWED);
    /* maker unknown: a brand owned by Hikvision still counts */
    assert_int_equal(judge(SL_TIER_SENSITIVE, claim("", "EZVIZ", "camera"), AFTER_DEADLINE, &v),
                     SL_DECISION_PROHIBITED);
    /* an OEM label without firmware evidence: review */
    assert_int_equal(judge(SL_TIER_SENSITIVE, claim("", "Lorex", ""), AFTER_DEADLINE, &v),
                     SL_DECISION_REVIEW);
    assert_int_equal(judge(SL_TIER_SENSITIVE, claim("", "", "camera"), AFTER_DEADLINE, &v),
                     SL_DECISION_REVIEW);
    assert_int_equal(judge(SL_TIER_SENSITIVE, claim("", "", "printer"), AFTER_DEADLINE, &v),
                     SL_DECISION_ALLOWED);
    assert_int_equal(judge(SL_TIER_SENSITIVE, claim("Axis", "", "camera"), AFTER_DEADLINE, &v),
                     SL_DECISION_ALLOWED);
    /* a Huawei router is outside a visual-surveillance statement */
    assert_int_equal(judge(SL_TIER_SENSITIVE, claim("Huawei", "", "router"), AFTER_DEADLINE, &v),
                     SL_DECISION_ALLOWED);
    assert_non_null(strstr(v.reason, "outside its scope"));
}

/* A maker named by its MAC prefix alone (a tentative claim) is never
 * prohibited or given a deadline: needs-review where the policy would restrict
 * it, allowed where it would allow it anyway (issue 10). */
static void test_tentative_claim(void **state)
{
    (void)state;
    struct sl_verdict v;
    struct sl_claim c = claim("Hikvision", "", "");
    c.tentative = true;
    c.confidence = 0.45;
    assert_int_equal(judge(SL_TIER_SENSITIVE, c, AFTER_DEADLINE, &v), SL_DECISION_REVIEW);
    assert_non_null(strstr(v.reason, "MAC address"));
    assert_int_equal(judge(SL_TIER_OFFICIAL, c, BEFORE_DEADLINE, &v), SL_DECISION_REVIEW);
    assert_int_equal(judge(SL_TIER_PUBLIC, c, AFTER_DEADLINE, &v), SL_DECISION_ALLOWED);
    struct sl_err err = {0};
    assert_int_equal(sl_policy_select(ps, "US-NDAA-889", &err), 0);
    assert_int_equal(judge(SL_TIER_PUBLIC, c, AFTER_DEADLINE, &v), SL_DECISION_REVIEW);
    assert_int_equal(sl_policy_select(ps, NULL, &err), 0);
    struct sl_claim a = claim("Axis", "", "");
    a.tentative = true;
    assert_int_equal(judge(SL_TIER_SENSITIVE, a, AFTER_DEADLINE, &v), SL_DECISION_ALLOWED);
    /* the same claim, firm, is prohibited */
    c.tentative = false;
    assert_int_equal(judge(SL_TIER_SENSITIVE, c, AFTER_DEADLINE, &v), SL_DECISION_PROHIBITED);
    /* an own brand only a MAC prefix gave (no maker named): its owner, for review */
    struct sl_claim e = claim("", "EZVIZ", "");
    e.tentative = true;
    assert_int_equal(judge(SL_TIER_SENSITIVE, e, AFTER_DEADLINE, &v), SL_DECISION_REVIEW);
    assert_non_null(strstr(v.reason, "Hikvision"));
}

static void test_selection(void **state)
{
    (void)state;
    struct sl_err err = {0};
    struct sl_verdict v;
    assert_int_equal(sl_policy_select(ps, "UK-2022-sensitive-sites,US-NDAA-889", &err), 0);
    assert_int_equal(judge(SL_TIER_PUBLIC, claim("Huawei", "", "router"), AFTER_DEADLINE, &v),
                     SL_DECISION_PROHIBITED);
    assert_string_equal(v.policy, "US-NDAA-889");
    /* Uniview is subject to the NIL but not named in s.889 */
    assert_int_equal(judge(SL_TIER_PUBLIC, claim("Uniview", "", "camera"), AFTER_DEADLINE, &v),
                     SL_DECISION_ALLOWED);
    assert_int_equal(sl_policy_select(ps, "US-FCC-covered-list", &err), 0);
    assert_int_equal(judge(SL_TIER_OFFICIAL, claim("Hytera", "", "camera"), AFTER_DEADLINE, &v),
                     SL_DECISION_ALLOWED);
    assert_int_equal(judge(SL_TIER_SENSITIVE, claim("Hytera", "", "camera"), AFTER_DEADLINE, &v),
                     SL_DECISION_PROHIBITED);
    assert_int_equal(sl_policy_select(ps, "no-such-policy", &err), -1);
    assert_non_null(strstr(err.msg, "no-such-policy"));
    assert_int_equal(sl_policy_select(ps, NULL, &err), 0);
    assert_int_equal(judge(SL_TIER_PUBLIC, claim("Huawei", "", "router"), AFTER_DEADLINE, &v),
                     SL_DECISION_ALLOWED);
}

static void test_bad_policy_file(void **state)
{
    (void)state;
    const char *dir = sl_test_tmpdir("policy-bad");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp -r '%s/data/registry' '%s/' && mkdir '%s/policies'",
             SL_TEST_SOURCE_DIR, dir, dir);
    assert_int_equal(sl_test_run(cmd, NULL), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/policies/x.json", dir);
    sl_test_write_file(path, "{\"id\":\"X\",\"title\":\"t\",\"source\":\"s\",\"date\":\"2024-01-01\","
                             "\"covers\":{\"subject_to\":[\"cn-nil-2017\"]},\"tiers\":{\"sensitive\":"
                             "{\"decision\":\"replace-by\"},\"official\":{\"decision\":\"allowed\"},"
                             "\"public\":{\"decision\":\"allowed\"}}}");
    struct sl_policy_set *bad;
    struct sl_err err = {0};
    assert_int_equal(sl_policy_load(&bad, dir, &err), -1);
    assert_non_null(strstr(err.msg, "deadline"));
}

static void test_explain_cli(void **state)
{
    (void)state;
    const char *db = sl_test_tmpfile("policy-explain", "reg.db");
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, db, 0, &err), 0);
    int64_t site;
    const char *nets[] = {"198.18.4.0/24"};
    assert_int_equal(sl_store_site_add(s, "Northgate", "DfT", SL_TIER_SENSITIVE, nets, 1, "test",
                                       &site, &err), 0);
    struct sl_claim c;
    memset(&c, 0, sizeof c);
    struct sl_verdict v;
    memset(&v, 0, sizeof v);
    struct sl_device_obs obs = {.site_id = site, .address = "198.18.4.7", .ports = "80",
                                .claim = &c, .verdict = &v, .seen_at = 1767225600};
    int64_t dev;
    bool created;
    assert_int_equal(sl_store_device_observe(s, &obs, "test", &dev, &created, &err), 0);
    const char *resp = "HTTP/1.0 200 OK\r\nServer: App-webs/\r\n\r\n";
    struct sl_evidence ev = {.proto = SL_PROTO_HTTP, .port = 80, .path = "/",
                             .data = (const uint8_t *)resp, .len = strlen(resp),
                             .observed_at = 1767225600};
    const struct sl_evidence *evp[] = {&ev};
    assert_int_equal(sl_store_evidence_add_many(s, 0, dev, "198.18.4.7", evp, 1, "t", &err), 0);
    sl_store_close(s);
    char cmd[1024], *out = NULL;
    snprintf(cmd, sizeof cmd, "SIGHTLINE_DATA='%s/data' '%s' policy explain 198.18.4.7 --db '%s' "
             "--date 2026-01-01 --json", SL_TEST_SOURCE_DIR, SL_TEST_BINARY, db);
    assert_int_equal(sl_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "\"decision\": \"prohibited\""));
    assert_non_null(strstr(out, "hikvision.http.server.app-webs"));
    assert_non_null(strstr(out, "\"tier\": \"sensitive\""));
    free(out);
    snprintf(cmd, sizeof cmd, "SIGHTLINE_DATA='%s/data' '%s' policy explain 198.18.4.7 --db '%s' "
             "--date 2024-06-01", SL_TEST_SOURCE_DIR, SL_TEST_BINARY, db);
    assert_int_equal(sl_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "replace-by by 2025-04-30"));
    free(out);
    snprintf(cmd, sizeof cmd, "'%s' policy explain 198.18.9.9 --db '%s' 2>/dev/null", SL_TEST_BINARY, db);
    assert_int_equal(sl_test_run(cmd, NULL), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),       cmocka_unit_test(test_uk_policy),
        cmocka_unit_test(test_tentative_claim), cmocka_unit_test(test_selection),
        cmocka_unit_test(test_bad_policy_file),
        cmocka_unit_test(test_explain_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
