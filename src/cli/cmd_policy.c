/* cmd_policy.c - sightline policy list|explain (check: cmd_policy_check.c) */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/judge_output.h"
#include "ident/ident_internal.h"
#include "policy/policy_internal.h"
#include "programme/explain.h"
#include "store/store.h"
#include "util/datadir.h"
#include "util/file.h"
#include "util/str.h"
#include "util/table.h"
#include "util/timeutil.h"

static json_t *policy_json(const struct sl_policy *p)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s}", "id", p->id, "title", p->title,
                          "date", p->date, "default", (p->defaults & SL_DOMAIN_DEVICES) != 0,
                          "source", p->source, "law", p->law ? p->law : "");
    json_t *tj = json_object();
    for (int k = 0; k < SL_TIER_COUNT; k++) {
        json_t *d = json_pack("{s:s}", "decision", sl_decision_name(p->tiers[k].decision));
        if (p->tiers[k].deadline)
            json_object_set_new(d, "deadline", json_string(p->tiers[k].deadline));
        if (p->tiers[k].reason)
            json_object_set_new(d, "reason", json_string(p->tiers[k].reason));
        json_object_set_new(tj, sl_tier_name((enum sl_tier)k), d);
    }
    json_object_set_new(o, "tiers", tj);
    json_t *ap = json_object();
    for (unsigned d = SL_DOMAIN_DEVICES; d <= SL_DOMAIN_VEHICLES; d <<= 1)
        if (p->applies & d)
            json_object_set_new(ap, sl_policy_domains_name(d),
                                json_string(p->defaults & d ? "default" : "optional"));
    json_object_set_new(o, "applies_to", ap);
    return o;
}

static int policy_list(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    bool json = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'h':
            printf("Usage: %s [--json]\n\n"
                   "Lists the policies in data/policies/: id, date, what it judges (devices,\n"
                   "vehicles), where it is in force by default, and its decision for each site\n"
                   "tier (sensitive, official, public); then the site vehicle rule, which each\n"
                   "site sets (sightline vehicles check --site-rule). Choose other policies with\n"
                   "--policy ID,ID on the commands that judge.\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    struct sl_policy_set *ps;
    struct sl_vrules *vr;
    int rc = sl_cli_load_vehicle_rules(cmd, NULL, &ps, &vr);
    if (rc != 0)
        return rc;
    static const char *const headers[] = {"id", "date", "judges", "default", "sensitive",
                                          "official", "public", "title"};
    struct sl_table *t = json ? NULL : sl_table_new(8, headers);
    json_t *arr = json ? json_array() : NULL;
    for (size_t i = 0; i < sl_policy_count(ps); i++) {
        const struct sl_policy *p = sl_policy_at(ps, i);
        char tiers[SL_TIER_COUNT][48];
        for (int k = 0; k < SL_TIER_COUNT; k++) {
            const struct sl_policy_tier *pt = &p->tiers[k];
            snprintf(tiers[k], sizeof tiers[k], "%s%s%s", sl_decision_name(pt->decision),
                     pt->deadline ? " " : "", pt->deadline ? pt->deadline : "");
        }
        if (json) {
            json_array_append_new(arr, policy_json(p));
        } else {
            const char *row[] = {p->id,     p->date,  sl_policy_domains_name(p->applies),
                                 sl_policy_domains_name(p->defaults),
                                 tiers[0], tiers[1], tiers[2], p->title};
            sl_table_add(t, row);
        }
    }
    const json_t *site = sl_vrules_site_rule_doc(vr);
    if (json) {
        json_array_append_new(arr, json_pack("{s:O, s:O, s:O, s:{s:s}, s:O, s:O}", "id",
                                             json_object_get(site, "id"), "title",
                                             json_object_get(site, "title"), "date",
                                             json_object_get(site, "date"), "applies_to",
                                             "vehicles", "site", "source",
                                             json_object_get(site, "source"), "examples",
                                             json_object_get(site, "examples")));
        sl_print_json(stdout, arr);
    } else {
        sl_table_print(t, stdout, 60);
        sl_table_free(t);
        printf("\n%s  %s  vehicles, set by each site: none | not-admitted[:WHEN] | "
               "park-away:METRES[:WHEN]\n  %s\n",
               json_string_value(json_object_get(site, "id")),
               json_string_value(json_object_get(site, "date")),
               json_string_value(json_object_get(site, "title")));
    }
    sl_vrules_free(vr);
    sl_policy_free(ps);
    return SL_EXIT_OK;
}

/* --date: a day that exists, YYYY-MM-DD (util/timeutil). */
static int parse_date(const char *s, int64_t *out)
{
    return strlen(s) == 10 ? sl_time_parse(s, out) : -1;
}

static void print_text(const json_t *o)
{
    const json_t *dev = json_object_get(o, "device");
    if (dev != NULL)
        printf("device    %s (id %lld, site %s, tier %s)\n",
               json_string_value(json_object_get(dev, "address")),
               (long long)json_integer_value(json_object_get(dev, "id")),
               json_string_value(json_object_get(dev, "site")),
               json_string_value(json_object_get(o, "tier")));
    else
        printf("claim     given on input (tier %s)\n", json_string_value(json_object_get(o, "tier")));
    size_t i;
    const json_t *e;
    const json_t *evs = json_object_get(o, "evidence");
    if (evs != NULL) {
        printf("\nevidence  %zu record%s\n", json_array_size(evs), json_array_size(evs) == 1 ? "" : "s");
        json_array_foreach(evs, i, e)
            printf("  #%lld %s:%lld %s %lld bytes\n", (long long)json_integer_value(json_object_get(e, "id")),
                   json_string_value(json_object_get(e, "proto")),
                   (long long)json_integer_value(json_object_get(e, "port")),
                   json_object_get(e, "path") ? json_string_value(json_object_get(e, "path")) : "",
                   (long long)json_integer_value(json_object_get(e, "bytes")));
    }
    const json_t *clues = json_object_get(o, "clues");
    if (clues != NULL) {
        printf("\nclues\n");
        json_array_foreach(clues, i, e)
        {
            const json_t *maker = json_object_get(e, "maker"), *brand = json_object_get(e, "brand");
            printf("  %-40s %s = \"%.50s\"", json_string_value(json_object_get(e, "rule")),
                   json_object_get(e, "field") ? json_string_value(json_object_get(e, "field")) : "",
                   json_object_get(e, "value") ? json_string_value(json_object_get(e, "value")) : "");
            if (maker)
                printf(" -> %s %s %.2f", json_string_value(json_object_get(e, "kind")),
                       json_string_value(maker), json_real_value(json_object_get(e, "weight")));
            if (brand)
                printf(" (brand %s)", json_string_value(brand));
            printf("\n");
        }
    }
    const json_t *c = json_object_get(o, "claim");
    printf("\nclaim     manufacturer %s, brand %s, model %s, type %s, confidence %.2f\n",
           json_is_string(json_object_get(c, "manufacturer")) ? json_string_value(json_object_get(c, "manufacturer")) : "unknown",
           json_is_string(json_object_get(c, "brand")) ? json_string_value(json_object_get(c, "brand")) : "-",
           json_is_string(json_object_get(c, "model")) ? json_string_value(json_object_get(c, "model")) : "-",
           json_is_string(json_object_get(c, "device_type")) ? json_string_value(json_object_get(c, "device_type")) : "-",
           json_number_value(json_object_get(c, "confidence")));
    if (json_is_string(json_object_get(c, "conflicts")))
        printf("          conflicts: %s\n", json_string_value(json_object_get(c, "conflicts")));
    const json_t *reg = json_object_get(o, "registry");
    if (reg != NULL && !json_is_null(reg)) {
        printf("\nregistry  %s: %s, %s\n", json_string_value(json_object_get(reg, "name")),
               json_string_value(json_object_get(reg, "legal_name")),
               json_string_value(json_object_get(reg, "country")));
        json_array_foreach(json_object_get(reg, "laws"), i, e)
            printf("          subject to %s\n", json_string_value(e));
    } else {
        printf("\nregistry  no vendor to look up\n");
    }
    printf("\npolicies\n");
    json_array_foreach(json_object_get(o, "policies"), i, e)
    {
        const json_t *v = json_object_get(e, "verdict");
        printf("  %-26s %-9s %s%s%s: %s\n", json_string_value(json_object_get(e, "id")),
               json_is_true(json_object_get(e, "in_force")) ? "in force" : "not used",
               json_string_value(json_object_get(v, "decision")),
               json_is_string(json_object_get(v, "deadline")) ? " " : "",
               json_is_string(json_object_get(v, "deadline")) ? json_string_value(json_object_get(v, "deadline")) : "",
               json_string_value(json_object_get(v, "reason")));
    }
    const json_t *v = json_object_get(o, "verdict");
    printf("\nverdict   %s%s%s (%s)\n          %s\n", json_string_value(json_object_get(v, "decision")),
           json_is_string(json_object_get(v, "deadline")) ? " by " : "",
           json_is_string(json_object_get(v, "deadline")) ? json_string_value(json_object_get(v, "deadline")) : "",
           json_is_string(json_object_get(v, "policy")) ? json_string_value(json_object_get(v, "policy")) : "no policy",
           json_string_value(json_object_get(v, "reason")));
}

struct explain_args {
    const char *db, *tier_s, *select, *claim_file, *date;
    bool json, help;
};

static int explain_options(int argc, char **argv, struct explain_args *a)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'D'},     {"site-tier", required_argument, NULL, 't'},
        {"policy", required_argument, NULL, 'p'}, {"claim", required_argument, NULL, 'c'},
        {"date", required_argument, NULL, 'd'},   {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'D': a->db = optarg; break;
        case 't': a->tier_s = optarg; break;
        case 'p': a->select = optarg; break;
        case 'c': a->claim_file = optarg; break;
        case 'd': a->date = optarg; break;
        case 'j': a->json = true; break;
        case 'h':
            printf("Usage: %s DEVICE|VIN [--site-tier TIER] [--policy ID,ID]\n"
                   "          [--date YYYY-MM-DD] [--json] [--db PATH]\n"
                   "       %s --claim FILE|- --site-tier TIER [--policy ID,ID] [--json]\n\n"
                   "Prints the chain evidence -> claim -> registry -> policy -> verdict for one\n"
                   "device of the register (DEVICE: id, MAC, serial or address), identifying it\n"
                   "again from its stored evidence with today's rules. The tier is the device's\n"
                   "site's, unless --site-tier says otherwise. --claim judges a claim given as\n"
                   "JSON (the output of 'sightline identify'). --date judges as of that day\n"
                   "(replace-by deadlines).\n"
                   "For the VIN of a registered vehicle it prints the chain part -> vendor ->\n"
                   "parent -> law -> policy -> verdict of the vehicle and each fitted part,\n"
                   "judged at the vehicle's site (its tier and vehicle rule): the same text and\n"
                   "JSON as 'sightline vehicles check FILE --vehicle VIN'.\n",
                   cmd, cmd);
            a->help = true;
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    return SL_EXIT_OK;
}

/* A claim given as JSON (--claim FILE|-). An exit code. */
static int claim_from_file(const char *cmd, const char *path, struct sl_claim *claim)
{
    struct sl_err err = {0};
    size_t len;
    char *data = sl_read_file(path, 1u << 20, &len, &err);
    json_error_t je;
    json_t *cj = data ? json_loadb(data, len, JSON_REJECT_DUPLICATES, &je) : NULL;
    free(data);
    if (cj == NULL || sl_claim_from_json(cj, claim) != 0) {
        json_decref(cj);
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", data == NULL && err.msg[0] ? err.msg
                                                              : "the claim is not a JSON object");
    }
    json_decref(cj);
    return SL_EXIT_OK;
}

/* A device of the register: its claim from its evidence, and its site's tier. */
static int claim_from_register(const char *cmd, const struct explain_args *a, const char *which,
                               struct sl_claim *claim, enum sl_tier *tier, bool *have_tier,
                               json_t *out)
{
    struct sl_err err = {0};
    struct sl_store *s;
    if (sl_store_open(&s, sl_cli_db_path(a->db), SL_STORE_READONLY, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    struct sl_device d;
    int got = sl_store_device_find(s, which, &d, &err);
    if (got <= 0) {
        sl_store_close(s);
        return got == 0 ? sl_cli_fail(cmd, SL_EXIT_USAGE, "no device '%s' in the register", which)
                        : sl_cli_fail_err(cmd, &err);
    }
    sl_explain_device_tier(s, &d, tier, have_tier);
    struct sl_ident *id;
    int rc = SL_EXIT_OK;
    if (sl_ident_load(&id, sl_datadir(), &err) != 0) {
        rc = sl_cli_fail_err(cmd, &err);
    } else {
        if (sl_explain_claim(s, id, &d, claim, out, &err) != 0)
            rc = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
        sl_ident_free(id);
    }
    sl_store_close(s);
    if (rc == SL_EXIT_OK && !*have_tier)
        fprintf(stderr, "%s: the device has no site; judging as tier 'sensitive' "
                        "(use --site-tier)\n", cmd);
    return rc;
}

static int policy_explain(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct explain_args a;
    int rc = explain_options(argc, argv, &a);
    if (rc != SL_EXIT_OK || a.help)
        return rc;
    enum sl_tier tier = SL_TIER_SENSITIVE;
    bool have_tier = a.tier_s != NULL;
    if (have_tier && sl_tier_from_name(a.tier_s, &tier) != 0)
        return sl_cli_usage_error(cmd, "--site-tier must be sensitive, official or public");
    int64_t now = sl_now(); /* the pinned clock ($SIGHTLINE_NOW) when there is one */
    if (a.date != NULL && parse_date(a.date, &now) != 0)
        return sl_cli_usage_error(cmd, "--date must be YYYY-MM-DD");
    if (a.claim_file != NULL ? optind != argc : optind + 1 != argc)
        return sl_cli_usage_error(cmd, a.claim_file != NULL ? "--claim takes no DEVICE"
                                                            : "exactly one DEVICE is expected");
    if (a.claim_file != NULL && !have_tier)
        return sl_cli_usage_error(cmd, "--claim needs --site-tier");
    /* A VIN of the register: the vehicle's chains, as `vehicles check --vehicle`. */
    if (a.claim_file == NULL && sl_cmd_vehicle_known(a.db, argv[optind])) {
        if (have_tier)
            return sl_cli_usage_error(cmd, "--site-tier is for devices: a vehicle is judged at "
                                           "its site's tier and vehicle rule");
        return sl_cmd_vehicle_explain(cmd, argv[optind], a.db, a.select, a.date, a.json);
    }
    struct sl_policy_set *ps;
    rc = sl_cli_load_policies(cmd, a.select, &ps);
    if (rc != 0)
        return rc;
    json_t *out = json_object();
    struct sl_claim claim;
    if (a.claim_file != NULL)
        rc = claim_from_file(cmd, a.claim_file, &claim);
    else
        rc = claim_from_register(cmd, &a, argv[optind], &claim, &tier, &have_tier, out);
    if (rc == SL_EXIT_OK) {
        sl_explain_judge(ps, tier, &claim, now, out);
        if (a.json) {
            sl_print_json(stdout, out);
            out = NULL;
        } else {
            print_text(out);
        }
    }
    json_decref(out);
    sl_policy_free(ps);
    return rc;
}

static const struct sl_command policy_commands[] = {
    {"list", "list the policies and their decision per site tier", policy_list},
    {"explain", "evidence -> claim -> registry -> policy -> verdict for one device", policy_explain},
    {"check", "the real maker behind a make and model to buy, and each tier's verdict",
     sl_cmd_policy_check},
    {NULL, NULL, NULL},
};

int sl_cmd_policy(int argc, char **argv)
{
    return sl_cli_dispatch("sightline policy", policy_commands, argc, argv);
}
