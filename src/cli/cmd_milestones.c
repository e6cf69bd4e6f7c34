/* cmd_milestones.c - sightline milestones add|list|show|rm */
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
        {"of", required_argument, NULL, 'o'},
        {"actor", required_argument, NULL, 'A'},
        {"db", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sl_milestone m;
    memset(&m, 0, sizeof m);
    const char *db = NULL, *actor = NULL, *due = NULL, *scope = NULL;
    const char *pct = NULL, *count = NULL, *of = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'd': due = optarg; break;
        case 'p': pct = optarg; break;
        case 'c': count = optarg; break;
        case 's': scope = optarg; break;
        case 'o': of = optarg; break;
        case 'A': actor = optarg; break;
        case 'D': db = optarg; break;
        case 'h':
            printf("Usage: %s NAME --due DATE (--percent P | --count N)\n"
                   "          [--of devices|vehicle-parts]\n"
                   "          [--scope all|tier:TIER|department:NAME|site:NAME|fleet:NAME]\n"
                   "          [--db PATH]\n\n"
                   "Adds a dated target: by DATE, P%% of the affected devices in scope are\n"
                   "replaced (removed or verified absent), or N of them are. Status in reports:\n"
                   "met / missed once due; before that met (reached early), on track or at\n"
                   "risk (the forecast says it will be missed).\n"
                   "Example (the UK model): --percent 50; then '70%% of the rest' is\n"
                   "--percent 85; 'all by April' is --percent 100 --due 2025-04-30.\n\n"
                   "  --of      what it counts: devices (the default), or vehicle-parts: the\n"
                   "            fleet's prohibited and replace-by connected parts, replaced\n"
                   "            when removed or their vehicle retired; its scope may also be\n"
                   "            fleet:NAME (the report's vehicles section shows it)\n",
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
    if (sl_milestone_from_fields_of(&m, of, name, due, pct, count, scope, true, &err) != 0)
        return sl_cli_usage_error(cmd, "%s", err.msg);
    struct sl_store *s;
    if (sl_store_open(&s, sl_cli_db_path(db), 0, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    int rc = sl_store_milestone_add(s, &m, sl_cli_actor(actor), NULL, &err);
    sl_store_close(s);
    if (rc != 0)
        return sl_cli_fail(cmd, sl_cli_exit_for(&err),
                           "%s", err.msg);
    bool parts = strcmp(m.subject, "vehicle-parts") == 0;
    printf("added milestone '%s': %s%s of affected %s (%s%s%s) %s by %s\n", m.name,
           pct ? "" : count, pct ? pct : "", parts ? "vehicle parts" : "devices", m.scope_kind,
           m.scope_value[0] ? ": " : "", m.scope_value, parts ? "out of the fleet" : "replaced",
           m.due);
    return SL_EXIT_OK;
}

/* Every milestone's JSON (devices', then vehicle parts'), as the report has them. */
static json_t *all_json(const struct sl_progress *p)
{
    json_t *fig = sl_report_figures_json(p);
    json_t *ms = json_deep_copy(json_object_get(fig, "milestones"));
    json_array_extend(ms, json_object_get(json_object_get(fig, "vehicles"), "milestones"));
    json_decref(fig);
    return ms;
}

static void table_row(struct sl_table *tb, const struct sl_prog_milestone *m)
{
    bool pc = strcmp(m->m.target_kind, "percent") == 0;
    char target[32], ach[32], scope[SL_NAME_MAX + 32];
    snprintf(target, sizeof target, pc ? "%.0f%%" : "%.0f", m->m.target);
    snprintf(ach, sizeof ach, pc ? "%.1f%%" : "%.0f", pc ? sl_report_pct(m->achieved) : m->achieved);
    snprintf(scope, sizeof scope, "%s%s%s", m->m.scope_kind, m->m.scope_value[0] ? ":" : "",
             m->m.scope_value);
    const char *row[] = {m->m.name, m->m.subject[0] ? m->m.subject : "devices", m->m.due, target,
                         scope, sl_ms_status_name(m->status), ach, m->note};
    sl_table_add(tb, row);
}

/* list and show: their options (NAME too when `named`), then the figures as
 * of the date. NULL when the command is done: *rc is its exit status. */
static struct sl_progress *read_cmd(int argc, char **argv, bool named, const char *about,
                                    bool *json, int *rc)
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
    *json = false;
    *rc = SL_EXIT_OK;
    int o;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'a': as_of = optarg; break;
        case 'j': *json = true; break;
        case 'D': db = optarg; break;
        case 'R': read_db = optarg; break;
        case 'h':
            printf("Usage: %s %s[--as-of DATE] [--json] [--db PATH] [--read-db LOCATION]\n\n%s",
                   cmd, named ? "NAME " : "", about);
            return NULL;
        default: *rc = sl_cli_bad_option(cmd); return NULL;
        }
    }
    if (optind + (named ? 1 : 0) != argc) {
        *rc = named ? sl_cli_usage_error(cmd, "exactly one milestone NAME is expected")
                    : sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
        return NULL;
    }
    int64_t t;
    if (as_of != NULL && sl_time_parse(as_of, &t) != 0) {
        *rc = sl_cli_usage_error(cmd, "--as-of: '%s' is not a date", as_of);
        return NULL;
    }
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_cli_open_read(&s, db, read_db, &err) != 0) {
        *rc = sl_cli_fail_err(cmd, &err);
        return NULL;
    }
    struct sl_prog_options po = {as_of, {SL_SCOPE_ALL, ""}, 0};
    struct sl_progress *p;
    int got = sl_progress_compute(s, &po, &p, &err);
    sl_store_close(s);
    if (got != 0) {
        *rc = sl_cli_fail_err(cmd, &err);
        return NULL;
    }
    return p;
}

static int ms_list(int argc, char **argv)
{
    bool json;
    int rc;
    struct sl_progress *p =
        read_cmd(argc, argv, false,
                 "Lists milestones (of devices, then of vehicle parts) with their status\n"
                 "as of DATE (default today): met, missed, on track or at risk, what was\n"
                 "achieved and what the forecast says.\n",
                 &json, &rc);
    if (p == NULL)
        return rc;
    const struct sl_vehicle_figures *v = &p->vehicles;
    if (json) {
        sl_print_json(stdout, all_json(p));
    } else if (p->n_milestones + v->n_milestones == 0) {
        printf("no milestones yet (add one with 'sightline milestones add')\n");
    } else {
        static const char *const head[] = {"milestone", "of", "due", "target", "scope",
                                           "status", "achieved", "note"};
        struct sl_table *tb = sl_table_new(8, head);
        for (size_t i = 0; i < p->n_milestones; i++)
            table_row(tb, &p->milestones[i]);
        for (size_t i = 0; i < v->n_milestones; i++)
            table_row(tb, &v->milestones[i].pm);
        printf("as of %s\n", p->as_of);
        sl_table_print(tb, stdout, 60);
        sl_table_free(tb);
    }
    sl_progress_free(p);
    return SL_EXIT_OK;
}

static void show_text(const struct sl_prog_milestone *m, const struct sl_vfig_milestone *vm,
                      const char *as_of)
{
    bool pc = strcmp(m->m.target_kind, "percent") == 0;
    printf("milestone    %s\n", m->m.name);
    printf("of           %s\n", m->m.subject[0] ? m->m.subject : "devices");
    printf("due          %s\n", m->m.due);
    printf("target       %.0f%s\n", m->m.target, pc ? "%" : "");
    printf("scope        %s%s%s\n", m->m.scope_kind, m->m.scope_value[0] ? ":" : "",
           m->m.scope_value);
    printf("status       %s (as of %s; counted on %s)\n", sl_ms_status_name(m->status), as_of,
           m->evaluated_on[0] ? m->evaluated_on : as_of);
    printf("affected     %lld\nreplaced     %lld\n", (long long)m->affected,
           (long long)m->replaced);
    if (pc)
        printf("achieved     %.1f%%\n", sl_report_pct(m->achieved));
    else
        printf("achieved     %.0f\n", m->achieved);
    if (vm != NULL) {
        printf("exempt       %lld\noutstanding  %lld\n", (long long)vm->exempt,
               (long long)vm->outstanding);
        const struct sl_forecast *f = &vm->fc;
        if (f->state == SL_FC_DATE)
            printf("forecast     all out by %s (range %s to %s; %.1f a week over %d weeks)\n",
                   f->finish, f->earliest, f->latest[0] ? f->latest : "open-ended", f->rate,
                   f->weeks);
        else
            printf("forecast     %s\n", sl_fc_state_name(f->state));
    }
    printf("note         %s\n", m->note);
}

static int ms_show(int argc, char **argv)
{
    bool json;
    int rc;
    struct sl_progress *p =
        read_cmd(argc, argv, true,
                 "One milestone as of DATE (default today): its target and scope, status,\n"
                 "what was achieved and the forecast; for vehicle parts also the parts\n"
                 "exempt and outstanding and when the forecast has them all out.\n",
                 &json, &rc);
    if (p == NULL)
        return rc;
    const char *name = argv[argc - 1];
    const struct sl_vehicle_figures *v = &p->vehicles;
    size_t n_dev = p->n_milestones, k = n_dev + v->n_milestones;
    for (size_t i = 0; i < n_dev + v->n_milestones && k == n_dev + v->n_milestones; i++) {
        const char *nm = i < n_dev ? p->milestones[i].m.name : v->milestones[i - n_dev].pm.m.name;
        if (strcmp(nm, name) == 0)
            k = i;
    }
    if (k == n_dev + v->n_milestones) {
        sl_progress_free(p);
        return sl_cli_fail(argv[0], SL_EXIT_USAGE, "no milestone named '%s'", name);
    }
    if (json) {
        json_t *ms = all_json(p);
        sl_print_json(stdout, json_incref(json_array_get(ms, k)));
        json_decref(ms);
    } else if (k < n_dev) {
        show_text(&p->milestones[k], NULL, p->as_of);
    } else {
        show_text(&v->milestones[k - n_dev].pm, &v->milestones[k - n_dev], p->as_of);
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
    {"show", "one milestone: status, figures and forecast", ms_show},
    {"rm", "remove a milestone", ms_rm},
    {NULL, NULL, NULL},
};

int sl_cmd_milestones(int argc, char **argv)
{
    return sl_cli_dispatch("sightline milestones", ms_commands, argc, argv);
}
