/* profile.h - device profiles: what each emulated device answers, as data.
 *
 * One file per profile under lab/profiles/ (format in docs/lab.md). A profile
 * names the device (manufacturer, brand, device type, OUIs), defines per-device
 * variables (model, firmware, serial, ...), lists its ports with the behaviour
 * behind each, and holds response sections whose text is served byte for byte
 * after ${...} expansion (expand.h).
 *
 * Memory: a loaded profile set owns every string in it; lab_profiles_free()
 * releases all. Bounded: a profile file is at most LAB_PROFILE_MAX bytes, at
 * most LAB_MAX_PORTS ports, LAB_MAX_VARS variables, LAB_MAX_SECTIONS sections.
 */
#ifndef SL_LAB_PROFILE_H
#define SL_LAB_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define LAB_PROFILE_MAX (1024 * 1024)
#define LAB_MAX_PORTS 16
#define LAB_MAX_VARS 32
#define LAB_MAX_SECTIONS 96
#define LAB_MAX_OUIS 16
#define LAB_MAX_PROFILES 128
#define LAB_NAME_MAX 64

/* What sits behind a port. The first group is what real devices do; the
 * second is the hostile behaviours of DESIGN.md §13. */
enum lab_svc {
    LAB_SVC_HTTP,       /* HTTP/1.x request -> matching "http" section */
    LAB_SVC_HTTPS,      /* TLS (self-signed, profile subject), then HTTP */
    LAB_SVC_RTSP,       /* RTSP requests -> "rtsp" sections, connection kept */
    LAB_SVC_TCP,        /* binary: "tcp greet" on connect, "tcp reply" on data */
    LAB_SVC_WSD,        /* UDP WS-Discovery Probe -> ProbeMatches */
    LAB_SVC_SSDP,       /* UDP M-SEARCH -> response */
    LAB_SVC_SADP,       /* UDP Hikvision SADP inquiry -> ProbeMatch */
    LAB_SVC_DHDISCOVER, /* UDP Dahua DHIP DHDiscover.search -> notifyDevInfo */
    LAB_SVC_TARPIT,     /* accepts, reads, never answers */
    LAB_SVC_GARBAGE,    /* random bytes, then close */
    LAB_SVC_RST,        /* accept then reset (SO_LINGER 0) */
    LAB_SVC_TLS_STALL,  /* reads the ClientHello, sends half a record, stalls */
    LAB_SVC_ENDLESS,    /* HTTP head, then a body that never ends */
};

struct lab_port {
    uint16_t port;
    bool udp;
    enum lab_svc svc;
    unsigned drip_ms; /* >0: send the response one byte every drip_ms */
    unsigned repeat;  /* UDP: replies per request (1 unless a flood) */
};

enum lab_sect_kind {
    LAB_SECT_HTTP,     /* head (CRLF) + body */
    LAB_SECT_RTSP,     /* head (CRLF) + body */
    LAB_SECT_TCP_GREET,
    LAB_SECT_TCP_REPLY,
    LAB_SECT_WSD,
    LAB_SECT_SSDP,     /* head only (CRLF) */
    LAB_SECT_SADP,
    LAB_SECT_DHDISCOVER,
};

struct lab_section {
    enum lab_sect_kind kind;
    char method[16];    /* http/rtsp: request method, "*" = any */
    char *path;         /* http/rtsp: path (query included); "*" any; "x*" prefix */
    char *soap;         /* http: SOAP body element that must appear (ONVIF action) */
    char *match;        /* tcp reply: bytes that must appear in the request */
    size_t match_len;
    uint16_t port;      /* 0 = every port of a fitting service */
    int auth;           /* http: 1 = only with credentials, 0 = only without, -1 = either */
    char *head;         /* template text (escapes already decoded), NUL-terminated */
    size_t head_len;
    char *body;         /* may be NULL */
    size_t body_len;
    int line;           /* line in the profile file, for messages */
};

struct lab_var {
    char name[32];
    char *tmpl; /* expanded once per device (expand.h) */
};

struct lab_profile {
    char name[LAB_NAME_MAX];
    char *path;          /* file it came from */
    char *description;
    char *manufacturer;  /* NULL = null in the ground truth */
    char *brand;         /* NULL = null */
    char device_type[16];
    bool hostile;
    unsigned weight;     /* default mix weight */
    uint8_t ouis[LAB_MAX_OUIS][3];
    size_t n_ouis;
    char *tls_subject;   /* template, "CN=...,O=..." */
    struct lab_port ports[LAB_MAX_PORTS];
    size_t n_ports;
    struct lab_var vars[LAB_MAX_VARS];
    size_t n_vars;
    struct lab_section sections[LAB_MAX_SECTIONS];
    size_t n_sections;
};

struct lab_profiles {
    struct lab_profile *v[LAB_MAX_PROFILES];
    size_t n;
};

/* Parses one profile from text (path is used in messages). Returns a new
 * profile (caller frees with lab_profile_free) or NULL with err set. */
struct lab_profile *lab_profile_parse(const char *path, const char *text, size_t len,
                                      struct sl_err *err);
void lab_profile_free(struct lab_profile *p);

/* Loads every *.profile in dir, sorted by name. Returns 0 or -1. */
int lab_profiles_load(const char *dir, struct lab_profiles *out, struct sl_err *err);
void lab_profiles_free(struct lab_profiles *ps);
const struct lab_profile *lab_profiles_find(const struct lab_profiles *ps, const char *name);

const char *lab_svc_name(enum lab_svc s);
/* The variable named `name` in p, or NULL. */
const struct lab_var *lab_profile_var(const struct lab_profile *p, const char *name);

/* Decodes \xHH \r \n \t \\ escapes of s[0..n) into a new NUL-terminated string
 * (other backslashes are kept). *out_len gets the decoded length. */
char *lab_unescape(const char *s, size_t n, size_t *out_len);

#endif
