#include "register/device_json.h"

#include <stdlib.h>
#include <string.h>

#include "util/str.h"

json_t *sl_ports_to_json(const char *ports)
{
    json_t *a = json_array();
    const char *p = ports;
    while (p != NULL && *p != '\0') {
        char *end = NULL;
        long v = strtol(p, &end, 10);
        if (end == p)
            break;
        if (v > 0 && v < 65536)
            json_array_append_new(a, json_integer(v));
        p = end;
        while (*p == ',' || *p == ' ')
            p++;
    }
    return a;
}

static void opt(json_t *o, const char *key, const char *v)
{
    json_object_set_new(o, key, v[0] != '\0' ? json_string(v) : json_null());
}

json_t *sl_device_to_json(const struct sl_device *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(d->id));
    opt(o, "site", d->site);
    opt(o, "address", d->address);
    opt(o, "mac", d->mac);
    opt(o, "serial", d->serial);
    json_object_set_new(o, "ports", sl_ports_to_json(d->ports));
    json_object_set_new(o, "claim", sl_claim_to_json(&d->claim));
    json_object_set_new(o, "verdict", sl_verdict_to_json(&d->verdict));
    json_object_set_new(o, "status", json_string(sl_status_name(d->status)));
    opt(o, "status_since", d->status_since);
    if (d->scheduled_for[0])
        opt(o, "scheduled_for", d->scheduled_for);
    if (d->replaced_by[0])
        opt(o, "replaced_by", d->replaced_by);
    if (d->status == SL_STATUS_EXEMPT || d->exempt_until[0]) {
        opt(o, "exempt_reason", d->exempt_reason);
        opt(o, "exempt_approver", d->exempt_approver);
        opt(o, "exempt_until", d->exempt_until);
    }
    opt(o, "first_seen", d->first_seen);
    opt(o, "last_seen", d->last_seen);
    return o;
}
