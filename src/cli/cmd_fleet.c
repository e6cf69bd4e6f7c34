/* cmd_fleet.c - the fleet register's commands: sightline vehicles
 * add|import|list|show|set-status, and the register side of `policy explain
 * VIN`. Judging and storing are vehicle/register.h's; this file parses
 * options and prints. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/fleet_report.h"
#include "cli/judge_output.h"
#include "cli/output.h"
#include "store/store.h"
#include "util/csv.h"
#include "util/str.h"
#include "util/table.h"
#include "util/timeutil.h"
#include "vehicle/register.h"
#include "vehicle/expire.h"
#include "vehicle/status.h"

/* ---- import and add ------------------------------------------------------------------- */

struct import_progress {
    const char *cmd, *file;
};

static void import_progress(size_t done, size_t total, void *ctx)
{
    const struct import_progress *p = ctx;
    fprintf(stderr, "%s: %s: %zu of %zu vehicles judged and written\r", p->cmd, p->file, done,
            total);
    if (done == total)
        fputc('\n', stderr);
}

/* Writes one fleet (from `source`) in the open transaction, registered VINs
 * merged (a re-import) or refused (`vehicles add`); an exit code. */
static int import_fleet(const char *cmd, struct sl_store *s, struct sl_assessor *a,
                        const struct sl_fleet *f, const char *source, const char *site,
                        const char *actor, bool quiet, bool merge, struct sl_vreg_counts *total)
{
    struct sl_import_problems *probs = malloc(sizeof *probs);
    if (probs == NULL)
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
    struct import_progress ip = {cmd, source};
    struct sl_vreg_options o = {source, site, actor, NULL, &ip, merge};
    if (!quiet && sl_cli_stderr_is_tty() && f->n_vehicles >= 1000)
        o.progress = import_progress;
    struct sl_vreg_counts c;
    struct sl_err err = {0};
    int rc = sl_vreg_import(s, a, f, &o, &c, probs, &err), ret = SL_EXIT_OK;
    if (rc > 0) {
        sl_print_problems(cmd, source, probs, "imported");
        ret = SL_EXIT_USAGE;
    } else if (rc < 0) {
        ret = sl_cli_fail(cmd, sl_cli_exit_for(&err), "%s: %s; nothing imported", source, err.msg);
    } else {
        total->vehicles += c.vehicles;
        total->parts += c.parts;
        total->changed += c.changed;
        total->unchanged += c.unchanged;
        total->parts_added += c.parts_added;
        total->parts_changed += c.parts_changed;
        total->parts_removed += c.parts_removed;
        for (int d = 0; d < SL_DECISION_COUNT; d++) {
            total->vehicles_by[d] += c.vehicles_by[d];
            total->parts_by[d] += c.parts_by[d];
        }
    }
    free(probs);
    return ret;
}

struct import_args {
    const char *db, *actor, *site, *policy;
    struct sl_cli_fleet_in in;
    bool quiet, dry_run;
};

static int import_options(int argc, char **argv, struct import_args *o)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"site", required_argument, NULL, 's'},     {"format", required_argument, NULL, 'f'},
        {"bom-vin", required_argument, NULL, 'b'},  {"model-year", required_argument, NULL, 'y'},
        {"policy", required_argument, NULL, 'p'},   {"db", required_argument, NULL, 'D'},
        {"actor", required_argument, NULL, 'A'},    {"quiet", no_argument, NULL, 'q'},
        {"dry-run", no_argument, NULL, 'n'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    int64_t y;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 's': o->site = optarg; break;
        case 'f': o->in.format = optarg; break;
        case 'b': o->in.bom_vin = optarg; break;
        case 'p': o->policy = optarg; break;
        case 'D': o->db = optarg; break;
        case 'A': o->actor = optarg; break;
        case 'q': o->quiet = true; break;
        case 'n': o->dry_run = true; break;
        case 'y':
            if (sl_parse_i64(optarg, 1950, 2100, &y) != 0)
                return sl_cli_usage_error(cmd, "--model-year must be a year (1950-2100)");
            o->in.model_year = (int)y;
            break;
        case 'h':
            printf("Usage: %s FILE... [--site NAME] [--format csv|cyclonedx] [--bom-vin VIN]\n"
                   "          [--model-year YEAR] [--policy ID,ID] [--dry-run] [--quiet]\n"
                   "          [--db PATH] [--actor NAME]\n\n"
                   "Adds the vehicles and connected parts of fleet files (the fleet CSV or a\n"
                   "CycloneDX BOM, read as 'sightline vehicles check' reads them) to the\n"
                   "register, each judged at its own site: the site's tier and vehicle rule\n"
                   "('sightline sites set-vehicle-rule'). Every site a file names must be in the\n"
                   "register; --site is the site of vehicles a file names none for (a vehicle\n"
                   "with no site is judged as at a sensitive site). All or nothing, over every\n"
                   "file: a bad VIN, IMEI or cell, an unknown site, or an IMEI already on\n"
                   "another vehicle's part is named with its line and column and nothing is\n"
                   "imported (exit 2). One audit entry per vehicle; progress on a terminal.\n\n"
                   "A VIN already in the register is re-imported: its make, model, model\n"
                   "year, fleet, site and registration are updated, its parts matched by\n"
                   "position (the order the file lists them in) are added or changed, and\n"
                   "fitted parts the file no longer lists are marked removed (\"not in the\n"
                   "re-import\"); each change is a vehicle event, the vehicle has one audit\n"
                   "entry (vehicle.reimport) and is judged again. An unchanged vehicle writes\n"
                   "nothing. A removed part stays removed: a different part at its position\n"
                   "is refused.\n\n"
                   "  --dry-run   say what would change (vehicles new, changed, unchanged;\n"
                   "              parts added, changed, removed) and write nothing\n",
                   cmd);
            return -1;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind >= argc)
        return sl_cli_usage_error(cmd, "at least one FILE is expected ('-' for standard input)");
    if (o->in.format != NULL && strcasecmp(o->in.format, "csv") != 0 &&
        strcasecmp(o->in.format, "cyclonedx") != 0)
        return sl_cli_usage_error(cmd, "--format must be csv or cyclonedx");
    if (o->in.bom_vin != NULL && optind + 1 != argc)
        return sl_cli_usage_error(cmd, "--bom-vin names the vehicle of one BOM: give one FILE");
    return SL_EXIT_OK;
}

/* Every file read, judged and written in one transaction; an exit code. */
static int import_files(const char *cmd, struct sl_store *s, struct sl_vrules *vr,
                        struct sl_assessor *a, char **files, int n, const struct import_args *o,
                        struct sl_vreg_counts *total)
{
    struct sl_err err = {0};
    if (sl_store_begin(s, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    int rc = SL_EXIT_OK;
    for (int i = 0; i < n && rc == SL_EXIT_OK; i++) {
        struct sl_fleet f;
        sl_fleet_init(&f);
        rc = sl_cli_read_fleet(cmd, files + i, 1, &o->in, vr, &f, "imported");
        if (rc == SL_EXIT_OK)
            rc = import_fleet(cmd, s, a, &f, files[i], o->site, sl_cli_actor(o->actor), o->quiet,
                              true, total);
        sl_fleet_free(&f);
    }
    if (rc != SL_EXIT_OK || o->dry_run) {
        sl_store_rollback(s); /* a dry run: everything done, then undone */
        return rc;
    }
    if (sl_store_commit(s, &err) != 0)
        return sl_cli_fail(cmd, sl_cli_exit_for(&err), "%s; nothing imported", err.msg);
    return SL_EXIT_OK;
}

int sl_cmd_vehicles_import(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct import_args o = {0};
    int rc = import_options(argc, argv, &o);
    if (rc != SL_EXIT_OK)
        return rc < 0 ? SL_EXIT_OK : rc;
    struct sl_cli_judge j;
    if ((rc = sl_cli_judge_open(cmd, o.policy, NULL, o.db, NULL, true, &j)) != SL_EXIT_OK)
        return rc;
    struct sl_vreg_counts total = {0};
    rc = import_files(cmd, j.s, j.vr, j.a, argv + optind, argc - optind, &o, &total);
    sl_cli_judge_close(&j);
    if (rc != SL_EXIT_OK)
        return rc;
    printf("%s %zu vehicle%s with %zu part%s\n", o.dry_run ? "dry run: would import" : "imported",
           total.vehicles, total.vehicles == 1 ? "" : "s", total.parts,
           total.parts == 1 ? "" : "s");
    sl_cli_print_decisions("vehicles", total.vehicles_by);
    sl_cli_print_decisions("parts", total.parts_by);
    if (total.changed + total.unchanged > 0)
        printf("%s: %zu vehicle%s changed, %zu unchanged; parts %zu added, %zu changed, "
               "%zu removed\n",
               o.dry_run ? "would re-import" : "re-imported", total.changed,
               total.changed == 1 ? "" : "s", total.unchanged, total.parts_added,
               total.parts_changed, total.parts_removed);
    if (o.dry_run)
        printf("dry run: nothing written\n");
    return SL_EXIT_OK;
}

/* --part KIND:SUPPLIER:MODEL[:LAYER[:IMEI[:SERIAL]]] into f (vehicle 0). */
static int add_part(const char *cmd, struct sl_vrules *vr, struct sl_fleet *f, int n,
                    const char *spec)
{
    char buf[1024];
    if (sl_strlcpy(buf, spec, sizeof buf) >= sizeof buf)
        return sl_cli_usage_error(cmd, "--part %d is too long", n);
    char *field[6] = {0};
    int k = 0;
    for (char *p = buf, *save = NULL; k < 6; p = NULL) {
        char *t = strtok_r(p, ":", &save);
        if (t == NULL)
            break;
        field[k++] = sl_str_trim(t);
    }
    enum sl_part_kind kind;
    enum sl_part_layer layer = SL_LAYER_UNKNOWN;
    if (k < 2 || sl_part_kind_parse(field[0], &kind) != 0)
        return sl_cli_usage_error(cmd, "--part %d: KIND:SUPPLIER:MODEL[:LAYER[:IMEI[:SERIAL]]], "
                                       "KIND one of %s", n, sl_part_kinds_list());
    if (field[3] != NULL && sl_part_layer_parse(field[3], &layer) != 0)
        return sl_cli_usage_error(cmd, "--part %d: layer must be hardware or software", n);
    struct sl_imei_info ii = {0};
    struct sl_err err = {0};
    if (field[4] != NULL && field[4][0] && sl_imei_decode(vr, field[4], &ii, &err) != 0)
        return sl_cli_usage_error(cmd, "--part %d: '%s' is not a valid IMEI: %s", n, field[4],
                                  err.msg);
    char where[32];
    snprintf(where, sizeof where, "--part %d", n);
    struct sl_fleet_part p = {.vehicle = 0, .kind = (uint8_t)kind, .layer = (uint8_t)layer};
    if (sl_fleet_intern(f, field[1], &p.supplier) != 0 ||
        sl_fleet_intern(f, field[2] != NULL ? field[2] : "", &p.model) != 0 ||
        sl_fleet_intern(f, ii.imei, &p.imei) != 0 ||
        sl_fleet_intern(f, field[5] != NULL ? field[5] : "", &p.serial) != 0 ||
        sl_fleet_intern(f, where, &p.where) != 0 || sl_fleet_add_part(f, &p, &err) != 0)
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
    return SL_EXIT_OK;
}

struct add_args {
    const char *make, *model, *fleet, *site, *registration, *db, *actor, *policy;
    int model_year;
    const char *parts[64];
    int n_parts;
};

static int add_options(int argc, char **argv, struct add_args *o)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"make", required_argument, NULL, 'm'},      {"model", required_argument, NULL, 'M'},
        {"model-year", required_argument, NULL, 'y'}, {"fleet", required_argument, NULL, 'f'},
        {"site", required_argument, NULL, 's'},      {"registration", required_argument, NULL, 'r'},
        {"part", required_argument, NULL, 'P'},      {"policy", required_argument, NULL, 'p'},
        {"db", required_argument, NULL, 'D'},        {"actor", required_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0},
    };
    int c;
    int64_t y;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': o->make = optarg; break;
        case 'M': o->model = optarg; break;
        case 'f': o->fleet = optarg; break;
        case 's': o->site = optarg; break;
        case 'r': o->registration = optarg; break;
        case 'p': o->policy = optarg; break;
        case 'D': o->db = optarg; break;
        case 'A': o->actor = optarg; break;
        case 'P':
            if (o->n_parts == 64)
                return sl_cli_usage_error(cmd, "at most 64 --part options");
            o->parts[o->n_parts++] = optarg;
            break;
        case 'y':
            if (sl_parse_i64(optarg, 1950, 2100, &y) != 0)
                return sl_cli_usage_error(cmd, "--model-year must be a year (1950-2100)");
            o->model_year = (int)y;
            break;
        case 'h':
            printf("Usage: %s VIN [--make MAKE] [--model MODEL] [--model-year YEAR]\n"
                   "          [--fleet FLEET] [--site NAME] [--registration REG]\n"
                   "          [--part KIND:SUPPLIER:MODEL[:LAYER[:IMEI[:SERIAL]]]]...\n"
                   "          [--policy ID,ID] [--db PATH] [--actor NAME]\n\n"
                   "Adds one vehicle and its connected parts to the register, judged at its\n"
                   "site (which must be in the register) as 'vehicles import' judges a file:\n"
                   "e.g. --part tcu:Quectel:AG35-E:hardware:352093081047291. The VIN is\n"
                   "checked (length, characters, the check digit where the region requires\n"
                   "it), and so is each IMEI (Luhn); a North American VIN fixes the model year\n"
                   "when --model-year is not given.\n",
                   cmd);
            return -1;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind + 1 != argc)
        return sl_cli_usage_error(cmd, "exactly one VIN is expected");
    return SL_EXIT_OK;
}

/* The command line's vehicle as a one-vehicle fleet; an exit code. */
static int add_fleet(const char *cmd, struct sl_vrules *vr, const char *vin,
                     const struct add_args *o, struct sl_fleet *f)
{
    struct sl_vin_info vi;
    struct sl_err err = {0};
    if (sl_vin_decode(vr, vin, &vi, &err) != 0)
        return sl_cli_usage_error(cmd, "'%s' is not a valid VIN: %s", vin, err.msg);
    struct sl_fleet_vehicle v = {.model_year = (uint16_t)o->model_year};
    memcpy(v.vin, vi.vin, sizeof v.vin);
    if (o->model_year == 0 && vi.model_year != 0) {
        v.model_year = (uint16_t)vi.model_year;
        v.model_year_from_vin = true;
    }
    const char *texts[] = {o->make, o->model, o->fleet, o->site, o->registration};
    sl_fstr *to[] = {&v.make, &v.model, &v.fleet, &v.site, &v.registration};
    for (size_t i = 0; i < 5; i++) {
        if (texts[i] != NULL && (strlen(texts[i]) >= SL_NAME_MAX || sl_str_has_control(texts[i])))
            return sl_cli_usage_error(cmd, "'%.40s': too long or holds control characters",
                                      texts[i]);
        if (sl_fleet_intern(f, texts[i] != NULL ? texts[i] : "", to[i]) != 0)
            return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
    }
    uint32_t idx;
    if (sl_fleet_add_vehicle(f, &v, &idx, &err) != 0)
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
    for (int i = 0; i < o->n_parts; i++) {
        int rc = add_part(cmd, vr, f, i + 1, o->parts[i]);
        if (rc != SL_EXIT_OK)
            return rc;
    }
    if (sl_fleet_index(f, &err) != 0)
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
    return SL_EXIT_OK;
}

int sl_cmd_vehicles_add(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct add_args o = {0};
    int rc = add_options(argc, argv, &o);
    if (rc != SL_EXIT_OK)
        return rc < 0 ? SL_EXIT_OK : rc;
    struct sl_cli_judge j;
    if ((rc = sl_cli_judge_open(cmd, o.policy, NULL, o.db, NULL, true, &j)) != SL_EXIT_OK)
        return rc;
    struct sl_fleet f;
    sl_fleet_init(&f);
    rc = add_fleet(cmd, j.vr, argv[optind], &o, &f);
    struct sl_vreg_counts total = {0};
    if (rc == SL_EXIT_OK)
        rc = import_fleet(cmd, j.s, j.a, &f, "command line", NULL, sl_cli_actor(o.actor), true,
                          false, &total);
    if (rc == SL_EXIT_OK) {
        int d;
        for (d = 0; d < SL_DECISION_COUNT && total.vehicles_by[d] == 0; d++)
            ;
        printf("added vehicle %s with %zu part%s: %s\n", f.vehicles[0].vin, total.parts,
               total.parts == 1 ? "" : "s", sl_decision_name((enum sl_decision)d));
    }
    sl_fleet_free(&f);
    sl_cli_judge_close(&j);
    return rc;
}

/* ---- list ------------------------------------------------------------------------------ */

struct list_ctx {
    enum sl_format fmt;
    struct sl_table *t;
    json_t *arr;
};

static json_t *vehicle_row_json(const struct sl_vehicle_row *v)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id",
                          (json_int_t)v->id, "vin", v->vin, "make", v->make, "model", v->model,
                          "fleet", v->fleet, "site", v->site, "registration", v->registration,
                          "status", v->status, "maker", v->maker, "verdict",
                          sl_verdict_to_json(&v->verdict));
    json_object_set_new(o, "model_year", v->model_year ? json_integer(v->model_year) : json_null());
    json_object_set_new(o, "status_since", json_string(v->status_since));
    json_object_set_new(o, "first_seen", json_string(v->first_seen));
    return o;
}

static int list_one(const struct sl_vehicle_row *v, void *vctx)
{
    struct list_ctx *c = vctx;
    if (c->fmt == SL_FMT_JSON) {
        json_array_append_new(c->arr, vehicle_row_json(v));
        return 0;
    }
    char year[16] = "", verdict[48];
    if (v->model_year)
        snprintf(year, sizeof year, "%d", v->model_year);
    snprintf(verdict, sizeof verdict, "%s%s%s", sl_decision_name(v->verdict.decision),
             v->verdict.deadline[0] ? " " : "", v->verdict.deadline);
    const char *row[] = {v->vin,  v->registration, v->make,   v->model,         year,
                         v->fleet, v->site,        v->status, verdict, v->verdict.policy};
    if (c->fmt == SL_FMT_CSV)
        sl_csv_write_row(stdout, row, 10);
    else
        sl_table_add(c->t, row);
    return 0;
}

int sl_cmd_vehicles_list(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"fleet", required_argument, NULL, 'f'},    {"site", required_argument, NULL, 's'},
        {"decision", required_argument, NULL, 'd'}, {"vendor", required_argument, NULL, 'v'},
        {"status", required_argument, NULL, 'S'},   {"limit", required_argument, NULL, 'l'},
        {"json", no_argument, NULL, 'j'},           {"csv", no_argument, NULL, 'c'},
        {"db", required_argument, NULL, 'D'},       {"read-db", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    struct sl_vehicle_filter flt = {0};
    const char *db = NULL, *read_db = NULL;
    struct list_ctx c = {SL_FMT_TABLE, NULL, NULL};
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'f': flt.fleet = optarg; break;
        case 's': flt.site = optarg; break;
        case 'd': flt.decision = optarg; break;
        case 'v': flt.vendor = optarg; break;
        case 'S': flt.status = optarg; break;
        case 'j': c.fmt = SL_FMT_JSON; break;
        case 'c': c.fmt = SL_FMT_CSV; break;
        case 'D': db = optarg; break;
        case 'R': read_db = optarg; break;
        case 'l':
            if (sl_parse_i64(optarg, 1, INT64_MAX, &flt.limit) != 0)
                return sl_cli_usage_error(cmd, "--limit takes a positive number");
            break;
        case 'h':
            printf("Usage: %s [--fleet FLEET] [--site NAME] [--decision DECISION]\n"
                   "          [--vendor VENDOR] [--status active|retired] [--limit N]\n"
                   "          [--json|--csv] [--db PATH] [--read-db LOCATION]\n\n"
                   "Lists the register's vehicles with their stored verdicts (as judged when\n"
                   "they were imported, or since their site's rule or a status changed).\n"
                   "--vendor keeps vehicles made by that vendor or with a fitted part it was\n"
                   "identified in (any case). DECISION: allowed, needs-review, restricted,\n"
                   "replace-by or prohibited.\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    enum sl_decision dd;
    if (flt.decision != NULL && sl_decision_from_name(flt.decision, &dd) != 0)
        return sl_cli_usage_error(cmd, "--decision must be allowed, needs-review, restricted, "
                                       "replace-by or prohibited");
    if (flt.status != NULL && strcmp(flt.status, "active") != 0 && strcmp(flt.status, "retired") != 0)
        return sl_cli_usage_error(cmd, "--status must be active or retired");
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_cli_open_read(&s, db, read_db, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    static const char *const headers[] = {"vin",  "registration", "make",   "model",   "year",
                                          "fleet", "site",        "status", "verdict", "policy"};
    if (c.fmt == SL_FMT_TABLE)
        c.t = sl_table_new(10, headers);
    else if (c.fmt == SL_FMT_JSON)
        c.arr = json_array();
    else
        sl_csv_write_row(stdout, headers, 10);
    int rc = sl_store_vehicle_list(s, &flt, list_one, &c, &err);
    sl_store_close(s);
    if (rc != 0) {
        sl_table_free(c.t);
        json_decref(c.arr);
        return sl_cli_fail_err(cmd, &err);
    }
    if (c.t != NULL) {
        if (sl_table_rows(c.t) == 0)
            printf("no vehicles%s (add them with 'sightline vehicles import' or 'vehicles add')\n",
                   flt.fleet || flt.site || flt.decision || flt.vendor || flt.status
                       ? " match" : " yet");
        else
            sl_table_print(c.t, stdout, 40);
        sl_table_free(c.t);
    }
    if (c.arr != NULL)
        sl_print_json(stdout, c.arr);
    return SL_EXIT_OK;
}

/* ---- show, explain ----------------------------------------------------------------- */

/* The vehicle a VIN or registration names: 1 and *id, or an exit code (as a
 * negative number) after saying what is wrong. */
static int find_vehicle(const char *cmd, struct sl_store *s, const char *key, int64_t *id)
{
    struct sl_err err = {0};
    int got = sl_store_vehicle_find(s, key, id, &err);
    if (got == 1)
        return 1;
    if (got == 0)
        return -sl_cli_fail(cmd, SL_EXIT_USAGE, "no vehicle '%s' in the register (a VIN or a "
                                                "registration)", key);
    return -sl_cli_fail_err(cmd, &err);
}


static void print_register(const json_t *r)
{
    size_t i;
    const json_t *e;
    char vt[160];
    printf("\nregister  status %s since %s; registered %s\n",
           json_string_value(json_object_get(r, "status")),
           json_string_value(json_object_get(r, "status_since")),
           json_string_value(json_object_get(r, "first_seen")));
    sl_cli_verdict_text(json_object_get(r, "stored_verdict"), vt, sizeof vt);
    printf("          stored verdict %s\n", vt);
    json_array_foreach(json_object_get(r, "parts"), i, e)
    {
        const json_t *ex = json_object_get(e, "exemption_expired");
        if (strcmp(json_string_value(json_object_get(e, "status")), "fitted") == 0 && ex == NULL)
            continue;
        const json_t *rb = json_object_get(e, "replaced_by");
        const json_t *sf = json_object_get(e, "scheduled_for");
        const json_t *eu = json_object_get(e, "exempt_until");
        const json_t *ea = json_object_get(e, "exempt_approver");
        printf("  part %lld  %s \"%s\" %s since %s%s%s%s%s%s%s%s%s%s%s%s\n",
               (long long)json_integer_value(json_object_get(e, "position")),
               json_string_value(json_object_get(e, "kind")),
               json_string_value(json_object_get(e, "model")),
               json_string_value(json_object_get(e, "status")),
               json_string_value(json_object_get(e, "status_since")), rb ? ", replaced by " : "",
               rb ? json_string_value(rb) : "", sf ? ", removal due " : "",
               sf ? json_string_value(sf) : "", eu ? ", exempt until " : "",
               eu ? json_string_value(eu) : "", ea ? " (approved by " : "",
               ea ? json_string_value(ea) : "", ea ? ")" : "",
               ex ? "; the exemption expired on " : "", ex ? json_string_value(ex) : "");
    }
    printf("history\n");
    json_array_foreach(json_object_get(r, "history"), i, e)
    {
        const json_t *part = json_object_get(e, "part"), *from = json_object_get(e, "from");
        const json_t *site = json_object_get(e, "site"), *note = json_object_get(e, "note");
        char who[32] = "vehicle";
        if (part != NULL)
            snprintf(who, sizeof who, "part %lld", (long long)json_integer_value(part));
        printf("  %s  %s: %s -> %s%s%s%s%s  (%s)\n", json_string_value(json_object_get(e, "at")),
               who, json_is_string(from) ? json_string_value(from) : "(new)",
               json_string_value(json_object_get(e, "to")), site ? " at " : "",
               site ? json_string_value(site) : "", note ? "; " : "",
               note ? json_string_value(note) : "",
               json_string_value(json_object_get(e, "actor")));
    }
}

/* `vehicles show`: the judged vehicle with its parts' positions, then the register's view. */
static void print_shown(json_t *doc, json_t *reg, const struct sl_vreg_vehicle *v, bool json)
{
    json_t *vh = json_array_get(json_object_get(doc, "vehicles"), 0);
    const json_t *positions = json_object_get(reg, "parts");
    size_t i, k = 0;
    json_t *p;
    json_array_foreach(json_object_get(vh, "parts"), i, p)
    {
        for (; k < json_array_size(positions); k++) {
            const json_t *r = json_array_get(positions, k);
            if (i < v->n_parts && json_integer_value(json_object_get(r, "id")) == v->part_ids[i]) {
                json_object_set(p, "position", json_object_get(r, "position"));
                break;
            }
        }
    }
    if (json) {
        json_object_set_new(doc, "register", reg);
        sl_print_json(stdout, json_incref(doc));
        return;
    }
    const json_t *ctx = json_object_get(doc, "context");
    const json_t *sr = json_object_get(ctx, "site_rule");
    printf("site      %s (tier %s); vehicle rule %s; judged as of %s\n",
           v->site[0] ? v->site : "none (judged as sensitive)",
           json_string_value(json_object_get(ctx, "tier")),
           json_is_object(sr) ? json_string_value(json_object_get(sr, "rule")) : "none set",
           json_string_value(json_object_get(ctx, "date")));
    printf("policies ");
    const json_t *e;
    json_array_foreach(json_object_get(ctx, "policies"), i, e)
        printf("%s %s", i ? "," : "", json_string_value(json_object_get(e, "id")));
    printf("\n\n");
    sl_cli_print_vehicle_chain(stdout, vh);
    print_register(reg);
    json_decref(reg);
}

struct show_args {
    const char *db, *read_db, *date, *policy;
    bool json;
};

static int show_options(int argc, char **argv, struct show_args *o, bool explain)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},         {"date", required_argument, NULL, 'd'},
        {"policy", required_argument, NULL, 'p'}, {"db", required_argument, NULL, 'D'},
        {"read-db", required_argument, NULL, 'R'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': o->json = true; break;
        case 'd': o->date = optarg; break;
        case 'p': o->policy = optarg; break;
        case 'D': o->db = optarg; break;
        case 'R': o->read_db = optarg; break;
        case 'h':
            printf("Usage: %s VIN|REGISTRATION [--json] [--date YYYY-MM-DD] [--policy ID,ID]\n"
                   "          [--db PATH] [--read-db LOCATION]\n\n", cmd);
            if (!explain)
                printf("Shows one vehicle of the register: judged again at its site (tier and\n"
                       "vehicle rule) with today's rules, every verdict with its chain (part ->\n"
                       "vendor -> parent -> law -> policy -> verdict), as 'vehicles check\n"
                       "--vehicle' shows a file's; then what the register holds: its status,\n"
                       "the verdict stored, removed parts and the history. --date judges as of\n"
                       "that day.\n");
            return -1;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind + 1 != argc)
        return sl_cli_usage_error(cmd, "exactly one VIN or registration is expected");
    return SL_EXIT_OK;
}

/* Loads the vehicle `key`, judges it at its site and prints it (the check
 * report; with_register: and what the register holds). An exit code. */
static int show_vehicle(const char *cmd, const char *key, const struct show_args *o,
                        bool with_register)
{
    struct sl_cli_judge j;
    int rc = sl_cli_judge_open(cmd, o->policy, o->date, o->db, o->read_db, false, &j);
    if (rc != SL_EXIT_OK)
        return rc;
    struct sl_store *s = j.s;
    struct sl_assessor *a = j.a;
    struct sl_err err = {0};
    struct sl_fleet f;
    sl_fleet_init(&f);
    struct sl_vreg_vehicle v = {0};
    int64_t id = 0;
    rc = find_vehicle(cmd, s, key, &id);
    rc = rc < 0 ? -rc : SL_EXIT_OK;
    if (rc == SL_EXIT_OK && sl_vreg_load(s, id, &f, &v, &err) != 1)
        rc = sl_cli_fail_err(cmd, &err);
    json_t *reg = NULL, *doc = NULL;
    if (rc == SL_EXIT_OK && with_register && (reg = sl_vreg_json(s, &v, j.now, &err)) == NULL)
        rc = sl_cli_fail_err(cmd, &err);
    if (rc == SL_EXIT_OK) {
        /* explain: exactly `vehicles check --vehicle`; show: that document with
         * the parts' register positions and what the register holds. */
        sl_vreg_assess_at(a, &v);
        struct sl_cli_fleet_out out = {f.vehicles[0].vin, true, o->json || with_register, false,
                                       with_register ? &doc : NULL};
        struct sl_cli_fleet_counts counts = {.worst = -1};
        rc = sl_cli_fleet_report(cmd, a, &f, &out, &counts);
    }
    if (rc == SL_EXIT_OK && reg != NULL && doc != NULL)
        print_shown(doc, reg, &v, o->json);
    else
        json_decref(reg);
    json_decref(doc);
    sl_vreg_vehicle_free(&v);
    sl_fleet_free(&f);
    sl_cli_judge_close(&j);
    return rc;
}

int sl_cmd_vehicles_show(int argc, char **argv)
{
    struct show_args o = {0};
    int rc = show_options(argc, argv, &o, false);
    if (rc != SL_EXIT_OK)
        return rc < 0 ? SL_EXIT_OK : rc;
    return show_vehicle(argv[0], argv[optind], &o, true);
}

int sl_cmd_vehicle_explain(const char *cmd, const char *key, const char *db, const char *policy,
                           const char *date, bool json)
{
    struct show_args o = {db, NULL, date, policy, json};
    return show_vehicle(cmd, key, &o, false);
}

bool sl_cmd_vehicle_known(const char *db, const char *key)
{
    if (strlen(key) != SL_VIN_LEN)
        return false;
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, sl_cli_db_path(db), SL_STORE_READONLY, &err) != 0)
        return false;
    int64_t id;
    bool found = sl_store_vehicle_find(s, key, &id, &err) == 1;
    sl_store_close(s);
    return found;
}

/* ---- set-status ---------------------------------------------------------------------- */

struct status_args {
    const char *site, *note, *replaced_by, *at, *db, *actor, *policy, *date, *until, *approver;
};

static void status_usage(const char *cmd)
{
    printf("Usage: %s VIN|REGISTRATION STATUS [--site NAME] [--note TEXT] [--at DATE]\n"
           "       %s VIN/N STATUS [--date DATE] [--replaced-by TEXT] [--reason TEXT]\n"
           "          [--approver NAME] [--until DATE] [--note TEXT] [--at DATE]\n"
           "          [--policy ID,ID] [--db PATH] [--actor NAME]\n\n"
           "Records a change of a vehicle or of its part N, numbered as 'vehicles show'\n"
           "numbers them, checked against the lifecycle (docs/vehicles.md#lifecycle).\n"
           "A vehicle: active or retired; 'active --site DEPOT' moves it, e.g. to a depot\n"
           "that is not sensitive. A part moves as a device does:\n"
           "  scheduled   its removal planned for --date DATE (again: a new date)\n"
           "  removed     swapped out; --replaced-by names what took its place (or 'none')\n"
           "  exempt      kept, with --reason TEXT, --approver NAME and --until DATE (its\n"
           "              last day; again: renewed)\n"
           "  fitted      back from scheduled or exempt\n"
           "A removed part stays removed. The change is dated --at (YYYY-MM-DD or ISO\n"
           "time; default now; never in the future nor before the current status), kept\n"
           "in the vehicle's history and the audit log, and the vehicle is judged again\n"
           "at its site without its removed parts. A refused move exits 2 with the reason.\n",
           cmd, cmd);
}

static int status_options(int argc, char **argv, struct status_args *o)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"site", required_argument, NULL, 's'},   {"note", required_argument, NULL, 'n'},
        {"reason", required_argument, NULL, 'n'}, {"replaced-by", required_argument, NULL, 'r'},
        {"at", required_argument, NULL, 't'},     {"date", required_argument, NULL, 'd'},
        {"until", required_argument, NULL, 'u'},  {"approver", required_argument, NULL, 'a'},
        {"policy", required_argument, NULL, 'p'}, {"db", required_argument, NULL, 'D'},
        {"actor", required_argument, NULL, 'A'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': o->site = optarg; break;
        case 'n': o->note = optarg; break;
        case 'r': o->replaced_by = optarg; break;
        case 't': o->at = optarg; break;
        case 'd': o->date = optarg; break;
        case 'u': o->until = optarg; break;
        case 'a': o->approver = optarg; break;
        case 'p': o->policy = optarg; break;
        case 'D': o->db = optarg; break;
        case 'A': o->actor = optarg; break;
        case 'h': status_usage(cmd); return -1;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind + 2 != argc)
        return sl_cli_usage_error(cmd, "a VIN (or VIN/N for a part) and a STATUS are expected");
    return SL_EXIT_OK;
}

struct part_pick {
    int position;
    int64_t id;
    char what[160];
};

static int pick_part(const struct sl_vpart_row *p, void *ctx)
{
    struct part_pick *pp = ctx;
    if (p->position != pp->position)
        return 0;
    pp->id = p->id;
    snprintf(pp->what, sizeof pp->what, "part %d (%s \"%.60s\")", p->position, p->kind, p->model);
    return 1;
}

/* The event the command line asks for (vehicle, part, status, site, date); an exit code. */
static int status_event(const char *cmd, struct sl_store *s, const char *key, const char *status,
                        const struct status_args *o, struct sl_vehicle_event *ev, char *what,
                        size_t n)
{
    char vkey[64];
    sl_strlcpy(vkey, key, sizeof vkey);
    char *slash = strchr(vkey, '/');
    int64_t pos = 0;
    if (slash != NULL) {
        *slash = '\0';
        if (sl_parse_i64(slash + 1, 1, 100000, &pos) != 0)
            return sl_cli_usage_error(cmd, "'%s': a part is VIN/N, N counted from 1", key);
    }
    int rc = find_vehicle(cmd, s, vkey, &ev->vehicle_id);
    if (rc < 0)
        return -rc;
    struct sl_err err = {0};
    snprintf(what, n, "vehicle %s", vkey);
    if (pos > 0) {
        struct part_pick pp = {(int)pos, 0, ""};
        if (sl_store_vehicle_read(s, ev->vehicle_id, NULL, pick_part, &pp, &err) < 0)
            return sl_cli_fail_err(cmd, &err);
        if (pp.id == 0)
            return sl_cli_fail(cmd, SL_EXIT_USAGE, "vehicle %s has no part %lld", vkey,
                               (long long)pos);
        ev->part_id = pp.id;
        snprintf(what, n, "%s of %s", pp.what, vkey);
    }
    bool part = pos > 0;
    if (!sl_vstatus_valid(status, part))
        return sl_cli_usage_error(cmd, part ? "a part's STATUS is " SL_VPART_STATUSES
                                            : "a vehicle's STATUS is " SL_VEHICLE_STATUSES);
    if (part && o->site != NULL)
        return sl_cli_usage_error(cmd, "--site moves a vehicle, not a part");
    if (!part && (o->replaced_by || o->date || o->until || o->approver))
        return sl_cli_usage_error(cmd, "--replaced-by, --date, --until and --approver are for "
                                       "a part (VIN/N)");
    sl_strlcpy(ev->to_status, status, sizeof ev->to_status);
    if (o->site != NULL) {
        struct sl_site site;
        int got = sl_store_site_get(s, o->site, &site, &err);
        if (got <= 0)
            return got == 0 ? sl_cli_fail(cmd, SL_EXIT_USAGE, "no site named '%s'", o->site)
                            : sl_cli_fail_err(cmd, &err);
        ev->site_id = site.id;
        sl_site_free(&site);
    }
    int64_t t;
    if (o->at != NULL) {
        if (sl_time_parse(o->at, &t) != 0)
            return sl_cli_usage_error(cmd, "--at: '%s' is not a date or time", o->at);
        sl_time_iso(t, ev->at);
    }
    sl_strlcpy(ev->note, o->note != NULL ? o->note : "", sizeof ev->note);
    sl_strlcpy(ev->replaced_by, o->replaced_by != NULL ? o->replaced_by : "",
               sizeof ev->replaced_by);
    sl_strlcpy(ev->scheduled_for, o->date != NULL ? o->date : "", sizeof ev->scheduled_for);
    sl_strlcpy(ev->exempt_until, o->until != NULL ? o->until : "", sizeof ev->exempt_until);
    sl_strlcpy(ev->exempt_approver, o->approver != NULL ? o->approver : "",
               sizeof ev->exempt_approver);
    sl_strlcpy(ev->actor, sl_cli_actor(o->actor), sizeof ev->actor);
    return SL_EXIT_OK;
}

int sl_cmd_vehicles_set_status(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct status_args o = {0};
    int rc = status_options(argc, argv, &o);
    if (rc != SL_EXIT_OK)
        return rc < 0 ? SL_EXIT_OK : rc;
    struct sl_cli_judge j;
    if ((rc = sl_cli_judge_open(cmd, o.policy, NULL, o.db, NULL, true, &j)) != SL_EXIT_OK)
        return rc;
    struct sl_store *s = j.s;
    struct sl_err err = {0};
    struct sl_vehicle_event ev = {0};
    char what[256];
    rc = status_event(cmd, s, argv[optind], argv[optind + 1], &o, &ev, what, sizeof what);
    enum sl_decision was = SL_DECISION_REVIEW, now = SL_DECISION_REVIEW;
    if (rc == SL_EXIT_OK) {
        char why[256] = "";
        int applied = sl_vreg_set_status(s, j.a, &ev, why, sizeof why, &was, &now, &err);
        if (applied < 0)
            rc = sl_cli_fail(cmd, sl_cli_exit_for(&err), "%s: %s", what, err.msg);
        else if (applied == 0)
            rc = sl_cli_fail(cmd, SL_EXIT_USAGE, "%s: %s", what, why);
    }
    if (rc == SL_EXIT_OK)
        printf("%s: %s -> %s%s%s; the vehicle's verdict %s%s%s%s\n", what, ev.from_status,
               ev.to_status, ev.site_id ? " at " : "", ev.site_id ? o.site : "",
               was == now ? "stays " : "was ", sl_decision_name(was),
               was == now ? "" : ", now ", was == now ? "" : sl_decision_name(now));
    sl_cli_judge_close(&j);
    return rc;
}

/* ---- expire ---------------------------------------------------------------------------- */

int sl_cmd_vehicles_expire(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"actor", required_argument, NULL, 'A'},
        {"policy", required_argument, NULL, 'p'},
        {"db", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *actor = NULL, *policy = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'A': actor = optarg; break;
        case 'p': policy = optarg; break;
        case 'D': db = optarg; break;
        case 'h':
            printf("Usage: %s [--actor NAME] [--policy ID,ID] [--db PATH]\n\n"
                   "Writes down expired part exemptions: every part still exempt after its\n"
                   "exemption's last day moves back to its status before the exemption\n"
                   "(fitted or scheduled), with an event dated the day after, an audit entry,\n"
                   "and its vehicle judged again. 'vehicles show' and the dashboard already\n"
                   "show it that way; this makes the history agree. 'serve' runs it at start\n"
                   "and each day. Safe to run daily (cron).\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    struct sl_cli_judge j;
    int rc = sl_cli_judge_open(cmd, policy, NULL, db, NULL, true, &j);
    if (rc != SL_EXIT_OK)
        return rc;
    struct sl_err err = {0};
    size_t n = 0;
    if (sl_vreg_expire(j.s, j.a, sl_now(), sl_cli_actor(actor), &n, &err) != 0)
        rc = sl_cli_fail_err(cmd, &err);
    else
        printf("%zu expired part exemption%s written down\n", n, n == 1 ? "" : "s");
    sl_cli_judge_close(&j);
    return rc;
}
