/* ident_glue.h - the monitor's identification: identify's rules (ident/ident.h)
 * and policy's judge (policy/policy.h) behind struct sl_mon_identify.
 *
 * Owns the loaded rules and policies (sl_mon_identify_close frees them). The
 * tier is the watched site's; the policy ids select the policies in force
 * (NULL = the data's default set).
 */
#ifndef SL_MONITOR_IDENT_GLUE_H
#define SL_MONITOR_IDENT_GLUE_H

#include "core/tier.h"
#include "monitor/monitor.h"
#include "util/err.h"

/* Returns 0 and a new struct, or -1 with err (a bad rule file, an unknown
 * policy id: the message then starts with "--policy"). */
int sl_mon_identify_open(struct sl_mon_identify **out, const char *datadir, enum sl_tier tier,
                         const char *policy_ids, struct sl_err *err);
void sl_mon_identify_close(struct sl_mon_identify *mi);

#endif
