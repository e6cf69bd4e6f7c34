/* nmap.c - reads nmap-service-probes' match lines into rules (nmap.h). It
 * keeps the lines that name a registry maker or brand; it does not run
 * nmap's probes (the scanner asks its own questions). */
#include "ident/nmap.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ident/rules.h"
#include "policy/registry.h"
#include "util/file.h"
#include "util/str.h"

/* nmap's probes whose answers sightline also gets, and where it keeps them. */
struct probe_map {
    const char *name;
    unsigned proto_mask;
    const char *field;
    const char *path; /* the request nmap's probe makes, when sightline's evidence names one */
};

static const struct probe_map probes[] = {
    {"NULL", 1u << SL_PROTO_TCP, "tcp.bytes", NULL},
    {"GetRequest", (1u << SL_PROTO_HTTP) | (1u << SL_PROTO_TCP), "raw", "/"},
    {"RTSPRequest", 1u << SL_PROTO_RTSP, "raw", NULL},
};

/* nmap's device types (d/) in sightline's words; NULL = none of ours. */
static const char *device_type_of(const char *d)
{
    static const char *const map[][2] = {
        {"webcam", "camera"},      {"router", "router"},         {"broadband router", "router"},
        {"WAP", "access-point"},   {"printer", "printer"},       {"print server", "printer"},
        {"switch", "switch"},      {"VoIP phone", "phone"},      {"phone", "phone"},
        {"storage-misc", "nas"},   {"firewall", "router"},       {"remote management", "server"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(d, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

/* Without d/, the words of nmap's product name (p/, else i/) that say what
 * kind of device it is: "Hikvision DVR httpd", "Huawei VRP sshd", "ZTE
 * router/switch sshd". Whole words, any case; NULL when none says. */
static const char *device_type_of_words(const char *product)
{
    static const char *const words[][2] = {
        {"dvr", "dvr"},         {"nvr", "nvr"},         {"camera", "camera"},
        {"ipcam", "camera"},    {"webcam", "camera"},   {"router", "router"},
        {"gateway", "router"},  {"dslam", "router"},    {"vrp", "router"},
        {"quidway", "router"},  {"firewall", "router"}, {"ugw", "router"},
        {"switch", "switch"},   {"wap", "access-point"}, {"printer", "printer"},
        {"bmc", "server"},      {"phone", "phone"},     {"intercom", "intercom"},
    };
    for (const char *s = product; *s;) {
        while (*s && !isalnum((unsigned char)*s))
            s++;
        size_t n = 0;
        while (isalnum((unsigned char)s[n]))
            n++;
        for (size_t i = 0; n > 0 && i < sizeof words / sizeof words[0]; i++)
            if (strlen(words[i][0]) == n && strncasecmp(s, words[i][0], n) == 0)
                return words[i][1];
        s += n;
    }
    return NULL;
}

/* The version fields of a match line: p/ i/ d/ (others are read and ignored). */
struct vinfo {
    char product[128], info[128], devtype[32];
};

/* Reads "p/text/ v/text/ cpe:/text/a ..." from s. */
static void parse_vinfo(const char *s, struct vinfo *vi)
{
    memset(vi, 0, sizeof *vi);
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0')
            break;
        char tag = *s;
        if (strncmp(s, "cpe:", 4) == 0) {
            tag = 'c';
            s += 3;
        }
        s++;
        char d = *s;
        if (d == '\0')
            return;
        const char *start = s + 1, *end = strchr(start, d);
        if (end == NULL)
            return;
        char *dst = tag == 'p' ? vi->product : tag == 'i' ? vi->info : tag == 'd' ? vi->devtype : NULL;
        size_t cap = tag == 'd' ? sizeof vi->devtype : sizeof vi->product;
        if (dst != NULL)
            sl_strncpy_z(dst, cap, start, (size_t)(end - start));
        s = end + 1;
        if (tag == 'c' && *s == 'a')
            s++;
        if (*s != '\0' && *s != ' ' && *s != '\t')
            return; /* not the form nmap writes */
    }
}

/* The name a product template starts with, before its first $n ("Sony $1
 * AV receiver" -> "Sony"). */
static void template_head(const char *tpl, char *out, size_t n)
{
    const char *dollar = strchr(tpl, '$');
    sl_strncpy_z(out, n, tpl, dollar != NULL ? (size_t)(dollar - tpl) : strlen(tpl));
    sl_str_trim(out);
}

static bool resolve(const struct sl_registry *reg, const struct vinfo *vi,
                    const struct sl_vendor **v, const struct sl_brand **b, const char **said)
{
    char head[128];
    template_head(vi->product, head, sizeof head);
    if (head[0] != '\0' && sl_registry_resolve_label(reg, head, v, b)) {
        *said = vi->product;
        return true;
    }
    template_head(vi->info, head, sizeof head);
    if (head[0] != '\0' && sl_registry_resolve_label(reg, head, v, b)) {
        *said = vi->info;
        return true;
    }
    return false;
}

struct line_ctx {
    struct sl_ruleset *rs;
    const struct sl_registry *reg;
    const char *origin;
    struct sl_nmap_stats *st;
    const struct probe_map *probe; /* the current Probe section, or NULL */
};

/* One "match SERVICE m|PATTERN|FLAGS VERSIONINFO" line. Returns -1 only for a
 * failure that must stop the load (memory, a full rule set). */
static int match_line(struct line_ctx *c, char *line, size_t lineno, struct sl_err *err)
{
    char *p = line + 6; /* "match " */
    char *sp = strchr(p, ' ');
    if (sp == NULL || sp - p >= 48 || sp[1] != 'm' || sp[2] == '\0') {
        c->st->bad++;
        return 0;
    }
    char service[48];
    sl_strncpy_z(service, sizeof service, p, (size_t)(sp - p));
    char d = sp[2];
    char *pat = sp + 3, *pend = strchr(pat, d);
    if (pend == NULL) {
        c->st->bad++;
        return 0;
    }
    *pend = '\0';
    char *q = pend + 1;
    unsigned flags = 0;
    for (; *q && *q != ' '; q++) {
        if (*q == 's')
            flags |= SL_RE_DOTALL;
        else if (*q == 'i')
            flags |= SL_RE_NOCASE;
    }
    struct vinfo vi;
    parse_vinfo(q, &vi);
    const struct sl_vendor *v = NULL;
    const struct sl_brand *b = NULL;
    const char *said = NULL;
    if (!resolve(c->reg, &vi, &v, &b, &said))
        return 0;
    struct sl_rule r;
    memset(&r, 0, sizeof r);
    char why[160];
    if (sl_re_compile(&r.t.re, pat, strlen(pat), flags, why, sizeof why) != 0) {
        c->st->bad++;
        return 0;
    }
    char id[SL_RULE_ID_MAX], desc[200], src[320];
    snprintf(id, sizeof id, "nmap.%.40s.L%zu", service, lineno);
    snprintf(desc, sizeof desc, "nmap-service-probes: %s", said);
    snprintf(src, sizeof src, "%s line %zu (read at run time)", c->origin, lineno);
    r.id = sl_rules_keep(c->rs, id);
    r.description = sl_rules_keep(c->rs, desc);
    r.source = sl_rules_keep(c->rs, src);
    r.t.pattern = sl_rules_keep(c->rs, pat);
    if (r.id == NULL || r.description == NULL || r.source == NULL || r.t.pattern == NULL) {
        sl_re_free(r.t.re);
        return sl_err_set(err, "out of memory");
    }
    r.file = "nmap-service-probes";
    r.proto_mask = c->probe->proto_mask;
    r.path = c->probe->path;
    r.n_fields = 1;
    r.fields[0] = c->probe->field;
    r.t.op = SL_OP_REGEX;
    r.t.nocase = (flags & SL_RE_NOCASE) != 0;
    r.t.pattern_len = strlen(pat);
    r.y.device_type = device_type_of(vi.devtype);
    if (r.y.device_type == NULL)
        r.y.device_type = device_type_of_words(vi.product[0] ? vi.product : vi.info);
    /* a maker without a kind of device is a weak clue: policy judges an
     * unknown type as in a statement's scope, and the same makers' routers,
     * switches and servers answer these probes too */
    r.weight = r.y.device_type != NULL ? SL_NMAP_WEIGHT : SL_NMAP_UNTYPED_WEIGHT;
    if (v != NULL)
        r.y.maker = v->name;
    else
        r.y.brand = b->name;
    r.y.type_weight = 0.6;
    r.y.rank = 1;
    if (sl_rules_add(c->rs, &r, err) != 0) {
        sl_re_free(r.t.re);
        return -1;
    }
    c->st->kept++;
    return 0;
}

static int one_line(struct line_ctx *c, char *line, size_t lineno, struct sl_err *err)
{
    if (strncmp(line, "Probe ", 6) == 0) {
        /* "Probe TCP NAME q|...|" */
        char proto[8] = "", name[64] = "";
        c->probe = NULL;
        if (sscanf(line + 6, "%7s %63s", proto, name) == 2 && strcmp(proto, "TCP") == 0)
            for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
                if (strcmp(name, probes[i].name) == 0)
                    c->probe = &probes[i];
        return 0;
    }
    if (c->probe == NULL || strncmp(line, "match ", 6) != 0)
        return 0;
    c->st->matches++;
    return match_line(c, line, lineno, err);
}

int sl_nmap_parse(struct sl_ruleset *rs, const struct sl_registry *reg, const char *buf,
                  size_t len, const char *origin, struct sl_nmap_stats *st, struct sl_err *err)
{
    memset(st, 0, sizeof *st);
    struct line_ctx c = {rs, reg, origin, st, NULL};
    char *line = malloc(SL_NMAP_MAX_LINE + 1);
    if (line == NULL)
        return sl_err_set(err, "out of memory");
    size_t pos = 0;
    int rc = 0;
    while (pos < len && rc == 0) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - (buf + pos)) : len - pos;
        st->lines++;
        if (n <= SL_NMAP_MAX_LINE && memchr(buf + pos, '\0', n) == NULL) {
            memcpy(line, buf + pos, n);
            line[n] = '\0';
            if (n > 0 && line[n - 1] == '\r')
                line[n - 1] = '\0';
            rc = one_line(&c, line, st->lines, err);
        } else {
            st->bad++;
        }
        pos += n + 1;
    }
    free(line);
    snprintf(st->origin, sizeof st->origin, "nmap-service-probes %s (%zu rules)", origin,
             st->kept);
    return rc;
}

int sl_nmap_load(struct sl_ruleset *rs, const struct sl_registry *reg, const char *path,
                 struct sl_nmap_stats *st, struct sl_err *err)
{
    memset(st, 0, sizeof *st);
    if (path == NULL) {
        path = getenv("SIGHTLINE_NMAP_PROBES");
        if (path == NULL)
            path = SL_NMAP_DEFAULT_PATH;
    }
    if (path[0] == '\0') {
        snprintf(st->origin, sizeof st->origin, "nmap-service-probes not read ($SIGHTLINE_NMAP_PROBES is empty)");
        return 0;
    }
    size_t len;
    struct sl_err ferr = {0};
    char *buf = sl_read_file(path, SL_NMAP_MAX_FILE, &len, &ferr);
    if (buf == NULL) {
        snprintf(st->origin, sizeof st->origin, "nmap-service-probes not read (%.120s)", ferr.msg);
        return 0;
    }
    int rc = sl_nmap_parse(rs, reg, buf, len, path, st, err);
    free(buf);
    return rc;
}
