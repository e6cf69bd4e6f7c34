/* vehicle_milestones.h - milestones of the fleet's connected parts
 * (`milestones add --of vehicle-parts`, docs/vehicles.md): by DATE, P% (or N)
 * of the parts in scope that are prohibited or replace-by are out of the
 * fleet (removed, or their vehicle retired).
 *
 * As of D (the end of day D): the parts of vehicles registered by then, in
 * scope by their vehicle's site (tier, department, name) or fleet then, with
 * the verdict, status and site that held then (the store replays
 * vehicle_events and vehicle_verdict_events). affected = prohibited or
 * replace-by; replaced = removed or vehicle retired; exempt = under an
 * exemption; outstanding = the rest. Weekly removals: the affected parts that
 * left in each week ending on D, D-7, ...; the forecast (forecast.h) is
 * fitted over them and the status judged by milestone_eval.h, as for devices.
 * A milestone due on or before D is counted as of its due date: met or missed.
 *
 * One paged walk over the scope's affected parts per milestone (two when it
 * is due: its date and the report's); memory: the window's weekly counts.
 * The rows are owned by f (sl_vehicle_figures_free). */
#ifndef SL_PROGRAMME_VEHICLE_MILESTONES_H
#define SL_PROGRAMME_VEHICLE_MILESTONES_H

#include "programme/vehicle_figures.h"

/* as_of: "YYYY-MM-DD"; window: the forecast's weeks (0 = default). Fills
 * f->milestones. 0, or -1 with err set. */
int sl_vehicle_milestones(struct sl_store *s, const char *as_of, int window,
                          struct sl_vehicle_figures *f, struct sl_err *err);

#endif
