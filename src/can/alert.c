/* alert.c - CAN signatures, the dedup table and JSON lines (alert.h). */
#include "can/alert.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "can/frame.h"
#include "util/str.h"

const struct sl_can_sig sl_can_sigs[] = {
    {SL_CAN_SIG_UNKNOWN_ID, "unknown_id", "SIGHTLINE CAN unknown identifier", 2},
    {SL_CAN_SIG_TOO_FAST, "period", "SIGHTLINE CAN frames faster than the learned period (injection)", 2},
    {SL_CAN_SIG_RATE, "period", "SIGHTLINE CAN identifier above its learned rate (flooding)", 1},
    {SL_CAN_SIG_SILENT, "period", "SIGHTLINE CAN expected identifier went silent (suppression)", 2},
    {SL_CAN_SIG_DLC, "dlc", "SIGHTLINE CAN data length not learned for this identifier", 2},
    {SL_CAN_SIG_KIND, "dlc", "SIGHTLINE CAN remote or FD frame where the identifier never sent one", 2},
    {SL_CAN_SIG_CONST_BITS, "payload", "SIGHTLINE CAN payload bits that never changed did", 2},
    {SL_CAN_SIG_RANGE, "payload", "SIGHTLINE CAN payload byte outside its learned range", 3},
    {SL_CAN_SIG_JUMP, "payload", "SIGHTLINE CAN payload byte jumped further than ever learned", 3},
    {SL_CAN_SIG_ENTROPY, "payload", "SIGHTLINE CAN payload changed in far more bits than learned (fuzzing)", 2},
    {SL_CAN_SIG_CHECKSUM, "payload", "SIGHTLINE CAN checksum byte does not match the payload", 2},
    {SL_CAN_SIG_FROZEN, "payload", "SIGHTLINE CAN payload frozen: frames alike far longer than learned (masquerade)", 2},
    {SL_CAN_SIG_COUNTER_JUMP, "counter", "SIGHTLINE CAN message counter skipped (injection or masquerade)", 2},
    {SL_CAN_SIG_COUNTER_REPEAT, "counter", "SIGHTLINE CAN message counter repeated (replay)", 2},
    {SL_CAN_SIG_LOAD, "load", "SIGHTLINE CAN bus load above the learned maximum", 1},
    {SL_CAN_SIG_ERRORS, "error", "SIGHTLINE CAN error-frame burst", 2},
    {0, NULL, NULL, 0},
};

static const char *const DETECTORS[7] = {"unknown_id", "period", "dlc", "payload", "counter", "load", "error"};

const struct sl_can_sig *sl_can_sig(uint32_t id)
{
    for (const struct sl_can_sig *s = sl_can_sigs; s->id != 0; s++)
        if (s->id == id)
            return s;
    return NULL;
}

static unsigned detector_index(const char *d)
{
    for (unsigned i = 0; i < 7; i++)
        if (strcmp(DETECTORS[i], d) == 0)
            return i;
    return 0;
}

#define EVID 160

struct entry {
    bool used;
    uint8_t iface, len;
    uint32_t key, sig;
    int64_t win_start, first_rep, last_rep;
    uint64_t reps;
    char expected[EVID], seen[EVID];
    uint8_t data[SL_CAN_MAX_LEN];
};

struct sl_can_alerts {
    struct sl_can_alerts_config cfg;
    struct entry *t;
    size_t size, used;
    int64_t sec[7];
    unsigned new_in_sec[7];
    int64_t last_sweep;
    struct sl_can_alerts_stats st;
};

struct sl_can_alerts *sl_can_alerts_new(const struct sl_can_alerts_config *cfg)
{
    struct sl_can_alerts *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    a->cfg = *cfg;
    if (a->cfg.window_us <= 0)
        a->cfg.window_us = 10 * 1000000LL;
    if (a->cfg.max_keys == 0)
        a->cfg.max_keys = 4096;
    if (a->cfg.max_new_per_s == 0)
        a->cfg.max_new_per_s = 20;
    a->size = 16;
    while (a->size < (size_t)a->cfg.max_keys * 2)
        a->size <<= 1;
    a->t = calloc(a->size, sizeof *a->t);
    if (a->t == NULL) {
        free(a);
        return NULL;
    }
    return a;
}

void sl_can_alerts_free(struct sl_can_alerts *a)
{
    if (a != NULL) {
        free(a->t);
        free(a);
    }
}

static size_t slot_of(const struct sl_can_alerts *a, uint8_t iface, uint32_t key, uint32_t sig)
{
    uint64_t h = ((uint64_t)key * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)sig * 0xC2B2AE3D27D4EB4FULL) ^ iface;
    h ^= h >> 29;
    return (size_t)(h * 0xBF58476D1CE4E5B9ULL >> 20) & (a->size - 1);
}

static struct entry *find(struct sl_can_alerts *a, uint8_t iface, uint32_t key, uint32_t sig,
                          bool *found)
{
    for (size_t s = slot_of(a, iface, key, sig);; s = (s + 1) & (a->size - 1)) {
        struct entry *e = &a->t[s];
        if (!e->used) {
            *found = false;
            return e;
        }
        if (e->key == key && e->sig == sig && e->iface == iface) {
            *found = true;
            return e;
        }
    }
}

static void hex(char *out, const uint8_t *d, unsigned n)
{
    static const char h[] = "0123456789ABCDEF";
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = h[d[i] >> 4];
        out[2 * i + 1] = h[d[i] & 15];
    }
    out[2 * n] = '\0';
}

static void write_line(struct sl_can_alerts *a, const struct entry *e, int64_t ts, uint64_t count,
                       bool repeat, int64_t first_ts, const uint8_t *data, uint8_t len, bool has_data)
{
    const struct sl_can_sig *s = sl_can_sig(e->sig);
    char id[12];
    json_t *o = json_object();
    json_object_set_new(o, "v", json_integer(1));
    json_object_set_new(o, "type", json_string("can_alert"));
    json_object_set_new(o, "ts", json_real((double)ts / 1e6));
    const char *ifn = e->iface < a->cfg.n_ifaces ? a->cfg.iface_names[e->iface] : "?";
    json_object_set_new(o, "iface", json_string(ifn));
    if (e->key == SL_CAN_KEY_BUS) {
        json_object_set_new(o, "can_id", json_null());
    } else if (e->key == SL_CAN_KEY_MANY) {
        json_object_set_new(o, "can_id", json_string("*"));
    } else {
        sl_can_id_str(e->key & SL_CAN_EFF_MASK, e->key & 0x80000000u, id);
        json_object_set_new(o, "can_id", json_string(id));
    }
    json_object_set_new(o, "detector", json_string(s->detector));
    json_object_set_new(o, "signature_id", json_integer(s->id));
    json_object_set_new(o, "signature", json_string(s->signature));
    json_object_set_new(o, "severity", json_integer(s->severity));
    json_object_set_new(o, "count", json_integer((json_int_t)count));
    if (repeat) {
        json_object_set_new(o, "repeat", json_true());
        json_object_set_new(o, "first_ts", json_real((double)first_ts / 1e6));
    }
    json_object_set_new(o, "expected", json_string(e->expected));
    json_object_set_new(o, "seen", json_string(e->seen));
    if (has_data) {
        char hx[2 * SL_CAN_MAX_LEN + 1];
        hex(hx, data, len);
        json_object_set_new(o, "len", json_integer(len));
        json_object_set_new(o, "data", json_string(hx));
    }
    char *line = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(16) | JSON_ENSURE_ASCII);
    json_decref(o);
    if (line != NULL && a->cfg.out != NULL) {
        fputs(line, a->cfg.out);
        fputc('\n', a->cfg.out);
    }
    free(line);
    if (repeat)
        a->st.repeats++;
    else
        a->st.written++;
}

static void set_evidence(struct entry *e, const struct sl_can_alert *al)
{
    sl_strlcpy(e->expected, al->expected != NULL ? al->expected : "", sizeof e->expected);
    sl_strlcpy(e->seen, al->seen != NULL ? al->seen : "", sizeof e->seen);
    e->len = al->data != NULL ? al->len : 0xFF;
    if (al->data != NULL)
        memcpy(e->data, al->data, al->len);
}

static void close_window(struct sl_can_alerts *a, struct entry *e)
{
    if (e->reps > 0)
        write_line(a, e, e->last_rep, e->reps, true, e->first_rep, e->data, e->len != 0xFF ? e->len : 0,
                   e->len != 0xFF);
    e->reps = 0;
}

/* Rebuilds the table without the keys whose window closed (their repeats written). */
static void sweep_out(struct sl_can_alerts *a, int64_t now)
{
    struct entry *old = a->t;
    size_t n = a->size;
    struct entry *t = calloc(n, sizeof *t);
    if (t == NULL)
        return;
    a->t = t;
    a->used = 0;
    for (size_t i = 0; i < n; i++) {
        struct entry *e = &old[i];
        if (!e->used)
            continue;
        if (now - e->win_start >= a->cfg.window_us) {
            close_window(a, e);
            continue;
        }
        bool found;
        struct entry *d = find(a, e->iface, e->key, e->sig, &found);
        *d = *e;
        a->used++;
    }
    free(old);
}

/* May a new line be written for this detector now? At most max_new_per_s a
 * second of frame time, and only while the table has room. */
static bool may_write(struct sl_can_alerts *a, unsigned d, int64_t ts)
{
    int64_t sec = ts / 1000000;
    if (sec != a->sec[d]) {
        a->sec[d] = sec;
        a->new_in_sec[d] = 0;
    }
    if (a->new_in_sec[d] >= a->cfg.max_new_per_s)
        return false;
    a->new_in_sec[d]++;
    return true;
}

/* One occurrence for entry e (found or a free slot for key): counted while
 * its window lasts, else a new window and a line. Returns 1 when written. */
static int hit(struct sl_can_alerts *a, struct entry *e, bool found, uint32_t key,
               const struct sl_can_alert *al)
{
    if (found && al->ts_us - e->win_start < a->cfg.window_us) {
        if (e->reps++ == 0)
            e->first_rep = al->ts_us;
        e->last_rep = al->ts_us;
        set_evidence(e, al);
        return 0;
    }
    if (found) {
        close_window(a, e);
    } else {
        memset(e, 0, sizeof *e);
        e->used = true;
        e->iface = al->iface;
        e->key = key;
        e->sig = al->sig_id;
        a->used++;
    }
    e->win_start = al->ts_us;
    set_evidence(e, al);
    write_line(a, e, al->ts_us, 1, false, 0, al->data, al->len, al->data != NULL);
    return 1;
}

int sl_can_alerts_raise(struct sl_can_alerts *a, const struct sl_can_alert *al)
{
    const struct sl_can_sig *s = sl_can_sig(al->sig_id);
    if (s == NULL)
        return 0;
    unsigned d = detector_index(s->detector);
    a->st.raised++;
    a->st.by_detector[d]++;
    if (a->st.worst_severity == 0 || s->severity < a->st.worst_severity)
        a->st.worst_severity = s->severity;
    bool found;
    struct entry *e = find(a, al->iface, al->key, al->sig_id, &found);
    bool counted = found && al->ts_us - e->win_start < a->cfg.window_us;
    if (!counted && al->key != SL_CAN_KEY_BUS) {
        /* a new line would be written: past the limits it goes to the roll-up */
        bool full = a->used + 2 >= a->cfg.max_keys;
        if (!found && full) {
            sweep_out(a, al->ts_us);
            e = find(a, al->iface, al->key, al->sig_id, &found);
            full = a->used + 2 >= a->cfg.max_keys;
        }
        if (!may_write(a, d, al->ts_us) || (!found && full)) {
            a->st.rolled_up++;
            e = find(a, al->iface, SL_CAN_KEY_MANY, al->sig_id, &found);
            if (!found && a->used + 1 >= a->cfg.max_keys)
                return 0; /* only counted: the table is full of open windows */
            return hit(a, e, found, SL_CAN_KEY_MANY, al);
        }
    }
    return hit(a, e, found, al->key, al);
}

void sl_can_alerts_sweep(struct sl_can_alerts *a, int64_t now_us)
{
    if (now_us - a->last_sweep < a->cfg.window_us)
        return;
    a->last_sweep = now_us;
    for (size_t i = 0; i < a->size; i++) {
        struct entry *e = &a->t[i];
        if (e->used && e->reps > 0 && now_us - e->win_start >= a->cfg.window_us)
            close_window(a, e);
    }
}

void sl_can_alerts_flush(struct sl_can_alerts *a)
{
    for (size_t i = 0; i < a->size; i++)
        if (a->t[i].used)
            close_window(a, &a->t[i]);
    if (a->cfg.out != NULL)
        fflush(a->cfg.out);
}

void sl_can_alerts_get_stats(const struct sl_can_alerts *a, struct sl_can_alerts_stats *out)
{
    *out = a->st;
}
