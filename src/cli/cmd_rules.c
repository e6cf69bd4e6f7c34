/* cmd_rules.c - sightline rules list|test|explain */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/judge_output.h"
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
                          fields, "match", sl_rule_op_name(r->t.op), "pattern", r->t.pattern,
                          "weight", r->weight);
    if (r->t.nocase)
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
    if (r->n_also > 0) {
        json_t *also = json_array();
        for (size_t i = 0; i < r->n_also; i++)
            json_array_append_new(also, json_pack("{s:s, s:s, s:s}", "field", r->also[i].field,
                                                  "match", sl_rule_op_name(r->also[i].t.op),
                                                  "pattern", r->also[i].t.pattern));
        json_object_set_new(o, "also", also);
    }
    json_object_set_new(o, "source", json_string(r->source));
    if (r->examples != NULL)
        json_object_set(o, "examples", (json_t *)r->examples);
    return o;
}

static json_t *vrule_json(const struct sl_vrule *r)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "id", r->id, "kind", sl_vrule_kind_name(r->kind),
                          "match", r->match, "source", r->source);
    if (r->vendor != NULL)
        json_object_set_new(o, "vendor", json_pack("{s:s, s:s}", "name", r->vendor->name,
                                                   "country", r->vendor->country));
    if (r->brand != NULL)
        json_object_set_new(o, "brand", json_string(r->brand));
    if (r->maker != NULL)
        json_object_set_new(o, "maker", json_string(r->maker));
    if (r->model != NULL)
        json_object_set_new(o, "model", json_string(r->model));
    json_object_set(o, "examples", (json_t *)r->examples);
    return o;
}

/* The vehicle rules (VIN, WMI, IMEI, TAC, supplier names): a table, or into arr. */
static int list_vehicle_rules(const char *cmd, json_t *arr)
{
    struct sl_policy_set *ps;
    struct sl_vrules *vr;
    int rc = sl_cli_load_vehicle_rules(cmd, NULL, &ps, &vr);
    if (rc != SL_EXIT_OK)
        return rc;
    static const char *const headers[] = {"id", "kind", "match", "yields", "examples"};
    struct sl_table *t = arr != NULL ? NULL : sl_table_new(5, headers);
    for (size_t i = 0; i < sl_vrules_count(vr); i++) {
        const struct sl_vrule *r = sl_vrules_at(vr, i);
        if (arr != NULL) {
            json_array_append_new(arr, vrule_json(r));
            continue;
        }
        char yields[160] = "-", ex[16];
        if (r->vendor != NULL)
            snprintf(yields, sizeof yields, "%s (%s)%s%s", r->vendor->name, r->vendor->country,
                     r->brand ? ", brand " : r->model ? ", " : "",
                     r->brand ? r->brand : r->model ? r->model : "");
        snprintf(ex, sizeof ex, "%zu",
                 json_array_size(json_object_get(r->examples, "positive")) +
                     json_array_size(json_object_get(r->examples, "negative")));
        const char *row[] = {r->id, sl_vrule_kind_name(r->kind), r->match, yields, ex};
        sl_table_add(t, row);
    }
    if (t != NULL) {
        printf("\nvehicle rules (data/vehicle/): VINs, IMEIs and supplier names\n");
        sl_table_print(t, stdout, 60);
        printf("%zu vehicle rules\n", sl_vrules_count(vr));
        sl_table_free(t);
    }
    sl_vrules_free(vr);
    sl_policy_free(ps);
    return SL_EXIT_OK;
}

static int list_vehicle_rules_only(const char *cmd, bool json)
{
    json_t *arr = json ? json_array() : NULL;
    int rc = list_vehicle_rules(cmd, arr);
    if (arr != NULL && rc == SL_EXIT_OK)
        sl_print_json(stdout, arr);
    else
        json_decref(arr);
    return rc;
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
            printf("Usage: %s [--proto PROTO|vehicle] [--json]\n\n"
                   "Lists the fingerprint rules: id, protocols, field, test, what they yield\n"
                   "and the weight of their clue (below %.2f a clue is weak: alone it never\n"
                   "names a manufacturer). MAC prefixes add built-in 'oui.VENDOR' clues of\n"
                   "weight %.2f from Debian's ieee-data and data/oui-supplement.json.\n"
                   "Then the vehicle rules: VIN syntax and WMIs, IMEI syntax and TACs, supplier\n"
                   "and model names (data/vehicle/); --proto vehicle lists only those.\n",
                   cmd, SL_RULE_STRONG, SL_OUI_WEIGHT);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    enum sl_proto proto = SL_PROTO_NONE;
    bool vehicle_only = proto_s != NULL && strcmp(proto_s, "vehicle") == 0;
    if (proto_s != NULL && !vehicle_only && sl_proto_from_name(proto_s, &proto) != 0)
        return sl_cli_usage_error(cmd, "unknown protocol '%s'", proto_s);
    if (vehicle_only)
        return list_vehicle_rules_only(cmd, json);
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
        const char *row[] = {r->id, protos, r->fields[0], sl_rule_op_name(r->t.op),
                             yields_of(r, yields, sizeof yields), w};
        sl_table_add(t, row);
    }
    if (json) {
        if (proto == SL_PROTO_NONE)
            rc = list_vehicle_rules(cmd, arr);
        sl_print_json(stdout, arr);
    } else {
        sl_table_print(t, stdout, 48);
        printf("%zu rules (%s); MAC prefixes: %s\n", sl_rules_count(rs), sl_ident_nmap_source(id),
               sl_oui_source(sl_ident_oui(id)));
        sl_table_free(t);
        if (proto == SL_PROTO_NONE)
            rc = list_vehicle_rules(cmd, NULL);
    }
    sl_ident_free(id);
    return rc;
}

struct tally {
    size_t rules, checked, failed_rules, failed;
    bool verbose;
};

/* Whether the command line asks for rule rid (no RULE_ID given: every rule). */
static bool wanted(const char *rid, int argc, char **argv)
{
    if (optind == argc)
        return true;
    for (int a = optind; a < argc; a++)
        if (strcmp(argv[a], rid) == 0)
            return true;
    return false;
}

static void tally_add(struct tally *t, const char *rid, size_t checked, size_t failed,
                      const char *first_failure)
{
    t->rules++;
    t->checked += checked;
    t->failed += failed;
    if (failed > 0) {
        t->failed_rules++;
        printf("FAIL %s (%zu of %zu examples): %s\n", rid, failed, checked, first_failure);
    } else if (t->verbose) {
        printf("ok   %s (%zu examples)\n", rid, checked);
    }
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
                   "an example's \"expect\" must agree with the claim. The vehicle rules run\n"
                   "theirs too (a VIN or IMEI must be valid or refused for the reason given; a\n"
                   "WMI, TAC or supplier name must or must not resolve to the rule). Exit 0 when\n"
                   "all pass, 1 when any fails (each failure is printed).\n",
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
    struct sl_policy_set *ps;
    struct sl_vrules *vr;
    if ((rc = sl_cli_load_vehicle_rules(cmd, NULL, &ps, &vr)) != SL_EXIT_OK) {
        sl_ident_free(id);
        return rc;
    }
    for (int a = optind; a < argc; a++)
        if (sl_rules_find(rs, argv[a]) == NULL && sl_vrules_find(vr, argv[a]) == NULL) {
            sl_vrules_free(vr);
            sl_policy_free(ps);
            sl_ident_free(id);
            return sl_cli_usage_error(cmd, "no rule '%s' (see 'sightline rules list')", argv[a]);
        }
    struct tally t = {.verbose = verbose};
    for (size_t i = 0; i < sl_rules_count(rs); i++) {
        const struct sl_rule *r = sl_rules_at(rs, i);
        if (!wanted(r->id, argc, argv))
            continue;
        struct sl_ruletest_result res;
        sl_rule_test(id, r, &res);
        tally_add(&t, r->id, res.checked, res.failed, res.first_failure);
    }
    for (size_t i = 0; i < sl_vrules_count(vr); i++) {
        const struct sl_vrule *r = sl_vrules_at(vr, i);
        if (!wanted(r->id, argc, argv))
            continue;
        struct sl_vrule_test res;
        sl_vrule_test(vr, r, &res);
        tally_add(&t, r->id, res.checked, res.failed, res.first_failure);
    }
    printf("%zu rules, %zu examples: %zu passed, %zu failed\n", t.rules, t.checked,
           t.checked - t.failed, t.failed);
    sl_vrules_free(vr);
    sl_policy_free(ps);
    sl_ident_free(id);
    return t.failed_rules > 0 ? SL_EXIT_FINDINGS : SL_EXIT_OK;
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
    if (r != NULL) {
        sl_print_json(stdout, rule_json(r));
        sl_ident_free(id);
        return SL_EXIT_OK;
    }
    sl_ident_free(id);
    struct sl_policy_set *ps;
    struct sl_vrules *vr;
    if ((rc = sl_cli_load_vehicle_rules(cmd, NULL, &ps, &vr)) != SL_EXIT_OK)
        return rc;
    const struct sl_vrule *v = sl_vrules_find(vr, argv[optind]);
    if (v != NULL)
        sl_print_json(stdout, vrule_json(v));
    else
        rc = sl_cli_fail(cmd, SL_EXIT_USAGE, "no rule '%s' (see 'sightline rules list')",
                         argv[optind]);
    sl_vrules_free(vr);
    sl_policy_free(ps);
    if (rc != SL_EXIT_OK)
        return rc;
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
