/* test_proto.c - the bounded parsers of device answers (proto/). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/html.h"
#include "proto/json.h"
#include "proto/kv.h"
#include "proto/mac.h"
#include "proto/tlscert.h"
#include "proto/xml.h"

struct seen {
    int n;
    char last_path[256], last_ns[128], last_text[128];
    char want[64];
    char found[128];
};

static int on_elem(const struct sl_xml_elem *e, void *ctx)
{
    struct seen *s = ctx;
    s->n++;
    snprintf(s->last_path, sizeof s->last_path, "%s", e->path);
    snprintf(s->last_ns, sizeof s->last_ns, "%s", e->ns);
    snprintf(s->last_text, sizeof s->last_text, "%s", e->text);
    if (s->want[0] && strcmp(e->local, s->want) == 0)
        snprintf(s->found, sizeof s->found, "%s|%s|%s", e->path, e->ns, e->text);
    return 0;
}

static void test_xml_namespaces(void **state)
{
    (void)state;
    const char *doc = "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">"
                      "<s:Body><tds:GetDeviceInformationResponse xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\">"
                      "<tds:Manufacturer> Bosch </tds:Manufacturer></tds:GetDeviceInformationResponse></s:Body></s:Envelope>";
    struct seen s = {.want = "Manufacturer"};
    struct sl_err err = {0};
    assert_int_equal(sl_xml_parse(doc, strlen(doc), NULL, on_elem, &s, &err), 0);
    assert_string_equal(s.found, "Envelope/Body/GetDeviceInformationResponse/Manufacturer|"
                                 "http://www.onvif.org/ver10/device/wsdl|Bosch");
    assert_string_equal(s.last_path, "Envelope");
}

static void test_xml_hostile(void **state)
{
    (void)state;
    struct sl_err err = {0};
    struct seen s = {0};
    const char *bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
                       "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><lolz>&lol2;</lolz>";
    assert_int_equal(sl_xml_parse(bomb, strlen(bomb), NULL, on_elem, &s, &err), -1);
    assert_non_null(strstr(err.msg, "DOCTYPE"));
    /* deep nesting */
    char deep[4096] = "";
    for (int i = 0; i < 40; i++)
        strncat(deep, "<a>", sizeof deep - strlen(deep) - 1);
    assert_int_equal(sl_xml_parse(deep, strlen(deep), NULL, on_elem, &s, &err), -1);
    assert_non_null(strstr(err.msg, "deep"));
    /* invalid UTF-8 */
    const char bad[] = "<a>\xff\xfe</a>";
    assert_int_equal(sl_xml_parse(bad, sizeof bad - 1, NULL, on_elem, &s, &err), -1);
    /* size bound */
    struct sl_xml_limits lim = {.max_bytes = 16};
    assert_int_equal(sl_xml_parse("<a>0123456789abcdef</a>", 23, &lim, on_elem, &s, &err), -1);
    assert_non_null(strstr(err.msg, "larger"));
    /* too many elements */
    char many[8192] = "<r>";
    for (int i = 0; i < 100; i++)
        strncat(many, "<x/>", sizeof many - strlen(many) - 1);
    strncat(many, "</r>", sizeof many - strlen(many) - 1);
    struct sl_xml_limits lim2 = {.max_elems = 50};
    assert_int_equal(sl_xml_parse(many, strlen(many), &lim2, on_elem, &s, &err), -1);
    /* truncated */
    assert_int_equal(sl_xml_parse("<a><b>", 6, NULL, on_elem, &s, &err), -1);
}

struct jseen {
    char all[1024];
};

static int on_json(const char *path, const char *value, void *ctx)
{
    struct jseen *j = ctx;
    size_t n = strlen(j->all);
    snprintf(j->all + n, sizeof j->all - n, "%s=%s;", path, value);
    return 0;
}

static void test_json(void **state)
{
    (void)state;
    struct jseen j = {{0}};
    struct sl_err err = {0};
    const char *doc = "{\"mac\":\"3c:ef:8c:41:6c:ce\",\"params\":{\"deviceInfo\":{\"Port\":37777,"
                      "\"Find\":true,\"List\":[1,\"x\"],\"N\":null}}}";
    assert_int_equal(sl_json_walk(doc, strlen(doc), NULL, on_json, &j, &err), 0);
    assert_non_null(strstr(j.all, "params.deviceInfo.Port=37777;"));
    assert_non_null(strstr(j.all, "params.deviceInfo.List.1=x;"));
    assert_non_null(strstr(j.all, "params.deviceInfo.Find=true;"));
    /* duplicate keys are not trusted */
    assert_int_equal(sl_json_walk("{\"a\":1,\"a\":2}", 13, NULL, on_json, &j, &err), -1);
    assert_non_null(strstr(err.msg, "duplicate"));
    /* depth bound */
    char deep[256] = "";
    for (int i = 0; i < 30; i++)
        strncat(deep, "[", sizeof deep - strlen(deep) - 1);
    for (int i = 0; i < 30; i++)
        strncat(deep, "]", sizeof deep - strlen(deep) - 1);
    assert_int_equal(sl_json_walk(deep, strlen(deep), NULL, on_json, &j, &err), -1);
    assert_non_null(strstr(err.msg, "deep"));
    /* NUL inside a string */
    assert_int_equal(sl_json_walk("{\"a\":\"x\\u0000y\"}", 16, NULL, on_json, &j, &err), -1);
    assert_int_equal(sl_json_walk("{\"a\":", 5, NULL, on_json, &j, &err), -1);
}

static void test_dhip(void **state)
{
    (void)state;
    uint8_t pkt[64] = {0x20, 0, 0, 0, 'D', 'H', 'I', 'P'};
    pkt[16] = 2;
    pkt[24] = 2;
    pkt[32] = '{';
    pkt[33] = '}';
    const uint8_t *body;
    size_t blen;
    struct sl_err err = {0};
    assert_int_equal(sl_dhip_unwrap(pkt, 34, &body, &blen, &err), 0);
    assert_int_equal(blen, 2);
    assert_memory_equal(body, "{}", 2);
    pkt[16] = 200; /* says more than there is */
    assert_int_equal(sl_dhip_unwrap(pkt, 34, &body, &blen, &err), -1);
    assert_int_equal(sl_dhip_unwrap(pkt, 20, &body, &blen, &err), -1);
    pkt[16] = 2;
    pkt[4] = 'X';
    assert_int_equal(sl_dhip_unwrap(pkt, 34, &body, &blen, &err), -1);
}

static int on_kv(const char *k, const char *v, void *ctx)
{
    struct jseen *j = ctx;
    size_t n = strlen(j->all);
    snprintf(j->all + n, sizeof j->all - n, "%s=%s;", k, v);
    return 0;
}

static void test_kv(void **state)
{
    (void)state;
    struct jseen j = {{0}};
    const char *body = "# getSystemInfo\r\ndeviceType=IPC-HDW5831R-ZE\r\nno equals here\r\n=x\r\n"
                       "updateSerial = IPC-HDW5830R-Z \r\n";
    assert_true(sl_kv_looks_like(body, strlen(body)));
    assert_false(sl_kv_looks_like("<html>", 6));
    assert_false(sl_kv_looks_like("{\"a\":1}", 7));
    assert_int_equal(sl_kv_walk(body, strlen(body), on_kv, &j), 2);
    assert_string_equal(j.all, "deviceType=IPC-HDW5831R-ZE;updateSerial=IPC-HDW5830R-Z;");
}

static void test_mac(void **state)
{
    (void)state;
    char out[18];
    uint64_t v;
    assert_int_equal(sl_mac_parse("C0-56-E3-01-02-03", 17, out, &v), 0);
    assert_string_equal(out, "c0:56:e3:01:02:03");
    assert_true(v == 0xc056e3010203ull);
    assert_int_equal(sl_mac_parse(" c056.e301.0203\n", 16, out, NULL), 0);
    assert_string_equal(out, "c0:56:e3:01:02:03");
    assert_int_equal(sl_mac_parse("c056e3010203", 12, out, NULL), 0);
    assert_int_equal(sl_mac_parse("c0:56-e3:01:02:03", 17, out, NULL), -1);
    assert_int_equal(sl_mac_parse("zz:56:e3:01:02:03", 17, out, NULL), -1);
    assert_int_equal(sl_mac_parse("", 0, out, NULL), -1);
}

static void test_html(void **state)
{
    (void)state;
    char t[SL_HTML_MAX_TITLE + 1];
    const char *page = "<html><HEAD><TITLE lang=en>\n  WEB &amp;  SERVICE \n</TITLE></HEAD>";
    assert_true(sl_html_title(page, strlen(page), t, sizeof t));
    assert_string_equal(t, "WEB & SERVICE");
    assert_false(sl_html_title("<titles>", 8, t, sizeof t));
    assert_true(sl_html_title("<title>open", 11, t, sizeof t)); /* unterminated: to the end */
    assert_string_equal(t, "open");
    char md5[33];
    sl_md5_hex("", 0, md5);
    assert_string_equal(md5, "d41d8cd98f00b204e9800998ecf8427e");
    /* MurmurHash3 x86_32 reference value: mmh3.hash("hello") == 613153351 */
    assert_int_equal(sl_mmh3_32("hello", 5, 0), 613153351u);
    /* Shodan's favicon hash is mmh3 of base64 with a newline after every 76
     * characters and at the end (Python base64.encodebytes) */
    char a57[57];
    memset(a57, 'a', sizeof a57);
    const char *b64 = "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh\n";
    uint32_t want = sl_mmh3_32(b64, strlen(b64), 0);
    int32_t got = sl_favicon_mmh3(a57, sizeof a57);
    assert_true((uint32_t)got == want);
}

static void test_tls(void **state)
{
    (void)state;
    const char *dir = sl_test_tmpdir("proto-tls");
    char cmd[1024], path[512];
    snprintf(path, sizeof path, "%s/c.pem", dir);
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "
             "'%s/k.pem' -out '%s' -days 30 -subj "
             "'/C=CN/ST=ZheJiang/L=HangZhou/O=HIKVISION/OU=DVRNVR/CN=www.hikvision.com' "
             "-addext 'subjectAltName=DNS:cam.example,IP:198.18.0.5' 2>/dev/null",
             dir, path);
    if (sl_test_run(cmd, NULL) != 0)
        skip();
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char pem[8192];
    size_t n = fread(pem, 1, sizeof pem, f);
    fclose(f);
    struct sl_cert_info ci;
    struct sl_err err = {0};
    assert_int_equal(sl_cert_parse(pem, n, &ci, &err), 0);
    assert_string_equal(ci.subject, "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN");
    assert_string_equal(ci.common_name, "www.hikvision.com");
    assert_true(ci.self_signed);
    assert_int_equal(ci.n_sans, 2);
    assert_string_equal(ci.sans[0], "cam.example");
    assert_string_equal(ci.sans[1], "198.18.0.5");
    assert_int_equal(strlen(ci.not_before), 20);
    /* garbage and truncation */
    assert_int_equal(sl_cert_parse("hello", 5, &ci, &err), -1);
    assert_int_equal(sl_cert_parse(pem, n / 2, &ci, &err), -1);
    uint8_t der[4] = {0x30, 0x84, 0xff, 0xff};
    assert_int_equal(sl_cert_parse(der, sizeof der, &ci, &err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_namespaces), cmocka_unit_test(test_xml_hostile),
        cmocka_unit_test(test_json),           cmocka_unit_test(test_dhip),
        cmocka_unit_test(test_kv),             cmocka_unit_test(test_mac),
        cmocka_unit_test(test_html),           cmocka_unit_test(test_tls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
