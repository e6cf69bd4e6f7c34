/* cmd_agents_verify.c - sightline agents verify|verifications: verification
 * requests for sites behind their agents (store/verifications.h); the agent
 * runs them and its outcome is applied by programme/agent_verify.c. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "store/verifications.h"
#include "util/str.h"
#include "util/table.h"
#include "util/timeutil.h"

struct vargs {
    const char *db, *read_db, *actor, *site;
    bool json, all;
};

/* 0, an exit code, or -1 when help was shown. */
static int vargs_parse(int argc, char **argv, struct vargs *a, const char *usage)
{
    static const struct option opts[] = {
        {"site", required_argument, NULL, 's'},  {"db", required_argument, NULL, 'D'},
        {"read-db", required_argument, NULL, 'R'}, {"actor", required_argument, NULL, 'A'},
        {"json", no_argument, NULL, 'j'},          {"all", no_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': a->site = optarg; break;
        case 'D': a->db = optarg; break;
        case 'R': a->read_db = optarg; break;
        case 'A': a->actor = optarg; break;
        case 'j': a->json = true; break;
        case 'a': a->all = true; break;
        case 'h':
            printf("Usage: %s", argv[0]);
            fputs(usage, stdout);
            return -1;
        default: return sl_cli_bad_option(argv[0]);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
    return SL_EXIT_OK;
}

int sl_cmd_agents_verify(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct vargs a = {0};
    int rc = vargs_parse(argc, argv, &a,
                         " --site NAME [--actor NAME] [--db LOCATION]\n\n"
                         "Queues a verification of a site for its agent: at its next\n"
                         "configuration pull (within a minute while it runs) the agent rescans\n"
                         "the site's networks, less its exclusions, as 'sightline verify' does,\n"
                         "and posts what it saw; the server reconciles it with the register as\n"
                         "a local 'sightline verify --site NAME' would (removed devices not seen\n"
                         "-> verified absent, seen -> reappeared) and marks the request done.\n"
                         "For a site the central machine can reach, 'sightline verify' does it\n"
                         "at once. Audited (agent.verify_request, agent.verify_done).\n");
    if (rc != SL_EXIT_OK)
        return rc < 0 ? SL_EXIT_OK : rc;
    if (a.site == NULL)
        return sl_cli_usage_error(cmd, "--site NAME is required");
    struct sl_store *s = NULL;
    struct sl_err err = {0};
    if (sl_store_open(&s, sl_cli_db_path(a.db), 0, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    struct sl_site site = {0};
    rc = sl_cli_site(cmd, s, a.site, &site);
    sl_site_free(&site);
    int64_t id = 0;
    if (rc == SL_EXIT_OK && sl_store_verify_req_add(s, site.id, sl_cli_actor(a.actor), &id, &err) != 0)
        rc = sl_cli_fail_err(cmd, &err);
    else if (rc == SL_EXIT_OK)
        printf("verification request %lld queued for site '%s' (its agent runs it at its next "
               "configuration pull)\n",
               (long long)id, site.name);
    sl_store_close(s);
    return rc;
}

static json_t *req_json(const struct sl_verify_req *r)
{
    char at[SL_ISO_LEN], done[SL_ISO_LEN] = "";
    sl_time_iso(r->requested_at, at);
    if (r->done)
        sl_time_iso(r->done_at, done);
    json_error_t je;
    json_t *outcome = r->outcome[0] ? json_loads(r->outcome, 0, &je) : NULL;
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:I, s:o*}", "request",
                     (json_int_t)r->id, "site", r->site, "state", r->done ? "done" : "pending",
                     "requested_by", r->requested_by, "requested_at", at, "agent",
                     r->done ? r->agent : NULL, "done_at", r->done ? done : NULL, "scan",
                     (json_int_t)r->scan_id, "outcome", outcome);
}

static int on_req(const struct sl_verify_req *r, void *ctx)
{
    json_array_append_new(ctx, req_json(r));
    return 0;
}

static void print_reqs(json_t *arr)
{
    static const char *const head[] = {"request", "site", "state", "requested", "by", "agent",
                                       "outcome"};
    struct sl_table *t = sl_table_new(7, head);
    size_t i;
    json_t *r;
    json_array_foreach(arr, i, r) {
        char id[24], outcome[160] = "";
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(r, "request")));
        json_t *o = json_object_get(r, "outcome");
        if (o != NULL)
            snprintf(outcome, sizeof outcome, "%s: %lld verified absent, %lld reappeared",
                     json_is_true(json_object_get(o, "complete")) ? "complete" : "INCOMPLETE",
                     (long long)json_integer_value(json_object_get(o, "verified_absent")),
                     (long long)json_integer_value(json_object_get(o, "reappeared")));
        const char *agent = json_string_value(json_object_get(r, "agent"));
        const char *cells[] = {id, json_string_value(json_object_get(r, "site")),
                               json_string_value(json_object_get(r, "state")),
                               json_string_value(json_object_get(r, "requested_at")),
                               json_string_value(json_object_get(r, "requested_by")),
                               agent != NULL ? agent : "-", outcome};
        sl_table_add(t, cells);
    }
    if (t != NULL && sl_table_rows(t) > 0)
        sl_table_print(t, stdout, 60);
    else
        printf("no verification requests\n");
    sl_table_free(t);
}

int sl_cmd_agents_verifications(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct vargs a = {0};
    int rc = vargs_parse(argc, argv, &a,
                         " [--site NAME] [--all] [--json] [--db PATH] [--read-db LOCATION]\n\n"
                         "Lists the verification requests queued for agents: pending ones, or\n"
                         "with --all the done ones too, with the agent that ran each and its\n"
                         "outcome (complete or not, devices verified absent, reappeared).\n");
    if (rc != SL_EXIT_OK)
        return rc < 0 ? SL_EXIT_OK : rc;
    struct sl_store *s = NULL;
    struct sl_err err = {0};
    if (sl_cli_open_read(&s, a.db, a.read_db, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    struct sl_site site = {0};
    if (a.site != NULL && (rc = sl_cli_site(cmd, s, a.site, &site)) != SL_EXIT_OK) {
        sl_store_close(s);
        return rc;
    }
    int64_t site_id = site.id;
    sl_site_free(&site);
    json_t *arr = json_array();
    rc = sl_store_verify_req_list(s, site_id, !a.all, on_req, arr, &err) != 0
             ? sl_cli_fail_err(cmd, &err)
             : SL_EXIT_OK;
    sl_store_close(s);
    if (rc == SL_EXIT_OK && a.json)
        sl_print_json(stdout, json_incref(arr));
    else if (rc == SL_EXIT_OK)
        print_reqs(arr);
    json_decref(arr);
    return rc;
}

static int count_req(const struct sl_verify_req *r, void *ctx)
{
    (void)r;
    ++*(size_t *)ctx;
    return 0;
}

void sl_cli_print_pending_verifications(struct sl_store *s)
{
    size_t n = 0;
    struct sl_err err = {0};
    if (sl_store_verify_req_list(s, 0, true, count_req, &n, &err) == 0 && n > 0)
        printf("%zu verification request%s pending (sightline agents verifications)\n", n,
               n == 1 ? "" : "s");
}
