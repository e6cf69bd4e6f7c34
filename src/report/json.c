/* json.c - the programme report as JSON: the figures built with jansson, the
 * device list streamed. Computes no figure (programme/progress.c does). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scan/jsonl.h"
#include "report/report.h"

static json_t *str_or_null(const char *s)
{
    return s != NULL && *s ? json_string(s) : json_null();
}

static json_t *counts_json(const struct sl_prog_counts *c, json_t *o)
{
    if (o == NULL)
        o = json_object();
    json_object_set_new(o, "affected", json_integer(c->affected));
    json_object_set_new(o, "replaced", json_integer(c->replaced));
    json_object_set_new(o, "verified", json_integer(c->verified));
    json_object_set_new(o, "exempt", json_integer(c->exempt));
    json_object_set_new(o, "outstanding", json_integer(c->outstanding));
    json_object_set_new(o, "overdue", json_integer(c->overdue));
    json_object_set_new(o, "reappeared", json_integer(c->reappeared));
    json_object_set_new(o, "replaced_pct", json_real(sl_report_pct(c->replaced_pct)));
    json_object_set_new(o, "verified_pct", json_real(sl_report_pct(c->verified_pct)));
    json_t *bs = json_object();
    for (int i = 0; i < SL_STATUS_COUNT; i++)
        json_object_set_new(bs, sl_status_name((enum sl_status)i), json_integer(c->by_status[i]));
    json_object_set_new(o, "by_status", bs);
    return o;
}

static json_t *forecast_json(const struct sl_forecast *f, int window)
{
    json_t *o = json_object();
    json_object_set_new(o, "state", json_string(sl_fc_state_name(f->state)));
    json_object_set_new(o, "finish", str_or_null(f->finish));
    json_object_set_new(o, "earliest", str_or_null(f->earliest));
    json_object_set_new(o, "latest", str_or_null(f->latest));
    json_object_set_new(o, "rate_per_week", json_real(round(f->rate * 10) / 10));
    json_object_set_new(o, "trend_per_week", json_real(round(f->slope * 100) / 100));
    json_object_set_new(o, "mean_per_week", json_real(round(f->mean_rate * 10) / 10));
    json_object_set_new(o, "weeks_used", json_integer(f->weeks));
    json_object_set_new(o, "window_weeks", json_integer(window));
    json_object_set_new(o, "remaining", json_integer(f->remaining));
    return o;
}

static json_t *rows_json(const struct sl_prog_row *rows, size_t n, bool site, bool fc, int window)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(rows[i].name));
        if (site) {
            json_object_set_new(o, "department", json_string(rows[i].department));
            json_object_set_new(o, "tier", json_string(rows[i].tier));
        }
        counts_json(&rows[i].c, o);
        if (fc)
            json_object_set_new(o, "forecast", forecast_json(&rows[i].fc, window));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *milestone_json(const struct sl_prog_milestone *m)
{
    bool pct = strcmp(m->m.target_kind, "percent") == 0;
    json_t *mo = json_object();
    json_object_set_new(mo, "name", json_string(m->m.name));
    json_object_set_new(mo, "due", json_string(m->m.due));
    json_object_set_new(mo, "target_kind", json_string(m->m.target_kind));
    json_object_set_new(mo, "target", json_real(m->m.target));
    json_object_set_new(mo, "scope_kind", json_string(m->m.scope_kind));
    json_object_set_new(mo, "scope_value", str_or_null(m->m.scope_value));
    json_object_set_new(mo, "status", json_string(sl_ms_status_name(m->status)));
    json_object_set_new(mo, "evaluated_on", str_or_null(m->evaluated_on));
    json_object_set_new(mo, "affected", json_integer(m->affected));
    json_object_set_new(mo, "replaced", json_integer(m->replaced));
    /* A count is a whole number, as the CSV and HTML reports write it. */
    json_object_set_new(mo, "achieved", pct ? json_real(sl_report_pct(m->achieved))
                                            : json_integer((json_int_t)round(m->achieved)));
    json_object_set_new(mo, "projected", pct ? json_real(sl_report_pct(m->projected))
                                             : json_integer((json_int_t)round(m->projected)));
    json_object_set_new(mo, "forecast_miss", json_boolean(m->forecast_miss));
    json_object_set_new(mo, "note", json_string(m->note));
    json_object_set_new(mo, "of", json_string(m->m.subject[0] ? m->m.subject : "devices"));
    return mo;
}

/* A milestone of vehicle parts: a device milestone's fields, and the parts
 * exempt and outstanding, and when the outstanding ones are forecast out. */
static json_t *vehicle_milestones_json(const struct sl_vehicle_figures *v)
{
    json_t *a = json_array();
    for (size_t i = 0; i < v->n_milestones; i++) {
        const struct sl_vfig_milestone *vm = &v->milestones[i];
        json_t *o = milestone_json(&vm->pm);
        json_object_set_new(o, "exempt", json_integer(vm->exempt));
        json_object_set_new(o, "outstanding", json_integer(vm->outstanding));
        json_object_set_new(o, "forecast", forecast_json(&vm->fc, v->window));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *milestones_json(const struct sl_progress *p)
{
    json_t *ms = json_array();
    for (size_t i = 0; i < p->n_milestones; i++)
        json_array_append_new(ms, milestone_json(&p->milestones[i]));
    return ms;
}

/* The lists and series: overdue sites, weeks, the projection. */
static void series_json(json_t *o, const struct sl_progress *p)
{
    json_t *od = json_array();
    for (size_t k = 0; k < p->n_overdue_sites; k++) {
        const struct sl_prog_row *r = &p->sites[p->overdue_sites[k]];
        json_array_append_new(od, json_pack("{s:s, s:s, s:s, s:I, s:I}", "name", r->name,
                                            "department", r->department, "tier", r->tier,
                                            "overdue", (json_int_t)r->c.overdue, "outstanding",
                                            (json_int_t)r->c.outstanding));
    }
    json_object_set_new(o, "overdue_sites", od);

    json_t *wk = json_array();
    for (size_t i = 0; i < p->n_weeks; i++) {
        const struct sl_prog_week *w = &p->weeks[i];
        json_array_append_new(
            wk, json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "end", w->end, "affected",
                          (json_int_t)w->affected, "replaced", (json_int_t)w->replaced,
                          "verified", (json_int_t)w->verified, "exempt", (json_int_t)w->exempt,
                          "outstanding", (json_int_t)w->outstanding, "removals",
                          (json_int_t)w->removals));
    }
    json_object_set_new(o, "weeks", wk);

    json_t *pj = json_array();
    for (size_t i = 0; i < p->n_projection; i++) {
        const struct sl_prog_projection *pr = &p->projection[i];
        json_array_append_new(pj, json_pack("{s:s, s:f, s:f, s:f}", "end", pr->end, "central",
                                            round(pr->central * 10) / 10, "optimistic",
                                            round(pr->optimistic * 10) / 10, "pessimistic",
                                            round(pr->pessimistic * 10) / 10));
    }
    json_object_set_new(o, "projection", pj);
}

static void listed_json(json_t *o, const struct sl_progress *p)
{
    json_t *ex = json_array();
    for (size_t i = 0; i < p->n_exemptions; i++) {
        const struct sl_prog_exemption *x = &p->exemptions[i];
        json_array_append_new(
            ex, json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:I, s:s}", "device",
                          (json_int_t)x->device_id, "site", str_or_null(x->site), "address",
                          str_or_null(x->address), "manufacturer", str_or_null(x->manufacturer),
                          "model", str_or_null(x->model), "reason", str_or_null(x->reason),
                          "approver", str_or_null(x->approver), "until", str_or_null(x->until),
                          "expired", x->expired, "days_left", (json_int_t)x->days_left,
                          "falls_back_to", x->falls_back_to));
    }
    json_object_set_new(o, "exemptions", json_pack("{s:I, s:o}", "total",
                                                   (json_int_t)p->n_exemptions_total, "listed",
                                                   ex));
    json_t *ra = json_array();
    for (size_t i = 0; i < p->n_reappearances; i++) {
        const struct sl_prog_reappearance *x = &p->reappearances[i];
        json_array_append_new(
            ra, json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o}", "device",
                          (json_int_t)x->device_id, "site", str_or_null(x->site), "address",
                          str_or_null(x->address), "manufacturer", str_or_null(x->manufacturer),
                          "model", str_or_null(x->model), "at", str_or_null(x->at), "note",
                          str_or_null(x->note)));
    }
    json_object_set_new(o, "reappearances", json_pack("{s:I, s:o}", "total",
                                                      (json_int_t)p->n_reappearances_total,
                                                      "listed", ra));
}

/* The verdict changes by the as-of date, newest first. */
static void verdict_changes_json(json_t *o, const struct sl_progress *p)
{
    json_t *a = json_array();
    for (size_t i = 0; i < p->n_verdict_changes; i++) {
        const struct sl_prog_verdict_change *x = &p->verdict_changes[i];
        json_t *e = json_pack("{s:I, s:s, s:o, s:o, s:s, s:s, s:o, s:o}", "device",
                              (json_int_t)x->device_id, "at", x->at, "site",
                              str_or_null(x->site), "address", str_or_null(x->address), "from",
                              x->from, "to", x->to, "from_deadline",
                              str_or_null(x->from_deadline), "to_deadline",
                              str_or_null(x->to_deadline));
        json_object_update_new(
            e, json_pack("{s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:o}", "from_manufacturer",
                         str_or_null(x->from_manufacturer), "to_manufacturer",
                         str_or_null(x->to_manufacturer), "policy", str_or_null(x->policy),
                         "policy_version", str_or_null(x->policy_version), "rules",
                         str_or_null(x->rules), "via", x->via, "actor", x->actor, "reason",
                         str_or_null(x->reason)));
        json_array_append_new(a, e);
    }
    json_object_set_new(o, "verdict_changes",
                        json_pack("{s:I, s:o}", "total", (json_int_t)p->n_verdict_changes_total,
                                  "listed", a));
}

/* The site agents in scope, as they are when the report is made. */
static void agents_json(json_t *o, const struct sl_progress *p)
{
    const struct sl_agent_figures *f = &p->agents;
    json_t *a = json_array();
    for (size_t i = 0; i < f->n_listed; i++) {
        const struct sl_afig_agent *x = &f->listed[i];
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:s, s:o, s:o, s:I, s:b}", "name", x->name, "sites",
                         x->sites, "state", x->state, "last_seen", str_or_null(x->last_seen),
                         "version", str_or_null(x->version), "spool_batches",
                         (json_int_t)x->spool_batches, "spool_full", x->spool_full));
    }
    json_object_set_new(o, "agents",
                        json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:o}", "state_at",
                                  p->generated_at, "enrolled", (json_int_t)f->enrolled, "ok",
                                  (json_int_t)f->ok, "stale", (json_int_t)f->stale, "revoked",
                                  (json_int_t)f->revoked, "spool_full",
                                  (json_int_t)f->spool_full, "listed", a));
}

static json_t *vcounts_json(const struct sl_vfig_counts *c, json_t *o)
{
    if (o == NULL)
        o = json_object();
    json_object_set_new(o, "total", json_integer(c->total));
    json_object_set_new(o, "affected", json_integer(c->affected));
    for (size_t i = 0; i < SL_REPORT_DECISIONS; i++)
        json_object_set_new(o, sl_decision_name(sl_report_decisions[i]),
                            json_integer(c->by[sl_report_decisions[i]]));
    json_object_set_new(o, "earliest_deadline", str_or_null(c->earliest));
    return o;
}

static json_t *vrows_json(const struct sl_vfig_row *rows, size_t n, bool site)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:o}", "name", str_or_null(rows[i].name));
        if (site) {
            json_object_set_new(o, "tier", str_or_null(rows[i].tier));
            json_object_set_new(o, "vehicle_rule", str_or_null(rows[i].rule));
        }
        json_array_append_new(a, vcounts_json(&rows[i].c, o));
    }
    return a;
}

json_t *sl_report_vehicles_json(const struct sl_vehicle_figures *v)
{
    json_t *years = json_array();
    for (size_t i = 0; i < v->n_years; i++)
        json_array_append_new(years, json_pack("{s:o, s:o, s:o}", "model_year",
                                               str_or_null(v->years[i].name), "vehicles",
                                               vcounts_json(&v->years[i].c, NULL), "parts",
                                               vcounts_json(&v->years[i].parts, NULL)));
    return json_pack("{s:s, s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:o}", "definitions",
                     sl_report_vehicle_definitions, "vehicles", vcounts_json(&v->vehicles, NULL),
                     "retired", (json_int_t)v->retired, "parts", vcounts_json(&v->parts, NULL),
                     "by_fleet", vrows_json(v->fleets, v->n_fleets, false), "by_site",
                     vrows_json(v->sites, v->n_sites, true), "parts_by_vendor",
                     vrows_json(v->vendors, v->n_vendors, false), "by_model_year", years,
                     "milestones", vehicle_milestones_json(v));
}

json_t *sl_report_figures_json(const struct sl_progress *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "report", json_string("sightline removal programme"));
    json_object_set_new(o, "format_version", json_integer(1));
    json_object_set_new(o, "as_of", json_string(p->as_of));
    json_object_set_new(o, "generated_at", json_string(p->generated_at));
    json_object_set_new(o, "audit_head", json_pack("{s:I, s:s}", "entry",
                                                   (json_int_t)p->audit_head_seq, "sha256",
                                                   p->audit_head_hash));
    json_object_set_new(o, "programme_start", str_or_null(p->start));
    json_object_set_new(o, "scope", json_pack("{s:s, s:o, s:s}", "kind",
                                              sl_scope_kind_name(p->scope.kind), "value",
                                              str_or_null(p->scope.value), "text", p->scope_text));
    json_object_set_new(o, "headline", json_string(p->headline));
    json_object_set_new(o, "definitions", json_string(sl_progress_definitions));
    json_object_set_new(o, "method", json_string(sl_progress_method));
    json_object_set_new(o, "totals", counts_json(&p->total, NULL));
    json_object_set_new(o, "forecast", forecast_json(&p->forecast, p->window));

    json_object_set_new(o, "milestones", milestones_json(p));
    json_object_set_new(o, "by_tier", rows_json(p->tiers, SL_TIER_COUNT, false, true, p->window));
    json_object_set_new(o, "by_department",
                        rows_json(p->departments, p->n_departments, false, true, p->window));
    json_object_set_new(o, "by_site", rows_json(p->sites, p->n_sites, true, false, p->window));

    series_json(o, p);
    listed_json(o, p);
    verdict_changes_json(o, p);
    agents_json(o, p);
    json_object_set_new(o, "vehicles", sl_report_vehicles_json(&p->vehicles));
    return o;
}

struct dev_ctx {
    FILE *out;
    size_t n;
};

static int dev_json(const struct sl_prog_device *pd, void *vctx)
{
    struct dev_ctx *c = vctx;
    json_t *o = sl_device_to_json(pd->d);
    json_object_set_new(o, "status_as_of", json_string(sl_status_name(pd->status)));
    json_object_set_new(o, "overdue", json_boolean(pd->overdue));
    json_object_set_new(o, "evidence_summary", str_or_null(pd->evidence));
    json_object_set_new(o, "evidence_count", json_integer(pd->evidence_count));
    char *txt = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
    json_decref(o);
    if (txt != NULL) {
        fprintf(c->out, "%s\n      %s", c->n ? "," : "", txt);
        free(txt);
    }
    c->n++;
    return 0;
}

int sl_report_json(FILE *out, struct sl_store *s, const struct sl_progress *p,
                   const struct sl_report_opts *o, struct sl_err *err)
{
    json_t *fig = sl_report_figures_json(p);
    char *txt = json_dumps(fig, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
    json_decref(fig);
    if (txt == NULL)
        return sl_err_set(err, "out of memory writing JSON");
    /* Write the figures object without its closing brace, then stream the devices. */
    size_t len = strlen(txt);
    while (len > 0 && txt[len - 1] != '}')
        len--;
    fwrite(txt, 1, len > 0 ? len - 1 : 0, out);
    free(txt);
    char lim[32] = "null"; /* null: all of them */
    if (o->device_limit != SL_REPORT_ALL_DEVICES)
        snprintf(lim, sizeof lim, "%lld", (long long)o->device_limit);
    fprintf(out, ",\n  \"devices\": {\n    \"affected\": %lld,\n    \"outstanding\": %lld,\n"
                 "    \"limit\": %s,\n    \"listed\": [",
            (long long)p->total.affected, (long long)p->total.outstanding, lim);
    struct dev_ctx c = {out, 0};
    if (sl_progress_devices(s, p, o->device_limit, dev_json, &c, err) != 0)
        return -1;
    fprintf(out, "%s]\n  }\n}\n", c.n ? "\n    " : "");
    return ferror(out) ? sl_err_set(err, "write error") : 0;
}
