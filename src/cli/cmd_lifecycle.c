/* cmd_lifecycle.c - sightline devices set-status|schedule|exempt|expire
 *
 * Move one device or a filtered set through the lifecycle. Every move is
 * checked by programme/lifecycle.c first; if any device in the set would be
 * refused, nothing changes (unless --skip-refused) and each refusal is listed
 * with its reason. A set moves in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "programme/lifecycle.h"
#include "store/store.h"
#include "util/grow.h"
#include "util/str.h"

#define MAX_LISTED 20

struct sel {
    const char *site, *manufacturer, *decision;
    int status;
    bool affected;
    char **keys; /* device ids, MACs, serials or addresses from the command line */
    size_t n_keys;
};

struct ids {
    int64_t *v;
    size_t n, cap;
    int failed;
};

static int add_id(struct ids *ids, int64_t id)
{
    if (SL_GROW(ids->v, ids->cap, ids->n + 1, 64) != 0) {
        ids->failed = 1;
        return 1;
    }
    ids->v[ids->n++] = id;
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int collect_cb(const struct sl_device *d, void *ctx)
{
    return add_id(ctx, d->id);
}

static int select_devices(struct sl_store *s, const struct sel *sel, struct ids *ids,
                          const char *cmd, struct sl_err *err)
{
    for (size_t i = 0; i < sel->n_keys; i++) {
        struct sl_device *d = malloc(sizeof *d);
        if (d == NULL)
            return sl_err_set(err, "out of memory");
        int got = sl_store_device_find(s, sel->keys[i], d, err);
        int64_t id = d->id;
        free(d);
        if (got < 0)
            return -1;
        if (got == 0) {
            fprintf(stderr, "%s: no device '%s' in the register\n", cmd, sel->keys[i]);
            return 1;
        }
        add_id(ids, id);
    }
    bool filtered = sel->site || sel->manufacturer || sel->decision || sel->status >= 0 ||
                    sel->affected;
    if (filtered) {
        static const char *const affected[] = {"prohibited", "replace-by"};
        size_t rounds = sel->affected && sel->decision == NULL ? 2 : 1;
        for (size_t r = 0; r < rounds; r++) {
            struct sl_device_filter f = {sel->site, sel->status, sel->manufacturer,
                                         sel->decision != NULL ? sel->decision
                                         : sel->affected       ? affected[r]
                                                               : NULL,
                                         0};
            if (sl_store_device_list(s, &f, collect_cb, ids, err) != 0)
                return -1;
        }
    }
    if (ids->failed)
        return sl_err_set(err, "out of memory");
    /* A device named twice, or by a key and a filter, moves once. */
    if (ids->n > 1)
        qsort(ids->v, ids->n, sizeof *ids->v, cmp_id);
    size_t w = 0;
    for (size_t i = 0; i < ids->n; i++)
        if (w == 0 || ids->v[w - 1] != ids->v[i])
            ids->v[w++] = ids->v[i];
    ids->n = w;
    return 0;
}

static int apply_set(const char *cmd, struct sl_store *s, const struct ids *ids,
                     const struct sl_change *c, const char *actor, bool dry_run,
                     bool skip_refused)
{
    struct sl_err err = {0};
    char why[400];
    size_t refused = 0, moved = 0;
    struct sl_device *d = malloc(sizeof *d);
    if (d == NULL)
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
    bool *ok = calloc(ids->n + 1, sizeof *ok);
    if (ok == NULL) {
        free(d);
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
    }
    int64_t now = sl_now();
    for (size_t i = 0; i < ids->n; i++) {
        if (sl_store_device_get(s, ids->v[i], d, &err) != 1) {
            free(d);
            free(ok);
            return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg[0] ? err.msg : "device vanished");
        }
        if (sl_lifecycle_check(d, c, now, why, sizeof why) != 0) {
            if (refused++ < MAX_LISTED)
                fprintf(stderr, "%s: device %lld (%s %s): %s\n", cmd, (long long)d->id,
                        d->address[0] ? d->address : "-",
                        d->claim.manufacturer[0] ? d->claim.manufacturer : "unknown", why);
        } else {
            ok[i] = true;
        }
    }
    if (refused > MAX_LISTED)
        fprintf(stderr, "%s: ... and %zu more refused\n", cmd, refused - MAX_LISTED);
    if (refused > 0 && !skip_refused) {
        fprintf(stderr, "%s: nothing changed: %zu of %zu device%s refused (--skip-refused moves "
                        "the others)\n",
                cmd, refused, ids->n, ids->n == 1 ? "" : "s");
        free(d);
        free(ok);
        return SL_EXIT_USAGE;
    }
    if (dry_run) {
        printf("would move %zu device%s to %s (%zu refused); nothing changed (--dry-run)\n",
               ids->n - refused, ids->n - refused == 1 ? "" : "s", sl_status_name(c->to), refused);
        free(d);
        free(ok);
        return SL_EXIT_OK;
    }
    if (sl_store_begin(s, &err) != 0) {
        free(d);
        free(ok);
        return sl_cli_fail_err(cmd, &err);
    }
    for (size_t i = 0; i < ids->n; i++) {
        if (!ok[i])
            continue;
        int rc = sl_lifecycle_apply(s, ids->v[i], c, actor, why, sizeof why, &err);
        if (rc < 0 || (rc == 0 && !skip_refused)) {
            sl_store_rollback(s);
            free(d);
            free(ok);
            return sl_cli_fail(cmd, rc < 0 ? sl_cli_exit_for(&err) : SL_EXIT_USAGE, "%s",
                               rc < 0 ? err.msg : why);
        }
        if (rc == 1 && moved++ < MAX_LISTED && sl_store_device_get(s, ids->v[i], d, &err) == 1)
            printf("device %lld %s %s: now %s\n", (long long)d->id,
                   d->address[0] ? d->address : "-",
                   d->claim.manufacturer[0] ? d->claim.manufacturer : "unknown",
                   sl_status_name(d->status));
    }
    free(d);
    free(ok);
    if (sl_store_commit(s, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    printf("moved %zu device%s to %s%s\n", moved, moved == 1 ? "" : "s", sl_status_name(c->to),
           refused ? " (refused ones skipped)" : "");
    return SL_EXIT_OK;
}

enum lc_kind { LC_SET_STATUS, LC_SCHEDULE, LC_EXEMPT };

static const char selector_help[] =
    "Devices: one or more DEVICE arguments (id, MAC, serial or address) and/or filters:\n"
    "  --site NAME  --status STATUS  --manufacturer NAME  --decision DECISION\n"
    "  --affected   (decision prohibited or replace-by)\n"
    "Common options:\n"
    "  --at DATE        when it happened (YYYY-MM-DD or ISO time; default now; may be\n"
    "                   back-dated, never before the device's last change)\n"
    "  --note TEXT      why (kept in the event and the audit log)\n"
    "  --dry-run        check every move, change nothing\n"
    "  --skip-refused   move the legal ones when some are refused (default: none move)\n"
    "  --actor NAME  --db PATH\n"
    "Illegal moves are refused with the reason (exit 2); see docs/programme.md.\n";

static void lifecycle_usage(const char *cmd, enum lc_kind kind)
{
    if (kind == LC_SET_STATUS)
        printf("Usage: %s STATUS [DEVICE...] [filters] [--replaced-by WHAT] [options]\n\n"
               "Moves devices to STATUS: confirmed, scheduled (use 'schedule'), removed\n"
               "(needs --replaced-by: the make and model that replaced it, or 'none'),\n"
               "verified_absent or reappeared (set by 'sightline verify'; by hand they\n"
               "need --note), exempt (use 'exempt').\n\n%s",
               cmd, selector_help);
    else if (kind == LC_SCHEDULE)
        printf("Usage: %s DATE [DEVICE...] [filters] [options]\n\n"
               "Schedules the removal of devices for DATE (YYYY-MM-DD). Rescheduling a\n"
               "scheduled device moves its date. A scheduled device whose date passes\n"
               "before it is removed counts as overdue.\n\n%s",
               cmd, selector_help);
    else
        printf("Usage: %s [DEVICE...] [filters] --reason TEXT --approver NAME\n"
               "          --until DATE [options]\n\n"
               "Exempts devices from removal until the end of DATE, with the reason and\n"
               "who approved it. Renewing an exemption moves its expiry. After the expiry\n"
               "day the device counts again with its status before the exemption\n"
               "('sightline devices expire' writes that fallback into the history).\n\n%s",
               cmd, selector_help);
}

/* What a lifecycle command was asked: the selection, the change, how to apply it. */
struct lc_args {
    struct sel sel;
    struct sl_change c;
    const char *db, *actor;
    bool dry, skip, help;
    char date[SL_DATE_LEN];
};

/* One option. 0, or an exit code. */
static int lc_option(const char *cmd, int o, struct lc_args *a)
{
    switch (o) {
    case 's': a->sel.site = optarg; break;
    case 'm': a->sel.manufacturer = optarg; break;
    case 'S': return sl_cli_status_arg(cmd, optarg, &a->sel.status);
    case 'd':
        a->sel.decision = optarg;
        return sl_cli_decision_arg(cmd, optarg);
    case 'a': a->sel.affected = true; break;
    case 't': a->c.at = optarg; break;
    case 'n': a->c.note = optarg; return sl_cli_text_arg(cmd, "--note/--reason", optarg);
    case 'r': a->c.replaced_by = optarg; return sl_cli_text_arg(cmd, "--replaced-by", optarg);
    case 'p': a->c.exempt_approver = optarg; return sl_cli_text_arg(cmd, "--approver", optarg);
    case 'u': a->c.exempt_until = optarg; break;
    case 'N': a->dry = true; break;
    case 'K': a->skip = true; break;
    case 'A': a->actor = optarg; return sl_cli_text_arg(cmd, "--actor", optarg);
    case 'D': a->db = optarg; break;
    case 'h': a->help = true; break;
    default: return sl_cli_bad_option(cmd);
    }
    return SL_EXIT_OK;
}

/* The command's first argument (a status, or a date) and what the kind needs;
 * then the devices named. 0, or an exit code. */
static int lc_target(const char *cmd, enum lc_kind kind, int argc, char **argv,
                     struct lc_args *a)
{
    int pos = optind;
    struct sl_change *c = &a->c;
    if (kind == LC_SET_STATUS) {
        if (pos >= argc)
            return sl_cli_usage_error(cmd, "a STATUS is required");
        enum sl_status st;
        if (sl_status_from_name(argv[pos], &st) != 0)
            return sl_cli_usage_error(cmd,
                                      "unknown status '%s' (confirmed, scheduled, removed, "
                                      "verified_absent, exempt, reappeared)",
                                      argv[pos]);
        c->to = st;
        pos++;
    } else if (kind == LC_SCHEDULE) {
        int64_t t;
        if (pos >= argc || sl_time_parse(argv[pos], &t) != 0)
            return sl_cli_usage_error(cmd, "a removal DATE (YYYY-MM-DD) is required first");
        sl_time_date(t, a->date);
        c->to = SL_STATUS_SCHEDULED;
        c->scheduled_for = a->date;
        pos++;
    } else {
        c->to = SL_STATUS_EXEMPT;
        if (c->note == NULL || c->exempt_approver == NULL || c->exempt_until == NULL)
            return sl_cli_usage_error(cmd, "--reason, --approver and --until are all required");
    }
    if (c->to == SL_STATUS_SCHEDULED && kind == LC_SET_STATUS)
        return sl_cli_usage_error(cmd, "use 'sightline devices schedule DATE ...' to schedule");
    if (c->to == SL_STATUS_EXEMPT && kind == LC_SET_STATUS)
        return sl_cli_usage_error(cmd, "use 'sightline devices exempt ...' to exempt");
    int64_t t;
    if (c->at != NULL && sl_time_parse(c->at, &t) != 0)
        return sl_cli_usage_error(cmd, "--at: '%s' is not a date or time", c->at);
    struct sel *sel = &a->sel;
    sel->keys = argv + pos;
    sel->n_keys = (size_t)(argc - pos);
    if (sel->n_keys == 0 && !sel->site && !sel->manufacturer && !sel->decision &&
        sel->status < 0 && !sel->affected)
        return sl_cli_usage_error(cmd, "say which devices: DEVICE arguments or filters");
    return SL_EXIT_OK;
}

/* Selects the devices and moves them as one set. An exit code. */
static int lc_apply(const char *cmd, struct lc_args *a)
{
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, sl_cli_db_path(a->db), 0, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    struct ids ids = {NULL, 0, 0, 0};
    int rc = select_devices(s, &a->sel, &ids, cmd, &err);
    if (rc != 0) {
        sl_store_close(s);
        free(ids.v);
        return rc > 0 ? SL_EXIT_USAGE : sl_cli_fail_err(cmd, &err);
    }
    if (ids.n == 0) {
        sl_store_close(s);
        printf("no devices match; nothing changed\n");
        return SL_EXIT_OK;
    }
    rc = apply_set(cmd, s, &ids, &a->c, sl_cli_actor(a->actor), a->dry, a->skip);
    sl_store_close(s);
    free(ids.v);
    return rc;
}

static int lifecycle_cmd(int argc, char **argv, enum lc_kind kind)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"site", required_argument, NULL, 's'},
        {"status", required_argument, NULL, 'S'},
        {"manufacturer", required_argument, NULL, 'm'},
        {"decision", required_argument, NULL, 'd'},
        {"affected", no_argument, NULL, 'a'},
        {"at", required_argument, NULL, 't'},
        {"note", required_argument, NULL, 'n'},
        {"reason", required_argument, NULL, 'n'},
        {"replaced-by", required_argument, NULL, 'r'},
        {"approver", required_argument, NULL, 'p'},
        {"until", required_argument, NULL, 'u'},
        {"dry-run", no_argument, NULL, 'N'},
        {"skip-refused", no_argument, NULL, 'K'},
        {"actor", required_argument, NULL, 'A'},
        {"db", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct lc_args a;
    memset(&a, 0, sizeof a);
    a.sel = (struct sel){NULL, NULL, NULL, -1, false, NULL, 0};
    int o, rc;
    while ((o = getopt_long(argc, argv, "s:m:h", opts, NULL)) != -1) {
        if ((rc = lc_option(cmd, o, &a)) != SL_EXIT_OK)
            return rc;
        if (a.help) {
            lifecycle_usage(cmd, kind);
            return SL_EXIT_OK;
        }
    }
    if ((rc = lc_target(cmd, kind, argc, argv, &a)) != SL_EXIT_OK)
        return rc;
    return lc_apply(cmd, &a);
}

int sl_cmd_devices_set_status(int argc, char **argv)
{
    return lifecycle_cmd(argc, argv, LC_SET_STATUS);
}

int sl_cmd_devices_schedule(int argc, char **argv)
{
    return lifecycle_cmd(argc, argv, LC_SCHEDULE);
}

int sl_cmd_devices_exempt(int argc, char **argv)
{
    return lifecycle_cmd(argc, argv, LC_EXEMPT);
}

int sl_cmd_devices_expire(int argc, char **argv)
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
            printf("Usage: %s [--actor NAME] [--db PATH]\n\n"
                   "Writes down expired exemptions: every device still exempt after its\n"
                   "expiry day moves back to its status before the exemption, with an event\n"
                   "dated the day after the expiry. Reports already count it that way; this\n"
                   "makes 'devices list' and the history agree. Safe to run daily (cron).\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, sl_cli_db_path(db), 0, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    size_t n = 0;
    int rc = sl_lifecycle_expire(s, sl_now(), sl_cli_actor(actor), &n, &err);
    sl_store_close(s);
    if (rc != 0)
        return sl_cli_fail_err(cmd, &err);
    printf("%zu expired exemption%s written down\n", n, n == 1 ? "" : "s");
    return SL_EXIT_OK;
}
