/* world.c - building the device table and its ground truth (see world.h). */
#include "world.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "expand.h"
#include "util/buf.h"
#include "util/fnv.h"
#include "util/rng.h"
#include "util/str.h"

static const char *const builtin_names[LAB_B_COUNT] = {
    "ip", "mac", "MAC", "mac_dash", "mac12", "MAC12", "uuid", "index",
};

void lab_format_ip(uint32_t a, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

uint32_t lab_world_addr(uint32_t base, size_t i)
{
    return base + 256u + (uint32_t)(i / 254) * 256u + 1u + (uint32_t)(i % 254);
}

const struct lab_device *lab_world_find(const struct lab_world *w, uint32_t addr)
{
    if (addr < w->base + 256u)
        return NULL;
    uint32_t off = addr - w->base - 256u;
    uint32_t blk = off / 256u, host = off % 256u;
    if (host == 0 || host == 255)
        return NULL;
    size_t i = (size_t)blk * 254 + host - 1;
    return i < w->n ? &w->dev[i] : NULL;
}

const char *lab_device_value(const struct lab_device *d, const char *name)
{
    for (size_t i = 0; i < LAB_B_COUNT; i++)
        if (strcmp(builtin_names[i], name) == 0)
            return d->val[i];
    for (size_t i = 0; i < d->prof->n_vars; i++)
        if (strcmp(d->prof->vars[i].name, name) == 0)
            return d->val[LAB_B_COUNT + i];
    return NULL;
}

const struct lab_port *lab_device_port(const struct lab_device *d, uint16_t port, bool udp)
{
    for (size_t i = 0; i < d->prof->n_ports; i++)
        if (d->prof->ports[i].port == port && d->prof->ports[i].udp == udp)
            return &d->prof->ports[i];
    return NULL;
}

int lab_mix_parse(const char *spec, const struct lab_profiles *ps, struct lab_mix_entry *out,
                  struct sl_err *err)
{
    int n = 0;
    if (strcmp(spec, "default") == 0 || strcmp(spec, "all") == 0) {
        bool all = spec[0] == 'a';
        for (size_t i = 0; i < ps->n; i++) {
            unsigned w = all ? 1 : ps->v[i]->weight;
            if (w > 0)
                out[n++] = (struct lab_mix_entry){ps->v[i], w};
        }
        return n;
    }
    char buf[4096];
    if (sl_strlcpy(buf, spec, sizeof buf) >= sizeof buf)
        return sl_err_set(err, "--mix is too long");
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        tok = sl_str_trim(tok);
        char *eq = strchr(tok, '=');
        int64_t w = 1;
        if (eq) {
            *eq = '\0';
            if (sl_parse_i64(eq + 1, 0, 1000000, &w) != 0)
                return sl_err_set(err, "--mix: bad weight for '%s'", tok);
        }
        const struct lab_profile *p = lab_profiles_find(ps, tok);
        if (p == NULL)
            return sl_err_set(err, "--mix: no profile named '%s' (see 'sightline-lab list-profiles')",
                              tok);
        if (n >= LAB_MAX_PROFILES)
            return sl_err_set(err, "--mix: too many entries");
        if (w > 0)
            out[n++] = (struct lab_mix_entry){p, (unsigned)w};
    }
    if (n == 0)
        return sl_err_set(err, "--mix names no profile with a weight above 0");
    return n;
}

/* Expands the profile's vars for one device into d->vals. */
static int device_values(struct lab_device *d, uint64_t seed, struct sl_err *err)
{
    const struct lab_profile *p = d->prof;
    size_t nv = LAB_B_COUNT + p->n_vars;
    const char *names[LAB_B_COUNT + LAB_MAX_VARS];
    struct sl_buf all;
    sl_buf_init(&all, 1u << 20);
    size_t offs[LAB_B_COUNT + LAB_MAX_VARS];
    char tmp[64];
    const uint8_t *m = d->mac;
    struct sl_rng r;
    sl_rng_key(&r, seed, d->index, 0xdeadbeefULL);
    char uuid[40];
    {
        uint64_t a = sl_rng_next(&r), b = sl_rng_next(&r);
        snprintf(uuid, sizeof uuid, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
                 (unsigned)((a >> 16) & 0xffff), (unsigned)(a & 0xfff),
                 (unsigned)(0x8000 | ((b >> 48) & 0x3fff)), (unsigned long long)(b & 0xffffffffffffULL));
    }
    for (size_t i = 0; i < LAB_B_COUNT; i++) {
        names[i] = builtin_names[i];
        offs[i] = all.len;
        switch ((enum lab_builtin)i) {
        case LAB_B_IP: lab_format_ip(d->addr, tmp); break;
        case LAB_B_MAC:
        case LAB_B_MAC_UP:
        case LAB_B_MAC_DASH:
            snprintf(tmp, sizeof tmp,
                     i == LAB_B_MAC_UP ? "%02X:%02X:%02X:%02X:%02X:%02X"
                     : i == LAB_B_MAC  ? "%02x:%02x:%02x:%02x:%02x:%02x"
                                       : "%02x-%02x-%02x-%02x-%02x-%02x",
                     m[0], m[1], m[2], m[3], m[4], m[5]);
            break;
        case LAB_B_MAC12:
        case LAB_B_MAC12_UP:
            snprintf(tmp, sizeof tmp, i == LAB_B_MAC12 ? "%02x%02x%02x%02x%02x%02x" : "%02X%02X%02X%02X%02X%02X",
                     m[0], m[1], m[2], m[3], m[4], m[5]);
            break;
        case LAB_B_UUID: sl_strlcpy(tmp, uuid, sizeof tmp); break;
        case LAB_B_INDEX: snprintf(tmp, sizeof tmp, "%u", d->index + 1); break;
        case LAB_B_COUNT: break;
        }
        sl_buf_append(&all, tmp, strlen(tmp) + 1);
    }
    for (size_t i = 0; i < p->n_vars; i++) {
        /* Values defined so far, as (name, value) pairs for lookup. */
        const char *vals[LAB_B_COUNT + LAB_MAX_VARS];
        for (size_t k = 0; k < LAB_B_COUNT + i; k++)
            vals[k] = (const char *)all.data + offs[k];
        names[LAB_B_COUNT + i] = p->vars[i].name;
        struct sl_rng vr;
        sl_rng_key(&vr, seed, d->index, sl_fnv1a64_str(p->vars[i].name));
        struct lab_xctx x = {.names = names, .values = vals, .n_values = LAB_B_COUNT + i, .rng = &vr};
        struct sl_buf one;
        sl_buf_init(&one, 64 * 1024);
        if (lab_expand(&one, p->vars[i].tmpl, strlen(p->vars[i].tmpl), &x, err) != 0) {
            sl_buf_free(&one);
            sl_buf_free(&all);
            return sl_err_prefix(err, "profile %s, var %s", p->name, p->vars[i].name);
        }
        offs[LAB_B_COUNT + i] = all.len;
        sl_buf_append(&all, sl_buf_cstr(&one), one.len + 1);
        sl_buf_free(&one);
    }
    d->vals = (char *)all.data; /* the buffer's storage becomes the device's */
    d->val = malloc(nv * sizeof *d->val);
    if (d->val == NULL)
        abort();
    for (size_t k = 0; k < nv; k++)
        d->val[k] = d->vals + offs[k];
    return 0;
}

int lab_world_build(struct lab_world *w, const struct lab_profiles *ps,
                    const struct lab_mix_entry *mix, size_t n_mix, size_t n, uint64_t seed,
                    uint32_t base, unsigned prefix, struct sl_err *err)
{
    (void)ps;
    memset(w, 0, sizeof *w);
    w->base = base;
    w->prefix = prefix;
    w->seed = seed;
    if (n == 0 || n > LAB_MAX_DEVICES)
        return sl_err_set(err, "the device count must be 1..%d", LAB_MAX_DEVICES);
    uint64_t span = prefix >= 32 ? 1 : (1ULL << (32 - prefix));
    if ((uint64_t)lab_world_addr(0, n - 1) >= span)
        return sl_err_set(err, "%zu devices do not fit in a /%u", n, prefix);
    if (n_mix == 0)
        return sl_err_set(err, "the mix is empty");
    /* Largest remainder: counts proportional to the weights, summing to n. */
    uint64_t total = 0;
    for (size_t i = 0; i < n_mix; i++)
        total += mix[i].weight;
    size_t count[LAB_MAX_PROFILES];
    uint64_t rem[LAB_MAX_PROFILES];
    size_t given = 0;
    for (size_t i = 0; i < n_mix; i++) {
        count[i] = (size_t)((uint64_t)n * mix[i].weight / total);
        rem[i] = (uint64_t)n * mix[i].weight % total;
        given += count[i];
    }
    while (given < n) {
        size_t best = 0;
        for (size_t i = 1; i < n_mix; i++)
            if (rem[i] > rem[best])
                best = i;
        count[best]++;
        rem[best] = 0;
        given++;
    }
    w->dev = calloc(n, sizeof *w->dev);
    if (w->dev == NULL)
        abort();
    size_t k = 0;
    for (size_t i = 0; i < n_mix; i++)
        for (size_t j = 0; j < count[i]; j++)
            w->dev[k++].prof = mix[i].prof;
    struct sl_rng r;
    sl_rng_key(&r, seed, 0x5eed, 1);
    for (size_t i = n - 1; i > 0; i--) { /* Fisher-Yates */
        size_t j = (size_t)sl_rng_below(&r, i + 1);
        const struct lab_profile *t = w->dev[i].prof;
        w->dev[i].prof = w->dev[j].prof;
        w->dev[j].prof = t;
    }
    /* NIC-specific halves: an odd multiplier is a bijection mod 2^24, so no two
     * devices share the low 24 bits (hence no duplicate MAC in one lab). */
    uint32_t mac_off = (uint32_t)sl_rng_next(&r) & 0xffffff;
    w->n = n;
    for (size_t i = 0; i < n; i++) {
        struct lab_device *d = &w->dev[i];
        d->index = (uint32_t)i;
        d->addr = lab_world_addr(base, i);
        struct sl_rng dr;
        sl_rng_key(&dr, seed, i, 0x0ac);
        const uint8_t *oui = d->prof->ouis[sl_rng_below(&dr, d->prof->n_ouis)];
        uint32_t low = (mac_off + (uint32_t)i * 0x9e3779u) & 0xffffff;
        memcpy(d->mac, oui, 3);
        d->mac[3] = (uint8_t)(low >> 16);
        d->mac[4] = (uint8_t)(low >> 8);
        d->mac[5] = (uint8_t)low;
        if (device_values(d, seed, err) != 0) {
            w->n = i;
            lab_world_free(w);
            return -1;
        }
    }
    return 0;
}

void lab_world_free(struct lab_world *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->dev[i].vals);
        free(w->dev[i].val);
    }
    free(w->dev);
    w->dev = NULL;
    w->n = 0;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

int lab_world_write_truth(const struct lab_world *w, FILE *f, struct sl_err *err)
{
    for (size_t i = 0; i < w->n; i++) {
        const struct lab_device *d = &w->dev[i];
        const struct lab_profile *p = d->prof;
        json_t *o = json_object();
        json_t *tcp = json_array(), *udp = json_array();
        for (size_t k = 0; k < p->n_ports; k++)
            json_array_append_new(p->ports[k].udp ? udp : tcp, json_integer(p->ports[k].port));
        json_object_set_new(o, "address", json_string(d->val[LAB_B_IP]));
        json_object_set_new(o, "mac", json_string(d->val[LAB_B_MAC]));
        json_object_set_new(o, "profile", json_string(p->name));
        json_object_set_new(o, "manufacturer", str_or_null(p->manufacturer));
        json_object_set_new(o, "brand", str_or_null(p->brand));
        json_object_set_new(o, "model", str_or_null(lab_device_value(d, "model")));
        json_object_set_new(o, "device_type", json_string(p->device_type));
        json_object_set_new(o, "firmware", str_or_null(lab_device_value(d, "firmware")));
        json_object_set_new(o, "serial", str_or_null(lab_device_value(d, "serial")));
        json_object_set_new(o, "ports", tcp);
        json_object_set_new(o, "udp_ports", udp);
        json_object_set_new(o, "hostile", json_boolean(p->hostile));
        char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
        json_decref(o);
        if (line == NULL)
            abort();
        int rc = fprintf(f, "%s\n", line);
        free(line);
        if (rc < 0)
            return sl_err_set(err, "cannot write the ground truth");
    }
    return fflush(f) == 0 ? 0 : sl_err_set(err, "cannot write the ground truth");
}
