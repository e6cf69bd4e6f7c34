/* file.h - reading whole files with a size bound. */
#ifndef SL_UTIL_FILE_H
#define SL_UTIL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "util/err.h"

/* Reads all of path ("-" = standard input) into a NUL-terminated malloc'd
 * buffer (caller frees); *len excludes the NUL. Fails when the file is larger
 * than max bytes. Returns NULL with err set on failure. */
char *sl_read_file(const char *path, size_t max, size_t *len, struct sl_err *err);

/* ---- writing: never through a predictable name, never world-readable ---------------
 * Every file sightline writes (reports, baselines, state, the register) is
 * created with sl_file_mode(): 0600, or 0640 when group reading is asked for
 * (sl_file_set_group_readable: [files] group_readable). A whole file is
 * written to a temporary made by mkstemp in the target's directory (O_EXCL:
 * it never follows a planted link) and renamed over the target at the end,
 * so a reader never sees half of it and nobody can make us write elsewhere. */

mode_t sl_file_mode(void);
void sl_file_set_group_readable(bool on);

/* A file being written: the temporary's stream and names. */
struct sl_atomic {
    FILE *f;
    char tmp[4096];
    char path[4096];
};
/* Opens a temporary beside path. Returns the stream, or NULL with err
 * ("cannot write PATH: strerror"). */
FILE *sl_atomic_open(struct sl_atomic *a, const char *path, struct sl_err *err);
/* Flushes, syncs and renames it over path; on any failure removes the
 * temporary and says which path failed and why (errno's text: a full disk is
 * "No space left on device"). 0 or -1. */
int sl_atomic_commit(struct sl_atomic *a, struct sl_err *err);
/* Drops the temporary. */
void sl_atomic_abort(struct sl_atomic *a);

/* Writes len bytes to path atomically (the above). Returns 0 or -1. */
int sl_write_file(const char *path, const void *data, size_t len, struct sl_err *err);

/* Opens path for a stream written as it goes (scan and monitor JSON lines,
 * captures): created with sl_file_mode() if new, never through a symbolic
 * link; append or truncate. NULL with err. */
FILE *sl_stream_open(const char *path, bool append, struct sl_err *err);

#endif
