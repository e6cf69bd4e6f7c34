/* timeutil.h - wall-clock times as ISO 8601 UTC text, and a monotonic clock.
 *
 * The register stores times as "YYYY-MM-DDTHH:MM:SSZ" so that text order is
 * time order. "Now" can be pinned with $SIGHTLINE_NOW (an ISO date or time) so
 * tests and the demo are reproducible; only together with
 * SIGHTLINE_TEST_CLOCK=1, and never for the times that say when something was
 * written (audit entries, recorded_at: sl_real_now). A bad value is an error
 * (sl_clock_check at start), never silently ignored.
 */
#ifndef SL_UTIL_TIMEUTIL_H
#define SL_UTIL_TIMEUTIL_H

#include <stdint.h>

#define SL_ISO_LEN 21  /* "2024-04-29T12:34:56Z" + NUL */
#define SL_DATE_LEN 11 /* "2024-04-29" + NUL */

/* Seconds since the epoch, UTC; honours $SIGHTLINE_NOW (see above). */
int64_t sl_now(void);
/* The real clock, always: when something was written. */
int64_t sl_real_now(void);
/* $SIGHTLINE_NOW when it pins the clock, else NULL. */
const char *sl_clock_pinned(void);
/* Checks $SIGHTLINE_NOW: unset, or a valid date or time together with
 * SIGHTLINE_TEST_CLOCK=1. Returns 0, or -1 with err (SL_ERR_INVALID). */
struct sl_err;
int sl_clock_check(struct sl_err *err);

/* Milliseconds from a monotonic clock (for deadlines and rates). */
uint64_t sl_mono_ms(void);

void sl_time_iso(int64_t t, char out[SL_ISO_LEN]);
void sl_time_date(int64_t t, char out[SL_DATE_LEN]);

/* Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z]" or with a space instead of T.
 * A bare date means 00:00:00 UTC. Returns 0 or -1. */
int sl_time_parse(const char *s, int64_t *out);

/* Like sl_time_parse but a bare date means the end of that day (23:59:59), which
 * is what "as of 2024-04-29" means to a reader. */
int sl_time_parse_end_of_day(const char *s, int64_t *out);

#endif
