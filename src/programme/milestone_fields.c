/* milestone_fields.c - checks and fills a milestone from a person's fields
 * (milestone_fields.h); stores nothing. */
#include "programme/milestone_fields.h"

#include <string.h>

#include "programme/progress.h"
#include "util/str.h"
#include "util/timeutil.h"

static int target(struct sl_milestone *m, const char *percent, const char *count, bool cli,
                  struct sl_err *err)
{
    if ((percent == NULL) == (count == NULL))
        return sl_err_setk(err, SL_ERR_INVALID, "give exactly one of %s and %s",
                           cli ? "--percent" : "a percentage", cli ? "--count" : "a count");
    if (percent != NULL) {
        char buf[32];
        sl_strlcpy(buf, percent, sizeof buf);
        size_t l = strlen(buf);
        if (l > 0 && buf[l - 1] == '%')
            buf[l - 1] = '\0';
        if (sl_parse_double(buf, &m->target) != 0 || m->target <= 0 || m->target > 100)
            return sl_err_setk(err, SL_ERR_INVALID, "%s takes a number above 0, up to 100",
                               cli ? "--percent" : "the percentage");
        sl_strlcpy(m->target_kind, "percent", sizeof m->target_kind);
        return 0;
    }
    int64_t n;
    if (sl_parse_i64(count, 1, INT64_MAX / 2, &n) != 0)
        return sl_err_setk(err, SL_ERR_INVALID, "%s takes a positive whole number",
                           cli ? "--count" : "the count");
    m->target = (double)n;
    sl_strlcpy(m->target_kind, "count", sizeof m->target_kind);
    return 0;
}

int sl_milestone_from_fields(struct sl_milestone *m, const char *name, const char *due,
                             const char *percent, const char *count, const char *scope,
                             bool cli, struct sl_err *err)
{
    memset(m, 0, sizeof *m);
    if (name == NULL || *name == '\0' || strlen(name) >= sizeof m->name)
        return sl_err_setk(err, SL_ERR_INVALID, "the name must be 1 to %zu characters",
                           sizeof m->name - 1);
    if (sl_str_has_control(name))
        return sl_err_setk(err, SL_ERR_INVALID, "the name holds control characters");
    sl_strlcpy(m->name, name, sizeof m->name);
    int64_t t;
    if (due == NULL || sl_time_parse(due, &t) != 0)
        return sl_err_setk(err, SL_ERR_INVALID, "%s (YYYY-MM-DD) is required",
                           cli ? "--due DATE" : "the due date");
    sl_time_date(t, m->due);
    if (target(m, percent, count, cli, err) != 0)
        return -1;
    struct sl_scope sc;
    if (sl_scope_parse(scope, &sc, err) != 0)
        return sl_err_prefix(err, "%s", cli ? "--scope" : "the scope");
    sl_strlcpy(m->scope_kind, sl_scope_kind_name(sc.kind), sizeof m->scope_kind);
    sl_strlcpy(m->scope_value, sc.value, sizeof m->scope_value);
    sl_strlcpy(m->subject, "devices", sizeof m->subject);
    return 0;
}

int sl_milestone_from_fields_of(struct sl_milestone *m, const char *subject, const char *name,
                                const char *due, const char *percent, const char *count,
                                const char *scope, bool cli, struct sl_err *err)
{
    bool parts = subject != NULL && strcmp(subject, "vehicle-parts") == 0;
    if (subject != NULL && !parts && strcmp(subject, "devices") != 0)
        return sl_err_setk(err, SL_ERR_INVALID, "%s is devices or vehicle-parts",
                           cli ? "--of" : "what a milestone counts");
    const char *fleet = NULL;
    if (scope != NULL && strncmp(scope, "fleet:", 6) == 0) {
        if (!parts)
            return sl_err_setk(err, SL_ERR_INVALID, "%s fleet:NAME is for %s",
                               cli ? "--scope" : "the scope",
                               cli ? "--of vehicle-parts" : "milestones of vehicle parts");
        fleet = scope + 6;
        if (*fleet == '\0' || strlen(fleet) >= sizeof m->scope_value || sl_str_has_control(fleet))
            return sl_err_setk(err, SL_ERR_INVALID, "%s fleet:NAME needs a fleet's name",
                               cli ? "--scope" : "the scope");
        scope = NULL;
    }
    if (sl_milestone_from_fields(m, name, due, percent, count, scope, cli, err) != 0)
        return -1;
    if (fleet != NULL) {
        sl_strlcpy(m->scope_kind, "fleet", sizeof m->scope_kind);
        sl_strlcpy(m->scope_value, fleet, sizeof m->scope_value);
    }
    if (parts)
        sl_strlcpy(m->subject, "vehicle-parts", sizeof m->subject);
    return 0;
}
