/* bulk.c - one lifecycle action on a filtered set of devices: a preview of what
 * would move and what is refused and why (the account's site grants, the
 * lifecycle's rules), then the previewed devices moved in one transaction,
 * each checked again and audited with the signed-in account as actor. Does not
 * choose the set (web_device_query does) nor judge a move (programme/lifecycle.c). */
#include <stdlib.h>
#include <string.h>

#include "programme/lifecycle.h"
#include "util/grow.h"
#include "util/str.h"
#include "web/internal.h"

/* The most devices one bulk action takes: a preview lists them all and the
 * apply form carries their ids (well under WEB_BODY_MAX). */
#define BULK_MAX 1000

struct bulk_item {
    struct sl_device d;
    bool moves;
    char why[256];
};

struct bulk_set {
    struct bulk_item *items;
    size_t n, cap;
    bool too_many, failed;
};

static int on_bulk_row(const struct sl_device *d, void *vctx)
{
    struct bulk_set *b = vctx;
    if (b->n == BULK_MAX) {
        b->too_many = true;
        return 1;
    }
    if (SL_GROW(b->items, b->cap, b->n + 1, 64) != 0) {
        b->failed = true;
        return 1;
    }
    memset(&b->items[b->n], 0, sizeof b->items[b->n]);
    b->items[b->n++].d = *d;
    return 0;
}

/* Would c move d for this account? Sets it->moves, else it->why. */
static void judge(struct web_req *r, struct bulk_item *it, const struct sl_site_ref *site,
                  const struct sl_change *c)
{
    it->moves = false;
    if (!sl_roles_allow(&r->roles, SL_ROLE_EDITOR, site)) {
        if (site->id == 0)
            sl_strlcpy(it->why, "Your grants do not allow changes to devices without a site.",
                       sizeof it->why);
        else
            snprintf(it->why, sizeof it->why, "Your grants do not allow changes at site %s.",
                     site->name);
        return;
    }
    it->moves = sl_lifecycle_check(&it->d, c, sl_now(), it->why, sizeof it->why) == 0;
}

/* The action and its move from fields read with get; false when answered (400/404). */
static bool bulk_change(struct web_req *r, web_getter get, const char **action,
                        struct sl_change *c)
{
    if (!sl_roles_have(&r->roles, SL_ROLE_EDITOR)) {
        web_error(r, 403, "Your grants do not allow changes to devices.");
        return false;
    }
    *action = get(r, "action");
    const char *bad = *action != NULL ? web_change_of(r, *action, c, get) : "";
    if (bad == NULL)
        return true;
    web_error(r, 400, bad[0] ? bad : "Choose an action: confirm, schedule or remove.");
    return false;
}

static const char *const ACTION_LABELS[][2] = {
    {"confirm", "Confirm"}, {"schedule", "Schedule removal"}, {"remove", "Record removal"}};

static const char *action_label(const char *action)
{
    for (size_t i = 0; i < 3; i++)
        if (strcmp(action, ACTION_LABELS[i][0]) == 0)
            return ACTION_LABELS[i][1];
    return action;
}

/* ---- preview ------------------------------------------------------------------- */

/* The filtered set (the device list's filters, every page) judged one by one. */
static int bulk_collect(struct web_req *r, const struct sl_change *c, struct bulk_set *set)
{
    struct sl_device_page_query q;
    int64_t *ids;
    int st = web_device_query(r, &q, &ids);
    if (st != 0) {
        free(ids);
        return st;
    }
    q.after = 0;
    q.desc = false;
    q.limit = BULK_MAX + 1;
    struct sl_err err = {0};
    int rc = sl_store_device_page(r->s, &q, on_bulk_row, set, &err);
    free(ids);
    if (rc < 0 || set->failed)
        return 503;
    if (set->too_many)
        return 413;
    struct sl_site site = {0};
    struct sl_site_ref ref = {0};
    for (size_t i = 0; i < set->n; i++) {
        struct bulk_item *it = &set->items[i];
        if (it->d.site_id != ref.id) {
            memset(&ref, 0, sizeof ref);
            if (it->d.site_id > 0) {
                if (sl_store_site_get_id(r->s, it->d.site_id, &site, &err) != 1)
                    return 503;
                web_site_ref_of(&site, &ref);
                sl_site_free(&site);
            }
        }
        judge(r, it, &ref, c);
    }
    return 0;
}

static json_t *preview_json(const char *action, const struct bulk_set *set)
{
    json_t *moves = json_array(), *refused = json_array();
    for (size_t i = 0; i < set->n; i++) {
        const struct bulk_item *it = &set->items[i];
        if (it->moves)
            json_array_append_new(moves, json_integer(it->d.id));
        else
            json_array_append_new(refused, json_pack("{s:I, s:s}", "id", (json_int_t)it->d.id,
                                                     "reason", it->why));
    }
    return json_pack("{s:s, s:I, s:o, s:o}", "action", action, "matched", (json_int_t)set->n,
                     "will_move", moves, "refused", refused);
}

/* The refusals counted by reason, most frequent first. */
static void refusal_summary(struct sl_buf *b, const struct bulk_set *set)
{
    json_t *count = json_object();
    for (size_t i = 0; i < set->n; i++)
        if (!set->items[i].moves) {
            const char *w = set->items[i].why;
            json_object_set_new(count, w, json_integer(json_integer_value(json_object_get(count, w)) + 1));
        }
    if (json_object_size(count) > 0) {
        sl_buf_append_str(b, "<h2>Refused, and why</h2><table id=\"bulk-reasons\"><tr><th>Reason</th>"
                             "<th>Devices</th></tr>");
        const char *k;
        json_t *v;
        json_object_foreach(count, k, v)
        {
            sl_buf_append_str(b, "<tr><td>");
            web_esc(b, k);
            web_escf(b, "</td><td class=\"n\">%lld</td></tr>", (long long)json_integer_value(v));
        }
        sl_buf_append_str(b, "</table>");
    }
    json_decref(count);
}

static void hidden(struct sl_buf *b, const char *name, const char *value)
{
    if (value == NULL)
        return;
    web_escf(b, "<input type=\"hidden\" name=\"%s\" value=\"", name);
    web_esc(b, value);
    sl_buf_append_str(b, "\">");
}

static void apply_form(struct web_req *r, const char *action, const struct bulk_set *set,
                       size_t n_moves)
{
    struct sl_buf *b = &r->resp.body;
    sl_buf_append_str(b, "<form method=\"post\" action=\"/bulk\" id=\"bulk-apply\">");
    web_csrf_field(r);
    hidden(b, "action", action);
    hidden(b, "date", web_arg(r, "date"));
    hidden(b, "replaced_by", web_arg(r, "replaced_by"));
    sl_buf_append_str(b, "<input type=\"hidden\" name=\"ids\" value=\"");
    bool first = true;
    for (size_t i = 0; i < set->n; i++)
        if (set->items[i].moves) {
            web_escf(b, "%s%lld", first ? "" : ",", (long long)set->items[i].d.id);
            first = false;
        }
    web_escf(b, "\"><button id=\"do-bulk\">%s: apply to %zu device%s</button></form>",
             action_label(action), n_moves, n_moves == 1 ? "" : "s");
}

static void preview_rows(struct sl_buf *b, const struct bulk_set *set)
{
    sl_buf_append_str(b, "<table id=\"bulk-devices\"><tr><th>Id</th><th>Site</th><th>Model</th>"
                         "<th>Status</th><th>Outcome</th></tr>");
    for (size_t i = 0; i < set->n; i++) {
        const struct bulk_item *it = &set->items[i];
        web_escf(b, "<tr class=\"%s\"><td><a href=\"/devices/%lld\">%lld</a></td><td>",
                 it->moves ? "moves" : "refused", (long long)it->d.id, (long long)it->d.id);
        web_esc(b, it->d.site);
        sl_buf_append_str(b, "</td><td class=\"model\">");
        web_esc(b, it->d.claim.model);
        web_escf(b, "</td><td>%s</td><td>", sl_status_name(it->d.status));
        web_esc(b, it->moves ? "moves" : it->why);
        sl_buf_append_str(b, "</td></tr>");
    }
    sl_buf_append_str(b, "</table>");
}

void web_bulk_preview(struct web_req *r)
{
    const char *action;
    struct sl_change c;
    if (!bulk_change(r, web_arg, &action, &c))
        return;
    struct bulk_set set = {0};
    int st = bulk_collect(r, &c, &set);
    if (st != 0) {
        free(set.items);
        web_error(r, (unsigned)st,
                  st == 413 ? "More than 1000 devices match: narrow the filter (site, status, "
                              "manufacturer, decision) and preview again."
                  : st == 400 ? "A filter is not valid." : "The register cannot be read just now.");
        return;
    }
    if (r->api) {
        web_json(r, 200, preview_json(action, &set));
        free(set.items);
        return;
    }
    size_t moves = 0;
    for (size_t i = 0; i < set.n; i++)
        moves += set.items[i].moves;
    struct sl_buf *b = &r->resp.body;
    web_page_start(r, "Bulk action");
    web_escf(b, "<h1>%s: preview</h1><p id=\"bulk-summary\"><b id=\"bulk-moves\">%zu</b> of "
                "<span id=\"bulk-matched\">%zu</span> devices will move; <b id=\"bulk-refused\">"
                "%zu</b> refused.</p>",
             action_label(action), moves, set.n, set.n - moves);
    if (moves > 0)
        apply_form(r, action, &set, moves);
    refusal_summary(b, &set);
    preview_rows(b, &set);
    web_page_end(r);
    free(set.items);
}

/* ---- apply --------------------------------------------------------------------- */

/* "1,2,3" (a form, or the API's string) or [1,2,3] (the API): at most BULK_MAX ids. */
static int parse_ids(struct web_req *r, int64_t *ids, size_t *n)
{
    *n = 0;
    const json_t *arr = r->json != NULL ? json_object_get(r->json, "ids") : NULL;
    if (json_is_array(arr)) {
        size_t i;
        const json_t *v;
        json_array_foreach(arr, i, v)
        {
            if (!json_is_integer(v) || json_integer_value(v) <= 0 || *n == BULK_MAX)
                return -1;
            ids[(*n)++] = json_integer_value(v);
        }
        return *n > 0 ? 0 : -1;
    }
    const char *s = web_field(r, "ids");
    while (s != NULL && *s) {
        char num[24];
        size_t len = strcspn(s, ",");
        if (len == 0 || len >= sizeof num || *n == BULK_MAX)
            return -1;
        memcpy(num, s, len);
        num[len] = '\0';
        if (sl_parse_i64(num, 1, INT64_MAX, &ids[*n]) != 0)
            return -1;
        (*n)++;
        s += len + (s[len] == ',');
    }
    return *n > 0 ? 0 : -1;
}

/* Moves one device as the account, in the caller's transaction: 1 moved, 0
 * refused (why), -1 store error. Its grants are checked again. */
static int bulk_one(struct web_req *r, int64_t id, const struct sl_change *c, char *why,
                    size_t whyn, struct sl_err *err)
{
    struct sl_device d;
    struct sl_site_ref site;
    int got = web_device_visible(r, id, &d, &site);
    if (got <= 0) {
        snprintf(why, whyn, "No such device.");
        return got;
    }
    struct bulk_item it = {.d = d};
    judge(r, &it, &site, c);
    if (!it.moves) {
        sl_strlcpy(why, it.why, whyn);
        return 0;
    }
    return sl_lifecycle_apply(r->s, id, c, r->user.name, why, whyn, err);
}

static void apply_answer(struct web_req *r, const char *action, json_t *moved, json_t *refused)
{
    if (r->api) {
        web_json(r, 200, json_pack("{s:s, s:o, s:o}", "action", action, "moved", moved,
                                   "refused", refused));
        return;
    }
    struct sl_buf *b = &r->resp.body;
    web_page_start(r, "Bulk action");
    web_escf(b, "<h1>%s: done</h1><p id=\"bulk-result\"><b id=\"bulk-moved\">%zu</b> moved, "
                "<b id=\"bulk-refused\">%zu</b> refused.</p>",
             action_label(action), json_array_size(moved), json_array_size(refused));
    if (json_array_size(refused) > 0) {
        sl_buf_append_str(b, "<table id=\"bulk-refusals\"><tr><th>Id</th><th>Why</th></tr>");
        size_t i;
        const json_t *v;
        json_array_foreach(refused, i, v)
        {
            long long id = (long long)json_integer_value(json_object_get(v, "id"));
            web_escf(b, "<tr><td><a href=\"/devices/%lld\">%lld</a></td><td>", id, id);
            web_esc(b, json_string_value(json_object_get(v, "reason")));
            sl_buf_append_str(b, "</td></tr>");
        }
        sl_buf_append_str(b, "</table>");
    }
    sl_buf_append_str(b, "<p><a href=\"/devices\">Back to the devices</a></p>");
    web_page_end(r);
    json_decref(moved);
    json_decref(refused);
}

void web_bulk_apply(struct web_req *r)
{
    const char *action;
    struct sl_change c;
    if (!bulk_change(r, web_field, &action, &c))
        return;
    int64_t *ids = malloc(BULK_MAX * sizeof *ids);
    size_t n = 0;
    if (ids == NULL || parse_ids(r, ids, &n) != 0) {
        free(ids);
        web_error(r, 400, "The devices to move (ids, at most 1000) are missing or not valid.");
        return;
    }
    struct sl_err err = {0};
    json_t *moved = json_array(), *refused = json_array();
    int rc = sl_store_begin(r->s, &err);
    for (size_t i = 0; i < n && rc == 0; i++) {
        char why[256] = "";
        int one = bulk_one(r, ids[i], &c, why, sizeof why, &err);
        if (one < 0)
            rc = -1;
        else if (one == 1)
            json_array_append_new(moved, json_integer(ids[i]));
        else
            json_array_append_new(refused, json_pack("{s:I, s:s}", "id", (json_int_t)ids[i],
                                                     "reason", why));
    }
    free(ids);
    if (rc != 0 || sl_store_commit(r->s, &err) != 0) {
        if (rc != 0)
            sl_store_rollback(r->s);
        json_decref(moved);
        json_decref(refused);
        web_error(r, 503, "The bulk action could not be stored; nothing moved.");
        return;
    }
    apply_answer(r, action, moved, refused);
}
