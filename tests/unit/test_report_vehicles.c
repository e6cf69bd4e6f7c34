/* test_report_vehicles.c - the report's vehicles section: a small fleet
 * imported into the register (judged at its sites), a site's vehicle rule set,
 * a vehicle retired and a module removed; then the section's figures, and the
 * same figures in every format: each HTML data-figure, each CSV row and each
 * Markdown row equals the JSON report's. On SQLite and PostgreSQL. */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programme/progress.h"
#include "report/report.h"
#include "store/store.h"
#include "util/csv.h"
#include "vehicle/fleet_csv.h"
#include "vehicle/register.h"

static const char fleet_csv[] =
    "vin,make,model,model_year,fleet,site,registration,part_kind,part_layer,supplier,part_model,"
    "imei\n"
    "LSJW74U64PS201876,MG,MG4,2023,Pool,Northgate House,AB23 CDE,tcu,hardware,"
    "Quectel Wireless Solutions Co. Ltd.,AG35-E,\n"
    "LSJW74U64PS201876,,,,,,,wifi-bt,hardware,u-blox AG,LISA-U201,\n"
    "YV1XZK8VXM1555001,Volvo,XC40,2027,Exec,Northgate House,,cellular,software,"
    "Volvo Car Corporation,,\n"
    "WV1ZZZSYXNH000123,Volkswagen,Crafter,2022,Vans,Depot 2,,tcu,hardware,Teltonika,FMB962,"
    "352093081047291\n"
    "WV1ZZZSYXNH000124,Volkswagen,Crafter,2022,Vans,Depot 2,,tcu,hardware,Acme Telematics,T1,\n"
    "5YJ3E1EA4RF412345,Tesla,Model 3,,Pool,,,infotainment,software,Tesla,MCU3,\n";

struct setup {
    struct sl_policy_set *ps;
    struct sl_vrules *vr;
    struct sl_assessor *a;
};

static void load_rules(struct setup *st)
{
    sl_test_vehicle_assessor(&st->ps, &st->vr, &st->a, "2026-11-28");
}

/* The fleet above in a fresh register, a rule set, one vehicle retired, one module removed. */
static struct sl_store *seed(const struct setup *st)
{
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, sl_test_db("report_vehicles"), 0, &err) != 0)
        fail_msg("open: %s", err.msg);
    int64_t ng = 0, d2 = 0;
    assert_int_equal(sl_store_site_add(s, "Northgate House", "Dept A", SL_TIER_SENSITIVE, NULL, 0,
                                       "t", &ng, &err), 0);
    assert_int_equal(sl_store_site_add(s, "Depot 2", "Dept B", SL_TIER_PUBLIC, NULL, 0, "t", &d2,
                                       &err), 0);
    struct sl_fleet f;
    sl_fleet_init(&f);
    struct sl_import_problems probs;
    assert_int_equal(sl_fleet_csv_parse(fleet_csv, strlen(fleet_csv), st->vr, &f, &probs, &err), 0);
    struct sl_vreg_options o = {"fleet.csv", NULL, "tester", NULL, NULL, false};
    struct sl_vreg_counts c;
    if (sl_vreg_import(s, st->a, &f, &o, &c, &probs, &err) != 0)
        fail_msg("import: %s %s", err.msg, probs.count ? probs.text[0] : "");
    assert_int_equal(c.vehicles, 5);
    sl_fleet_free(&f);
    struct sl_site_rule rule;
    assert_int_equal(sl_site_rule_parse("park-away:3219:nexus", &rule, &err), 0);
    size_t changed = 0;
    assert_int_equal(sl_vreg_set_site_rule(s, st->a, ng, &rule, "t", &c, &changed, &err), 0);
    /* The Tesla (a US VIN: model year 2024 from the VIN) is retired. */
    int64_t id;
    assert_int_equal(sl_store_vehicle_find(s, "5YJ3E1EA4RF412345", &id, &err), 1);
    struct sl_vehicle_event ev = {.vehicle_id = id};
    snprintf(ev.to_status, sizeof ev.to_status, "retired");
    snprintf(ev.actor, sizeof ev.actor, "t");
    assert_int_equal(sl_store_vehicle_set_status(s, &ev, &err), 0);
    (void)d2;
    return s;
}

static char *render(enum sl_report_format fmt, struct sl_store *s, const struct sl_progress *p)
{
    return sl_test_render((int)fmt, s, p);
}

static int64_t num(json_t *j, const char *path)
{
    json_t *v = sl_test_json_path(j, path);
    if (!json_is_integer(v))
        fail_msg("%s is not an integer in the JSON report", path);
    return (int64_t)json_integer_value(v);
}

/* The JSON row of a breakdown whose name is `name` ("" = null). */
static json_t *row_named(json_t *arr, const char *key, const char *name)
{
    size_t i;
    json_t *r;
    json_array_foreach(arr, i, r)
    {
        json_t *n = json_object_get(r, key);
        if (json_is_null(n) ? name[0] == '\0' : strcmp(json_string_value(n), name) == 0)
            return r;
    }
    fail_msg("no row '%s' in the JSON report", name);
    return NULL;
}

/* A CSV value against the JSON: integers as digits, strings as they are, null as "". */
static void same(const char *what, json_t *v, const char *csv)
{
    char want[256];
    if (json_is_integer(v))
        snprintf(want, sizeof want, "%lld", (long long)json_integer_value(v));
    else if (json_is_string(v))
        snprintf(want, sizeof want, "%s", json_string_value(v));
    else if (json_is_null(v))
        want[0] = '\0';
    else
        fail_msg("%s: not in the JSON report", what);
    if (strcmp(want, csv) != 0)
        fail_msg("%s: CSV says '%s', JSON says '%s'", what, csv, want);
}

/* Every CSV row of the vehicle sections equals the JSON's figure. */
static size_t csv_matches(const char *csv, json_t *veh)
{
    static const struct {
        const char *section, *array, *key;
    } map[] = {{"vehicle_fleet", "by_fleet", "name"}, {"vehicle_site", "by_site", "name"},
               {"vehicle_vendor", "parts_by_vendor", "name"},
               {"vehicle_model_year", "by_model_year", "model_year"}};
    struct sl_csv_reader *r = malloc(sizeof *r);
    sl_csv_reader_init(r, csv, strlen(csv));
    size_t line, n = 0;
    struct sl_err err = {0};
    while (sl_csv_next(r, &line, &err) == 1) {
        const char *sec = r->fields[0], *name = r->fields[1], *field = r->fields[2];
        char what[256];
        snprintf(what, sizeof what, "%s,%s,%s", sec, name, field);
        json_t *obj = NULL;
        if (strcmp(sec, "vehicles") == 0) {
            obj = veh;
        } else {
            for (size_t k = 0; k < 4 && obj == NULL; k++)
                if (strcmp(sec, map[k].section) == 0)
                    obj = row_named(json_object_get(veh, map[k].array), map[k].key, name);
            if (obj == NULL)
                continue; /* not a vehicle section */
        }
        /* "vehicles_total" -> vehicles.total, "parts_affected" -> parts.affected */
        const char *us = strchr(field, '_');
        json_t *sub = NULL;
        if (us != NULL && (strncmp(field, "vehicles_", 9) == 0 || strncmp(field, "parts_", 6) == 0)) {
            char head[16];
            snprintf(head, sizeof head, "%.*s", (int)(us - field), field);
            sub = json_object_get(json_object_get(obj, head), us + 1);
        } else {
            sub = json_object_get(obj, strcmp(field, "vehicle_rule") == 0 ? "vehicle_rule" : field);
        }
        same(what, sub, r->fields[3]);
        n++;
    }
    free(r);
    return n;
}

/* Every Markdown row of the fleet, site and vendor tables is the JSON row's. */
static size_t md_matches(const char *md, json_t *veh)
{
    static const char *const arrays[] = {"by_fleet", "by_site", "parts_by_vendor"};
    static const char *const none[] = {"(no fleet)", "(no site)", "(not identified)"};
    static const char *const keys[] = {"total", "affected", "prohibited", "replace-by",
                                       "restricted", "needs-review", "allowed"};
    size_t n = 0;
    for (size_t a = 0; a < 3; a++) {
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(veh, arrays[a]), i, r)
        {
            char want[512];
            const char *name = json_string_value(json_object_get(r, "name"));
            int w = snprintf(want, sizeof want, "| %s |", name != NULL ? name : none[a]);
            for (size_t k = 0; k < 7; k++)
                w += snprintf(want + w, sizeof want - (size_t)w, " %lld |",
                              (long long)json_integer_value(json_object_get(r, keys[k])));
            const char *e = json_string_value(json_object_get(r, "earliest_deadline"));
            snprintf(want + w, sizeof want - (size_t)w, " %s |\n", e != NULL ? e : "-");
            if (strstr(md, want) == NULL)
                fail_msg("the Markdown report lacks the row '%s'", want);
            n++;
        }
    }
    return n;
}

static void test_vehicles_section_in_every_format(void **state)
{
    (void)state;
    setenv("SIGHTLINE_TEST_CLOCK", "1", 1); /* the clock pinned for tests only */
    setenv("SIGHTLINE_NOW", "2026-11-28T12:00:00Z", 1);
    struct setup st;
    load_rules(&st);
    struct sl_store *s = seed(&st);
    struct sl_prog_options po;
    memset(&po, 0, sizeof po);
    po.as_of = "2026-11-28";
    struct sl_progress *p;
    struct sl_err err = {0};
    assert_int_equal(sl_progress_compute(s, &po, &p, &err), 0);

    char *js = render(SL_REPORT_JSON, s, p);
    json_error_t je;
    json_t *j = json_loads(js, 0, &je);
    if (j == NULL)
        fail_msg("JSON report: %s", je.text);
    json_t *veh = json_object_get(j, "vehicles");
    /* The figures themselves: 4 active (the Tesla retired); at the sensitive
     * site the MG keeps its Quectel deadline (replace-by is stricter than the
     * site rule's restriction) and the Volvo is prohibited (BIS, MY2027); at
     * the public depot the Teltonika van is allowed and the unknown supplier
     * needs review. */
    assert_int_equal(num(veh, "vehicles.total"), 4);
    assert_int_equal(num(veh, "retired"), 1);
    assert_int_equal(num(veh, "vehicles.affected"), 2);
    assert_int_equal(num(veh, "vehicles.prohibited"), 1);
    assert_int_equal(num(veh, "vehicles.replace-by"), 1);
    assert_int_equal(num(veh, "vehicles.needs-review"), 1);
    assert_int_equal(num(veh, "parts.total"), 5);
    assert_string_equal(json_string_value(sl_test_json_path(veh, "vehicles.earliest_deadline")),
                        "2027-06-30");
    json_t *ng = row_named(json_object_get(veh, "by_site"), "name", "Northgate House");
    assert_string_equal(json_string_value(json_object_get(ng, "vehicle_rule")),
                        "park-away:3219:nexus");
    assert_int_equal(json_integer_value(json_object_get(ng, "affected")), 2);
    json_t *q = row_named(json_object_get(veh, "parts_by_vendor"), "name", "Quectel");
    assert_int_equal(json_integer_value(json_object_get(q, "replace-by")), 1);
    json_t *unk = row_named(json_object_get(veh, "parts_by_vendor"), "name", "");
    assert_int_equal(json_integer_value(json_object_get(unk, "needs-review")), 1);
    json_t *y27 = row_named(json_object_get(veh, "by_model_year"), "model_year", "2027");
    assert_int_equal(num(y27, "vehicles.prohibited"), 1);

    char *html = render(SL_REPORT_HTML, s, p);
    size_t nh = sl_test_figures_match(html, j, "vehicles.");
    char *csv = render(SL_REPORT_CSV, s, p);
    size_t nc = csv_matches(csv, veh);
    char *md = render(SL_REPORT_MD, s, p);
    size_t nm = md_matches(md, veh);
    printf("vehicles section: %zu HTML figures, %zu CSV rows, %zu Markdown rows match the JSON\n",
           nh, nc, nm);
    assert_true(nh >= 60 && nc >= 100 && nm >= 8);

    /* A scope leaves other sites' vehicles out; an as-of date before the
     * import leaves every vehicle out. */
    sl_progress_free(p);
    assert_int_equal(sl_scope_parse("tier:public", &po.scope, &err), 0);
    assert_int_equal(sl_progress_compute(s, &po, &p, &err), 0);
    assert_int_equal(p->vehicles.vehicles.total, 2);
    sl_progress_free(p);
    memset(&po, 0, sizeof po);
    po.as_of = "2026-11-01";
    assert_int_equal(sl_progress_compute(s, &po, &p, &err), 0);
    assert_int_equal(p->vehicles.vehicles.total, 0);
    sl_progress_free(p);
    free(js);
    free(html);
    free(csv);
    free(md);
    json_decref(j);
    sl_store_close(s);
    sl_test_vehicle_assessor_free(st.ps, st.vr, st.a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vehicles_section_in_every_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
