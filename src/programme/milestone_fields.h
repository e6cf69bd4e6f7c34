/* milestone_fields.h - a milestone from the words a person gives (name, due
 * date, a percentage or a count, a scope), checked: what `sightline
 * milestones add` and the dashboard's milestone form both take. No memory
 * is kept; every field is bounded by struct sl_milestone's sizes. */
#ifndef SL_PROGRAMME_MILESTONE_FIELDS_H
#define SL_PROGRAMME_MILESTONE_FIELDS_H

#include <stdbool.h>

#include "store/store.h"
#include "util/err.h"

/* Fills *m from the fields (percent "80" or "80%", or count; exactly one; scope
 * NULL = all sites, else as `report --scope` takes it). 0, or -1 with an
 * SL_ERR_INVALID sentence naming the field: as the command's option when cli
 * ("--percent"), else in words ("the percentage"). */
int sl_milestone_from_fields(struct sl_milestone *m, const char *name, const char *due,
                             const char *percent, const char *count, const char *scope,
                             bool cli, struct sl_err *err);

/* The same for what the milestone counts: subject NULL or "devices", or
 * "vehicle-parts" (the fleet's prohibited and replace-by parts; its scope may
 * also be "fleet:NAME"). The option is --of when cli. */
int sl_milestone_from_fields_of(struct sl_milestone *m, const char *subject, const char *name,
                                const char *due, const char *percent, const char *count,
                                const char *scope, bool cli, struct sl_err *err);

#endif
