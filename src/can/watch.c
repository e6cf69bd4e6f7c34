/* watch.c - the detectors (watch.h): per-frame checks against the baseline,
 * silences through a timer wheel of 1 ms slots. */
#include "can/watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WHEEL 4096 /* slots of 1 ms; longer deadlines go round again */
#define WIN_US 100000

struct rt {
    int64_t last_ts, deadline, sec;
    uint32_t sec_count;
    int32_t prev, next; /* wheel links; prev = -2 when not linked */
    uint32_t cnt[SL_CAN_MAX_COUNTERS];
    uint64_t fmask, flast; /* frozen payload: the bits compared, the last value */
    uint32_t frun;
    uint8_t odd_run;       /* like payloads in a row that broke the model (not taken as reference) */
    uint64_t odd_last;     /* the last of them (first 8 bytes) */
    uint8_t last[SL_CAN_MODEL_BYTES];
    uint8_t last_len, iface;
    bool have_last, have_payload, have_cnt;
    /* derived limits */
    uint8_t lo[SL_CAN_MODEL_BYTES], hi[SL_CAN_MODEL_BYTES], jl[SL_CAN_MODEL_BYTES];
};

struct sl_can_watch {
    const struct sl_can_baseline *b;
    struct sl_can_alerts *alerts;
    struct rt *rt;
    int32_t head[WHEEL];
    int64_t cur_ms;
    bool wheel_started;
    int64_t win, err_sec;
    uint32_t win_frames, err_count;
    struct sl_can_watch_stats st;
};

static void derive(const struct sl_can_id_model *m, struct rt *r)
{
    r->prev = -2;
    for (unsigned i = 0; i < m->nbytes; i++) {
        /* a margin of an eighth of the learned span (and one step) each side */
        int span = m->vmax[i] - m->vmin[i], margin = 1 + span / 8;
        int lo = m->vmin[i] - margin, hi = m->vmax[i] + margin;
        r->lo[i] = (uint8_t)(lo < 0 ? 0 : lo);
        r->hi[i] = (uint8_t)(hi > 255 ? 255 : hi);
        int jl = m->jump[i] * 2 + 2; /* jumps are measured on a circle: at most 128 */
        r->jl[i] = (uint8_t)(m->jump[i] >= 60 ? 255 : jl);
    }
    r->fmask = ~0ull;
    for (unsigned i = 0; i < m->n_counters; i++)
        r->fmask &= ~sl_can_counter_mask(&m->counter[i]);
    if (m->cs.kind != SL_CAN_CS_NONE && m->cs.byte < 8)
        r->fmask &= ~(0xFFull << (56 - 8 * m->cs.byte));
}

struct sl_can_watch *sl_can_watch_new(const struct sl_can_baseline *b, struct sl_can_alerts *alerts)
{
    struct sl_can_watch *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->b = b;
    w->alerts = alerts;
    w->rt = calloc(b->n + 1, sizeof *w->rt);
    if (w->rt == NULL) {
        free(w);
        return NULL;
    }
    for (size_t i = 0; i < b->n; i++)
        derive(&b->ids[i], &w->rt[i]);
    for (int i = 0; i < WHEEL; i++)
        w->head[i] = -1;
    w->st.first_us = INT64_MAX;
    w->st.last_us = INT64_MIN;
    return w;
}

void sl_can_watch_free(struct sl_can_watch *w)
{
    if (w != NULL) {
        free(w->rt);
        free(w);
    }
}

static void emit(struct sl_can_watch *w, uint32_t sig, int64_t ts, uint8_t iface, uint32_t key,
                  const char *expected, const char *seen, const struct sl_can_frame *f)
{
    struct sl_can_alert al = {sig, ts, iface, key, expected, seen, NULL, 0};
    if (f != NULL && !(f->flags & SL_CAN_F_RTR)) {
        al.data = f->data;
        al.len = f->len;
    }
    sl_can_alerts_raise(w->alerts, &al);
}

/* ---- the timer wheel ---- */

static void unlink_rt(struct sl_can_watch *w, int32_t i)
{
    struct rt *r = &w->rt[i];
    if (r->prev == -2)
        return;
    if (r->prev >= 0)
        w->rt[r->prev].next = r->next;
    else
        w->head[(r->deadline / 1000) & (WHEEL - 1)] = r->next;
    if (r->next >= 0)
        w->rt[r->next].prev = r->prev;
    r->prev = -2;
}

static void link_rt(struct sl_can_watch *w, int32_t i)
{
    struct rt *r = &w->rt[i];
    int32_t *h = &w->head[(r->deadline / 1000) & (WHEEL - 1)];
    r->prev = -1;
    r->next = *h;
    if (*h >= 0)
        w->rt[*h].prev = i;
    *h = i;
}

static void fire_silence(struct sl_can_watch *w, int32_t i, int64_t now)
{
    const struct sl_can_id_model *m = &w->b->ids[i];
    struct rt *r = &w->rt[i];
    char ex[160], seen[96];
    snprintf(ex, sizeof ex, "a frame every %.3f ms; silent at most %.3f ms", m->gap_mean / 1000.0,
             (double)m->silent / 1000.0);
    snprintf(seen, sizeof seen, "no frame for %.3f ms", (double)(now - r->last_ts) / 1000.0);
    emit(w, SL_CAN_SIG_SILENT, now, r->iface, m->key, ex, seen, NULL);
}

static void visit(struct sl_can_watch *w, int slot, int64_t now)
{
    int32_t i = w->head[slot];
    while (i >= 0) {
        int32_t nx = w->rt[i].next;
        if (w->rt[i].deadline <= now) {
            unlink_rt(w, i);
            fire_silence(w, i, now);
        }
        i = nx;
    }
}

/* Visits the slots of every millisecond that has fully passed (a slot's
 * entries are all due by the end of its millisecond). */
static void advance(struct sl_can_watch *w, int64_t now)
{
    int64_t ms = now / 1000 - 1;
    if (!w->wheel_started) {
        w->cur_ms = ms;
        w->wheel_started = true;
        return;
    }
    if (ms <= w->cur_ms)
        return;
    if (ms - w->cur_ms >= WHEEL) {
        for (int s = 0; s < WHEEL; s++)
            visit(w, s, now);
    } else {
        for (int64_t t = w->cur_ms + 1; t <= ms; t++)
            visit(w, (int)(t & (WHEEL - 1)), now);
    }
    w->cur_ms = ms;
}

/* ---- checks ---- */

static void bus_checks(struct sl_can_watch *w, const struct sl_can_frame *f)
{
    const struct sl_can_bus_model *bus = &w->b->bus;
    int64_t win = f->ts_us / WIN_US;
    if (win != w->win) {
        w->win = win;
        w->win_frames = 0;
    }
    if (++w->win_frames == bus->load_limit_frames + 1) {
        char ex[128], seen[64];
        snprintf(ex, sizeof ex, "at most %u frames in 100 ms (learned maximum %u, mean %.1f)",
                 bus->load_limit_frames, bus->win_frames_max, bus->win_frames_mean);
        snprintf(seen, sizeof seen, "%u frames in 100 ms", w->win_frames);
        emit(w, SL_CAN_SIG_LOAD, f->ts_us, f->iface, SL_CAN_KEY_BUS, ex, seen, NULL);
    }
    if (!(f->flags & SL_CAN_F_ERR))
        return;
    w->st.error_frames++;
    int64_t s = f->ts_us / 1000000;
    if (s != w->err_sec) {
        w->err_sec = s;
        w->err_count = 0;
    }
    if (++w->err_count == bus->errors_limit + 1) {
        char ex[96], seen[96];
        snprintf(ex, sizeof ex, "at most %u error frames a second (learned maximum %u)",
                 bus->errors_limit, bus->errors_max_per_s);
        snprintf(seen, sizeof seen, "%u error frames within a second (class 0x%08X)",
                 w->err_count, (unsigned)f->id);
        emit(w, SL_CAN_SIG_ERRORS, f->ts_us, f->iface, SL_CAN_KEY_BUS, ex, seen, f);
    }
}

static bool len_known(const struct sl_can_id_model *m, unsigned len)
{
    return len == 64 ? m->len64 : (m->lens >> len & 1) != 0;
}

static void format_checks(struct sl_can_watch *w, const struct sl_can_id_model *m,
                          const struct sl_can_frame *f)
{
    uint8_t kinds = f->flags & (SL_CAN_F_RTR | SL_CAN_F_FD);
    if (kinds & ~m->kinds) {
        emit(w, SL_CAN_SIG_KIND, f->ts_us, f->iface, m->key,
              m->kinds & SL_CAN_F_FD ? "CAN FD data frames" : "classic data frames",
              kinds & SL_CAN_F_RTR ? "a remote frame" : "a CAN FD frame", f);
    }
    if (!len_known(m, f->len)) {
        char ex[96], seen[32];
        size_t k = (size_t)snprintf(ex, sizeof ex, "length");
        for (unsigned l = 0; l <= 64 && k < sizeof ex - 8; l++)
            if (len_known(m, l))
                k += (size_t)snprintf(ex + k, sizeof ex - k, " %u", l);
        snprintf(seen, sizeof seen, "length %u", f->len);
        emit(w, SL_CAN_SIG_DLC, f->ts_us, f->iface, m->key, ex, seen, f);
    }
}

static void timing_checks(struct sl_can_watch *w, int32_t i, const struct sl_can_frame *f)
{
    const struct sl_can_id_model *m = &w->b->ids[i];
    struct rt *r = &w->rt[i];
    if (r->have_last && m->too_fast > 0) {
        int64_t gap = f->ts_us - r->last_ts;
        /* a frame stamped before the previous one (captures merged from several
         * interfaces are not always in order) says nothing about the period */
        if (gap >= 0 && gap < m->too_fast) {
            char ex[128], seen[64];
            snprintf(ex, sizeof ex, "a gap of at least %.3f ms (learned %.3f..%.3f ms, mean %.3f)",
                     (double)m->too_fast / 1000.0, (double)m->gap_min / 1000.0,
                     (double)m->gap_max / 1000.0, m->gap_mean / 1000.0);
            snprintf(seen, sizeof seen, "a gap of %.3f ms", (double)gap / 1000.0);
            emit(w, SL_CAN_SIG_TOO_FAST, f->ts_us, f->iface, m->key, ex, seen, f);
        }
    }
    int64_t s = f->ts_us / 1000000;
    if (s != r->sec) {
        r->sec = s;
        r->sec_count = 0;
    }
    if (++r->sec_count == m->rate_limit + 1) {
        char ex[96], seen[64];
        snprintf(ex, sizeof ex, "at most %u frames a second (learned maximum %u)", m->rate_limit,
                 m->max_per_s);
        snprintf(seen, sizeof seen, "%u frames within a second", r->sec_count);
        emit(w, SL_CAN_SIG_RATE, f->ts_us, f->iface, m->key, ex, seen, f);
    }
    r->last_ts = f->ts_us;
    r->have_last = true;
    r->iface = f->iface;
    if (m->silent > 0) {
        unlink_rt(w, i);
        r->deadline = f->ts_us + m->silent;
        link_rt(w, i);
    }
}

static void bits_text(char *out, size_t n, unsigned byte, uint8_t mask, uint8_t val)
{
    char b[9];
    for (int k = 7; k >= 0; k--)
        b[7 - k] = (mask >> k & 1) ? (char)(val >> k & 1 ? '1' : '0') : 'x';
    b[8] = '\0';
    snprintf(out, n, "byte %u bits %s", byte, b);
}

static void counter_checks(struct sl_can_watch *w, const struct sl_can_id_model *m, struct rt *r,
                           const struct sl_can_frame *f, bool keep)
{
    uint64_t be = 0, le = 0;
    unsigned n = f->len < 8 ? f->len : 8;
    for (unsigned k = 0; k < n; k++) {
        be |= (uint64_t)f->data[k] << (56 - 8 * k);
        le |= (uint64_t)f->data[k] << (8 * k);
    }
    for (unsigned c = 0; c < m->n_counters; c++) {
        const struct sl_can_counter *k = &m->counter[c];
        uint32_t v = sl_can_counter_get(k, be, le);
        if (r->have_cnt) {
            uint32_t want = (r->cnt[c] + k->step) % k->modulo;
            if (v != want) {
                char ex[96], seen[64];
                snprintf(ex, sizeof ex, "counter (%s bit %u, %u bits) %u after %u (step %u mod %u)",
                         k->order ? "intel" : "motorola", k->pos, k->bits, want, r->cnt[c],
                         k->step, k->modulo);
                snprintf(seen, sizeof seen, "%u", v);
                emit(w, v == r->cnt[c] ? SL_CAN_SIG_COUNTER_REPEAT : SL_CAN_SIG_COUNTER_JUMP,
                      f->ts_us, f->iface, m->key, ex, seen, f);
            }
        }
        if (keep)
            r->cnt[c] = v;
    }
    if (keep)
        r->have_cnt = m->n_counters > 0;
}

/* gap: microseconds since the id's previous frame (0 = unknown). A signal has
 * had longer to move after a longer gap (a bus held up by a flood): the jump
 * allowed grows with the number of periods missed. */
static void payload_checks(struct sl_can_watch *w, const struct sl_can_id_model *m, struct rt *r,
                           const struct sl_can_frame *f, int64_t gap)
{
    unsigned periods = 1;
    if (gap > 0 && m->gap_mean > 0 && (double)gap > 1.5 * m->gap_mean)
        periods = (double)gap / m->gap_mean >= 1000 ? 1000 : (unsigned)((double)gap / m->gap_mean + 0.5);
    unsigned nb = f->len < m->nbytes ? f->len : m->nbytes;
    int cbyte = -1, rbyte = -1, jbyte = -1;
    bool cs_bad = false;
    unsigned ham = 0, hn = r->have_payload ? (nb < r->last_len ? nb : r->last_len) : 0;
    for (unsigned i = 0; i < nb; i++) {
        uint8_t v = f->data[i];
        if (cbyte < 0 && ((v ^ m->cval[i]) & m->cmask[i]))
            cbyte = (int)i;
        if (rbyte < 0 && m->cmask[i] != 0xFF && (v < r->lo[i] || v > r->hi[i]))
            rbyte = (int)i;
        if (i < hn) {
            unsigned d = sl_can_byte_dist(v, r->last[i]);
            if (jbyte < 0 && r->jl[i] != 255 && d > (unsigned)r->jl[i] * periods)
                jbyte = (int)i;
            ham += (unsigned)__builtin_popcount((unsigned)(v ^ r->last[i]));
        }
    }
    char ex[160], seen[96];
    if (cbyte >= 0) {
        bits_text(ex, sizeof ex, (unsigned)cbyte, m->cmask[cbyte], m->cval[cbyte]);
        bits_text(seen, sizeof seen, (unsigned)cbyte, 0xFF, f->data[cbyte]);
        emit(w, SL_CAN_SIG_CONST_BITS, f->ts_us, f->iface, m->key, ex, seen, f);
    }
    if (rbyte >= 0) {
        snprintf(ex, sizeof ex, "byte %d in %u..%u (learned %u..%u)", rbyte, r->lo[rbyte],
                 r->hi[rbyte], m->vmin[rbyte], m->vmax[rbyte]);
        snprintf(seen, sizeof seen, "byte %d = %u", rbyte, f->data[rbyte]);
        emit(w, SL_CAN_SIG_RANGE, f->ts_us, f->iface, m->key, ex, seen, f);
    }
    if (jbyte >= 0) {
        snprintf(ex, sizeof ex, "byte %d changes by at most %u in %u period%s (learned %u a frame)",
                 jbyte, r->jl[jbyte] * periods, periods, periods == 1 ? "" : "s", m->jump[jbyte]);
        snprintf(seen, sizeof seen, "byte %d went from %u to %u", jbyte, r->last[jbyte],
                 f->data[jbyte]);
        emit(w, SL_CAN_SIG_JUMP, f->ts_us, f->iface, m->key, ex, seen, f);
    }
    if (hn > 0 && ham > m->hamming_limit) {
        snprintf(ex, sizeof ex, "at most %u bits changed from one frame to the next (learned %u)",
                 m->hamming_limit, m->max_hamming);
        snprintf(seen, sizeof seen, "%u bits changed", ham);
        emit(w, SL_CAN_SIG_ENTROPY, f->ts_us, f->iface, m->key, ex, seen, f);
    }
    if (m->cs.kind != SL_CAN_CS_NONE && f->len == m->cs.len && m->cs.byte < f->len) {
        uint8_t want = sl_can_cs_expected(&m->cs, f->data, f->len);
        if (want != f->data[m->cs.byte]) {
            cs_bad = true;
            snprintf(ex, sizeof ex, "byte %u = %s of the others = 0x%02X", m->cs.byte,
                     sl_can_cs_name(m->cs.kind), want);
            snprintf(seen, sizeof seen, "0x%02X", f->data[m->cs.byte]);
            emit(w, SL_CAN_SIG_CHECKSUM, f->ts_us, f->iface, m->key, ex, seen, f);
        }
    }
    if (m->same_limit > 0) {
        uint64_t x = sl_can_word(f) & r->fmask;
        r->frun = r->have_payload && x == r->flast ? r->frun + 1 : 1;
        r->flast = x;
        if (r->frun == m->same_limit + 1) {
            snprintf(ex, sizeof ex, "at most %u frames in a row alike but for counters and checksum "
                     "(learned %u)", m->same_limit, m->max_same_run);
            snprintf(seen, sizeof seen, "%u alike", r->frun);
            emit(w, SL_CAN_SIG_FROZEN, f->ts_us, f->iface, m->key, ex, seen, f);
        }
    }
    /* A frame that broke the model (a fuzzed or forged one) does not become the
     * reference the next frames are compared with, so injected frames do not
     * make the sender's next real frame look like a jump. Three such frames in
     * a row that are like one another do (the signal really moved, or the
     * attacker stayed); random ones (fuzzing) never do. */
    bool odd = cbyte >= 0 || rbyte >= 0 || jbyte >= 0 || cs_bad || (hn > 0 && ham > m->hamming_limit);
    if (odd) {
        uint64_t x = sl_can_word(f);
        bool alike = r->odd_run > 0 &&
                     (unsigned)__builtin_popcountll(x ^ r->odd_last) <= m->hamming_limit;
        r->odd_run = alike ? (uint8_t)(r->odd_run + 1) : 1;
        r->odd_last = x;
    }
    if (odd && r->odd_run < 3) {
        if (m->n_counters > 0) /* checked, but the counter's reference kept too */
            counter_checks(w, m, r, f, false);
        return;
    }
    r->odd_run = 0;
    if (m->n_counters > 0)
        counter_checks(w, m, r, f, true);
    memcpy(r->last, f->data, nb);
    r->last_len = (uint8_t)nb;
    r->have_payload = true;
}

void sl_can_watch_frame(struct sl_can_watch *w, const struct sl_can_frame *f)
{
    w->st.frames++;
    if (f->ts_us < w->st.first_us)
        w->st.first_us = f->ts_us;
    if (f->ts_us > w->st.last_us)
        w->st.last_us = f->ts_us;
    advance(w, f->ts_us);
    sl_can_alerts_sweep(w->alerts, f->ts_us);
    bus_checks(w, f);
    if (f->flags & SL_CAN_F_ERR)
        return;
    uint32_t key = sl_can_key(f);
    const struct sl_can_id_model *m = sl_can_baseline_find(w->b, key);
    if (m == NULL) {
        w->st.unknown_frames++;
        char ex[64], seen[64], id[12];
        snprintf(ex, sizeof ex, "one of the %zu learned identifiers", w->b->n);
        sl_can_id_str(f->id, f->flags & SL_CAN_F_EXT, id);
        snprintf(seen, sizeof seen, "%s, %u bytes", id, f->len);
        emit(w, SL_CAN_SIG_UNKNOWN_ID, f->ts_us, f->iface, key, ex, seen, f);
        return;
    }
    int32_t i = (int32_t)(m - w->b->ids);
    int64_t gap = w->rt[i].have_last ? f->ts_us - w->rt[i].last_ts : 0;
    format_checks(w, m, f);
    timing_checks(w, i, f);
    if (m->payload && !(f->flags & SL_CAN_F_RTR) && len_known(m, f->len))
        payload_checks(w, m, &w->rt[i], f, gap);
}

void sl_can_watch_tick(struct sl_can_watch *w, int64_t now_us)
{
    advance(w, now_us);
    sl_can_alerts_sweep(w->alerts, now_us);
}

void sl_can_watch_break(struct sl_can_watch *w)
{
    for (size_t i = 0; i < w->b->n; i++) {
        unlink_rt(w, (int32_t)i);
        w->rt[i].have_last = w->rt[i].have_payload = w->rt[i].have_cnt = false;
    }
    w->wheel_started = false;
}

void sl_can_watch_get_stats(const struct sl_can_watch *w, struct sl_can_watch_stats *out)
{
    *out = w->st;
}
