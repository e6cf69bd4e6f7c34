/* reimport.h - a registered vehicle named again by an imported fleet
 * (register.c's import): merged into the register instead of refused. Not for
 * other modules. Memory: nothing kept past a call. Bounded: one vehicle and
 * its registered parts at a time. */
#ifndef SL_VEHICLE_REIMPORT_H
#define SL_VEHICLE_REIMPORT_H

#include "vehicle/register.h"

struct part_text {
    char vendors[SL_ASSESS_MAX_IDS * 72], rules[SL_ASSESS_MAX_IDS * 72], where[32];
};

/* Part p (of fleet f) at position as its register row; pv its verdict. */
void sl_vreg_part_row(const struct sl_fleet *f, const struct sl_fleet_part *p, int position,
                      const struct sl_part_verdict *pv, struct part_text *t,
                      struct sl_vpart_row *r);

/* When vehicle vi's VIN is registered: merges the file's vehicle (at site_id,
 * 0 = none) into it, in the open transaction: changed fields and parts
 * (matched by position) rewritten, parts added, fitted parts no longer listed
 * removed through the part lifecycle ("not in the re-import"), each change a
 * vehicle event, one audit entry (vehicle.reimport) and the vehicle judged
 * again; an unchanged vehicle writes nothing. Counts it in counts. Returns 1
 * (registered: merged), 0 (not registered: to be added) or -1 (err set; a
 * different part at a removed part's position is SL_ERR_CONFLICT). */
int sl_vreg_merge(struct sl_store *s, struct sl_assessor *a, const struct sl_fleet *f, size_t vi,
                  int64_t site_id, const struct sl_vreg_options *o, struct sl_vreg_counts *counts,
                  struct sl_err *err);

#endif
