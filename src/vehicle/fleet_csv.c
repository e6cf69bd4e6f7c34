/* fleet_csv.c - the fleet CSV parser (fleet_csv.h): columns, validation,
 * consistency of a vehicle's rows, unique IMEIs. It judges nothing. */
#include "vehicle/fleet_csv.h"

#include <stdlib.h>
#include <string.h>

#include "util/csv.h"
#include "util/siphash.h"
#include "util/str.h"

enum col {
    C_VIN, C_MAKE, C_MODEL, C_MODEL_YEAR, C_FLEET, C_SITE, C_REGISTRATION,
    C_KIND, C_LAYER, C_SUPPLIER, C_MANUFACTURER, C_PART_MODEL, C_VERSION, C_IMEI, C_SERIAL,
    C_COUNT
};
static const char *const col_names[C_COUNT] = {
    "vin", "make", "model", "model_year", "fleet", "site", "registration", "part_kind",
    "part_layer", "supplier", "manufacturer", "part_model", "part_version", "imei", "serial"};
static const bool col_required[C_COUNT] = {[C_VIN] = true};
/* Longest text each column takes. */
static const size_t col_max[C_COUNT] = {
    [C_VIN] = 32,          [C_MAKE] = 128,         [C_MODEL] = 128,      [C_MODEL_YEAR] = 8,
    [C_FLEET] = 128,       [C_SITE] = 128,         [C_REGISTRATION] = 32, [C_KIND] = 32,
    [C_LAYER] = 16,        [C_SUPPLIER] = 256,     [C_MANUFACTURER] = 256, [C_PART_MODEL] = 128,
    [C_VERSION] = 128,     [C_IMEI] = 32,          [C_SERIAL] = 96};

struct ctx {
    const struct sl_vrules *vr;
    struct sl_fleet *f;
    struct sl_import_problems *probs;
    struct sl_csv_reader *r;
    int where[C_COUNT];
    size_t line;
    uint32_t *imeis; /* open addressing: part index + 1 */
    size_t imei_cap;
};

/* The cell of column c on the current row ("" when the file has no such column). */
static char *cell(struct ctx *x, enum col c)
{
    static char empty[1];
    empty[0] = '\0';
    return x->where[c] >= 0 ? x->r->fields[x->where[c]] : empty;
}

static bool text_ok(struct ctx *x, enum col c)
{
    if (x->where[c] < 0)
        return true;
    return sl_problem_text(x->probs, x->line, (size_t)x->where[c] + 1, col_names[c], cell(x, c),
                           col_max[c], false);
}

static void problem_at(struct ctx *x, enum col c, const char *msg, const char *value)
{
    char shown[80];
    sl_strlcpy(shown, value, sizeof shown);
    sl_str_printable(shown);
    sl_problem(x->probs, "line %zu, column %d (%s): '%s': %s", x->line, x->where[c] + 1,
               col_names[c], shown, msg);
}

/* A vehicle's text column against what an earlier row gave; fills in when empty. */
static bool consistent(struct ctx *x, enum col c, sl_fstr *have, uint32_t first_line)
{
    const char *now = cell(x, c);
    if (now[0] == '\0')
        return true;
    const char *before = sl_fleet_str(x->f, *have);
    if (before[0] == '\0')
        return sl_fleet_intern(x->f, now, have) == 0;
    if (strcmp(before, now) == 0)
        return true;
    char msg[256];
    snprintf(msg, sizeof msg, "differs from '%.80s' given for this VIN on line %u", before,
             first_line);
    problem_at(x, c, msg, now);
    return false;
}

static bool parse_year(struct ctx *x, uint16_t *out)
{
    const char *s = cell(x, C_MODEL_YEAR);
    int64_t y;
    *out = 0;
    if (s[0] == '\0')
        return true;
    if (sl_parse_i64(s, 1950, 2100, &y) != 0) {
        problem_at(x, C_MODEL_YEAR, "not a model year (1950-2100)", s);
        return false;
    }
    *out = (uint16_t)y;
    return true;
}

/* The row's vehicle: validated, found or added, its columns consistent. */
static long row_vehicle(struct ctx *x, struct sl_err *err)
{
    struct sl_vin_info vi;
    struct sl_err verr = {0};
    if (sl_vin_decode(x->vr, cell(x, C_VIN), &vi, &verr) != 0) {
        problem_at(x, C_VIN, verr.msg, cell(x, C_VIN));
        return -2;
    }
    bool ok = true;
    for (enum col c = C_MAKE; c <= C_REGISTRATION; c++)
        ok &= c == C_MODEL_YEAR || text_ok(x, c);
    uint16_t year;
    ok &= parse_year(x, &year);
    if (!ok)
        return -2;
    long vi_idx = sl_fleet_find(x->f, vi.vin);
    if (vi_idx < 0) {
        struct sl_fleet_vehicle v = {.model_year = year, .line = (uint32_t)x->line};
        if (cell(x, C_SITE)[0] != '\0') {
            v.site_line = (uint32_t)x->line;
            v.site_col = (uint16_t)(x->where[C_SITE] + 1);
        }
        memcpy(v.vin, vi.vin, sizeof v.vin);
        if (year == 0 && vi.model_year != 0) {
            v.model_year = (uint16_t)vi.model_year;
            v.model_year_from_vin = true;
        }
        uint32_t idx;
        if (sl_fleet_intern(x->f, cell(x, C_MAKE), &v.make) != 0 ||
            sl_fleet_intern(x->f, cell(x, C_MODEL), &v.model) != 0 ||
            sl_fleet_intern(x->f, cell(x, C_FLEET), &v.fleet) != 0 ||
            sl_fleet_intern(x->f, cell(x, C_SITE), &v.site) != 0 ||
            sl_fleet_intern(x->f, cell(x, C_REGISTRATION), &v.registration) != 0)
            return sl_err_set(err, "the fleet's text is larger than %u bytes", SL_FLEET_MAX_POOL);
        if (sl_fleet_add_vehicle(x->f, &v, &idx, err) != 0)
            return -1;
        return idx;
    }
    struct sl_fleet_vehicle *v = &x->f->vehicles[vi_idx];
    static const enum col text_cols[] = {C_MAKE, C_MODEL, C_FLEET, C_SITE, C_REGISTRATION};
    sl_fstr *have[] = {&v->make, &v->model, &v->fleet, &v->site, &v->registration};
    bool had_site = v->site != 0;
    for (size_t i = 0; i < 5; i++)
        if (!consistent(x, text_cols[i], have[i], v->line))
            ok = false;
    if (!had_site && v->site != 0) { /* a later row named its site */
        v->site_line = (uint32_t)x->line;
        v->site_col = (uint16_t)(x->where[C_SITE] + 1);
    }
    if (year != 0 && v->model_year != 0 && year != v->model_year && !v->model_year_from_vin) {
        char msg[96];
        snprintf(msg, sizeof msg, "differs from %u given for this VIN on line %u", v->model_year,
                 v->line);
        problem_at(x, C_MODEL_YEAR, msg, cell(x, C_MODEL_YEAR));
        ok = false;
    } else if (year != 0) {
        v->model_year = year;
        v->model_year_from_vin = false;
    }
    return ok ? vi_idx : -2;
}

static uint64_t imei_hash(const char *s)
{
    static const uint8_t key[16] = {'s', 'l', '-', 'i', 'm', 'e', 'i', 's',
                                    '-', 'c', 's', 'v', '-', 'k', 'e', 'y'};
    return sl_siphash24(key, s, strlen(s));
}

/* Remembers part pi's IMEI; the line of an earlier part with the same one, or 0. */
static uint32_t imei_seen(struct ctx *x, uint32_t pi, struct sl_err *err, bool *oom)
{
    *oom = false;
    if ((x->f->n_parts + 1) * 2 > x->imei_cap) { /* rebuild at twice the size */
        size_t cap = x->imei_cap ? x->imei_cap * 2 : 4096;
        uint32_t *tab = calloc(cap, sizeof *tab);
        if (tab == NULL) {
            *oom = true;
            sl_err_set(err, "out of memory");
            return 0;
        }
        for (size_t i = 0; i < x->imei_cap; i++)
            if (x->imeis[i] != 0) {
                const char *s = sl_fleet_str(x->f, x->f->parts[x->imeis[i] - 1].imei);
                size_t k = (size_t)imei_hash(s) & (cap - 1);
                while (tab[k] != 0)
                    k = (k + 1) & (cap - 1);
                tab[k] = x->imeis[i];
            }
        free(x->imeis);
        x->imeis = tab;
        x->imei_cap = cap;
    }
    const char *s = sl_fleet_str(x->f, x->f->parts[pi].imei);
    size_t k = (size_t)imei_hash(s) & (x->imei_cap - 1);
    for (; x->imeis[k] != 0; k = (k + 1) & (x->imei_cap - 1)) {
        const struct sl_fleet_part *o = &x->f->parts[x->imeis[k] - 1];
        if (strcmp(sl_fleet_str(x->f, o->imei), s) == 0)
            return o->line;
    }
    x->imeis[k] = pi + 1;
    return 0;
}

static bool part_columns_empty(struct ctx *x)
{
    for (enum col c = C_KIND; c <= C_SERIAL; c++)
        if (cell(x, c)[0] != '\0')
            return false;
    return true;
}

/* The row's part (when it has one), checked and, when add, added. 0, -2 (a
 * problem) or -1 (runtime). */
static int row_part(struct ctx *x, uint32_t vehicle, bool add, struct sl_err *err)
{
    for (enum col c = C_KIND; c <= C_SERIAL; c++)
        sl_str_trim(cell(x, c));
    if (part_columns_empty(x))
        return 0;
    struct sl_fleet_part p = {.vehicle = vehicle, .line = (uint32_t)x->line};
    bool ok = true;
    for (enum col c = C_SUPPLIER; c <= C_SERIAL; c++)
        ok &= c == C_IMEI || text_ok(x, c);
    enum sl_part_kind kind = SL_PART_OTHER;
    enum sl_part_layer layer = SL_LAYER_UNKNOWN;
    if (x->where[C_KIND] < 0 || cell(x, C_KIND)[0] == '\0') {
        sl_problem(x->probs, "line %zu (part_kind): a part needs a kind (%s)", x->line,
                   sl_part_kinds_list());
        ok = false;
    } else if (sl_part_kind_parse(cell(x, C_KIND), &kind) != 0) {
        problem_at(x, C_KIND, "not a part kind", cell(x, C_KIND));
        ok = false;
    }
    if (sl_part_layer_parse(cell(x, C_LAYER), &layer) != 0) {
        problem_at(x, C_LAYER, "must be hardware or software (or empty)", cell(x, C_LAYER));
        ok = false;
    }
    struct sl_imei_info ii;
    memset(&ii, 0, sizeof ii);
    struct sl_err ierr = {0};
    if (cell(x, C_IMEI)[0] != '\0' && sl_imei_decode(x->vr, cell(x, C_IMEI), &ii, &ierr) != 0) {
        problem_at(x, C_IMEI, ierr.msg, cell(x, C_IMEI));
        ok = false;
    }
    if (!ok)
        return -2;
    if (!add)
        return 0;
    p.kind = (uint8_t)kind;
    p.layer = (uint8_t)layer;
    if (sl_fleet_intern(x->f, cell(x, C_SUPPLIER), &p.supplier) != 0 ||
        sl_fleet_intern(x->f, cell(x, C_MANUFACTURER), &p.manufacturer) != 0 ||
        sl_fleet_intern(x->f, cell(x, C_PART_MODEL), &p.model) != 0 ||
        sl_fleet_intern(x->f, cell(x, C_VERSION), &p.version) != 0 ||
        sl_fleet_intern(x->f, ii.imei, &p.imei) != 0 ||
        sl_fleet_intern(x->f, cell(x, C_SERIAL), &p.serial) != 0)
        return sl_err_set(err, "the fleet's text is larger than %u bytes", SL_FLEET_MAX_POOL);
    if (sl_fleet_add_part(x->f, &p, err) != 0)
        return -1;
    if (ii.imei[0] != '\0') {
        bool oom;
        uint32_t other = imei_seen(x, (uint32_t)(x->f->n_parts - 1), err, &oom);
        if (oom)
            return -1;
        if (other != 0) {
            char msg[96];
            snprintf(msg, sizeof msg, "the same IMEI is on line %u", other);
            problem_at(x, C_IMEI, msg, ii.imei);
            return -2;
        }
    }
    return 0;
}

/* Reads the header; false when it has problems. */
static bool header(struct ctx *x)
{
    struct sl_err cerr = {0};
    int rc = sl_csv_next(x->r, &x->line, &cerr);
    if (rc <= 0) {
        if (rc == 0)
            sl_problem(x->probs, "line 1: the file is empty (expected a header with at least "
                                 "a 'vin' column)");
        else
            sl_problem(x->probs, "%s", cerr.msg);
        return false;
    }
    size_t bad = sl_csv_map_header(x->r, x->line, col_names, C_COUNT, col_required, x->where,
                                   x->probs);
    sl_csv_name_columns(x->r, col_names, x->where, C_COUNT);
    return bad == 0;
}

int sl_fleet_csv_parse(const char *data, size_t len, const struct sl_vrules *vr,
                       struct sl_fleet *f, struct sl_import_problems *probs, struct sl_err *err)
{
    memset(probs, 0, sizeof *probs);
    struct ctx x = {.vr = vr, .f = f, .probs = probs};
    x.r = malloc(sizeof *x.r);
    if (x.r == NULL)
        return sl_err_set(err, "out of memory");
    sl_csv_reader_init(x.r, data, len);
    size_t nv0 = f->n_vehicles, np0 = f->n_parts, rows = 0, ncols = 0;
    int rc = 0;
    if (header(&x)) {
        ncols = x.r->nfields;
        struct sl_err cerr = {0};
        int got;
        while (rc == 0 && (got = sl_csv_next(x.r, &x.line, &cerr)) != 0) {
            if (got < 0) {
                sl_problem(probs, "%s", cerr.msg);
                break; /* the reader cannot resynchronise after a quoting error */
            }
            rows++;
            if (x.r->nfields != ncols) {
                sl_problem(probs, "line %zu: %zu fields, the header has %zu", x.line,
                           x.r->nfields, ncols);
                continue;
            }
            long v = row_vehicle(&x, err);
            if (v == -1 || row_part(&x, v >= 0 ? (uint32_t)v : SL_FLEET_NO_VEHICLE, v >= 0,
                                    err) == -1)
                rc = -1;
        }
        if (rc == 0 && probs->count == 0 && rows == 0)
            sl_problem(probs, "no vehicles in the file (only a header)");
    }
    free(x.imeis);
    free(x.r);
    if (rc == 0 && probs->count == 0 && sl_fleet_index(f, err) != 0)
        rc = -1;
    if (rc != 0 || probs->count > 0) {
        sl_fleet_truncate(f, nv0, np0);
        return rc != 0 ? -1 : 1;
    }
    return 0;
}
