/* register.c - fleets in the register (register.h): sites resolved, vehicles
 * judged at their own site and written through the store's whole-fleet
 * import; vehicles read back as a fleet and judged again. It parses no file
 * and renders nothing. */
#include "vehicle/register.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/pipe.h"
#include "util/str.h"
#include "util/timeutil.h"
#include "vehicle/assess_internal.h"
#include "vehicle/reimport.h"
#include "vehicle/status.h"

/* ---- sites ------------------------------------------------------------------------ */

struct site_entry {
    char name[SL_NAME_MAX];
    int64_t id; /* 0: not in the register */
    enum sl_tier tier;
    bool has_rule;
    struct sl_site_rule rule;
};

struct sites {
    struct site_entry *e;
    size_t n, cap, last;
};

/* A site's tier and rule from its register row (a rule that no longer parses
 * is treated as none: the register only ever stores canonical text). */
static void entry_from_site(struct site_entry *e, const struct sl_site *site)
{
    e->id = site->id;
    e->tier = site->tier;
    struct sl_err err = {0};
    e->has_rule = site->vehicle_rule[0] != '\0' &&
                  sl_site_rule_parse(site->vehicle_rule, &e->rule, &err) == 0;
}

/* The entry for a site name (looked up once); NULL on a runtime failure. */
static struct site_entry *site_lookup(struct sl_store *s, struct sites *c, const char *name,
                                      struct sl_err *err)
{
    if (c->last < c->n && strcmp(c->e[c->last].name, name) == 0)
        return &c->e[c->last];
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->e[i].name, name) == 0)
            return &c->e[c->last = i];
    if (SL_GROW(c->e, c->cap, c->n + 1, 16) != 0) {
        sl_err_set(err, "out of memory");
        return NULL;
    }
    struct site_entry *e = &c->e[c->n];
    memset(e, 0, sizeof *e);
    sl_strlcpy(e->name, name, sizeof e->name);
    struct sl_site site;
    int got = sl_store_site_get(s, name, &site, err);
    if (got < 0)
        return NULL;
    if (got == 1) {
        entry_from_site(e, &site);
        sl_site_free(&site);
    }
    c->last = c->n++;
    return e;
}

/* Every vehicle's site: site_of[v] is an index into c, or -1 (none). Problems
 * for sites the register does not have. 0, or -1 on a runtime failure. */
static int resolve_sites(struct sl_store *s, const struct sl_fleet *f, const char *default_site,
                         struct sites *c, int32_t *site_of, struct sl_import_problems *probs,
                         struct sl_err *err)
{
    for (size_t vi = 0; vi < f->n_vehicles; vi++) {
        const struct sl_fleet_vehicle *v = &f->vehicles[vi];
        const char *name = sl_fleet_str(f, v->site);
        if (name[0] == '\0')
            name = default_site != NULL ? default_site : "";
        site_of[vi] = -1;
        if (name[0] == '\0')
            continue;
        struct site_entry *e = site_lookup(s, c, name, err);
        if (e == NULL)
            return -1;
        site_of[vi] = (int32_t)(e - c->e);
        if (e->id > 0)
            continue;
        char shown[80];
        sl_strlcpy(shown, name, sizeof shown);
        sl_str_printable(shown);
        if (v->site_line > 0)
            sl_problem(probs, "line %u, column %u (site): '%s': no such site in the register "
                              "(add it with 'sightline sites add' or 'sites import')",
                       v->site_line, (unsigned)v->site_col, shown);
        else
            sl_problem(probs, "vehicle %s: site '%s' is not in the register (add it with "
                              "'sightline sites add' or 'sites import')",
                       v->vin, shown);
    }
    return 0;
}

/* ---- the rows a judged vehicle is written as ---------------------------------------- */


/* The vendor behind a verdict: the deciding one, else the first found, else NULL. */
static const char *decided_name(const struct sl_part_verdict *pv)
{
    if (pv->decided_by >= 0)
        return pv->ids[pv->decided_by].vendor->name;
    return pv->n_ids > 0 ? pv->ids[0].vendor->name : NULL;
}

static void join_ids(const struct sl_part_verdict *pv, struct part_text *t)
{
    t->vendors[0] = t->rules[0] = '\0';
    for (size_t i = 0; i < pv->n_ids; i++) {
        size_t lv = strlen(t->vendors), lr = strlen(t->rules);
        snprintf(t->vendors + lv, sizeof t->vendors - lv, "%s%s", i ? ", " : "",
                 pv->ids[i].vendor->name);
        if (pv->ids[i].rule != NULL)
            snprintf(t->rules + lr, sizeof t->rules - lr, "%s%s", lr ? " " : "",
                     pv->ids[i].rule->id);
    }
}

void sl_vreg_part_row(const struct sl_fleet *f, const struct sl_fleet_part *p, int position,
                      const struct sl_part_verdict *pv, struct part_text *t,
                      struct sl_vpart_row *r)
{
    memset(r, 0, sizeof *r);
    r->position = position;
    r->kind = sl_part_kind_name((enum sl_part_kind)p->kind);
    r->layer = sl_part_layer_name((enum sl_part_layer)p->layer);
    r->supplier = sl_fleet_str(f, p->supplier);
    r->manufacturer = sl_fleet_str(f, p->manufacturer);
    r->model = sl_fleet_str(f, p->model);
    r->version = sl_fleet_str(f, p->version);
    r->imei = sl_fleet_str(f, p->imei);
    r->serial = sl_fleet_str(f, p->serial);
    r->purl = sl_fleet_str(f, p->purl);
    r->cpe = sl_fleet_str(f, p->cpe);
    if (p->line > 0)
        snprintf(t->where, sizeof t->where, "line %u", p->line);
    else
        sl_strlcpy(t->where, sl_fleet_str(f, p->where), sizeof t->where);
    r->source = t->where;
    join_ids(pv, t);
    r->vendor = decided_name(pv);
    r->vendors = t->vendors;
    r->rules = t->rules;
    r->verdict = pv->verdict;
}

/* ---- import ------------------------------------------------------------------------ */

/* Judging runs on a second thread one batch ahead of the writes (util/pipe.h):
 * a batch is BATCH vehicles judged, their rows ready for the store; RING
 * batches are in flight. */
#define BATCH 256
#define RING 3

struct judged {
    struct sl_vehicle_row v;
    size_t first_row;         /* its parts: rows[first_row .. + v's n_parts) */
    char source[160], wmi[4]; /* the row points here */
};

struct batch {
    size_t first, n;          /* the fleet's vehicles first .. first + n */
    struct judged j[BATCH];
    struct sl_vpart_row *rows;
    struct part_text *texts;  /* rows point into these: sized before they are filled */
    size_t cap_rows, cap_texts;
};

struct feed {
    struct sl_assessor *a;    /* the judging thread's while the pipe runs */
    const struct sl_fleet *f;
    const struct sl_vreg_options *o;
    struct sites *sites;
    const int32_t *site_of;
    struct sl_vreg_counts *counts; /* the judging thread's while the pipe runs */
    struct sl_pipe *pipe;
    struct batch *cur;        /* the writer's batch, and its next vehicle */
    size_t cur_i;
    size_t next;              /* vehicles handed to the store */
    const bool *skip;         /* skip[v]: registered, merged by reimport.c, not added */
};

/* Judges vehicle vi at its site into *j and its parts' rows (judging thread). */
static int judge_one(struct feed *fd, size_t vi, struct judged *j, struct sl_vpart_row *rows,
                     struct part_text *texts)
{
    const struct sl_fleet *f = fd->f;
    const struct sl_fleet_vehicle *fv = &f->vehicles[vi];
    const struct site_entry *se = fd->site_of[vi] >= 0 ? &fd->sites->e[fd->site_of[vi]] : NULL;
    if (fd->skip[vi])
        return 0;
    sl_assess_set_site(fd->a, se != NULL ? se->tier : SL_TIER_SENSITIVE,
                       se != NULL && se->has_rule ? &se->rule : NULL);
    struct sl_vehicle_verdict vv;
    if (sl_assess_judge_vehicle(fd->a, f, vi, &vv) != 0)
        return -1;
    for (size_t i = 0; i < fv->n_parts; i++) {
        sl_vreg_part_row(f, &f->parts[fv->first_part + i], (int)i + 1, &fd->a->pv[i],
                         &texts[i], &rows[i]);
        fd->counts->parts_by[fd->a->pv[i].verdict.decision]++;
    }
    fd->counts->vehicles++;
    fd->counts->parts += fv->n_parts;
    fd->counts->vehicles_by[vv.verdict.decision]++;
    struct sl_vehicle_row *v = &j->v;
    memset(v, 0, sizeof *v);
    v->vin = fv->vin;
    v->make = sl_fleet_str(f, fv->make);
    v->model = sl_fleet_str(f, fv->model);
    v->fleet = sl_fleet_str(f, fv->fleet);
    v->registration = sl_fleet_str(f, fv->registration);
    sl_strlcpy(j->wmi, vv.vin.wmi, sizeof j->wmi);
    v->wmi = j->wmi;
    v->maker = decided_name(&vv.maker); /* the registry's: lives as long as the assessor */
    snprintf(j->source, sizeof j->source, fv->line > 0 ? "%.120s line %u" : "%.120s",
             fd->o->source != NULL ? fd->o->source : "", fv->line);
    v->source = j->source;
    v->model_year = fv->model_year;
    v->model_year_from_vin = fv->model_year_from_vin;
    v->site_id = se != NULL ? se->id : 0;
    v->site = se != NULL ? se->name : NULL;
    v->verdict = vv.verdict;
    return 0;
}

/* Fills batch k (judging thread): 1, 0 when the fleet is done, -1. */
static int fill_batch(void *ctx, size_t k, void *slot, struct sl_err *err)
{
    struct feed *fd = ctx;
    struct batch *b = slot;
    const struct sl_fleet *f = fd->f;
    if (k * BATCH >= f->n_vehicles)
        return 0;
    b->first = k * BATCH;
    b->n = f->n_vehicles - b->first < BATCH ? f->n_vehicles - b->first : BATCH;
    size_t parts = 0;
    for (size_t i = 0; i < b->n; i++)
        parts += f->vehicles[b->first + i].n_parts;
    if (SL_GROW(b->rows, b->cap_rows, parts ? parts : 1, 256) != 0 ||
        SL_GROW(b->texts, b->cap_texts, parts ? parts : 1, 256) != 0)
        return sl_err_set(err, "out of memory");
    size_t row = 0;
    for (size_t i = 0; i < b->n; i++) {
        b->j[i].first_row = row;
        if (judge_one(fd, b->first + i, &b->j[i], b->rows + row, b->texts + row) != 0)
            return sl_err_set(err, "out of memory");
        row += f->vehicles[b->first + i].n_parts;
    }
    return 1;
}

/* The store's reader (writing thread): the next judged vehicle. */
static int feed_next(void *ctx, struct sl_vehicle_row *v, const struct sl_vpart_row **parts,
                     size_t *n, struct sl_err *err)
{
    struct feed *fd = ctx;
    const struct sl_fleet *f = fd->f;
    for (;;) {
        if (fd->o->progress != NULL && (fd->next % 1000 == 0 || fd->next == f->n_vehicles))
            fd->o->progress(fd->next, f->n_vehicles, fd->o->progress_ctx);
        if (fd->cur == NULL || fd->cur_i == fd->cur->n) {
            int rc;
            fd->cur = sl_pipe_take(fd->pipe, &rc, err);
            fd->cur_i = 0;
            if (fd->cur == NULL)
                return rc;
        }
        const struct judged *j = &fd->cur->j[fd->cur_i++];
        size_t vi = fd->next++;
        if (fd->skip[vi])
            continue; /* registered: merged, not added */
        *v = j->v;
        *parts = fd->cur->rows + j->first_row;
        *n = f->vehicles[vi].n_parts;
        return 1;
    }
}

/* Judges and writes the fleet (sites resolved): 0 or -1. */
static int write_fleet(struct sl_store *s, struct feed *fd, size_t *added, struct sl_err *err)
{
    struct batch *ring = calloc(RING, sizeof *ring);
    void *slots[RING];
    if (ring == NULL)
        return sl_err_set(err, "out of memory");
    for (size_t i = 0; i < RING; i++)
        slots[i] = &ring[i];
    int rc = -1;
    fd->pipe = sl_pipe_start(slots, RING, fill_batch, fd, err);
    if (fd->pipe != NULL) {
        rc = sl_store_vehicles_import(s, feed_next, fd, fd->o->actor, added, err);
        sl_pipe_stop(fd->pipe); /* the assessor and counts are this thread's again */
    }
    for (size_t i = 0; i < RING; i++) {
        free(ring[i].rows);
        free(ring[i].texts);
    }
    free(ring);
    return rc;
}

int sl_vreg_import(struct sl_store *s, struct sl_assessor *a, const struct sl_fleet *f,
                   const struct sl_vreg_options *o, struct sl_vreg_counts *counts,
                   struct sl_import_problems *probs, struct sl_err *err)
{
    memset(counts, 0, sizeof *counts);
    memset(probs, 0, sizeof *probs);
    struct sites sites = {0};
    size_t nv = f->n_vehicles ? f->n_vehicles : 1;
    int32_t *site_of = malloc(nv * sizeof *site_of);
    bool *skip = calloc(nv, sizeof *skip);
    if (site_of == NULL || skip == NULL) {
        free(site_of);
        free(skip);
        return sl_err_set(err, "out of memory");
    }
    int rc = resolve_sites(s, f, o->default_site, &sites, site_of, probs, err);
    if (rc == 0 && probs->count > 0)
        rc = 1;
    struct feed fd = {.a = a, .f = f, .o = o, .sites = &sites, .site_of = site_of,
                      .counts = counts, .skip = skip};
    size_t added = 0;
    if (rc == 0 && sl_store_begin(s, err) != 0)
        rc = -1;
    bool open = rc == 0;
    for (size_t vi = 0; rc == 0 && o->merge && vi < f->n_vehicles; vi++) {
        const struct site_entry *se = site_of[vi] >= 0 ? &sites.e[site_of[vi]] : NULL;
        int got = sl_vreg_merge(s, a, f, vi, se != NULL ? se->id : 0, o, counts, err);
        if (got < 0)
            rc = -1;
        skip[vi] = got == 1;
    }
    if (rc == 0 && write_fleet(s, &fd, &added, err) != 0) {
        rc = -1;
        /* A VIN or IMEI taken is the file's problem: name the line of the
         * vehicle being written (the store names the vehicle and which). */
        const struct sl_fleet_vehicle *last = fd.next > 0 ? &f->vehicles[fd.next - 1] : NULL;
        if (err->kind == SL_ERR_EXISTS && last != NULL && last->line > 0) {
            char msg[SL_ERR_MAX];
            sl_strlcpy(msg, err->msg, sizeof msg);
            sl_err_setk(err, SL_ERR_EXISTS, "line %u: %s", last->line, msg);
        }
        memset(counts, 0, sizeof *counts);
    }
    if (open && rc == 0 && sl_store_commit(s, err) != 0)
        rc = -1;
    else if (open && rc != 0)
        sl_store_rollback(s);
    free(sites.e);
    free(site_of);
    free(skip);
    return rc;
}

/* ---- a registered vehicle, read back ------------------------------------------------ */

struct load {
    struct sl_fleet *f;
    struct sl_vreg_vehicle *v;
    size_t cap;
    int failed;
};

static int load_vehicle(const struct sl_vehicle_row *r, void *ctx)
{
    struct load *l = ctx;
    struct sl_fleet_vehicle fv = {.model_year = (uint16_t)r->model_year,
                                  .model_year_from_vin = r->model_year_from_vin};
    /* "fleet.csv line 7": the line, so the vehicle explains as its file did. */
    const char *sp = strrchr(r->source, ' ');
    int64_t line = 0;
    if (sp != NULL && sp - r->source >= 5 && strncmp(sp - 5, " line", 5) == 0 &&
        sl_parse_i64(sp + 1, 1, UINT32_MAX, &line) == 0)
        fv.line = (uint32_t)line;
    sl_strlcpy(fv.vin, r->vin, sizeof fv.vin);
    uint32_t idx;
    struct sl_err err = {0};
    if (sl_fleet_intern(l->f, r->make, &fv.make) != 0 ||
        sl_fleet_intern(l->f, r->model, &fv.model) != 0 ||
        sl_fleet_intern(l->f, r->fleet, &fv.fleet) != 0 ||
        sl_fleet_intern(l->f, r->site, &fv.site) != 0 ||
        sl_fleet_intern(l->f, r->registration, &fv.registration) != 0 ||
        sl_fleet_add_vehicle(l->f, &fv, &idx, &err) != 0)
        l->failed = 1;
    struct sl_vreg_vehicle *v = l->v;
    v->id = r->id;
    v->site_id = r->site_id;
    sl_strlcpy(v->site, r->site, sizeof v->site);
    sl_strlcpy(v->status, r->status, sizeof v->status);
    sl_strlcpy(v->status_since, r->status_since, sizeof v->status_since);
    sl_strlcpy(v->first_seen, r->first_seen, sizeof v->first_seen);
    v->stored = r->verdict;
    return 0;
}

static int load_part(const struct sl_vpart_row *r, void *ctx)
{
    struct load *l = ctx;
    if (strcmp(r->status, "removed") == 0) { /* scheduled and exempt parts are still fitted */
        l->v->n_removed++;
        return 0;
    }
    enum sl_part_kind kind = SL_PART_OTHER;
    enum sl_part_layer layer = SL_LAYER_UNKNOWN;
    sl_part_kind_parse(r->kind, &kind);
    sl_part_layer_parse(r->layer, &layer);
    struct sl_fleet_part p = {.vehicle = 0, .kind = (uint8_t)kind, .layer = (uint8_t)layer};
    const char *texts[] = {r->supplier, r->manufacturer, r->model, r->version, r->imei,
                           r->serial,   r->purl,         r->cpe,   r->source};
    sl_fstr *to[] = {&p.supplier, &p.manufacturer, &p.model, &p.version, &p.imei,
                     &p.serial,   &p.purl,         &p.cpe,   &p.where};
    struct sl_err err = {0};
    for (size_t i = 0; i < 9; i++)
        if (sl_fleet_intern(l->f, texts[i], to[i]) != 0)
            l->failed = 1;
    if (SL_GROW(l->v->part_ids, l->cap, l->v->n_parts + 1, 8) != 0 ||
        sl_fleet_add_part(l->f, &p, &err) != 0) {
        l->failed = 1;
        return 1;
    }
    l->v->part_ids[l->v->n_parts++] = r->id;
    return 0;
}

void sl_vreg_vehicle_free(struct sl_vreg_vehicle *v)
{
    free(v->part_ids);
    v->part_ids = NULL;
    v->n_parts = 0;
}

int sl_vreg_load(struct sl_store *s, int64_t id, struct sl_fleet *f, struct sl_vreg_vehicle *v,
                 struct sl_err *err)
{
    memset(v, 0, sizeof *v);
    v->tier = SL_TIER_SENSITIVE;
    struct load l = {f, v, 0, 0};
    int got = sl_store_vehicle_read(s, id, load_vehicle, load_part, &l, err);
    if (got <= 0)
        return got;
    if (l.failed || sl_fleet_index(f, err) != 0) {
        sl_vreg_vehicle_free(v);
        return sl_err_set(err, "out of memory reading vehicle %lld", (long long)id);
    }
    if (v->site_id > 0) {
        struct sl_site site;
        int sg = sl_store_site_get_id(s, v->site_id, &site, err);
        if (sg < 0) {
            sl_vreg_vehicle_free(v);
            return -1;
        }
        if (sg == 1) {
            struct site_entry e;
            entry_from_site(&e, &site);
            v->tier = e.tier;
            v->has_rule = e.has_rule;
            v->rule = e.rule;
            sl_site_free(&site);
        }
    }
    return 1;
}

void sl_vreg_assess_at(struct sl_assessor *a, const struct sl_vreg_vehicle *v)
{
    sl_assess_set_site(a, v->tier, v->has_rule ? &v->rule : NULL);
}

/* ---- judged again -------------------------------------------------------------------- */

/* Each verdict that changes is recorded (with its audit entry) before its row
 * is rewritten: the history `report --as-of` replays. */
static int write_verdicts(struct sl_store *s, struct sl_assessor *a, const struct sl_vreg_vehicle *v,
                          const struct sl_vehicle_verdict *vv, struct sl_vverdict_change *c,
                          struct sl_err *err)
{
    bool changed;
    c->part_id = 0;
    c->to = &vv->verdict;
    if (sl_store_vverdict_record(s, c, &changed, err) != 0 ||
        sl_store_vehicle_judged(s, v->id, decided_name(&vv->maker), &vv->verdict, err) != 0)
        return -1;
    for (size_t i = 0; i < v->n_parts; i++) {
        struct part_text t;
        join_ids(&a->pv[i], &t);
        c->part_id = v->part_ids[i];
        c->to = &a->pv[i].verdict;
        if (sl_store_vverdict_record(s, c, &changed, err) != 0 ||
            sl_store_vpart_judged(s, v->part_ids[i], decided_name(&a->pv[i]), t.vendors, t.rules,
                                  &a->pv[i].verdict, err) != 0)
            return -1;
    }
    return 0;
}

int sl_vreg_rejudge(struct sl_store *s, struct sl_assessor *a, int64_t id, const char *why,
                    const char *actor, enum sl_decision *old_d, enum sl_decision *new_d,
                    struct sl_err *err)
{
    struct sl_fleet f;
    sl_fleet_init(&f);
    struct sl_vreg_vehicle v;
    int got = sl_vreg_load(s, id, &f, &v, err);
    if (got <= 0) {
        sl_fleet_free(&f);
        return got == 0 ? sl_err_setk(err, SL_ERR_NOT_FOUND, "no vehicle %lld", (long long)id) : -1;
    }
    sl_vreg_assess_at(a, &v);
    struct sl_vehicle_verdict vv;
    struct sl_vverdict_change c = {.vehicle_id = id, .vin = f.vehicles[0].vin, .actor = actor,
                                   .why = why != NULL ? why : ""};
    int rc = sl_store_begin(s, err);
    if (rc == 0 && sl_assess_judge_vehicle(a, &f, 0, &vv) != 0)
        rc = sl_err_set(err, "out of memory");
    if (rc == 0)
        rc = write_verdicts(s, a, &v, &vv, &c, err);
    if (rc == 0)
        rc = sl_store_commit(s, err);
    else
        sl_store_rollback(s);
    if (old_d != NULL)
        *old_d = v.stored.decision;
    if (new_d != NULL)
        *new_d = vv.verdict.decision;
    sl_vreg_vehicle_free(&v);
    sl_fleet_free(&f);
    return rc;
}

struct ids {
    int64_t *id;
    size_t n, cap;
    bool oom;
};

static int collect_id(const struct sl_vehicle_row *r, void *ctx)
{
    struct ids *c = ctx;
    if (SL_GROW(c->id, c->cap, c->n + 1, 64) != 0) {
        c->oom = true;
        return 1;
    }
    c->id[c->n++] = r->id;
    return 0;
}

int sl_vreg_set_site_rule(struct sl_store *s, struct sl_assessor *a, int64_t site_id,
                          const struct sl_site_rule *rule, const char *actor,
                          struct sl_vreg_counts *counts, size_t *changed, struct sl_err *err)
{
    memset(counts, 0, sizeof *counts);
    *changed = 0;
    char text[64] = "";
    if (rule != NULL)
        sl_site_rule_format(rule, text, sizeof text);
    if (sl_store_begin(s, err) != 0)
        return -1;
    struct ids c = {0};
    struct sl_vehicle_filter flt = {.site_id = site_id};
    int rc = sl_store_site_set_vehicle_rule(s, site_id, rule != NULL ? text : NULL, actor, err);
    if (rc == 0)
        rc = sl_store_vehicle_list(s, &flt, collect_id, &c, err);
    if (rc == 0 && c.oom)
        rc = sl_err_set(err, "out of memory");
    char why[96];
    snprintf(why, sizeof why, "the site's vehicle rule is now %s", text[0] ? text : "unset");
    for (size_t i = 0; rc == 0 && i < c.n; i++) {
        enum sl_decision was, now;
        rc = sl_vreg_rejudge(s, a, c.id[i], why, actor, &was, &now, err);
        counts->vehicles++;
        counts->vehicles_by[now]++;
        *changed += was != now;
    }
    free(c.id);
    if (rc != 0) {
        sl_store_rollback(s);
        memset(counts, 0, sizeof *counts);
        return -1;
    }
    return sl_store_commit(s, err);
}

int sl_vreg_set_status(struct sl_store *s, struct sl_assessor *a, struct sl_vehicle_event *ev,
                       char *why, size_t whyn, enum sl_decision *old_d, enum sl_decision *new_d,
                       struct sl_err *err)
{
    if (sl_store_begin(s, err) != 0)
        return -1;
    char since[SL_ISO_LEN] = "";
    int rc = sl_store_vehicle_status(s, ev, since, err);
    if (rc == 0 && sl_vstatus_check(ev, since, sl_now(), why, whyn) != 0)
        return sl_store_commit(s, err) == 0 ? 0 : -1; /* refused: nothing written */
    char what[96];
    snprintf(what, sizeof what, "%s %s",
             ev->part_id ? "a part's status is now" : ev->site_id ? "moved; status" : "status",
             ev->to_status);
    if (rc != 0 || sl_store_vehicle_set_status(s, ev, err) != 0 ||
        sl_vreg_rejudge(s, a, ev->vehicle_id, what, ev->actor, old_d, new_d, err) != 0) {
        sl_store_rollback(s);
        return -1;
    }
    return sl_store_commit(s, err) == 0 ? 1 : -1;
}
