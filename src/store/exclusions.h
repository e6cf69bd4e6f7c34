/* exclusions.h - a site's exclusions in the register: networks of the site
 * that sightline never probes (`scan --site`, `verify`, the site's agent) and
 * refuses in an agent's batch. Each has a reason, who added it and when;
 * adding and removing are audited (site.exclude, site.unexclude).
 *
 * Memory: everything is copied into caller-owned structs; nothing to free.
 * Bounded: at most SL_EXCLUSIONS_MAX exclusions a site.
 */
#ifndef SL_STORE_EXCLUSIONS_H
#define SL_STORE_EXCLUSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/targets.h"
#include "store/store.h"
#include "util/cidr.h"

#define SL_EXCLUSIONS_MAX 1024
#define SL_EXCLUSION_REASON_MAX 200

struct sl_exclusion {
    int64_t id, site_id;
    char site[SL_NAME_MAX];
    char cidr[64];
    char reason[SL_EXCLUSION_REASON_MAX];
    char created_by[SL_NAME_MAX];
    int64_t created_at;
};

/* Adds an exclusion (cidr: a validated CIDR, canonical text) to a site.
 * 0, or -1 with err (EXISTS: the site has it already). Audited. */
int sl_store_exclusion_add(struct sl_store *s, int64_t site_id, const char *cidr,
                           const char *reason, const char *actor, struct sl_err *err);
/* Removes one. 1 done, 0 the site has no such exclusion, -1. Audited. */
int sl_store_exclusion_remove(struct sl_store *s, int64_t site_id, const char *cidr,
                              const char *actor, struct sl_err *err);
typedef int (*sl_exclusion_cb)(const struct sl_exclusion *x, void *ctx);
/* The exclusions of one site (site_id > 0) or of every site (0), by site
 * name then network. A non-zero return of cb stops the walk. 0 or -1. */
int sl_store_exclusion_list(struct sl_store *s, int64_t site_id, sl_exclusion_cb cb, void *ctx,
                            struct sl_err *err);

/* The exclusions of the sites (ids) as networks: *out (malloc'd, the
 * caller's; NULL when none) and *n. 0 or -1. */
int sl_store_exclusion_nets(struct sl_store *s, const int64_t *site_ids, size_t n_sites,
                            struct sl_cidr **out, size_t *n, struct sl_err *err);
/* Excludes the sites' exclusions from t (before sl_targets_prepare); *n gets
 * how many networks were excluded. 0 or -1. */
int sl_store_exclusion_targets(struct sl_store *s, const int64_t *site_ids, size_t n_sites,
                               struct sl_targets *t, size_t *n, struct sl_err *err);
/* True when a lies in one of the networks. */
bool sl_exclusion_hit(const struct sl_cidr *nets, size_t n, const struct sl_addr *a);

#endif
