/* test_store_migrate.c - the schema migrations: from an empty file and from every
 * older version to the latest, with data written at each version surviving. */
#include "testutil.h"

#include <sqlite3.h>
#include <string.h>

#include "store/internal.h"
#include "store/store.h"

static int scalar(const char *path, const char *sql, long long *out)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return -1;
    int rc = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) {
            *out = sqlite3_column_int64(st, 0);
            rc = 0;
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return rc;
}

static void test_empty_file(void **state)
{
    (void)state;
    const char *path = sl_test_tmpfile("mig-empty", "reg.db");
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, path, 0, &err), 0);
    assert_int_equal(sl_store_schema_version(s), sl_store_latest_version());
    sl_store_close(s);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    /* Every table is STRICT. */
    sqlite3_prepare_v2(db, "SELECT name, strict FROM pragma_table_list WHERE schema='main'"
                           " AND type='table' AND name NOT LIKE 'sqlite_%'", -1, &st, NULL);
    int tables = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        tables++;
        if (sqlite3_column_int(st, 1) != 1)
            fail_msg("table %s is not STRICT", sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_true(tables >= 10);
}

static void test_opening_twice_is_idempotent(void **state)
{
    (void)state;
    const char *path = sl_test_tmpfile("mig-twice", "reg.db");
    struct sl_store *s;
    struct sl_err err = {0};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sl_store_open(&s, path, 0, &err), 0);
        sl_store_close(s);
    }
    long long v;
    assert_int_equal(scalar(path, "PRAGMA user_version", &v), 0);
    assert_int_equal(v, sl_store_latest_version());
}

/* Writes data that is valid at schema version `version` with plain SQL (the
 * store's own functions always speak the latest schema). */
static void seed(struct sl_store *s, int version)
{
    struct sl_err err = {0};
    char *msg = NULL;
    const char *v1 =
        "INSERT INTO sites (name, department, tier, created_at)"
        "  VALUES ('Old Site', 'Old Dept', 'sensitive', '2023-01-01T00:00:00Z');"
        "INSERT INTO site_networks VALUES (1, '198.18.5.0/24');"
        "INSERT INTO scans (site_id, started_at, status, targets, actor)"
        "  VALUES (1, '2023-01-02T00:00:00Z', 'complete', '198.18.5.0/24', 'old');"
        "INSERT INTO devices (site_id, address, manufacturer, decision, status, status_since,"
        "  first_seen, last_seen, last_scan_id) VALUES (1, '198.18.5.9', 'Hikvision',"
        "  'prohibited', 'discovered', '2023-01-02T00:00:00Z', '2023-01-02T00:00:00Z',"
        "  '2023-01-02T00:00:00Z', 1);"
        "INSERT INTO evidence (scan_id, device_id, address, proto, port, outcome, observed_at)"
        "  VALUES (1, 1, '198.18.5.9', 'http', 80, 'ok', '2023-01-02T00:00:00Z');";
    if (version >= 1 && sqlite3_exec(s->db, v1, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("seed v1: %s", msg);
    if (version >= 2 &&
        sqlite3_exec(s->db,
                     "INSERT INTO milestones (name, due, target_kind, target, created_at)"
                     " VALUES ('All gone', '2025-04-30', 'percent', 100, '2023-01-03T00:00:00Z')",
                     NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("seed v2: %s", msg);
    if (version >= 3 &&
        sqlite3_exec(s->db,
                     "INSERT INTO sightings VALUES ('44:19:b6:00:00:09', '198.18.5.9', 1,"
                     " '2023-01-04T00:00:00Z', '2023-01-04T00:00:00Z')",
                     NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("seed v3: %s", msg);
    if (sl_store_audit(s, "old", "seed", "test", "{}", &err) != 0)
        fail_msg("audit: %s", err.msg);
}

static void test_from_every_version(void **state)
{
    (void)state;
    for (int from = 1; from < sl_store_latest_version(); from++) {
        char name[32];
        snprintf(name, sizeof name, "mig-from-%d", from);
        const char *path = sl_test_tmpfile(name, "reg.db");
        char p[4096];
        snprintf(p, sizeof p, "%s", path);
        struct sl_store *s;
        struct sl_err err = {0};
        assert_int_equal(sl_store_open(&s, p, SL_STORE_NO_MIGRATE, &err), 0);
        assert_int_equal(sl_store_migrate(s, from, &err), 0);
        assert_int_equal(sl_store_schema_version(s), from);
        seed(s, from);
        sl_store_close(s);

        /* An ordinary open migrates the rest of the way. */
        if (sl_store_open(&s, p, 0, &err) != 0)
            fail_msg("migrating from %d: %s", from, err.msg);
        assert_int_equal(sl_store_schema_version(s), sl_store_latest_version());
        struct sl_device d;
        assert_int_equal(sl_store_device_get(s, 1, &d, &err), 1);
        assert_string_equal(d.claim.manufacturer, "");  /* claim JSON was '{}' */
        assert_string_equal(d.address, "198.18.5.9");
        assert_string_equal(d.site, "Old Site");
        struct sl_site site;
        assert_int_equal(sl_store_site_get(s, "Old Site", &site, &err), 1);
        assert_int_equal(site.n_networks, 1);
        sl_site_free(&site);
        /* The new schema works on the old data: a lifecycle change is recorded. */
        struct sl_event ev = {0};
        ev.to_status = SL_STATUS_CONFIRMED;
        snprintf(ev.actor, sizeof ev.actor, "tester");
        assert_int_equal(sl_store_device_set_status(s, 1, &ev, &err), 0);
        struct sl_audit_report rep;
        assert_int_equal(sl_store_verify(s, &rep, &err), 0);
        assert_int_equal(rep.first_bad_seq, 0);
        assert_string_equal(rep.integrity, "ok");
        sl_store_close(s);
        long long n;
        /* Migration 2 gives a device that predates it its discovery event (a
         * device seeded by raw SQL after it has none); set_status adds one. */
        assert_int_equal(scalar(p, "SELECT count(*) FROM lifecycle_events WHERE device_id=1", &n),
                         0);
        assert_int_equal(n, from < 2 ? 2 : 1);
    }
}

static void test_newer_file_refused(void **state)
{
    (void)state;
    const char *path = sl_test_tmpfile("mig-newer", "reg.db");
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, p, 0, &err), 0);
    sqlite3_exec(s->db, "PRAGMA user_version = 999", NULL, NULL, NULL);
    sl_store_close(s);
    assert_int_equal(sl_store_open(&s, p, 0, &err), -1);
    assert_non_null(strstr(err.msg, "newer than this sightline"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_opening_twice_is_idempotent),
        cmocka_unit_test(test_from_every_version),
        cmocka_unit_test(test_newer_file_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
