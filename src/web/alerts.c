/* alerts.c - the passive monitor's alerts on the dashboard, newest first,
 * optionally of one site, only those whose device's site the account may read
 * (an alert of no known device: all-sites grants only). Reads; changes nothing. */
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "web/internal.h"

#define ALERTS_SHOWN 200
/* Rows read for one page at most: a narrow grant on a busy register may show
 * fewer than ALERTS_SHOWN, with the link to older ones. */
#define ALERTS_SCANNED 5000

struct alerts_ctx {
    struct web_req *r;
    const char *site;  /* ?site=, or NULL */
    json_t *rows;      /* API */
    struct sl_buf *b;  /* page */
    size_t n;
    int64_t scanned;
    int64_t last;      /* the oldest id read */
};

static void alert_html(struct sl_buf *b, const struct sl_alert_row *a)
{
    web_escf(b, "<tr class=\"sev%d\"><td>", a->severity);
    web_esc(b, a->last_at);
    sl_buf_append_str(b, "</td><td>");
    web_esc(b, a->site);
    web_escf(b, "</td><td>%d</td><td>%lld ", a->severity, (long long)a->signature_id);
    web_esc(b, a->signature);
    sl_buf_append_str(b, "</td><td>");
    if (a->device_id > 0)
        web_escf(b, "<a href=\"/devices/%lld\">%lld</a>", (long long)a->device_id,
                 (long long)a->device_id);
    sl_buf_append_str(b, "</td><td>");
    web_esc(b, a->src);
    sl_buf_append_str(b, "</td><td>");
    web_esc(b, a->dest);
    web_escf(b, "</td><td class=\"n\">%lld</td><td>", (long long)a->count);
    web_esc(b, a->first_at);
    sl_buf_append_str(b, "</td></tr>");
}

static int on_alert(const struct sl_alert_row *a, void *vctx)
{
    struct alerts_ctx *c = vctx;
    c->last = a->id;
    c->scanned++;
    struct sl_site_ref ref = {.id = a->site_id};
    sl_strlcpy(ref.name, a->site, sizeof ref.name);
    sl_strlcpy(ref.department, a->department, sizeof ref.department);
    if (!sl_roles_allow(&c->r->roles, SL_ROLE_ANY, &ref) ||
        (c->site != NULL && strcmp(c->site, a->site) != 0))
        return 0;
    if (c->rows != NULL) {
        json_t *detail = a->detail != NULL ? json_loads(a->detail, 0, NULL) : NULL;
        json_array_append_new(
            c->rows, json_pack("{s:I, s:s, s:s, s:I, s:s, s:i, s:s?, s:I, s:s, s:s, s:I, s:o?}",
                               "id", (json_int_t)a->id, "first_at", a->first_at, "last_at",
                               a->last_at, "signature_id", (json_int_t)a->signature_id,
                               "signature", a->signature, "severity", a->severity, "site",
                               a->site[0] ? a->site : NULL, "device_id",
                               (json_int_t)a->device_id, "src", a->src,
                               "dest", a->dest, "count", (json_int_t)a->count, "detail", detail));
    } else {
        alert_html(c->b, a);
    }
    return ++c->n == ALERTS_SHOWN;
}

void web_page_alerts(struct web_req *r)
{
    const char *site = web_arg(r, "site"), *before = web_arg(r, "before");
    int64_t from = 0;
    if (before != NULL && before[0] && sl_parse_i64(before, 1, INT64_MAX, &from) != 0) {
        web_error(r, 400, "before must be an alert id");
        return;
    }
    struct alerts_ctx c = {r, site != NULL && site[0] ? site : NULL, NULL, NULL, 0, 0, 0};
    struct sl_buf *b = &r->resp.body;
    if (r->api) {
        c.rows = json_array();
    } else {
        web_page_start(r, "Alerts");
        sl_buf_append_str(b, "<h1>Monitor alerts</h1><form class=\"filters\" method=\"get\" "
                             "action=\"/alerts\"><label>site <input name=\"site\" value=\"");
        web_esc(b, c.site);
        sl_buf_append_str(b, "\"></label> <button>Filter</button></form><table id=\"alerts\">"
                             "<tr><th>Last seen</th><th>Site</th><th>Severity</th><th>Signature</th>"
                             "<th>Device</th><th>Source</th><th>Destination</th><th>Count</th>"
                             "<th>First seen</th></tr>");
        c.b = b;
    }
    struct sl_err err = {0};
    if (sl_store_alert_newest(r->s, from, ALERTS_SCANNED, on_alert, &c, &err) != 0) {
        json_decref(c.rows);
        sl_buf_reset(b);
        web_error(r, 503, "The alerts cannot be read just now.");
        return;
    }
    /* Older ones may exist when the page or the scan was cut short. */
    bool more = c.n == ALERTS_SHOWN || c.scanned == ALERTS_SCANNED;
    if (r->api) {
        web_json(r, 200, json_pack("{s:o, s:I}", "alerts", c.rows, "older_than",
                                   more ? (json_int_t)c.last : 0));
        return;
    }
    sl_buf_append_str(b, "</table>");
    if (c.n == 0)
        sl_buf_append_str(b, "<p class=\"muted\">No alerts.</p>");
    if (more) {
        sl_buf_append_str(b, "<p><a id=\"older\" href=\"/alerts?");
        if (c.site != NULL) {
            sl_buf_append_str(b, "site=");
            struct sl_buf u;
            sl_buf_init(&u, 4096);
            web_url(&u, c.site);
            web_esc(b, sl_buf_cstr(&u));
            sl_buf_free(&u);
            sl_buf_append_str(b, "&amp;");
        }
        web_escf(b, "before=%lld\">Older alerts</a></p>", (long long)c.last);
    }
    web_page_end(r);
}
