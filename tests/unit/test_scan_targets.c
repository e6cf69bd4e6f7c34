/* test_scan_targets.c - targets, the keyed walk, the rate limiter, port lists,
 * request builders and the credentials file. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/neigh.h"
#include "net/permute.h"
#include "net/ratelimit.h"
#include "net/targets.h"
#include "probe/ports.h"
#include "probe/request.h"
#include "scan/creds.h"
#include "util/siphash.h"
#include "util/str.h"
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct sl_targets *prep(const char *const *specs, size_t n, const char *const *ex, size_t nex)
{
    struct sl_targets *t = sl_targets_new();
    struct sl_err err = {0};
    for (size_t i = 0; i < n; i++)
        assert_int_equal(sl_targets_add(t, specs[i], &err), 0);
    for (size_t i = 0; i < nex; i++)
        assert_int_equal(sl_targets_exclude(t, ex[i], &err), 0);
    assert_int_equal(sl_targets_prepare(t, &err), 0);
    return t;
}

static void test_forms_and_merge(void **state)
{
    (void)state;
    static const char *const specs[] = {"198.18.0.0/24", "198.18.0.10-198.18.0.20", "198.18.1.5-9",
                                        "198.18.1.9", "2001:db8::/126", "2001:db8::10-2001:db8::11"};
    struct sl_targets *t = prep(specs, 6, NULL, 0);
    /* /24 (256) absorbs the range; 5..9 (5); v6 4 + 2. */
    assert_int_equal(sl_targets_count(t), 256 + 5 + 4 + 2);
    assert_true(sl_targets_has_v4(t));
    assert_true(sl_targets_has_v6(t));
    struct sl_addr a;
    char s[SL_ADDR_STRLEN];
    sl_targets_at(t, 0, &a);
    sl_addr_format(&a, s);
    assert_string_equal(s, "198.18.0.0");
    sl_targets_at(t, 256, &a);
    sl_addr_format(&a, s);
    assert_string_equal(s, "198.18.1.5");
    sl_targets_at(t, 261, &a);
    sl_addr_format(&a, s);
    assert_string_equal(s, "2001:db8::");
    uint64_t idx;
    assert_int_equal(sl_addr_parse("2001:db8::11", &a), 0);
    assert_true(sl_targets_index_of(t, &a, &idx));
    assert_int_equal(idx, 266);
    assert_int_equal(sl_addr_parse("198.18.2.1", &a), 0);
    assert_false(sl_targets_contains(t, &a));
    sl_targets_free(t);
}

static void test_errors(void **state)
{
    (void)state;
    struct sl_err err = {0};
    struct sl_targets *t = sl_targets_new();
    assert_int_equal(sl_targets_add(t, "198.18.0.1/24", &err), -1);
    assert_non_null(strstr(err.msg, "198.18.0.1/24"));
    assert_int_equal(sl_targets_add(t, "198.18.0.9-198.18.0.1", &err), -1);
    assert_non_null(strstr(err.msg, "ends before"));
    assert_int_equal(sl_targets_add(t, "198.18.0.1-2001:db8::1", &err), -1);
    assert_int_equal(sl_targets_add(t, "@/nonexistent/file", &err), -1);
    assert_int_equal(sl_targets_prepare(t, &err), -1); /* nothing added */
    sl_targets_free(t);
    t = sl_targets_new();
    assert_int_equal(sl_targets_add(t, "2001:db8::/64", &err), 0);
    assert_int_equal(sl_targets_prepare(t, &err), -1);
    assert_non_null(strstr(err.msg, "narrow"));
    sl_targets_free(t);
}

/* A name that does not resolve is refused with the name in the message. The
 * look-up runs in a child inside an empty network namespace, so no query
 * reaches the machine's resolver (which may sit on a private address);
 * skipped where no namespace can be made. */
static void test_unresolvable_name(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (unshare(CLONE_NEWNET) != 0)
            _exit(77);
        struct sl_err err = {0};
        struct sl_targets *t = sl_targets_new();
        int rc = sl_targets_add(t, "no-such-host.invalid", &err);
        sl_targets_free(t);
        _exit(rc == -1 && strstr(err.msg, "no-such-host.invalid") != NULL ? 0 : 1);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 77)
        skip();
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_file_and_exclusions(void **state)
{
    (void)state;
    const char *path = sl_test_tmpfile("targets", "list.txt");
    sl_test_write_file(path, "# lab\n198.18.0.0/28  # sixteen\n\n198.18.0.100\n");
    char spec[600];
    snprintf(spec, sizeof spec, "@%s", path);
    static const char *const ex[] = {"198.18.0.0/30", "198.18.0.100", "198.19.0.0/16"};
    const char *specs[] = {spec};
    struct sl_targets *t = prep(specs, 1, ex, 3);
    assert_int_equal(sl_targets_count(t), 17);
    assert_int_equal(sl_targets_excluded(t), 5);
    /* The walk visits every non-excluded address exactly once. */
    struct sl_walk w;
    sl_walk_init(&w, t, 42);
    struct sl_addr a;
    uint64_t pos;
    int seen[17] = {0};
    size_t n = 0;
    while (sl_walk_next(&w, &a, &pos) == 1) {
        uint64_t idx;
        assert_true(sl_targets_index_of(t, &a, &idx));
        assert_false(sl_targets_is_excluded(t, &a));
        seen[idx]++;
        uint64_t p2;
        assert_true(sl_walk_position_of(&w, &a, &p2));
        assert_int_equal(p2, pos);
        n++;
    }
    assert_int_equal(n, 12);
    for (int i = 0; i < 17; i++)
        assert_true(seen[i] <= 1);
    sl_targets_free(t);
}

static void test_permutation(void **state)
{
    (void)state;
    static const uint64_t sizes[] = {1, 2, 3, 5, 255, 256, 1000, 4097};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint64_t n = sizes[s];
        struct sl_perm p;
        sl_perm_init(&p, n, 7 + s);
        uint8_t *hit = calloc(n, 1);
        size_t fixed = 0;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t v = sl_perm_at(&p, i);
            assert_true(v < n);
            assert_int_equal(hit[v], 0);
            hit[v] = 1;
            assert_int_equal(sl_perm_inverse(&p, v), i);
            fixed += v == i;
        }
        if (n >= 1000)
            assert_true(fixed < n / 50); /* shuffled, not the identity */
        free(hit);
    }
    /* Different seeds, different orders. */
    struct sl_perm a, b;
    sl_perm_init(&a, 1000, 1);
    sl_perm_init(&b, 1000, 2);
    int same = 0;
    for (uint64_t i = 0; i < 1000; i++)
        same += sl_perm_at(&a, i) == sl_perm_at(&b, i);
    assert_true(same < 50);
}

static void test_siphash_vector(void **state)
{
    (void)state;
    /* Reference vector of the SipHash paper: key 00..0f, message 00..0e. */
    uint8_t key[16], msg[15];
    for (int i = 0; i < 16; i++)
        key[i] = (uint8_t)i;
    for (int i = 0; i < 15; i++)
        msg[i] = (uint8_t)i;
    assert_true(sl_siphash24(key, msg, 15) == 0xa129ca6149be45e5ULL);
}

static void test_rate(void **state)
{
    (void)state;
    struct sl_rate r;
    sl_rate_init(&r, 1000, 10, 0);
    assert_int_equal(sl_rate_available(&r, 0), 10);
    sl_rate_consume(&r, 10);
    assert_int_equal(sl_rate_available(&r, 0), 0);
    assert_int_equal(sl_rate_available(&r, 5000), 5); /* 5 ms at 1000/s */
    assert_int_equal(sl_rate_available(&r, 1000000), 10); /* capped at the burst */
    sl_rate_consume(&r, 10);
    assert_true(sl_rate_wait_us(&r, 1) >= 999 && sl_rate_wait_us(&r, 1) <= 1001);
    struct sl_rate u;
    sl_rate_init(&u, 0, 1, 0);
    assert_true(sl_rate_available(&u, 0) > 1000000);
}

static void test_ports(void **state)
{
    (void)state;
    struct sl_port_spec p[SL_PORTS_MAX];
    struct sl_err err = {0};
    int n = sl_ports_parse("80,443, 554,8000-8002,9999/rtsp,80", p, SL_PORTS_MAX, &err);
    assert_int_equal(n, 7);
    assert_int_equal(p[0].kind, SL_PK_HTTP);
    assert_int_equal(p[1].kind, SL_PK_HTTPS);
    assert_int_equal(p[2].kind, SL_PK_RTSP);
    assert_int_equal(p[3].kind, SL_PK_HIK_SDK);
    assert_int_equal(p[4].kind, SL_PK_HTTP);    /* 8001 */
    assert_int_equal(p[5].kind, SL_PK_BANNER);  /* 8002 */
    assert_int_equal(p[6].kind, SL_PK_RTSP);
    assert_int_equal(sl_ports_parse("0", p, SL_PORTS_MAX, &err), -1);
    assert_int_equal(sl_ports_parse("80/gopher", p, SL_PORTS_MAX, &err), -1);
    assert_int_equal(sl_ports_parse("1-1000", p, 10, &err), -1);
    assert_non_null(sl_ports_profile("cameras"));
    assert_null(sl_ports_profile("everything"));
}

static void test_requests(void **state)
{
    (void)state;
    struct sl_buf b;
    sl_buf_init(&b, 8192);
    assert_int_equal(sl_req_http_get(&b, "198.18.0.7", 8080, "/ISAPI/System/deviceInfo"), 0);
    assert_non_null(strstr(sl_buf_cstr(&b), "GET /ISAPI/System/deviceInfo HTTP/1.1\r\nHost: 198.18.0.7:8080\r\n"));
    sl_buf_reset(&b);
    assert_int_equal(sl_req_rtsp(&b, "DESCRIBE", "2001:db8::7", 554, 2), 0);
    assert_true(sl_str_starts_with(sl_buf_cstr(&b), "DESCRIBE rtsp://[2001:db8::7]/ RTSP/1.0\r\nCSeq: 2\r\n"));
    /* Probe ids: stable for a key and target, different across targets and kinds. */
    uint8_t key[16] = {1, 2, 3};
    struct sl_addr a1, a2;
    sl_addr_parse("198.18.0.7", &a1);
    sl_addr_parse("198.18.0.8", &a2);
    char u1[37], u2[37], u3[37], u4[37];
    sl_probe_uuid(key, &a1, SL_UDP_WSD, u1);
    sl_probe_uuid(key, &a1, SL_UDP_WSD, u2);
    sl_probe_uuid(key, &a2, SL_UDP_WSD, u3);
    sl_probe_uuid(key, &a1, SL_UDP_SADP, u4);
    assert_string_equal(u1, u2);
    assert_string_not_equal(u1, u3);
    assert_string_not_equal(u1, u4);
    assert_int_equal(strlen(u1), 36);
    assert_int_equal(u1[14], '4');
    sl_buf_reset(&b);
    assert_int_equal(sl_req_udp(&b, SL_UDP_WSD, u1, "198.18.0.7"), 0);
    assert_non_null(strstr(sl_buf_cstr(&b), u1));
    assert_non_null(strstr(sl_buf_cstr(&b), "discovery/Probe"));
    sl_buf_reset(&b);
    assert_int_equal(sl_req_udp(&b, SL_UDP_SADP, u4, "198.18.0.7"), 0);
    assert_non_null(strstr(sl_buf_cstr(&b), "<Types>inquiry</Types>"));
    sl_buf_reset(&b);
    assert_int_equal(sl_req_udp(&b, SL_UDP_DHDISCOVER, u1, "198.18.0.7"), 0);
    assert_int_equal(b.data[0], 0x20);
    assert_memory_equal(b.data + 4, "DHIP", 4);
    assert_int_equal(b.data[16], b.len - 32);
    assert_int_equal(b.data[24], b.len - 32);
    sl_buf_reset(&b);
    assert_int_equal(sl_req_onvif_device_info(&b, "198.18.0.7", 80, "admin", "s3cret",
                                              "2024-04-29T12:00:00Z"), 0);
    assert_non_null(strstr(sl_buf_cstr(&b), "PasswordDigest"));
    assert_null(strstr(sl_buf_cstr(&b), "s3cret")); /* only the digest goes out */
    assert_int_equal(sl_req_dvrip_hello[0], 0xa1);
    sl_buf_free(&b);
}

/* The step plans of probe/request.c: what each port kind is asked, in order. */
static void test_plans(void **state)
{
    (void)state;
    const struct sl_step *st[SL_PROBE_MAX_STEPS];
    size_t n = sl_probe_plan(SL_PK_HTTP, false, st, SL_PROBE_MAX_STEPS);
    assert_int_equal(n, 8);
    assert_string_equal(st[0]->path, "/");
    assert_string_equal(st[0]->request, "GET");
    assert_string_equal(st[4]->path, "/LAPI/V1.0/System/DeviceInfo");
    assert_string_equal(st[5]->method, "POST");
    assert_string_equal(st[5]->path, "/RPC2_Login");
    assert_string_equal(st[7]->request, "POST GetSystemDateAndTime");
    for (size_t i = 0; i < n; i++)
        assert_false(st[i]->flags & SL_STEP_CREDS);
    /* With credentials: GetDeviceInformation last, marked as holding a secret. */
    assert_int_equal(sl_probe_plan(SL_PK_HTTP, true, st, SL_PROBE_MAX_STEPS), 9);
    assert_string_equal(st[8]->request, "POST GetDeviceInformation");
    assert_true(st[8]->flags & SL_STEP_CREDS);
    assert_true(st[8]->flags & SL_STEP_ONVIF);
    /* HTTPS asks less (each request may cost a handshake). */
    assert_int_equal(sl_probe_plan(SL_PK_HTTPS, false, st, SL_PROBE_MAX_STEPS), 5);
    /* with credentials, HTTPS earns them with its own GetSystemDateAndTime first */
    assert_int_equal(sl_probe_plan(SL_PK_HTTPS, true, st, SL_PROBE_MAX_STEPS), 7);
    assert_string_equal(st[5]->request, "POST GetSystemDateAndTime");
    assert_true(st[6]->flags & SL_STEP_CREDS);
    /* RTSP: OPTIONS then DESCRIBE, CSeq from the step number. */
    assert_int_equal(sl_probe_plan(SL_PK_RTSP, false, st, SL_PROBE_MAX_STEPS), 2);
    struct sl_buf b;
    sl_buf_init(&b, 8192);
    struct sl_step_ctx ctx = {.host = "198.18.0.7", .port = 554, .cseq = 2};
    assert_int_equal(st[1]->build(&b, st[1], &ctx), 0);
    assert_true(sl_str_starts_with(sl_buf_cstr(&b), "DESCRIBE rtsp://198.18.0.7/ RTSP/1.0\r\nCSeq: 2\r\n"));
    /* The credentialed step refuses to build without credentials. */
    sl_probe_plan(SL_PK_HTTPS, true, st, SL_PROBE_MAX_STEPS);
    sl_buf_reset(&b);
    ctx.port = 443;
    assert_int_equal(st[6]->build(&b, st[6], &ctx), -1);
    sl_buf_free(&b);
    /* Ports where the device speaks first have no plan; a short out[] is respected. */
    assert_int_equal(sl_probe_plan(SL_PK_BANNER, true, st, SL_PROBE_MAX_STEPS), 0);
    assert_int_equal(sl_probe_plan(SL_PK_DVRIP, true, st, SL_PROBE_MAX_STEPS), 0);
    assert_int_equal(sl_probe_plan(SL_PK_HTTP, true, st, 2), 2);
    assert_true(sl_step_get_fallback.flags & SL_STEP_FALLBACK);
    /* Dahua's challenge: a POST of global.login for no user, its length exact */
    sl_probe_plan(SL_PK_HTTP, false, st, SL_PROBE_MAX_STEPS);
    sl_buf_init(&b, 8192);
    ctx.port = 80;
    assert_int_equal(st[5]->build(&b, st[5], &ctx), 0);
    const char *req = sl_buf_cstr(&b);
    assert_true(sl_str_starts_with(req, "POST /RPC2_Login HTTP/1.1\r\nHost: 198.18.0.7\r\n"));
    const char *body = strstr(req, "\r\n\r\n");
    assert_non_null(body);
    body += 4;
    char want[48];
    snprintf(want, sizeof want, "Content-Length: %zu\r\n", strlen(body));
    assert_non_null(strstr(req, want));
    assert_non_null(strstr(body, "\"method\":\"global.login\""));
    assert_non_null(strstr(body, "\"userName\":\"\",\"password\":\"\""));
    sl_buf_free(&b);
}

static void test_creds(void **state)
{
    (void)state;
    struct sl_creds c;
    struct sl_err err = {0};
    assert_int_equal(sl_creds_parse(&c, "# ops\n198.18.4.0/24 admin:pa:ss\n* viewer:x\n", &err), 0);
    assert_int_equal(c.n, 2);
    struct sl_addr a;
    sl_addr_parse("198.18.4.9", &a);
    assert_string_equal(sl_creds_for(&c, &a)->user, "admin");
    assert_string_equal(sl_creds_for(&c, &a)->password, "pa:ss");
    sl_addr_parse("198.18.5.9", &a);
    assert_string_equal(sl_creds_for(&c, &a)->user, "viewer");
    assert_int_equal(sl_creds_parse(&c, "198.18.4.0/24 nopassword\n", &err), -1);
    assert_non_null(strstr(err.msg, "line 1"));
    const char *path = sl_test_tmpfile("creds", "creds.txt");
    sl_test_write_file(path, "admin:x\n");
    chmod(path, 0644);
    assert_int_equal(sl_creds_load(&c, path, &err), -1);
    assert_non_null(strstr(err.msg, "chmod 600"));
    sl_creds_wipe(&c);
}

static void test_neigh(void **state)
{
    (void)state;
    const char *path = sl_test_tmpfile("neigh", "arp");
    sl_test_write_file(path,
                       "IP address       HW type     Flags       HW address            Mask     Device\n"
                       "198.18.0.9       0x1         0x2         44:19:B6:00:00:01     *        lab0\n"
                       "198.18.0.7       0x1         0x0         00:00:00:00:00:00     *        lab0\n"
                       "198.18.0.3       0x1         0x2         3c:ef:8c:41:6c:ce     *        lab0\n");
    struct sl_neigh *n = sl_neigh_new(path);
    char mac[18];
    struct sl_addr a;
    sl_addr_parse("198.18.0.9", &a);
    assert_true(sl_neigh_lookup(n, &a, 1000, mac));
    assert_string_equal(mac, "44:19:b6:00:00:01");
    sl_addr_parse("198.18.0.7", &a); /* incomplete */
    assert_false(sl_neigh_lookup(n, &a, 1000, mac));
    sl_addr_parse("198.18.0.4", &a);
    assert_false(sl_neigh_lookup(n, &a, 1000, mac));
    sl_addr_parse("2001:db8::1", &a);
    assert_false(sl_neigh_lookup(n, &a, 1000, mac));
    sl_neigh_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms_and_merge), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_unresolvable_name),
        cmocka_unit_test(test_file_and_exclusions), cmocka_unit_test(test_permutation),
        cmocka_unit_test(test_siphash_vector), cmocka_unit_test(test_rate),
        cmocka_unit_test(test_ports), cmocka_unit_test(test_requests),
        cmocka_unit_test(test_plans),
        cmocka_unit_test(test_creds), cmocka_unit_test(test_neigh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
