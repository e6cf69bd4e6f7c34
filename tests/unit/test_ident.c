/* test_ident.c - the identify engine: every rule's examples, the fixtures,
 * evidence fusion (weak clues, conflicts, firmware beats label), hostile input. */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ident/batch.h"
#include "ident/ident.h"
#include "ident/ident_internal.h"
#include "ident/nmap.h"
#include "ident/purchase.h"
#include "ident/rules.h"
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
        if (sl_rules_at(rs, i)->examples == NULL)
            continue; /* read from nmap-service-probes: nmap's data has no examples */
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
    one_s(SL_PROTO_MAC, "00:1f:54:00:00:01", &c); /* a Lorex prefix: a brand that relabels */
    assert_string_equal(c.manufacturer, "");
    assert_string_equal(c.brand, "Lorex");
    assert_false(c.tentative);
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
}

/* A MAC alone (issue 10, DESIGN.md section 5): the prefix of a maker that
 * builds its own devices names it tentatively, at its low weight; a
 * rebadger's, a NIC maker's or a locally administered address names nobody;
 * one more weak clue of the same maker makes the claim firm. */
static void test_mac_alone(void **state)
{
    (void)state;
    struct sl_claim c;
    one_s(SL_PROTO_MAC, "c0:56:e3:00:00:01", &c); /* Hikvision, IEEE MA-L C056E3 */
    assert_string_equal(c.manufacturer, "Hikvision");
    assert_true(c.tentative);
    assert_true(c.confidence > 0.4 && c.confidence < SL_RULE_STRONG);
    assert_string_equal(c.rules[0], "oui.hikvision");
    assert_string_equal(c.mac, "c0:56:e3:00:00:01");
    json_t *j = sl_claim_to_json(&c);
    assert_true(json_is_true(json_object_get(j, "tentative")));
    struct sl_claim back;
    assert_int_equal(sl_claim_from_json(j, &back), 0);
    assert_true(back.tentative);
    json_decref(j);
    one_s(SL_PROTO_MAC, "00:e0:fc:12:34:56", &c); /* Huawei builds its own phones and routers */
    assert_string_equal(c.manufacturer, "Huawei");
    assert_true(c.tentative);
    one_s(SL_PROTO_MAC, "64:f2:fb:00:00:01", &c); /* EZVIZ, Hikvision's own brand */
    assert_string_equal(c.manufacturer, "Hikvision");
    assert_string_equal(c.brand, "EZVIZ");
    assert_true(c.tentative);
    one_s(SL_PROTO_MAC, "9c:8e:cd:00:00:01", &c); /* Amcrest: a rebadger names nobody */
    assert_string_equal(c.manufacturer, "");
    assert_false(c.tentative);
    one_s(SL_PROTO_MAC, "00:e0:4c:00:00:01", &c); /* Realtek: a NIC maker */
    assert_string_equal(c.manufacturer, "");
    one_s(SL_PROTO_MAC, "c2:56:e3:00:00:01", &c); /* the Hikvision prefix with the L bit set */
    assert_string_equal(c.manufacturer, "");
    assert_string_equal(c.mac, "c2:56:e3:00:00:01");
    /* the MAC and a bare Webs (two weak clues of the same maker): firm */
    struct sl_ident_acc *acc = sl_ident_acc_new(id);
    struct sl_evidence mac = {.proto = SL_PROTO_MAC, .data = (const uint8_t *)"c0:56:e3:00:00:01", .len = 17};
    const char *webs = "HTTP/1.1 200 OK\r\nServer: Webs\r\n\r\n";
    struct sl_evidence http = {.proto = SL_PROTO_HTTP, .port = 80, .path = "/",
                               .data = (const uint8_t *)webs, .len = strlen(webs)};
    sl_ident_observe(acc, &mac);
    sl_ident_observe(acc, &http);
    sl_ident_conclude(acc, &c);
    assert_string_equal(c.manufacturer, "Hikvision");
    assert_false(c.tentative);
    /* the MAC of one maker and a weak clue of another: nobody */
    sl_ident_acc_reset(acc);
    const char *upper = "HTTP/1.1 200 OK\r\nCONTENT-LENGTH: 0\r\nCONNECTION: close\r\n\r\n";
    http.data = (const uint8_t *)upper;
    http.len = strlen(upper);
    sl_ident_observe(acc, &mac);
    sl_ident_observe(acc, &http);
    sl_ident_conclude(acc, &c);
    assert_string_equal(c.manufacturer, "");
    assert_false(c.tentative);
    /* an own brand's prefix (EZVIZ) and a weak clue of another maker: no maker,
     * the brand kept, tentative (policy must not prohibit on the prefix) */
    sl_ident_acc_reset(acc);
    struct sl_evidence ezviz = {.proto = SL_PROTO_MAC, .data = (const uint8_t *)"78:c1:ae:01:03:ff",
                                .len = 17};
    sl_ident_observe(acc, &ezviz);
    sl_ident_observe(acc, &http);
    sl_ident_conclude(acc, &c);
    assert_string_equal(c.manufacturer, "");
    assert_string_equal(c.brand, "EZVIZ");
    assert_true(c.tentative);
    /* an OEM label's prefix is not tentative: policy already asks for review */
    sl_ident_acc_reset(acc);
    struct sl_evidence amcrest = {.proto = SL_PROTO_MAC, .data = (const uint8_t *)"9c:8e:cd:00:00:01",
                                  .len = 17};
    sl_ident_observe(acc, &amcrest);
    sl_ident_conclude(acc, &c);
    assert_string_equal(c.brand, "Amcrest");
    assert_false(c.tentative);
    sl_ident_acc_free(acc);
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

/* The procurement check: OEM labels, own brands, model numbers beating the
 * label, a single "Make Model" string split at the longest registry name,
 * over-long input cut rather than overrun. */
static void test_purchase(void **state)
{
    (void)state;
    struct sl_purchase p;
    sl_purchase_check(id, "Annke", "C800", &p);
    assert_int_equal(p.relation, SL_PURCHASE_OEM);
    assert_string_equal(p.maker, "Hikvision");
    assert_string_equal(p.brand, "Annke");
    assert_true(p.source[0] != '\0');
    sl_purchase_check(id, NULL, "  Hanwha Vision XNV-6080R", &p);
    assert_string_equal(p.make, "Hanwha Vision");
    assert_string_equal(p.model, "XNV-6080R");
    sl_purchase_check(id, "Honeywell", "DS-2CD2043G2-I", &p);
    assert_int_equal(p.relation, SL_PURCHASE_MODEL_NUMBER);
    assert_string_equal(p.maker, "Hikvision");
    assert_string_equal(p.brand, "Honeywell");
    assert_string_equal(p.device_type, "camera");
    sl_purchase_check(id, "Swann", "NVR-8580", &p);
    assert_int_equal(p.relation, SL_PURCHASE_OEM_OPEN);
    assert_string_equal(p.maker, "");
    sl_purchase_check(id, "", "", &p);
    assert_int_equal(p.relation, SL_PURCHASE_UNKNOWN);
    sl_purchase_check(id, NULL, NULL, &p);
    assert_int_equal(p.relation, SL_PURCHASE_UNKNOWN);
    char big[4096];
    memset(big, 'A', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    sl_purchase_check(id, big, big, &p);
    assert_int_equal(strlen(p.make), sizeof p.make - 1);
    assert_int_equal(strlen(p.model), sizeof p.model - 1);
    struct sl_claim c;
    sl_purchase_check(id, "EZVIZ", "C6N", &p);
    sl_purchase_claim(&p, &c);
    assert_string_equal(c.manufacturer, "Hikvision");
    assert_string_equal(c.brand, "EZVIZ");
    assert_false(c.tentative);
}

/* nmap-service-probes read at run time: match lines of the probes sightline's
 * questions correspond to become rules when their product names a registry
 * maker; bad patterns, unknown products, softmatches and over-long lines are
 * skipped; a GetRequest pattern applies to the answer to GET / (or to one
 * whose request is not known), not to other paths' answers. Lines written
 * here in nmap's format, for made-up servers. */
static void test_nmap_probes(void **state)
{
    (void)state;
    char dir[] = "/tmp/sl-test-nmap.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[96];
    snprintf(path, sizeof path, "%s/nmap-service-probes", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("# written for test_ident\n"
          "Probe TCP NULL q||\n"
          "match testsvc m|^TESTCAM-HELLO v(\\d+)| p/Hikvision test DVR greeting/ v/$1/\n"
          "match testsvc m|^TESTCAM-PLAIN| p/Hikvision test service/\n"
          "Probe TCP GetRequest q|GET / HTTP/1.0\\r\\n\\r\\n|\n"
          "match http m|^HTTP/1\\.1 200 OK\\r\\n.*Server: TestCam-9\\r\\n|s p/GeoVision test httpd/ d/webcam/\n"
          "match http m|^HTTP/1\\.1 (| p/Dahua broken/\n"
          "match http m|^HTTP/1\\.1 200 OK\\r\\nServer: Acme| p/Acme httpd/\n"
          "softmatch http m|^HTTP/1\\.1 200| p/Dahua soft/\n"
          "Probe TCP SomethingElse q|X|\n"
          "match x m|^X| p/Hikvision elsewhere/\n",
          f);
    fprintf(f, "match http m|%0*d| p/Hikvision long/\n", (int)SL_NMAP_MAX_LINE, 7);
    fclose(f);

    setenv("SIGHTLINE_NMAP_PROBES", path, 1);
    struct sl_ident *own;
    struct sl_err err = {0};
    assert_int_equal(sl_ident_load(&own, SL_TEST_SOURCE_DIR "/data", &err), 0);
    unsetenv("SIGHTLINE_NMAP_PROBES");
    const struct sl_ruleset *rs = sl_ident_rules(own);
    const struct sl_rule *greet = sl_rules_find(rs, "nmap.testsvc.L3");
    const struct sl_rule *web = sl_rules_find(rs, "nmap.http.L6");
    assert_non_null(greet);
    assert_non_null(web);
    const struct sl_rule *plain = sl_rules_find(rs, "nmap.testsvc.L4");
    assert_non_null(plain);
    assert_string_equal(greet->fields[0], "tcp.bytes");
    /* the kind of device from the product's words when d/ is absent; none: weak */
    assert_string_equal(greet->y.device_type, "dvr");
    assert_true(greet->weight == SL_NMAP_WEIGHT);
    assert_null(plain->y.device_type);
    assert_true(plain->weight == SL_NMAP_UNTYPED_WEIGHT && plain->weight < SL_RULE_STRONG);
    assert_string_equal(web->fields[0], "raw");
    assert_string_equal(web->y.maker, "Geovision");
    assert_string_equal(web->y.device_type, "camera");
    assert_true(web->weight == SL_NMAP_WEIGHT);
    assert_null(sl_rules_find(rs, "nmap.http.L7"));  /* refused by PCRE2 */
    assert_null(sl_rules_find(rs, "nmap.http.L8"));  /* Acme: nobody in the registry */
    assert_null(sl_rules_find(rs, "nmap.http.L9"));  /* softmatch */
    assert_null(sl_rules_find(rs, "nmap.x.L11"));    /* a probe sightline does not send */
    assert_null(sl_rules_find(rs, "nmap.http.L12")); /* longer than a line may be */

    const char *ans = "HTTP/1.1 200 OK\r\nDate: Tue, 05 Mar 2024 10:11:12 GMT\r\n"
                      "Server: TestCam-9\r\n\r\n<html></html>";
    struct sl_evidence ev = {.proto = SL_PROTO_HTTP, .port = 80, .path = "/",
                             .data = (const uint8_t *)ans, .len = strlen(ans)};
    struct sl_claim c;
    sl_ident_one(own, &ev, &c);
    assert_string_equal(c.manufacturer, "Geovision");
    ev.path = NULL; /* identify without --path */
    sl_ident_one(own, &ev, &c);
    assert_string_equal(c.manufacturer, "Geovision");
    ev.path = "/ISAPI/System/deviceInfo"; /* nmap's pattern is for the answer to GET / */
    sl_ident_one(own, &ev, &c);
    assert_string_equal(c.manufacturer, "");
    const char *hello = "TESTCAM-HELLO v3\r\n";
    struct sl_evidence tcp = {.proto = SL_PROTO_TCP, .port = 9000,
                              .data = (const uint8_t *)hello, .len = strlen(hello)};
    sl_ident_one(own, &tcp, &c);
    assert_string_equal(c.manufacturer, "Hikvision");
    assert_string_equal(c.device_type, "dvr");
    const char *plain_hello = "TESTCAM-PLAIN\r\n";
    tcp.data = (const uint8_t *)plain_hello;
    tcp.len = strlen(plain_hello);
    sl_ident_one(own, &tcp, &c); /* an untyped nmap match alone names nobody */
    assert_string_equal(c.manufacturer, "");
    sl_ident_free(own);

    /* the stats of the same text, and an empty variable reads nothing */
    size_t tlen = 0;
    char *text = sl_read_file(path, SL_NMAP_MAX_FILE, &tlen, &err);
    assert_non_null(text);
    struct sl_ruleset *empty;
    char none[96];
    snprintf(none, sizeof none, "%s/rules", dir);
    assert_int_equal(mkdir(none, 0700), 0);
    snprintf(none, sizeof none, "%s/rules/none.json", dir);
    f = fopen(none, "w");
    fputs("{\"rules\": []}\n", f);
    fclose(f);
    assert_int_equal(sl_rules_load(&empty, dir, sl_ident_registry(id), &err), 0);
    struct sl_nmap_stats st;
    assert_int_equal(sl_nmap_parse(empty, sl_ident_registry(id), text, tlen, "t", &st, &err), 0);
    assert_int_equal(st.kept, 3);
    assert_int_equal(sl_rules_count(empty), 3);
    assert_true(st.bad >= 2); /* the bad pattern and the long line */
    sl_rules_free(empty);
    free(text);
    setenv("SIGHTLINE_NMAP_PROBES", "", 1);
    assert_int_equal(sl_ident_load(&own, SL_TEST_SOURCE_DIR "/data", &err), 0);
    unsetenv("SIGHTLINE_NMAP_PROBES");
    assert_null(sl_rules_find(sl_ident_rules(own), "nmap.http.L6"));
    sl_ident_free(own);
    unlink(none);
    snprintf(none, sizeof none, "%s/rules", dir);
    rmdir(none);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_rule_example), cmocka_unit_test(test_weak_alone_never_names),
        cmocka_unit_test(test_weak_clues_combine), cmocka_unit_test(test_firmware_beats_label),
        cmocka_unit_test(test_conflicts_reported), cmocka_unit_test(test_generic_servers_unnamed),
        cmocka_unit_test(test_hostile_input),      cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_batch_bad_lines),    cmocka_unit_test(test_oui_table),
        cmocka_unit_test(test_mac_alone),          cmocka_unit_test(test_purchase),
        cmocka_unit_test(test_nmap_probes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
