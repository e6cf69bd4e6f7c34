/* jsonout.h - JSON written one way everywhere it is written for people and
 * tools: keys sorted, reals with 10 significant digits (0.85 prints as 0.85),
 * a newline at the end. The value is released after writing (ownership moves
 * in). Nothing is bounded here: what is written was built by the program. */
#ifndef SL_UTIL_JSONOUT_H
#define SL_UTIL_JSONOUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* One line (pretty = false: JSON lines) or indented by 2 (pretty = true). */
void sl_json_write(FILE *out, json_t *j, bool pretty);

#endif
