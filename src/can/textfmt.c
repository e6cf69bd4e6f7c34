/* textfmt.c - candump and HCRL line parsers (textfmt.h); no allocation, no
 * reads past the line. Hex digits through a table: this is the hot path of
 * `can watch --read` on logs. */
#include "can/textfmt.h"

#include <string.h>

/* 0..15 for a hex digit, 0xFF otherwise. */
static const uint8_t HEX[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
    ['F'] = 16, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};
/* (stored +1 so that the zero-initialised rest means "not a digit") */
static inline int hexv(char c)
{
    return (int)HEX[(unsigned char)c] - 1;
}

struct cur {
    const char *p, *end;
};

static inline bool at_end(const struct cur *c)
{
    return c->p >= c->end;
}
static inline bool is_space(char ch)
{
    return ch == ' ' || ch == '\t';
}
static void skip_spaces(struct cur *c)
{
    while (c->p < c->end && is_space(*c->p))
        c->p++;
}
/* The rest of the token (up to a space or the end). */
static size_t token_len(const struct cur *c)
{
    const char *q = c->p;
    while (q < c->end && !is_space(*q))
        q++;
    return (size_t)(q - c->p);
}

/* "<sec>.<frac>": sec 1..12 digits, frac 1..9 digits (candump: exactly 6 or 9,
 * checked by the caller through *frac_digits). */
static int parse_time(struct cur *c, int64_t *us, int *frac_digits)
{
    int64_t sec = 0;
    int nd = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        if (++nd > 12)
            return -1;
        sec = sec * 10 + (*c->p++ - '0');
    }
    if (nd == 0 || at_end(c) || *c->p != '.')
        return -1;
    c->p++;
    int64_t frac = 0;
    int nf = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        if (++nf > 9)
            return -1;
        if (nf <= 6)
            frac = frac * 10 + (*c->p - '0');
        c->p++;
    }
    if (nf == 0)
        return -1;
    for (int i = nf; i < 6; i++)
        frac *= 10;
    *us = sec * 1000000 + frac;
    *frac_digits = nf;
    return 0;
}

/* Hex bytes with optional '.' separators until the end of the token; at most
 * max bytes. Returns the count or -1. */
static int parse_hex_bytes(const char *p, const char *end, uint8_t *out, int max, const char **stop)
{
    int n = 0;
    while (p < end) {
        if (*p == '.') {
            p++;
            continue;
        }
        int hi = hexv(*p);
        if (hi < 0)
            break;
        if (p + 1 >= end || n == max)
            return -1;
        int lo = hexv(p[1]);
        if (lo < 0)
            return -1;
        out[n++] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
    *stop = p;
    return n;
}

static int bad(const char **why, const char *key)
{
    *why = key;
    return SL_CAN_LINE_BAD;
}

/* After "<id>#R": an optional length 0..8, "_<dlc>" after 8. */
static int parse_remote(const char *p, const char *end, struct sl_can_frame *f, const char **why)
{
    if (f->flags & SL_CAN_F_ERR)
        return bad(why, "candump.rtr_error");
    f->flags |= SL_CAN_F_RTR;
    if (p < end) {
        int l = hexv(*p);
        if (l < 0 || l > 8)
            return bad(why, "candump.rtr_len");
        f->len = (uint8_t)l;
        p++;
        if (l == 8 && p < end && *p == '_') {
            int d = p + 1 < end ? hexv(p[1]) : -1;
            if (d < 9)
                return bad(why, "candump.raw_dlc");
            f->raw_dlc = (uint8_t)d;
            p += 2;
        }
    }
    return p == end ? SL_CAN_LINE_FRAME : bad(why, "candump.trailing");
}

/* After "<id>##": the flags nibble, then 0..64 bytes. */
static int parse_fd(const char *p, const char *end, struct sl_can_frame *f, const char **why)
{
    if (f->flags & SL_CAN_F_ERR)
        return bad(why, "candump.fd_error");
    int fl = p < end ? hexv(*p) : -1;
    if (fl < 0)
        return bad(why, "candump.fd_flags");
    f->flags |= SL_CAN_F_FD;
    if (fl & 1)
        f->flags |= SL_CAN_F_BRS;
    if (fl & 2)
        f->flags |= SL_CAN_F_ESI;
    const char *stop;
    int k = parse_hex_bytes(p + 1, end, f->data, SL_CAN_MAX_LEN, &stop);
    if (k < 0 || stop != end)
        return bad(why, "candump.fd_data");
    f->len = (uint8_t)k;
    return SL_CAN_LINE_FRAME;
}

/* The compact frame "<id>#..." of can-utils' lib.h, the whole token. */
static int parse_compact(const char *p, size_t n, struct sl_can_frame *f, const char **why)
{
    const char *end = p + n;
    size_t idlen = 0;
    while (idlen < n && p[idlen] != '#')
        idlen++;
    if (idlen == n)
        return bad(why, "candump.no_hash");
    if (idlen == 5)
        return SL_CAN_LINE_UNSUPPORTED; /* CAN XL: <vcid><prio>#... */
    if (idlen != 3 && idlen != 8)
        return bad(why, "candump.id_length");
    uint32_t v = 0;
    for (size_t i = 0; i < idlen; i++) {
        int d = hexv(p[i]);
        if (d < 0)
            return bad(why, "candump.id_hex");
        v = v << 4 | (uint32_t)d;
    }
    f->flags = 0;
    f->raw_dlc = 0;
    f->len = 0;
    if (idlen == 3) {
        if (v > SL_CAN_SFF_MASK)
            return bad(why, "candump.sff_range");
        f->id = v;
    } else {
        f->id = v & SL_CAN_EFF_MASK;
        if (v & 0x20000000u)
            f->flags |= SL_CAN_F_ERR; /* error class bits in the id */
        else
            f->flags |= SL_CAN_F_EXT;
        if ((v & 0x40000000u) && !(f->flags & SL_CAN_F_ERR))
            f->flags |= SL_CAN_F_RTR;
        if (f->flags & SL_CAN_F_ERR)
            f->id = v & SL_CAN_EFF_MASK & ~0x20000000u;
    }
    p += idlen + 1;
    if (p < end && (*p == 'R' || *p == 'r'))
        return parse_remote(p + 1, end, f, why);
    if (p < end && *p == '#')
        return parse_fd(p + 1, end, f, why);
    const char *stop;
    int k = parse_hex_bytes(p, end, f->data, 8, &stop);
    if (k < 0)
        return bad(why, "candump.data");
    f->len = (uint8_t)k;
    if (stop < end && *stop == '_' && k == 8) {
        int d = stop + 1 < end ? hexv(stop[1]) : -1;
        if (d < 9)
            return bad(why, "candump.raw_dlc");
        f->raw_dlc = (uint8_t)d;
        stop += 2;
    }
    return stop == end ? SL_CAN_LINE_FRAME : bad(why, "candump.trailing");
}

static uint64_t parse_dropcount(const char *p, size_t n)
{
    /* "DROPCOUNT: dropped 3 CAN frames on 'can0' socket (total drops 7)" */
    static const char pre[] = "DROPCOUNT: dropped ";
    size_t m = sizeof pre - 1;
    uint64_t v = 0;
    if (n <= m || memcmp(p, pre, m) != 0)
        return 1;
    for (size_t i = m; i < n && p[i] >= '0' && p[i] <= '9' && i < m + 10; i++)
        v = v * 10 + (uint64_t)(p[i] - '0');
    return v ? v : 1;
}

int sl_can_parse_candump(const char *line, size_t n, struct sl_can_frame *f,
                         struct sl_can_ifname *ifname, uint64_t *dropped, const char **why)
{
    if (n > 0 && line[n - 1] == '\r')
        n--;
    if (n > SL_CAN_MAX_LINE)
        return bad(why, "line.too_long");
    if (n == 0 || line[0] != '(') {
        if (n >= 10 && memcmp(line, "DROPCOUNT:", 10) == 0) {
            *dropped = parse_dropcount(line, n);
            return SL_CAN_LINE_DROPCOUNT;
        }
        return SL_CAN_LINE_SKIP; /* canplayer: anything else is a comment */
    }
    struct cur c = {line + 1, line + n};
    int nf;
    if (parse_time(&c, &f->ts_us, &nf) != 0 || at_end(&c) || *c.p != ')')
        return bad(why, "candump.time");
    if (nf != 6 && nf != 9)
        return bad(why, "candump.time_digits");
    c.p++;
    if (at_end(&c) || !is_space(*c.p))
        return bad(why, "candump.layout");
    skip_spaces(&c);
    size_t il = token_len(&c);
    if (il == 0 || il > SL_CAN_MAX_IFNAME)
        return bad(why, "candump.iface");
    ifname->p = c.p;
    ifname->n = il;
    c.p += il;
    skip_spaces(&c);
    size_t fl = token_len(&c);
    if (fl == 0)
        return bad(why, "candump.no_frame");
    int rc = parse_compact(c.p, fl, f, why);
    if (rc != SL_CAN_LINE_FRAME)
        return rc;
    c.p += fl;
    skip_spaces(&c);
    if (!at_end(&c)) { /* candump -x: " T" sent by this host, " R" received */
        if (c.end - c.p != 1 || (*c.p != 'T' && *c.p != 'R'))
            return bad(why, "candump.trailing");
        if (*c.p == 'T')
            f->flags |= SL_CAN_F_TX;
    }
    f->label = SL_CAN_LABEL_NONE;
    return SL_CAN_LINE_FRAME;
}

/* Hex id of 1..8 digits; extended when above 0x7FF or written with > 4 digits. */
static int parse_hex_id(struct cur *c, size_t len, struct sl_can_frame *f)
{
    if (len == 0 || len > 8)
        return -1;
    uint32_t v = 0;
    for (size_t i = 0; i < len; i++) {
        int d = hexv(c->p[i]);
        if (d < 0)
            return -1;
        v = v << 4 | (uint32_t)d;
    }
    if (v > SL_CAN_EFF_MASK)
        return -1;
    c->p += len;
    f->id = v;
    f->flags = (v > SL_CAN_SFF_MASK || len > 4) ? SL_CAN_F_EXT : 0;
    return 0;
}

static int parse_small_dec(struct cur *c, size_t len, int max)
{
    if (len == 0 || len > 2)
        return -1;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (c->p[i] < '0' || c->p[i] > '9')
            return -1;
        v = v * 10 + (c->p[i] - '0');
    }
    c->p += len;
    return v <= max ? v : -1;
}

/* One or two hex digits, the byte form of the HCRL files. */
static int parse_byte_field(const char *p, size_t len)
{
    if (len == 0 || len > 2)
        return -1;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        int d = hexv(p[i]);
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

static size_t field_len(const struct cur *c)
{
    const char *q = c->p;
    while (q < c->end && *q != ',')
        q++;
    return (size_t)(q - c->p);
}

int sl_can_parse_hcrl_csv(const char *line, size_t n, struct sl_can_frame *f, const char **why)
{
    if (n > 0 && line[n - 1] == '\r')
        n--;
    if (n > SL_CAN_MAX_LINE)
        return bad(why, "line.too_long");
    if (n == 0 || line[0] < '0' || line[0] > '9')
        return SL_CAN_LINE_SKIP; /* blank or a header row */
    struct cur c = {line, line + n};
    int nf;
    if (parse_time(&c, &f->ts_us, &nf) != 0 || at_end(&c) || *c.p != ',')
        return bad(why, "hcrl.time");
    c.p++;
    if (parse_hex_id(&c, field_len(&c), f) != 0 || at_end(&c) || *c.p != ',')
        return bad(why, "hcrl.id");
    c.p++;
    int dlc = parse_small_dec(&c, field_len(&c), 8);
    if (dlc < 0)
        return bad(why, "hcrl.dlc");
    f->len = (uint8_t)dlc;
    f->raw_dlc = 0;
    for (int i = 0; i < dlc; i++) {
        if (at_end(&c) || *c.p != ',')
            return bad(why, "hcrl.columns");
        c.p++;
        size_t l = field_len(&c);
        int b = parse_byte_field(c.p, l);
        if (b < 0)
            return bad(why, "hcrl.data");
        f->data[i] = (uint8_t)b;
        c.p += l;
    }
    f->label = SL_CAN_LABEL_NONE;
    if (!at_end(&c)) { /* the label, the last field */
        c.p++;
        if (c.end - c.p != 1 || (*c.p != 'R' && *c.p != 'T'))
            return bad(why, "hcrl.label");
        f->label = (uint8_t)*c.p;
    }
    return SL_CAN_LINE_FRAME;
}

static bool take_word(struct cur *c, const char *w)
{
    size_t m = strlen(w);
    if ((size_t)(c->end - c->p) < m || memcmp(c->p, w, m) != 0)
        return false;
    c->p += m;
    skip_spaces(c);
    return true;
}

int sl_can_parse_hcrl_txt(const char *line, size_t n, struct sl_can_frame *f, const char **why)
{
    if (n > 0 && line[n - 1] == '\r')
        n--;
    if (n > SL_CAN_MAX_LINE)
        return bad(why, "line.too_long");
    struct cur c = {line, line + n};
    skip_spaces(&c);
    if (at_end(&c))
        return SL_CAN_LINE_SKIP;
    if (!take_word(&c, "Timestamp:"))
        return bad(why, "hcrl.layout");
    int nf;
    if (parse_time(&c, &f->ts_us, &nf) != 0)
        return bad(why, "hcrl.time");
    skip_spaces(&c);
    if (!take_word(&c, "ID:") || parse_hex_id(&c, token_len(&c), f) != 0)
        return bad(why, "hcrl.id");
    skip_spaces(&c);
    size_t l = token_len(&c);
    if (l > 0 && l <= 4 && c.p[0] >= '0' && c.p[0] <= '9') { /* the "000" column */
        for (size_t i = 0; i < l; i++)
            if (c.p[i] < '0' || c.p[i] > '9')
                return bad(why, "hcrl.layout");
        c.p += l;
        skip_spaces(&c);
    }
    if (!take_word(&c, "DLC:"))
        return bad(why, "hcrl.layout");
    int dlc = parse_small_dec(&c, token_len(&c), 8);
    if (dlc < 0)
        return bad(why, "hcrl.dlc");
    f->len = (uint8_t)dlc;
    f->raw_dlc = 0;
    for (int i = 0; i < dlc; i++) {
        skip_spaces(&c);
        size_t bl = token_len(&c);
        int b = parse_byte_field(c.p, bl);
        if (b < 0)
            return bad(why, "hcrl.data");
        f->data[i] = (uint8_t)b;
        c.p += bl;
    }
    skip_spaces(&c);
    if (!at_end(&c))
        return bad(why, "hcrl.trailing");
    f->label = SL_CAN_LABEL_NONE;
    return SL_CAN_LINE_FRAME;
}

enum sl_can_format sl_can_detect_format(const uint8_t *p, size_t n)
{
    if (n >= 4) {
        uint32_t m = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        if (m == 0xa1b2c3d4u || m == 0xd4c3b2a1u || m == 0xa1b23c4du || m == 0x4d3cb2a1u ||
            m == 0x0a0d0d0au)
            return SL_CAN_FMT_PCAP;
    }
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] != '\n')
            j++;
        const char *l = (const char *)p + i;
        size_t len = j - i;
        while (len > 0 && (l[0] == ' ' || l[0] == '\t')) {
            l++;
            len--;
        }
        if (len > 0 && l[0] != '#' && l[0] != '\r') {
            if (l[0] == '(')
                return SL_CAN_FMT_CANDUMP;
            if (len >= 10 && memcmp(l, "Timestamp:", 10) == 0)
                return SL_CAN_FMT_HCRL_TXT;
            if (l[0] >= '0' && l[0] <= '9' && memchr(l, ',', len) != NULL)
                return SL_CAN_FMT_HCRL_CSV;
            if (len >= 10 && memcmp(l, "DROPCOUNT:", 10) == 0) {
                i = j + 1;
                continue;
            }
            if (!(l[0] >= 'A' && l[0] <= 'Z') && !(l[0] >= 'a' && l[0] <= 'z'))
                return SL_CAN_FMT_UNKNOWN; /* not a comment or header a text form has */
        }
        i = j + 1;
    }
    return SL_CAN_FMT_UNKNOWN;
}

static const char *const FORMAT_NAMES[] = {"auto", "candump", "hcrl-csv", "hcrl-txt", "pcap"};

const char *sl_can_format_name(enum sl_can_format f)
{
    return (unsigned)f < sizeof FORMAT_NAMES / sizeof FORMAT_NAMES[0] ? FORMAT_NAMES[f] : "?";
}

int sl_can_format_parse(const char *s, enum sl_can_format *out)
{
    for (size_t i = 0; i < sizeof FORMAT_NAMES / sizeof FORMAT_NAMES[0]; i++) {
        if (strcmp(s, FORMAT_NAMES[i]) == 0) {
            *out = (enum sl_can_format)i;
            return 0;
        }
    }
    return -1;
}
