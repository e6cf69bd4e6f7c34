/* duration.h - "90s", "30m", "24h", "7d" or plain seconds, as options take them. */
#ifndef SL_UTIL_DURATION_H
#define SL_UTIL_DURATION_H

#include <stdint.h>

/* Seconds in [min, max] into *out: 0, or -1 for anything else. */
int sl_parse_duration(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
