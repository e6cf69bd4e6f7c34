/* reimport.c - a registered vehicle named again by an import (reimport.h):
 * what changed is found here and written through the store, one event a
 * change, one audit entry a vehicle. It parses no file and renders nothing. */
#include "vehicle/reimport.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/str.h"
#include "util/timeutil.h"
#include "vehicle/status.h"

#define PART_FIELDS 10

static const char *const part_field[PART_FIELDS] = {
    "kind", "layer", "supplier", "manufacturer", "model",
    "version", "imei", "serial", "purl", "cpe"};

struct reg_part {
    int64_t id;
    int position;
    bool removed;
    char status[16];
    char *text[PART_FIELDS]; /* as part_field names them; owned */
};

struct reg {
    char vin[24], status[16];
    char *make, *model, *fleet, *registration, *site; /* owned */
    int model_year;
    int64_t site_id;
    struct reg_part *p;
    size_t n, cap;
    bool oom;
};

static char *dup(const char *s, bool *oom)
{
    char *d = strdup(s != NULL ? s : "");
    if (d == NULL)
        *oom = true;
    return d;
}

static int reg_vehicle(const struct sl_vehicle_row *v, void *ctx)
{
    struct reg *r = ctx;
    sl_strlcpy(r->vin, v->vin, sizeof r->vin);
    sl_strlcpy(r->status, v->status, sizeof r->status);
    r->make = dup(v->make, &r->oom);
    r->model = dup(v->model, &r->oom);
    r->fleet = dup(v->fleet, &r->oom);
    r->registration = dup(v->registration, &r->oom);
    r->site = dup(v->site, &r->oom);
    r->model_year = v->model_year;
    r->site_id = v->site_id;
    return 0;
}

static int reg_part(const struct sl_vpart_row *p, void *ctx)
{
    struct reg *r = ctx;
    if (SL_GROW(r->p, r->cap, r->n + 1, 8) != 0) {
        r->oom = true;
        return 1;
    }
    struct reg_part *rp = &r->p[r->n++];
    memset(rp, 0, sizeof *rp);
    rp->id = p->id;
    rp->position = p->position;
    rp->removed = strcmp(p->status, "removed") == 0;
    sl_strlcpy(rp->status, p->status, sizeof rp->status);
    const char *t[PART_FIELDS] = {p->kind, p->layer,   p->supplier, p->manufacturer, p->model,
                                  p->version, p->imei, p->serial,   p->purl,         p->cpe};
    for (size_t k = 0; k < PART_FIELDS; k++)
        rp->text[k] = dup(t[k], &r->oom);
    return 0;
}

static void reg_free(struct reg *r)
{
    free(r->make);
    free(r->model);
    free(r->fleet);
    free(r->registration);
    free(r->site);
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; k < PART_FIELDS; k++)
            free(r->p[i].text[k]);
    free(r->p);
}

/* "field a -> b" appended to note (bounded: the event's note). */
static void note_change(char *note, size_t n, const char *field, const char *from, const char *to)
{
    size_t len = strlen(note);
    snprintf(note + len, n - len, "%s%s %.40s -> %.40s", len ? "; " : "re-import: ", field,
             from[0] ? from : "(none)", to[0] ? to : "(none)");
}

static const char *str_or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* The vehicle's own fields: changes noted in note and names; the row to write in *v. */
static size_t vehicle_changes(const struct sl_fleet *f, const struct sl_fleet_vehicle *fv,
                              const struct reg *r, int64_t site_id, const char *site,
                              char *note, size_t n, json_t *names)
{
    const char *now[] = {sl_fleet_str(f, fv->make), sl_fleet_str(f, fv->model),
                         sl_fleet_str(f, fv->fleet), sl_fleet_str(f, fv->registration)};
    const char *was[] = {r->make, r->model, r->fleet, r->registration};
    const char *field[] = {"make", "model", "fleet", "registration"};
    size_t changed = 0;
    for (size_t k = 0; k < 4; k++)
        if (strcmp(now[k], was[k]) != 0) {
            note_change(note, n, field[k], was[k], now[k]);
            json_array_append_new(names, json_string(field[k]));
            changed++;
        }
    if (fv->model_year != r->model_year) {
        char a[8], b[8];
        snprintf(a, sizeof a, "%d", r->model_year);
        snprintf(b, sizeof b, "%d", fv->model_year);
        note_change(note, n, "model year", r->model_year ? a : "", fv->model_year ? b : "");
        json_array_append_new(names, json_string("model_year"));
        changed++;
    }
    if (site_id != r->site_id) {
        note_change(note, n, "site", r->site, site);
        json_array_append_new(names, json_string("site"));
        changed++;
    }
    return changed;
}

struct merge {
    struct sl_store *s;
    const struct sl_fleet *f;
    const struct sl_fleet_vehicle *fv;
    int64_t id;
    const char *actor;
    struct reg r;
    size_t added, changed, removed;
};

static int part_event(struct merge *m, int64_t part_id, const char *from, const char *to,
                      const char *note, struct sl_err *err)
{
    struct sl_vehicle_event ev = {.vehicle_id = m->id, .part_id = part_id};
    sl_strlcpy(ev.actor, str_or_empty(m->actor), sizeof ev.actor);
    sl_strlcpy(ev.from_status, from, sizeof ev.from_status);
    sl_strlcpy(ev.to_status, to, sizeof ev.to_status);
    sl_strlcpy(ev.note, note, sizeof ev.note);
    return sl_store_vehicle_event_add(m->s, &ev, err);
}

/* An IMEI refused as taken, in words: the file's line, the vehicle, the part. */
static int imei_taken(const struct merge *m, const struct sl_fleet_part *fp, int pos,
                      struct sl_err *err)
{
    if (err->kind == SL_ERR_EXISTS)
        sl_err_setk(err, SL_ERR_EXISTS,
                    "line %u: vehicle %s: part %d: its IMEI is already on another part in the "
                    "register", fp->line, m->fv->vin, pos);
    return -1;
}

/* The file's part at position pos against the register's row there (or none). */
static int merge_part(struct merge *m, const struct sl_fleet_part *fp, int pos,
                      const struct reg_part *rp, struct sl_err *err)
{
    struct sl_part_verdict pv = {.decided_by = -1};
    pv.verdict.decision = SL_DECISION_REVIEW; /* judged again once the vehicle is merged */
    struct part_text t;
    struct sl_vpart_row row;
    sl_vreg_part_row(m->f, fp, pos, &pv, &t, &row);
    if (rp == NULL) {
        int64_t pid = 0;
        if (sl_store_vpart_add(m->s, m->id, &row, &pid, err) != 0)
            return imei_taken(m, fp, pos, err);
        m->added++;
        return part_event(m, pid, "", "fitted", "added by a re-import", err);
    }
    const char *now[PART_FIELDS] = {row.kind,    row.layer, row.supplier, row.manufacturer,
                                    row.model,   row.version, row.imei,   row.serial,
                                    row.purl,    row.cpe};
    char note[256] = "";
    for (size_t k = 0; k < PART_FIELDS; k++)
        if (strcmp(str_or_empty(now[k]), rp->text[k]) != 0)
            note_change(note, sizeof note, part_field[k], rp->text[k], str_or_empty(now[k]));
    if (note[0] == '\0')
        return 0;
    if (rp->removed)
        return sl_err_setk(err, SL_ERR_CONFLICT,
                           "line %u: vehicle %s: part %d is removed (a removed part stays "
                           "removed) and the file lists a different part there",
                           fp->line, m->fv->vin, pos);
    if (sl_store_vpart_update(m->s, rp->id, &row, err) != 0)
        return imei_taken(m, fp, pos, err);
    m->changed++;
    return part_event(m, rp->id, rp->status, rp->status, note, err); /* status unchanged */
}

/* A registered part the file no longer lists: removed through the lifecycle. */
static int drop_part(struct merge *m, const struct reg_part *rp, struct sl_err *err)
{
    struct sl_vehicle_event ev = {.vehicle_id = m->id, .part_id = rp->id, .unaudited = true};
    sl_strlcpy(ev.actor, str_or_empty(m->actor), sizeof ev.actor);
    sl_strlcpy(ev.to_status, "removed", sizeof ev.to_status);
    sl_strlcpy(ev.note, "not in the re-import", sizeof ev.note);
    sl_strlcpy(ev.replaced_by, "none", sizeof ev.replaced_by);
    char since[SL_ISO_LEN] = "", why[256];
    if (sl_store_vehicle_status(m->s, &ev, since, err) != 0)
        return -1;
    if (sl_vstatus_check(&ev, since, sl_now(), why, sizeof why) != 0)
        return sl_err_setk(err, SL_ERR_CONFLICT, "vehicle %s: part %d cannot be removed: %s",
                           m->fv->vin, rp->position, why);
    if (sl_store_vehicle_set_status(m->s, &ev, err) != 0)
        return -1;
    m->removed++;
    return 0;
}

static const struct reg_part *at_position(const struct reg *r, int pos)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->p[i].position == pos)
            return &r->p[i];
    return NULL;
}

/* Every part: the file's by position, then the register's beyond them. */
static int merge_parts(struct merge *m, struct sl_err *err)
{
    const struct sl_fleet_vehicle *fv = m->fv;
    for (uint32_t i = 0; i < fv->n_parts; i++) {
        int pos = (int)i + 1;
        if (merge_part(m, &m->f->parts[fv->first_part + i], pos, at_position(&m->r, pos), err))
            return -1;
    }
    for (size_t i = 0; i < m->r.n; i++)
        if (m->r.p[i].position > (int)fv->n_parts && !m->r.p[i].removed &&
            drop_part(m, &m->r.p[i], err) != 0)
            return -1;
    return 0;
}

/* The vehicle's own row and event, when its fields changed. */
static int write_vehicle(struct merge *m, int64_t site_id, const char *note,
                         const struct sl_vreg_options *o, struct sl_err *err)
{
    const struct sl_fleet *f = m->f;
    const struct sl_fleet_vehicle *fv = m->fv;
    char source[160];
    snprintf(source, sizeof source, fv->line > 0 ? "%.120s line %u" : "%.120s",
             str_or_empty(o->source), fv->line);
    struct sl_vehicle_row v = {
        .make = sl_fleet_str(f, fv->make), .model = sl_fleet_str(f, fv->model),
        .fleet = sl_fleet_str(f, fv->fleet), .registration = sl_fleet_str(f, fv->registration),
        .source = source, .model_year = fv->model_year,
        .model_year_from_vin = fv->model_year_from_vin, .site_id = site_id};
    if (sl_store_vehicle_update(m->s, m->id, &v, err) != 0)
        return -1;
    struct sl_vehicle_event ev = {.vehicle_id = m->id,
                                  .site_id = site_id != m->r.site_id ? site_id : 0};
    sl_strlcpy(ev.actor, str_or_empty(m->actor), sizeof ev.actor);
    sl_strlcpy(ev.from_status, m->r.status, sizeof ev.from_status);
    sl_strlcpy(ev.to_status, m->r.status, sizeof ev.to_status);
    sl_strlcpy(ev.note, note, sizeof ev.note);
    return sl_store_vehicle_event_add(m->s, &ev, err);
}

static int merge_write(struct merge *m, struct sl_assessor *a, int64_t site_id,
                       const struct sl_vreg_options *o, struct sl_vreg_counts *counts,
                       struct sl_err *err)
{
    char note[256] = "", site[SL_NAME_MAX] = "";
    struct sl_site st;
    if (site_id > 0 && sl_store_site_get_id(m->s, site_id, &st, err) == 1) {
        sl_strlcpy(site, st.name, sizeof site);
        sl_site_free(&st);
    }
    json_t *fields = json_array();
    size_t vchanged = vehicle_changes(m->f, m->fv, &m->r, site_id, site, note, sizeof note,
                                      fields);
    int rc = 0;
    if (vchanged > 0)
        rc = write_vehicle(m, site_id, note, o, err);
    if (rc == 0)
        rc = merge_parts(m, err);
    if (rc != 0 || vchanged + m->added + m->changed + m->removed == 0) {
        json_decref(fields);
        counts->unchanged += rc == 0;
        return rc;
    }
    json_t *d = json_pack("{s:s, s:o, s:I, s:I, s:I, s:s?}", "vin", m->fv->vin, "fields", fields,
                          "parts_added", (json_int_t)m->added, "parts_changed",
                          (json_int_t)m->changed, "parts_removed", (json_int_t)m->removed,
                          "source", o->source);
    char object[32];
    snprintf(object, sizeof object, "vehicle:%lld", (long long)m->id);
    if (sl_store_audit_json(m->s, m->actor, "vehicle.reimport", object, d, err) != 0 ||
        sl_vreg_rejudge(m->s, a, m->id, "re-imported", m->actor, NULL, NULL, err) != 0)
        return -1;
    counts->changed++;
    counts->parts_added += m->added;
    counts->parts_changed += m->changed;
    counts->parts_removed += m->removed;
    return 0;
}

int sl_vreg_merge(struct sl_store *s, struct sl_assessor *a, const struct sl_fleet *f, size_t vi,
                  int64_t site_id, const struct sl_vreg_options *o, struct sl_vreg_counts *counts,
                  struct sl_err *err)
{
    const struct sl_fleet_vehicle *fv = &f->vehicles[vi];
    struct merge m = {.s = s, .f = f, .fv = fv, .actor = o->actor};
    int got = sl_store_vehicle_find(s, fv->vin, &m.id, err);
    if (got <= 0)
        return got;
    got = sl_store_vehicle_read(s, m.id, reg_vehicle, reg_part, &m.r, err);
    int rc = got < 0 ? -1 : 0;
    if (rc == 0 && m.r.oom)
        rc = sl_err_set(err, "out of memory reading vehicle %s", fv->vin);
    /* find also matches a registration: only the same VIN is a re-import. */
    if (rc == 0 && (got == 0 || strcmp(m.r.vin, fv->vin) != 0)) {
        reg_free(&m.r);
        return 0;
    }
    if (rc == 0)
        rc = merge_write(&m, a, site_id, o, counts, err);
    reg_free(&m.r);
    return rc < 0 ? -1 : 1;
}
