/* test_scan_import.c - nmap -oX and masscan -oJ as evidence (scan/import.h). */
#include "testutil.h"

#include <string.h>

#include "scan/import.h"
#include "util/str.h"

struct seen {
    int devices, evidence;
    char addr[4][48];
    char ports[4][64];
    int http, tcp, mac, rtsp;
};

static void on_device(const struct sl_scan_device *d, void *ctx)
{
    struct seen *s = ctx;
    if (s->devices < 4) {
        sl_strlcpy(s->addr[s->devices], d->address, sizeof s->addr[0]);
        sl_strlcpy(s->ports[s->devices], d->ports, sizeof s->ports[0]);
    }
    s->devices++;
}

static void on_evidence(const char *address, const struct sl_evidence *ev, void *ctx)
{
    (void)address;
    struct seen *s = ctx;
    s->evidence++;
    s->http += ev->proto == SL_PROTO_HTTP;
    s->tcp += ev->proto == SL_PROTO_TCP;
    s->mac += ev->proto == SL_PROTO_MAC;
    s->rtsp += ev->proto == SL_PROTO_RTSP;
}

static const char nmap_xml[] =
    "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun>\n<nmaprun scanner=\"nmap\">\n"
    "<host><status state=\"up\"/><address addr=\"198.18.0.3\" addrtype=\"ipv4\"/>"
    "<address addr=\"44:19:B6:00:00:01\" addrtype=\"mac\" vendor=\"Hikvision\"/><ports>"
    "<port protocol=\"tcp\" portid=\"80\"><state state=\"open\"/><service name=\"http\" "
    "product=\"Hikvision IP camera httpd\" devicetype=\"webcam\"/>"
    "<script id=\"http-server-header\" output=\"App-webs/\"/></port>"
    "<port protocol=\"tcp\" portid=\"554\"><state state=\"open\"/>"
    "<script id=\"rtsp-methods\" output=\"OPTIONS, DESCRIBE\"/></port>"
    "<port protocol=\"tcp\" portid=\"23\"><state state=\"closed\"/></port>"
    "<port protocol=\"tcp\" portid=\"37777\"><state state=\"open\"/>"
    "<script id=\"banner\" output=\"\\xB1\\x00\\x00X\"/></port></ports></host>\n"
    "<host><status state=\"up\"/><address addr=\"198.18.0.9\" addrtype=\"ipv4\"/></host>\n"
    "</nmaprun>\n";

static void test_nmap(void **state)
{
    (void)state;
    const char *db = sl_test_tmpfile("import", "reg.db");
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, db, 0, &err), 0);
    struct sl_scan_opts o = {0};
    o.store = s;
    o.actor = "test";
    struct seen seen = {0};
    struct sl_scan_callbacks cb = {0};
    cb.on_device = on_device;
    cb.on_evidence = on_evidence;
    cb.ctx = &seen;
    struct sl_scan_summary sum;
    assert_int_equal(sl_import_run(nmap_xml, strlen(nmap_xml), SL_IMPORT_AUTO, &o, &cb, &sum, &err), 0);
    assert_int_equal(seen.devices, 2);
    assert_string_equal(seen.addr[0], "198.18.0.3");
    assert_string_equal(seen.ports[0], "80,554,37777");
    assert_int_equal(seen.mac, 1);
    assert_int_equal(seen.http, 1);  /* http-server-header, reconstructed */
    assert_int_equal(seen.rtsp, 1);
    assert_int_equal(seen.tcp, 2);   /* the service line and the banner */
    struct sl_scan sc;
    assert_int_equal(sl_store_scan_get(s, sum.scan_id, &sc, &err), 1);
    assert_string_equal(sc.kind, "import");
    assert_int_equal(sc.status, SL_SCAN_COMPLETE);
    struct sl_device d;
    assert_int_equal(sl_store_device_find(s, "198.18.0.3", &d, &err), 1);
    sl_store_close(s);
}

static void test_masscan(void **state)
{
    (void)state;
    static const char js[] =
        "[\n"
        "{\"ip\": \"198.18.0.4\", \"timestamp\": \"1\", \"ports\": [ {\"port\": 80, \"proto\": \"tcp\", \"status\": \"open\"} ] },\n"
        "{\"ip\": \"198.18.0.5\", \"timestamp\": \"1\", \"ports\": [ {\"port\": 554, \"proto\": \"tcp\", \"status\": \"open\"} ] },\n"
        "{\"ip\": \"198.18.0.4\", \"timestamp\": \"1\", \"ports\": [ {\"port\": 80, \"proto\": \"tcp\", \"service\": {\"name\": \"http\", \"banner\": \"HTTP/1.1 200 OK\\r\\nServer: Webs\\r\\n\\r\\n\"} } ] },\n"
        "{\"finished\": 1}\n]\n";
    struct seen seen = {0};
    struct sl_scan_callbacks cb = {0};
    cb.on_device = on_device;
    cb.on_evidence = on_evidence;
    cb.ctx = &seen;
    struct sl_scan_opts o = {0};
    struct sl_scan_summary sum;
    struct sl_err err = {0};
    assert_int_equal(sl_import_run(js, strlen(js), SL_IMPORT_AUTO, &o, &cb, &sum, &err), 0);
    assert_int_equal(seen.devices, 2); /* two records of .4 are one host */
    assert_string_equal(seen.addr[0], "198.18.0.4");
    assert_string_equal(seen.ports[0], "80");
    assert_int_equal(seen.http, 1);
    /* A broken line names itself and imports nothing. */
    static const char bad[] = "[\n{\"ip\": \"198.18.0.4\", \"ports\": [\n]\n";
    memset(&seen, 0, sizeof seen);
    assert_int_equal(sl_import_run(bad, strlen(bad), SL_IMPORT_MASSCAN_JSON, &o, &cb, &sum, &err), -1);
    assert_non_null(strstr(err.msg, "line 2"));
    assert_int_equal(seen.devices, 0);
}

static void test_hostile_xml(void **state)
{
    (void)state;
    struct sl_scan_opts o = {0};
    struct sl_scan_summary sum;
    struct sl_err err = {0};
    static const char bomb[] = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">"
                               "<!ENTITY b \"&a;&a;&a;&a;\">]><nmaprun>&b;</nmaprun>";
    assert_int_equal(sl_import_run(bomb, strlen(bomb), SL_IMPORT_AUTO, &o, NULL, &sum, &err), -1);
    assert_non_null(strstr(err.msg, "not accepted"));
    char deep[4096] = "<nmaprun>";
    for (int i = 0; i < 100; i++)
        strcat(deep, "<a>"); /* test code: bounded by the buffer */
    assert_int_equal(sl_import_run(deep, strlen(deep), SL_IMPORT_AUTO, &o, NULL, &sum, &err), -1);
    assert_non_null(strstr(err.msg, "deeply"));
    static const char trunc[] = "<nmaprun><host><address addr=\"198.18.0.1\"";
    assert_int_equal(sl_import_run(trunc, strlen(trunc), SL_IMPORT_AUTO, &o, NULL, &sum, &err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nmap),
        cmocka_unit_test(test_masscan),
        cmocka_unit_test(test_hostile_xml),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
