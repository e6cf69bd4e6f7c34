/* cmd_milestones.c - sightline milestones add|list|rm */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "programme/milestone_fields.h"
#include "programme/progress.h"
#include "report/report.h"
#include "store/store.h"
#include "util/str.h"
#include "util/table.h"

static int ms_add(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"due", required_argument, NULL, 'd'},
        {"percent", required_argument, NULL, 'p'},
        {"count", required_argument, NULL, 'c'},
        {"scope", required_argument, NULL, 's'},
        {"actor", required_argument, NULL, 'A'},
        {"db", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sl_milestone m;
    memset(&m, 0, sizeof m);
    const char *db = NULL, *actor = NULL, *due = NULL, *scope = NULL;
    const char *pct = NULL, *count = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'd': due = optarg; break;
        case 'p': pct = optarg; break;
        case 'c': count = optarg; break;
        case 's': scope = optarg; break;
        case 'A': actor = optarg; break;
        case 'D': db = optarg; break;
        case 'h':
            printf("Usage: %s NAME --due DATE (--percent P | --count N)\n"
                   "          [--scope all|tier:TIER|department:NAME|site:NAME] [--db PATH]\n\n"
                   "Adds a dated target: by DATE, P%% of the affected devices in scope are\n"
                   "replaced (removed or verified absent), or N of them are. Status in reports:\n"
                   "met / missed once due; before that met (reached early), on track or at\n"
                   "risk (the forecast says it will be missed).\n"
                   "Example (the UK model): --percent 50; then '70%% of the rest' is\n"
                   "--percent 85; 'all by April' is --percent 100 --due 2025-04-30.\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind + 1 != argc)
        return sl_cli_usage_error(cmd, "exactly one milestone NAME is expected");
    const char *name = argv[optind];
    int trc = sl_cli_text_arg(cmd, "the name", name);
    if (trc != 0)
        return trc;
    struct sl_err err = {0};
    if (sl_milestone_from_fields(&m, name, due, pct, count, scope, true, &err) != 0)
        return sl_cli_usage_error(cmd, "%s", err.msg);
    struct sl_store *s;
    if (sl_store_open(&s, sl_cli_db_path(db), 0, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    int rc = sl_store_milestone_add(s, &m, sl_cli_actor(actor), NULL, &err);
    sl_store_close(s);
    if (rc != 0)
        return sl_cli_fail(cmd, sl_cli_exit_for(&err),
                           "%s", err.msg);
    printf("added milestone '%s': %s%s of affected devices (%s%s%s) replaced by %s\n", m.name,
           pct ? "" : count, pct ? pct : "", m.scope_kind, m.scope_value[0] ? ": " : "",
           m.scope_value, m.due);
    return SL_EXIT_OK;
}

static int ms_list(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"as-of", required_argument, NULL, 'a'},
        {"json", no_argument, NULL, 'j'},
        {"db", required_argument, NULL, 'D'},
        {"read-db", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *read_db = NULL, *as_of = NULL;
    bool json = false;
    int o;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'a': as_of = optarg; break;
        case 'j': json = true; break;
        case 'D': db = optarg; break;
        case 'R': read_db = optarg; break;
        case 'h':
            printf("Usage: %s [--as-of DATE] [--json] [--db PATH] [--read-db LOCATION]\n\n"
                   "Lists milestones with their status as of DATE (default today): met,\n"
                   "missed, on track or at risk, what was achieved and what the forecast says.\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    int64_t t;
    if (as_of != NULL && sl_time_parse(as_of, &t) != 0)
        return sl_cli_usage_error(cmd, "--as-of: '%s' is not a date", as_of);
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_cli_open_read(&s, db, read_db, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    struct sl_prog_options po = {as_of, {SL_SCOPE_ALL, ""}, 0};
    struct sl_progress *p;
    int rc = sl_progress_compute(s, &po, &p, &err);
    sl_store_close(s);
    if (rc != 0)
        return sl_cli_fail_err(cmd, &err);
    if (json) {
        json_t *fig = sl_report_figures_json(p);
        json_t *ms = json_object_get(fig, "milestones");
        json_incref(ms);
        json_decref(fig);
        sl_print_json(stdout, ms);
    } else if (p->n_milestones == 0) {
        printf("no milestones yet (add one with 'sightline milestones add')\n");
    } else {
        static const char *const head[] = {"milestone", "due", "target", "scope", "status",
                                           "achieved", "note"};
        struct sl_table *tb = sl_table_new(7, head);
        for (size_t i = 0; i < p->n_milestones; i++) {
            const struct sl_prog_milestone *m = &p->milestones[i];
            bool pc = strcmp(m->m.target_kind, "percent") == 0;
            char target[32], ach[32], scope[SL_NAME_MAX + 32];
            snprintf(target, sizeof target, pc ? "%.0f%%" : "%.0f", m->m.target);
            snprintf(ach, sizeof ach, pc ? "%.1f%%" : "%.0f",
                     pc ? sl_report_pct(m->achieved) : m->achieved);
            snprintf(scope, sizeof scope, "%s%s%s", m->m.scope_kind, m->m.scope_value[0] ? ":" : "",
                     m->m.scope_value);
            const char *row[] = {m->m.name, m->m.due, target, scope, sl_ms_status_name(m->status),
                                 ach, m->note};
            sl_table_add(tb, row);
        }
        printf("as of %s\n", p->as_of);
        sl_table_print(tb, stdout, 60);
        sl_table_free(tb);
    }
    sl_progress_free(p);
    return SL_EXIT_OK;
}

static int ms_rm(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"actor", required_argument, NULL, 'A'},
        {"db", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *actor = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'A': actor = optarg; break;
        case 'D': db = optarg; break;
        case 'h':
            printf("Usage: %s NAME [--db PATH]\n\nRemoves a milestone (audited).\n", cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind + 1 != argc)
        return sl_cli_usage_error(cmd, "exactly one milestone NAME is expected");
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, sl_cli_db_path(db), 0, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    int rc = sl_store_milestone_remove(s, argv[optind], sl_cli_actor(actor), &err);
    sl_store_close(s);
    if (rc < 0)
        return sl_cli_fail_err(cmd, &err);
    if (rc == 0)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "no milestone named '%s'", argv[optind]);
    printf("removed milestone '%s'\n", argv[optind]);
    return SL_EXIT_OK;
}

static const struct sl_command ms_commands[] = {
    {"add", "add a dated target (percent or count, in a scope)", ms_add},
    {"list", "list milestones with their status (met, missed, on track, at risk)", ms_list},
    {"rm", "remove a milestone", ms_rm},
    {NULL, NULL, NULL},
};

int sl_cmd_milestones(int argc, char **argv)
{
    return sl_cli_dispatch("sightline milestones", ms_commands, argc, argv);
}
