/* status.h - the lifecycle of a registered vehicle and of its parts
 * (docs/vehicles.md#lifecycle).
 *
 *   part:    fitted -> scheduled (a removal date) -> removed (replaced by)
 *            exempt (reason, approver, last day) from fitted or scheduled
 *   vehicle: active (--site: moved, e.g. to a depot that is not sensitive)
 *            or retired
 *
 * A part's moves are the devices' (programme/lifecycle.h, fitted standing for
 * a device's confirmed), checked by the same code: what a device is refused a
 * part is refused, with the same reasons; a removed part stays removed (what
 * replaced it is a part of its own). Every move is dated, never in the future
 * nor before the status it changes. Checks only: register.c records the move
 * (store/store.h) and judges the vehicle again. Memory: none allocated.
 */
#ifndef SL_VEHICLE_STATUS_H
#define SL_VEHICLE_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* The names, for messages. */
#define SL_VPART_STATUSES "fitted, scheduled, removed or exempt"
#define SL_VEHICLE_STATUSES "active or retired"

/* Is name a part's status (part) or a vehicle's? */
bool sl_vstatus_valid(const char *name, bool part);

/* Is the move ev describes (to_status and what it carries; from_status as the
 * register holds it, since its date) legal at now? 0, or -1 with a
 * one-sentence reason in why. */
int sl_vstatus_check(const struct sl_vehicle_event *ev, const char *since, int64_t now,
                     char *why, size_t whyn);

#endif
