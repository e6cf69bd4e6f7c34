/* evidence.c - the names of protocols and outcomes, both ways (evidence.h).
 * Holds no evidence: scans, the monitor and the register do. */
#include "core/evidence.h"

#include <string.h>

static const char *const proto_names[SL_PROTO_COUNT] = {
    [SL_PROTO_NONE] = "none",   [SL_PROTO_HTTP] = "http",   [SL_PROTO_RTSP] = "rtsp",
    [SL_PROTO_WSD] = "wsd",     [SL_PROTO_ONVIF] = "onvif", [SL_PROTO_SSDP] = "ssdp",
    [SL_PROTO_UPNP] = "upnp",   [SL_PROTO_SADP] = "sadp",   [SL_PROTO_DHDISCOVER] = "dhdiscover",
    [SL_PROTO_TCP] = "tcp",     [SL_PROTO_TLS] = "tls",     [SL_PROTO_MAC] = "mac",
    [SL_PROTO_DHCP] = "dhcp",
};

static const char *const outcome_names[SL_OUTCOME_COUNT] = {
    [SL_OUTCOME_OK] = "ok",
    [SL_OUTCOME_TIMEOUT] = "timeout",
    [SL_OUTCOME_REFUSED] = "refused",
    [SL_OUTCOME_RESET] = "reset",
    [SL_OUTCOME_CLOSED] = "closed",
    [SL_OUTCOME_TOO_LARGE] = "too_large",
    [SL_OUTCOME_TLS_FAILED] = "tls_failed",
    [SL_OUTCOME_MALFORMED] = "malformed",
    [SL_OUTCOME_ERROR] = "error",
};

const char *sl_proto_name(enum sl_proto p)
{
    if ((unsigned)p >= SL_PROTO_COUNT)
        return "none";
    return proto_names[p];
}

int sl_proto_from_name(const char *name, enum sl_proto *out)
{
    for (int i = 1; i < SL_PROTO_COUNT; i++) {
        if (strcmp(proto_names[i], name) == 0) {
            *out = (enum sl_proto)i;
            return 0;
        }
    }
    return -1;
}

const char *sl_outcome_name(enum sl_outcome o)
{
    if ((unsigned)o >= SL_OUTCOME_COUNT)
        return "error";
    return outcome_names[o];
}

int sl_outcome_from_name(const char *name, enum sl_outcome *out)
{
    for (int i = 0; i < SL_OUTCOME_COUNT; i++) {
        if (strcmp(outcome_names[i], name) == 0) {
            *out = (enum sl_outcome)i;
            return 0;
        }
    }
    return -1;
}
