/* test_store_vehicles.c - the register's vehicles, parts, their history and a
 * site's vehicle rule (store/vehicles.c): adding one and a whole fleet in one
 * transaction, refusals that leave nothing behind, reading, listing with
 * filters, status changes with events, verdicts written back, the report's
 * groupings. Runs on SQLite and, under scripts/pg-cluster run, PostgreSQL. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/str.h"

static char loc[4096]; /* the current test's register */

static struct sl_store *open_fresh(const char *name)
{
    struct sl_store *s = NULL;
    struct sl_err err = {0};
    snprintf(loc, sizeof loc, "%s", sl_test_db(name));
    if (sl_store_open(&s, loc, 0, &err) != 0)
        fail_msg("open: %s", err.msg);
    return s;
}

static int64_t add_site(struct sl_store *s, const char *name, enum sl_tier tier)
{
    int64_t id = 0;
    struct sl_err err = {0};
    if (sl_store_site_add(s, name, "Dept of Fleets", tier, NULL, 0, "tester", &id, &err) != 0)
        fail_msg("site_add: %s", err.msg);
    return id;
}

static struct sl_verdict verdict(enum sl_decision d, const char *policy, const char *deadline)
{
    struct sl_verdict v;
    memset(&v, 0, sizeof v);
    v.decision = d;
    sl_strlcpy(v.policy, policy, sizeof v.policy);
    sl_strlcpy(v.deadline, deadline, sizeof v.deadline);
    snprintf(v.reason, sizeof v.reason, "because of %s", policy);
    return v;
}

/* Vehicle i of a small fleet: i even at site a, odd at site b; two parts each. */
struct fleet {
    int64_t site_a, site_b;
    char vin[3][18], imei[3][2][16];
    struct sl_vpart_row parts[2];
};

static void fill(struct fleet *f, int i, struct sl_vehicle_row *v)
{
    static const char *const vins[] = {"LSJW74U64PS201876", "WV1ZZZSYXNH000123",
                                       "YV1XZK8VXM1555001"};
    static const char *const imeis[3][2] = {{"352093081047291", ""},
                                            {"490154203237518", ""},
                                            {"", ""}};
    memset(v, 0, sizeof *v);
    sl_strlcpy(f->vin[i], vins[i], sizeof f->vin[i]);
    v->vin = f->vin[i];
    v->make = i == 0 ? "MG" : i == 1 ? "Volkswagen" : "Volvo";
    v->model = "Model";
    v->model_year = 2023 + i * 2;
    v->fleet = i == 1 ? "Vans" : "Pool";
    v->site_id = i % 2 == 0 ? f->site_a : f->site_b;
    v->registration = i == 0 ? "AB23 CDE" : NULL;
    v->wmi = i == 0 ? "LSJ" : i == 1 ? "WV1" : "YV1";
    v->maker = i == 0 ? "SAIC Motor" : i == 1 ? "Volkswagen" : "Volvo Cars";
    v->verdict = verdict(i == 0 ? SL_DECISION_REPLACE_BY
                                : i == 1 ? SL_DECISION_ALLOWED : SL_DECISION_PROHIBITED,
                         i == 1 ? "" : "US-DoD-1260H", i == 0 ? "2027-06-30" : "");
    for (int k = 0; k < 2; k++) {
        struct sl_vpart_row *p = &f->parts[k];
        memset(p, 0, sizeof *p);
        sl_strlcpy(f->imei[i][k], imeis[i][k], sizeof f->imei[i][k]);
        p->position = k + 1;
        p->kind = k == 0 ? "tcu" : "wifi-bt";
        p->layer = k == 0 ? "hardware" : "";
        p->supplier = k == 0 && i == 0 ? "Quectel Wireless Solutions" : "u-blox AG";
        p->model = k == 0 ? "AG35-E" : "LISA-U201";
        p->imei = f->imei[i][k];
        p->source = k == 0 ? "line 2" : "line 3";
        p->vendor = k == 0 && i == 0 ? "Quectel" : "u-blox";
        p->vendors = k == 0 && i == 0 ? "Quectel, Bosch" : "u-blox";
        p->rules = k == 0 && i == 0 ? "supplier.quectel supplier.bosch" : "supplier.u-blox";
        p->verdict = k == 0 && i == 0 ? verdict(SL_DECISION_REPLACE_BY, "US-DoD-1260H", "2027-06-30")
                                      : verdict(SL_DECISION_ALLOWED, "", "");
    }
}

struct got {
    char vin[18], site[64], status[16], maker[64], registration[32];
    int model_year, n_parts;
    enum sl_decision decision;
    char deadline[11];
    char part_kind[2][16], part_vendor[2][64], part_status[2][16], part_replaced[2][64];
    int64_t part_id[2];
};

static int got_vehicle(const struct sl_vehicle_row *v, void *ctx)
{
    struct got *g = ctx;
    sl_strlcpy(g->vin, v->vin, sizeof g->vin);
    sl_strlcpy(g->site, v->site, sizeof g->site);
    sl_strlcpy(g->status, v->status, sizeof g->status);
    sl_strlcpy(g->maker, v->maker, sizeof g->maker);
    sl_strlcpy(g->registration, v->registration, sizeof g->registration);
    g->model_year = v->model_year;
    g->decision = v->verdict.decision;
    sl_strlcpy(g->deadline, v->verdict.deadline, sizeof g->deadline);
    return 0;
}

static int got_part(const struct sl_vpart_row *p, void *ctx)
{
    struct got *g = ctx;
    int k = g->n_parts++;
    if (k < 2) {
        assert_int_equal(p->position, k + 1);
        sl_strlcpy(g->part_kind[k], p->kind, sizeof g->part_kind[k]);
        sl_strlcpy(g->part_vendor[k], p->vendor, sizeof g->part_vendor[k]);
        sl_strlcpy(g->part_status[k], p->status, sizeof g->part_status[k]);
        sl_strlcpy(g->part_replaced[k], p->replaced_by, sizeof g->part_replaced[k]);
        g->part_id[k] = p->id;
    }
    return 0;
}

static struct got read_vehicle(struct sl_store *s, const char *key)
{
    struct got g;
    memset(&g, 0, sizeof g);
    struct sl_err err = {0};
    int64_t id = 0;
    if (sl_store_vehicle_find(s, key, &id, &err) != 1)
        fail_msg("find %s: %s", key, err.msg);
    assert_int_equal(sl_store_vehicle_read(s, id, got_vehicle, got_part, &g, &err), 1);
    return g;
}

static int64_t audit_count(const char *where, const char *action)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log WHERE action = '%s'", action);
    char *t = sl_test_db_text(where, sql);
    int64_t n = t != NULL ? strtoll(t, NULL, 10) : -1;
    free(t);
    return n;
}

static void test_add_read_find(void **state)
{
    (void)state;
    struct sl_store *s = open_fresh("veh_add");
    struct fleet f;
    f.site_a = add_site(s, "Northgate House", SL_TIER_SENSITIVE);
    f.site_b = add_site(s, "Depot 2", SL_TIER_PUBLIC);
    struct sl_vehicle_row v;
    fill(&f, 0, &v);
    v.site = "Northgate House";
    struct sl_err err = {0};
    int64_t id = 0;
    assert_int_equal(sl_store_vehicle_add(s, &v, f.parts, 2, "tester", &id, &err), 0);
    assert_true(id > 0);
    /* By VIN in any case, by registration with or without its space. */
    struct got g = read_vehicle(s, "lsjw74u64ps201876");
    assert_string_equal(g.vin, "LSJW74U64PS201876");
    assert_string_equal(g.site, "Northgate House");
    assert_string_equal(g.status, "active");
    assert_string_equal(g.maker, "SAIC Motor");
    assert_int_equal(g.model_year, 2023);
    assert_int_equal(g.decision, SL_DECISION_REPLACE_BY);
    assert_string_equal(g.deadline, "2027-06-30");
    assert_int_equal(g.n_parts, 2);
    assert_string_equal(g.part_kind[0], "tcu");
    assert_string_equal(g.part_vendor[0], "Quectel");
    assert_string_equal(g.part_status[1], "fitted");
    g = read_vehicle(s, "ab23cde");
    assert_string_equal(g.vin, "LSJW74U64PS201876");
    int64_t none = 0;
    assert_int_equal(sl_store_vehicle_find(s, "XX99XXX", &none, &err), 0);

    /* The same VIN again, or another part with a registered IMEI: refused,
     * named, and nothing of the refused vehicle stays. */
    assert_int_equal(sl_store_vehicle_add(s, &v, f.parts, 2, "tester", NULL, &err), -1);
    assert_int_equal(err.kind, SL_ERR_EXISTS);
    assert_non_null(strstr(err.msg, "vehicle LSJW74U64PS201876 is already in the register"));
    struct sl_vehicle_row w;
    fill(&f, 1, &w);
    f.parts[0].imei = "352093081047291"; /* vehicle 0's */
    assert_int_equal(sl_store_vehicle_add(s, &w, f.parts, 2, "tester", NULL, &err), -1);
    assert_int_equal(err.kind, SL_ERR_EXISTS);
    assert_non_null(strstr(err.msg, "IMEI"));
    assert_int_equal(sl_store_vehicle_find(s, w.vin, &none, &err), 0);
    sl_store_close(s);
    char *n = sl_test_db_text(loc, "SELECT count(*) FROM vehicle_parts");
    assert_string_equal(n, "2");
    free(n);
    assert_int_equal(audit_count(loc, "vehicle.add"), 1);
}

struct feed {
    struct fleet *f;
    int next, fail_at;
};

static int feed_next(void *ctx, struct sl_vehicle_row *v, const struct sl_vpart_row **parts,
                     size_t *n, struct sl_err *err)
{
    struct feed *fd = ctx;
    if (fd->next == 3)
        return 0;
    if (fd->next == fd->fail_at)
        return sl_err_set(err, "the reader failed at vehicle %d", fd->next);
    fill(fd->f, fd->next, v);
    *parts = fd->f->parts;
    *n = fd->next == 2 ? 1 : 2;
    fd->next++;
    return 1;
}

static void test_import_all_or_nothing(void **state)
{
    (void)state;
    struct sl_store *s = open_fresh("veh_import");
    struct fleet f;
    f.site_a = add_site(s, "Northgate House", SL_TIER_SENSITIVE);
    f.site_b = add_site(s, "Depot 2", SL_TIER_PUBLIC);
    struct sl_err err = {0};
    size_t added = 99;
    struct feed fd = {&f, 0, 2};
    /* A failure at the third vehicle leaves none of the first two. */
    assert_int_equal(sl_store_vehicles_import(s, feed_next, &fd, "tester", &added, &err), -1);
    assert_int_equal(added, 0);
    assert_non_null(strstr(err.msg, "the reader failed at vehicle 2"));
    int64_t id;
    assert_int_equal(sl_store_vehicle_find(s, "LSJW74U64PS201876", &id, &err), 0);
    /* The whole fleet: one audit entry per vehicle, in one transaction. */
    fd = (struct feed){&f, 0, -1};
    assert_int_equal(sl_store_vehicles_import(s, feed_next, &fd, "tester", &added, &err), 0);
    assert_int_equal(added, 3);
    struct got g = read_vehicle(s, "YV1XZK8VXM1555001");
    assert_int_equal(g.n_parts, 1);
    /* Importing it again: the first VIN is named, nothing is added. */
    fd = (struct feed){&f, 0, -1};
    assert_int_equal(sl_store_vehicles_import(s, feed_next, &fd, "tester", &added, &err), -1);
    assert_int_equal(err.kind, SL_ERR_EXISTS);
    /* After a bulk import the CHECK constraints hold again, for the very
     * statements the import prepared (SQLite prepares them again). */
    struct sl_vehicle_row v = {.vin = "1G4AH59H45G118341", .wmi = "1G4"};
    struct sl_vpart_row part = {.position = 1, .kind = "toaster"};
    assert_int_equal(sl_store_vehicle_add(s, &v, &part, 1, "tester", NULL, &err), -1);
    part.kind = "tcu";
    assert_int_equal(sl_store_vehicle_add(s, &v, &part, 1, "tester", NULL, &err), 0);
    struct sl_audit_report rep;
    assert_int_equal(sl_store_verify(s, &rep, &err), 0);
    assert_int_equal(rep.first_bad_seq, 0);
    sl_store_close(s);
    assert_int_equal(audit_count(loc, "vehicle.add"), 4);
    char *n = sl_test_db_text(loc, "SELECT count(*) FROM vehicle_parts");
    assert_string_equal(n, "6");
    free(n);
    n = sl_test_db_text(loc, "SELECT count(*) FROM vehicle_events");
    assert_string_equal(n, "4");
    free(n);
}

static void import_three(struct sl_store *s, struct fleet *f)
{
    f->site_a = add_site(s, "Northgate House", SL_TIER_SENSITIVE);
    f->site_b = add_site(s, "Depot 2", SL_TIER_PUBLIC);
    struct sl_err err = {0};
    size_t added;
    struct feed fd = {f, 0, -1};
    if (sl_store_vehicles_import(s, feed_next, &fd, "tester", &added, &err) != 0)
        fail_msg("import: %s", err.msg);
}

struct vins {
    char list[256];
};

static int collect_vin(const struct sl_vehicle_row *v, void *ctx)
{
    struct vins *c = ctx;
    size_t l = strlen(c->list);
    snprintf(c->list + l, sizeof c->list - l, "%s%s", l ? " " : "", v->vin);
    return 0;
}

static const char *listed(struct sl_store *s, const struct sl_vehicle_filter *flt)
{
    static struct vins c;
    memset(&c, 0, sizeof c);
    struct sl_err err = {0};
    if (sl_store_vehicle_list(s, flt, collect_vin, &c, &err) != 0)
        fail_msg("list: %s", err.msg);
    return c.list;
}

static void test_list_filters(void **state)
{
    (void)state;
    struct sl_store *s = open_fresh("veh_list");
    struct fleet f;
    import_three(s, &f);
    struct sl_vehicle_filter flt = {0};
    assert_string_equal(listed(s, &flt), "LSJW74U64PS201876 WV1ZZZSYXNH000123 YV1XZK8VXM1555001");
    flt.fleet = "Pool";
    assert_string_equal(listed(s, &flt), "LSJW74U64PS201876 YV1XZK8VXM1555001");
    flt = (struct sl_vehicle_filter){.site = "Depot 2"};
    assert_string_equal(listed(s, &flt), "WV1ZZZSYXNH000123");
    flt = (struct sl_vehicle_filter){.decision = "prohibited"};
    assert_string_equal(listed(s, &flt), "YV1XZK8VXM1555001");
    /* A vendor: any vendor identified in a fitted part (not only the deciding
     * one), or the maker; any case. */
    flt = (struct sl_vehicle_filter){.vendor = "bosch"};
    assert_string_equal(listed(s, &flt), "LSJW74U64PS201876");
    flt = (struct sl_vehicle_filter){.vendor = "Volvo Cars"};
    assert_string_equal(listed(s, &flt), "YV1XZK8VXM1555001");
    flt = (struct sl_vehicle_filter){.vendor = "u-blox", .limit = 2};
    assert_string_equal(listed(s, &flt), "LSJW74U64PS201876 WV1ZZZSYXNH000123");
    flt = (struct sl_vehicle_filter){.site_id = f.site_a, .status = "active"};
    assert_string_equal(listed(s, &flt), "LSJW74U64PS201876 YV1XZK8VXM1555001");
    sl_store_close(s);
}

struct evs {
    char text[512];
};

static int collect_event(const struct sl_vehicle_event *e, void *ctx)
{
    struct evs *c = ctx;
    size_t l = strlen(c->text);
    snprintf(c->text + l, sizeof c->text - l, "%s%s%s>%s%s%s", l ? "; " : "",
             e->part_id ? "part " : "", e->from_status[0] ? e->from_status : "-", e->to_status,
             e->site[0] ? "@" : "", e->site);
    return 0;
}

static void test_status_and_history(void **state)
{
    (void)state;
    struct sl_store *s = open_fresh("veh_status");
    struct fleet f;
    import_three(s, &f);
    struct got g = read_vehicle(s, "LSJW74U64PS201876");
    struct sl_err err = {0};
    int64_t vid;
    assert_int_equal(sl_store_vehicle_find(s, "LSJW74U64PS201876", &vid, &err), 1);
    /* The Quectel module is swapped out. */
    struct sl_vehicle_event ev = {.part_id = g.part_id[0]};
    sl_strlcpy(ev.actor, "fleet-ops", sizeof ev.actor);
    sl_strlcpy(ev.to_status, "removed", sizeof ev.to_status);
    sl_strlcpy(ev.replaced_by, "Telit LE910C4", sizeof ev.replaced_by);
    assert_int_equal(sl_store_vehicle_set_status(s, &ev, &err), 0);
    assert_string_equal(ev.from_status, "fitted");
    assert_int_equal(ev.vehicle_id, vid);
    g = read_vehicle(s, "LSJW74U64PS201876");
    assert_string_equal(g.part_status[0], "removed");
    assert_string_equal(g.part_replaced[0], "Telit LE910C4");
    assert_string_equal(g.status, "active");
    /* Moved to a public depot, then retired. */
    ev = (struct sl_vehicle_event){.vehicle_id = vid, .site_id = f.site_b};
    sl_strlcpy(ev.actor, "fleet-ops", sizeof ev.actor);
    sl_strlcpy(ev.to_status, "active", sizeof ev.to_status);
    assert_int_equal(sl_store_vehicle_set_status(s, &ev, &err), 0);
    assert_string_equal(read_vehicle(s, "LSJW74U64PS201876").site, "Depot 2");
    ev = (struct sl_vehicle_event){.vehicle_id = vid};
    sl_strlcpy(ev.actor, "fleet-ops", sizeof ev.actor);
    sl_strlcpy(ev.to_status, "retired", sizeof ev.to_status);
    assert_int_equal(sl_store_vehicle_set_status(s, &ev, &err), 0);
    /* Back-dated before the current status: refused, nothing written. */
    ev = (struct sl_vehicle_event){.vehicle_id = vid};
    sl_strlcpy(ev.at, "2001-01-01T00:00:00Z", sizeof ev.at);
    sl_strlcpy(ev.actor, "fleet-ops", sizeof ev.actor);
    sl_strlcpy(ev.to_status, "active", sizeof ev.to_status);
    assert_int_equal(sl_store_vehicle_set_status(s, &ev, &err), -1);
    assert_int_equal(err.kind, SL_ERR_CONFLICT);
    assert_string_equal(read_vehicle(s, "LSJW74U64PS201876").status, "retired");
    ev = (struct sl_vehicle_event){.part_id = 999999};
    sl_strlcpy(ev.to_status, "removed", sizeof ev.to_status);
    assert_int_equal(sl_store_vehicle_set_status(s, &ev, &err), -1);
    assert_int_equal(err.kind, SL_ERR_NOT_FOUND);
    struct evs c = {""};
    assert_int_equal(sl_store_vehicle_events(s, vid, collect_event, &c, &err), 0);
    assert_string_equal(c.text, "->active@Northgate House; part fitted>removed; "
                                "active>active@Depot 2; active>retired");
    /* A new verdict written back. */
    struct sl_verdict v = verdict(SL_DECISION_ALLOWED, "", "");
    assert_int_equal(sl_store_vehicle_judged(s, vid, "SAIC Motor", &v, &err), 0);
    v = verdict(SL_DECISION_RESTRICTED, "SITE-vehicle-rule", "");
    assert_int_equal(sl_store_vpart_judged(s, g.part_id[1], "u-blox", "u-blox", "supplier.u-blox",
                                           &v, &err),
                     0);
    g = read_vehicle(s, "LSJW74U64PS201876");
    assert_int_equal(g.decision, SL_DECISION_ALLOWED);
    struct sl_audit_report rep;
    assert_int_equal(sl_store_verify(s, &rep, &err), 0);
    assert_int_equal(rep.first_bad_seq, 0);
    sl_store_close(s);
    assert_int_equal(audit_count(loc, "vehicle.part_status"), 1);
    assert_int_equal(audit_count(loc, "vehicle.status"), 2);
    char *d = sl_test_db_text(loc, "SELECT decision FROM vehicle_parts WHERE position = 2"
                                   " AND vehicle_id = (SELECT id FROM vehicles WHERE wmi = 'LSJ')");
    assert_string_equal(d, "restricted");
    free(d);
    /* The history is append-only. */
    assert_true(sl_test_db_exec(loc, "UPDATE vehicle_events SET actor = 'x'") != 0);
    assert_true(sl_test_db_exec(loc, "DELETE FROM vehicle_events") != 0);
}

static void test_site_vehicle_rule(void **state)
{
    (void)state;
    struct sl_store *s = open_fresh("veh_rule");
    int64_t id = add_site(s, "Northgate House", SL_TIER_SENSITIVE);
    struct sl_err err = {0};
    struct sl_site site;
    assert_int_equal(sl_store_site_get(s, "Northgate House", &site, &err), 1);
    assert_string_equal(site.vehicle_rule, "");
    sl_site_free(&site);
    assert_int_equal(sl_store_site_set_vehicle_rule(s, id, "park-away:3219:nexus", "t", &err), 0);
    assert_int_equal(sl_store_site_get_id(s, id, &site, &err), 1);
    assert_string_equal(site.vehicle_rule, "park-away:3219:nexus");
    sl_site_free(&site);
    assert_int_equal(sl_store_site_set_vehicle_rule(s, id, NULL, "t", &err), 0);
    assert_int_equal(sl_store_site_get_id(s, id, &site, &err), 1);
    assert_string_equal(site.vehicle_rule, "");
    sl_site_free(&site);
    assert_int_equal(sl_store_site_set_vehicle_rule(s, 4242, "none", "t", &err), -1);
    assert_int_equal(err.kind, SL_ERR_NOT_FOUND);
    sl_store_close(s);
}

struct figs {
    int vehicles, active;
    int by_decision[SL_DECISION_COUNT];
    char groups[512];
};

static int fig_cb(const struct sl_vehicle_fig_row *r, void *ctx)
{
    struct figs *c = ctx;
    c->vehicles++;
    c->active += strcmp(r->status, "active") == 0;
    c->by_decision[r->decision]++;
    return 0;
}

static int group_cb(const struct sl_vpart_group *g, void *ctx)
{
    struct figs *c = ctx;
    size_t l = strlen(c->groups);
    snprintf(c->groups + l, sizeof c->groups - l, "%s%s:%s:%lld%s%s", l ? " " : "",
             g->key[0] ? g->key : "?", sl_decision_name(g->decision), (long long)g->count,
             g->earliest[0] ? ":" : "", g->earliest);
    return 0;
}

static void test_figures(void **state)
{
    (void)state;
    struct sl_store *s = open_fresh("veh_figures");
    struct fleet f;
    import_three(s, &f);
    struct sl_err err = {0};
    struct figs c;
    memset(&c, 0, sizeof c);
    struct sl_vehicle_scope all = {"all", NULL, NULL};
    assert_int_equal(sl_store_vehicle_figures(s, &all, fig_cb, &c, &err), 0);
    assert_int_equal(c.vehicles, 3);
    assert_int_equal(c.by_decision[SL_DECISION_PROHIBITED], 1);
    memset(&c, 0, sizeof c);
    struct sl_vehicle_scope pub = {"tier", "public", NULL};
    assert_int_equal(sl_store_vehicle_figures(s, &pub, fig_cb, &c, &err), 0);
    assert_int_equal(c.vehicles, 1);
    memset(&c, 0, sizeof c);
    struct sl_vehicle_scope before = {"all", NULL, "2001-01-01T23:59:59Z"};
    assert_int_equal(sl_store_vehicle_figures(s, &before, fig_cb, &c, &err), 0);
    assert_int_equal(c.vehicles, 0);
    memset(&c, 0, sizeof c);
    assert_int_equal(sl_store_vpart_groups(s, &all, "vendor", group_cb, &c, &err), 0);
    assert_string_equal(c.groups, "Quectel:replace-by:1:2027-06-30 u-blox:allowed:4");
    memset(&c, 0, sizeof c);
    struct sl_vehicle_scope site = {"site", "Northgate House", NULL};
    assert_int_equal(sl_store_vpart_groups(s, &site, "model_year", group_cb, &c, &err), 0);
    assert_string_equal(c.groups, "2023:allowed:1 2023:replace-by:1:2027-06-30 2027:allowed:1");
    sl_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_read_find),
        cmocka_unit_test(test_import_all_or_nothing),
        cmocka_unit_test(test_list_filters),
        cmocka_unit_test(test_status_and_history),
        cmocka_unit_test(test_site_vehicle_rule),
        cmocka_unit_test(test_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
