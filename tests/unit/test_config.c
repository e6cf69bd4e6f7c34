/* test_config.c - the configuration file (cli/config.c): parsing, errors that
 * name file, line and key, defaults put in front of a command's arguments, the
 * command line winning over the file. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/config.h"
#include "util/datadir.h"

static int parse(const char *text, struct sl_err *err)
{
    return sl_config_parse(text, strlen(text), "t.conf", err);
}

static void test_parse_ok(void **state)
{
    (void)state;
    struct sl_err err = {0};
    const char *text = "# comment\n"
                       "[register]\n"
                       "location = /var/lib/sightline/sightline.db\n"
                       "\n"
                       "[scan]\n"
                       "rate = 500 ; inline comment\n"
                       "profile=full\n"
                       "[monitor]\n"
                       "syslog = Yes\n";
    assert_int_equal(parse(text, &err), 0);
    int line = 0;
    assert_string_equal(sl_config_file_value("register", "location", &line),
                        "/var/lib/sightline/sightline.db");
    assert_int_equal(line, 3);
    assert_string_equal(sl_config_file_value("scan", "rate", &line), "500");
    assert_int_equal(line, 6);
    assert_string_equal(sl_config_file_value("scan", "profile", NULL), "full");
    assert_null(sl_config_file_value("scan", "exclude", NULL));
}

static void expect_error(const char *text, const char *msg)
{
    struct sl_err err = {0};
    assert_int_equal(parse("[scan]\nrate = 7\n", &err), 0);
    assert_int_equal(parse(text, &err), -1);
    if (strcmp(err.msg, msg) != 0)
        fail_msg("for %s\nexpected: %s\ngot:      %s", text, msg, err.msg);
    /* A bad file changes nothing. */
    assert_string_equal(sl_config_file_value("scan", "rate", NULL), "7");
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("[scan]\nrate = 1\nspeed = 2\n", "t.conf:3: unknown key 'speed' in section [scan]");
    expect_error("[scna]\nrate = 1\n", "t.conf:2: unknown section [scna]");
    expect_error("rate = 1\n", "t.conf:1: key 'rate' before any [section]");
    expect_error("[scan]\nrate = fast\n",
                 "t.conf:2: [scan] rate must be a whole number from 0 to 10000000");
    expect_error("[scan]\nprofile = all\n", "t.conf:2: [scan] profile must be one of cameras|full");
    expect_error("[scan]\nexclude = keep-out.txt\n", "t.conf:2: [scan] exclude must be an absolute path");
    expect_error("[monitor]\nsyslog = maybe\n", "t.conf:2: [monitor] syslog must be yes or no");
    expect_error("[scan]\nrate = 1\n\nrate = 2\n", "t.conf:4: [scan] rate set twice (first on line 2)");
    expect_error("[scan]\nrate 5\n", "t.conf:2: not a '[section]' or 'key = value' line");
    expect_error("[scan]\nrate =\n", "t.conf:2: [scan] rate has no value");
    char long_line[400];
    snprintf(long_line, sizeof long_line, "[scan]\nrate = 1\n[monitor]\nfilter = %0300d\n", 0);
    expect_error(long_line, "t.conf:4: a line longer than 198 bytes");
    static const char nul[] = "[scan]\nrate = 1\x00\n";
    struct sl_err err = {0};
    assert_int_equal(sl_config_parse(nul, sizeof nul - 1, "t.conf", &err), -1);
    assert_string_equal(err.msg, "t.conf:2: a NUL byte");
}

static void test_defaults_in_front(void **state)
{
    (void)state;
    struct sl_err err = {0};
    assert_int_equal(parse("[scan]\nrate = 500\nprofile = full\nexclude = /etc/keep-out\n"
                           "udp_discovery = no\n",
                           &err),
                     0);
    char *args[] = {"sightline", "scan", "198.18.0.0/24", "--rate", "9", NULL};
    int argc = 5;
    char **argv = args;
    assert_int_equal(sl_config_apply(&argc, &argv), 0);
    /* rate given by the user: not added (the user's would win anyway);
     * udp_discovery = no adds nothing. */
    const char *want[] = {"sightline", "scan", "--profile", "full", "--exclude", "/etc/keep-out",
                          "198.18.0.0/24", "--rate", "9"};
    assert_int_equal(argc, 9);
    for (int i = 0; i < argc; i++)
        assert_string_equal(argv[i], want[i]);
    assert_null(argv[argc]);
    assert_true(sl_config_cli_gave("--rate"));
    assert_false(sl_config_cli_gave("--profile"));

    /* A repeatable option given by the user replaces the file's. */
    char *args2[] = {"sightline", "scan", "--exclude=/tmp/x", "198.18.0.1", NULL};
    argc = 4;
    argv = args2;
    assert_int_equal(sl_config_apply(&argc, &argv), 0);
    assert_int_equal(argc, 8);
    for (int i = 0; i < argc; i++)
        assert_string_not_equal(argv[i], "/etc/keep-out");

    /* Options after "--" are arguments, not options. */
    char *args3[] = {"sightline", "scan", "--", "--rate", NULL};
    argc = 4;
    argv = args3;
    assert_int_equal(sl_config_apply(&argc, &argv), 0);
    assert_int_equal(argc, 10);
    assert_string_equal(argv[2], "--rate");
    assert_string_equal(argv[3], "500");

    /* A bool set to yes puts its flag in front: no_discovery = yes. */
    assert_int_equal(parse("[scan]\nno_discovery = yes\n", &err), 0);
    char *args5[] = {"sightline", "scan", "198.18.0.1", NULL};
    argc = 3;
    argv = args5;
    assert_int_equal(sl_config_apply(&argc, &argv), 0);
    assert_int_equal(argc, 4);
    assert_string_equal(argv[2], "--no-discovery");
    assert_string_equal(argv[3], "198.18.0.1");

    /* Other commands get nothing. */
    char *args4[] = {"sightline", "sites", "list", NULL};
    argc = 3;
    argv = args4;
    assert_int_equal(sl_config_apply(&argc, &argv), 0);
    assert_int_equal(argc, 3);
    assert_ptr_equal(argv, args4);
}

static void test_monitor_register(void **state)
{
    (void)state;
    struct sl_err err = {0};
    setenv("SIGHTLINE_DB", "/tmp/from-env.db", 1);
    assert_int_equal(parse("[register]\nlocation = /srv/r.db\n[monitor]\nregister = yes\n", &err), 0);
    char *args[] = {"sightline", "monitor", "-i", "lo", NULL};
    int argc = 4;
    char **argv = args;
    assert_int_equal(sl_config_apply(&argc, &argv), 0);
    assert_int_equal(argc, 6);
    assert_string_equal(argv[2], "--db");
    assert_string_equal(argv[3], "/tmp/from-env.db"); /* the environment beats the file */
    unsetenv("SIGHTLINE_DB");
    argc = 4;
    argv = args;
    assert_int_equal(sl_config_apply(&argc, &argv), 0);
    assert_string_equal(argv[3], "/srv/r.db");
}

static void test_start_takes_shared_options(void **state)
{
    (void)state;
    const char *dir = sl_test_tmpdir("config-start");
    char conf[4200], data[4200];
    snprintf(conf, sizeof conf, "%s/s.conf", dir);
    snprintf(data, sizeof data, "%s", dir);
    sl_test_write_file(conf, "[scan]\nrate = 42\n");
    char *args[] = {"sightline", "scan", "--config", conf, "x", "--data-dir=/", "--", "--config",
                    NULL};
    int argc = 8;
    unsetenv("SIGHTLINE_DATA");
    assert_int_equal(sl_config_start(&argc, args), 0);
    assert_int_equal(argc, 5);
    assert_string_equal(args[1], "scan");
    assert_string_equal(args[2], "x");
    assert_string_equal(args[3], "--");
    assert_string_equal(args[4], "--config"); /* after "--": an argument */
    assert_string_equal(sl_config_file_value("scan", "rate", NULL), "42");
    assert_string_equal(sl_datadir(), "/");

    /* An explicit file that does not exist is an error; the default one may be missing. */
    char missing[4300];
    snprintf(missing, sizeof missing, "%s/none.conf", dir);
    char *args2[] = {"sightline", "--config", missing, "scan", NULL};
    argc = 4;
    assert_int_equal(sl_config_start(&argc, args2), 2);
    char *args3[] = {"sightline", "--data-dir", missing, "scan", NULL};
    argc = 4;
    assert_int_equal(sl_config_start(&argc, args3), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_defaults_in_front),
        cmocka_unit_test(test_monitor_register),
        cmocka_unit_test(test_start_takes_shared_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
