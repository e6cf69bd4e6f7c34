/* cmd_users_token.c - `sightline users token add|list|revoke`: API tokens for
 * scripts (scoped, expiring; the register keeps only their hash). The token is
 * shown once, when made. Checking a token is the server's (web/auth.c). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "store/store.h"
#include "util/str.h"
#include "web/auth.h"

#define TOKEN_DAYS_DEFAULT 90
#define TOKEN_DAYS_MAX 730

static int token_add(int argc, char **argv)
{
    static const struct option opts[] = {
        {"label", required_argument, NULL, 'l'}, {"days", required_argument, NULL, 'd'},
        {"read-only", no_argument, NULL, 'r'},   {"db", required_argument, NULL, 'D'},
        {"actor", required_argument, NULL, 'A'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = argv[0], *label = "script", *db = NULL, *actor = NULL;
    int64_t days = TOKEN_DAYS_DEFAULT;
    bool read_only = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'l': label = optarg; break;
        case 'd':
            if (sl_parse_i64(optarg, 1, TOKEN_DAYS_MAX, &days) != 0)
                return sl_cli_usage_error(cmd, "--days takes 1 to %d", TOKEN_DAYS_MAX);
            break;
        case 'r': read_only = true; break;
        case 'D': db = optarg; break;
        case 'A': actor = optarg; break;
        case 'h':
            printf("Usage: %s ACCOUNT [--label TEXT] [--days N] [--read-only] [--db LOCATION]\n\n"
                   "Makes an API token for scripts: sent as 'Authorization: Bearer TOKEN' to\n"
                   "/api/v1/, it acts as ACCOUNT with ACCOUNT's grants, for N days (default %d,\n"
                   "at most %d); --read-only tokens may only read. The token is printed once;\n"
                   "the register keeps only its SHA-256.\n",
                   cmd, TOKEN_DAYS_DEFAULT, TOKEN_DAYS_MAX);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind + 1 != argc || !sl_web_user_name_ok(argv[optind]))
        return sl_cli_usage_error(cmd, "exactly one ACCOUNT name is expected");
    if (label[0] == '\0' || strlen(label) >= SL_NAME_MAX || sl_str_has_control(label))
        return sl_cli_usage_error(cmd, "--label must be 1 to %d printable characters", SL_NAME_MAX - 1);
    char token[SL_WEB_TOKEN_LEN + 1], hash[65];
    struct sl_err err = {0};
    struct sl_store *s;
    if (sl_web_token_make(token, hash) != 0)
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "libsodium failed to start");
    if (sl_store_open(&s, sl_cli_db_path(db), 0, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    int64_t id;
    int rc = sl_store_token_add(s, argv[optind], label, hash, read_only ? "read" : "write",
                                sl_now() + days * 86400, sl_cli_actor(actor), &id, &err);
    sl_store_close(s);
    if (rc != 0)
        return sl_cli_fail(cmd, sl_cli_exit_for(&err), "%s", err.msg);
    printf("%s\n", token);
    fprintf(stderr, "token %lld for %s (%s, %lld days): shown once; keep it secret\n",
            (long long)id, argv[optind], read_only ? "read-only" : "read and write", (long long)days);
    return SL_EXIT_OK;
}

static int on_token(const struct sl_token *t, void *ctx)
{
    char created[SL_ISO_LEN], expires[SL_ISO_LEN];
    sl_time_iso(t->created_at, created);
    sl_time_iso(t->expires_at, expires);
    json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "id",
                                         (json_int_t)t->id, "account", t->user, "label", t->label,
                                         "scope", t->scope, "created", created, "expires", expires,
                                         "revoked", t->revoked, "expired",
                                         t->expires_at <= sl_now()));
    return 0;
}

static int token_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'}, {"db", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    const char *cmd = argv[0], *db = NULL;
    bool as_json = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': as_json = true; break;
        case 'D': db = optarg; break;
        case 'h': printf("Usage: %s [ACCOUNT] [--json] [--db LOCATION]\n\nLists API tokens (never the tokens themselves).\n", cmd); return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (argc - optind > 1)
        return sl_cli_usage_error(cmd, "at most one ACCOUNT is expected");
    struct sl_err err = {0};
    struct sl_store *s;
    if (sl_store_open(&s, sl_cli_db_path(db), 0, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    json_t *arr = json_array();
    int rc = sl_store_token_list(s, optind < argc ? argv[optind] : NULL, on_token, arr, &err);
    sl_store_close(s);
    if (rc != 0) {
        json_decref(arr);
        return sl_cli_fail_err(cmd, &err);
    }
    if (as_json) {
        sl_print_json(stdout, arr);
        return SL_EXIT_OK;
    }
    size_t i;
    json_t *t;
    json_array_foreach(arr, i, t)
        printf("%-5lld %-16s %-20s %-6s expires %s%s\n",
               (long long)json_integer_value(json_object_get(t, "id")),
               json_string_value(json_object_get(t, "account")),
               json_string_value(json_object_get(t, "label")),
               json_string_value(json_object_get(t, "scope")),
               json_string_value(json_object_get(t, "expires")),
               json_is_true(json_object_get(t, "revoked"))   ? " (revoked)"
               : json_is_true(json_object_get(t, "expired")) ? " (expired)"
                                                             : "");
    json_decref(arr);
    return SL_EXIT_OK;
}

static int token_revoke(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'D'}, {"actor", required_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},     {NULL, 0, NULL, 0},
    };
    const char *cmd = argv[0], *db = NULL, *actor = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'D': db = optarg; break;
        case 'A': actor = optarg; break;
        case 'h': printf("Usage: %s ID [--db LOCATION]\n\nRevokes an API token at once.\n", cmd); return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    int64_t id;
    if (optind + 1 != argc || sl_parse_i64(argv[optind], 1, INT64_MAX, &id) != 0)
        return sl_cli_usage_error(cmd, "exactly one token ID (users token list) is expected");
    struct sl_err err = {0};
    struct sl_store *s;
    if (sl_store_open(&s, sl_cli_db_path(db), 0, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    int rc = sl_store_token_revoke(s, id, sl_cli_actor(actor), &err);
    sl_store_close(s);
    if (rc < 0)
        return sl_cli_fail_err(cmd, &err);
    if (rc == 0)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "no token %lld, or it is revoked already", (long long)id);
    printf("revoked token %lld\n", (long long)id);
    return SL_EXIT_OK;
}

static const struct sl_command token_commands[] = {
    {"add", "make an API token for an account (printed once)", token_add},
    {"list", "list API tokens", token_list},
    {"revoke", "revoke an API token", token_revoke},
    {NULL, NULL, NULL},
};

int sl_cmd_users_token(int argc, char **argv)
{
    return sl_cli_dispatch("sightline users token", token_commands, argc, argv);
}
