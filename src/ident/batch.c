/* batch.c - `identify --batch` (batch.h): a bounded reader of evidence lines,
 * grouping by device, and a direct writer of claim lines (byte for byte what
 * jansson writes; tests/unit/test_batch_writer.c). Identifies through ident.h. */
#include "ident/batch.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "util/buf.h"
#include "util/fnv.h"
#include "util/grow.h"
#include "util/str.h"

struct record {
    size_t group;
    struct sl_evidence ev;
    uint8_t *data;
    char *path;
};

struct group {
    char *key;
    size_t first, count;
};

struct run {
    struct record *rec;
    size_t n_rec, cap_rec;
    struct group *grp;
    size_t n_grp, cap_grp;
    size_t *slots; /* hash of device key -> group index + 1 */
    size_t n_slots;
};

static int grow_slots(struct run *r)
{
    size_t n = r->n_slots ? r->n_slots * 2 : 1024;
    size_t *s = calloc(n, sizeof *s);
    if (s == NULL)
        return -1;
    for (size_t g = 0; g < r->n_grp; g++) {
        size_t i = sl_fnv1a64_str(r->grp[g].key) & (n - 1);
        while (s[i] != 0)
            i = (i + 1) & (n - 1);
        s[i] = g + 1;
    }
    free(r->slots);
    r->slots = s;
    r->n_slots = n;
    return 0;
}

static long group_of(struct run *r, const char *key)
{
    if (r->n_slots == 0 || (r->n_grp + 1) * 2 > r->n_slots)
        if (grow_slots(r) != 0)
            return -1;
    size_t i = sl_fnv1a64_str(key) & (r->n_slots - 1);
    while (r->slots[i] != 0) {
        if (strcmp(r->grp[r->slots[i] - 1].key, key) == 0)
            return (long)(r->slots[i] - 1);
        i = (i + 1) & (r->n_slots - 1);
    }
    if (SL_GROW(r->grp, r->cap_grp, r->n_grp + 1, 256) != 0)
        return -1;
    struct group *g = &r->grp[r->n_grp];
    g->key = strdup(key);
    if (g->key == NULL)
        return -1;
    g->count = 0;
    r->slots[i] = r->n_grp + 1;
    return (long)r->n_grp++;
}

/* ---- reading one record ------------------------------------------------------------
 * Records are flat objects; parsing them with a general JSON library cost as
 * much as identifying them, so this reads exactly what a record may hold: a
 * top-level object whose members we want are strings or integers, any other
 * member skipped whatever it holds (nested to 32 levels). Strict JSON:
 * valid UTF-8, no control characters in strings, \u escapes (no NUL, paired
 * surrogates), no trailing bytes; a member we read may not appear twice. */

enum { K_DEVICE, K_PROTO, K_PORT, K_PATH, K_DATA, K_B64, K_COUNT };
static const char *const known[K_COUNT] = {"device", "proto", "port", "path", "data", "data_b64"};

struct jval {
    int type; /* 0 absent, 's' string, 'i' integer, 'o' other */
    const char *p; /* string: raw contents between the quotes */
    size_t n;
    bool esc;
    long long num;
};

struct jp {
    const char *p, *end;
    const char *err;
};

static void ws(struct jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

/* A string at j->p ('"'): sets its raw slice; checks escapes and control bytes. */
static bool jstring(struct jp *j, struct jval *v)
{
    const char *p = j->p + 1;
    bool esc = false;
    while (p < j->end && *p != '"') {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20) {
            j->err = "control character in a string";
            return false;
        }
        if (c == '\\') {
            esc = true;
            if (p + 1 >= j->end) {
                j->err = "unterminated string";
                return false;
            }
            char e = p[1];
            if (e == 'u') {
                if (j->end - p < 6) {
                    j->err = "bad \\u escape";
                    return false;
                }
                for (int i = 2; i < 6; i++)
                    if (!isxdigit((unsigned char)p[i])) {
                        j->err = "bad \\u escape";
                        return false;
                    }
                p += 6;
                continue;
            }
            if (strchr("\"\\/bfnrt", e) == NULL) {
                j->err = "bad escape";
                return false;
            }
            p += 2;
            continue;
        }
        p++;
    }
    if (p >= j->end) {
        j->err = "unterminated string";
        return false;
    }
    v->type = 's';
    v->p = j->p + 1;
    v->n = (size_t)(p - (j->p + 1));
    v->esc = esc;
    j->p = p + 1;
    return true;
}

static bool jnumber(struct jp *j, struct jval *v)
{
    const char *p = j->p, *start = p;
    if (p < j->end && *p == '-')
        p++;
    if (p >= j->end || !isdigit((unsigned char)*p)) {
        j->err = "bad value";
        return false;
    }
    if (*p == '0' && p + 1 < j->end && isdigit((unsigned char)p[1])) {
        j->err = "leading zero";
        return false;
    }
    while (p < j->end && isdigit((unsigned char)*p))
        p++;
    bool integer = true;
    if (p < j->end && *p == '.') {
        integer = false;
        p++;
        if (p >= j->end || !isdigit((unsigned char)*p)) {
            j->err = "bad number";
            return false;
        }
        while (p < j->end && isdigit((unsigned char)*p))
            p++;
    }
    if (p < j->end && (*p == 'e' || *p == 'E')) {
        integer = false;
        p++;
        if (p < j->end && (*p == '+' || *p == '-'))
            p++;
        if (p >= j->end || !isdigit((unsigned char)*p)) {
            j->err = "bad number";
            return false;
        }
        while (p < j->end && isdigit((unsigned char)*p))
            p++;
    }
    v->type = 'o';
    if (integer && p - start <= 18) {
        char buf[24];
        memcpy(buf, start, (size_t)(p - start));
        buf[p - start] = '\0';
        int64_t x;
        if (sl_parse_i64(buf, INT64_MIN, INT64_MAX, &x) == 0) {
            v->type = 'i';
            v->num = x;
        }
    }
    j->p = p;
    return true;
}

/* Any value, skipped (objects and arrays to 32 levels). */
static bool jskip(struct jp *j, int depth)
{
    struct jval v;
    ws(j);
    if (j->p >= j->end) {
        j->err = "unexpected end";
        return false;
    }
    char c = *j->p;
    if (c == '"')
        return jstring(j, &v);
    if (c == '{' || c == '[') {
        if (depth >= 32) {
            j->err = "nesting too deep";
            return false;
        }
        char close = c == '{' ? '}' : ']';
        j->p++;
        ws(j);
        if (j->p < j->end && *j->p == close) {
            j->p++;
            return true;
        }
        for (;;) {
            if (c == '{') {
                ws(j);
                if (j->p >= j->end || *j->p != '"' || !jstring(j, &v)) {
                    if (j->err == NULL)
                        j->err = "expected a member name";
                    return false;
                }
                ws(j);
                if (j->p >= j->end || *j->p != ':') {
                    j->err = "expected ':'";
                    return false;
                }
                j->p++;
            }
            if (!jskip(j, depth + 1))
                return false;
            ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == close) {
                j->p++;
                return true;
            }
            j->err = "expected ',' or a closing bracket";
            return false;
        }
    }
    static const char *const lits[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(lits[i]);
        if ((size_t)(j->end - j->p) >= n && memcmp(j->p, lits[i], n) == 0) {
            j->p += n;
            return true;
        }
    }
    return jnumber(j, &v);
}

/* Reads the members of a record we use into v[K_*]. */
static bool read_record(const char *line, size_t len, struct jval *v, const char **err)
{
    memset(v, 0, K_COUNT * sizeof *v);
    if (!sl_utf8_valid(line, len, NULL)) {
        *err = "not valid UTF-8";
        return false;
    }
    struct jp j = {line, line + len, NULL};
    ws(&j);
    if (j.p >= j.end || *j.p != '{') {
        *err = "not a JSON object";
        return false;
    }
    j.p++;
    ws(&j);
    bool empty = j.p < j.end && *j.p == '}';
    if (empty)
        j.p++;
    while (!empty) {
        ws(&j);
        struct jval key;
        if (j.p >= j.end || *j.p != '"' || !jstring(&j, &key)) {
            *err = j.err ? j.err : "expected a member name";
            return false;
        }
        ws(&j);
        if (j.p >= j.end || *j.p != ':') {
            *err = "expected ':'";
            return false;
        }
        j.p++;
        ws(&j);
        int k = -1;
        for (int i = 0; i < K_COUNT && !key.esc; i++)
            if (key.n == strlen(known[i]) && memcmp(key.p, known[i], key.n) == 0)
                k = i;
        if (k >= 0) {
            if (v[k].type != 0) {
                *err = "duplicate member";
                return false;
            }
            const char *before = j.p;
            bool ok = j.p < j.end && *j.p == '"' ? jstring(&j, &v[k])
                      : j.p < j.end && (*j.p == '-' || isdigit((unsigned char)*j.p))
                          ? jnumber(&j, &v[k])
                          : jskip(&j, 1);
            if (!ok) {
                *err = j.err ? j.err : "bad value";
                return false;
            }
            if (v[k].type == 0 && j.p != before)
                v[k].type = 'o';
        } else if (!jskip(&j, 1)) {
            *err = j.err ? j.err : "bad value";
            return false;
        }
        ws(&j);
        if (j.p < j.end && *j.p == ',') {
            j.p++;
            continue;
        }
        if (j.p < j.end && *j.p == '}') {
            j.p++;
            break;
        }
        *err = "expected ',' or '}'";
        return false;
    }
    ws(&j);
    if (j.p != j.end) {
        *err = "bytes after the object";
        return false;
    }
    return true;
}

static void put_utf8(char *out, size_t *w, unsigned cp)
{
    if (cp < 0x80) {
        out[(*w)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*w)++] = (char)(0xc0 | cp >> 6);
        out[(*w)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out[(*w)++] = (char)(0xe0 | cp >> 12);
        out[(*w)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*w)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        out[(*w)++] = (char)(0xf0 | cp >> 18);
        out[(*w)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[(*w)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*w)++] = (char)(0x80 | (cp & 0x3f));
    }
}

/* The decoded contents of a string value (malloc'd, NUL-terminated; *n its
 * length). NULL on a NUL or unpaired surrogate escape, or out of memory. */
static char *unescape(const struct jval *v, size_t *n, const char **err)
{
    char *out = malloc(v->n + 1);
    if (out == NULL) {
        *err = "out of memory";
        return NULL;
    }
    if (!v->esc) {
        memcpy(out, v->p, v->n);
        out[v->n] = '\0';
        *n = v->n;
        return out;
    }
    size_t w = 0;
    for (size_t i = 0; i < v->n; i++) {
        char c = v->p[i];
        if (c != '\\') {
            out[w++] = c;
            continue;
        }
        char e = v->p[++i];
        switch (e) {
        case 'b': out[w++] = '\b'; break;
        case 'f': out[w++] = '\f'; break;
        case 'n': out[w++] = '\n'; break;
        case 'r': out[w++] = '\r'; break;
        case 't': out[w++] = '\t'; break;
        case 'u': {
            char hex[5] = {v->p[i + 1], v->p[i + 2], v->p[i + 3], v->p[i + 4], 0};
            unsigned cp = (unsigned)strtoul(hex, NULL, 16);
            i += 4;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (i + 6 < v->n && v->p[i + 1] == '\\' && v->p[i + 2] == 'u') {
                    char h2[5] = {v->p[i + 3], v->p[i + 4], v->p[i + 5], v->p[i + 6], 0};
                    unsigned lo = (unsigned)strtoul(h2, NULL, 16);
                    if (lo >= 0xdc00 && lo <= 0xdfff) {
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        i += 6;
                    } else {
                        cp = 0;
                    }
                } else {
                    cp = 0;
                }
                if (cp == 0) {
                    free(out);
                    *err = "unpaired surrogate escape";
                    return NULL;
                }
            } else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp == 0) {
                free(out);
                *err = cp == 0 ? "NUL in a string" : "unpaired surrogate escape";
                return NULL;
            }
            put_utf8(out, &w, cp); /* never longer than the 6-byte escape it replaces */
            break;
        }
        default: out[w++] = e; break; /* " \ / */
        }
    }
    out[w] = '\0';
    *n = w;
    return out;
}

/* Reads one line into a record. Returns 0, or -1 with msg.
 * Long: one record's fields, each bounded and checked in the order
 * docs/identify.md lists them. */
static int parse_line(struct run *r, const char *line, size_t len, char *msg, size_t msgsz)
{
    struct jval v[K_COUNT];
    const char *err = NULL;
    if (!read_record(line, len, v, &err)) {
        snprintf(msg, msgsz, "not a record: %s", err);
        return -1;
    }
    char key[SL_BATCH_MAX_KEY + 1];
    char proto_s[16];
    enum sl_proto proto;
    size_t n;
    if (v[K_DEVICE].type == 's') {
        char *d = unescape(&v[K_DEVICE], &n, &err);
        if (d == NULL) {
            snprintf(msg, msgsz, "\"device\": %s", err);
            return -1;
        }
        sl_strlcpy(key, d, sizeof key);
        free(d);
    } else if (v[K_DEVICE].type == 'i') {
        snprintf(key, sizeof key, "%lld", v[K_DEVICE].num);
    } else {
        snprintf(msg, msgsz, "needs \"device\" (a string or number)");
        return -1;
    }
    if (v[K_PROTO].type != 's' || v[K_PROTO].esc || v[K_PROTO].n >= sizeof proto_s ||
        (memcpy(proto_s, v[K_PROTO].p, v[K_PROTO].n), proto_s[v[K_PROTO].n] = '\0',
         sl_proto_from_name(proto_s, &proto) != 0)) {
        snprintf(msg, msgsz, "needs \"proto\" (http, rtsp, wsd, onvif, ssdp, upnp, sadp, "
                             "dhdiscover, tcp, tls, mac, dhcp)");
        return -1;
    }
    if (v[K_PORT].type != 0 && (v[K_PORT].type != 'i' || v[K_PORT].num < 0 || v[K_PORT].num > 65535)) {
        snprintf(msg, msgsz, "\"port\" must be 0..65535");
        return -1;
    }
    if ((v[K_DATA].type != 0 && v[K_DATA].type != 's') ||
        (v[K_B64].type != 0 && v[K_B64].type != 's') ||
        (v[K_PATH].type != 0 && v[K_PATH].type != 's')) {
        snprintf(msg, msgsz, "\"data\", \"data_b64\" and \"path\" must be strings");
        return -1;
    }
    if (SL_GROW(r->rec, r->cap_rec, r->n_rec + 1, 1024) != 0) {
        snprintf(msg, msgsz, "out of memory");
        return -1;
    }
    struct record *rec = &r->rec[r->n_rec];
    memset(rec, 0, sizeof *rec);
    if (v[K_B64].type == 's') {
        rec->data = malloc(v[K_B64].n / 4 * 3 + 4);
        long got = -1;
        if (rec->data != NULL && !v[K_B64].esc)
            got = sl_base64_decode(v[K_B64].p, v[K_B64].n, rec->data);
        if (got < 0) {
            free(rec->data);
            snprintf(msg, msgsz, "\"data_b64\" is not base64");
            return -1;
        }
        rec->ev.len = (size_t)got;
    } else if (v[K_DATA].type == 's') {
        rec->data = (uint8_t *)unescape(&v[K_DATA], &rec->ev.len, &err);
        if (rec->data == NULL) {
            snprintf(msg, msgsz, "\"data\": %s", err);
            return -1;
        }
    }
    if (v[K_PATH].type == 's') {
        rec->path = unescape(&v[K_PATH], &n, &err);
        if (rec->path == NULL) {
            free(rec->data);
            snprintf(msg, msgsz, "\"path\": %s", err);
            return -1;
        }
    }
    long g = group_of(r, key);
    if (g < 0) {
        free(rec->data);
        free(rec->path);
        snprintf(msg, msgsz, "out of memory");
        return -1;
    }
    rec->group = (size_t)g;
    r->grp[g].count++;
    rec->ev.proto = proto;
    rec->ev.port = v[K_PORT].type == 'i' ? (uint16_t)v[K_PORT].num : 0;
    rec->ev.path = rec->path;
    rec->ev.data = rec->data;
    r->n_rec++;
    return 0;
}

/* Writes s as a JSON string (what jansson writes for valid UTF-8). */
static void put_str(struct sl_buf *o, const char *s)
{
    sl_buf_append(o, "\"", 1);
    const unsigned char *p = (const unsigned char *)s, *run = p;
    for (;; p++) {
        unsigned char c = *p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (p > run) /* a run of bytes written as they are */
            sl_buf_append(o, run, (size_t)(p - run));
        run = p + 1;
        if (c == '\0')
            break;
        char esc[8];
        switch (c) {
        case '"': sl_buf_append(o, "\\\"", 2); break;
        case '\\': sl_buf_append(o, "\\\\", 2); break;
        case '\n': sl_buf_append(o, "\\n", 2); break;
        case '\r': sl_buf_append(o, "\\r", 2); break;
        case '\t': sl_buf_append(o, "\\t", 2); break;
        case '\b': sl_buf_append(o, "\\b", 2); break;
        case '\f': sl_buf_append(o, "\\f", 2); break;
        default:
            snprintf(esc, sizeof esc, "\\u%04X", c); /* as jansson writes it */
            sl_buf_append(o, esc, 6);
        }
    }
    sl_buf_append(o, "\"", 1);
}

static void put_field(struct sl_buf *o, const char *key, const char *val, bool *first)
{
    if (!*first)
        sl_buf_append(o, ",", 1);
    *first = false;
    put_str(o, key);
    sl_buf_append(o, ":", 1);
    if (val == NULL || val[0] == '\0')
        sl_buf_append(o, "null", 4);
    else
        put_str(o, val);
}

/* One output line, {"claim": {...}, "device": KEY}: the same members and
 * values as sl_claim_to_json, keys sorted as `identify` prints them, written
 * directly because building and dumping a json_t per device costs as much as
 * identifying it. */
static void put_claim_line(struct sl_buf *o, const char *device, const struct sl_claim *c)
{
    bool first = true;
    sl_buf_append_str(o, "{\"claim\":{");
    put_field(o, "brand", c->brand, &first);
    char num[32];
    snprintf(num, sizeof num, "%.10g", c->confidence);
    if (strpbrk(num, ".eEn") == NULL) { /* jansson writes reals with a point: 0.0, 1.0 */
        size_t l = strlen(num);
        if (l + 3 <= sizeof num)
            memcpy(num + l, ".0", 3);
    }
    sl_buf_printf(o, ",\"confidence\":%s", num);
    if (c->conflicts[0])
        put_field(o, "conflicts", c->conflicts, &first);
    put_field(o, "device_type", c->device_type, &first);
    if (c->errors[0])
        put_field(o, "errors", c->errors, &first);
    put_field(o, "firmware", c->firmware, &first);
    if (c->mac[0])
        put_field(o, "mac", c->mac, &first);
    put_field(o, "manufacturer", c->manufacturer, &first);
    put_field(o, "model", c->model, &first);
    sl_buf_append_str(o, ",\"rules\":[");
    for (size_t i = 0; i < c->n_rules; i++) {
        if (i)
            sl_buf_append(o, ",", 1);
        put_str(o, c->rules[i]);
    }
    sl_buf_append(o, "]", 1);
    if (c->serial[0])
        put_field(o, "serial", c->serial, &first);
    if (c->tentative)
        sl_buf_append_str(o, ",\"tentative\":true");
    sl_buf_append_str(o, "},\"device\":");
    put_str(o, device);
    sl_buf_append_str(o, "}\n");
}

static void free_run(struct run *r)
{
    for (size_t i = 0; i < r->n_rec; i++) {
        free(r->rec[i].data);
        free(r->rec[i].path);
    }
    for (size_t i = 0; i < r->n_grp; i++)
        free(r->grp[i].key);
    free(r->rec);
    free(r->grp);
    free(r->slots);
}

int sl_batch_run(const struct sl_ident *id, const char *data, size_t len, const char *name,
                 FILE *out, FILE *errs, struct sl_batch_stats *st, struct sl_err *err)
{
    struct run r = {0};
    memset(st, 0, sizeof *st);
    size_t line_no = 0, i = 0;
    while (i < len) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t end = nl != NULL ? (size_t)(nl - data) : len;
        line_no++;
        size_t s = i;
        i = end + 1;
        while (s < end && (data[s] == ' ' || data[s] == '\t' || data[s] == '\r'))
            s++;
        if (s == end)
            continue;
        char msg[160];
        if (end - s > SL_BATCH_MAX_LINE)
            snprintf(msg, sizeof msg, "record longer than %u bytes", SL_BATCH_MAX_LINE);
        else if (parse_line(&r, data + s, end - s, msg, sizeof msg) == 0)
            continue;
        st->bad++;
        if (errs != NULL)
            fprintf(errs, "%s:%zu: %s\n", name, line_no, msg);
    }
    st->records = r.n_rec;
    st->devices = r.n_grp;
    /* order records by group, keeping their order inside a group */
    size_t *order = malloc((r.n_rec + 1) * sizeof *order);
    size_t *pos = calloc(r.n_grp + 1, sizeof *pos);
    struct sl_ident_acc *acc = sl_ident_acc_new(id);
    if (order == NULL || pos == NULL || acc == NULL) {
        free(order);
        free(pos);
        sl_ident_acc_free(acc);
        free_run(&r);
        return sl_err_set(err, "out of memory");
    }
    struct sl_buf line;
    sl_buf_init(&line, 64u << 10);
    size_t at = 0;
    for (size_t g = 0; g < r.n_grp; g++) {
        r.grp[g].first = at;
        at += r.grp[g].count;
    }
    for (size_t k = 0; k < r.n_rec; k++) {
        size_t g = r.rec[k].group;
        order[r.grp[g].first + pos[g]++] = k;
    }
    for (size_t g = 0; g < r.n_grp; g++) {
        sl_ident_acc_reset(acc);
        for (size_t k = 0; k < r.grp[g].count; k++)
            sl_ident_observe(acc, &r.rec[order[r.grp[g].first + k]].ev);
        struct sl_claim c;
        sl_ident_conclude(acc, &c);
        sl_buf_reset(&line);
        put_claim_line(&line, r.grp[g].key, &c);
        fwrite(line.data, 1, line.len, out);
    }
    sl_buf_free(&line);
    sl_ident_acc_free(acc);
    free(order);
    free(pos);
    free_run(&r);
    return 0;
}
