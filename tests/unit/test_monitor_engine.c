/* test_monitor_engine.c - the monitor engine: deduplication and summaries,
 * the register (reappeared devices, alerts, sightings), state across
 * restarts, and its bounds. Frames are built with monitor/pcapwrite.h. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/alert.h"
#include "monitor/cloud.h"
#include "monitor/ident_glue.h"
#include "monitor/monitor.h"
#include "monitor/pcapwrite.h"
#include "store/store.h"
#include "util/str.h"

#define T0 1772442000

static uint8_t frame[4096], pl[4096];
static struct sl_cloud *cloud;

static struct sl_addr addr(const char *s)
{
    struct sl_addr a;
    assert_int_equal(sl_addr_parse(s, &a), 0);
    return a;
}

static void load_cloud(void)
{
    if (cloud != NULL)
        return;
    char path[4096];
    struct sl_err err;
    snprintf(path, sizeof path, "%s/data/cloud-domains.tsv", SL_TEST_SOURCE_DIR);
    if (sl_cloud_load(&cloud, path, &err) != 0)
        fail_msg("%s", err.msg);
}

struct rig {
    FILE *out;
    char *buf;
    size_t len;
    struct sl_alerts *alerts;
    struct sl_monitor *m;
};

static void rig_open(struct rig *r, struct sl_store *store, size_t max_hosts)
{
    load_cloud();
    memset(r, 0, sizeof *r);
    r->out = open_memstream(&r->buf, &r->len);
    struct sl_alerts_config ac = {.jsonl = r->out, .store = store};
    r->alerts = sl_alerts_new(&ac);
    assert_non_null(r->alerts);
    struct sl_mon_config mc = {.cloud = cloud, .alerts = r->alerts, .store = store,
                               .actor = "test", .max_hosts = max_hosts};
    struct sl_err err;
    assert_int_equal(sl_monitor_new(&r->m, &mc, &err), 0);
}

static void rig_close(struct rig *r)
{
    sl_monitor_free(r->m);
    sl_alerts_free(r->alerts);
    fclose(r->out);
    free(r->buf);
}

static int count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static void dns_query(struct rig *r, int64_t t, const uint8_t mac[6], const char *ip,
                      const char *name)
{
    struct sl_fb_l2 l = {{0}, {2, 0, 0, 0, 0, 1}, 0};
    memcpy(l.src, mac, 6);
    struct sl_addr s = addr(ip), d = addr("198.18.1.1");
    size_t n = sl_pl_dns_query(pl, sizeof pl, 1, name, 1);
    n = sl_fb_udp(frame, sizeof frame, &l, &s, 40000, &d, 53, pl, n);
    sl_monitor_packet(r->m, SL_LINK_ETHERNET, t, 0, frame, n, n);
}

static const uint8_t HIK[6] = {0x44, 0x19, 0xb6, 0xaa, 0xbb, 0xcc};

static void test_dedup_and_summary(void **state)
{
    (void)state;
    struct rig r;
    rig_open(&r, NULL, 0);
    for (int i = 0; i < 3; i++)
        dns_query(&r, T0 + i, HIK, "198.18.1.21", "api.hik-connect.com");
    dns_query(&r, T0 + 4, HIK, "198.18.1.21", "www.easy4ipcloud.com"); /* another subject */
    dns_query(&r, T0 + 5, HIK, "198.18.1.21", "www.example.org");
    sl_monitor_flush(r.m);
    fflush(r.out);
    assert_int_equal(count(r.buf, "\"event_type\":\"alert\""), 2);
    assert_int_equal(count(r.buf, "\"event_type\":\"alert_summary\""), 1);
    assert_non_null(strstr(r.buf, "\"count\":3,\"new\":2"));
    /* a second flush with nothing new writes nothing */
    size_t before = r.len;
    sl_monitor_flush(r.m);
    fflush(r.out);
    assert_int_equal(r.len, before);
    struct sl_alerts_stats as;
    sl_alerts_get_stats(r.alerts, &as);
    assert_int_equal(as.raised, 4);
    assert_int_equal(as.written, 2);
    assert_int_equal(as.suppressed, 2);
    assert_int_equal(as.worst_severity, 2);
    rig_close(&r);
}

static int alert_rows(const struct sl_alert_row *row, void *ctx)
{
    int *n = ctx;
    if (row->signature_id == 9000002)
        (*n)++;
    return 0;
}

static int sighting_rows(const struct sl_sighting *sg, void *ctx)
{
    int *n = ctx;
    if (strcmp(sg->mac, "44:19:b6:aa:bb:cc") == 0 && strcmp(sg->address, "198.18.1.21") == 0 &&
        sg->device_id > 0)
        (*n)++;
    return 0;
}

static void test_reappeared(void **state)
{
    (void)state;
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, sl_test_tmpfile("mon-reg", "reg.db"), 0, &err), 0);
    struct sl_claim claim;
    memset(&claim, 0, sizeof claim);
    sl_strlcpy(claim.manufacturer, "Hikvision", sizeof claim.manufacturer);
    struct sl_device_obs obs = {.mac = "44:19:b6:aa:bb:cc", .address = "198.18.1.21",
                                .claim = &claim, .seen_at = T0 - 86400 * 30};
    int64_t id;
    bool created;
    assert_int_equal(sl_store_device_observe(s, &obs, "test", &id, &created, &err), 0);
    struct sl_event ev;
    memset(&ev, 0, sizeof ev);
    ev.to_status = SL_STATUS_REMOVED;
    sl_strlcpy(ev.actor, "test", sizeof ev.actor);
    sl_strlcpy(ev.at, "2026-02-01T00:00:00Z", sizeof ev.at);
    assert_int_equal(sl_store_device_set_status(s, id, &ev, &err), 0);

    struct rig r;
    rig_open(&r, s, 0);
    dns_query(&r, T0, HIK, "198.18.1.21", "www.example.org");
    dns_query(&r, T0 + 1, HIK, "198.18.1.21", "www.example.org");
    sl_monitor_flush(r.m);
    fflush(r.out);
    assert_int_equal(count(r.buf, "\"signature_id\":9000002"), 1);
    assert_non_null(strstr(r.buf, "\"severity\":1"));
    assert_non_null(strstr(r.buf, "\"previous_status\":\"removed\""));
    struct sl_device d;
    assert_int_equal(sl_store_device_get(s, id, &d, &err), 1);
    assert_int_equal(d.status, SL_STATUS_REAPPEARED);
    int n = 0;
    assert_int_equal(sl_store_alert_list(s, 0, alert_rows, &n, &err), 0);
    assert_int_equal(n, 1);
    n = 0;
    assert_int_equal(sl_store_sighting_list(s, sighting_rows, &n, &err), 0);
    assert_int_equal(n, 1);
    rig_close(&r);

    /* A device still in service is not "reappeared"; a camera not in the
     * register that announces itself is "unknown". */
    rig_open(&r, s, 0);
    static const uint8_t other[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    struct sl_fb_l2 l = {{0}, {1, 0, 0x5e, 0x7f, 0xff, 0xfa}, 0};
    memcpy(l.src, other, 6);
    struct sl_addr src = addr("198.18.1.33"), dst = addr("239.255.255.250");
    static const char hello[] = "<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello"
                                "</a:Action><d:Types>dn:NetworkVideoTransmitter</d:Types>";
    size_t fl = sl_fb_udp(frame, sizeof frame, &l, &src, 3702, &dst, 3702,
                          (const uint8_t *)hello, sizeof hello - 1);
    sl_monitor_packet(r.m, SL_LINK_ETHERNET, T0 + 10, 0, frame, fl, fl);
    fflush(r.out);
    assert_int_equal(count(r.buf, "\"signature_id\":9000007"), 1);
    assert_int_equal(count(r.buf, "\"signature_id\":9000002"), 0);
    rig_close(&r);
    sl_store_close(s);
}

static void test_state_roundtrip(void **state)
{
    (void)state;
    const char *path = sl_test_tmpfile("mon-state", "state.json");
    char saved[4096];
    sl_strlcpy(saved, path, sizeof saved);
    struct rig r;
    struct sl_err err;
    rig_open(&r, NULL, 0);
    dns_query(&r, T0, HIK, "198.18.1.21", "api.hik-connect.com");
    assert_int_equal(sl_monitor_save_state(r.m, saved, &err), 0);
    rig_close(&r);

    rig_open(&r, NULL, 0);
    assert_int_equal(sl_monitor_load_state(r.m, saved, &err), 0);
    dns_query(&r, T0 + 100, HIK, "198.18.1.21", "api.hik-connect.com");
    sl_monitor_flush(r.m);
    fflush(r.out);
    /* the alert was written by the first run: now only counted and summarised */
    assert_int_equal(count(r.buf, "\"event_type\":\"alert\""), 0);
    assert_int_equal(count(r.buf, "\"event_type\":\"alert_summary\""), 1);
    assert_non_null(strstr(r.buf, "\"count\":2,\"new\":1"));
    assert_non_null(strstr(r.buf, "\"device_key\":\"mac:44:19:b6:aa:bb:cc\""));
    rig_close(&r);

    sl_test_write_file(saved, "{\"v\":2}");
    rig_open(&r, NULL, 0);
    assert_int_equal(sl_monitor_load_state(r.m, saved, &err), -1);
    assert_non_null(strstr(err.msg, "not a sightline monitor state file"));
    rig_close(&r);
}

static void test_host_bound(void **state)
{
    (void)state;
    struct rig r;
    rig_open(&r, NULL, 16);
    for (int i = 0; i < 100; i++) {
        uint8_t mac[6] = {0x02, 0, 0, 0, 0, (uint8_t)i};
        dns_query(&r, T0, mac, "198.18.1.5", "www.example.org");
    }
    struct sl_mon_stats st;
    sl_monitor_get_stats(r.m, &st);
    assert_int_equal(st.hosts, 16);
    assert_int_equal(st.hosts_dropped, 84);
    assert_int_equal(st.packets, 100);
    rig_close(&r);
}

static void test_alert_table_bound(void **state)
{
    (void)state;
    FILE *out = fopen("/dev/null", "w");
    struct sl_alerts_config ac = {.jsonl = out, .max_entries = 4};
    struct sl_alerts *a = sl_alerts_new(&ac);
    for (int i = 0; i < 10; i++) {
        char key[32];
        snprintf(key, sizeof key, "mac:%d", i);
        struct sl_alert al = {.sig_id = SL_SIG_CLOUD_DNS, .ts_sec = T0, .device_key = key,
                              .subject = "x"};
        assert_int_equal(sl_alerts_raise(a, &al), 1);
    }
    struct sl_alerts_stats st;
    sl_alerts_get_stats(a, &st);
    assert_int_equal(st.written, 10);
    assert_int_equal(st.dedup_full, 6);
    sl_alerts_free(a);
    fclose(out);
}

static int teardown(void **state)
{
    (void)state;
    sl_cloud_free(cloud);
    cloud = NULL;
    return 0;
}


/* SIGHUP: new rules and cloud list in place, nothing dropped: the station
 * table, its claims and the alert deduplication stay; the new list's names
 * alert from then on; learned cloud addresses stay while their name does. */
static void test_reload(void **state)
{
    (void)state;
    static const char list_a[] = "hik-connect.com\tHikvision\tHik-Connect\tcloud\ttest\n";
    static const char list_b[] = "hik-connect.com\tHikvision\tHik-Connect\tcloud\ttest\n"
                                 "easy4ipcloud.com\tDahua\tEasy4IP\tp2p\ttest\n";
    struct sl_cloud *a, *b;
    struct sl_mon_identify *id_a, *id_b;
    struct sl_err err;
    char datadir[4096];
    snprintf(datadir, sizeof datadir, "%s/data", SL_TEST_SOURCE_DIR);
    assert_int_equal(sl_cloud_parse(&a, list_a, sizeof list_a - 1, "a", &err), 0);
    assert_int_equal(sl_cloud_parse(&b, list_b, sizeof list_b - 1, "b", &err), 0);
    if (sl_mon_identify_open(&id_a, datadir, SL_TIER_SENSITIVE, NULL, &err) != 0 ||
        sl_mon_identify_open(&id_b, datadir, SL_TIER_SENSITIVE, NULL, &err) != 0)
        fail_msg("%s", err.msg);

    struct rig r;
    memset(&r, 0, sizeof r);
    r.out = open_memstream(&r.buf, &r.len);
    struct sl_alerts_config ac = {.jsonl = r.out};
    r.alerts = sl_alerts_new(&ac);
    struct sl_mon_config mc = {.cloud = a, .identify = id_a, .alerts = r.alerts, .actor = "test"};
    assert_int_equal(sl_monitor_new(&r.m, &mc, &err), 0);

    /* Before: hik-connect alerts, easy4ipcloud is unknown; a hik-connect address is learned. */
    dns_query(&r, T0, HIK, "198.18.1.21", "api.hik-connect.com");
    dns_query(&r, T0 + 1, HIK, "198.18.1.21", "www.easy4ipcloud.com");
    struct sl_fb_l2 l = {{2, 0, 0, 0, 0, 1}, {0}, 0};
    memcpy(l.dst, HIK, 6);
    struct sl_addr res = addr("198.18.1.1"), cam = addr("198.18.1.21"), far = addr("203.0.113.9");
    size_t n = sl_pl_dns_response(pl, sizeof pl, 1, "api.hik-connect.com", 1, &far, 1);
    n = sl_fb_udp(frame, sizeof frame, &l, &res, 53, &cam, 40000, pl, n);
    sl_monitor_packet(r.m, SL_LINK_ETHERNET, T0 + 2, 0, frame, n, n);
    struct sl_mon_stats st;
    sl_monitor_get_stats(r.m, &st);
    uint64_t hosts = st.hosts;
    fflush(r.out);
    assert_int_equal(count(r.buf, "\"signature_id\":9000003"), 1);
    assert_null(strstr(r.buf, "easy4ipcloud"));

    sl_monitor_reload(r.m, b, id_b);
    sl_cloud_free(a); /* the old ones are gone: ASan catches any later use */
    sl_mon_identify_close(id_a);

    dns_query(&r, T0 + 3, HIK, "198.18.1.21", "api.hik-connect.com"); /* deduplicated still */
    dns_query(&r, T0 + 4, HIK, "198.18.1.21", "www.easy4ipcloud.com"); /* new list: alerts */
    struct sl_fb_l2 up = {{0}, {2, 0, 0, 0, 0, 1}, 0};
    memcpy(up.src, HIK, 6);
    n = sl_fb_tcp(frame, sizeof frame, &up, &cam, 40001, &far, 443, 0x02, 1, 0, NULL, 0);
    sl_monitor_packet(r.m, SL_LINK_ETHERNET, T0 + 5, 0, frame, n, n);
    fflush(r.out);
    assert_int_equal(count(r.buf, "\"signature_id\":9000003"), 2);
    assert_int_equal(count(r.buf, "\"domain\":\"easy4ipcloud.com\""), 1);
    assert_int_equal(count(r.buf, "\"signature_id\":9000006"), 1); /* learned address kept */
    sl_monitor_get_stats(r.m, &st);
    assert_int_equal(st.hosts, hosts); /* the station table is the same */
    rig_close(&r);
    sl_cloud_free(b);
    sl_mon_identify_close(id_b);
}

/* Loopback frames carry all-zero MACs: the station is its IP address, so a
 * monitor on lo (sightline-monitor@lo) still alerts. */
static void test_loopback_station(void **state)
{
    (void)state;
    struct rig r;
    rig_open(&r, NULL, 0);
    static const uint8_t zero[6];
    dns_query(&r, T0, zero, "127.0.0.1", "api.hik-connect.com");
    fflush(r.out);
    assert_int_equal(count(r.buf, "\"signature_id\":9000003"), 1);
    assert_non_null(strstr(r.buf, "\"device\":{\"ip\":\"127.0.0.1\"}"));
    rig_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dedup_and_summary), cmocka_unit_test(test_reappeared),
        cmocka_unit_test(test_state_roundtrip), cmocka_unit_test(test_host_bound),
        cmocka_unit_test(test_alert_table_bound), cmocka_unit_test(test_reload),
        cmocka_unit_test(test_loopback_station),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
