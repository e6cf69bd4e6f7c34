/* lifecycle.h - which lifecycle moves are legal, and making them (DESIGN.md §7).
 *
 *   discovered -> confirmed -> scheduled (date) -> removed (replaced-by) -> verified_absent
 *   exempt (reason, approver, expiry; an expired exemption falls back)
 *   reappeared (a removed or verified-absent device seen again)
 *
 * The rules live here; the store writes the event, the device row and the audit
 * entry in one transaction (sl_store_device_set_status). Every refusal comes
 * with a sentence saying why, for the operator.
 *
 * Memory: nothing allocated is handed out; callers own every buffer.
 */
#ifndef SL_PROGRAMME_LIFECYCLE_H
#define SL_PROGRAMME_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

/* One requested move. Strings may be NULL or "" when not given. */
struct sl_change {
    enum sl_status to;
    const char *at;             /* when it happened ("YYYY-MM-DD[THH:MM[:SS]Z]"); NULL/"" = now */
    const char *note;           /* why; for exempt this is the reason */
    const char *replaced_by;    /* removed: what replaced it ("none" when nothing did) */
    const char *scheduled_for;  /* scheduled: the planned removal date */
    const char *exempt_until;   /* exempt: last day the exemption holds */
    const char *exempt_approver;/* exempt: who approved it */
    int64_t scan_id;            /* the scan that justified it (verification), or 0 */
    bool by_verification;       /* made by `verify` (may set verified_absent/reappeared) */
};

/* True for the statuses that count as replaced (removed, verified_absent). */
bool sl_status_is_replaced(enum sl_status st);

/* Is the move from the device's current state legal? `now` bounds the event
 * date (no future events). Returns 0, or -1 with a one-sentence reason in why. */
int sl_lifecycle_check(const struct sl_device *d, const struct sl_change *c, int64_t now,
                       char *why, size_t whyn);

/* The same rules for anything that follows the devices' lifecycle (a
 * vehicle's part: vehicle/status.h), from status `from` held since
 * `since` (ISO text, may be ""); noun names it in the reason ("part"),
 * names[status] (NULL: the devices' names) its statuses. */
int sl_lifecycle_check_move(enum sl_status from, const char *since, const struct sl_change *c,
                            int64_t now, const char *noun, const char *const *names, char *why,
                            size_t whyn);
/* Only the date rules: `at` (NULL/"" = now) is a date, not in the future
 * and not before `since`. 0, or -1 with why. */
int sl_lifecycle_check_date(const char *at, const char *since, int64_t now, const char *noun,
                            char *why, size_t whyn);

/* Checks and applies one move: 1 applied, 0 refused (why says so), -1 error. */
int sl_lifecycle_apply(struct sl_store *s, int64_t device_id, const struct sl_change *c,
                       const char *actor, char *why, size_t whyn, struct sl_err *err);

/* The status an exempt device falls back to once its exemption has expired: the
 * status it had before it first became exempt (a renewal keeps the original).
 * Returns 0 and sets *out, or -1 on error. A device with no such history falls
 * back to confirmed. */
int sl_lifecycle_pre_exempt(struct sl_store *s, int64_t device_id, enum sl_status *out,
                            struct sl_err *err);

/* The same, judging "the future" against `now` instead of the clock (the demo's
 * generator writes a history that ends on a date of its choosing). */
int sl_lifecycle_apply_at(struct sl_store *s, int64_t device_id, const struct sl_change *c,
                          const char *actor, int64_t now, char *why, size_t whyn,
                          struct sl_err *err);

/* Materialises expired exemptions: every device still `exempt` whose
 * exempt_until is before the day of `now` gets an event at the first second
 * after its expiry, back to its pre-exemption status. *n counts them. */
int sl_lifecycle_expire(struct sl_store *s, int64_t now, const char *actor, size_t *n,
                        struct sl_err *err);

#endif
