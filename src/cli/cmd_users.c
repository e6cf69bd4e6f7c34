/* cmd_users.c - sightline users add|list|disable|enable|passwd|roles: the
 * dashboard's accounts and their site-scoped roles. Passwords are read from
 * standard input (never the command line) and stored as argon2id hashes. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "store/store.h"
#include "util/str.h"
#include "util/table.h"
#include "web/auth.h"
#include "web/roles.h"

struct users_args {
    const char *db, *actor;
    bool json, help;
    const char *grant[16], *revoke[16];
    size_t n_grant, n_revoke;
};

static int users_options(int argc, char **argv, struct users_args *a, const char *usage)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'D'},    {"actor", required_argument, NULL, 'A'},
        {"json", no_argument, NULL, 'j'},        {"grant", required_argument, NULL, 'g'},
        {"revoke", required_argument, NULL, 'r'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'D': a->db = optarg; break;
        case 'A': a->actor = optarg; break;
        case 'j': a->json = true; break;
        case 'g':
        case 'r':
            if ((c == 'g' ? a->n_grant : a->n_revoke) == 16)
                return sl_cli_usage_error(argv[0], "at most 16 --grant and 16 --revoke");
            if (c == 'g')
                a->grant[a->n_grant++] = optarg;
            else
                a->revoke[a->n_revoke++] = optarg;
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

/* One line of standard input, without echo on a terminal. 0 or -1. */
static int read_password(const char *prompt, char *out, size_t n)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *got = fgets(out, (int)n, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (got == NULL)
        return -1;
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

/* The new password's hash, from standard input (twice on a terminal). An exit code. */
static int new_password_hash(const char *cmd, char hash[SL_PWHASH_MAX])
{
    char pw[SL_WEB_PASSWORD_MAX + 2], again[SL_WEB_PASSWORD_MAX + 2];
    if (read_password("New password: ", pw, sizeof pw) != 0)
        return sl_cli_usage_error(cmd, "no password on standard input");
    if (isatty(STDIN_FILENO) &&
        (read_password("Again: ", again, sizeof again) != 0 || strcmp(pw, again) != 0))
        return sl_cli_usage_error(cmd, "the passwords differ");
    struct sl_err err = {0};
    int rc = sl_web_hash_password(pw, hash, &err);
    memset(pw, 0, sizeof pw);
    memset(again, 0, sizeof again);
    return rc == 0 ? SL_EXIT_OK : sl_cli_fail_err(cmd, &err);
}

static int open_rw(const char *cmd, const struct users_args *a, struct sl_store **s)
{
    struct sl_err err = {0};
    if (sl_store_open(s, sl_cli_db_path(a->db), 0, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    return SL_EXIT_OK;
}

/* Applies --grant and --revoke to an account. An exit code. */
static int apply_grants(const char *cmd, struct sl_store *s, const char *name,
                        const struct users_args *a)
{
    struct sl_err err = {0};
    for (size_t i = 0; i < a->n_grant + a->n_revoke; i++) {
        bool add = i < a->n_grant;
        const char *text = add ? a->grant[i] : a->revoke[i - a->n_grant];
        struct sl_grant g;
        if (sl_grant_parse(text, &g) != 0)
            return sl_cli_usage_error(cmd, "'%s' is not ROLE[:all|:department:NAME|:site:NAME] "
                                           "with ROLE viewer, site-editor, approver, "
                                           "programme-admin or auditor", text);
        int rc = add ? sl_store_grant_add(s, name, &g, sl_cli_actor(a->actor), &err)
                     : sl_store_grant_remove(s, name, &g, sl_cli_actor(a->actor), &err);
        if (rc < 0)
            return sl_cli_fail_err(cmd, &err);
        if (!add && rc == 0)
            fprintf(stderr, "%s: '%s' did not hold %s\n", cmd, name, text);
    }
    return SL_EXIT_OK;
}

static int users_add(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct users_args a;
    int rc = users_options(argc, argv, &a,
                           "NAME [--grant ROLE[:SCOPE]]... [--actor NAME] [--db LOCATION]\n\n"
                           "Adds a dashboard account; its password (12 characters or more) is\n"
                           "read from standard input. ROLE: viewer, site-editor, approver,\n"
                           "programme-admin, auditor; SCOPE: all (default), department:NAME or\n"
                           "site:NAME.\n");
    if (rc != SL_EXIT_OK || a.help)
        return rc;
    if (optind + 1 != argc || !sl_web_user_name_ok(argv[optind]))
        return sl_cli_usage_error(cmd, "one NAME of letters, digits and . _ - @ is expected");
    char hash[SL_PWHASH_MAX];
    if ((rc = new_password_hash(cmd, hash)) != SL_EXIT_OK)
        return rc;
    struct sl_store *s;
    if ((rc = open_rw(cmd, &a, &s)) != SL_EXIT_OK)
        return rc;
    struct sl_err err = {0};
    if (sl_store_user_add(s, argv[optind], hash, sl_cli_actor(a.actor), NULL, &err) != 0)
        rc = sl_cli_fail_err(cmd, &err);
    else
        rc = apply_grants(cmd, s, argv[optind], &a);
    sl_store_close(s);
    if (rc == SL_EXIT_OK)
        printf("added account '%s'\n", argv[optind]);
    return rc;
}

struct list_ctx {
    struct sl_store *s;
    json_t *arr;
};

static int grant_to_json(const struct sl_grant *g, void *ctx)
{
    char text[200];
    snprintf(text, sizeof text, "%s:%s%s%s", g->role, g->scope_kind, g->scope_value[0] ? ":" : "",
             g->scope_value);
    json_array_append_new(ctx, json_string(text));
    return 0;
}

static int on_user(const struct sl_user *u, void *vctx)
{
    struct list_ctx *c = vctx;
    struct sl_err err = {0};
    json_t *grants = json_array();
    sl_store_grant_list(c->s, u->id, grant_to_json, grants, &err);
    char created[SL_ISO_LEN];
    sl_time_iso(u->created_at, created);
    json_array_append_new(c->arr, json_pack("{s:s, s:b, s:s, s:o}", "name", u->name, "disabled",
                                            u->disabled, "created_at", created, "grants", grants));
    return 0;
}

static int users_list(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct users_args a;
    int rc = users_options(argc, argv, &a, "[--json] [--db LOCATION]\n\n"
                                           "Lists the dashboard's accounts and their grants.\n");
    if (rc != SL_EXIT_OK || a.help)
        return rc;
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, sl_cli_db_path(a.db), 0, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    struct list_ctx c = {s, json_array()};
    rc = sl_store_user_list(s, on_user, &c, &err);
    sl_store_close(s);
    if (rc != 0) {
        json_decref(c.arr);
        return sl_cli_fail_err(cmd, &err);
    }
    if (a.json) {
        sl_print_json(stdout, c.arr);
        return SL_EXIT_OK;
    }
    size_t i;
    json_t *u;
    json_array_foreach(c.arr, i, u)
    {
        printf("%-24s %-9s", json_string_value(json_object_get(u, "name")),
               json_is_true(json_object_get(u, "disabled")) ? "disabled" : "active");
        size_t k;
        json_t *g;
        json_array_foreach(json_object_get(u, "grants"), k, g)
            printf(" %s", json_string_value(g));
        printf("\n");
    }
    json_decref(c.arr);
    return SL_EXIT_OK;
}

/* disable, enable, passwd: one account by name. */
static int users_change(int argc, char **argv, int what)
{
    const char *cmd = argv[0];
    struct users_args a;
    static const char *const usages[] = {
        "NAME [--actor NAME] [--db LOCATION]\n\nDisables an account and ends its sessions.\n",
        "NAME [--actor NAME] [--db LOCATION]\n\nEnables a disabled account again.\n",
        ("NAME [--actor NAME] [--db LOCATION]\n\nSets an account's password (read from "
         "standard\ninput) and ends its sessions.\n"),
    };
    int rc = users_options(argc, argv, &a, usages[what]);
    if (rc != SL_EXIT_OK || a.help)
        return rc;
    if (optind + 1 != argc)
        return sl_cli_usage_error(cmd, "exactly one account NAME is expected");
    char hash[SL_PWHASH_MAX];
    if (what == 2 && (rc = new_password_hash(cmd, hash)) != SL_EXIT_OK)
        return rc;
    struct sl_store *s;
    if ((rc = open_rw(cmd, &a, &s)) != SL_EXIT_OK)
        return rc;
    struct sl_err err = {0};
    const char *name = argv[optind], *actor = sl_cli_actor(a.actor);
    int got = what == 2 ? sl_store_user_set_password(s, name, hash, actor, &err)
                        : sl_store_user_set_disabled(s, name, what == 0, actor, &err);
    sl_store_close(s);
    if (got < 0)
        return sl_cli_fail_err(cmd, &err);
    if (got == 0)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "no account '%s'", name);
    printf("%s '%s'\n", what == 0 ? "disabled" : what == 1 ? "enabled" : "set the password of",
           name);
    return SL_EXIT_OK;
}

static int users_disable(int argc, char **argv) { return users_change(argc, argv, 0); }
static int users_enable(int argc, char **argv) { return users_change(argc, argv, 1); }
static int users_passwd(int argc, char **argv) { return users_change(argc, argv, 2); }

static int users_roles(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct users_args a;
    int rc = users_options(argc, argv, &a,
                           "NAME [--grant ROLE[:SCOPE]]... [--revoke ROLE[:SCOPE]]...\n"
                           "          [--actor NAME] [--db LOCATION]\n\n"
                           "Grants or revokes roles, then prints the account's grants. ROLE:\n"
                           "viewer, site-editor, approver, programme-admin, auditor; SCOPE: all\n"
                           "(default), department:NAME or site:NAME.\n");
    if (rc != SL_EXIT_OK || a.help)
        return rc;
    if (optind + 1 != argc)
        return sl_cli_usage_error(cmd, "exactly one account NAME is expected");
    struct sl_store *s;
    if ((rc = open_rw(cmd, &a, &s)) != SL_EXIT_OK)
        return rc;
    struct sl_err err = {0};
    struct sl_user u;
    int got = sl_store_user_get(s, argv[optind], &u, &err);
    if (got != 1) {
        sl_store_close(s);
        return got < 0 ? sl_cli_fail_err(cmd, &err)
                       : sl_cli_fail(cmd, SL_EXIT_USAGE, "no account '%s'", argv[optind]);
    }
    rc = apply_grants(cmd, s, argv[optind], &a);
    json_t *grants = json_array();
    if (rc == SL_EXIT_OK && sl_store_grant_list(s, u.id, grant_to_json, grants, &err) != 0)
        rc = sl_cli_fail_err(cmd, &err);
    sl_store_close(s);
    size_t i;
    json_t *g;
    if (rc == SL_EXIT_OK) {
        json_array_foreach(grants, i, g)
            printf("%s\n", json_string_value(g));
    }
    json_decref(grants);
    return rc;
}

static const struct sl_command users_commands[] = {
    {"add", "add a dashboard account (password from standard input)", users_add},
    {"list", "list accounts and their grants", users_list},
    {"disable", "disable an account and end its sessions", users_disable},
    {"enable", "enable a disabled account", users_enable},
    {"passwd", "set an account's password and end its sessions", users_passwd},
    {"roles", "grant or revoke site-scoped roles", users_roles},
    {"token", "API tokens for scripts: add, list, revoke", sl_cmd_users_token},
    {NULL, NULL, NULL},
};

int sl_cmd_users(int argc, char **argv)
{
    return sl_cli_dispatch("sightline users", users_commands, argc, argv);
}
