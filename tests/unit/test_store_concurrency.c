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

static long long scalar(const char *sql)
{
    char *t = sl_test_db_text(path, sql);
    long long v = t != NULL ? strtoll(t, NULL, 10) : -1;
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
     * its four audit entries (site.add, device.discover, device.status). */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_writers),
        cmocka_unit_test(test_kill_9),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
