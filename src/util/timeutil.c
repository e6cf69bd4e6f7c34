/* timeutil.c - the clock (pinned by $SIGHTLINE_NOW), ISO 8601 UTC text and
 * its one parser. No time zones, no locale. */
#include "util/timeutil.h"

#include "util/err.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *sl_clock_pinned(void)
{
    const char *pin = getenv("SIGHTLINE_NOW");
    const char *allow = getenv("SIGHTLINE_TEST_CLOCK");
    int64_t t;
    if (pin == NULL || *pin == '\0' || allow == NULL || strcmp(allow, "1") != 0 ||
        sl_time_parse(pin, &t) != 0)
        return NULL;
    return pin;
}

int64_t sl_now(void)
{
    const char *pin = sl_clock_pinned();
    int64_t t;
    if (pin != NULL && sl_time_parse(pin, &t) == 0)
        return t;
    return sl_real_now();
}

int64_t sl_real_now(void)
{
    return (int64_t)time(NULL);
}

int sl_clock_check(struct sl_err *err)
{
    const char *pin = getenv("SIGHTLINE_NOW");
    if (pin == NULL || *pin == '\0')
        return 0;
    int64_t t;
    if (sl_time_parse(pin, &t) != 0)
        return sl_err_setk(err, SL_ERR_INVALID,
                           "SIGHTLINE_NOW='%.40s' is not a date or time (YYYY-MM-DD or "
                           "YYYY-MM-DDTHH:MM:SSZ)",
                           pin);
    const char *allow = getenv("SIGHTLINE_TEST_CLOCK");
    if (allow == NULL || strcmp(allow, "1") != 0)
        return sl_err_setk(err, SL_ERR_INVALID,
                           "SIGHTLINE_NOW pins the clock for tests and the demo only (with "
                           "SIGHTLINE_TEST_CLOCK=1); unset it");
    return 0;
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

/* n decimal digits at s (a NUL stops them): 0 and *v, or -1. */
static int num(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

/* Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The one date parser of the project: digits where digits belong, dates that
 * exist (2024-02-31 does not), no time zone but UTC. Fast enough for the
 * replay of millions of register events. */
static int parse(const char *s, int64_t *out, int *date_only)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (num(s, 4, &y) != 0 || s[4] != '-' || num(s + 5, 2, &mo) != 0 || s[7] != '-' ||
        num(s + 8, 2, &d) != 0)
        return -1;
    const char *p = s + 10;
    *date_only = 1;
    if (*p == 'T' || *p == ' ') {
        if (num(p + 1, 2, &h) != 0 || p[3] != ':' || num(p + 4, 2, &mi) != 0)
            return -1;
        p += 6;
        if (*p == ':') {
            if (num(p + 1, 2, &se) != 0)
                return -1;
            p += 3;
        }
        if (*p == 'Z')
            p++;
        *date_only = 0;
    }
    if (*p != '\0')
        return -1;
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
        h > 23 || mi > 59 || se > 60)
        return -1;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
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
