/* output.h - machine-readable output shared by the commands. */
#ifndef SL_CLI_OUTPUT_H
#define SL_CLI_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

/* Prints j as indented JSON with sorted keys and a newline, then releases it. */
void sl_print_json(FILE *out, json_t *j);
/* Prints j on one line (JSON lines), then releases it. */
void sl_print_jsonl(FILE *out, json_t *j);

#endif
