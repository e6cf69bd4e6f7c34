/* vehicle_figures.h - the report's vehicles section (docs/vehicles.md): the
 * register's vehicles in the report's scope (their site's tier, department
 * or name; vehicles with no site count only for "all"), registered by the
 * end of the as-of day, counted by their stored verdict:
 *   vehicles   active vehicles by decision; affected = prohibited, replace-by
 *              or restricted; retired ones counted apart
 *   by fleet, by site (with its tier and vehicle rule)
 *   parts by vendor: fitted parts of active vehicles, by the vendor behind
 *              their verdict ("" when none was identified)
 *   by model year: vehicles and parts by decision, and the earliest
 *              replace-by deadline
 * Statuses, sites and which parts were fitted are those that held at the end
 * of the as-of day, replayed from vehicle_events by the store's queries
 * (streamed: one index seek per vehicle and per part); so are verdicts, from
 * vehicle_verdict_events (each change of a vehicle's or part's verdict, when
 * a site's rule or a status changes, or a re-import: migration 12; a verdict
 * never changed since the import held from the start). The parts' vendor is
 * the current one.
 *
 * One paged walk over the vehicles and two grouped queries over the parts.
 * Memory: the rows are owned by the struct (sl_vehicle_figures_free); each
 * breakdown keeps at most SL_VFIG_MAX_ROWS rows (the rest are summed into a
 * last row named "(others)").
 */
#ifndef SL_PROGRAMME_VEHICLE_FIGURES_H
#define SL_PROGRAMME_VEHICLE_FIGURES_H

#include <stddef.h>
#include <stdint.h>

#include "programme/forecast.h"
#include "programme/milestone_eval.h"
#include "store/store.h"
#include "util/err.h"

#define SL_VFIG_MAX_ROWS 1000

struct sl_vfig_counts {
    int64_t total, affected;
    int64_t by[SL_DECISION_COUNT];
    char earliest[SL_DATE_LEN]; /* earliest replace-by deadline, "" when none */
};

struct sl_vfig_row {
    char name[SL_NAME_MAX];     /* fleet, site, vendor or model year; "" = none */
    char tier[16];              /* sites */
    char rule[64];              /* sites: the vehicle rule, "" = none set */
    struct sl_vfig_counts c;    /* vehicles (parts for the vendor rows) */
    struct sl_vfig_counts parts; /* model years: their fitted parts */
};

/* A milestone of vehicles' connected parts (vehicle_milestones.c). */
struct sl_vfig_milestone {
    struct sl_prog_milestone pm;  /* status, achieved, projected, note */
    int64_t exempt, outstanding;  /* as of the report's date */
    struct sl_forecast fc;        /* when the scope's outstanding parts are all out */
};

struct sl_vehicle_figures {
    struct sl_vfig_counts vehicles; /* active */
    int64_t retired;
    struct sl_vfig_counts parts;    /* fitted parts of active vehicles */
    size_t n_fleets, n_sites, n_vendors, n_years;
    struct sl_vfig_row *fleets, *sites, *vendors, *years; /* by name; years oldest first */
    size_t n_milestones;
    struct sl_vfig_milestone *milestones; /* every vehicle-parts milestone, by due date */
    int window;                           /* the milestones' forecast window (weeks) */
};

/* scope_kind/value as struct sl_scope names them ("all", "tier", ...);
 * until: the end of the as-of day (ISO). Fills *out (zeroed first). */
int sl_vehicle_figures(struct sl_store *s, const char *scope_kind, const char *scope_value,
                       const char *until, struct sl_vehicle_figures *out, struct sl_err *err);
void sl_vehicle_figures_free(struct sl_vehicle_figures *f);

/* True for the decisions the section counts as affected. */
bool sl_vfig_affected(enum sl_decision d);

#endif
