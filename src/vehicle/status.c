/* status.c - which moves a vehicle and its parts may make (status.h); the
 * part's rules are the devices' (programme/lifecycle.c). It writes nothing. */
#include "vehicle/status.h"

#include <stdio.h>
#include <string.h>

#include "programme/lifecycle.h"

/* A part's statuses as the device lifecycle's. */
static const struct {
    const char *name;
    enum sl_status as;
} part_states[] = {
    {"fitted", SL_STATUS_CONFIRMED},
    {"scheduled", SL_STATUS_SCHEDULED},
    {"removed", SL_STATUS_REMOVED},
    {"exempt", SL_STATUS_EXEMPT},
};
#define N_PART_STATES (sizeof part_states / sizeof part_states[0])

static int part_state(const char *name, enum sl_status *out)
{
    for (size_t i = 0; i < N_PART_STATES; i++)
        if (strcmp(part_states[i].name, name) == 0) {
            *out = part_states[i].as;
            return 0;
        }
    return -1;
}

bool sl_vstatus_valid(const char *name, bool part)
{
    enum sl_status st;
    if (part)
        return part_state(name, &st) == 0;
    return strcmp(name, "active") == 0 || strcmp(name, "retired") == 0;
}

static int check_part(const struct sl_vehicle_event *ev, const char *since, int64_t now,
                      char *why, size_t whyn)
{
    enum sl_status from, to;
    if (part_state(ev->to_status, &to) != 0 || part_state(ev->from_status, &from) != 0) {
        snprintf(why, whyn, "a part's status is " SL_VPART_STATUSES);
        return -1;
    }
    if (from == SL_STATUS_REMOVED) {
        snprintf(why, whyn, "removed -> %s refused: a removed part stays removed (what replaced "
                            "it is a part of its own)",
                 ev->to_status);
        return -1;
    }
    const char *names[SL_STATUS_COUNT] = {0};
    for (size_t i = 0; i < SL_STATUS_COUNT; i++)
        names[i] = sl_status_name((enum sl_status)i);
    for (size_t i = 0; i < N_PART_STATES; i++)
        names[part_states[i].as] = part_states[i].name;
    struct sl_change c = {
        .to = to,
        .at = ev->at,
        .note = ev->note,
        .replaced_by = ev->replaced_by,
        .scheduled_for = ev->scheduled_for,
        .exempt_until = ev->exempt_until,
        .exempt_approver = ev->exempt_approver,
    };
    return sl_lifecycle_check_move(from, since, &c, now, "part", names, why, whyn);
}

static int check_vehicle(const struct sl_vehicle_event *ev, const char *since, int64_t now,
                         char *why, size_t whyn)
{
    if (!sl_vstatus_valid(ev->to_status, false)) {
        snprintf(why, whyn, "a vehicle's status is " SL_VEHICLE_STATUSES);
        return -1;
    }
    bool retire = strcmp(ev->to_status, "retired") == 0;
    if (retire && ev->site_id > 0) {
        snprintf(why, whyn, "a vehicle is moved (--site) while it is active");
        return -1;
    }
    if (strcmp(ev->from_status, ev->to_status) == 0 && ev->site_id <= 0) {
        snprintf(why, whyn, "the vehicle is already %s%s", ev->to_status,
                 retire ? "" : " (--site moves it)");
        return -1;
    }
    return sl_lifecycle_check_date(ev->at, since, now, "vehicle", why, whyn);
}

int sl_vstatus_check(const struct sl_vehicle_event *ev, const char *since, int64_t now,
                     char *why, size_t whyn)
{
    return ev->part_id > 0 ? check_part(ev, since, now, why, whyn)
                           : check_vehicle(ev, since, now, why, whyn);
}
