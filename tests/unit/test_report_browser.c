/* test_report_browser.c - the HTML report opened in headless Chromium renders,
 * and every figure it shows (data-figure="JSON.PATH") equals the JSON report's. */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/demo_history.h"
#include "programme/progress.h"
#include "report/report.h"
#include "store/store.h"

static const char *chromium(void)
{
    static const char *const names[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser"};
    for (size_t i = 0; i < 2; i++)
        if (access(names[i], X_OK) == 0)
            return names[i];
    return NULL;
}

/* Long: one scenario (seed, render, start Chromium, read back, compare), read
 * top to bottom like the test it is. */
static void test_html_in_chromium_matches_json(void **state)
{
    (void)state;
    const char *browser = chromium();
    if (browser == NULL)
        skip(); /* scripts/bootstrap installs chromium */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", sl_test_tmpdir("report-browser"));
    char path[4200], html[4200], jpath[4200];
    snprintf(path, sizeof path, "%s/r.db", dir);
    snprintf(html, sizeof html, "%s/report.html", dir);
    snprintf(jpath, sizeof jpath, "%s/report.json", dir);

    struct sl_store *s;
    struct sl_err err;
    assert_int_equal(sl_store_open(&s, path, 0, &err), 0);
    struct sl_demo_opts o = {11, 0, 1.0, NULL, "test"};
    sl_time_parse_end_of_day("2026-11-27", &o.now);
    char csv[4200];
    snprintf(csv, sizeof csv, "%s/data/demo/sites.csv", SL_TEST_SOURCE_DIR);
    o.sites_csv = csv;
    struct sl_demo_summary sum;
    if (sl_demo_seed(s, &o, &sum, &err) != 0)
        fail_msg("%s", err.msg);
    struct sl_prog_options po;
    memset(&po, 0, sizeof po);
    po.as_of = "2026-11-27";
    struct sl_progress *p;
    assert_int_equal(sl_progress_compute(s, &po, &p, &err), 0);
    struct sl_report_opts ro = {200};
    FILE *f = fopen(html, "w");
    assert_non_null(f);
    assert_int_equal(sl_report_html(f, s, p, &ro, &err), 0);
    fclose(f);
    f = fopen(jpath, "w");
    assert_non_null(f);
    assert_int_equal(sl_report_json(f, s, p, &ro, &err), 0);
    fclose(f);
    sl_progress_free(p);
    sl_store_close(s);

    /* The report needs no network, and the browser gets none: where a network
     * namespace can be made (root, as in CI) Chromium runs in an empty one, so
     * whatever it would fetch on its own (updates, safe browsing) cannot leave. */
    const char *isolate = system("unshare --net true 2>/dev/null") == 0 ? "unshare --net " : "";
    char cmd[16384];
    snprintf(cmd, sizeof cmd,
             "timeout 120 %s%s --headless --no-sandbox --disable-gpu --disable-background-networking"
             " --no-first-run --enable-logging=stderr --v=0 --user-data-dir='%s/chrome'"
             " --dump-dom 'file://%s' 2>'%s/chrome.log'",
             isolate, browser, dir, html, dir);
    char *dom = NULL;
    int rc = sl_test_run(cmd, &dom);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(dom, "</html>"));
    /* no console errors (a blocked resource or a bad inline style would log
     * one). Chromium's own chrome:// pages log too - under load "Slow network is
     * detected" from its composebox font - and those are not the report's. */
    char logcmd[8400];
    snprintf(logcmd, sizeof logcmd,
             "grep 'CONSOLE' '%s/chrome.log' | grep -vc 'source: chrome://' || true", dir);
    char *log = NULL;
    sl_test_run(logcmd, &log);
    assert_int_equal(strtol(log, NULL, 10), 0);
    free(log);

    json_error_t je;
    json_t *j = json_load_file(jpath, 0, &je);
    if (j == NULL)
        fail_msg("JSON report: %s", je.text);
    size_t compared = sl_test_figures_match(dom, j, "");
    if (compared < 60)
        fail_msg("only %zu figures compared", compared);
    printf("compared %zu figures between the rendered page and the JSON report\n", compared);
    json_decref(j);
    free(dom);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    sl_test_run(cmd, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_in_chromium_matches_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
