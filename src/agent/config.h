/* config.h - an agent's configuration: {"sites": [{"name", "networks":
 * [CIDR...], "exclusions": [CIDR...]}, ...], "schedule": SECONDS, "verify":
 * [{"request": ID, "site": NAME}...], ...} from the server's
 * /agent/v1/config or, for an offline agent, a file ("exclusions" and
 * "verify" may be absent). Hostile input: at most AGENT_CONFIG_MAX bytes,
 * AGENT_CONFIG_MAX_SITES sites, AGENT_CONFIG_MAX_NETS networks and
 * exclusions together, every one a CIDR, AGENT_CONFIG_MAX_VERIFY requests
 * each naming one of the sites, the schedule 10 s to 30 days.
 *
 * Memory: the parsed object is the caller's (json_decref).
 */
#ifndef SL_AGENT_CONFIG_H
#define SL_AGENT_CONFIG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define AGENT_CONFIG_MAX (1 << 20)
#define AGENT_CONFIG_MAX_SITES 16
#define AGENT_CONFIG_MAX_NETS 1024
#define AGENT_CONFIG_MAX_VERIFY 256

/* The configuration, checked, with its schedule; NULL with err (INVALID). */
json_t *agent_config_parse(const char *text, size_t len, int64_t *schedule, struct sl_err *err);

#endif
