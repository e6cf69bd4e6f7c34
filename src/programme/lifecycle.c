/* lifecycle.c - the transition rules and their application. */
#include "programme/lifecycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

static bool given(const char *s)
{
    return s != NULL && *s != '\0';
}

bool sl_status_is_replaced(enum sl_status st)
{
    return st == SL_STATUS_REMOVED || st == SL_STATUS_VERIFIED_ABSENT;
}

/* Allowed[from][to]: the moves an operator may make. verified_absent and
 * reappeared are normally set by verification; an operator may set them with a
 * note (a physical inspection, say) when no scan can reach the site. */
#define D SL_STATUS_DISCOVERED
#define C SL_STATUS_CONFIRMED
#define S SL_STATUS_SCHEDULED
#define R SL_STATUS_REMOVED
#define V SL_STATUS_VERIFIED_ABSENT
#define E SL_STATUS_EXEMPT
#define P SL_STATUS_REAPPEARED
static const bool allowed[SL_STATUS_COUNT][SL_STATUS_COUNT] = {
    /*            D      C      S      R      V      E      P   */
    [D] = {false, true, true, true, false, true, false},
    [C] = {false, false, true, true, false, true, false},
    [S] = {false, true, true, true, false, true, false},
    [R] = {false, false, false, false, true, false, true},
    [V] = {false, false, false, false, false, false, true},
    [E] = {false, true, true, true, false, true, false},
    [P] = {false, true, true, true, false, true, false},
};

/* Why from -> to is refused, of a noun ("device", "part"). */
static void refusal(enum sl_status from, enum sl_status to, const char *noun, char *out,
                    size_t n)
{
    if (to == D)
        snprintf(out, n, "discovered is only a %s's first status", noun);
    else if (from == to)
        snprintf(out, n, "the %s already has that status", noun);
    else if (from == R && to != V && to != P)
        snprintf(out, n, "a removed %s can only be verified absent, or found again (reappeared)",
                 noun);
    else if (from == V)
        snprintf(out, n, "a verified-absent %s can only come back as reappeared", noun);
    else if (to == V)
        snprintf(out, n, "only a removed %s can be verified absent", noun);
    else if (to == P)
        snprintf(out, n, "only a removed or verified-absent %s can reappear", noun);
    else
        snprintf(out, n, "that move is not part of the lifecycle");
}
#undef D
#undef C
#undef S
#undef R
#undef V
#undef E
#undef P

int sl_lifecycle_check(const struct sl_device *d, const struct sl_change *c, int64_t now,
                       char *why, size_t whyn)
{
    return sl_lifecycle_check_move(d->status, d->status_since, c, now, "device", NULL, why,
                                   whyn);
}

int sl_lifecycle_check_date(const char *at_text, const char *since_text, int64_t now,
                            const char *noun, char *why, size_t whyn)
{
    int64_t at = now;
    if (given(at_text) && sl_time_parse(at_text, &at) != 0) {
        snprintf(why, whyn, "'%s' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", at_text);
        return -1;
    }
    if (at > now) {
        snprintf(why, whyn, "the change is dated %s, in the future", at_text);
        return -1;
    }
    int64_t since;
    if (given(since_text) && sl_time_parse(since_text, &since) == 0 && at < since) {
        snprintf(why, whyn,
                 "the change is dated before the %s's last change (%s): history is "
                 "append-only",
                 noun, since_text);
        return -1;
    }
    return 0;
}

int sl_lifecycle_check_move(enum sl_status from, const char *since_text,
                            const struct sl_change *c, int64_t now, const char *noun,
                            const char *const *names, char *why, size_t whyn)
{
    if ((unsigned)c->to >= SL_STATUS_COUNT || (unsigned)from >= SL_STATUS_COUNT) {
        snprintf(why, whyn, "unknown status");
        return -1;
    }
    if (!allowed[from][c->to]) {
        char reason[128];
        refusal(from, c->to, noun, reason, sizeof reason);
        snprintf(why, whyn, "%s -> %s refused: %s",
                 names != NULL ? names[from] : sl_status_name(from),
                 names != NULL ? names[c->to] : sl_status_name(c->to), reason);
        return -1;
    }
    if (sl_lifecycle_check_date(c->at, since_text, now, noun, why, whyn) != 0)
        return -1;
    int64_t at = now;
    if (given(c->at))
        sl_time_parse(c->at, &at); /* checked above */
    int64_t t;
    switch (c->to) {
    case SL_STATUS_SCHEDULED:
        if (!given(c->scheduled_for) || sl_time_parse(c->scheduled_for, &t) != 0) {
            snprintf(why, whyn, "scheduling needs a removal date (YYYY-MM-DD)");
            return -1;
        }
        break;
    case SL_STATUS_REMOVED:
        if (!given(c->replaced_by)) {
            snprintf(why, whyn,
                     "a removal needs --replaced-by (what replaced it, or 'none')");
            return -1;
        }
        break;
    case SL_STATUS_EXEMPT: {
        if (!given(c->note) || !given(c->exempt_approver) || !given(c->exempt_until)) {
            snprintf(why, whyn, "an exemption needs a reason, an approver and an expiry date");
            return -1;
        }
        int64_t until;
        if (sl_time_parse_end_of_day(c->exempt_until, &until) != 0) {
            snprintf(why, whyn, "exemption expiry '%s' is not a date", c->exempt_until);
            return -1;
        }
        if (until < at) {
            snprintf(why, whyn, "the exemption would expire (%s) before it starts",
                     c->exempt_until);
            return -1;
        }
        break;
    }
    case SL_STATUS_VERIFIED_ABSENT:
    case SL_STATUS_REAPPEARED:
        if (!c->by_verification && !given(c->note)) {
            snprintf(why, whyn,
                     "%s is set by 'sightline verify'; by hand it needs a note saying how it "
                     "was established",
                     sl_status_name(c->to));
            return -1;
        }
        break;
    default: break;
    }
    return 0;
}

int sl_lifecycle_apply(struct sl_store *s, int64_t device_id, const struct sl_change *c,
                       const char *actor, char *why, size_t whyn, struct sl_err *err)
{
    return sl_lifecycle_apply_at(s, device_id, c, actor, sl_now(), why, whyn, err);
}

static int apply_locked(struct sl_store *s, int64_t device_id, const struct sl_change *c,
                        const char *actor, int64_t now, char *why, size_t whyn,
                        struct sl_err *err);

int sl_lifecycle_apply_at(struct sl_store *s, int64_t device_id, const struct sl_change *c,
                          const char *actor, int64_t now, char *why, size_t whyn,
                          struct sl_err *err)
{
    /* Read, check and write under the device's lock: two people moving the
     * same device at once are applied one after the other, the second checked
     * against the first's result. */
    if (sl_store_begin(s, err) != 0)
        return -1;
    int rc = sl_store_device_lock(s, device_id, err);
    if (rc > 0)
        rc = apply_locked(s, device_id, c, actor, now, why, whyn, err);
    else if (rc == 0)
        snprintf(why, whyn, "no device %lld", (long long)device_id);
    if (rc < 0) {
        sl_store_rollback(s);
        return -1;
    }
    if (sl_store_commit(s, err) != 0)
        return -1;
    return rc;
}

static int apply_locked(struct sl_store *s, int64_t device_id, const struct sl_change *c,
                        const char *actor, int64_t now, char *why, size_t whyn,
                        struct sl_err *err)
{
    struct sl_device *d = malloc(sizeof *d);
    if (d == NULL)
        return sl_err_set(err, "out of memory");
    int rc = sl_store_device_get(s, device_id, d, err);
    if (rc <= 0) {
        free(d);
        if (rc == 0)
            snprintf(why, whyn, "no device %lld", (long long)device_id);
        return rc;
    }
    if (sl_lifecycle_check(d, c, now, why, whyn) != 0) {
        free(d);
        return 0;
    }
    free(d);
    struct sl_event ev;
    memset(&ev, 0, sizeof ev);
    ev.to_status = c->to;
    sl_strlcpy(ev.actor, actor, sizeof ev.actor);
    if (given(c->at)) {
        int64_t at;
        sl_time_parse(c->at, &at);
        sl_time_iso(at, ev.at);
    }
    if (given(c->note))
        sl_strlcpy(ev.note, c->note, sizeof ev.note);
    if (c->to == SL_STATUS_REMOVED && given(c->replaced_by))
        sl_strlcpy(ev.replaced_by, c->replaced_by, sizeof ev.replaced_by);
    if (c->to == SL_STATUS_SCHEDULED && given(c->scheduled_for)) {
        int64_t t;
        sl_time_parse(c->scheduled_for, &t);
        sl_time_date(t, ev.scheduled_for);
    }
    if (c->to == SL_STATUS_EXEMPT) {
        int64_t t;
        sl_time_parse(c->exempt_until, &t);
        sl_time_date(t, ev.exempt_until);
        sl_strlcpy(ev.exempt_approver, c->exempt_approver, sizeof ev.exempt_approver);
    }
    ev.scan_id = c->scan_id;
    if (sl_store_device_set_status(s, device_id, &ev, err) != 0)
        return -1;
    return 1;
}

struct pre_ctx {
    int status;     /* status before the current one, replaying */
    int pre_exempt; /* status before the exemption chain began */
};

static int pre_cb(const struct sl_event *e, void *vctx)
{
    struct pre_ctx *ctx = vctx;
    if (e->to_status == SL_STATUS_EXEMPT && ctx->status != SL_STATUS_EXEMPT)
        ctx->pre_exempt = ctx->status;
    ctx->status = (int)e->to_status;
    return 0;
}

int sl_lifecycle_pre_exempt(struct sl_store *s, int64_t device_id, enum sl_status *out,
                            struct sl_err *err)
{
    struct pre_ctx ctx = {-1, -1};
    if (sl_store_event_list(s, device_id, NULL, pre_cb, &ctx, err) != 0)
        return -1;
    *out = ctx.pre_exempt >= 0 ? (enum sl_status)ctx.pre_exempt : SL_STATUS_CONFIRMED;
    /* Falling back to discovered would be a move the lifecycle refuses; an
     * exemption implies the device was looked at, so it is confirmed. */
    if (*out == SL_STATUS_DISCOVERED || *out == SL_STATUS_EXEMPT)
        *out = SL_STATUS_CONFIRMED;
    return 0;
}

#define EXPIRE_BATCH 4096

struct expire_ctx {
    int64_t ids[EXPIRE_BATCH];
    char until[EXPIRE_BATCH][SL_DATE_LEN];
    size_t n;
    int64_t today; /* 00:00 of now's day */
};

static int expire_collect(const struct sl_device *d, void *vctx)
{
    struct expire_ctx *ctx = vctx;
    int64_t until;
    if (d->exempt_until[0] == '\0' || sl_time_parse(d->exempt_until, &until) != 0)
        return 0;
    if (until >= ctx->today)
        return 0;
    ctx->ids[ctx->n] = d->id;
    sl_strlcpy(ctx->until[ctx->n], d->exempt_until, SL_DATE_LEN);
    return ++ctx->n == EXPIRE_BATCH;
}

int sl_lifecycle_expire(struct sl_store *s, int64_t now, const char *actor, size_t *n,
                        struct sl_err *err)
{
    *n = 0;
    struct expire_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL)
        return sl_err_set(err, "out of memory");
    ctx->today = now - now % 86400;
    struct sl_device_filter f = {NULL, SL_STATUS_EXEMPT, NULL, NULL, 0};
    int ret = 0;
    for (;;) {
        ctx->n = 0;
        if (sl_store_device_list(s, &f, expire_collect, ctx, err) != 0) {
            ret = -1;
            break;
        }
        if (ctx->n == 0)
            break;
        for (size_t i = 0; i < ctx->n; i++) {
            enum sl_status back;
            if (sl_lifecycle_pre_exempt(s, ctx->ids[i], &back, err) != 0) {
                ret = -1;
                break;
            }
            struct sl_event ev;
            memset(&ev, 0, sizeof ev);
            ev.to_status = back;
            sl_strlcpy(ev.actor, actor, sizeof ev.actor);
            int64_t until;
            sl_time_parse(ctx->until[i], &until);
            sl_time_iso(until + 86400, ev.at); /* the first second after the last exempt day */
            snprintf(ev.note, sizeof ev.note, "exemption expired on %s", ctx->until[i]);
            if (sl_store_device_set_status(s, ctx->ids[i], &ev, err) != 0) {
                ret = -1;
                break;
            }
            (*n)++;
        }
        if (ret != 0 || ctx->n < EXPIRE_BATCH)
            break;
    }
    free(ctx);
    return ret;
}
