/* test_vehicle_milestones.c - milestones of vehicles' connected parts (issue
 * 16, item 4): a small fleet whose Quectel modules are removed (one vehicle
 * retired, one part exempt) on pinned dates; milestones of the parts by fleet
 * and by site, due before and after the report's date, and one whose fleet
 * does not exist. Checked: each milestone's status, counts and forecast in
 * the JSON report, the forecast fitted over the weekly removals the dates
 * give, the as-of replay, device milestones kept apart, and every HTML
 * figure, CSV row and Markdown row of the milestones equal to the JSON. On
 * SQLite and PostgreSQL. */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programme/forecast.h"
#include "programme/milestone_fields.h"
#include "programme/progress.h"
#include "report/report.h"
#include "store/store.h"
#include "util/csv.h"
#include "util/timeutil.h"
#include "vehicle/fleet_csv.h"
#include "vehicle/register.h"

#define QUECTEL ",cellular,hardware,Quectel,EG25-G,\n"
static const char fleet_csv[] =
    "vin,make,model,model_year,fleet,site,registration,part_kind,part_layer,supplier,part_model,"
    "imei\n"
    "WV1ZZZSYXNH000130,Volkswagen,ID.Buzz,2026,Pool,Northgate House," QUECTEL
    "WV1ZZZSYXNH000131,Volkswagen,ID.Buzz,2026,Pool,Northgate House," QUECTEL
    "WV1ZZZSYXNH000132,Volkswagen,ID.Buzz,2026,Pool,Northgate House," QUECTEL
    "WV1ZZZSYXNH000133,Volkswagen,ID.Buzz,2026,Pool,Northgate House," QUECTEL
    "WV1ZZZSYXNH000134,Volkswagen,ID.Buzz,2026,Pool,Northgate House," QUECTEL
    "WV1ZZZSYXNH000135,Volkswagen,ID.Buzz,2026,Pool,Northgate House," QUECTEL
    "WV1ZZZSYXNH000136,Volkswagen,Crafter,2022,Vans,Northgate House,,tcu,hardware,Teltonika,"
    "FMB962,352093081047291\n";

struct setup {
    struct sl_policy_set *ps;
    struct sl_vrules *vr;
    struct sl_assessor *a;
    struct sl_store *s;
};

static void load_rules(struct setup *st)
{
    sl_test_vehicle_assessor(&st->ps, &st->vr, &st->a, "2026-10-01");
}

static int first_part(const struct sl_vpart_row *p, void *ctx)
{
    if (*(int64_t *)ctx == 0)
        *(int64_t *)ctx = p->id;
    return 0;
}

static int no_vehicle(const struct sl_vehicle_row *v, void *ctx)
{
    (void)v;
    (void)ctx;
    return 0;
}

/* A status change of VIN (its first part when part), dated `at`, judged again. */
static void move(struct setup *st, const char *vin, bool part, const char *to, const char *at)
{
    struct sl_err err = {0};
    int64_t id = 0, pid = 0;
    assert_int_equal(sl_store_vehicle_find(st->s, vin, &id, &err), 1);
    assert_int_equal(sl_store_vehicle_read(st->s, id, no_vehicle, first_part, &pid, &err), 1);
    struct sl_vehicle_event ev = {.vehicle_id = id, .part_id = part ? pid : 0};
    snprintf(ev.to_status, sizeof ev.to_status, "%s", to);
    snprintf(ev.at, sizeof ev.at, "%sT10:00:00Z", at);
    snprintf(ev.actor, sizeof ev.actor, "t");
    if (strcmp(to, "removed") == 0)
        snprintf(ev.replaced_by, sizeof ev.replaced_by, "Telit LE910C4");
    if (strcmp(to, "exempt") == 0) {
        snprintf(ev.note, sizeof ev.note, "no approved module yet");
        snprintf(ev.exempt_approver, sizeof ev.exempt_approver, "CISO");
        snprintf(ev.exempt_until, sizeof ev.exempt_until, "2027-01-31");
    }
    char why[256];
    if (sl_vreg_set_status(st->s, st->a, &ev, why, sizeof why, NULL, NULL, &err) != 1)
        fail_msg("%s -> %s: %s %s", vin, to, err.msg, why);
}

static void milestone(struct sl_store *s, const char *of, const char *name, const char *due,
                      const char *pct, const char *count, const char *scope)
{
    struct sl_milestone m;
    struct sl_err err = {0};
    if (sl_milestone_from_fields_of(&m, of, name, due, pct, count, scope, true, &err) != 0 ||
        sl_store_milestone_add(s, &m, "t", NULL, &err) != 0)
        fail_msg("milestone %s: %s", name, err.msg);
}

static void seed(struct setup *st)
{
    struct sl_err err = {0};
    if (sl_store_open(&st->s, sl_test_db("vehicle_milestones"), 0, &err) != 0)
        fail_msg("open: %s", err.msg);
    setenv("SIGHTLINE_NOW", "2026-08-03T09:00:00Z", 1);
    assert_int_equal(sl_store_site_add(st->s, "Northgate House", "Dept A", SL_TIER_SENSITIVE,
                                       NULL, 0, "t", NULL, &err), 0);
    struct sl_fleet f;
    sl_fleet_init(&f);
    struct sl_import_problems probs;
    assert_int_equal(sl_fleet_csv_parse(fleet_csv, strlen(fleet_csv), st->vr, &f, &probs, &err),
                     0);
    struct sl_vreg_options o = {"fleet.csv", NULL, "tester", NULL, NULL, false};
    struct sl_vreg_counts c;
    if (sl_vreg_import(st->s, st->a, &f, &o, &c, &probs, &err) != 0)
        fail_msg("import: %s %s", err.msg, probs.count ? probs.text[0] : "");
    sl_fleet_free(&f);
    /* The six Quectel modules are replace-by at the sensitive site; the
     * Teltonika unit is not affected. Four leave, one becomes exempt. */
    setenv("SIGHTLINE_NOW", "2026-10-01T12:00:00Z", 1);
    move(st, "WV1ZZZSYXNH000130", true, "removed", "2026-08-20");
    move(st, "WV1ZZZSYXNH000131", true, "removed", "2026-09-08");
    move(st, "WV1ZZZSYXNH000132", true, "removed", "2026-09-20");
    move(st, "WV1ZZZSYXNH000134", true, "exempt", "2026-09-25");
    move(st, "WV1ZZZSYXNH000133", false, "retired", "2026-09-28");
    milestone(st->s, "vehicle-parts", "Pool half", "2026-09-30", "50", NULL, "fleet:Pool");
    milestone(st->s, "vehicle-parts", "Pool all", "2026-12-31", "100%", NULL, "fleet:Pool");
    milestone(st->s, "vehicle-parts", "Northgate five", "2026-09-15", NULL, "5",
              "site:Northgate House");
    milestone(st->s, "vehicle-parts", "Ghost fleet", "2026-12-31", "100", NULL, "fleet:Ghost");
    milestone(st->s, "devices", "Cameras half", "2026-12-31", "50", NULL, NULL);
}

static char *render(enum sl_report_format fmt, struct sl_store *s, const struct sl_progress *p)
{
    return sl_test_render((int)fmt, s, p);
}

static struct sl_progress *figures(struct sl_store *s, const char *as_of)
{
    struct sl_prog_options po;
    memset(&po, 0, sizeof po);
    po.as_of = as_of;
    struct sl_progress *p;
    struct sl_err err = {0};
    if (sl_progress_compute(s, &po, &p, &err) != 0)
        fail_msg("progress: %s", err.msg);
    return p;
}

static json_t *ms_named(json_t *veh, const char *name)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(veh, "milestones"), i, m)
    if (strcmp(json_string_value(json_object_get(m, "name")), name) == 0)
        return m;
    fail_msg("no vehicle milestone '%s' in the JSON report", name);
    return NULL;
}

static int64_t jint(json_t *m, const char *path)
{
    json_t *v = sl_test_json_path(m, path);
    if (!json_is_integer(v))
        fail_msg("%s is not an integer", path);
    return (int64_t)json_integer_value(v);
}

static const char *jstr(json_t *m, const char *path)
{
    json_t *v = sl_test_json_path(m, path);
    return json_is_string(v) ? json_string_value(v) : "";
}

/* Every CSV row of section vehicle_milestone against the JSON milestone. */
static size_t csv_matches(const char *csv, json_t *veh)
{
    struct sl_csv_reader *r = malloc(sizeof *r);
    sl_csv_reader_init(r, csv, strlen(csv));
    size_t line, n = 0;
    struct sl_err err = {0};
    while (sl_csv_next(r, &line, &err) == 1) {
        if (strcmp(r->fields[0], "vehicle_milestone") != 0)
            continue;
        json_t *m = ms_named(veh, r->fields[1]);
        const char *field = r->fields[2];
        char path[64], want[256] = "";
        if (strncmp(field, "forecast_", 9) == 0)
            snprintf(path, sizeof path, "forecast.%s", field + 9);
        else
            snprintf(path, sizeof path, "%s", field);
        json_t *v = sl_test_json_path(m, path);
        if (strcmp(field, "target") == 0 || strcmp(field, "scope") == 0 ||
            strcmp(field, "forecast_rate_per_week") == 0)
            continue; /* in other words in the JSON (target_kind and scope_kind/value; rounding) */
        if (sl_test_json_text(v, "", want, sizeof want) != 0)
            fail_msg("CSV %s,%s: not in the JSON report", r->fields[1], field);
        if (strcmp(want, r->fields[3]) != 0)
            fail_msg("CSV %s,%s says '%s', JSON '%s'", r->fields[1], field, r->fields[3], want);
        n++;
    }
    free(r);
    return n;
}

/* Each Markdown row: name, due, then outstanding and the forecast finish. */
static size_t md_matches(const char *md, json_t *veh)
{
    size_t i, n = 0;
    json_t *m;
    json_array_foreach(json_object_get(veh, "milestones"), i, m)
    {
        char head[256], tail[256];
        snprintf(head, sizeof head, "| %s | %s |", jstr(m, "name"), jstr(m, "due"));
        const char *fin = strcmp(jstr(m, "forecast.state"), "date") == 0
                              ? jstr(m, "forecast.finish")
                              : jstr(m, "forecast.state");
        int w = snprintf(tail, sizeof tail, "| %lld | ", (long long)jint(m, "outstanding"));
        for (const char *c = fin; *c && w < (int)sizeof tail - 3; c++) { /* Markdown escapes _ */
            if (*c == '_')
                tail[w++] = '\\';
            tail[w++] = *c;
        }
        tail[w] = '\0';
        const char *row = strstr(md, head);
        if (row == NULL || strstr(row, tail) == NULL || strstr(row, tail) > strchr(row, '\n'))
            fail_msg("the Markdown report lacks the row of '%s' (%s ... %s)", jstr(m, "name"),
                     head, tail);
        n++;
    }
    return n;
}

static void test_vehicle_milestones(void **state)
{
    (void)state;
    setenv("SIGHTLINE_TEST_CLOCK", "1", 1);
    struct setup st;
    load_rules(&st);
    seed(&st);
    struct sl_progress *p = figures(st.s, "2026-10-01");
    assert_int_equal(p->n_milestones, 1); /* the device milestone, apart */
    assert_string_equal(p->milestones[0].m.name, "Cameras half");
    char *js = render(SL_REPORT_JSON, st.s, p);
    json_error_t je;
    json_t *j = json_loads(js, 0, &je);
    if (j == NULL)
        fail_msg("JSON report: %s", je.text);
    json_t *veh = json_object_get(j, "vehicles");
    assert_int_equal(json_array_size(json_object_get(veh, "milestones")), 4);

    /* Due on 2026-09-30: by then three removals and a retirement, 4 of 6. */
    json_t *half = ms_named(veh, "Pool half");
    assert_string_equal(jstr(half, "status"), "met");
    assert_string_equal(jstr(half, "evaluated_on"), "2026-09-30");
    assert_string_equal(jstr(half, "of"), "vehicle-parts");
    assert_int_equal(jint(half, "affected"), 6);
    assert_int_equal(jint(half, "replaced"), 4);
    assert_true(json_real_value(json_object_get(half, "achieved")) == 66.7);
    /* Due on 2026-09-15: two out by then, five wanted. */
    json_t *five = ms_named(veh, "Northgate five");
    assert_string_equal(jstr(five, "status"), "missed");
    assert_int_equal(jint(five, "replaced"), 2);
    assert_string_equal(jstr(five, "note"), "not reached on 2026-09-15");
    assert_string_equal(jstr(ms_named(veh, "Ghost fleet"), "status"), "no_scope");

    /* Not yet due: as of the report's date, with the forecast fitted over the
     * weeks ending 2026-10-01: the removals of 08-20, 09-08 and 09-20 and the
     * retirement of 09-28 fall 6, 3, 1 and 0 weeks back. */
    json_t *all = ms_named(veh, "Pool all");
    assert_int_equal(jint(all, "affected"), 6);
    assert_int_equal(jint(all, "replaced"), 4);
    assert_int_equal(jint(all, "exempt"), 1);
    assert_int_equal(jint(all, "outstanding"), 1);
    double weekly[SL_FC_DEFAULT_WINDOW] = {0};
    weekly[11 - 6] = weekly[11 - 3] = weekly[11 - 1] = weekly[11] = 1;
    int64_t as_of_t;
    assert_int_equal(sl_time_parse("2026-10-01", &as_of_t), 0);
    struct sl_forecast fc;
    sl_forecast_compute(weekly, SL_FC_DEFAULT_WINDOW, SL_FC_DEFAULT_WINDOW, 6, 1, as_of_t, &fc,
                        NULL);
    assert_int_equal(fc.state, SL_FC_DATE);
    assert_string_equal(jstr(all, "forecast.state"), "date");
    assert_string_equal(jstr(all, "forecast.finish"), fc.finish);
    assert_string_equal(jstr(all, "forecast.earliest"), fc.earliest);
    assert_int_equal(jint(all, "forecast.remaining"), 1);
    assert_true(strcmp(fc.finish, "2026-10-01") > 0 && strcmp(fc.finish, "2026-12-31") <= 0);
    /* The one outstanding part is forecast out before the due date, but the
     * exempt one stays: 5 of 6 at most, the milestone is at risk. */
    assert_string_equal(jstr(all, "status"), "at_risk");
    assert_true(json_is_true(json_object_get(all, "forecast_miss")));
    assert_string_equal(jstr(all, "note"), "forecast 83.3% by 2026-12-31 (target 100%)");

    /* Every format says the same. */
    char *html = render(SL_REPORT_HTML, st.s, p);
    size_t nh = sl_test_figures_match(html, j, "vehicles.milestones.");
    char *csv = render(SL_REPORT_CSV, st.s, p);
    size_t nc = csv_matches(csv, veh);
    char *md = render(SL_REPORT_MD, st.s, p);
    size_t nm = md_matches(md, veh);
    printf("vehicle milestones: %zu HTML figures, %zu CSV rows, %zu Markdown rows match the "
           "JSON\n", nh, nc, nm);
    assert_true(nh == 4 * 6 && nc == 4 * 16 && nm == 4);
    sl_progress_free(p);

    /* As of 2026-09-10: two out, none exempt, none due yet. */
    p = figures(st.s, "2026-09-10");
    const struct sl_vehicle_figures *v = &p->vehicles;
    assert_int_equal(v->n_milestones, 4);
    for (size_t i = 0; i < v->n_milestones; i++) {
        const struct sl_vfig_milestone *vm = &v->milestones[i];
        if (strcmp(vm->pm.m.name, "Ghost fleet") == 0)
            continue;
        assert_int_equal(vm->pm.affected, 6);
        assert_int_equal(vm->pm.replaced, 2);
        assert_int_equal(vm->exempt, 0);
        assert_int_equal(vm->outstanding, 4);
        assert_string_equal(vm->pm.evaluated_on, "2026-09-10");
        assert_true(vm->pm.status == SL_MS_ON_TRACK || vm->pm.status == SL_MS_AT_RISK);
    }
    sl_progress_free(p);
    /* Before the import: nothing registered, nothing affected. */
    p = figures(st.s, "2026-08-01");
    assert_int_equal(p->vehicles.milestones[0].pm.affected, 0);
    sl_progress_free(p);

    free(js);
    free(html);
    free(csv);
    free(md);
    json_decref(j);
    sl_store_close(st.s);
    sl_test_vehicle_assessor_free(st.ps, st.vr, st.a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vehicle_milestones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
