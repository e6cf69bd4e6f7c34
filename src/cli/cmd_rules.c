/* cmd_rules.c - sightline rules list|test|explain */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "ident/ident_internal.h"
#include "ident/ruletest.h"
#include "util/datadir.h"
#include "util/table.h"

static int load(const char *cmd, struct sl_ident **id)
{
    struct sl_err err = {0};
    if (sl_ident_load(id, sl_datadir(), &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    return SL_EXIT_OK;
}

static void protos_of(const struct sl_rule *r, char *out, size_t n)
{
    out[0] = '\0';
    if (r->proto_mask == 0) {
        snprintf(out, n, "any");
        return;
    }
    size_t used = 0;
    for (int p = 1; p < SL_PROTO_COUNT; p++)
        if (r->proto_mask & (1u << p)) {
            int w = snprintf(out + used, n - used, "%s%s", used ? "," : "",
                             sl_proto_name((enum sl_proto)p));
            if (w < 0 || (size_t)w >= n - used)
                break;
            used += (size_t)w;
        }
}

static const char *yields_of(const struct sl_rule *r, char *out, size_t n)
{
    snprintf(out, n, "%s%s%s%s%s%s", r->y.maker ? r->y.maker : "",
             r->y.brand ? (r->y.maker ? "/" : "") : "", r->y.brand ? r->y.brand : "",
             r->y.label ? "label" : "", r->y.model ? " model" : "",
             r->y.device_type ? " type" : "");
    return out;
}

static json_t *rule_json(const struct sl_rule *r)
{
    char protos[128];
    protos_of(r, protos, sizeof protos);
    json_t *fields = json_array();
    for (size_t i = 0; i < r->n_fields; i++)
        json_array_append_new(fields, json_string(r->fields[i]));
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:f}", "id", r->id, "file",
                          r->file, "description", r->description, "proto", protos, "field",
                          fields, "match", sl_rule_op_name(r->op), "pattern", r->pattern,
                          "weight", r->weight);
    if (r->nocase)
        json_object_set_new(o, "nocase", json_true());
    if (r->port)
        json_object_set_new(o, "port", json_integer(r->port));
    const char *keys[] = {"maker", "brand", "device_type", "model", "firmware", "serial", "mac",
                          "label"};
    const char *vals[] = {r->y.maker,  r->y.brand,  r->y.device_type, r->y.model,
                          r->y.firmware, r->y.serial, r->y.mac,         r->y.label};
    for (size_t i = 0; i < 8; i++)
        if (vals[i] != NULL)
            json_object_set_new(o, keys[i], json_string(vals[i]));
    json_object_set_new(o, "source", json_string(r->source));
    json_object_set(o, "examples", (json_t *)r->examples);
    return o;
}

static int rules_list(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"proto", required_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    bool json = false;
    const char *proto_s = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'p': proto_s = optarg; break;
        case 'h':
            printf("Usage: %s [--proto PROTO] [--json]\n\n"
                   "Lists the fingerprint rules: id, protocols, field, test, what they yield\n"
                   "and the weight of their clue (below %.2f a clue is weak: alone it never\n"
                   "names a manufacturer). MAC prefixes add built-in 'oui.VENDOR' clues of\n"
                   "weight %.2f from Debian's ieee-data and data/oui-supplement.json.\n",
                   cmd, SL_RULE_STRONG, SL_OUI_WEIGHT);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    enum sl_proto proto = SL_PROTO_NONE;
    if (proto_s != NULL && sl_proto_from_name(proto_s, &proto) != 0)
        return sl_cli_usage_error(cmd, "unknown protocol '%s'", proto_s);
    struct sl_ident *id;
    int rc = load(cmd, &id);
    if (rc != 0)
        return rc;
    const struct sl_ruleset *rs = sl_ident_rules(id);
    static const char *const headers[] = {"id", "proto", "field", "match", "yields", "weight"};
    struct sl_table *t = json ? NULL : sl_table_new(6, headers);
    json_t *arr = json ? json_array() : NULL;
    for (size_t i = 0; i < sl_rules_count(rs); i++) {
        const struct sl_rule *r = sl_rules_at(rs, i);
        if (proto != SL_PROTO_NONE && r->proto_mask != 0 && !(r->proto_mask & (1u << proto)))
            continue;
        if (json) {
            json_array_append_new(arr, rule_json(r));
            continue;
        }
        char protos[128], yields[160], w[16];
        protos_of(r, protos, sizeof protos);
        snprintf(w, sizeof w, "%.2f", r->weight);
        const char *row[] = {r->id, protos, r->fields[0], sl_rule_op_name(r->op),
                             yields_of(r, yields, sizeof yields), w};
        sl_table_add(t, row);
    }
    if (json) {
        sl_print_json(stdout, arr);
    } else {
        sl_table_print(t, stdout, 48);
        printf("%zu rules; MAC prefixes: %s\n", sl_rules_count(rs), sl_oui_source(sl_ident_oui(id)));
        sl_table_free(t);
    }
    sl_ident_free(id);
    return SL_EXIT_OK;
}

static int rules_test(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {{"verbose", no_argument, NULL, 'v'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    bool verbose = false;
    int c;
    while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
        switch (c) {
        case 'v': verbose = true; break;
        case 'h':
            printf("Usage: %s [--verbose] [RULE_ID...]\n\n"
                   "Runs every rule's positive and negative examples (or those of the rules\n"
                   "named): a positive example must fire its rule, a negative one must not, and\n"
                   "an example's \"expect\" must agree with the claim. Exit 0 when all pass, 1\n"
                   "when any fails (each failure is printed).\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    struct sl_ident *id;
    int rc = load(cmd, &id);
    if (rc != 0)
        return rc;
    const struct sl_ruleset *rs = sl_ident_rules(id);
    size_t rules = 0, checked = 0, failed_rules = 0, failed = 0;
    for (int a = optind; a < argc; a++)
        if (sl_rules_find(rs, argv[a]) == NULL) {
            sl_ident_free(id);
            return sl_cli_usage_error(cmd, "no rule '%s' (see 'sightline rules list')", argv[a]);
        }
    for (size_t i = 0; i < sl_rules_count(rs); i++) {
        const struct sl_rule *r = sl_rules_at(rs, i);
        bool wanted = optind == argc;
        for (int a = optind; a < argc && !wanted; a++)
            wanted = strcmp(argv[a], r->id) == 0;
        if (!wanted)
            continue;
        struct sl_ruletest_result res;
        sl_rule_test(id, r, &res);
        rules++;
        checked += res.checked;
        failed += res.failed;
        if (res.failed > 0) {
            failed_rules++;
            printf("FAIL %s (%zu of %zu examples): %s\n", r->id, res.failed, res.checked,
                   res.first_failure);
        } else if (verbose) {
            printf("ok   %s (%zu examples)\n", r->id, res.checked);
        }
    }
    printf("%zu rules, %zu examples: %zu passed, %zu failed\n", rules, checked, checked - failed,
           failed);
    sl_ident_free(id);
    return failed_rules > 0 ? SL_EXIT_FINDINGS : SL_EXIT_OK;
}

static int rules_explain(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            printf("Usage: %s RULE_ID\n\n"
                   "Prints one rule as JSON: what it looks at, what it yields, its weight, its\n"
                   "source and its examples.\n",
                   cmd);
            return SL_EXIT_OK;
        }
        return sl_cli_bad_option(cmd);
    }
    if (optind + 1 != argc)
        return sl_cli_usage_error(cmd, "exactly one RULE_ID is expected");
    struct sl_ident *id;
    int rc = load(cmd, &id);
    if (rc != 0)
        return rc;
    const struct sl_rule *r = sl_rules_find(sl_ident_rules(id), argv[optind]);
    if (r == NULL) {
        sl_ident_free(id);
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "no rule '%s' (see 'sightline rules list')",
                           argv[optind]);
    }
    sl_print_json(stdout, rule_json(r));
    sl_ident_free(id);
    return SL_EXIT_OK;
}

static const struct sl_command rule_commands[] = {
    {"list", "list the fingerprint rules (table or --json)", rules_list},
    {"test", "run every rule's positive and negative examples", rules_test},
    {"explain", "show one rule with its source and examples", rules_explain},
    {NULL, NULL, NULL},
};

int sl_cmd_rules(int argc, char **argv)
{
    return sl_cli_dispatch("sightline rules", rule_commands, argc, argv);
}
