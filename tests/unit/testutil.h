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
