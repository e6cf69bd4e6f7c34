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

void sl_print_problems(const char *cmd, const char *path, const struct sl_import_problems *p,
                       const char *what)
{
    size_t shown = p->count < SL_IMPORT_MAX_PROBLEMS ? p->count : SL_IMPORT_MAX_PROBLEMS;
    for (size_t i = 0; i < shown; i++)
        fprintf(stderr, "%s: %s\n", path, p->text[i]);
    if (p->count > shown)
        fprintf(stderr, "%s: ... and %zu more problems\n", path, p->count - shown);
    fprintf(stderr, "%s: nothing %s (%zu problem%s)\n", cmd, what, p->count,
            p->count == 1 ? "" : "s");
}
