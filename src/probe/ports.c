/* ports.c - port lists and the protocol spoken on each port (ports.h). */
#include "probe/ports.h"

#include <string.h>

#include "util/str.h"

static const char *const kind_names[SL_PK_COUNT] = {"http",  "https",  "rtsp",  "hik-sdk",
                                                    "dvrip", "banner", "listen"};

const char *sl_port_kind_name(enum sl_port_kind k)
{
    return (unsigned)k < SL_PK_COUNT ? kind_names[k] : "banner";
}

int sl_port_kind_from_name(const char *name, enum sl_port_kind *out)
{
    for (int i = 0; i < SL_PK_COUNT; i++)
        if (sl_str_eq_nocase(name, kind_names[i])) {
            *out = (enum sl_port_kind)i;
            return 0;
        }
    return -1;
}

enum sl_port_kind sl_port_kind_default(uint16_t port)
{
    switch (port) {
    case 80: case 81: case 82: case 85: case 88: case 631: case 5985: case 7001: case 8001:
    case 8080: case 8081: case 8088: case 8888: case 9000: case 10080:
        return SL_PK_HTTP;
    case 443: case 7443: case 8443: case 9443:
        return SL_PK_HTTPS;
    case 554: case 8554: case 10554:
        return SL_PK_RTSP;
    case 8000:
        return SL_PK_HIK_SDK;
    case 37777:
        return SL_PK_DVRIP;
    case 135: case 139: case 445: case 515: case 3389: case 9100:
        return SL_PK_LISTEN;
    default:
        return SL_PK_BANNER;
    }
}

const char *sl_ports_profile(const char *name)
{
    if (strcmp(name, "cameras") == 0)
        return "80,443,554,8000,8080,8443,37777";
    if (strcmp(name, "full") == 0)
        return "22,23,80-82,85,88,135,139,443,445,515,554,631,3389,5985,7001,7443,8000,8001,"
               "8080,8081,8088,8443,8554,8888,9000,9100,9443,10080,10554,34567,37777";
    return NULL;
}

static int push(struct sl_port_spec *out, size_t *n, size_t max, uint16_t port,
                enum sl_port_kind kind, struct sl_err *err)
{
    for (size_t i = 0; i < *n; i++)
        if (out[i].port == port) {
            out[i].kind = kind;
            return 0;
        }
    if (*n >= max)
        return sl_err_set(err, "more than %zu ports", max);
    out[(*n)++] = (struct sl_port_spec){port, kind};
    return 0;
}

int sl_ports_parse(const char *list, struct sl_port_spec *out, size_t max, struct sl_err *err)
{
    char buf[2048];
    if (sl_strlcpy(buf, list, sizeof buf) >= sizeof buf)
        return sl_err_set(err, "port list too long");
    size_t n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ", ", &save); tok != NULL; tok = strtok_r(NULL, ", ", &save)) {
        char *slash = strchr(tok, '/');
        enum sl_port_kind kind = SL_PK_COUNT;
        if (slash != NULL) {
            *slash = '\0';
            if (sl_port_kind_from_name(slash + 1, &kind) != 0)
                return sl_err_set(err, "unknown protocol '%s' (http, https, rtsp, hik-sdk, dvrip, "
                                       "banner, listen)", slash + 1);
        }
        int64_t lo, hi;
        char *dash = strchr(tok, '-');
        if (dash != NULL) {
            *dash = '\0';
            if (sl_parse_i64(tok, 1, 65535, &lo) != 0 || sl_parse_i64(dash + 1, 1, 65535, &hi) != 0 ||
                hi < lo)
                return sl_err_set(err, "bad port range '%s-%s'", tok, dash + 1);
        } else if (sl_parse_i64(tok, 1, 65535, &lo) == 0) {
            hi = lo;
        } else {
            return sl_err_set(err, "bad port '%s' (1-65535)", tok);
        }
        for (int64_t p = lo; p <= hi; p++) {
            enum sl_port_kind k = kind != SL_PK_COUNT ? kind : sl_port_kind_default((uint16_t)p);
            if (push(out, &n, max, (uint16_t)p, k, err) != 0)
                return -1;
        }
    }
    if (n == 0)
        return sl_err_set(err, "empty port list");
    return (int)n;
}
