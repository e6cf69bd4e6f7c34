/* test_scan_jsonl.c - the scan stream (scan/jsonl.h): every record type is
 * written, read back and compared, so writer and reader cannot drift apart. */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/jsonl.h"

struct stream {
    char *text;
    size_t len;
    FILE *f;
};

static void stream_open(struct stream *s)
{
    memset(s, 0, sizeof *s);
    s->f = open_memstream(&s->text, &s->len);
    assert_non_null(s->f);
}

static void stream_close(struct stream *s)
{
    assert_int_equal(fclose(s->f), 0);
    s->f = NULL;
}

static void a_claim(struct sl_claim *c, const char *maker, const char *brand, const char *model)
{
    memset(c, 0, sizeof *c);
    snprintf(c->manufacturer, sizeof c->manufacturer, "%s", maker);
    snprintf(c->brand, sizeof c->brand, "%s", brand);
    snprintf(c->model, sizeof c->model, "%s", model);
    snprintf(c->firmware, sizeof c->firmware, "V5.5.0 build 170725");
    snprintf(c->device_type, sizeof c->device_type, "camera");
    snprintf(c->serial, sizeof c->serial, "SN-%s", model);
    c->confidence = 0.95;
    sl_claim_add_rule(c, "hikvision.isapi.realm");
    sl_claim_add_rule(c, "hikvision.sadp.model");
}

static void a_verdict(struct sl_verdict *v, enum sl_decision d, const char *deadline)
{
    memset(v, 0, sizeof *v);
    v->decision = d;
    snprintf(v->policy, sizeof v->policy, "UK-2022-sensitive-sites");
    snprintf(v->deadline, sizeof v->deadline, "%s", deadline);
    snprintf(v->reason, sizeof v->reason, "made by a vendor the policy names");
}

static void same_claim(const struct sl_claim *a, const struct sl_claim *b)
{
    assert_string_equal(a->manufacturer, b->manufacturer);
    assert_string_equal(a->brand, b->brand);
    assert_string_equal(a->model, b->model);
    assert_string_equal(a->firmware, b->firmware);
    assert_string_equal(a->device_type, b->device_type);
    assert_string_equal(a->serial, b->serial);
    assert_true(a->confidence == b->confidence);
    assert_int_equal(a->n_rules, b->n_rules);
    for (size_t i = 0; i < a->n_rules; i++)
        assert_string_equal(a->rules[i], b->rules[i]);
}

static void same_verdict(const struct sl_verdict *a, const struct sl_verdict *b)
{
    assert_int_equal(a->decision, b->decision);
    assert_string_equal(a->policy, b->policy);
    assert_string_equal(a->deadline, b->deadline);
    assert_string_equal(a->reason, b->reason);
}

/* Line i of the stream as JSON (the caller releases it). */
static json_t *line_json(const char *text, int i)
{
    const char *p = text;
    for (int k = 0; k < i; k++) {
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    const char *nl = strchr(p, '\n');
    assert_non_null(nl);
    json_error_t je;
    json_t *j = json_loadb(p, (size_t)(nl - p), 0, &je);
    assert_non_null(j);
    return j;
}

static void envelope_is(json_t *j, const char *type)
{
    assert_int_equal(json_integer_value(json_object_get(j, "v")), 1);
    assert_string_equal(json_string_value(json_object_get(j, "type")), type);
}

/* The fixed records every stream holds, in the order a scan writes them. */
struct fixture {
    struct sl_claim c1, c2;
    struct sl_verdict v1, v2;
    struct sl_device reg, gone;
    struct sl_scan_device d1, d2;
    struct sl_evidence ev;
    struct sl_scan_plan plan;
    struct sl_scan_stats st;
    struct sl_scan_summary sum;
};

static void fixture(struct fixture *x)
{
    memset(x, 0, sizeof *x);
    a_claim(&x->c1, "Hikvision", "", "DS-2CD2143G0-I");
    snprintf(x->c1.mac, sizeof x->c1.mac, "44:19:b6:12:34:56");
    a_verdict(&x->v1, SL_DECISION_PROHIBITED, "");
    a_claim(&x->c2, "Dahua", "Lorex", "LNB4321");
    a_verdict(&x->v2, SL_DECISION_REPLACE_BY, "2027-03-31");
    /* d1: a device the register knows (its record comes along); d2: no register */
    x->reg.id = 42;
    snprintf(x->reg.site, sizeof x->reg.site, "Northgate House");
    snprintf(x->reg.address, sizeof x->reg.address, "198.18.1.9");
    snprintf(x->reg.mac, sizeof x->reg.mac, "44:19:b6:12:34:56");
    snprintf(x->reg.serial, sizeof x->reg.serial, "SN-DS-2CD2143G0-I");
    x->reg.status = SL_STATUS_SCHEDULED;
    snprintf(x->reg.scheduled_for, sizeof x->reg.scheduled_for, "2027-01-15");
    x->d1 = (struct sl_scan_device){"198.18.1.7", "80,554", &x->c1, &x->v1, "Northgate House",
                                     SL_TIER_SENSITIVE, false, 42, false, NULL, 0};
    x->d2 = (struct sl_scan_device){"2001:db8::7", "443", &x->c2, &x->v2, "",
                                     SL_TIER_SENSITIVE, true, 0, true, NULL, 0};
    x->gone = x->reg;
    x->gone.id = 43;
    x->gone.status = SL_STATUS_REMOVED;
    static const uint8_t bytes[] = "HTTP/1.1 401 Unauthorized\r\n\x01\x02";
    x->ev = (struct sl_evidence){.proto = SL_PROTO_HTTP, .outcome = SL_OUTCOME_OK, .port = 80,
                                 .request = "GET", .path = "/ISAPI/System/deviceInfo",
                                 .data = bytes, .len = sizeof bytes - 1,
                                 .observed_at = 1700000000};
    x->plan = (struct sl_scan_plan){256, 1, 2040, 8, 3000, 2500, 20000, 7, 2};
    x->st.hosts_done = 100;
    x->st.hosts_total = 255;
    x->st.devices = 2;
    x->sum.scan_id = 7;
    x->sum.complete = false;
    x->sum.stats = x->st;
    x->sum.by_decision[SL_DECISION_PROHIBITED] = 1;
}

static void write_stream(struct stream *s, const struct fixture *x)
{
    sl_jsonl_write(s->f, SL_JSONL_PROGRESS, sl_jsonl_start_json(&x->plan, 255));
    sl_jsonl_write(s->f, SL_JSONL_EVIDENCE, sl_scan_evidence_json("198.18.1.7", &x->ev));
    sl_jsonl_write(s->f, SL_JSONL_DEVICE, sl_jsonl_device_json(&x->d1, &x->reg));
    sl_jsonl_write(s->f, SL_JSONL_DEVICE, sl_jsonl_device_json(&x->d2, NULL));
    sl_jsonl_write(s->f, SL_JSONL_PROGRESS, sl_jsonl_running_json(&x->st));
    sl_jsonl_write(s->f, SL_JSONL_NOT_SEEN, sl_jsonl_not_seen_json(&x->gone));
    sl_jsonl_write(s->f, SL_JSONL_SUMMARY, sl_scan_summary_json(&x->sum));
}

/* The fixture's records, every type, written into s. */
static void written(struct fixture *x, struct stream *s)
{
    fixture(x);
    stream_open(s);
    write_stream(s, x);
    stream_close(s);
}

/* Devices come back as observations with everything the writer put in. */
static void test_devices_round_trip(void **state)
{
    (void)state;
    struct fixture x;
    struct stream s;
    written(&x, &s);
    struct sl_observation *o = NULL;
    size_t n = 0;
    struct sl_jsonl_result r;
    struct sl_err err = {0};
    assert_int_equal(sl_scan_jsonl_parse(s.text, s.len, &o, &n, &r, &err), 0);
    assert_int_equal(r.n_problems, 0);
    assert_int_equal(r.lines, 7);
    assert_int_equal(n, 2);
    assert_string_equal(o[0].address, "198.18.1.7"); /* this scan's view, not the register's */
    assert_string_equal(o[0].mac, "44:19:b6:12:34:56");
    assert_string_equal(o[0].serial, "SN-DS-2CD2143G0-I");
    assert_string_equal(o[0].site, "Northgate House");
    assert_string_equal(o[0].ports, "80,554");
    same_claim(&o[0].claim, &x.c1);
    same_verdict(&o[0].verdict, &x.v1);
    assert_string_equal(o[1].address, "2001:db8::7");
    assert_string_equal(o[1].site, "");
    assert_string_equal(o[1].ports, "443");
    assert_string_equal(o[1].serial, "SN-LNB4321"); /* from the claim */
    same_claim(&o[1].claim, &x.c2);
    same_verdict(&o[1].verdict, &x.v2);
    /* Every record type was recognised, and the summary said incomplete. */
    assert_int_equal(r.by_type[SL_JSONL_PROGRESS], 2);
    assert_int_equal(r.by_type[SL_JSONL_EVIDENCE], 1);
    assert_int_equal(r.by_type[SL_JSONL_DEVICE], 2);
    assert_int_equal(r.by_type[SL_JSONL_NOT_SEEN], 1);
    assert_int_equal(r.by_type[SL_JSONL_SUMMARY], 1);
    assert_true(r.incomplete);
    free(o);
    free(s.text);
}

/* The other records carry their fields as docs/formats.md names them. */
static void test_other_records(void **state)
{
    (void)state;
    struct fixture x;
    struct stream s;
    written(&x, &s);
    json_t *j = line_json(s.text, 0);
    envelope_is(j, "progress");
    assert_string_equal(json_string_value(json_object_get(j, "phase")), "start");
    assert_int_equal(json_integer_value(json_object_get(j, "addresses")), 256);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 255);
    assert_int_equal(json_integer_value(json_object_get(j, "threads")), 2);
    json_decref(j);
    j = line_json(s.text, 1);
    envelope_is(j, "evidence");
    assert_string_equal(json_string_value(json_object_get(j, "proto")), "http");
    assert_int_equal(json_integer_value(json_object_get(j, "port")), 80);
    assert_string_equal(json_string_value(json_object_get(j, "path")), "/ISAPI/System/deviceInfo");
    assert_string_equal(json_string_value(json_object_get(j, "head")),
                        "HTTP/1.1 401 Unauthorized....");
    assert_string_equal(json_string_value(json_object_get(j, "observed_at")),
                        "2023-11-14T22:13:20Z");
    assert_true(json_is_null(json_object_get(j, "detail")));
    json_decref(j);
    j = line_json(s.text, 2);
    envelope_is(j, "device");
    assert_int_equal(json_integer_value(json_object_get(j, "id")), 42);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "scheduled");
    assert_string_equal(json_string_value(json_object_get(j, "scheduled_for")), "2027-01-15");
    assert_true(json_is_false(json_object_get(j, "new")));
    json_decref(j);
    j = line_json(s.text, 3);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "discovered");
    assert_true(json_is_true(json_object_get(j, "tier_defaulted")));
    assert_true(json_is_null(json_object_get(j, "site")));
    json_decref(j);
    j = line_json(s.text, 4);
    envelope_is(j, "progress");
    assert_string_equal(json_string_value(json_object_get(j, "phase")), "running");
    assert_int_equal(json_integer_value(json_object_get(j, "done")), 100);
    json_decref(j);
    j = line_json(s.text, 5);
    envelope_is(j, "not_seen");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "device"), "id")), 43);
    json_decref(j);
    j = line_json(s.text, 6);
    envelope_is(j, "summary");
    assert_string_equal(json_string_value(json_object_get(j, "status")), "incomplete");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(j, "by_decision"), "prohibited")), 1);
    json_decref(j);
    free(s.text);
}

/* A complete scan's summary does not mark the stream incomplete. */
static void test_complete_summary(void **state)
{
    (void)state;
    struct fixture x;
    fixture(&x);
    x.sum.complete = true;
    struct stream s;
    stream_open(&s);
    sl_jsonl_write(s.f, SL_JSONL_SUMMARY, sl_scan_summary_json(&x.sum));
    stream_close(&s);
    struct sl_observation *o = NULL;
    size_t n = 0;
    struct sl_jsonl_result r;
    struct sl_err err = {0};
    assert_int_equal(sl_scan_jsonl_parse(s.text, s.len, &o, &n, &r, &err), 0);
    assert_false(r.incomplete);
    assert_int_equal(r.by_type[SL_JSONL_SUMMARY], 1);
    free(o);
    free(s.text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_devices_round_trip),
        cmocka_unit_test(test_other_records),
        cmocka_unit_test(test_complete_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
