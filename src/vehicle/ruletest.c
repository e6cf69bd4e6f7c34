/* ruletest.c - running a vehicle rule's own examples (sl_vrule_test in
 * rules.h), as `sightline rules test` and the unit tests do. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/str.h"
#include "vehicle/rules_internal.h"
#include "vehicle/siterule.h"

static void failf(struct sl_vrule_test *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void failf(struct sl_vrule_test *res, const char *fmt, ...)
{
    if (res->failed++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(res->first_failure, sizeof res->first_failure, fmt, ap);
        va_end(ap);
    }
}

/* Syntax rules: a positive string must be valid; a negative {"vin"|"imei"|
 * "rule": s, "error": e} must be refused with e in the message. */
static void test_syntax(const struct sl_vrules *vr, const struct sl_vrule *r,
                        const json_t *ex, bool positive, struct sl_vrule_test *res)
{
    const char *key = r == vr->vin_syntax ? "vin" : r == vr->imei_syntax ? "imei" : "rule";
    const char *text = positive ? json_string_value(ex) : json_string_value(json_object_get(ex, key));
    const char *want = positive ? NULL : json_string_value(json_object_get(ex, "error"));
    if (text == NULL || (!positive && want == NULL)) {
        failf(res, "%s: a malformed example", r->id);
        return;
    }
    struct sl_err err = {0};
    int rc;
    if (r == vr->vin_syntax) {
        struct sl_vin_info vi;
        rc = sl_vin_decode(vr, text, &vi, &err);
    } else if (r == vr->imei_syntax) {
        struct sl_imei_info ii;
        rc = sl_imei_decode(vr, text, &ii, &err);
    } else {
        struct sl_site_rule sr;
        rc = sl_site_rule_parse(text, &sr, &err);
    }
    if (positive && rc != 0)
        failf(res, "%s: '%s' should be valid: %s", r->id, text, err.msg);
    else if (!positive && rc == 0)
        failf(res, "%s: '%s' should be refused (%s)", r->id, text, want);
    else if (!positive && sl_memcasemem(err.msg, strlen(err.msg), want) == NULL)
        failf(res, "%s: '%s' refused, but not for '%s': %s", r->id, text, want, err.msg);
}

/* The rule that identifies an example of a WMI, TAC or supplier rule. */
static const struct sl_vrule *identify(const struct sl_vrules *vr, const struct sl_vrule *r,
                                       const json_t *ex, char *shown, size_t n)
{
    struct sl_err err = {0};
    if (r->kind == SL_VRULE_WMI || r->kind == SL_VRULE_TAC) {
        const char *s = json_string_value(ex);
        snprintf(shown, n, "%s", s != NULL ? s : "(not a string)");
        if (s == NULL)
            return NULL;
        if (r->kind == SL_VRULE_WMI) {
            struct sl_vin_info vi;
            return sl_vin_decode(vr, s, &vi, &err) == 0 ? vi.wmi_rule : NULL;
        }
        struct sl_imei_info ii;
        return sl_imei_decode(vr, s, &ii, &err) == 0 ? ii.tac_rule : NULL;
    }
    const char *field = json_object_get(ex, "model") != NULL ? "model"
                        : json_object_get(ex, "supplier") != NULL ? "supplier"
                                                                  : "name";
    const char *s = json_string_value(json_object_get(ex, field));
    snprintf(shown, n, "%s \"%s\"", field, s != NULL ? s : "(none)");
    struct sl_name_match m;
    bool hit = strcmp(field, "model") == 0 ? sl_vrules_match_model(vr, s, &m)
                                           : sl_vrules_match_name(vr, s, &m);
    return hit ? m.rule : NULL;
}

void sl_vrule_test(const struct sl_vrules *vr, const struct sl_vrule *r, struct sl_vrule_test *res)
{
    memset(res, 0, sizeof *res);
    for (int pass = 0; pass < 2; pass++) {
        bool positive = pass == 0;
        size_t i;
        const json_t *ex;
        json_array_foreach(json_object_get(r->examples, positive ? "positive" : "negative"), i, ex)
        {
            res->checked++;
            if (r->kind == SL_VRULE_SYNTAX) {
                test_syntax(vr, r, ex, positive, res);
                continue;
            }
            char shown[320];
            const struct sl_vrule *got = identify(vr, r, ex, shown, sizeof shown);
            if (positive && got != r)
                failf(res, "%s: %s should match it, matched %s", r->id, shown,
                      got != NULL ? got->id : "nothing");
            else if (!positive && got == r)
                failf(res, "%s: %s should not match it", r->id, shown);
        }
    }
}
