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

#endif
