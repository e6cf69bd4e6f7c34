/* test_hostile_targets.c - targets, exclusions and site networks against a
 * careless or hostile operator (issue 11): IPv4-mapped IPv6 spellings, NAT64,
 * internet-scale and reserved space, overlapping sites. */
#include "testutil.h"

#include <stdio.h>

#include <string.h>

#include "core/sitenet.h"
#include "net/targets.h"
#include "util/cidr.h"

static struct sl_targets *prep(const char *spec, const char *ex)
{
    struct sl_targets *t = sl_targets_new();
    struct sl_err err = {0};
    assert_int_equal(sl_targets_add(t, spec, &err), 0);
    if (ex != NULL)
        assert_int_equal(sl_targets_exclude(t, ex, &err), 0);
    assert_int_equal(sl_targets_prepare(t, &err), 0);
    return t;
}

/* Every address the walk would probe; fails when one is in the exclusion. */
static uint64_t walked(const struct sl_targets *t)
{
    struct sl_walk w;
    sl_walk_init(&w, t, 7);
    struct sl_addr a;
    uint64_t n = 0;
    while (sl_walk_next(&w, &a, NULL) == 1)
        n++;
    return n;
}

static void test_mapped_addresses_are_ipv4(void **state)
{
    (void)state;
    struct sl_addr a, b;
    assert_int_equal(sl_addr_parse("::ffff:127.66.0.9", &a), 0);
    assert_int_equal(sl_addr_parse("127.66.0.9", &b), 0);
    assert_true(a.v4);
    assert_memory_equal(&a, &b, sizeof a);
    char s[SL_ADDR_STRLEN];
    sl_addr_format(&a, s);
    assert_string_equal(s, "127.66.0.9");
    assert_int_equal(sl_addr_parse("::ffff:7f42:9", &a), 0); /* hex spelling */
    assert_true(a.v4);
    struct sl_cidr c;
    struct sl_err err = {0};
    assert_int_equal(sl_cidr_parse("::ffff:127.66.0.0/120", &c, &err), 0);
    char cs[SL_CIDR_STRLEN];
    sl_cidr_format(&c, cs);
    assert_string_equal(cs, "127.66.0.0/24");
    assert_true(sl_cidr_contains(&c, &b));
    assert_int_equal(sl_cidr_parse("::ffff:127.66.0.0", &c, &err), 0);
    assert_int_equal(c.prefix, 32);
    /* IPv6 networks straddling the mapped range are refused, not half-applied */
    assert_int_equal(sl_cidr_parse("::ffff:0:0/95", &c, &err), -1);
    assert_int_equal(sl_cidr_parse("::/64", &c, &err), -1);
    assert_non_null(strstr(err.msg, "IPv4-mapped"));
    /* NAT64 and 6to4 stay IPv6 */
    assert_int_equal(sl_addr_parse("64:ff9b::127.66.0.9", &a), 0);
    assert_false(a.v4);
    assert_true(sl_addr_nat64(&a));
    assert_int_equal(sl_addr_parse("2002:7f42:9::1", &a), 0);
    assert_false(a.v4);
}

static void test_mapped_exclusions_hold(void **state)
{
    (void)state;
    /* the case: a mapped target network, an IPv4 exclusion */
    struct sl_targets *t = prep("::ffff:127.66.0.0/120", "127.66.0.0/24");
    assert_int_equal(sl_targets_count(t), 256);
    assert_int_equal(sl_targets_excluded(t), 256);
    assert_int_equal(walked(t), 0);
    sl_targets_free(t);
    /* and the other way round */
    t = prep("127.66.0.0/24", "::ffff:127.66.0.0/121");
    assert_int_equal(sl_targets_excluded(t), 128);
    assert_int_equal(walked(t), 128);
    sl_targets_free(t);
    /* the same addresses spelt twice are one target */
    struct sl_targets *u = sl_targets_new();
    struct sl_err err = {0};
    assert_int_equal(sl_targets_add(u, "127.66.0.0/30", &err), 0);
    assert_int_equal(sl_targets_add(u, "::ffff:127.66.0.0-::ffff:127.66.0.3", &err), 0);
    assert_int_equal(sl_targets_prepare(u, &err), 0);
    assert_int_equal(sl_targets_count(u), 4);
    assert_false(sl_targets_has_v6(u));
    sl_targets_free(u);
    /* a v6 range across the mapped range is refused */
    u = sl_targets_new();
    assert_int_equal(sl_targets_add(u, "::fffe:0:0-::1:0:0:0", &err), -1);
    sl_targets_free(u);
}

static void test_nat64_form_of_an_exclusion(void **state)
{
    (void)state;
    struct sl_targets *t = prep("64:ff9b::127.66.0.0/120", "127.66.0.0/25");
    assert_int_equal(sl_targets_excluded(t), 128);
    struct sl_addr a;
    sl_addr_parse("64:ff9b::127.66.0.5", &a);
    assert_false(sl_targets_contains(t, &a));
    sl_addr_parse("64:ff9b::127.66.0.200", &a);
    assert_true(sl_targets_contains(t, &a));
    sl_targets_free(t);
}

static struct sl_site_net net(const char *cidr, int64_t site, enum sl_tier tier)
{
    struct sl_site_net n = {.site = site, .tier = tier};
    struct sl_err err = {0};
    assert_int_equal(sl_cidr_parse(cidr, &n.net, &err), 0);
    return n;
}

static int64_t site_of(const struct sl_site_net *nets, size_t n, const char *addr)
{
    struct sl_addr a;
    assert_int_equal(sl_addr_parse(addr, &a), 0);
    return sl_site_net_best(nets, n, &a);
}

static void test_site_of_overlapping_networks(void **state)
{
    (void)state;
    /* an older register may hold the same network twice: the strictest tier wins,
     * in either order */
    struct sl_site_net same[] = {net("198.18.20.0/24", 1, SL_TIER_PUBLIC),
                                 net("198.18.20.0/24", 2, SL_TIER_SENSITIVE),
                                 net("198.18.20.0/24", 3, SL_TIER_OFFICIAL)};
    assert_int_equal(site_of(same, 3, "198.18.20.9"), 2);
    struct sl_site_net rev[] = {same[1], same[0]};
    assert_int_equal(site_of(rev, 2, "198.18.20.9"), 2);
    /* overlapping: the most specific network, whatever its tier */
    struct sl_site_net ov[] = {net("198.18.20.0/24", 1, SL_TIER_SENSITIVE),
                               net("198.18.20.128/25", 2, SL_TIER_PUBLIC),
                               net("2001:db8::/32", 3, SL_TIER_OFFICIAL)};
    assert_int_equal(site_of(ov, 3, "198.18.20.200"), 2);
    assert_int_equal(site_of(ov, 3, "198.18.20.1"), 1);
    assert_int_equal(site_of(ov, 3, "::ffff:198.18.20.1"), 1);
    assert_int_equal(site_of(ov, 3, "198.18.21.1"), -1);
    /* NAT64: the embedded IPv4 address's site, unless an IPv6 network holds it */
    assert_int_equal(site_of(ov, 3, "64:ff9b::198.18.20.200"), 2);
    struct sl_site_net v6[] = {ov[0], net("64:ff9b::/96", 4, SL_TIER_PUBLIC)};
    assert_int_equal(site_of(v6, 2, "64:ff9b::198.18.20.1"), 4);
    struct sl_cidr a, b;
    struct sl_err err = {0};
    sl_cidr_parse("198.18.20.0/24", &a, &err);
    sl_cidr_parse("198.18.20.128/25", &b, &err);
    assert_true(sl_cidr_overlap(&a, &b) && sl_cidr_overlap(&b, &a));
    sl_cidr_parse("198.18.21.0/24", &b, &err);
    assert_false(sl_cidr_overlap(&a, &b));
}

static uint32_t lcg(uint32_t *st)
{
    *st = *st * 1664525u + 1013904223u;
    return *st >> 8;
}

/* The hashed index (sl_site_index_best, what the agents' endpoint and the
 * recorder use) answers exactly as the plain scan over every network: nested
 * networks, the same network in several sites with different tiers, IPv6,
 * NAT64, addresses outside everything; and below its size threshold. */
static void test_site_index_agrees(void **state)
{
    (void)state;
    enum { N = 400 };
    struct sl_site_net nets[N];
    uint32_t st = 7;
    static const unsigned lens[] = {15, 16, 20, 24, 24, 24, 25, 28, 32};
    char text[64];
    for (size_t i = 0; i < N; i++) {
        uint32_t r = lcg(&st);
        if (i % 10 == 9) { /* IPv6, some of it NAT64 */
            unsigned x = (r >> 4) % 4;
            switch (r % 5) {
            case 0: snprintf(text, sizeof text, "2001:db8::/32"); break;
            case 1: snprintf(text, sizeof text, "2001:db8:%x::/48", x); break;
            case 2: snprintf(text, sizeof text, "2001:db8:1:%x::/64", x); break;
            case 3: snprintf(text, sizeof text, "64:ff9b::/96"); break;
            default: snprintf(text, sizeof text, "64:ff9b::c612:%x00/120", x); break;
            }
        } else {
            unsigned len = lens[r % 9];
            uint32_t a = 0xc6120000u | ((r >> 4) & 0x1ffffu); /* 198.18.0.0/15 */
            a &= len == 0 ? 0 : ~0u << (32 - len);
            snprintf(text, sizeof text, "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255,
                     (a >> 8) & 255, a & 255, len);
        }
        nets[i] = net(text, (int64_t)i, (enum sl_tier)(lcg(&st) % 3));
        if (i % 37 == 36) /* the same network again, in another site */
            nets[i].net = nets[i - 1 - lcg(&st) % 20].net;
    }
    for (size_t n = 0; n <= N; n += N / 4 + (n == 0 ? 3 : 0)) {
        struct sl_site_index *ix = sl_site_index_new(nets, n);
        assert_non_null(ix);
        for (int k = 0; k < 20000; k++) {
            uint32_t r = lcg(&st);
            if (k % 8 == 3)
                snprintf(text, sizeof text, "2001:db8:%x:%x::5", (r >> 8) % 5, r % 256);
            else if (k % 8 == 7)
                snprintf(text, sizeof text, "64:ff9b::c612:%x%02x", (r >> 8) % 5, r % 256);
            else
                snprintf(text, sizeof text, "198.%u.%u.%u", 18 + (r >> 20) % 3, (r >> 8) % 256,
                         r % 256);
            struct sl_addr a;
            assert_int_equal(sl_addr_parse(text, &a), 0);
            int64_t want = sl_site_net_best(nets, n, &a), got = sl_site_index_best(ix, &a);
            if (want != got)
                fail_msg("%s among %zu networks: index %lld, scan %lld", text, n, (long long)got,
                         (long long)want);
        }
        sl_site_index_free(ix);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapped_addresses_are_ipv4),
        cmocka_unit_test(test_mapped_exclusions_hold),
        cmocka_unit_test(test_nat64_form_of_an_exclusion),
        cmocka_unit_test(test_site_of_overlapping_networks),
        cmocka_unit_test(test_site_index_agrees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
