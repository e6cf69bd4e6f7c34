/* fields.c - one answer parsed into named fields for the rules (fields.h),
 * through the bounded parsers of proto/. Matches no rule. */
#include "ident/fields.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/html.h"
#include "proto/json.h"
#include "proto/kv.h"
#include "proto/mac.h"
#include "proto/tlscert.h"
#include "proto/xml.h"
#include "util/err.h"
#include "util/str.h"

#define MAX_XML_NS 16
#define RAW_MAX (64u * 1024u)   /* bytes of an answer whole-response patterns see */
#define HEADER_NAMES_MAX 1024   /* http.header_names, cut at a name boundary */

int sl_fields_init(struct sl_fieldset *fs)
{
    memset(fs, 0, sizeof *fs);
    fs->arena = malloc(SL_FIELDS_ARENA);
    if (fs->arena == NULL)
        return -1;
    sl_http_init(&fs->http, NULL);
    return 0;
}

void sl_fields_free(struct sl_fieldset *fs)
{
    free(fs->arena);
    fs->arena = NULL;
    sl_xml_reader_free(fs->xml);
    fs->xml = NULL;
    sl_http_free(&fs->http);
}

void sl_fields_reset(struct sl_fieldset *fs)
{
    fs->n = 0;
    fs->used = 0;
    fs->dropped = 0;
    fs->errors[0] = '\0';
    if (fs->http_live)
        sl_http_reset(&fs->http);
    fs->http_live = false;
}

static char *arena_alloc(struct sl_fieldset *fs, size_t n)
{
    if (n > SL_FIELDS_ARENA - fs->used)
        return NULL;
    char *p = fs->arena + fs->used;
    fs->used += n;
    return p;
}

static char *arena_str(struct sl_fieldset *fs, const char *s, size_t n)
{
    char *p = arena_alloc(fs, n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

int sl_fields_add_ref(struct sl_fieldset *fs, const char *static_key, const char *val, size_t len)
{
    if (fs->n >= SL_FIELDS_MAX) {
        fs->dropped++;
        return -1;
    }
    struct sl_field *f = &fs->f[fs->n++];
    f->key = static_key;
    f->val = val;
    f->len = len;
    f->lc = NULL;
    f->derived = false;
    return 0;
}

int sl_fields_add(struct sl_fieldset *fs, const char *key, const char *val, size_t len,
                  bool derived)
{
    if (fs->n >= SL_FIELDS_MAX) {
        fs->dropped++;
        return -1;
    }
    size_t used = fs->used;
    char *k = arena_str(fs, key, strlen(key));
    char *v = k != NULL ? arena_str(fs, val, len) : NULL;
    if (v == NULL) {
        fs->used = used;
        fs->dropped++;
        return -1;
    }
    struct sl_field *f = &fs->f[fs->n++];
    f->key = k;
    f->val = v;
    f->len = len;
    f->lc = NULL;
    f->derived = derived;
    return 0;
}

static int add_str(struct sl_fieldset *fs, const char *key, const char *val)
{
    return sl_fields_add(fs, key, val, strlen(val), false);
}

const char *sl_fields_lc(struct sl_fieldset *fs, size_t i)
{
    struct sl_field *f = &fs->f[i];
    if (f->lc == NULL) {
        f->lc = arena_alloc(fs, f->len + 1);
        if (f->lc == NULL)
            return NULL;
        for (size_t k = 0; k < f->len; k++)
            f->lc[k] = (char)tolower((unsigned char)f->val[k]);
        f->lc[f->len] = '\0';
    }
    return f->lc;
}

void sl_fields_error(struct sl_fieldset *fs, const char *what, const char *msg)
{
    size_t n = strlen(fs->errors);
    if (n + 4 >= sizeof fs->errors)
        return;
    if (snprintf(fs->errors + n, sizeof fs->errors - n, "%s%s: %s", n ? "; " : "", what, msg) < 0)
        fs->errors[n] = '\0';
}

/* key = a + b, cut to keysz (snprintf costs more than the rest of a field). */
static void cat2(char *key, size_t keysz, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la >= keysz)
        la = keysz - 1;
    memcpy(key, a, la);
    if (lb > keysz - 1 - la)
        lb = keysz - 1 - la;
    memcpy(key + la, b, lb);
    key[la + lb] = '\0';
}

/* ---- structured bodies ------------------------------------------------------------ */

struct xml_ctx {
    struct sl_fieldset *fs;
    size_t n_ns;
    char ns[MAX_XML_NS][128];
};

static void url_decode(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (r[0] == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
            char hex[3] = {r[1], r[2], 0};
            *w++ = (char)strtol(hex, NULL, 16);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

static int on_xml(const struct sl_xml_elem *e, void *vctx)
{
    struct xml_ctx *c = vctx;
    const char *path = e->path;
    bool soap = false;
    if (strncmp(path, "Envelope/Body/", 14) == 0) {
        path += 14;
        soap = true;
    }
    /* the document's subject: the root, or the first element inside a SOAP Body */
    if ((soap && e->depth == 3) || (!soap && e->depth == 1 && strcmp(e->local, "Envelope") != 0)) {
        sl_fields_add(c->fs, "xml.root", e->local, strlen(e->local), false);
    }
    if (e->ns[0] != '\0') {
        bool seen = false;
        for (size_t i = 0; i < c->n_ns && !seen; i++)
            seen = strcmp(c->ns[i], e->ns) == 0;
        if (!seen && c->n_ns < MAX_XML_NS) {
            sl_strlcpy(c->ns[c->n_ns++], e->ns, sizeof c->ns[0]);
            sl_fields_add(c->fs, "xml.ns", e->ns, strlen(e->ns), false);
        }
    }
    if (e->text[0] == '\0')
        return 0;
    char key[SL_XML_MAX_PATH + 8];
    cat2(key, sizeof key, "xml:", path);
    sl_fields_add(c->fs, key, e->text, strlen(e->text), false);
    if (strcmp(e->local, "Scopes") == 0) {
        /* WS-Discovery scopes: URIs separated by white space, percent-encoded;
         * a token without "://" continues the previous one (some devices put
         * raw spaces in a model name) */
        char buf[SL_XML_MAX_TEXT + 1], scope[SL_XML_MAX_TEXT + 1] = "";
        sl_strlcpy(buf, e->text, sizeof buf);
        char *save = NULL;
        for (char *tok = strtok_r(buf, " \t\r\n", &save); tok != NULL;
             tok = strtok_r(NULL, " \t\r\n", &save)) {
            if (strstr(tok, "://") == NULL && scope[0] != '\0') {
                size_t n = strlen(scope);
                snprintf(scope + n, sizeof scope - n, " %s", tok);
                continue;
            }
            if (scope[0] != '\0') {
                url_decode(scope);
                sl_fields_add(c->fs, "wsd.scope", scope, strlen(scope), false);
            }
            sl_strlcpy(scope, tok, sizeof scope);
        }
        if (scope[0] != '\0') {
            url_decode(scope);
            sl_fields_add(c->fs, "wsd.scope", scope, strlen(scope), false);
        }
    }
    return 0;
}

static void extract_xml(struct sl_fieldset *fs, const char *data, size_t len)
{
    struct xml_ctx *c = calloc(1, sizeof *c);
    if (c == NULL)
        return;
    c->fs = fs;
    struct sl_err err = {0};
    if (fs->xml == NULL)
        fs->xml = sl_xml_reader_new();
    int rc = fs->xml != NULL ? sl_xml_reader_parse(fs->xml, data, len, NULL, on_xml, c, &err)
                             : sl_err_set(&err, "xml: out of memory");
    if (rc != 0)
        sl_fields_error(fs, "xml", err.msg + (strncmp(err.msg, "xml: ", 5) == 0 ? 5 : 0));
    free(c);
}

static int on_json(const char *path, const char *value, void *vctx)
{
    struct sl_fieldset *fs = vctx;
    char key[SL_JSON_MAX_PATH + 8];
    cat2(key, sizeof key, "json:", path);
    sl_fields_add(fs, key, value, strlen(value), false);
    return 0;
}

static void extract_json(struct sl_fieldset *fs, const char *data, size_t len)
{
    struct sl_err err = {0};
    if (sl_json_walk(data, len, NULL, on_json, fs, &err) != 0)
        sl_fields_error(fs, "json", err.msg + (strncmp(err.msg, "json: ", 6) == 0 ? 6 : 0));
}

struct kv_ctx {
    struct sl_fieldset *fs;
    const char *prefix;
};

static int on_kv(const char *key, const char *value, void *vctx)
{
    struct kv_ctx *c = vctx;
    char k[SL_KV_MAX_KEY + 16];
    cat2(k, sizeof k, c->prefix, key);
    sl_fields_add(c->fs, k, value, strlen(value), false);
    return 0;
}

static const char *skip_bom_ws(const char *p, const char *end)
{
    if (end - p >= 3 && (uint8_t)p[0] == 0xef && (uint8_t)p[1] == 0xbb && (uint8_t)p[2] == 0xbf)
        p += 3;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

/* True when p..end starts with an element whose name is not HTML's: an XML
 * document without a declaration or namespace (Foscam's <CGI_Result>). */
static bool starts_with_xml_element(const char *p, const char *end)
{
    static const char *const html[] = {"html", "head", "body", "script", "meta", "title", "link",
                                       "style", "frameset", "frame", "div", "p", "br", "a",
                                       "center", "table", "form", "iframe", "noscript", "base",
                                       "span", "img", "h1", "h2", "h3", "pre", "font", "b", NULL};
    if (end - p < 3 || p[0] != '<' || !isalpha((unsigned char)p[1]))
        return false;
    char name[16];
    size_t n = 0;
    for (const char *q = p + 1; q < end && n + 1 < sizeof name && (isalnum((unsigned char)*q) || *q == '_'); q++)
        name[n++] = (char)tolower((unsigned char)*q);
    name[n] = '\0';
    for (size_t i = 0; html[i] != NULL; i++)
        if (strcmp(name, html[i]) == 0)
            return false;
    return true;
}

/* Decides what a body is (XML, JSON, key=value, HTML) and extracts it. */
static void extract_body(struct sl_fieldset *fs, const char *body, size_t len,
                         const char *content_type)
{
    const char *end = body + len;
    const char *p = skip_bom_ws(body, end);
    size_t rest = (size_t)(end - p);
    bool html = rest >= 5 && (strncasecmp(p, "<!doc", 5) == 0 || strncasecmp(p, "<html", 5) == 0);
    if (!html && rest > 0 && *p == '<' &&
        (strncmp(p, "<?xml", 5) == 0 ||
         (content_type != NULL && sl_memcasemem(content_type, strlen(content_type), "xml")) ||
         sl_memcasemem(p, rest < 512 ? rest : 512, "xmlns") != NULL ||
         starts_with_xml_element(p, end))) {
        extract_xml(fs, p, rest);
        /* XHTML served as XML (often with a DOCTYPE we refuse): still a page */
        if (sl_memcasemem(p, rest < 1024 ? rest : 1024, "<html") == NULL)
            return;
        char xtitle[SL_HTML_MAX_TITLE + 1];
        if (sl_html_title(body, len, xtitle, sizeof xtitle))
            add_str(fs, "http.title", xtitle);
        return;
    }
    if (rest > 0 && (*p == '{' || *p == '[')) {
        extract_json(fs, p, rest);
        return;
    }
    char title[SL_HTML_MAX_TITLE + 1];
    if (sl_html_title(body, len, title, sizeof title))
        add_str(fs, "http.title", title);
    else if (sl_kv_looks_like(p, rest)) {
        struct kv_ctx c = {fs, "kv:"};
        sl_kv_walk(p, rest, on_kv, &c);
    }
}

/* ---- HTTP and RTSP ---------------------------------------------------------------- */

/* realm="..." inside a WWW-Authenticate value. */
static bool realm_of(const char *auth, char *out, size_t outsz)
{
    const char *r = sl_memcasemem(auth, strlen(auth), "realm=");
    if (r == NULL)
        return false;
    r += 6;
    if (*r == '"') {
        r++;
        const char *q = strchr(r, '"');
        size_t n = q != NULL ? (size_t)(q - r) : strlen(r);
        sl_strncpy_z(out, outsz, r, n);
    } else {
        size_t n = strcspn(r, ", ");
        sl_strncpy_z(out, outsz, r, n);
    }
    return true;
}

static void extract_sdp(struct sl_fieldset *fs, const char *p, size_t len)
{
    size_t i = 0;
    int lines = 0;
    while (i < len && lines < 128) {
        size_t s = i;
        while (i < len && p[i] != '\n')
            i++;
        size_t e = i;
        if (i < len)
            i++;
        if (e > s && p[e - 1] == '\r')
            e--;
        if (e - s >= 2 && p[s + 1] == '=') {
            char key[8] = "sdp:x";
            key[4] = p[s];
            sl_fields_add(fs, key, p + s + 2, e - s - 2, false);
            lines++;
        }
    }
}

static bool is_favicon(const char *path, const char *ctype, const uint8_t *b, size_t n)
{
    if (path != NULL && sl_str_ends_with(path, ".ico"))
        return true;
    if (path != NULL && strstr(path, "favicon") != NULL)
        return true;
    if (ctype != NULL && (strstr(ctype, "icon") != NULL))
        return true;
    return n >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 1 && b[3] == 0;
}

/* The status line's fields (status, version, reason) and the whole answer as
 * it came ("raw", for whole-response patterns such as nmap's). */
static void http_status_fields(struct sl_fieldset *fs, const struct sl_http *h, const char *pre,
                               const struct sl_evidence *ev)
{
    char key[96];
    char num[4] = {(char)('0' + h->status / 100 % 10), (char)('0' + h->status / 10 % 10),
                   (char)('0' + h->status % 10), '\0'};
    cat2(key, sizeof key, pre, ".status");
    add_str(fs, key, num);
    char ver[8] = {(char)('0' + h->version_major % 10), '.', (char)('0' + h->version_minor % 10),
                   '\0'};
    cat2(key, sizeof key, pre, ".version");
    add_str(fs, key, ver);
    if (h->reason != NULL && h->reason[0] != '\0') {
        cat2(key, sizeof key, pre, ".reason");
        add_str(fs, key, h->reason);
    }
    sl_fields_add_ref(fs, "raw", (const char *)ev->data, ev->len < RAW_MAX ? ev->len : RAW_MAX);
}

/* Each header by its lower-cased name, the server, auth and realm, the names
 * in order ("date,server,pragma,...") and whether they were all upper case. */
static void http_header_fields(struct sl_fieldset *fs, const struct sl_http *h, const char *pre)
{
    char key[96], names[HEADER_NAMES_MAX];
    size_t nl = 0, lower_names = 0, letter_names = 0;
    for (size_t i = 0; i < h->n_headers; i++) {
        const char *name = h->headers[i].name, *value = h->headers[i].value;
        bool has_lower = false, has_letter = false;
        cat2(key, sizeof key, pre, ".header.");
        size_t k = strlen(key);
        for (const char *c = name; *c && k + 1 < sizeof key; c++) {
            has_lower = has_lower || (*c >= 'a' && *c <= 'z');
            has_letter = has_letter || isalpha((unsigned char)*c);
            key[k++] = (char)tolower((unsigned char)*c);
        }
        key[k] = '\0';
        lower_names += has_lower;
        letter_names += has_letter;
        size_t pl = strlen(pre) + 8, kl = k - pl;
        if (nl + kl + 2 < sizeof names) {
            if (nl > 0)
                names[nl++] = ',';
            memcpy(names + nl, key + pl, kl);
            nl += kl;
        }
        add_str(fs, key, value);
        if (strcasecmp(name, "Server") == 0) {
            cat2(key, sizeof key, pre, ".server");
            add_str(fs, key, value);
        } else if (strcasecmp(name, "WWW-Authenticate") == 0) {
            cat2(key, sizeof key, pre, ".auth");
            add_str(fs, key, value);
            char realm[128];
            if (realm_of(value, realm, sizeof realm)) {
                cat2(key, sizeof key, pre, ".realm");
                add_str(fs, key, realm);
            }
        }
    }
    names[nl] = '\0';
    cat2(key, sizeof key, pre, ".header_names");
    add_str(fs, key, names);
    if (letter_names >= 2 && lower_names == 0) {
        cat2(key, sizeof key, pre, ".header_case");
        add_str(fs, key, "upper");
    }
}

static void extract_http(struct sl_fieldset *fs, const struct sl_evidence *ev, bool rtsp)
{
    const char *pre = rtsp ? "rtsp" : "http";
    struct sl_http *h = &fs->http;
    sl_http_reset(h);
    fs->http_live = true;
    enum sl_http_result r = sl_http_feed(h, ev->data, ev->len);
    if (r == SL_HTTP_MORE)
        r = sl_http_finish(h);
    if (r == SL_HTTP_ERROR)
        sl_fields_error(fs, pre, sl_http_error(h));
    if (!sl_http_head_complete(h)) {
        /* not HTTP at all: body markers may still be in the raw bytes */
        char key[96];
        cat2(key, sizeof key, pre, ".body");
        sl_fields_add(fs, key, (const char *)ev->data, ev->len, false);
        return;
    }
    http_status_fields(fs, h, pre, ev);
    http_header_fields(fs, h, pre);
    size_t blen;
    const uint8_t *body = sl_http_body(h, &blen);
    if (rtsp) {
        if (blen > 0)
            extract_sdp(fs, (const char *)body, blen);
        return;
    }
    if (ev->path != NULL)
        add_str(fs, "http.path", ev->path);
    if (blen == 0)
        return;
    sl_fields_add_ref(fs, "http.body", (const char *)body, blen);
    const char *ctype = sl_http_header(h, "Content-Type");
    if (is_favicon(ev->path, ctype, body, blen)) {
        char md5[33], mm[16];
        sl_md5_hex(body, blen, md5);
        snprintf(mm, sizeof mm, "%d", (int)sl_favicon_mmh3(body, blen));
        add_str(fs, "http.favicon.md5", md5);
        add_str(fs, "http.favicon.mmh3", mm);
        return;
    }
    extract_body(fs, (const char *)body, blen, ctype);
}

/* ---- the rest --------------------------------------------------------------------- */

static void extract_ssdp(struct sl_fieldset *fs, const char *p, size_t len)
{
    size_t i = 0;
    int lines = 0;
    bool first = true;
    while (i < len && lines < 64) {
        size_t s = i;
        while (i < len && p[i] != '\n')
            i++;
        size_t e = i;
        if (i < len)
            i++;
        if (e > s && p[e - 1] == '\r')
            e--;
        if (first) {
            first = false;
            continue;
        }
        const char *colon = memchr(p + s, ':', e - s);
        if (colon == NULL || colon == p + s)
            continue;
        char name[48], key[80], value[256];
        sl_strncpy_z(name, sizeof name, p + s, (size_t)(colon - (p + s)));
        sl_str_trim(name);
        for (char *c = name; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        sl_strncpy_z(value, sizeof value, colon + 1, (size_t)(p + e - (colon + 1)));
        sl_str_trim(value);
        cat2(key, sizeof key, "ssdp.header.", name);
        add_str(fs, key, value);
        if (strcmp(name, "server") == 0 || strcmp(name, "location") == 0 ||
            strcmp(name, "st") == 0 || strcmp(name, "usn") == 0 || strcmp(name, "nt") == 0) {
            cat2(key, sizeof key, "ssdp.", name);
            add_str(fs, key, value);
        }
        lines++;
    }
}

static void extract_tcp(struct sl_fieldset *fs, const struct sl_evidence *ev)
{
    char port[8];
    snprintf(port, sizeof port, "%u", (unsigned)ev->port);
    add_str(fs, "tcp.port", port);
    if (ev->len == 0) {
        add_str(fs, "tcp.silent", port); /* open, and waits for the client to speak */
        return;
    }
    sl_fields_add_ref(fs, "tcp.bytes", (const char *)ev->data, ev->len);
    const char *d = (const char *)ev->data;
    if (ev->len >= 5 && (strncmp(d, "HTTP/", 5) == 0 || strncmp(d, "RTSP/", 5) == 0)) {
        extract_http(fs, ev, d[0] == 'R');
        return;
    }
    if (ev->len >= 8 && memcmp(d + 4, "DHIP", 4) == 0) {
        const uint8_t *body;
        size_t blen;
        struct sl_err err = {0};
        add_str(fs, "dhip", "DHIP");
        if (sl_dhip_unwrap(ev->data, ev->len, &body, &blen, &err) == 0)
            extract_json(fs, (const char *)body, blen);
        else
            sl_fields_error(fs, "tcp", err.msg);
        return;
    }
    /* a text banner: the first non-empty line, telnet option negotiation
     * (IAC x y) removed, when it is mostly printable */
    char clean[256];
    size_t w = 0;
    for (size_t i = 0; i < ev->len && i < 1024 && w + 1 < sizeof clean; i++) {
        unsigned char c = (unsigned char)d[i];
        if (c == 0xff) {
            i += 2;
            continue;
        }
        if ((c == '\n' || c == '\r') && w == 0)
            continue;
        if (c == '\n')
            break;
        clean[w++] = (char)c;
    }
    clean[w] = '\0';
    size_t printable = 0;
    for (size_t i = 0; i < w; i++) {
        unsigned char c = (unsigned char)clean[i];
        printable += (c >= 32 && c < 127) || c == '\r' || c == '\t';
    }
    if (w > 0 && printable * 10 >= w * 9) {
        sl_str_printable(clean);
        sl_str_trim(clean);
        add_str(fs, "tcp.banner", clean);
    }
}

static void extract_tls(struct sl_fieldset *fs, const struct sl_evidence *ev)
{
    struct sl_cert_info *ci = malloc(sizeof *ci);
    if (ci == NULL)
        return;
    struct sl_err err = {0};
    if (sl_cert_parse(ev->data, ev->len, ci, &err) != 0) {
        sl_fields_error(fs, "tls", err.msg + (strncmp(err.msg, "tls: ", 5) == 0 ? 5 : 0));
    } else {
        add_str(fs, "tls.subject", ci->subject);
        add_str(fs, "tls.issuer", ci->issuer);
        if (ci->common_name[0])
            add_str(fs, "tls.cn", ci->common_name);
        for (size_t i = 0; i < ci->n_sans; i++)
            add_str(fs, "tls.san", ci->sans[i]);
        if (ci->self_signed)
            add_str(fs, "tls.self_signed", "true");
    }
    free(ci);
}

static void extract_dhdiscover(struct sl_fieldset *fs, const struct sl_evidence *ev)
{
    const uint8_t *body;
    size_t blen;
    struct sl_err err = {0};
    if (ev->len >= 8 && memcmp(ev->data + 4, "DHIP", 4) == 0) {
        add_str(fs, "dhip", "DHIP");
        if (sl_dhip_unwrap(ev->data, ev->len, &body, &blen, &err) != 0) {
            sl_fields_error(fs, "dhdiscover", err.msg);
            return;
        }
        extract_json(fs, (const char *)body, blen);
        return;
    }
    const char *p = skip_bom_ws((const char *)ev->data, (const char *)ev->data + ev->len);
    if (p < (const char *)ev->data + ev->len && *p == '{') {
        /* a bare body (as other tools store it): read it, say so */
        sl_fields_error(fs, "dhdiscover", "no DHIP header; read as bare JSON");
        extract_json(fs, (const char *)ev->data, ev->len);
        return;
    }
    sl_fields_error(fs, "dhdiscover", ev->len < 32 ? "shorter than the 32-byte DHIP header"
                                                   : "no DHIP magic at offset 4");
}

void sl_fields_extract(struct sl_fieldset *fs, const struct sl_evidence *ev)
{
    const char *d = (const char *)ev->data;
    size_t len = ev->data != NULL ? ev->len : 0;
    struct sl_evidence e = *ev;
    e.len = len;
    if (e.data == NULL)
        e.data = (const uint8_t *)"";
    switch (ev->proto) {
    case SL_PROTO_HTTP: extract_http(fs, &e, false); break;
    case SL_PROTO_RTSP:
        if (len >= 3 && strncmp(d, "v=0", 3) == 0)
            extract_sdp(fs, d, len); /* a bare SDP description */
        else
            extract_http(fs, &e, true);
        break;
    case SL_PROTO_WSD:
    case SL_PROTO_ONVIF:
    case SL_PROTO_UPNP:
    case SL_PROTO_SADP:
        if (len >= 5 && strncmp(d, "HTTP/", 5) == 0)
            extract_http(fs, &e, false); /* SOAP over HTTP: the body is read as XML */
        else if (len > 0)
            extract_xml(fs, d, len);
        else
            sl_fields_error(fs, sl_proto_name(ev->proto), "empty answer");
        break;
    case SL_PROTO_SSDP: extract_ssdp(fs, d, len); break;
    case SL_PROTO_DHDISCOVER: extract_dhdiscover(fs, &e); break;
    case SL_PROTO_TCP: extract_tcp(fs, &e); break;
    case SL_PROTO_TLS: extract_tls(fs, &e); break;
    case SL_PROTO_MAC: {
        char mac[18];
        if (sl_mac_parse(d, len, mac, NULL) == 0)
            add_str(fs, "mac", mac);
        else
            sl_fields_error(fs, "mac", "not a MAC address");
        break;
    }
    case SL_PROTO_DHCP: {
        struct kv_ctx c = {fs, "dhcp."};
        sl_kv_walk(d, len, on_kv, &c);
        break;
    }
    default: sl_fields_error(fs, "identify", "unknown protocol"); break;
    }
    if (fs->dropped > 0) {
        char msg[64];
        snprintf(msg, sizeof msg, "%zu fields over the bound were dropped", fs->dropped);
        sl_fields_error(fs, sl_proto_name(ev->proto), msg);
    }
}
