/* state.h - where a running lab keeps its pid, description and logs.
 *
 * The state directory of lab NAME is $SIGHTLINE_LAB_STATE/NAME when that is
 * set, else /run/sightline-lab/NAME for root, else
 * $XDG_RUNTIME_DIR/sightline-lab/NAME, else /tmp/sightline-lab-UID/NAME.
 * Files: pid, info.json (written once the lab is ready), truth.jsonl,
 * connlog (unless --connlog), stats (counters, refreshed each second), log
 * (the daemon's messages). `down` removes the directory.
 */
#ifndef SL_LAB_STATE_H
#define SL_LAB_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

/* Fills dir with the state directory for name. Returns 0 or -1 (too long). */
int lab_state_dir(const char *name, char *dir, size_t dirsz, struct sl_err *err);
/* mkdir -p of the state directory (mode 0755). */
int lab_state_make(const char *dir, struct sl_err *err);
/* "<dir>/<file>" into out. */
void lab_state_path(const char *dir, const char *file, char *out, size_t outsz);
/* The pid recorded in dir if that process is alive, else 0. */
pid_t lab_state_running(const char *dir);
/* Removes the files the lab writes there, then the directory. */
void lab_state_remove(const char *dir);
/* Is a lab instance name acceptable (letters, digits, '-', '_', '.'; 1-40)? */
bool lab_name_ok(const char *name);

#endif
