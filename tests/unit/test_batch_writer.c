/* test_batch_writer.c - `identify --batch` writes its lines by hand for speed
 * (ident/batch.c); here every line must be, byte for byte, what jansson writes
 * for {"claim": sl_claim_to_json(claim), "device": key} - the claim identify
 * concludes for the device's records - over every fixture and over device keys
 * that need escaping. */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident/batch.h"
#include "ident/ident.h"

static struct sl_ident *id;

static int setup(void **state)
{
    (void)state;
    id = sl_test_ident();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sl_ident_free(id);
    return 0;
}

/* What jansson writes for the claim identify concludes from every record of
 * `device` in the input (records of a device need not be adjacent). */
static char *expected_line(const char *input, const char *device)
{
    struct sl_ident_acc *acc = sl_ident_acc_new(id);
    const char *p = input;
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
        json_t *r = json_loadb(p, n, 0, NULL);
        if (r != NULL && strcmp(json_string_value(json_object_get(r, "device")), device) == 0)
            sl_test_observe_record(acc, r);
        json_decref(r);
        p += n + (nl != NULL);
    }
    struct sl_claim c;
    sl_ident_conclude(acc, &c);
    sl_ident_acc_free(acc);
    json_t *line = json_pack("{s:o, s:s}", "claim", sl_claim_to_json(&c), "device", device);
    char *text = json_dumps(line, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
    json_decref(line);
    return text;
}

/* Runs the batch over input and compares every output line; returns how many. */
static size_t check_batch(const char *input)
{
    char *out_text = NULL;
    size_t out_len = 0;
    FILE *out = open_memstream(&out_text, &out_len);
    struct sl_batch_stats st;
    struct sl_err err = {0};
    assert_int_equal(sl_batch_run(id, input, strlen(input), "input", out, stderr, &st, &err), 0);
    assert_int_equal(st.bad, 0);
    fclose(out);
    size_t lines = 0;
    for (char *l = out_text, *nl; *l != '\0'; l = nl + 1) {
        nl = strchr(l, '\n');
        assert_non_null(nl);
        *nl = '\0';
        json_t *j = json_loads(l, 0, NULL);
        assert_non_null(j);
        char *want = expected_line(input, json_string_value(json_object_get(j, "device")));
        if (strcmp(want, l) != 0)
            fail_msg("batch line differs from the identify writer:\n  batch: %s\n  want:  %s", l,
                     want);
        free(want);
        json_decref(j);
        lines++;
    }
    assert_int_equal(lines, st.devices);
    free(out_text);
    return lines;
}

static void test_every_fixture(void **state)
{
    (void)state;
    size_t len;
    char *data = sl_test_fixtures(&len);
    assert_true(check_batch(data) >= 50);
    free(data);
}

/* Device keys that need escaping: quotes, backslashes, control characters,
 * UTF-8; and claims with and without serial, MAC and conflicts. */
static void test_keys_that_need_escaping(void **state)
{
    (void)state;
    const char *input =
        "{\"device\":\"q\\\"uote\\\\back\",\"proto\":\"mac\",\"data\":\"c0:56:e3:00:00:01\"}\n"
        "{\"device\":\"ctl\\u0001\\u001f\\t\\n\\r\\b\\f\",\"proto\":\"mac\",\"data\":\"44:19:b6:1:2:3\"}\n"
        "{\"device\":\"caf\\u00e9 \\u2603 \\ud83d\\ude00\",\"proto\":\"http\",\"data\":"
        "\"HTTP/1.1 200 OK\\r\\nServer: App-webs/\\r\\n\\r\\n\"}\n"
        "{\"device\":\"slash/and\\u007f\",\"proto\":\"http\",\"data\":"
        "\"HTTP/1.1 401 Unauthorized\\r\\nWWW-Authenticate: Digest realm=\\\"DS-2CD2143G0-I\\\"\\r\\n\\r\\n\"}\n"
        "{\"device\":\"\",\"proto\":\"mac\",\"data\":\"00:00:00:00:00:00\"}\n";
    assert_int_equal(check_batch(input), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_fixture),
        cmocka_unit_test(test_keys_that_need_escaping),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
