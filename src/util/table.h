/* table.h - aligned text tables for people (list commands, the scan summary).
 *
 * The table copies every cell; print pads columns to their widest cell
 * (counting UTF-8 characters, not bytes) and caps each at max_width.
 */
#ifndef SL_UTIL_TABLE_H
#define SL_UTIL_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct sl_table;

/* headers: ncols column titles. Returns NULL on allocation failure. */
struct sl_table *sl_table_new(size_t ncols, const char *const *headers);
/* Adds a row of ncols cells (NULL cells print as "-"). Returns 0 or -1. */
int sl_table_add(struct sl_table *t, const char *const *cells);
size_t sl_table_rows(const struct sl_table *t);
/* Cells wider than max_width are cut with "…" (0 = no limit). */
void sl_table_print(const struct sl_table *t, FILE *out, size_t max_width);
void sl_table_free(struct sl_table *t);

#endif
