/* cmd_import.c - sightline import: nmap -oX / masscan -oJ results as evidence. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/scan_output.h"
#include "monitor/agent_alerts.h"
#include "programme/agent_verify.h"
#include "scan/batch.h"
#include "scan/import.h"
#include "store/agents.h"
#include "util/datadir.h"
#include "util/file.h"

static void import_usage(const char *cmd)
{
    printf("Usage: %s FILE|- [--format nmap|masscan] [--site NAME] [--jsonl FILE|-]\n"
           "          [--db PATH] [--policy IDS] [--actor NAME] [--quiet]\n"
           "       %s --spool DIR [--db PATH] [--policy IDS]\n\n"
           "Imports another tool's results as evidence, so a team can start from what it\n"
           "has: nmap XML (nmap -sV -oX FILE; service lines, MAC addresses and the\n"
           "banner, http-server-header, http-title and rtsp-methods scripts) or masscan\n"
           "JSON (masscan -oJ FILE, with --banners for banners). The format is detected\n"
           "from the first byte unless --format says: '<' nmap, '[' or '{' masscan (a whole\n"
           "JSON document or masscan's record-a-line form). Every host is identified and\n"
           "judged like a scanned one and recorded under a scan record of kind 'import'.\n"
           "Anything else, a malformed file or one with no host in it imports nothing\n"
           "(exit 2).\n\n"
           "--spool DIR imports a site agent's spool carried by hand (an air-gapped site):\n"
           "every NNNNNNNNNN.batch file of DIR, oldest first, each checked against the\n"
           "enrolled agent's certificate (a forged or altered batch is refused, naming\n"
           "its file) and applied once (a batch applied before is skipped). Exit 2 when\n"
           "any batch was refused.\n",
           cmd, cmd);
}

struct import_args {
    const char *db, *jsonl, *actor, *site, *policy_ids, *file;
    enum sl_import_format fmt;
    bool quiet;
};

/* Loads rules, policies and the register, imports the file's hosts, prints. */
static int import_file(const char *cmd, const struct import_args *a, const char *data,
                       size_t len)
{
    struct sl_err err = {0};
    int rc = SL_EXIT_OK;
    struct sl_ident *ident = NULL;
    struct sl_policy_set *ps = NULL;
    struct sl_store *store = NULL;
    struct sl_scan_out out;
    if (sl_scan_out_open(&out, a->jsonl, false, a->quiet, &err) != 0) {
        rc = sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
        goto done;
    }
    if (sl_ident_load(&ident, sl_datadir(), &err) != 0 ||
        sl_policy_load(&ps, sl_datadir(), &err) != 0 ||
        sl_policy_select(ps, a->policy_ids, &err) != 0) {
        rc = sl_cli_fail(cmd, a->policy_ids != NULL ? SL_EXIT_USAGE : SL_EXIT_RUNTIME, "%s",
                         err.msg);
        goto done;
    }
    if (sl_store_open(&store, sl_cli_db_path(a->db), 0, &err) != 0) {
        rc = sl_cli_fail_err(cmd, &err);
        goto done;
    }
    out.store = store;
    struct sl_scan_opts so;
    memset(&so, 0, sizeof so);
    so.ident = ident;
    so.policy = ps;
    so.store = store;
    so.site = a->site;
    so.targets_text = a->file;
    so.actor = sl_cli_actor(a->actor);
    struct sl_scan_callbacks cb;
    sl_scan_out_callbacks(&out, &cb);
    cb.on_start = NULL;
    struct sl_scan_summary sum;
    if (sl_import_run(data, len, a->fmt, &so, &cb, &sum, &err) != 0) {
        rc = sl_cli_fail_err(cmd, &err);
        goto done;
    }
    sl_scan_out_finish(&out, &sum, NULL);
done:
    sl_scan_out_close(&out);
    sl_store_close(store);
    sl_policy_free(ps);
    sl_ident_free(ident);
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The batch files of a spool directory, sorted (oldest first). n set; NULL on error. */
static char **spool_files(const char *dir, size_t *n, struct sl_err *err)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        sl_err_setk(err, SL_ERR_IO, "cannot read %s", dir);
        return NULL;
    }
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len != 16 || strspn(e->d_name, "0123456789") != 10 || strcmp(e->d_name + 10, ".batch"))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nv = realloc(v, cap * sizeof *nv);
            if (nv == NULL)
                break;
            v = nv;
        }
        v[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    if (v != NULL)
        qsort(v, *n, sizeof *v, cmp_names);
    return v != NULL ? v : calloc(1, sizeof *v);
}

/* One batch file of a spool: its agent, its signature, applied once. */
static int import_batch(const char *cmd, struct sl_store *s, const struct sl_scan_opts *so,
                        const char *path, size_t *applied, size_t *skipped)
{
    struct sl_err err = {0};
    size_t len;
    char *data = sl_read_file(path, SL_BATCH_MAX_BYTES, &len, &err);
    struct sl_batch b;
    struct sl_agent ag;
    int rc = data == NULL ? -1 : sl_batch_parse(data, len, &b, &err);
    if (rc == 0 && (rc = sl_store_agent_get(s, b.agent, &ag, &err)) == 0)
        rc = sl_err_setk(&err, SL_ERR_NOT_FOUND, "agent %s is not enrolled here", b.agent);
    if (rc == 1 && ag.revoked_at != 0)
        rc = sl_err_setk(&err, SL_ERR_INVALID, "agent '%s' is revoked", ag.name);
    struct sl_batch_result res;
    if (rc == 1)
        rc = sl_alert_batch_is(data, len) ? sl_alert_batch_ingest(s, &ag, data, len, &res, &err)
                                          : sl_agent_batch_apply(s, &ag, data, len, so, &res, NULL,
                                                                 &err);
    free(data);
    if (rc != 0) {
        fprintf(stderr, "%s: %s: refused: %s\n", cmd, path, err.msg);
        return err.kind == SL_ERR_INVALID || err.kind == SL_ERR_CONFLICT ||
                       err.kind == SL_ERR_NOT_FOUND
                   ? SL_EXIT_USAGE
                   : SL_EXIT_RUNTIME;
    }
    printf("%s: %s (%zu hosts, %zu devices)\n", path,
           res.applied ? "applied" : "applied before, skipped", res.hosts, res.devices);
    *(res.applied ? applied : skipped) += 1;
    return SL_EXIT_OK;
}

static int import_spool(const char *cmd, const struct import_args *a, const char *dir)
{
    struct sl_err err = {0};
    struct sl_ident *ident = NULL;
    struct sl_policy_set *ps = NULL;
    struct sl_store *s = NULL;
    size_t n = 0, applied = 0, skipped = 0;
    char **files = NULL;
    int rc = SL_EXIT_OK;
    if (sl_ident_load(&ident, sl_datadir(), &err) != 0 ||
        sl_policy_load(&ps, sl_datadir(), &err) != 0 ||
        sl_policy_select(ps, a->policy_ids, &err) != 0 ||
        sl_store_open(&s, sl_cli_db_path(a->db), 0, &err) != 0 ||
        (files = spool_files(dir, &n, &err)) == NULL) {
        rc = sl_cli_fail_err(cmd, &err);
        goto done;
    }
    struct sl_scan_opts so;
    memset(&so, 0, sizeof so);
    so.ident = ident;
    so.policy = ps;
    so.actor = sl_cli_actor(a->actor);
    for (size_t i = 0; i < n; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        int r = import_batch(cmd, s, &so, path, &applied, &skipped);
        if (r > rc)
            rc = r;
    }
    printf("%zu batches: %zu applied, %zu applied before, %zu refused\n", n, applied, skipped,
           n - applied - skipped);
done:
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    sl_store_close(s);
    sl_policy_free(ps);
    sl_ident_free(ident);
    return rc;
}

int sl_cmd_import(int argc, char **argv)
{
    const char *cmd = argv[0];
    enum { OPT_FORMAT = 256, OPT_SITE, OPT_DB, OPT_JSONL, OPT_ACTOR, OPT_QUIET, OPT_POLICY,
           OPT_SPOOL };
    const char *spool = NULL;
    static const struct option opts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"site", required_argument, NULL, OPT_SITE},
        {"db", required_argument, NULL, OPT_DB},
        {"jsonl", required_argument, NULL, OPT_JSONL},
        {"policy", required_argument, NULL, OPT_POLICY},
        {"actor", required_argument, NULL, OPT_ACTOR},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"spool", required_argument, NULL, OPT_SPOOL},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct import_args a;
    memset(&a, 0, sizeof a);
    a.fmt = SL_IMPORT_AUTO;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT:
            if (strcmp(optarg, "nmap") == 0)
                a.fmt = SL_IMPORT_NMAP_XML;
            else if (strcmp(optarg, "masscan") == 0)
                a.fmt = SL_IMPORT_MASSCAN_JSON;
            else
                return sl_cli_usage_error(cmd, "--format must be nmap or masscan");
            break;
        case OPT_SITE: a.site = optarg; break;
        case OPT_DB: a.db = optarg; break;
        case OPT_JSONL: a.jsonl = optarg; break;
        case OPT_POLICY: a.policy_ids = optarg; break;
        case OPT_ACTOR: a.actor = optarg; break;
        case OPT_QUIET: a.quiet = true; break;
        case OPT_SPOOL: spool = optarg; break;
        case 'h': import_usage(cmd); return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (spool != NULL) {
        if (optind != argc || a.site != NULL || a.jsonl != NULL)
            return sl_cli_usage_error(cmd, "--spool DIR takes no FILE, --site or --jsonl");
        return import_spool(cmd, &a, spool);
    }
    if (optind + 1 != argc)
        return sl_cli_usage_error(cmd, "exactly one FILE is expected ('-' for standard input)");
    a.file = argv[optind];
    struct sl_err err = {0};
    size_t len;
    char *data = sl_read_file(a.file, SL_IMPORT_MAX_BYTES, &len, &err);
    if (data == NULL)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
    int rc = import_file(cmd, &a, data, len);
    free(data);
    return rc;
}
