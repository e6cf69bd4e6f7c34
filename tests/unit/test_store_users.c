/* test_store_users.c - the dashboard's part of the register on both backends:
 * accounts, grants, sessions, four-eyes exemption requests, the keyset-paged
 * device list with its site filter; and the grants' parsing and matching. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "testutil.h"
#include "web/roles.h"

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

static int count_grant(const struct sl_grant *g, void *ctx)
{
    (void)g;
    (*(int *)ctx)++;
    return 0;
}

static void test_accounts_and_grants(void **state)
{
    (void)state;
    struct sl_store *s = fresh("users_accounts");
    struct sl_err err = {0};
    int64_t id;
    assert_int_equal(sl_store_user_add(s, "alice", "$argon2id$fake", "tester", &id, &err), 0);
    assert_int_equal(sl_store_user_add(s, "alice", "$argon2id$fake", "tester", NULL, &err), -1);
    assert_int_equal(err.kind, SL_ERR_EXISTS);
    struct sl_grant g;
    assert_int_equal(sl_grant_parse("site-editor:site:Elm Park", &g), 0);
    assert_string_equal(g.scope_kind, "site");
    assert_string_equal(g.scope_value, "Elm Park");
    assert_int_equal(sl_store_grant_add(s, "alice", &g, "tester", &err), 0);
    assert_int_equal(sl_store_grant_add(s, "alice", &g, "tester", &err), -1);
    assert_int_equal(err.kind, SL_ERR_EXISTS);
    assert_int_equal(sl_grant_parse("viewer", &g), 0);
    assert_int_equal(sl_store_grant_add(s, "alice", &g, "tester", &err), 0);
    assert_int_equal(sl_store_grant_add(s, "nobody-here", &g, "tester", &err), -1);
    assert_int_equal(err.kind, SL_ERR_NOT_FOUND);
    int n = 0;
    assert_int_equal(sl_store_grant_list(s, id, count_grant, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(sl_store_grant_remove(s, "alice", &g, "tester", &err), 1);
    assert_int_equal(sl_store_grant_remove(s, "alice", &g, "tester", &err), 0);

    /* Sessions end when the password changes or the account is disabled. */
    struct sl_session ss;
    assert_int_equal(sl_store_session_add(s, "h1", id, "csrf1", 1000, "127.0.0.1", &err), 0);
    assert_int_equal(sl_store_session_get(s, "h1", &ss, &err), 1);
    assert_string_equal(ss.csrf, "csrf1");
    assert_int_equal(ss.created_at, 1000);
    assert_int_equal(sl_store_session_touch(s, "h1", 1500, &err), 0);
    assert_int_equal(sl_store_session_get(s, "h1", &ss, &err), 1);
    assert_int_equal(ss.last_seen, 1500);
    assert_int_equal(sl_store_user_set_password(s, "alice", "$argon2id$new", "alice", &err), 1);
    assert_int_equal(sl_store_session_get(s, "h1", &ss, &err), 0);
    assert_int_equal(sl_store_session_add(s, "h2", id, "c", 1000, "", &err), 0);
    assert_int_equal(sl_store_user_set_disabled(s, "alice", true, "tester", &err), 1);
    assert_int_equal(sl_store_session_get(s, "h2", &ss, &err), 0);
    assert_int_equal(sl_store_user_set_disabled(s, "nobody-here", true, "tester", &err), 0);
    struct sl_user u;
    assert_int_equal(sl_store_user_get(s, "alice", &u, &err), 1);
    assert_true(u.disabled);
    assert_string_equal(u.pwhash, "$argon2id$new");
    /* Purge: idle or too old. */
    assert_int_equal(sl_store_session_add(s, "old", id, "c", 100, "", &err), 0);
    assert_int_equal(sl_store_session_add(s, "new", id, "c", 5000, "", &err), 0);
    assert_int_equal(sl_store_session_purge(s, 1000, 0, &err), 0);
    assert_int_equal(sl_store_session_get(s, "old", &ss, &err), 0);
    assert_int_equal(sl_store_session_get(s, "new", &ss, &err), 1);
    /* Audited, never with the hash. */
    struct sl_audit_report rep;
    assert_int_equal(sl_store_verify(s, &rep, &err), 0);
    assert_int_equal(rep.first_bad_seq, 0);
    sl_store_close(s);
    char *leak = sl_test_db_text(loc, "SELECT count(*) FROM audit_log WHERE detail LIKE '%argon2%'");
    assert_non_null(leak);
    assert_string_equal(leak, "0");
    free(leak);
}

static int64_t add_device(struct sl_store *s, int64_t site_id, const char *address)
{
    struct sl_err err = {0};
    struct sl_claim claim = {0};
    struct sl_verdict v = {0};
    snprintf(claim.manufacturer, sizeof claim.manufacturer, "Hikvision");
    v.decision = SL_DECISION_PROHIBITED;
    struct sl_device_obs obs = {.site_id = site_id, .address = address, .claim = &claim,
                                .verdict = &v, .seen_at = 1700000000};
    int64_t id;
    bool created;
    if (sl_store_device_observe(s, &obs, "tester", &id, &created, &err) != 0)
        fail_msg("observe: %s", err.msg);
    return id;
}

struct page_ctx {
    int64_t ids[64];
    size_t n;
};

static int on_page(const struct sl_device *d, void *vctx)
{
    struct page_ctx *c = vctx;
    c->ids[c->n++] = d->id;
    return 0;
}

static void test_device_pages_and_requests(void **state)
{
    (void)state;
    struct sl_store *s = fresh("users_pages");
    struct sl_err err = {0};
    int64_t a, b;
    const char *na[] = {"127.1.0.0/24"}, *nb[] = {"127.2.0.0/24"};
    assert_int_equal(sl_store_site_add(s, "A", "Dept", SL_TIER_SENSITIVE, na, 1, "t", &a, &err), 0);
    assert_int_equal(sl_store_site_add(s, "B", "Dept", SL_TIER_OFFICIAL, nb, 1, "t", &b, &err), 0);
    int64_t ids[6];
    char addr[32];
    for (int i = 0; i < 6; i++) {
        snprintf(addr, sizeof addr, "127.%d.0.%d", i % 2 ? 2 : 1, i + 1);
        ids[i] = add_device(s, i % 2 ? b : a, addr);
    }
    /* Keyset pages of two, only site A, oldest first then newest first. */
    struct page_ctx c = {0};
    struct sl_device_page_query q = {.site_ids = &a, .n_site_ids = 1, .status = -1, .limit = 2};
    assert_int_equal(sl_store_device_page(s, &q, on_page, &c, &err), 0);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.ids[0], ids[0]);
    assert_int_equal(c.ids[1], ids[2]);
    q.after = c.ids[1];
    assert_int_equal(sl_store_device_page(s, &q, on_page, &c, &err), 0);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.ids[2], ids[4]);
    memset(&c, 0, sizeof c);
    struct sl_device_page_query all = {.status = -1, .desc = true, .limit = 10};
    assert_int_equal(sl_store_device_page(s, &all, on_page, &c, &err), 0);
    assert_int_equal(c.n, 6);
    assert_int_equal(c.ids[0], ids[5]);
    memset(&c, 0, sizeof c);
    struct sl_device_page_query none = {.site_ids = &a, .n_site_ids = 0, .status = -1, .limit = 10};
    assert_int_equal(sl_store_device_page(s, &none, on_page, &c, &err), 0);
    assert_int_equal(c.n, 0);
    struct sl_device_page_query st = {.status = SL_STATUS_CONFIRMED, .limit = 10,
                                      .manufacturer = "hikvision", .decision = "prohibited"};
    assert_int_equal(sl_store_device_page(s, &st, on_page, &c, &err), 0);
    assert_int_equal(c.n, 0);
    st.status = SL_STATUS_DISCOVERED;
    assert_int_equal(sl_store_device_page(s, &st, on_page, &c, &err), 0);
    assert_int_equal(c.n, 6);

    /* Exemption requests: decided once. */
    int64_t rq;
    assert_int_equal(sl_store_exreq_add(s, ids[0], "carol", "contract", "2030-01-31", &rq, &err), 0);
    struct sl_exreq r;
    assert_int_equal(sl_store_exreq_get(s, rq, &r, &err), 1);
    assert_string_equal(r.state, "pending");
    assert_string_equal(r.requested_by, "carol");
    assert_int_equal(sl_store_exreq_decide(s, rq, "approved", "dave", &err), 1);
    assert_int_equal(sl_store_exreq_decide(s, rq, "refused", "erin", &err), 0);
    assert_int_equal(sl_store_exreq_get(s, rq, &r, &err), 1);
    assert_string_equal(r.state, "approved");
    assert_string_equal(r.decided_by, "dave");
    sl_store_close(s);
}

/* The dashboard keeps its figures while the figures' head stays: account
 * entries (sign-ins, grants) leave it, any other change moves it. */
static void test_figures_head(void **state)
{
    (void)state;
    struct sl_store *s = fresh("users_figures_head");
    struct sl_err err = {0};
    int64_t h0, h1, seq;
    char hash[65];
    assert_int_equal(sl_store_figures_head(s, &h0, &err), 0);
    assert_int_equal(sl_store_user_add(s, "alice", "$argon2id$fake", "tester", NULL, &err), 0);
    assert_int_equal(sl_store_audit(s, "alice", "user.login", "user:alice", "{}", &err), 0);
    assert_int_equal(sl_store_figures_head(s, &h1, &err), 0);
    assert_int_equal(h1, h0);
    assert_int_equal(sl_store_audit_head(s, &seq, hash, &err), 0);
    assert_true(seq > h1); /* the chain itself moved */
    int64_t site;
    const char *nets[] = {"127.3.0.0/24"};
    assert_int_equal(sl_store_site_add(s, "C", "Dept", SL_TIER_SENSITIVE, nets, 1, "t", &site, &err), 0);
    assert_int_equal(sl_store_figures_head(s, &h1, &err), 0);
    assert_true(h1 > h0);
    assert_int_equal(sl_store_audit_head(s, &seq, hash, &err), 0);
    assert_int_equal(h1, seq);
    sl_store_close(s);
}

static int count_token(const struct sl_token *t, void *ctx)
{
    (void)t;
    (*(int *)ctx)++;
    return 0;
}

/* API tokens: found by hash only, revoked once, listed per account; their
 * audit entries are account entries (the figures' head does not move). */
static void test_tokens(void **state)
{
    (void)state;
    struct sl_store *s = fresh("users_tokens");
    struct sl_err err = {0};
    assert_int_equal(sl_store_user_add(s, "carol", "$argon2id$fake", "tester", NULL, &err), 0);
    int64_t head0, head1, id;
    assert_int_equal(sl_store_figures_head(s, &head0, &err), 0);
    assert_int_equal(sl_store_token_add(s, "nobody-here", "x", "h0", "read", 5000, "t", &id, &err), -1);
    assert_int_equal(err.kind, SL_ERR_NOT_FOUND);
    assert_int_equal(sl_store_token_add(s, "carol", "nightly", "h1", "write", 5000, "t", &id, &err), 0);
    assert_int_equal(sl_store_token_add(s, "carol", "again", "h1", "read", 5000, "t", NULL, &err), -1);
    struct sl_token t;
    assert_int_equal(sl_store_token_find(s, "h1", &t, &err), 1);
    assert_string_equal(t.user, "carol");
    assert_string_equal(t.scope, "write");
    assert_string_equal(t.label, "nightly");
    assert_int_equal(t.expires_at, 5000);
    assert_false(t.revoked);
    assert_int_equal(sl_store_token_find(s, "nope", &t, &err), 0);
    int n = 0;
    assert_int_equal(sl_store_token_list(s, "carol", count_token, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(sl_store_token_revoke(s, id, "t", &err), 1);
    assert_int_equal(sl_store_token_revoke(s, id, "t", &err), 0);
    assert_int_equal(sl_store_token_find(s, "h1", &t, &err), 1);
    assert_true(t.revoked);
    assert_int_equal(sl_store_figures_head(s, &head1, &err), 0);
    assert_int_equal(head1, head0);
    sl_store_close(s);
}

static void test_roles_match(void **state)
{
    (void)state;
    struct sl_roles r = {0};
    r.n = 2;
    r.g[0].role = SL_ROLE_EDITOR;
    r.g[0].kind = 2;
    snprintf(r.g[0].value, sizeof r.g[0].value, "A");
    r.g[1].role = SL_ROLE_VIEWER;
    r.g[1].kind = 1;
    snprintf(r.g[1].value, sizeof r.g[1].value, "Dept");
    struct sl_site_ref a = {1, "A", "Other"}, b = {2, "B", "Dept"}, none = {0, "", ""};
    assert_true(sl_roles_allow(&r, SL_ROLE_EDITOR, &a));
    assert_false(sl_roles_allow(&r, SL_ROLE_EDITOR, &b));
    assert_true(sl_roles_allow(&r, SL_ROLE_ANY, &b));
    assert_false(sl_roles_allow(&r, SL_ROLE_ANY, &none));
    assert_false(sl_roles_all_sites(&r, SL_ROLE_ANY));
    r.g[1].kind = 0;
    assert_true(sl_roles_allow(&r, SL_ROLE_VIEWER, &none));
    assert_false(sl_roles_allow(&r, SL_ROLE_APPROVER, &none));
    struct sl_grant g;
    assert_int_equal(sl_grant_parse("root", &g), -1);
    assert_int_equal(sl_grant_parse("viewer:galaxy:x", &g), -1);
    assert_int_equal(sl_grant_parse("viewer:site:", &g), -1);
    assert_int_equal(sl_grant_parse("auditor:all", &g), 0);
    assert_int_equal(sl_grant_parse("approver:department:Home Office", &g), 0);
    assert_string_equal(g.scope_kind, "department");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accounts_and_grants),
        cmocka_unit_test(test_device_pages_and_requests),
        cmocka_unit_test(test_roles_match),
        cmocka_unit_test(test_figures_head),
        cmocka_unit_test(test_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
