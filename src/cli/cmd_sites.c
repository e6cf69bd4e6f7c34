/* cmd_sites.c - sightline sites add|list|show|import */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/fleet_report.h"
#include "cli/output.h"
#include "programme/site_import.h"
#include "store/store.h"
#include "util/file.h"
#include "util/csv.h"
#include "util/str.h"
#include "util/table.h"
#include "vehicle/register.h"

#define MAX_SITE_NETWORKS 256

static int sites_add(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"department", required_argument, NULL, 'd'},
        {"tier", required_argument, NULL, 't'},
        {"network", required_argument, NULL, 'n'},
        {"db", required_argument, NULL, 'D'},
        {"actor", required_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *department = NULL, *tier_s = NULL, *db = NULL, *actor = NULL;
    char *nets[MAX_SITE_NETWORKS];
    size_t n_nets = 0;
    int rc = SL_EXIT_OK, c;
    struct sl_err err = {0};
    while ((c = getopt_long(argc, argv, "d:t:n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': department = optarg; break;
        case 't': tier_s = optarg; break;
        case 'D': db = optarg; break;
        case 'A': actor = optarg; break;
        case 'n': {
            int k = sl_parse_networks(optarg, nets + n_nets, MAX_SITE_NETWORKS - n_nets, &err);
            if (k < 0) {
                rc = sl_cli_usage_error(cmd, "--network: %s", err.msg);
                goto out;
            }
            n_nets += (size_t)k;
            break;
        }
        case 'h':
            printf("Usage: %s NAME --department DEPT --tier sensitive|official|public\n"
                   "          [--network CIDR]... [--db PATH] [--actor NAME]\n\n"
                   "Adds one site to the register. --network may be repeated, or hold several\n"
                   "CIDRs separated by spaces or commas (e.g. '198.18.4.0/24 2001:db8:4::/48').\n"
                   "The tier decides what policy prohibits there (see 'sightline policy list').\n",
                   cmd);
            goto out;
        default:
            rc = sl_cli_bad_option(cmd);
            goto out;
        }
    }
    if (optind + 1 != argc) {
        rc = sl_cli_usage_error(cmd, optind >= argc ? "a site NAME is required"
                                                    : "exactly one site NAME is expected");
        goto out;
    }
    const char *name = argv[optind];
    enum sl_tier tier;
    if (department == NULL || *department == '\0') {
        rc = sl_cli_usage_error(cmd, "--department is required");
        goto out;
    }
    if (tier_s == NULL || sl_tier_from_name(tier_s, &tier) != 0) {
        rc = sl_cli_usage_error(cmd, "--tier must be sensitive, official or public");
        goto out;
    }
    if (*name == '\0' || strlen(name) >= SL_NAME_MAX || strlen(department) >= SL_NAME_MAX) {
        rc = sl_cli_usage_error(cmd, "names must be 1 to %d characters", SL_NAME_MAX - 1);
        goto out;
    }
    if ((rc = sl_cli_text_arg(cmd, "the site name", name)) != 0 ||
        (rc = sl_cli_text_arg(cmd, "--department", department)) != 0)
        goto out;
    struct sl_store *s;
    if (sl_store_open(&s, sl_cli_db_path(db), 0, &err) != 0) {
        rc = sl_cli_fail_err(cmd, &err);
        goto out;
    }
    struct sl_import_problems probs = {0};
    if (sl_site_check_networks(s, name, nets, n_nets, &probs, &err) != 0) {
        rc = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
        sl_store_close(s);
        goto out;
    }
    if (probs.count > 0) {
        rc = sl_cli_usage_error(cmd, "%s", probs.text[0]);
        sl_store_close(s);
        goto out;
    }
    sl_print_notes(cmd, &probs);
    int64_t id;
    if (sl_store_site_add(s, name, department, tier, (const char *const *)nets, n_nets,
                          sl_cli_actor(actor), &id, &err) != 0) {
        /* An existing name is the user's input problem, not a runtime failure. */
        rc = sl_cli_fail(cmd, sl_cli_exit_for(&err),
                         "%s", err.msg);
    } else {
        printf("added site '%s' (%s, %s, %zu network%s)\n", name, department, sl_tier_name(tier),
               n_nets, n_nets == 1 ? "" : "s");
    }
    sl_store_close(s);
out:
    for (size_t i = 0; i < n_nets; i++)
        free(nets[i]);
    return rc;
}

struct list_ctx {
    enum sl_format fmt;
    struct sl_table *table;
    json_t *array;
    bool names; /* --names: one name a line */
};

static void join_networks(const struct sl_site *site, char *out, size_t n, const char *sep)
{
    out[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < site->n_networks; i++) {
        int w = snprintf(out + used, n - used, "%s%s", i ? sep : "", site->networks[i]);
        if (w < 0 || (size_t)w >= n - used)
            break;
        used += (size_t)w;
    }
}

static json_t *site_json(const struct sl_site *site)
{
    json_t *nets = json_array();
    for (size_t i = 0; i < site->n_networks; i++)
        json_array_append_new(nets, json_string(site->networks[i]));
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:o}", "id", (json_int_t)site->id, "name",
                     site->name, "department", site->department, "tier",
                     sl_tier_name(site->tier), "networks", nets, "created_at", site->created_at,
                     "vehicle_rule",
                     site->vehicle_rule[0] ? json_string(site->vehicle_rule) : json_null());
}

static int list_one(const struct sl_site *site, void *vctx)
{
    struct list_ctx *ctx = vctx;
    char nets[2048];
    if (ctx->names) {
        printf("%s\n", site->name);
        return 0;
    }
    switch (ctx->fmt) {
    case SL_FMT_JSON:
        json_array_append_new(ctx->array, site_json(site));
        break;
    case SL_FMT_CSV: {
        join_networks(site, nets, sizeof nets, " ");
        const char *row[] = {site->name, site->department, sl_tier_name(site->tier), nets};
        sl_csv_write_row(stdout, row, 4);
        break;
    }
    case SL_FMT_TABLE: {
        join_networks(site, nets, sizeof nets, " ");
        const char *row[] = {site->name, site->department, sl_tier_name(site->tier), nets};
        sl_table_add(ctx->table, row);
        break;
    }
    }
    return 0;
}

static int sites_list(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'D'},
        {"read-db", required_argument, NULL, 'R'},
        {"json", no_argument, NULL, 'j'},
        {"csv", no_argument, NULL, 'c'},
        {"names", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *read_db = NULL;
    struct list_ctx ctx = {SL_FMT_TABLE, NULL, NULL, false};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'D': db = optarg; break;
        case 'R': read_db = optarg; break;
        case 'j': ctx.fmt = SL_FMT_JSON; break;
        case 'c': ctx.fmt = SL_FMT_CSV; break;
        case 'n': ctx.names = true; break;
        case 'h':
            printf("Usage: %s [--json|--csv|--names] [--db PATH] [--read-db LOCATION]\n\n"
                   "Lists the sites in the register: name, department, tier and networks.\n"
                   "--csv writes the same columns 'sightline sites import' reads.\n"
                   "--names prints the names alone, one a line, and nothing when there is\n"
                   "no register yet (for scripts and shell completion; never creates one).\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    struct sl_store *s;
    struct sl_err err = {0};
    struct stat st;
    const char *path = sl_cli_db_path(db);
    if (ctx.names && strcmp(sl_store_backend_of(path), "sqlite") == 0 && stat(path, &st) != 0 &&
        errno == ENOENT)
        return SL_EXIT_OK;
    if (ctx.names ? sl_store_open(&s, path, SL_STORE_READONLY, &err) != 0
                  : sl_cli_open_read(&s, db, read_db, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    static const char *const headers[] = {"name", "department", "tier", "networks"};
    if (ctx.names)
        ctx.fmt = SL_FMT_CSV; /* no table or array: list_one prints the names */
    else if (ctx.fmt == SL_FMT_TABLE)
        ctx.table = sl_table_new(4, headers);
    else if (ctx.fmt == SL_FMT_JSON)
        ctx.array = json_array();
    else if (!ctx.names)
        sl_csv_write_row(stdout, headers, 4);
    int rc = sl_store_site_list(s, list_one, &ctx, &err);
    sl_store_close(s);
    if (rc != 0) {
        sl_table_free(ctx.table);
        json_decref(ctx.array);
        return sl_cli_fail_err(cmd, &err);
    }
    if (ctx.table != NULL) {
        if (sl_table_rows(ctx.table) == 0)
            printf("no sites yet (add one with 'sightline sites add' or 'sightline sites import')\n");
        else
            sl_table_print(ctx.table, stdout, 60);
        sl_table_free(ctx.table);
    }
    if (ctx.array != NULL)
        sl_print_json(stdout, ctx.array);
    return SL_EXIT_OK;
}

static int sites_show(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'D'},
        {"read-db", required_argument, NULL, 'R'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *read_db = NULL;
    bool json = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'D': db = optarg; break;
        case 'R': read_db = optarg; break;
        case 'j': json = true; break;
        case 'h':
            printf("Usage: %s NAME [--json] [--db PATH] [--read-db LOCATION]\n\n"
                   "Shows one site: department, tier, networks and its devices by status.\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind + 1 != argc)
        return sl_cli_usage_error(cmd, "exactly one site NAME is expected");
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_cli_open_read(&s, db, read_db, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    struct sl_site site;
    int got = sl_store_site_get(s, argv[optind], &site, &err);
    if (got <= 0) {
        sl_store_close(s);
        if (got == 0)
            return sl_cli_fail(cmd, SL_EXIT_USAGE, "no site named '%s'", argv[optind]);
        return sl_cli_fail_err(cmd, &err);
    }
    struct sl_status_counts counts;
    int rc = sl_store_count_devices(s, site.name, &counts, &err);
    sl_store_close(s);
    if (rc != 0) {
        sl_site_free(&site);
        return sl_cli_fail_err(cmd, &err);
    }
    if (json) {
        json_t *o = site_json(&site);
        json_t *dev = json_object();
        for (int i = 0; i < SL_STATUS_COUNT; i++)
            json_object_set_new(dev, sl_status_name((enum sl_status)i),
                                json_integer(counts.by_status[i]));
        json_object_set_new(o, "devices", dev);
        sl_print_json(stdout, o);
    } else {
        char nets[4096];
        join_networks(&site, nets, sizeof nets, ", ");
        printf("site        %s\n", site.name);
        printf("department  %s\n", site.department);
        printf("tier        %s\n", sl_tier_name(site.tier));
        printf("networks    %s\n", site.n_networks ? nets : "(none)");
        printf("created     %s\n", site.created_at);
        printf("vehicles    rule %s\n", site.vehicle_rule[0] ? site.vehicle_rule
                                                            : "none set (sites set-vehicle-rule)");
        printf("devices     %lld", (long long)counts.total);
        const char *sep = " (";
        for (int i = 0; i < SL_STATUS_COUNT; i++) {
            if (counts.by_status[i] == 0)
                continue;
            printf("%s%lld %s", sep, (long long)counts.by_status[i],
                   sl_status_name((enum sl_status)i));
            sep = ", ";
        }
        printf("%s\n", counts.total ? ")" : "");
    }
    sl_site_free(&site);
    return SL_EXIT_OK;
}

static int sites_import(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'D'},
        {"actor", required_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *actor = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'D': db = optarg; break;
        case 'A': actor = optarg; break;
        case 'h':
            printf("Usage: %s FILE.csv|- [--db PATH] [--actor NAME]\n\n"
                   "Imports a site list. The first row names the columns (any order):\n"
                   "  name,department,tier,networks\n"
                   "tier is sensitive, official or public; networks holds CIDRs separated by\n"
                   "spaces or ';' (quote the field to separate them with commas), e.g.\n"
                   "  Northgate House,Department for Transport,sensitive,198.18.10.0/24;198.18.11.0/24\n"
                   "Every row is checked first; if any is bad, each problem is listed with its\n"
                   "line and column and nothing is imported (exit 2).\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind + 1 != argc)
        return sl_cli_usage_error(cmd, "exactly one FILE is expected ('-' for standard input)");
    const char *path = argv[optind];
    struct sl_err err = {0};
    size_t len;
    char *data = sl_read_file(path, 256u << 20, &len, &err);
    if (data == NULL)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
    struct sl_store *s;
    if (sl_store_open(&s, sl_cli_db_path(db), 0, &err) != 0) {
        free(data);
        return sl_cli_fail_err(cmd, &err);
    }
    struct sl_import_problems *probs = malloc(sizeof *probs);
    size_t imported = 0;
    int rc = probs == NULL ? sl_err_set(&err, "out of memory")
                           : sl_site_import_csv(s, data, len, sl_cli_actor(actor), &imported,
                                                probs, &err);
    sl_store_close(s);
    free(data);
    int ret = SL_EXIT_OK;
    if (rc < 0) {
        ret = sl_cli_fail_err(cmd, &err);
    } else if (rc > 0) {
        sl_print_problems(cmd, path, probs, "imported");
        ret = SL_EXIT_USAGE;
    } else {
        sl_print_notes(path, probs);
        printf("imported %zu site%s from %s\n", imported, imported == 1 ? "" : "s", path);
    }
    free(probs);
    return ret;
}

static int rule_options(int argc, char **argv, const char **db, const char **actor,
                        const char **policy)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"policy", required_argument, NULL, 'p'}, {"db", required_argument, NULL, 'D'},
        {"actor", required_argument, NULL, 'A'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': *policy = optarg; break;
        case 'D': *db = optarg; break;
        case 'A': *actor = optarg; break;
        case 'h':
            printf("Usage: %s SITE RULE [--policy ID,ID] [--db PATH] [--actor NAME]\n\n"
                   "Sets the site's own vehicle rule and judges the site's vehicles again:\n"
                   "  none | not-admitted[:WHEN] | park-away:METRES[:WHEN]\n"
                   "  WHEN = flagged (a part the policies flag; default) | nexus (a part or\n"
                   "  maker with a nexus to China, Hong Kong, Macau or Russia)\n"
                   "not-admitted makes such a vehicle prohibited at the site, park-away\n"
                   "restricted (it must park at least METRES from buildings); e.g.\n"
                   "park-away:3219:nexus, the RAF Wyton rule as reported. Audited.\n",
                   cmd);
            return -1;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind + 2 != argc)
        return sl_cli_usage_error(cmd, "a SITE and a RULE are expected");
    return SL_EXIT_OK;
}

static int sites_set_vehicle_rule(int argc, char **argv)
{
    const char *cmd = argv[0], *db = NULL, *actor = NULL, *policy = NULL;
    int rc = rule_options(argc, argv, &db, &actor, &policy);
    if (rc != SL_EXIT_OK)
        return rc < 0 ? SL_EXIT_OK : rc;
    struct sl_err err = {0};
    struct sl_site_rule rule;
    if (sl_site_rule_parse(argv[optind + 1], &rule, &err) != 0)
        return sl_cli_usage_error(cmd, "RULE: %s", err.msg);
    struct sl_cli_judge j;
    if ((rc = sl_cli_judge_open(cmd, policy, NULL, db, NULL, true, &j)) != SL_EXIT_OK)
        return rc;
    struct sl_site site = {0};
    int got = sl_store_site_get(j.s, argv[optind], &site, &err);
    if (got == 0)
        rc = sl_cli_fail(cmd, SL_EXIT_USAGE, "no site named '%s'", argv[optind]);
    else if (got < 0)
        rc = sl_cli_fail_err(cmd, &err);
    struct sl_vreg_counts c;
    size_t changed = 0;
    if (rc == SL_EXIT_OK &&
        sl_vreg_set_site_rule(j.s, j.a, site.id, &rule, sl_cli_actor(actor), &c, &changed, &err) != 0)
        rc = sl_cli_fail_err(cmd, &err);
    if (rc == SL_EXIT_OK) {
        char text[64], what[192];
        sl_site_rule_format(&rule, text, sizeof text);
        sl_site_rule_describe(&rule, what, sizeof what);
        printf("site '%s': vehicle rule %s (%s)\n", site.name, text, what);
        printf("%zu vehicle%s judged again, %zu changed: prohibited %zu, replace-by %zu, "
               "restricted %zu, needs-review %zu, allowed %zu\n",
               c.vehicles, c.vehicles == 1 ? "" : "s", changed,
               c.vehicles_by[SL_DECISION_PROHIBITED], c.vehicles_by[SL_DECISION_REPLACE_BY],
               c.vehicles_by[SL_DECISION_RESTRICTED], c.vehicles_by[SL_DECISION_REVIEW],
               c.vehicles_by[SL_DECISION_ALLOWED]);
    }
    sl_site_free(&site);
    sl_cli_judge_close(&j);
    return rc;
}

static const struct sl_command site_commands[] = {
    {"add", "add one site", sites_add},
    {"list", "list sites (table, --json or --csv)", sites_list},
    {"show", "show one site and its devices by status", sites_show},
    {"import", "import a CSV site list, all or nothing", sites_import},
    {"set-vehicle-rule", "set a site's own vehicle rule; its vehicles are judged again",
     sites_set_vehicle_rule},
    {"exclude", "exclude networks of a site from its scans and verifications",
     sl_cmd_sites_exclude},
    {"unexclude", "remove one of a site's exclusions", sl_cmd_sites_unexclude},
    {"exclusions", "list the sites' exclusions", sl_cmd_sites_exclusions},
    {NULL, NULL, NULL},
};

int sl_cmd_sites(int argc, char **argv)
{
    return sl_cli_dispatch("sightline sites", site_commands, argc, argv);
}
