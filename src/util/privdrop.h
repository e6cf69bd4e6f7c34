/* privdrop.h - giving up privileges once what needed them is open (libcap-ng).
 *
 * Used by every command that opens a capture as root (monitor/capture.c,
 * can/live.c) and then reads hostile input: after the call the process holds
 * no capability and, with a user, no longer runs as root. Nothing is kept.
 */
#ifndef SL_UTIL_PRIVDROP_H
#define SL_UTIL_PRIVDROP_H

#include <stddef.h>

#include "util/err.h"

/* Gives up every capability (effective, permitted, inheritable, bounding) and,
 * when user is not NULL, changes to that user and its group (supplementary
 * groups dropped). Checks that it worked. report gets a line for the log
 * ("dropped capabilities: net_raw, ... -> none"). Returns 0 or -1. */
int sl_drop_privileges(const char *user, char *report, size_t report_size, struct sl_err *err);

#endif
