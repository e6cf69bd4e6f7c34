/* config.c - an agent's configuration, as the server sends it or as a file
 * for an offline (air-gapped) agent: strictly checked (config.h). */
#include "agent/config.h"

#include <string.h>

#include "util/cidr.h"

static int check_site(json_t *site, size_t *nets, struct sl_err *err)
{
    json_t *networks = json_object_get(site, "networks");
    if (!json_is_object(site) || !json_is_string(json_object_get(site, "name")) ||
        !json_is_array(networks))
        return sl_err_setk(err, SL_ERR_INVALID, "a site needs a name and networks");
    size_t i;
    json_t *n;
    json_array_foreach(networks, i, n) {
        struct sl_cidr c;
        if (!json_is_string(n) || sl_cidr_parse(json_string_value(n), &c, NULL) != 0)
            return sl_err_setk(err, SL_ERR_INVALID, "a network is not a CIDR");
        if (++*nets > AGENT_CONFIG_MAX_NETS)
            return sl_err_setk(err, SL_ERR_INVALID, "more than %d networks",
                               AGENT_CONFIG_MAX_NETS);
    }
    return 0;
}

json_t *agent_config_parse(const char *text, size_t len, int64_t *schedule, struct sl_err *err)
{
    if (len > AGENT_CONFIG_MAX) {
        sl_err_setk(err, SL_ERR_INVALID, "the configuration is larger than %d bytes",
                    AGENT_CONFIG_MAX);
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    json_t *sites = json_object_get(j, "sites"), *sched = json_object_get(j, "schedule");
    int rc = j == NULL || !json_is_object(j)
                 ? sl_err_setk(err, SL_ERR_INVALID, "the configuration is not a JSON object")
             : !json_is_array(sites) || json_array_size(sites) == 0 ||
                     json_array_size(sites) > AGENT_CONFIG_MAX_SITES
                 ? sl_err_setk(err, SL_ERR_INVALID, "the configuration needs 1 to %d sites",
                               AGENT_CONFIG_MAX_SITES)
             : !json_is_integer(sched) || json_integer_value(sched) < 10 ||
                     json_integer_value(sched) > 30 * 86400
                 ? sl_err_setk(err, SL_ERR_INVALID, "schedule must be 10 to 2592000 seconds")
                 : 0;
    size_t i, nets = 0;
    json_t *site;
    if (rc == 0)
        json_array_foreach(sites, i, site) {
            if ((rc = check_site(site, &nets, err)) != 0)
                break;
        }
    if (rc != 0) {
        json_decref(j);
        return NULL;
    }
    *schedule = json_integer_value(sched);
    return j;
}
