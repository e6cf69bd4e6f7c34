/* cmd_config.c - sightline config show | check: the effective settings and where
 * each came from; checking a configuration file. Parsing is cli/config.c's. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/output.h"
#include "util/file.h"
#include "util/table.h"

static const char *origin_name(enum sl_cfg_origin o)
{
    switch (o) {
    case SL_ORIGIN_CLI: return "command line";
    case SL_ORIGIN_ENV: return "environment";
    case SL_ORIGIN_FILE: return "file";
    case SL_ORIGIN_BUILTIN: break;
    }
    return "built in";
}

static int config_show(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool json = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'h':
            printf("Usage: %s [--json]\n\n"
                   "Prints every setting sightline would use now and where it came from: the\n"
                   "command line (--data-dir), the environment ($SIGHTLINE_DB, $SIGHTLINE_DATA,\n"
                   "...), the configuration file (FILE:LINE) or the built-in default. The file\n"
                   "is --config FILE, else $SIGHTLINE_CONFIG, else %s.\n"
                   "  --json   one JSON object: the file, and each setting with its origin\n",
                   cmd, SL_CONFIG_DEFAULT);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);

    struct stat st;
    bool present = stat(sl_config_path(), &st) == 0;
    static const char *const headers[] = {"setting", "value", "from"};
    struct sl_table *t = json ? NULL : sl_table_new(3, headers);
    json_t *arr = json ? json_array() : NULL;
    for (const struct sl_cfg_key *k = sl_config_keys; k->section != NULL; k++) {
        char note[4200], name[96];
        enum sl_cfg_origin origin;
        const char *v = sl_config_effective(k, &origin, note, sizeof note);
        snprintf(name, sizeof name, "%s.%s", k->section, k->key);
        if (json) {
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "section",
                                                 k->section, "key", k->key, "value", v, "origin",
                                                 origin_name(origin), "from", note));
        } else {
            const char *row[] = {name, v, note};
            sl_table_add(t, row);
        }
    }
    if (json) {
        json_t *j = json_pack("{s:s, s:b, s:o}", "file", sl_config_path(), "file_present", present,
                              "settings", arr);
        if (sl_config_error() != NULL)
            json_object_set_new(j, "error", json_string(sl_config_error()));
        sl_print_json(stdout, j);
        return sl_config_error() != NULL ? SL_EXIT_USAGE : SL_EXIT_OK;
    }
    const char *bad = sl_config_error();
    printf("configuration file: %s%s\n\n", sl_config_path(),
           bad != NULL ? " (not used: it is invalid)" : present ? "" : " (not present)");
    sl_table_print(t, stdout, 0);
    sl_table_free(t);
    if (bad != NULL)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", bad);
    return SL_EXIT_OK;
}

static int config_check(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            printf("Usage: %s [FILE]\n\n"
                   "Checks a configuration file (default: the one in use, %s) and\n"
                   "exits 0 when it is valid, or 2 naming the file, line and key that is not.\n",
                   cmd, sl_config_path());
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (argc - optind > 1)
        return sl_cli_usage_error(cmd, "give at most one FILE");
    const char *path = optind < argc ? argv[optind] : sl_config_path();
    struct sl_err err = {0};
    if (sl_config_load(path, true, &err) != 0)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
    printf("%s: valid\n", path);
    return SL_EXIT_OK;
}

int sl_cmd_config(int argc, char **argv)
{
    static const struct sl_command table[] = {
        {"show", "the effective settings and where each came from", config_show},
        {"check", "check a configuration file", config_check},
        {NULL, NULL, NULL},
    };
    return sl_cli_dispatch("sightline config", table, argc, argv);
}
