/* test_store_concurrency.c - two processes writing at once, and a writer killed
 * with SIGKILL in the middle of its work: the register keeps only whole
 * transactions and its audit chain stays intact. */
#include "testutil.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "programme/lifecycle.h"
#include "store/store.h"

static char path[4096];

/* Adds `n` sites named "<prefix>-<i>", each with a device and a status change,
 * all in one transaction per site. Runs in a child process. */
static void writer(const char *prefix, int n)
{
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, path, 0, &err) != 0) {
        fprintf(stderr, "child open: %s\n", err.msg);
        _exit(3);
    }
    for (int i = 0; n < 0 || i < n; i++) {
        char name[64], addr[48];
        snprintf(name, sizeof name, "%s-%d", prefix, i);
        snprintf(addr, sizeof addr, "198.18.%d.%d", (i / 250) % 250, i % 250 + 1);
        const char *nets[] = {"198.18.0.0/16"};
        int64_t site;
        if (sl_store_begin(s, &err) != 0 ||
            sl_store_site_add(s, name, "D", SL_TIER_OFFICIAL, nets, 1, prefix, &site, &err) != 0) {
            fprintf(stderr, "child write: %s\n", err.msg);
            _exit(3);
        }
        struct sl_claim c = {0};
        snprintf(c.manufacturer, sizeof c.manufacturer, "Hikvision");
        struct sl_device_obs obs = {0, site, NULL, NULL, addr, "80", &c, NULL, 0};
        int64_t id;
        struct sl_event ev = {0};
        ev.to_status = SL_STATUS_CONFIRMED;
        snprintf(ev.actor, sizeof ev.actor, "%s", prefix);
        if (sl_store_device_observe(s, &obs, prefix, &id, NULL, &err) != 0 ||
            sl_store_device_set_status(s, id, &ev, &err) != 0 || sl_store_commit(s, &err) != 0) {
            fprintf(stderr, "child write: %s\n", err.msg);
            _exit(3);
        }
    }
    sl_store_close(s);
    _exit(0);
}

/* One number from the register; any failure fails the test (an error must
 * never compare equal to an expected count). */
static long long scalar(const char *sql)
{
    char *t = sl_test_db_text(path, sql);
    if (t == NULL)
        fail_msg("%s: no row or an error", sql); /* never -1 == -1 */
    long long v = strtoll(t, NULL, 10);
    free(t);
    return v;
}

static void check_consistent(void)
{
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, path, 0, &err), 0);
    struct sl_audit_report rep;
    assert_int_equal(sl_store_verify(s, &rep, &err), 0);
    if (rep.first_bad_seq != 0)
        fail_msg("audit chain broken at %lld: %s", (long long)rep.first_bad_seq, rep.problem);
    assert_string_equal(rep.integrity, "ok");
    sl_store_close(s);
    /* Whole transactions only: every site has its device, its two events and
     * its three audit entries (site.add, device.discover, device.status). */
    long long sites = scalar("SELECT count(*) FROM sites");
    assert_int_equal(scalar("SELECT count(*) FROM devices"), sites);
    assert_int_equal(scalar("SELECT count(*) FROM lifecycle_events"), 2 * sites);
    assert_int_equal(scalar("SELECT count(*) FROM audit_log"), 3 * sites);
    assert_int_equal(scalar("SELECT count(*) FROM devices WHERE status != 'confirmed'"), 0);
}

static void test_two_writers(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "%s", sl_test_db("conc"));
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, path, 0, &err), 0); /* create + migrate first */
    sl_store_close(s);
    pid_t a = fork();
    if (a == 0)
        writer("alpha", 150);
    pid_t b = fork();
    if (b == 0)
        writer("bravo", 150);
    int sa, sb;
    waitpid(a, &sa, 0);
    waitpid(b, &sb, 0);
    assert_true(WIFEXITED(sa) && WEXITSTATUS(sa) == 0);
    assert_true(WIFEXITED(sb) && WEXITSTATUS(sb) == 0);
    assert_int_equal(scalar("SELECT count(*) FROM sites"), 300);
    check_consistent();
}

static void test_kill_9(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "%s", sl_test_db("kill9"));
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, path, 0, &err), 0);
    sl_store_close(s);
    for (int round = 0; round < 3; round++) {
        char prefix[16];
        snprintf(prefix, sizeof prefix, "round%d", round);
        long long before = scalar("SELECT count(*) FROM sites");
        pid_t p = fork();
        if (p == 0)
            writer(prefix, -1); /* writes until killed */
        /* Let it write for a while, then kill it mid-flight. */
        struct timespec ts = {0, 300 * 1000 * 1000};
        for (int i = 0; i < 50; i++) {
            nanosleep(&ts, NULL);
            if (scalar("SELECT count(*) FROM sites") > before + 20)
                break;
        }
        kill(p, SIGKILL);
        int st;
        waitpid(p, &st, 0);
        assert_true(WIFSIGNALED(st));
        assert_true(scalar("SELECT count(*) FROM sites") > before);
        check_consistent();
    }
}

#define RACERS 8
#define RACE_ROUNDS 25

/* One of RACERS processes: observes the same camera (same MAC) again and
 * again, and moves its status between confirmed and scheduled, as two scans
 * and two people at once would. Exit 0, or 3 on any error (a refusal of a move
 * that another racer already made is fine). */
static void racer(int n)
{
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, path, 0, &err) != 0) {
        fprintf(stderr, "racer open: %s\n", err.msg);
        _exit(3);
    }
    struct sl_claim c = {0};
    snprintf(c.manufacturer, sizeof c.manufacturer, "Hikvision");
    char actor[16];
    snprintf(actor, sizeof actor, "racer%d", n);
    for (int i = 0; i < RACE_ROUNDS; i++) {
        char ports[16];
        snprintf(ports, sizeof ports, "%d", 80 + n);
        struct sl_device_obs obs = {0, 0, "44:19:b6:00:00:99", NULL, "198.18.0.99", ports,
                                    &c, NULL, 0};
        int64_t id;
        if (sl_store_device_observe(s, &obs, actor, &id, NULL, &err) != 0) {
            fprintf(stderr, "racer observe: %s\n", err.msg);
            _exit(3);
        }
        struct sl_change ch = {0};
        ch.to = (i + n) % 2 ? SL_STATUS_SCHEDULED : SL_STATUS_CONFIRMED;
        ch.scheduled_for = "2027-01-15";
        char why[256];
        if (sl_lifecycle_apply(s, id, &ch, actor, why, sizeof why, &err) < 0) {
            fprintf(stderr, "racer move: %s\n", err.msg);
            _exit(3);
        }
    }
    sl_store_close(s);
    _exit(0);
}

static void test_eight_racers_one_device(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "%s", sl_test_db("racers"));
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, path, 0, &err), 0);
    sl_store_close(s);
    pid_t pids[RACERS];
    for (int n = 0; n < RACERS; n++)
        if ((pids[n] = fork()) == 0)
            racer(n);
    for (int n = 0; n < RACERS; n++) {
        int st;
        waitpid(pids[n], &st, 0);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    /* One device, never two, whoever saw it first. */
    assert_int_equal(scalar("SELECT count(*) FROM devices"), 1);
    /* No lost update: every move starts from the status the previous one left
     * (two racers reading "confirmed" and both writing would break this). */
    assert_int_equal(scalar("SELECT count(*) FROM lifecycle_events e JOIN lifecycle_events p"
                            " ON p.id = (SELECT max(id) FROM lifecycle_events q WHERE q.id < e.id)"
                            " WHERE e.from_status IS DISTINCT FROM p.to_status"),
                     0);
    assert_true(scalar("SELECT count(*) FROM lifecycle_events") > RACERS);
    /* The device's status is its last event's. */
    assert_int_equal(scalar("SELECT count(*) FROM devices d WHERE d.status !="
                            " (SELECT to_status FROM lifecycle_events ORDER BY id DESC LIMIT 1)"),
                     0);
    assert_int_equal(sl_store_open(&s, path, 0, &err), 0);
    struct sl_audit_report rep;
    assert_int_equal(sl_store_verify(s, &rep, &err), 0);
    assert_int_equal(rep.first_bad_seq, 0);
    /* Every observation and every applied move is in the chain, once. */
    assert_int_equal(rep.entries, scalar("SELECT count(*) FROM lifecycle_events"));
    sl_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_writers),
        cmocka_unit_test(test_kill_9),
        cmocka_unit_test(test_eight_racers_one_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
