/* cyclonedx.c - CycloneDX JSON BOMs -> fleet records (cyclonedx.h): the
 * document's header loaded alone, then its top-level components one tree at a
 * time (util/jsonscan.h), each walked within bounds. It identifies and judges
 * nothing. */
#include "vehicle/cyclonedx.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/jsonscan.h"
#include "util/str.h"

#define PATH_MAX_LEN 256
#define KEY_MAX 4096 /* a top-level member's name */

struct cdx {
    const struct sl_vrules *vr;
    struct sl_fleet *f;
    struct sl_err *err;
    size_t components;
    int rc; /* 1 input problem, -1 runtime, 0 fine */
};

static int walk(struct cdx *c, const json_t *arr, const char *path, unsigned depth,
                uint32_t vehicle, bool vehicles_here);

/* path + ".components[i]" (or "components[i]" at the top), cut to the
 * buffer: a million components pay for no printf. */
static void child_path(char out[PATH_MAX_LEN], const char *path, size_t i)
{
    char idx[24];
    size_t k = sizeof idx;
    idx[--k] = '\0';
    idx[--k] = ']';
    do {
        idx[--k] = (char)('0' + i % 10);
        i /= 10;
    } while (i > 0);
    const char *const pieces[] = {path, path[0] ? "." : "", "components[", idx + k};
    size_t n = 0;
    for (size_t p = 0; p < 4; p++) {
        size_t l = strlen(pieces[p]);
        if (l > PATH_MAX_LEN - 1 - n)
            l = PATH_MAX_LEN - 1 - n;
        memcpy(out + n, pieces[p], l);
        n += l;
    }
    out[n] = '\0';
}

__attribute__((format(printf, 2, 3))) static int bad(struct cdx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char msg[SL_ERR_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sl_err_set(c->err, "%s", msg);
    c->rc = 1;
    return -1;
}

static int oom(struct cdx *c)
{
    sl_err_set(c->err, "out of memory (or the fleet's text is larger than %u bytes)",
               SL_FLEET_MAX_POOL);
    c->rc = -1;
    return -1;
}

/* A string member no longer than max; NULL when absent. Sets c->rc on a
 * wrong type or length. */
static const char *member(struct cdx *c, const json_t *o, const char *key, size_t max,
                          const char *path)
{
    const json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        bad(c, "%s: '%s' must be a string", path, key);
        return NULL;
    }
    if (json_string_length(v) > max) {
        bad(c, "%s: '%s' is longer than %zu characters", path, key, max);
        return NULL;
    }
    return json_string_value(v);
}

/* The value of property name (sightline:... or the plain last word). */
static const char *property(struct cdx *c, const json_t *comp, const char *name, size_t max,
                            const char *path)
{
    const json_t *props = json_object_get(comp, "properties");
    if (props != NULL && !json_is_array(props)) {
        bad(c, "%s: 'properties' must be a list", path);
        return NULL;
    }
    size_t i;
    const json_t *p;
    json_array_foreach(props, i, p)
    {
        const char *n = json_string_value(json_object_get(p, "name"));
        if (n != NULL && strcasecmp(n, name) == 0)
            return member(c, p, "value", max, path);
    }
    return NULL;
}

/* name of an organisational entity member ({"name": ...}) or a plain string. */
static const char *entity(struct cdx *c, const json_t *comp, const char *key, const char *path)
{
    const json_t *e = json_object_get(comp, key);
    if (e == NULL || json_is_null(e))
        return NULL;
    if (json_is_object(e))
        return member(c, e, "name", 256, path);
    if (json_is_string(e))
        return member(c, comp, key, 256, path);
    bad(c, "%s: '%s' must be an object with a name", path, key);
    return NULL;
}

static int intern(struct cdx *c, const char *s, sl_fstr *out)
{
    return sl_fleet_intern(c->f, s != NULL ? s : "", out) == 0 ? 0 : oom(c);
}

/* Adds the vehicle a component describes; its index in *idx. */
static int add_vehicle(struct cdx *c, const json_t *comp, const char *vin_text, int year_opt,
                       const char *path, uint32_t *idx)
{
    struct sl_vin_info vi;
    struct sl_err verr = {0};
    if (sl_vin_decode(c->vr, vin_text, &vi, &verr) != 0)
        return bad(c, "%s: VIN '%.32s': %s", path, vin_text, verr.msg);
    if (sl_fleet_find(c->f, vi.vin) >= 0)
        return bad(c, "%s: VIN %s is given twice", path, vi.vin);
    struct sl_fleet_vehicle v = {.line = 0};
    memcpy(v.vin, vi.vin, sizeof v.vin);
    const char *year = property(c, comp, "sightline:vehicle:model_year", 8, path);
    int64_t y = year_opt;
    if (year != NULL && sl_parse_i64(year, 1950, 2100, &y) != 0)
        return bad(c, "%s: sightline:vehicle:model_year '%.8s' is not a year (1950-2100)", path,
                   year);
    v.model_year = (uint16_t)y;
    if (v.model_year == 0 && vi.model_year != 0) {
        v.model_year = (uint16_t)vi.model_year;
        v.model_year_from_vin = true;
    }
    const char *make = property(c, comp, "sightline:vehicle:make", 128, path);
    if (make == NULL && comp != NULL && c->rc == 0)
        make = entity(c, comp, "manufacturer", path);
    if (make == NULL && comp != NULL && c->rc == 0)
        make = entity(c, comp, "supplier", path);
    const char *model = property(c, comp, "sightline:vehicle:model", 128, path);
    if (model == NULL && comp != NULL && c->rc == 0)
        model = member(c, comp, "name", 128, path);
    const char *fleet = property(c, comp, "sightline:vehicle:fleet", 128, path);
    const char *site = property(c, comp, "sightline:vehicle:site", 128, path);
    const char *reg = property(c, comp, "sightline:vehicle:registration", 32, path);
    if (c->rc != 0)
        return -1;
    if (intern(c, make, &v.make) || intern(c, model, &v.model) || intern(c, fleet, &v.fleet) ||
        intern(c, site, &v.site) || intern(c, reg, &v.registration))
        return -1;
    if (sl_fleet_add_vehicle(c->f, &v, idx, c->err) != 0) {
        c->rc = -1;
        return -1;
    }
    return 0;
}

static enum sl_part_layer layer_of_type(const char *type)
{
    static const char *const software[] = {"application", "framework", "library",
                                           "container", "operating-system", "device-driver",
                                           "firmware", "file", "machine-learning-model", NULL};
    if (type == NULL)
        return SL_LAYER_UNKNOWN;
    if (strcmp(type, "device") == 0)
        return SL_LAYER_HARDWARE;
    for (size_t i = 0; software[i] != NULL; i++)
        if (strcmp(type, software[i]) == 0)
            return SL_LAYER_SOFTWARE;
    return SL_LAYER_UNKNOWN;
}

static int part_kind_layer(struct cdx *c, const json_t *comp, const char *path,
                           struct sl_fleet_part *p)
{
    const char *kind = property(c, comp, "sightline:part:kind", 32, path);
    const char *layer = property(c, comp, "sightline:part:layer", 16, path);
    const char *type = member(c, comp, "type", 64, path);
    if (c->rc != 0)
        return -1;
    enum sl_part_kind k = SL_PART_OTHER;
    if (kind != NULL && sl_part_kind_parse(kind, &k) != 0)
        return bad(c, "%s: sightline:part:kind '%.32s' is not one of %s", path, kind,
                   sl_part_kinds_list());
    enum sl_part_layer l = layer_of_type(type);
    if (layer != NULL && sl_part_layer_parse(layer, &l) != 0)
        return bad(c, "%s: sightline:part:layer '%.16s' must be hardware or software", path,
                   layer);
    p->kind = (uint8_t)k;
    p->layer = (uint8_t)l;
    return 0;
}

static int add_part(struct cdx *c, const json_t *comp, uint32_t vehicle, const char *path)
{
    struct sl_fleet_part p = {.vehicle = vehicle};
    if (part_kind_layer(c, comp, path, &p) != 0)
        return -1;
    const char *name = member(c, comp, "name", 128, path);
    const char *supplier = entity(c, comp, "supplier", path);
    const char *maker = entity(c, comp, "manufacturer", path);
    if (maker == NULL && c->rc == 0)
        maker = member(c, comp, "publisher", 256, path);
    if (maker == NULL && c->rc == 0)
        maker = member(c, comp, "author", 256, path);
    const char *version = member(c, comp, "version", 128, path);
    const char *purl = member(c, comp, "purl", 512, path);
    const char *cpe = member(c, comp, "cpe", 512, path);
    const char *imei = property(c, comp, "sightline:part:imei", 32, path);
    const char *serial = property(c, comp, "sightline:part:serial", 96, path);
    if (c->rc != 0)
        return -1;
    if (name == NULL)
        return bad(c, "%s: a component needs a name (CycloneDX requires one)", path);
    struct sl_imei_info ii;
    memset(&ii, 0, sizeof ii);
    struct sl_err ierr = {0};
    if (imei != NULL && sl_imei_decode(c->vr, imei, &ii, &ierr) != 0)
        return bad(c, "%s: sightline:part:imei '%.32s': %s", path, imei, ierr.msg);
    if (intern(c, supplier, &p.supplier) || intern(c, maker, &p.manufacturer) ||
        intern(c, name, &p.model) || intern(c, version, &p.version) ||
        intern(c, ii.imei, &p.imei) || intern(c, serial, &p.serial) || intern(c, purl, &p.purl) ||
        intern(c, cpe, &p.cpe) || intern(c, path, &p.where))
        return -1;
    if (sl_fleet_add_part(c->f, &p, c->err) != 0) {
        c->rc = -1;
        return -1;
    }
    return 0;
}

/* One component at path here: a vehicle (at the top level, vehicles_here,
 * when it has a VIN) or a part of vehicle; then its own components. */
static int component(struct cdx *c, const json_t *comp, const char *here, unsigned depth,
                     uint32_t vehicle, bool vehicles_here)
{
    if (depth > SL_CDX_MAX_DEPTH)
        return bad(c, "%s: components nested deeper than %d", here, SL_CDX_MAX_DEPTH);
    if (!json_is_object(comp))
        return bad(c, "%s: a component must be an object", here);
    if (++c->components > SL_CDX_MAX_COMPONENTS)
        return bad(c, "more than %u components", SL_CDX_MAX_COMPONENTS);
    const char *vin = property(c, comp, "sightline:vehicle:vin", 32, here);
    if (c->rc != 0)
        return -1;
    uint32_t owner = vehicle;
    if (vin != NULL) {
        if (!vehicles_here)
            return bad(c, "%s: a vehicle (sightline:vehicle:vin) inside another "
                          "vehicle or part", here);
        if (add_vehicle(c, comp, vin, 0, here, &owner) != 0)
            return -1;
    } else if (add_part(c, comp, vehicle, here) != 0) {
        return -1;
    }
    return walk(c, json_object_get(comp, "components"), here, depth + 1, owner, false);
}

/* Walks a nested components list: vehicle (index or SL_FLEET_NO_VEHICLE)
 * owns the parts. */
static int walk(struct cdx *c, const json_t *arr, const char *path, unsigned depth,
                uint32_t vehicle, bool vehicles_here)
{
    if (arr == NULL)
        return 0;
    if (!json_is_array(arr))
        return bad(c, "%s: 'components' must be a list", path);
    size_t i;
    const json_t *comp;
    json_array_foreach(arr, i, comp)
    {
        char here[PATH_MAX_LEN];
        child_path(here, path, i);
        if (component(c, comp, here, depth, vehicle, vehicles_here) != 0)
            return -1;
    }
    return 0;
}

static int check_header(struct cdx *c, const json_t *bom)
{
    if (!json_is_object(bom))
        return bad(c, "not a CycloneDX BOM: the document is not a JSON object");
    const char *fmt = json_string_value(json_object_get(bom, "bomFormat"));
    if (fmt == NULL || strcmp(fmt, "CycloneDX") != 0)
        return bad(c, "not a CycloneDX BOM: bomFormat is %s%.32s%s", fmt ? "'" : "",
                   fmt ? fmt : "missing", fmt ? "'" : "");
    const char *spec = json_string_value(json_object_get(bom, "specVersion"));
    if (spec == NULL)
        return bad(c, "CycloneDX: specVersion is missing");
    if (strcmp(spec, "1.4") != 0 && strcmp(spec, "1.5") != 0 && strcmp(spec, "1.6") != 0)
        return bad(c, "CycloneDX specVersion '%.16s' is not supported (1.4, 1.5, 1.6)", spec);
    return 0;
}

/* The vehicle the top-level components belong to: metadata.component's, the
 * caller's, or none. */
static int top_vehicle(struct cdx *c, const json_t *bom, const struct sl_cdx_options *opt,
                       uint32_t *vehicle)
{
    *vehicle = SL_FLEET_NO_VEHICLE;
    const json_t *meta = json_object_get(json_object_get(bom, "metadata"), "component");
    if (meta != NULL && !json_is_object(meta))
        return bad(c, "metadata.component must be an object");
    const char *vin = meta != NULL ? property(c, meta, "sightline:vehicle:vin", 32,
                                              "metadata.component") : NULL;
    if (c->rc != 0)
        return -1;
    if (vin != NULL)
        return add_vehicle(c, meta, vin, opt != NULL ? opt->model_year : 0,
                           "metadata.component", vehicle);
    if (opt != NULL && opt->vin != NULL)
        return add_vehicle(c, NULL, opt->vin, opt->model_year, "--vin", vehicle);
    return 0;
}

static int not_json(struct cdx *c, const struct sl_err *jerr)
{
    return bad(c, "not JSON: %s", jerr->msg);
}

/* Checks a top-level list the parser does not read (dependencies, ...) an
 * element at a time, so a whole fleet's list is never one tree either. */
static int check_list(const struct sl_jscan *js, size_t at, struct sl_err *jerr)
{
    struct sl_jscan arr;
    sl_jscan_at(js, at, &arr);
    if (sl_jscan_array(&arr, jerr) != 0)
        return -1;
    size_t start, end;
    int more;
    while ((more = sl_jscan_element(&arr, &start, &end, jerr)) == 1) {
        json_t *v = sl_jscan_load(&arr, start, end, jerr);
        if (v == NULL)
            return -1;
        json_decref(v);
    }
    return more;
}

/* The document's top-level members but its components, as one small object
 * (a list it does not read is checked and kept as null); *comps and
 * *comps_end: the components value's bytes (*comps = 0: none). */
static json_t *header(struct cdx *c, struct sl_jscan *js, size_t *comps, size_t *comps_end)
{
    json_t *head = json_object();
    struct sl_err jerr = {0};
    char key[KEY_MAX];
    size_t start, end;
    int more;
    *comps = 0;
    if (head == NULL) {
        oom(c);
        return NULL;
    }
    if (sl_jscan_object(js, &jerr) != 0)
        goto bad_json;
    while ((more = sl_jscan_member(js, key, sizeof key, &start, &end, &jerr)) == 1) {
        bool dup = strcmp(key, "components") == 0 ? *comps != 0 : json_object_get(head, key) != NULL;
        if (dup) {
            bad(c, "not JSON: duplicate object key '%.64s'", key);
            goto fail;
        }
        if (strcmp(key, "components") == 0) {
            *comps = start;
            *comps_end = end;
            continue;
        }
        json_t *v;
        if (js->d[start] == '[' && strcmp(key, "metadata") != 0)
            v = check_list(js, start, &jerr) == 0 ? json_null() : NULL;
        else
            v = sl_jscan_load(js, start, end, &jerr);
        if (v == NULL || json_object_set_new(head, key, v) != 0)
            goto bad_json;
    }
    if (more == 0)
        return head;
bad_json:
    not_json(c, &jerr);
fail:
    json_decref(head);
    return NULL;
}

/* The top-level components, one loaded at a time (a BOM of a whole fleet is
 * never held as one tree). */
static int top_components(struct cdx *c, const struct sl_jscan *js, size_t at, size_t end,
                          uint32_t vehicle)
{
    if (at == 0)
        return 0;
    (void)end;
    if (js->d[at] != '[')
        return bad(c, "the BOM: 'components' must be a list");
    struct sl_jscan arr;
    sl_jscan_at(js, at, &arr);
    struct sl_err jerr = {0};
    if (sl_jscan_array(&arr, &jerr) != 0)
        return not_json(c, &jerr);
    size_t start, stop;
    int more;
    for (size_t i = 0; (more = sl_jscan_element(&arr, &start, &stop, &jerr)) == 1; i++) {
        json_t *comp = sl_jscan_load(&arr, start, stop, &jerr);
        if (comp == NULL)
            return not_json(c, &jerr);
        char here[PATH_MAX_LEN];
        child_path(here, "", i);
        int rc = component(c, comp, here, 1, vehicle, vehicle == SL_FLEET_NO_VEHICLE);
        json_decref(comp);
        if (rc != 0)
            return -1;
    }
    return more == 0 ? 0 : not_json(c, &jerr);
}

int sl_cdx_parse(const char *data, size_t len, const struct sl_vrules *vr,
                 const struct sl_cdx_options *opt, struct sl_fleet *f, struct sl_err *err)
{
    struct cdx c = {.vr = vr, .f = f, .err = err};
    if (len > SL_CDX_MAX_BYTES) {
        sl_err_set(err, "the BOM is larger than %u MiB", SL_CDX_MAX_BYTES >> 20);
        return 1;
    }
    struct sl_jscan js;
    sl_jscan_init(&js, data, len);
    size_t nv0 = f->n_vehicles, np0 = f->n_parts;
    /* A document that opens as another JSON value is not loaded to say so. */
    size_t first = 0;
    while (first < len && (data[first] == ' ' || data[first] == '\t' || data[first] == '\r' ||
                           data[first] == '\n'))
        first++;
    if (first < len && data[first] != '\0' && strchr("[\"-0123456789tfn", data[first]) != NULL) {
        sl_err_set(err, "not a CycloneDX BOM: the document is not a JSON object");
        return 1;
    }
    size_t comps = 0, comps_end = 0;
    json_t *head = header(&c, &js, &comps, &comps_end);
    uint32_t vehicle;
    if (head != NULL && check_header(&c, head) == 0 && top_vehicle(&c, head, opt, &vehicle) == 0 &&
        top_components(&c, &js, comps, comps_end, vehicle) == 0 && sl_fleet_index(f, err) != 0)
        c.rc = -1;
    json_decref(head);
    if (c.rc != 0)
        sl_fleet_truncate(f, nv0, np0);
    return c.rc;
}

bool sl_cpe_vendor(const char *cpe, char *out, size_t n)
{
    out[0] = '\0';
    if (cpe == NULL)
        return false;
    const char *p;
    int skip;
    if (strncmp(cpe, "cpe:2.3:", 8) == 0) {
        p = cpe + 8;
        skip = 1; /* part */
    } else if (strncmp(cpe, "cpe:/", 5) == 0) {
        p = cpe + 5;
        skip = 1;
    } else {
        return false;
    }
    for (; skip > 0 && p != NULL; skip--) {
        p = strchr(p, ':');
        if (p != NULL)
            p++;
    }
    if (p == NULL || *p == '\0' || *p == ':' || *p == '*' || *p == '-')
        return false;
    size_t len = strcspn(p, ":");
    sl_strncpy_z(out, n, p, len);
    for (char *c = out; *c; c++)
        if (*c == '_' || *c == '\\')
            *c = ' ';
    return out[0] != '\0';
}

bool sl_purl_namespace(const char *purl, char *out, size_t n)
{
    out[0] = '\0';
    if (purl == NULL || strncmp(purl, "pkg:", 4) != 0)
        return false;
    const char *type_end = strchr(purl + 4, '/');
    if (type_end == NULL)
        return false;
    const char *ns = type_end + 1;
    const char *slash = strchr(ns, '/');
    size_t stop = strcspn(ns, "@?#");
    if (slash == NULL || (size_t)(slash - ns) > stop || slash == ns)
        return false; /* no namespace: type/name only */
    sl_strncpy_z(out, n, ns, (size_t)(slash - ns));
    return out[0] != '\0';
}
