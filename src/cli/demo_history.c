/* demo_history.c - the demo's programme history generator (demo_history.h):
 * invents devices and back-dated lifecycle moves through the lifecycle rules;
 * never used by the product's own commands. */
#include "cli/demo_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programme/lifecycle.h"
#include "programme/site_import.h"
#include "util/cidr.h"
#include "util/datadir.h"
#include "util/file.h"
#include "util/grow.h"
#include "util/rng.h"
#include "util/str.h"

#define DAY 86400

struct model {
    const char *manufacturer, *brand, *model, *type, *firmware;
    double weight;
};

static const struct model models[] = {
    {"Hikvision", "", "DS-2CD2143G2-I", "camera", "V5.7.3 build 220112", 14},
    {"Hikvision", "", "DS-2CD2347G2-LU", "camera", "V5.7.11 build 220930", 10},
    {"Hikvision", "", "DS-2DE4425IW-DE", "camera", "V5.6.15 build 210507", 5},
    {"Hikvision", "", "DS-7608NI-K2", "nvr", "V4.30.085 build 201125", 4},
    {"Hikvision", "HiLook", "IPC-B140H", "camera", "V5.5.800 build 210628", 5},
    {"Hikvision", "EZVIZ", "CS-C6N", "camera", "V5.3.0 build 211208", 2},
    {"Dahua", "", "IPC-HDW2431T-AS-S2", "camera", "V2.800.0000000.32.R", 10},
    {"Dahua", "", "IPC-HFW2831S-S-S2", "camera", "V2.820.0000000.48.R", 8},
    {"Dahua", "", "NVR4108HS-8P-4KS2", "nvr", "V4.001.0000000.4.R", 3},
    {"Dahua", "Lorex", "LNE9242B", "camera", "V2.800.05LX000.0.R", 4},
    {"Dahua", "Amcrest", "IP8M-2496EB", "camera", "V2.800.00AC006.0.R", 3},
};
#define N_MODELS (sizeof models / sizeof models[0])

static const char *const replacements[] = {
    "Axis P3265-LVE", "Axis M3086-V",    "Bosch FLEXIDOME IP 5000i", "Hanwha XNV-6080R",
    "Avigilon H5A",   "Hanwha XNO-6080R", "none (position decommissioned)",
};

static const struct model *pick_model(struct sl_rng *st)
{
    double total = 0;
    for (size_t i = 0; i < N_MODELS; i++)
        total += models[i].weight;
    double r = sl_rng_unit(st) * total;
    for (size_t i = 0; i < N_MODELS; i++) {
        if (r < models[i].weight)
            return &models[i];
        r -= models[i].weight;
    }
    return &models[0];
}

struct site_row {
    int64_t id;
    char name[SL_NAME_MAX];
    enum sl_tier tier;
    char net[SL_CIDR_STRLEN];
};

struct sites {
    struct site_row *v;
    size_t n, cap;
    int failed;
};

static int site_cb(const struct sl_site *site, void *vctx)
{
    struct sites *c = vctx;
    if (SL_GROW(c->v, c->cap, c->n + 1, 16) != 0) {
        c->failed = 1;
        return 1;
    }
    struct site_row *r = &c->v[c->n++];
    memset(r, 0, sizeof *r);
    r->id = site->id;
    sl_strlcpy(r->name, site->name, sizeof r->name);
    r->tier = site->tier;
    /* The last network: a site's first is where a scan finds today's devices
     * (the demo's lab), the last holds the rest of its estate and its history. */
    if (site->n_networks > 0)
        sl_strlcpy(r->net, site->networks[site->n_networks - 1], sizeof r->net);
    return 0;
}

struct gen {
    struct sl_store *s;
    const struct sl_demo_opts *o;
    struct sl_demo_summary *sum;
    struct sl_rng rng;
    char why[400];
    struct sl_err *err;
};

/* One lifecycle move at time t (clamped to the history's end). 0, or -1. */
static int move(struct gen *g, int64_t id, enum sl_status to, int64_t t, const char *note,
                const char *replaced_by, const char *sched, const char *until,
                const char *approver)
{
    char at[SL_ISO_LEN];
    if (t > g->o->now)
        t = g->o->now;
    sl_time_iso(t, at);
    struct sl_change c = {to, at, note, replaced_by, sched, until, approver, 0, false};
    int rc = sl_lifecycle_apply_at(g->s, id, &c, g->o->actor, g->o->now, g->why, sizeof g->why,
                                   g->err);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return sl_err_set(g->err, "demo history refused by the lifecycle: %s", g->why);
    g->sum->events++;
    return 0;
}

/* The next free host address from the top of the network, or -1. */
static int next_address(struct gen *g, const char *net, uint32_t *cursor, char out[48])
{
    struct sl_cidr c;
    if (sl_cidr_parse(net, &c, NULL) != 0 || !c.addr.v4 || c.prefix > 30 || c.prefix < 8)
        return -1;
    uint32_t base = (uint32_t)c.addr.b[12] << 24 | (uint32_t)c.addr.b[13] << 16 |
                    (uint32_t)c.addr.b[14] << 8 | c.addr.b[15];
    uint32_t size = 1u << (32 - c.prefix);
    struct sl_device *d = malloc(sizeof *d);
    if (d == NULL)
        return -1;
    while (*cursor + 2 < size) {
        uint32_t a = base + size - 2 - (*cursor)++;
        snprintf(out, 48, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
        struct sl_err e;
        if (sl_store_device_find(g->s, out, d, &e) == 0) {
            free(d);
            return 0;
        }
    }
    free(d);
    return -1;
}

static void make_serial(struct sl_rng *st, const struct model *m, int64_t made, char *out, size_t n)
{
    char date[SL_DATE_LEN];
    sl_time_date(made, date);
    if (strcmp(m->manufacturer, "Hikvision") == 0)
        snprintf(out, n, "%s%.4s%.2s%.2sAAWR%09llu", m->model, date, date + 5, date + 8,
                 (unsigned long long)(sl_rng_next(st) % 1000000000ull));
    else
        snprintf(out, n, "%c%c%02llX%010llX", 'A' + (int)(sl_rng_next(st) % 26), 'A' + (int)(sl_rng_next(st) % 26),
                 (unsigned long long)(sl_rng_next(st) % 256),
                 (unsigned long long)(sl_rng_next(st) % 0xFFFFFFFFFFull));
}

static void make_verdict(const struct gen *g, enum sl_tier tier, const struct model *m,
                         struct sl_verdict *v)
{
    memset(v, 0, sizeof *v);
    sl_strlcpy(v->law, "National Intelligence Law of the PRC (2017), art. 7", sizeof v->law);
    if (tier == SL_TIER_SENSITIVE) {
        v->decision = SL_DECISION_PROHIBITED;
        sl_strlcpy(v->policy, "UK-2022-sensitive-sites", sizeof v->policy);
        snprintf(v->reason, sizeof v->reason,
                 "Made by %s, a company subject to China's National Intelligence Law; the UK "
                 "direction of November 2022 bars its surveillance equipment from sensitive "
                 "sites.",
                 m->manufacturer);
    } else if (tier == SL_TIER_OFFICIAL) {
        v->decision = SL_DECISION_REPLACE_BY;
        sl_strlcpy(v->policy, "UK-2022-sensitive-sites", sizeof v->policy);
        sl_time_date(g->o->now + 150 * DAY, v->deadline);
        snprintf(v->reason, sizeof v->reason,
                 "Made by %s; at official sites the departmental plan replaces it by %s.",
                 m->manufacturer, v->deadline);
    } else {
        v->decision = SL_DECISION_ALLOWED;
        sl_strlcpy(v->policy, "UK-2022-sensitive-sites", sizeof v->policy);
        snprintf(v->reason, sizeof v->reason,
                 "Made by %s; a public site, where no policy in force prohibits it.",
                 m->manufacturer);
        v->law[0] = '\0';
    }
}

/* When this device comes out: a rate that ramps up over the first months, then
 * holds, so the programme ends `span` days after it starts. */
static int64_t removal_time(struct sl_rng *st, int64_t start, double span_days)
{
    for (;;) {
        double d = 30 + sl_rng_unit(st) * span_days;
        if (sl_rng_unit(st) < (d - 30) / 120.0)
            return start + (int64_t)(d * DAY);
    }
}

static int add_milestones(struct gen *g)
{
    struct {
        const char *name;
        int64_t due_days;
        double pct;
        const char *kind, *value;
    } ms[] = {
        {"Over half replaced", -45, 50, "all", ""},
        {"Official sites: 60% replaced", 45, 60, "tier", "official"},
        {"70% of the rest (85% in all)", 120, 85, "all", ""},
        {"All sensitive sites clear", 150, 100, "tier", "sensitive"},
    };
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        struct sl_milestone m;
        memset(&m, 0, sizeof m);
        sl_strlcpy(m.name, ms[i].name, sizeof m.name);
        sl_time_date(g->o->now + ms[i].due_days * DAY, m.due);
        sl_strlcpy(m.target_kind, "percent", sizeof m.target_kind);
        m.target = ms[i].pct;
        sl_strlcpy(m.scope_kind, ms[i].kind, sizeof m.scope_kind);
        sl_strlcpy(m.scope_value, ms[i].value, sizeof m.scope_value);
        struct sl_err e;
        if (sl_store_milestone_add(g->s, &m, g->o->actor, NULL, &e) != 0) {
            if (e.kind == SL_ERR_EXISTS)
                continue;
            if (g->err != NULL)
                *g->err = e;
            return -1;
        }
        g->sum->milestones++;
    }
    return 0;
}

struct candidate {
    int64_t id;
    enum sl_tier tier;
    int64_t confirmed_at;
    int64_t removed_at; /* 0 = still there */
    bool verified;
};

/* One invented device at a site, found some time in the year. 0 (id set), 1
 * when the site's network is full, -1 with g->err. */
static int invent_device(struct gen *g, const struct site_row *site, uint32_t *cursor,
                         int64_t start, int64_t *id, int64_t *found)
{
    struct sl_rng *st = &g->rng;
    char addr[48];
    if (site->net[0] == '\0' || next_address(g, site->net, cursor, addr) != 0)
        return 1; /* the network is full (or the site has none): enough devices here */
    const struct model *m = pick_model(st);
    struct sl_claim claim;
    memset(&claim, 0, sizeof claim);
    sl_strlcpy(claim.manufacturer, m->manufacturer, sizeof claim.manufacturer);
    sl_strlcpy(claim.brand, m->brand, sizeof claim.brand);
    sl_strlcpy(claim.model, m->model, sizeof claim.model);
    sl_strlcpy(claim.firmware, m->firmware, sizeof claim.firmware);
    sl_strlcpy(claim.device_type, m->type, sizeof claim.device_type);
    claim.confidence = 0.9 + 0.08 * sl_rng_unit(st);
    sl_claim_add_rule(&claim, "demo.seeded");
    struct sl_verdict verdict;
    make_verdict(g, site->tier, m, &verdict);
    *found = sl_rng_unit(st) < 0.85
                 ? start + sl_rng_range(st, 0, 45) * DAY + sl_rng_range(st, 0, 28800)
                 : start + sl_rng_range(st, 46, 320) * DAY + sl_rng_range(st, 0, 28800);
    char serial[96];
    make_serial(st, m, *found - sl_rng_range(st, 400, 2000) * DAY, serial, sizeof serial);
    struct sl_device_obs obs = {0,     site->id, NULL,     serial, addr,
                                "80,554", &claim, &verdict, *found};
    if (strcmp(m->type, "nvr") == 0)
        obs.ports = "80,443,554,8000";
    if (sl_store_device_observe(g->s, &obs, g->o->actor, id, NULL, g->err) != 0)
        return -1;
    g->sum->devices++;
    g->sum->events++;
    return 0;
}

/* A device whose removal date has come: scheduled, removed, most verified. */
static int removed(struct gen *g, int64_t id, int64_t confirmed, int64_t out, bool *verified)
{
    struct sl_rng *st = &g->rng;
    int64_t now = g->o->now;
    char sched[SL_DATE_LEN];
    int64_t when = out - sl_rng_range(st, 14, 42) * DAY;
    if (when < confirmed + DAY)
        when = confirmed + DAY;
    sl_time_date(out - sl_rng_range(st, 0, 6) * DAY, sched);
    if (move(g, id, SL_STATUS_SCHEDULED, when, "works order raised", NULL, sched, NULL, NULL) != 0)
        return -1;
    const char *rep =
        replacements[sl_rng_next(st) % (sizeof replacements / sizeof *replacements)];
    if (move(g, id, SL_STATUS_REMOVED, out, "swapped by the site engineer", rep, NULL, NULL,
             NULL) != 0)
        return -1;
    g->sum->removed++;
    *verified = false;
    if (now - out > 21 * DAY && sl_rng_unit(st) < 0.8) {
        if (move(g, id, SL_STATUS_VERIFIED_ABSENT, out + sl_rng_range(st, 7, 21) * DAY,
                 "not seen by the site's verification scan", NULL, NULL, NULL, NULL) != 0)
            return -1;
        g->sum->verified++;
        *verified = true;
    }
    return 0;
}

/* A device still there: half of them scheduled, some of those overdue. */
static int pending(struct gen *g, int64_t id, int64_t confirmed, int64_t out, double pace)
{
    struct sl_rng *st = &g->rng;
    int64_t now = g->o->now;
    if (sl_rng_unit(st) >= 0.5)
        return 0;
    int64_t when = now - sl_rng_range(st, 1, 40) * DAY;
    if (when < confirmed + DAY)
        when = confirmed + DAY;
    if (when > now)
        when = now;
    /* Some slip: the date has passed and the device is still there. */
    int64_t planned = sl_rng_unit(st) < 0.2 * pace ? now - sl_rng_range(st, 3, 30) * DAY : out;
    if (planned < when)
        planned = when + 7 * DAY;
    char sched[SL_DATE_LEN];
    sl_time_date(planned, sched);
    return move(g, id, SL_STATUS_SCHEDULED, when, "works order raised", NULL, sched, NULL, NULL);
}

static int seed_site(struct gen *g, const struct site_row *site, double pace,
                     struct candidate *cand, size_t *n_cand, size_t cap_cand)
{
    struct sl_rng *st = &g->rng;
    int64_t now = g->o->now, start = now - 365 * DAY;
    double scale = g->o->scale > 0 ? g->o->scale : 1;
    int64_t n = site->tier == SL_TIER_SENSITIVE ? sl_rng_range(st, 36, 66)
                : site->tier == SL_TIER_OFFICIAL ? sl_rng_range(st, 16, 32)
                                                 : sl_rng_range(st, 3, 6);
    n = (int64_t)((double)n * scale + 0.5);
    double span = (site->tier == SL_TIER_SENSITIVE ? 420.0 : 560.0) * pace;
    uint32_t cursor = 0;
    for (int64_t k = 0; k < n; k++) {
        int64_t id, found;
        int rc = invent_device(g, site, &cursor, start, &id, &found);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
        if (site->tier == SL_TIER_PUBLIC)
            continue; /* allowed there: nothing to do */
        int64_t confirmed = found + sl_rng_range(st, 2, 20) * DAY;
        if (confirmed >= now)
            continue;
        if (move(g, id, SL_STATUS_CONFIRMED, confirmed, "confirmed on site survey", NULL, NULL,
                 NULL, NULL) != 0)
            return -1;
        int64_t out = removal_time(st, start, span);
        if (out < confirmed + 10 * DAY)
            out = confirmed + 10 * DAY + sl_rng_range(st, 0, 20) * DAY;
        bool verified = false;
        if (out <= now ? removed(g, id, confirmed, out, &verified) != 0
                       : pending(g, id, confirmed, out, pace) != 0)
            return -1;
        if (*n_cand < cap_cand)
            cand[(*n_cand)++] =
                (struct candidate){id, site->tier, confirmed, out <= now ? out : 0, verified};
    }
    return 0;
}

struct existing {
    int64_t id[4096];
    int64_t first_seen[4096];
    size_t n;
};

static int existing_cb(const struct sl_device *d, void *vctx)
{
    struct existing *e = vctx;
    int64_t t;
    if (e->n >= sizeof e->id / sizeof e->id[0] || sl_time_parse(d->first_seen, &t) != 0)
        return 0;
    e->id[e->n] = d->id;
    e->first_seen[e->n++] = t;
    return 0;
}

/* Devices a scan registered before the history was written (the demo's lab)
 * join the programme: the ones found long enough ago are confirmed, and most of
 * those scheduled - a few for dates that have passed. None is recorded as
 * removed: they still answer, and verification would rightly call that a
 * reappearance. */
static int adopt_existing(struct gen *g)
{
    struct existing *e = calloc(1, sizeof *e);
    if (e == NULL)
        return sl_err_set(g->err, "out of memory");
    static const char *const decisions[] = {"prohibited", "replace-by"};
    for (int k = 0; k < 2; k++) {
        struct sl_device_filter f = {NULL, SL_STATUS_DISCOVERED, NULL, decisions[k], 0};
        if (sl_store_device_list(g->s, &f, existing_cb, e, g->err) != 0) {
            free(e);
            return -1;
        }
    }
    int64_t now = g->o->now;
    int ret = 0;
    for (size_t i = 0; i < e->n && ret == 0; i++) {
        int64_t confirmed = e->first_seen[i] + sl_rng_range(&g->rng, 3, 25) * DAY;
        if (confirmed > now - 7 * DAY)
            continue;
        ret = move(g, e->id[i], SL_STATUS_CONFIRMED, confirmed, "confirmed on site survey", NULL,
                   NULL, NULL, NULL);
        if (ret != 0 || sl_rng_unit(&g->rng) < 0.35)
            continue;
        int64_t when = now - sl_rng_range(&g->rng, 2, 50) * DAY;
        if (when < confirmed + DAY)
            when = confirmed + DAY;
        char sched[SL_DATE_LEN];
        sl_time_date(sl_rng_unit(&g->rng) < 0.15 ? now - sl_rng_range(&g->rng, 2, 20) * DAY
                                          : now + sl_rng_range(&g->rng, 7, 120) * DAY,
                     sched);
        if (strcmp(sched, "") != 0 && when < now)
            ret = move(g, e->id[i], SL_STATUS_SCHEDULED, when, "works order raised", NULL, sched,
                       NULL, NULL);
        g->sum->adopted++;
    }
    free(e);
    return ret;
}

/* The register's sites; when it has none, the demo's own (data/demo/sites.csv). */
static int load_sites(struct gen *g, struct sites *sites)
{
    struct sl_err *err = g->err;
    const struct sl_demo_opts *o = g->o;
    if (sl_store_site_list(g->s, site_cb, sites, err) != 0)
        return -1;
    if (sites->n == 0) {
        char path[4096];
        if (o->sites_csv != NULL)
            sl_strlcpy(path, o->sites_csv, sizeof path);
        else
            snprintf(path, sizeof path, "%s/demo/sites.csv", sl_datadir());
        size_t len;
        char *data = sl_read_file(path, 16u << 20, &len, err);
        if (data == NULL)
            return -1;
        struct sl_import_problems *probs = malloc(sizeof *probs);
        int rc = probs == NULL ? sl_err_set(err, "out of memory")
                               : sl_site_import_csv(g->s, data, len, o->actor,
                                                    &g->sum->sites_imported, probs, err);
        if (rc > 0)
            sl_err_set(err, "%s: %s", path, probs->text[0]);
        free(probs);
        free(data);
        if (rc != 0 || sl_store_site_list(g->s, site_cb, sites, err) != 0)
            return -1;
    }
    return sites->failed ? sl_err_set(err, "out of memory") : 0;
}

/* Exemptions: three in force at sensitive sites, one at an official site that
 * expired three weeks ago, each on a device still there. */
static int add_exemptions(struct gen *g, struct candidate *cand, size_t n_cand)
{
    static const struct {
        enum sl_tier tier;
        int64_t from_days, until_days;
        const char *reason, *approver;
    } ex[] = {
        {SL_TIER_SENSITIVE, -120, 60,
         "Feeds the legacy access-control system; its replacement is on order",
         "Programme Board (J. Okafor)"},
        {SL_TIER_SENSITIVE, -60, 120,
         "Listed building: new cabling needs consent from the conservation officer",
         "Estates Director (R. Patel)"},
        {SL_TIER_SENSITIVE, -30, 200, "Evidence retention: recorder held for a live investigation",
         "Senior Information Risk Owner"},
        {SL_TIER_OFFICIAL, -200, -21, "Awaiting the regional framework contract",
         "Programme Board (J. Okafor)"},
    };
    const struct sl_demo_opts *o = g->o;
    for (size_t k = 0; k < sizeof ex / sizeof ex[0]; k++) {
        for (size_t i = 0; i < n_cand; i++) {
            struct candidate *c = &cand[i];
            int64_t from = o->now + ex[k].from_days * DAY;
            if (c->removed_at != 0 || c->tier != ex[k].tier || c->confirmed_at >= from)
                continue;
            struct sl_device *d = malloc(sizeof *d);
            int got = d != NULL ? sl_store_device_get(g->s, c->id, d, g->err) : -1;
            int64_t since = 0;
            if (got == 1)
                sl_time_parse(d->status_since, &since);
            free(d);
            if (got != 1)
                return -1;
            if (since > from)
                continue;
            char until[SL_DATE_LEN];
            sl_time_date(o->now + ex[k].until_days * DAY, until);
            if (move(g, c->id, SL_STATUS_EXEMPT, from, ex[k].reason, NULL, NULL, until,
                     ex[k].approver) != 0)
                return -1;
            g->sum->exempt++;
            c->removed_at = -1; /* used */
            break;
        }
    }
    return 0;
}

/* Reappearance: one removed (not verified) device at a sensitive site seen again. */
static int add_reappearance(struct gen *g, const struct candidate *cand, size_t n_cand)
{
    for (size_t i = 0; i < n_cand; i++) {
        const struct candidate *c = &cand[i];
        if (c->removed_at > 0 && !c->verified && g->o->now - c->removed_at > 20 * DAY &&
            c->tier == SL_TIER_SENSITIVE) {
            if (move(g, c->id, SL_STATUS_REAPPEARED, g->o->now - 4 * DAY,
                     "answered again on the site network after its recorded removal", NULL, NULL,
                     NULL, NULL) != 0)
                return -1;
            g->sum->reappeared++;
            break;
        }
    }
    return 0;
}

/* Everything inside the transaction. 0, or -1 with g->err. */
static int seed(struct gen *g, struct sites *sites, struct candidate *cand, size_t cap_cand)
{
    size_t n_cand = 0;
    if (load_sites(g, sites) != 0 || adopt_existing(g) != 0)
        return -1;
    /* One sensitive site lags (its pace is slow): the report's overdue example. */
    bool lag_done = false;
    for (size_t i = 0; i < sites->n; i++) {
        double pace = 0.85 + 0.3 * sl_rng_unit(&g->rng);
        if (!lag_done && sites->v[i].tier == SL_TIER_SENSITIVE && i > 0) {
            pace = 2.4;
            lag_done = true;
        }
        if (seed_site(g, &sites->v[i], pace, cand, &n_cand, cap_cand) != 0)
            return -1;
    }
    if (add_exemptions(g, cand, n_cand) != 0 || add_reappearance(g, cand, n_cand) != 0)
        return -1;
    return add_milestones(g);
}

int sl_demo_seed(struct sl_store *s, const struct sl_demo_opts *o, struct sl_demo_summary *sum,
                 struct sl_err *err)
{
    memset(sum, 0, sizeof *sum);
    struct gen g = {s, o, sum, {o->seed ? o->seed : 2022}, "", err};
    struct sites sites = {NULL, 0, 0, 0};
    size_t cap_cand = 4096;
    struct candidate *cand = malloc(cap_cand * sizeof *cand);
    if (cand == NULL)
        return sl_err_set(err, "out of memory");
    int rc = sl_store_begin(s, err);
    if (rc == 0) {
        if (seed(&g, &sites, cand, cap_cand) != 0) {
            sl_store_rollback(s);
            rc = -1;
        } else {
            rc = sl_store_commit(s, err);
        }
    }
    free(sites.v);
    free(cand);
    return rc == 0 ? 0 : -1;
}

struct first_entry {
    char action[64];
};

static int first_cb(const struct sl_audit_entry *e, void *ctx)
{
    sl_strlcpy(((struct first_entry *)ctx)->action, e->action, sizeof(struct first_entry));
    return 1;
}

static int count_site(const struct sl_site *site, void *ctx)
{
    (void)site;
    (*(size_t *)ctx)++;
    return 0;
}

int sl_demo_claim_register(struct sl_store *s, const char *actor, struct sl_err *err)
{
    struct first_entry first = {""};
    struct sl_status_counts devices;
    size_t sites = 0;
    if (sl_store_audit_list(s, 0, 1, first_cb, &first, err) != 0 ||
        sl_store_count_devices(s, NULL, &devices, err) != 0 ||
        sl_store_site_list(s, count_site, &sites, err) != 0)
        return -1;
    if (strcmp(first.action, "register.demo") == 0) {
        sl_store_mark_demo(s, true);
        return 0;
    }
    if (first.action[0] != '\0' || devices.total > 0 || sites > 0)
        return sl_err_setk(err, SL_ERR_CONFLICT,
                           "%s is a real register (it holds %s): the demo writes invented "
                           "history only into an empty register or one the demo made; use "
                           "--db with a new file",
                           sl_store_where(s), sites > 0 ? "sites" : "records");
    sl_store_mark_demo(s, true);
    return sl_store_audit(s, actor, "register.demo", "register",
                          "{\"note\":\"made by sightline demo: its history is invented\"}",
                          err);
}

int sl_demo_sites(struct sl_store *s, const struct sl_demo_opts *o, size_t *imported,
                  struct sl_err *err)
{
    struct sl_demo_summary sum;
    memset(&sum, 0, sizeof sum);
    struct gen g = {s, o, &sum, {o->seed ? o->seed : 2022}, "", err};
    struct sites sites = {NULL, 0, 0, 0};
    int rc = load_sites(&g, &sites);
    free(sites.v);
    *imported = sum.sites_imported;
    return rc;
}
