/* cmd_import.c - sightline import: nmap -oX / masscan -oJ results as evidence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/scan_output.h"
#include "scan/import.h"
#include "util/datadir.h"
#include "util/file.h"

int sl_cmd_import(int argc, char **argv)
{
    const char *cmd = argv[0];
    enum { OPT_FORMAT = 256, OPT_SITE, OPT_DB, OPT_JSONL, OPT_ACTOR, OPT_QUIET, OPT_POLICY };
    static const struct option opts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"site", required_argument, NULL, OPT_SITE},
        {"db", required_argument, NULL, OPT_DB},
        {"jsonl", required_argument, NULL, OPT_JSONL},
        {"policy", required_argument, NULL, OPT_POLICY},
        {"actor", required_argument, NULL, OPT_ACTOR},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *jsonl = NULL, *actor = NULL, *site = NULL, *policy_ids = NULL;
    enum sl_import_format fmt = SL_IMPORT_AUTO;
    bool quiet = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT:
            if (strcmp(optarg, "nmap") == 0)
                fmt = SL_IMPORT_NMAP_XML;
            else if (strcmp(optarg, "masscan") == 0)
                fmt = SL_IMPORT_MASSCAN_JSON;
            else
                return sl_cli_usage_error(cmd, "--format must be nmap or masscan");
            break;
        case OPT_SITE: site = optarg; break;
        case OPT_DB: db = optarg; break;
        case OPT_JSONL: jsonl = optarg; break;
        case OPT_POLICY: policy_ids = optarg; break;
        case OPT_ACTOR: actor = optarg; break;
        case OPT_QUIET: quiet = true; break;
        case 'h':
            printf("Usage: %s FILE|- [--format nmap|masscan] [--site NAME] [--jsonl FILE|-]\n"
                   "          [--db PATH] [--policy IDS] [--actor NAME] [--quiet]\n\n"
                   "Imports another tool's results as evidence, so a team can start from what it\n"
                   "has: nmap XML (nmap -sV -oX FILE; service lines, MAC addresses and the\n"
                   "banner, http-server-header, http-title and rtsp-methods scripts) or masscan\n"
                   "JSON (masscan -oJ FILE, with --banners for banners). The format is detected\n"
                   "from the first byte unless --format says. Every host is identified and judged\n"
                   "like a scanned one and recorded under a scan record of kind 'import'.\n"
                   "A malformed file imports nothing (exit 2).\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind + 1 != argc)
        return sl_cli_usage_error(cmd, "exactly one FILE is expected ('-' for standard input)");
    struct sl_err err = {0};
    size_t len;
    char *data = sl_read_file(argv[optind], SL_IMPORT_MAX_BYTES, &len, &err);
    if (data == NULL)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
    int rc = SL_EXIT_OK;
    struct sl_ident *ident = NULL;
    struct sl_policy_set *ps = NULL;
    struct sl_store *store = NULL;
    struct sl_scan_out out;
    if (sl_scan_out_open(&out, jsonl, false, quiet, &err) != 0) {
        rc = sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
        goto done;
    }
    if (sl_ident_load(&ident, sl_datadir(), &err) != 0 ||
        sl_policy_load(&ps, sl_datadir(), &err) != 0 ||
        sl_policy_select(ps, policy_ids, &err) != 0) {
        rc = sl_cli_fail(cmd, policy_ids != NULL ? SL_EXIT_USAGE : SL_EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    if (sl_store_open(&store, sl_cli_db_path(db), 0, &err) != 0) {
        rc = sl_cli_fail_err(cmd, &err);
        goto done;
    }
    out.store = store;
    struct sl_scan_opts so;
    memset(&so, 0, sizeof so);
    so.ident = ident;
    so.policy = ps;
    so.store = store;
    so.site = site;
    so.targets_text = argv[optind];
    so.actor = sl_cli_actor(actor);
    struct sl_scan_callbacks cb;
    sl_scan_out_callbacks(&out, &cb);
    cb.on_start = NULL;
    struct sl_scan_summary sum;
    if (sl_import_run(data, len, fmt, &so, &cb, &sum, &err) != 0) {
        rc = sl_cli_fail_err(cmd, &err);
        goto done;
    }
    sl_scan_out_finish(&out, &sum, NULL);
done:
    sl_scan_out_close(&out);
    sl_store_close(store);
    sl_policy_free(ps);
    sl_ident_free(ident);
    free(data);
    return rc;
}
