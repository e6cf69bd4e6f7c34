/* cmd_reassess.c - sightline devices reassess: the register's devices
 * identified and judged again with today's rules and policies, every change
 * recorded in the verdict history (programme/reassess.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "programme/reassess.h"
#include "util/datadir.h"
#include "util/str.h"

#define DEFAULT_EXAMPLES 10

static void reassess_usage(const char *cmd)
{
    printf("Usage: %s [--site NAME] [--dry-run] [--policy IDS] [--examples N]\n"
           "          [--quiet] [--db LOCATION] [--actor NAME]\n\n"
           "Identifies every device again from its stored evidence (the evidence of its\n"
           "newest scan) with the rules loaded now, and judges it again with the policies\n"
           "in force now at its site's tier (outside every site: sensitive, as a scan\n"
           "does). Run it after a rule, registry or policy change. Each device whose\n"
           "claim (manufacturer, model, firmware, confidence, rules) or verdict\n"
           "(decision, policy, deadline) changes gets the new one, and the change is\n"
           "recorded in the verdict history with an audit entry: a report as of a date\n"
           "before it keeps the verdict that held then, and the report lists the change\n"
           "with its rules and policy version. A device with no stored evidence keeps\n"
           "its claim and is judged again.\n\n"
           "  --site NAME      only that site's devices\n"
           "  --dry-run        say what would change; write nothing\n"
           "  --policy IDS     policies in force (comma-separated; default: the data's)\n"
           "  --examples N     changes printed (default %d; 0 = none; the counts are all)\n"
           "  --quiet          the summary line only\n"
           "Progress goes to standard error on a terminal every 1,000 devices.\n",
           cmd, DEFAULT_EXAMPLES);
}

struct out_ctx {
    const char *cmd;
    bool dry, tty;
    int64_t examples, printed;
};

static void on_change(const struct sl_reassess_change *c, void *vctx)
{
    struct out_ctx *o = vctx;
    if (o->printed >= o->examples)
        return;
    o->printed++;
    const struct sl_device *d = c->d;
    char rules[SL_CLAIM_RULES_TEXT];
    sl_claim_rules_text(c->claim, " ", rules, sizeof rules);
    printf("  device %lld (%s%s%s): ", (long long)d->id, d->site[0] ? d->site : "no site",
           d->address[0] ? ", " : "", d->address);
    if (c->what & SL_CHANGED_VERDICT)
        printf("%s -> %s", sl_decision_name(d->verdict.decision),
               sl_decision_name(c->verdict->decision));
    else
        printf("verdict %s unchanged", sl_decision_name(d->verdict.decision));
    if (c->what & SL_CHANGED_CLAIM)
        printf("; claim %s -> %s", d->claim.manufacturer[0] ? d->claim.manufacturer : "unknown",
               c->claim->manufacturer[0] ? c->claim->manufacturer : "unknown");
    printf("; rules: %s; policy %s %s\n", rules[0] ? rules : "none",
           c->verdict->policy[0] ? c->verdict->policy : "none",
           c->verdict->policy_version[0] ? c->verdict->policy_version : "");
    if (c->verdict->reason[0])
        printf("      why: %s\n", c->verdict->reason);
}

static void on_progress(int64_t done, int64_t total, void *vctx)
{
    struct out_ctx *o = vctx;
    if (!o->tty)
        return;
    fprintf(stderr, "%s: %lld of %lld devices examined\r", o->cmd, (long long)done,
            (long long)total);
    if (done >= total)
        fputc('\n', stderr);
}

struct reassess_args {
    const char *db, *site, *policy, *actor;
    bool dry, quiet;
    int64_t examples;
};

static int run(const char *cmd, const struct reassess_args *a)
{
    struct sl_err err = {0};
    struct sl_ident *ident = NULL;
    struct sl_policy_set *ps = NULL;
    struct sl_store *s = NULL;
    int rc = SL_EXIT_OK;
    if (sl_ident_load(&ident, sl_datadir(), &err) != 0 ||
        sl_policy_load(&ps, sl_datadir(), &err) != 0 ||
        sl_policy_select(ps, a->policy, &err) != 0) {
        rc = sl_cli_fail(cmd, a->policy != NULL ? SL_EXIT_USAGE : SL_EXIT_RUNTIME, "%s",
                         err.msg);
        goto done;
    }
    if (sl_store_open(&s, sl_cli_db_path(a->db), 0, &err) != 0) {
        rc = sl_cli_fail_err(cmd, &err);
        goto done;
    }
    struct out_ctx oc = {cmd, a->dry, !a->quiet && sl_cli_stderr_is_tty(),
                         a->quiet ? 0 : a->examples, 0};
    struct sl_reassess_opts o = {ident, ps, a->site, a->dry, sl_cli_actor(a->actor),
                                 on_change, on_progress, &oc};
    struct sl_reassess_result res;
    if (sl_reassess_run(s, &o, &res, &err) != 0) {
        rc = sl_cli_fail_err(cmd, &err);
        goto done;
    }
    int64_t changed = res.claims_changed > res.verdicts_changed ? res.claims_changed
                                                                : res.verdicts_changed;
    if (oc.printed < changed && oc.printed > 0)
        printf("  ... and more (the report's verdict changes list them all)\n");
    printf("%s: %lld device%s examined (%lld without stored evidence): %lld claim%s and %lld "
           "verdict%s %s\n",
           a->dry ? "dry run" : "reassessed", (long long)res.examined,
           res.examined == 1 ? "" : "s", (long long)res.without_evidence,
           (long long)res.claims_changed, res.claims_changed == 1 ? "" : "s",
           (long long)res.verdicts_changed, res.verdicts_changed == 1 ? "" : "s",
           a->dry ? "would change; nothing written" : "changed, each recorded with an audit entry");
done:
    sl_store_close(s);
    sl_policy_free(ps);
    sl_ident_free(ident);
    return rc;
}

int sl_cmd_devices_reassess(int argc, char **argv)
{
    const char *cmd = argv[0];
    enum { OPT_SITE = 256, OPT_DRY, OPT_POLICY, OPT_EXAMPLES, OPT_QUIET, OPT_DB, OPT_ACTOR };
    static const struct option opts[] = {
        {"site", required_argument, NULL, OPT_SITE},
        {"dry-run", no_argument, NULL, OPT_DRY},
        {"policy", required_argument, NULL, OPT_POLICY},
        {"examples", required_argument, NULL, OPT_EXAMPLES},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"db", required_argument, NULL, OPT_DB},
        {"actor", required_argument, NULL, OPT_ACTOR},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct reassess_args a = {NULL, NULL, NULL, NULL, false, false, DEFAULT_EXAMPLES};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_SITE: a.site = optarg; break;
        case OPT_DRY: a.dry = true; break;
        case OPT_POLICY: a.policy = optarg; break;
        case OPT_EXAMPLES:
            if (sl_parse_i64(optarg, 0, 1000000, &a.examples) != 0)
                return sl_cli_usage_error(cmd, "--examples takes a number from 0 to 1000000");
            break;
        case OPT_QUIET: a.quiet = true; break;
        case OPT_DB: a.db = optarg; break;
        case OPT_ACTOR: a.actor = optarg; break;
        case 'h': reassess_usage(cmd); return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    return run(cmd, &a);
}
