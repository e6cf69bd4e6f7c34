/* file.h - reading whole files with a size bound. */
#ifndef SL_UTIL_FILE_H
#define SL_UTIL_FILE_H

#include <stddef.h>

#include "util/err.h"

/* Reads all of path ("-" = standard input) into a NUL-terminated malloc'd
 * buffer (caller frees); *len excludes the NUL. Fails when the file is larger
 * than max bytes. Returns NULL with err set on failure. */
char *sl_read_file(const char *path, size_t max, size_t *len, struct sl_err *err);

/* Writes len bytes to path atomically (temp file + rename). Returns 0 or -1. */
int sl_write_file(const char *path, const void *data, size_t len, struct sl_err *err);

#endif
