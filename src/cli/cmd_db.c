/* cmd_db.c - sightline db verify|migrate|log */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "store/store.h"
#include "util/str.h"

static int parse_common(int argc, char **argv, const char **db, bool *json, const char *usage)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'D'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'D': *db = optarg; break;
        case 'j': *json = true; break;
        case 'h': printf("Usage: %s%s", argv[0], usage); return SL_EXIT_OK + 100;
        default: return sl_cli_bad_option(argv[0]);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
    return -1;
}

static int db_verify(int argc, char **argv)
{
    const char *db = NULL;
    bool json = false;
    int rc = parse_common(argc, argv, &db, &json,
                          " [--json] [--db PATH]\n\n"
                          "Checks the register: SQLite's integrity and foreign keys, then every\n"
                          "entry of the hash-chained audit log. Exit 0 when all is intact; exit 1\n"
                          "naming the first broken entry when anything was altered.\n"
                          "Keep the printed head (entry and hash) somewhere else: comparing it\n"
                          "later also catches removal of the newest entries.\n");
    if (rc >= 0)
        return rc == 100 ? SL_EXIT_OK : rc;
    const char *path = sl_cli_db_path(db);
    struct stat st;
    if (stat(path, &st) != 0)
        return sl_cli_fail(argv[0], SL_EXIT_USAGE, "no register at %s", path);
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, path, SL_STORE_NO_MIGRATE, &err) != 0)
        return sl_cli_fail_err(argv[0], &err);
    struct sl_audit_report rep;
    int vrc = sl_store_verify(s, &rep, &err);
    int version = sl_store_schema_version(s);
    sl_store_close(s);
    if (vrc != 0)
        return sl_cli_fail_err(argv[0], &err);
    bool ok = rep.first_bad_seq == 0 && strcmp(rep.integrity, "ok") == 0;
    if (json) {
        json_t *o = json_pack("{s:b, s:s, s:i, s:I, s:I, s:s?}", "ok", ok, "integrity",
                              rep.integrity, "schema_version", version, "entries",
                              (json_int_t)rep.entries, "head_seq", (json_int_t)rep.head_seq,
                              "head_hash", rep.head_hash[0] ? rep.head_hash : NULL);
        if (rep.first_bad_seq)
            json_object_set_new(o, "first_bad_entry", json_integer(rep.first_bad_seq));
        if (rep.problem[0])
            json_object_set_new(o, "problem", json_string(rep.problem));
        sl_print_json(stdout, o);
    } else if (strcmp(rep.integrity, "ok") != 0) {
        fprintf(stderr, "%s: database integrity: %s\n", argv[0], rep.integrity);
    } else if (rep.first_bad_seq != 0) {
        fprintf(stderr, "%s: audit chain broken at entry %lld: %s\n", argv[0],
                (long long)rep.first_bad_seq, rep.problem);
    } else {
        printf("register %s: integrity ok, schema version %d\n", path, version);
        printf("audit chain intact: %lld entries\n", (long long)rep.entries);
        if (rep.entries > 0)
            printf("head: entry %lld sha256 %s\n", (long long)rep.head_seq, rep.head_hash);
    }
    return ok ? SL_EXIT_OK : SL_EXIT_FINDINGS;
}

static int db_migrate(int argc, char **argv)
{
    const char *db = NULL;
    bool json = false;
    int rc = parse_common(argc, argv, &db, &json,
                          " [--db PATH]\n\n"
                          "Applies every pending schema migration (each in its own transaction)\n"
                          "and prints the versions before and after. Every command also does\n"
                          "this when it opens the register; this one only migrates.\n");
    if (rc >= 0)
        return rc == 100 ? SL_EXIT_OK : rc;
    (void)json;
    const char *path = sl_cli_db_path(db);
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, path, SL_STORE_NO_MIGRATE, &err) != 0)
        return sl_cli_fail_err(argv[0], &err);
    int before = sl_store_schema_version(s);
    if (sl_store_migrate(s, sl_store_latest_version(), &err) != 0) {
        sl_store_close(s);
        return sl_cli_fail_err(argv[0], &err);
    }
    int after = sl_store_schema_version(s);
    sl_store_close(s);
    if (before == after)
        printf("register %s is at schema version %d (latest)\n", path, after);
    else
        printf("register %s migrated from schema version %d to %d\n", path, before, after);
    return SL_EXIT_OK;
}

struct log_ctx {
    bool json;
};

static int print_entry(const struct sl_audit_entry *e, void *vctx)
{
    struct log_ctx *ctx = vctx;
    if (ctx->json) {
        json_t *detail = json_loads(e->detail, 0, NULL);
        sl_print_jsonl(stdout, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "seq",
                                         (json_int_t)e->seq, "at", e->at, "actor", e->actor,
                                         "action", e->action, "object", e->object, "detail",
                                         detail != NULL ? detail : json_string(e->detail)));
    } else {
        printf("%6lld  %s  %-12s %-18s %-16s %s\n", (long long)e->seq, e->at, e->actor, e->action,
               e->object, e->detail);
    }
    return 0;
}

static int db_log(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'D'},
        {"json", no_argument, NULL, 'j'},
        {"after", required_argument, NULL, 'a'},
        {"limit", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    struct log_ctx ctx = {false};
    int64_t after = 0, limit = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'D': db = optarg; break;
        case 'j': ctx.json = true; break;
        case 'a':
            if (sl_parse_i64(optarg, 0, INT64_MAX, &after) != 0)
                return sl_cli_usage_error(argv[0], "--after takes an entry number");
            break;
        case 'l':
            if (sl_parse_i64(optarg, 1, INT64_MAX, &limit) != 0)
                return sl_cli_usage_error(argv[0], "--limit takes a positive number");
            break;
        case 'h':
            printf("Usage: %s [--after SEQ] [--limit N] [--json] [--db PATH]\n\n"
                   "Prints the audit log, oldest first: entry, time, actor, action, object\n"
                   "and the details of the change (--json: one JSON object a line).\n",
                   argv[0]);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(argv[0]);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, sl_cli_db_path(db), 0, &err) != 0)
        return sl_cli_fail_err(argv[0], &err);
    int rc = sl_store_audit_list(s, after, limit, print_entry, &ctx, &err);
    sl_store_close(s);
    if (rc != 0)
        return sl_cli_fail_err(argv[0], &err);
    return SL_EXIT_OK;
}

static const struct sl_command db_commands[] = {
    {"verify", "check integrity and the audit chain (exit 1 if tampered)", db_verify},
    {"migrate", "apply pending schema migrations", db_migrate},
    {"log", "print the audit log", db_log},
    {NULL, NULL, NULL},
};

int sl_cmd_db(int argc, char **argv)
{
    return sl_cli_dispatch("sightline db", db_commands, argc, argv);
}
