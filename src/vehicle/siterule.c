/* siterule.c - parsing and printing a site vehicle rule (siterule.h); the
 * verdict it leads to is assess.c's. */
#include "vehicle/siterule.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"

static int parse_when(const char *s, struct sl_site_rule *out, struct sl_err *err)
{
    if (s == NULL || strcasecmp(s, "flagged") == 0)
        out->when = SL_SITE_FLAGGED;
    else if (strcasecmp(s, "nexus") == 0)
        out->when = SL_SITE_NEXUS;
    else
        return sl_err_set(err, "site rule: when '%s' must be 'flagged' or 'nexus'", s);
    return 0;
}

int sl_site_rule_parse(const char *text, struct sl_site_rule *out, struct sl_err *err)
{
    memset(out, 0, sizeof *out);
    char buf[64];
    if (text == NULL || strlen(text) >= sizeof buf)
        return sl_err_set(err, "site rule: expected none, not-admitted[:WHEN] or "
                               "park-away:METRES[:WHEN]");
    sl_strlcpy(buf, text, sizeof buf);
    sl_str_trim(buf);
    char *parts[4] = {buf, NULL, NULL, NULL};
    int np = 1;
    for (char *c = buf; *c && np < 4; c++)
        if (*c == ':') {
            *c = '\0';
            parts[np++] = c + 1;
        }
    if (strcasecmp(parts[0], "none") == 0) {
        if (np > 1)
            return sl_err_set(err, "site rule: 'none' takes nothing after it");
        return 0;
    }
    if (strcasecmp(parts[0], "not-admitted") == 0) {
        out->action = SL_SITE_NOT_ADMITTED;
        if (np > 2)
            return sl_err_set(err, "site rule: not-admitted[:WHEN]");
        return parse_when(parts[1], out, err);
    }
    if (strcasecmp(parts[0], "park-away") == 0) {
        out->action = SL_SITE_PARK_AWAY;
        int64_t m;
        if (np < 2 || sl_parse_i64(parts[1], 1, SL_SITE_RULE_MAX_METRES, &m) != 0)
            return sl_err_set(err, "site rule: park-away needs the metres, 1 to %d "
                                   "(park-away:METRES[:WHEN])", SL_SITE_RULE_MAX_METRES);
        out->metres = (unsigned)m;
        if (np > 3)
            return sl_err_set(err, "site rule: park-away:METRES[:WHEN]");
        return parse_when(parts[2], out, err);
    }
    return sl_err_set(err, "site rule: '%s' is not a rule (none, not-admitted, park-away)",
                      parts[0]);
}

void sl_site_rule_format(const struct sl_site_rule *r, char *buf, size_t n)
{
    const char *when = r->when == SL_SITE_NEXUS ? "nexus" : "flagged";
    switch (r->action) {
    case SL_SITE_NOT_ADMITTED: snprintf(buf, n, "not-admitted:%s", when); break;
    case SL_SITE_PARK_AWAY: snprintf(buf, n, "park-away:%u:%s", r->metres, when); break;
    default: snprintf(buf, n, "none"); break;
    }
}

void sl_site_rule_describe(const struct sl_site_rule *r, char *buf, size_t n)
{
    const char *who = r->when == SL_SITE_NEXUS
                          ? "vehicles with a part (or maker) with a nexus to a country of concern"
                          : "vehicles with a part the policies in force flag";
    switch (r->action) {
    case SL_SITE_NOT_ADMITTED: snprintf(buf, n, "%s are not admitted to the site", who); break;
    case SL_SITE_PARK_AWAY:
        snprintf(buf, n, "%s must park at least %u m from buildings", who, r->metres);
        break;
    default: snprintf(buf, n, "the site sets no vehicle rule"); break;
    }
}
