/* dbc.c - a bounded reader of DBC messages, signals and cycle times (dbc.h). */
#include "dbc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/str.h"

struct cur {
    const char *p, *end;
};

static void ws(struct cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

static bool lit(struct cur *c, const char *s)
{
    ws(c);
    size_t n = strlen(s);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
        return false;
    c->p += n;
    return true;
}

/* An identifier-like word up to a space, ':' or the end. */
static bool word(struct cur *c, char *out, size_t n)
{
    ws(c);
    const char *s = c->p;
    while (c->p < c->end && *c->p != ' ' && *c->p != '\t' && *c->p != ':' && *c->p != ';')
        c->p++;
    if (c->p == s)
        return false;
    sl_strncpy_z(out, n, s, (size_t)(c->p - s));
    return true;
}

static bool num_u(struct cur *c, uint64_t max, uint64_t *v)
{
    ws(c);
    uint64_t x = 0;
    const char *s = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        x = x * 10 + (uint64_t)(*c->p++ - '0');
        if (x > max)
            return false;
    }
    *v = x;
    return c->p > s;
}

static bool num_d(struct cur *c, double *v)
{
    ws(c);
    char buf[48];
    size_t n = 0;
    while (c->p < c->end && n < sizeof buf - 1 &&
           (strchr("0123456789+-.eE", *c->p) != NULL))
        buf[n++] = *c->p++;
    buf[n] = '\0';
    return n > 0 && sl_parse_double(buf, v) == 0;
}

static const char *const COUNTER_WORDS[] = {"_Cnt", "Counter", "COUNTER", "Cntr", "AlvCnt", "_CNT", NULL};
static const char *const CHECKSUM_WORDS[] = {"_Cs", "Crc", "CRC", "Checksum", "CHECKSUM", "Chks", "_CS", NULL};

static bool has_any(const char *name, const char *const *words)
{
    for (int i = 0; words[i] != NULL; i++)
        if (strstr(name, words[i]) != NULL)
            return true;
    return false;
}

static void classify(struct lab_dbc_signal *s)
{
    if (s->role == LAB_SIG_MUX)
        return;
    bool aligned = s->len == 8 && (s->intel ? s->start % 8 == 0 : s->start % 8 == 7);
    if (aligned && has_any(s->name, CHECKSUM_WORDS))
        s->role = LAB_SIG_CHECKSUM;
    else if (s->len >= 2 && s->len <= 8 && has_any(s->name, COUNTER_WORDS))
        s->role = LAB_SIG_COUNTER;
}

/* " SG_ name [M|mN] : start|len@order sign (factor,offset) [min|max] ..." */
static void parse_sg(struct cur *c, struct lab_dbc_msg *m)
{
    struct lab_dbc_signal s;
    memset(&s, 0, sizeof s);
    s.mux = -1;
    if (!word(c, s.name, sizeof s.name))
        return;
    ws(c);
    if (c->p < c->end && *c->p != ':') {
        char mx[16];
        if (!word(c, mx, sizeof mx))
            return;
        if (mx[0] == 'M') {
            s.role = LAB_SIG_MUX;
        } else if (mx[0] == 'm') {
            int v = 0;
            for (const char *q = mx + 1; *q >= '0' && *q <= '9' && v < 100000; q++)
                v = v * 10 + (*q - '0');
            s.mux = v;
        }
    }
    uint64_t start, len;
    double f, o, mn, mx;
    if (!lit(c, ":") || !num_u(c, 511, &start) || !lit(c, "|") || !num_u(c, 64, &len) ||
        !lit(c, "@") || c->p + 2 > c->end)
        return;
    s.intel = *c->p == '1';
    s.is_signed = c->p[1] == '-';
    c->p += 2;
    if (!lit(c, "(") || !num_d(c, &f) || !lit(c, ",") || !num_d(c, &o) || !lit(c, ")") ||
        !lit(c, "[") || !num_d(c, &mn) || !lit(c, "|") || !num_d(c, &mx) || !lit(c, "]"))
        return;
    if (len == 0 || f == 0)
        return;
    s.start = (uint16_t)start;
    s.len = (uint8_t)len;
    s.factor = f;
    s.offset = o;
    s.min = mn;
    s.max = mx;
    if (!lab_dbc_layout(&s, m->dlc) || m->nsig == LAB_DBC_MAX_SIGS)
        return;
    classify(&s);
    struct lab_dbc_signal *ns = realloc(m->sig, (m->nsig + 1) * sizeof *ns);
    if (ns == NULL)
        return;
    m->sig = ns;
    m->sig[m->nsig++] = s;
}

/* "BO_ id name: dlc sender" */
static int parse_bo(struct cur *c, struct lab_dbc *d)
{
    uint64_t id, dlc;
    struct lab_dbc_msg m;
    memset(&m, 0, sizeof m);
    if (!num_u(c, 0xFFFFFFFFu, &id) || !word(c, m.name, sizeof m.name) || !lit(c, ":") ||
        !num_u(c, 64, &dlc))
        return 0;
    if (!word(c, m.sender, sizeof m.sender))
        m.sender[0] = '\0';
    m.ext = (id & 0x80000000u) != 0;
    m.id = (uint32_t)(id & 0x1FFFFFFFu);
    if (id == 0xC0000000u || (!m.ext && m.id > 0x7FF) || dlc == 0)
        return 0; /* Vector's pseudo-message of independent signals; bad ids */
    m.dlc = (uint8_t)dlc;
    if (d->n == LAB_DBC_MAX_MSGS)
        return -1;
    struct lab_dbc_msg *nm = realloc(d->msg, (d->n + 1) * sizeof *nm);
    if (nm == NULL)
        return -1;
    d->msg = nm;
    d->msg[d->n++] = m;
    return 1;
}

/* BA_ "GenMsgCycleTime" BO_ id value; */
static void parse_ba(struct cur *c, struct lab_dbc *d)
{
    uint64_t id, v;
    if (!lit(c, "\"GenMsgCycleTime\"") || !lit(c, "BO_") || !num_u(c, 0xFFFFFFFFu, &id) ||
        !num_u(c, 10000000, &v))
        return;
    uint32_t raw = (uint32_t)(id & 0x1FFFFFFFu);
    bool ext = (id & 0x80000000u) != 0;
    for (unsigned i = 0; i < d->n; i++)
        if (d->msg[i].id == raw && d->msg[i].ext == ext)
            d->msg[i].cycle_ms = (uint32_t)v;
}

int lab_dbc_parse(struct lab_dbc *d, const char *text, size_t len, struct sl_err *err)
{
    memset(d, 0, sizeof *d);
    const char *p = text, *end = text + len;
    struct lab_dbc_msg *cur = NULL;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl != NULL ? nl : end;
        struct cur c = {p, le};
        if (c.end > c.p && c.end[-1] == '\r')
            c.end--;
        ws(&c);
        if (lit(&c, "BO_ ")) {
            int k = parse_bo(&c, d);
            if (k < 0) {
                lab_dbc_free(d);
                return sl_err_set(err, "more than %d messages (or out of memory)", LAB_DBC_MAX_MSGS);
            }
            cur = k > 0 ? &d->msg[d->n - 1] : NULL;
        } else if (lit(&c, "SG_ ")) {
            if (cur != NULL)
                parse_sg(&c, cur);
        } else if (lit(&c, "BA_ ")) {
            parse_ba(&c, d);
            cur = NULL;
        } else if (c.p < c.end) {
            cur = NULL; /* anything else ends a message's signal list */
        }
        p = nl != NULL ? nl + 1 : end;
    }
    if (d->n == 0)
        return sl_err_set(err, "no messages (BO_ lines) found");
    return 0;
}

int lab_dbc_load(struct lab_dbc *d, const char *path, struct sl_err *err)
{
    size_t len;
    char *s = sl_read_file(path, LAB_DBC_MAX_FILE, &len, err);
    if (s == NULL)
        return -1;
    int rc = lab_dbc_parse(d, s, len, err);
    free(s);
    if (rc != 0)
        sl_err_prefix(err, "%s", path);
    return rc;
}

void lab_dbc_free(struct lab_dbc *d)
{
    for (unsigned i = 0; i < d->n; i++)
        free(d->msg[i].sig);
    free(d->msg);
    memset(d, 0, sizeof *d);
}

bool lab_dbc_layout(struct lab_dbc_signal *s, unsigned len)
{
    if (s->len == 0 || s->len > 64)
        return false;
    /* Intel: start is the LSB, bits go up. Motorola: start is the MSB; bits go
     * down within a byte, then on at the next byte's bit 7. */
    int p = s->start;
    for (unsigned k = 0; k < s->len; k++) {
        unsigned i = s->intel ? k : s->len - 1 - k;
        if (p < 0 || p >= (int)len * 8)
            return false;
        s->pos[i] = (uint16_t)p;
        if (s->intel)
            p++;
        else
            p = (p % 8 == 0) ? p + 15 : p - 1;
    }
    return true;
}

void lab_dbc_put(const struct lab_dbc_signal *s, uint8_t *data, uint64_t raw)
{
    for (unsigned i = 0; i < s->len; i++) {
        unsigned p = s->pos[i];
        uint8_t m = (uint8_t)(1u << (p % 8));
        if (raw >> i & 1)
            data[p / 8] |= m;
        else
            data[p / 8] &= (uint8_t)~m;
    }
}

uint64_t lab_dbc_get(const struct lab_dbc_signal *s, const uint8_t *data)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < s->len; i++)
        if (data[s->pos[i] / 8] >> (s->pos[i] % 8) & 1)
            v |= 1ull << i;
    return v;
}
