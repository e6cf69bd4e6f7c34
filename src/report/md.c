/* md.c - the programme report as Markdown, for a letter, a ticket or a wiki. */
#include <string.h>

#include "report/report.h"

/* Text from the register (device answers, names typed by people) as inert
 * Markdown: <, > and & as entities, so no raw HTML and no autolink; the
 * punctuation that makes emphasis, code, links, images and table cells
 * (\ ` * _ [ ] | ~) backslash-escaped, so no [x](javascript:...) link;
 * control characters and line breaks as spaces, so a cell stays one cell. */
static void md_text(FILE *out, const char *s)
{
    for (; s != NULL && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '<')
            fputs("&lt;", out);
        else if (c == '>')
            fputs("&gt;", out);
        else if (c == '&')
            fputs("&amp;", out);
        else if (c < 0x20 || c == 0x7f)
            fputc(' ', out);
        else if (strchr("\\`*_[]|~", c) != NULL) {
            fputc('\\', out);
            fputc(c, out);
        } else
            fputc(c, out);
    }
}

/* One table cell. */
static void cell(FILE *out, const char *s)
{
    fputs(" ", out);
    md_text(out, s);
    fputs(" |", out);
}

static const char *ms_words(enum sl_ms_status st)
{
    static const char *const w[] = {"met", "missed", "on track", "at risk", "scope not found"};
    return (unsigned)st <= SL_MS_NO_SCOPE ? w[st] : "";
}

static void counts_row(FILE *out, const char *name, const struct sl_prog_counts *c)
{
    fprintf(out, "|");
    cell(out, name);
    fprintf(out, " %lld | %lld | %.1f%% | %.1f%% | %lld | %lld | %lld |\n", (long long)c->affected,
            (long long)c->replaced, sl_report_pct(c->replaced_pct), sl_report_pct(c->verified_pct),
            (long long)c->exempt, (long long)c->outstanding, (long long)c->overdue);
}

static const char counts_head[] =
    "| | affected | replaced | replaced % | verified % | exempt | outstanding | overdue |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|\n";

struct dev_ctx {
    FILE *out;
};

static int dev_row(const struct sl_prog_device *pd, void *vctx)
{
    FILE *out = ((struct dev_ctx *)vctx)->out;
    const struct sl_device *d = pd->d;
    char who[256], why[400];
    snprintf(who, sizeof who, "%s%s%s %s", d->claim.manufacturer[0] ? d->claim.manufacturer : "?",
             d->claim.brand[0] ? " / " : "", d->claim.brand, d->claim.model);
    snprintf(why, sizeof why, "%s (%s)%s%s", sl_decision_name(d->verdict.decision),
             d->verdict.policy, d->verdict.reason[0] ? ": " : "", d->verdict.reason);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)d->id);
    fprintf(out, "|");
    cell(out, id);
    cell(out, d->site);
    cell(out, d->address);
    cell(out, who);
    cell(out, why);
    cell(out, pd->evidence[0] ? pd->evidence : "(no evidence rows)");
    char st[48];
    snprintf(st, sizeof st, "%s%s", sl_status_name(pd->status), pd->overdue ? ", overdue" : "");
    cell(out, st);
    fputc('\n', out);
    return 0;
}

static void figures_table(FILE *out, const struct sl_progress *p)
{
    const struct sl_prog_counts *c = &p->total;
    fputs("# Removal programme: ", out);
    md_text(out, p->scope_text);
    fprintf(out, ", as of %s\n\n**", p->as_of);
    md_text(out, p->headline);
    fputs("**\n\n", out);
    fprintf(out, "Audit head: entry %lld, sha256 `%s` (keep it elsewhere to anchor the "
                 "register's history)\n\n",
            (long long)p->audit_head_seq, p->audit_head_hash);
    fprintf(out, "| figure | value |\n|---|---:|\n");
    fprintf(out, "| affected devices | %lld |\n| replaced | %lld (%.1f%%) |\n",
            (long long)c->affected, (long long)c->replaced, sl_report_pct(c->replaced_pct));
    fprintf(out, "| verified absent | %lld (%.1f%%) |\n| exempt | %lld |\n",
            (long long)c->verified, sl_report_pct(c->verified_pct), (long long)c->exempt);
    fprintf(out, "| outstanding | %lld |\n| overdue | %lld |\n| reappeared | %lld |\n",
            (long long)c->outstanding, (long long)c->overdue, (long long)c->reappeared);
    fprintf(out, "| removals a week (fitted, last %d weeks) | %.1f |\n", p->forecast.weeks,
            p->forecast.rate);
    if (p->forecast.state == SL_FC_DATE)
        fprintf(out, "| forecast completion | %s (range %s to %s) |\n", p->forecast.finish,
                p->forecast.earliest, p->forecast.latest[0] ? p->forecast.latest : "open-ended");
    else
        fprintf(out, "| forecast completion | %s |\n", sl_fc_state_name(p->forecast.state));
    fputc('\n', out);

}

/* A milestone's cells up to its achievement (devices and vehicle parts alike). */
static void milestone_cells(FILE *out, const struct sl_prog_milestone *m)
{
    bool pct = strcmp(m->m.target_kind, "percent") == 0;
    char target[32], ach[32], scope[SL_NAME_MAX + 32];
    snprintf(target, sizeof target, pct ? "%.0f%%" : "%.0f", m->m.target);
    if (pct)
        snprintf(ach, sizeof ach, "%.1f%%", sl_report_pct(m->achieved));
    else
        snprintf(ach, sizeof ach, "%.0f", m->achieved);
    snprintf(scope, sizeof scope, "%s%s%s", m->m.scope_kind, m->m.scope_value[0] ? ": " : "",
             m->m.scope_value);
    fprintf(out, "|");
    cell(out, m->m.name);
    cell(out, m->m.due);
    cell(out, target);
    cell(out, scope);
    cell(out, ms_words(m->status));
    cell(out, ach);
}

static void milestone_row(FILE *out, const struct sl_prog_milestone *m)
{
    milestone_cells(out, m);
    cell(out, m->note);
    fputc('\n', out);
}

/* The finish of a forecast in words: a date (and its range), or its state. */
static void finish_words(const struct sl_forecast *f, char *b, size_t n)
{
    if (f->state == SL_FC_DATE)
        snprintf(b, n, "%s (%s to %s)", f->finish, f->earliest, f->latest[0] ? f->latest : "open");
    else
        snprintf(b, n, "%s", sl_fc_state_name(f->state));
}

static void vehicle_milestones(FILE *out, const struct sl_vehicle_figures *v)
{
    fprintf(out, "\n### Milestones of connected parts\n\n");
    if (v->n_milestones == 0) {
        fprintf(out, "No milestones of vehicle parts (`sightline milestones add --of "
                     "vehicle-parts`).\n");
        return;
    }
    fprintf(out, "| milestone | due | target | scope | status | achieved | outstanding | "
                 "forecast finish | note |\n|---|---|---:|---|---|---:|---:|---|---|\n");
    for (size_t i = 0; i < v->n_milestones; i++) {
        const struct sl_vfig_milestone *vm = &v->milestones[i];
        char b[64], fin[64];
        milestone_cells(out, &vm->pm);
        snprintf(b, sizeof b, "%lld", (long long)vm->outstanding);
        cell(out, b);
        finish_words(&vm->fc, fin, sizeof fin);
        cell(out, fin);
        cell(out, vm->pm.note);
        fputc('\n', out);
    }
}

static void milestones_section(FILE *out, const struct sl_progress *p)
{
    fprintf(out, "## Milestones\n\n");
    if (p->n_milestones == 0) {
        fprintf(out, "No milestones set (`sightline milestones add`).\n\n");
        return;
    }
    fprintf(out, "| milestone | due | target | scope | status | achieved | note |\n"
                 "|---|---|---:|---|---|---:|---|\n");
    for (size_t i = 0; i < p->n_milestones; i++)
        milestone_row(out, &p->milestones[i]);
    fputc('\n', out);
}

static void breakdowns(FILE *out, const struct sl_progress *p)
{
    fprintf(out, "## Progress by tier\n\n%s", counts_head);
    for (int t = 0; t < SL_TIER_COUNT; t++)
        counts_row(out, p->tiers[t].name, &p->tiers[t].c);
    fprintf(out, "\n## Progress by department\n\n%s", counts_head);
    for (size_t i = 0; i < p->n_departments; i++)
        counts_row(out, p->departments[i].name, &p->departments[i].c);
    fprintf(out, "\n## Progress by site\n\n%s", counts_head);
    for (size_t i = 0; i < p->n_sites; i++)
        if (p->sites[i].c.affected > 0)
            counts_row(out, p->sites[i].name, &p->sites[i].c);

}

static void exemptions_and_reappearances(FILE *out, const struct sl_progress *p)
{
    fprintf(out, "\n## Exemptions (%zu)\n\n", p->n_exemptions_total);
    if (p->n_exemptions > 0) {
        fprintf(out, "| device | site | reason | approver | until | state |\n"
                     "|---|---|---|---|---|---|\n");
        for (size_t i = 0; i < p->n_exemptions; i++) {
            const struct sl_prog_exemption *x = &p->exemptions[i];
            char id[24], state[64];
            snprintf(id, sizeof id, "%lld", (long long)x->device_id);
            if (x->expired)
                snprintf(state, sizeof state, "expired: counts as %s", x->falls_back_to);
            else
                snprintf(state, sizeof state, "%lld days left", (long long)x->days_left);
            fprintf(out, "|");
            cell(out, id);
            cell(out, x->site);
            cell(out, x->reason);
            cell(out, x->approver);
            cell(out, x->until);
            cell(out, state);
            fputc('\n', out);
        }
    }
    fprintf(out, "\n## Reappeared after removal (%zu)\n\n", p->n_reappearances_total);
    for (size_t i = 0; i < p->n_reappearances; i++) {
        const struct sl_prog_reappearance *x = &p->reappearances[i];
        fprintf(out, "- **device %lld** ", (long long)x->device_id);
        md_text(out, x->manufacturer);
        fputc(' ', out);
        md_text(out, x->model);
        fputs(" at ", out);
        md_text(out, x->address);
        fprintf(out, ", seen again %s%s", x->at, x->note[0] ? ": " : "");
        md_text(out, x->note);
        fputc('\n', out);
    }
}

/* The site agents in scope (their state when the report is made). */
static void agents(FILE *out, const struct sl_progress *p)
{
    const struct sl_agent_figures *f = &p->agents;
    if (f->enrolled == 0)
        return; /* a register without agents says nothing of them */
    fprintf(out,
            "\n## Site agents (%lld)\n\nAs at %s: %lld ok, %lld stale (silent for more than twice "
            "their schedule), %lld revoked, %lld with a full spool.\n\n"
            "| agent | sites | state | last seen | version | spool batches |\n"
            "|---|---|---|---|---|---|\n",
            (long long)f->enrolled, p->generated_at, (long long)f->ok, (long long)f->stale,
            (long long)f->revoked, (long long)f->spool_full);
    for (size_t i = 0; i < f->n_listed; i++) {
        const struct sl_afig_agent *x = &f->listed[i];
        char spool[48];
        snprintf(spool, sizeof spool, "%lld%s", (long long)x->spool_batches,
                 x->spool_full ? " (full)" : "");
        fprintf(out, "|");
        cell(out, x->name);
        cell(out, x->sites);
        cell(out, x->state);
        cell(out, x->last_seen[0] ? x->last_seen : "never");
        cell(out, x->version);
        cell(out, spool);
        fputc('\n', out);
    }
}

static void verdict_changes(FILE *out, const struct sl_progress *p)
{
    fprintf(out, "\n## Verdict changes (%zu)\n\n", p->n_verdict_changes_total);
    if (p->n_verdict_changes == 0) {
        fprintf(out, "No device's verdict changed by this date.\n");
        return;
    }
    fprintf(out, "| when | device | site | address | from | to | maker | why |\n"
                 "|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < p->n_verdict_changes; i++) {
        const struct sl_prog_verdict_change *x = &p->verdict_changes[i];
        char id[24], maker[140], why[720];
        snprintf(id, sizeof id, "%lld", (long long)x->device_id);
        if (strcmp(x->from_manufacturer, x->to_manufacturer) != 0)
            snprintf(maker, sizeof maker, "%s -> %s",
                     x->from_manufacturer[0] ? x->from_manufacturer : "unknown",
                     x->to_manufacturer[0] ? x->to_manufacturer : "unknown");
        else
            snprintf(maker, sizeof maker, "%s", x->to_manufacturer);
        snprintf(why, sizeof why, "%s: rules %s; policy %s %s", x->via,
                 x->rules[0] ? x->rules : "none", x->policy[0] ? x->policy : "none",
                 x->policy_version);
        fprintf(out, "|");
        cell(out, x->at);
        cell(out, id);
        cell(out, x->site);
        cell(out, x->address);
        cell(out, x->from);
        cell(out, x->to);
        cell(out, maker);
        cell(out, why);
        fputc('\n', out);
    }
}

static void vrow(FILE *out, const char *name, const struct sl_vfig_counts *c)
{
    fprintf(out, "|");
    cell(out, name);
    fprintf(out, " %lld | %lld |", (long long)c->total, (long long)c->affected);
    for (size_t i = 0; i < SL_REPORT_DECISIONS; i++)
        fprintf(out, " %lld |", (long long)c->by[sl_report_decisions[i]]);
    cell(out, c->earliest[0] ? c->earliest : "-");
    fputc('\n', out);
}

static void vtable(FILE *out, const char *title, const char *first,
                   const struct sl_vfig_row *rows, size_t n, const char *none)
{
    fprintf(out, "\n### %s\n\n| %s | total | affected | prohibited | replace-by | restricted | "
                 "needs-review | allowed | earliest deadline |\n"
                 "|---|---:|---:|---:|---:|---:|---:|---:|---|\n",
            title, first);
    for (size_t i = 0; i < n; i++)
        vrow(out, rows[i].name[0] ? rows[i].name : none, &rows[i].c);
}

static void vehicles_section(FILE *out, const struct sl_vehicle_figures *v)
{
    fprintf(out, "\n## Vehicles\n\n%s\n\n", sl_report_vehicle_definitions);
    fprintf(out, "| | total | affected | prohibited | replace-by | restricted | needs-review | "
                 "allowed | earliest deadline |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    vrow(out, "vehicles (active)", &v->vehicles);
    vrow(out, "connected parts fitted", &v->parts);
    fprintf(out, "\n%lld retired vehicle(s) are not counted.\n", (long long)v->retired);
    vtable(out, "Vehicles by fleet", "fleet", v->fleets, v->n_fleets, "(no fleet)");
    vtable(out, "Vehicles by site", "site", v->sites, v->n_sites, "(no site)");
    vtable(out, "Connected parts by vendor", "vendor", v->vendors, v->n_vendors,
           "(not identified)");
    fprintf(out, "\n### Deadlines by model year\n\n| model year | vehicles | affected | "
                 "prohibited | replace-by | restricted | parts affected | parts replace-by | "
                 "earliest part deadline |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (size_t i = 0; i < v->n_years; i++) {
        const struct sl_vfig_row *y = &v->years[i];
        const char *e = y->parts.earliest;
        fprintf(out, "|");
        cell(out, y->name[0] ? y->name : "unknown");
        fprintf(out, " %lld | %lld | %lld | %lld | %lld | %lld | %lld |", (long long)y->c.total,
                (long long)y->c.affected, (long long)y->c.by[SL_DECISION_PROHIBITED],
                (long long)y->c.by[SL_DECISION_REPLACE_BY],
                (long long)y->c.by[SL_DECISION_RESTRICTED], (long long)y->parts.affected,
                (long long)y->parts.by[SL_DECISION_REPLACE_BY]);
        cell(out, e[0] ? e : "-");
        fputc('\n', out);
    }
    vehicle_milestones(out, v);
}

int sl_report_md(FILE *out, struct sl_store *s, const struct sl_progress *p,
                 const struct sl_report_opts *o, struct sl_err *err)
{
    figures_table(out, p);
    milestones_section(out, p);
    breakdowns(out, p);
    exemptions_and_reappearances(out, p);
    verdict_changes(out, p);
    agents(out, p);
    vehicles_section(out, &p->vehicles);
    fprintf(out, "\n## Affected devices and the evidence against them (%lld; %lld outstanding",
            (long long)p->total.affected, (long long)p->total.outstanding);
    if (o->device_limit < p->total.affected)
        fprintf(out, "; first %lld shown", (long long)o->device_limit);
    fprintf(out, ")\n\n| id | site | address | maker / brand / model | verdict | evidence | "
                 "status |\n|---|---|---|---|---|---|---|\n");
    struct dev_ctx dc = {out};
    if (sl_progress_devices(s, p, o->device_limit, dev_row, &dc, err) != 0)
        return -1;
    fprintf(out, "\n## How these figures are made\n\n%s\n\n%s\n", sl_progress_definitions,
            sl_progress_method);
    return ferror(out) ? sl_err_set(err, "write error") : 0;
}
