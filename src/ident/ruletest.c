/* ruletest.c - every rule run on its own positive and negative examples
 * (ruletest.h), for `sightline rules test` and the unit tests. */
#include "ident/ruletest.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident/ident_internal.h"
#include "util/base64.h"
#include "util/str.h"

__attribute__((format(printf, 2, 3))) static void fail(struct sl_ruletest_result *res,
                                                       const char *fmt, ...)
{
    res->failed++;
    if (res->first_failure[0] != '\0')
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->first_failure, sizeof res->first_failure, fmt, ap);
    va_end(ap);
}

static void check_expect(const struct sl_claim *c, const json_t *expect, const char *rule,
                         const char *which, size_t i, struct sl_ruletest_result *res)
{
    static const char *const keys[] = {"manufacturer", "brand", "model", "firmware",
                                       "device_type"};
    const char *vals[] = {c->manufacturer, c->brand, c->model, c->firmware, c->device_type};
    for (size_t k = 0; k < 5; k++) {
        const json_t *e = json_object_get(expect, keys[k]);
        if (e == NULL)
            continue;
        const char *want = json_is_string(e) ? json_string_value(e) : "";
        if (strcmp(want, vals[k]) != 0)
            fail(res, "%s: %s example %zu: %s is '%s', expected '%s'", rule, which, i + 1,
                 keys[k], vals[k][0] ? vals[k] : "null", want[0] ? want : "null");
    }
}

static void run_example(const struct sl_ident *id, const struct sl_rule *r, const json_t *ex,
                        bool positive, size_t i, struct sl_ruletest_result *res)
{
    const char *which = positive ? "positive" : "negative";
    res->checked++;
    if (json_is_string(ex)) {
        const char *v = json_string_value(ex);
        bool m = sl_rule_match(r, v, json_string_length(ex), NULL, NULL);
        if (m != positive)
            fail(res, "%s: %s example %zu '%.80s' %s", r->id, which, i + 1, v,
                 positive ? "does not match" : "matches");
        return;
    }
    if (!json_is_object(ex)) {
        fail(res, "%s: %s example %zu is neither a string nor an object", r->id, which, i + 1);
        return;
    }
    const char *proto_s = json_string_value(json_object_get(ex, "proto"));
    enum sl_proto proto;
    if (proto_s == NULL || sl_proto_from_name(proto_s, &proto) != 0) {
        fail(res, "%s: %s example %zu needs a valid proto", r->id, which, i + 1);
        return;
    }
    const json_t *text = json_object_get(ex, "data");
    const json_t *b64 = json_object_get(ex, "data_b64");
    uint8_t *data = NULL;
    size_t len = 0;
    if (json_is_string(b64)) {
        size_t n = json_string_length(b64);
        data = malloc(n / 4 * 3 + 4);
        long got = data ? sl_base64_decode(json_string_value(b64), n, data) : -1;
        if (got < 0) {
            free(data);
            fail(res, "%s: %s example %zu: bad data_b64", r->id, which, i + 1);
            return;
        }
        len = (size_t)got;
    } else if (json_is_string(text)) {
        len = json_string_length(text);
        data = malloc(len + 1);
        if (data == NULL)
            return;
        memcpy(data, json_string_value(text), len + 1);
    }
    struct sl_evidence ev = {
        .proto = proto,
        .port = (uint16_t)json_integer_value(json_object_get(ex, "port")),
        .path = json_string_value(json_object_get(ex, "path")),
        .data = data,
        .len = len,
    };
    struct sl_ident_acc *acc = sl_ident_acc_new(id);
    if (acc == NULL) {
        free(data);
        return;
    }
    sl_ident_observe(acc, &ev);
    bool fired = sl_ident_acc_fired(acc, r->id);
    if (fired != positive)
        fail(res, "%s: %s example %zu (%s) %s", r->id, which, i + 1, proto_s,
             positive ? "does not fire the rule" : "fires the rule");
    const json_t *expect = json_object_get(ex, "expect");
    if (expect != NULL) {
        struct sl_claim c;
        sl_ident_conclude(acc, &c);
        check_expect(&c, expect, r->id, which, i, res);
    }
    sl_ident_acc_free(acc);
    free(data);
}

void sl_rule_test(const struct sl_ident *id, const struct sl_rule *r,
                  struct sl_ruletest_result *res)
{
    memset(res, 0, sizeof *res);
    size_t i;
    const json_t *ex;
    json_array_foreach(json_object_get(r->examples, "positive"), i, ex)
        run_example(id, r, ex, true, i, res);
    json_array_foreach(json_object_get(r->examples, "negative"), i, ex)
        run_example(id, r, ex, false, i, res);
}
