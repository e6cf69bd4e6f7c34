/* test_store_agents.c - site agents in the register on both backends: tokens
 * spent once, expired tokens, enrolment, revocation and renaming, batches
 * applied once (the batch format's reader and the CA's checks too), several
 * batches a transaction (a writer's group: a replay in it applied once, a
 * failing batch taking no other down) and the writers' queue (each batch
 * done only once committed); and the audit chain's dates when a long
 * transaction commits after a short one. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/pki.h"
#include "scan/batch.h"
#include "store/agents.h"
#include "testutil.h"
#include "web/agent_writer.h"

static char loc[4096];

static struct sl_store *fresh(const char *name)
{
    struct sl_err err = {0};
    struct sl_store *s;
    snprintf(loc, sizeof loc, "%s", sl_test_db(name));
    if (sl_store_open(&s, loc, 0, &err) != 0)
        fail_msg("open: %s", err.msg);
    return s;
}

static int64_t add_site(struct sl_store *s, const char *name, const char *net)
{
    struct sl_err err = {0};
    int64_t id = 0;
    const char *nets[] = {net};
    if (sl_store_site_add(s, name, "D", SL_TIER_SENSITIVE, nets, 1, "tester", &id, &err) != 0)
        fail_msg("site: %s", err.msg);
    return id;
}

static void test_tokens_and_enrolment(void **state)
{
    (void)state;
    struct sl_store *s = fresh("agents_tokens");
    struct sl_err err = {0};
    int64_t site = add_site(s, "North", "198.18.1.0/24");
    int64_t now = sl_now();
    assert_int_equal(sl_store_agent_token_add(s, "aa", site, now + 60, 600, "tester", &err), 0);
    assert_int_equal(sl_store_agent_token_add(s, "bb", site, now - 1, 600, "tester", &err), 0);
    struct sl_agent a;
    struct sl_agent_enrolment e = {.token_sha256 = "aa", .uid = "0123456789abcdef0123456789abcdef",
                                   .name = "north-1", .cert_pem = "PEM", .cert_sha256 = "c1",
                                   .not_after = now + 86400, .now = now};
    assert_int_equal(sl_store_agent_enrol(s, &e, &a, &err), 0);
    assert_string_equal(a.sites, "North");
    assert_int_equal(a.schedule, 600);
    /* Spent, expired, unknown: each refused with its kind, no agent added. */
    e.uid = "1123456789abcdef0123456789abcdef";
    e.name = "north-2";
    e.cert_sha256 = "c2";
    assert_int_equal(sl_store_agent_enrol(s, &e, &a, &err), -1);
    assert_int_equal(err.kind, SL_ERR_CONFLICT);
    e.token_sha256 = "bb";
    assert_int_equal(sl_store_agent_enrol(s, &e, &a, &err), -1);
    assert_int_equal(err.kind, SL_ERR_INVALID);
    e.token_sha256 = "cc";
    assert_int_equal(sl_store_agent_enrol(s, &e, &a, &err), -1);
    assert_int_equal(err.kind, SL_ERR_NOT_FOUND);
    assert_int_equal(sl_store_agent_get(s, "north-2", &a, &err), 0);
    /* Found by name, uid or certificate hash; renamed; revoked once. */
    assert_int_equal(sl_store_agent_get(s, "c1", &a, &err), 1);
    assert_int_equal(sl_store_agent_rename(s, "north-1", "gate", "tester", &err), 1);
    assert_int_equal(sl_store_agent_revoke(s, "gate", "tester", &err), 1);
    assert_int_equal(sl_store_agent_revoke(s, "gate", "tester", &err), 0);
    assert_int_equal(sl_store_agent_get(s, "0123456789abcdef0123456789abcdef", &a, &err), 1);
    assert_true(a.revoked_at > 0);
    /* A batch UUID is applied once. */
    const char *u = "6f1d7a0e-8e2a-4c4e-9a61-0c2b9f1e2d3c";
    assert_int_equal(sl_store_agent_batch_seen(s, u, &err), 0);
    assert_int_equal(sl_store_begin(s, &err), 0);
    assert_int_equal(sl_store_agent_batch_add(s, u, a.id, 1, 3, 0, now, &err), 0);
    assert_int_equal(sl_store_commit(s, &err), 0);
    assert_int_equal(sl_store_agent_batch_seen(s, u, &err), 1);
    assert_int_equal(sl_store_agent_batch_add(s, u, a.id, 1, 3, 0, now, &err), -1);
    assert_int_equal(err.kind, SL_ERR_EXISTS);
    sl_store_close(s);
}

/* A transaction that queued its audit entry first and commits last still
 * dates it after the entry committed meanwhile (PostgreSQL: writers overlap;
 * SQLite's write lock keeps them apart anyway). Fails when entries keep the
 * time they were queued at. */
static void test_audit_dates_in_commit_order(void **state)
{
    (void)state;
    if (!sl_test_pg())
        skip();
    struct sl_store *s1 = fresh("agents_audit_order"), *s2;
    struct sl_err err = {0};
    if (sl_store_open(&s2, loc, 0, &err) != 0)
        fail_msg("open: %s", err.msg);
    assert_int_equal(sl_store_begin(s1, &err), 0);
    assert_int_equal(sl_store_audit(s1, "tester", "long", "x:1", "{}", &err), 0);
    sleep(2);
    assert_int_equal(sl_store_audit(s2, "tester", "short", "x:2", "{}", &err), 0);
    assert_int_equal(sl_store_commit(s1, &err), 0);
    struct sl_audit_report rep;
    memset(&rep, 0, sizeof rep);
    assert_int_equal(sl_store_verify(s1, &rep, &err), 0);
    if (rep.mismatches != 0)
        fail_msg("%s", rep.mismatch[0]);
    sl_store_close(s2);
    sl_store_close(s1);
}

/* The batch reader: a written, signed batch reads back; any change to a
 * signed byte fails the signature; strict records. */
static void test_batch_roundtrip(void **state)
{
    (void)state;
    char *key = NULL, *csr = NULL, *cert = NULL, sha[65], uid[33], sha2[65];
    struct sl_err err = {0};
    struct sl_pki_ca ca;
    bool made;
    assert_int_equal(sl_pki_ca_load(&ca, sl_test_tmpdir("agents_ca"), &made, &err), 0);
    assert_true(made);
    assert_int_equal(sl_pki_make_key_csr(&key, &csr, &err), 0);
    int64_t not_after;
    assert_int_equal(sl_pki_issue(&ca, csr, strlen(csr), "0123456789abcdef0123456789abcdef",
                                  "North", 30, &cert, sha, &not_after, &err), 0);
    assert_int_equal(sl_pki_issue(&ca, "junk", 4, "0123456789abcdef0123456789abcdef", "North",
                                  30, &cert, sha2, &not_after, &err), -1);
    assert_int_equal(err.kind, SL_ERR_INVALID);
    (void)uid;
    struct sl_buf b;
    sl_buf_init(&b, 1 << 20);
    const char *rec = "{\"address\":\"198.18.1.5\",\"bytes\":2,\"data\":\"aGk=\",\"detail\":null,"
                      "\"observed_at\":\"2026-12-01T10:00:00Z\",\"outcome\":\"ok\",\"path\":\"/\","
                      "\"port\":80,\"proto\":\"http\",\"request\":\"GET\",\"type\":\"evidence\",\"v\":1}\n"
                      "{\"address\":\"198.18.1.5\",\"ports\":[80],\"type\":\"device\",\"v\":1}\n";
    assert_int_equal(sl_batch_write_header(&b, "6f1d7a0e-8e2a-4c4e-9a61-0c2b9f1e2d3c",
                                           "0123456789abcdef0123456789abcdef", 1, 1, 2), 0);
    assert_int_equal(sl_buf_append_str(&b, rec), 0);
    assert_int_equal(sl_batch_sign(&b, key, &err), 0);
    struct sl_batch bt;
    assert_int_equal(sl_batch_parse((const char *)b.data, b.len, &bt, &err), 0);
    assert_int_equal(sl_pki_verify(cert, b.data, bt.signed_len, bt.sig, &err), 0);
    struct sl_batch_hosts *hs = NULL;
    assert_int_equal(sl_batch_hosts_read(&bt, &hs, &err), 0);
    assert_int_equal(sl_batch_hosts_count(hs), 1);
    sl_batch_hosts_free(hs);
    char *p = strstr((char *)b.data, "\"port\":80");
    p[8] = '1'; /* port 81 */
    assert_int_equal(sl_pki_verify(cert, b.data, bt.signed_len, bt.sig, &err), -1);
    /* A record with a field too many is refused, naming its line. */
    sl_buf_reset(&b);
    sl_batch_write_header(&b, "6f1d7a0e-8e2a-4c4e-9a61-0c2b9f1e2d3c",
                          "0123456789abcdef0123456789abcdef", 1, 1, 1);
    sl_buf_append_str(&b, "{\"address\":\"198.18.1.5\",\"ports\":[80],\"type\":\"device\",\"v\":1,"
                          "\"claim\":{}}\n");
    sl_batch_sign(&b, key, &err);
    assert_int_equal(sl_batch_parse((const char *)b.data, b.len, &bt, &err), 0);
    assert_int_equal(sl_batch_hosts_read(&bt, &hs, &err), -1);
    assert_non_null(strstr(err.msg, "line 2"));
    sl_buf_free(&b);
    free(key);
    free(csr);
    free(cert);
    sl_pki_ca_free(&ca);
}

/* ---- batches applied in groups, and the writers' queue ---- */

struct enrolled {
    struct sl_pki_ca ca;
    char *key, *cert;
    struct sl_agent a;
};

/* An agent of site North (198.18.1.0/24) with a real certificate. */
static void enrol_real(struct sl_store *s, const char *tmp, struct enrolled *e)
{
    char *csr = NULL, sha[65];
    struct sl_err err = {0};
    bool made;
    int64_t not_after, now = sl_now();
    const char *uid = "0123456789abcdef0123456789abcdef";
    assert_int_equal(sl_pki_ca_load(&e->ca, sl_test_tmpdir(tmp), &made, &err), 0);
    assert_int_equal(sl_pki_make_key_csr(&e->key, &csr, &err), 0);
    assert_int_equal(sl_pki_issue(&e->ca, csr, strlen(csr), uid, "North", 30, &e->cert, sha,
                                  &not_after, &err), 0);
    int64_t site = add_site(s, "North", "198.18.1.0/24");
    assert_int_equal(sl_store_agent_token_add(s, "aa", site, now + 60, 600, "tester", &err), 0);
    struct sl_agent_enrolment en = {.token_sha256 = "aa", .uid = uid, .name = "north-1",
                                    .cert_pem = e->cert, .cert_sha256 = sha,
                                    .not_after = not_after, .now = now};
    assert_int_equal(sl_store_agent_enrol(s, &en, &e->a, &err), 0);
    free(csr);
}

static void enrolled_free(struct enrolled *e)
{
    free(e->key);
    free(e->cert);
    sl_pki_ca_free(&e->ca);
}

/* A signed batch of hosts 198.18.1.FIRST .. FIRST+N-1 (an HTTP answer each). */
static void make_batch(struct sl_buf *b, const struct enrolled *e, const char *uuid, int first,
                       int n)
{
    struct sl_err err = {0};
    sl_buf_init(b, 1 << 20);
    assert_int_equal(sl_batch_write_header(b, uuid, e->a.uid, first, 1, (size_t)n * 2), 0);
    for (int i = first; i < first + n; i++) {
        char rec[600];
        snprintf(rec, sizeof rec,
                 "{\"address\":\"198.18.1.%d\",\"bytes\":2,\"data\":\"aGk=\",\"detail\":null,"
                 "\"observed_at\":\"2026-12-01T10:00:00Z\",\"outcome\":\"ok\",\"path\":\"/\","
                 "\"port\":80,\"proto\":\"http\",\"request\":\"GET\",\"type\":\"evidence\",\"v\":1}\n"
                 "{\"address\":\"198.18.1.%d\",\"ports\":[80],\"type\":\"device\",\"v\":1}\n",
                 i, i);
        assert_int_equal(sl_buf_append_str(b, rec), 0);
    }
    assert_int_equal(sl_batch_sign(b, e->key, &err), 0);
}

static long db_count(const char *sql)
{
    char *t = sl_test_db_text(loc, sql);
    long n = t != NULL ? atol(t) : -1;
    free(t);
    return n;
}

static void check_ok(struct sl_store *s, const struct enrolled *e, const struct sl_buf *b,
                     struct sl_batch_job *j, int want)
{
    struct sl_err err = {0};
    int rc = sl_batch_check(s, &e->a, (const char *)b->data, b->len, j, &err);
    if (rc != want)
        fail_msg("check: %d (%s)", rc, err.msg);
}

/* Several batches in one transaction: a replay inside the group applied
 * once; a batch that fails when applied (here: its agent gone from the
 * register) rolls the group back, the others are applied alone and it
 * fails alone; a batch applied meanwhile is acknowledged. */
static void test_batch_group(void **state)
{
    (void)state;
    struct sl_store *s = fresh("agents_group");
    struct enrolled e;
    enrol_real(s, "agents_group_ca", &e);
    const char *ua = "6f1d7a0e-8e2a-4c4e-9a61-0c2b9f1e2d31", *ub = "6f1d7a0e-8e2a-4c4e-9a61-0c2b9f1e2d32",
               *uc = "6f1d7a0e-8e2a-4c4e-9a61-0c2b9f1e2d33", *ud = "6f1d7a0e-8e2a-4c4e-9a61-0c2b9f1e2d34",
               *ux = "6f1d7a0e-8e2a-4c4e-9a61-0c2b9f1e2d35";
    struct sl_buf ba, bb, bc, bd, bx;
    make_batch(&ba, &e, ua, 1, 3);
    make_batch(&bb, &e, ub, 4, 3);
    make_batch(&bc, &e, uc, 7, 3);
    make_batch(&bd, &e, ud, 10, 3);
    make_batch(&bx, &e, ux, 13, 3);
    struct sl_batch_job ja, jb, ja2, jc, jd, jx;
    check_ok(s, &e, &ba, &ja, 1);
    check_ok(s, &e, &bb, &jb, 1);
    check_ok(s, &e, &ba, &ja2, 1);
    struct sl_scan_opts so;
    memset(&so, 0, sizeof so);
    struct sl_batch_job *g1[] = {&ja, &jb, &ja2};
    struct sl_err gerr = {0};
    assert_int_equal(sl_batch_apply_group(s, g1, 3, &so, &gerr), 0);
    for (int i = 0; i < 3; i++)
        if (g1[i]->rc != 0)
            fail_msg("group 1, job %d: %s", i, g1[i]->err.msg);
    assert_true(ja.res.applied);
    assert_true(jb.res.applied);
    assert_false(ja2.res.applied);
    assert_int_equal(ja.res.devices, 3);
    assert_int_not_equal(ja.res.scan_id, jb.res.scan_id);
    assert_int_equal(db_count("SELECT count(*) FROM devices"), 6);
    assert_int_equal(db_count("SELECT count(*) FROM evidence"), 6);
    assert_int_equal(db_count("SELECT count(*) FROM agent_batches"), 2);
    /* Seen now: a later copy is acknowledged at the check. */
    sl_batch_job_free(&ja2);
    check_ok(s, &e, &ba, &ja2, 0);

    check_ok(s, &e, &bc, &jc, 1);
    check_ok(s, &e, &bx, &jx, 1);
    check_ok(s, &e, &bd, &jd, 1);
    jx.agent.id = 999999; /* fails at its agent_batches row */
    struct sl_err err = {0};
    struct sl_batch_result res;
    assert_int_equal(sl_batch_ingest(s, &e.a, (const char *)bd.data, bd.len, &so, &res, &err), 0);
    assert_true(res.applied); /* d applied by another writer meanwhile */
    struct sl_batch_job *g2[] = {&jc, &jx, &jd};
    assert_int_equal(sl_batch_apply_group(s, g2, 3, &so, &gerr), -1);
    assert_int_equal(jc.rc, 0);
    assert_true(jc.res.applied);
    assert_int_equal(jx.rc, -1);
    assert_false(jx.res.applied);
    assert_int_equal(jd.rc, 0);
    assert_false(jd.res.applied);
    assert_int_equal(db_count("SELECT count(*) FROM devices"), 12);
    assert_int_equal(db_count("SELECT count(*) FROM evidence"), 12);
    assert_int_equal(db_count("SELECT count(*) FROM agent_batches"), 4);
    assert_int_equal(db_count("SELECT count(*) FROM devices WHERE address = '198.18.1.13'"), 0);
    struct sl_audit_report rep;
    memset(&rep, 0, sizeof rep);
    assert_int_equal(sl_store_verify(s, &rep, &err), 0);
    assert_int_equal(rep.mismatches, 0);
    struct sl_batch_job *all[] = {&ja, &jb, &ja2, &jc, &jx, &jd};
    for (int i = 0; i < 6; i++)
        sl_batch_job_free(all[i]);
    struct sl_buf *bufs[] = {&ba, &bb, &bc, &bd, &bx};
    for (int i = 0; i < 5; i++)
        sl_buf_free(bufs[i]);
    enrolled_free(&e);
    sl_store_close(s);
}

#define QUEUED 6
/* done() runs on either writer: one lock around the checking connection. */
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
struct done_ctx {
    struct sl_store *check; /* another connection */
    struct sl_batch_job *job;
    int seen_when_done;     /* sl_store_agent_batch_seen in done(), from outside */
    int *n_done;
};

static void on_done(void *p)
{
    struct done_ctx *d = p;
    struct sl_err err = {0};
    pthread_mutex_lock(&done_lock);
    d->seen_when_done = sl_store_agent_batch_seen(d->check, d->job->b.uuid, &err);
    (*d->n_done)++;
    pthread_mutex_unlock(&done_lock);
}

/* The writers' queue: every batch submitted is applied and done once, and
 * only once its commit can be seen from another connection. */
static void test_writer_queue(void **state)
{
    (void)state;
    struct sl_store *s = fresh("agents_writer"), *check;
    struct enrolled e;
    enrol_real(s, "agents_writer_ca", &e);
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&check, loc, 0, &err), 0);
    struct sl_buf b[QUEUED];
    struct sl_batch_job j[QUEUED];
    struct done_ctx d[QUEUED];
    int n_done = 0;
    for (int i = 0; i < QUEUED; i++) {
        char uuid[SL_BATCH_UUID_LEN + 1];
        snprintf(uuid, sizeof uuid, "6f1d7a0e-8e2a-4c4e-9a61-0c2b9f1e2e%02d", i);
        make_batch(&b[i], &e, uuid, 1 + 10 * i, 10);
        check_ok(s, &e, &b[i], &j[i], 1);
    }
    struct agent_writer *w;
    assert_int_equal(agent_writer_start(&w, loc, 2, NULL, NULL, &err), 0);
    for (int i = 0; i < QUEUED; i++)
        d[i] = (struct done_ctx){.check = check, .job = &j[i], .seen_when_done = -2, .n_done = &n_done};
    for (int i = 0; i < QUEUED; i++)
        assert_int_equal(agent_writer_submit(w, &j[i], on_done, &d[i]), 0);
    agent_writer_stop(w); /* applies what is queued first */
    assert_int_equal(n_done, QUEUED);
    for (int i = 0; i < QUEUED; i++) {
        if (j[i].rc != 0)
            fail_msg("job %d: %s", i, j[i].err.msg);
        assert_true(j[i].res.applied);
        assert_int_equal(d[i].seen_when_done, 1);
        sl_batch_job_free(&j[i]);
        sl_buf_free(&b[i]);
    }
    assert_int_equal(db_count("SELECT count(*) FROM devices"), 10 * QUEUED);
    assert_int_equal(db_count("SELECT count(*) FROM agent_batches"), QUEUED);
    sl_store_close(check);
    enrolled_free(&e);
    sl_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens_and_enrolment),
        cmocka_unit_test(test_audit_dates_in_commit_order),
        cmocka_unit_test(test_batch_roundtrip),
        cmocka_unit_test(test_batch_group),
        cmocka_unit_test(test_writer_queue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
