/* scan_output.c - the scan's human and JSON-lines output (scan_output.h). */
#include "cli/scan_output.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "scan/jsonl.h"
#include "util/grow.h"
#include "util/str.h"
#include "util/timeutil.h"
#include "util/file.h"

struct sl_scan_row {
    struct sl_addr key;
    char *cells[7];
};

static void free_rows(struct sl_scan_out *o)
{
    for (size_t i = 0; i < o->n_rows; i++)
        for (int c = 0; c < 7; c++)
            free(o->rows[i].cells[c]);
    free(o->rows);
    o->rows = NULL;
    o->n_rows = o->cap_rows = 0;
}

static int cmp_row(const void *a, const void *b)
{
    const struct sl_scan_row *x = a, *y = b;
    if (x->key.v4 != y->key.v4)
        return x->key.v4 ? -1 : 1;
    return memcmp(x->key.b, y->key.b, 16);
}

int sl_scan_out_open(struct sl_scan_out *o, const char *path, bool evidence, bool quiet,
                     struct sl_err *err)
{
    memset(o, 0, sizeof *o);
    o->evidence = evidence;
    o->quiet = quiet;
    o->human_out = stdout;
    if (path != NULL && strcmp(path, "-") == 0) {
        o->jsonl = stdout;
        o->human_out = stderr;
    } else if (path != NULL) {
        o->jsonl = sl_stream_open(path, false, err);
        if (o->jsonl == NULL)
            return -1;
        o->jsonl_owned = true;
    }
    o->tty = !quiet && sl_cli_stderr_is_tty();
    o->human = true;
    static const char *const cols[] = {"address", "manufacturer / brand", "model", "firmware",
                                       "type", "verdict", "site"};
    static const char *const ncols[] = {"address", "manufacturer", "model", "status", "last seen"};
    o->table = sl_table_new(7, cols);
    o->not_seen = sl_table_new(5, ncols);
    if (o->table == NULL || o->not_seen == NULL)
        return sl_err_set(err, "out of memory");
    return 0;
}

void sl_scan_out_close(struct sl_scan_out *o)
{
    if (o->jsonl_owned && o->jsonl != NULL)
        fclose(o->jsonl);
    o->jsonl = NULL;
    sl_table_free(o->table);
    sl_table_free(o->not_seen);
    o->table = o->not_seen = NULL;
    free_rows(o);
}

static void emit(struct sl_scan_out *o, enum sl_jsonl_type type, json_t *j)
{
    if (o->jsonl == NULL) {
        json_decref(j);
        return;
    }
    sl_jsonl_write(o->jsonl, type, j);
    if (o->jsonl == stdout)
        fflush(o->jsonl);
}

static void clear_progress(struct sl_scan_out *o)
{
    if (o->progress_shown) {
        fputs("\r\033[K", stderr);
        o->progress_shown = false;
    }
}

static void on_start(const struct sl_scan_plan *p, void *ctx)
{
    struct sl_scan_out *o = ctx;
    o->total = p->addresses - p->excluded;
    char rate[32];
    if (p->rate > 0)
        snprintf(rate, sizeof rate, "%.0f/s", p->rate);
    else
        snprintf(rate, sizeof rate, "unlimited");
    if (!o->quiet || o->jsonl != stdout)
        fprintf(o->human_out,
                "scanning %llu address%s (%llu excluded): %llu probes (%u per host), "
                "concurrency %u, rate %s, timeout %u ms, %u thread%s%s\n",
                (unsigned long long)p->addresses, p->addresses == 1 ? "" : "es",
                (unsigned long long)p->excluded, (unsigned long long)p->probes, p->per_host,
                p->concurrency, rate, p->timeout_ms, p->threads, p->threads == 1 ? "" : "s",
                p->scan_id ? "" : " (no register)");
    fflush(o->human_out);
    json_t *start = sl_jsonl_start_json(p, o->total);
    if (o->targets != NULL)
        json_object_update_new(start, sl_jsonl_coverage_json(o->targets));
    emit(o, SL_JSONL_PROGRESS, start);
}

static void on_evidence(const char *address, const struct sl_evidence *ev, void *ctx)
{
    struct sl_scan_out *o = ctx;
    if (o->evidence)
        emit(o, SL_JSONL_EVIDENCE, sl_scan_evidence_json(address, ev));
}

static void on_device(const struct sl_scan_device *d, void *ctx)
{
    struct sl_scan_out *o = ctx;
    struct sl_device reg;
    bool have_reg = false;
    struct sl_err err = {0};
    if (o->store != NULL && d->device_id > 0 && sl_store_device_get(o->store, d->device_id, &reg, &err) == 1)
        have_reg = true;
    if (o->jsonl != NULL)
        emit(o, SL_JSONL_DEVICE, sl_jsonl_device_json(d, have_reg ? &reg : NULL));
    if (o->n_rows >= SL_SCAN_OUT_MAX_ROWS) {
        o->rows_dropped++;
        return;
    }
    if (SL_GROW(o->rows, o->cap_rows, o->n_rows + 1, 256) != 0) {
        o->rows_dropped++;
        return;
    }
    const struct sl_claim *c = d->claim;
    char who[160];
    if (c->manufacturer[0] && c->brand[0] && strcmp(c->manufacturer, c->brand) != 0)
        snprintf(who, sizeof who, "%s / %s", c->manufacturer, c->brand);
    else
        snprintf(who, sizeof who, "%s", c->manufacturer[0] ? c->manufacturer : c->brand);
    char verdict[64];
    if (d->verdict->decision == SL_DECISION_REPLACE_BY && d->verdict->deadline[0])
        snprintf(verdict, sizeof verdict, "replace by %s", d->verdict->deadline);
    else
        snprintf(verdict, sizeof verdict, "%s", sl_decision_name(d->verdict->decision));
    char site[SL_NAME_MAX + 16];
    snprintf(site, sizeof site, "%s", d->tier_defaulted ? "(none: sensitive)" : d->site);
    const char *row[] = {d->address, who[0] ? who : NULL, c->model[0] ? c->model : NULL,
                         c->firmware[0] ? c->firmware : NULL,
                         c->device_type[0] ? c->device_type : NULL, verdict, site};
    struct sl_scan_row *r = &o->rows[o->n_rows++];
    memset(r, 0, sizeof *r);
    sl_addr_parse(d->address, &r->key);
    for (int i = 0; i < 7; i++)
        r->cells[i] = row[i] != NULL ? strdup(row[i]) : NULL;
}

static void fmt_dur(uint64_t ms, char *out, size_t n)
{
    uint64_t s = ms / 1000;
    if (s >= 3600)
        snprintf(out, n, "%lluh%02llum", (unsigned long long)(s / 3600),
                 (unsigned long long)(s % 3600 / 60));
    else
        snprintf(out, n, "%llu:%02llu", (unsigned long long)(s / 60), (unsigned long long)(s % 60));
}

static void on_progress(const struct sl_scan_stats *st, void *ctx)
{
    struct sl_scan_out *o = ctx;
    if (o->tty) {
        char eta[32];
        fmt_dur(st->eta_ms, eta, sizeof eta);
        double pct = st->hosts_total ? 100.0 * (double)st->hosts_done / (double)st->hosts_total : 0;
        fprintf(stderr, "\r\033[K%llu/%llu (%.1f%%)  %.0f hosts/s  found %llu  ETA %s",
                (unsigned long long)st->hosts_done, (unsigned long long)st->hosts_total, pct,
                st->hosts_per_s, (unsigned long long)st->devices, st->eta_ms ? eta : "-");
        fflush(stderr);
        o->progress_shown = true;
    }
    if (o->jsonl != NULL && st->elapsed_ms >= o->last_jsonl_progress + 1000) {
        o->last_jsonl_progress = st->elapsed_ms;
        emit(o, SL_JSONL_PROGRESS, sl_jsonl_running_json(st));
    }
}

static void on_not_seen(const struct sl_device *d, void *ctx)
{
    struct sl_scan_out *o = ctx;
    emit(o, SL_JSONL_NOT_SEEN, sl_jsonl_not_seen_json(d));
    if (sl_table_rows(o->not_seen) < SL_SCAN_OUT_MAX_ROWS) {
        const char *row[] = {d->address, d->claim.manufacturer[0] ? d->claim.manufacturer : NULL,
                             d->claim.model[0] ? d->claim.model : NULL, sl_status_name(d->status),
                             d->last_seen};
        sl_table_add(o->not_seen, row);
    }
}

void sl_scan_out_callbacks(struct sl_scan_out *o, struct sl_scan_callbacks *cb)
{
    memset(cb, 0, sizeof *cb);
    cb->on_start = on_start;
    cb->on_evidence = on_evidence;
    cb->on_device = on_device;
    cb->on_progress = on_progress;
    cb->on_not_seen = on_not_seen;
    cb->ctx = o;
}

void sl_scan_out_finish(struct sl_scan_out *o, const struct sl_scan_summary *sum,
                        const char *error)
{
    clear_progress(o);
    const struct sl_scan_stats *st = &sum->stats;
    FILE *h = o->human_out;
    if (o->n_rows > 0) {
        qsort(o->rows, o->n_rows, sizeof *o->rows, cmp_row);
        for (size_t i = 0; i < o->n_rows; i++)
            sl_table_add(o->table, (const char *const *)o->rows[i].cells);
        free_rows(o);
    }
    if (!o->quiet) {
        if (sl_table_rows(o->table) > 0) {
            sl_table_print(o->table, h, 40);
            if (o->rows_dropped)
                fprintf(h, "... and %llu more devices (see the register or --jsonl)\n",
                        (unsigned long long)o->rows_dropped);
        }
        if (sl_table_rows(o->not_seen) > 0) {
            fprintf(h, "\nNot seen in this scan (in the register, in the scanned range):\n");
            sl_table_print(o->not_seen, h, 40);
        }
        fputc('\n', h);
    }
    fprintf(h,
            "%s: %llu of %llu addresses in %.1f s (%.0f hosts/s); %llu answered, %llu device%s: "
            "%llu prohibited, %llu replace-by, %llu needs-review, %llu allowed\n",
            sum->complete ? "done" : "stopped", (unsigned long long)st->hosts_done,
            (unsigned long long)st->hosts_total, (double)st->elapsed_ms / 1000.0, st->hosts_per_s,
            (unsigned long long)st->hosts_up, (unsigned long long)st->devices,
            st->devices == 1 ? "" : "s",
            (unsigned long long)sum->by_decision[SL_DECISION_PROHIBITED],
            (unsigned long long)sum->by_decision[SL_DECISION_REPLACE_BY],
            (unsigned long long)sum->by_decision[SL_DECISION_REVIEW],
            (unsigned long long)sum->by_decision[SL_DECISION_ALLOWED]);
    if (sum->tier_defaulted)
        fprintf(h, "%llu device%s outside every registered site: judged as tier 'sensitive'\n",
                (unsigned long long)sum->tier_defaulted, sum->tier_defaulted == 1 ? "" : "s");
    if (sum->hostile)
        fprintf(h, "%llu device%s answered badly (stalled, flooded or malformed): recorded as evidence\n",
                (unsigned long long)sum->hostile, sum->hostile == 1 ? "" : "s");
    if (sum->reappeared)
        fprintf(h, "REAPPEARED after removal: %llu removed device%s answered this scan "
                   "(now 'reappeared'; see the device lines)\n",
                (unsigned long long)sum->reappeared, sum->reappeared == 1 ? "" : "s");
    if (sum->not_seen)
        fprintf(h, "%llu device%s of the register in this range did not answer (not seen)\n",
                (unsigned long long)sum->not_seen, sum->not_seen == 1 ? "" : "s");
    if (sum->scan_id)
        fprintf(h, "scan %lld recorded as %s\n", (long long)sum->scan_id,
                sum->complete ? "complete" : "incomplete");
    json_t *j = sl_scan_summary_json(sum);
    if (error != NULL)
        json_object_set_new(j, "error", json_string(error));
    if (o->targets != NULL)
        json_object_update_new(j, sl_jsonl_coverage_json(o->targets));
    emit(o, SL_JSONL_SUMMARY, j);
    fflush(h);
    if (o->jsonl != NULL)
        fflush(o->jsonl);
}
