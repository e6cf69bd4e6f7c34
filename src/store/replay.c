/* replay.c - the second half of db verify: the audit log replayed and compared
 * with the tables reports are built from (devices, lifecycle_events,
 * verdict_events, vehicle_verdict_events, sites and their networks, milestones, evidence bytes). A direct edit of a table that
 * leaves the chain intact shows up here as a mismatch. Reads only.
 *
 * Bounded: one small record per device id (the ids are dense), the sites and
 * milestones, one counter per (scan, address) whose evidence an entry hashed;
 * the tables are read in keyset pages.
 */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/cidr.h"
#include "util/fnv.h"
#include "util/grow.h"
#include "util/str.h"

#define MAX_DEVICE_ID (1 << 28) /* larger ids in entries or rows are mismatches, not memory */

void sl_audit_mismatch(struct sl_audit_report *rep, const char *fmt, ...)
{
    if (rep->n_listed < SL_AUDIT_LISTED) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(rep->mismatch[rep->n_listed++], sizeof rep->mismatch[0], fmt, ap);
        va_end(ap);
    }
    rep->mismatches++;
}

/* What the audit log says of one device, and what the tables hold. */
struct dev {
    uint32_t audited, stored;   /* lifecycle events: by the log, in the table */
    uint64_t audited_h, stored_h; /* FNV of their (from, to, at) in order */
    int8_t last_to;             /* enum sl_status + 1 of the last change; 0: none */
    bool discovered, in_table;
    uint32_t v_audited, v_stored; /* verdict changes: by the log, in verdict_events */
    uint64_t v_audited_h, v_stored_h; /* FNV of their (from, to, at) in order */
    int8_t v_last_to;           /* enum sl_decision + 1 of the last audited change; 0: none */
    char last_at[SL_ISO_LEN];
};

struct exp_site {
    int64_t id;
    char name[SL_NAME_MAX], department[SL_NAME_MAX], tier[16];
    json_t *networks;
    bool seen;
};

struct exp_milestone {
    struct sl_milestone m;
    bool live, seen;
};

struct ev_group {
    int64_t scan;
    uint64_t addr; /* FNV of the address; 0 = empty slot */
    int64_t consumed;
};

/* An evidence.add entry whose rows are still to be read (a server: read for
 * many entries in one statement). */
struct ev_check {
    int64_t seq, scan, skip, rows;
    char address[64];
    char sha256[65];
};
#define EV_CHECKS 256      /* entries a statement */
#define EV_CHECK_ROWS 1024 /* rows a statement (each at most 64 KiB of bytes) */

struct replay {
    struct sl_store *s;
    struct ev_check *checks;
    size_t n_checks;
    int64_t check_rows;
    struct sl_audit_report *rep;
    struct dev *dev;
    size_t n_dev;
    struct exp_site *sites;
    size_t n_sites, cap_sites;
    struct exp_milestone *ms;
    size_t n_ms, cap_ms;
    struct ev_group *groups;
    size_t cap_groups, n_groups;
    int64_t evidence_rows; /* rows hashed by entries */
    int failed;            /* -1: an error (err set) */
    struct sl_err *err;
    struct sl_vverdict_tally vv; /* vehicles' verdict changes (vehicle_verdicts.c) */
};

static struct dev *dev_at(struct replay *r, int64_t id)
{
    if (id <= 0 || id >= MAX_DEVICE_ID)
        return NULL;
    if ((size_t)id >= r->n_dev) {
        size_t n = (size_t)id * 2 + 64;
        struct dev *d = realloc(r->dev, n * sizeof *d);
        if (d == NULL) {
            r->failed = sl_err_set(r->err, "out of memory");
            return NULL;
        }
        memset(d + r->n_dev, 0, (n - r->n_dev) * sizeof *d);
        r->dev = d;
        r->n_dev = n;
    }
    return &r->dev[id];
}

static uint64_t change_hash(uint64_t h, const char *from, const char *to, const char *at)
{
    const char *f[] = {from, to, at};
    for (int i = 0; i < 3; i++)
        h = sl_fnv1a64_more(h, f[i], strlen(f[i]) + 1);
    return h;
}

static const char *jstr(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v != NULL ? v : "";
}

static int64_t object_id(const char *object, const char *prefix)
{
    size_t n = strlen(prefix);
    int64_t id;
    if (strncmp(object, prefix, n) != 0 || sl_parse_i64(object + n, 1, INT64_MAX, &id) != 0)
        return 0;
    return id;
}

/* ---- the log, entry by entry -------------------------------------------------- */

static void replay_device(struct replay *r, const struct sl_audit_entry *e, json_t *d)
{
    int64_t id = object_id(e->object, "device:");
    struct dev *v = dev_at(r, id);
    if (v == NULL) {
        if (r->failed == 0)
            sl_audit_mismatch(r->rep, "entry %lld names no usable device (%s)",
                              (long long)e->seq, e->object);
        return;
    }
    if (strcmp(e->action, "device.discover") == 0) {
        v->discovered = true;
        v->audited++;
        return;
    }
    enum sl_status to;
    if (sl_status_from_name(jstr(d, "to"), &to) != 0)
        return;
    v->audited++;
    v->audited_h = change_hash(v->audited_h, jstr(d, "from"), jstr(d, "to"), jstr(d, "at"));
    v->last_to = (int8_t)(to + 1);
    sl_strlcpy(v->last_at, jstr(d, "at"), sizeof v->last_at);
}

static void replay_verdict(struct replay *r, const struct sl_audit_entry *e, json_t *d)
{
    struct dev *v = dev_at(r, object_id(e->object, "device:"));
    if (v == NULL) {
        if (r->failed == 0)
            sl_audit_mismatch(r->rep, "entry %lld names no usable device (%s)",
                              (long long)e->seq, e->object);
        return;
    }
    const char *to = jstr(json_object_get(d, "to"), "decision");
    enum sl_decision dec;
    v->v_audited++;
    v->v_audited_h = change_hash(v->v_audited_h, jstr(json_object_get(d, "from"), "decision"), to,
                                 jstr(d, "at"));
    v->v_last_to = (int8_t)(sl_decision_from_name(to, &dec) == 0 ? dec + 1 : 0);
}

static void replay_site(struct replay *r, const struct sl_audit_entry *e, json_t *d)
{
    if (SL_GROW(r->sites, r->cap_sites, r->n_sites + 1, 16) != 0) {
        r->failed = sl_err_set(r->err, "out of memory");
        return;
    }
    struct exp_site *x = &r->sites[r->n_sites++];
    memset(x, 0, sizeof *x);
    x->id = object_id(e->object, "site:");
    sl_strlcpy(x->name, jstr(d, "name"), sizeof x->name);
    sl_strlcpy(x->department, jstr(d, "department"), sizeof x->department);
    sl_strlcpy(x->tier, jstr(d, "tier"), sizeof x->tier);
    x->networks = json_incref(json_object_get(d, "networks"));
}

static struct exp_milestone *milestone_named(struct replay *r, const char *name)
{
    for (size_t i = 0; i < r->n_ms; i++)
        if (r->ms[i].live && strcmp(r->ms[i].m.name, name) == 0)
            return &r->ms[i];
    return NULL;
}

static void replay_milestone(struct replay *r, const struct sl_audit_entry *e, json_t *d)
{
    const char *name = e->object + strlen("milestone:");
    struct exp_milestone *x = milestone_named(r, name);
    if (strcmp(e->action, "milestone.remove") == 0) {
        if (x != NULL)
            x->live = false;
        return;
    }
    if (SL_GROW(r->ms, r->cap_ms, r->n_ms + 1, 16) != 0) {
        r->failed = sl_err_set(r->err, "out of memory");
        return;
    }
    x = &r->ms[r->n_ms++];
    memset(x, 0, sizeof *x);
    x->live = true;
    sl_strlcpy(x->m.name, name, sizeof x->m.name);
    sl_strlcpy(x->m.due, jstr(d, "due"), sizeof x->m.due);
    sl_strlcpy(x->m.target_kind, jstr(d, "target_kind"), sizeof x->m.target_kind);
    x->m.target = json_number_value(json_object_get(d, "target"));
    sl_strlcpy(x->m.scope_kind, jstr(d, "scope_kind"), sizeof x->m.scope_kind);
    sl_strlcpy(x->m.scope_value, jstr(d, "scope_value"), sizeof x->m.scope_value);
    sl_strlcpy(x->m.subject, *jstr(d, "subject") ? jstr(d, "subject") : "devices",
               sizeof x->m.subject);
}


/* ---- evidence: each entry's rows, rehashed -------------------------------------- */

/* The (scan, address) counter of rows already matched to earlier entries. */
static struct ev_group *group_of(struct replay *r, int64_t scan, const char *address)
{
    if (r->n_groups * 2 >= r->cap_groups) {
        size_t cap = r->cap_groups ? r->cap_groups * 2 : 1024;
        struct ev_group *g = calloc(cap, sizeof *g);
        if (g == NULL) {
            r->failed = sl_err_set(r->err, "out of memory");
            return NULL;
        }
        for (size_t i = 0; i < r->cap_groups; i++) {
            if (r->groups[i].addr == 0)
                continue;
            size_t k = (size_t)(r->groups[i].addr ^ (uint64_t)r->groups[i].scan) & (cap - 1);
            while (g[k].addr != 0)
                k = (k + 1) & (cap - 1);
            g[k] = r->groups[i];
        }
        free(r->groups);
        r->groups = g;
        r->cap_groups = cap;
    }
    uint64_t h = sl_fnv1a64_str(address) | 1;
    size_t k = (size_t)(h ^ (uint64_t)scan) & (r->cap_groups - 1);
    while (r->groups[k].addr != 0 && (r->groups[k].addr != h || r->groups[k].scan != scan))
        k = (k + 1) & (r->cap_groups - 1);
    if (r->groups[k].addr == 0) {
        r->groups[k] = (struct ev_group){scan, h, 0};
        r->n_groups++;
    }
    return &r->groups[k];
}

static void digest_hex(EVP_MD_CTX *md, char hex[65])
{
    uint8_t h[32];
    unsigned hl = 0;
    EVP_DigestFinal_ex(md, h, &hl);
    for (size_t i = 0; i < sizeof h; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
}

/* Adds the evidence row read from columns first.. (scan_id, address, proto,
 * port, path, request, outcome, detail, observed_at, truncated, data). */
static void hash_columns(EVP_MD_CTX *md, struct sl_q *q, int first)
{
    size_t len = 0;
    const void *data = sl_col_blob(q, first + 10, &len);
    sl_evidence_hash_row(md, sl_col_int(q, first), sl_col_str(q, first + 1),
                         sl_col_str(q, first + 2), sl_col_int(q, first + 3),
                         sl_col_str(q, first + 4), sl_col_str(q, first + 5),
                         sl_col_str(q, first + 6), sl_col_str(q, first + 7),
                         sl_col_str(q, first + 8), sl_col_int(q, first + 9), data, len);
}

/* Hashes rows [skip, skip + n) of a scan's address, in id order. Returns the
 * rows found in that window (fewer than n: rows are missing). */
static int64_t hash_window(struct replay *r, int64_t scan, const char *address, int64_t skip,
                           int64_t n, char hex[65])
{
    struct sl_q *q = sl_st(r->s,
                           "SELECT scan_id, address, proto, port, path, request, outcome, detail,"
                           " observed_at, truncated, data FROM evidence"
                           " WHERE scan_id = ?1 AND address = ?2 ORDER BY id LIMIT ?3 OFFSET ?4",
                           r->err);
    if (q == NULL)
        return r->failed = -1;
    sl_bind_int(q, 1, scan);
    sl_bind_text(q, 2, address);
    sl_bind_int(q, 3, n);
    sl_bind_int(q, 4, skip);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    int64_t got = 0;
    int rc;
    while ((rc = sl_step(q, "reading evidence", r->err)) == 1) {
        hash_columns(md, q, 0);
        got++;
    }
    digest_hex(md, hex);
    EVP_MD_CTX_free(md);
    if (rc < 0)
        r->failed = -1;
    return got;
}

/* An entry's window of rows against what it recorded: got rows hashing to hex. */
static void judge_window(struct replay *r, const struct ev_check *c, int64_t got,
                         const char *hex)
{
    if (got != c->rows)
        sl_audit_mismatch(r->rep, "evidence of %s in scan %lld: entry %lld recorded %lld rows, "
                                  "the register holds %lld of them",
                          c->address, (long long)c->scan, (long long)c->seq,
                          (long long)c->rows, (long long)got);
    else if (strcmp(hex, c->sha256) != 0)
        sl_audit_mismatch(r->rep, "evidence of %s in scan %lld differs from what entry %lld "
                                  "hashed (its bytes or fields were changed)",
                          c->address, (long long)c->scan, (long long)c->seq);
    else
        r->rep->evidence_checked += c->rows;
}

/* The windows of many entries in one statement, in entry order (each as
 * hash_window reads it: its scan and address, by id, after the rows earlier
 * entries took). */
#define WINDOWS_SQL                                                                              \
    "SELECT g.k, e.scan_id, e.address, e.proto, e.port, e.path, e.request, e.outcome, e.detail," \
    " e.observed_at, e.truncated, e.data FROM unnest(?1::bigint[], ?2::inet[], ?3::bigint[],"    \
    " ?4::bigint[]) WITH ORDINALITY AS g(scan, addr, skip, n, k) CROSS JOIN LATERAL"             \
    " (SELECT x.* FROM evidence x WHERE x.scan_id = g.scan AND x.address = g.addr"              \
    " ORDER BY x.id LIMIT g.n OFFSET g.skip) AS e ORDER BY g.k, e.id"

static void check_windows(struct replay *r)
{
    if (r->n_checks == 0 || r->failed)
        return;
    struct sl_arr a[4];
    for (int k = 0; k < 4; k++)
        sl_arr_init(&a[k]);
    for (size_t i = 0; i < r->n_checks; i++) {
        sl_arr_int(&a[0], r->checks[i].scan);
        sl_arr_text(&a[1], r->checks[i].address);
        sl_arr_int(&a[2], r->checks[i].skip);
        sl_arr_int(&a[3], r->checks[i].rows);
    }
    struct sl_q *q = sl_st(r->s, WINDOWS_SQL, r->err);
    bool ok = q != NULL;
    for (int k = 0; k < 4; k++) {
        const char *lit = sl_arr_end(&a[k]);
        if (q != NULL && lit != NULL)
            sl_bind_text(q, k + 1, lit);
        ok = ok && lit != NULL;
        sl_arr_free(&a[k]);
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!ok || md == NULL) {
        r->failed = q == NULL ? -1 : sl_err_set(r->err, "out of memory");
        if (q != NULL)
            sl_reset(q);
        EVP_MD_CTX_free(md);
        return;
    }
    size_t at = 0; /* the entry whose rows are being hashed */
    int64_t got = 0;
    char hex[65];
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    int rc;
    while ((rc = sl_step(q, "reading evidence", r->err)) == 1) {
        size_t k = (size_t)sl_col_int(q, 0) - 1;
        for (; at < k && at < r->n_checks; at++, got = 0) { /* entries done (or rowless) */
            digest_hex(md, hex);
            judge_window(r, &r->checks[at], got, hex);
            EVP_DigestInit_ex(md, EVP_sha256(), NULL);
        }
        hash_columns(md, q, 1);
        got++;
    }
    for (; rc == 0 && at < r->n_checks; at++, got = 0) {
        digest_hex(md, hex);
        judge_window(r, &r->checks[at], got, hex);
        EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    }
    EVP_MD_CTX_free(md);
    sl_reset(q);
    if (rc < 0)
        r->failed = -1;
    r->n_checks = 0;
    r->check_rows = 0;
}

static void replay_evidence(struct replay *r, const struct sl_audit_entry *e, json_t *d)
{
    int64_t scan = object_id(e->object, "scan:");
    const char *address = jstr(d, "address");
    int64_t rows = json_integer_value(json_object_get(d, "rows"));
    struct ev_group *g = group_of(r, scan, address);
    if (g == NULL || rows <= 0)
        return;
    struct ev_check c = {e->seq, scan, g->consumed, rows, "", ""};
    sl_strlcpy(c.address, address, sizeof c.address);
    sl_strlcpy(c.sha256, jstr(d, "sha256"), sizeof c.sha256);
    g->consumed += rows;
    r->evidence_rows += rows;
    /* A server: windows gathered and read EV_CHECKS at a time, not one
     * statement (one round trip) per entry. */
    if (r->s->be->remote && strlen(address) < sizeof c.address) {
        if (r->checks == NULL && (r->checks = calloc(EV_CHECKS, sizeof *r->checks)) == NULL) {
            r->failed = sl_err_set(r->err, "out of memory");
            return;
        }
        r->checks[r->n_checks++] = c;
        r->check_rows += rows;
        if (r->n_checks == EV_CHECKS || r->check_rows >= EV_CHECK_ROWS)
            check_windows(r);
        return;
    }
    char hex[65];
    int64_t got = hash_window(r, scan, address, c.skip, rows, hex);
    if (!r->failed)
        judge_window(r, &c, got, hex);
}

static int audit_cb(const struct sl_audit_entry *e, void *vr)
{
    struct replay *r = vr;
    json_t *d = json_loads(e->detail, 0, NULL);
    if (strcmp(e->action, "device.verdict") == 0)
        replay_verdict(r, e, d);
    else if (strncmp(e->action, "device.", 7) == 0 && strcmp(e->action, "device.address") != 0)
        replay_device(r, e, d);
    else if (strcmp(e->action, "site.add") == 0)
        replay_site(r, e, d);
    else if (strncmp(e->action, "milestone.", 10) == 0)
        replay_milestone(r, e, d);
    else if (strcmp(e->action, "evidence.add") == 0)
        replay_evidence(r, e, d);
    else if (strncmp(e->action, "vehicle.", 8) == 0)
        sl_vverdict_audited(&r->vv, e->action, e->object, d);
    json_decref(d);
    return r->failed != 0;
}

/* ---- the tables, compared -------------------------------------------------------- */

struct page {
    int64_t after;
    struct replay *r;
};

static void page_bind(struct sl_q *q, void *vp)
{
    sl_bind_int(q, 1, ((struct page *)vp)->after);
}

static int event_row(struct sl_q *q, void *vp)
{
    struct page *p = vp;
    struct replay *r = p->r;
    p->after = sl_col_int(q, 0);
    int64_t id = sl_col_int(q, 1);
    struct dev *v = dev_at(r, id);
    if (v == NULL)
        return r->failed != 0;
    v->stored++;
    if (sl_col_null(q, 2)) /* the creation event: first seen, or migration 2's */
        return 0;
    v->stored_h = change_hash(v->stored_h, sl_col_str(q, 2), sl_col_str(q, 3), sl_col_str(q, 4));
    return 0;
}

static int verdict_row(struct sl_q *q, void *vp)
{
    struct page *p = vp;
    struct replay *r = p->r;
    p->after = sl_col_int(q, 0);
    struct dev *v = dev_at(r, sl_col_int(q, 1));
    if (v == NULL)
        return r->failed != 0;
    v->v_stored++;
    v->v_stored_h = change_hash(v->v_stored_h, sl_col_str(q, 2), sl_col_str(q, 3), sl_col_str(q, 4));
    return 0;
}

static const char *status_of(int8_t last_to)
{
    return last_to > 0 ? sl_status_name((enum sl_status)(last_to - 1)) : "discovered";
}

static int device_row(struct sl_q *q, void *vp)
{
    struct page *p = vp;
    struct replay *r = p->r;
    int64_t id = p->after = sl_col_int(q, 0);
    struct dev *v = dev_at(r, id);
    if (v == NULL)
        return r->failed != 0;
    v->in_table = true;
    const char *status = sl_col_str(q, 1), *since = sl_col_str(q, 2);
    const char *decision = sl_col_str(q, 3) != NULL ? sl_col_str(q, 3) : "";
    if (v->v_last_to > 0 &&
        strcmp(decision, sl_decision_name((enum sl_decision)(v->v_last_to - 1))) != 0)
        sl_audit_mismatch(r->rep, "device %lld is '%s' in the register, '%s' by its last audited "
                                  "verdict change",
                          (long long)id, decision,
                          sl_decision_name((enum sl_decision)(v->v_last_to - 1)));
    if (!v->discovered) {
        sl_audit_mismatch(r->rep, "device %lld (%s) is in no audit entry: added behind the "
                                  "audit log",
                          (long long)id, status);
        return 0;
    }
    if (strcmp(status, status_of(v->last_to)) != 0)
        sl_audit_mismatch(r->rep, "device %lld is '%s' in the register, '%s' by the audit log",
                          (long long)id, status, status_of(v->last_to));
    else if (v->last_to > 0 && strcmp(since, v->last_at) != 0)
        sl_audit_mismatch(r->rep, "device %lld: '%s' since %s in the register, since %s by the "
                                  "audit log",
                          (long long)id, status, since, v->last_at);
    return 0;
}

static int compare_devices(struct replay *r, struct sl_err *err)
{
    struct page p = {0, r};
    struct sl_pager ev = {"SELECT id, device_id, from_status, to_status, at FROM lifecycle_events"
                          " WHERE id > ?1 ORDER BY id LIMIT ?2",
                          2, page_bind, event_row, "reading lifecycle events"};
    if (sl_walk_pages(r->s, &ev, &p, err) != 0 || r->failed)
        return -1;
    p.after = 0;
    struct sl_pager vv = {"SELECT id, device_id, from_decision, to_decision, at FROM verdict_events"
                          " WHERE id > ?1 ORDER BY id LIMIT ?2",
                          2, page_bind, verdict_row, "reading verdict changes"};
    if (r->s->version >= SL_SCHEMA_VERDICT_HISTORY && (sl_walk_pages(r->s, &vv, &p, err) != 0 || r->failed))
        return -1;
    p.after = 0;
    struct sl_pager dv = {"SELECT id, status, status_since, decision FROM devices"
                          " WHERE id > ?1 ORDER BY id LIMIT ?2",
                          2, page_bind, device_row, "reading devices"};
    if (sl_walk_pages(r->s, &dv, &p, err) != 0 || r->failed)
        return -1;
    for (size_t id = 1; id < r->n_dev; id++) {
        struct dev *v = &r->dev[id];
        if (v->discovered && !v->in_table)
            sl_audit_mismatch(r->rep, "device %zu is in the audit log but not in the register",
                              id);
        else if (v->in_table && (v->stored != v->audited || v->stored_h != v->audited_h))
            sl_audit_mismatch(r->rep, "device %zu: %u lifecycle events in the register, %u in "
                                      "the audit log%s",
                              id, v->stored, v->audited,
                              v->stored == v->audited ? " (but they differ)" : "");
        else if (v->in_table && (v->v_stored != v->v_audited || v->v_stored_h != v->v_audited_h))
            sl_audit_mismatch(r->rep, "device %zu: %u verdict changes in the register, %u in "
                                      "the audit log%s",
                              id, v->v_stored, v->v_audited,
                              v->v_stored == v->v_audited ? " (but they differ)" : "");
    }
    return 0;
}

static bool same_networks(json_t *want, const struct sl_site *got)
{
    if (!json_is_array(want) || json_array_size(want) != got->n_networks)
        return false;
    size_t i;
    json_t *v;
    json_array_foreach(want, i, v)
    {
        struct sl_cidr a;
        bool found = false;
        if (sl_cidr_parse(json_string_value(v) ? json_string_value(v) : "", &a, NULL) != 0)
            return false;
        for (size_t k = 0; k < got->n_networks && !found; k++) {
            struct sl_cidr b;
            found = sl_cidr_parse(got->networks[k], &b, NULL) == 0 && b.prefix == a.prefix &&
                    memcmp(b.addr.b, a.addr.b, 16) == 0;
        }
        if (!found)
            return false;
    }
    return true;
}

static int site_cb(const struct sl_site *site, void *vr)
{
    struct replay *r = vr;
    for (size_t i = 0; i < r->n_sites; i++) {
        struct exp_site *x = &r->sites[i];
        if (x->id != site->id)
            continue;
        x->seen = true;
        if (strcmp(x->name, site->name) != 0 || strcmp(x->department, site->department) != 0 ||
            strcmp(x->tier, sl_tier_name(site->tier)) != 0 || !same_networks(x->networks, site))
            sl_audit_mismatch(r->rep, "site %lld ('%s') differs from its audit entry (name, "
                                      "department, tier or networks)",
                              (long long)site->id, site->name);
        return 0;
    }
    sl_audit_mismatch(r->rep, "site %lld ('%s') is in no audit entry", (long long)site->id,
                      site->name);
    return 0;
}

static int milestone_cb(const struct sl_milestone *m, void *vr)
{
    struct replay *r = vr;
    struct exp_milestone *x = milestone_named(r, m->name);
    if (x == NULL) {
        sl_audit_mismatch(r->rep, "milestone '%s' is in no audit entry", m->name);
        return 0;
    }
    x->seen = true;
    if (strcmp(x->m.due, m->due) != 0 || strcmp(x->m.target_kind, m->target_kind) != 0 ||
        fabs(x->m.target - m->target) > 1e-9 || strcmp(x->m.scope_kind, m->scope_kind) != 0 ||
        strcmp(x->m.scope_value, m->scope_value) != 0 || strcmp(x->m.subject, m->subject) != 0)
        sl_audit_mismatch(r->rep, "milestone '%s' differs from its audit entry", m->name);
    return 0;
}

/* Since migration 14 no foreign key guards evidence's device and scan, and on
 * PostgreSQL since 17 none guards a device's site and last scan nor a
 * lifecycle event's device and scan: every row must still name ones in the
 * register (one anti-join a reference, one pass each). */
#define ORPHANS(child, column, parent)                                                   \
    "(SELECT count(*) FROM " child " x WHERE x." column " IS NOT NULL AND NOT EXISTS"      \
    " (SELECT 1 FROM " parent " p WHERE p.id = x." column "))"
static const struct {
    const char *rows, *names;
} refs[] = {
    {"evidence rows", "a device"}, {"evidence rows", "a scan"},     {"devices", "a site"},
    {"devices", "a scan"},         {"lifecycle events", "a device"}, {"lifecycle events", "a scan"},
};
#define N_REFS (sizeof refs / sizeof refs[0])

static int check_refs(struct replay *r, struct sl_err *err)
{
    struct sl_q *q = sl_st(r->s,
                           "SELECT " ORPHANS("evidence", "device_id", "devices") ", "
                           ORPHANS("evidence", "scan_id", "scans") ", "
                           ORPHANS("devices", "site_id", "sites") ", "
                           ORPHANS("devices", "last_scan_id", "scans") ", "
                           ORPHANS("lifecycle_events", "device_id", "devices") ", "
                           ORPHANS("lifecycle_events", "scan_id", "scans"),
                           err);
    if (q == NULL)
        return -1;
    int rc = sl_step(q, "checking the references of evidence, devices and lifecycle events", err);
    int64_t missing[N_REFS] = {0};
    for (size_t i = 0; rc == 1 && i < N_REFS; i++)
        missing[i] = sl_col_int(q, (int)i);
    sl_reset(q);
    if (rc < 0)
        return -1;
    for (size_t i = 0; i < N_REFS; i++)
        if (missing[i] > 0)
            sl_audit_mismatch(r->rep, "%lld %s name %s that is not in the register",
                              (long long)missing[i], refs[i].rows, refs[i].names);
    return 0;
}

static int compare_rest(struct replay *r, struct sl_err *err)
{
    if (sl_store_site_list(r->s, site_cb, r, err) != 0 ||
        sl_store_milestone_list(r->s, milestone_cb, r, err) != 0)
        return -1;
    for (size_t i = 0; i < r->n_sites; i++)
        if (!r->sites[i].seen)
            sl_audit_mismatch(r->rep, "site %lld ('%s') is in the audit log but not in the "
                                      "register",
                              (long long)r->sites[i].id, r->sites[i].name);
    for (size_t i = 0; i < r->n_ms; i++)
        if (r->ms[i].live && !r->ms[i].seen)
            sl_audit_mismatch(r->rep, "milestone '%s' is in the audit log but not in the "
                                      "register",
                              r->ms[i].m.name);
    /* Every evidence row written since migration 5 is in some entry's window. */
    int64_t upto = 0, total = 0;
    struct sl_q *q = sl_st(r->s, "SELECT COALESCE(max(evidence_upto), 0) FROM audit_baseline",
                           err);
    if (q == NULL || sl_one_int(q, &upto, "reading the audit baseline", err) < 0)
        return -1;
    q = sl_st(r->s, "SELECT count(*) FROM evidence WHERE id > ?1", err);
    if (q == NULL)
        return -1;
    sl_bind_int(q, 1, upto);
    if (sl_one_int(q, &total, "counting evidence", err) < 0)
        return -1;
    r->rep->evidence_before = upto;
    if (total != r->evidence_rows)
        sl_audit_mismatch(r->rep, "%lld evidence rows in the register, %lld recorded by the "
                                  "audit log",
                          (long long)total, (long long)r->evidence_rows);
    return check_refs(r, err);
}

int sl_audit_replay_check(struct sl_store *s, struct sl_audit_report *rep, struct sl_err *err)
{
    struct replay r;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.rep = rep;
    r.err = err;
    int rc = sl_store_audit_list(s, 0, 0, audit_cb, &r, err);
    if (rc == 0)
        check_windows(&r);
    if (rc == 0 && r.failed == 0)
        rc = compare_devices(&r, err);
    if (rc == 0 && r.failed == 0)
        rc = compare_rest(&r, err);
    if (rc == 0 && r.failed == 0)
        rc = sl_vverdict_compare(s, &r.vv, rep, err);
    for (size_t i = 0; i < r.n_sites; i++)
        json_decref(r.sites[i].networks);
    free(r.sites);
    free(r.ms);
    free(r.dev);
    free(r.groups);
    free(r.checks);
    return rc != 0 || r.failed != 0 ? -1 : 0;
}
