/* expire.h - expired part exemptions fall back by themselves
 * (docs/vehicles.md#lifecycle), as a device's do (programme/lifecycle.h):
 * a part still `exempt` after its exemption's last day is what it was before
 * the exemption began (fitted or scheduled; a renewal keeps the first's).
 *
 * Readers apply it as they read (sl_vpart_effective: `vehicles show`, the
 * dashboard, the API), so nothing has to run for it to hold; the batch
 * (sl_vreg_expire: `vehicles expire`, and `serve` at start and each day)
 * writes it down: an event dated the first second after the last exempt day,
 * an audit entry, the vehicle judged again. Bounded: the batch reads
 * SL_EXPIRE_BATCH parts at a time. Memory: none kept.
 */
#ifndef SL_VEHICLE_EXPIRE_H
#define SL_VEHICLE_EXPIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "vehicle/assess.h"

#define SL_EXPIRE_BATCH 1024

/* The status part p holds at now: its own, or, for an exemption whose last
 * day is before now's day, the one it falls back to (and *expired_on, when
 * not NULL, gets that last day; else ""). Static text or p's. */
const char *sl_vpart_effective(const struct sl_vpart_row *p, int64_t now,
                               const char **expired_on);

/* The status an exemption falls back to, from the status before it began
 * ("" or anything but fitted or scheduled: fitted). Static text. */
const char *sl_vpart_fallback(const char *exempt_from);

/* Writes down every part exemption expired at now (see above), judging each
 * vehicle again; *n counts the parts. 0 or -1 (err set; what was written
 * before stays: each part is its own transaction). */
int sl_vreg_expire(struct sl_store *s, struct sl_assessor *a, int64_t now, const char *actor,
                   size_t *n, struct sl_err *err);

#endif
