/* demo_history.h - a believable removal programme, for `sightline demo seed`
 * (the demo) and for trying reports. Demo data, not product logic: it lives with
 * the demo command, not in programme/, and draws from util/rng.h.
 *
 * Builds on whatever the register holds:
 *   - affected devices a scan registered earlier (the demo's lab) join the
 *     programme: confirmed, most scheduled, a few overdue; never recorded as
 *     removed (they still answer; verification would call that a reappearance)
 *   - sites: when the register has none, data/demo/sites.csv is imported
 *     (fictional departments; sites of each tier)
 *   - devices: at sensitive and official sites, cameras and recorders made by
 *     Hikvision and Dahua (and sold as HiLook, EZVIZ, Lorex, Amcrest); a few at
 *     public sites, where no policy prohibits them. Addresses are free hosts at
 *     the top of each site's last network, skipping registered ones, so they
 *     never collide with what a scan registered there. Their claims carry the rule "demo.seeded": they
 *     have no raw evidence, and say so.
 *   - a year of dated history ending on `now`: discovery (most in the first
 *     survey, some later), confirmation, scheduling, removal with replaced-by
 *     (a rate that ramps up then holds), verification of most older removals, a
 *     lagging site with overdue work, exemptions (one expired), one removed
 *     device seen again.
 *   - milestones shaped like the UK programme: over half replaced (passed), 70%
 *     of the rest (85% in all) soon, all sensitive sites by the spring.
 * Every move goes through the lifecycle rules, with the events back-dated; the
 * whole seeding is one transaction. Deterministic for a given seed and now.
 */
#ifndef SL_CLI_DEMO_HISTORY_H
#define SL_CLI_DEMO_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

struct sl_demo_opts {
    uint64_t seed;
    int64_t now;           /* the history ends here (seconds since the epoch) */
    double scale;          /* devices per site multiplier (1 = about 500 in all) */
    const char *sites_csv; /* used when the register has no sites; NULL = data/demo/sites.csv */
    const char *actor;
};

struct sl_demo_summary {
    size_t sites_imported, devices, removed, verified, exempt, reappeared, milestones, events;
    size_t adopted; /* affected devices already registered (a scan's) that joined the history */
};

int sl_demo_seed(struct sl_store *s, const struct sl_demo_opts *o, struct sl_demo_summary *sum,
                 struct sl_err *err);

/* Invented history never goes into a real register's append-only chain
 * (issue 11): the register must be empty (then its first audit entry becomes
 * "register.demo": it is the demo's from now on) or have been made so before.
 * Refuses anything else (SL_ERR_CONFLICT). On success everything s writes is
 * marked demo (store.h: sl_store_mark_demo). Call inside a transaction. */
int sl_demo_claim_register(struct sl_store *s, const char *actor, struct sl_err *err);

/* The demo's sites (data/demo/sites.csv, or o->sites_csv) when the register
 * has none; *imported says how many. 0 or -1. */
int sl_demo_sites(struct sl_store *s, const struct sl_demo_opts *o, size_t *imported,
                  struct sl_err *err);

#endif
