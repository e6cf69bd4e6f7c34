/* report_scale_gen.c - builds a register for bench/report_scale.sh: SITES sites,
 * DEVICES devices and about EVENTS lifecycle events (in one transaction, with
 * prepared statements), shaped like a large programme two years in.
 *
 *   bench_report_scale_gen DB DEVICES EVENTS [SITES]
 *
 * Events per device cycle through 3..7 (mean 5): outstanding (scheduled),
 * removed, verified, exempted then removed and verified, reappeared then
 * removed again. The audit log is not written: this is a figure-computing
 * benchmark, not a history anyone should trust. */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/rng.h"
#include "util/str.h"
#include "util/timeutil.h"

static struct sl_rng rng = {42};
static uint64_t rnd(void)
{
    return sl_rng_next(&rng);
}

static int check(int rc, sqlite3 *db, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(3);
    }
    return rc;
}

/* Long: a benchmark generator writes the register in one pass, table by table, in
 * the order the schema needs; it is read as that list, not reused. */
int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s DB DEVICES EVENTS [SITES]\n", argv[0]);
        return 2;
    }
    int64_t n_dev, n_ev, n_sites = 2000;
    if (sl_parse_i64(argv[2], 1, 100000000, &n_dev) != 0 ||
        sl_parse_i64(argv[3], 0, 1000000000, &n_ev) != 0 ||
        (argc > 4 && sl_parse_i64(argv[4], 1, 1000000, &n_sites) != 0)) {
        fprintf(stderr, "%s: bad number\n", argv[0]);
        return 2;
    }
    struct sl_store *s;
    struct sl_err err;
    if (sl_store_open(&s, argv[1], 0, &err) != 0) { /* creates and migrates the schema */
        fprintf(stderr, "%s\n", err.msg);
        return 3;
    }
    sl_store_close(s);
    sqlite3 *db;
    check(sqlite3_open(argv[1], &db), db, "open");
    check(sqlite3_exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; BEGIN", NULL, NULL,
                       NULL),
          db, "begin");
    uint64_t t0 = sl_mono_ms();
    int64_t now;
    sl_time_parse("2026-11-27", &now);
    int64_t start = now - 730 * 86400;

    sqlite3_stmt *site, *net, *dev, *ev;
    check(sqlite3_prepare_v2(db,
                             "INSERT INTO sites (id, name, department, tier, created_at)"
                             " VALUES (?1, ?2, ?3, ?4, '2024-11-27T00:00:00Z')",
                             -1, &site, NULL),
          db, "prepare sites");
    check(sqlite3_prepare_v2(db, "INSERT INTO site_networks (site_id, cidr) VALUES (?1, ?2)", -1,
                             &net, NULL),
          db, "prepare networks");
    static const char *const tiers[] = {"sensitive", "official", "official", "public"};
    for (int64_t i = 1; i <= n_sites; i++) {
        char name[64], dept[64], cidr[32];
        snprintf(name, sizeof name, "Site %05lld", (long long)i);
        snprintf(dept, sizeof dept, "Department %02lld", (long long)(i % 40));
        /* documentation prefix: data only, nothing is ever sent there */
        snprintf(cidr, sizeof cidr, "2001:db8:%llx::/48", (unsigned long long)i);
        sqlite3_bind_int64(site, 1, i);
        sqlite3_bind_text(site, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(site, 3, dept, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(site, 4, tiers[i % 4], -1, SQLITE_STATIC);
        check(sqlite3_step(site), db, "site");
        sqlite3_reset(site);
        sqlite3_bind_int64(net, 1, i);
        sqlite3_bind_text(net, 2, cidr, -1, SQLITE_TRANSIENT);
        check(sqlite3_step(net), db, "network");
        sqlite3_reset(net);
    }
    check(sqlite3_prepare_v2(
              db,
              "INSERT INTO devices (id, site_id, address, manufacturer, model, decision, verdict,"
              " claim, status, status_since, first_seen, last_seen, scheduled_for, replaced_by,"
              " exempt_until) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
              " '{\"manufacturer\":\"Hikvision\",\"rules\":[\"bench\"]}', ?8, ?9, ?10, ?10, ?11,"
              " ?12, ?13)",
              -1, &dev, NULL),
          db, "prepare devices");
    check(sqlite3_prepare_v2(db,
                             "INSERT INTO lifecycle_events (device_id, at, recorded_at, actor,"
                             " from_status, to_status, note, replaced_by, scheduled_for,"
                             " exempt_until) VALUES (?1, ?2, ?2, 'bench', ?3, ?4, NULL, ?5, ?6, ?7)",
                             -1, &ev, NULL),
          db, "prepare events");
    /* per-device sequences (3..7 events) */
    static const char *const seq[5][7] = {
        {"discovered", "confirmed", "scheduled"},
        {"discovered", "confirmed", "scheduled", "removed"},
        {"discovered", "confirmed", "scheduled", "removed", "verified_absent"},
        {"discovered", "confirmed", "exempt", "scheduled", "removed", "verified_absent"},
        {"discovered", "confirmed", "scheduled", "removed", "verified_absent", "reappeared",
         "removed"},
    };
    int64_t events = 0;
    /* scale the event count: sequences average 5 events a device */
    double keep = n_dev > 0 ? (double)n_ev / (5.0 * (double)n_dev) : 0;
    for (int64_t id = 1; id <= n_dev; id++) {
        int k = (int)(id % 5);
        int len = 3 + k;
        if (keep < 0.999 && (double)(rnd() % 1000) / 1000.0 >= keep)
            len = 1;
        int64_t site_id = 1 + (int64_t)(rnd() % (uint64_t)n_sites);
        bool affected = rnd() % 10 < 8;
        int64_t t = start + (int64_t)(rnd() % (90 * 86400));
        char at[SL_ISO_LEN], first[SL_ISO_LEN], sched[SL_DATE_LEN] = "", until[SL_DATE_LEN] = "";
        sl_time_iso(t, first);
        const char *from = NULL, *to = NULL;
        for (int e = 0; e < len; e++) {
            to = seq[k][e];
            sl_time_iso(t, at);
            sqlite3_bind_int64(ev, 1, id);
            sqlite3_bind_text(ev, 2, at, -1, SQLITE_TRANSIENT);
            if (from)
                sqlite3_bind_text(ev, 3, from, -1, SQLITE_STATIC);
            else
                sqlite3_bind_null(ev, 3);
            sqlite3_bind_text(ev, 4, to, -1, SQLITE_STATIC);
            sqlite3_bind_null(ev, 5);
            sqlite3_bind_null(ev, 6);
            sqlite3_bind_null(ev, 7);
            if (strcmp(to, "removed") == 0)
                sqlite3_bind_text(ev, 5, "Axis P3265-LVE", -1, SQLITE_STATIC);
            if (strcmp(to, "scheduled") == 0) {
                sl_time_date(t + (int64_t)(rnd() % (120 * 86400)), sched);
                sqlite3_bind_text(ev, 6, sched, -1, SQLITE_TRANSIENT);
            }
            if (strcmp(to, "exempt") == 0) {
                sl_time_date(t + (int64_t)(rnd() % (200 * 86400)), until);
                sqlite3_bind_text(ev, 7, until, -1, SQLITE_TRANSIENT);
            }
            check(sqlite3_step(ev), db, "event");
            sqlite3_reset(ev);
            events++;
            from = to;
            int64_t step = (int64_t)(rnd() % ((int64_t)(now - t) / (len - e + 1) + 1));
            t += step;
            if (t > now)
                t = now;
        }
        char addr[48];
        /* A valid IPv6 address (groups of at most 16 bits: PostgreSQL's inet checks). */
        snprintf(addr, sizeof addr, "2001:db8:%llx::%llx:%llx", (unsigned long long)site_id,
                 (unsigned long long)(id >> 16), (unsigned long long)(id & 0xffff));
        sqlite3_bind_int64(dev, 1, id);
        sqlite3_bind_int64(dev, 2, site_id);
        sqlite3_bind_text(dev, 3, addr, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(dev, 4, id % 3 ? "Hikvision" : "Dahua", -1, SQLITE_STATIC);
        sqlite3_bind_text(dev, 5, "DS-2CD2143G2-I", -1, SQLITE_STATIC);
        const char *dec = !affected ? "allowed" : (site_id % 4 == 0 ? "replace-by" : "prohibited");
        sqlite3_bind_text(dev, 6, dec, -1, SQLITE_STATIC);
        sqlite3_bind_text(dev, 7,
                          strcmp(dec, "replace-by") == 0
                              ? "{\"decision\":\"replace-by\",\"deadline\":\"2027-04-30\"}"
                              : "{}",
                          -1, SQLITE_STATIC);
        sqlite3_bind_text(dev, 8, to, -1, SQLITE_STATIC);
        sqlite3_bind_text(dev, 9, at, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(dev, 10, first, -1, SQLITE_TRANSIENT);
        if (sched[0])
            sqlite3_bind_text(dev, 11, sched, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(dev, 11);
        sqlite3_bind_null(dev, 12);
        if (until[0])
            sqlite3_bind_text(dev, 13, until, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(dev, 13);
        check(sqlite3_step(dev), db, "device");
        sqlite3_reset(dev);
    }
    /* milestones shaped like the UK programme */
    check(sqlite3_exec(db,
                       "INSERT INTO milestones (name, due, target_kind, target, scope_kind,"
                       " scope_value, created_at) VALUES"
                       " ('Over half replaced', '2026-03-31', 'percent', 50, 'all', NULL, '2025-01-01T00:00:00Z'),"
                       " ('70% of the rest', '2026-10-31', 'percent', 85, 'all', NULL, '2025-01-01T00:00:00Z'),"
                       " ('All sensitive sites', '2027-04-30', 'percent', 100, 'tier', 'sensitive', '2025-01-01T00:00:00Z')",
                       NULL, NULL, NULL),
          db, "milestones");
    sqlite3_finalize(site);
    sqlite3_finalize(net);
    sqlite3_finalize(dev);
    sqlite3_finalize(ev);
    check(sqlite3_exec(db, "COMMIT; ANALYZE", NULL, NULL, NULL), db, "commit");
    sqlite3_close(db);
    printf("generated %lld sites, %lld devices, %lld events in %.1f s\n", (long long)n_sites,
           (long long)n_dev, (long long)events, (double)(sl_mono_ms() - t0) / 1000.0);
    return 0;
}
