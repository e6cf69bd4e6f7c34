/* cmd_db.c - sightline db verify|migrate|log|copy */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

static void verify_usage(const char *cmd)
{
    printf("Usage: %s [--audit-key FILE] [--json] [--db LOCATION]\n\n"
           "Checks the register (an SQLite file or a PostgreSQL database): the database's\n"
           "own consistency check, every entry of the hash-chained audit log, then the\n"
           "audit log replayed against what reports are built from (devices and their\n"
           "status, lifecycle events, sites and networks, milestones, evidence bytes):\n"
           "every mismatch is listed. Exit 0 when all is intact, 1 when anything was\n"
           "altered (the first broken entry, or the mismatches).\n"
           "--audit-key FILE (or $SIGHTLINE_AUDIT_KEY, or [register] audit_key) checks\n"
           "keyed entries, whose hashes are HMACs under a key kept outside the register.\n"
           "Keep the printed head (entry and hash) somewhere else: only a copy of it\n"
           "reveals that the newest entries were deleted.\n",
           cmd);
}

/* What db verify found, as JSON. */
static void verify_json(const struct sl_audit_report *rep, int version, bool ok)
{
    json_t *o = json_pack("{s:b, s:s, s:i, s:I, s:I, s:s?, s:b, s:I, s:I, s:I, s:I}", "ok", ok,
                          "integrity", rep->integrity, "schema_version", version, "entries",
                          (json_int_t)rep->entries, "head_seq", (json_int_t)rep->head_seq,
                          "head_hash", rep->head_hash[0] ? rep->head_hash : NULL, "keyed",
                          rep->key_given, "keyed_entries", (json_int_t)rep->keyed,
                          "mismatches", (json_int_t)rep->mismatches, "evidence_checked",
                          (json_int_t)rep->evidence_checked, "evidence_before_hashing",
                          (json_int_t)rep->evidence_before);
    if (rep->first_bad_seq)
        json_object_set_new(o, "first_bad_entry", json_integer(rep->first_bad_seq));
    if (rep->problem[0])
        json_object_set_new(o, "problem", json_string(rep->problem));
    json_t *m = json_array();
    for (size_t i = 0; i < rep->n_listed; i++)
        json_array_append_new(m, json_string(rep->mismatch[i]));
    json_object_set_new(o, "mismatch_list", m);
    sl_print_json(stdout, o);
}

/* What db verify found, for a person. */
static void verify_text(const char *cmd, const char *where, const struct sl_audit_report *rep,
                        int version)
{
    if (strcmp(rep->integrity, "ok") != 0)
        fprintf(stderr, "%s: database integrity: %s\n", cmd, rep->integrity);
    if (rep->first_bad_seq != 0)
        fprintf(stderr, "%s: audit chain broken at entry %lld: %s\n", cmd,
                (long long)rep->first_bad_seq, rep->problem);
    for (size_t i = 0; i < rep->n_listed; i++)
        fprintf(stderr, "%s: mismatch: %s\n", cmd, rep->mismatch[i]);
    if (rep->mismatches > (int64_t)rep->n_listed)
        fprintf(stderr, "%s: ... %lld mismatches in all\n", cmd, (long long)rep->mismatches);
    if (strcmp(rep->integrity, "ok") != 0 || rep->first_bad_seq != 0)
        return;
    printf("register %s: integrity ok, schema version %d\n", where, version);
    printf("audit chain intact: %lld entries (%lld keyed%s)\n", (long long)rep->entries,
           (long long)rep->keyed, rep->key_given ? ", checked with the audit key" : "");
    if (rep->mismatches == 0)
        printf("replayed against the register: devices, lifecycle events, sites, milestones "
               "and %lld evidence rows agree\n",
               (long long)rep->evidence_checked);
    else
        printf("replayed against the register: %lld MISMATCHES (see above)\n",
               (long long)rep->mismatches);
    if (rep->evidence_before > 0)
        printf("evidence rows 1-%lld predate evidence hashing (schema 5) and are not checked\n",
               (long long)rep->evidence_before);
    if (rep->entries > 0)
        printf("head: entry %lld sha256 %s\n", (long long)rep->head_seq, rep->head_hash);
    printf("Deleting the newest entries leaves a shorter chain that still verifies: compare\n"
           "the head with a copy kept elsewhere (a ticket, the programme report, a second\n"
           "system) to catch it.\n");
}

static int db_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'D'},
        {"json", no_argument, NULL, 'j'},
        {"audit-key", required_argument, NULL, 'K'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *key = NULL;
    bool json = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'D': db = optarg; break;
        case 'j': json = true; break;
        case 'K': key = optarg; break;
        case 'h': verify_usage(argv[0]); return SL_EXIT_OK;
        default: return sl_cli_bad_option(argv[0]);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
    struct sl_err err = {0};
    if (key != NULL && sl_store_audit_key_load(key, &err) != 0)
        return sl_cli_fail_err(argv[0], &err);
    const char *path = sl_cli_db_path(db);
    struct stat st;
    if (strcmp(sl_store_backend_of(path), "sqlite") == 0 &&
        stat(strncmp(path, "sqlite:", 7) == 0 ? path + 7 : path, &st) != 0)
        return sl_cli_fail(argv[0], SL_EXIT_USAGE, "no register at %s", path);
    struct sl_store *s;
    if (sl_store_open(&s, path, SL_STORE_NO_MIGRATE, &err) != 0)
        return sl_cli_fail_err(argv[0], &err);
    int64_t reaped = 0;
    if (sl_store_scans_reap(s, &reaped, &err) != 0) {
        sl_store_close(s);
        return sl_cli_fail_err(argv[0], &err);
    }
    if (reaped > 0)
        fprintf(stderr, "%s: %lld scan%s left running by a process that is gone (killed): "
                        "marked incomplete\n",
                argv[0], (long long)reaped, reaped == 1 ? "" : "s");
    struct sl_audit_report *rep = malloc(sizeof *rep);
    int vrc = rep != NULL ? sl_store_verify(s, rep, &err) : sl_err_set(&err, "out of memory");
    int version = sl_store_schema_version(s);
    char where[256];
    sl_strlcpy(where, sl_store_where(s), sizeof where);
    sl_store_close(s);
    if (vrc != 0) {
        free(rep);
        return sl_cli_fail_err(argv[0], &err);
    }
    bool ok = rep->first_bad_seq == 0 && strcmp(rep->integrity, "ok") == 0 &&
              rep->mismatches == 0;
    if (json)
        verify_json(rep, version, ok);
    else
        verify_text(argv[0], where, rep, version);
    free(rep);
    return ok ? SL_EXIT_OK : SL_EXIT_FINDINGS;
}

static int db_migrate(int argc, char **argv)
{
    const char *db = NULL;
    bool json = false;
    int rc = parse_common(argc, argv, &db, &json,
                          " [--db LOCATION]\n\n"
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
    char where[256];
    sl_strlcpy(where, sl_store_where(s), sizeof where);
    sl_store_close(s);
    if (before == after)
        printf("register %s is at schema version %d (latest)\n", where, after);
    else
        printf("register %s migrated from schema version %d to %d\n", where, before, after);
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
            printf("Usage: %s [--after SEQ] [--limit N] [--json] [--db LOCATION]\n\n"
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

struct copy_progress {
    const char *cmd;
    bool tty;
    double start;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void copy_progress(const char *table, int64_t rows, void *vctx)
{
    struct copy_progress *p = vctx;
    fprintf(stderr, "%s: %-16s %12lld rows  (%.1f s)%s", p->cmd, table, (long long)rows,
            now_s() - p->start, p->tty ? "\r" : "\n");
}

static int db_copy(int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *from = NULL, *to = NULL;
    bool quiet = false;
    int c;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'q': quiet = true; break;
        case 'h':
            printf("Usage: %s --from LOCATION --to LOCATION [--quiet]\n\n"
                   "Copies a whole register, every table with its ids and the audit chain,\n"
                   "from one location to another: SQLite to PostgreSQL or back (a location is\n"
                   "a path, sqlite:PATH, postgresql://... or 'host=... dbname=...'; passwords\n"
                   "only from PGPASSFILE, ~/.pgpass or PGPASSWORD). The destination is created\n"
                   "and migrated if needed, must be empty, and gets everything or nothing\n"
                   "(one transaction). At the end its audit chain is verified and must end in\n"
                   "the source's head. Progress goes to stderr (--quiet: none).\n",
                   argv[0]);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(argv[0]);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
    if (from == NULL || to == NULL)
        return sl_cli_usage_error(argv[0], "--from and --to are both required");
    struct sl_store *src = NULL, *dst = NULL;
    struct sl_err err = {0};
    if (sl_store_open(&src, from, SL_STORE_READONLY, &err) != 0)
        return sl_cli_fail_err(argv[0], &err);
    if (sl_store_open(&dst, to, 0, &err) != 0) {
        sl_store_close(src);
        return sl_cli_fail_err(argv[0], &err);
    }
    struct copy_progress p = {argv[0], isatty(2) != 0, now_s()};
    struct sl_audit_report rep;
    int rc = sl_store_copy(src, dst, quiet ? NULL : copy_progress, &p, &rep, &err);
    double took = now_s() - p.start;
    if (!quiet && p.tty)
        fputc('\n', stderr);
    char from_w[256], to_w[256];
    sl_strlcpy(from_w, sl_store_where(src), sizeof from_w);
    sl_strlcpy(to_w, sl_store_where(dst), sizeof to_w);
    sl_store_close(src);
    sl_store_close(dst);
    if (rc != 0)
        return sl_cli_fail_err(argv[0], &err);
    printf("copied %s to %s in %.1f s\n", from_w, to_w, took);
    printf("audit chain verified at the destination: %lld entries, head entry %lld sha256 %s\n",
           (long long)rep.entries, (long long)rep.head_seq, rep.head_hash[0] ? rep.head_hash : "-");
    return SL_EXIT_OK;
}

static const struct sl_command db_commands[] = {
    {"verify", "check integrity and the audit chain (exit 1 if tampered)", db_verify},
    {"migrate", "apply pending schema migrations", db_migrate},
    {"log", "print the audit log", db_log},
    {"copy", "copy a whole register to another location (SQLite <-> PostgreSQL)", db_copy},
    {NULL, NULL, NULL},
};

int sl_cmd_db(int argc, char **argv)
{
    return sl_cli_dispatch("sightline db", db_commands, argc, argv);
}
