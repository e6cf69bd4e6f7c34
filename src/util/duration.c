/* duration.c - durations with a unit suffix (duration.h). */
#include "util/duration.h"

#include <string.h>

#include "util/str.h"

int sl_parse_duration(const char *s, int64_t min, int64_t max, int64_t *out)
{
    char num[24];
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof num)
        return -1;
    int64_t unit = 1;
    switch (s[n - 1]) {
    case 's': unit = 1; n--; break;
    case 'm': unit = 60; n--; break;
    case 'h': unit = 3600; n--; break;
    case 'd': unit = 86400; n--; break;
    default: break;
    }
    memcpy(num, s, n);
    num[n] = '\0';
    int64_t v;
    if (sl_parse_i64(num, 0, INT64_MAX / 86400, &v) != 0 || v * unit < min || v * unit > max)
        return -1;
    *out = v * unit;
    return 0;
}
