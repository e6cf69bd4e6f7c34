/* config.c - an agent's configuration, as the server sends it or as a file
 * for an offline (air-gapped) agent: strictly checked (config.h). */
#include "agent/config.h"

#include <string.h>

#include "util/cidr.h"

/* A list of CIDRs (networks or exclusions), counted into *nets. */
static int check_cidrs(json_t *list, const char *what, size_t *nets, struct sl_err *err)
{
    size_t i;
    json_t *n;
    json_array_foreach(list, i, n) {
        struct sl_cidr c;
        if (!json_is_string(n) || sl_cidr_parse(json_string_value(n), &c, NULL) != 0)
            return sl_err_setk(err, SL_ERR_INVALID, "%s is not a CIDR", what);
        if (++*nets > AGENT_CONFIG_MAX_NETS)
            return sl_err_setk(err, SL_ERR_INVALID, "more than %d networks and exclusions",
                               AGENT_CONFIG_MAX_NETS);
    }
    return 0;
}

static int check_site(json_t *site, size_t *nets, struct sl_err *err)
{
    json_t *networks = json_object_get(site, "networks"),
           *excl = json_object_get(site, "exclusions");
    if (!json_is_object(site) || !json_is_string(json_object_get(site, "name")) ||
        !json_is_array(networks))
        return sl_err_setk(err, SL_ERR_INVALID, "a site needs a name and networks");
    if (excl != NULL && !json_is_array(excl))
        return sl_err_setk(err, SL_ERR_INVALID, "a site's exclusions are not a list");
    return check_cidrs(networks, "a network", nets, err) != 0 ||
                   check_cidrs(excl, "an exclusion", nets, err) != 0
               ? -1
               : 0;
}

/* The verification requests: [{"request": ID > 0, "site": one of the sites}]. */
static int check_verify(json_t *verify, json_t *sites, struct sl_err *err)
{
    if (verify == NULL)
        return 0;
    if (!json_is_array(verify) || json_array_size(verify) > AGENT_CONFIG_MAX_VERIFY)
        return sl_err_setk(err, SL_ERR_INVALID, "verify is not a list of at most %d requests",
                           AGENT_CONFIG_MAX_VERIFY);
    size_t i, k;
    json_t *v, *site;
    json_array_foreach(verify, i, v) {
        json_int_t id = 0;
        const char *name = NULL;
        if (json_unpack(v, "{s:I, s:s}", "request", &id, "site", &name) != 0 || id < 1)
            return sl_err_setk(err, SL_ERR_INVALID, "a verification request needs an id and a site");
        bool known = false;
        json_array_foreach(sites, k, site) {
            known = known || strcmp(json_string_value(json_object_get(site, "name")), name) == 0;
        }
        if (!known)
            return sl_err_setk(err, SL_ERR_INVALID, "a verification request names no site of this agent");
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
    if (rc == 0)
        rc = check_verify(json_object_get(j, "verify"), sites, err);
    if (rc != 0) {
        json_decref(j);
        return NULL;
    }
    *schedule = json_integer_value(sched);
    return j;
}
