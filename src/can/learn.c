/* learn.c - one-pass baseline learning (learn.h). */
#include "can/learn.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define WIN_US 100000

struct acc {
    uint32_t key;
    uint64_t frames;
    uint8_t kinds;
    uint64_t lens;
    bool len64, have_last, have_prev;
    int64_t last_ts;
    uint64_t gaps;
    double mean, m2;
    int64_t gmin, gmax;
    int64_t sec;         /* the current one-second window (frame time / 1 s) */
    uint32_t sec_count, max_per_s;
    uint8_t nbytes, prev_len, max_ham;
    uint8_t and_[SL_CAN_MODEL_BYTES], or_[SL_CAN_MODEL_BYTES];
    uint8_t vmin[SL_CAN_MODEL_BYTES], vmax[SL_CAN_MODEL_BYTES], jump[SL_CAN_MODEL_BYTES];
    uint8_t prev[SL_CAN_MODEL_BYTES];
    uint64_t payload_frames;
    /* counter and checksum search */
    uint8_t sample_len;
    uint16_t ns;
    uint8_t *sample;     /* ns rows of 8 bytes; freed after the search */
    bool searched;
    uint8_t n_counters;
    struct sl_can_counter counter[SL_CAN_MAX_COUNTERS];
    uint32_t cnt_prev[SL_CAN_MAX_COUNTERS];
    uint64_t cnt_pairs, cnt_bad[SL_CAN_MAX_COUNTERS];
    bool cnt_have_prev;
    struct sl_can_checksum cs;
    uint64_t cs_checked, cs_bad;
    /* runs of frames alike but for counters and checksum (after the search) */
    uint64_t fmask, flast, fpairs;
    uint32_t frun, fmax;
    bool fhave;
};

struct sl_can_learner {
    struct acc *a;
    size_t n, cap;
    int32_t sff[2048];
    uint32_t *ext_keys; /* open addressing, 2 * SL_CAN_MAX_IDS slots */
    int32_t *ext_idx;
    struct sl_can_learn_stats st;
    struct sl_can_bus_model bus;
    /* bus windows */
    int64_t win, err_sec;
    uint32_t win_frames, win_bits, err_count;
    uint64_t windows;
    double sum_frames, sum_bits;
    bool have_win;
};

#define EXT_SLOTS (2 * SL_CAN_MAX_IDS)

struct sl_can_learner *sl_can_learner_new(void)
{
    struct sl_can_learner *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    l->ext_keys = calloc(EXT_SLOTS, sizeof *l->ext_keys);
    l->ext_idx = calloc(EXT_SLOTS, sizeof *l->ext_idx);
    if (l->ext_keys == NULL || l->ext_idx == NULL) {
        sl_can_learner_free(l);
        return NULL;
    }
    for (int i = 0; i < 2048; i++)
        l->sff[i] = -1;
    l->bus.first_us = INT64_MAX;
    l->bus.last_us = INT64_MIN;
    return l;
}

void sl_can_learner_free(struct sl_can_learner *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->a[i].sample);
    free(l->a);
    free(l->ext_keys);
    free(l->ext_idx);
    free(l);
}

static struct acc *get_acc(struct sl_can_learner *l, uint32_t key)
{
    int32_t *slot;
    if (!(key & 0x80000000u)) {
        slot = &l->sff[key & SL_CAN_SFF_MASK];
    } else {
        size_t s = (key * 2654435761u) & (EXT_SLOTS - 1);
        while (l->ext_keys[s] != 0 && l->ext_keys[s] != key)
            s = (s + 1) & (EXT_SLOTS - 1);
        if (l->ext_keys[s] == key)
            return &l->a[l->ext_idx[s]];
        if (l->n >= SL_CAN_MAX_IDS)
            return NULL;
        l->ext_keys[s] = key;
        l->ext_idx[s] = -1;
        slot = &l->ext_idx[s];
    }
    if (*slot >= 0)
        return &l->a[*slot];
    if (l->n >= SL_CAN_MAX_IDS)
        return NULL;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 64;
        struct acc *na = realloc(l->a, nc * sizeof *na);
        if (na == NULL)
            return NULL;
        l->a = na;
        l->cap = nc;
    }
    struct acc *a = &l->a[l->n];
    memset(a, 0, sizeof *a);
    a->key = key;
    a->gmin = INT64_MAX;
    memset(a->and_, 0xFF, sizeof a->and_);
    memset(a->vmin, 0xFF, sizeof a->vmin);
    *slot = (int32_t)l->n++;
    l->st.ids = l->n;
    return a;
}

static void close_window(struct sl_can_learner *l)
{
    struct sl_can_bus_model *b = &l->bus;
    if (l->win_frames > b->win_frames_max)
        b->win_frames_max = l->win_frames;
    if (l->win_bits > b->win_bits_max)
        b->win_bits_max = l->win_bits;
    l->sum_frames += l->win_frames;
    l->sum_bits += l->win_bits;
    l->windows++;
    l->win_frames = l->win_bits = 0;
}

static void bus_frame(struct sl_can_learner *l, const struct sl_can_frame *f)
{
    struct sl_can_bus_model *b = &l->bus;
    if (f->ts_us < b->first_us)
        b->first_us = f->ts_us;
    if (f->ts_us > b->last_us)
        b->last_us = f->ts_us;
    b->frames++;
    int64_t w = f->ts_us / WIN_US;
    if (!l->have_win) {
        l->win = w;
        l->err_sec = f->ts_us / 1000000;
        l->have_win = true;
    }
    if (w != l->win) { /* close the window, and count the empty ones between */
        close_window(l);
        int64_t empty = w > l->win ? w - l->win - 1 : 0;
        l->windows += (uint64_t)(empty < 36000 ? empty : 36000);
        l->win = w;
    }
    l->win_frames++;
    l->win_bits += sl_can_wire_bits(f);
    if (f->flags & SL_CAN_F_ERR) {
        b->error_frames++;
        l->st.error_frames++;
        int64_t s = f->ts_us / 1000000;
        if (s != l->err_sec) {
            l->err_sec = s;
            l->err_count = 0;
        }
        if (++l->err_count > b->errors_max_per_s)
            b->errors_max_per_s = l->err_count;
    }
}

static void timing(struct acc *a, int64_t ts)
{
    if (a->have_last) {
        int64_t g = ts - a->last_ts;
        if (g >= 0) {
            a->gaps++;
            double d = (double)g - a->mean;
            a->mean += d / (double)a->gaps;
            a->m2 += d * ((double)g - a->mean);
            if (g < a->gmin)
                a->gmin = g;
            if (g > a->gmax)
                a->gmax = g;
        }
    }
    a->last_ts = ts;
    a->have_last = true;
    int64_t s = ts / 1000000;
    if (s != a->sec) {
        a->sec = s;
        a->sec_count = 0;
    }
    if (++a->sec_count > a->max_per_s)
        a->max_per_s = a->sec_count;
}

static void search(struct acc *a)
{
    a->searched = true;
    unsigned n = a->ns;
    uint64_t be[SL_CAN_LEARN_SAMPLE] = {0}, le[SL_CAN_LEARN_SAMPLE] = {0};
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *d = a->sample + (size_t)i * 8;
        be[i] = le[i] = 0;
        for (unsigned k = 0; k < 8; k++) {
            be[i] |= (uint64_t)d[k] << (56 - 8 * k);
            le[i] |= (uint64_t)d[k] << (8 * k);
        }
    }
    a->n_counters = (uint8_t)sl_can_counter_search(be, le, n, a->counter, SL_CAN_MAX_COUNTERS);
    if (a->sample_len >= 3 && a->sample_len <= 8) {
        uint8_t rows[SL_CAN_LEARN_SAMPLE * 8];
        for (unsigned i = 0; i < n; i++)
            memcpy(rows + (size_t)i * a->sample_len, a->sample + (size_t)i * 8, a->sample_len);
        if (!sl_can_cs_search(rows, n, a->sample_len, &a->cs))
            a->cs.kind = SL_CAN_CS_NONE;
    }
    free(a->sample);
    a->sample = NULL;
    a->fmask = ~0ull;
    for (unsigned i = 0; i < a->n_counters; i++)
        a->fmask &= ~sl_can_counter_mask(&a->counter[i]);
    if (a->cs.kind != SL_CAN_CS_NONE && a->cs.byte < 8)
        a->fmask &= ~(0xFFull << (56 - 8 * a->cs.byte));
}

/* After the search: does this frame agree with the counters and checksum? */
static void verify(struct acc *a, const struct sl_can_frame *f)
{
    uint64_t be = 0, le = 0;
    unsigned n = f->len < 8 ? f->len : 8;
    for (unsigned k = 0; k < n; k++) {
        be |= (uint64_t)f->data[k] << (56 - 8 * k);
        le |= (uint64_t)f->data[k] << (8 * k);
    }
    if (a->n_counters > 0) {
        for (unsigned i = 0; i < a->n_counters; i++) {
            uint32_t v = sl_can_counter_get(&a->counter[i], be, le);
            if (a->cnt_have_prev && (a->cnt_prev[i] + a->counter[i].step) % a->counter[i].modulo != v)
                a->cnt_bad[i]++;
            a->cnt_prev[i] = v;
        }
        if (a->cnt_have_prev)
            a->cnt_pairs++;
        a->cnt_have_prev = true;
    }
    if (a->cs.kind != SL_CAN_CS_NONE && f->len == a->sample_len) {
        a->cs_checked++;
        if (sl_can_cs_expected(&a->cs, f->data, f->len) != f->data[a->cs.byte])
            a->cs_bad++;
    }
    uint64_t x = be & a->fmask;
    if (a->fhave && x == a->flast) {
        if (++a->frun > a->fmax)
            a->fmax = a->frun;
    } else {
        a->frun = 1;
        if (a->fmax == 0)
            a->fmax = 1;
    }
    if (a->fhave)
        a->fpairs++;
    a->flast = x;
    a->fhave = true;
}

static void payload(struct acc *a, const struct sl_can_frame *f)
{
    unsigned n = f->len < SL_CAN_MODEL_BYTES ? f->len : SL_CAN_MODEL_BYTES;
    if (n > a->nbytes)
        a->nbytes = (uint8_t)n;
    unsigned ham = 0;
    for (unsigned i = 0; i < n; i++) {
        uint8_t v = f->data[i];
        a->and_[i] &= v;
        a->or_[i] |= v;
        if (v < a->vmin[i])
            a->vmin[i] = v;
        if (v > a->vmax[i])
            a->vmax[i] = v;
        if (a->have_prev && i < a->prev_len) {
            unsigned d = sl_can_byte_dist(v, a->prev[i]);
            if (d > a->jump[i])
                a->jump[i] = (uint8_t)d;
            ham += (unsigned)__builtin_popcount((unsigned)(v ^ a->prev[i]));
        }
    }
    if (a->have_prev && ham > a->max_ham)
        a->max_ham = (uint8_t)(ham > 255 ? 255 : ham);
    memcpy(a->prev, f->data, n);
    a->prev_len = (uint8_t)n;
    a->have_prev = true;
    a->payload_frames++;
    if (a->searched) {
        verify(a, f);
        return;
    }
    if (a->ns == 0) {
        a->sample = malloc((size_t)SL_CAN_LEARN_SAMPLE * 8);
        if (a->sample == NULL) {
            a->searched = true;
            return;
        }
        a->sample_len = f->len;
    }
    if (f->len != a->sample_len) /* counters/checksums are looked for in one layout */
        return;
    memset(a->sample + (size_t)a->ns * 8, 0, 8);
    memcpy(a->sample + (size_t)a->ns * 8, f->data, f->len < 8 ? f->len : 8);
    if (++a->ns == SL_CAN_LEARN_SAMPLE)
        search(a);
}

void sl_can_learn_frame(struct sl_can_learner *l, const struct sl_can_frame *f)
{
    l->st.frames++;
    bus_frame(l, f);
    if (f->flags & SL_CAN_F_ERR)
        return;
    struct acc *a = get_acc(l, sl_can_key(f));
    if (a == NULL) {
        l->st.ids_dropped++;
        return;
    }
    a->frames++;
    a->kinds |= f->flags & (SL_CAN_F_RTR | SL_CAN_F_FD);
    if (f->len == 64)
        a->len64 = true;
    else
        a->lens |= 1ull << f->len;
    timing(a, f->ts_us);
    if (!(f->flags & SL_CAN_F_RTR))
        payload(a, f);
}

void sl_can_learn_break(struct sl_can_learner *l)
{
    for (size_t i = 0; i < l->n; i++) {
        l->a[i].have_last = false;
        l->a[i].have_prev = false;
        l->a[i].cnt_have_prev = false;
        l->a[i].fhave = false;
    }
    if (l->have_win)
        close_window(l);
    l->have_win = false;
}

static void finish_timing(const struct acc *a, struct sl_can_id_model *m)
{
    m->gaps = a->gaps;
    m->max_per_s = a->max_per_s;
    m->rate_limit = a->max_per_s + a->max_per_s / 2 + 3;
    if (a->gaps == 0)
        return;
    m->gap_mean = a->mean;
    m->gap_std = a->gaps > 1 ? sqrt(a->m2 / (double)(a->gaps - 1)) : 0;
    m->gap_min = a->gmin;
    m->gap_max = a->gmax;
    /* Periodic: enough gaps, a spread under a third of the mean, at most 10 s.
     * Thresholds: faster than 0.7 x the shortest gap seen is an injection;
     * silent for max(2.2 x the mean, 1.3 x the longest gap) is a suppression. */
    m->periodic = a->gaps >= 10 && a->mean > 0 && m->gap_std <= a->mean / 3 && a->mean <= 10e6;
    if (m->periodic) {
        m->too_fast = (int64_t)((double)a->gmin * 0.7);
        double s = 2.2 * a->mean, t = 1.3 * (double)a->gmax;
        m->silent = (int64_t)(s > t ? s : t);
    }
}

static void finish_payload(struct acc *a, struct sl_can_id_model *m)
{
    if (a->payload_frames < SL_CAN_MIN_PAYLOAD || a->nbytes == 0)
        return;
    m->payload = true;
    m->nbytes = a->nbytes;
    for (unsigned i = 0; i < a->nbytes; i++) {
        m->cmask[i] = (uint8_t)~(a->and_[i] ^ a->or_[i]);
        m->cval[i] = a->and_[i] & m->cmask[i];
        m->vmin[i] = a->vmin[i];
        m->vmax[i] = a->vmax[i];
        m->jump[i] = a->jump[i];
    }
    m->max_hamming = a->max_ham;
    /* fewer frames, a less certain maximum: a wider margin */
    bool many = a->payload_frames >= 1000;
    unsigned q = many ? a->max_ham / 2 : a->max_ham;
    unsigned lim = a->max_ham + (q > 4 ? q : 4) + (many ? 0 : 2);
    m->hamming_limit = (uint8_t)(lim > 255 ? 255 : lim);
    /* a frozen payload: judged only for ids whose payload (but for counters and
     * checksum) hardly ever repeats, with enough frames seen after the search */
    m->max_same_run = a->fmax;
    if (a->fpairs >= 500 && a->fmax <= 2)
        m->same_limit = a->fmax + 1;
    if (!a->searched && a->ns >= 32 && a->sample != NULL)
        search(a);
    for (unsigned i = 0; i < a->n_counters; i++) /* keep what later frames confirmed */
        if (a->cnt_bad[i] <= a->cnt_pairs / 500)
            m->counter[m->n_counters++] = a->counter[i];
    if (a->cs.kind != SL_CAN_CS_NONE && a->cs_bad <= a->cs_checked / 1000)
        m->cs = a->cs;
}

static int cmp_model(const void *x, const void *y)
{
    uint32_t a = ((const struct sl_can_id_model *)x)->key, b = ((const struct sl_can_id_model *)y)->key;
    return a < b ? -1 : a > b;
}

int sl_can_learn_finish(struct sl_can_learner *l, struct sl_can_baseline *b, const char *iface,
                        uint32_t bitrate, struct sl_err *err)
{
    memset(b, 0, sizeof *b);
    if (l->have_win)
        close_window(l);
    l->have_win = false;
    b->bus = l->bus;
    if (b->bus.frames == 0)
        b->bus.first_us = b->bus.last_us = 0;
    if (l->windows > 0) {
        b->bus.win_frames_mean = l->sum_frames / (double)l->windows;
        b->bus.win_bits_mean = l->sum_bits / (double)l->windows;
    }
    b->bus.load_limit_frames = b->bus.win_frames_max + b->bus.win_frames_max / 5 + 5;
    b->bus.errors_limit = 2 * b->bus.errors_max_per_s + 5;
    b->bus.bitrate = bitrate;
    snprintf(b->iface, sizeof b->iface, "%s", iface != NULL ? iface : "");
    b->ids = calloc(l->n + 1, sizeof *b->ids);
    if (b->ids == NULL)
        return sl_err_set(err, "out of memory");
    for (size_t i = 0; i < l->n; i++) {
        struct acc *a = &l->a[i];
        struct sl_can_id_model *m = &b->ids[b->n++];
        m->key = a->key;
        m->frames = a->frames;
        m->kinds = a->kinds;
        m->lens = a->lens;
        m->len64 = a->len64;
        m->hamming_limit = 255;
        finish_timing(a, m);
        finish_payload(a, m);
    }
    qsort(b->ids, b->n, sizeof *b->ids, cmp_model);
    b->sources = json_array();
    return sl_can_baseline_index(b, err);
}

void sl_can_learn_get_stats(const struct sl_can_learner *l, struct sl_can_learn_stats *out)
{
    *out = l->st;
}
