/* main.c - sightline: find, identify, track the removal of, and keep out devices
 * from high-risk vendors. This file only dispatches to cli/cmd_*.c. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/config.h"
#include "util/err.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: sightline [--config FILE] [--data-dir DIR] COMMAND [OPTIONS]\n"
            "       sightline help [COMMAND]\n"
            "       sightline --version\n"
            "\n"
            "Find, identify, track the removal of, and keep out surveillance equipment\n"
            "and other connected devices from high-risk vendors.\n"
            "\n"
            "Commands:\n");
    sl_cli_print_table(out, "sightline", sl_commands);
    fprintf(out,
            "\nOptions of every command (before or after its name):\n"
            "  --config FILE    the configuration file (default $SIGHTLINE_CONFIG, else\n"
            "                   " SL_CONFIG_DEFAULT "); the command line overrides it\n"
            "  --data-dir DIR   rules, registry, policies and cloud domains (default\n"
            "                   $SIGHTLINE_DATA, else the file's [data] dir, else the installed\n"
            "                   copy, or the source tree's when run from its build tree)\n"
            "\nThe register is ./sightline.db unless --db LOCATION, $SIGHTLINE_DB or the\n"
            "configuration file's [register] location says otherwise: an SQLite file\n"
            "(PATH, sqlite:PATH) or a PostgreSQL database (postgresql://..., 'host=...\n"
            "dbname=...'; passwords only from PGPASSFILE, ~/.pgpass, PGPASSWORD).\n"
            "Exit codes: 0 done, 1 findings above --fail-on (or a failed check),\n"
            "2 usage or input error, 3 runtime failure.\n"
            "Scan only networks you are authorised to scan.\n");
}

static const struct sl_command *find(const char *name)
{
    for (const struct sl_command *c = sl_commands; c->name != NULL; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static int run(const struct sl_command *c, int argc, char **argv)
{
    char name[64];
    snprintf(name, sizeof name, "sightline %s", c->name);
    char *saved = argv[0];
    argv[0] = name;
    sl_cli_getopt_reset();
    int rc = c->run(argc, argv);
    argv[0] = saved;
    return rc;
}

int main(int argc, char **argv)
{
    int rc = sl_config_start(&argc, argv);
    if (rc != 0)
        return rc;
    if (sl_config_apply(&argc, &argv) != 0) {
        fprintf(stderr, "sightline: out of memory\n");
        return SL_EXIT_RUNTIME;
    }
    if (argc < 2) {
        usage(stderr);
        return SL_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 || strcmp(cmd, "version") == 0) {
        printf("sightline %s\n", SL_VERSION);
        return SL_EXIT_OK;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return SL_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return SL_EXIT_OK;
        }
        const struct sl_command *c = find(argv[2]);
        if (c == NULL) {
            fprintf(stderr, "sightline: unknown command '%s'\nTry 'sightline help'.\n", argv[2]);
            return SL_EXIT_USAGE;
        }
        char *help_argv[] = {argv[2], (char *)"--help", NULL};
        return run(c, 2, help_argv);
    }
    const struct sl_command *c = find(cmd);
    if (c == NULL) {
        fprintf(stderr, "sightline: unknown command '%s'\nTry 'sightline help'.\n", cmd);
        return SL_EXIT_USAGE;
    }
    if (strcmp(cmd, "config") != 0 && (rc = sl_cli_setup("sightline")) != SL_EXIT_OK)
        return rc;
    return run(c, argc - 1, argv + 1);
}
