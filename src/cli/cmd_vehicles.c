/* cmd_vehicles.c - sightline vehicles check|decode: fleet files validated,
 * identified and judged without a register; the command table of `vehicles`
 * (the register's add|import|list|show|set-status are in cmd_fleet.c). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/fleet_report.h"
#include "cli/judge_output.h"
#include "util/str.h"
#include "util/timeutil.h"
#include "vehicle/assess.h"

struct check_opts {
    const char *tier, *site_rule, *policy, *date, *format, *bom_vin, *vehicle, *fail_on;
    int model_year;
    bool explain, json, jsonl;
};

static int check_help(const char *cmd)
{
    printf("Usage: %s FILE... [--tier sensitive|official|public] [--site-rule RULE]\n"
           "          [--policy ID,ID] [--date YYYY-MM-DD] [--format csv|cyclonedx]\n"
           "          [--bom-vin VIN] [--model-year YEAR] [--explain] [--vehicle VIN]\n"
           "          [--json|--jsonl] [--fail-on DECISION]\n\n"
           "Validates, identifies and judges a fleet file without a register: a fleet CSV\n"
           "(one row per part; columns vin, make, model, model_year, fleet, site,\n"
           "registration, part_kind, part_layer, supplier, manufacturer, part_model,\n"
           "part_version, imei, serial) or a CycloneDX JSON BOM (1.4-1.6; vehicles and parts\n"
           "as docs/vehicles.md describes). A bad VIN, IMEI or cell names its line and\n"
           "column, and nothing is checked.\n\n"
           "Each part's maker or supplier is identified (supplier and model names, the\n"
           "IMEI's TAC, CPE, purl), judged under the vehicle policies in force ('sightline\n"
           "policy list') at a site of --tier (default sensitive), and so is each vehicle\n"
           "by its maker (the VIN's WMI). A part whose maker is not identified needs\n"
           "review. --site-rule sets the site's own vehicle rule:\n"
           "  none | not-admitted[:WHEN] | park-away:METRES[:WHEN]\n"
           "  WHEN = flagged (a part the policies flag; default) | nexus (a part or maker\n"
           "  with a nexus to China, Hong Kong, Macau or Russia)\n"
           "--explain (or --vehicle VIN for one vehicle) prints each verdict's chain:\n"
           "part -> vendor -> parent -> law -> policy -> verdict. --bom-vin names the\n"
           "vehicle a BOM without one describes (and --model-year its model year).\n"
           "--date judges as of that day (replace-by deadlines). --fail-on exits 1 when a\n"
           "vehicle's verdict is at least that strict (allowed, needs-review, restricted,\n"
           "replace-by, prohibited). --format is told from the file's name (.csv, .json)\n"
           "or else its first character unless given.\n\nPart kinds (part_kind):",
           cmd);
    /* The kinds come from the fleet's table; wrapped to the help's width. */
    const char *k = sl_part_kinds_list();
    size_t col = 27;
    while (*k != '\0') {
        size_t n = strcspn(k, " ");
        if (col + 1 + n > 79) {
            fputs("\n ", stdout);
            col = 1;
        }
        printf(" %.*s", (int)n, k);
        col += 1 + n;
        k += n + (k[n] == ' ');
    }
    puts(".");
    return SL_EXIT_OK;
}

static int check_args(int argc, char **argv, struct check_opts *o)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"tier", required_argument, NULL, 't'},     {"site-rule", required_argument, NULL, 'r'},
        {"policy", required_argument, NULL, 'p'},   {"date", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},   {"bom-vin", required_argument, NULL, 'b'},
        {"model-year", required_argument, NULL, 'y'}, {"explain", no_argument, NULL, 'e'},
        {"vehicle", required_argument, NULL, 'v'},  {"json", no_argument, NULL, 'j'},
        {"jsonl", no_argument, NULL, 'l'},          {"fail-on", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    int c;
    int64_t y;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': o->tier = optarg; break;
        case 'r': o->site_rule = optarg; break;
        case 'p': o->policy = optarg; break;
        case 'd': o->date = optarg; break;
        case 'f': o->format = optarg; break;
        case 'b': o->bom_vin = optarg; break;
        case 'e': o->explain = true; break;
        case 'v': o->vehicle = optarg; break;
        case 'j': o->json = true; break;
        case 'l': o->jsonl = true; break;
        case 'F': o->fail_on = optarg; break;
        case 'y':
            if (sl_parse_i64(optarg, 1950, 2100, &y) != 0)
                return sl_cli_usage_error(cmd, "--model-year must be a year (1950-2100)");
            o->model_year = (int)y;
            break;
        case 'h': return -1;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind >= argc)
        return sl_cli_usage_error(cmd, "at least one FILE is expected ('-' for standard input)");
    if (o->json && o->jsonl)
        return sl_cli_usage_error(cmd, "give --json or --jsonl, not both");
    if (o->format != NULL && strcasecmp(o->format, "csv") != 0 &&
        strcasecmp(o->format, "cyclonedx") != 0)
        return sl_cli_usage_error(cmd, "--format must be csv or cyclonedx");
    if (o->bom_vin != NULL && optind + 1 != argc)
        return sl_cli_usage_error(cmd, "--bom-vin names the vehicle of one BOM: give one FILE");
    return SL_EXIT_OK;
}

/* The assessment options the command line gives; an exit code on a bad value. */
static int assess_options(const char *cmd, const struct check_opts *o, struct sl_site_rule *sr,
                          struct sl_assess_options *ao, enum sl_decision *fail_on)
{
    ao->tier = SL_TIER_SENSITIVE;
    ao->now = sl_now();
    if (o->tier != NULL && sl_tier_from_name(o->tier, &ao->tier) != 0)
        return sl_cli_usage_error(cmd, "--tier must be sensitive, official or public");
    if (o->date != NULL && sl_time_parse_end_of_day(o->date, &ao->now) != 0)
        return sl_cli_usage_error(cmd, "--date must be YYYY-MM-DD");
    struct sl_err err = {0};
    if (o->site_rule != NULL) {
        if (sl_site_rule_parse(o->site_rule, sr, &err) != 0)
            return sl_cli_usage_error(cmd, "--site-rule: %s", err.msg);
        ao->site_rule = sr;
    }
    if (o->fail_on != NULL && sl_decision_from_name(o->fail_on, fail_on) != 0)
        return sl_cli_usage_error(cmd, "--fail-on must be allowed, needs-review, restricted, "
                                       "replace-by or prohibited");
    return SL_EXIT_OK;
}

static int vehicles_check(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct check_opts o = {0};
    int rc = check_args(argc, argv, &o);
    if (rc != SL_EXIT_OK)
        return rc < 0 ? check_help(cmd) : rc;
    struct sl_site_rule sr;
    struct sl_assess_options ao = {0};
    enum sl_decision fail_on = SL_DECISION_COUNT;
    if ((rc = assess_options(cmd, &o, &sr, &ao, &fail_on)) != SL_EXIT_OK)
        return rc;
    struct sl_policy_set *ps;
    struct sl_vrules *vr;
    if ((rc = sl_cli_load_vehicle_rules(cmd, o.policy, &ps, &vr)) != SL_EXIT_OK)
        return rc;
    struct sl_fleet f;
    sl_fleet_init(&f);
    struct sl_assessor *a = NULL;
    struct sl_err err = {0};
    struct sl_cli_fleet_in in = {o.format, o.bom_vin, o.model_year};
    rc = sl_cli_read_fleet(cmd, argv + optind, argc - optind, &in, vr, &f, "checked");
    if (rc == SL_EXIT_OK && sl_assess_new(&a, ps, vr, &ao, &err) != 0)
        rc = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
    struct sl_cli_fleet_counts r = {.worst = -1};
    struct sl_cli_fleet_out out = {o.vehicle, o.explain, o.json, o.jsonl, NULL};
    if (rc == SL_EXIT_OK)
        rc = sl_cli_fleet_report(cmd, a, &f, &out, &r);
    if (rc == SL_EXIT_OK && fail_on != SL_DECISION_COUNT && r.worst >= sl_decision_severity(fail_on))
        rc = SL_EXIT_FINDINGS;
    sl_assess_free(a);
    sl_fleet_free(&f);
    sl_vrules_free(vr);
    sl_policy_free(ps);
    return rc;
}

static bool looks_like_imei(const char *s)
{
    size_t digits = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digits++;
        else if (*s != ' ' && *s != '-')
            return false;
    }
    return digits > 0;
}

static json_t *vendor_json(const struct sl_registry *reg, const struct sl_vendor *v)
{
    json_t *o = json_pack("{s:s, s:s}", "name", v->name, "country", v->country);
    json_t *parents = json_array();
    int steps = 0;
    for (const struct sl_vendor *p = sl_registry_parent(reg, v); p != NULL && steps < SL_REG_MAX_DEPTH;
         p = sl_registry_parent(reg, p), steps++)
        json_array_append_new(parents, json_pack("{s:s, s:s}", "name", p->name, "country", p->country));
    json_object_set_new(o, "parents", parents);
    return o;
}

static json_t *decode_vin(const struct sl_vrules *vr, const char *text, struct sl_err *err)
{
    struct sl_vin_info vi;
    if (sl_vin_decode(vr, text, &vi, err) != 0)
        return NULL;
    json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:s}", "input", text, "type", "vin", "vin",
                          vi.vin, "check_digit_required", vi.check_required, "check_digit_ok",
                          vi.check_ok, "wmi", vi.wmi);
    char cd[2] = {vi.check_digit, '\0'};
    json_object_set_new(o, "check_digit", json_string(cd));
    json_object_set_new(o, "region", vi.region ? json_string(vi.region) : json_null());
    json_object_set_new(o, "country", vi.country ? json_string(vi.country) : json_null());
    json_object_set_new(o, "country_name", vi.country_name ? json_string(vi.country_name) : json_null());
    json_t *years = json_array();
    for (int i = 0; i < 2 && vi.year_candidates[i]; i++)
        json_array_append_new(years, json_integer(vi.year_candidates[i]));
    json_object_set_new(o, "model_year_candidates", years);
    json_object_set_new(o, "model_year", vi.model_year ? json_integer(vi.model_year) : json_null());
    if (vi.wmi_rule != NULL) {
        const struct sl_vrule *r = vi.wmi_rule;
        json_t *m = json_pack("{s:s, s:s, s:o, s:s}", "rule", r->id, "maker", r->maker, "vendor",
                              vendor_json(sl_vrules_registry(vr), r->vendor), "source", r->source);
        if (r->brand)
            json_object_set_new(m, "brand", json_string(r->brand));
        json_object_set_new(o, "maker", m);
    } else {
        json_object_set_new(o, "maker", json_null());
    }
    return o;
}

static json_t *decode_imei(const struct sl_vrules *vr, const char *text, struct sl_err *err)
{
    struct sl_imei_info ii;
    if (sl_imei_decode(vr, text, &ii, err) != 0)
        return NULL;
    json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "input", text, "type", "imei", "imei", ii.imei,
                          "tac", ii.tac);
    if (ii.tac_rule != NULL) {
        const struct sl_vrule *r = ii.tac_rule;
        json_object_set_new(o, "device", json_pack("{s:s, s:s, s:o, s:s}", "rule", r->id, "model",
                                                   r->model, "vendor",
                                                   vendor_json(sl_vrules_registry(vr), r->vendor),
                                                   "source", r->source));
    } else {
        json_object_set_new(o, "device", json_null());
    }
    return o;
}

static void print_decoded(const json_t *o)
{
    const char *type = json_string_value(json_object_get(o, "type"));
    const json_t *who = json_object_get(o, strcmp(type, "vin") == 0 ? "maker" : "device");
    const json_t *vend = json_object_get(who, "vendor");
    if (strcmp(type, "vin") == 0) {
        const json_t *years = json_object_get(o, "model_year_candidates");
        printf("%s  VIN, valid\n  WMI         %s: region %s, country %s\n",
               json_string_value(json_object_get(o, "vin")),
               json_string_value(json_object_get(o, "wmi")),
               json_is_string(json_object_get(o, "region")) ? json_string_value(json_object_get(o, "region")) : "?",
               json_is_string(json_object_get(o, "country_name")) ? json_string_value(json_object_get(o, "country_name")) : "?");
        printf("  check digit %s (%s)\n", json_string_value(json_object_get(o, "check_digit")),
               json_is_true(json_object_get(o, "check_digit_required"))
                   ? "required in this region, and right"
                   : json_is_true(json_object_get(o, "check_digit_ok"))
                         ? "not required here; position 9 agrees"
                         : "not required here; position 9 is not it");
        if (json_is_integer(json_object_get(o, "model_year")))
            printf("  model year  %lld\n", (long long)json_integer_value(json_object_get(o, "model_year")));
        else if (json_array_size(years) == 2)
            printf("  model year  position 10 reads %lld or %lld (not fixed outside North America)\n",
                   (long long)json_integer_value(json_array_get(years, 0)),
                   (long long)json_integer_value(json_array_get(years, 1)));
    } else {
        printf("%s  IMEI, valid (Luhn)\n  TAC         %s\n", json_string_value(json_object_get(o, "imei")),
               json_string_value(json_object_get(o, "tac")));
    }
    if (!json_is_object(who)) {
        printf("  maker       unknown: %s is in no cited list\n\n",
               strcmp(type, "vin") == 0 ? "this WMI" : "this TAC");
        return;
    }
    printf("  maker       %s%s%s -> %s (%s) [%s]\n",
           json_string_value(json_object_get(who, strcmp(type, "vin") == 0 ? "maker" : "model")),
           json_object_get(who, "brand") ? ", brand " : "",
           json_object_get(who, "brand") ? json_string_value(json_object_get(who, "brand")) : "",
           json_string_value(json_object_get(vend, "name")),
           json_string_value(json_object_get(vend, "country")),
           json_string_value(json_object_get(who, "rule")));
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(vend, "parents"), i, p)
        printf("  parent      %s (%s)\n", json_string_value(json_object_get(p, "name")),
               json_string_value(json_object_get(p, "country")));
    printf("  source      %s\n\n", json_string_value(json_object_get(who, "source")));
}

static int vehicles_decode(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    bool json = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'j') {
            json = true;
            continue;
        }
        if (c == 'h') {
            printf("Usage: %s VIN|IMEI... [--json]\n\n"
                   "Validates each VIN (17 characters, no I, O or Q; the check digit in position\n"
                   "9 where the region requires it: North America, China) and names its region,\n"
                   "country and maker from the WMI list, with the maker's parents; or validates\n"
                   "each IMEI (15 digits, Luhn) and names the device its TAC belongs to where a\n"
                   "cited source gives it (otherwise unknown: never guessed). Exit 2 when one is\n"
                   "invalid, with the reason.\n",
                   cmd);
            return SL_EXIT_OK;
        }
        return sl_cli_bad_option(cmd);
    }
    if (optind >= argc)
        return sl_cli_usage_error(cmd, "a VIN or an IMEI is expected");
    struct sl_policy_set *ps;
    struct sl_vrules *vr;
    int rc = sl_cli_load_vehicle_rules(cmd, NULL, &ps, &vr);
    if (rc != SL_EXIT_OK)
        return rc;
    json_t *all = json_array();
    for (int i = optind; i < argc; i++) {
        struct sl_err err = {0};
        bool imei = looks_like_imei(argv[i]);
        json_t *o = imei ? decode_imei(vr, argv[i], &err) : decode_vin(vr, argv[i], &err);
        if (o == NULL) {
            rc = sl_cli_fail(cmd, SL_EXIT_USAGE, "%s: not a valid %s: %s", argv[i],
                             imei ? "IMEI" : "VIN", err.msg);
            continue;
        }
        if (json)
            json_array_append_new(all, o);
        else {
            print_decoded(o);
            json_decref(o);
        }
    }
    if (json)
        sl_print_json(stdout, all);
    else
        json_decref(all);
    sl_vrules_free(vr);
    sl_policy_free(ps);
    return rc;
}

static const struct sl_command vehicle_commands[] = {
    {"check", "validate, identify and judge a fleet CSV or CycloneDX BOM (no register)",
     vehicles_check},
    {"decode", "validate a VIN or IMEI and name its maker from the cited lists", vehicles_decode},
    {"import", "add fleet files' vehicles and parts to the register, judged at their sites",
     sl_cmd_vehicles_import},
    {"add", "add one vehicle and its parts to the register", sl_cmd_vehicles_add},
    {"list", "list the register's vehicles (table, --json or --csv; filters)",
     sl_cmd_vehicles_list},
    {"show", "one vehicle: every verdict's chain, its status and history", sl_cmd_vehicles_show},
    {"set-status", "retire or move a vehicle; a part removed or fitted", sl_cmd_vehicles_set_status},
    {"expire", "write down expired part exemptions (parts fall back by themselves)",
     sl_cmd_vehicles_expire},
    {NULL, NULL, NULL},
};

int sl_cmd_vehicles(int argc, char **argv)
{
    return sl_cli_dispatch("sightline vehicles", vehicle_commands, argc, argv);
}
