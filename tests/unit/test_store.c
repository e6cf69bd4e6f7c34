/* test_store.c - the register: every table, the audit chain, tamper detection.
 * Runs against SQLite, and against PostgreSQL under scripts/pg-cluster run
 * (ctest label postgres). */
#include "testutil.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/timeutil.h"

static struct sl_store *open_fresh(const char *name)
{
    const char *path = sl_test_db(name);
    struct sl_store *s = NULL;
    struct sl_err err = {0};
    if (sl_store_open(&s, path, 0, &err) != 0)
        fail_msg("open: %s", err.msg);
    return s;
}

static int count_evidence(const struct sl_evidence_row *r, void *ctx)
{
    /* Rows come back whole: the bytes and the port given. */
    assert_true(r->ev.len > 10 && memcmp(r->ev.data, "HTTP/1.1", 8) == 0);
    assert_true(r->ev.port >= 1000 && r->ev.port < 1011);
    (*(int *)ctx)++;
    return 0;
}

static int count_evidence_any(const struct sl_evidence_row *r, void *ctx)
{
    (void)r;
    (*(int *)ctx)++;
    return 0;
}

static int64_t add_site(struct sl_store *s, const char *name, enum sl_tier tier)
{
    const char *nets[] = {"198.18.1.0/24", "2001:db8:1::/48"};
    int64_t id = 0;
    struct sl_err err = {0};
    if (sl_store_site_add(s, name, "Dept of Tests", tier, nets, 2, "tester", &id, &err) != 0)
        fail_msg("site_add: %s", err.msg);
    return id;
}

static void test_sites(void **state)
{
    (void)state;
    struct sl_store *s = open_fresh("sites");
    struct sl_err err = {0};
    int64_t id = add_site(s, "Alpha", SL_TIER_SENSITIVE);
    assert_true(id > 0);
    /* The same name again is refused and leaves nothing behind. */
    const char *nets[] = {"198.18.9.0/24"};
    assert_int_equal(sl_store_site_add(s, "Alpha", "X", SL_TIER_PUBLIC, nets, 1, "t", NULL, &err),
                     -1);
    assert_non_null(strstr(err.msg, "already exists"));
    assert_int_equal(err.kind, SL_ERR_EXISTS);
    struct sl_site site;
    assert_int_equal(sl_store_site_get(s, "Alpha", &site, &err), 1);
    assert_string_equal(site.name, "Alpha");
    assert_string_equal(site.department, "Dept of Tests");
    assert_int_equal(site.tier, SL_TIER_SENSITIVE);
    assert_int_equal(site.n_networks, 2);
    assert_string_equal(site.networks[0], "198.18.1.0/24");
    assert_string_equal(site.networks[1], "2001:db8:1::/48");
    sl_site_free(&site);
    assert_int_equal(sl_store_site_get(s, "Nope", &site, &err), 0);
    assert_int_equal(sl_store_site_get_id(s, id, &site, &err), 1);
    sl_site_free(&site);
    sl_store_close(s);
}

struct listed {
    struct sl_store *s;
    int n;
    char last[SL_NAME_MAX];
};

/* Each listed site as sl_store_site_get_id reads it (a callback may look
 * sites up), in name order. */
static int check_site(const struct sl_site *site, void *ctx)
{
    struct listed *l = ctx;
    struct sl_site one;
    struct sl_err err = {0};
    assert_int_equal(sl_store_site_get_id(l->s, site->id, &one, &err), 1);
    assert_string_equal(site->name, one.name);
    assert_int_equal(site->tier, one.tier);
    assert_int_equal(site->n_networks, one.n_networks);
    for (size_t i = 0; i < one.n_networks; i++)
        assert_string_equal(site->networks[i], one.networks[i]);
    sl_site_free(&one);
    assert_true(strcmp(l->last, site->name) < 0);
    snprintf(l->last, sizeof l->last, "%s", site->name);
    l->n++;
    return 0;
}

/* Every site with its own networks, whatever order they were added in. */
static void test_site_list(void **state)
{
    (void)state;
    struct sl_store *s = open_fresh("sitelist");
    struct sl_err err = {0};
    add_site(s, "B", SL_TIER_OFFICIAL);
    add_site(s, "A", SL_TIER_PUBLIC);
    const char *three[] = {"198.18.7.0/24", "198.18.3.0/24", "2001:db8:7::/48"};
    assert_int_equal(sl_store_site_add(s, "C", "D", SL_TIER_SENSITIVE, three, 3, "t", NULL, &err), 0);
    assert_int_equal(sl_store_site_add(s, "0 none", "D", SL_TIER_PUBLIC, NULL, 0, "t", NULL, &err), 0);
    struct listed l = {s, 0, ""};
    assert_int_equal(sl_store_site_list(s, check_site, &l, &err), 0);
    assert_int_equal(l.n, 4);
    sl_store_close(s);
}

static void make_claim(struct sl_claim *c, const char *m, const char *model)
{
    memset(c, 0, sizeof *c);
    snprintf(c->manufacturer, sizeof c->manufacturer, "%s", m);
    snprintf(c->model, sizeof c->model, "%s", model);
    snprintf(c->device_type, sizeof c->device_type, "camera");
    c->confidence = 0.9;
    sl_claim_add_rule(c, "test.rule");
}

static void test_devices_and_evidence(void **state)
{
    (void)state;
    struct sl_store *s = open_fresh("devices");
    struct sl_err err = {0};
    int64_t site = add_site(s, "Alpha", SL_TIER_SENSITIVE);
    int64_t scan;
    assert_int_equal(sl_store_scan_begin(s, site, "scan", "198.18.1.0/24", "{}", "t", &scan, &err),
                     0);
    struct sl_claim c;
    make_claim(&c, "Hikvision", "DS-2CD2143G0-I");
    struct sl_verdict v = {SL_DECISION_PROHIBITED, "UK-2022-sensitive-sites", "", "test", "", ""};
    struct sl_device_obs obs = {scan, site, "44:19:b6:00:00:01", NULL, "198.18.1.7", "80,554",
                                &c, &v, 0};
    const uint8_t bytes[] = "HTTP/1.1 200 OK\r\nServer: App-webs/\r\n\r\n";
    struct sl_evidence ev = {SL_PROTO_HTTP, SL_OUTCOME_OK, 80, "/", "GET /", bytes,
                             sizeof bytes - 1, NULL, 0};
    const struct sl_evidence *evp[] = {&ev};
    if (sl_store_evidence_add_many(s, scan, 0, "198.18.1.7", evp, 1, "t", &err) != 0)
        fail_msg("evidence_add: %s", err.msg);
    int64_t id;
    bool created;
    if (sl_store_device_observe(s, &obs, "t", &id, &created, &err) != 0)
        fail_msg("observe: %s", err.msg);
    assert_true(created);
    assert_int_equal(sl_store_evidence_assign(s, scan, "198.18.1.7", id, &err), 0);

    /* The same MAC at another address, in a later scan, is the same device
     * (moved); in the same scan it would be another host claiming it. */
    int64_t later = 0;
    assert_int_equal(sl_store_scan_begin(s, site, "scan", "198.18.1.0/24", NULL, "t", &later,
                                         &err), 0);
    obs.scan_id = later;
    obs.address = "198.18.1.8";
    int64_t id2;
    assert_int_equal(sl_store_device_observe(s, &obs, "t", &id2, &created, &err), 0);
    assert_false(created);
    assert_int_equal(id2, id);

    /* A replacement of another make at the same address is a different device. */
    struct sl_claim axis;
    make_claim(&axis, "Axis", "P3245-V");
    struct sl_verdict allowed = {SL_DECISION_ALLOWED, "UK-2022-sensitive-sites", "", "", "", ""};
    struct sl_device_obs obs3 = {scan, site, NULL, NULL, "198.18.1.8", "80", &axis, &allowed, 0};
    int64_t id3;
    assert_int_equal(sl_store_device_observe(s, &obs3, "t", &id3, &created, &err), 0);
    assert_true(created);
    assert_true(id3 != id);

    /* Several pieces of evidence at once: 11 rows (more than one statement's worth). */
    struct sl_evidence many[11];
    const struct sl_evidence *manyp[11];
    for (int i = 0; i < 11; i++) {
        many[i] = ev;
        many[i].port = (uint16_t)(1000 + i);
        manyp[i] = &many[i];
    }
    assert_int_equal(sl_store_evidence_add_many(s, scan, id3, "198.18.1.8", manyp, 11, "t", &err), 0);
    int n_many = 0;
    assert_int_equal(sl_store_evidence_list(s, id3, 0, count_evidence, &n_many, &err), 0);
    assert_int_equal(n_many, 11);

    /* Many devices and their evidence in one statement each. */
    int64_t ids[3] = {id3, 999999, id};
    struct sl_device got[3];
    bool found[3];
    assert_int_equal(sl_store_device_get_many(s, ids, 3, got, found, &err), 0);
    assert_true(found[0] && !found[1] && found[2]);
    assert_string_equal(got[0].claim.manufacturer, "Axis");
    assert_string_equal(got[2].mac, "44:19:b6:00:00:01");
    int n_rows = 0;
    assert_int_equal(sl_store_evidence_list_many(s, ids, 3, 4, count_evidence_any, &n_rows, &err),
                     0);
    assert_int_equal(n_rows, 4 + 1); /* at most 4 of id3's 11, and id's one */

    /* A write that fails inside a transaction fails the transaction, even when
     * the backend queued it (PostgreSQL's pipeline): at once or at the commit,
     * and none of it stays. */
    assert_int_equal(sl_store_begin(s, &err), 0);
    int add_rc = sl_store_evidence_add_many(s, scan, 999999, "198.18.1.8", manyp, 3, "t", &err);
    int commit_rc = add_rc == 0 ? sl_store_commit(s, &err) : (sl_store_rollback(s), -1);
    assert_int_equal(commit_rc, -1);
    /* No foreign key checks evidence row by row (migration 14): the store
     * checks the device once per call. */
    assert_int_equal(err.kind, SL_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "device 999999 is not in the register"));
    assert_int_equal(sl_store_evidence_list(s, 999999, 0, count_evidence, &n_many, &err), 0);
    assert_int_equal(n_many, 11);
    /* Nor, on PostgreSQL since migration 17, a device's site and scan or an
     * event's scan: the writers check them once per call, on both backends. */
    struct sl_device_obs lost = {0, 999999, "44:19:b6:00:00:77", NULL, "198.18.1.77", "80",
                                 NULL, NULL, 0};
    assert_int_equal(sl_store_device_observe(s, &lost, "t", NULL, NULL, &err), -1);
    assert_int_equal(err.kind, SL_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "site 999999 is not in the register"));
    lost.site_id = 0;
    lost.scan_id = 999999;
    assert_int_equal(sl_store_device_observe(s, &lost, "t", NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "scan 999999 is not in the register"));
    struct sl_obs_item lost_item = {.obs = lost};
    struct sl_observed lost_out;
    int64_t lost_id = 0;
    assert_int_equal(sl_store_observe_batch(s, &lost_item, 1, "t", &lost_id, &lost_out, &err), -1);
    assert_non_null(strstr(err.msg, "scan 999999 is not in the register"));
    struct sl_event moved = {.to_status = SL_STATUS_CONFIRMED, .scan_id = 999999};
    snprintf(moved.actor, sizeof moved.actor, "t");
    assert_int_equal(sl_store_device_set_status(s, id3, &moved, &err), -1);
    assert_int_equal(err.kind, SL_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "scan 999999 is not in the register"));

    struct sl_device d;
    assert_int_equal(sl_store_device_get(s, id, &d, &err), 1);
    assert_string_equal(d.mac, "44:19:b6:00:00:01");
    assert_string_equal(d.address, "198.18.1.8");
    assert_string_equal(d.claim.manufacturer, "Hikvision");
    assert_string_equal(d.claim.rules[0], "test.rule");
    assert_int_equal(d.verdict.decision, SL_DECISION_PROHIBITED);
    assert_int_equal(d.status, SL_STATUS_DISCOVERED);
    assert_string_equal(d.site, "Alpha");

    assert_int_equal(sl_store_device_find(s, "44:19:B6:00:00:01", &d, &err), 1);
    assert_int_equal(d.id, id);
    assert_int_equal(sl_store_device_find(s, "198.18.1.8", &d, &err), 1);
    assert_int_equal(sl_store_device_find(s, "no-such", &d, &err), 0);

    struct sl_status_counts counts;
    assert_int_equal(sl_store_count_devices(s, "Alpha", &counts, &err), 0);
    assert_int_equal(counts.total, 2);
    assert_int_equal(counts.by_status[SL_STATUS_DISCOVERED], 2);

    assert_int_equal(sl_store_scan_finish(s, scan, SL_SCAN_COMPLETE, 256, 2, 2, "t", &err), 0);
    struct sl_scan sc;
    assert_int_equal(sl_store_scan_get(s, scan, &sc, &err), 1);
    assert_int_equal(sc.status, SL_SCAN_COMPLETE);
    assert_int_equal(sc.devices_found, 2);
    sl_store_close(s);
}

struct ev_count {
    int n;
    char last_to[24];
};

static int count_event(const struct sl_event *e, void *ctx)
{
    struct ev_count *c = ctx;
    c->n++;
    snprintf(c->last_to, sizeof c->last_to, "%s", sl_status_name(e->to_status));
    return 0;
}

static int check_evidence(const struct sl_evidence_row *r, void *ctx)
{
    (*(int *)ctx)++;
    assert_int_equal(r->ev.proto, SL_PROTO_HTTP);
    assert_int_equal(r->ev.len, 39);
    assert_memory_equal(r->ev.data, "HTTP/1.1 200 OK\r\n", 17);
    assert_string_equal(r->ev.path, "/");
    return 0;
}

static void test_events_and_status(void **state)
{
    (void)state;
    struct sl_store *s = open_fresh("events");
    struct sl_err err = {0};
    int64_t site = add_site(s, "Alpha", SL_TIER_SENSITIVE);
    int64_t scan;
    assert_int_equal(sl_store_scan_begin(s, site, "scan", "x", NULL, "t", &scan, &err), 0);
    struct sl_claim c;
    make_claim(&c, "Dahua", "IPC-HFW2431S");
    int64_t seen;
    assert_int_equal(sl_time_parse("2024-01-15T09:00:00Z", &seen), 0);
    struct sl_device_obs obs = {scan, site, NULL, "6G0123456789", "198.18.1.9", "80", &c, NULL,
                                seen};
    int64_t id;
    if (sl_store_device_observe(s, &obs, "t", &id, NULL, &err) != 0)
        fail_msg("observe: %s", err.msg);
    const uint8_t bytes[] = "HTTP/1.1 200 OK\r\nServer: App-webs/\r\n\r\n";
    struct sl_evidence ev = {SL_PROTO_HTTP, SL_OUTCOME_OK, 80, "/", "GET /", bytes, 39, NULL, 0};
    const struct sl_evidence *evp[] = {&ev};
    assert_int_equal(sl_store_evidence_add_many(s, scan, id, "198.18.1.9", evp, 1, "t", &err), 0);
    int n = 0;
    assert_int_equal(sl_store_evidence_list(s, id, 0, check_evidence, &n, &err), 0);
    assert_int_equal(n, 1);

    struct sl_event e = {0};
    e.to_status = SL_STATUS_REMOVED;
    snprintf(e.actor, sizeof e.actor, "engineer");
    snprintf(e.at, sizeof e.at, "2024-03-01T10:00:00Z");
    snprintf(e.replaced_by, sizeof e.replaced_by, "Axis P3245-V s/n ACCC8E000001");
    snprintf(e.note, sizeof e.note, "swapped during refit");
    assert_int_equal(sl_store_device_set_status(s, id, &e, &err), 0);
    assert_int_equal(e.from_status, SL_STATUS_DISCOVERED);

    struct sl_device d;
    assert_int_equal(sl_store_device_get(s, id, &d, &err), 1);
    assert_int_equal(d.status, SL_STATUS_REMOVED);
    assert_string_equal(d.replaced_by, "Axis P3245-V s/n ACCC8E000001");
    assert_string_equal(d.status_since, "2024-03-01T10:00:00Z");

    struct ev_count cnt = {0, ""};
    assert_int_equal(sl_store_event_list(s, id, NULL, count_event, &cnt, &err), 0);
    assert_int_equal(cnt.n, 2); /* discovered + removed */
    assert_string_equal(cnt.last_to, "removed");
    /* As of a date before the removal, only the discovery counts. */
    cnt.n = 0;
    assert_int_equal(sl_store_event_list(s, 0, "2024-02-01T00:00:00Z", count_event, &cnt, &err), 0);
    assert_int_equal(cnt.n, 1);
    assert_string_equal(cnt.last_to, "discovered");
    /* A change dated before the current status is refused. */
    struct sl_event back = {0};
    back.to_status = SL_STATUS_VERIFIED_ABSENT;
    snprintf(back.actor, sizeof back.actor, "engineer");
    snprintf(back.at, sizeof back.at, "2024-02-01T00:00:00Z");
    assert_int_equal(sl_store_device_set_status(s, id, &back, &err), -1);
    assert_non_null(strstr(err.msg, "cannot precede"));
    assert_int_equal(err.kind, SL_ERR_CONFLICT);
    /* A device that does not exist is "not found", not a runtime failure. */
    struct sl_event none = {0};
    none.to_status = SL_STATUS_CONFIRMED;
    assert_int_equal(sl_store_device_set_status(s, 999999, &none, &err), -1);
    assert_int_equal(err.kind, SL_ERR_NOT_FOUND);
    sl_store_close(s);
}

static int count_ms(const struct sl_milestone *m, void *ctx)
{
    (void)m;
    (*(int *)ctx)++;
    return 0;
}

static void test_milestones(void **state)
{
    (void)state;
    struct sl_store *s = open_fresh("milestones");
    struct sl_err err = {0};
    struct sl_milestone m = {0};
    snprintf(m.name, sizeof m.name, "Half replaced");
    snprintf(m.due, sizeof m.due, "2024-04-29");
    snprintf(m.target_kind, sizeof m.target_kind, "percent");
    m.target = 50;
    snprintf(m.scope_kind, sizeof m.scope_kind, "tier");
    snprintf(m.scope_value, sizeof m.scope_value, "sensitive");
    assert_int_equal(sl_store_milestone_add(s, &m, "t", NULL, &err), 0);
    assert_int_equal(sl_store_milestone_add(s, &m, "t", NULL, &err), -1);
    assert_non_null(strstr(err.msg, "already exists"));
    assert_int_equal(err.kind, SL_ERR_EXISTS);
    int n = 0;
    assert_int_equal(sl_store_milestone_list(s, count_ms, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(sl_store_milestone_remove(s, "Half replaced", "t", &err), 1);
    assert_int_equal(sl_store_milestone_remove(s, "Half replaced", "t", &err), 0);
    sl_store_close(s);
}

/* Runs SQL against the database directly, as someone with access to it could. */
static int raw_exec(const char *path, const char *sql)
{
    return sl_test_db_exec(path, sql);
}

/* SQL that removes the append-only guards, as such a someone would first. */
static const char *unguard(void)
{
    return sl_test_pg() ? "ALTER TABLE audit_log DISABLE TRIGGER USER;"
                        : "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;";
}

static int tamper(const char *path, const char *sql)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s %s", unguard(), sql);
    return raw_exec(path, buf);
}

static void fill_audit(const char *path, int sites)
{
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, path, 0, &err) != 0)
        fail_msg("%s", err.msg);
    for (int i = 0; i < sites; i++) {
        char name[32];
        snprintf(name, sizeof name, "site-%d", i);
        const char *nets[] = {"198.18.2.0/24"};
        if (sl_store_site_add(s, name, "D", SL_TIER_OFFICIAL, nets, 1, "t", NULL, &err) != 0)
            fail_msg("%s", err.msg);
    }
    sl_store_close(s);
}

static void verify(const char *path, struct sl_audit_report *rep)
{
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, path, SL_STORE_NO_MIGRATE, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(sl_store_verify(s, rep, &err), 0);
    sl_store_close(s);
}

static void test_audit_chain(void **state)
{
    (void)state;
    const char *path = sl_test_db("audit");
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    fill_audit(p, 5);
    struct sl_audit_report rep;
    verify(p, &rep);
    assert_int_equal(rep.first_bad_seq, 0);
    assert_int_equal(rep.entries, 5);
    assert_int_equal(rep.head_seq, 5);
    assert_int_equal(strlen(rep.head_hash), 64);
    assert_string_equal(rep.integrity, "ok");

    /* The triggers refuse changes through SQL. */
    assert_int_equal(raw_exec(p, "UPDATE audit_log SET actor='mallory' WHERE seq=3"), -1);
    assert_int_equal(raw_exec(p, "DELETE FROM audit_log WHERE seq=3"), -1);
    verify(p, &rep);
    assert_int_equal(rep.first_bad_seq, 0);
}

static void test_tamper_edit(void **state)
{
    (void)state;
    const char *path = sl_test_db("tamper_edit");
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    fill_audit(p, 5);
    /* Someone drops the trigger and rewrites entry 3. */
    assert_int_equal(tamper(p, "UPDATE audit_log SET actor='mallory' WHERE seq=3"), 0);
    struct sl_audit_report rep;
    verify(p, &rep);
    assert_int_equal(rep.first_bad_seq, 3);
    assert_non_null(strstr(rep.problem, "altered"));
}

static void test_tamper_delete(void **state)
{
    (void)state;
    const char *path = sl_test_db("tamper_delete");
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    fill_audit(p, 5);
    assert_int_equal(tamper(p, "DELETE FROM audit_log WHERE seq=2"), 0);
    struct sl_audit_report rep;
    verify(p, &rep);
    assert_int_equal(rep.first_bad_seq, 2);
    assert_non_null(strstr(rep.problem, "missing"));
}

static void test_tamper_rechain(void **state)
{
    (void)state;
    /* Renumbering after a deletion still breaks the chain: entry 3's stored
     * previous hash is entry 3's old predecessor's. */
    const char *path = sl_test_db("tamper_rechain");
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    fill_audit(p, 5);
    assert_int_equal(tamper(p, "DELETE FROM audit_log WHERE seq=2;"
                               "UPDATE audit_log SET seq=seq-1 WHERE seq>2"),
                     0);
    struct sl_audit_report rep;
    verify(p, &rep);
    assert_int_equal(rep.first_bad_seq, 2);
}

/* A small programme through the store: a site, two devices (one removed),
 * evidence, a milestone. */
static void fill_programme(const char *path)
{
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, path, 0, &err) != 0)
        fail_msg("%s", err.msg);
    const char *nets[] = {"198.18.9.0/24"};
    int64_t site = 0, scan = 0, ids[2];
    assert_int_equal(sl_store_site_add(s, "Replay", "D", SL_TIER_SENSITIVE, nets, 1, "t", &site,
                                       &err), 0);
    assert_int_equal(sl_store_scan_begin(s, site, "scan", "198.18.9.0/24", NULL, "t", &scan, &err),
                     0);
    struct sl_claim c;
    memset(&c, 0, sizeof c);
    snprintf(c.manufacturer, sizeof c.manufacturer, "Hikvision");
    struct sl_verdict v;
    memset(&v, 0, sizeof v);
    v.decision = SL_DECISION_PROHIBITED;
    const uint8_t bytes[] = "HTTP/1.1 200 OK\r\nServer: App-webs/\r\n\r\n";
    struct sl_evidence ev = {SL_PROTO_HTTP, SL_OUTCOME_OK, 80, "/", "GET /", bytes,
                             sizeof bytes - 1, NULL, 1767225600};
    const struct sl_evidence *evp[] = {&ev, &ev};
    for (int i = 0; i < 2; i++) {
        char addr[32];
        snprintf(addr, sizeof addr, "198.18.9.%d", 10 + i);
        struct sl_device_obs o = {scan, site, NULL, NULL, addr, "80", &c, &v, 0};
        assert_int_equal(sl_store_device_observe(s, &o, "t", &ids[i], NULL, &err), 0);
        assert_int_equal(sl_store_evidence_add_many(s, scan, ids[i], addr, evp, 2, "t", &err), 0);
    }
    struct sl_event e = {0};
    e.to_status = SL_STATUS_REMOVED;
    snprintf(e.actor, sizeof e.actor, "t");
    snprintf(e.replaced_by, sizeof e.replaced_by, "Axis");
    assert_int_equal(sl_store_device_set_status(s, ids[0], &e, &err), 0);
    struct sl_milestone m = {0};
    snprintf(m.name, sizeof m.name, "Half");
    snprintf(m.due, sizeof m.due, "2027-01-01");
    snprintf(m.target_kind, sizeof m.target_kind, "percent");
    m.target = 50;
    assert_int_equal(sl_store_milestone_add(s, &m, "t", NULL, &err), 0);
    assert_int_equal(sl_store_scan_finish(s, scan, SL_SCAN_COMPLETE, 256, 2, 2, "t", &err), 0);
    sl_store_close(s);
}

static bool listed(const struct sl_audit_report *rep, const char *text)
{
    for (size_t i = 0; i < rep->n_listed; i++)
        if (strstr(rep->mismatch[i], text) != NULL)
            return true;
    return false;
}

/* Issue 11: direct SQL that rewrites what reports are built from, leaving
 * the chain intact, is found by replaying the audit log against the tables. */
static void test_replay_finds_direct_edits(void **state)
{
    (void)state;
    const char *path = sl_test_db("replay");
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    fill_programme(p);
    struct sl_audit_report rep;
    verify(p, &rep);
    assert_int_equal(rep.first_bad_seq, 0);
    if (rep.mismatches != 0)
        fail_msg("clean register: %s", rep.mismatch[0]);
    assert_int_equal(rep.evidence_checked, 4);
    /* Every prohibited device "removed" by SQL, with a made-up event. */
    assert_int_equal(raw_exec(p, "INSERT INTO lifecycle_events (device_id, at, recorded_at, actor,"
                                 " from_status, to_status) SELECT id, '2026-01-02T00:00:00Z',"
                                 " '2026-01-02T00:00:00Z', 'x', status, 'removed' FROM devices"
                                 " WHERE status <> 'removed';"
                                 "UPDATE devices SET status = 'removed'"),
                     0);
    verify(p, &rep);
    assert_int_equal(rep.first_bad_seq, 0); /* the chain itself is intact */
    assert_true(listed(&rep, "is 'removed' in the register, 'discovered' by the audit log"));
    assert_true(listed(&rep, "lifecycle events in the register"));
    /* Evidence bytes changed, a site's tier lowered, a milestone deleted. */
    assert_int_equal(raw_exec(p, sl_test_pg() ? "UPDATE evidence SET data = '\\x00' WHERE id = 1"
                                              : "UPDATE evidence SET data = x'00' WHERE id = 1"),
                     0);
    assert_int_equal(raw_exec(p, "UPDATE sites SET tier = 'public'; DELETE FROM milestones"), 0);
    /* Evidence pointed at a device that does not exist (no foreign key
     * refuses it since migration 12; db verify finds it). */
    assert_int_equal(raw_exec(p, "UPDATE evidence SET device_id = 999999 WHERE id = 2"), 0);
    /* And (no foreign key on PostgreSQL since migration 17; a connection
     * without foreign_keys on SQLite) a device's site, an event's device. */
    assert_int_equal(raw_exec(p, "UPDATE devices SET site_id = 999999 WHERE id = 1;"
                                 "INSERT INTO lifecycle_events (device_id, at, recorded_at, actor,"
                                 " from_status, to_status, scan_id) VALUES (999998,"
                                 " '2026-01-03T00:00:00Z', '2026-01-03T00:00:00Z', 'x', 'removed',"
                                 " 'verified_absent', 999997)"),
                     0);
    verify(p, &rep);
    assert_true(listed(&rep, "1 evidence rows name a device that is not in the register"));
    assert_true(listed(&rep, "1 devices name a site that is not in the register"));
    assert_true(listed(&rep, "1 lifecycle events name a device that is not in the register"));
    assert_true(listed(&rep, "1 lifecycle events name a scan that is not in the register"));
    assert_true(listed(&rep, "differs from what entry"));
    assert_true(listed(&rep, "differs from its audit entry"));
    assert_true(listed(&rep, "milestone 'Half' is in the audit log but not in the register"));
    assert_true(rep.mismatches >= 5);
}

/* The chain's hash of one entry, as docs/register.md defines it. */
static void chain_hash(const uint8_t prev[32], const char *const f[6], uint8_t out[32])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    EVP_DigestUpdate(ctx, prev, 32);
    for (int i = 0; i < 6; i++) {
        uint8_t len[8];
        size_t n = strlen(f[i]);
        for (int k = 0; k < 8; k++)
            len[k] = (uint8_t)((uint64_t)n >> (56 - 8 * k));
        EVP_DigestUpdate(ctx, len, 8);
        EVP_DigestUpdate(ctx, f[i], n);
    }
    unsigned got = 0;
    EVP_DigestFinal_ex(ctx, out, &got);
    EVP_MD_CTX_free(ctx);
}

/* Issue 11: audit time going backwards (a clock set back, or a pinned clock
 * before the fix) is a finding of db verify, even in a valid chain. */
static void test_audit_time_backwards(void **state)
{
    (void)state;
    const char *path = sl_test_db("backwards");
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    fill_audit(p, 2);
    /* Entry 2 rewritten to a time before entry 1, its hash recomputed: the
     * chain stays valid, as one written under a clock set back would be. */
    char *detail = sl_test_db_text(p, "SELECT detail FROM audit_log WHERE seq = 2");
    char *prev_hex = sl_test_db_text(p, sl_test_pg() ? "SELECT encode(prev_hash, 'hex') FROM "
                                                      "audit_log WHERE seq = 2"
                                                    : "SELECT hex(prev_hash) FROM audit_log "
                                                      "WHERE seq = 2");
    assert_non_null(detail);
    assert_non_null(prev_hex);
    uint8_t prev[32], h[32];
    for (int i = 0; i < 32; i++)
        sscanf(prev_hex + 2 * i, "%2hhx", &prev[i]);
    const char *f[6] = {"2", "2001-01-01T00:00:00Z", "t", "site.add", "site:2", detail};
    chain_hash(prev, f, h);
    char hex[65], sql[512];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    snprintf(sql, sizeof sql,
             sl_test_pg() ? "UPDATE audit_log SET at = '2001-01-01T00:00:00Z',"
                            " hash = '\\x%s' WHERE seq = 2"
                          : "UPDATE audit_log SET at = '2001-01-01T00:00:00Z',"
                            " hash = x'%s' WHERE seq = 2",
             hex);
    assert_int_equal(tamper(p, sql), 0);
    struct sl_audit_report rep;
    verify(p, &rep);
    assert_int_equal(rep.first_bad_seq, 0);
    assert_true(listed(&rep, "audit time went backwards"));
    free(detail);
    free(prev_hex);
}

static void write_key(const char *path, const char *key)
{
    sl_test_write_file(path, key);
    chmod(path, 0600);
}

/* Keyed chaining: entries under an audit key verify only with that key, and
 * a chain rewritten without the key (unkeyed after keyed) is caught. */
static void test_keyed_chain(void **state)
{
    (void)state;
    struct sl_err err = {0};
    char k1[4096], k2[4096];
    snprintf(k1, sizeof k1, "%s", sl_test_tmpfile("keys", "k1"));
    snprintf(k2, sizeof k2, "%s/k2", sl_test_tmpdir("keys2"));
    write_key(k1, "0123456789abcdef0123456789abcdef\n");
    write_key(k2, "fedcba9876543210fedcba9876543210\n");
    const char *path = sl_test_db("keyed");
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    assert_int_equal(sl_store_audit_key_load(k1, &err), 0);
    fill_audit(p, 3);
    struct sl_audit_report rep;
    verify(p, &rep);
    assert_int_equal(rep.first_bad_seq, 0);
    assert_int_equal(rep.keyed, 3);
    assert_true(rep.head_keyed);
    assert_int_equal(sl_store_audit_key_load(k2, &err), 0); /* the wrong key */
    verify(p, &rep);
    assert_int_equal(rep.first_bad_seq, 1);
    assert_non_null(strstr(rep.problem, "audit key differs"));
    sl_store_audit_key_clear(); /* no key: keyed entries cannot be checked */
    verify(p, &rep);
    assert_int_equal(rep.first_bad_seq, 1);
    assert_non_null(strstr(rep.problem, "keyed"));
    struct sl_store *s; /* one more entry, unkeyed */
    assert_int_equal(sl_store_open(&s, p, 0, &err), 0);
    const char *nets[] = {"198.18.3.0/24"};
    assert_int_equal(sl_store_site_add(s, "late", "D", SL_TIER_PUBLIC, nets, 1, "t", NULL, &err),
                     0);
    sl_store_close(s);
    assert_int_equal(sl_store_audit_key_load(k1, &err), 0);
    verify(p, &rep);
    assert_int_equal(rep.first_bad_seq, 4);
    assert_non_null(strstr(rep.problem, "not keyed"));
    sl_store_audit_key_clear();
    /* A key readable by others is refused. */
    chmod(k1, 0644);
    assert_int_equal(sl_store_audit_key_load(k1, &err), -1);
    assert_int_equal(err.kind, SL_ERR_INVALID);
}

/* Issue 11: a MAC or serial a device claims never merges hosts seen in the
 * same scan, nor hosts of another maker; an address change is audited. */
static void test_claimed_identity(void **state)
{
    (void)state;
    const char *path = sl_test_db("identity");
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, p, 0, &err), 0);
    int64_t scan = 0, scan2 = 0, ids[3];
    assert_int_equal(sl_store_scan_begin(s, 0, "scan", "198.18.8.0/24", NULL, "t", &scan, &err), 0);
    struct sl_claim c;
    memset(&c, 0, sizeof c);
    snprintf(c.manufacturer, sizeof c.manufacturer, "Hikvision");
    struct sl_verdict v;
    memset(&v, 0, sizeof v);
    struct sl_observed seen;
    for (int i = 0; i < 3; i++) { /* three hosts, one scan, one claimed MAC and serial */
        char addr[32];
        snprintf(addr, sizeof addr, "198.18.8.%d", i + 1);
        struct sl_device_obs o = {scan, 0, "44:19:b6:00:00:77", "SN-77", addr, "80", &c, &v, 0};
        assert_int_equal(sl_store_device_observe_ex(s, &o, "t", &ids[i], &seen, &err), 0);
        assert_true(seen.created);
        assert_int_equal(seen.conflict, i > 0);
    }
    assert_true(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2]);
    /* Another maker claiming the first one's serial, in a later scan: new device. */
    assert_int_equal(sl_store_scan_begin(s, 0, "scan", "198.18.8.0/24", NULL, "t", &scan2, &err),
                     0);
    struct sl_claim c2 = c;
    snprintf(c2.manufacturer, sizeof c2.manufacturer, "Axis");
    struct sl_device_obs o2 = {scan2, 0, NULL, "SN-77", "198.18.8.9", "80", &c2, &v, 0};
    int64_t id2;
    assert_int_equal(sl_store_device_observe_ex(s, &o2, "t", &id2, &seen, &err), 0);
    assert_true(seen.created && seen.conflict);
    /* The first device, really, at a new address: the same device, moved, audited. */
    struct sl_device_obs o3 = {scan2, 0, "44:19:b6:00:00:77", NULL, "198.18.8.50", "80", &c, &v, 0};
    int64_t id3;
    assert_int_equal(sl_store_device_observe_ex(s, &o3, "t", &id3, &seen, &err), 0);
    assert_int_equal(id3, ids[0]);
    assert_true(seen.moved && seen.positive && !seen.created);
    sl_store_close(s);
    char *n = sl_test_db_text(p, "SELECT count(*) FROM audit_log WHERE action = 'device.address'");
    assert_string_equal(n, "1");
    free(n);
    struct sl_audit_report rep;
    verify(p, &rep);
    assert_int_equal(rep.first_bad_seq, 0);
    assert_int_equal(rep.mismatches, 0);
}

/* Issue 11: a database of something else is never migrated into; a
 * read-only open never makes a register of an empty database. */
static void test_foreign_database(void **state)
{
    (void)state;
    const char *path = sl_test_db("foreign");
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    struct sl_store *s = NULL;
    struct sl_err err = {0};
    /* PostgreSQL: a fresh, empty database of the cluster; SQLite: no file yet. */
    assert_int_equal(sl_store_open(&s, p, SL_STORE_READONLY, &err), -1);
    assert_int_equal(err.kind, SL_ERR_NOT_FOUND);
    assert_int_equal(sl_test_db_exec(p, "CREATE TABLE orders (id integer PRIMARY KEY)"), 0);
    assert_int_equal(sl_store_open(&s, p, 0, &err), -1);
    assert_int_equal(err.kind, SL_ERR_INVALID);
    assert_non_null(strstr(err.msg, "not a sightline register"));
    char *n = sl_test_db_text(p, sl_test_pg() ? "SELECT count(*) FROM pg_catalog.pg_tables"
                                                " WHERE schemaname = current_schema()"
                                              : "SELECT count(*) FROM sqlite_master"
                                                " WHERE type = 'table'");
    assert_string_equal(n, "1");
    free(n);
}

static void test_transaction_rollback(void **state)
{
    (void)state;
    struct sl_store *s = open_fresh("rollback");
    struct sl_err err = {0};
    assert_int_equal(sl_store_begin(s, &err), 0);
    add_site(s, "Gone", SL_TIER_PUBLIC);
    sl_store_rollback(s);
    struct sl_site site;
    assert_int_equal(sl_store_site_get(s, "Gone", &site, &err), 0);
    struct sl_audit_report rep;
    assert_int_equal(sl_store_verify(s, &rep, &err), 0);
    assert_int_equal(rep.entries, 0);
    /* A failure inside an outer transaction poisons it: commit rolls back. */
    assert_int_equal(sl_store_begin(s, &err), 0);
    add_site(s, "One", SL_TIER_PUBLIC);
    const char *nets[] = {"198.18.3.0/24"};
    assert_int_equal(sl_store_site_add(s, "One", "D", SL_TIER_PUBLIC, nets, 1, "t", NULL, &err), -1);
    assert_int_equal(sl_store_commit(s, &err), -1);
    assert_int_equal(sl_store_site_get(s, "One", &site, &err), 0);
    sl_store_close(s);
}

static void test_not_a_register(void **state)
{
    (void)state;
    if (sl_test_pg()) {
        /* A database that is not there: a clear "unavailable" naming it. */
        char loc[1024];
        snprintf(loc, sizeof loc, "%s dbname=no_such_register", getenv("SL_TEST_PG"));
        struct sl_store *s = NULL;
        struct sl_err err = {0};
        assert_int_equal(sl_store_open(&s, loc, 0, &err), -1);
        assert_int_equal(err.kind, SL_ERR_UNAVAILABLE);
        assert_non_null(strstr(err.msg, "no_such_register"));
        return;
    }
    const char *path = sl_test_tmpfile("notdb", "junk.db");
    sl_test_write_file(path, "this is not a database, just text that is long enough............");
    struct sl_store *s = NULL;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, path, 0, &err), -1);
    assert_non_null(strstr(err.msg, "not a sightline register"));
}

/* A PostgreSQL location carrying a password is refused before any connection,
 * and the password is in no message; a location names its backend. */
static void test_locations(void **state)
{
    (void)state;
    const char *bad[] = {"host=/nonexistent dbname=reg password=s3cret-Pw",
                         "postgresql://alice:s3cret-Pw@/reg?host=/nonexistent",
                         "postgres://alice@/reg?host=/nonexistent&password=s3cret-Pw"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct sl_store *s = NULL;
        struct sl_err err = {0};
        assert_int_equal(sl_store_open(&s, bad[i], 0, &err), -1);
        assert_int_equal(err.kind, SL_ERR_INVALID);
        assert_null(strstr(err.msg, "s3cret"));
        assert_non_null(strstr(err.msg, "PGPASSFILE"));
    }
    /* No server there: unavailable, named, still no password (none given). */
    struct sl_store *s = NULL;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, "host=/nonexistent-dir dbname=reg user=bob", 0, &err), -1);
    assert_int_equal(err.kind, SL_ERR_UNAVAILABLE);
    assert_non_null(strstr(err.msg, "postgresql database 'reg' on /nonexistent-dir as bob"));
    assert_string_equal(sl_store_backend_of("postgresql://db/estate"), "postgres");
    assert_string_equal(sl_store_backend_of("host=db dbname=estate"), "postgres");
    assert_string_equal(sl_store_backend_of("./reg.db"), "sqlite");
    assert_string_equal(sl_store_backend_of("sqlite:./a=b.db"), "sqlite");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sites),
        cmocka_unit_test(test_site_list),
        cmocka_unit_test(test_devices_and_evidence),
        cmocka_unit_test(test_events_and_status),
        cmocka_unit_test(test_milestones),
        cmocka_unit_test(test_audit_chain),
        cmocka_unit_test(test_tamper_edit),
        cmocka_unit_test(test_tamper_delete),
        cmocka_unit_test(test_tamper_rechain),
        cmocka_unit_test(test_replay_finds_direct_edits),
        cmocka_unit_test(test_keyed_chain),
        cmocka_unit_test(test_audit_time_backwards),
        cmocka_unit_test(test_claimed_identity),
        cmocka_unit_test(test_foreign_database),
        cmocka_unit_test(test_transaction_rollback),
        cmocka_unit_test(test_not_a_register),
        cmocka_unit_test(test_locations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
