/* progress.h - the removal programme's figures, as of any date.
 *
 * "As of D" means the end of day D (23:59:59 UTC): every device's status is
 * rebuilt from the lifecycle events with at <= that time, in time order. A
 * device with no event by then did not exist yet and does not count.
 * Exemptions: an exemption holds through the end of its expiry day; from the
 * next day on the device counts with the status it had before it became exempt
 * (before the first of a chain of renewals; discovered counts as confirmed),
 * whether or not `sightline devices expire` has written that fallback down yet.
 *
 * Affected = the device's verdict as of D is prohibited or replace-by: the
 * verdict history (store.h, verdict_events) is replayed with the lifecycle
 * events, so a device counts from the time a verdict made it affected until a
 * verdict made it not; a device with no recorded verdict change counts with
 * its current verdict throughout (every device judged only before migration
 * 8 does). Sites count with their current tier and department.
 *   replaced    = removed + verified_absent
 *   replaced %  = replaced / affected          verified % = verified_absent / affected
 *   exempt      = under an exemption in force: in the affected total, not replaced
 *   outstanding = affected - replaced - exempt  (what the forecast is for)
 *   overdue     = outstanding and (scheduled with a date before D, or a
 *                 replace-by deadline before D)
 * Weekly removals = affected devices entering removed/verified_absent from any
 * other status in that week (weeks end on D, D-7, ...).
 *
 * One pass over the events (store/programme_queries.c streams them from a
 * covering index; the verdict changes are merged in through a bounded
 * look-ahead), dense per-device arrays: memory is about 40 bytes a device plus
 * the figures; time is linear in events.
 *
 * Memory: sl_progress_compute allocates the result; sl_progress_free releases
 * it. Every string inside is owned by it.
 */
#ifndef SL_PROGRAMME_PROGRESS_H
#define SL_PROGRAMME_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "programme/agent_figures.h"
#include "programme/forecast.h"
#include "programme/milestone_eval.h"
#include "programme/vehicle_figures.h"
#include "store/store.h"
#include "util/err.h"

enum sl_scope_kind { SL_SCOPE_ALL = 0, SL_SCOPE_TIER, SL_SCOPE_DEPARTMENT, SL_SCOPE_SITE };

struct sl_scope {
    enum sl_scope_kind kind;
    char value[SL_NAME_MAX]; /* tier name, department or site; "" for all */
};

/* Parses "all", "tier:sensitive", "department:NAME" or "site:NAME". */
int sl_scope_parse(const char *text, struct sl_scope *out, struct sl_err *err);
const char *sl_scope_kind_name(enum sl_scope_kind k); /* "all", "tier", ... */
/* "all sites", "sensitive sites", "Department for X", "site Y" */
void sl_scope_describe(const struct sl_scope *sc, char *out, size_t n);

struct sl_prog_counts {
    int64_t affected;
    int64_t by_status[SL_STATUS_COUNT];
    int64_t replaced, verified, exempt, outstanding, overdue, reappeared;
    double replaced_pct, verified_pct; /* 0..100, 0 when nothing is affected */
};

/* A row of a breakdown (tier, department or site). */
struct sl_prog_row {
    char name[SL_NAME_MAX];
    char department[SL_NAME_MAX]; /* sites only */
    char tier[16];                /* sites only */
    struct sl_prog_counts c;
    struct sl_forecast fc;        /* tiers and departments only */
};

struct sl_prog_week {
    char end[SL_DATE_LEN]; /* last day of the week */
    int64_t affected, replaced, verified, exempt, outstanding;
    int64_t removals;      /* in that week */
};

struct sl_prog_exemption {
    int64_t device_id;
    char site[SL_NAME_MAX], address[48], manufacturer[64], model[96];
    char reason[256], approver[64], until[SL_DATE_LEN];
    bool expired;       /* expired on or before the as-of date (fallen back) */
    int64_t days_left;  /* days from the as-of date to the expiry (negative when past) */
    char falls_back_to[24];
};

struct sl_prog_reappearance {
    int64_t device_id;
    char site[SL_NAME_MAX], address[48], manufacturer[64], model[96];
    char at[SL_ISO_LEN]; /* when it was seen again */
    char note[256];
};

/* A change of an in-scope device's verdict by the as-of date (the report's
 * "verdict changes"): when, from what to what, and why. */
struct sl_prog_verdict_change {
    int64_t device_id;
    char at[SL_ISO_LEN];
    char site[SL_NAME_MAX], address[48];
    char from[16], to[16];                          /* decision names */
    char from_deadline[SL_DATE_LEN], to_deadline[SL_DATE_LEN];
    char from_manufacturer[64], to_manufacturer[64];
    char policy[64], policy_version[40];            /* the new verdict's policy */
    char rules[256];                                /* the new claim's rules, " " between */
    char via[16];                                   /* "observation" or "reassess" */
    char actor[64];
    char reason[256];
};

/* The forecast's path, week by week after the as-of date (for charts). */
struct sl_prog_projection {
    char end[SL_DATE_LEN];
    double central, optimistic, pessimistic; /* outstanding devices projected */
};

#define SL_PROG_MAX_WEEKS 260
#define SL_PROG_MAX_PROJECTION 156 /* three years of forecast path at most */
#define SL_PROG_MAX_LISTED 500 /* exemptions / reappearances kept for the report */

struct sl_prog_options {
    const char *as_of;     /* "YYYY-MM-DD"; NULL = today */
    struct sl_scope scope;
    int window;            /* forecast window in weeks; 0 = default */
};

struct sl_prog_state; /* per-device replay results (for sl_progress_devices) */

struct sl_progress {
    char as_of[SL_DATE_LEN];
    char generated_at[SL_ISO_LEN];
    int64_t audit_head_seq;  /* the audit log's newest entry when the report was made */
    char audit_head_hash[65]; /* its hash (hex): anchor it elsewhere (docs/security.md) */
    char start[SL_DATE_LEN]; /* first week's start ("" when nothing has happened) */
    struct sl_scope scope;
    char scope_text[SL_NAME_MAX + 32];
    int window;
    struct sl_prog_counts total;
    struct sl_forecast forecast;
    char headline[768];
    struct sl_prog_row tiers[SL_TIER_COUNT];
    size_t n_departments, n_sites, n_weeks, n_milestones, n_exemptions, n_reappearances;
    size_t n_exemptions_total, n_reappearances_total;
    size_t n_verdict_changes, n_verdict_changes_total; /* listed (at most SL_PROG_MAX_LISTED), all */
    struct sl_prog_verdict_change *verdict_changes;    /* newest first */
    struct sl_prog_row *departments, *sites; /* sorted by name */
    struct sl_prog_week *weeks;              /* oldest first */
    struct sl_prog_milestone *milestones;    /* by due date */
    struct sl_prog_exemption *exemptions;    /* soonest expiry first */
    struct sl_prog_reappearance *reappearances;
    size_t n_overdue_sites;
    size_t *overdue_sites;                 /* indexes into sites, most overdue first */
    size_t n_projection;
    struct sl_prog_projection *projection; /* until every band reaches 0, capped */
    struct sl_vehicle_figures vehicles;    /* the fleet register's section */
    struct sl_agent_figures agents;        /* site agents in scope, as they are now */
    struct sl_prog_state *state;
};

int sl_progress_compute(struct sl_store *s, const struct sl_prog_options *opt,
                        struct sl_progress **out, struct sl_err *err);
void sl_progress_free(struct sl_progress *p);

/* The method, in a sentence or two, for every report. */
extern const char sl_progress_method[];
extern const char sl_progress_definitions[];

/* An affected device in scope (as of the date), for the report's device list. */
struct sl_prog_device {
    const struct sl_device *d;   /* the register's current record */
    enum sl_status status;       /* status as of the date */
    bool overdue;
    char evidence[512];          /* "http:80 GET / (ok); rtsp:554 OPTIONS (ok)" (newest scan) */
    int64_t evidence_count;
};
typedef int (*sl_prog_device_cb)(const struct sl_prog_device *pd, void *ctx);
/* Calls cb for the affected devices in scope, the work first: reappeared, overdue,
 * other outstanding, exempt, removed, verified absent; then by site name and id.
 * At most `limit` (0 = none). */
int sl_progress_devices(struct sl_store *s, const struct sl_progress *p, int64_t limit,
                        sl_prog_device_cb cb, void *ctx, struct sl_err *err);

#endif
