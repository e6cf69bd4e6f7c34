/* output.c - JSON to standard output, pretty or one object a line, keys sorted
 * (output.h). Builds no JSON itself. */
#include "cli/output.h"

#include <stdlib.h>

static void print(FILE *out, json_t *j, size_t flags)
{
    /* 10 significant digits: 0.85 prints as 0.85, not 0.84999999999999998 */
    char *s = json_dumps(j, flags | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
    if (s != NULL) {
        fputs(s, out);
        fputc('\n', out);
        free(s);
    }
    json_decref(j);
}

void sl_print_json(FILE *out, json_t *j)
{
    print(out, j, JSON_INDENT(2));
}

void sl_print_jsonl(FILE *out, json_t *j)
{
    print(out, j, JSON_COMPACT);
}
