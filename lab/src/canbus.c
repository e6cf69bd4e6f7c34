/* canbus.c - the simulated vehicle bus and its attacks (canbus.h): a vehicle
 * model from the DBC, then an event-driven simulation of arbitration. */
#include "canbus.h"

#include <math.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "util/rng.h"
#include "util/str.h"

#define HIST 4096       /* payloads remembered per message (replay) */
#define MAX_EVENT_MSGS 16
#define LOAD_BUDGET 0.60
#define ATTACKER (-1)

enum { SB_CONST, SB_WAVE, SB_ENUM, SB_COUNTER, SB_CHECKSUM };

struct sigb {
    struct lab_dbc_signal s; /* a copy: remapping moves its bits */
    uint8_t kind;
    int64_t lo, hi;          /* raw range */
    int64_t c;               /* constant, or the wave's centre */
    double a1, a2, w1, w2, ph1, ph2;
    int64_t vals[3];
    unsigned nvals, cur;
    int64_t next_switch;
    double switch_mean_us;
    int64_t count;
};

struct vmsg {
    const struct lab_dbc_msg *m;
    uint32_t id;
    bool ext;
    uint8_t dlc;
    int64_t period;          /* microseconds; 0 = event message */
    int64_t event_mean;
    unsigned ecu;
    struct sigb *sb;
    unsigned nsb;
    int cs_sig;              /* index into sb of the checksum, -1 = none */
    uint8_t cs_kind, cs_init;/* 0 crc8-1d (init = data id, final xor 0xFF), 1 negsum, 2 xor */
    int64_t phase, t0, next_ready;
    uint64_t k;
    uint8_t payload[64];
    uint8_t (*hist)[8];
    int64_t *hist_ts;
    unsigned hist_n, hist_pos;
};

struct ecu {
    char name[LAB_DBC_NAME];
    double skew;
};

struct attacker {
    enum lab_attack kind;
    bool active;
    int64_t start, end, next_ready;
    int target;              /* message index or -1 */
    int sig;                 /* altered signal (index into the target's sb) or -1 */
    int64_t value;           /* the altered raw value */
    uint8_t frame[8];        /* spoofing's fixed payload */
    unsigned replay_pos;
    uint32_t fuzz_id;        /* the next fuzzing frame's id */
    double skew;
};

struct lab_canbus {
    struct lab_canbus_config cfg;
    struct vmsg *msg;
    unsigned n;
    struct ecu *ecu;
    unsigned necu;
    struct sl_rng rng;      /* traffic */
    struct attacker atk;
    int64_t next_window;
    unsigned kind_turn;
    /* heaps of source indices (ECU messages 0..n-1, the attacker n) */
    int32_t *pend, *ready;
    unsigned npend, nready;
    struct lab_canbus_stats st;
    double load;
};

static const char *const ATTACK_NAMES[LAB_ATK_N] = {"dos",         "fuzzing",    "spoofing", "replay",
                                                    "suppression", "masquerade", "errors"};

const char *lab_attack_name(enum lab_attack a)
{
    return a < LAB_ATK_N ? ATTACK_NAMES[a] : "?";
}

int lab_attack_parse(const char *s, enum lab_attack *out)
{
    for (int i = 0; i < LAB_ATK_N; i++)
        if (strcmp(s, ATTACK_NAMES[i]) == 0) {
            *out = (enum lab_attack)i;
            return 0;
        }
    return -1;
}

static double urange(struct sl_rng *r, double a, double b)
{
    return a + (b - a) * sl_rng_unit(r);
}

/* ---------------- the vehicle ---------------- */

static bool diagnostic(const struct lab_dbc_msg *m)
{
    static const char *const words[] = {"diag", "xcp", "tester", "obd", "ccp", "uds", "resp", NULL};
    char low[LAB_DBC_NAME];
    size_t i = 0;
    for (; m->name[i] != '\0' && i + 1 < sizeof low; i++)
        low[i] = (char)(m->name[i] >= 'A' && m->name[i] <= 'Z' ? m->name[i] + 32 : m->name[i]);
    low[i] = '\0';
    for (int k = 0; words[k] != NULL; k++)
        if (strstr(low, words[k]) != NULL)
            return true;
    return !m->ext && m->id >= 0x700;
}

static unsigned ecu_of(struct lab_canbus *b, const char *name, struct sl_rng *vr)
{
    for (unsigned i = 0; i < b->necu; i++)
        if (strcmp(b->ecu[i].name, name) == 0)
            return i;
    struct ecu *ne = realloc(b->ecu, (b->necu + 1) * sizeof *ne);
    if (ne == NULL)
        return 0;
    b->ecu = ne;
    sl_strlcpy(b->ecu[b->necu].name, name, sizeof b->ecu[0].name);
    b->ecu[b->necu].skew = urange(vr, -80e-6, 80e-6);
    return b->necu++;
}

static void raw_range(const struct lab_dbc_signal *s, int64_t *lo, int64_t *hi)
{
    int64_t full_lo = s->is_signed && s->len > 1 ? -(1LL << (s->len - 1)) : 0;
    int64_t full_hi = s->len >= 63 ? INT64_MAX / 4
                      : s->is_signed && s->len > 1 ? (1LL << (s->len - 1)) - 1
                                                   : (1LL << s->len) - 1;
    double a = (s->min - s->offset) / s->factor, c = (s->max - s->offset) / s->factor;
    if (a > c) {
        double t = a;
        a = c;
        c = t;
    }
    *lo = full_lo;
    *hi = full_hi;
    if (s->max > s->min && a > (double)full_lo && a < (double)full_hi)
        *lo = (int64_t)ceil(a);
    if (s->max > s->min && c < (double)full_hi && c > (double)*lo)
        *hi = (int64_t)floor(c);
    if (*hi - *lo > (1LL << 40))
        *hi = *lo + (1LL << 40); /* 64-bit fault masks and the like: keep the arithmetic sane */
}

static int64_t rand_in(struct sl_rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)sl_rng_below(r, (uint64_t)(hi - lo) + 1);
}

static void behaviour(struct sigb *g, struct sl_rng *vr)
{
    raw_range(&g->s, &g->lo, &g->hi);
    switch (g->s.role) {
    case LAB_SIG_COUNTER: g->kind = SB_COUNTER; return;
    case LAB_SIG_CHECKSUM: g->kind = SB_CHECKSUM; return;
    case LAB_SIG_MUX: g->kind = SB_CONST; g->c = 0; return;
    default: break;
    }
    double u = sl_rng_unit(vr);
    int64_t span = g->hi - g->lo;
    if (g->s.len == 1 || (g->s.len <= 4 && span < 16)) {
        g->kind = SB_CONST;
        g->c = g->s.len == 1 ? (sl_rng_unit(vr) < 0.8 ? 0 : 1) : rand_in(vr, g->lo, g->hi);
        if (u < (g->s.len == 1 ? 0.2 : 0.35)) { /* a flag or state that changes now and then */
            g->kind = SB_ENUM;
            g->nvals = g->s.len == 1 || span < 2 ? 2 : 2 + (unsigned)sl_rng_below(vr, 2);
            for (unsigned i = 0; i < g->nvals; i++)
                g->vals[i] = g->s.len == 1 ? (int64_t)i : rand_in(vr, g->lo, g->hi);
            g->switch_mean_us = urange(vr, 20e6, 240e6);
        }
        return;
    }
    if (u < 0.35 || span < 8) {
        g->kind = SB_CONST;
        g->c = rand_in(vr, g->lo, g->hi);
        return;
    }
    g->kind = SB_WAVE;
    g->c = g->lo + span / 4 + (int64_t)sl_rng_below(vr, (uint64_t)(span / 2) + 1);
    g->a1 = (double)span * urange(vr, 0.02, 0.2);
    g->a2 = (double)span * urange(vr, 0.0, 0.02);
    g->w1 = 2 * M_PI / urange(vr, 20e6, 600e6);
    g->w2 = 2 * M_PI / urange(vr, 2e6, 30e6);
    g->ph1 = urange(vr, 0, 2 * M_PI);
    g->ph2 = urange(vr, 0, 2 * M_PI);
}

static int build_signals(struct vmsg *v, struct sl_rng *vr)
{
    v->sb = calloc(v->m->nsig + 1, sizeof *v->sb);
    if (v->sb == NULL)
        return -1;
    v->cs_sig = -1;
    for (unsigned i = 0; i < v->m->nsig; i++) {
        const struct lab_dbc_signal *s = &v->m->sig[i];
        if (s->mux > 0 || s->len > 64)
            continue; /* multiplexed signals: page 0 only */
        struct sigb *g = &v->sb[v->nsb];
        g->s = *s;
        behaviour(g, vr);
        if (g->kind == SB_CHECKSUM) {
            if (v->cs_sig >= 0 || v->dlc > 8)
                g->kind = SB_CONST;
            else
                v->cs_sig = (int)v->nsb;
        }
        v->nsb++;
    }
    double u = sl_rng_unit(vr);
    v->cs_kind = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
    v->cs_init = (uint8_t)sl_rng_below(vr, 256);
    return 0;
}

static double frame_bits(bool ext, unsigned len)
{
    unsigned body = (ext ? 64u : 44u) + 8u * len;
    return body + 3 + (body - 10) / 8;
}

static int add_msg(struct lab_canbus *b, const struct lab_dbc_msg *m, int64_t period,
                   int64_t event_mean, struct sl_rng *vr)
{
    struct vmsg *v = &b->msg[b->n];
    memset(v, 0, sizeof *v);
    v->m = m;
    v->id = m->id;
    v->ext = m->ext;
    v->dlc = m->dlc > 64 ? 64 : m->dlc;
    v->period = period;
    v->event_mean = event_mean;
    v->ecu = ecu_of(b, m->sender, vr);
    if (build_signals(v, vr) != 0)
        return -1;
    if (period > 0 && period <= 1000000) {
        v->hist = malloc(sizeof(*v->hist) * HIST);
        v->hist_ts = malloc(sizeof(*v->hist_ts) * HIST);
        if (v->hist == NULL || v->hist_ts == NULL)
            return -1;
    }
    b->n++;
    if (period > 0)
        b->load += frame_bits(v->ext, v->dlc) * 1e6 / (double)period;
    return 0;
}

/* Another vehicle from the same DBC: ids, periods and byte layout moved. */
static void remap(struct lab_canbus *b)
{
    struct sl_rng r;
    sl_rng_key(&r, b->cfg.remap_seed, 0x5EED, 7);
    bool used[2048] = {false};
    b->load = 0;
    for (unsigned i = 0; i < b->n; i++) {
        struct vmsg *v = &b->msg[i];
        if (!v->ext) {
            uint32_t id;
            do {
                id = (uint32_t)sl_rng_below(&r, 0x700);
            } while (used[id]);
            used[id] = true;
            v->id = id;
        } else {
            v->id = (uint32_t)sl_rng_below(&r, 0x20000000u);
        }
        if (v->period > 0) {
            static const double scale[3] = {0.5, 1.0, 2.0};
            int64_t p = (int64_t)((double)v->period * scale[sl_rng_below(&r, 3)]);
            v->period = p < 10000 ? 10000 : p;
            b->load += frame_bits(v->ext, v->dlc) * 1e6 / (double)v->period;
        }
        unsigned rot = v->dlc > 1 ? (unsigned)sl_rng_below(&r, v->dlc) : 0;
        for (unsigned k = 0; k < v->nsb && rot > 0; k++)
            for (unsigned j = 0; j < v->sb[k].s.len; j++) {
                uint16_t p = v->sb[k].s.pos[j];
                v->sb[k].s.pos[j] = (uint16_t)(((p / 8 + rot) % v->dlc) * 8 + p % 8);
            }
    }
}

static int64_t fastest_cycle(const struct lab_dbc *d, const char *sender)
{
    int64_t best = 0;
    for (unsigned i = 0; i < d->n; i++) {
        const struct lab_dbc_msg *m = &d->msg[i];
        if (strcmp(m->sender, sender) == 0 && m->cycle_ms > 0 && m->cycle_ms <= 10000 &&
            (best == 0 || m->cycle_ms < best))
            best = m->cycle_ms;
    }
    return best * 1000;
}

static int build_vehicle(struct lab_canbus *b, struct sl_err *err)
{
    const struct lab_dbc *d = b->cfg.dbc;
    struct sl_rng vr;
    sl_rng_key(&vr, b->cfg.vehicle_seed, 0xCA2, 1);
    b->msg = calloc(d->n + 1, sizeof *b->msg);
    if (b->msg == NULL)
        return sl_err_set(err, "out of memory");
    double budget = LOAD_BUDGET * b->cfg.bitrate;
    /* 1: messages with a cycle time */
    for (unsigned i = 0; i < d->n; i++) {
        const struct lab_dbc_msg *m = &d->msg[i];
        if (diagnostic(m) || m->cycle_ms == 0 || m->cycle_ms > 10000 || m->dlc > 8)
            continue;
        if (add_msg(b, m, (int64_t)m->cycle_ms * 1000, 0, &vr) != 0)
            return sl_err_set(err, "out of memory");
    }
    /* 2: the others at their ECU's fastest cycle while the load allows, else as events */
    unsigned events = 0;
    for (unsigned i = 0; i < d->n; i++) {
        const struct lab_dbc_msg *m = &d->msg[i];
        if (diagnostic(m) || (m->cycle_ms > 0 && m->cycle_ms <= 10000) || m->dlc > 8 || m->ext)
            continue;
        int64_t p = fastest_cycle(d, m->sender);
        if (p < 20000)
            p = 0;
        if (p > 0 && b->load + frame_bits(m->ext, m->dlc) * 1e6 / (double)p <= budget) {
            if (add_msg(b, m, p, 0, &vr) != 0)
                return sl_err_set(err, "out of memory");
        } else if (events < MAX_EVENT_MSGS) {
            events++;
            if (add_msg(b, m, 0, (int64_t)urange(&vr, 2e6, 20e6), &vr) != 0)
                return sl_err_set(err, "out of memory");
        }
    }
    if (b->n == 0)
        return sl_err_set(err, "the DBC has no message the simulation can send");
    if (b->cfg.remap_seed != 0)
        remap(b);
    for (unsigned i = 0; i < b->n; i++) {
        struct vmsg *v = &b->msg[i];
        v->phase = v->period > 0 ? (int64_t)sl_rng_below(&vr, (uint64_t)v->period) : 0;
        if (v->period > 0)
            b->st.periodic++;
        else
            b->st.event++;
    }
    b->st.messages = b->n;
    b->st.ecus = b->necu;
    b->st.load_percent = 100.0 * b->load / b->cfg.bitrate;
    return 0;
}

/* ---------------- payloads ---------------- */

static uint8_t crc_1d(uint8_t init, const uint8_t *d, unsigned n, unsigned skip)
{
    uint8_t c = init;
    for (unsigned i = 0; i < n; i++) {
        if (i == skip)
            continue;
        c ^= d[i];
        for (int b = 0; b < 8; b++)
            c = (uint8_t)((c & 0x80) ? (c << 1) ^ 0x1D : c << 1);
    }
    return c;
}

static void put_checksum(const struct vmsg *v, uint8_t *d)
{
    if (v->cs_sig < 0)
        return;
    unsigned at = v->sb[v->cs_sig].s.pos[0] / 8;
    uint8_t x = 0;
    if (v->cs_kind == 0) {
        x = crc_1d(v->cs_init, d, v->dlc, at) ^ 0xFF;
    } else {
        for (unsigned i = 0; i < v->dlc; i++)
            if (i != at)
                x = v->cs_kind == 1 ? (uint8_t)(x + d[i]) : (uint8_t)(x ^ d[i]);
        if (v->cs_kind == 1)
            x = (uint8_t)(0xFF - x);
    }
    d[at] = x;
}

static int64_t signal_value(struct lab_canbus *b, struct sigb *g, int64_t t)
{
    switch (g->kind) {
    case SB_WAVE: {
        double x = (double)(t - b->cfg.start_us);
        double v = (double)g->c + g->a1 * sin(g->w1 * x + g->ph1) + g->a2 * sin(g->w2 * x + g->ph2);
        uint64_t r = sl_rng_next(&b->rng) & 7;
        v += r == 0 ? -1 : r == 1 ? 1 : 0;
        int64_t k = llround(v);
        return k < g->lo ? g->lo : k > g->hi ? g->hi : k;
    }
    case SB_ENUM:
        if (g->next_switch == 0)
            g->next_switch = t + (int64_t)(-log(1 - sl_rng_unit(&b->rng) * 0.999) * g->switch_mean_us);
        if (t >= g->next_switch) {
            g->cur = (g->cur + 1 + (unsigned)sl_rng_below(&b->rng, g->nvals - 1)) % g->nvals;
            g->next_switch = t + (int64_t)(-log(1 - sl_rng_unit(&b->rng) * 0.999) * g->switch_mean_us);
        }
        return g->vals[g->cur];
    case SB_COUNTER: return g->count++ & (int64_t)((1ull << g->s.len) - 1);
    case SB_CHECKSUM: return 0;
    default: return g->c;
    }
}

/* The ECU's payload at time t. */
static void compose(struct lab_canbus *b, struct vmsg *v, int64_t t)
{
    memset(v->payload, 0, v->dlc);
    for (unsigned i = 0; i < v->nsb; i++)
        lab_dbc_put(&v->sb[i].s, v->payload, (uint64_t)signal_value(b, &v->sb[i], t));
    put_checksum(v, v->payload);
}

/* ---------------- output ---------------- */

struct frame {
    int64_t ts;
    uint32_t id;
    bool ext, err;
    uint8_t len;
    const uint8_t *data;
};

struct sink {
    const struct lab_canbus_out *o;
    pcap_t *pd;
    pcap_dumper_t *dump;
    char line[256];
};

static void write_frame(struct sink *k, const struct frame *f)
{
    static const char hx[] = "0123456789ABCDEF";
    if (k->o->log != NULL) {
        int n = snprintf(k->line, sizeof k->line, "(%010lld.%06lld) %s ", (long long)(f->ts / 1000000),
                         (long long)(f->ts % 1000000), k->o->iface);
        if (n < 0 || n > 200)
            return;
        char *p = k->line + n;
        uint32_t word = f->err ? (f->id | 0x20000000u) : f->id;
        int digits = (f->ext || f->err) ? 8 : 3;
        for (int i = digits - 1; i >= 0; i--)
            *p++ = hx[(word >> (4 * i)) & 15];
        *p++ = '#';
        for (unsigned i = 0; i < f->len; i++) {
            *p++ = hx[f->data[i] >> 4];
            *p++ = hx[f->data[i] & 15];
        }
        *p++ = '\n';
        fwrite(k->line, 1, (size_t)(p - k->line), k->o->log);
    }
    if (k->dump != NULL) {
        uint8_t rec[16] = {0};
        uint32_t w = f->id | (f->ext ? 0x80000000u : 0) | (f->err ? 0x20000000u : 0);
        for (int i = 0; i < 4; i++)
            rec[k->o->pcap_little_endian ? i : 3 - i] = (uint8_t)(w >> (8 * i));
        rec[4] = f->len;
        memcpy(rec + 8, f->data, f->len);
        struct pcap_pkthdr h;
        h.ts.tv_sec = (time_t)(f->ts / 1000000);
        h.ts.tv_usec = (suseconds_t)(f->ts % 1000000);
        h.caplen = h.len = 16;
        pcap_dump((u_char *)k->dump, &h, rec);
    }
}

/* ---------------- scheduling ---------------- */

static int64_t ready_of(const struct lab_canbus *b, int32_t s)
{
    return s == (int32_t)b->n ? b->atk.next_ready : b->msg[s].next_ready;
}

static uint64_t arb_of(const struct lab_canbus *b, int32_t s)
{
    uint32_t id;
    bool ext;
    if (s == (int32_t)b->n) {
        if (b->atk.kind == LAB_ATK_ERRORS)
            return 0; /* an error flag overrides everything */
        bool own = b->atk.kind == LAB_ATK_DOS || b->atk.kind == LAB_ATK_FUZZ || b->atk.target < 0;
        id = b->atk.kind == LAB_ATK_FUZZ ? b->atk.fuzz_id : own ? 0 : b->msg[b->atk.target].id;
        ext = !own && b->msg[b->atk.target].ext;
    } else {
        id = b->msg[s].id;
        ext = b->msg[s].ext;
    }
    /* the 11 base bits first; a standard frame beats an extended one with the same base */
    uint64_t base = ext ? id >> 18 : id;
    return base << 20 | (uint64_t)ext << 19 | (ext ? (id & 0x3FFFF) : 0);
}

static bool less_pend(const struct lab_canbus *b, int32_t x, int32_t y)
{
    return ready_of(b, x) < ready_of(b, y);
}

static bool less_ready(const struct lab_canbus *b, int32_t x, int32_t y)
{
    uint64_t ax = arb_of(b, x), ay = arb_of(b, y);
    return ax != ay ? ax < ay : ready_of(b, x) < ready_of(b, y);
}

typedef bool (*less_fn)(const struct lab_canbus *, int32_t, int32_t);

static void heap_push(const struct lab_canbus *b, int32_t *h, unsigned *n, int32_t v, less_fn lt)
{
    unsigned i = (*n)++;
    h[i] = v;
    while (i > 0) {
        unsigned p = (i - 1) / 2;
        if (!lt(b, h[i], h[p]))
            break;
        int32_t t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

static int32_t heap_pop(const struct lab_canbus *b, int32_t *h, unsigned *n, less_fn lt)
{
    int32_t top = h[0];
    h[0] = h[--*n];
    unsigned i = 0;
    for (;;) {
        unsigned l = 2 * i + 1, r = l + 1, m = i;
        if (l < *n && lt(b, h[l], h[m]))
            m = l;
        if (r < *n && lt(b, h[r], h[m]))
            m = r;
        if (m == i)
            break;
        int32_t t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
    return top;
}

static void schedule_ecu(struct lab_canbus *b, struct vmsg *v, int64_t now)
{
    if (v->period == 0) {
        v->next_ready = now + 1000 + (int64_t)(-log(1 - sl_rng_unit(&b->rng) * 0.999) * (double)v->event_mean);
        return;
    }
    double p = (double)v->period * (1.0 + b->ecu[v->ecu].skew);
    double sigma = 0.002 * (double)v->period + 20.0;
    double jit = (sl_rng_unit(&b->rng) + sl_rng_unit(&b->rng) - 1.0) * sigma * 1.7;
    int64_t r = v->t0 + (int64_t)((double)++v->k * p + jit);
    /* a frame held up past its next release (a busy bus) is overwritten in the
     * controller's mailbox by the newer one: releases already missed are skipped */
    while (r + (int64_t)(p / 2) < now)
        r = v->t0 + (int64_t)((double)++v->k * p + jit);
    if (r <= v->next_ready)
        r = v->next_ready + 1;
    v->next_ready = r;
}

/* ---------------- attacks ---------------- */

static bool target_ok(const struct vmsg *v, enum lab_attack kind)
{
    if (v->period == 0 || v->period > 1000000)
        return false;
    if (kind == LAB_ATK_REPLAY)
        return v->hist != NULL && v->hist_n >= 16;
    if (kind == LAB_ATK_SPOOF || kind == LAB_ATK_MASQ) {
        for (unsigned i = 0; i < v->nsb; i++)
            if (v->sb[i].s.role == LAB_SIG_PLAIN &&
                (v->sb[i].kind == SB_CONST || v->sb[i].kind == SB_WAVE || v->sb[i].kind == SB_ENUM))
                return true;
        return false;
    }
    return true;
}

/* The signal an attacker alters (the widest plain one) and the value it sends. */
static void pick_signal(struct lab_canbus *b, struct attacker *a, const struct vmsg *v)
{
    a->sig = -1;
    for (unsigned i = 0; i < v->nsb; i++) {
        const struct sigb *g = &v->sb[i];
        if (g->s.role != LAB_SIG_PLAIN || g->kind == SB_COUNTER || g->kind == SB_CHECKSUM)
            continue;
        if (a->sig < 0 || g->s.len > v->sb[a->sig].s.len)
            a->sig = (int)i;
    }
    if (a->sig < 0)
        return;
    const struct sigb *g = &v->sb[a->sig];
    int64_t now = (int64_t)lab_dbc_get(&g->s, v->payload);
    if (g->s.is_signed && g->s.len < 64 && (now >> (g->s.len - 1) & 1))
        now -= 1LL << g->s.len;
    int64_t span = g->hi - g->lo;
    if (span <= 1) {
        a->value = now == g->lo ? g->hi : g->lo;
        return;
    }
    for (int tries = 0; tries < 64; tries++) { /* an attacker wants a material change */
        a->value = rand_in(&b->rng, g->lo, g->hi);
        if (llabs(a->value - now) >= span / 4)
            break;
    }
}

static void start_window(struct lab_canbus *b, const struct lab_canbus_out *o, int64_t t, int64_t end)
{
    struct attacker *a = &b->atk;
    unsigned kinds[LAB_ATK_N], nk = 0;
    for (unsigned i = 0; i < LAB_ATK_N; i++)
        if (b->cfg.attacks >> i & 1)
            kinds[nk++] = i;
    a->kind = (enum lab_attack)kinds[b->kind_turn++ % nk];
    a->active = true;
    a->start = t;
    a->end = t + (int64_t)urange(&b->rng, 3e6, 5e6);
    if (a->end > end)
        a->end = end;
    a->target = -1;
    a->sig = -1;
    a->skew = urange(&b->rng, -200e-6, 200e-6);
    if (a->kind != LAB_ATK_DOS && a->kind != LAB_ATK_FUZZ && a->kind != LAB_ATK_ERRORS) {
        for (int tries = 0; tries < 1000 && a->target < 0; tries++) {
            unsigned i = (unsigned)sl_rng_below(&b->rng, b->n);
            if (target_ok(&b->msg[i], a->kind))
                a->target = (int)i;
        }
    }
    struct vmsg *v = a->target >= 0 ? &b->msg[a->target] : NULL;
    if (v != NULL && (a->kind == LAB_ATK_SPOOF || a->kind == LAB_ATK_MASQ)) {
        pick_signal(b, a, v);
        memcpy(a->frame, v->payload, 8);
        if (a->sig >= 0)
            lab_dbc_put(&v->sb[a->sig].s, a->frame, (uint64_t)a->value);
        if (a->kind == LAB_ATK_SPOOF) /* a naive attacker: one fixed frame, checksum and all */
            put_checksum(v, a->frame);
    }
    if (v != NULL && a->kind == LAB_ATK_REPLAY) {
        int64_t back = (int64_t)urange(&b->rng, 10e6, 30e6);
        unsigned n = v->hist_n, k = 0;
        while (k + 1 < n && v->hist_ts[(v->hist_pos + HIST - 1 - k) % HIST] > t - back)
            k++;
        a->replay_pos = (v->hist_pos + HIST - 1 - k) % HIST;
    }
    /* first frame */
    switch (a->kind) {
    case LAB_ATK_REPLAY: a->next_ready = t + (int64_t)((double)v->period * urange(&b->rng, 0.2, 0.8)); break;
    case LAB_ATK_SUPPRESS:
    case LAB_ATK_MASQ: a->next_ready = a->end; break;
    default: a->next_ready = t; break;
    }
    if (a->kind == LAB_ATK_FUZZ)
        a->fuzz_id = (uint32_t)sl_rng_below(&b->rng, 0x800);
    b->st.windows++;
    if (o->truth != NULL) {
        char id[16] = "null", per[32] = "null", sig[LAB_DBC_NAME + 8] = "null";
        if (v != NULL) {
            snprintf(id, sizeof id, v->ext ? "\"0x%08X\"" : "\"0x%03X\"", (unsigned)v->id);
            snprintf(per, sizeof per, "%.3f", (double)v->period / 1000.0);
        }
        if (v != NULL && a->sig >= 0)
            snprintf(sig, sizeof sig, "\"%s\"", v->sb[a->sig].s.name);
        fprintf(o->truth,
                "{\"kind\":\"%s\",\"start\":%lld.%06lld,\"end\":%lld.%06lld,\"can_id\":%s,"
                "\"period_ms\":%s,\"signal\":%s,\"value\":%lld}\n",
                lab_attack_name(a->kind), (long long)(t / 1000000), (long long)(t % 1000000),
                (long long)(a->end / 1000000), (long long)(a->end % 1000000), id, per, sig,
                (long long)a->value);
    }
}

/* The attacker's turn on the bus at time t: maybe a frame into *f. */
static bool attacker_turn(struct lab_canbus *b, const struct lab_canbus_out *o, int64_t t,
                          int64_t sim_end, struct frame *f, uint8_t *buf)
{
    struct attacker *a = &b->atk;
    if (!a->active) {
        start_window(b, o, t, sim_end);
        if (a->next_ready > t)
            return false;
    }
    if (t >= a->end) {
        a->active = false;
        a->next_ready = a->end + (int64_t)urange(&b->rng, 20e6, 40e6);
        if (a->next_ready + 6000000 > sim_end)
            a->next_ready = INT64_MAX;
        return false;
    }
    struct vmsg *v = a->target >= 0 ? &b->msg[a->target] : NULL;
    memset(f, 0, sizeof *f);
    f->data = buf;
    f->len = 8;
    switch (a->kind) {
    case LAB_ATK_DOS:
        memset(buf, 0, 8);
        a->next_ready += 300;
        break;
    case LAB_ATK_FUZZ:
        f->id = a->fuzz_id;
        for (int i = 0; i < 8; i++)
            buf[i] = (uint8_t)sl_rng_next(&b->rng);
        a->fuzz_id = (uint32_t)sl_rng_below(&b->rng, 0x800);
        a->next_ready += 500;
        break;
    case LAB_ATK_SPOOF:
        f->id = v->id;
        f->ext = v->ext;
        f->len = v->dlc;
        memcpy(buf, a->frame, 8);
        a->next_ready += 1000;
        break;
    case LAB_ATK_REPLAY:
        f->id = v->id;
        f->ext = v->ext;
        f->len = v->dlc;
        memcpy(buf, v->hist[a->replay_pos], 8);
        a->replay_pos = (a->replay_pos + 1) % HIST;
        a->next_ready += (int64_t)((double)v->period * (1.0 + a->skew));
        break;
    case LAB_ATK_ERRORS:
        f->err = true;
        f->id = 0x088; /* CAN_ERR_PROT | CAN_ERR_BUSERROR */
        memset(buf, 0, 8);
        buf[2] = 0x08; /* CAN_ERR_PROT_BIT0? form error */
        a->next_ready += 2000;
        break;
    default: /* suppression, masquerade: the window just ends */
        a->next_ready = a->end;
        return false;
    }
    if (a->next_ready > a->end)
        a->next_ready = a->end;
    b->st.attack_frames++;
    return true;
}

/* The ECU's turn: its frame, the masquerader's in its place, or nothing. */
static bool ecu_turn(struct lab_canbus *b, int32_t s, int64_t t, struct frame *f, uint8_t *buf)
{
    struct vmsg *v = &b->msg[s];
    struct attacker *a = &b->atk;
    bool taken = a->active && a->target == s && t >= a->start && t < a->end &&
                 (a->kind == LAB_ATK_SUPPRESS || a->kind == LAB_ATK_MASQ);
    memset(f, 0, sizeof *f);
    f->id = v->id;
    f->ext = v->ext;
    f->len = v->dlc;
    f->data = buf;
    if (!taken) {
        compose(b, v, t);
        memcpy(buf, v->payload, v->dlc);
        if (v->hist != NULL) {
            memcpy(v->hist[v->hist_pos], v->payload, 8);
            v->hist_ts[v->hist_pos] = t;
            v->hist_pos = (v->hist_pos + 1) % HIST;
            if (v->hist_n < HIST)
                v->hist_n++;
        }
        return true;
    }
    if (a->kind == LAB_ATK_SUPPRESS)
        return false;
    /* masquerade: the frozen frame, counters stepping as the ECU's would, the
     * altered signal, a correct checksum, in the ECU's own slot */
    for (unsigned i = 0; i < v->nsb; i++)
        if (v->sb[i].kind == SB_COUNTER)
            lab_dbc_put(&v->sb[i].s, a->frame, (uint64_t)signal_value(b, &v->sb[i], t));
    put_checksum(v, a->frame);
    memcpy(buf, a->frame, v->dlc);
    b->st.attack_frames++;
    return true;
}

/* ---------------- the run ---------------- */

int lab_canbus_new(struct lab_canbus **out, const struct lab_canbus_config *cfg, struct sl_err *err)
{
    struct lab_canbus *b = calloc(1, sizeof *b);
    if (b == NULL)
        return sl_err_set(err, "out of memory");
    b->cfg = *cfg;
    if (b->cfg.bitrate == 0)
        b->cfg.bitrate = 500000;
    if (b->cfg.warmup_us <= 0)
        b->cfg.warmup_us = 20000000;
    sl_rng_key(&b->rng, cfg->seed, 0xB05, 2);
    if (build_vehicle(b, err) != 0) {
        lab_canbus_free(b);
        return -1;
    }
    b->pend = calloc(b->n + 2, sizeof *b->pend);
    b->ready = calloc(b->n + 2, sizeof *b->ready);
    if (b->pend == NULL || b->ready == NULL) {
        lab_canbus_free(b);
        return sl_err_set(err, "out of memory");
    }
    *out = b;
    return 0;
}

void lab_canbus_free(struct lab_canbus *b)
{
    if (b == NULL)
        return;
    for (unsigned i = 0; i < b->n; i++) {
        free(b->msg[i].sb);
        free(b->msg[i].hist);
        free(b->msg[i].hist_ts);
    }
    free(b->msg);
    free(b->ecu);
    free(b->pend);
    free(b->ready);
    free(b);
}

static int open_sink(struct sink *k, const struct lab_canbus_out *o, struct sl_err *err)
{
    memset(k, 0, sizeof *k);
    k->o = o;
    if (o->pcap_path == NULL)
        return 0;
    k->pd = pcap_open_dead(227, 65535); /* LINKTYPE_CAN_SOCKETCAN */
    if (k->pd == NULL)
        return sl_err_set(err, "pcap: cannot start a writer");
    k->dump = pcap_dump_open(k->pd, o->pcap_path);
    if (k->dump == NULL) {
        sl_err_set(err, "%s: %s", o->pcap_path, pcap_geterr(k->pd));
        pcap_close(k->pd);
        return -1;
    }
    return 0;
}

static int close_sink(struct sink *k, struct sl_err *err)
{
    int rc = 0;
    if (k->dump != NULL) {
        if (pcap_dump_flush(k->dump) != 0)
            rc = sl_err_set(err, "%s: write failed", k->o->pcap_path);
        pcap_dump_close(k->dump);
        pcap_close(k->pd);
    }
    if (k->o->log != NULL && (fflush(k->o->log) != 0 || ferror(k->o->log)))
        rc = sl_err_set(err, "writing the log failed");
    return rc;
}

int lab_canbus_run(struct lab_canbus *b, const struct lab_canbus_out *o, struct lab_canbus_stats *st,
                   struct sl_err *err)
{
    struct sink k;
    if (open_sink(&k, o, err) != 0)
        return -1;
    int64_t start = b->cfg.start_us, end = start + b->cfg.duration_us;
    for (unsigned i = 0; i < b->n; i++) {
        struct vmsg *v = &b->msg[i];
        v->t0 = start + v->phase;
        v->k = 0;
        v->next_ready = v->period > 0 ? v->t0
                        : start + (int64_t)(-log(1 - sl_rng_unit(&b->rng) * 0.999) * (double)v->event_mean);
        heap_push(b, b->pend, &b->npend, (int32_t)i, less_pend);
    }
    if (b->cfg.attacks != 0) {
        b->atk.active = false;
        b->atk.next_ready = start + b->cfg.warmup_us;
        heap_push(b, b->pend, &b->npend, (int32_t)b->n, less_pend);
    }
    int64_t t = start;
    double us_per_bit = 1e6 / b->cfg.bitrate;
    uint8_t buf[64];
    while (t < end) {
        while (b->npend > 0 && ready_of(b, b->pend[0]) <= t)
            heap_push(b, b->ready, &b->nready, heap_pop(b, b->pend, &b->npend, less_pend), less_ready);
        if (b->nready == 0) {
            if (b->npend == 0)
                break;
            t = ready_of(b, b->pend[0]);
            continue;
        }
        int32_t s = heap_pop(b, b->ready, &b->nready, less_ready);
        struct frame f;
        bool sent;
        if (s == (int32_t)b->n) {
            sent = attacker_turn(b, o, t, end, &f, buf);
            if (b->atk.next_ready != INT64_MAX)
                heap_push(b, b->pend, &b->npend, s, less_pend);
        } else {
            sent = ecu_turn(b, s, t, &f, buf);
            schedule_ecu(b, &b->msg[s], t);
            heap_push(b, b->pend, &b->npend, s, less_pend);
        }
        if (!sent)
            continue;
        double bits = f.err ? 20.0 : frame_bits(f.ext, f.len);
        t += (int64_t)(bits * us_per_bit + 0.5);
        f.ts = t;
        write_frame(&k, &f);
        b->st.frames++;
    }
    int rc = close_sink(&k, err);
    if (o->truth != NULL && fflush(o->truth) != 0)
        rc = sl_err_set(err, "writing the truth file failed");
    *st = b->st;
    return rc;
}

void lab_canbus_describe(const struct lab_canbus *b, FILE *out)
{
    static const char *const kinds[] = {"constant", "wave", "enum", "counter", "checksum"};
    for (unsigned i = 0; i < b->n; i++) {
        const struct vmsg *v = &b->msg[i];
        fprintf(out, "{\"id\":\"0x%0*X\",\"name\":\"%s\",\"ecu\":\"%s\",\"dlc\":%u,"
                     "\"period_ms\":%.3f,\"signals\":[",
                v->ext ? 8 : 3, (unsigned)v->id, v->m->name, b->ecu[v->ecu].name, v->dlc,
                (double)v->period / 1000.0);
        for (unsigned j = 0; j < v->nsb; j++)
            fprintf(out, "%s{\"name\":\"%s\",\"bits\":%u,\"kind\":\"%s\"}", j ? "," : "",
                    v->sb[j].s.name, v->sb[j].s.len, kinds[v->sb[j].kind]);
        fprintf(out, "]}\n");
    }
}
