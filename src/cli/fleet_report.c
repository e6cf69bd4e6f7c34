/* fleet_report.c - fleet files read for the vehicle commands, and the report
 * of a judged fleet (fleet_report.h). It judges nothing (vehicle/assess.h). */
#include "cli/fleet_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/judge_output.h"
#include "cli/output.h"
#include "util/file.h"
#include "util/str.h"
#include "util/table.h"
#include "util/timeutil.h"
#include "vehicle/cyclonedx.h"
#include "vehicle/fleet_csv.h"

#define FLEET_FILE_MAX (512u * 1024u * 1024u)

static bool is_cyclonedx(const char *path, const char *data, size_t len, const char *format)
{
    if (format != NULL)
        return strcasecmp(format, "cyclonedx") == 0;
    if (sl_str_ends_with(path, ".json"))
        return true;
    if (sl_str_ends_with(path, ".csv"))
        return false;
    for (size_t i = 0; i < len; i++)
        if (data[i] != ' ' && data[i] != '\n' && data[i] != '\r' && data[i] != '\t')
            return data[i] == '{';
    return false;
}

int sl_cli_read_fleet(const char *cmd, char *const *files, int n,
                      const struct sl_cli_fleet_in *o, const struct sl_vrules *vr,
                      struct sl_fleet *f, const char *what)
{
    struct sl_import_problems *probs = malloc(sizeof *probs);
    if (probs == NULL)
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
    int ret = SL_EXIT_OK;
    for (int i = 0; i < n && ret == SL_EXIT_OK; i++) {
        struct sl_err err = {0};
        size_t len;
        char *data = sl_read_file(files[i], FLEET_FILE_MAX, &len, &err);
        if (data == NULL) {
            ret = sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
            break;
        }
        int rc;
        if (is_cyclonedx(files[i], data, len, o->format)) {
            struct sl_cdx_options co = {o->bom_vin, o->model_year};
            rc = sl_cdx_parse(data, len, vr, &co, f, &err);
            if (rc == 1)
                ret = sl_cli_fail(cmd, SL_EXIT_USAGE, "%s: %s; nothing %s", files[i], err.msg,
                                  what);
        } else {
            rc = sl_fleet_csv_parse(data, len, vr, f, probs, &err);
            if (rc == 1) {
                sl_print_problems(cmd, files[i], probs, what);
                ret = SL_EXIT_USAGE;
            }
        }
        if (rc < 0)
            ret = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s: %s", files[i], err.msg);
        free(data);
    }
    free(probs);
    return ret;
}

static void table_row(struct sl_table *t, const struct sl_fleet *f, size_t vi,
                      const struct sl_vehicle_verdict *vv)
{
    const struct sl_fleet_vehicle *v = &f->vehicles[vi];
    char year[16] = "-", parts[16], review[16], vt[160], reason[96];
    if (v->model_year != 0)
        snprintf(year, sizeof year, "%u", v->model_year);
    snprintf(parts, sizeof parts, "%zu", vv->n_parts);
    snprintf(review, sizeof review, "%zu", vv->n_review);
    snprintf(vt, sizeof vt, "%s%s%s (%s)", sl_decision_name(vv->verdict.decision),
             vv->verdict.deadline[0] ? " " : "", vv->verdict.deadline,
             vv->verdict.policy[0] ? vv->verdict.policy : "no policy");
    sl_strlcpy(reason, vv->verdict.reason, sizeof reason);
    const char *row[] = {v->vin, sl_fleet_str(f, v->make), sl_fleet_str(f, v->model),
                         year, parts, review, vt, reason};
    sl_table_add(t, row);
}

static json_t *counts_json(const size_t c[SL_DECISION_COUNT])
{
    json_t *o = json_object();
    for (int d = 0; d < SL_DECISION_COUNT; d++)
        json_object_set_new(o, sl_decision_name((enum sl_decision)d), json_integer((json_int_t)c[d]));
    return o;
}

void sl_cli_print_decisions(const char *what, const size_t c[SL_DECISION_COUNT])
{
    static const enum sl_decision order[] = {SL_DECISION_PROHIBITED, SL_DECISION_REPLACE_BY,
                                             SL_DECISION_RESTRICTED, SL_DECISION_REVIEW,
                                             SL_DECISION_ALLOWED};
    printf("%s:", what);
    for (size_t i = 0; i < 5; i++)
        printf(" %s %zu%s", sl_decision_name(order[i]), c[order[i]], i < 4 ? "," : "\n");
}

/* Parts that belong to no vehicle (a BOM of parts only): judged with no model year. */
static json_t *loose_parts(struct sl_assessor *a, const struct sl_fleet *f, bool explain,
                           size_t counts[SL_DECISION_COUNT])
{
    size_t first = 0;
    for (size_t v = 0; v < f->n_vehicles; v++)
        first += f->vehicles[v].n_parts;
    json_t *arr = json_array();
    for (size_t i = first; i < f->n_parts; i++) {
        struct sl_part_verdict pv;
        sl_assess_part(a, f, &f->parts[i], 0, &pv);
        counts[pv.verdict.decision]++;
        json_array_append_new(arr, sl_assess_part_json(a, f, &f->parts[i], 0, &pv, explain));
    }
    return arr;
}

static void print_context(const struct sl_assessor *a, const struct sl_fleet *f)
{
    json_t *c = sl_assess_context_json(a);
    printf("%zu vehicle%s, %zu part%s; tier %s; judged as of %s; policies:", f->n_vehicles,
           f->n_vehicles == 1 ? "" : "s", f->n_parts, f->n_parts == 1 ? "" : "s",
           json_string_value(json_object_get(c, "tier")),
           json_string_value(json_object_get(c, "date")));
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(c, "policies"), i, p)
        printf("%s %s", i ? "," : "", json_string_value(json_object_get(p, "id")));
    const json_t *sr = json_object_get(c, "site_rule");
    printf("\nsite rule: %s\n\n", json_is_object(sr)
                                       ? json_string_value(json_object_get(sr, "means"))
                                       : "none set (--site-rule)");
    json_decref(c);
}

static void print_text(const struct sl_assessor *a, const struct sl_fleet *f, struct sl_table *t,
                       const json_t *chains, const json_t *loose, const struct sl_cli_fleet_counts *r)
{
    print_context(a, f);
    if (sl_table_rows(t) > 0)
        sl_table_print(t, stdout, 60);
    size_t i;
    const json_t *e;
    if (json_array_size(chains) > 0)
        printf("\n");
    json_array_foreach(chains, i, e)
        sl_cli_print_vehicle_chain(stdout, e);
    json_array_foreach(loose, i, e)
    {
        char vt[160];
        sl_cli_verdict_text(json_object_get(e, "verdict"), vt, sizeof vt);
        const char *model = json_string_value(json_object_get(e, "model"));
        printf("part of no vehicle %s %s \"%s\": %s\n",
               json_string_value(json_object_get(e, "where")),
               json_string_value(json_object_get(e, "kind")), model != NULL ? model : "", vt);
    }
    printf("\n");
    sl_cli_print_decisions("vehicles", r->vehicles);
    sl_cli_print_decisions("parts", r->parts);
}

int sl_cli_fleet_report(const char *cmd, struct sl_assessor *a, const struct sl_fleet *f,
                        const struct sl_cli_fleet_out *o, struct sl_cli_fleet_counts *r)
{
    static const char *const headers[] = {"vin", "make", "model", "year", "parts", "review",
                                          "verdict", "reason"};
    bool explain = o->explain || o->vehicle != NULL;
    struct sl_table *t = o->json || o->jsonl ? NULL : sl_table_new(8, headers);
    json_t *all = json_array(), *chains = json_array();
    if (o->jsonl)
        sl_print_jsonl(stdout, json_pack("{s:i, s:s, s:o}", "v", 1, "type", "vehicle_check",
                                         "context", sl_assess_context_json(a)));
    size_t shown = 0, shown_parts = 0; /* the parts counted: the vehicles shown, and loose ones */
    for (size_t vi = 0; vi < f->n_vehicles; vi++) {
        if (o->vehicle != NULL && strcasecmp(o->vehicle, f->vehicles[vi].vin) != 0)
            continue;
        struct sl_vehicle_verdict vv;
        bool want_json = o->json || o->jsonl || explain;
        json_t *vh = want_json ? sl_assess_vehicle_json(a, f, vi, explain, &vv, r->parts) : NULL;
        if (want_json ? vh == NULL : sl_assess_vehicle_all(a, f, vi, &vv, r->parts) != 0)
            return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
        r->vehicles[vv.verdict.decision]++;
        if (sl_decision_severity(vv.verdict.decision) > r->worst)
            r->worst = sl_decision_severity(vv.verdict.decision);
        shown++;
        shown_parts += f->vehicles[vi].n_parts;
        if (o->jsonl) {
            json_object_set_new(vh, "v", json_integer(1));
            json_object_set_new(vh, "type", json_string("vehicle"));
            sl_print_jsonl(stdout, vh);
        } else if (o->json) {
            json_array_append_new(all, vh);
        } else {
            table_row(t, f, vi, &vv);
            if (vh != NULL)
                json_array_append_new(chains, vh);
        }
    }
    if (o->vehicle != NULL && shown == 0) {
        sl_table_free(t);
        json_decref(all);
        json_decref(chains);
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "no vehicle %s in the file(s)", o->vehicle);
    }
    size_t loose_counts[SL_DECISION_COUNT] = {0};
    json_t *loose = o->vehicle == NULL ? loose_parts(a, f, explain, loose_counts) : json_array();
    for (int d = 0; d < SL_DECISION_COUNT; d++) {
        r->parts[d] += loose_counts[d];
        if (loose_counts[d] && sl_decision_severity((enum sl_decision)d) > r->worst)
            r->worst = sl_decision_severity((enum sl_decision)d);
    }
    shown_parts += json_array_size(loose);
    json_t *summary = json_pack("{s:I, s:I, s:o, s:o}", "vehicles", (json_int_t)shown, "parts",
                                (json_int_t)shown_parts, "vehicles_by_decision",
                                counts_json(r->vehicles), "parts_by_decision",
                                counts_json(r->parts));
    if (o->jsonl) {
        size_t i;
        json_t *p;
        json_array_foreach(loose, i, p)
        {
            json_object_set_new(p, "v", json_integer(1));
            json_object_set_new(p, "type", json_string("part"));
            sl_print_jsonl(stdout, json_incref(p));
        }
        json_decref(loose);
        sl_print_jsonl(stdout, json_pack("{s:i, s:s, s:o}", "v", 1, "type", "summary",
                                         "summary", summary));
    } else if (o->json) {
        json_t *doc = json_pack("{s:i, s:s, s:o, s:o, s:o, s:o}", "v", 1, "type", "vehicle_check",
                                "context", sl_assess_context_json(a), "summary", summary,
                                "vehicles", all, "parts_without_vehicle", loose);
        if (o->doc != NULL)
            *o->doc = doc;
        else
            sl_print_json(stdout, doc);
        all = NULL;
    } else {
        print_text(a, f, t, chains, loose, r);
        json_decref(loose);
        json_decref(summary);
    }
    json_decref(all);
    json_decref(chains);
    sl_table_free(t);
    return SL_EXIT_OK;
}


int sl_cli_judge_open(const char *cmd, const char *select, const char *date, const char *db,
                      const char *read_db, bool write, struct sl_cli_judge *j)
{
    memset(j, 0, sizeof *j);
    struct sl_assess_options ao = {SL_TIER_SENSITIVE, NULL, sl_now()};
    if (date != NULL && sl_time_parse_end_of_day(date, &ao.now) != 0)
        return sl_cli_usage_error(cmd, "--date must be YYYY-MM-DD");
    j->now = ao.now;
    int rc = sl_cli_load_vehicle_rules(cmd, select, &j->ps, &j->vr);
    if (rc != SL_EXIT_OK)
        return rc;
    struct sl_err err = {0};
    if (sl_assess_new(&j->a, j->ps, j->vr, &ao, &err) != 0)
        rc = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
    else if (write ? sl_store_open(&j->s, sl_cli_db_path(db), 0, &err) != 0
                   : sl_cli_open_read(&j->s, db, read_db, &err) != 0)
        rc = sl_cli_fail_err(cmd, &err);
    if (rc != SL_EXIT_OK)
        sl_cli_judge_close(j);
    return rc;
}

void sl_cli_judge_close(struct sl_cli_judge *j)
{
    sl_store_close(j->s);
    sl_assess_free(j->a);
    sl_vrules_free(j->vr);
    sl_policy_free(j->ps);
    memset(j, 0, sizeof *j);
}
