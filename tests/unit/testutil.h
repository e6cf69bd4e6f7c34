/* testutil.h - helpers shared by the cmocka unit tests. */
#ifndef SL_TESTUTIL_H
#define SL_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the four headers above first. */
#include <cmocka.h>

/* A fresh empty directory under $TMPDIR for one test; the path is owned by
 * testutil (static storage, valid until the next call). */
const char *sl_test_tmpdir(const char *name);

/* Path of a file in a fresh temp dir: "<tmpdir>/<file>". Static storage. */
const char *sl_test_tmpfile(const char *name, const char *file);

/* Writes a whole file; fails the test on error. */
void sl_test_write_file(const char *path, const char *content);

/* Runs a shell command, returns its exit status (or -1). Output goes to
 * *out (malloc'd, caller frees) when out != NULL. */
int sl_test_run(const char *cmd, char **out);

/* ---- registers on either backend -------------------------------------------------
 * When $SL_TEST_PG is set (scripts/pg-cluster run sets it to "host=SOCKETDIR"),
 * store tests run against PostgreSQL; otherwise against SQLite files. */

/* true when the tests run against PostgreSQL. */
int sl_test_pg(void);

/* A fresh, empty register location named `name`: a new database in the
 * private cluster, or a file in a fresh temp dir. Static storage. */
const char *sl_test_db(const char *name);

/* Runs raw SQL on a register behind the store's back (tampering, probing);
 * returns 0 on success. */
int sl_test_db_exec(const char *location, const char *sql);

/* The first column of the first row of a query, as text (malloc'd, caller
 * frees), or NULL when there is no row or on error. */
char *sl_test_db_text(const char *location, const char *sql);
/* ---- reports ---------------------------------------------------------------------- */

/* The JSON value at a dotted path ("milestones.0.status"), borrowed, or NULL. */
struct json_t *sl_test_json_path(struct json_t *root, const char *path);

struct sl_store;
struct sl_progress;
/* The report of p in `format` (enum sl_report_format, 50 devices listed),
 * malloc'd; fails the test on error. */
char *sl_test_render(int format, struct sl_store *s, const struct sl_progress *p);

/* A scalar as the reports write it: integers as digits, reals with one
 * decimal, strings as they are, null as `null_text`. 0, or -1 when v is no
 * scalar. */
int sl_test_json_text(struct json_t *v, const char *null_text, char *out, size_t n);

/* Every figure of an HTML report (data-figure="PATH", PATH starting with
 * prefix) equals the JSON report's value at PATH (integers as digits, reals
 * with one decimal, null as "none"); fails the test on the first that does
 * not. Returns how many were compared. */
size_t sl_test_figures_match(const char *html, struct json_t *json, const char *prefix);

/* ---- vehicles --------------------------------------------------------------------- */

struct sl_policy_set;
struct sl_vrules;
struct sl_assessor;
/* The policies and vehicle rules of data/, and an assessor for a sensitive
 * site judging as of the end of `day`; fails the test on error. */
void sl_test_vehicle_assessor(struct sl_policy_set **ps, struct sl_vrules **vr,
                              struct sl_assessor **a, const char *day);
void sl_test_vehicle_assessor_free(struct sl_policy_set *ps, struct sl_vrules *vr,
                                   struct sl_assessor *a);

/* The identify fixtures (tests/fixtures/ident/devices.jsonl), malloc'd. */
char *sl_test_fixtures(size_t *len);

struct json_t;
struct sl_ident;
struct sl_ident_acc;

/* The identify engine of the source tree's data/ (fails the test when it
 * cannot be loaded); the caller frees it with sl_ident_free. */
struct sl_ident *sl_test_ident(void);

/* One evidence record in the fixtures' form ({"proto", "port", "path", "data" or
 * "data_b64"}, tests/fixtures/ident/devices.jsonl) observed into acc. */
void sl_test_observe_record(struct sl_ident_acc *acc, const struct json_t *record);

#endif
