/* cmd_devices.c - sightline devices list|show (and the table of its subcommands) */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "scan/jsonl.h"
#include "store/store.h"
#include "util/csv.h"
#include "util/str.h"
#include "util/table.h"

struct list_ctx {
    enum sl_format fmt;
    struct sl_table *table;
    json_t *array;
    size_t n;
};

static const char *const csv_headers[] = {
    "id", "site", "address", "mac", "serial", "ports", "manufacturer", "brand", "model",
    "firmware", "device_type", "confidence", "decision", "policy", "deadline", "status",
    "status_since", "first_seen", "last_seen",
};
#define N_CSV (sizeof csv_headers / sizeof csv_headers[0])

static const char *const table_headers[] = {
    "id", "site", "address", "manufacturer", "brand", "model", "firmware", "verdict", "status",
};
#define N_TABLE (sizeof table_headers / sizeof table_headers[0])

static void verdict_text(const struct sl_verdict *v, char *out, size_t n)
{
    if (v->decision == SL_DECISION_REPLACE_BY && v->deadline[0])
        snprintf(out, n, "replace by %s", v->deadline);
    else
        snprintf(out, n, "%s", sl_decision_name(v->decision));
}

static int list_one(const struct sl_device *d, void *vctx)
{
    struct list_ctx *ctx = vctx;
    char id[24], conf[16], verdict[48];
    snprintf(id, sizeof id, "%lld", (long long)d->id);
    ctx->n++;
    switch (ctx->fmt) {
    case SL_FMT_JSON:
        json_array_append_new(ctx->array, sl_device_to_json(d));
        break;
    case SL_FMT_CSV: {
        snprintf(conf, sizeof conf, "%.2f", d->claim.confidence);
        const char *row[N_CSV] = {
            id, d->site, d->address, d->mac, d->serial, d->ports, d->claim.manufacturer,
            d->claim.brand, d->claim.model, d->claim.firmware, d->claim.device_type, conf,
            sl_decision_name(d->verdict.decision), d->verdict.policy, d->verdict.deadline,
            sl_status_name(d->status), d->status_since, d->first_seen, d->last_seen,
        };
        sl_csv_write_row(stdout, row, N_CSV);
        break;
    }
    case SL_FMT_TABLE: {
        verdict_text(&d->verdict, verdict, sizeof verdict);
        const char *row[N_TABLE] = {
            id, d->site, d->address, d->claim.manufacturer[0] ? d->claim.manufacturer : "unknown",
            d->claim.brand, d->claim.model, d->claim.firmware, verdict, sl_status_name(d->status),
        };
        sl_table_add(ctx->table, row);
        break;
    }
    }
    return 0;
}

/* A filter of `devices list`. 0, or an exit code. */
static int filter_option(const char *cmd, int c, struct sl_device_filter *f)
{
    switch (c) {
    case 's': f->site = optarg; break;
    case 'm': f->manufacturer = optarg; break;
    case 'S': return sl_cli_status_arg(cmd, optarg, &f->status);
    case 'd':
        f->decision = optarg;
        return sl_cli_decision_arg(cmd, optarg);
    default: break;
    }
    return 0;
}

/* The rows in the format asked for. An exit code. */
static int print_list(const char *cmd, struct sl_store *s, const struct sl_device_filter *f,
                      struct list_ctx *ctx)
{
    struct sl_err err = {0};
    if (ctx->fmt == SL_FMT_TABLE)
        ctx->table = sl_table_new(N_TABLE, table_headers);
    else if (ctx->fmt == SL_FMT_JSON)
        ctx->array = json_array();
    else
        sl_csv_write_row(stdout, csv_headers, N_CSV);
    int rc = sl_store_device_list(s, f, list_one, ctx, &err);
    if (rc != 0) {
        sl_table_free(ctx->table);
        json_decref(ctx->array);
        return sl_cli_fail_err(cmd, &err);
    }
    if (ctx->table != NULL) {
        if (ctx->n == 0)
            printf("no devices match\n");
        else
            sl_table_print(ctx->table, stdout, 40);
        sl_table_free(ctx->table);
    }
    if (ctx->array != NULL)
        sl_print_json(stdout, ctx->array);
    return SL_EXIT_OK;
}

static int devices_list(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"site", required_argument, NULL, 's'},
        {"status", required_argument, NULL, 'S'},
        {"manufacturer", required_argument, NULL, 'm'},
        {"decision", required_argument, NULL, 'd'},
        {"limit", required_argument, NULL, 'l'},
        {"db", required_argument, NULL, 'D'},
        {"read-db", required_argument, NULL, 'R'},
        {"json", no_argument, NULL, 'j'},
        {"csv", no_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sl_device_filter f = {NULL, -1, NULL, NULL, 0};
    const char *db = NULL, *read_db = NULL;
    struct list_ctx ctx = {SL_FMT_TABLE, NULL, NULL, 0};
    int c;
    while ((c = getopt_long(argc, argv, "s:m:h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
        case 'm':
        case 'S':
        case 'd':
            if (filter_option(cmd, c, &f) != 0)
                return SL_EXIT_USAGE;
            break;
        case 'l':
            if (sl_parse_i64(optarg, 1, INT64_MAX, &f.limit) != 0)
                return sl_cli_usage_error(cmd, "--limit takes a positive number");
            break;
        case 'D': db = optarg; break;
        case 'R': read_db = optarg; break;
        case 'j': ctx.fmt = SL_FMT_JSON; break;
        case 'c': ctx.fmt = SL_FMT_CSV; break;
        case 'h':
            printf("Usage: %s [--site NAME] [--status STATUS] [--manufacturer NAME]\n"
                   "          [--decision DECISION] [--limit N] [--json|--csv] [--db PATH] [--read-db LOCATION]\n\n"
                   "Lists devices in the register. Filters combine (AND):\n"
                   "  --status    discovered, confirmed, scheduled, removed, verified_absent,\n"
                   "              exempt, reappeared\n"
                   "  --decision  prohibited, replace-by, allowed, needs-review\n"
                   "  --manufacturer  the real maker, e.g. Hikvision (case-insensitive)\n"
                   "A table for people by default; --json and --csv for machines\n"
                   "(columns in docs/formats.md).\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_cli_open_read(&s, db, read_db, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    int rc = print_list(cmd, s, &f, &ctx);
    sl_store_close(s);
    return rc;
}

static int collect_event(const struct sl_event *e, void *ctx)
{
    json_t *o = json_pack("{s:s, s:s, s:s?, s:s}", "at", e->at, "actor", e->actor, "from",
                          e->from_status >= 0 ? sl_status_name((enum sl_status)e->from_status)
                                              : NULL,
                          "to", sl_status_name(e->to_status));
    if (e->note[0])
        json_object_set_new(o, "note", json_string(e->note));
    if (e->replaced_by[0])
        json_object_set_new(o, "replaced_by", json_string(e->replaced_by));
    if (e->scheduled_for[0])
        json_object_set_new(o, "scheduled_for", json_string(e->scheduled_for));
    if (e->exempt_until[0])
        json_object_set_new(o, "exempt_until", json_string(e->exempt_until));
    if (e->scan_id > 0)
        json_object_set_new(o, "scan", json_integer(e->scan_id));
    json_array_append_new(ctx, o);
    return 0;
}

static json_t *text_or_null(const char *s)
{
    return s != NULL && *s ? json_string(s) : json_null();
}

static int collect_verdict(const struct sl_verdict_change *c, void *ctx)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "at", c->at, "actor", c->actor,
                          "via", c->via, "from", sl_decision_name(c->from_decision), "to",
                          sl_decision_name(c->to_decision), "claim_changed", c->claim_changed,
                          "verdict_changed", c->verdict_changed);
    json_object_update_new(
        o, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "from_manufacturer",
                     text_or_null(c->from_manufacturer), "to_manufacturer",
                     text_or_null(c->to_manufacturer), "policy", text_or_null(c->to_policy),
                     "policy_version", text_or_null(c->policy_version), "rules",
                     text_or_null(c->rules), "reason", text_or_null(c->reason)));
    if (c->scan_id > 0)
        json_object_set_new(o, "scan", json_integer(c->scan_id));
    json_array_append_new(ctx, o);
    return 0;
}

static int collect_evidence(const struct sl_evidence_row *r, void *ctx)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:i, s:s, s:s, s:I, s:b}", "id", (json_int_t)r->id,
                          "scan", (json_int_t)r->scan_id, "proto", sl_proto_name(r->ev.proto),
                          "port", (int)r->ev.port, "outcome", sl_outcome_name(r->ev.outcome),
                          "observed_at", r->observed_at, "bytes", (json_int_t)r->ev.len,
                          "truncated", r->truncated);
    if (r->ev.path != NULL)
        json_object_set_new(o, "path", json_string(r->ev.path));
    if (r->ev.request != NULL)
        json_object_set_new(o, "request", json_string(r->ev.request));
    if (r->ev.detail != NULL)
        json_object_set_new(o, "detail", json_string(r->ev.detail));
    json_array_append_new(ctx, o);
    return 0;
}

static void print_kv(const char *k, const char *v)
{
    printf("%-14s%s\n", k, v != NULL && *v ? v : "-");
}

/* The device's identity, claim, verdict and status, one "key value" a line. */
static void print_device(const struct sl_device *d)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%lld", (long long)d->id);
    print_kv("device", buf);
    print_kv("site", d->site);
    print_kv("address", d->address);
    print_kv("mac", d->mac);
    print_kv("serial", d->serial);
    print_kv("ports", d->ports);
    print_kv("manufacturer", d->claim.manufacturer[0] ? d->claim.manufacturer : "unknown");
    print_kv("brand", d->claim.brand);
    print_kv("model", d->claim.model);
    print_kv("firmware", d->claim.firmware);
    print_kv("type", d->claim.device_type);
    snprintf(buf, sizeof buf, "%.2f", d->claim.confidence);
    print_kv("confidence", buf);
    sl_claim_rules_text(&d->claim, ", ", buf, sizeof buf);
    print_kv("rules", buf);
    if (d->claim.conflicts[0])
        print_kv("conflicts", d->claim.conflicts);
    verdict_text(&d->verdict, buf, sizeof buf);
    print_kv("verdict", buf);
    print_kv("policy", d->verdict.policy);
    print_kv("reason", d->verdict.reason);
    snprintf(buf, sizeof buf, "%s since %s", sl_status_name(d->status), d->status_since);
    print_kv("status", buf);
    if (d->scheduled_for[0])
        print_kv("scheduled", d->scheduled_for);
    if (d->replaced_by[0])
        print_kv("replaced by", d->replaced_by);
    if (d->status == SL_STATUS_EXEMPT) {
        char ex[512];
        snprintf(ex, sizeof ex, "%s (approved by %s, until %s)", d->exempt_reason,
                 d->exempt_approver, d->exempt_until);
        print_kv("exemption", ex);
    }
    print_kv("first seen", d->first_seen);
    print_kv("last seen", d->last_seen);
}

/* Its claim and verdict changes. */
static void print_verdicts(json_t *verdicts)
{
    if (json_array_size(verdicts) == 0)
        return;
    printf("\nverdict history\n");
    size_t i;
    json_t *e;
    json_array_foreach(verdicts, i, e)
    {
        const char *fm = json_string_value(json_object_get(e, "from_manufacturer"));
        const char *tm = json_string_value(json_object_get(e, "to_manufacturer"));
        const char *pv = json_string_value(json_object_get(e, "policy_version"));
        const char *rules = json_string_value(json_object_get(e, "rules"));
        const char *policy = json_string_value(json_object_get(e, "policy"));
        printf("  %s  %-12s -> %-12s %s -> %s (%s by %s; rules %s; policy %s%s%s)\n",
               json_string_value(json_object_get(e, "at")),
               json_string_value(json_object_get(e, "from")),
               json_string_value(json_object_get(e, "to")), fm ? fm : "unknown",
               tm ? tm : "unknown", json_string_value(json_object_get(e, "via")),
               json_string_value(json_object_get(e, "actor")), rules ? rules : "none",
               policy ? policy : "none", pv ? " " : "",
               pv ? pv : "");
    }
}

/* Its lifecycle events and the evidence rows behind it. */
static void print_history(json_t *events, json_t *evidence)
{
    printf("\nhistory\n");
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        const char *from = json_string_value(json_object_get(e, "from"));
        const char *note = json_string_value(json_object_get(e, "note"));
        printf("  %s  %-15s -> %-15s by %s%s%s\n", json_string_value(json_object_get(e, "at")),
               from ? from : "(new)", json_string_value(json_object_get(e, "to")),
               json_string_value(json_object_get(e, "actor")), note ? ": " : "",
               note ? note : "");
    }
    printf("\nevidence (%zu)\n", json_array_size(evidence));
    json_array_foreach(evidence, i, e)
    {
        const char *path = json_string_value(json_object_get(e, "path"));
        const char *detail = json_string_value(json_object_get(e, "detail"));
        printf("  #%-6lld scan %-4lld %-10s %5lld %-28s %-10s %lld bytes%s%s\n",
               (long long)json_integer_value(json_object_get(e, "id")),
               (long long)json_integer_value(json_object_get(e, "scan")),
               json_string_value(json_object_get(e, "proto")),
               (long long)json_integer_value(json_object_get(e, "port")), path ? path : "",
               json_string_value(json_object_get(e, "outcome")),
               (long long)json_integer_value(json_object_get(e, "bytes")), detail ? ": " : "",
               detail ? detail : "");
    }
}

static int devices_show(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'D'},
        {"read-db", required_argument, NULL, 'R'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *read_db = NULL;
    bool json = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'D': db = optarg; break;
        case 'R': read_db = optarg; break;
        case 'j': json = true; break;
        case 'h':
            printf("Usage: %s ID|MAC|SERIAL|ADDRESS [--json] [--db PATH] [--read-db LOCATION]\n\n"
                   "Shows one device: identity, claim (who made it and which rules said so),\n"
                   "verdict, the changes of its claim and verdict (verdict history), lifecycle\n"
                   "history and the evidence behind it.\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind + 1 != argc)
        return sl_cli_usage_error(cmd, "exactly one device (id, MAC, serial or address) expected");
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_cli_open_read(&s, db, read_db, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    struct sl_device *d = malloc(sizeof *d);
    int got = d == NULL ? sl_err_set(&err, "out of memory")
                        : sl_store_device_find(s, argv[optind], d, &err);
    if (got <= 0) {
        sl_store_close(s);
        free(d);
        if (got == 0)
            return sl_cli_fail(cmd, SL_EXIT_USAGE, "no device '%s' in the register",
                               argv[optind]);
        return sl_cli_fail_err(cmd, &err);
    }
    json_t *events = json_array(), *evidence = json_array(), *verdicts = json_array();
    int rc = sl_store_event_list(s, d->id, NULL, collect_event, events, &err);
    if (rc == 0)
        rc = sl_store_verdict_history(s, d->id, collect_verdict, verdicts, &err);
    if (rc == 0)
        rc = sl_store_evidence_list(s, d->id, 200, collect_evidence, evidence, &err);
    sl_store_close(s);
    if (rc != 0) {
        json_decref(events);
        json_decref(evidence);
        json_decref(verdicts);
        free(d);
        return sl_cli_fail_err(cmd, &err);
    }
    if (json) {
        json_t *o = sl_device_to_json(d);
        json_object_set_new(o, "history", events);
        json_object_set_new(o, "verdict_history", verdicts);
        json_object_set_new(o, "evidence", evidence);
        sl_print_json(stdout, o);
        free(d);
        return SL_EXIT_OK;
    }
    print_device(d);
    print_verdicts(verdicts);
    print_history(events, evidence);
    json_decref(events);
    json_decref(evidence);
    json_decref(verdicts);
    free(d);
    return SL_EXIT_OK;
}

static const struct sl_command device_commands[] = {
    {"list", "list devices (filters: site, status, manufacturer, decision)", devices_list},
    {"show", "show one device with its history and evidence", devices_show},
    {"set-status", "move devices through the lifecycle (removed, verified_absent, ...)",
     sl_cmd_devices_set_status},
    {"schedule", "schedule the removal of devices for a date", sl_cmd_devices_schedule},
    {"exempt", "exempt devices with a reason, an approver and an expiry", sl_cmd_devices_exempt},
    {"expire", "write down exemptions that have expired", sl_cmd_devices_expire},
    {"reassess", "identify and judge every device again after a rule or policy change",
     sl_cmd_devices_reassess},
    {NULL, NULL, NULL},
};

int sl_cmd_devices(int argc, char **argv)
{
    return sl_cli_dispatch("sightline devices", device_commands, argc, argv);
}
