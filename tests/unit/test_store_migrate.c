/* test_store_migrate.c - the schema migrations: from an empty register and
 * from every older version to the latest, with data written at each version
 * surviving; on SQLite and (under scripts/pg-cluster run) on PostgreSQL. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"

static int scalar(const char *path, const char *sql, long long *out)
{
    char *t = sl_test_db_text(path, sql);
    if (t == NULL)
        return -1;
    *out = strtoll(t, NULL, 10);
    free(t);
    return 0;
}

static void test_empty_file(void **state)
{
    (void)state;
    const char *path = sl_test_db("mig_empty");
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, p, 0, &err), 0);
    assert_int_equal(sl_store_schema_version(s), sl_store_latest_version());
    sl_store_close(s);
    long long tables = 0;
    if (sl_test_pg()) {
        assert_int_equal(scalar(p, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
                                &tables), 0);
        /* Native types where they help (not text everywhere). */
        char *t = sl_test_db_text(p, "SELECT data_type FROM information_schema.columns"
                                     " WHERE table_name = 'devices' AND column_name = 'address'");
        assert_string_equal(t, "inet");
        free(t);
        t = sl_test_db_text(p, "SELECT data_type FROM information_schema.columns"
                               " WHERE table_name = 'lifecycle_events' AND column_name = 'at'");
        assert_string_equal(t, "timestamp with time zone");
        free(t);
        assert_true(tables >= 10);
        return;
    }
    char *mode = sl_test_db_text(p, "PRAGMA journal_mode");
    assert_string_equal(mode, "wal");
    free(mode);
    /* Every table is STRICT. */
    long long lax = -1;
    assert_int_equal(scalar(p, "SELECT count(*) FROM pragma_table_list WHERE schema='main'"
                               " AND type='table' AND name NOT LIKE 'sqlite_%' AND strict != 1",
                            &lax), 0);
    assert_int_equal(lax, 0);
    assert_int_equal(scalar(p, "SELECT count(*) FROM pragma_table_list WHERE schema='main'"
                               " AND type='table' AND name NOT LIKE 'sqlite_%'", &tables), 0);
    assert_true(tables >= 10);
}

static void test_opening_twice_is_idempotent(void **state)
{
    (void)state;
    const char *path = sl_test_db("mig_twice");
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    struct sl_store *s;
    struct sl_err err = {0};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sl_store_open(&s, p, 0, &err), 0);
        sl_store_close(s);
    }
    long long v;
    assert_int_equal(scalar(p, sl_test_pg() ? "SELECT max(version) FROM sl_schema_version"
                                            : "PRAGMA user_version", &v), 0);
    assert_int_equal(v, sl_store_latest_version());
}

/* Writes data that is valid at schema version `version` with plain SQL (the
 * store's own functions always speak the latest schema). */
static void seed(const char *path, int version)
{
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
    if (version >= 1 && sl_test_db_exec(path, v1) != 0)
        fail_msg("seed v1");
    if (version >= 2 &&
        sl_test_db_exec(path,
                        "INSERT INTO milestones (name, due, target_kind, target, created_at)"
                        " VALUES ('All gone', '2025-04-30', 'percent', 100,"
                        " '2023-01-03T00:00:00Z')") != 0)
        fail_msg("seed v2");
    if (version >= 3 &&
        sl_test_db_exec(path, "INSERT INTO sightings VALUES ('44:19:b6:00:00:09', '198.18.5.9', 1,"
                              " '2023-01-04T00:00:00Z', '2023-01-04T00:00:00Z')") != 0)
        fail_msg("seed v3");
}

static int first_milestone(const struct sl_milestone *m, void *ctx)
{
    *(struct sl_milestone *)ctx = *m;
    return 1;
}

static void test_from_every_version(void **state)
{
    (void)state;
    for (int from = 1; from < sl_store_latest_version(); from++) {
        char name[32];
        snprintf(name, sizeof name, "mig_from_%d", from);
        const char *path = sl_test_db(name);
        char p[4096];
        snprintf(p, sizeof p, "%s", path);
        struct sl_store *s;
        struct sl_err err = {0};
        assert_int_equal(sl_store_open(&s, p, SL_STORE_NO_MIGRATE, &err), 0);
        assert_int_equal(sl_store_migrate(s, from, &err), 0);
        assert_int_equal(sl_store_schema_version(s), from);
        assert_int_equal(sl_store_audit(s, "old", "seed", "test", "{}", &err), 0);
        sl_store_close(s);
        seed(p, from);

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
        /* Milestones survive migration 12's rebuild of their table, as device ones. */
        struct sl_milestone ms = {0};
        assert_int_equal(sl_store_milestone_list(s, first_milestone, &ms, &err), 0);
        if (from >= 2) {
            assert_string_equal(ms.name, "All gone");
            assert_string_equal(ms.due, "2025-04-30");
            assert_string_equal(ms.subject, "devices");
        }
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
        /* Migration 14 rebuilds SQLite's evidence table (no foreign keys): the
         * row keeps its id and references, the table its indexes. */
        assert_int_equal(scalar(p, "SELECT count(*) FROM evidence WHERE id = 1 AND scan_id = 1"
                                   " AND device_id = 1 AND address = '198.18.5.9'", &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(scalar(p, sl_test_pg() ? "SELECT count(*) FROM pg_indexes"
                                                  " WHERE tablename = 'evidence'"
                                                : "SELECT count(*) FROM sqlite_master"
                                                  " WHERE type = 'index' AND tbl_name = 'evidence'"
                                                  " AND sql IS NOT NULL", &n), 0);
        assert_int_equal(n, sl_test_pg() ? 3 : 2); /* (and PostgreSQL's primary key) */
        /* Migration 17: on PostgreSQL no foreign key is left on devices or
         * lifecycle_events (the writers and db verify check the references);
         * SQLite keeps its four. */
        assert_int_equal(scalar(p, sl_test_pg()
                                       ? "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
                                         " AND conrelid IN ('devices'::regclass,"
                                         " 'lifecycle_events'::regclass)"
                                       : "SELECT (SELECT count(*) FROM pragma_foreign_key_list("
                                         "'devices')) + (SELECT count(*) FROM"
                                         " pragma_foreign_key_list('lifecycle_events'))",
                                &n),
                         0);
        assert_int_equal(n, sl_test_pg() ? 0 : 4);
    }
}

static void test_newer_file_refused(void **state)
{
    (void)state;
    const char *path = sl_test_db("mig_newer");
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, p, 0, &err), 0);
    sl_store_close(s);
    assert_int_equal(sl_test_db_exec(p, sl_test_pg() ? "UPDATE sl_schema_version SET version = 999"
                                                      : "PRAGMA user_version = 999"), 0);
    assert_int_equal(sl_store_open(&s, p, 0, &err), -1);
    assert_non_null(strstr(err.msg, "newer than this sightline"));
    assert_int_equal(err.kind, SL_ERR_CONFLICT);
    /* Never downgraded: the version is still the newer one. */
    long long v = 0;
    assert_int_equal(scalar(p, sl_test_pg() ? "SELECT max(version) FROM sl_schema_version"
                                            : "PRAGMA user_version", &v), 0);
    assert_int_equal(v, 999);
    /* Read-only opens refuse it too. */
    assert_int_equal(sl_store_open(&s, p, SL_STORE_READONLY, &err), -1);
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
