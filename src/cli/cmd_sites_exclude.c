/* cmd_sites_exclude.c - sightline sites exclude|unexclude|exclusions: the
 * networks of a site sightline never probes (store/exclusions.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "store/exclusions.h"
#include "util/cidr.h"
#include "util/str.h"
#include "util/table.h"
#include "util/timeutil.h"

#define MAX_ARGS 64

struct excl_args {
    const char *db, *read_db, *actor, *reason;
    bool json, help;
};

/* Options shared by the three commands. 0, or an exit code (-1: help shown). */
static int excl_options(int argc, char **argv, struct excl_args *a, const char *usage)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"reason", required_argument, NULL, 'r'}, {"db", required_argument, NULL, 'D'},
        {"read-db", required_argument, NULL, 'R'}, {"actor", required_argument, NULL, 'A'},
        {"json", no_argument, NULL, 'j'},          {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': a->reason = optarg; break;
        case 'D': a->db = optarg; break;
        case 'R': a->read_db = optarg; break;
        case 'A': a->actor = optarg; break;
        case 'j': a->json = true; break;
        case 'h':
            printf("Usage: %s", cmd);
            fputs(usage, stdout);
            return -1;
        default: return sl_cli_bad_option(cmd);
        }
    }
    return SL_EXIT_OK;
}

/* The site by name, opened register and all. 0, or an exit code. */
static int open_site(const char *cmd, const struct excl_args *a, const char *name,
                     struct sl_store **s, struct sl_site *site)
{
    struct sl_err err = {0};
    if (sl_store_open(s, sl_cli_db_path(a->db), 0, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    int rc = sl_cli_site(cmd, *s, name, site);
    if (rc != SL_EXIT_OK) {
        sl_store_close(*s);
        *s = NULL;
    }
    return rc;
}

/* The CIDR in canonical form, and whether it meets one of the site's networks. */
static int check_cidr(const char *cmd, const struct sl_site *site, const char *spec,
                      char out[SL_CIDR_STRLEN])
{
    struct sl_cidr x;
    struct sl_err err = {0};
    if (sl_cidr_parse(spec, &x, &err) != 0)
        return sl_cli_usage_error(cmd, "'%s' is not an address or network: %s", spec, err.msg);
    sl_cidr_format(&x, out);
    for (size_t i = 0; i < site->n_networks; i++) {
        struct sl_cidr n;
        if (sl_cidr_parse(site->networks[i], &n, NULL) == 0 &&
            (sl_cidr_contains(&n, &x.addr) || sl_cidr_contains(&x, &n.addr)))
            return SL_EXIT_OK;
    }
    return sl_cli_usage_error(cmd, "%s lies outside every network of site '%s': nothing to "
                                   "exclude", out, site->name);
}

int sl_cmd_sites_exclude(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct excl_args a = {0};
    int rc = excl_options(argc, argv, &a,
                          " SITE NETWORK... --reason TEXT [--db PATH] [--actor NAME]\n\n"
                          "Excludes addresses or networks (CIDR) of a site: 'sightline scan\n"
                          "--site', 'sightline verify' and the site's agent never probe them, and\n"
                          "the server refuses an agent's batch that holds one (counted in its\n"
                          "refused records). A removed device at an excluded address is never\n"
                          "verified absent. Audited (site.exclude).\n");
    if (rc != SL_EXIT_OK)
        return rc < 0 ? SL_EXIT_OK : rc;
    if (optind + 2 > argc)
        return sl_cli_usage_error(cmd, "a SITE and at least one NETWORK are expected");
    if (argc - optind - 1 > MAX_ARGS)
        return sl_cli_usage_error(cmd, "at most %d networks at once", MAX_ARGS);
    if (a.reason == NULL || a.reason[0] == '\0' || strlen(a.reason) >= SL_EXCLUSION_REASON_MAX)
        return sl_cli_usage_error(cmd, "--reason is required (1 to %d characters)",
                                  SL_EXCLUSION_REASON_MAX - 1);
    if ((rc = sl_cli_text_arg(cmd, "--reason", a.reason)) != 0)
        return rc;
    struct sl_store *s = NULL;
    struct sl_site site = {0};
    if ((rc = open_site(cmd, &a, argv[optind], &s, &site)) != SL_EXIT_OK)
        return rc;
    char nets[MAX_ARGS][SL_CIDR_STRLEN];
    int n = argc - optind - 1;
    for (int i = 0; i < n && rc == SL_EXIT_OK; i++)
        rc = check_cidr(cmd, &site, argv[optind + 1 + i], nets[i]);
    struct sl_err err = {0};
    for (int i = 0; i < n && rc == SL_EXIT_OK; i++) {
        if (sl_store_exclusion_add(s, site.id, nets[i], a.reason, sl_cli_actor(a.actor), &err) != 0)
            rc = sl_cli_fail_err(cmd, &err);
        else
            printf("site '%s': excluding %s (%s)\n", site.name, nets[i], a.reason);
    }
    sl_site_free(&site);
    sl_store_close(s);
    return rc;
}

int sl_cmd_sites_unexclude(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct excl_args a = {0};
    int rc = excl_options(argc, argv, &a,
                          " SITE NETWORK [--db PATH] [--actor NAME]\n\n"
                          "Removes one of a site's exclusions (as 'sightline sites exclusions'\n"
                          "lists it). Audited (site.unexclude).\n");
    if (rc != SL_EXIT_OK)
        return rc < 0 ? SL_EXIT_OK : rc;
    if (optind + 2 != argc)
        return sl_cli_usage_error(cmd, "a SITE and one NETWORK are expected");
    struct sl_cidr x;
    struct sl_err err = {0};
    char net[SL_CIDR_STRLEN];
    if (sl_cidr_parse(argv[optind + 1], &x, &err) != 0)
        return sl_cli_usage_error(cmd, "'%s': %s", argv[optind + 1], err.msg);
    sl_cidr_format(&x, net);
    struct sl_store *s = NULL;
    struct sl_site site = {0};
    if ((rc = open_site(cmd, &a, argv[optind], &s, &site)) != SL_EXIT_OK)
        return rc;
    int got = sl_store_exclusion_remove(s, site.id, net, sl_cli_actor(a.actor), &err);
    if (got < 0)
        rc = sl_cli_fail_err(cmd, &err);
    else if (got == 0)
        rc = sl_cli_fail(cmd, SL_EXIT_USAGE, "site '%s' does not exclude %s", site.name, net);
    else
        printf("site '%s': no longer excluding %s\n", site.name, net);
    sl_site_free(&site);
    sl_store_close(s);
    return rc;
}

struct list_ctx {
    struct sl_table *table;
    json_t *array;
};

static int list_one(const struct sl_exclusion *x, void *vctx)
{
    struct list_ctx *c = vctx;
    char at[SL_ISO_LEN];
    sl_time_iso(x->created_at, at);
    if (c->array != NULL) {
        json_array_append_new(c->array,
                              json_pack("{s:s, s:s, s:s, s:s, s:s}", "site", x->site, "network",
                                        x->cidr, "reason", x->reason, "added_by", x->created_by,
                                        "added_at", at));
        return 0;
    }
    const char *row[] = {x->site, x->cidr, x->reason, x->created_by, at};
    sl_table_add(c->table, row);
    return 0;
}

int sl_cmd_sites_exclusions(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct excl_args a = {0};
    int rc = excl_options(argc, argv, &a,
                          " [SITE] [--json] [--db PATH] [--read-db LOCATION]\n\n"
                          "Lists the exclusions of one site or of every site: network, reason,\n"
                          "who added it and when.\n");
    if (rc != SL_EXIT_OK)
        return rc < 0 ? SL_EXIT_OK : rc;
    if (optind + 1 < argc)
        return sl_cli_usage_error(cmd, "at most one SITE is expected");
    struct sl_store *s = NULL;
    struct sl_err err = {0};
    if (sl_cli_open_read(&s, a.db, a.read_db, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    struct sl_site site = {0};
    if (optind < argc && (rc = sl_cli_site(cmd, s, argv[optind], &site)) != SL_EXIT_OK) {
        sl_store_close(s);
        return rc;
    }
    int64_t site_id = site.id;
    sl_site_free(&site);
    static const char *const headers[] = {"site", "network", "reason", "added by", "added at"};
    struct list_ctx c = {a.json ? NULL : sl_table_new(5, headers), a.json ? json_array() : NULL};
    rc = sl_store_exclusion_list(s, site_id, list_one, &c, &err) != 0 ? sl_cli_fail_err(cmd, &err)
                                                                       : SL_EXIT_OK;
    sl_store_close(s);
    if (rc == SL_EXIT_OK && c.array != NULL)
        sl_print_json(stdout, json_incref(c.array));
    else if (rc == SL_EXIT_OK && sl_table_rows(c.table) == 0)
        printf("no exclusions\n");
    else if (rc == SL_EXIT_OK)
        sl_table_print(c.table, stdout, 60);
    json_decref(c.array);
    sl_table_free(c.table);
    return rc;
}
