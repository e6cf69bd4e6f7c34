/* profile.c - parsing device profile files (format: docs/lab.md). */
#include "profile.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/str.h"

struct line {
    const char *p;
    size_t n;
};

static const char *const svc_names[] = {
    [LAB_SVC_HTTP] = "http",       [LAB_SVC_HTTPS] = "https",
    [LAB_SVC_RTSP] = "rtsp",       [LAB_SVC_TCP] = "tcp",
    [LAB_SVC_WSD] = "wsd",         [LAB_SVC_SSDP] = "ssdp",
    [LAB_SVC_SADP] = "sadp",       [LAB_SVC_DHDISCOVER] = "dhdiscover",
    [LAB_SVC_TARPIT] = "tarpit",   [LAB_SVC_GARBAGE] = "garbage",
    [LAB_SVC_RST] = "rst",         [LAB_SVC_TLS_STALL] = "tls-stall",
    [LAB_SVC_ENDLESS] = "endless",
};

const char *lab_svc_name(enum lab_svc s)
{
    return (size_t)s < sizeof svc_names / sizeof svc_names[0] ? svc_names[s] : "?";
}

static int svc_from_name(const char *s, enum lab_svc *out)
{
    for (size_t i = 0; i < sizeof svc_names / sizeof svc_names[0]; i++) {
        if (strcmp(s, svc_names[i]) == 0) {
            *out = (enum lab_svc)i;
            return 0;
        }
    }
    return -1;
}

static bool svc_is_udp(enum lab_svc s)
{
    return s == LAB_SVC_WSD || s == LAB_SVC_SSDP || s == LAB_SVC_SADP || s == LAB_SVC_DHDISCOVER;
}

char *lab_unescape(const char *s, size_t n, size_t *out_len)
{
    char *o = malloc(n + 1);
    if (o == NULL)
        abort();
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            char c = s[i + 1];
            if (c == 'r' || c == 'n' || c == 't' || c == '\\') {
                o[j++] = c == 'r' ? '\r' : c == 'n' ? '\n' : c == 't' ? '\t' : '\\';
                i++;
                continue;
            }
            if (c == 'x' && i + 3 < n) {
                int h = sl_hex_digit((unsigned char)s[i + 2]);
                int l = sl_hex_digit((unsigned char)s[i + 3]);
                if (h >= 0 && l >= 0) {
                    o[j++] = (char)(h * 16 + l);
                    i += 3;
                    continue;
                }
            }
        }
        o[j++] = s[i];
    }
    o[j] = '\0';
    if (out_len)
        *out_len = j;
    return o;
}

static char *xstrndup(const char *s, size_t n)
{
    char *o = malloc(n + 1);
    if (o == NULL)
        abort();
    memcpy(o, s, n);
    o[n] = '\0';
    return o;
}

/* Splits a directive or header line into at most max space-separated words
 * (copied into a scratch buffer). */
static size_t split_words(const char *p, size_t n, char *scratch, size_t scratchsz, char **w,
                          size_t max)
{
    if (n >= scratchsz)
        n = scratchsz - 1;
    memcpy(scratch, p, n);
    scratch[n] = '\0';
    size_t k = 0;
    char *s = scratch;
    while (*s && k < max) {
        while (*s == ' ' || *s == '\t')
            *s++ = '\0';
        if (!*s)
            break;
        w[k++] = s;
        while (*s && *s != ' ' && *s != '\t')
            s++;
    }
    return k;
}

static bool is_blank(const struct line *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->p[i] != ' ' && l->p[i] != '\t')
            return false;
    return true;
}

static int parse_oui(const char *s, uint8_t out[3])
{
    /* "C0:56:E3" or "C056E3" */
    int v[6], k = 0;
    for (; *s && k < 6; s++) {
        if (*s == ':' || *s == '-')
            continue;
        int h = sl_hex_digit((unsigned char)*s);
        if (h < 0)
            return -1;
        v[k++] = h;
    }
    if (k != 6 || *s)
        return -1;
    for (int i = 0; i < 3; i++)
        out[i] = (uint8_t)(v[2 * i] * 16 + v[2 * i + 1]);
    return 0;
}

void lab_profile_free(struct lab_profile *p)
{
    if (p == NULL)
        return;
    free(p->path);
    free(p->description);
    free(p->manufacturer);
    free(p->brand);
    free(p->tls_subject);
    for (size_t i = 0; i < p->n_vars; i++)
        free(p->vars[i].tmpl);
    for (size_t i = 0; i < p->n_sections; i++) {
        struct lab_section *s = &p->sections[i];
        free(s->path);
        free(s->soap);
        free(s->match);
        free(s->head);
        free(s->body);
    }
    free(p);
}

/* Text after the first word of a directive line, trimmed. */
static char *rest_after_word(const struct line *l)
{
    size_t i = 0;
    while (i < l->n && l->p[i] != ' ' && l->p[i] != '\t')
        i++;
    while (i < l->n && (l->p[i] == ' ' || l->p[i] == '\t'))
        i++;
    size_t e = l->n;
    while (e > i && (l->p[e - 1] == ' ' || l->p[e - 1] == '\t'))
        e--;
    return xstrndup(l->p + i, e - i);
}

static char *nullable(char *s)
{
    if (strcmp(s, "-") == 0 || strcmp(s, "null") == 0) {
        free(s);
        return NULL;
    }
    return s;
}

/* Long: one case per profile directive of docs/lab.md. */
static int parse_directive(struct lab_profile *p, const struct line *l, int lineno,
                           struct sl_err *err)
{
    char scratch[1024];
    char *w[24];
    size_t k = split_words(l->p, l->n, scratch, sizeof scratch, w, 24);
    if (k == 0)
        return 0;
    const char *d = w[0];
    if (strcmp(d, "name") == 0 && k == 2) {
        if (sl_strlcpy(p->name, w[1], sizeof p->name) >= sizeof p->name)
            return sl_err_set(err, "line %d: name too long", lineno);
    } else if (strcmp(d, "description") == 0) {
        free(p->description);
        p->description = rest_after_word(l);
    } else if (strcmp(d, "manufacturer") == 0 && k >= 2) {
        free(p->manufacturer);
        p->manufacturer = nullable(rest_after_word(l));
    } else if (strcmp(d, "brand") == 0 && k >= 2) {
        free(p->brand);
        p->brand = nullable(rest_after_word(l));
    } else if (strcmp(d, "device_type") == 0 && k == 2) {
        static const char *const types[] = {"camera", "nvr", "dvr", "router", "printer",
                                            "server", "workstation", NULL};
        bool ok = false;
        for (size_t i = 0; types[i]; i++)
            ok |= strcmp(types[i], w[1]) == 0;
        if (!ok)
            return sl_err_set(err, "line %d: unknown device_type '%s'", lineno, w[1]);
        sl_strlcpy(p->device_type, w[1], sizeof p->device_type);
    } else if (strcmp(d, "hostile") == 0 && k == 2) {
        p->hostile = strcmp(w[1], "yes") == 0 || strcmp(w[1], "true") == 0;
    } else if (strcmp(d, "weight") == 0 && k == 2) {
        int64_t v;
        if (sl_parse_i64(w[1], 0, 100000, &v) != 0)
            return sl_err_set(err, "line %d: weight must be 0..100000", lineno);
        p->weight = (unsigned)v;
    } else if (strcmp(d, "oui") == 0 && k >= 2) {
        for (size_t i = 1; i < k; i++) {
            if (p->n_ouis >= LAB_MAX_OUIS)
                return sl_err_set(err, "line %d: too many OUIs (max %d)", lineno, LAB_MAX_OUIS);
            if (parse_oui(w[i], p->ouis[p->n_ouis]) != 0)
                return sl_err_set(err, "line %d: bad OUI '%s'", lineno, w[i]);
            p->n_ouis++;
        }
    } else if (strcmp(d, "tls_subject") == 0) {
        free(p->tls_subject);
        char *raw = rest_after_word(l);
        p->tls_subject = lab_unescape(raw, strlen(raw), NULL);
        free(raw);
    } else if (strcmp(d, "var") == 0 && k >= 3 && strcmp(w[2], "=") == 0) {
        if (p->n_vars >= LAB_MAX_VARS)
            return sl_err_set(err, "line %d: too many vars (max %d)", lineno, LAB_MAX_VARS);
        struct lab_var *v = &p->vars[p->n_vars];
        if (sl_strlcpy(v->name, w[1], sizeof v->name) >= sizeof v->name)
            return sl_err_set(err, "line %d: var name too long", lineno);
        const char *eq = memchr(l->p, '=', l->n);
        size_t off = (size_t)(eq - l->p) + 1;
        while (off < l->n && l->p[off] == ' ')
            off++;
        v->tmpl = lab_unescape(l->p + off, l->n - off, NULL);
        p->n_vars++;
    } else if (strcmp(d, "port") == 0 && k >= 3) {
        if (p->n_ports >= LAB_MAX_PORTS)
            return sl_err_set(err, "line %d: too many ports (max %d)", lineno, LAB_MAX_PORTS);
        struct lab_port *pt = &p->ports[p->n_ports];
        int64_t v;
        if (sl_parse_i64(w[1], 1, 65535, &v) != 0)
            return sl_err_set(err, "line %d: bad port '%s'", lineno, w[1]);
        pt->port = (uint16_t)v;
        if (svc_from_name(w[2], &pt->svc) != 0)
            return sl_err_set(err, "line %d: unknown service '%s'", lineno, w[2]);
        pt->udp = svc_is_udp(pt->svc);
        pt->repeat = 1;
        for (size_t i = 3; i < k; i++) {
            if (sl_str_starts_with(w[i], "drip=") &&
                sl_parse_i64(w[i] + 5, 1, 60000, &v) == 0)
                pt->drip_ms = (unsigned)v;
            else if (sl_str_starts_with(w[i], "repeat=") &&
                     sl_parse_i64(w[i] + 7, 1, 1000, &v) == 0)
                pt->repeat = (unsigned)v;
            else
                return sl_err_set(err, "line %d: bad port option '%s'", lineno, w[i]);
        }
        for (size_t i = 0; i < p->n_ports; i++)
            if (p->ports[i].port == pt->port && p->ports[i].udp == pt->udp)
                return sl_err_set(err, "line %d: port %u declared twice", lineno, pt->port);
        p->n_ports++;
    } else {
        return sl_err_set(err, "line %d: unknown or malformed directive '%s'", lineno, d);
    }
    return 0;
}

static int sect_kind(const char *s, enum lab_sect_kind *k, const char *sub)
{
    if (strcmp(s, "http") == 0)
        *k = LAB_SECT_HTTP;
    else if (strcmp(s, "rtsp") == 0)
        *k = LAB_SECT_RTSP;
    else if (strcmp(s, "tcp") == 0 && sub && strcmp(sub, "greet") == 0)
        *k = LAB_SECT_TCP_GREET;
    else if (strcmp(s, "tcp") == 0 && sub && strcmp(sub, "reply") == 0)
        *k = LAB_SECT_TCP_REPLY;
    else if (strcmp(s, "wsd") == 0)
        *k = LAB_SECT_WSD;
    else if (strcmp(s, "ssdp") == 0)
        *k = LAB_SECT_SSDP;
    else if (strcmp(s, "sadp") == 0)
        *k = LAB_SECT_SADP;
    else if (strcmp(s, "dhdiscover") == 0)
        *k = LAB_SECT_DHDISCOVER;
    else
        return -1;
    return 0;
}

/* "# text" or a lone "#": a comment line of the profile file. */
static bool is_comment(const struct line *l)
{
    return l->n >= 1 && l->p[0] == '#' && (l->n == 1 || l->p[1] == ' ' || l->p[1] == '\t');
}

/* Joins lines [a, b) with sep into a buffer, skipping "#:" comment lines. */
static void join_lines(struct sl_buf *out, const struct line *ls, size_t a, size_t b,
                       const char *sep)
{
    bool first = true;
    for (size_t i = a; i < b; i++) {
        if (ls[i].n >= 2 && ls[i].p[0] == '#' && ls[i].p[1] == ':')
            continue;
        if (!first && sl_buf_append_str(out, sep) != 0)
            abort();
        if (sl_buf_append(out, ls[i].p, ls[i].n) != 0)
            abort();
        first = false;
    }
}

static char *take_unescaped(struct sl_buf *b, size_t *len)
{
    char *s = lab_unescape((const char *)(b->data ? b->data : (uint8_t *)""), b->len, len);
    sl_buf_reset(b);
    return s;
}

/* Long: one case per section kind of a profile (docs/lab.md). */
static int parse_section(struct lab_profile *p, const struct line *ls, size_t hdr, size_t end,
                         struct sl_err *err)
{
    int lineno = (int)hdr + 1;
    if (p->n_sections >= LAB_MAX_SECTIONS)
        return sl_err_set(err, "line %d: too many sections (max %d)", lineno, LAB_MAX_SECTIONS);
    struct lab_section *s = &p->sections[p->n_sections];
    memset(s, 0, sizeof *s);
    s->line = lineno;
    s->auth = -1;
    char scratch[1024];
    char *w[16];
    size_t k = split_words(ls[hdr].p + 3, ls[hdr].n - 3, scratch, sizeof scratch, w, 16);
    if (k == 0 || sect_kind(w[0], &s->kind, k > 1 ? w[1] : NULL) != 0)
        return sl_err_set(err, "line %d: unknown section kind", lineno);
    size_t opt = 1;
    if (s->kind == LAB_SECT_HTTP || s->kind == LAB_SECT_RTSP) {
        if (k < 3)
            return sl_err_set(err, "line %d: section needs METHOD PATH", lineno);
        if (sl_strlcpy(s->method, w[1], sizeof s->method) >= sizeof s->method)
            return sl_err_set(err, "line %d: method too long", lineno);
        s->path = xstrndup(w[2], strlen(w[2]));
        opt = 3;
    } else if (s->kind == LAB_SECT_TCP_GREET || s->kind == LAB_SECT_TCP_REPLY) {
        opt = 2;
    }
    const char *body_eol = "\n";
    bool final_eol = true;
    for (size_t i = opt; i < k; i++) {
        int64_t v;
        if (sl_str_starts_with(w[i], "port=") && sl_parse_i64(w[i] + 5, 1, 65535, &v) == 0) {
            s->port = (uint16_t)v;
        } else if (sl_str_starts_with(w[i], "soap=")) {
            s->soap = xstrndup(w[i] + 5, strlen(w[i] + 5));
        } else if (sl_str_starts_with(w[i], "match=")) {
            s->match = lab_unescape(w[i] + 6, strlen(w[i] + 6), &s->match_len);
        } else if (strcmp(w[i], "auth=yes") == 0 || strcmp(w[i], "auth=no") == 0) {
            s->auth = w[i][5] == 'y';
        } else if (strcmp(w[i], "body_eol=crlf") == 0) {
            body_eol = "\r\n";
        } else if (strcmp(w[i], "body_eol=lf") == 0) {
            body_eol = "\n";
        } else if (strcmp(w[i], "nofinal") == 0) {
            final_eol = false;
        } else {
            return sl_err_set(err, "line %d: bad section option '%s'", lineno, w[i]);
        }
    }
    /* Trailing blank lines only separate sections, and the comment lines
     * ("# ...") that introduce the next section belong to no section: they
     * must never be served as part of this one's body. */
    size_t a = hdr + 1, b = end;
    while (b > a && (is_blank(&ls[b - 1]) || is_comment(&ls[b - 1])))
        b--;
    struct sl_buf buf;
    sl_buf_init(&buf, LAB_PROFILE_MAX * 2);
    switch (s->kind) {
    case LAB_SECT_HTTP:
    case LAB_SECT_RTSP:
    case LAB_SECT_SSDP: {
        size_t blank = a;
        while (blank < b && !is_blank(&ls[blank]))
            blank++;
        if (blank == a)
            return sl_err_set(err, "line %d: section has no status line", lineno);
        join_lines(&buf, ls, a, blank, "\r\n");
        sl_buf_append_str(&buf, "\r\n\r\n");
        s->head = take_unescaped(&buf, &s->head_len);
        if (blank < b && s->kind != LAB_SECT_SSDP) {
            join_lines(&buf, ls, blank + 1, b, body_eol);
            if (final_eol)
                sl_buf_append_str(&buf, body_eol);
            s->body = take_unescaped(&buf, &s->body_len);
        }
        break;
    }
    case LAB_SECT_TCP_GREET:
    case LAB_SECT_TCP_REPLY:
        join_lines(&buf, ls, a, b, "");
        s->head = take_unescaped(&buf, &s->head_len);
        break;
    default:
        join_lines(&buf, ls, a, b, body_eol);
        if (final_eol)
            sl_buf_append_str(&buf, body_eol);
        s->head = take_unescaped(&buf, &s->head_len);
        break;
    }
    sl_buf_free(&buf);
    p->n_sections++;
    return 0;
}

struct lab_profile *lab_profile_parse(const char *path, const char *text, size_t len,
                                      struct sl_err *err)
{
    if (len > LAB_PROFILE_MAX) {
        sl_err_set(err, "%s: larger than %d bytes", path, LAB_PROFILE_MAX);
        return NULL;
    }
    size_t cap = 64, n = 0;
    struct line *ls = malloc(cap * sizeof *ls);
    struct lab_profile *p = calloc(1, sizeof *p);
    if (ls == NULL || p == NULL)
        abort();
    p->path = xstrndup(path, strlen(path));
    p->weight = 0;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        size_t n2 = e - i;
        if (n2 > 0 && text[i + n2 - 1] == '\r')
            n2--;
        if (n == cap) {
            cap *= 2;
            ls = realloc(ls, cap * sizeof *ls);
            if (ls == NULL)
                abort();
        }
        ls[n].p = text + i;
        ls[n].n = n2;
        n++;
        i = e + 1;
    }
    size_t i = 0;
    for (; i < n; i++) {
        if (ls[i].n >= 3 && memcmp(ls[i].p, ">>>", 3) == 0)
            break;
        if (is_blank(&ls[i]) || ls[i].p[0] == '#')
            continue;
        if (parse_directive(p, &ls[i], (int)i + 1, err) != 0)
            goto fail;
    }
    while (i < n) {
        size_t e = i + 1;
        while (e < n && !(ls[e].n >= 3 && memcmp(ls[e].p, ">>>", 3) == 0))
            e++;
        if (parse_section(p, ls, i, e, err) != 0)
            goto fail;
        i = e;
    }
    if (p->name[0] == '\0') {
        sl_err_set(err, "no 'name' directive");
        goto fail;
    }
    if (p->device_type[0] == '\0') {
        sl_err_set(err, "no 'device_type' directive");
        goto fail;
    }
    if (!p->hostile && (lab_profile_var(p, "model") == NULL || lab_profile_var(p, "firmware") == NULL)) {
        sl_err_set(err, "vars 'model' and 'firmware' are required (the ground truth uses them)");
        goto fail;
    }
    if (p->n_ouis == 0) {
        sl_err_set(err, "at least one 'oui' is required (devices need a MAC)");
        goto fail;
    }
    if (p->hostile && p->manufacturer != NULL) {
        sl_err_set(err, "a hostile profile has manufacturer null ('manufacturer -')");
        goto fail;
    }
    for (size_t k = 0; k < p->n_ports; k++) {
        if (p->ports[k].svc == LAB_SVC_HTTPS && p->tls_subject == NULL) {
            sl_err_set(err, "port %u is https but there is no tls_subject", p->ports[k].port);
            goto fail;
        }
    }
    free(ls);
    return p;
fail:
    sl_err_prefix(err, "%s", path);
    free(ls);
    lab_profile_free(p);
    return NULL;
}

const struct lab_var *lab_profile_var(const struct lab_profile *p, const char *name)
{
    for (size_t i = 0; i < p->n_vars; i++)
        if (strcmp(p->vars[i].name, name) == 0)
            return &p->vars[i];
    return NULL;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int lab_profiles_load(const char *dir, struct lab_profiles *out, struct sl_err *err)
{
    memset(out, 0, sizeof *out);
    DIR *d = opendir(dir);
    if (d == NULL)
        return sl_err_set(err, "cannot open profile directory %s", dir);
    char *names[LAB_MAX_PROFILES];
    size_t nn = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        if (!sl_str_ends_with(de->d_name, ".profile"))
            continue;
        if (nn >= LAB_MAX_PROFILES) {
            rc = sl_err_set(err, "%s: more than %d profiles", dir, LAB_MAX_PROFILES);
            break;
        }
        names[nn++] = xstrndup(de->d_name, strlen(de->d_name));
    }
    closedir(d);
    qsort(names, nn, sizeof names[0], cmp_names);
    for (size_t i = 0; i < nn && rc == 0; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t len;
        char *text = sl_read_file(path, LAB_PROFILE_MAX, &len, err);
        if (text == NULL) {
            rc = -1;
            break;
        }
        struct lab_profile *p = lab_profile_parse(path, text, len, err);
        free(text);
        if (p == NULL) {
            rc = -1;
            break;
        }
        if (lab_profiles_find(out, p->name) != NULL) {
            rc = sl_err_set(err, "%s: profile name '%s' used twice", path, p->name);
            lab_profile_free(p);
            break;
        }
        out->v[out->n++] = p;
    }
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    if (rc == 0 && out->n == 0)
        rc = sl_err_set(err, "no *.profile files in %s", dir);
    if (rc != 0)
        lab_profiles_free(out);
    return rc;
}

void lab_profiles_free(struct lab_profiles *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        lab_profile_free(ps->v[i]);
    ps->n = 0;
}

const struct lab_profile *lab_profiles_find(const struct lab_profiles *ps, const char *name)
{
    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->v[i]->name, name) == 0)
            return ps->v[i];
    return NULL;
}
