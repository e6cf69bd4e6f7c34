/* import.c - nmap XML and masscan JSON to evidence (import.h). */
#include "scan/import.h"

#include <expat.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "scan/internal.h"
#include "util/grow.h"
#include "util/str.h"

#define MAX_DEPTH 64
#define HOSTS_AT_ONCE 500 /* hosts a call of the register (<= SL_OBS_BATCH_MAX) */

struct sl_host *sl_hostlist_add(struct sl_hostlist *hs, const char *addr, struct sl_err *err)
{
    struct sl_addr a;
    if (sl_addr_parse(addr, &a) != 0) {
        sl_err_setk(err, SL_ERR_INVALID, "'%.60s' is not an address", addr);
        return NULL;
    }
    if (hs->n >= SL_IMPORT_MAX_HOSTS) {
        sl_err_setk(err, SL_ERR_INVALID, "more than %d hosts", SL_IMPORT_MAX_HOSTS);
        return NULL;
    }
    if (hs->n == hs->cap) {
        size_t nc = hs->cap ? hs->cap * 2 : 64;
        struct sl_host **nh = realloc(hs->h, nc * sizeof *nh);
        if (nh == NULL) {
            sl_err_set(err, "out of memory");
            return NULL;
        }
        hs->h = nh;
        hs->cap = nc;
    }
    struct sl_host *h = calloc(1, sizeof *h);
    if (h == NULL) {
        sl_err_set(err, "out of memory");
        return NULL;
    }
    h->addr = a;
    sl_addr_format(&a, h->addr_s);
    h->up = true;
    hs->h[hs->n++] = h;
    return h;
}

void sl_host_port(struct sl_host *h, uint16_t port)
{
    for (unsigned i = 0; i < h->n_open; i++)
        if (h->open_ports[i] == port)
            return;
    if (h->n_open < sizeof h->open_ports / sizeof h->open_ports[0])
        h->open_ports[h->n_open++] = port;
}

void sl_hostlist_free(struct sl_hostlist *hs)
{
    for (size_t i = 0; i < hs->n; i++) {
        for (struct sl_ev_item *it = hs->h[i]->ev_head, *nx; it != NULL; it = nx) {
            nx = it->next;
            free(it);
        }
        free(hs->h[i]);
    }
    free(hs->h);
}

/* nmap writes non-printable bytes of banners as \xNN; undo that. */
static size_t unescape(const char *s, char *out, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; s[i] != '\0' && w + 1 < n; i++) {
        if (s[i] == '\\' && s[i + 1] == 'x' && s[i + 2] && s[i + 3]) {
            char hex[3] = {s[i + 2], s[i + 3], 0};
            char *end;
            long v = strtol(hex, &end, 16);
            if (*end == '\0') {
                out[w++] = (char)v;
                i += 3;
                continue;
            }
        }
        if (s[i] == '\\' && (s[i + 1] == 'r' || s[i + 1] == 'n' || s[i + 1] == '0')) {
            out[w++] = s[i + 1] == 'r' ? '\r' : s[i + 1] == 'n' ? '\n' : '\0';
            i++;
            continue;
        }
        out[w++] = s[i];
    }
    out[w] = '\0';
    return w;
}

/* ---- nmap -oX ------------------------------------------------------------------------- */

struct nx {
    XML_Parser p;
    struct sl_hostlist *hs;
    struct sl_err *err;
    int depth;
    bool failed;
    /* current host */
    bool in_host;
    char addr[SL_ADDR_STRLEN], mac[32];
    struct sl_host *h;
    /* current port */
    bool in_port, port_open;
    uint16_t port;
    bool ssl;
    char service[512];
};

static const char *attr(const XML_Char **a, const char *name)
{
    for (size_t i = 0; a[i] != NULL; i += 2)
        if (strcmp(a[i], name) == 0)
            return a[i + 1];
    return NULL;
}

static void nx_fail(struct nx *x, const char *msg)
{
    if (!x->failed) {
        sl_err_setk(x->err, SL_ERR_INVALID, "nmap XML, line %lu: %s", (unsigned long)XML_GetCurrentLineNumber(x->p),
                   msg);
        x->failed = true;
    }
    XML_StopParser(x->p, XML_FALSE);
}

static struct sl_host *nx_host(struct nx *x)
{
    if (x->h == NULL && x->addr[0]) {
        x->h = sl_hostlist_add(x->hs, x->addr, x->err);
        if (x->h == NULL) {
            x->failed = true;
            XML_StopParser(x->p, XML_FALSE);
            return NULL;
        }
        if (x->mac[0])
            sl_host_add_evidence(x->h, SL_PROTO_MAC, SL_OUTCOME_OK, 0, "nmap import", NULL, x->mac,
                                 strlen(x->mac), NULL);
    }
    return x->h;
}

static void nx_script(struct nx *x, const char *id, const char *output)
{
    struct sl_host *h = nx_host(x);
    if (h == NULL || id == NULL || output == NULL || !x->port_open)
        return;
    char buf[8192], dec[8192];
    enum sl_proto proto = SL_PROTO_NONE;
    size_t n = 0;
    const char *what = "reconstructed from nmap script output";
    if (strcmp(id, "http-server-header") == 0) {
        int w = snprintf(buf, sizeof buf, "HTTP/1.1 200 OK\r\nServer: %s\r\n\r\n", output);
        n = w > 0 && (size_t)w < sizeof buf ? (size_t)w : 0;
        proto = SL_PROTO_HTTP;
    } else if (strcmp(id, "http-title") == 0) {
        int w = snprintf(buf, sizeof buf,
                         "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
                         "<html><head><title>%s</title></head></html>",
                         output);
        n = w > 0 && (size_t)w < sizeof buf ? (size_t)w : 0;
        proto = SL_PROTO_HTTP;
    } else if (strcmp(id, "rtsp-methods") == 0) {
        int w = snprintf(buf, sizeof buf, "RTSP/1.0 200 OK\r\nCSeq: 1\r\nPublic: %s\r\n\r\n", output);
        n = w > 0 && (size_t)w < sizeof buf ? (size_t)w : 0;
        proto = SL_PROTO_RTSP;
    } else if (strcmp(id, "banner") == 0) {
        n = unescape(output, dec, sizeof dec);
        memcpy(buf, dec, n);
        proto = SL_PROTO_TCP;
        what = "banner as nmap's banner script printed it";
    }
    if (proto != SL_PROTO_NONE && n > 0)
        sl_host_add_evidence(h, proto, SL_OUTCOME_OK, x->port, "nmap import", NULL, buf, n, what);
}

static void XMLCALL nx_start(void *ud, const XML_Char *name, const XML_Char **a)
{
    struct nx *x = ud;
    if (++x->depth > MAX_DEPTH) {
        nx_fail(x, "nested too deeply");
        return;
    }
    if (x->depth == 1 && strcmp(name, "nmaprun") != 0) {
        nx_fail(x, "the root element is not <nmaprun>: not nmap -oX output");
        return;
    }
    if (strcmp(name, "host") == 0) {
        x->in_host = true;
        x->addr[0] = x->mac[0] = '\0';
        x->h = NULL;
    } else if (x->in_host && strcmp(name, "address") == 0) {
        const char *type = attr(a, "addrtype"), *addr = attr(a, "addr");
        if (type == NULL || addr == NULL)
            return;
        if (strcmp(type, "mac") == 0)
            sl_strlcpy(x->mac, addr, sizeof x->mac);
        else if (!x->addr[0])
            sl_strlcpy(x->addr, addr, sizeof x->addr);
    } else if (x->in_host && strcmp(name, "port") == 0) {
        const char *proto = attr(a, "protocol"), *id = attr(a, "portid");
        int64_t v;
        x->in_port = proto != NULL && strcmp(proto, "tcp") == 0 && id != NULL &&
                     sl_parse_i64(id, 1, 65535, &v) == 0;
        x->port = x->in_port ? (uint16_t)v : 0;
        x->port_open = false;
        x->ssl = false;
    } else if (x->in_port && strcmp(name, "state") == 0) {
        const char *st = attr(a, "state");
        x->port_open = st != NULL && strcmp(st, "open") == 0;
        struct sl_host *h = x->port_open ? nx_host(x) : NULL;
        if (h != NULL)
            sl_host_port(h, x->port);
    } else if (x->in_port && x->port_open && strcmp(name, "service") == 0) {
        static const char *const keys[] = {"name", "product", "version", "extrainfo",
                                           "devicetype", "ostype", "tunnel"};
        size_t used = (size_t)snprintf(x->service, sizeof x->service, "nmap-service:");
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            const char *v = attr(a, keys[i]);
            if (v == NULL || used >= sizeof x->service)
                continue;
            int w = snprintf(x->service + used, sizeof x->service - used, " %s=%s", keys[i], v);
            if (w > 0)
                used += (size_t)w;
        }
        struct sl_host *h = nx_host(x);
        if (h != NULL)
            sl_host_add_evidence(h, SL_PROTO_TCP, SL_OUTCOME_OK, x->port, "nmap import", NULL,
                                 x->service, strlen(x->service) < sizeof x->service
                                                 ? strlen(x->service)
                                                 : sizeof x->service - 1,
                                 "service as nmap -sV named it");
    } else if (x->in_port && strcmp(name, "script") == 0) {
        nx_script(x, attr(a, "id"), attr(a, "output"));
    }
}

static void XMLCALL nx_end(void *ud, const XML_Char *name)
{
    struct nx *x = ud;
    x->depth--;
    if (strcmp(name, "host") == 0) {
        nx_host(x); /* a host with an address but nothing open is still "up" */
        x->in_host = false;
        x->h = NULL;
    } else if (strcmp(name, "port") == 0) {
        x->in_port = false;
    }
}

static void XMLCALL nx_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    if (has_internal_subset)
        nx_fail(ud, "a DTD internal subset is not accepted");
}

static void XMLCALL nx_entity(void *ud, const XML_Char *name, int is_pe, const XML_Char *value,
                              int vlen, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    (void)name, (void)is_pe, (void)value, (void)vlen, (void)base, (void)sysid, (void)pubid,
        (void)notation;
    nx_fail(ud, "entity declarations are not accepted");
}

static int parse_nmap(const char *data, size_t len, struct sl_hostlist *hs, struct sl_err *err)
{
    struct nx x;
    memset(&x, 0, sizeof x);
    x.hs = hs;
    x.err = err;
    x.p = XML_ParserCreate(NULL);
    if (x.p == NULL)
        return sl_err_set(err, "out of memory");
    XML_SetUserData(x.p, &x);
    XML_SetElementHandler(x.p, nx_start, nx_end);
    XML_SetStartDoctypeDeclHandler(x.p, nx_doctype);
    XML_SetEntityDeclHandler(x.p, nx_entity);
    XML_SetParamEntityParsing(x.p, XML_PARAM_ENTITY_PARSING_NEVER);
    enum XML_Status st = XML_Parse(x.p, data, (int)len, XML_TRUE);
    if (st != XML_STATUS_OK && !x.failed)
        sl_err_setk(err, SL_ERR_INVALID, "nmap XML, line %lu: %s", (unsigned long)XML_GetCurrentLineNumber(x.p),
                   XML_ErrorString(XML_GetErrorCode(x.p)));
    bool bad = st != XML_STATUS_OK || x.failed;
    XML_ParserFree(x.p);
    return bad ? -1 : 0;
}

/* ---- masscan -oJ ------------------------------------------------------------------------ */

struct mrec {
    char addr[SL_ADDR_STRLEN];
    uint16_t port;
    char *banner; /* NULL for a bare open port */
    size_t blen;
    bool http;
};

static int cmp_mrec(const void *a, const void *b)
{
    return strcmp(((const struct mrec *)a)->addr, ((const struct mrec *)b)->addr);
}

struct mrecs {
    struct mrec *v;
    size_t n, cap;
};

/* One port entry of a host line: an open TCP port, with its banner if any.
 * 0 (kept or skipped), or -1 with err. */
static int masscan_port(json_t *pe, const char *ip, const char *where, struct mrecs *m,
                        struct sl_err *err)
{
    json_int_t port = json_integer_value(json_object_get(pe, "port"));
    const char *proto = json_string_value(json_object_get(pe, "proto"));
    const char *status = json_string_value(json_object_get(pe, "status"));
    json_t *svc = json_object_get(pe, "service");
    if (port <= 0 || port > 65535 || (proto != NULL && strcmp(proto, "tcp") != 0))
        return 0;
    if (svc == NULL && status != NULL && strcmp(status, "open") != 0)
        return 0;
    if (m->n >= SL_IMPORT_MAX_HOSTS * 4ull)
        return sl_err_setk(err, SL_ERR_INVALID, "too many records");
    if (SL_GROW(m->v, m->cap, m->n + 1, 256) != 0)
        return sl_err_set(err, "out of memory");
    struct mrec *r = &m->v[m->n];
    memset(r, 0, sizeof *r);
    struct sl_addr a;
    if (sl_addr_parse(ip, &a) != 0)
        return sl_err_setk(err, SL_ERR_INVALID, "masscan JSON, %s: '%.60s' is not an address", where, ip);
    sl_addr_format(&a, r->addr);
    r->port = (uint16_t)port;
    const char *banner = json_string_value(json_object_get(svc, "banner"));
    const char *name = json_string_value(json_object_get(svc, "name"));
    if (banner != NULL) {
        r->blen = strlen(banner);
        if (r->blen > SL_SCAN_MAX_RAW)
            r->blen = SL_SCAN_MAX_RAW;
        r->banner = malloc(r->blen + 1);
        if (r->banner == NULL)
            return sl_err_set(err, "out of memory");
        memcpy(r->banner, banner, r->blen);
        r->banner[r->blen] = '\0';
        r->http = name != NULL && strcmp(name, "http") == 0;
    }
    m->n++;
    return 0;
}

/* One host object: its open TCP ports into m. where names it in errors ("line
 * 3", "record 7"). 0, or -1 with err. */
static int masscan_host(json_t *j, const char *where, struct mrecs *m, struct sl_err *err)
{
    if (!json_is_object(j))
        return sl_err_setk(err, SL_ERR_INVALID, "masscan JSON, %s: not a host object", where);
    const char *ip = json_string_value(json_object_get(j, "ip"));
    json_t *ports = json_object_get(j, "ports");
    if (ip == NULL && json_object_get(j, "finished") != NULL)
        return 0; /* masscan's closing status record */
    if (ip == NULL || !json_is_array(ports))
        return sl_err_setk(err, SL_ERR_INVALID, "masscan JSON, %s: a record without \"ip\" and \"ports\"", where);
    size_t i;
    json_t *pe;
    json_array_foreach(ports, i, pe) {
        if (masscan_port(pe, ip, where, m, err) != 0)
            return -1;
    }
    return 0;
}

/* masscan's own form: "[", one host object a line (each ending in ","), "]".
 * Every other line is an error: nothing is skipped unread. */
static int masscan_lines(const char *data, size_t len, struct mrecs *m, struct sl_err *err)
{
    size_t lineno = 0;
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *s = p, *le = nl != NULL ? nl : end;
        p = nl != NULL ? nl + 1 : end;
        lineno++;
        while (s < le && (*s == ' ' || *s == '\t' || *s == '\r'))
            s++;
        size_t l = (size_t)(le - s);
        while (l > 0 && (s[l - 1] == ',' || s[l - 1] == ' ' || s[l - 1] == '\r'))
            l--;
        if (l == 0 || (l == 1 && (*s == '[' || *s == ']')))
            continue;
        char where[32];
        snprintf(where, sizeof where, "line %zu", lineno);
        if (*s != '{')
            return sl_err_setk(err, SL_ERR_INVALID, "masscan JSON, %s: not a host record", where);
        json_error_t je;
        json_t *j = json_loadb(s, l, JSON_REJECT_DUPLICATES, &je);
        if (j == NULL)
            return sl_err_setk(err, SL_ERR_INVALID, "masscan JSON, %s: %s", where, je.text);
        int rc = masscan_host(j, where, m, err);
        json_decref(j);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* masscan JSON: a whole document (an array of host objects, pretty-printed or
 * not), else masscan's line form (older masscan leaves a comma before the
 * closing "]", which is not JSON). Records are never skipped unread: a NUL
 * (\u0000), a record nested too deeply, or anything but a host object is an
 * error naming where. */
static int masscan_records(const char *data, size_t len, struct mrecs *m, struct sl_err *err)
{
    json_error_t je;
    json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (doc == NULL) {
        struct sl_err lerr = {0};
        if (masscan_lines(data, len, m, &lerr) == 0)
            return 0;
        /* neither: say what is wrong with it as a document, and as lines */
        return sl_err_setk(err, SL_ERR_INVALID, "masscan JSON, line %d, column %d: %s (read as one record a "
                               "line: %s)", je.line, je.column, je.text, lerr.msg);
    }
    int rc = 0;
    if (!json_is_array(doc)) {
        rc = sl_err_setk(err, SL_ERR_INVALID, "masscan JSON: the document is not an array of host records");
    } else {
        size_t i;
        json_t *j;
        json_array_foreach(doc, i, j) {
            char where[32];
            snprintf(where, sizeof where, "record %zu", i + 1);
            if ((rc = masscan_host(j, where, m, err)) != 0)
                break;
        }
    }
    json_decref(doc);
    return rc;
}

static int parse_masscan(const char *data, size_t len, struct sl_hostlist *hs, struct sl_err *err)
{
    struct mrecs m = {NULL, 0, 0};
    int rc = masscan_records(data, len, &m, err);
    if (rc == 0 && m.n > 0) {
        qsort(m.v, m.n, sizeof *m.v, cmp_mrec);
        struct sl_host *h = NULL;
        for (size_t i = 0; i < m.n && rc == 0; i++) {
            const struct mrec *r = &m.v[i];
            if (h == NULL || strcmp(h->addr_s, r->addr) != 0)
                h = sl_hostlist_add(hs, r->addr, err);
            if (h == NULL) {
                rc = -1;
                break;
            }
            sl_host_port(h, r->port);
            if (r->banner != NULL)
                sl_host_add_evidence(h, r->http ? SL_PROTO_HTTP : SL_PROTO_TCP, SL_OUTCOME_OK,
                                     r->port, "masscan import", NULL, r->banner, r->blen,
                                     "banner as masscan printed it");
        }
    }
    for (size_t i = 0; i < m.n; i++)
        free(m.v[i].banner);
    free(m.v);
    return rc;
}

/* The format from the first byte that is not blank (after a UTF-8 byte order
 * mark): '<' nmap XML, '[' or '{' masscan JSON, anything else an error. */
static int detect(const char *data, size_t len, enum sl_import_format *fmt, struct sl_err *err)
{
    size_t i = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    while (i < len && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t'))
        i++;
    if (i < len && data[i] == '<')
        *fmt = SL_IMPORT_NMAP_XML;
    else if (i < len && (data[i] == '[' || data[i] == '{'))
        *fmt = SL_IMPORT_MASSCAN_JSON;
    else if (i < len)
        return sl_err_setk(err, SL_ERR_INVALID, "not nmap XML or masscan JSON (it starts with byte 0x%02x)",
                          (unsigned char)data[i]);
    else
        return sl_err_setk(err, SL_ERR_INVALID, "not nmap XML or masscan JSON: the file is empty");
    return 0;
}

int sl_import_run(const char *data, size_t len, enum sl_import_format fmt,
                  const struct sl_scan_opts *opts, const struct sl_scan_callbacks *cb,
                  struct sl_scan_summary *sum, struct sl_err *err)
{
    static const struct sl_scan_callbacks no_cb;
    if (cb == NULL)
        cb = &no_cb;
    memset(sum, 0, sizeof *sum);
    if (len > SL_IMPORT_MAX_BYTES)
        return sl_err_setk(err, SL_ERR_INVALID, "input larger than %zu bytes", SL_IMPORT_MAX_BYTES);
    if (fmt == SL_IMPORT_AUTO && detect(data, len, &fmt, err) != 0)
        return -1;
    struct sl_hostlist hs = {0};
    int rc = fmt == SL_IMPORT_NMAP_XML ? parse_nmap(data, len, &hs, err)
                                       : parse_masscan(data, len, &hs, err);
    if (rc == 0 && hs.n == 0)
        rc = sl_err_setk(err, SL_ERR_INVALID, "%s: no hosts in the file, nothing to import",
                        fmt == SL_IMPORT_NMAP_XML ? "nmap XML" : "masscan JSON");
    if (rc != 0) {
        sl_hostlist_free(&hs);
        return -1;
    }
    rc = sl_hostlist_record(&hs, opts, "import", cb, sum, err);
    sl_hostlist_free(&hs);
    return rc;
}

int sl_hostlist_record(struct sl_hostlist *hs, const struct sl_scan_opts *opts, const char *kind,
                       const struct sl_scan_callbacks *cb, struct sl_scan_summary *sum,
                       struct sl_err *err)
{
    static const struct sl_scan_callbacks no_cb;
    if (cb == NULL)
        cb = &no_cb;
    int rc = 0;
    struct sl_scan_opts o = *opts;
    o.kind = kind;
    o.targets = NULL;
    struct sl_recorder *rec;
    if (sl_recorder_new(&rec, &o, cb, sum, err) != 0)
        return -1;
    sum->stats.hosts_total = hs->n;
    /* Recorded HOSTS_AT_ONCE at a time: one call of the register for them all. */
    for (size_t i = 0; i < hs->n && rc == 0; i += HOSTS_AT_ONCE) {
        size_t n = hs->n - i < HOSTS_AT_ONCE ? hs->n - i : HOSTS_AT_ONCE;
        for (size_t k = i; k < i + n; k++) {
            struct sl_host *h = hs->h[k];
            for (struct sl_ev_item *it = h->ev_head; it != NULL; it = it->next) {
                sum->stats.evidence++;
                if (cb->on_evidence != NULL)
                    cb->on_evidence(h->addr_s, &it->ev, cb->ctx);
            }
            sum->stats.hosts_done++;
            sum->stats.hosts_up++;
        }
        rc = sl_recorder_hosts(rec, hs->h + i, n, err);
    }
    sum->complete = rc == 0;
    struct sl_err ferr = {0};
    if (sl_recorder_finish(rec, NULL, UINT64_MAX, rc == 0, &ferr) != 0 && rc == 0) {
        *err = ferr;
        rc = -1;
    }
    sl_recorder_free(rec);
    return rc;
}
