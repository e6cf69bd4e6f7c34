/* vehicle_figures.c - the report's vehicles section, counted from the
 * register (vehicle_figures.h). It renders nothing (report/ does). */
#include "programme/vehicle_figures.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/str.h"

bool sl_vfig_affected(enum sl_decision d)
{
    return d == SL_DECISION_PROHIBITED || d == SL_DECISION_REPLACE_BY ||
           d == SL_DECISION_RESTRICTED;
}

static void count(struct sl_vfig_counts *c, enum sl_decision d, const char *deadline,
                  int64_t n)
{
    c->total += n;
    c->by[d] += n;
    if (sl_vfig_affected(d))
        c->affected += n;
    if (d == SL_DECISION_REPLACE_BY && deadline != NULL && deadline[0] &&
        (c->earliest[0] == '\0' || strcmp(deadline, c->earliest) < 0))
        sl_strlcpy(c->earliest, deadline, sizeof c->earliest);
}

struct table {
    struct sl_vfig_row **rows;
    size_t *n, cap, last;
};

/* The row named `name`, added when new; past SL_VFIG_MAX_ROWS, "(others)". NULL: out of memory. */
static struct sl_vfig_row *row(struct table *t, const char *name)
{
    struct sl_vfig_row *r = *t->rows;
    if (t->last < *t->n && strcmp(r[t->last].name, name) == 0)
        return &r[t->last];
    for (size_t i = 0; i < *t->n; i++)
        if (strcmp(r[i].name, name) == 0)
            return &r[t->last = i];
    if (*t->n == SL_VFIG_MAX_ROWS)
        name = "(others)";
    if (*t->n > SL_VFIG_MAX_ROWS)
        return &r[*t->n - 1];
    if (SL_GROW(*t->rows, t->cap, *t->n + 1, 16) != 0)
        return NULL;
    r = *t->rows;
    memset(&r[*t->n], 0, sizeof r[*t->n]);
    sl_strlcpy(r[*t->n].name, name, sizeof r[*t->n].name);
    t->last = (*t->n)++;
    return &r[t->last];
}

struct walk {
    struct sl_vehicle_figures *f;
    struct table fleets, sites, years;
    bool oom;
};

static int on_vehicle(const struct sl_vehicle_fig_row *v, void *ctx)
{
    struct walk *w = ctx;
    if (strcmp(v->status, "active") != 0) {
        w->f->retired++;
        return 0;
    }
    count(&w->f->vehicles, v->decision, v->deadline, 1);
    char year[16] = "";
    if (v->model_year > 0)
        snprintf(year, sizeof year, "%d", v->model_year);
    struct sl_vfig_row *fl = row(&w->fleets, v->fleet), *si = row(&w->sites, v->site);
    struct sl_vfig_row *yr = row(&w->years, year);
    if (fl == NULL || si == NULL || yr == NULL) {
        w->oom = true;
        return 1;
    }
    count(&fl->c, v->decision, v->deadline, 1);
    count(&si->c, v->decision, v->deadline, 1);
    count(&yr->c, v->decision, v->deadline, 1);
    sl_strlcpy(si->tier, v->tier, sizeof si->tier);
    sl_strlcpy(si->rule, v->site_rule, sizeof si->rule);
    return 0;
}

struct groups {
    struct walk *w;
    struct table *t;
    bool vendor;
};

static int on_group(const struct sl_vpart_group *g, void *ctx)
{
    struct groups *gr = ctx;
    struct sl_vfig_row *r = row(gr->t, g->key);
    if (r == NULL) {
        gr->w->oom = true;
        return 1;
    }
    count(gr->vendor ? &r->c : &r->parts, g->decision, g->earliest, g->count);
    if (gr->vendor)
        count(&gr->w->f->parts, g->decision, g->earliest, g->count);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    const struct sl_vfig_row *x = a, *y = b;
    /* "" (none) last, "(others)" after it */
    int ox = strcmp(x->name, "(others)") == 0, oy = strcmp(y->name, "(others)") == 0;
    if (ox != oy)
        return ox - oy;
    if ((x->name[0] == '\0') != (y->name[0] == '\0'))
        return x->name[0] == '\0' ? 1 : -1;
    return strcmp(x->name, y->name);
}

int sl_vehicle_figures(struct sl_store *s, const char *scope_kind, const char *scope_value,
                       const char *until, struct sl_vehicle_figures *out, struct sl_err *err)
{
    memset(out, 0, sizeof *out);
    struct walk w = {out, {&out->fleets, &out->n_fleets, 0, 0}, {&out->sites, &out->n_sites, 0, 0},
                     {&out->years, &out->n_years, 0, 0}, false};
    struct table vendors = {&out->vendors, &out->n_vendors, 0, 0};
    struct sl_vehicle_scope sc = {scope_kind, scope_value, until};
    struct groups gv = {&w, &vendors, true}, gy = {&w, &w.years, false};
    int rc = sl_store_vehicle_figures(s, &sc, on_vehicle, &w, err);
    if (rc == 0 && !w.oom)
        rc = sl_store_vpart_groups(s, &sc, "vendor", on_group, &gv, err);
    if (rc == 0 && !w.oom)
        rc = sl_store_vpart_groups(s, &sc, "model_year", on_group, &gy, err);
    if (rc == 0 && w.oom)
        rc = sl_err_set(err, "out of memory counting vehicles");
    if (rc != 0) {
        sl_vehicle_figures_free(out);
        return -1;
    }
    struct sl_vfig_row *tables[] = {out->fleets, out->sites, out->vendors, out->years};
    size_t counts[] = {out->n_fleets, out->n_sites, out->n_vendors, out->n_years};
    for (size_t i = 0; i < 4; i++)
        if (counts[i] > 1)
            qsort(tables[i], counts[i], sizeof *tables[i], by_name);
    return 0;
}

void sl_vehicle_figures_free(struct sl_vehicle_figures *f)
{
    free(f->fleets);
    free(f->sites);
    free(f->vendors);
    free(f->years);
    free(f->milestones);
    memset(f, 0, sizeof *f);
}
