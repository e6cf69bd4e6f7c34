/* test_verify.c - reconciliation of synthetic observations with the register,
 * and the reader of a scan's JSON lines. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "programme/lifecycle.h"
#include "programme/reconcile.h"
#include "scan/jsonl.h"
#include "store/store.h"

static struct sl_store *open_fixture(const char *name, int64_t *site, int64_t ids[7])
{
    struct sl_store *s;
    struct sl_err err;
    assert_int_equal(sl_store_open(&s, sl_test_tmpfile(name, "v.db"), 0, &err), 0);
    const char *net[] = {"198.18.50.0/24"};
    assert_int_equal(sl_store_site_add(s, "Site S", "Dept", SL_TIER_SENSITIVE, net, 1, "t", site,
                                       &err), 0);
    static const struct {
        const char *addr, *mac, *serial, *maker;
        enum sl_status to;
    } devs[] = {
        {"198.18.50.10", "aa:00:00:00:00:01", NULL, "Hikvision", SL_STATUS_REMOVED},
        {"198.18.50.11", "aa:00:00:00:00:02", NULL, "Hikvision", SL_STATUS_REMOVED},
        {"198.18.50.12", NULL, "SERIAL-X", "Dahua", SL_STATUS_VERIFIED_ABSENT},
        {"198.18.50.13", NULL, NULL, "Hikvision", SL_STATUS_REMOVED},
        {"198.18.50.14", NULL, NULL, "Hikvision", SL_STATUS_SCHEDULED},
        {"198.18.50.15", NULL, NULL, "Hikvision", SL_STATUS_CONFIRMED},
    };
    for (size_t i = 0; i < 6; i++) {
        struct sl_claim c;
        memset(&c, 0, sizeof c);
        snprintf(c.manufacturer, sizeof c.manufacturer, "%s", devs[i].maker);
        struct sl_verdict v;
        memset(&v, 0, sizeof v);
        v.decision = SL_DECISION_PROHIBITED;
        int64_t seen;
        sl_time_parse("2024-01-01", &seen);
        struct sl_device_obs o = {0, *site, devs[i].mac, devs[i].serial, devs[i].addr, "80", &c,
                                  &v, seen};
        assert_int_equal(sl_store_device_observe(s, &o, "t", &ids[i], NULL, &err), 0);
        char why[400];
        enum sl_status to = devs[i].to;
        if (to == SL_STATUS_REMOVED || to == SL_STATUS_VERIFIED_ABSENT) {
            struct sl_change ch = {SL_STATUS_REMOVED, "2024-02-01", NULL, "Axis", NULL, NULL,
                                   NULL, 0, false};
            assert_int_equal(sl_lifecycle_apply(s, ids[i], &ch, "t", why, sizeof why, &err), 1);
        }
        if (to == SL_STATUS_VERIFIED_ABSENT) {
            struct sl_change ch = {to, "2024-02-10", "scan", NULL, NULL, NULL, NULL, 0, false};
            assert_int_equal(sl_lifecycle_apply(s, ids[i], &ch, "t", why, sizeof why, &err), 1);
        }
        if (to == SL_STATUS_SCHEDULED || to == SL_STATUS_CONFIRMED) {
            struct sl_change ch = {to, "2024-02-01", NULL, NULL, "2024-09-01", NULL, NULL, 0,
                                   false};
            assert_int_equal(sl_lifecycle_apply(s, ids[i], &ch, "t", why, sizeof why, &err), 1);
        }
    }
    return s;
}

static void obs(struct sl_observation *o, const char *addr, const char *mac, const char *serial,
                const char *maker, enum sl_decision dec)
{
    memset(o, 0, sizeof *o);
    snprintf(o->address, sizeof o->address, "%s", addr);
    if (mac)
        snprintf(o->mac, sizeof o->mac, "%s", mac);
    if (serial)
        snprintf(o->serial, sizeof o->serial, "%s", serial);
    if (maker)
        snprintf(o->claim.manufacturer, sizeof o->claim.manufacturer, "%s", maker);
    o->verdict.decision = dec;
}

static enum sl_status status_of(struct sl_store *s, int64_t id)
{
    struct sl_device d;
    struct sl_err err;
    assert_int_equal(sl_store_device_get(s, id, &d, &err), 1);
    return d.status;
}

static void test_rules(void **state)
{
    (void)state;
    int64_t site, id[7];
    struct sl_store *s = open_fixture("verify-rules", &site, id);
    struct sl_observation o[7];
    obs(&o[0], "198.18.50.11", "AA:00:00:00:00:02", NULL, "Hikvision", SL_DECISION_PROHIBITED);
    obs(&o[1], "198.18.50.77", NULL, "SERIAL-X", "Dahua", SL_DECISION_PROHIBITED); /* moved */
    obs(&o[2], "198.18.50.13", NULL, NULL, NULL, SL_DECISION_REVIEW); /* unidentified */
    obs(&o[3], "198.18.50.15", NULL, NULL, "Hikvision", SL_DECISION_PROHIBITED);
    obs(&o[4], "198.18.50.20", "aa:00:00:00:00:20", NULL, "Hikvision", SL_DECISION_PROHIBITED);
    obs(&o[5], "198.18.50.10", "bb:00:00:00:00:10", NULL, "Axis", SL_DECISION_ALLOWED);
    obs(&o[6], "198.18.99.5", NULL, NULL, "Hikvision", SL_DECISION_PROHIBITED);
    /* o[0]'s MAC is upper case, as some scanners print it: it still matches. */
    struct sl_reconcile_opts ro = {&site, 1, true, 0, "verifier", NULL};
    struct sl_reconcile_result res;
    struct sl_err err;
    if (sl_reconcile(s, o, 7, &ro, &res, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(res.observations, 7);
    assert_int_equal(res.outside, 1);
    assert_int_equal(res.reappeared, 2);
    assert_int_equal(res.verified_absent, 1);
    assert_int_equal(res.verified_ids[0], id[0]);
    assert_int_equal(res.added, 1);
    assert_int_equal(res.ignored, 1);
    assert_int_equal(res.missing, 1);
    assert_int_equal(res.missing_ids[0], id[4]);
    assert_int_equal(res.unidentified, 1);
    assert_string_equal(res.unidentified_at[0], "198.18.50.13");
    assert_int_equal(status_of(s, id[0]), SL_STATUS_VERIFIED_ABSENT); /* replaced by the Axis */
    assert_int_equal(status_of(s, id[1]), SL_STATUS_REAPPEARED);      /* same MAC */
    assert_int_equal(status_of(s, id[2]), SL_STATUS_REAPPEARED);      /* same serial, moved */
    assert_int_equal(status_of(s, id[3]), SL_STATUS_REMOVED);         /* unidentified: no call */
    assert_int_equal(status_of(s, id[4]), SL_STATUS_SCHEDULED);       /* missing, unchanged */
    assert_int_equal(status_of(s, id[5]), SL_STATUS_CONFIRMED);
    assert_int_equal(status_of(s, res.added_ids[0]), SL_STATUS_DISCOVERED);
    /* the Axis replacement was not registered by verification */
    struct sl_device d;
    assert_int_equal(sl_store_device_find(s, "bb:00:00:00:00:10", &d, &err), 0);
    struct sl_audit_report rep;
    assert_int_equal(sl_store_verify(s, &rep, &err), 0);
    assert_int_equal(rep.first_bad_seq, 0);
    sl_store_close(s);
}

static void test_incomplete_scan_proves_nothing_absent(void **state)
{
    (void)state;
    int64_t site, id[7];
    struct sl_store *s = open_fixture("verify-incomplete", &site, id);
    struct sl_reconcile_opts ro = {&site, 1, false, 0, "verifier", NULL};
    struct sl_reconcile_result res;
    struct sl_err err;
    assert_int_equal(sl_reconcile(s, NULL, 0, &ro, &res, &err), 0);
    assert_int_equal(res.verified_absent, 0);
    assert_int_equal(status_of(s, id[0]), SL_STATUS_REMOVED);
    /* a site not covered is left alone even by a complete scan */
    int64_t other = site + 1000;
    struct sl_reconcile_opts ro2 = {&other, 1, true, 0, "verifier", NULL};
    assert_int_equal(sl_reconcile(s, NULL, 0, &ro2, &res, &err), 0);
    assert_int_equal(status_of(s, id[0]), SL_STATUS_REMOVED);
    sl_store_close(s);
}

/* A stream written by the scan's own writers, covering `target` less `exclude`. */
static char *stream_of(const char *target, const char *exclude, bool complete, size_t *len)
{
    struct sl_targets *t = sl_targets_new();
    struct sl_err err;
    assert_int_equal(sl_targets_add(t, target, &err), 0);
    if (exclude != NULL)
        assert_int_equal(sl_targets_exclude(t, exclude, &err), 0);
    assert_int_equal(sl_targets_prepare(t, &err), 0);
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    struct sl_scan_plan plan;
    memset(&plan, 0, sizeof plan);
    json_t *start = sl_jsonl_start_json(&plan, 0);
    json_object_update_new(start, sl_jsonl_coverage_json(t));
    sl_jsonl_write(f, SL_JSONL_PROGRESS, start);
    struct sl_scan_summary sum;
    memset(&sum, 0, sizeof sum);
    sum.complete = complete;
    json_t *end = sl_scan_summary_json(&sum);
    json_object_update_new(end, sl_jsonl_coverage_json(t));
    sl_jsonl_write(f, SL_JSONL_SUMMARY, end);
    fclose(f);
    sl_targets_free(t);
    return text;
}

/* Issue 11: a scan stream proves absence only where its targets reach, only
 * when whole and complete; otherwise the reconciliation is refused whole. */
static void test_stream_proof(void **state)
{
    (void)state;
    size_t len;
    struct sl_observation *o;
    size_t n;
    struct sl_jsonl_result r;
    struct sl_err err;
    char *text = stream_of("198.18.50.0/24", "198.18.50.13", true, &len);
    assert_non_null(strstr(text, "\"targets\":[\"198.18.50.0/24\"]"));
    /* The exclusions: the one asked for, its NAT64 form and the reserved,
     * multicast space a scan always skips, in address order. */
    assert_non_null(strstr(text, "\"exclusions\":[\"0.0.0.0/8\",\"198.18.50.13\",\"224.0.0.0/3\","
                                 "\"64:ff9b::c612:320d\",\"ff00::/8\"]"));
    assert_int_equal(sl_scan_jsonl_parse(text, len, &o, &n, &r, &err), 0);
    assert_null(sl_jsonl_proof_problem(&r));
    assert_true(sl_jsonl_covers(&r, "198.18.50.10"));
    assert_false(sl_jsonl_covers(&r, "198.18.50.13")); /* excluded */
    assert_false(sl_jsonl_covers(&r, "198.18.51.1"));
    /* The fixture's removed 198.18.50.13 was excluded: nothing may change. */
    int64_t site, id[7];
    struct sl_store *s = open_fixture("verify-proof", &site, id);
    struct sl_reconcile_opts ro = {&site, 1, true, 0, "verifier", &r};
    struct sl_reconcile_result res;
    struct sl_audit_report before, after;
    assert_int_equal(sl_store_verify(s, &before, &err), 0);
    assert_int_equal(sl_reconcile(s, o, n, &ro, &res, &err), -1);
    assert_int_equal(err.kind, SL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "outside the scan's targets"));
    assert_int_equal(status_of(s, id[0]), SL_STATUS_REMOVED);
    assert_int_equal(sl_store_verify(s, &after, &err), 0);
    assert_int_equal(after.head_seq, before.head_seq);
    sl_jsonl_result_free(&r);
    free(o);
    free(text);
    /* A stream covering the whole network proves the removed devices absent. */
    text = stream_of("198.18.50.0/24", NULL, true, &len);
    assert_int_equal(sl_scan_jsonl_parse(text, len, &o, &n, &r, &err), 0);
    assert_int_equal(sl_reconcile(s, o, n, &ro, &res, &err), 0);
    assert_int_equal(res.verified_absent, 3); /* .10, .11 and .13 */
    assert_int_equal(status_of(s, id[3]), SL_STATUS_VERIFIED_ABSENT);
    sl_jsonl_result_free(&r);
    free(o);
    sl_store_close(s);
    /* Cut off, incomplete or empty: no proof, and each says why. */
    assert_int_equal(sl_scan_jsonl_parse(text, strlen(text) / 2, &o, &n, &r, &err), 0);
    assert_non_null(sl_jsonl_proof_problem(&r));
    sl_jsonl_result_free(&r);
    free(o);
    assert_int_equal(sl_scan_jsonl_parse("", 0, &o, &n, &r, &err), 0);
    assert_non_null(strstr(sl_jsonl_proof_problem(&r), "no start record"));
    free(o);
    free(text);
    text = stream_of("198.18.50.0/24", NULL, false, &len);
    assert_int_equal(sl_scan_jsonl_parse(text, len, &o, &n, &r, &err), 0);
    assert_non_null(strstr(sl_jsonl_proof_problem(&r), "did not finish"));
    sl_jsonl_result_free(&r);
    free(o);
    free(text);
    /* A target that is a host name is refused, never resolved. */
    const char *named = "{\"v\":1,\"type\":\"progress\",\"phase\":\"start\","
                        "\"targets\":[\"camera.example\"]}\n"
                        "{\"v\":1,\"type\":\"summary\",\"status\":\"complete\",\"devices\":0,"
                        "\"targets\":[\"camera.example\"]}\n";
    assert_int_equal(sl_scan_jsonl_parse(named, strlen(named), &o, &n, &r, &err), 0);
    assert_non_null(strstr(sl_jsonl_proof_problem(&r), "not addresses"));
    sl_jsonl_result_free(&r);
    free(o);
}

static void test_jsonl(void **state)
{
    (void)state;
    const char *data =
        "{\"v\":1,\"type\":\"progress\",\"done\":3}\n"
        "{\"v\":1,\"type\":\"device\",\"address\":\"127.0.3.7\",\"mac\":\"AA:BB:CC:00:11:22\","
        "\"ports\":[80,554,70000],\"claim\":{\"manufacturer\":\"Hikvision\",\"brand\":null,"
        "\"model\":\"DS-2CD2143G0-I\",\"firmware\":\"V5.5.0\",\"device_type\":\"camera\","
        "\"confidence\":0.97,\"rules\":[\"r1\"],\"serial\":\"SN1\"},\"verdict\":{\"decision\":"
        "\"prohibited\",\"policy\":\"UK-2022-sensitive-sites\",\"deadline\":null,\"reason\":\"x\"},"
        "\"site\":\"Lab\",\"status\":\"discovered\"}\r\n"
        "\n"
        "not json at all\n"
        "[1,2,3]\n"
        "{\"v\":2,\"type\":\"device\",\"address\":\"127.0.0.9\"}\n"
        "{\"v\":1,\"type\":\"device\"}\n"
        "{\"v\":1,\"type\":\"device\",\"address\":\"127.0.0.8\",\"claim\":\"oops\"}\n"
        "{\"v\":1,\"type\":\"device\",\"address\":\"127.0.0.8\",\"claim\":null,\"verdict\":null}\n"
        "{\"v\":1,\"type\":\"summary\",\"complete\":false}";
    struct sl_observation *o;
    size_t n;
    struct sl_jsonl_result r;
    struct sl_err err;
    assert_int_equal(sl_scan_jsonl_parse(data, strlen(data), &o, &n, &r, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(o[0].address, "127.0.3.7");
    assert_string_equal(o[0].mac, "aa:bb:cc:00:11:22");
    assert_string_equal(o[0].serial, "SN1");
    assert_string_equal(o[0].ports, "80,554");
    assert_string_equal(o[0].site, "Lab");
    assert_string_equal(o[0].claim.manufacturer, "Hikvision");
    assert_int_equal(o[0].verdict.decision, SL_DECISION_PROHIBITED);
    assert_string_equal(o[1].address, "127.0.0.8");
    assert_true(r.incomplete);
    assert_int_equal(r.n_problems, 5);
    assert_non_null(strstr(r.problems[0], "line 4: not JSON"));
    assert_non_null(strstr(r.problems[1], "not a JSON object"));
    assert_non_null(strstr(r.problems[2], "version"));
    assert_non_null(strstr(r.problems[3], "without an address"));
    assert_non_null(strstr(r.problems[4], "claim"));
    free(o);
    /* a line over the bound is a problem, not a crash */
    size_t big = SL_JSONL_MAX_LINE + 10;
    char *huge = malloc(big + 1);
    memset(huge, 'x', big);
    huge[big] = '\0';
    assert_int_equal(sl_scan_jsonl_parse(huge, big, &o, &n, &r, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(r.n_problems, 1);
    free(o);
    free(huge);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_incomplete_scan_proves_nothing_absent),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_stream_proof),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
