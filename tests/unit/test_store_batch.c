/* test_store_batch.c - sl_store_observe_batch gives the register the
 * one-by-one calls give (sl_store_device_observe_ex then
 * sl_store_evidence_add_many per observation): the same devices with the same
 * ids, the same lifecycle events, evidence rows and audit entries, and a
 * chain that verifies with no mismatch (the evidence digests included). Every
 * way an observation can go: new, matched by MAC (moved), by serial, by
 * address, a maker conflict, a same-scan conflict, no site, no address,
 * evidence with awkward text and bytes, none, cut at the size limit; and a
 * batch whose observations share an identity. Runs on SQLite and PostgreSQL. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"
#include "util/buf.h"

#define SEEN 1767225600 /* 2026-01-01T00:00:00Z: both registers see the same times */
#define NITEMS 11

static struct sl_store *open_at(const char *loc)
{
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, loc, 0, &err) != 0)
        fail_msg("open %s: %s", loc, err.msg);
    return s;
}

static struct sl_claim claim_of(const char *maker)
{
    struct sl_claim c;
    memset(&c, 0, sizeof c);
    snprintf(c.manufacturer, sizeof c.manufacturer, "%s", maker);
    snprintf(c.model, sizeof c.model, "M-%s", maker);
    c.confidence = 0.9;
    return c;
}

static const struct sl_verdict prohibited = {.decision = SL_DECISION_PROHIBITED};
static struct sl_claim hik, dahua, hik_other_model;

/* One device seen before the batch (one-by-one in both registers). */
static void seed(struct sl_store *s, int64_t scan, int64_t site, const char *mac,
                 const char *serial, const char *addr, const struct sl_claim *c)
{
    struct sl_device_obs o = {scan, site, mac, serial, addr, "80", c, &prohibited, SEEN - 3600};
    struct sl_err err = {0};
    int64_t id;
    if (sl_store_device_observe(s, &o, "seed", &id, NULL, &err) != 0)
        fail_msg("seed: %s", err.msg);
}

/* The same site, earlier devices and scan in a fresh register; the scan's id. */
static int64_t prepare(struct sl_store *s, int64_t *site)
{
    struct sl_err err = {0};
    const char *nets[] = {"198.18.0.0/24"};
    int64_t scan = 0, old = 0;
    if (sl_store_site_add(s, "North", "Estates", SL_TIER_OFFICIAL, nets, 1, "t", site, &err) != 0 ||
        sl_store_scan_begin(s, *site, "scan", "198.18.0.0/24", NULL, "t", &old, &err) != 0 ||
        sl_store_scan_begin(s, *site, "scan", "198.18.0.0/24", NULL, "t", &scan, &err) != 0)
        fail_msg("prepare: %s", err.msg);
    seed(s, old, *site, "02:00:00:00:01:10", NULL, "198.18.0.10", &hik);
    seed(s, old, *site, NULL, "S\"1\\{,}", "198.18.0.20", &hik);
    seed(s, old, *site, NULL, NULL, "198.18.0.30", &hik);
    seed(s, old, *site, "02:00:00:00:01:40", NULL, "198.18.0.40", &dahua);
    seed(s, scan, *site, "02:00:00:00:01:50", NULL, "198.18.0.50", &hik);
    return scan;
}

static uint8_t big[70000];
static const uint8_t odd[] = {0, 1, '\t', '\n', '\\', 'N', 0xff, '"', 0};
static struct sl_evidence ev[4];
static const struct sl_evidence *evp[4];

static void make_evidence(void)
{
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 7);
    memset(ev, 0, sizeof ev);
    ev[0] = (struct sl_evidence){SL_PROTO_HTTP, SL_OUTCOME_OK, 80, "/a\tb\nc\\d\"e{f}", "GET /",
                                 odd, sizeof odd, NULL, SEEN};
    ev[1] = (struct sl_evidence){SL_PROTO_RTSP, SL_OUTCOME_MALFORMED, 554, NULL, "OPTIONS",
                                 NULL, 0, "cut\\short\r\n", SEEN + 1};
    ev[2] = (struct sl_evidence){SL_PROTO_HTTP, SL_OUTCOME_OK, 8080, "/big", NULL, big,
                                 sizeof big, NULL, SEEN + 2};
    ev[3] = (struct sl_evidence){SL_PROTO_HTTP, SL_OUTCOME_OK, 443, "", "", (const uint8_t *)"x",
                                 1, "", SEEN + 3};
    for (int i = 0; i < 4; i++)
        evp[i] = &ev[i];
}

/* Every way an observation can go (see the file's comment), in one batch.
 * Seen again: item 1 unchanged (its claim and verdict as before), item 2 its
 * verdict changed (none given: needs review), item 3 its claim changed (another
 * model), each in the verdict history as the one-by-one calls write it. */
static size_t items_of(struct sl_obs_item *it, int64_t scan, int64_t site)
{
    struct sl_device_obs o[NITEMS] = {
        {scan, site, "02:00:00:00:01:01", NULL, "198.18.0.1", "80,554", &hik, &prohibited, SEEN},
        {scan, site, "02:00:00:00:01:10", NULL, "198.18.0.11", "80", &hik, &prohibited, SEEN},
        {scan, site, "02:00:00:00:01:21", "S\"1\\{,}", "198.18.0.20", NULL, &hik, NULL, SEEN},
        {scan, site, NULL, NULL, "198.18.0.30", "443", &hik_other_model, &prohibited, SEEN},
        {scan, site, "02:00:00:00:01:40", NULL, "198.18.0.41", "80", &hik, &prohibited, SEEN},
        {scan, site, "02:00:00:00:01:50", NULL, "198.18.0.51", "80", &hik, &prohibited, SEEN},
        {scan, 0, NULL, NULL, "198.18.0.60", NULL, &dahua, &prohibited, SEEN},
        {scan, site, "02:00:00:00:01:70", NULL, NULL, NULL, NULL, NULL, SEEN},
        {scan, site, NULL, "SER-80", "198.18.0.80", "80", &dahua, NULL, SEEN},
        {0, site, "02:00:00:00:01:90", NULL, "198.18.0.90", "80", &hik, &prohibited, SEEN},
        {scan, site, NULL, NULL, "198.18.0.100", "80", NULL, NULL, SEEN},
    };
    size_t n_evs[NITEMS] = {4, 1, 2, 0, 3, 1, 0, 0, 4, 0, 1}; /* none without a scan */
    for (size_t i = 0; i < NITEMS; i++)
        it[i] = (struct sl_obs_item){o[i], evp, n_evs[i]};
    return NITEMS;
}

static int one_by_one(struct sl_store *s, const struct sl_obs_item *it, size_t n, int64_t *ids,
                      struct sl_observed *out, struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (sl_store_device_observe_ex(s, &it[i].obs, "scanner", &ids[i], &out[i], err) != 0 ||
            sl_store_evidence_add_many(s, it[i].obs.scan_id, ids[i], it[i].obs.address,
                                       it[i].evs, it[i].n_evs, "scanner", err) != 0) {
            sl_store_rollback(s);
            return -1;
        }
    return sl_store_commit(s, err);
}

/* ---- the register as text, without the times the clock writes ------------------ */

static int dump_device(const struct sl_device *d, void *ctx)
{
    sl_buf_printf(ctx, "device %lld site=%lld mac=%s serial=%s addr=%s ports=%s maker=%s"
                       " model=%s decision=%d status=%d since=%s first=%s last=%s scan=%lld\n",
                  (long long)d->id, (long long)d->site_id, d->mac, d->serial, d->address,
                  d->ports, d->claim.manufacturer, d->claim.model, (int)d->verdict.decision,
                  (int)d->status, d->status_since, d->first_seen, d->last_seen,
                  (long long)d->last_scan_id);
    return 0;
}

static int dump_event(const struct sl_event *e, void *ctx)
{
    sl_buf_printf(ctx, "event %lld device=%lld at=%s actor=%s from=%d to=%d note=%s scan=%lld\n",
                  (long long)e->id, (long long)e->device_id, e->at, e->actor, e->from_status,
                  (int)e->to_status, e->note, (long long)e->scan_id);
    return 0;
}

static int dump_evidence(const struct sl_evidence_row *r, void *ctx)
{
    struct sl_buf *b = ctx;
    sl_buf_printf(b, "evidence %lld scan=%lld device=%lld addr=%s proto=%d port=%u path=%s"
                     " request=%s outcome=%d detail=%s at=%s cut=%d len=%zu bytes=",
                  (long long)r->id, (long long)r->scan_id, (long long)r->device_id, r->address,
                  (int)r->ev.proto, (unsigned)r->ev.port, r->path, r->request,
                  (int)r->ev.outcome, r->detail, r->observed_at, (int)r->truncated, r->ev.len);
    for (size_t i = 0; i < r->ev.len; i++)
        sl_buf_printf(b, "%02x", r->ev.data[i]);
    sl_buf_printf(b, "\n");
    return 0;
}

static int dump_change(const struct sl_verdict_change *c, void *ctx)
{
    sl_buf_printf(ctx, "verdict %lld device=%lld at=%s actor=%s via=%s scan=%lld claim=%d"
                       " verdict=%d from=%s to=%s maker=%s>%s decision=%d>%d policy=%s>%s"
                       " deadline=%s>%s version=%s rules=%s reason=%s\n",
                  (long long)c->id, (long long)c->device_id, c->at, c->actor, c->via,
                  (long long)c->scan_id, (int)c->claim_changed, (int)c->verdict_changed,
                  c->from_claim, c->to_claim, c->from_manufacturer, c->to_manufacturer,
                  (int)c->from_decision, (int)c->to_decision, c->from_policy, c->to_policy,
                  c->from_deadline, c->to_deadline, c->policy_version, c->rules, c->reason);
    return 0;
}

static int dump_audit(const struct sl_audit_entry *e, void *ctx)
{
    sl_buf_printf(ctx, "audit %lld %s %s %s %s\n", (long long)e->seq, e->actor, e->action,
                  e->object, e->detail);
    return 0;
}

/* The whole register as text (malloc'd), after checking its chain and replay. */
static char *dump(const char *loc)
{
    struct sl_store *s = open_at(loc);
    struct sl_err err = {0};
    struct sl_audit_report rep;
    assert_int_equal(sl_store_verify(s, &rep, &err), 0);
    if (rep.first_bad_seq != 0 || rep.mismatches != 0)
        fail_msg("%s: chain %s, %lld mismatches (%s)", loc, rep.problem,
                 (long long)rep.mismatches, rep.n_listed ? rep.mismatch[0] : "");
    assert_true(rep.evidence_checked > 0);
    struct sl_buf b;
    sl_buf_init(&b, 64u << 20);
    assert_int_equal(sl_store_device_list(s, NULL, dump_device, &b, &err), 0);
    assert_int_equal(sl_store_event_list(s, 0, NULL, dump_event, &b, &err), 0);
    for (int64_t id = 1; id <= 30; id++)
        assert_int_equal(sl_store_evidence_list(s, id, 0, dump_evidence, &b, &err), 0);
    size_t before = b.len;
    for (int64_t id = 1; id <= 30; id++)
        assert_int_equal(sl_store_verdict_history(s, id, dump_change, &b, &err), 0);
    assert_true(b.len > before); /* the devices seen again changed */
    assert_int_equal(sl_store_audit_list(s, 0, 0, dump_audit, &b, &err), 0);
    sl_store_close(s);
    char *out = strdup(sl_buf_cstr(&b));
    sl_buf_free(&b);
    return out;
}

/* The batch into one register, the one-by-one calls into another: equal. */
static void compare(const char *name, const struct sl_obs_item *it, size_t n, bool set_based)
{
    char a_loc[4096], b_loc[4096];
    snprintf(a_loc, sizeof a_loc, "%s", sl_test_db(name));
    char bname[64];
    snprintf(bname, sizeof bname, "%s_ref", name);
    snprintf(b_loc, sizeof b_loc, "%s", sl_test_db(bname));
    struct sl_store *a = open_at(a_loc), *b = open_at(b_loc);
    int64_t site_a, site_b;
    int64_t sa = prepare(a, &site_a), sb = prepare(b, &site_b);
    assert_int_equal(sa, sb);
    assert_int_equal(site_a, site_b);
    int64_t ids_a[NITEMS * 2] = {0}, ids_b[NITEMS * 2] = {0};
    struct sl_observed out_a[NITEMS * 2], out_b[NITEMS * 2];
    struct sl_err err = {0};
    if (sl_store_observe_batch(a, it, n, "scanner", ids_a, out_a, &err) != 0)
        fail_msg("batch: %s", err.msg);
    /* On a server the batch is written set-based (devices seen again and their
     * verdict history included), on SQLite one by one. */
    assert_int_equal(sl_store_batches_one_by_one(a), set_based && sl_test_pg() ? 0 : 1);
    if (one_by_one(b, it, n, ids_b, out_b, &err) != 0)
        fail_msg("one by one: %s", err.msg);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(ids_a[i], ids_b[i]);
        assert_int_equal(out_a[i].created, out_b[i].created);
        assert_int_equal(out_a[i].conflict, out_b[i].conflict);
        assert_int_equal(out_a[i].moved, out_b[i].moved);
        assert_int_equal(out_a[i].positive, out_b[i].positive);
        assert_int_equal(out_a[i].prior_status, out_b[i].prior_status);
    }
    sl_store_close(a);
    sl_store_close(b);
    char *da = dump(a_loc), *db = dump(b_loc);
    /* Audit entries carry the real clock's time (never compared); the rest must agree. */
    assert_string_equal(da, db);
    free(da);
    free(db);
}

static void test_batch_equals_one_by_one(void **state)
{
    (void)state;
    hik = claim_of("Hikvision");
    dahua = claim_of("Dahua");
    hik_other_model = claim_of("Hikvision");
    snprintf(hik_other_model.model, sizeof hik_other_model.model, "DS-2CD2043G2-I");
    make_evidence();
    struct sl_obs_item it[NITEMS];
    /* The scan and site ids are the same in both fresh registers: 2 and 1. */
    size_t n = items_of(it, 2, 1);
    compare("batch_all", it, n, true);
}

/* Two observations sharing a MAC (or an address): the second must find the
 * device the first created or moved, as the one-by-one order does. */
static void test_batch_sharing_identity(void **state)
{
    (void)state;
    hik = claim_of("Hikvision");
    dahua = claim_of("Dahua");
    hik_other_model = claim_of("Hikvision");
    snprintf(hik_other_model.model, sizeof hik_other_model.model, "DS-2CD2043G2-I");
    make_evidence();
    struct sl_obs_item it[NITEMS * 2];
    size_t n = items_of(it, 2, 1);
    n += items_of(it + n, 2, 1);
    it[NITEMS].obs.address = "198.18.0.12"; /* the MAC of item 0 again, elsewhere */
    compare("batch_shared", it, n, false);
}

/* A batch that fails (a scan that does not exist) leaves nothing behind. */
static void test_batch_all_or_nothing(void **state)
{
    (void)state;
    hik = claim_of("Hikvision");
    make_evidence();
    const char *loc = sl_test_db("batch_fail");
    struct sl_store *s = open_at(loc);
    int64_t site;
    (void)prepare(s, &site);
    struct sl_obs_item it[2] = {
        {{2, site, "02:00:00:00:02:01", NULL, "198.18.0.201", "80", &hik, &prohibited, SEEN},
         evp, 1},
        {{999, site, "02:00:00:00:02:02", NULL, "198.18.0.202", "80", &hik, &prohibited, SEEN},
         evp, 1},
    };
    int64_t ids[2];
    struct sl_err err = {0};
    assert_int_equal(sl_store_observe_batch(s, it, 2, "scanner", ids, NULL, &err), -1);
    struct sl_status_counts c;
    assert_int_equal(sl_store_count_devices(s, NULL, &c, &err), 0);
    assert_int_equal(c.total, 5); /* the seeds only */
    sl_store_close(s);
}

struct replay_count {
    long n, stop_at;
    char last_at[32];
    int64_t last_id;
    bool ordered;
};

static int count_replay(const struct sl_replay_row *r, void *ctx)
{
    struct replay_count *c = ctx;
    int cmp = strcmp(r->at, c->last_at);
    if (cmp < 0)
        c->ordered = false;
    snprintf(c->last_at, sizeof c->last_at, "%s", r->at);
    c->n++;
    return c->stop_at > 0 && c->n >= c->stop_at;
}

/* As the report's replay does: a row handler that runs a statement of its
 * own (here every 1,000th row), so a page sent ahead is collected by that
 * statement rather than by the walk. */
struct replay_busy {
    struct replay_count c;
    struct sl_store *s;
    bool failed;
};

static int count_replay_busy(const struct sl_replay_row *r, void *ctx)
{
    struct replay_busy *b = ctx;
    if (b->c.n % 1000 == 0) {
        struct sl_status_counts sc;
        struct sl_err err = {0};
        b->failed |= sl_store_count_devices(b->s, NULL, &sc, &err) != 0;
    }
    return count_replay(r, &b->c);
}

static int count_affected(const struct sl_affected_row *r, void *ctx)
{
    struct replay_count *c = ctx;
    if (r->id <= c->last_id)
        c->ordered = false;
    c->last_id = r->id;
    c->n++;
    return c->stop_at > 0 && c->n >= c->stop_at;
}

/* Walks of many pages (the next page fetched while one is handled, on
 * PostgreSQL): every row once, in order; a walk stopped in the middle leaves
 * the register usable. */
static void test_walks_over_pages(void **state)
{
    (void)state;
    hik = claim_of("Hikvision");
    dahua = claim_of("Dahua");
    const char *loc = sl_test_db("batch_pages");
    struct sl_store *s = open_at(loc);
    struct sl_err err = {0};
    int64_t site, scan = prepare(s, &site);
    enum { TOTAL = 12345 };
    static struct sl_obs_item it[SL_OBS_BATCH_MAX];
    static char mac[SL_OBS_BATCH_MAX][18], addr[SL_OBS_BATCH_MAX][48];
    static int64_t ids[SL_OBS_BATCH_MAX];
    for (int d0 = 0; d0 < TOTAL; d0 += SL_OBS_BATCH_MAX) {
        int n = TOTAL - d0 < SL_OBS_BATCH_MAX ? TOTAL - d0 : SL_OBS_BATCH_MAX;
        for (int i = 0; i < n; i++) {
            int d = d0 + i;
            snprintf(mac[i], sizeof mac[i], "02:00:01:%02x:%02x:%02x", (d >> 16) & 255,
                     (d >> 8) & 255, d & 255);
            snprintf(addr[i], sizeof addr[i], "198.19.%d.%d", d / 250, d % 250 + 1);
            it[i] = (struct sl_obs_item){
                {scan, site, mac[i], NULL, addr[i], "80", &hik, &prohibited, SEEN + d}, NULL, 0};
        }
        if (sl_store_observe_batch(s, it, (size_t)n, "scanner", ids, NULL, &err) != 0)
            fail_msg("batch: %s", err.msg);
    }
    long want = TOTAL + 5; /* and the seeds' creation events */
    struct replay_count c = {0, 0, "", 0, true};
    assert_int_equal(sl_store_event_replay(s, NULL, count_replay, &c, &err), 0);
    assert_int_equal(c.n, want);
    assert_true(c.ordered);
    /* Every page read even when the handler's own statements collect the
     * page on its way (PostgreSQL read such a page as empty: the walk ended
     * after two pages and the report counted a fraction of the register). */
    struct replay_busy busy = {{0, 0, "", 0, true}, s, false};
    assert_int_equal(sl_store_event_replay(s, NULL, count_replay_busy, &busy, &err), 0);
    assert_false(busy.failed);
    assert_int_equal(busy.c.n, want);
    assert_true(busy.c.ordered);
    struct replay_count a = {0, 0, "", 0, true};
    assert_int_equal(sl_store_affected_list(s, count_affected, &a, &err), 0);
    assert_int_equal(a.n, want); /* every one prohibited */
    assert_true(a.ordered);
    /* Stopped in the second page, with the third on its way. */
    struct replay_count part = {0, 7000, "", 0, true};
    assert_int_equal(sl_store_event_replay(s, NULL, count_replay, &part, &err), 0);
    assert_int_equal(part.n, 7000);
    struct sl_status_counts sc;
    assert_int_equal(sl_store_count_devices(s, NULL, &sc, &err), 0);
    assert_int_equal(sc.total, want);
    /* Up to a time: the seeds and the first 100 devices. */
    struct replay_count until = {0, 0, "", 0, true};
    assert_int_equal(sl_store_event_replay(s, "2026-01-01T00:01:39Z", count_replay, &until, &err),
                     0);
    assert_int_equal(until.n, 5 + 100);
    sl_store_close(s);
}

/* A write the register refused for the moment (SQLite's lock not free within
 * its busy timeout on a loaded machine, a server's deadlock victim) is tried
 * again, as a real writer does; anything else ends the writer. */
static bool again(const struct sl_err *err, int *tries)
{
    return (err->kind == SL_ERR_UNAVAILABLE || err->kind == SL_ERR_CONFLICT) && ++*tries < 20;
}

/* One writer of the race below: its own scan, the same 300 devices in an
 * order of its own, three times over. */
static void race_writer(const char *loc, int k)
{
    struct sl_store *s;
    struct sl_err err = {0};
    int tries = 0;
    if (sl_store_open(&s, loc, 0, &err) != 0)
        _exit(3);
    int64_t scan = 0;
    while (sl_store_scan_begin(s, 1, "scan", "198.18.0.0/24", NULL, "race", &scan, &err) != 0)
        if (!again(&err, &tries)) {
            fprintf(stderr, "writer %d: %s\n", k, err.msg);
            _exit(4);
        }
    enum { N = 300 };
    static struct sl_obs_item it[N];
    static char mac[N][18], addr[N][48];
    int64_t ids[N];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            int d = (i + k * 37 + round * 101) % N;
            snprintf(mac[i], sizeof mac[i], "02:00:02:00:%02x:%02x", d >> 8, d & 255);
            snprintf(addr[i], sizeof addr[i], "198.18.%d.%d", 100 + d / 200, d % 200 + 1);
            it[i] = (struct sl_obs_item){
                {scan, 1, mac[i], NULL, addr[i], "80", &hik, &prohibited, 0}, evp, 1};
        }
        while (sl_store_observe_batch(s, it, N, "race", ids, NULL, &err) != 0)
            if (!again(&err, &tries)) {
                fprintf(stderr, "writer %d: %s\n", k, err.msg);
                _exit(5);
            }
    }
    while (sl_store_scan_finish(s, scan, SL_SCAN_COMPLETE, N, N, N, "race", &err) != 0)
        if (!again(&err, &tries)) {
            fprintf(stderr, "writer %d: %s\n", k, err.msg);
            _exit(6);
        }
    sl_store_close(s);
    _exit(0);
}

/* Eight processes writing batches of the same devices at once: each device
 * once, the chain one line, the replay without a mismatch. */
static void test_batches_racing(void **state)
{
    (void)state;
    hik = claim_of("Hikvision");
    dahua = claim_of("Dahua");
    make_evidence();
    char loc[4096];
    snprintf(loc, sizeof loc, "%s", sl_test_db("batch_race"));
    struct sl_store *s = open_at(loc);
    int64_t site;
    (void)prepare(s, &site);
    assert_int_equal(site, 1);
    sl_store_close(s);
    pid_t pid[8];
    for (int k = 0; k < 8; k++)
        if ((pid[k] = fork()) == 0)
            race_writer(loc, k);
    for (int k = 0; k < 8; k++) {
        int st = 0;
        assert_int_equal(waitpid(pid[k], &st, 0), pid[k]);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            fail_msg("writer %d failed (status %d)", k, st);
    }
    s = open_at(loc);
    struct sl_err err = {0};
    struct sl_status_counts c;
    assert_int_equal(sl_store_count_devices(s, NULL, &c, &err), 0);
    assert_int_equal(c.total, 5 + 300);
    struct sl_audit_report rep;
    assert_int_equal(sl_store_verify(s, &rep, &err), 0);
    if (rep.first_bad_seq != 0 || rep.mismatches != 0)
        fail_msg("chain %s, %lld mismatches", rep.problem, (long long)rep.mismatches);
    /* The site, 2 + 8 scans begun, 8 finished, the seeds; 300 discoveries;
     * 8 writers x 3 rounds x 300 evidence entries. */
    assert_int_equal(rep.entries, 1 + 10 + 8 + 5 + 300 + 8 * 3 * 300);
    sl_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_equals_one_by_one),
        cmocka_unit_test(test_batch_sharing_identity),
        cmocka_unit_test(test_batch_all_or_nothing),
        cmocka_unit_test(test_walks_over_pages),
        cmocka_unit_test(test_batches_racing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
