/* output.c - JSON to standard output, pretty or one object a line, keys sorted
 * (output.h). Builds no JSON itself. */
#include "cli/output.h"

#include "util/jsonout.h"

void sl_print_json(FILE *out, json_t *j)
{
    sl_json_write(out, j, true);
}

void sl_print_jsonl(FILE *out, json_t *j)
{
    sl_json_write(out, j, false);
}
