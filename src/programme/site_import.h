/* site_import.h - import a site list from CSV, all or nothing.
 *
 * The file has a header row naming the columns name, department, tier and
 * networks (any order, any case). tier is sensitive, official or public;
 * networks holds zero or more CIDRs separated by spaces, ';' or ',' (quote the
 * field when it contains commas). Every row is checked before anything is
 * written; each problem names its line and column. If any row is bad, nothing
 * is imported.
 */
#ifndef SL_PROGRAMME_SITE_IMPORT_H
#define SL_PROGRAMME_SITE_IMPORT_H

#include <stddef.h>

#include "store/store.h"
#include "util/problems.h"

/* Returns 0 (all imported; *imported set), 1 (input problems, nothing imported,
 * see probs) or -1 (runtime error, err set). */
int sl_site_import_csv(struct sl_store *s, const char *data, size_t len, const char *actor,
                       size_t *imported, struct sl_import_problems *probs, struct sl_err *err);

/* Splits a networks field and validates every CIDR. On success returns the
 * count and fills out[] (max entries, each normalised, malloc'd). On a bad
 * network returns -1 with err set. */
int sl_parse_networks(const char *field, char **out, size_t max, struct sl_err *err);

#endif
