/* test_progress.c - programme figures against a hand-computed fixture,
 * as-of reconstruction, exemption expiry, milestones, the forecast, the
 * migration to schema 4 and the report renderers' agreement. */
#include "testutil.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programme/forecast.h"
#include "programme/lifecycle.h"
#include "programme/progress.h"
#include "report/report.h"
#include "store/store.h"

static struct sl_store *g_store;
static int64_t g_site[3];

static int64_t add_device(const char *addr, int64_t site, enum sl_decision dec,
                          const char *deadline, const char *found)
{
    struct sl_claim claim;
    memset(&claim, 0, sizeof claim);
    snprintf(claim.manufacturer, sizeof claim.manufacturer, "Hikvision");
    snprintf(claim.model, sizeof claim.model, "DS-2CD2143G2-I");
    sl_claim_add_rule(&claim, "test.rule");
    struct sl_verdict v;
    memset(&v, 0, sizeof v);
    v.decision = dec;
    snprintf(v.policy, sizeof v.policy, "UK-2022-sensitive-sites");
    if (deadline != NULL)
        snprintf(v.deadline, sizeof v.deadline, "%s", deadline);
    int64_t seen;
    assert_int_equal(sl_time_parse(found, &seen), 0);
    struct sl_device_obs obs = {0, site, NULL, NULL, addr, "80", &claim, &v, seen};
    int64_t id;
    struct sl_err err;
    if (sl_store_device_observe(g_store, &obs, "test", &id, NULL, &err) != 0)
        fail_msg("%s", err.msg);
    return id;
}

static void mv(int64_t id, enum sl_status to, const char *at, const char *extra)
{
    struct sl_change c = {to, at, "because", NULL, NULL, NULL, NULL, 0, false};
    if (to == SL_STATUS_REMOVED)
        c.replaced_by = "Axis";
    if (to == SL_STATUS_SCHEDULED)
        c.scheduled_for = extra;
    if (to == SL_STATUS_EXEMPT) {
        c.exempt_until = extra;
        c.exempt_approver = "Board";
    }
    char why[400];
    struct sl_err err;
    int rc = sl_lifecycle_apply(g_store, id, &c, "test", why, sizeof why, &err);
    if (rc != 1)
        fail_msg("move %lld to %s at %s: %s", (long long)id, sl_status_name(to), at,
                 rc == 0 ? why : err.msg);
}

static void milestone(const char *name, const char *due, const char *kind, double target,
                      const char *scope_kind, const char *scope_value)
{
    struct sl_milestone m;
    memset(&m, 0, sizeof m);
    snprintf(m.name, sizeof m.name, "%s", name);
    snprintf(m.due, sizeof m.due, "%s", due);
    snprintf(m.target_kind, sizeof m.target_kind, "%s", kind);
    m.target = target;
    snprintf(m.scope_kind, sizeof m.scope_kind, "%s", scope_kind);
    snprintf(m.scope_value, sizeof m.scope_value, "%s", scope_value);
    struct sl_err err;
    assert_int_equal(sl_store_milestone_add(g_store, &m, "test", NULL, &err), 0);
}

/* The fixture (docs/programme.md walks through the same figures):
 *   site A sensitive (Dept X), B official (Dept Y), C public (Dept X)
 *   d1 A: found 01-01, confirmed 01-05, scheduled 01-10 for 02-01, removed 02-01, verified 02-15
 *   d2 A: found 01-01, removed 03-01, reappeared 04-10
 *   d3 A: found 01-01, confirmed 01-02, exempt 01-20 until 03-31
 *   d4 B: replace-by 06-30; found 02-10, scheduled 02-12 for 03-15, removed 04-01
 *   d5 C: allowed (never counts)
 *   d6 A: found 05-01
 *   d7 B: replace-by 03-01; found 01-15 */
static int setup(void **state)
{
    (void)state;
    struct sl_err err;
    assert_int_equal(sl_store_open(&g_store, sl_test_db("progress"), 0, &err), 0);
    const char *netA[] = {"198.18.60.0/24"}, *netB[] = {"198.18.61.0/24"},
               *netC[] = {"198.18.62.0/24"};
    assert_int_equal(sl_store_site_add(g_store, "A", "Dept X", SL_TIER_SENSITIVE, netA, 1, "t",
                                       &g_site[0], &err), 0);
    assert_int_equal(sl_store_site_add(g_store, "B", "Dept Y", SL_TIER_OFFICIAL, netB, 1, "t",
                                       &g_site[1], &err), 0);
    assert_int_equal(sl_store_site_add(g_store, "C", "Dept X", SL_TIER_PUBLIC, netC, 1, "t",
                                       &g_site[2], &err), 0);
    int64_t d1 = add_device("198.18.60.1", g_site[0], SL_DECISION_PROHIBITED, NULL, "2024-01-01");
    int64_t d2 = add_device("198.18.60.2", g_site[0], SL_DECISION_PROHIBITED, NULL, "2024-01-01");
    int64_t d3 = add_device("198.18.60.3", g_site[0], SL_DECISION_PROHIBITED, NULL, "2024-01-01");
    int64_t d4 = add_device("198.18.61.4", g_site[1], SL_DECISION_REPLACE_BY, "2024-06-30",
                            "2024-02-10");
    add_device("198.18.62.5", g_site[2], SL_DECISION_ALLOWED, NULL, "2024-01-01");
    add_device("198.18.60.6", g_site[0], SL_DECISION_PROHIBITED, NULL, "2024-05-01");
    add_device("198.18.61.7", g_site[1], SL_DECISION_REPLACE_BY, "2024-03-01", "2024-01-15");
    mv(d1, SL_STATUS_CONFIRMED, "2024-01-05", NULL);
    mv(d1, SL_STATUS_SCHEDULED, "2024-01-10", "2024-02-01");
    mv(d1, SL_STATUS_REMOVED, "2024-02-01", NULL);
    mv(d1, SL_STATUS_VERIFIED_ABSENT, "2024-02-15", NULL);
    mv(d2, SL_STATUS_REMOVED, "2024-03-01", NULL);
    mv(d2, SL_STATUS_REAPPEARED, "2024-04-10", NULL);
    mv(d3, SL_STATUS_CONFIRMED, "2024-01-02", NULL);
    mv(d3, SL_STATUS_EXEMPT, "2024-01-20", "2024-03-31");
    mv(d4, SL_STATUS_SCHEDULED, "2024-02-12", "2024-03-15");
    mv(d4, SL_STATUS_REMOVED, "2024-04-01", NULL);
    milestone("M1 quarter", "2024-03-01", "percent", 25, "all", "");
    milestone("M2 official three", "2024-03-01", "count", 3, "tier", "official");
    milestone("M3 site A clear", "2025-01-01", "percent", 100, "site", "A");
    milestone("M4 nowhere", "2024-12-01", "percent", 10, "site", "Nope");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sl_store_close(g_store);
    return 0;
}

static struct sl_progress *at(const char *date, const char *scope)
{
    struct sl_prog_options o;
    memset(&o, 0, sizeof o);
    o.as_of = date;
    struct sl_err err;
    assert_int_equal(sl_scope_parse(scope, &o.scope, &err), 0);
    struct sl_progress *p;
    if (sl_progress_compute(g_store, &o, &p, &err) != 0)
        fail_msg("%s", err.msg);
    return p;
}

static void test_as_of_march_20(void **state)
{
    (void)state;
    struct sl_progress *p = at("2024-03-20", "all");
    assert_string_equal(p->as_of, "2024-03-20");
    assert_int_equal(p->total.affected, 5);   /* d1 d2 d3 d4 d7 (d6 not yet, d5 allowed) */
    assert_int_equal(p->total.replaced, 2);   /* d1 verified, d2 removed */
    assert_int_equal(p->total.verified, 1);
    assert_int_equal(p->total.exempt, 1);     /* d3, until 03-31 */
    assert_int_equal(p->total.outstanding, 2);/* d4 scheduled, d7 discovered */
    assert_int_equal(p->total.overdue, 2);    /* d4 date 03-15 passed; d7 deadline 03-01 passed */
    assert_true(p->total.replaced_pct > 39.99 && p->total.replaced_pct < 40.01);
    assert_true(p->total.verified_pct > 19.99 && p->total.verified_pct < 20.01);
    /* by tier */
    assert_int_equal(p->tiers[SL_TIER_SENSITIVE].c.affected, 3);
    assert_int_equal(p->tiers[SL_TIER_SENSITIVE].c.replaced, 2);
    assert_int_equal(p->tiers[SL_TIER_SENSITIVE].c.outstanding, 0);
    assert_int_equal(p->tiers[SL_TIER_OFFICIAL].c.affected, 2);
    assert_int_equal(p->tiers[SL_TIER_OFFICIAL].c.overdue, 2);
    assert_int_equal(p->tiers[SL_TIER_PUBLIC].c.affected, 0);
    /* by department (sorted by name) and site */
    assert_int_equal(p->n_departments, 2);
    assert_string_equal(p->departments[0].name, "Dept X");
    assert_int_equal(p->departments[0].c.affected, 3);
    assert_int_equal(p->departments[1].c.affected, 2);
    assert_int_equal(p->n_sites, 3);
    assert_string_equal(p->sites[1].name, "B");
    assert_int_equal(p->sites[1].c.overdue, 2);
    assert_int_equal(p->n_overdue_sites, 1);
    /* weeks end on the as-of date; removals: d1 (week to 02-07), d2 (week to 03-06) */
    assert_string_equal(p->weeks[p->n_weeks - 1].end, "2024-03-20");
    int64_t sum = 0;
    for (size_t i = 0; i < p->n_weeks; i++) {
        sum += p->weeks[i].removals;
        if (strcmp(p->weeks[i].end, "2024-02-07") == 0 || strcmp(p->weeks[i].end, "2024-03-06") == 0)
            assert_int_equal(p->weeks[i].removals, 1);
    }
    assert_int_equal(sum, 2); /* removed -> verified is not a second removal */
    assert_int_equal(p->n_exemptions, 1);
    assert_false(p->exemptions[0].expired);
    assert_int_equal(p->exemptions[0].days_left, 11);
    assert_string_equal(p->exemptions[0].until, "2024-03-31");
    assert_string_equal(p->exemptions[0].approver, "Board");
    sl_progress_free(p);
}

static void test_exemption_expiry(void **state)
{
    (void)state;
    struct sl_progress *p = at("2024-03-31", "all"); /* last exempt day */
    assert_int_equal(p->total.exempt, 1);
    sl_progress_free(p);
    p = at("2024-04-01", "all"); /* fallen back to confirmed; d4 removed today */
    assert_int_equal(p->total.exempt, 0);
    assert_int_equal(p->total.by_status[SL_STATUS_CONFIRMED], 1);
    assert_int_equal(p->total.replaced, 3);
    assert_int_equal(p->total.outstanding, 2); /* d3, d7 */
    assert_int_equal(p->total.overdue, 1);     /* d7 only: d3 has no date */
    assert_int_equal(p->n_exemptions, 1);
    assert_true(p->exemptions[0].expired);
    assert_string_equal(p->exemptions[0].falls_back_to, "confirmed");
    sl_progress_free(p);
}

static void test_reappearance_and_growth(void **state)
{
    (void)state;
    struct sl_progress *p = at("2024-04-15", "all");
    assert_int_equal(p->total.replaced, 2); /* d1, d4 */
    assert_int_equal(p->total.reappeared, 1);
    assert_int_equal(p->total.outstanding, 3);
    assert_int_equal(p->n_reappearances, 1);
    assert_string_equal(p->reappearances[0].address, "198.18.60.2");
    assert_string_equal(p->reappearances[0].at, "2024-04-10T00:00:00Z");
    sl_progress_free(p);
    p = at("2024-06-01", "all");
    assert_int_equal(p->total.affected, 6); /* d6 exists now */
    sl_progress_free(p);
    p = at("2023-12-31", "all");
    assert_int_equal(p->total.affected, 0);
    assert_int_equal(p->forecast.state, SL_FC_NO_AFFECTED);
    sl_progress_free(p);
}

static void test_scopes(void **state)
{
    (void)state;
    struct sl_progress *p = at("2024-03-20", "tier:official");
    assert_int_equal(p->total.affected, 2);
    assert_int_equal(p->total.replaced, 0);
    assert_non_null(strstr(p->headline, "official sites"));
    sl_progress_free(p);
    p = at("2024-03-20", "department:Dept X");
    assert_int_equal(p->total.affected, 3);
    sl_progress_free(p);
    p = at("2024-03-20", "site:A");
    assert_int_equal(p->total.affected, 3);
    sl_progress_free(p);
    struct sl_prog_options o;
    memset(&o, 0, sizeof o);
    struct sl_err err;
    assert_int_equal(sl_scope_parse("site:Nope", &o.scope, &err), 0);
    struct sl_progress *q;
    assert_int_equal(sl_progress_compute(g_store, &o, &q, &err), -1);
    assert_non_null(strstr(err.msg, "no site named 'Nope'"));
    assert_int_equal(sl_scope_parse("planet:Mars", &o.scope, &err), -1);
    assert_int_equal(sl_scope_parse("tier:secret", &o.scope, &err), -1);
}

static void test_milestones(void **state)
{
    (void)state;
    struct sl_progress *p = at("2024-06-01", "all");
    assert_int_equal(p->n_milestones, 4);
    /* by due date: M1 and M2 (03-01), M4 (12-01), M3 (2025-01-01) */
    const struct sl_prog_milestone *m1 = &p->milestones[0], *m2 = &p->milestones[1];
    assert_string_equal(m1->m.name, "M1 quarter");
    assert_int_equal(m1->status, SL_MS_MET); /* 2 of 5 = 40% on 03-01 */
    assert_int_equal(m1->affected, 5);
    assert_int_equal(m1->replaced, 2);
    assert_string_equal(m1->evaluated_on, "2024-03-01");
    assert_int_equal(m2->status, SL_MS_MISSED); /* official: 0 replaced on 03-01 */
    assert_int_equal(m2->affected, 2);
    assert_int_equal(p->milestones[2].status, SL_MS_NO_SCOPE);
    const struct sl_prog_milestone *m3 = &p->milestones[3];
    assert_string_equal(m3->m.name, "M3 site A clear");
    assert_int_equal(m3->affected, 4); /* d1 d2 d3 d6 */
    /* 1 of 4 replaced; no removal at site A in the 12 weeks to 06-01 (d2's on
     * 03-01 is in the week ending 03-02): the forecast adds nothing. */
    assert_int_equal(m3->status, SL_MS_AT_RISK);
    assert_true(m3->forecast_miss);
    assert_true(m3->achieved > 24.99 && m3->achieved < 25.01);
    assert_true(m3->projected > 24.99 && m3->projected < 25.01);
    sl_progress_free(p);
    /* Before their due date, the same milestones are judged by the forecast. */
    p = at("2024-02-20", "all");
    /* M1: 1 of 5 replaced by 02-20 (d1); one removal in the weeks so far projects
     * 27.1% by 03-01, over its 25%: on track. M2: nothing official removed yet. */
    assert_int_equal(p->milestones[0].status, SL_MS_ON_TRACK);
    assert_false(p->milestones[0].forecast_miss);
    assert_true(p->milestones[0].achieved > 19.99 && p->milestones[0].achieved < 20.01);
    assert_true(p->milestones[0].projected > 27.13 && p->milestones[0].projected < 27.15);
    assert_int_equal(p->milestones[1].status, SL_MS_AT_RISK);
    assert_string_equal(p->milestones[0].evaluated_on, "2024-02-20");
    sl_progress_free(p);
}

static void test_forecast_rules(void **state)
{
    (void)state;
    int64_t asof;
    sl_time_parse("2024-06-01", &asof);
    double flat[12];
    for (int i = 0; i < 12; i++)
        flat[i] = 10;
    struct sl_forecast f;
    sl_forecast_compute(flat, 12, 12, 200, 100, asof, &f, NULL);
    assert_int_equal(f.state, SL_FC_DATE);
    assert_string_equal(f.finish, "2024-08-10"); /* 10 weeks of 10 */
    assert_string_equal(f.earliest, "2024-08-10");
    assert_string_equal(f.latest, "2024-08-10");
    /* rising: the fitted level at the as-of week (12), never above the best week */
    double rising[12];
    for (int i = 0; i < 12; i++)
        rising[i] = i + 1;
    sl_forecast_compute(rising, 12, 12, 500, 120, asof, &f, NULL);
    assert_int_equal(f.state, SL_FC_DATE);
    assert_true(f.rate > 11.99 && f.rate < 12.01);
    assert_string_equal(f.finish, "2024-08-10");
    /* fallen to nothing */
    double falling[12];
    for (int i = 0; i < 12; i++)
        falling[i] = 11 - i;
    sl_forecast_compute(falling, 12, 12, 500, 120, asof, &f, NULL);
    assert_int_equal(f.state, SL_FC_NOT_AT_TREND);
    double zero[12] = {0};
    sl_forecast_compute(zero, 12, 12, 500, 120, asof, &f, NULL);
    assert_int_equal(f.state, SL_FC_STALLED);
    sl_forecast_compute(flat, 12, 12, 500, 0, asof, &f, NULL);
    assert_int_equal(f.state, SL_FC_COMPLETE);
    sl_forecast_compute(flat, 12, 12, 0, 0, asof, &f, NULL);
    assert_int_equal(f.state, SL_FC_NO_AFFECTED);
    /* noisy: a range around the finish */
    double noisy[12] = {8, 12, 9, 11, 10, 7, 13, 10, 9, 11, 12, 8};
    sl_forecast_compute(noisy, 12, 12, 500, 100, asof, &f, NULL);
    assert_int_equal(f.state, SL_FC_DATE);
    assert_true(strcmp(f.earliest, f.finish) < 0);
    assert_true(f.latest[0] == '\0' || strcmp(f.finish, f.latest) < 0);
    /* one week of data: a flat rate with a Poisson spread */
    double one[1] = {5};
    sl_forecast_compute(one, 1, 12, 50, 10, asof, &f, NULL);
    assert_int_equal(f.state, SL_FC_DATE);
    assert_string_equal(f.finish, "2024-06-15");
}

/* JSON and CSV carry the same figures as the struct. */
static void test_renderers_agree(void **state)
{
    (void)state;
    struct sl_progress *p = at("2024-03-20", "all");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct sl_report_opts ro = {SL_REPORT_ALL_DEVICES};
    struct sl_err err;
    assert_int_equal(sl_report_json(f, g_store, p, &ro, &err), 0);
    fclose(f);
    json_error_t je;
    json_t *j = json_loads(buf, 0, &je);
    if (j == NULL)
        fail_msg("report JSON does not parse: %s (line %d)", je.text, je.line);
    json_t *t = json_object_get(j, "totals");
    assert_int_equal(json_integer_value(json_object_get(t, "affected")), 5);
    assert_true(json_real_value(json_object_get(t, "replaced_pct")) == 40.0);
    json_t *dev = json_object_get(j, "devices");
    assert_int_equal(json_integer_value(json_object_get(dev, "outstanding")), 2);
    json_t *listed = json_object_get(dev, "listed");
    assert_int_equal(json_integer_value(json_object_get(dev, "affected")), 5);
    assert_int_equal(json_array_size(listed), 5);
    /* the work first: overdue d4 and d7 (same site, by id), then exempt d3, removed d2,
     * verified d1 */
    static const char *const order[] = {"198.18.61.4", "198.18.61.7", "198.18.60.3",
                                        "198.18.60.2", "198.18.60.1"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(
            json_string_value(json_object_get(json_array_get(listed, i), "address")), order[i]);
    assert_true(json_is_true(json_object_get(json_array_get(listed, 0), "overdue")));
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(listed, 4), "status_as_of")),
        "verified_absent");
    json_decref(j);
    free(buf);

    f = open_memstream(&buf, &len);
    assert_int_equal(sl_report_csv(f, g_store, p, &ro, &err), 0);
    fclose(f);
    assert_non_null(strstr(buf, "section,name,field,value\n"));
    assert_non_null(strstr(buf, "totals,,affected,5\n"));
    assert_non_null(strstr(buf, "totals,,replaced_pct,40.0\n"));
    assert_non_null(strstr(buf, "tier,official,overdue,2\n"));
    assert_non_null(strstr(buf, "milestone,M1 quarter,status,met\n"));
    free(buf);

    f = open_memstream(&buf, &len);
    assert_int_equal(sl_report_md(f, g_store, p, &ro, &err), 0);
    fclose(f);
    assert_non_null(strstr(buf, "| replaced | 2 (40.0%) |"));
    free(buf);

    f = open_memstream(&buf, &len);
    assert_int_equal(sl_report_html(f, g_store, p, &ro, &err), 0);
    fclose(f);
    assert_non_null(strstr(buf, "<span data-figure=\"totals.replaced_pct\">40.0</span>"));
    /* self-contained: nothing to fetch */
    assert_null(strstr(buf, "src="));
    assert_null(strstr(buf, "href=\"http"));
    assert_null(strstr(buf, "url("));
    assert_null(strstr(buf, "<script"));
    assert_null(strstr(buf, "<link"));
    free(buf);
    sl_progress_free(p);
}

/* An event to a status no lifecycle has makes the history unreadable: an
 * error naming the device, never a guess from its first letters ("retired"
 * was once read as reappeared). */
static void test_unknown_status_is_an_error(void **state)
{
    (void)state;
    const char *path = sl_test_tmpfile("progress-bad", "b.db");
    struct sl_store *s;
    struct sl_err err;
    assert_int_equal(sl_store_open(&s, path, 0, &err), 0);
    struct sl_store *keep = g_store;
    g_store = s;
    const char *net[] = {"198.18.70.0/24"};
    int64_t site;
    assert_int_equal(sl_store_site_add(s, "Z", "Dept Z", SL_TIER_SENSITIVE, net, 1, "t", &site,
                                       &err), 0);
    int64_t id = add_device("198.18.70.1", site, SL_DECISION_PROHIBITED, NULL, "2024-01-01");
    g_store = keep;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char sql[300];
    snprintf(sql, sizeof sql,
             "INSERT INTO lifecycle_events (device_id, at, recorded_at, actor, to_status)"
             " VALUES (%lld, '2024-02-01T00:00:00Z', '2024-02-01T00:00:00Z', 't', 'retired')",
             (long long)id);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    struct sl_prog_options o;
    memset(&o, 0, sizeof o);
    o.as_of = "2024-03-01";
    struct sl_progress *p = NULL;
    assert_int_equal(sl_progress_compute(s, &o, &p, &err), -1);
    assert_null(p);
    assert_non_null(strstr(err.msg, "'retired', which is not a status"));
    sl_store_close(s);
}

/* A register at schema 3 migrates to 4: the replay index replaces the old one. */
static void test_migration_4(void **state)
{
    (void)state;
    struct sl_store *s;
    struct sl_err err;
    char path[4096];
    snprintf(path, sizeof path, "%s", sl_test_db("progress_mig"));
    assert_int_equal(sl_store_open(&s, path, SL_STORE_NO_MIGRATE, &err), 0);
    assert_int_equal(sl_store_migrate(s, 3, &err), 0);
    assert_int_equal(sl_store_schema_version(s), 3);
    assert_int_equal(sl_store_migrate(s, sl_store_latest_version(), &err), 0);
    assert_true(sl_store_schema_version(s) >= 4);
    sl_store_close(s);
    char *names = sl_test_db_text(path, sl_test_pg()
                                            ? "SELECT string_agg(indexname, ',') FROM pg_indexes"
                                              " WHERE tablename = 'lifecycle_events'"
                                            : "SELECT group_concat(name, ',') FROM sqlite_master"
                                              " WHERE type = 'index'"
                                              " AND tbl_name = 'lifecycle_events'"
                                              " AND name NOT LIKE 'sqlite_%'");
    assert_non_null(names);
    assert_non_null(strstr(names, "lifecycle_events_replay"));
    assert_null(strstr(names, "lifecycle_events_at"));
    free(names);
}

/* ---- the verdict history (issue 10) -------------------------------------------- */

/* What a walk of verdict changes saw: how many, and the last one. */
struct seen_changes {
    int64_t n;
    enum sl_decision from, to;
    char via[16], version[40], maker[64];
};

static int count_change(const struct sl_verdict_change *c, void *ctx)
{
    struct seen_changes *last = ctx;
    last->n++;
    last->from = c->from_decision;
    last->to = c->to_decision;
    snprintf(last->via, sizeof last->via, "%s", c->via);
    snprintf(last->version, sizeof last->version, "%s", c->policy_version);
    snprintf(last->maker, sizeof last->maker, "%s", c->to_manufacturer);
    return 0;
}

static int first_from(const struct sl_verdict_first_row *r, void *ctx)
{
    *(int *)ctx = (int)r->from_decision;
    return 0;
}

static void observe_at(struct sl_store *s, int64_t site, const char *maker, enum sl_decision dec,
                       const char *seen)
{
    struct sl_claim c;
    memset(&c, 0, sizeof c);
    snprintf(c.manufacturer, sizeof c.manufacturer, "%s", maker);
    sl_claim_add_rule(&c, "test.rule");
    struct sl_verdict v;
    memset(&v, 0, sizeof v);
    v.decision = dec;
    snprintf(v.policy, sizeof v.policy, "P");
    snprintf(v.policy_version, sizeof v.policy_version, "2024-01-01.0000abcd");
    int64_t t, id;
    assert_int_equal(sl_time_parse(seen, &t), 0);
    struct sl_device_obs obs = {0, site, "44:47:cc:00:00:01", NULL, "198.18.70.1", "80", &c, &v, t};
    struct sl_err err;
    if (sl_store_device_observe(s, &obs, "test", &id, NULL, &err) != 0)
        fail_msg("%s", err.msg);
}

static int64_t affected_at(struct sl_store *s, const char *date, size_t *n_changes)
{
    struct sl_prog_options o;
    memset(&o, 0, sizeof o);
    o.as_of = date;
    struct sl_progress *p;
    struct sl_err err;
    if (sl_progress_compute(s, &o, &p, &err) != 0)
        fail_msg("%s", err.msg);
    int64_t n = p->total.affected;
    if (n_changes != NULL)
        *n_changes = p->n_verdict_changes_total;
    sl_progress_free(p);
    return n;
}

/* A device allowed in January, prohibited by a scan in March, allowed again by
 * a reassessment in May: each change is one row and one audit entry, and the
 * figures as of each month follow the verdict that held then (the weekly
 * burn-down too). */
static void test_verdict_history(void **state)
{
    (void)state;
    struct sl_store *s;
    struct sl_err err;
    assert_int_equal(sl_store_open(&s, sl_test_db("verdicts"), 0, &err), 0);
    const char *net[] = {"198.18.70.0/24"};
    int64_t site;
    assert_int_equal(sl_store_site_add(s, "V", "Dept V", SL_TIER_OFFICIAL, net, 1, "t", &site,
                                       &err), 0);
    observe_at(s, site, "Hikvision", SL_DECISION_ALLOWED, "2024-01-10");
    observe_at(s, site, "Hikvision", SL_DECISION_ALLOWED, "2024-02-10"); /* no change */
    struct seen_changes got;
    memset(&got, 0, sizeof got);
    assert_int_equal(sl_store_verdict_history(s, 1, count_change, &got, &err), 0);
    assert_int_equal(got.n, 0);
    observe_at(s, site, "Hikvision", SL_DECISION_PROHIBITED, "2024-03-10");
    memset(&got, 0, sizeof got);
    assert_int_equal(sl_store_verdict_history(s, 1, count_change, &got, &err), 0);
    assert_int_equal(got.n, 1);
    assert_int_equal(got.from, SL_DECISION_ALLOWED);
    assert_int_equal(got.to, SL_DECISION_PROHIBITED);
    assert_string_equal(got.via, "observation");
    assert_string_equal(got.version, "2024-01-01.0000abcd");
    assert_string_equal(got.maker, "Hikvision");

    /* reassessed in May: the same verdict changes nothing; another is recorded */
    setenv("SIGHTLINE_TEST_CLOCK", "1", 1);
    setenv("SIGHTLINE_NOW", "2024-05-10", 1);
    struct sl_device d;
    assert_int_equal(sl_store_device_get(s, 1, &d, &err), 1);
    int what = -1;
    assert_int_equal(sl_store_device_rejudge(s, 1, &d.claim, &d.verdict, "t", &what, &err), 0);
    assert_int_equal(what, 0);
    struct sl_verdict allowed = d.verdict;
    allowed.decision = SL_DECISION_ALLOWED;
    assert_int_equal(sl_store_device_rejudge(s, 1, &d.claim, &allowed, "t", &what, &err), 0);
    assert_int_equal(what, SL_CHANGED_VERDICT);
    assert_int_equal(sl_store_device_rejudge(s, 99, &d.claim, &allowed, "t", &what, &err), -1);
    assert_int_equal(err.kind, SL_ERR_NOT_FOUND);
    unsetenv("SIGHTLINE_NOW");
    memset(&got, 0, sizeof got);
    assert_int_equal(sl_store_verdict_changes(s, NULL, count_change, &got, &err), 0);
    assert_int_equal(got.n, 2);
    /* newest first: the last one seen is March's */
    assert_int_equal(got.to, SL_DECISION_PROHIBITED);
    memset(&got, 0, sizeof got);
    assert_int_equal(sl_store_verdict_changes(s, "2024-04-01T00:00:00Z", count_change, &got, &err),
                     0);
    assert_int_equal(got.n, 1);
    int from = -1;
    assert_int_equal(sl_store_verdict_first(s, first_from, &from, &err), 0);
    assert_int_equal(from, SL_DECISION_ALLOWED);

    /* the figures as of each month */
    size_t nc = 0;
    assert_int_equal(affected_at(s, "2024-02-15", &nc), 0);
    assert_int_equal(nc, 0);
    assert_int_equal(affected_at(s, "2024-04-15", &nc), 1);
    assert_int_equal(nc, 1);
    assert_int_equal(affected_at(s, "2024-06-15", &nc), 0);
    assert_int_equal(nc, 2);
    struct sl_prog_options o;
    memset(&o, 0, sizeof o);
    o.as_of = "2024-06-15";
    struct sl_progress *p;
    assert_int_equal(sl_progress_compute(s, &o, &p, &err), 0);
    int64_t peak = 0;
    for (size_t i = 0; i < p->n_weeks; i++)
        peak = p->weeks[i].affected > peak ? p->weeks[i].affected : peak;
    assert_int_equal(peak, 1); /* the burn-down saw it affected in between */
    assert_int_equal(p->weeks[p->n_weeks - 1].affected, 0);
    sl_progress_free(p);

    /* the audit log has both, and verifies against the table */
    struct sl_audit_report rep;
    memset(&rep, 0, sizeof rep);
    assert_int_equal(sl_store_verify(s, &rep, &err), 0);
    assert_int_equal(rep.first_bad_seq, 0);
    assert_int_equal(rep.mismatches, 0);
    sl_store_close(s);
}

/* A history longer than the replay's look-ahead (it applies each lifecycle
 * event a few rows after reading it, to prefetch the device's state): events,
 * week ends and exemption expiries must still interleave in time order. 60
 * devices; device k is removed in week k, except every fifth, which is exempt
 * for a week from week k and then falls back to confirmed. */
static void test_long_history(void **state)
{
    (void)state;
    struct sl_store *saved = g_store;
    struct sl_err err;
    assert_int_equal(sl_store_open(&g_store, sl_test_db("long-history"), 0, &err), 0);
    const char *net[] = {"198.18.80.0/24"};
    int64_t site;
    assert_int_equal(sl_store_site_add(g_store, "L", "Dept L", SL_TIER_SENSITIVE, net, 1, "t",
                                       &site, &err), 0);
    int64_t base;
    assert_int_equal(sl_time_parse("2024-01-01", &base), 0); /* a Monday */
    enum { N = 60 };
    int64_t removed_at[N] = {0};
    for (int k = 0; k < N; k++) {
        char addr[32], day[16];
        snprintf(addr, sizeof addr, "198.18.80.%d", k + 1);
        int64_t id = add_device(addr, site, SL_DECISION_PROHIBITED, NULL, "2024-01-01");
        sl_time_date(base + (int64_t)(7 * k + 2) * 86400, day);
        if (k % 5 == 0) {
            char until[16];
            sl_time_date(base + (int64_t)(7 * k + 8) * 86400, until);
            mv(id, SL_STATUS_EXEMPT, day, until);
        } else {
            mv(id, SL_STATUS_REMOVED, day, NULL);
            removed_at[k] = base + (int64_t)(7 * k + 2) * 86400;
        }
    }
    struct sl_progress *p = at("2025-06-30", "all");
    assert_int_equal(p->total.affected, N);
    assert_int_equal(p->total.replaced, N - N / 5);
    assert_int_equal(p->total.exempt, 0);
    assert_int_equal(p->total.by_status[SL_STATUS_CONFIRMED], N / 5); /* fallen back */
    int64_t seen = 0;
    for (size_t w = 0; w < p->n_weeks; w++) {
        int64_t end;
        assert_int_equal(sl_time_parse_end_of_day(p->weeks[w].end, &end), 0);
        int64_t want = 0;
        for (int k = 0; k < N; k++)
            want += removed_at[k] != 0 && removed_at[k] <= end && removed_at[k] > end - 7 * 86400;
        if (p->weeks[w].removals != want)
            fail_msg("week ending %s: %lld removals, want %lld", p->weeks[w].end,
                     (long long)p->weeks[w].removals, (long long)want);
        seen += want;
    }
    assert_int_equal(seen, N - N / 5);
    sl_progress_free(p);
    /* Mid-way: 30 weeks in, device 30's exemption runs (days 212..218), and
     * the earlier exempt devices have fallen back. */
    p = at("2024-08-01", "all"); /* day 213 */
    assert_int_equal(p->total.exempt, 1);
    assert_int_equal(p->total.by_status[SL_STATUS_CONFIRMED], 6); /* k = 0, 5, ..., 25 */
    assert_int_equal(p->total.replaced, 24);                      /* k < 31, not fifths */
    sl_progress_free(p);
    sl_store_close(g_store);
    g_store = saved;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_as_of_march_20),
        cmocka_unit_test(test_exemption_expiry),
        cmocka_unit_test(test_reappearance_and_growth),
        cmocka_unit_test(test_scopes),
        cmocka_unit_test(test_milestones),
        cmocka_unit_test(test_forecast_rules),
        cmocka_unit_test(test_renderers_agree),
        cmocka_unit_test(test_unknown_status_is_an_error),
        cmocka_unit_test(test_migration_4),
        cmocka_unit_test(test_verdict_history),
        cmocka_unit_test(test_long_history),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
