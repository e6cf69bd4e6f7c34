/* test_store_copy.c - db copy: every table moves with its ids and the audit
 * chain ends in the same head; a non-empty destination and a broken source
 * are refused. On SQLite alone, and (under scripts/pg-cluster run) SQLite ->
 * PostgreSQL -> SQLite. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/store.h"

static char src_loc[4096], dst_loc[4096], back_loc[4096];

static struct sl_store *open_at(const char *loc)
{
    struct sl_store *s = NULL;
    struct sl_err err = {0};
    if (sl_store_open(&s, loc, 0, &err) != 0)
        fail_msg("open %s: %s", loc, err.msg);
    return s;
}

/* A register with a row in every table. */
static void fill(const char *loc)
{
    struct sl_store *s = open_at(loc);
    struct sl_err err = {0};
    const char *nets[] = {"198.18.1.0/24", "2001:db8:1::/48"};
    int64_t site = 0, scan = 0, id = 0, alert = 0;
    assert_int_equal(sl_store_site_add(s, "Alpha", "D", SL_TIER_SENSITIVE, nets, 2, "t", &site,
                                       &err), 0);
    assert_int_equal(sl_store_scan_begin(s, site, "scan", "198.18.1.0/24", "{}", "t", &scan,
                                         &err), 0);
    struct sl_claim c = {0};
    snprintf(c.manufacturer, sizeof c.manufacturer, "Hikvision");
    struct sl_verdict v = {SL_DECISION_REPLACE_BY, "p", "2027-03-31", "", "", ""};
    struct sl_device_obs obs = {scan, site, "44:19:b6:00:00:01", "SN1", "198.18.1.7", "80",
                                &c, &v, 0};
    assert_int_equal(sl_store_device_observe(s, &obs, "t", &id, NULL, &err), 0);
    static const uint8_t bytes[] = {0, 1, 2, 255, 'H', 'T', 'T', 'P', 0};
    /* Text that a bulk load's format must escape: tab, newline, backslash. */
    struct sl_evidence ev = {SL_PROTO_HTTP, SL_OUTCOME_OK, 80, "/a\tb\nc\\N", "GET /", bytes,
                             sizeof bytes, NULL, 0};
    const struct sl_evidence *evp[] = {&ev};
    assert_int_equal(sl_store_evidence_add_many(s, scan, id, "198.18.1.7", evp, 1, "t", &err), 0);
    assert_int_equal(sl_store_scan_finish(s, scan, SL_SCAN_COMPLETE, 1, 1, 1, "t", &err), 0);
    struct sl_event e = {0};
    e.to_status = SL_STATUS_EXEMPT;
    snprintf(e.actor, sizeof e.actor, "t");
    snprintf(e.note, sizeof e.note, "waiver\tsigned\r\nby \\\\ciso\\N");
    snprintf(e.exempt_until, sizeof e.exempt_until, "2027-01-31");
    snprintf(e.exempt_approver, sizeof e.exempt_approver, "ciso");
    assert_int_equal(sl_store_device_set_status(s, id, &e, &err), 0);
    struct sl_milestone m = {0};
    snprintf(m.name, sizeof m.name, "Half");
    snprintf(m.due, sizeof m.due, "2027-06-30");
    snprintf(m.target_kind, sizeof m.target_kind, "percent");
    m.target = 50.5;
    snprintf(m.scope_kind, sizeof m.scope_kind, "all");
    assert_int_equal(sl_store_milestone_add(s, &m, "t", NULL, &err), 0);
    assert_int_equal(sl_store_sighting_upsert(s, "44:19:b6:00:00:01", "198.18.1.7", id,
                                              "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z",
                                              &err), 0);
    assert_int_equal(sl_store_alert_add(s, "2026-01-01T00:00:00Z", 9000001, "seen", 1, id,
                                        "198.18.1.7", "198.18.1.1", "{\"a\":1}", &alert, &err),
                     0);
    sl_store_close(s);
}

static int cmp_device(const char *a_loc, const char *b_loc)
{
    struct sl_store *a = open_at(a_loc), *b = open_at(b_loc);
    struct sl_err err = {0};
    struct sl_device da, db;
    assert_int_equal(sl_store_device_find(a, "44:19:b6:00:00:01", &da, &err), 1);
    assert_int_equal(sl_store_device_find(b, "44:19:b6:00:00:01", &db, &err), 1);
    assert_int_equal(da.id, db.id);
    assert_string_equal(da.address, db.address);
    assert_string_equal(da.claim.manufacturer, db.claim.manufacturer);
    assert_string_equal(da.verdict.deadline, db.verdict.deadline);
    assert_string_equal(da.exempt_until, db.exempt_until);
    assert_string_equal(da.first_seen, db.first_seen);
    assert_int_equal(da.status, db.status);
    struct sl_audit_report ra, rb;
    assert_int_equal(sl_store_verify(a, &ra, &err), 0);
    assert_int_equal(sl_store_verify(b, &rb, &err), 0);
    assert_int_equal(rb.first_bad_seq, 0);
    assert_int_equal(rb.mismatches, 0); /* the evidence's bytes and path hash alike */
    assert_int_equal(ra.entries, rb.entries);
    struct sl_event ea, eb;
    assert_int_equal(sl_store_event_last_to(a, da.id, SL_STATUS_EXEMPT, NULL, &ea, &err), 1);
    assert_int_equal(sl_store_event_last_to(b, db.id, SL_STATUS_EXEMPT, NULL, &eb, &err), 1);
    assert_string_equal(ea.note, "waiver\tsigned\r\nby \\\\ciso\\N");
    assert_string_equal(eb.note, ea.note);
    assert_string_equal(ra.head_hash, rb.head_hash);
    /* The copy goes on: new ids follow the copied ones. */
    int64_t site2 = 0;
    const char *nets[] = {"198.18.2.0/24"};
    assert_int_equal(sl_store_site_add(b, "Bravo", "D", SL_TIER_PUBLIC, nets, 1, "t", &site2,
                                       &err), 0);
    assert_true(site2 > 1);
    sl_store_close(a);
    sl_store_close(b);
    return 0;
}

static int copy(const char *from, const char *to, struct sl_err *err)
{
    struct sl_store *a = open_at(from), *b = open_at(to);
    struct sl_audit_report rep;
    int rc = sl_store_copy(a, b, NULL, NULL, &rep, err);
    sl_store_close(a);
    sl_store_close(b);
    return rc;
}

static void test_copy_round_trip(void **state)
{
    (void)state;
    /* The source is always an SQLite file; the destination is the backend
     * under test, and the copy back is SQLite again. */
    snprintf(src_loc, sizeof src_loc, "%s", sl_test_tmpfile("copy-src", "src.db"));
    snprintf(dst_loc, sizeof dst_loc, "%s", sl_test_db("copy_dst"));
    snprintf(back_loc, sizeof back_loc, "%s", sl_test_tmpfile("copy-back", "back.db"));
    fill(src_loc);
    struct sl_err err = {0};
    if (copy(src_loc, dst_loc, &err) != 0)
        fail_msg("copy: %s", err.msg);
    char *blob = sl_test_db_text(dst_loc, sl_test_pg() ? "SELECT encode(data, 'hex') FROM evidence"
                                                       : "SELECT hex(data) FROM evidence");
    assert_non_null(blob);
    assert_true(strcasecmp(blob, "000102ff4854545000") == 0);
    free(blob);
    if (copy(dst_loc, back_loc, &err) != 0)
        fail_msg("copy back: %s", err.msg);
    cmp_device(src_loc, back_loc);
    cmp_device(src_loc, dst_loc);
    /* A destination that holds anything is refused. */
    assert_int_equal(copy(src_loc, dst_loc, &err), -1);
    assert_int_equal(err.kind, SL_ERR_CONFLICT);
    assert_non_null(strstr(err.msg, "not empty"));
}

static void test_broken_source_refused(void **state)
{
    (void)state;
    char src[4096], dst[4096];
    snprintf(src, sizeof src, "%s", sl_test_tmpfile("copy-broken", "src.db"));
    fill(src);
    snprintf(dst, sizeof dst, "%s", sl_test_tmpfile("copy-broken-dst", "dst.db"));
    /* The source is an SQLite file in both runs: tamper with it as SQLite. */
    char *pg = getenv("SL_TEST_PG") ? strdup(getenv("SL_TEST_PG")) : NULL;
    unsetenv("SL_TEST_PG"); /* raw SQL on the SQLite source */
    assert_int_equal(sl_test_db_exec(src, "DROP TRIGGER audit_log_no_update;"
                                          " UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"),
                     0);
    if (pg != NULL) {
        setenv("SL_TEST_PG", pg, 1);
        free(pg);
    }
    struct sl_err err = {0};
    assert_int_equal(copy(src, dst, &err), -1);
    assert_int_equal(err.kind, SL_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "entry 2"));
}

/* Every table of the schema is in the copy's list (a table added by a later
 * migration but not to store/copy.c would be silently left behind). */
static void test_every_table_copied(void **state)
{
    (void)state;
    char loc[4096];
    snprintf(loc, sizeof loc, "%s", sl_test_db("copy_tables"));
    sl_store_close(open_at(loc));
    char *all = sl_test_db_text(
        loc, sl_test_pg()
                 ? "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables"
                   " WHERE schemaname = 'public' AND tablename != 'sl_schema_version'"
                 : "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master"
                   " WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name)");
    assert_non_null(all);
    int n = 0;
    for (char *tok = all, *next; tok != NULL; tok = next, n++) {
        next = strchr(tok, ',');
        if (next != NULL)
            *next++ = '\0';
        bool found = false;
        for (size_t i = 0; sl_store_copy_table(i) != NULL; i++)
            if (strcmp(sl_store_copy_table(i), tok) == 0)
                found = true;
        if (!found)
            fail_msg("table %s is not in store/copy.c's list", tok);
    }
    free(all);
    assert_true(n >= 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_round_trip),
        cmocka_unit_test(test_broken_source_refused),
        cmocka_unit_test(test_every_table_copied),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
