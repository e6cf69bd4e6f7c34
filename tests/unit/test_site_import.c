/* test_site_import.c - CSV site import: a good file, and every kind of bad row,
 * each named by line and column, with nothing imported. */
#include "testutil.h"

#include <string.h>

#include "programme/site_import.h"
#include "store/store.h"

static struct sl_store *store;

static int setup(void **state)
{
    (void)state;
    struct sl_err err = {0};
    if (sl_store_open(&store, sl_test_tmpfile("import", "reg.db"), 0, &err) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sl_store_close(store);
    return 0;
}

static int count_one(const struct sl_site *s, void *ctx)
{
    (void)s;
    (*(int *)ctx)++;
    return 0;
}

static int count_sites(void)
{
    int n = 0;
    struct sl_err err = {0};
    if (sl_store_site_list(store, count_one, &n, &err) != 0)
        fail_msg("%s", err.msg);
    return n;
}

/* Imports text; returns the result and copies the first problem into first. */
static int import(const char *csv, struct sl_import_problems *probs, size_t *n)
{
    struct sl_err err = {0};
    int rc = sl_site_import_csv(store, csv, strlen(csv), "tester", n, probs, &err);
    if (rc < 0)
        fail_msg("runtime error: %s", err.msg);
    return rc;
}

static void expect_problem(const char *csv, const char *needle)
{
    int before = count_sites();
    struct sl_import_problems probs;
    size_t n = 99;
    assert_int_equal(import(csv, &probs, &n), 1);
    assert_int_equal(n, 0);
    assert_true(probs.count >= 1);
    int found = 0;
    for (size_t i = 0; i < probs.count && i < SL_IMPORT_MAX_PROBLEMS; i++)
        if (strstr(probs.text[i], needle) != NULL)
            found = 1;
    if (!found)
        fail_msg("expected a problem containing \"%s\", got \"%s\"", needle, probs.text[0]);
    assert_int_equal(count_sites(), before); /* nothing imported */
}

static void test_good_file(void **state)
{
    (void)state;
    const char *csv = "\xef\xbb\xbfName,Tier,Department,Networks\r\n"
                      "North,sensitive,Dept A,198.18.1.0/24\r\n"
                      "\"South, Annex\",OFFICIAL,\"Dept \"\"B\"\"\",\"198.18.2.0/24, 2001:db8::/32\"\r\n"
                      "\r\n"
                      "East,public,Dept A,198.18.3.0/24;198.18.4.0/25 198.18.5.7\n"
                      "West,public,Dept C,\n";
    struct sl_import_problems probs;
    size_t n = 0;
    assert_int_equal(import(csv, &probs, &n), 0);
    assert_int_equal(n, 4);
    struct sl_site site;
    struct sl_err err = {0};
    assert_int_equal(sl_store_site_get(store, "South, Annex", &site, &err), 1);
    assert_string_equal(site.department, "Dept \"B\"");
    assert_int_equal(site.tier, SL_TIER_OFFICIAL);
    assert_int_equal(site.n_networks, 2);
    assert_string_equal(site.networks[1], "2001:db8::/32");
    sl_site_free(&site);
    assert_int_equal(sl_store_site_get(store, "East", &site, &err), 1);
    assert_int_equal(site.n_networks, 3);
    assert_string_equal(site.networks[2], "198.18.5.7/32");
    sl_site_free(&site);
    assert_int_equal(sl_store_site_get(store, "West", &site, &err), 1);
    assert_int_equal(site.n_networks, 0);
    sl_site_free(&site);
}

static void test_bad_header(void **state)
{
    (void)state;
    expect_problem("", "the file is empty");
    expect_problem("name,department,tier\nA,B,public\n", "no 'networks' column");
    expect_problem("name,department,tier,networks,colour\n", "line 1, column 5: unknown column 'colour'");
    expect_problem("name,department,tier,networks,name\n", "line 1, column 5: column 'name' appears twice");
    expect_problem("name,department,tier,networks\n", "only a header");
}

static void test_bad_rows(void **state)
{
    (void)state;
    const char *head = "name,department,tier,networks\n";
    char csv[1024];
#define ROW(r) (snprintf(csv, sizeof csv, "%sok1,D,public,198.18.9.0/24\n%s", head, r), csv)
    expect_problem(ROW("A,D,secret,198.18.1.0/24\n"),
                   "line 3, column 3 (tier): 'secret' is not one of sensitive, official, public");
    expect_problem(ROW("A,D,public,198.18.1.0/33\n"), "line 3, column 4 (networks)");
    expect_problem(ROW("A,D,public,198.18.1.1/24\n"), "did you mean 198.18.1.0/24?");
    expect_problem(ROW("A,D,public,not-a-network\n"), "line 3, column 4 (networks): 'not-a-network'");
    expect_problem(ROW(",D,public,198.18.1.0/24\n"), "line 3, column 1 (name): empty");
    expect_problem(ROW("A,   ,public,198.18.1.0/24\n"), "line 3, column 2 (department): empty");
    expect_problem(ROW("A,D,public\n"), "line 3: 3 fields, the header has 4");
    expect_problem(ROW("A,D,public,198.18.1.0/24,extra\n"), "line 3: 5 fields");
    expect_problem(ROW("\"A\x01\",D,public,198.18.1.0/24\n"), "control characters");
    expect_problem(ROW("A,D,public,\"198.18.1.0/24\n"), "quoted field never closed");
    expect_problem(ROW("A,D\"x,public,198.18.1.0/24\n"), "line 3, column 2 (department): quote inside unquoted field");
    expect_problem(ROW("ok1,D,public,198.18.1.0/24\n"), "line 3, column 1 (name): site 'ok1' also on line 2");
    char longname[300];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    char row[400];
    snprintf(row, sizeof row, "%s,D,public,\n", longname);
    expect_problem(ROW(row), "line 3, column 1 (name): longer than 127 characters");
#undef ROW
}

static void test_existing_site(void **state)
{
    (void)state;
    struct sl_import_problems probs;
    size_t n;
    assert_int_equal(import("name,department,tier,networks\nKeep,D,public,\n", &probs, &n), 0);
    expect_problem("name,department,tier,networks\nNew,D,public,\nKeep,D,public,\n",
                   "line 3, column 1 (name): site 'Keep' already exists in the register");
}

static void test_many_problems_listed(void **state)
{
    (void)state;
    struct sl_import_problems probs;
    size_t n;
    assert_int_equal(import("name,department,tier,networks\nA,D,x,\nB,D,y,\nC,D,z,\n", &probs, &n),
                     1);
    assert_int_equal(probs.count, 3);
    assert_non_null(strstr(probs.text[0], "line 2"));
    assert_non_null(strstr(probs.text[2], "line 4"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_bad_header),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_existing_site),
        cmocka_unit_test(test_many_problems_listed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
