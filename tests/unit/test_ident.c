/* test_ident.c - the identify engine: every rule's examples, the fixtures,
 * evidence fusion (weak clues, conflicts, firmware beats label), hostile input. */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident/batch.h"
#include "ident/ident.h"
#include "ident/ident_internal.h"
#include "ident/ruletest.h"
#include "util/base64.h"
#include "util/file.h"

static struct sl_ident *id;

static int setup(void **state)
{
    (void)state;
    struct sl_err err = {0};
    if (sl_ident_load(&id, SL_TEST_SOURCE_DIR "/data", &err) != 0) {
        fprintf(stderr, "load: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sl_ident_free(id);
    return 0;
}

static void one(enum sl_proto proto, uint16_t port, const char *path, const void *data, size_t len,
                struct sl_claim *c)
{
    struct sl_evidence ev = {.proto = proto, .port = port, .path = path, .data = data, .len = len};
    sl_ident_one(id, &ev, c);
}

static void one_s(enum sl_proto proto, const char *data, struct sl_claim *c)
{
    one(proto, 0, NULL, data, strlen(data), c);
}

static void test_every_rule_example(void **state)
{
    (void)state;
    const struct sl_ruleset *rs = sl_ident_rules(id);
    assert_true(sl_rules_count(rs) > 100);
    size_t failed = 0;
    for (size_t i = 0; i < sl_rules_count(rs); i++) {
        struct sl_ruletest_result res;
        sl_rule_test(id, sl_rules_at(rs, i), &res);
        assert_true(res.checked >= 2);
        if (res.failed > 0) {
            fprintf(stderr, "%s\n", res.first_failure);
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

/* Every weak rule (weight below the threshold) with a value example, alone,
 * must not name a manufacturer. */
static void test_weak_alone_never_names(void **state)
{
    (void)state;
    const struct sl_ruleset *rs = sl_ident_rules(id);
    size_t weak = 0;
    for (size_t i = 0; i < sl_rules_count(rs); i++) {
        const struct sl_rule *r = sl_rules_at(rs, i);
        if (r->weight <= 0.0 || r->weight >= SL_RULE_STRONG)
            continue;
        weak++;
        const json_t *ex;
        size_t k;
        json_array_foreach(json_object_get(r->examples, "positive"), k, ex)
        {
            if (!json_is_object(ex))
                continue;
            const json_t *expect = json_object_get(ex, "expect");
            /* each weak rule's evidence examples that expect a maker carry a second clue */
            if (expect != NULL && json_is_string(json_object_get(expect, "manufacturer")))
                continue;
            struct sl_ruletest_result res;
            sl_rule_test(id, r, &res);
            assert_int_equal(res.failed, 0);
        }
    }
    assert_true(weak >= 5);
    struct sl_claim c;
    one_s(SL_PROTO_HTTP, "HTTP/1.1 200 OK\r\nServer: Webs\r\n\r\n", &c);
    assert_string_equal(c.manufacturer, "");
    one_s(SL_PROTO_MAC, "c0:56:e3:00:00:01", &c); /* a Hikvision prefix alone */
    assert_string_equal(c.manufacturer, "");
    assert_string_equal(c.mac, "c0:56:e3:00:00:01");
    assert_string_equal(c.rules[0], "oui.hikvision");
    one_s(SL_PROTO_MAC, "00:1f:54:00:00:01", &c); /* a Lorex prefix: a brand that relabels */
    assert_string_equal(c.manufacturer, "");
    assert_string_equal(c.brand, "Lorex");
    one(SL_PROTO_TCP, 37777, NULL, "", 0, &c); /* the port alone */
    assert_string_equal(c.manufacturer, "");
}

static void test_weak_clues_combine(void **state)
{
    (void)state;
    struct sl_ident_acc *acc = sl_ident_acc_new(id);
    const char *http = "HTTP/1.1 200 OK\r\nServer: Webs\r\n\r\n";
    struct sl_evidence a = {.proto = SL_PROTO_HTTP, .data = (const uint8_t *)http, .len = strlen(http)};
    struct sl_evidence b = {.proto = SL_PROTO_MAC, .data = (const uint8_t *)"bc:ad:28:01:02:03", .len = 17};
    sl_ident_observe(acc, &a);
    sl_ident_observe(acc, &a); /* the same clue twice counts once */
    struct sl_claim c;
    sl_ident_conclude(acc, &c);
    assert_string_equal(c.manufacturer, "");
    sl_ident_observe(acc, &b);
    sl_ident_conclude(acc, &c);
    assert_string_equal(c.manufacturer, "Hikvision");
    assert_true(c.confidence >= SL_RULE_STRONG && c.confidence < 0.7);
    sl_ident_acc_free(acc);
}

static void test_firmware_beats_label(void **state)
{
    (void)state;
    struct sl_claim c;
    const char *onvif =
        "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
        "xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\"><s:Body><tds:GetDeviceInformationResponse>"
        "<tds:Manufacturer>LOREX</tds:Manufacturer><tds:Model>LNB8973B</tds:Model>"
        "<tds:FirmwareVersion>2.460.0001.5.R, Build Date 2017-08-11</tds:FirmwareVersion>"
        "<tds:SerialNumber>ND021808019141</tds:SerialNumber></tds:GetDeviceInformationResponse>"
        "</s:Body></s:Envelope>";
    one_s(SL_PROTO_ONVIF, onvif, &c);
    assert_string_equal(c.manufacturer, "Dahua");
    assert_string_equal(c.brand, "Lorex");
    assert_string_equal(c.model, "LNB8973B");
    assert_string_equal(c.firmware, "2.460.0001.5.R");
    assert_string_equal(c.serial, "ND021808019141");
    /* the Lorex NVR of DESIGN.md section 4 */
    const char *mb = "HTTP/1.1 200 OK\r\n\r\ndeviceType=31\r\nupdateSerial=DHI-NVR4108HS-8P-4KS2\r\n";
    struct sl_ident_acc *acc = sl_ident_acc_new(id);
    struct sl_evidence e1 = {.proto = SL_PROTO_HTTP, .data = (const uint8_t *)mb, .len = strlen(mb)};
    struct sl_evidence e2 = {.proto = SL_PROTO_MAC, .data = (const uint8_t *)"00:1f:54:2d:3d:1b", .len = 17};
    sl_ident_observe(acc, &e1);
    sl_ident_observe(acc, &e2);
    sl_ident_conclude(acc, &c);
    assert_string_equal(c.manufacturer, "Dahua");
    assert_string_equal(c.brand, "Lorex");
    assert_string_equal(c.model, "DHI-NVR4108HS-8P-4KS2");
    assert_string_equal(c.device_type, "nvr");
    assert_string_equal(c.rules[0], "dahua.magicbox.updateserial");
    assert_true(c.confidence <= 0.99);
    sl_ident_acc_free(acc);
}

static void test_conflicts_reported(void **state)
{
    (void)state;
    struct sl_ident_acc *acc = sl_ident_acc_new(id);
    const char *hik = "HTTP/1.1 200 OK\r\nServer: DNVRS-Webs\r\nWWW-Authenticate: Basic realm=\"Hikvision\"\r\n\r\n";
    const char *dah = "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Dahua Rtsp Server\r\n\r\n";
    struct sl_evidence a = {.proto = SL_PROTO_HTTP, .data = (const uint8_t *)hik, .len = strlen(hik)};
    struct sl_evidence b = {.proto = SL_PROTO_RTSP, .data = (const uint8_t *)dah, .len = strlen(dah)};
    sl_ident_observe(acc, &a);
    sl_ident_observe(acc, &b);
    struct sl_claim c;
    sl_ident_conclude(acc, &c);
    assert_string_equal(c.manufacturer, "Hikvision");
    assert_non_null(strstr(c.conflicts, "Dahua"));
    json_t *scores = sl_ident_acc_scores(acc);
    assert_int_equal(json_array_size(scores), 2);
    json_decref(scores);
    sl_ident_acc_free(acc);
    /* a brand whose known maker disagrees with the firmware */
    acc = sl_ident_acc_new(id);
    const char *ann = "HTTP/1.1 200 OK\r\nServer: MWS 0.01\r\n\r\n";
    struct sl_evidence d = {.proto = SL_PROTO_HTTP, .data = (const uint8_t *)ann, .len = strlen(ann)};
    sl_ident_observe(acc, &d);
    sl_ident_observe(acc, &b);
    sl_ident_conclude(acc, &c);
    assert_string_equal(c.manufacturer, "Dahua");
    assert_string_equal(c.brand, "Annke");
    assert_non_null(strstr(c.conflicts, "not known to be made by Dahua"));
    sl_ident_acc_free(acc);
}

static void test_generic_servers_unnamed(void **state)
{
    (void)state;
    struct sl_claim c;
    one(SL_PROTO_TCP, 22, NULL, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", 32, &c);
    assert_string_equal(c.manufacturer, "");
    assert_string_equal(c.device_type, "server");
    one_s(SL_PROTO_HTTP, "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n<title>Welcome to nginx!</title>", &c);
    assert_string_equal(c.manufacturer, "");
    assert_string_equal(c.device_type, "server");
    one_s(SL_PROTO_MAC, "00:e0:fc:12:34:56", &c); /* Huawei: phones and routers */
    assert_string_equal(c.manufacturer, "");
}

static void test_hostile_input(void **state)
{
    (void)state;
    struct sl_claim c;
    const char *bomb = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
                       "\"&a;&a;&a;&a;&a;&a;&a;&a;\">]><r>&b;</r>";
    one_s(SL_PROTO_ONVIF, bomb, &c);
    assert_non_null(strstr(c.errors, "DOCTYPE"));
    one_s(SL_PROTO_HTTP, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"a\":1,\"a\":2}", &c);
    assert_non_null(strstr(c.errors, "duplicate"));
    /* a huge head */
    size_t n = 64 * 1024;
    char *big = malloc(n + 1);
    memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
    memset(big + 20, 'a', n - 20);
    big[n] = '\0';
    one(SL_PROTO_HTTP, 80, "/", big, n, &c);
    assert_non_null(strstr(c.errors, "larger than"));
    /* binary garbage on every protocol: nobody is named, no rule fires, and
     * every reader with a grammar says why it gave up (ssdp, tcp and dhcp take
     * any bytes: nothing to complain about) */
    for (size_t i = 0; i < n; i++)
        big[i] = (char)(i * 131 + 7);
    static const char *const why[SL_PROTO_COUNT] = {
        [SL_PROTO_HTTP] = "http: ",  [SL_PROTO_RTSP] = "rtsp: ",   [SL_PROTO_WSD] = "xml: ",
        [SL_PROTO_ONVIF] = "xml: ",  [SL_PROTO_UPNP] = "xml: ",    [SL_PROTO_SADP] = "xml: ",
        [SL_PROTO_DHDISCOVER] = "dhdiscover: ", [SL_PROTO_TLS] = "tls: ", [SL_PROTO_MAC] = "mac: ",
    };
    for (int p = 1; p < SL_PROTO_COUNT; p++) {
        one((enum sl_proto)p, 80, "/", big, n, &c);
        assert_string_equal(c.manufacturer, "");
        assert_int_equal(c.n_rules, 0);
        assert_true(c.confidence == 0.0);
        if (why[p] != NULL) {
            if (strncmp(c.errors, why[p], strlen(why[p])) != 0)
                fail_msg("%s: errors '%s', expected '%s...'", sl_proto_name((enum sl_proto)p),
                         c.errors, why[p]);
        }
    }
    free(big);
    /* truncated answers */
    one_s(SL_PROTO_HTTP, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", &c);
    assert_non_null(strstr(c.errors, "of 100 body bytes"));
    one_s(SL_PROTO_DHDISCOVER, "DHIP", &c);
    assert_non_null(strstr(c.errors, "dhdiscover"));
    /* invalid UTF-8 in a model: the claim stays printable */
    one_s(SL_PROTO_HTTP, "HTTP/1.1 200 OK\r\n\r\ndeviceType=IPC-HDW\xff\xfe-X\r\nupdateSerial=DHI-A\r\n", &c);
    for (const char *p = c.model; *p; p++)
        assert_true(*p >= 32 && *p < 127);
    /* XHTML with a DOCTYPE: the XML reader refuses it, the page is still read */
    one_s(SL_PROTO_HTTP, "HTTP/1.1 200 OK\r\nContent-Type: application/xhtml+xml\r\n\r\n<?xml version=\"1.0\"?>"
                         "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"x\"><html><head>"
                         "<title>WEB SERVICE</title></head></html>", &c);
    assert_non_null(strstr(c.errors, "DOCTYPE"));
    assert_string_equal(c.manufacturer, "Dahua");
    /* evidence without bytes */
    one(SL_PROTO_HTTP, 80, NULL, NULL, 0, &c);
    assert_string_equal(c.manufacturer, "");
}

/* The fixtures: every device's claim agrees with what its first record expects.
 * Long: one scenario over the fixture file, read top to bottom. */
static void test_fixtures(void **state)
{
    (void)state;
    size_t len;
    struct sl_err err = {0};
    char *data = sl_read_file(SL_TEST_SOURCE_DIR "/tests/fixtures/ident/devices.jsonl", 16u << 20,
                              &len, &err);
    assert_non_null(data);
    const char *out_path = sl_test_tmpfile("ident-fixtures", "claims.jsonl");
    FILE *out = fopen(out_path, "w+");
    struct sl_batch_stats st;
    assert_int_equal(sl_batch_run(id, data, len, "fixtures", out, stderr, &st, &err), 0);
    assert_int_equal(st.bad, 0);
    assert_true(st.devices >= 50);
    /* expectations by device */
    json_t *want = json_object();
    char *save = NULL;
    for (char *l = strtok_r(data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        json_t *j = json_loads(l, 0, NULL);
        if (json_object_get(j, "expect"))
            json_object_set(want, json_string_value(json_object_get(j, "device")),
                            json_object_get(j, "expect"));
        json_decref(j);
    }
    rewind(out);
    char line[8192];
    size_t checked = 0, bad = 0;
    while (fgets(line, sizeof line, out)) {
        json_t *j = json_loads(line, 0, NULL);
        assert_non_null(j);
        const json_t *claim = json_object_get(j, "claim");
        const json_t *e = json_object_get(want, json_string_value(json_object_get(j, "device")));
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)e, k, v)
        {
            checked++;
            if (!json_equal(v, json_object_get(claim, k))) {
                fprintf(stderr, "%s: %s\n", json_string_value(json_object_get(j, "device")), k);
                bad++;
            }
        }
        json_decref(j);
    }
    /* the batch line's claim is exactly what identify concludes for the device */
    rewind(out);
    char *again = sl_read_file(SL_TEST_SOURCE_DIR "/tests/fixtures/ident/devices.jsonl", 16u << 20,
                               &len, &err);
    struct sl_ident_acc *acc = sl_ident_acc_new(id);
    char *save2 = NULL, dev[256] = "";
    size_t same = 0;
    char *l = strtok_r(again, "\n", &save2);
    while (fgets(line, sizeof line, out)) {
        json_t *j = json_loads(line, 0, NULL);
        sl_ident_acc_reset(acc);
        snprintf(dev, sizeof dev, "%s", json_string_value(json_object_get(j, "device")));
        for (; l != NULL; l = strtok_r(NULL, "\n", &save2)) {
            json_t *r = json_loads(l, 0, NULL);
            if (strcmp(json_string_value(json_object_get(r, "device")), dev) != 0) {
                json_decref(r);
                break;
            }
            sl_test_observe_record(acc, r);
            json_decref(r);
        }
        struct sl_claim c;
        sl_ident_conclude(acc, &c);
        json_t *cj = sl_claim_to_json(&c);
        if (json_equal(cj, json_object_get(j, "claim")))
            same++;
        else
            fprintf(stderr, "batch claim differs for %s\n", dev);
        json_decref(cj);
        json_decref(j);
    }
    sl_ident_acc_free(acc);
    free(again);
    assert_int_equal(same, st.devices);
    fclose(out);
    json_decref(want);
    free(data);
    assert_true(checked > 100);
    assert_int_equal(bad, 0);
}

static void test_batch_bad_lines(void **state)
{
    (void)state;
    const char *in = "{\"device\":\"a\",\"proto\":\"mac\",\"data\":\"c0:56:e3:00:00:01\"}\n"
                     "not json\n"
                     "{\"device\":\"b\",\"proto\":\"nope\"}\n"
                     "{\"device\":\"a\",\"proto\":\"http\",\"data_b64\":\"SFRUUC8xLjEgMjAwIE9LDQpTZXJ2ZXI6IFdlYnMNCg0K\"}\n"
                     "\n{\"device\":3,\"proto\":\"tcp\",\"port\":99999}\n";
    char *buf = NULL;
    size_t blen = 0;
    FILE *out = open_memstream(&buf, &blen);
    FILE *errs = fopen("/dev/null", "w");
    struct sl_batch_stats st;
    struct sl_err err = {0};
    assert_int_equal(sl_batch_run(id, in, strlen(in), "t", out, errs, &st, &err), 0);
    fclose(out);
    fclose(errs);
    assert_int_equal(st.records, 2);
    assert_int_equal(st.devices, 1);
    assert_int_equal(st.bad, 3);
    /* device a: Webs + Hikvision prefix, two weak clues */
    assert_non_null(strstr(buf, "\"manufacturer\":\"Hikvision\""));
    assert_non_null(strstr(buf, "\"device\":\"a\""));
    free(buf);
}

/* The simple-regex fast path answers exactly as regexec, groups included, on
 * every rule's examples and on mutations of them. */
static void compare_one(const struct sl_rule *r, const char *v, size_t *n)
{
    regmatch_t a[SL_RULE_MAX_GROUPS], b[SL_RULE_MAX_GROUPS];
    for (int i = 0; i < SL_RULE_MAX_GROUPS; i++)
        a[i].rm_so = a[i].rm_eo = b[i].rm_so = b[i].rm_eo = -1;
    bool fast = sl_simplere_match(r->simple, v, strlen(v), a, SL_RULE_MAX_GROUPS);
    bool slow = regexec(&r->re, v, SL_RULE_MAX_GROUPS, b, 0) == 0;
    if (fast != slow)
        fprintf(stderr, "%s on '%s': fast %d, regexec %d\n", r->id, v, fast, slow);
    assert_int_equal(fast, slow);
    if (fast)
        for (size_t g = 0; g <= r->re.re_nsub; g++) {
            assert_int_equal(a[g].rm_so, b[g].rm_so);
            assert_int_equal(a[g].rm_eo, b[g].rm_eo);
        }
    (*n)++;
}

static void test_simple_regex_same_as_regexec(void **state)
{
    (void)state;
    const struct sl_ruleset *rs = sl_ident_rules(id);
    size_t rules = 0, checked = 0;
    unsigned seed = 12345;
    static const char alphabet[] = "aZ09-_.:/ ,\t\nDSHIPCVNR";
    for (size_t i = 0; i < sl_rules_count(rs); i++) {
        const struct sl_rule *r = sl_rules_at(rs, i);
        if (r->simple == NULL)
            continue;
        rules++;
        for (int side = 0; side < 2; side++) {
            size_t k;
            const json_t *ex;
            json_array_foreach(json_object_get(r->examples, side ? "negative" : "positive"), k, ex)
            {
                if (!json_is_string(ex))
                    continue;
                char v[512];
                snprintf(v, sizeof v, "%s", json_string_value(ex));
                compare_one(r, v, &checked);
                size_t len = strlen(v);
                for (int m = 0; m < 200; m++) {
                    char w[512];
                    memcpy(w, v, len + 1);
                    seed = seed * 1103515245u + 12345u;
                    size_t at = len ? (seed >> 8) % (len + 1) : 0;
                    switch ((seed >> 4) % 4) {
                    case 0: w[at] = '\0'; break; /* truncate */
                    case 1:
                        if (at < len)
                            w[at] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
                        break;
                    case 2:
                        if (len + 2 < sizeof w) {
                            w[len] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
                            w[len + 1] = '\0';
                        }
                        break;
                    default:
                        if (at < len)
                            memmove(w + at, w + at + 1, len - at);
                        break;
                    }
                    compare_one(r, w, &checked);
                }
            }
        }
    }
    fprintf(stderr, "simple-regex rules: %zu, values compared: %zu\n", rules, checked);
    assert_true(rules >= 20);
    assert_true(checked > 10000);
}

static void test_oui_table(void **state)
{
    (void)state;
    const struct sl_oui *o = sl_ident_oui(id);
    assert_true(sl_oui_count(o) > 100); /* Hikvision 51, Dahua 24, Huawei 1398, ... */
    const struct sl_oui_entry *e = sl_oui_lookup(o, 0xe4e66c000001ull); /* the supplement */
    assert_non_null(e);
    assert_string_equal(e->owner, "Tiandy");
    e = sl_oui_lookup(o, 0x402c76100001ull); /* MA-M Shanghai Dahua Scale Factory: not Dahua */
    assert_true(e == NULL || strcmp(e->owner, "Dahua") != 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_rule_example), cmocka_unit_test(test_weak_alone_never_names),
        cmocka_unit_test(test_weak_clues_combine), cmocka_unit_test(test_firmware_beats_label),
        cmocka_unit_test(test_conflicts_reported), cmocka_unit_test(test_generic_servers_unnamed),
        cmocka_unit_test(test_hostile_input),      cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_batch_bad_lines),    cmocka_unit_test(test_oui_table),
        cmocka_unit_test(test_simple_regex_same_as_regexec),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
