/* progress_internal.h - what the files of the progress computation share (not
 * for use outside programme/progress*.c). sl_progress_compute (progress.c)
 * runs the steps in order over one struct prog_work and frees it in one place:
 *   progress_load.c     sites and departments, milestones' groups, affected devices
 *   progress_replay.c   snapshot points; the replay of the lifecycle events
 *   progress_figures.c  figures by tier, department and site; weeks; forecasts;
 *                       milestones
 *   progress_lists.c    order, overdue sites, exemptions, reappearances, headline
 *   progress_devices.c  the affected devices listed for a report
 * Each step returns 0, or -1 with err set (out of memory: prog_oom). Memory:
 * everything a step allocates hangs off the work (freed by prog_work_free) or
 * off the result (freed by sl_progress_free). */
#ifndef SL_PROGRAMME_PROGRESS_INTERNAL_H
#define SL_PROGRAMME_PROGRESS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "programme/lifecycle.h"
#include "programme/progress.h"

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

/* The groups: the report's scope, everything, each tier, each department, then
 * one per site a milestone names. */
enum { G_SCOPE = 0, G_ALL = 1, G_TIER = 2, G_DEPT = 2 + SL_TIER_COUNT };

/* One device's replay state, packed so each event touches one line. Tracked:
 * the devices affected now or at some time of the verdict history. */
struct dstate {
    int32_t site;         /* index into sites, -1 = none */
    int32_t exempt_until; /* day number of the current exemption's last day, 0 = none */
    int32_t sched;        /* day number of the scheduled removal, 0 = none */
    int32_t deadline;     /* replace-by deadline, day number, 0 = none */
    int8_t status;        /* enum sl_status, -1 = does not exist (yet) */
    int8_t pre_exempt;    /* status to fall back to when the exemption expires */
    int8_t fell_back;     /* the exemption expired and nothing changed since */
    int8_t decision;      /* enum sl_decision at the replay's time */
    bool in_scope;
    bool affected;        /* its verdict at the replay's time is prohibited or replace-by */
    bool tracked;
};

/* Whether a device counts in the figures as of the date: affected then, and existing. */
static inline bool prog_counted(const struct dstate *d)
{
    return d->affected && d->status >= 0;
}

struct sl_prog_state {
    int64_t max_id;
    size_t n;          /* max_id + 1: devices are indexed by id */
    struct dstate *dv; /* sl_big_calloc'd: dv_bytes */
    size_t dv_bytes;
    struct site_info *sites; /* by id */
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

/* A verdict change waiting to be replayed (a bounded look-ahead of the
 * verdict history, read page by page). */
struct vchange {
    int64_t t;
    uint32_t dev;
    int32_t deadline;
    int8_t decision;
};

#define PROG_VCHANGE_BUF 4096

/* A lifecycle event read and parsed, waiting a few rows before it is applied:
 * its device's state is prefetched meanwhile (the events come in time order,
 * the devices at random, and each one's state is a cache miss). */
struct pending_event {
    int64_t t;
    uint32_t dev;
    int32_t exempt_until, sched; /* day numbers, 0 = none */
    int8_t to;                   /* enum sl_status; -1: a status no lifecycle has */
};
#define PROG_EVENT_AHEAD 16 /* a power of two */

struct replay {
    struct sl_prog_state *st;
    struct sl_store *s;
    struct sl_err *err;
    struct vchange *vq;    /* PROG_VCHANGE_BUF */
    size_t vq_n, vq_pos;
    char v_at[SL_ISO_LEN]; /* the history's read position */
    int64_t v_id;
    bool v_done;
    int store_failed;      /* reading the verdict history failed (err set) */
    struct group *groups;
    size_t n_groups;
    struct expiry *heap;
    size_t n_heap, cap_heap;
    struct point *points;
    size_t n_points, next_point;
    struct group *snap; /* n_points * n_groups */
    struct pending_event ahead[PROG_EVENT_AHEAD]; /* a ring */
    size_t ahead_head, ahead_n;
    char ahead_bad[PROG_EVENT_AHEAD][32]; /* the status text of an event whose to < 0 */
    int failed;         /* out of memory */
    int64_t bad_event;  /* an event with a status no lifecycle has (its device id) */
    char bad_status[32];
};

/* The computation's working set. */
struct prog_work {
    struct sl_progress *p;   /* the result (owns st) */
    struct sl_prog_state *st;
    struct replay r;
    char (*depts)[SL_NAME_MAX];
    size_t n_depts;
    struct sl_prog_milestone *ms; /* collected, then handed to p */
    size_t n_ms;
    int64_t *ms_group;       /* each milestone's group, -1 = its scope is unknown */
    int *ms_point;           /* each milestone's snapshot point, -1 = not due yet */
    int *week_point;         /* each week's snapshot point */
    size_t n_weeks;          /* weeks of snapshots (p->n_weeks drops the empty first ones) */
    size_t first_week;
    double *weekly;          /* n_weeks removal counts, scratch for forecasts */
    int64_t end_t;           /* the end of the as-of day */
};

int prog_oom(struct sl_err *err);

/* Day number (days since the epoch) of a "YYYY-MM-DD..." text; 0 when absent or
 * unreadable. */
int32_t prog_day(const char *s);

/* Prohibited and replace-by: what the programme removes. */
bool prog_decision_affects(enum sl_decision d);

int prog_load_sites(struct sl_store *s, struct prog_work *w, struct sl_err *err);
int prog_load_milestones(struct sl_store *s, struct prog_work *w, struct sl_err *err);
int prog_load_devices(struct sl_store *s, struct prog_work *w, struct sl_err *err);
int prog_plan_points(struct sl_store *s, struct prog_work *w, struct sl_err *err);
int prog_replay(struct sl_store *s, struct prog_work *w, struct sl_err *err);
int prog_figures(struct prog_work *w, struct sl_err *err);
int prog_weeks(struct prog_work *w, struct sl_err *err);
int prog_forecast(struct prog_work *w, struct sl_err *err);
void prog_milestones(struct prog_work *w);
int prog_order(struct prog_work *w, struct sl_err *err);
int prog_lists(struct sl_store *s, struct prog_work *w, struct sl_err *err);
int prog_verdict_changes(struct sl_store *s, struct prog_work *w, struct sl_err *err);
/* The index into st->sites of a site id, or -1. */
int32_t prog_find_site(const struct sl_prog_state *st, int64_t id);
void prog_headline(struct sl_progress *p);

/* Shared by the figures and the device list. */
void prog_counts_finish(struct sl_prog_counts *c);
void prog_group_counts(const struct group *g, struct sl_prog_counts *c);
bool prog_is_overdue(const struct sl_prog_state *st, size_t d);
/* Weekly removals of group g from the week snapshots (p->n_weeks values). */
void prog_group_weekly(const struct prog_work *w, size_t g, double *out);

#endif
