/* progress.c - replay the lifecycle history once, in time order, and count. */
#include "programme/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programme/lifecycle.h"
#include "util/grow.h"
#include "util/str.h"

const char sl_progress_method[] =
    "Forecast: a least-squares line through the weekly removals of the last N weeks gives the "
    "current removal rate (its value at the as-of week), which is held flat from then on, never "
    "above the best week in the window; the range uses the 80% confidence interval of that "
    "rate. The finish is the day the projected removals cover every outstanding device.";

const char sl_progress_definitions[] =
    "Affected: verdict prohibited or replace-by. Replaced: removed or verified absent. "
    "Exempt devices stay in the affected total but are not counted as replaced; the "
    "forecast is for the outstanding devices (affected - replaced - exempt). An exemption "
    "holds to the end of its expiry day, then the device counts with its status before the "
    "exemption. Figures as of a date replay the event history to the end of that day.";

/* ---- scopes ------------------------------------------------------------------------ */

static const char *const scope_names[] = {"all", "tier", "department", "site"};

const char *sl_scope_kind_name(enum sl_scope_kind k)
{
    return (unsigned)k <= SL_SCOPE_SITE ? scope_names[k] : "all";
}

int sl_scope_parse(const char *text, struct sl_scope *out, struct sl_err *err)
{
    memset(out, 0, sizeof *out);
    if (text == NULL || *text == '\0' || strcmp(text, "all") == 0)
        return 0;
    const char *colon = strchr(text, ':');
    if (colon == NULL || colon[1] == '\0')
        return sl_err_set(err, "scope must be all, tier:TIER, department:NAME or site:NAME");
    size_t klen = (size_t)(colon - text);
    int k = -1;
    for (int i = 1; i <= SL_SCOPE_SITE; i++)
        if (strlen(scope_names[i]) == klen && strncmp(text, scope_names[i], klen) == 0)
            k = i;
    if (k < 0)
        return sl_err_set(err, "scope must be all, tier:TIER, department:NAME or site:NAME");
    if (strlen(colon + 1) >= sizeof out->value)
        return sl_err_set(err, "scope name too long");
    out->kind = (enum sl_scope_kind)k;
    sl_strlcpy(out->value, colon + 1, sizeof out->value);
    enum sl_tier t;
    if (k == SL_SCOPE_TIER && sl_tier_from_name(out->value, &t) != 0)
        return sl_err_set(err, "tier must be sensitive, official or public");
    return 0;
}

void sl_scope_describe(const struct sl_scope *sc, char *out, size_t n)
{
    switch (sc->kind) {
    case SL_SCOPE_ALL: snprintf(out, n, "all sites"); break;
    case SL_SCOPE_TIER: snprintf(out, n, "%s sites", sc->value); break;
    case SL_SCOPE_DEPARTMENT: snprintf(out, n, "%s", sc->value); break;
    case SL_SCOPE_SITE: snprintf(out, n, "site %s", sc->value); break;
    }
}

static const char *const ms_names[] = {"met", "missed", "on_track", "at_risk", "no_scope"};

const char *sl_ms_status_name(enum sl_ms_status st)
{
    return (unsigned)st <= SL_MS_NO_SCOPE ? ms_names[st] : "no_scope";
}

/* ---- dates ------------------------------------------------------------------------- */

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n, int64_t *v)
{
    int64_t x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 0;
}

/* Seconds since the epoch of the register's own "YYYY-MM-DDTHH:MM:SSZ" (fast path)
 * or anything sl_time_parse takes. -1 when unreadable. */
static int64_t parse_time(const char *s)
{
    int64_t y, mo, d, h, mi, se;
    if (strlen(s) == 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
        s[16] == ':' && s[19] == 'Z' && digits(s, 4, &y) == 0 && digits(s + 5, 2, &mo) == 0 &&
        digits(s + 8, 2, &d) == 0 && digits(s + 11, 2, &h) == 0 &&
        digits(s + 14, 2, &mi) == 0 && digits(s + 17, 2, &se) == 0)
        return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    int64_t t;
    return sl_time_parse(s, &t) == 0 ? t : -1;
}

/* Day number (days since the epoch) of a "YYYY-MM-DD..." text; 0 when absent. */
static int32_t parse_day(const char *s)
{
    if (s == NULL || *s == '\0')
        return 0;
    int64_t y, mo, d;
    if (strlen(s) >= 10 && s[4] == '-' && s[7] == '-' && digits(s, 4, &y) == 0 &&
        digits(s + 5, 2, &mo) == 0 && digits(s + 8, 2, &d) == 0)
        return (int32_t)days_from_civil(y, mo, d);
    int64_t t;
    return sl_time_parse(s, &t) == 0 ? (int32_t)(t / 86400) : 0;
}

static int status_from_text(const char *s)
{
    switch (s[0]) {
    case 'd': return SL_STATUS_DISCOVERED;
    case 'c': return SL_STATUS_CONFIRMED;
    case 's': return SL_STATUS_SCHEDULED;
    case 'v': return SL_STATUS_VERIFIED_ABSENT;
    case 'e': return SL_STATUS_EXEMPT;
    case 'r': return s[2] == 'm' ? SL_STATUS_REMOVED : SL_STATUS_REAPPEARED;
    default: return -1;
    }
}

/* ---- the replay -------------------------------------------------------------------- */

struct site_info {
    int64_t id;
    char name[SL_NAME_MAX];
    char department[SL_NAME_MAX];
    enum sl_tier tier;
    int dept;     /* index into departments */
    int group;    /* milestone site group, or -1 */
    bool in_scope;
};

/* Counters kept through time for one group of devices. */
struct group {
    int64_t by_status[SL_STATUS_COUNT];
    int64_t existing; /* affected devices that exist */
    int64_t removals; /* cumulative entries into replaced */
};

enum { G_SCOPE = 0, G_ALL = 1, G_TIER = 2, G_DEPT = 2 + SL_TIER_COUNT };

/* One affected device's replay state, packed so each event touches one line. */
struct dstate {
    int32_t site;         /* index into sites, -1 = none */
    int32_t exempt_until; /* day number of the current exemption's last day, 0 = none */
    int32_t sched;        /* day number of the scheduled removal, 0 = none */
    int32_t deadline;     /* replace-by deadline, day number, 0 = none */
    int8_t status;        /* enum sl_status, -1 = does not exist (yet) */
    int8_t pre_exempt;    /* status to fall back to when the exemption expires */
    int8_t fell_back;     /* the exemption expired and nothing changed since */
    bool in_scope;
    bool affected;
};

struct sl_prog_state {
    int64_t max_id;
    size_t n;          /* max_id + 1: devices are indexed by id */
    struct dstate *dv;
    struct site_info *sites;
    size_t n_sites;
    int32_t *site_rank; /* sites' order by name, for listing */
    int32_t as_of_day;
    char as_of_end[SL_ISO_LEN];
};

struct expiry {
    int64_t t;
    uint32_t dev;
    int32_t until;
};

struct point {
    int64_t t;
    int week;      /* week index (oldest first), or -1 */
    int milestone; /* milestone index, or -1 */
};

struct replay {
    struct sl_prog_state *st;
    struct group *groups;
    size_t n_groups;
    struct expiry *heap;
    size_t n_heap, cap_heap;
    struct point *points;
    size_t n_points, next_point;
    struct group *snap; /* n_points * n_groups */
    int failed;
    char last_date[10];  /* "YYYY-MM-DD" of the previous event */
    int64_t last_day_t;  /* its midnight, -1 before the first */
};

static void heap_push(struct replay *r, struct expiry e)
{
    if (SL_GROW(r->heap, r->cap_heap, r->n_heap + 1, 256) != 0) {
        r->failed = 1;
        return;
    }
    size_t i = r->n_heap++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (r->heap[parent].t <= e.t)
            break;
        r->heap[i] = r->heap[parent];
        i = parent;
    }
    r->heap[i] = e;
}

static struct expiry heap_pop(struct replay *r)
{
    struct expiry top = r->heap[0];
    struct expiry last = r->heap[--r->n_heap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= r->n_heap)
            break;
        if (c + 1 < r->n_heap && r->heap[c + 1].t < r->heap[c].t)
            c++;
        if (last.t <= r->heap[c].t)
            break;
        r->heap[i] = r->heap[c];
        i = c;
    }
    if (r->n_heap > 0)
        r->heap[i] = last;
    return top;
}

static size_t device_groups(const struct replay *r, size_t di, size_t out[5])
{
    const struct sl_prog_state *st = r->st;
    size_t n = 0;
    if (st->dv[di].in_scope)
        out[n++] = G_SCOPE;
    out[n++] = G_ALL;
    int32_t si = st->dv[di].site;
    if (si >= 0) {
        const struct site_info *s = &st->sites[si];
        out[n++] = G_TIER + (size_t)s->tier;
        out[n++] = G_DEPT + (size_t)s->dept;
        if (s->group >= 0)
            out[n++] = (size_t)s->group;
    }
    return n;
}

static void set_status(struct replay *r, size_t di, int to)
{
    struct sl_prog_state *st = r->st;
    int from = st->dv[di].status;
    st->dv[di].fell_back = 0;
    if (from == to)
        return;
    size_t g[5];
    size_t ng = device_groups(r, di, g);
    bool was = from >= 0 && sl_status_is_replaced((enum sl_status)from);
    bool now = sl_status_is_replaced((enum sl_status)to);
    for (size_t i = 0; i < ng; i++) {
        struct group *gr = &r->groups[g[i]];
        if (from >= 0)
            gr->by_status[from]--;
        else
            gr->existing++;
        gr->by_status[to]++;
        if (now && !was)
            gr->removals++;
    }
    st->dv[di].status = (int8_t)to;
}

static void expire_until(struct replay *r, int64_t t)
{
    struct sl_prog_state *st = r->st;
    while (r->n_heap > 0 && r->heap[0].t <= t) {
        struct expiry e = heap_pop(r);
        if (st->dv[e.dev].status == SL_STATUS_EXEMPT && st->dv[e.dev].exempt_until == e.until) {
            set_status(r, e.dev, st->dv[e.dev].pre_exempt);
            st->dv[e.dev].fell_back = 1;
        }
    }
}

static void snapshots_before(struct replay *r, int64_t t, bool inclusive)
{
    while (r->next_point < r->n_points &&
           (inclusive ? r->points[r->next_point].t <= t : r->points[r->next_point].t < t)) {
        int64_t pt = r->points[r->next_point].t;
        expire_until(r, pt);
        memcpy(r->snap + r->next_point * r->n_groups, r->groups, r->n_groups * sizeof *r->groups);
        r->next_point++;
    }
}

static int replay_cb(const struct sl_replay_row *row, void *vctx)
{
    struct replay *r = vctx;
    struct sl_prog_state *st = r->st;
    if (row->device_id <= 0 || row->device_id > st->max_id)
        return 0;
    size_t d = (size_t)row->device_id;
    if (!st->dv[d].affected)
        return 0;
    int64_t t;
    /* Events come in time order, so most share the previous one's day: parse the
     * date only when it changes. */
    const char *a = row->at;
    if (strlen(a) == 20 && a[10] == 'T' && a[13] == ':' && a[16] == ':' && a[19] == 'Z' &&
        memcmp(a, r->last_date, 10) == 0 && r->last_day_t >= 0) {
        int64_t h, mi, se;
        t = digits(a + 11, 2, &h) == 0 && digits(a + 14, 2, &mi) == 0 &&
                    digits(a + 17, 2, &se) == 0
                ? r->last_day_t + h * 3600 + mi * 60 + se
                : parse_time(a);
    } else {
        t = parse_time(a);
        if (t >= 0 && strlen(a) >= 10) {
            memcpy(r->last_date, a, 10);
            r->last_day_t = t - t % 86400;
        }
    }
    int to = status_from_text(row->to_status);
    if (t < 0 || to < 0)
        return 0; /* an unreadable event cannot be placed in time: skipped */
    snapshots_before(r, t, false);
    expire_until(r, t);
    if (to == SL_STATUS_EXEMPT) {
        int cur = st->dv[d].status;
        if (cur != SL_STATUS_EXEMPT)
            st->dv[d].pre_exempt = (int8_t)(cur <= SL_STATUS_DISCOVERED ? SL_STATUS_CONFIRMED : cur);
        st->dv[d].exempt_until = parse_day(row->exempt_until);
        if (st->dv[d].exempt_until != 0)
            heap_push(r, (struct expiry){(int64_t)(st->dv[d].exempt_until + 1) * 86400, (uint32_t)d,
                                         st->dv[d].exempt_until});
        if (st->dv[d].status == SL_STATUS_EXEMPT)
            st->dv[d].fell_back = 0;
    }
    if (to == SL_STATUS_SCHEDULED)
        st->dv[d].sched = parse_day(row->scheduled_for);
    set_status(r, d, to);
    return r->failed;
}

/* ---- loading ----------------------------------------------------------------------- */

struct load_ctx {
    struct sl_prog_state *st;
    size_t cap_sites;
    char (*depts)[SL_NAME_MAX];
    size_t n_depts, cap_depts;
    const struct sl_scope *scope;
    int failed;
};

static int add_dept(struct load_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->n_depts; i++)
        if (strcmp(c->depts[i], name) == 0)
            return (int)i;
    if (SL_GROW(c->depts, c->cap_depts, c->n_depts + 1, 16) != 0)
        return -1;
    sl_strlcpy(c->depts[c->n_depts], name, SL_NAME_MAX);
    return (int)c->n_depts++;
}

static int site_cb(const struct sl_site *site, void *vctx)
{
    struct load_ctx *c = vctx;
    struct sl_prog_state *st = c->st;
    if (SL_GROW(st->sites, c->cap_sites, st->n_sites + 1, 64) != 0) {
        c->failed = 1;
        return 1;
    }
    struct site_info *si = &st->sites[st->n_sites];
    memset(si, 0, sizeof *si);
    si->id = site->id;
    sl_strlcpy(si->name, site->name, sizeof si->name);
    sl_strlcpy(si->department, site->department, sizeof si->department);
    si->tier = site->tier;
    si->dept = add_dept(c, site->department);
    si->group = -1;
    if (si->dept < 0) {
        c->failed = 1;
        return 1;
    }
    const struct sl_scope *sc = c->scope;
    si->in_scope = sc->kind == SL_SCOPE_ALL ||
                   (sc->kind == SL_SCOPE_TIER && strcmp(sl_tier_name(site->tier), sc->value) == 0) ||
                   (sc->kind == SL_SCOPE_DEPARTMENT && strcmp(site->department, sc->value) == 0) ||
                   (sc->kind == SL_SCOPE_SITE && strcmp(site->name, sc->value) == 0);
    st->n_sites++;
    return 0;
}

static int cmp_site_id(const void *a, const void *b)
{
    int64_t x = ((const struct site_info *)a)->id, y = ((const struct site_info *)b)->id;
    return (x > y) - (x < y);
}

static int32_t find_site(const struct sl_prog_state *st, int64_t id)
{
    size_t lo = 0, hi = st->n_sites;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (st->sites[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < st->n_sites && st->sites[lo].id == id ? (int32_t)lo : -1;
}

struct dev_load {
    struct sl_prog_state *st;
    const struct sl_scope *scope;
    size_t cap;
    int failed;
};

static int affected_cb(const struct sl_affected_row *row, void *vctx)
{
    struct dev_load *c = vctx;
    struct sl_prog_state *st = c->st;
    if (row->id <= 0 || row->id > st->max_id)
        return 0;
    size_t d = (size_t)row->id;
    st->dv[d].affected = true;
    int32_t si = row->site_id > 0 ? find_site(st, row->site_id) : -1;
    st->dv[d].site = si;
    st->dv[d].in_scope = c->scope->kind == SL_SCOPE_ALL || (si >= 0 && st->sites[si].in_scope);
    st->dv[d].status = -1;
    st->dv[d].deadline = parse_day(row->deadline);
    return 0;
}

static void state_free(struct sl_prog_state *st)
{
    if (st == NULL)
        return;
    free(st->dv);
    free(st->sites);
    free(st->site_rank);
    free(st);
}

/* ---- figures ----------------------------------------------------------------------- */

static void finish_counts(struct sl_prog_counts *c)
{
    c->replaced = c->by_status[SL_STATUS_REMOVED] + c->by_status[SL_STATUS_VERIFIED_ABSENT];
    c->verified = c->by_status[SL_STATUS_VERIFIED_ABSENT];
    c->exempt = c->by_status[SL_STATUS_EXEMPT];
    c->reappeared = c->by_status[SL_STATUS_REAPPEARED];
    c->outstanding = c->affected - c->replaced - c->exempt;
    c->replaced_pct = c->affected > 0 ? 100.0 * (double)c->replaced / (double)c->affected : 0;
    c->verified_pct = c->affected > 0 ? 100.0 * (double)c->verified / (double)c->affected : 0;
}

static void group_counts(const struct group *g, struct sl_prog_counts *c)
{
    memset(c, 0, sizeof *c);
    c->affected = g->existing;
    memcpy(c->by_status, g->by_status, sizeof c->by_status);
    finish_counts(c);
}

static bool is_overdue(const struct sl_prog_state *st, size_t d)
{
    int s = st->dv[d].status;
    if (s < 0 || sl_status_is_replaced((enum sl_status)s) || s == SL_STATUS_EXEMPT)
        return false;
    if (s == SL_STATUS_SCHEDULED && st->dv[d].sched != 0 && st->dv[d].sched < st->as_of_day)
        return true;
    return st->dv[d].deadline != 0 && st->dv[d].deadline < st->as_of_day;
}

static int cmp_row(const void *a, const void *b)
{
    return strcmp(((const struct sl_prog_row *)a)->name, ((const struct sl_prog_row *)b)->name);
}

/* Weekly removals of one group from the week snapshots. */
static void group_weekly(const struct replay *r, size_t g, size_t n_weeks, const int *week_point,
                         size_t first_week, double *out)
{
    int64_t prev = 0;
    for (size_t w = 0; w < n_weeks; w++) {
        const struct group *gr = &r->snap[(size_t)week_point[w] * r->n_groups + g];
        if (w >= first_week)
            out[w - first_week] = (double)(gr->removals - prev);
        prev = gr->removals;
    }
}

struct ms_collect {
    struct sl_prog_milestone *ms;
    size_t n, cap;
    int failed;
};

static int ms_cb(const struct sl_milestone *m, void *vctx)
{
    struct ms_collect *c = vctx;
    if (SL_GROW(c->ms, c->cap, c->n + 1, 8) != 0) {
        c->failed = 1;
        return 1;
    }
    memset(&c->ms[c->n], 0, sizeof c->ms[c->n]);
    c->ms[c->n++].m = *m;
    return 0;
}

struct name_idx {
    const char *name;
    int32_t idx;
};

static int cmp_name_idx(const void *a, const void *b)
{
    return strcmp(((const struct name_idx *)a)->name, ((const struct name_idx *)b)->name);
}

static int cmp_point(const void *a, const void *b)
{
    const struct point *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

static int cmp_exemption(const void *a, const void *b)
{
    return strcmp(((const struct sl_prog_exemption *)a)->until,
                  ((const struct sl_prog_exemption *)b)->until);
}

static void fill_device_brief(struct sl_store *s, int64_t id, char *site, char *address,
                              char *manufacturer, char *model)
{
    struct sl_device *d = malloc(sizeof *d);
    struct sl_err err;
    if (d != NULL && sl_store_device_get(s, id, d, &err) == 1) {
        sl_strlcpy(site, d->site, SL_NAME_MAX);
        sl_strlcpy(address, d->address, 48);
        sl_strlcpy(manufacturer, d->claim.manufacturer, 64);
        sl_strlcpy(model, d->claim.model, 96);
    }
    free(d);
}

static int collect_lists(struct sl_store *s, struct sl_progress *p, struct sl_err *err)
{
    const struct sl_prog_state *st = p->state;
    for (size_t d = 0; d < st->n; d++) {
        if (!st->dv[d].in_scope || st->dv[d].status < 0)
            continue;
        bool exempt = st->dv[d].status == SL_STATUS_EXEMPT;
        if (exempt || st->dv[d].fell_back) {
            p->n_exemptions_total++;
            if (p->n_exemptions >= SL_PROG_MAX_LISTED)
                continue;
            struct sl_prog_exemption *x = &p->exemptions[p->n_exemptions];
            memset(x, 0, sizeof *x);
            struct sl_event ev;
            int rc = sl_store_event_last_to(s, (int64_t)(d), SL_STATUS_EXEMPT, st->as_of_end, &ev,
                                            err);
            if (rc < 0)
                return -1;
            x->device_id = (int64_t)(d);
            if (rc == 1) {
                sl_strlcpy(x->reason, ev.note, sizeof x->reason);
                sl_strlcpy(x->approver, ev.exempt_approver, sizeof x->approver);
                sl_strlcpy(x->until, ev.exempt_until, sizeof x->until);
            }
            x->expired = !exempt;
            x->days_left = (int64_t)st->dv[d].exempt_until - st->as_of_day;
            sl_strlcpy(x->falls_back_to, sl_status_name((enum sl_status)st->dv[d].pre_exempt),
                       sizeof x->falls_back_to);
            fill_device_brief(s, (int64_t)(d), x->site, x->address, x->manufacturer, x->model);
            p->n_exemptions++;
        } else if (st->dv[d].status == SL_STATUS_REAPPEARED) {
            p->n_reappearances_total++;
            if (p->n_reappearances >= SL_PROG_MAX_LISTED)
                continue;
            struct sl_prog_reappearance *x = &p->reappearances[p->n_reappearances];
            memset(x, 0, sizeof *x);
            x->device_id = (int64_t)(d);
            struct sl_event ev;
            int rc = sl_store_event_last_to(s, (int64_t)(d), SL_STATUS_REAPPEARED, st->as_of_end,
                                            &ev, err);
            if (rc < 0)
                return -1;
            if (rc == 1) {
                sl_strlcpy(x->at, ev.at, sizeof x->at);
                sl_strlcpy(x->note, ev.note, sizeof x->note);
            }
            fill_device_brief(s, (int64_t)(d), x->site, x->address, x->manufacturer, x->model);
            p->n_reappearances++;
        }
    }
    if (p->n_exemptions > 1)
        qsort(p->exemptions, p->n_exemptions, sizeof *p->exemptions, cmp_exemption);
    return 0;
}

static void eval_milestone(const struct replay *r, const struct sl_progress *p,
                           struct sl_prog_milestone *pm, int64_t group, int point, int window,
                           size_t n_weeks, const int *week_point, size_t first_week,
                           double *weekly_buf)
{
    const struct sl_milestone *m = &pm->m;
    bool pct = strcmp(m->target_kind, "percent") == 0;
    if (group < 0) {
        pm->status = SL_MS_NO_SCOPE;
        snprintf(pm->note, sizeof pm->note, "no %s named '%s' in the register", m->scope_kind,
                 m->scope_value);
        return;
    }
    const struct group *g = point >= 0 ? &r->snap[(size_t)point * r->n_groups + (size_t)group]
                                       : &r->groups[group];
    struct sl_prog_counts c;
    group_counts(g, &c);
    pm->affected = c.affected;
    pm->replaced = c.replaced;
    pm->achieved = pct ? c.replaced_pct : (double)c.replaced;
    sl_strlcpy(pm->evaluated_on, point >= 0 ? m->due : p->as_of, sizeof pm->evaluated_on);
    bool reached = pm->achieved + 1e-9 >= m->target;
    if (point >= 0) {
        pm->status = reached ? SL_MS_MET : SL_MS_MISSED;
        pm->projected = pm->achieved;
        snprintf(pm->note, sizeof pm->note, "%s on %s", reached ? "reached" : "not reached",
                 m->due);
        return;
    }
    if (reached) {
        pm->status = SL_MS_MET;
        pm->projected = pm->achieved;
        snprintf(pm->note, sizeof pm->note, "reached before the due date");
        return;
    }
    size_t nw = n_weeks - first_week;
    group_weekly(r, (size_t)group, n_weeks, week_point, first_week, weekly_buf);
    struct sl_forecast fc;
    struct sl_fc_model model;
    int64_t as_of_t = (int64_t)r->st->as_of_day * 86400;
    sl_forecast_compute(weekly_buf, (int)nw, window, c.affected, c.outstanding, as_of_t, &fc,
                        &model);
    int64_t days = (int64_t)parse_day(m->due) - r->st->as_of_day;
    double more = sl_fc_cumulative(&model, days, 0);
    if (more > (double)c.outstanding)
        more = (double)c.outstanding;
    double proj = (double)c.replaced + more;
    pm->projected = pct ? (c.affected > 0 ? 100.0 * proj / (double)c.affected : 0) : proj;
    pm->forecast_miss = pm->projected + 1e-9 < m->target;
    pm->status = pm->forecast_miss ? SL_MS_AT_RISK : SL_MS_ON_TRACK;
    if (pct)
        snprintf(pm->note, sizeof pm->note, "forecast %.1f%% by %s (target %.0f%%)",
                 pm->projected, m->due, m->target);
    else
        snprintf(pm->note, sizeof pm->note, "forecast %.0f by %s (target %.0f)", pm->projected,
                 m->due, m->target);
}

static void make_headline(struct sl_progress *p)
{
    const struct sl_prog_counts *c = &p->total;
    char fc[200] = "";
    switch (p->forecast.state) {
    case SL_FC_DATE:
        if (p->forecast.latest[0])
            snprintf(fc, sizeof fc, "forecast completion %s (range %s to %s)",
                     p->forecast.finish, p->forecast.earliest, p->forecast.latest);
        else
            snprintf(fc, sizeof fc, "forecast completion %s (range %s to open-ended)",
                     p->forecast.finish, p->forecast.earliest);
        break;
    case SL_FC_COMPLETE: snprintf(fc, sizeof fc, "every non-exempt affected device replaced"); break;
    case SL_FC_STALLED:
        snprintf(fc, sizeof fc, "no forecast: no removals in the last %d weeks", p->forecast.weeks);
        break;
    case SL_FC_NOT_AT_TREND:
        snprintf(fc, sizeof fc, "at the current trend the programme does not finish");
        break;
    case SL_FC_NO_AFFECTED: snprintf(fc, sizeof fc, "nothing to remove"); break;
    }
    char ms[300] = "";
    const struct sl_prog_milestone *next = NULL;
    size_t at_risk = 0;
    for (size_t i = 0; i < p->n_milestones; i++) {
        const struct sl_prog_milestone *m = &p->milestones[i];
        if (m->status == SL_MS_AT_RISK)
            at_risk++;
        if (next == NULL && strcmp(m->m.due, p->as_of) > 0)
            next = m;
    }
    if (next != NULL) {
        static const char *const words[] = {"met", "missed", "on track", "at risk", "unscoped"};
        snprintf(ms, sizeof ms, "; milestone '%s' (%s) %s", next->m.name, next->m.due,
                 words[next->status]);
        if (at_risk > (next->status == SL_MS_AT_RISK ? 1u : 0u))
            snprintf(ms + strlen(ms), sizeof ms - strlen(ms), "; %zu milestone%s at risk",
                     at_risk, at_risk == 1 ? "" : "s");
    }
    snprintf(p->headline, sizeof p->headline,
             "%.0f%% of affected devices at %s replaced (%lld of %lld; %.0f%% verified absent); "
             "%s%s.",
             c->replaced_pct, p->scope_text, (long long)c->replaced, (long long)c->affected,
             c->verified_pct, fc, ms);
}

int sl_progress_compute(struct sl_store *s, const struct sl_prog_options *opt,
                        struct sl_progress **out, struct sl_err *err)
{
    *out = NULL;
    struct sl_progress *p = calloc(1, sizeof *p);
    struct sl_prog_state *st = calloc(1, sizeof *st);
    struct replay r;
    memset(&r, 0, sizeof r);
    struct load_ctx lc;
    memset(&lc, 0, sizeof lc);
    struct ms_collect msc = {NULL, 0, 0, 0};
    int *week_point = NULL;
    double *weekly = NULL;
    if (p == NULL || st == NULL)
        goto oom;
    p->state = st;
    p->scope = opt->scope;
    p->window = opt->window > 0 ? opt->window : SL_FC_DEFAULT_WINDOW;
    sl_scope_describe(&p->scope, p->scope_text, sizeof p->scope_text);
    sl_time_iso(sl_now(), p->generated_at);
    int64_t as_of_t;
    if (opt->as_of != NULL && *opt->as_of != '\0') {
        if (sl_time_parse(opt->as_of, &as_of_t) != 0) {
            sl_err_setk(err, SL_ERR_INVALID, "'%s' is not a date (YYYY-MM-DD)", opt->as_of);
            goto fail;
        }
    } else {
        as_of_t = sl_now();
    }
    st->as_of_day = (int32_t)(as_of_t >= 0 ? as_of_t / 86400 : (as_of_t - 86399) / 86400);
    int64_t end_t = (int64_t)st->as_of_day * 86400 + 86399;
    sl_time_date(end_t, p->as_of);
    sl_time_iso(end_t, st->as_of_end);

    /* Sites and departments. */
    lc.st = st;
    lc.scope = &p->scope;
    if (sl_store_site_list(s, site_cb, &lc, err) != 0)
        goto fail;
    if (lc.failed)
        goto oom;
    if (st->n_sites > 1)
        qsort(st->sites, st->n_sites, sizeof *st->sites, cmp_site_id);
    bool scope_found = p->scope.kind == SL_SCOPE_ALL;
    for (size_t i = 0; i < st->n_sites; i++)
        scope_found |= st->sites[i].in_scope;
    if (!scope_found) {
        sl_err_setk(err, SL_ERR_NOT_FOUND, "no %s named '%s' in the register", sl_scope_kind_name(p->scope.kind),
                   p->scope.value);
        goto fail;
    }

    /* Milestones, and the site groups they need. */
    if (sl_store_milestone_list(s, ms_cb, &msc, err) != 0)
        goto fail;
    if (msc.failed)
        goto oom;
    r.n_groups = G_DEPT + lc.n_depts;
    int64_t *ms_group = calloc(msc.n + 1, sizeof *ms_group);
    if (ms_group == NULL)
        goto oom;
    for (size_t i = 0; i < msc.n; i++) {
        const struct sl_milestone *m = &msc.ms[i].m;
        ms_group[i] = -1;
        if (strcmp(m->scope_kind, "tier") == 0) {
            enum sl_tier t;
            if (sl_tier_from_name(m->scope_value, &t) == 0)
                ms_group[i] = G_TIER + (int64_t)t;
        } else if (strcmp(m->scope_kind, "department") == 0) {
            for (size_t k = 0; k < lc.n_depts; k++)
                if (strcmp(lc.depts[k], m->scope_value) == 0)
                    ms_group[i] = G_DEPT + (int64_t)k;
        } else if (strcmp(m->scope_kind, "site") == 0) {
            for (size_t k = 0; k < st->n_sites; k++) {
                if (strcmp(st->sites[k].name, m->scope_value) == 0) {
                    if (st->sites[k].group < 0)
                        st->sites[k].group = (int)r.n_groups++;
                    ms_group[i] = st->sites[k].group;
                }
            }
        } else {
            ms_group[i] = G_ALL;
        }
    }

    /* Affected devices. */
    if (sl_store_device_max_id(s, &st->max_id, err) != 0) {
        free(ms_group);
        goto fail;
    }
    if (st->max_id > (int64_t)INT32_MAX - 1) {
        free(ms_group);
        sl_err_set(err, "device ids above %d are not supported by the report", INT32_MAX - 1);
        goto fail;
    }
    size_t cap = (size_t)st->max_id + 1;
    st->n = cap;
    st->dv = calloc(cap, sizeof *st->dv);
    if (st->dv == NULL) {
        free(ms_group);
        goto oom;
    }
    for (size_t k = 0; k < cap; k++) {
        st->dv[k].status = -1;
        st->dv[k].site = -1;
    }
    struct dev_load dl = {st, &p->scope, cap, 0};
    if (sl_store_affected_list(s, affected_cb, &dl, err) != 0) {
        free(ms_group);
        goto fail;
    }

    /* Snapshot points: week ends back from the as-of date, milestone due dates. */
    char first[SL_ISO_LEN];
    if (sl_store_event_first_at(s, first, err) != 0) {
        free(ms_group);
        goto fail;
    }
    int64_t first_t = first[0] ? parse_time(first) : end_t;
    if (first_t < 0 || first_t > end_t)
        first_t = end_t;
    int64_t n_weeks = (end_t - first_t) / (7 * 86400) + 1;
    if (n_weeks > SL_PROG_MAX_WEEKS)
        n_weeks = SL_PROG_MAX_WEEKS;
    r.points = calloc((size_t)n_weeks + msc.n + 1, sizeof *r.points);
    week_point = calloc((size_t)n_weeks, sizeof *week_point);
    if (r.points == NULL || week_point == NULL) {
        free(ms_group);
        goto oom;
    }
    for (int64_t k = 0; k < n_weeks; k++)
        r.points[r.n_points++] = (struct point){end_t - k * 7 * 86400, (int)(n_weeks - 1 - k), -1};
    for (size_t i = 0; i < msc.n; i++) {
        int64_t due;
        if (sl_time_parse_end_of_day(msc.ms[i].m.due, &due) == 0 && due <= end_t)
            r.points[r.n_points++] = (struct point){due, -1, (int)i};
    }
    if (r.n_points > 1)
        qsort(r.points, r.n_points, sizeof *r.points, cmp_point);
    r.groups = calloc(r.n_groups, sizeof *r.groups);
    r.snap = calloc(r.n_points * r.n_groups, sizeof *r.snap);
    if (r.groups == NULL || r.snap == NULL) {
        free(ms_group);
        goto oom;
    }
    r.st = st;
    r.last_day_t = -1;

    /* The replay. */
    if (sl_store_event_replay(s, st->as_of_end, replay_cb, &r, err) != 0) {
        free(ms_group);
        goto fail;
    }
    if (r.failed) {
        free(ms_group);
        goto oom;
    }
    snapshots_before(&r, end_t, true);
    expire_until(&r, end_t);
    int *ms_point = calloc(msc.n + 1, sizeof *ms_point);
    if (ms_point == NULL) {
        free(ms_group);
        goto oom;
    }
    for (size_t i = 0; i < msc.n; i++)
        ms_point[i] = -1;
    for (size_t i = 0; i < r.n_points; i++) {
        if (r.points[i].week >= 0)
            week_point[r.points[i].week] = (int)i;
        else
            ms_point[r.points[i].milestone] = (int)i;
    }

    /* Current figures by tier, department and site (devices in the report's scope). */
    p->n_departments = lc.n_depts;
    p->n_sites = st->n_sites;
    p->departments = calloc(lc.n_depts + 1, sizeof *p->departments);
    p->sites = calloc(st->n_sites + 1, sizeof *p->sites);
    if (p->departments == NULL || p->sites == NULL) {
        free(ms_group);
        free(ms_point);
        goto oom;
    }
    for (int t = 0; t < SL_TIER_COUNT; t++)
        sl_strlcpy(p->tiers[t].name, sl_tier_name((enum sl_tier)t), sizeof p->tiers[t].name);
    for (size_t k = 0; k < lc.n_depts; k++)
        sl_strlcpy(p->departments[k].name, lc.depts[k], sizeof p->departments[k].name);
    for (size_t k = 0; k < st->n_sites; k++) {
        struct sl_prog_row *row = &p->sites[k];
        sl_strlcpy(row->name, st->sites[k].name, sizeof row->name);
        sl_strlcpy(row->department, st->sites[k].department, sizeof row->department);
        sl_strlcpy(row->tier, sl_tier_name(st->sites[k].tier), sizeof row->tier);
    }
    for (size_t d = 0; d < st->n; d++) {
        int sv = st->dv[d].status;
        if (sv < 0 || !st->dv[d].in_scope)
            continue;
        bool od = is_overdue(st, d);
        struct sl_prog_counts *cs[4] = {&p->total, NULL, NULL, NULL};
        int32_t si = st->dv[d].site;
        if (si >= 0) {
            cs[1] = &p->tiers[st->sites[si].tier].c;
            cs[2] = &p->departments[st->sites[si].dept].c;
            cs[3] = &p->sites[si].c;
        }
        for (int i = 0; i < 4; i++) {
            if (cs[i] == NULL)
                continue;
            cs[i]->affected++;
            cs[i]->by_status[sv]++;
            cs[i]->overdue += od;
        }
    }
    finish_counts(&p->total);
    for (int t = 0; t < SL_TIER_COUNT; t++)
        finish_counts(&p->tiers[t].c);
    for (size_t k = 0; k < lc.n_depts; k++)
        finish_counts(&p->departments[k].c);
    for (size_t k = 0; k < st->n_sites; k++)
        finish_counts(&p->sites[k].c);

    /* Weeks: drop the leading ones in which nothing in scope existed yet. */
    size_t first_week = 0;
    while (first_week + 1 < (size_t)n_weeks &&
           r.snap[(size_t)week_point[first_week] * r.n_groups + G_SCOPE].existing == 0)
        first_week++;
    p->n_weeks = (size_t)n_weeks - first_week;
    p->weeks = calloc(p->n_weeks, sizeof *p->weeks);
    weekly = calloc((size_t)n_weeks, sizeof *weekly);
    if (p->weeks == NULL || weekly == NULL) {
        free(ms_group);
        free(ms_point);
        goto oom;
    }
    int64_t prev = 0;
    for (size_t w = 0; w < (size_t)n_weeks; w++) {
        size_t pi = (size_t)week_point[w];
        const struct group *g = &r.snap[pi * r.n_groups + G_SCOPE];
        if (w >= first_week) {
            struct sl_prog_week *wk = &p->weeks[w - first_week];
            struct sl_prog_counts c;
            group_counts(g, &c);
            sl_time_date(r.points[pi].t, wk->end);
            wk->affected = c.affected;
            wk->replaced = c.replaced;
            wk->verified = c.verified;
            wk->exempt = c.exempt;
            wk->outstanding = c.outstanding;
            wk->removals = g->removals - prev;
        }
        prev = g->removals;
    }
    if (p->n_weeks > 0 && p->total.affected > 0)
        sl_time_date(r.points[week_point[first_week]].t - 7 * 86400 + 1, p->start);

    /* Forecasts: the scope, then each tier and department (their own series). */
    for (size_t w = 0; w < p->n_weeks; w++)
        weekly[w] = (double)p->weeks[w].removals;
    struct sl_fc_model model;
    sl_forecast_compute(weekly, (int)p->n_weeks, p->window, p->total.affected,
                        p->total.outstanding, end_t, &p->forecast, &model);
    p->projection = calloc(SL_PROG_MAX_PROJECTION, sizeof *p->projection);
    if (p->projection == NULL) {
        free(ms_group);
        free(ms_point);
        goto oom;
    }
    if (p->forecast.state == SL_FC_DATE || p->forecast.state == SL_FC_NOT_AT_TREND) {
        double left[3] = {(double)p->total.outstanding, (double)p->total.outstanding,
                          (double)p->total.outstanding};
        for (int j = 1; j <= SL_PROG_MAX_PROJECTION; j++) {
            struct sl_prog_projection *pr = &p->projection[p->n_projection++];
            sl_time_date(end_t + (int64_t)j * 7 * 86400, pr->end);
            for (int b = 0; b < 3; b++) {
                left[b] -= sl_fc_rate(&model, j, b == 0 ? 0 : b == 1 ? +1 : -1);
                if (left[b] < 0)
                    left[b] = 0;
            }
            pr->central = left[0];
            pr->optimistic = left[1];
            pr->pessimistic = left[2];
            if (left[2] <= 0)
                break;
        }
    }
    if (p->scope.kind == SL_SCOPE_ALL) {
        for (int t = 0; t < SL_TIER_COUNT; t++) {
            group_weekly(&r, G_TIER + (size_t)t, (size_t)n_weeks, week_point, first_week, weekly);
            sl_forecast_compute(weekly, (int)p->n_weeks, p->window, p->tiers[t].c.affected,
                                p->tiers[t].c.outstanding, end_t, &p->tiers[t].fc, NULL);
        }
        for (size_t k = 0; k < lc.n_depts; k++) {
            group_weekly(&r, G_DEPT + k, (size_t)n_weeks, week_point, first_week, weekly);
            sl_forecast_compute(weekly, (int)p->n_weeks, p->window, p->departments[k].c.affected,
                                p->departments[k].c.outstanding, end_t, &p->departments[k].fc,
                                NULL);
        }
    } else {
        /* Outside the scope's own series a tier's or department's forecast would mix
         * devices in and out of scope: only the scope's forecast is given. */
        for (int t = 0; t < SL_TIER_COUNT; t++)
            p->tiers[t].fc.state = SL_FC_STALLED;
        for (size_t k = 0; k < lc.n_depts; k++)
            p->departments[k].fc.state = SL_FC_STALLED;
    }

    /* Milestones. */
    p->n_milestones = msc.n;
    p->milestones = msc.ms;
    msc.ms = NULL;
    for (size_t i = 0; i < p->n_milestones; i++)
        eval_milestone(&r, p, &p->milestones[i], ms_group[i], ms_point[i], p->window,
                       (size_t)n_weeks, week_point, first_week, weekly);
    free(ms_group);
    free(ms_point);

    if (p->n_departments > 1)
        qsort(p->departments, p->n_departments, sizeof *p->departments, cmp_row);
    /* Sites were ordered by id for lookups; reports read them by name. Device
     * listing maps through site indexes, so sort a copy of the rows only. */
    if (p->n_sites > 1)
        qsort(p->sites, p->n_sites, sizeof *p->sites, cmp_row);

    st->site_rank = calloc(st->n_sites + 1, sizeof *st->site_rank);
    if (st->site_rank == NULL)
        goto oom;
    {
        struct name_idx *ni = calloc(st->n_sites + 1, sizeof *ni);
        if (ni == NULL)
            goto oom;
        for (size_t k = 0; k < st->n_sites; k++)
            ni[k] = (struct name_idx){st->sites[k].name, (int32_t)k};
        if (st->n_sites > 1)
            qsort(ni, st->n_sites, sizeof *ni, cmp_name_idx);
        for (size_t k = 0; k < st->n_sites; k++)
            st->site_rank[ni[k].idx] = (int32_t)k;
        free(ni);
    }
    p->overdue_sites = calloc(p->n_sites + 1, sizeof *p->overdue_sites);
    if (p->overdue_sites == NULL)
        goto oom;
    for (size_t k = 0; k < p->n_sites; k++)
        if (p->sites[k].c.overdue > 0)
            p->overdue_sites[p->n_overdue_sites++] = k;
    /* Most overdue first; ties stay in name order (insertion sort: a stable, short list). */
    for (size_t i = 1; i < p->n_overdue_sites; i++) {
        size_t v = p->overdue_sites[i], j = i;
        while (j > 0 && p->sites[p->overdue_sites[j - 1]].c.overdue < p->sites[v].c.overdue) {
            p->overdue_sites[j] = p->overdue_sites[j - 1];
            j--;
        }
        p->overdue_sites[j] = v;
    }
    p->exemptions = calloc(SL_PROG_MAX_LISTED, sizeof *p->exemptions);
    p->reappearances = calloc(SL_PROG_MAX_LISTED, sizeof *p->reappearances);
    if (p->exemptions == NULL || p->reappearances == NULL)
        goto oom;
    if (collect_lists(s, p, err) != 0)
        goto fail;
    make_headline(p);

    free(lc.depts);
    free(r.groups);
    free(r.heap);
    free(r.points);
    free(r.snap);
    free(week_point);
    free(weekly);
    *out = p;
    return 0;
oom:
    sl_err_set(err, "out of memory computing progress");
fail:
    free(lc.depts);
    free(msc.ms);
    free(r.groups);
    free(r.heap);
    free(r.points);
    free(r.snap);
    free(week_point);
    free(weekly);
    if (p != NULL) {
        p->state = st;
        sl_progress_free(p);
    } else {
        state_free(st);
    }
    return -1;
}

void sl_progress_free(struct sl_progress *p)
{
    if (p == NULL)
        return;
    free(p->departments);
    free(p->sites);
    free(p->weeks);
    free(p->milestones);
    free(p->exemptions);
    free(p->reappearances);
    free(p->projection);
    free(p->overdue_sites);
    state_free(p->state);
    free(p);
}

/* ---- the device list --------------------------------------------------------------- */

struct dev_key {
    uint32_t d;
    uint8_t prio;
    int32_t site; /* rank of the site's name; sites come after devices with none */
};

static int cmp_dev_key(const void *a, const void *b)
{
    const struct dev_key *x = a, *y = b;
    if (x->prio != y->prio)
        return x->prio - y->prio;
    if (x->site != y->site)
        return (x->site > y->site) - (x->site < y->site);
    return (x->d > y->d) - (x->d < y->d);
}

/* A max-heap on cmp_dev_key: keys[0] is the last of those kept. */
static void key_heap_up(struct dev_key *h, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (cmp_dev_key(&h[parent], &h[i]) >= 0)
            break;
        struct dev_key t = h[parent];
        h[parent] = h[i];
        h[i] = t;
        i = parent;
    }
}

static void key_heap_down(struct dev_key *h, size_t n)
{
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && cmp_dev_key(&h[c + 1], &h[c]) > 0)
            c++;
        if (cmp_dev_key(&h[i], &h[c]) >= 0)
            break;
        struct dev_key t = h[c];
        h[c] = h[i];
        h[i] = t;
        i = c;
    }
}

struct ev_ctx {
    char *out;
    size_t n;
    int64_t count;
};

static int ev_summary(const struct sl_evidence_row *r, void *vctx)
{
    struct ev_ctx *c = vctx;
    c->count++;
    size_t used = strlen(c->out);
    if (used + 80 >= c->n)
        return 0;
    snprintf(c->out + used, c->n - used, "%s%s:%u %s%s%s", used ? "; " : "",
             sl_proto_name(r->ev.proto), (unsigned)r->ev.port,
             r->ev.request != NULL ? r->ev.request : "", r->ev.path != NULL ? " " : "",
             r->ev.path != NULL ? r->ev.path : "");
    used = strlen(c->out);
    snprintf(c->out + used, c->n - used, " (%s)", sl_outcome_name(r->ev.outcome));
    return 0;
}

/* The evidence summaries of one batch of devices, filled by one query. */
struct ev_batch {
    const int64_t *ids;
    size_t n;
    struct sl_prog_device *pd;
};

static int ev_batch_row(const struct sl_evidence_row *r, void *vctx)
{
    struct ev_batch *b = vctx;
    for (size_t j = 0; j < b->n; j++) {
        if (b->ids[j] != r->device_id)
            continue;
        struct ev_ctx ec = {b->pd[j].evidence, sizeof b->pd[j].evidence, b->pd[j].evidence_count};
        ev_summary(r, &ec);
        b->pd[j].evidence_count = ec.count;
    }
    return 0;
}

/* Hands the chosen devices to cb in order, reading them SL_DEVICE_BATCH at a
 * time (two queries a batch: a remote server is not asked twice per device). */
static int list_batches(struct sl_store *s, const struct sl_prog_state *st,
                        const struct dev_key *keys, size_t take, struct sl_device *d,
                        sl_prog_device_cb cb, void *ctx, struct sl_err *err)
{
    int64_t ids[SL_DEVICE_BATCH];
    bool found[SL_DEVICE_BATCH];
    struct sl_prog_device pd[SL_DEVICE_BATCH];
    for (size_t k0 = 0; k0 < take; k0 += SL_DEVICE_BATCH) {
        size_t m = take - k0 < SL_DEVICE_BATCH ? take - k0 : SL_DEVICE_BATCH;
        memset(pd, 0, m * sizeof pd[0]);
        for (size_t j = 0; j < m; j++)
            ids[j] = (int64_t)keys[k0 + j].d;
        struct ev_batch eb = {ids, m, pd};
        if (sl_store_device_get_many(s, ids, m, d, found, err) != 0 ||
            sl_store_evidence_list_many(s, ids, m, 8, ev_batch_row, &eb, err) != 0)
            return -1;
        for (size_t j = 0; j < m; j++) {
            if (!found[j])
                continue;
            size_t i = keys[k0 + j].d;
            pd[j].d = &d[j];
            pd[j].status = (enum sl_status)st->dv[i].status;
            pd[j].overdue = keys[k0 + j].prio == 1;
            if (cb(&pd[j], ctx) != 0)
                return 0;
        }
    }
    return 0;
}

int sl_progress_devices(struct sl_store *s, const struct sl_progress *p, int64_t limit,
                        sl_prog_device_cb cb, void *ctx, struct sl_err *err)
{
    const struct sl_prog_state *st = p->state;
    if (limit <= 0)
        return 0;
    size_t n = 0;
    /* Only the first `limit` in order are wanted: keep them in a max-heap of that
     * size (n log limit) rather than sorting every affected device. */
    size_t cap = (uint64_t)limit < st->n ? (size_t)limit : st->n;
    struct dev_key *keys = malloc((cap + 1) * sizeof *keys);
    struct sl_device *d = malloc(SL_DEVICE_BATCH * sizeof *d);
    if (keys == NULL || d == NULL) {
        free(keys);
        free(d);
        return sl_err_set(err, "out of memory");
    }
    for (size_t i = 0; i < st->n; i++) {
        int sv = st->dv[i].status;
        if (sv < 0 || !st->dv[i].in_scope)
            continue;
        uint8_t prio = sv == SL_STATUS_REAPPEARED           ? 0
                       : is_overdue(st, i)                  ? 1
                       : sv == SL_STATUS_EXEMPT             ? 3
                       : sv == SL_STATUS_REMOVED            ? 4
                       : sv == SL_STATUS_VERIFIED_ABSENT    ? 5
                                                            : 2;
        struct dev_key k = {(uint32_t)i, prio,
                            st->dv[i].site >= 0 ? st->site_rank[st->dv[i].site] : -1};
        if (n < cap) {
            keys[n++] = k;
            key_heap_up(keys, n - 1);
        } else if (cap > 0 && cmp_dev_key(&k, &keys[0]) < 0) {
            keys[0] = k;
            key_heap_down(keys, n);
        }
    }
    if (n > 1)
        qsort(keys, n, sizeof *keys, cmp_dev_key);
    int ret = list_batches(s, st, keys, n, d, cb, ctx, err);
    free(keys);
    free(d);
    return ret;
}
