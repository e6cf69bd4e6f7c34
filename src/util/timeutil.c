#include "util/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t sl_now(void)
{
    const char *pin = getenv("SIGHTLINE_NOW");
    int64_t t;
    if (pin != NULL && *pin != '\0' && sl_time_parse(pin, &t) == 0)
        return t;
    return (int64_t)time(NULL);
}

uint64_t sl_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void sl_time_iso(int64_t t, char out[SL_ISO_LEN])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, SL_ISO_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void sl_time_date(int64_t t, char out[SL_DATE_LEN])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, SL_DATE_LEN, "%Y-%m-%d", &tm);
}

static int parse(const char *s, int64_t *out, int *date_only)
{
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
    size_t len = strlen(s);
    if (len < 10 || len > 25)
        return -1;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return -1;
    *date_only = 1;
    const char *p = s + 10;
    if (*p == 'T' || *p == ' ') {
        int m = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &m) != 2 || m != 5)
            return -1;
        p += 1 + m;
        if (*p == ':') {
            if (sscanf(p + 1, "%2d%n", &se, &m) != 1 || m != 2)
                return -1;
            p += 1 + m;
        }
        if (*p == 'Z')
            p++;
        *date_only = 0;
    }
    if (*p != '\0')
        return -1;
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        se > 60)
        return -1;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    time_t t = timegm(&tm);
    /* timegm normalises 2024-02-31 to March; refuse dates that do not exist. */
    struct tm back;
    gmtime_r(&t, &back);
    if (back.tm_mday != d || back.tm_mon != mo - 1)
        return -1;
    *out = (int64_t)t;
    return 0;
}

int sl_time_parse(const char *s, int64_t *out)
{
    int date_only;
    return parse(s, out, &date_only);
}

int sl_time_parse_end_of_day(const char *s, int64_t *out)
{
    int date_only;
    if (parse(s, out, &date_only) != 0)
        return -1;
    if (date_only)
        *out += 86399;
    return 0;
}
