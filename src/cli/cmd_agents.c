/* cmd_agents.c - sightline agents token|list|revoke|rename: the central side's
 * view of site agents (docs/agents.md). The endpoint is serve --agent-listen. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/tlsdir.h"
#include "net/pki.h"
#include "store/agents.h"
#include "util/duration.h"
#include "util/str.h"
#include "util/table.h"
#include "util/timeutil.h"

struct agents_args {
    const char *db, *actor, *site, *tls_dir, *out;
    int64_t expires, schedule;
    bool json, help;
};

static int agents_options(int argc, char **argv, struct agents_args *a, const char *usage)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'D'},      {"actor", required_argument, NULL, 'A'},
        {"json", no_argument, NULL, 'j'},          {"site", required_argument, NULL, 's'},
        {"expires", required_argument, NULL, 'e'}, {"schedule", required_argument, NULL, 'S'},
        {"tls-dir", required_argument, NULL, 't'}, {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->expires = 86400;
    a->schedule = 86400;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'D': a->db = optarg; break;
        case 'A': a->actor = optarg; break;
        case 'j': a->json = true; break;
        case 's': a->site = optarg; break;
        case 't': a->tls_dir = optarg; break;
        case 'o': a->out = optarg; break;
        case 'e':
            if (sl_parse_duration(optarg, 60, 30 * 86400, &a->expires) != 0)
                return sl_cli_usage_error(argv[0], "--expires takes 1m to 30d (e.g. 24h)");
            break;
        case 'S':
            if (sl_parse_duration(optarg, 10, 30 * 86400, &a->schedule) != 0)
                return sl_cli_usage_error(argv[0], "--schedule takes 10s to 30d (e.g. 6h)");
            break;
        case 'h':
            printf("Usage: %s %s", argv[0], usage);
            a->help = true;
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(argv[0]);
        }
    }
    return SL_EXIT_OK;
}

static int open_register(const char *cmd, const char *db, struct sl_store **s)
{
    struct sl_err err = {0};
    if (sl_store_open(s, sl_cli_db_path(db), 0, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    return SL_EXIT_OK;
}

/* The token: SLT1.SECRET.CA-SHA256 (the agent pins the CA by its hash). */
static int make_token(const char *cmd, const struct agents_args *a, struct sl_store *s,
                      char *token, size_t n)
{
    struct sl_err err = {0};
    struct sl_site site = {0};
    int rc = sl_store_site_get(s, a->site, &site, &err);
    int64_t site_id = site.id;
    sl_site_free(&site);
    if (rc <= 0)
        return rc < 0 ? sl_cli_fail_err(cmd, &err)
                      : sl_cli_fail(cmd, SL_EXIT_USAGE, "no site named '%s'", a->site);
    char dir[1024], secret[65], sha[65];
    if (a->tls_dir != NULL)
        sl_strlcpy(dir, a->tls_dir, sizeof dir);
    else
        sl_cli_default_tls_dir(sl_cli_db_path(a->db), dir, sizeof dir);
    struct sl_pki_ca ca;
    bool made;
    if (sl_pki_ca_load(&ca, dir, &made, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    if (made)
        fprintf(stderr, "%s: made the agent CA in %s\n", cmd, dir);
    if (sl_pki_random_hex(secret, 32) != 0) {
        sl_pki_ca_free(&ca);
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "no random bytes");
    }
    snprintf(token, n, "SLT1.%s.%s", secret, ca.sha256);
    sl_pki_ca_free(&ca);
    sl_pki_sha256_hex(secret, strlen(secret), sha);
    if (sl_store_agent_token_add(s, sha, site_id, sl_now() + a->expires, a->schedule,
                                 sl_cli_actor(a->actor), &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    return SL_EXIT_OK;
}

static int agents_token(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct agents_args a;
    int rc = agents_options(
        argc, argv, &a,
        "--site NAME [--expires 24h] [--schedule 24h] [--out FILE] [--tls-dir DIR]\n"
        "          [--actor NAME] [--db LOCATION]\n\n"
        "Makes a single-use enrolment token for an agent of the site and prints it (or\n"
        "writes it to FILE, mode 0600). Only its SHA-256 is kept in the register. The\n"
        "token names the agent CA's SHA-256 (the CA is kept in --tls-dir, serve's state\n"
        "directory, and made there when absent), so `agent enrol` trusts only this\n"
        "server. --schedule: how often the agent scans its site.\n");
    if (rc != SL_EXIT_OK || a.help)
        return rc;
    if (a.site == NULL || optind != argc)
        return sl_cli_usage_error(cmd, "--site NAME is needed (and nothing else)");
    struct sl_store *s;
    if ((rc = open_register(cmd, a.db, &s)) != SL_EXIT_OK)
        return rc;
    char token[200];
    rc = make_token(cmd, &a, s, token, sizeof token);
    sl_store_close(s);
    if (rc != SL_EXIT_OK)
        return rc;
    struct sl_err err = {0};
    char line[210];
    snprintf(line, sizeof line, "%s\n", token);
    if (a.out != NULL && sl_pki_write_private(a.out, line, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    if (a.out == NULL)
        fputs(line, stdout);
    else
        fprintf(stderr, "%s: token for site '%s' written to %s (single use, expires in %llds)\n",
                cmd, a.site, a.out, (long long)a.expires);
    return SL_EXIT_OK;
}

static json_t *agent_json(const struct sl_agent *g, int64_t now)
{
    char seen[SL_ISO_LEN] = "", enrolled[SL_ISO_LEN];
    if (g->last_seen)
        sl_time_iso(g->last_seen, seen);
    sl_time_iso(g->enrolled_at, enrolled);
    const char *state = g->revoked_at ? "revoked" : sl_agent_stale(g, now) ? "stale" : "ok";
    return json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:I, s:I, s:I, s:b, s:I, s:I, s:s}",
                     "name", g->name, "uid", g->uid, "sites", g->sites, "enrolled_at", enrolled,
                     "last_seen", g->last_seen ? seen : NULL, "version", g->version, "schedule",
                     (json_int_t)g->schedule, "spool_batches", (json_int_t)g->spool_batches,
                     "spool_bytes", (json_int_t)g->spool_bytes, "spool_full", g->spool_full,
                     "batches", (json_int_t)g->batches, "refused_records",
                     (json_int_t)g->refused_records, "state", state);
}

static int on_agent(const struct sl_agent *g, void *ctx)
{
    json_array_append_new(ctx, agent_json(g, sl_now()));
    return 0;
}

static void print_agents(json_t *arr)
{
    static const char *const head[] = {"name", "sites", "state", "last seen", "version",
                                       "spool", "batches", "refused"};
    struct sl_table *t = sl_table_new(8, head);
    size_t i;
    json_t *g;
    json_array_foreach(arr, i, g) {
        char spool[64], batches[24], refused[24];
        snprintf(spool, sizeof spool, "%lld batches%s",
                 (long long)json_integer_value(json_object_get(g, "spool_batches")),
                 json_is_true(json_object_get(g, "spool_full")) ? ", FULL" : "");
        snprintf(batches, sizeof batches, "%lld",
                 (long long)json_integer_value(json_object_get(g, "batches")));
        snprintf(refused, sizeof refused, "%lld",
                 (long long)json_integer_value(json_object_get(g, "refused_records")));
        const char *cells[] = {json_string_value(json_object_get(g, "name")),
                               json_string_value(json_object_get(g, "sites")),
                               json_string_value(json_object_get(g, "state")),
                               json_string_value(json_object_get(g, "last_seen")),
                               json_string_value(json_object_get(g, "version")),
                               spool, batches, refused};
        sl_table_add(t, cells);
    }
    if (t != NULL)
        sl_table_print(t, stdout, 40);
    sl_table_free(t);
}

static int agents_list(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct agents_args a;
    int rc = agents_options(argc, argv, &a,
                            "[--json] [--db LOCATION]\n\n"
                            "Lists enrolled agents: sites, state (ok, stale: silent for more "
                            "than twice\nits schedule, revoked), last seen, version, spool "
                            "depth (FULL: it has stopped\nstarting scans), batches applied, "
                            "records refused (outside its sites).\n");
    if (rc != SL_EXIT_OK || a.help)
        return rc;
    struct sl_store *s;
    if ((rc = open_register(cmd, a.db, &s)) != SL_EXIT_OK)
        return rc;
    json_t *arr = json_array();
    struct sl_err err = {0};
    rc = sl_store_agent_list(s, on_agent, arr, &err);
    if (rc != 0) {
        sl_store_close(s);
        json_decref(arr);
        return sl_cli_fail_err(cmd, &err);
    }
    if (a.json) {
        sl_store_close(s);
        sl_print_json(stdout, arr); /* takes arr */
        return SL_EXIT_OK;
    }
    print_agents(arr);
    sl_cli_print_pending_verifications(s);
    sl_store_close(s);
    json_decref(arr);
    return SL_EXIT_OK;
}

/* revoke NAME, rename NAME NEW */
static int agents_change(int argc, char **argv, bool rename)
{
    const char *cmd = argv[0];
    struct agents_args a;
    int rc = agents_options(argc, argv, &a,
                            rename ? "NAME NEW-NAME [--actor NAME] [--db LOCATION]\n\nRenames an agent.\n"
                                   : "NAME [--actor NAME] [--db LOCATION]\n\nRevokes an agent: its next "
                                     "request is refused, whatever its certificate says.\n");
    if (rc != SL_EXIT_OK || a.help)
        return rc;
    if (optind + (rename ? 2 : 1) != argc)
        return sl_cli_usage_error(cmd, rename ? "NAME and NEW-NAME are expected" : "NAME is expected");
    struct sl_store *s;
    if ((rc = open_register(cmd, a.db, &s)) != SL_EXIT_OK)
        return rc;
    struct sl_err err = {0};
    const char *actor = sl_cli_actor(a.actor);
    rc = rename ? sl_store_agent_rename(s, argv[optind], argv[optind + 1], actor, &err)
                : sl_store_agent_revoke(s, argv[optind], actor, &err);
    sl_store_close(s);
    if (rc < 0)
        return sl_cli_fail_err(cmd, &err);
    if (rc == 0)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, rename ? "no agent '%s'" : "no unrevoked agent '%s'",
                           argv[optind]);
    printf("%s %s\n", rename ? "renamed" : "revoked", argv[optind]);
    return SL_EXIT_OK;
}

static int agents_revoke(int argc, char **argv)
{
    return agents_change(argc, argv, false);
}

static int agents_rename(int argc, char **argv)
{
    return agents_change(argc, argv, true);
}

static const struct sl_command agents_commands[] = {
    {"token", "make a single-use enrolment token for a site's agent", agents_token},
    {"list", "list agents: state, last seen, version, spool", agents_list},
    {"revoke", "revoke an agent (refused from its next request)", agents_revoke},
    {"rename", "rename an agent", agents_rename},
    {"verify", "queue a verification of a site for its agent", sl_cmd_agents_verify},
    {"verifications", "list verification requests and their outcomes",
     sl_cmd_agents_verifications},
    {NULL, NULL, NULL},
};

int sl_cmd_agents(int argc, char **argv)
{
    return sl_cli_dispatch("sightline agents", agents_commands, argc, argv);
}
