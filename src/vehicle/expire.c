/* expire.c - expired part exemptions: what readers show, and the batch that
 * writes them down (expire.h). The lifecycle's checks are status.c's. */
#include "vehicle/expire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "util/timeutil.h"
#include "vehicle/register.h"

const char *sl_vpart_fallback(const char *exempt_from)
{
    return exempt_from != NULL && strcmp(exempt_from, "scheduled") == 0 ? "scheduled" : "fitted";
}

const char *sl_vpart_effective(const struct sl_vpart_row *p, int64_t now,
                               const char **expired_on)
{
    if (expired_on != NULL)
        *expired_on = "";
    int64_t until;
    if (strcmp(p->status, "exempt") != 0 || p->exempt_until == NULL ||
        sl_time_parse(p->exempt_until, &until) != 0 || until >= now - now % 86400)
        return p->status;
    if (expired_on != NULL)
        *expired_on = p->exempt_until;
    return sl_vpart_fallback(p->exempt_from);
}

struct batch {
    struct sl_vpart_expired x[SL_EXPIRE_BATCH];
    size_t n;
};

static int collect(const struct sl_vpart_expired *x, void *ctx)
{
    struct batch *b = ctx;
    b->x[b->n++] = *x;
    return 0;
}

/* One part falls back: its event, row and audit entry, and its vehicle
 * judged again, in one transaction. */
static int expire_one(struct sl_store *s, struct sl_assessor *a, const struct sl_vpart_expired *x,
                      const char *actor, struct sl_err *err)
{
    struct sl_vehicle_event ev;
    memset(&ev, 0, sizeof ev);
    ev.vehicle_id = x->vehicle_id;
    ev.part_id = x->part_id;
    sl_strlcpy(ev.to_status, sl_vpart_fallback(x->back_to), sizeof ev.to_status);
    if (strcmp(ev.to_status, "scheduled") == 0) /* its removal date again */
        sl_strlcpy(ev.scheduled_for, x->scheduled_for, sizeof ev.scheduled_for);
    sl_strlcpy(ev.actor, actor, sizeof ev.actor);
    int64_t until;
    if (sl_time_parse(x->until, &until) != 0)
        return sl_err_set(err, "part %lld: exemption's last day '%s' is not a date",
                          (long long)x->part_id, x->until);
    sl_time_iso(until - until % 86400 + 86400, ev.at); /* the first second after its last day */
    snprintf(ev.note, sizeof ev.note, "exemption expired on %.10s", x->until);
    if (sl_store_begin(s, err) != 0)
        return -1;
    char since[SL_ISO_LEN];
    if (sl_store_vehicle_status(s, &ev, since, err) != 0 ||
        sl_store_vehicle_set_status(s, &ev, err) != 0 ||
        sl_vreg_rejudge(s, a, ev.vehicle_id, ev.note, actor, NULL, NULL, err) != 0) {
        sl_store_rollback(s);
        return -1;
    }
    return sl_store_commit(s, err);
}

int sl_vreg_expire(struct sl_store *s, struct sl_assessor *a, int64_t now, const char *actor,
                   size_t *n, struct sl_err *err)
{
    *n = 0;
    char today[SL_DATE_LEN];
    sl_time_date(now, today);
    struct batch *b = malloc(sizeof *b);
    if (b == NULL)
        return sl_err_set(err, "out of memory");
    int rc = 0;
    int64_t after = 0;
    do {
        b->n = 0;
        rc = sl_store_vpart_expired(s, today, after, SL_EXPIRE_BATCH, collect, b, err);
        for (size_t i = 0; rc == 0 && i < b->n; i++) {
            rc = expire_one(s, a, &b->x[i], actor, err);
            after = b->x[i].part_id;
            *n += rc == 0;
        }
    } while (rc == 0 && b->n == SL_EXPIRE_BATCH);
    free(b);
    return rc;
}
