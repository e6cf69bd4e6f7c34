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

void sl_print_notes(const char *path, const struct sl_import_problems *p)
{
    size_t shown = p->note_count < SL_IMPORT_MAX_PROBLEMS ? p->note_count : SL_IMPORT_MAX_PROBLEMS;
    for (size_t i = 0; i < shown; i++)
        fprintf(stderr, "%s: note: %s\n", path, p->note[i]);
    if (p->note_count > shown)
        fprintf(stderr, "%s: ... and %zu more notes\n", path, p->note_count - shown);
}
