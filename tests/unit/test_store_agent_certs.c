/* test_store_agent_certs.c - certificate renewal in the register on both
 * backends: a renewed certificate is pending (both accepted), its first use
 * makes it current and retires the old one (then refused), a second renewal
 * replaces one never used, every certificate the agent held
 * still verifies its batches; and the PKI's renewal helpers (a CSR naming
 * its agent, validity, key pairs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/pki.h"
#include "store/agents.h"
#include "testutil.h"

#define UID "0123456789abcdef0123456789abcdef"

static int count_cb(const char *pem, void *ctx)
{
    (void)pem;
    ++*(int *)ctx;
    return 0;
}

static int certs_held(struct sl_store *s, int64_t id)
{
    int n = 0;
    struct sl_err err = {0};
    assert_int_equal(sl_store_agent_certs_each(s, id, count_cb, &n, &err), 0);
    return n;
}

static void test_renew_switch_retire(void **state)
{
    (void)state;
    struct sl_err err = {0};
    struct sl_store *s;
    char loc[4096];
    snprintf(loc, sizeof loc, "%s", sl_test_db("agent_certs"));
    if (sl_store_open(&s, loc, 0, &err) != 0)
        fail_msg("open: %s", err.msg);
    const char *nets[] = {"198.18.1.0/24"};
    int64_t site = 0, now = sl_now();
    assert_int_equal(sl_store_site_add(s, "North", "D", SL_TIER_SENSITIVE, nets, 1, "tester",
                                       &site, &err), 0);
    assert_int_equal(sl_store_agent_token_add(s, "aa", site, now + 60, 600, "tester", &err), 0);
    struct sl_agent a, b;
    struct sl_agent_enrolment e = {.token_sha256 = "aa", .uid = UID, .name = "north-1",
                                   .cert_pem = "PEM1", .cert_sha256 = "c1",
                                   .not_after = now + 86400, .now = now};
    assert_int_equal(sl_store_agent_enrol(s, &e, &a, &err), 0);
    const char *why = NULL;
    /* Renewed: both the current and the pending certificate are the agent's. */
    struct sl_agent_renewal r = {&a, "PEM2", "c2", now + 2 * 86400, now};
    assert_int_equal(sl_store_agent_renew(s, &r, "agent:north-1", &err), 0);
    assert_int_equal(sl_store_agent_by_cert(s, "c1", now, &b, &why, &err), 1);
    assert_string_equal(b.cert_sha256, "c1");
    assert_int_equal(certs_held(s, a.id), 2);
    /* A second renewal replaces the first pending one, never used. */
    r.cert_pem = "PEM3";
    r.cert_sha256 = "c3";
    assert_int_equal(sl_store_agent_renew(s, &r, "agent:north-1", &err), 0);
    assert_int_equal(certs_held(s, a.id), 2);
    assert_int_equal(sl_store_agent_by_cert(s, "c2", now, &b, &why, &err), 0);
    assert_non_null(strstr(why, "no enrolled agent"));
    /* The first use of c3 makes it current and retires c1. */
    assert_int_equal(sl_store_agent_by_cert(s, "c3", now, &b, &why, &err), 1);
    assert_string_equal(b.cert_sha256, "c3");
    assert_int_equal(b.not_after, now + 2 * 86400);
    assert_int_equal(sl_store_agent_by_cert(s, "c3", now, &b, &why, &err), 1);
    assert_int_equal(sl_store_agent_by_cert(s, "c1", now, &b, &why, &err), 0);
    assert_non_null(strstr(why, "retired"));
    assert_int_equal(sl_store_agent_by_cert(s, "zz", now, &b, &why, &err), 0);
    assert_non_null(strstr(why, "no enrolled agent"));
    assert_int_equal(certs_held(s, a.id), 2); /* c3 current, c1 retired */
    char *pem = NULL;
    assert_int_equal(sl_store_agent_cert(s, a.id, &pem, &err), 1);
    assert_string_equal(pem, "PEM3");
    free(pem);
    char *n = sl_test_db_text(loc,
                              "SELECT count(*) FROM audit_log WHERE action IN"
                              " ('agent.renew', 'agent.cert.switch')");
    assert_string_equal(n, "3");
    free(n);
    struct sl_audit_report rep;
    memset(&rep, 0, sizeof rep);
    assert_int_equal(sl_store_verify(s, &rep, &err), 0);
    assert_int_equal(rep.mismatches, 0);
    sl_store_close(s);
}

static void test_pki_renewal_helpers(void **state)
{
    (void)state;
    struct sl_err err = {0};
    char *key = NULL, *csr = NULL, *key2 = NULL, *csr2 = NULL, *cert = NULL, sha[65], uid[33];
    struct sl_pki_ca ca;
    bool made;
    assert_int_equal(sl_pki_ca_load(&ca, sl_test_tmpdir("agent_certs_ca"), &made, &err), 0);
    assert_int_equal(sl_pki_make_key_csr_for(UID, &key, &csr, &err), 0);
    assert_int_equal(sl_pki_csr_uid(csr, strlen(csr), uid, &err), 0);
    assert_string_equal(uid, UID);
    assert_int_equal(sl_pki_make_key_csr(&key2, &csr2, &err), 0);
    assert_int_equal(sl_pki_csr_uid(csr2, strlen(csr2), uid, &err), -1); /* CN "agent" */
    assert_int_equal(err.kind, SL_ERR_INVALID);
    assert_int_equal(sl_pki_csr_uid("junk", 4, uid, &err), -1);
    int64_t not_after = 0, nb = 0, na = 0;
    assert_int_equal(sl_pki_issue(&ca, csr, strlen(csr), UID, "North", 30, &cert, sha,
                                  &not_after, &err), 0);
    assert_int_equal(sl_pki_cert_times(cert, &nb, &na, &err), 0);
    assert_true(na - nb == 30 * 86400 + 3600);
    assert_true(na - not_after < 5 && not_after - na < 5);
    assert_true(sl_pki_pair_matches(cert, key));
    assert_false(sl_pki_pair_matches(cert, key2));
    assert_false(sl_pki_pair_matches("junk", key));
    free(key);
    free(csr);
    free(key2);
    free(csr2);
    free(cert);
    sl_pki_ca_free(&ca);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_renew_switch_retire),
        cmocka_unit_test(test_pki_renewal_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
