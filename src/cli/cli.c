/* cli.c - what every subcommand shares (cli.h): dispatch to a subcommand, the
 * register's path and the actor, usage errors and failures as one line. No
 * command of its own. */
#include "cli/cli.h"

#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "cli/config.h"
#include "scan/scan.h"
#include "util/file.h"
#include "store/store.h"
#include "util/err.h"
#include "util/str.h"

void sl_cli_print_table(FILE *out, const char *group, const struct sl_command *table)
{
    size_t w = 0;
    for (const struct sl_command *c = table; c->name != NULL; c++)
        if (strlen(c->name) > w)
            w = strlen(c->name);
    for (const struct sl_command *c = table; c->name != NULL; c++)
        fprintf(out, "  %-*s  %s\n", (int)w, c->name, c->summary);
    fprintf(out, "\nRun '%s COMMAND --help' for the options of one command.\n", group);
}

int sl_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help'.\n", cmd);
    return SL_EXIT_USAGE;
}

int sl_cli_bad_option(const char *cmd)
{
    fprintf(stderr, "Try '%s --help'.\n", cmd);
    return SL_EXIT_USAGE;
}

int sl_cli_fail(const char *cmd, int code, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

int sl_cli_exit_for(const struct sl_err *err)
{
    switch (err->kind) {
    case SL_ERR_INVALID:
    case SL_ERR_NOT_FOUND:
    case SL_ERR_EXISTS:
    case SL_ERR_CONFLICT:
        return SL_EXIT_USAGE;
    case SL_ERR_FAILED:
    case SL_ERR_IO:
    case SL_ERR_CORRUPT:
    case SL_ERR_UNAVAILABLE:
    case SL_ERR_KIND_COUNT:
        break;
    }
    return SL_EXIT_RUNTIME;
}

int sl_cli_fail_err(const char *cmd, const struct sl_err *err)
{
    return sl_cli_fail(cmd, sl_cli_exit_for(err), "%s", err->msg);
}

int sl_cli_dispatch(const char *group, const struct sl_command *table, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        FILE *out = argc < 2 ? stderr : stdout;
        fprintf(out, "Usage: %s COMMAND [OPTIONS]\n\nCommands:\n", group);
        sl_cli_print_table(out, group, table);
        return argc < 2 ? SL_EXIT_USAGE : SL_EXIT_OK;
    }
    for (const struct sl_command *c = table; c->name != NULL; c++) {
        if (strcmp(c->name, argv[1]) == 0) {
            char name[128];
            snprintf(name, sizeof name, "%s %s", group, c->name);
            char **sub = argv + 1;
            char *saved = sub[0];
            sub[0] = name;
            sl_cli_getopt_reset();
            int rc = c->run(argc - 1, sub);
            sub[0] = saved;
            return rc;
        }
    }
    return sl_cli_usage_error(group, "unknown command '%s'", argv[1]);
}

void sl_cli_getopt_reset(void)
{
    optind = 0; /* glibc: 0 re-initialises getopt completely */
    opterr = 1;
}

/* The flag, else the environment variable, else the configuration file's key. */
static const char *flag_env_file(const char *flag, const char *env_name, const char *section,
                                 const char *key)
{
    if (flag != NULL && *flag != '\0')
        return flag;
    const char *env = getenv(env_name);
    if (env != NULL && *env != '\0')
        return env;
    return sl_config_file_value(section, key, NULL);
}

const char *sl_cli_db_path(const char *flag)
{
    const char *p = flag_env_file(flag, "SIGHTLINE_DB", "register", "location");
    return p != NULL ? p : "./sightline.db";
}

const char *sl_cli_read_db_path(const char *flag)
{
    return flag_env_file(flag, "SIGHTLINE_READ_DB", "register", "read_replica");
}

const char *sl_cli_audit_key_path(const char *flag)
{
    return flag_env_file(flag, "SIGHTLINE_AUDIT_KEY", "register", "audit_key");
}

int sl_cli_setup(const char *cmd)
{
    struct sl_err err = {0};
    if (sl_clock_check(&err) != 0)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
    const char *group = getenv("SIGHTLINE_GROUP_READABLE");
    if (group == NULL || *group == '\0')
        group = sl_config_file_value("files", "group_readable", NULL);
    sl_file_set_group_readable(group != NULL && (strcmp(group, "yes") == 0 ||
                                                 strcmp(group, "true") == 0 ||
                                                 strcmp(group, "1") == 0 ||
                                                 strcmp(group, "on") == 0));
    const char *key = sl_cli_audit_key_path(NULL);
    if (key != NULL && *key != '\0' && sl_store_audit_key_load(key, &err) != 0)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
    return SL_EXIT_OK;
}

int sl_cli_open_read(struct sl_store **s, const char *db_flag, const char *read_flag,
                     struct sl_err *err)
{
    const char *loc = sl_cli_read_db_path(read_flag);
    if (loc == NULL || *loc == '\0')
        loc = sl_cli_db_path(db_flag); /* read-only all the same: never created, never migrated */
    return sl_store_open(s, loc, SL_STORE_READONLY, err);
}

const char *sl_cli_actor(const char *flag)
{
    if (flag != NULL && *flag != '\0')
        return flag;
    const char *env = getenv("SIGHTLINE_ACTOR");
    if (env != NULL && *env != '\0')
        return env;
    env = getenv("SUDO_USER");
    if (env != NULL && *env != '\0')
        return env;
    struct passwd *pw = getpwuid(getuid());
    if (pw != NULL && pw->pw_name != NULL)
        return pw->pw_name;
    return "unknown";
}

bool sl_cli_stderr_is_tty(void)
{
    const char *term = getenv("TERM");
    if (term != NULL && strcmp(term, "dumb") == 0)
        return false;
    return isatty(STDERR_FILENO) == 1;
}

int sl_cli_status_arg(const char *cmd, const char *arg, int *status)
{
    enum sl_status st;
    if (sl_status_from_name(arg, &st) != 0)
        return sl_cli_usage_error(cmd, "--status must be one of discovered, confirmed, "
                                       "scheduled, removed, verified_absent, exempt, reappeared");
    *status = (int)st;
    return 0;
}

int sl_cli_decision_arg(const char *cmd, const char *arg)
{
    enum sl_decision d;
    if (sl_decision_from_name(arg, &d) != 0)
        return sl_cli_usage_error(
            cmd, "--decision must be prohibited, replace-by, allowed or needs-review");
    return 0;
}

int sl_cli_text_arg(const char *cmd, const char *what, const char *arg)
{
    size_t bad;
    if (!sl_utf8_valid(arg, strlen(arg), &bad))
        return sl_cli_usage_error(cmd, "%s: not valid UTF-8 (byte %zu)", what, bad + 1);
    if (sl_str_has_control(arg))
        return sl_cli_usage_error(cmd, "%s: contains control characters", what);
    return 0;
}

/* Asks the person at the terminal to confirm a large scan. true for "yes". */
static bool confirmed(uint64_t n)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
        return false;
    fprintf(stderr, "Scan %llu addresses? Only scan networks you are authorised to scan. "
                    "Type yes to go on: ",
            (unsigned long long)n);
    char line[16];
    if (fgets(line, sizeof line, stdin) == NULL)
        return false;
    return strcmp(sl_str_trim(line), "yes") == 0;
}

int sl_cli_scan_size_ok(const char *cmd, uint64_t n, uint64_t max_addresses, bool dry_run)
{
    if (max_addresses > 0 && n > max_addresses)
        return sl_cli_usage_error(cmd, "%llu addresses to scan, more than --max-addresses %llu",
                                  (unsigned long long)n, (unsigned long long)max_addresses);
    if (max_addresses > 0 || n <= SL_SCAN_CONFIRM_ADDRESSES || dry_run || confirmed(n))
        return 0;
    return sl_cli_usage_error(cmd,
                              "%llu addresses to scan: above %d, give --max-addresses %llu (or "
                              "answer yes on a terminal); --dry-run shows the plan",
                              (unsigned long long)n, SL_SCAN_CONFIRM_ADDRESSES,
                              (unsigned long long)n);
}

void sl_cli_catch_signals(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void sl_cli_default_signals(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
}

int sl_cli_site(const char *cmd, struct sl_store *s, const char *name, struct sl_site *site)
{
    struct sl_err err = {0};
    memset(site, 0, sizeof *site);
    int got = sl_store_site_get(s, name, site, &err);
    if (got > 0)
        return SL_EXIT_OK;
    return got == 0 ? sl_cli_fail(cmd, SL_EXIT_USAGE, "no site named '%s'", name)
                    : sl_cli_fail_err(cmd, &err);
}
