/* csv.c - the programme report as long-format CSV: section,name,field,value.
 * One figure a row, so a spreadsheet's pivot table can regroup it any way. */
#include <string.h>

#include "report/report.h"
#include "util/csv.h"

static void row(FILE *out, const char *section, const char *name, const char *field,
                const char *value)
{
    const char *f[4] = {section, name, field, value != NULL ? value : ""};
    sl_csv_write_row(out, f, 4);
}

static void rowi(FILE *out, const char *section, const char *name, const char *field, int64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", (long long)v);
    row(out, section, name, field, b);
}

static void rowp(FILE *out, const char *section, const char *name, const char *field, double v)
{
    char b[32];
    sl_report_pct_text(v, b, sizeof b);
    row(out, section, name, field, b);
}

static void counts(FILE *out, const char *section, const char *name, const struct sl_prog_counts *c)
{
    rowi(out, section, name, "affected", c->affected);
    rowi(out, section, name, "replaced", c->replaced);
    rowi(out, section, name, "verified", c->verified);
    rowi(out, section, name, "exempt", c->exempt);
    rowi(out, section, name, "outstanding", c->outstanding);
    rowi(out, section, name, "overdue", c->overdue);
    rowi(out, section, name, "reappeared", c->reappeared);
    rowp(out, section, name, "replaced_pct", c->replaced_pct);
    rowp(out, section, name, "verified_pct", c->verified_pct);
    for (int i = 0; i < SL_STATUS_COUNT; i++) {
        char f[40];
        snprintf(f, sizeof f, "status_%s", sl_status_name((enum sl_status)i));
        rowi(out, section, name, f, c->by_status[i]);
    }
}

static void forecast(FILE *out, const char *section, const char *name, const struct sl_forecast *f)
{
    char b[32];
    row(out, section, name, "forecast_state", sl_fc_state_name(f->state));
    row(out, section, name, "forecast_finish", f->finish);
    row(out, section, name, "forecast_earliest", f->earliest);
    row(out, section, name, "forecast_latest", f->latest);
    snprintf(b, sizeof b, "%.1f", f->rate);
    row(out, section, name, "forecast_rate_per_week", b);
    rowi(out, section, name, "forecast_weeks_used", f->weeks);
}

/* A milestone's rows (devices: section "milestone"; vehicle parts: "vehicle_milestone"). */
static void milestone(FILE *out, const char *section, const struct sl_prog_milestone *m)
{
    bool pct = strcmp(m->m.target_kind, "percent") == 0;
    char b[SL_NAME_MAX + 32];
    row(out, section, m->m.name, "due", m->m.due);
    row(out, section, m->m.name, "target_kind", m->m.target_kind);
    snprintf(b, sizeof b, "%g", m->m.target);
    row(out, section, m->m.name, "target", b);
    snprintf(b, sizeof b, "%s%s%s", m->m.scope_kind, m->m.scope_value[0] ? ":" : "",
             m->m.scope_value);
    row(out, section, m->m.name, "scope", b);
    row(out, section, m->m.name, "status", sl_ms_status_name(m->status));
    rowi(out, section, m->m.name, "affected", m->affected);
    rowi(out, section, m->m.name, "replaced", m->replaced);
    if (pct) {
        rowp(out, section, m->m.name, "achieved", m->achieved);
        rowp(out, section, m->m.name, "projected", m->projected);
    } else {
        rowi(out, section, m->m.name, "achieved", (int64_t)m->achieved);
        snprintf(b, sizeof b, "%.0f", m->projected);
        row(out, section, m->m.name, "projected", b);
    }
    row(out, section, m->m.name, "note", m->note);
    row(out, section, m->m.name, "of", m->m.subject[0] ? m->m.subject : "devices");
}

/* The verdict changes: one name per change, "DEVICE@TIME" (a device may change twice). */
static void verdict_changes(FILE *out, const struct sl_progress *p)
{
    rowi(out, "verdict_changes", "all", "total", (int64_t)p->n_verdict_changes_total);
    for (size_t i = 0; i < p->n_verdict_changes; i++) {
        const struct sl_prog_verdict_change *x = &p->verdict_changes[i];
        char id[48];
        snprintf(id, sizeof id, "%lld@%s", (long long)x->device_id, x->at);
        row(out, "verdict_change", id, "site", x->site);
        row(out, "verdict_change", id, "address", x->address);
        row(out, "verdict_change", id, "from", x->from);
        row(out, "verdict_change", id, "to", x->to);
        row(out, "verdict_change", id, "to_deadline", x->to_deadline);
        row(out, "verdict_change", id, "from_manufacturer", x->from_manufacturer);
        row(out, "verdict_change", id, "to_manufacturer", x->to_manufacturer);
        row(out, "verdict_change", id, "policy", x->policy);
        row(out, "verdict_change", id, "policy_version", x->policy_version);
        row(out, "verdict_change", id, "rules", x->rules);
        row(out, "verdict_change", id, "via", x->via);
        row(out, "verdict_change", id, "reason", x->reason);
    }
}

/* The site agents in scope (their state when the report is made). */
static void agents(FILE *out, const struct sl_progress *p)
{
    const struct sl_agent_figures *f = &p->agents;
    row(out, "agents", "all", "state_at", p->generated_at);
    rowi(out, "agents", "all", "enrolled", f->enrolled);
    rowi(out, "agents", "all", "ok", f->ok);
    rowi(out, "agents", "all", "stale", f->stale);
    rowi(out, "agents", "all", "revoked", f->revoked);
    rowi(out, "agents", "all", "spool_full", f->spool_full);
    for (size_t i = 0; i < f->n_listed; i++) {
        const struct sl_afig_agent *x = &f->listed[i];
        row(out, "agent", x->name, "sites", x->sites);
        row(out, "agent", x->name, "state", x->state);
        row(out, "agent", x->name, "last_seen", x->last_seen);
        row(out, "agent", x->name, "version", x->version);
        rowi(out, "agent", x->name, "spool_batches", x->spool_batches);
        row(out, "agent", x->name, "spool_full", x->spool_full ? "true" : "false");
    }
}

/* A vehicle count: PREFIX + total, affected, each decision, earliest_deadline. */
static void vcounts(FILE *out, const char *section, const char *name, const char *prefix,
                    const struct sl_vfig_counts *c)
{
    char f[64];
    snprintf(f, sizeof f, "%stotal", prefix);
    rowi(out, section, name, f, c->total);
    snprintf(f, sizeof f, "%saffected", prefix);
    rowi(out, section, name, f, c->affected);
    for (size_t i = 0; i < SL_REPORT_DECISIONS; i++) {
        snprintf(f, sizeof f, "%s%s", prefix, sl_decision_name(sl_report_decisions[i]));
        rowi(out, section, name, f, c->by[sl_report_decisions[i]]);
    }
    snprintf(f, sizeof f, "%searliest_deadline", prefix);
    row(out, section, name, f, c->earliest);
}

static void vehicles(FILE *out, const struct sl_vehicle_figures *v)
{
    vcounts(out, "vehicles", "", "vehicles_", &v->vehicles);
    rowi(out, "vehicles", "", "retired", v->retired);
    vcounts(out, "vehicles", "", "parts_", &v->parts);
    for (size_t i = 0; i < v->n_fleets; i++)
        vcounts(out, "vehicle_fleet", v->fleets[i].name, "", &v->fleets[i].c);
    for (size_t i = 0; i < v->n_sites; i++) {
        row(out, "vehicle_site", v->sites[i].name, "tier", v->sites[i].tier);
        row(out, "vehicle_site", v->sites[i].name, "vehicle_rule", v->sites[i].rule);
        vcounts(out, "vehicle_site", v->sites[i].name, "", &v->sites[i].c);
    }
    for (size_t i = 0; i < v->n_vendors; i++)
        vcounts(out, "vehicle_vendor", v->vendors[i].name, "", &v->vendors[i].c);
    for (size_t i = 0; i < v->n_years; i++) {
        vcounts(out, "vehicle_model_year", v->years[i].name, "vehicles_", &v->years[i].c);
        vcounts(out, "vehicle_model_year", v->years[i].name, "parts_", &v->years[i].parts);
    }
    for (size_t i = 0; i < v->n_milestones; i++) {
        const struct sl_vfig_milestone *vm = &v->milestones[i];
        milestone(out, "vehicle_milestone", &vm->pm);
        rowi(out, "vehicle_milestone", vm->pm.m.name, "exempt", vm->exempt);
        rowi(out, "vehicle_milestone", vm->pm.m.name, "outstanding", vm->outstanding);
        forecast(out, "vehicle_milestone", vm->pm.m.name, &vm->fc);
    }
}

struct dev_ctx {
    FILE *out;
};

static int dev_row(const struct sl_prog_device *pd, void *vctx)
{
    FILE *out = ((struct dev_ctx *)vctx)->out;
    const struct sl_device *d = pd->d;
    char id[24], rules[SL_CLAIM_RULES_TEXT];
    snprintf(id, sizeof id, "%lld", (long long)d->id);
    sl_claim_rules_text(&d->claim, " ", rules, sizeof rules);
    row(out, "device", id, "site", d->site);
    row(out, "device", id, "address", d->address);
    row(out, "device", id, "mac", d->mac);
    row(out, "device", id, "serial", d->serial);
    row(out, "device", id, "manufacturer", d->claim.manufacturer);
    row(out, "device", id, "brand", d->claim.brand);
    row(out, "device", id, "model", d->claim.model);
    row(out, "device", id, "decision", sl_decision_name(d->verdict.decision));
    row(out, "device", id, "policy", d->verdict.policy);
    row(out, "device", id, "deadline", d->verdict.deadline);
    row(out, "device", id, "reason", d->verdict.reason);
    row(out, "device", id, "rules", rules);
    row(out, "device", id, "evidence", pd->evidence);
    row(out, "device", id, "status_as_of", sl_status_name(pd->status));
    row(out, "device", id, "scheduled_for", d->scheduled_for);
    row(out, "device", id, "overdue", pd->overdue ? "yes" : "no");
    return 0;
}

int sl_report_csv(FILE *out, struct sl_store *s, const struct sl_progress *p,
                  const struct sl_report_opts *o, struct sl_err *err)
{
    static const char *const head[] = {"section", "name", "field", "value"};
    sl_csv_write_row(out, head, 4);
    row(out, "report", "", "as_of", p->as_of);
    row(out, "report", "", "generated_at", p->generated_at);
    char anchor[96];
    snprintf(anchor, sizeof anchor, "%lld %s", (long long)p->audit_head_seq, p->audit_head_hash);
    row(out, "report", "", "audit_head", anchor);
    row(out, "report", "", "programme_start", p->start);
    row(out, "report", "", "scope", p->scope_text);
    row(out, "report", "", "headline", p->headline);
    counts(out, "totals", "", &p->total);
    forecast(out, "totals", "", &p->forecast);
    for (size_t i = 0; i < p->n_milestones; i++)
        milestone(out, "milestone", &p->milestones[i]);
    for (int t = 0; t < SL_TIER_COUNT; t++) {
        counts(out, "tier", p->tiers[t].name, &p->tiers[t].c);
        forecast(out, "tier", p->tiers[t].name, &p->tiers[t].fc);
    }
    for (size_t i = 0; i < p->n_departments; i++) {
        counts(out, "department", p->departments[i].name, &p->departments[i].c);
        forecast(out, "department", p->departments[i].name, &p->departments[i].fc);
    }
    for (size_t i = 0; i < p->n_sites; i++) {
        row(out, "site", p->sites[i].name, "department", p->sites[i].department);
        row(out, "site", p->sites[i].name, "tier", p->sites[i].tier);
        counts(out, "site", p->sites[i].name, &p->sites[i].c);
    }
    for (size_t i = 0; i < p->n_weeks; i++) {
        const struct sl_prog_week *w = &p->weeks[i];
        rowi(out, "week", w->end, "affected", w->affected);
        rowi(out, "week", w->end, "replaced", w->replaced);
        rowi(out, "week", w->end, "verified", w->verified);
        rowi(out, "week", w->end, "exempt", w->exempt);
        rowi(out, "week", w->end, "outstanding", w->outstanding);
        rowi(out, "week", w->end, "removals", w->removals);
    }
    for (size_t i = 0; i < p->n_exemptions; i++) {
        const struct sl_prog_exemption *x = &p->exemptions[i];
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)x->device_id);
        row(out, "exemption", id, "site", x->site);
        row(out, "exemption", id, "reason", x->reason);
        row(out, "exemption", id, "approver", x->approver);
        row(out, "exemption", id, "until", x->until);
        row(out, "exemption", id, "expired", x->expired ? "yes" : "no");
    }
    for (size_t i = 0; i < p->n_reappearances; i++) {
        const struct sl_prog_reappearance *x = &p->reappearances[i];
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)x->device_id);
        row(out, "reappearance", id, "site", x->site);
        row(out, "reappearance", id, "address", x->address);
        row(out, "reappearance", id, "at", x->at);
    }
    verdict_changes(out, p);
    agents(out, p);
    vehicles(out, &p->vehicles);
    struct dev_ctx c = {out};
    if (sl_progress_devices(s, p, o->device_limit, dev_row, &c, err) != 0)
        return -1;
    return ferror(out) ? sl_err_set(err, "write error") : 0;
}
