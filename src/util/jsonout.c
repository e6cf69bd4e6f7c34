/* jsonout.c - the one JSON writer of the commands and streams (jsonout.h).
 * Builds no JSON. */
#include "util/jsonout.h"

#include <stdlib.h>

void sl_json_write(FILE *out, json_t *j, bool pretty)
{
    size_t flags = (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_SORT_KEYS |
                   JSON_REAL_PRECISION(10);
    char *s = json_dumps(j, flags);
    if (s != NULL) {
        fputs(s, out);
        fputc('\n', out);
        free(s);
    }
    json_decref(j);
}
