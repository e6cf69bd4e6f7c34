/* cmd_verify.c - sightline verify: prove removed devices are gone.
 *
 * Reconciles what a scan of the sites' networks saw with the register
 * (programme/reconcile.h). The observations come from a scan's JSON lines
 * (--from-scan FILE, the output of `sightline scan --jsonl`). */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "programme/reconcile.h"
#include "scan/jsonl.h"
#include "programme/verify_scan.h"
#include "scan/scan.h"
#include "store/store.h"
#include "util/file.h"
#include "util/str.h"

#define MAX_SITES 4096

struct site_ids {
    int64_t ids[MAX_SITES];
    size_t n;
    char text[512];
};

static int all_cb(const struct sl_site *site, void *vctx)
{
    struct site_ids *c = vctx;
    if (c->n >= MAX_SITES)
        return 1;
    c->ids[c->n++] = site->id;
    return 0;
}

static void print_device(struct sl_store *s, const char *prefix, int64_t id, FILE *out)
{
    struct sl_device *d = malloc(sizeof *d);
    struct sl_err err;
    if (d != NULL && sl_store_device_get(s, id, d, &err) == 1)
        fprintf(out, "%sdevice %lld at %s (%s): %s %s%s%s\n", prefix, (long long)d->id,
                d->address[0] ? d->address : "-", d->site[0] ? d->site : "no site",
                d->claim.manufacturer[0] ? d->claim.manufacturer : "unknown", d->claim.model,
                d->claim.brand[0] ? ", sold as " : "", d->claim.brand);
    free(d);
}

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* What the rescan needs to know before it starts, and what it said. */
struct start_ctx {
    const char *cmd;
    uint64_t max_addresses; /* 0 = not given */
    int refused;            /* the exit code of a refusal, or 0 */
};

/* The rescan's size is checked like a scan's (--max-addresses, or a yes). */
static int on_start(uint64_t addresses, const char *targets, void *vctx)
{
    struct start_ctx *c = vctx;
    c->refused = sl_cli_scan_size_ok(c->cmd, addresses, c->max_addresses, false);
    if (c->refused != 0)
        return c->refused;
    fprintf(stderr, "%s: scanning %llu addresses (%s)\n", c->cmd, (unsigned long long)addresses,
            targets);
    return 0;
}

static void print_result(struct sl_store *s, const char *sites, int64_t scan_id, bool complete,
                         const struct sl_reconcile_result *res, bool json)
{
    if (json) {
        json_t *j = json_pack("{s:I, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                              "scan", (json_int_t)scan_id, "sites", sites, "complete", complete,
                              "observations", (json_int_t)res->observations, "outside",
                              (json_int_t)res->outside, "matched", (json_int_t)res->matched,
                              "added", (json_int_t)res->added, "ignored", (json_int_t)res->ignored,
                              "verified_absent", (json_int_t)res->verified_absent, "reappeared",
                              (json_int_t)res->reappeared, "missing", (json_int_t)res->missing,
                              "unidentified_at_removed", (json_int_t)res->unidentified,
                              "still_reappeared", (json_int_t)res->still_reappeared);
        json_t *ra = json_array(), *ms = json_array(), *va = json_array(), *ad = json_array();
        for (size_t i = 0; i < res->reappeared && i < SL_RECONCILE_LISTED; i++)
            json_array_append_new(ra, json_integer(res->reappeared_ids[i]));
        for (size_t i = 0; i < res->missing && i < SL_RECONCILE_LISTED; i++)
            json_array_append_new(ms, json_integer(res->missing_ids[i]));
        for (size_t i = 0; i < res->verified_absent && i < SL_RECONCILE_LISTED; i++)
            json_array_append_new(va, json_integer(res->verified_ids[i]));
        for (size_t i = 0; i < res->added && i < SL_RECONCILE_LISTED; i++)
            json_array_append_new(ad, json_integer(res->added_ids[i]));
        json_object_set_new(j, "reappeared_ids", ra);
        json_object_set_new(j, "missing_ids", ms);
        json_object_set_new(j, "verified_ids", va);
        json_object_set_new(j, "added_ids", ad);
        sl_print_json(stdout, j);
    } else {
        printf("verification scan %lld of %s: %zu devices seen (%zu outside these sites)%s\n",
               (long long)scan_id, sites, res->observations, res->outside,
               complete ? "" : " - INCOMPLETE: nothing verified absent");
        printf("  verified absent   %zu\n  reappeared        %zu\n  newly registered  %zu\n"
               "  missing           %zu (outstanding, not seen)\n  already known     %zu\n",
               res->verified_absent, res->reappeared, res->added, res->missing, res->matched);
        if (res->still_reappeared > 0)
            printf("  still reappeared  %zu (seen again, flagged before)\n", res->still_reappeared);
        for (size_t i = 0; i < res->missing && i < 10; i++)
            print_device(s, "  missing: ", res->missing_ids[i], stdout);
    }
    for (size_t i = 0; i < res->reappeared && i < SL_RECONCILE_LISTED; i++)
        print_device(s, "REAPPEARED after removal: ", res->reappeared_ids[i], stderr);
    for (size_t i = 0; i < res->unidentified && i < SL_RECONCILE_LISTED; i++)
        fprintf(stderr, "CHECK: something unidentified answers at %s, where a removed device was\n",
                res->unidentified_at[i]);
}

static int resolve_sites(const char *cmd, struct sl_store *s, bool all, const char *const *names,
                         size_t n_names, struct site_ids *sites)
{
    struct sl_err err = {0};
    if (all) {
        if (sl_store_site_list(s, all_cb, sites, &err) != 0)
            return sl_cli_fail_err(cmd, &err);
        sl_strlcpy(sites->text, "all sites", sizeof sites->text);
        return 0;
    }
    for (size_t i = 0; i < n_names; i++) {
        struct sl_site site;
        int got = sl_store_site_get(s, names[i], &site, &err);
        if (got <= 0)
            return got == 0 ? sl_cli_fail(cmd, SL_EXIT_USAGE, "no site named '%s'", names[i])
                            : sl_cli_fail_err(cmd, &err);
        sites->ids[sites->n++] = site.id;
        size_t l = strlen(sites->text);
        snprintf(sites->text + l, sizeof sites->text - l, "%s%s", l ? ", " : "", site.name);
        sl_site_free(&site);
    }
    return 0;
}

struct verify_args {
    const char *db, *actor, *from, *ports;
    int64_t timeout, rate, conc, max_addresses;
    const char *names[64];
    size_t n_names;
    bool all, json, fail_reappeared, help;
};

static int verify_by_scanning(const char *cmd, const struct verify_args *a)
{
    struct sl_err err = {0};
    struct sl_store *s = NULL;
    struct site_ids *sites = calloc(1, sizeof *sites);
    struct sl_verify_scan_result *res = malloc(sizeof *res);
    int ret = SL_EXIT_OK;
    if (sites == NULL || res == NULL) {
        ret = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
        goto out;
    }
    if (sl_store_open(&s, sl_cli_db_path(a->db), 0, &err) != 0) {
        ret = sl_cli_fail_err(cmd, &err);
        goto out;
    }
    if ((ret = resolve_sites(cmd, s, a->all, a->names, a->n_names, sites)) != 0)
        goto out;
    struct start_ctx start = {cmd, (uint64_t)a->max_addresses, 0};
    struct sl_verify_scan_opts vo = {sites->ids,          sites->n,       a->ports,
                                     (unsigned)a->timeout, (double)a->rate, (unsigned)a->conc,
                                     sl_cli_actor(a->actor), &stop_flag,   on_start,
                                     &start};
    stop_flag = 0;
    sl_cli_catch_signals(on_signal);
    int rc = sl_verify_scan(s, &vo, res, &err);
    sl_cli_default_signals();
    if (rc != 0) {
        ret = start.refused != 0 ? start.refused /* already said why */
                                 : sl_cli_fail(cmd, sl_cli_exit_for(&err), "%s", err.msg);
        goto out;
    }
    print_result(s, sites->text, res->scan_id, res->complete, &res->rec, a->json);
    if (!res->complete)
        ret = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "scan %lld interrupted: recorded as incomplete",
                          (long long)res->scan_id);
    else if (a->fail_reappeared && res->rec.reappeared + res->rec.still_reappeared > 0)
        ret = SL_EXIT_FINDINGS;
out:
    sl_store_close(s);
    free(sites);
    free(res);
    return ret;
}

static void verify_usage(const char *cmd)
{
    printf("Usage: %s (--site NAME... | --all) [--from-scan FILE] [--fail-on reappeared]\n"
           "          [--ports LIST] [--timeout MS] [--rate N] [--concurrency N]\n"
           "          [--max-addresses N]\n"
           "          [--json] [--actor NAME] [--db PATH]\n\n"
           "Rescans the networks of the sites (only those networks: scan only what you\n"
           "are authorised to) and reconciles what answered with the register:\n"
           "  removed, not seen (complete scan)    -> verified_absent\n"
           "  removed or verified absent, seen     -> reappeared (listed loudly)\n"
           "  prohibited/replace-by, not registered -> added as discovered\n"
           "  outstanding, not seen                -> listed as missing (no change)\n"
           "Seen again needs the same MAC, serial, or maker at the same address;\n"
           "something unidentified at a removed device's address is listed to check.\n"
           "--from-scan reconciles a scan made earlier instead (the JSON lines of\n"
           "'sightline scan --jsonl'; - = stdin): only a whole, complete scan whose\n"
           "targets hold every removed device of the sites counts as proof; anything\n"
           "else (cut off, incomplete, another network) is refused with exit 2 and\n"
           "nothing changes. --ports etc. as for 'sightline scan'; a rescan of more\n"
           "than 65536 addresses needs --max-addresses N (or a yes at a terminal).\n"
           "Exit 1 with --fail-on reappeared when a removed device answers (newly\n"
           "reappeared, or still there from an earlier verification).\n",
           cmd);
}

/* One option. 0, or an exit code. */
static int verify_option(const char *cmd, int o, struct verify_args *a)
{
    switch (o) {
    case 's':
        if (a->n_names == 64)
            return sl_cli_usage_error(cmd, "at most 64 --site options (use --all)");
        a->names[a->n_names++] = optarg;
        break;
    case 'a': a->all = true; break;
    case 'f': a->from = optarg; break;
    case 'p': a->ports = optarg; break;
    case 'T':
        if (sl_parse_i64(optarg, 1, 600000, &a->timeout) != 0)
            return sl_cli_usage_error(cmd, "--timeout takes milliseconds (1 to 600000)");
        break;
    case 'r':
        if (sl_parse_i64(optarg, 1, 10000000, &a->rate) != 0)
            return sl_cli_usage_error(cmd, "--rate takes probes a second");
        break;
    case 'c':
        if (sl_parse_i64(optarg, 1, 1000000, &a->conc) != 0)
            return sl_cli_usage_error(cmd, "--concurrency takes a number of connections");
        if ((uint64_t)a->conc > sl_scan_max_concurrency())
            return sl_cli_usage_error(cmd, "--concurrency %lld is above what the file limit "
                                           "allows (%u)",
                                      (long long)a->conc, sl_scan_max_concurrency());
        break;
    case 'M':
        if (sl_parse_i64(optarg, 1, INT64_MAX, &a->max_addresses) != 0)
            return sl_cli_usage_error(cmd, "--max-addresses must be a positive number");
        break;
    case 'F':
        if (strcmp(optarg, "reappeared") == 0)
            a->fail_reappeared = true;
        else if (strcmp(optarg, "never") != 0)
            return sl_cli_usage_error(cmd, "--fail-on must be reappeared or never");
        break;
    case 'j': a->json = true; break;
    case 'A': a->actor = optarg; break;
    case 'D': a->db = optarg; break;
    case 'h': a->help = true; break;
    default: return sl_cli_bad_option(cmd);
    }
    return SL_EXIT_OK;
}

/* The largest scan stream --from-scan reads (a scan of millions of devices). */
#define VERIFY_MAX_STREAM ((size_t)4 << 30)

/* Reads and parses the scan stream; refuses (exit 2) one that is no proof of
 * absence. 0, or an exit code. */
static int load_stream(const char *cmd, const char *path, char **data,
                       struct sl_observation **obs, size_t *n_obs, struct sl_jsonl_result *jr)
{
    struct sl_err err = {0};
    size_t len;
    *data = sl_read_file(path, VERIFY_MAX_STREAM, &len, &err);
    if (*data == NULL)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
    if (sl_scan_jsonl_parse(*data, len, obs, n_obs, jr, &err) != 0)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s: %s", path, err.msg);
    for (size_t i = 0; i < jr->n_problems && i < SL_JSONL_MAX_PROBLEMS; i++)
        fprintf(stderr, "%s: %s: %s\n", cmd, path, jr->problems[i]);
    if (jr->n_problems > SL_JSONL_MAX_PROBLEMS)
        fprintf(stderr, "%s: %s: ... %zu bad lines in all\n", cmd, path, jr->n_problems);
    const char *why = sl_jsonl_proof_problem(jr);
    if (why != NULL)
        return sl_cli_fail(cmd, SL_EXIT_USAGE,
                           "%s is no proof of absence: %s; nothing changed", path, why);
    return SL_EXIT_OK;
}

/* The verification scan's record and the reconciliation, in one transaction:
 * a refusal leaves the register as it was. 0, or -1 with err. */
static int reconcile_stream(struct sl_store *s, const struct verify_args *a,
                            const struct site_ids *sites, const struct sl_observation *obs,
                            size_t n_obs, const struct sl_jsonl_result *jr, int64_t *scan_id,
                            struct sl_reconcile_result *res, struct sl_err *err)
{
    char targets[700];
    snprintf(targets, sizeof targets, "%s (from %s)", sites->text, a->from);
    const char *who = sl_cli_actor(a->actor);
    if (sl_store_begin(s, err) != 0)
        return -1;
    if (sl_store_scan_begin(s, sites->n == 1 ? sites->ids[0] : 0, "verify", targets, NULL, who,
                            scan_id, err) != 0)
        goto fail;
    struct sl_reconcile_opts ro = {sites->ids, sites->n, true, *scan_id, who, jr};
    if (sl_reconcile(s, obs, n_obs, &ro, res, err) != 0 ||
        sl_store_scan_finish(s, *scan_id, SL_SCAN_COMPLETE, (int64_t)n_obs,
                             (int64_t)(res->observations - res->outside),
                             (int64_t)res->matched + (int64_t)res->added, who, err) != 0)
        goto fail;
    return sl_store_commit(s, err);
fail:
    sl_store_rollback(s);
    return -1;
}

/* Reconciles a scan made earlier (its JSON lines) with the register: only a
 * whole, complete scan whose targets hold every removed device it is to
 * prove absent (sl_jsonl_proof_problem, reconcile.h). */
static int verify_from_scan(const char *cmd, const struct verify_args *a)
{
    struct sl_err err = {0};
    char *data = NULL;
    struct sl_observation *obs = NULL;
    size_t n_obs = 0;
    struct sl_jsonl_result *jr = calloc(1, sizeof *jr);
    struct site_ids *sites = calloc(1, sizeof *sites);
    struct sl_reconcile_result *res = malloc(sizeof *res);
    struct sl_store *s = NULL;
    int ret = SL_EXIT_OK;
    if (jr == NULL || sites == NULL || res == NULL) {
        ret = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
        goto out;
    }
    if ((ret = load_stream(cmd, a->from, &data, &obs, &n_obs, jr)) != SL_EXIT_OK)
        goto out;
    if (sl_store_open(&s, sl_cli_db_path(a->db), 0, &err) != 0) {
        ret = sl_cli_fail_err(cmd, &err);
        goto out;
    }
    if ((ret = resolve_sites(cmd, s, a->all, a->names, a->n_names, sites)) != 0)
        goto out;
    int64_t scan_id = 0;
    if (reconcile_stream(s, a, sites, obs, n_obs, jr, &scan_id, res, &err) != 0) {
        ret = sl_cli_fail(cmd, sl_cli_exit_for(&err), "%s%s", err.msg,
                          err.kind == SL_ERR_INVALID ? "; nothing changed" : "");
        goto out;
    }
    print_result(s, sites->text, scan_id, true, res, a->json);
    if (a->fail_reappeared && res->reappeared + res->still_reappeared > 0)
        ret = SL_EXIT_FINDINGS;
out:
    sl_store_close(s);
    free(data);
    free(obs);
    if (jr != NULL)
        sl_jsonl_result_free(jr);
    free(jr);
    free(sites);
    free(res);
    return ret;
}

int sl_cmd_verify(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"site", required_argument, NULL, 's'},
        {"all", no_argument, NULL, 'a'},
        {"from-scan", required_argument, NULL, 'f'},
        {"ports", required_argument, NULL, 'p'},
        {"timeout", required_argument, NULL, 'T'},
        {"rate", required_argument, NULL, 'r'},
        {"concurrency", required_argument, NULL, 'c'},
        {"fail-on", required_argument, NULL, 'F'},
        {"max-addresses", required_argument, NULL, 'M'},
        {"json", no_argument, NULL, 'j'},
        {"actor", required_argument, NULL, 'A'},
        {"db", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct verify_args a;
    memset(&a, 0, sizeof a);
    int o, rc;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if ((rc = verify_option(cmd, o, &a)) != SL_EXIT_OK)
            return rc;
        if (a.help) {
            verify_usage(cmd);
            return SL_EXIT_OK;
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (a.all == (a.n_names > 0))
        return sl_cli_usage_error(cmd, "say which sites: --site NAME (repeatable) or --all");
    if (a.from == NULL)
        return verify_by_scanning(cmd, &a);
    return verify_from_scan(cmd, &a);
}
