/* cli.h - the command table and what every subcommand shares.
 *
 * Each subcommand lives in its own cli/cmd_*.c and exports one
 * `int sl_cmd_NAME(int argc, char **argv)`; argv[0] is the full command name
 * ("sightline sites add") so getopt's messages name it. A command returns an
 * exit code of DESIGN.md §4 (enum sl_exit in util/err.h).
 *
 * Conventions: `--help` prints usage to stdout and returns 0; a usage error
 * prints one clear line plus "Try '... --help'." to stderr and returns 2.
 */
#ifndef SL_CLI_CLI_H
#define SL_CLI_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util/err.h"

struct sl_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

/* The top-level command table, terminated by a {NULL} entry (cli/commands.c). */
extern const struct sl_command sl_commands[];

/* Runs argv[1] of a command group ("sites add ...") from its table, handling
 * `help`, `--help` and unknown subcommands. `group` is the full name of the
 * group ("sightline sites"). */
int sl_cli_dispatch(const char *group, const struct sl_command *table, int argc, char **argv);

/* Prints a group's subcommands (used by --help of a group). */
void sl_cli_print_table(FILE *out, const char *group, const struct sl_command *table);

/* Prints "CMD: message" and "Try 'CMD --help'." to stderr; returns SL_EXIT_USAGE. */
int sl_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* After getopt has printed what was wrong with an option: prints
 * "Try 'CMD --help'." and returns SL_EXIT_USAGE. */
int sl_cli_bad_option(const char *cmd);

/* Prints "CMD: message" to stderr and returns `code`. */
int sl_cli_fail(const char *cmd, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The exit code for an error of this kind: the one place kinds become exit
 * codes (invalid input, not found, already exists, conflict: 2; the rest: 3). */
int sl_cli_exit_for(const struct sl_err *err);

/* Prints "CMD: err->msg" to stderr and returns sl_cli_exit_for(err). */
int sl_cli_fail_err(const char *cmd, const struct sl_err *err);

/* Resets getopt for a fresh parse of argv (call before the first getopt_long). */
void sl_cli_getopt_reset(void);

/* The register's location: the --db value if given, else $SIGHTLINE_DB, else
 * the configuration file's [register] location, else ./sightline.db. A
 * location is an SQLite path (or sqlite:PATH) or a PostgreSQL URI/conninfo
 * (store/store.h); never with a password in it. */
const char *sl_cli_db_path(const char *flag);

/* Where a command that only reads may read: the flag if given, else
 * $SIGHTLINE_READ_DB, else the file's [register] read_replica, else NULL (the
 * register itself). */
const char *sl_cli_read_db_path(const char *flag);
/* The audit key file: the flag, else $SIGHTLINE_AUDIT_KEY, else the file's
 * [register] audit_key; NULL when none. */
const char *sl_cli_audit_key_path(const char *flag);
/* Before a command runs: a pinned clock ($SIGHTLINE_NOW) must be valid and
 * allowed (util/timeutil.h), and a configured audit key is loaded for every
 * register the command opens. 0, or an exit code with a message printed. */
int sl_cli_setup(const char *cmd);

/* Opens the register a read-only command reads: sl_cli_read_db_path (a
 * streaming replica, docs/scale.md), else the --db register. A separate read
 * location is opened read-only (never migrated). */
struct sl_store;
int sl_cli_open_read(struct sl_store **s, const char *db_flag, const char *read_flag,
                     struct sl_err *err);

/* Who is acting, for lifecycle events and the audit log: the --actor value,
 * else $SIGHTLINE_ACTOR, else $SUDO_USER, else the login name, else "unknown". */
const char *sl_cli_actor(const char *flag);

/* Output formats shared by list/show commands. */
enum sl_format { SL_FMT_TABLE, SL_FMT_JSON, SL_FMT_CSV };

/* --status STATUS and --decision DECISION of the device commands, checked:
 * 0 (*status set; a decision is used as given), or a usage error's exit code. */
int sl_cli_status_arg(const char *cmd, const char *arg, int *status);
int sl_cli_decision_arg(const char *cmd, const char *arg);

/* A name or free text given on the command line (a site's name, a department,
 * a milestone): 0 when it is UTF-8 without control characters, else a usage
 * error's exit code naming `what` and the byte where it goes wrong. */
int sl_cli_text_arg(const char *cmd, const char *what, const char *arg);

/* The site by name into *site (the caller's: sl_site_free): SL_EXIT_OK, or
 * the exit code after saying why (no such site: a usage error). */
struct sl_store;
struct sl_site;
int sl_cli_site(const char *cmd, struct sl_store *s, const char *name, struct sl_site *site);

/* How many addresses a scan may reach before it needs --max-addresses (or a
 * yes typed at a terminal): n addresses against max_addresses (0 = not given).
 * 0 to go on, or a usage error's exit code saying what to give. `dry_run`
 * needs no confirmation. Shared by scan and verify's rescan. */
int sl_cli_scan_size_ok(const char *cmd, uint64_t n, uint64_t max_addresses, bool dry_run);

/* SIGINT and SIGTERM call handler (which may restore the defaults for a second
 * ^C), until sl_cli_default_signals. */
void sl_cli_catch_signals(void (*handler)(int));
void sl_cli_default_signals(void);

/* true when stdout/stderr is a terminal and $NO_COLOR/$TERM=dumb do not say otherwise. */
bool sl_cli_stderr_is_tty(void);

#endif
