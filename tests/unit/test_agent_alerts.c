/* test_agent_alerts.c - the alert records of an agent's monitor batches
 * (monitor/agent_alerts.h): written by the agent's hook, read back strictly;
 * the station of an alert; every malformed field refused naming its line;
 * a scan batch is not an alert batch; the fuzzer's seed reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/agent_alerts.h"
#include "testutil.h"
#include "util/file.h"

#define UID "0123456789abcdef0123456789abcdef"
#define UUID "7a2e8b1f-9f3b-4d5f-8b72-1d3c0a2f3e4d"

/* A batch of one alert record made from line (a signature line of junk: not checked here). */
static char *batch_of(const char *line, size_t records)
{
    struct sl_buf b;
    sl_buf_init(&b, 1 << 20);
    sl_batch_write_header(&b, UUID, UID, 1, 1, records);
    sl_buf_append_str(&b, line);
    sl_buf_append_str(&b, "{\"alg\":\"ecdsa-p256-sha256\",\"sig\":\"AAAA\",\"type\":\"signature\"}\n");
    sl_buf_append(&b, "", 1);
    return (char *)b.data;
}

static void test_write_read(void **state)
{
    (void)state;
    json_t *detail = json_pack("{s:{s:s, s:s}, s:i}", "device", "ip", "198.18.1.32", "mac",
                               "3C:EF:8C:41:6C:CE", "count", 1);
    char addr[64], mac[18];
    assert_int_equal(sl_alert_station(detail, addr, mac), 0);
    assert_string_equal(addr, "198.18.1.32");
    assert_string_equal(mac, "3c:ef:8c:41:6c:ce");
    json_t *nodev = json_pack("{s:{s:s}}", "device", "mac", "3c:ef:8c:41:6c:ce");
    assert_int_equal(sl_alert_station(nodev, addr, mac), -1);
    json_decref(nodev);
    struct sl_alert al = {.sig_id = SL_SIG_PROHIBITED, .ts_sec = 1764583200};
    struct sl_buf line;
    sl_buf_init(&line, 1 << 16);
    assert_int_equal(sl_alert_record_write(&line, &al, 1, addr, mac, "198.18.1.32:3702",
                                           "239.255.255.250:3702", detail), 0);
    sl_buf_append(&line, "", 1);
    char *b = batch_of((const char *)line.data, 1);
    struct sl_err err = {0};
    size_t n = 0;
    assert_true(sl_alert_batch_is(b, strlen(b)));
    assert_int_equal(sl_alert_batch_check(b, strlen(b), &n, &err), 0);
    assert_int_equal(n, 1);
    free(b);
    /* The header declares two: refused. */
    b = batch_of((const char *)line.data, 2);
    assert_int_equal(sl_alert_batch_check(b, strlen(b), &n, &err), -1);
    assert_non_null(strstr(err.msg, "fewer records"));
    free(b);
    sl_buf_free(&line);
    json_decref(detail);
}

static void test_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *from, *to, *why;
    } cases[] = {
        {"\"signature_id\":9000001", "\"signature_id\":42", "unknown signature"},
        {"\"severity\":1", "\"severity\":0", "severity"},
        {"\"at\":\"2026-12-01T10:00:00Z\"", "\"at\":\"yesterday\"", "time"},
        {"\"address\":\"198.18.1.32\"", "\"address\":\"camera\"", "address"},
        {"\"mac\":\"3c:ef:8c:41:6c:ce\"", "\"mac\":\"3C-EF-8C-41-6C-CE\"", "MAC"},
        {"\"detail\":{}", "\"detail\":[]", "a detail that is not an object"},
        {"\"v\":1}", "\"v\":1,\"claim\":{}}", "not an alert record"},
        {"\"type\":\"alert\"", "\"type\":\"device\"", "not a version 1 alert"},
    };
    const char *good = "{\"address\":\"198.18.1.32\",\"at\":\"2026-12-01T10:00:00Z\",\"detail\":{},"
                       "\"dest\":\"\",\"mac\":\"3c:ef:8c:41:6c:ce\",\"severity\":1,"
                       "\"signature_id\":9000001,\"src\":\"\",\"type\":\"alert\",\"v\":1}\n";
    struct sl_err err = {0};
    size_t n;
    char *b = batch_of(good, 1);
    assert_int_equal(sl_alert_batch_check(b, strlen(b), &n, &err), 0);
    free(b);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char line[1024];
        const char *at = strstr(good, cases[i].from);
        assert_non_null(at);
        snprintf(line, sizeof line, "%.*s%s%s", (int)(at - good), good, cases[i].to,
                 at + strlen(cases[i].from));
        b = batch_of(line, 1);
        assert_int_equal(sl_alert_batch_check(b, strlen(b), &n, &err), -1);
        assert_int_equal(err.kind, SL_ERR_INVALID);
        if (strstr(err.msg, "line 2") == NULL || strstr(err.msg, cases[i].why) == NULL)
            fail_msg("case %zu: %s", i, err.msg);
        free(b);
    }
    /* A scan batch is not an alert batch. */
    b = batch_of("{\"address\":\"198.18.1.5\",\"ports\":[80],\"type\":\"device\",\"v\":1}\n", 1);
    assert_false(sl_alert_batch_is(b, strlen(b)));
    free(b);
}

static void test_fuzz_seed(void **state)
{
    (void)state;
    size_t len, n = 0;
    struct sl_err err = {0};
    char *data = sl_read_file(SL_TEST_SOURCE_DIR "/fuzz/corpus/agent_alerts/seed1.batch", 1 << 20,
                              &len, &err);
    assert_non_null(data);
    assert_true(sl_alert_batch_is(data, len));
    if (sl_alert_batch_check(data, len, &n, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(n, 2);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_read),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_fuzz_seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
