/* output.h - machine-readable output shared by the commands. */
#ifndef SL_CLI_OUTPUT_H
#define SL_CLI_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

#include "util/problems.h"

/* Prints j as indented JSON with sorted keys and a newline, then releases it. */
void sl_print_json(FILE *out, json_t *j);
/* Prints j on one line (JSON lines), then releases it. */
void sl_print_jsonl(FILE *out, json_t *j);

/* Prints an import's problems to stderr, each prefixed with path, then
 * "CMD: nothing WHAT (N problems)". */
void sl_print_problems(const char *cmd, const char *path, const struct sl_import_problems *p,
                       const char *what);
/* Prints an import's notes ("PATH: note: ..."), if any, to stderr. */
void sl_print_notes(const char *path, const struct sl_import_problems *p);

#endif
