/* baseline.c - the baseline's index and its JSON form (baseline.h). */
#include "can/baseline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/str.h"

int sl_can_baseline_index(struct sl_can_baseline *b, struct sl_err *err)
{
    for (int i = 0; i < 2048; i++)
        b->sff[i] = -1;
    size_t next = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->ids[i].key & 0x80000000u)
            next++;
    free(b->ext_keys);
    free(b->ext_idx);
    b->ext_keys = NULL;
    b->ext_idx = NULL;
    if (next > 0) {
        size_t size = 16;
        while (size < next * 2)
            size <<= 1;
        b->ext_keys = calloc(size, sizeof *b->ext_keys);
        b->ext_idx = calloc(size, sizeof *b->ext_idx);
        if (b->ext_keys == NULL || b->ext_idx == NULL)
            return sl_err_set(err, "out of memory");
        b->ext_mask = size - 1;
    }
    for (size_t i = 0; i < b->n; i++) {
        uint32_t key = b->ids[i].key;
        if (!(key & 0x80000000u)) {
            if (key > SL_CAN_SFF_MASK || b->sff[key] >= 0)
                return sl_err_set(err, "id 0x%03X: listed twice or out of range", (unsigned)key);
            b->sff[key] = (int32_t)i;
            continue;
        }
        size_t s = (key * 2654435761u) & b->ext_mask;
        while (b->ext_keys[s] != 0) {
            if (b->ext_keys[s] == key)
                return sl_err_set(err, "id 0x%08X: listed twice", (unsigned)(key & SL_CAN_EFF_MASK));
            s = (s + 1) & b->ext_mask;
        }
        b->ext_keys[s] = key;
        b->ext_idx[s] = (int32_t)i;
    }
    return 0;
}

void sl_can_baseline_free(struct sl_can_baseline *b)
{
    if (b == NULL)
        return;
    free(b->ids);
    free(b->ext_keys);
    free(b->ext_idx);
    json_decref(b->sources);
    memset(b, 0, sizeof *b);
}

static json_t *ms(double us)
{
    return json_real(round(us) / 1000.0);
}

static json_t *byte_array(const uint8_t *v, unsigned n)
{
    json_t *a = json_array();
    for (unsigned i = 0; i < n; i++)
        json_array_append_new(a, json_integer(v[i]));
    return a;
}

/* "0011xxxx 11111111": x = a bit that changed, else the value it always had. */
static json_t *bits_string(const struct sl_can_id_model *m)
{
    char s[SL_CAN_MODEL_BYTES * 9 + 1];
    size_t k = 0;
    for (unsigned i = 0; i < m->nbytes; i++) {
        if (i > 0)
            s[k++] = ' ';
        for (int b = 7; b >= 0; b--)
            s[k++] = (m->cmask[i] >> b & 1) ? (char)(m->cval[i] >> b & 1 ? '1' : '0') : 'x';
    }
    s[k] = '\0';
    return json_string(s);
}

static json_t *id_json(const struct sl_can_id_model *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "frames", json_integer((json_int_t)m->frames));
    json_t *lens = json_array();
    for (unsigned l = 0; l < 64; l++)
        if (m->lens >> l & 1)
            json_array_append_new(lens, json_integer(l));
    if (m->len64)
        json_array_append_new(lens, json_integer(64));
    json_object_set_new(o, "lengths", lens);
    if (m->kinds & (SL_CAN_F_RTR | SL_CAN_F_FD)) {
        json_t *k = json_array();
        if (m->kinds & SL_CAN_F_RTR)
            json_array_append_new(k, json_string("remote"));
        if (m->kinds & SL_CAN_F_FD)
            json_array_append_new(k, json_string("fd"));
        json_object_set_new(o, "kinds", k);
    }
    if (m->gaps > 0)
        json_object_set_new(o, "gap_ms", json_pack("{s:b, s:o, s:o, s:o, s:o, s:I}", "periodic",
                                                   m->periodic, "mean", ms(m->gap_mean), "std",
                                                   ms(m->gap_std), "min", ms((double)m->gap_min),
                                                   "max", ms((double)m->gap_max), "gaps",
                                                   (json_int_t)m->gaps));
    json_object_set_new(o, "max_frames_per_s", json_integer(m->max_per_s));
    json_t *al = json_object();
    if (m->too_fast > 0)
        json_object_set_new(al, "gap_below_ms", ms((double)m->too_fast));
    if (m->silent > 0)
        json_object_set_new(al, "silent_for_ms", ms((double)m->silent));
    json_object_set_new(al, "frames_per_s_above", json_integer(m->rate_limit));
    if (m->payload)
        json_object_set_new(al, "changed_bits_above", json_integer(m->hamming_limit));
    if (m->payload && m->same_limit > 0)
        json_object_set_new(al, "same_payload_frames_above", json_integer(m->same_limit));
    json_object_set_new(o, "alert_if", al);
    if (m->payload) {
        json_object_set_new(o, "payload",
                            json_pack("{s:o, s:o, s:o, s:o, s:i, s:I}", "bits", bits_string(m),
                                      "min", byte_array(m->vmin, m->nbytes), "max",
                                      byte_array(m->vmax, m->nbytes), "max_jump",
                                      byte_array(m->jump, m->nbytes), "max_changed_bits",
                                      m->max_hamming, "max_same_run", (json_int_t)m->max_same_run));
        json_t *cs = json_array();
        for (unsigned i = 0; i < m->n_counters; i++) {
            const struct sl_can_counter *c = &m->counter[i];
            json_array_append_new(cs, json_pack("{s:s, s:i, s:i, s:i, s:i}", "order",
                                                c->order ? "intel" : "motorola", "bit", c->pos,
                                                "bits", c->bits, "step", c->step, "modulo",
                                                c->modulo));
        }
        json_object_set_new(o, "counters", cs);
        if (m->cs.kind != SL_CAN_CS_NONE)
            json_object_set_new(o, "checksum",
                                json_pack("{s:i, s:i, s:s, s:i, s:i}", "byte", m->cs.byte,
                                          "length", m->cs.len, "kind", sl_can_cs_name(m->cs.kind),
                                          "init", m->cs.init, "xor", m->cs.k));
    }
    return o;
}

json_t *sl_can_baseline_to_json(const struct sl_can_baseline *b)
{
    const struct sl_can_bus_model *bus = &b->bus;
    json_t *ids = json_object();
    for (size_t i = 0; i < b->n; i++) {
        char k[12];
        sl_can_id_str(b->ids[i].key & SL_CAN_EFF_MASK, b->ids[i].key & 0x80000000u, k);
        json_object_set_new(ids, k, id_json(&b->ids[i]));
    }
    json_t *busj = json_pack(
        "{s:s, s:I, s:I, s:f, s:{s:i, s:f, s:i, s:f, s:i, s:i}, s:{s:i, s:i}}", "iface",
        b->iface, "frames", (json_int_t)bus->frames, "error_frames",
        (json_int_t)bus->error_frames, "seconds", (double)(bus->last_us - bus->first_us) / 1e6,
        "per_100ms", "window_ms", 100, "frames_mean", bus->win_frames_mean, "frames_max",
        (int)bus->win_frames_max, "bits_mean", bus->win_bits_mean, "bits_max",
        (int)bus->win_bits_max, "alert_if_frames_above", (int)bus->load_limit_frames,
        "error_frames_per_s", "max", (int)bus->errors_max_per_s, "alert_if_above",
        (int)bus->errors_limit);
    if (bus->bitrate > 0) {
        json_object_set_new(busj, "bitrate", json_integer(bus->bitrate));
        json_object_set_new(busj, "load_percent_mean",
                            json_real(round(bus->win_bits_mean * 10.0 * 1000.0 / bus->bitrate) / 10.0));
    }
    return json_pack("{s:i, s:s, s:O, s:i, s:o, s:o}", "v", 1, "type", "can_baseline", "sources",
                     b->sources ? b->sources : json_array(), "known_ids", (int)b->n, "bus", busj,
                     "ids", ids);
}

/* ---- reading ---- */

struct jr {
    struct sl_err *err;
    const char *where;
    int bad;
};

static int64_t jint(struct jr *r, const json_t *o, const char *k, int64_t min, int64_t max,
                    bool need, int64_t dflt)
{
    const json_t *v = json_object_get(o, k);
    if (v == NULL && !need)
        return dflt;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        if (!r->bad)
            sl_err_set(r->err, "%s: \"%s\" must be a whole number from %lld to %lld", r->where, k,
                       (long long)min, (long long)max);
        r->bad = 1;
        return dflt;
    }
    return json_integer_value(v);
}

static double jms(struct jr *r, const json_t *o, const char *k, bool need)
{
    const json_t *v = json_object_get(o, k);
    if (v == NULL && !need)
        return 0;
    if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1e9) {
        if (!r->bad)
            sl_err_set(r->err, "%s: \"%s\" must be a number of milliseconds", r->where, k);
        r->bad = 1;
        return 0;
    }
    return json_number_value(v) * 1000.0;
}

static void jbytes(struct jr *r, const json_t *o, const char *k, uint8_t *out, unsigned n)
{
    const json_t *a = json_object_get(o, k);
    if (!json_is_array(a) || json_array_size(a) != n) {
        if (!r->bad)
            sl_err_set(r->err, "%s: \"%s\" must list %u byte values", r->where, k, n);
        r->bad = 1;
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        const json_t *v = json_array_get(a, i);
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 255) {
            if (!r->bad)
                sl_err_set(r->err, "%s: \"%s\"[%u] is not a byte value", r->where, k, i);
            r->bad = 1;
            return;
        }
        out[i] = (uint8_t)json_integer_value(v);
    }
}

static void read_bits(struct jr *r, const char *s, struct sl_can_id_model *m)
{
    unsigned byte = 0, bit = 0;
    for (; s != NULL && *s != '\0'; s++) {
        if (*s == ' ')
            continue;
        if ((*s != '0' && *s != '1' && *s != 'x') || byte >= SL_CAN_MODEL_BYTES)
            break;
        uint8_t mask = (uint8_t)(0x80u >> bit);
        if (*s != 'x') {
            m->cmask[byte] |= mask;
            if (*s == '1')
                m->cval[byte] |= mask;
        }
        if (++bit == 8) {
            bit = 0;
            byte++;
        }
    }
    if (s == NULL || *s != '\0' || bit != 0 || byte == 0) {
        if (!r->bad)
            sl_err_set(r->err, "%s: \"bits\" must be groups of 8 of 0, 1 or x", r->where);
        r->bad = 1;
        return;
    }
    m->nbytes = (uint8_t)byte;
}

static void read_payload(struct jr *r, const json_t *o, struct sl_can_id_model *m)
{
    const json_t *p = json_object_get(o, "payload");
    if (p == NULL)
        return;
    m->payload = true;
    read_bits(r, json_string_value(json_object_get(p, "bits")), m);
    if (r->bad)
        return;
    jbytes(r, p, "min", m->vmin, m->nbytes);
    jbytes(r, p, "max", m->vmax, m->nbytes);
    jbytes(r, p, "max_jump", m->jump, m->nbytes);
    m->max_hamming = (uint8_t)jint(r, p, "max_changed_bits", 0, 255, true, 0);
    m->max_same_run = (uint32_t)jint(r, p, "max_same_run", 0, UINT32_MAX, false, 0);
    const json_t *cs = json_object_get(o, "counters"), *c;
    size_t i;
    json_array_foreach(cs, i, c)
    {
        if (m->n_counters == SL_CAN_MAX_COUNTERS)
            break;
        struct sl_can_counter *k = &m->counter[m->n_counters++];
        const char *ord = json_string_value(json_object_get(c, "order"));
        k->order = ord != NULL && strcmp(ord, "intel") == 0;
        k->bits = (uint8_t)jint(r, c, "bits", 2, 8, true, 2);
        k->pos = (uint8_t)jint(r, c, "bit", 0, 64 - k->bits, true, 0);
        k->modulo = (uint16_t)jint(r, c, "modulo", 2, 1 << k->bits, true, 2);
        k->step = (uint8_t)jint(r, c, "step", 1, k->modulo - 1, true, 1);
    }
    const json_t *ck = json_object_get(o, "checksum");
    if (ck != NULL) {
        const char *kind = json_string_value(json_object_get(ck, "kind"));
        if (kind == NULL || sl_can_cs_parse(kind, &m->cs.kind) != 0) {
            if (!r->bad)
                sl_err_set(r->err, "%s: unknown checksum kind", r->where);
            r->bad = 1;
            return;
        }
        m->cs.byte = (uint8_t)jint(r, ck, "byte", 0, SL_CAN_MODEL_BYTES - 1, true, 0);
        m->cs.len = (uint8_t)jint(r, ck, "length", m->cs.byte + 1, SL_CAN_MAX_LEN, false, m->nbytes);
        m->cs.init = (uint8_t)jint(r, ck, "init", 0, 255, true, 0);
        m->cs.k = (uint8_t)jint(r, ck, "xor", 0, 255, true, 0);
    }
}

static void read_id(struct jr *r, const json_t *o, struct sl_can_id_model *m)
{
    m->frames = (uint64_t)jint(r, o, "frames", 0, INT64_MAX, true, 0);
    const json_t *lens = json_object_get(o, "lengths"), *v;
    size_t i;
    json_array_foreach(lens, i, v)
    {
        json_int_t l = json_integer_value(v);
        if (!json_is_integer(v) || l < 0 || l > 64) {
            if (!r->bad)
                sl_err_set(r->err, "%s: a length must be 0..64", r->where);
            r->bad = 1;
            return;
        }
        if (l == 64)
            m->len64 = true;
        else
            m->lens |= 1ull << l;
    }
    json_array_foreach(json_object_get(o, "kinds"), i, v)
    {
        const char *k = json_string_value(v);
        if (k != NULL && strcmp(k, "remote") == 0)
            m->kinds |= SL_CAN_F_RTR;
        if (k != NULL && strcmp(k, "fd") == 0)
            m->kinds |= SL_CAN_F_FD;
    }
    const json_t *g = json_object_get(o, "gap_ms");
    if (g != NULL) {
        m->periodic = json_is_true(json_object_get(g, "periodic"));
        m->gap_mean = jms(r, g, "mean", true);
        m->gap_std = jms(r, g, "std", true);
        m->gap_min = llround(jms(r, g, "min", true));
        m->gap_max = llround(jms(r, g, "max", true));
        m->gaps = (uint64_t)jint(r, g, "gaps", 0, INT64_MAX, false, 0);
    }
    m->max_per_s = (uint32_t)jint(r, o, "max_frames_per_s", 0, 10000000, true, 0);
    const json_t *al = json_object_get(o, "alert_if");
    m->too_fast = llround(jms(r, al, "gap_below_ms", false));
    m->silent = llround(jms(r, al, "silent_for_ms", false));
    m->rate_limit = (uint32_t)jint(r, al, "frames_per_s_above", 0, 10000000, true, 0);
    m->hamming_limit = (uint8_t)jint(r, al, "changed_bits_above", 0, 255, false, 255);
    m->same_limit = (uint32_t)jint(r, al, "same_payload_frames_above", 0, UINT32_MAX, false, 0);
    read_payload(r, o, m);
}

static int cmp_model(const void *a, const void *b)
{
    uint32_t x = ((const struct sl_can_id_model *)a)->key, y = ((const struct sl_can_id_model *)b)->key;
    return x < y ? -1 : x > y;
}

static void read_bus(struct jr *r, const json_t *bus, struct sl_can_baseline *b)
{
    r->where = "bus";
    const char *ifn = json_string_value(json_object_get(bus, "iface"));
    sl_strlcpy(b->iface, ifn != NULL ? ifn : "", sizeof b->iface);
    b->bus.frames = (uint64_t)jint(r, bus, "frames", 0, INT64_MAX, true, 0);
    b->bus.error_frames = (uint64_t)jint(r, bus, "error_frames", 0, INT64_MAX, false, 0);
    const json_t *w = json_object_get(bus, "per_100ms");
    b->bus.win_frames_max = (uint32_t)jint(r, w, "frames_max", 0, 100000000, true, 0);
    b->bus.win_bits_max = (uint32_t)jint(r, w, "bits_max", 0, 2000000000, false, 0);
    b->bus.load_limit_frames = (uint32_t)jint(r, w, "alert_if_frames_above", 1, 100000000, true, 1);
    b->bus.win_frames_mean = json_number_value(json_object_get(w, "frames_mean"));
    b->bus.win_bits_mean = json_number_value(json_object_get(w, "bits_mean"));
    const json_t *e = json_object_get(bus, "error_frames_per_s");
    b->bus.errors_max_per_s = (uint32_t)jint(r, e, "max", 0, 100000000, false, 0);
    b->bus.errors_limit = (uint32_t)jint(r, e, "alert_if_above", 0, 100000000, true, 0);
    b->bus.bitrate = (uint32_t)jint(r, bus, "bitrate", 0, 100000000, false, 0);
}

int sl_can_baseline_from_json(struct sl_can_baseline *b, const json_t *j, struct sl_err *err)
{
    memset(b, 0, sizeof *b);
    struct jr r = {err, "baseline", 0};
    const char *type = json_string_value(json_object_get(j, "type"));
    if (type == NULL || strcmp(type, "can_baseline") != 0 ||
        json_integer_value(json_object_get(j, "v")) != 1)
        return sl_err_set(err, "not a CAN baseline (want \"type\": \"can_baseline\", \"v\": 1)");
    const json_t *ids = json_object_get(j, "ids");
    if (!json_is_object(ids))
        return sl_err_set(err, "baseline: no \"ids\" object");
    if (json_object_size(ids) > SL_CAN_MAX_IDS)
        return sl_err_set(err, "baseline: more than %d ids", SL_CAN_MAX_IDS);
    read_bus(&r, json_object_get(j, "bus"), b);
    b->ids = calloc(json_object_size(ids) + 1, sizeof *b->ids);
    if (b->ids == NULL)
        return sl_err_set(err, "out of memory");
    const char *k;
    const json_t *v;
    char where[64];
    json_object_foreach((json_t *)ids, k, v)
    {
        if (r.bad)
            break;
        uint32_t id;
        bool ext;
        if (sl_can_id_parse(k, &id, &ext) != 0) {
            sl_err_set(err, "baseline: '%s' is not a CAN id", k);
            r.bad = 1;
            break;
        }
        snprintf(where, sizeof where, "id %s", k);
        r.where = where;
        struct sl_can_id_model *m = &b->ids[b->n++];
        m->key = id | (ext ? 0x80000000u : 0);
        read_id(&r, v, m);
    }
    b->sources = json_incref(json_object_get(j, "sources"));
    if (r.bad) {
        sl_can_baseline_free(b);
        return -1;
    }
    qsort(b->ids, b->n, sizeof *b->ids, cmp_model);
    if (sl_can_baseline_index(b, err) != 0) {
        sl_can_baseline_free(b);
        return -1;
    }
    return 0;
}

int sl_can_baseline_save(const struct sl_can_baseline *b, const char *path, struct sl_err *err)
{
    json_t *j = sl_can_baseline_to_json(b);
    char *s = json_dumps(j, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
    json_decref(j);
    if (s == NULL)
        return sl_err_set(err, "out of memory");
    size_t n = strlen(s);
    s[n] = '\n'; /* json_dumps leaves room for the NUL: replace it, write n + 1 */
    int rc = sl_write_file(path, s, n + 1, err);
    free(s);
    return rc;
}

int sl_can_baseline_load(struct sl_can_baseline *b, const char *path, struct sl_err *err)
{
    size_t len;
    char *s = sl_read_file(path, 64u << 20, &len, err);
    if (s == NULL)
        return -1;
    json_error_t je;
    json_t *j = json_loadb(s, len, 0, &je);
    free(s);
    if (j == NULL)
        return sl_err_set(err, "%s: line %d: %s", path, je.line, je.text);
    int rc = sl_can_baseline_from_json(b, j, err);
    json_decref(j);
    if (rc != 0)
        sl_err_prefix(err, "%s", path);
    return rc;
}
