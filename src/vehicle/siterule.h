/* siterule.h - a site's own vehicle rule (data/vehicle/site-rule.json):
 * vehicles that carry parts of concern are not admitted, or must park a given
 * distance from buildings. A site sets it as text, which is what the register
 * stores (sites.vehicle_rule):
 *
 *     none | not-admitted[:WHEN] | park-away:METRES[:WHEN]
 *     WHEN = flagged (default) | nexus
 *
 * flagged: a part is judged prohibited, replace-by or restricted by the
 * policies in force; nexus: a part, or the vehicle's maker, is made or
 * supplied by a vendor (or parent) of a nexus country or bound by a nexus law.
 * Plain values; nothing to free.
 */
#ifndef SL_VEHICLE_SITERULE_H
#define SL_VEHICLE_SITERULE_H

#include <stddef.h>

#include "util/err.h"

#define SL_SITE_RULE_MAX_METRES 50000

enum sl_site_action { SL_SITE_NONE = 0, SL_SITE_NOT_ADMITTED, SL_SITE_PARK_AWAY };
enum sl_site_when { SL_SITE_FLAGGED = 0, SL_SITE_NEXUS };

struct sl_site_rule {
    enum sl_site_action action;
    unsigned metres;          /* park-away only, 1..SL_SITE_RULE_MAX_METRES */
    enum sl_site_when when;
};

/* Parses a rule (case-insensitive). Returns 0, or -1 saying what is wrong. */
int sl_site_rule_parse(const char *text, struct sl_site_rule *out, struct sl_err *err);

/* The canonical text ("park-away:3219:nexus"), for storage and display. */
void sl_site_rule_format(const struct sl_site_rule *r, char *buf, size_t n);

/* One sentence for people: "vehicles with a part of nexus concern must park
 * at least 3219 m from buildings". */
void sl_site_rule_describe(const struct sl_site_rule *r, char *buf, size_t n);

#endif
