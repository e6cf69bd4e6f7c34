/* test_monitor_tables.c - the monitor's tables keyed by what the network says
 * (issue 11): seeded per process from getrandom, so colliding keys cannot be
 * prepared in advance, and probing at most SL_MON_MAX_PROBE slots, so a flood
 * of keys that do collide costs bounded time and is counted as dropped. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor/alert.h"
#include "monitor/hash.h"
#include "monitor/internal.h"
#include "monitor/monitor.h"

/* Two fresh processes (this program run again with --print-seed) draw two
 * different seeds: nothing fixed an attacker could aim keys at. */
static void test_seed_is_random_per_process(void **state)
{
    (void)state;
    assert_true(sl_mon_hash_seed() == sl_mon_hash_seed()); /* stable within a process */
    char *a = NULL, *b = NULL;
    char cmd[64];
    snprintf(cmd, sizeof cmd, "/proc/%ld/exe --print-seed", (long)getpid());
    assert_int_equal(sl_test_run(cmd, &a), 0);
    assert_int_equal(sl_test_run(cmd, &b), 0);
    assert_true(strlen(a) > 8);
    assert_string_not_equal(a, b);
    char mine[32];
    snprintf(mine, sizeof mine, "%016llx\n", (unsigned long long)sl_mon_hash_seed());
    assert_string_not_equal(a, mine);
    free(a);
    free(b);
}

/* n MACs whose station hash under seed lands on one slot of a table of slots. */
static uint8_t (*colliding(uint64_t seed, size_t slots, size_t n))[6]
{
    uint8_t (*macs)[6] = calloc(n, sizeof *macs);
    assert_non_null(macs);
    uint64_t want = sl_hash64("\x00\x11\x22\x33\x44\x55", 6, seed) & (slots - 1);
    size_t got = 0;
    for (uint32_t x = 0; got < n; x++) {
        uint8_t mac[6] = {0x02, 0x00, (uint8_t)(x >> 24), (uint8_t)(x >> 16), (uint8_t)(x >> 8),
                          (uint8_t)x};
        if ((sl_hash64(mac, 6, seed) & (slots - 1)) == want)
            memcpy(macs[got++], mac, 6);
    }
    return macs;
}

static char *out_buf;
static size_t out_len;

static struct sl_monitor *monitor(size_t max_hosts, struct sl_alerts **alerts, FILE **outp)
{
    FILE *out = *outp = open_memstream(&out_buf, &out_len);
    struct sl_alerts_config ac = {.jsonl = out};
    *alerts = sl_alerts_new(&ac);
    assert_non_null(*alerts);
    struct sl_mon_config mc = {.alerts = *alerts, .actor = "test", .max_hosts = max_hosts};
    struct sl_monitor *m;
    struct sl_err err = {0};
    assert_int_equal(sl_monitor_new(&m, &mc, &err), 0);
    return m;
}

static void test_collision_flood_is_bounded(void **state)
{
    (void)state;
    struct sl_alerts *alerts;
    FILE *out;
    struct sl_monitor *m = monitor(1000, &alerts, &out);
    assert_int_equal(m->host_slots, 2048);
    /* keys that collided under the fixed seed the tables used to have */
    uint8_t (*old)[6] = colliding(0x6d6163, m->host_slots, 300);
    for (size_t i = 0; i < 300; i++)
        assert_non_null(sl_mon_station_find(m, true, old[i], NULL, true, NULL));
    assert_true(m->longest_probe < 16); /* scattered by the process's own seed */
    free(old);
    /* an attacker who somehow knew the seed: the probe stays bounded, the
     * excess is dropped and counted, the stations already there are found */
    uint8_t (*aimed)[6] = colliding(m->seed ^ 0x6d6163, m->host_slots, 200);
    size_t tracked = 0;
    for (size_t i = 0; i < 200; i++)
        tracked += sl_mon_station_find(m, true, aimed[i], NULL, true, NULL) != NULL;
    assert_true(m->longest_probe <= SL_MON_MAX_PROBE + 1);
    assert_true(tracked < 200);
    struct sl_mon_stats st;
    sl_monitor_get_stats(m, &st);
    assert_int_equal(st.hosts_dropped, 200 - tracked);
    assert_non_null(sl_mon_station_find(m, true, aimed[0], NULL, false, NULL));
    free(aimed);
    sl_monitor_free(m);
    sl_alerts_free(alerts);
    fclose(out);
    free(out_buf);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--print-seed") == 0) {
        printf("%016llx\n", (unsigned long long)sl_mon_hash_seed());
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_is_random_per_process),
        cmocka_unit_test(test_collision_flood_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
