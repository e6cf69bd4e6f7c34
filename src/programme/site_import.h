/* site_import.h - import a site list from CSV, all or nothing.
 *
 * The file has a header row naming the columns name, department, tier and
 * networks (any order, any case). tier is sensitive, official or public;
 * networks holds zero or more CIDRs separated by spaces, ';' or ',' (quote the
 * field when it contains commas). Every row is checked before anything is
 * written; each problem names its line and column. If any row is bad, nothing
 * is imported.
 *
 * Networks across sites (the file's and the register's): the same network in
 * two sites is a problem (a device there would have two tiers); one inside
 * another is allowed with a note (the most specific network's site wins,
 * core/sitenet.h). A site network shorter than an IPv4 /8 or an IPv6 /32 (a
 * /0 above all: it would swallow every device of every other site) is refused
 * by sl_parse_networks.
 */
#ifndef SL_PROGRAMME_SITE_IMPORT_H
#define SL_PROGRAMME_SITE_IMPORT_H

#include <stddef.h>

#include "store/store.h"
#include "util/problems.h"

#define SL_SITE_NET_MIN_V4 8
#define SL_SITE_NET_MIN_V6 32

/* Returns 0 (all imported; *imported set), 1 (input problems, nothing imported,
 * see probs) or -1 (runtime error, err set). */
int sl_site_import_csv(struct sl_store *s, const char *data, size_t len, const char *actor,
                       size_t *imported, struct sl_import_problems *probs, struct sl_err *err);

/* The same checks for one site added on its own (sites add): problems and
 * notes name the network, not a line. 0, or -1 (err). */
int sl_site_check_networks(struct sl_store *s, const char *name, char *const *nets, size_t n,
                           struct sl_import_problems *probs, struct sl_err *err);

/* Splits a networks field and validates every CIDR (and its size, above). On success returns the
 * count and fills out[] (max entries, each normalised, malloc'd). On a bad
 * network returns -1 with err set. */
int sl_parse_networks(const char *field, char **out, size_t max, struct sl_err *err);

#endif
