/* cmd_demo.c - sightline demo seed: a believable removal programme to look at. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/demo_history.h"
#include "store/store.h"
#include "util/str.h"

/* What a demo command does inside the demo's register. 0 or -1. */
typedef int (*demo_work)(struct sl_store *s, const struct sl_demo_opts *o, void *out,
                         struct sl_err *err);

static int do_seed(struct sl_store *s, const struct sl_demo_opts *o, void *out,
                   struct sl_err *err)
{
    return sl_demo_seed(s, o, out, err);
}

static int do_sites(struct sl_store *s, const struct sl_demo_opts *o, void *out,
                    struct sl_err *err)
{
    return sl_demo_sites(s, o, out, err);
}

/* Opens the register, claims it for the demo (refusing a real one) and does
 * the work, all in one transaction. An exit code. */
static int in_demo_register(const char *cmd, const char *db, const struct sl_demo_opts *o,
                            demo_work work, void *out)
{
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, sl_cli_db_path(db), 0, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    int rc = sl_store_begin(s, &err);
    if (rc == 0 && (sl_demo_claim_register(s, o->actor, &err) != 0 ||
                    work(s, o, out, &err) != 0)) {
        sl_store_rollback(s);
        rc = -1;
    } else if (rc == 0) {
        rc = sl_store_commit(s, &err);
    }
    sl_store_close(s);
    return rc != 0 ? sl_cli_fail_err(cmd, &err) : SL_EXIT_OK;
}

static int demo_seed(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"seed", required_argument, NULL, 's'},
        {"now", required_argument, NULL, 'n'},
        {"scale", required_argument, NULL, 'x'},
        {"sites", required_argument, NULL, 'S'},
        {"actor", required_argument, NULL, 'A'},
        {"db", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sl_demo_opts o = {2022, 0, 1.0, NULL, NULL};
    const char *db = NULL, *actor = NULL, *now_s = NULL;
    int64_t v;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (sl_parse_i64(optarg, 0, INT64_MAX, &v) != 0)
                return sl_cli_usage_error(cmd, "--seed takes a whole number");
            o.seed = (uint64_t)v;
            break;
        case 'n': now_s = optarg; break;
        case 'x':
            if (sl_parse_double(optarg, &o.scale) != 0 || o.scale <= 0 || o.scale > 100)
                return sl_cli_usage_error(cmd, "--scale takes a number above 0, up to 100");
            break;
        case 'S': o.sites_csv = optarg; break;
        case 'A': actor = optarg; break;
        case 'D': db = optarg; break;
        case 'h':
            printf("Usage: %s [--seed N] [--now DATE] [--scale X] [--sites FILE.csv]\n"
                   "          [--actor NAME] [--db PATH]\n\n"
                   "Adds a year of believable removal-programme history to the register,\n"
                   "ending on --now (default: now, which $SIGHTLINE_NOW can pin): Hikvision\n"
                   "and Dahua devices (and their rebadges) at the sites, dated discovery,\n"
                   "scheduling, removals with replaced-by, verification, exemptions (one\n"
                   "expired), one reappearance and UK-style milestones. When the register has\n"
                   "no sites, --sites (default data/demo/sites.csv) is imported first.\n"
                   "Only into an empty register (which becomes the demo's) or one the\n"
                   "demo made ('demo init'); every event and audit entry is marked demo.\n"
                   "Devices a scan registered stay as they are; the generated ones take free\n"
                   "addresses at the top of each site's last network. Same seed and date,\n"
                   "same history. See docs/programme.md.\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    o.now = sl_now();
    if (now_s != NULL && sl_time_parse_end_of_day(now_s, &o.now) != 0)
        return sl_cli_usage_error(cmd, "--now: '%s' is not a date", now_s);
    o.actor = sl_cli_actor(actor);
    struct sl_demo_summary sum;
    int rc = in_demo_register(cmd, db, &o, do_seed, &sum);
    if (rc != SL_EXIT_OK)
        return rc;
    char end[SL_DATE_LEN];
    sl_time_date(o.now, end);
    if (sum.sites_imported)
        printf("imported %zu demo sites\n", sum.sites_imported);
    if (sum.adopted)
        printf("%zu affected devices already in the register joined the programme\n",
               sum.adopted);
    printf("seeded a year of programme history ending %s: %zu devices, %zu events\n"
           "  %zu removed (%zu verified absent), %zu exempt, %zu reappeared, %zu milestones\n",
           end, sum.devices, sum.events, sum.removed, sum.verified, sum.exempt, sum.reappeared,
           sum.milestones);
    return SL_EXIT_OK;
}

/* demo init: an empty register made the demo's, with the demo's sites. */
static int demo_init(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"sites", required_argument, NULL, 'S'},
        {"actor", required_argument, NULL, 'A'},
        {"db", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sl_demo_opts o = {2022, 0, 1.0, NULL, NULL};
    const char *db = NULL, *actor = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'S': o.sites_csv = optarg; break;
        case 'A': actor = optarg; break;
        case 'D': db = optarg; break;
        case 'h':
            printf("Usage: %s [--sites FILE.csv] [--actor NAME] [--db PATH]\n\n"
                   "Makes an empty register the demo's (its first audit entry says so, and\n"
                   "everything the demo writes is marked demo) and imports the demo's sites\n"
                   "(default data/demo/sites.csv). Refuses a register that holds anything.\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    o.actor = sl_cli_actor(actor);
    size_t imported = 0;
    int rc = in_demo_register(cmd, db, &o, do_sites, &imported);
    if (rc != SL_EXIT_OK)
        return rc;
    printf("a demo register: %zu demo sites imported\n", imported);
    return SL_EXIT_OK;
}

static const struct sl_command demo_commands[] = {
    {"init", "make an empty register the demo's, with its sites", demo_init},
    {"seed", "add a year of believable removal-programme history", demo_seed},
    {NULL, NULL, NULL},
};

int sl_cmd_demo(int argc, char **argv)
{
    return sl_cli_dispatch("sightline demo", demo_commands, argc, argv);
}
