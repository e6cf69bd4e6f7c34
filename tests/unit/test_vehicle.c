/* test_vehicle.c - the vehicle rules (VIN, WMI, IMEI, TAC, supplier names,
 * site rules) and their examples, the fleet parsers, and the verdicts with
 * their explanations. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/cloud.h"
#include "policy/policy.h"
#include "policy/policy_internal.h"
#include "vehicle/assess.h"
#include "vehicle/cyclonedx.h"
#include "vehicle/fleet_csv.h"
#include "vehicle/rules.h"
#include "vehicle/siterule.h"
#include "vehicle/status.h"
#include "util/str.h"
#include "util/timeutil.h"

/* 2026-11-28 and 2027-07-01, noon UTC */
#define NOW INT64_C(1795867200)
#define AFTER_805 INT64_C(1814443200)

static struct sl_policy_set *ps;
static struct sl_vrules *vr;

static int setup(void **state)
{
    (void)state;
    struct sl_err err = {0};
    if (sl_policy_load(&ps, SL_TEST_SOURCE_DIR "/data", &err) != 0 ||
        sl_vrules_load(&vr, SL_TEST_SOURCE_DIR "/data", sl_policy_registry(ps), &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sl_vrules_free(vr);
    sl_policy_free(ps);
    return 0;
}

/* Every rule has a source and runs its own examples without a failure. */
static void test_every_rule_example(void **state)
{
    (void)state;
    size_t total = 0, kinds[4] = {0};
    for (size_t i = 0; i < sl_vrules_count(vr); i++) {
        const struct sl_vrule *r = sl_vrules_at(vr, i);
        assert_non_null(r->source);
        assert_true(strlen(r->source) > 10);
        struct sl_vrule_test res;
        sl_vrule_test(vr, r, &res);
        if (res.failed > 0)
            fprintf(stderr, "FAIL %s: %s\n", r->id, res.first_failure);
        assert_int_equal(res.failed, 0);
        assert_true(res.checked >= 2); /* at least one positive and one negative */
        total += res.checked;
        kinds[r->kind]++;
    }
    assert_true(kinds[SL_VRULE_SYNTAX] == 3);
    assert_true(kinds[SL_VRULE_WMI] >= 30);
    assert_true(kinds[SL_VRULE_TAC] >= 9);
    assert_true(kinds[SL_VRULE_SUPPLIER] >= 50);
    assert_true(total > 200);
}


static void test_vin(void **state)
{
    (void)state;
    struct sl_vin_info vi;
    struct sl_err err = {0};
    /* 49 CFR 565.15's own sample */
    assert_int_equal(sl_vin_check_digit("1G4AH59H?5G118341"), '4');
    assert_int_equal(sl_vin_decode(vr, " 1g4ah59h45g118341 ", &vi, &err), 0);
    assert_string_equal(vi.vin, "1G4AH59H45G118341");
    assert_true(vi.check_required && vi.check_ok);
    assert_string_equal(vi.country, "US");
    assert_int_equal(vi.model_year, 2005); /* position 7 numeric: 1980-2009 cycle */
    assert_int_equal(sl_vin_decode(vr, "1G4AH59H55G118341", &vi, &err), -1);
    assert_non_null(strstr(err.msg, "check digit"));
    assert_non_null(strstr(err.msg, "'4'"));
    assert_int_equal(sl_vin_decode(vr, "1G4AH59H45G11834", &vi, &err), -1);
    assert_non_null(strstr(err.msg, "17 characters, this has 16"));
    assert_int_equal(sl_vin_decode(vr, "1G4AH59HO5G118341", &vi, &err), -1);
    assert_non_null(strstr(err.msg, "'O' at position 9"));
    assert_int_equal(sl_vin_decode(vr, "", &vi, &err), -1);
    assert_non_null(strstr(err.msg, "empty"));
    /* China requires the check digit too; its WMI names the maker */
    assert_int_equal(sl_vin_decode(vr, "LSJKA4E21RS104729", &vi, &err), 0);
    assert_string_equal(vi.country, "CN");
    assert_string_equal(vi.region, "Asia");
    assert_non_null(vi.wmi_rule);
    assert_string_equal(vi.wmi_rule->vendor->name, "SAIC Motor");
    assert_string_equal(vi.wmi_rule->brand, "MG");
    assert_int_equal(vi.model_year, 0); /* outside North America position 10 is not fixed */
    assert_int_equal(vi.year_candidates[0], 1994);
    assert_int_equal(vi.year_candidates[1], 2024);
    assert_int_equal(sl_vin_decode(vr, "LSJKA4E20RS104729", &vi, &err), -1);
    /* Europe does not require it: a wrong position 9 is reported, not refused */
    assert_int_equal(sl_vin_decode(vr, "WVWZZZ1KZ5W000001", &vi, &err), 0);
    assert_false(vi.check_required);
    assert_string_equal(vi.country, "DE");
    assert_string_equal(vi.wmi_rule->vendor->name, "Volkswagen");
    /* a WMI that no cited list holds: valid VIN, no maker */
    assert_int_equal(sl_vin_decode(vr, "SAZZZZZZZZZ123456", &vi, &err), 0);
    assert_null(vi.wmi_rule);
    assert_string_equal(vi.country, "GB");
}

static void test_imei(void **state)
{
    (void)state;
    struct sl_imei_info ii;
    struct sl_err err = {0};
    assert_int_equal(sl_imei_decode(vr, "35-209900-176148-1", &ii, &err), 0);
    assert_string_equal(ii.imei, "352099001761481");
    assert_string_equal(ii.tac, "35209900");
    assert_null(ii.tac_rule); /* not in a cited source: unknown, never guessed */
    assert_int_equal(sl_imei_decode(vr, "352093081047291", &ii, &err), 0);
    assert_non_null(ii.tac_rule);
    assert_string_equal(ii.tac_rule->vendor->name, "Teltonika");
    assert_int_equal(sl_imei_decode(vr, "352093081047292", &ii, &err), -1);
    assert_non_null(strstr(err.msg, "Luhn check digit of the first 14 is '1'"));
    assert_int_equal(sl_imei_decode(vr, "35209308104729", &ii, &err), -1);
    assert_non_null(strstr(err.msg, "14 digits"));
    assert_int_equal(sl_imei_decode(vr, "3520930810472910", &ii, &err), -1);
    assert_non_null(strstr(err.msg, "IMEISV"));
    assert_int_equal(sl_imei_decode(vr, "35209308104729x", &ii, &err), -1);
    assert_non_null(strstr(err.msg, "'x'"));
}

static const char *name_vendor(const char *text)
{
    struct sl_name_match m;
    return sl_vrules_match_name(vr, text, &m) ? m.vendor->name : NULL;
}

static const char *model_vendor(const char *text)
{
    struct sl_name_match m;
    return sl_vrules_match_model(vr, text, &m) ? m.vendor->name : NULL;
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(name_vendor("Quectel Wireless Solutions Co., Ltd."), "Quectel");
    assert_null(name_vendor("Queclink Wireless Solutions Co., Ltd."));
    assert_string_equal(name_vendor("Volvo Car UK Ltd"), "Volvo Cars");
    assert_null(name_vendor("Volvo Trucks"));
    assert_string_equal(name_vendor("China Mobile IoT Company Limited"), "China Mobile IoT");
    assert_string_equal(name_vendor("China Mobile Communications"), "China Mobile");
    assert_string_equal(name_vendor("速腾聚创科技有限公司"), "RoboSense");
    assert_string_equal(name_vendor("MG Motor UK"), "SAIC Motor");
    assert_null(name_vendor("Omega MG Partners")); /* ^MG: only at the start */
    assert_null(name_vendor("OmniVision Technologies"));
    assert_string_equal(name_vendor("Tesla (Shanghai) Co., Ltd."), "Tesla Shanghai");
    assert_string_equal(name_vendor("Tesla, Inc."), "Tesla");
    /* camera makers resolve through the registry's own aliases */
    assert_string_equal(name_vendor("Axis Communications AB"), "Axis");
    assert_null(name_vendor("Unknown Widgets Ltd"));
    assert_null(name_vendor(""));
    assert_string_equal(model_vendor("EG25-G"), "Quectel");
    assert_string_equal(model_vendor("ec25euxgar08a03m4g"), "Quectel");
    assert_null(model_vendor("EC250"));
    assert_string_equal(model_vendor("LISA-U201"), "u-blox");
    assert_string_equal(model_vendor("Quectel module"), "Quectel"); /* names inside a model */
    char v[64];
    assert_true(sl_cpe_vendor("cpe:2.3:h:quectel:eg25-g:-:*:*:*:*:*:*:*", v, sizeof v));
    assert_string_equal(v, "quectel");
    assert_true(sl_cpe_vendor("cpe:/h:sierra_wireless:mc8790", v, sizeof v));
    assert_string_equal(v, "sierra wireless");
    assert_false(sl_cpe_vendor("cpe:2.3:h:*:x", v, sizeof v));
    assert_true(sl_purl_namespace("pkg:generic/quectel/eg25-g@1.0", v, sizeof v));
    assert_string_equal(v, "quectel");
    assert_false(sl_purl_namespace("pkg:npm/left-pad@1.0", v, sizeof v));
}

static void test_site_rule(void **state)
{
    (void)state;
    struct sl_site_rule r;
    struct sl_err err = {0};
    char buf[64];
    assert_int_equal(sl_site_rule_parse("Park-Away:3219:NEXUS", &r, &err), 0);
    assert_int_equal(r.action, SL_SITE_PARK_AWAY);
    assert_int_equal(r.metres, 3219);
    assert_int_equal(r.when, SL_SITE_NEXUS);
    sl_site_rule_format(&r, buf, sizeof buf);
    assert_string_equal(buf, "park-away:3219:nexus");
    assert_int_equal(sl_site_rule_parse("not-admitted", &r, &err), 0);
    sl_site_rule_format(&r, buf, sizeof buf);
    assert_string_equal(buf, "not-admitted:flagged");
    assert_int_equal(sl_site_rule_parse("park-away:0", &r, &err), -1);
    assert_int_equal(sl_site_rule_parse("park-away:3219:always", &r, &err), -1);
    assert_non_null(strstr(err.msg, "when"));
}

static enum sl_decision part(const char *vendor, const char *kind, enum sl_part_layer layer,
                             int year, enum sl_tier tier, int64_t now, struct sl_verdict *v)
{
    struct sl_part_subject s = {vendor ? sl_registry_vendor(sl_policy_registry(ps), vendor) : NULL,
                                kind, layer, year};
    if (vendor != NULL)
        assert_non_null(s.vendor);
    sl_policy_judge_part(ps, tier, &s, now, v);
    return v->decision;
}

static void test_vehicle_policies(void **state)
{
    (void)state;
    struct sl_verdict v;
    const enum sl_tier S = SL_TIER_SENSITIVE, O = SL_TIER_OFFICIAL, P = SL_TIER_PUBLIC;
    /* BIS: software from model year 2027, hardware from 2030, nexus by country */
    assert_int_equal(part("Fibocom", "cellular", SL_LAYER_SOFTWARE, 2027, S, NOW, &v), SL_DECISION_PROHIBITED);
    assert_string_equal(v.policy, "US-BIS-connected-vehicles");
    assert_non_null(strstr(v.reason, "791.303"));
    assert_int_equal(part("Fibocom", "cellular", SL_LAYER_SOFTWARE, 2026, S, NOW, &v), SL_DECISION_ALLOWED);
    assert_int_equal(part("Fibocom", "cellular", SL_LAYER_HARDWARE, 2029, S, NOW, &v), SL_DECISION_ALLOWED);
    assert_non_null(strstr(v.reason, "before 2030"));
    assert_int_equal(part("Fibocom", "cellular", SL_LAYER_HARDWARE, 2030, S, NOW, &v), SL_DECISION_PROHIBITED);
    assert_int_equal(part("Fibocom", "cellular", SL_LAYER_UNKNOWN, 2027, S, NOW, &v), SL_DECISION_PROHIBITED);
    assert_int_equal(part("Fibocom", "cellular", SL_LAYER_HARDWARE, 2030, O, NOW, &v), SL_DECISION_RESTRICTED);
    assert_int_equal(part("Fibocom", "cellular", SL_LAYER_HARDWARE, 2030, P, NOW, &v), SL_DECISION_ALLOWED);
    assert_int_equal(part("Fibocom", "cellular", SL_LAYER_HARDWARE, 0, S, NOW, &v), SL_DECISION_REVIEW);
    assert_non_null(strstr(v.reason, "model year unknown"));
    assert_int_equal(part("Fibocom", "gnss", SL_LAYER_HARDWARE, 2031, S, NOW, &v), SL_DECISION_REVIEW);
    assert_int_equal(part("Fibocom", "charger", SL_LAYER_HARDWARE, 2031, S, NOW, &v), SL_DECISION_REVIEW);
    /* the nexus through a parent: Volvo Cars (SE) answers to Geely (CN) */
    assert_int_equal(part("Volvo Cars", "vehicle", SL_LAYER_UNKNOWN, 2027, S, NOW, &v), SL_DECISION_PROHIBITED);
    assert_non_null(strstr(v.reason, "Geely Holding (parent of Volvo Cars)"));
    assert_int_equal(part("Volvo Cars", "vehicle", SL_LAYER_UNKNOWN, 2026, S, NOW, &v), SL_DECISION_ALLOWED);
    /* no nexus */
    assert_int_equal(part("u-blox", "cellular", SL_LAYER_HARDWARE, 2031, S, NOW, &v), SL_DECISION_ALLOWED);
    /* an unknown maker is never allowed by default */
    assert_int_equal(part(NULL, "tcu", SL_LAYER_HARDWARE, 2020, P, NOW, &v), SL_DECISION_REVIEW);
    assert_non_null(strstr(v.reason, "not identified"));
    /* DoD 1260H and s.805: replace by 30 June 2027, prohibited after it */
    assert_int_equal(part("Quectel", "cellular", SL_LAYER_HARDWARE, 2020, S, NOW, &v), SL_DECISION_REPLACE_BY);
    assert_string_equal(v.deadline, "2027-06-30");
    assert_string_equal(v.policy, "US-DoD-1260H");
    assert_int_equal(part("Quectel", "cellular", SL_LAYER_HARDWARE, 2020, S, AFTER_805, &v), SL_DECISION_PROHIBITED);
    assert_int_equal(part("Quectel", "cellular", SL_LAYER_HARDWARE, 2020, O, NOW, &v), SL_DECISION_RESTRICTED);
    assert_int_equal(part("Hesai", "lidar", SL_LAYER_HARDWARE, 2020, S, NOW, &v), SL_DECISION_REPLACE_BY);
    /* not listed; BIS reaches a lidar only if it is part of an ADS: review */
    assert_int_equal(part("RoboSense", "lidar", SL_LAYER_HARDWARE, 2030, S, NOW, &v), SL_DECISION_REVIEW);
    assert_non_null(strstr(v.reason, "only if"));
    /* FCC Covered List reaches a Huawei module at a sensitive site */
    assert_int_equal(part("Huawei", "cellular", SL_LAYER_HARDWARE, 2020, S, NOW, &v), SL_DECISION_PROHIBITED);
    assert_string_equal(v.policy, "US-FCC-covered-list");
    /* the vehicle policies leave the devices' verdicts alone */
    struct sl_claim c;
    memset(&c, 0, sizeof c);
    snprintf(c.manufacturer, sizeof c.manufacturer, "Hikvision");
    snprintf(c.device_type, sizeof c.device_type, "camera");
    sl_policy_judge(ps, SL_TIER_SENSITIVE, &c, NOW, &v);
    assert_string_equal(v.policy, "UK-2022-sensitive-sites");
    snprintf(c.manufacturer, sizeof c.manufacturer, "Quectel");
    snprintf(c.device_type, sizeof c.device_type, "router");
    sl_policy_judge(ps, SL_TIER_SENSITIVE, &c, NOW, &v);
    assert_int_equal(v.decision, SL_DECISION_ALLOWED); /* 1260H is not a device policy by default */
    /* a policy chosen by id is in force in every domain it applies to */
    struct sl_err err = {0};
    assert_int_equal(sl_policy_select(ps, "US-NDAA-889", &err), 0);
    assert_int_equal(part("ZTE", "cellular", SL_LAYER_HARDWARE, 2020, P, NOW, &v), SL_DECISION_PROHIBITED);
    assert_string_equal(v.policy, "US-NDAA-889");
    assert_int_equal(sl_policy_select(ps, NULL, &err), 0);
}

static void test_cloud_vendors(void **state)
{
    (void)state;
    struct sl_cloud *c;
    struct sl_err err = {0};
    assert_int_equal(sl_cloud_load(&c, SL_TEST_SOURCE_DIR "/data/cloud-domains.tsv", &err), 0);
    const struct sl_registry *reg = sl_policy_registry(ps);
    size_t telematics = 0;
    static const char *const names[] = {"hik-connect.com", "easy4ipcloud.com", "soimt.com",
                                        "byd.auto", "polestar.com", "quectel.com",
                                        "xiaopeng.com", "hesaitech.com", NULL};
    for (size_t i = 0; names[i] != NULL; i++) {
        const struct sl_cloud_entry *e = sl_cloud_match(c, names[i]);
        assert_non_null(e);
        /* every vendor of the list is a vendor of the registry */
        if (sl_registry_vendor(reg, e->vendor) == NULL)
            fail_msg("%s: vendor '%s' is not in the registry", names[i], e->vendor);
        telematics += strcmp(e->kind, "telematics") == 0;
    }
    assert_true(telematics >= 4);
    const struct sl_cloud_entry *e = sl_cloud_match(c, "gateway-mg-eu.soimt.com");
    assert_non_null(e);
    assert_string_equal(e->vendor, "SAIC Motor");
    assert_null(sl_cloud_match(c, "notsoimt.com"));
    sl_cloud_free(c);
}

/* A small fleet (VINs constructed with valid check digits around real WMIs). */
static const char FLEET[] =
    "VIN,Make,Model,Model_Year,Fleet,Site,Registration,Part_Kind,Part_Layer,Supplier,Manufacturer,Part_Model,Part_Version,IMEI,Serial\n"
    "LSJW74U64PS201876,MG,MG4,2023,Pool,Northgate House,AB23 CDE,tcu,hardware,Quectel Wireless Solutions Co. Ltd.,,AG35-E,,,\n"
    "LSJW74U64PS201876,,,,,,,wifi-bt,hardware,u-blox AG,,LISA-U201,,,\n"
    "5YJ3E1EA4RF412345,Tesla,Model 3,,Pool,Northgate House,,cellular,hardware,,,EG25-G,,,\n"
    "WV1ZZZSYXNH000123,Volkswagen,Crafter,2022,Vans,Depot 2,,tcu,hardware,Teltonika,,FMB962,,352093081047291,\n"
    "LGXCE4CB6SA300211,BYD,Atto 3,2025,Pool,Depot 2,,infotainment,software,Acme Infotainment Ltd,,X1,,,\n"
    "YV1XZK8VXM1555001,Volvo,XC40,2027,Exec,Northgate House,,cellular,software,Volvo Car Corporation,,,,,\n";

static int parse_csv(const char *csv, struct sl_fleet *f, struct sl_import_problems *p)
{
    struct sl_err err = {0};
    int rc = sl_fleet_csv_parse(csv, strlen(csv), vr, f, p, &err);
    for (size_t i = 0; i < p->count && i < SL_IMPORT_MAX_PROBLEMS; i++)
        fprintf(stderr, "  problem: %s\n", p->text[i]);
    return rc;
}

static void test_fleet_csv(void **state)
{
    (void)state;
    struct sl_fleet f;
    sl_fleet_init(&f);
    struct sl_import_problems p;
    assert_int_equal(parse_csv(FLEET, &f, &p), 0);
    assert_int_equal(f.n_vehicles, 5);
    assert_int_equal(f.n_parts, 6);
    long mg = sl_fleet_find(&f, "LSJW74U64PS201876");
    assert_true(mg >= 0);
    assert_int_equal(f.vehicles[mg].n_parts, 2);
    assert_string_equal(sl_fleet_str(&f, f.vehicles[mg].registration), "AB23 CDE");
    assert_string_equal(sl_fleet_str(&f, f.parts[f.vehicles[mg].first_part + 1].model), "LISA-U201");
    long tesla = sl_fleet_find(&f, "5YJ3E1EA4RF412345");
    assert_int_equal(f.vehicles[tesla].model_year, 2024); /* from the VIN: R, position 7 a letter */
    assert_true(f.vehicles[tesla].model_year_from_vin);
    long vw = sl_fleet_find(&f, "WV1ZZZSYXNH000123");
    assert_string_equal(sl_fleet_str(&f, f.parts[f.vehicles[vw].first_part].imei), "352093081047291");
    assert_int_equal(f.parts[f.vehicles[vw].first_part].line, 5);
    /* every problem names its line and column, and nothing more is added */
    static const char bad[] =
        "vin,make,part_kind,imei,model_year\n"
        "1G4AH59H55G118341,Ford,tcu,,\n"                 /* line 2: check digit */
        "LSJW74U64PS201876,Ford,,,\n"                    /* line 3: differs from MG (line 2) */
        "1G4AH59H45G118341,Ford,modem,357805023984941,\n" /* line 4: Luhn */
        "1G4AH59H45G118341,Ford,toaster,,\n"             /* line 5: kind */
        "1G4AH59H45G118341,Ford,tcu,352093081047291,\n"  /* line 6: IMEI already on line 5 of FLEET? no: new here */
        "1G4AH59H45G118341,Ford,cellular,352093081047291,\n" /* line 7: same IMEI as line 6 */
        "1G4AH59H45G118341,Ford,tcu,,1849\n";            /* line 8: model year */
    struct sl_fleet g;
    sl_fleet_init(&g);
    assert_int_equal(parse_csv(FLEET, &g, &p), 0);
    assert_int_equal(parse_csv(bad, &g, &p), 1);
    assert_int_equal(g.n_vehicles, 5); /* all or nothing: the fleet is as it was */
    assert_int_equal(g.n_parts, 6);
    assert_int_equal(p.count, 6);
    assert_non_null(strstr(p.text[0], "line 2, column 1 (vin)"));
    assert_non_null(strstr(p.text[0], "check digit"));
    assert_non_null(strstr(p.text[1], "line 3, column 2 (make): 'Ford': differs from 'MG'"));
    assert_non_null(strstr(p.text[2], "line 4, column 4 (imei)"));
    assert_non_null(strstr(p.text[2], "Luhn"));
    assert_non_null(strstr(p.text[3], "line 5, column 3 (part_kind): 'toaster'"));
    assert_non_null(strstr(p.text[4], "line 7, column 4 (imei)"));
    assert_non_null(strstr(p.text[4], "the same IMEI is on line 6"));
    assert_non_null(strstr(p.text[5], "line 8, column 5 (model_year)"));
    sl_fleet_free(&g);
    /* header problems */
    sl_fleet_init(&g);
    assert_int_equal(parse_csv("make,colour\nFord,red\n", &g, &p), 1);
    assert_int_equal(p.count, 2);
    assert_non_null(strstr(p.text[0], "unknown column 'colour'"));
    assert_non_null(strstr(p.text[1], "no 'vin' column"));
    assert_int_equal(parse_csv("vin,supplier\n1G4AH59H45G118341,Quectel\n", &g, &p), 1);
    assert_non_null(strstr(p.text[0], "line 2 (part_kind): a part needs a kind"));
    assert_int_equal(parse_csv("vin\n", &g, &p), 1);
    assert_non_null(strstr(p.text[0], "no vehicles"));
    assert_int_equal(parse_csv("", &g, &p), 1);
    assert_int_equal(g.n_vehicles, 0);
    sl_fleet_free(&g);
    sl_fleet_free(&f);
}

static const char BOM[] =
    "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"metadata\":{\"component\":{"
    "\"type\":\"device\",\"name\":\"ORA 03\",\"manufacturer\":{\"name\":\"Great Wall Motor\"},"
    "\"properties\":[{\"name\":\"sightline:vehicle:vin\",\"value\":\"LGWEF4A55RA104729\"},"
    "{\"name\":\"sightline:vehicle:model_year\",\"value\":\"2027\"}]}},"
    "\"components\":[{\"type\":\"device\",\"name\":\"T-Box\",\"supplier\":{\"name\":\"Example Telematics GmbH\"},"
    "\"properties\":[{\"name\":\"sightline:part:kind\",\"value\":\"tcu\"}],"
    "\"components\":[{\"type\":\"device\",\"name\":\"EC25-E\",\"cpe\":\"cpe:2.3:h:quectel:ec25-e:-:*:*:*:*:*:*:*\","
    "\"properties\":[{\"name\":\"sightline:part:kind\",\"value\":\"cellular\"}]},"
    "{\"type\":\"firmware\",\"name\":\"tbox-firmware\",\"version\":\"3.2.1\",\"publisher\":\"Example Telematics GmbH\"}]},"
    "{\"type\":\"device\",\"name\":\"AT128\",\"supplier\":{\"name\":\"Hesai Technology Co., Ltd.\"},"
    "\"properties\":[{\"name\":\"sightline:part:kind\",\"value\":\"lidar\"}]}]}";

static int cdx(const char *json, const char *vin, struct sl_fleet *f, struct sl_err *err)
{
    struct sl_cdx_options o = {vin, 0};
    return sl_cdx_parse(json, strlen(json), vr, &o, f, err);
}

/* A BOM whose components nest depth deep. */
static char *deep_bom(int depth)
{
    size_t cap = (size_t)depth * 40 + 128;
    char *b = malloc(cap);
    assert_non_null(b);
    size_t n = (size_t)snprintf(b, cap, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":");
    for (int i = 0; i < depth; i++)
        n += (size_t)snprintf(b + n, cap - n, "[{\"name\":\"c%d\",\"components\":", i);
    n += (size_t)snprintf(b + n, cap - n, "[]");
    for (int i = 0; i < depth; i++)
        n += (size_t)snprintf(b + n, cap - n, "}]");
    snprintf(b + n, cap - n, "}");
    return b;
}

static void test_cyclonedx(void **state)
{
    (void)state;
    struct sl_fleet f;
    sl_fleet_init(&f);
    struct sl_err err = {0};
    assert_int_equal(cdx(BOM, NULL, &f, &err), 0);
    assert_int_equal(f.n_vehicles, 1);
    assert_int_equal(f.n_parts, 4);
    assert_int_equal(f.vehicles[0].model_year, 2027);
    assert_string_equal(sl_fleet_str(&f, f.vehicles[0].make), "Great Wall Motor");
    assert_string_equal(sl_fleet_str(&f, f.parts[1].where), "components[0].components[0]");
    assert_int_equal(f.parts[1].kind, SL_PART_CELLULAR);
    assert_int_equal(f.parts[2].layer, SL_LAYER_SOFTWARE); /* a firmware component */
    assert_string_equal(sl_fleet_str(&f, f.parts[2].manufacturer), "Example Telematics GmbH");
    /* the same VIN again is refused, and nothing is added */
    assert_int_equal(cdx(BOM, NULL, &f, &err), 1);
    assert_non_null(strstr(err.msg, "given twice"));
    assert_int_equal(f.n_parts, 4);
    sl_fleet_free(&f);
    sl_fleet_init(&f);
    /* parts only: to the vehicle the caller names, or to none */
    static const char parts[] = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"components\":"
                                "[{\"type\":\"firmware\",\"name\":\"EG25-G\"}]}";
    assert_int_equal(cdx(parts, "1G4AH59H45G118341", &f, &err), 0);
    assert_int_equal(f.parts[0].vehicle, 0);
    assert_int_equal(cdx(parts, NULL, &f, &err), 0);
    assert_int_equal(f.parts[1].vehicle, SL_FLEET_NO_VEHICLE);
    /* what is refused, and why */
    static const struct { const char *json, *why; } bad[] = {
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.7\"}", "'1.7' is not supported"},
        {"{\"bomFormat\":\"CycloneDX\"}", "specVersion is missing"},
        {"{\"bomFormat\":\"SPDX\",\"specVersion\":\"1.6\"}", "bomFormat is 'SPDX'"},
        {"[1,2]", "not a JSON object"},
        {"{\"bomFormat\":\"CycloneDX\",", "not JSON: line 1"},
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":{}}", "must be a list"},
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[7]}", "components[0]: a component must be an object"},
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"type\":\"device\"}]}", "needs a name"},
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"name\":\"x\",\"supplier\":3}]}", "'supplier' must be an object"},
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"name\":\"x\",\"properties\":[{\"name\":\"sightline:part:imei\",\"value\":\"123\"}]}]}", "sightline:part:imei '123'"},
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"name\":\"x\",\"properties\":[{\"name\":\"sightline:part:kind\",\"value\":\"toaster\"}]}]}", "is not one of"},
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"name\":\"x\",\"components\":[{\"name\":\"car\",\"properties\":[{\"name\":\"sightline:vehicle:vin\",\"value\":\"1G4AH59H45G118341\"}]}]}]}", "inside another"},
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"name\":\"car\",\"properties\":[{\"name\":\"sightline:vehicle:vin\",\"value\":\"1G4AH59H55G118341\"}]}]}", "check digit"},
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"bomFormat\":\"CycloneDX\"}", "duplicate"},
        /* read component by component (util/jsonscan.h): what the whole
         * document's parser refused is still refused, with its place */
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[],\"components\":[]}", "duplicate object key 'components'"},
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[]} {}", "not JSON: line 1, column 63: end of file expected"},
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"name\":\"a\"},\n{\"name\":\"b\",}]}", "not JSON: line 2"},
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"name\":\"a\"},]}", "not JSON"},
        {"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"name\":\"a\",\"name\":\"b\"}]}", "duplicate"},
        {"{\"components\":[{\"name\":\"a\"}],\"bomFormat\":\"CycloneDX\",\"specVersion\":\"2.0\"}", "'2.0' is not supported"},
    };
    size_t np = f.n_parts;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(cdx(bad[i].json, NULL, &f, &err), 1);
        if (strstr(err.msg, bad[i].why) == NULL)
            fail_msg("bad BOM %zu: '%s' lacks '%s'", i, err.msg, bad[i].why);
        assert_int_equal(f.n_parts, np);
    }
    /* lists it does not read are checked element by element; a long key is no problem */
    static const char extra[] = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\","
                                "\"dependencies\":[{\"ref\":\"a\"},{\"ref\":\"b\",\"dependsOn\":[]}],"
                                "\"x-an-extension-key-that-is-rather-longer-than-sixty-four-bytes-by-a-margin\":1,"
                                "\"components\":[{\"type\":\"firmware\",\"name\":\"EG25-G\"}]}";
    assert_int_equal(cdx(extra, NULL, &f, &err), 0);
    assert_int_equal(f.n_parts, np + 1);
    np = f.n_parts;
    static const char bad_dep[] = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\","
                                  "\"dependencies\":[{\"ref\":\"a\"},{\"ref\":\"b\",}],\"components\":[]}";
    assert_int_equal(cdx(bad_dep, NULL, &f, &err), 1);
    assert_non_null(strstr(err.msg, "not JSON: line 1"));
    /* the header may follow the components */
    static const char late[] = "{\"components\":[{\"type\":\"firmware\",\"name\":\"EG25-G\"}],"
                               "\"specVersion\":\"1.5\",\"bomFormat\":\"CycloneDX\"}";
    assert_int_equal(cdx(late, NULL, &f, &err), 0);
    assert_int_equal(f.n_parts, np + 1);
    np = f.n_parts;
    char *deep = deep_bom(SL_CDX_MAX_DEPTH + 1);
    assert_int_equal(cdx(deep, NULL, &f, &err), 1);
    assert_non_null(strstr(err.msg, "nested deeper than 32"));
    free(deep);
    deep = deep_bom(SL_CDX_MAX_DEPTH);
    assert_int_equal(cdx(deep, NULL, &f, &err), 0);
    free(deep);
    deep = deep_bom(3000); /* beyond jansson's own depth limit */
    assert_int_equal(cdx(deep, NULL, &f, &err), 1);
    free(deep);
    sl_fleet_free(&f);
}

static const char *jget(const json_t *o, const char *path)
{
    /* "a.b.0.c": objects by key, arrays by index */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const json_t *cur = o;
    for (char *tok = buf, *next; tok != NULL && cur != NULL; tok = next) {
        next = strchr(tok, '.');
        if (next != NULL)
            *next++ = '\0';
        cur = json_is_array(cur) ? json_array_get(cur, (size_t)strtoul(tok, NULL, 10))
                                 : json_object_get(cur, tok);
    }
    return json_is_string(cur) ? json_string_value(cur) : NULL;
}

static void expect(const json_t *o, const char *path, const char *want)
{
    const char *got = jget(o, path);
    if (got == NULL || strstr(got, want) == NULL)
        fail_msg("%s: '%s' lacks '%s'", path, got ? got : "(none)", want);
}

/* A fleet, a site rule, every verdict and its chain. */
static void test_assess(void **state)
{
    (void)state;
    struct sl_fleet f;
    sl_fleet_init(&f);
    struct sl_import_problems p;
    assert_int_equal(parse_csv(FLEET, &f, &p), 0);
    struct sl_site_rule sr;
    struct sl_err err = {0};
    assert_int_equal(sl_site_rule_parse("park-away:3219:nexus", &sr, &err), 0);
    struct sl_assess_options o = {SL_TIER_SENSITIVE, &sr, NOW};
    struct sl_assessor *a;
    assert_int_equal(sl_assess_new(&a, ps, vr, &o, &err), 0);
    static const struct {
        const char *vin, *decision, *policy, *site;
    } want[] = {
        {"LSJW74U64PS201876", "replace-by", "US-DoD-1260H", "the vehicle's maker SAIC Motor (CN)"},
        {"5YJ3E1EA4RF412345", "replace-by", "US-DoD-1260H", "the cellular 'EG25-G' of Quectel (CN)"},
        {"WV1ZZZSYXNH000123", "allowed", NULL, "no part of concern"},
        {"LGXCE4CB6SA300211", "replace-by", "US-DoD-1260H", "the vehicle's maker BYD (CN)"},
        {"YV1XZK8VXM1555001", "prohibited", "US-BIS-connected-vehicles", "Geely Holding (CN)"},
    };
    json_t *vh[5];
    for (size_t i = 0; i < 5; i++) {
        long vi = sl_fleet_find(&f, want[i].vin);
        assert_true(vi >= 0);
        struct sl_vehicle_verdict vv;
        vh[i] = sl_assess_vehicle_json(a, &f, (size_t)vi, true, &vv, NULL);
        assert_non_null(vh[i]);
        expect(vh[i], "verdict.decision", want[i].decision);
        if (want[i].policy != NULL)
            expect(vh[i], "verdict.policy", want[i].policy);
        assert_true(vv.site_rule_set);
        expect(vh[i], "site_rule.reason", want[i].site);
        expect(vh[i], "site_rule.decision", strcmp(want[i].site, "no part of concern") == 0
                                                ? "allowed" : "restricted");
    }
    /* MG: the maker named by the WMI; the Quectel module by the supplier name, listed since 2025 */
    expect(vh[0], "maker.identified.0.rule", "wmi.LSJ");
    expect(vh[0], "maker.identified.0.brand", "MG");
    expect(vh[0], "parts.0.identified.0.rule", "supplier.quectel");
    expect(vh[0], "parts.0.verdict.deadline", "2027-06-30");
    expect(vh[0], "parts.0.explain.0.laws.1.law", "us-dod-1260h");
    expect(vh[0], "parts.0.explain.0.laws.1.since", "2025-01-06");
    expect(vh[0], "parts.0.explain.0.policies.0.verdict.reason", "before 2030"); /* BIS hardware */
    expect(vh[0], "parts.1.verdict.decision", "allowed"); /* u-blox */
    /* Tesla: the model year from the VIN; the module by its model number */
    assert_int_equal(json_integer_value(json_object_get(vh[1], "model_year")), 2024);
    expect(vh[1], "parts.0.identified.0.found_in", "model");
    /* Volkswagen: the tracker by its supplier and its IMEI's TAC */
    expect(vh[2], "parts.0.identified.0.vendor", "Teltonika");
    expect(vh[2], "parts.0.tac_model", "TM2500");
    /* BYD: the maker named in the 1260H list since June 2026; the unknown supplier needs review */
    expect(vh[3], "maker.explain.0.laws.1.since", "2026-06-08");
    expect(vh[3], "parts.0.verdict.decision", "needs-review");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(vh[3], "counts"), "needs_review")), 1);
    /* Volvo: the nexus through Geely, model year 2027: BIS vehicle and VCS software */
    expect(vh[4], "maker.explain.0.parents.0.vendor", "Geely Holding");
    expect(vh[4], "maker.explain.0.parents.0.relation", "owner since 2010");
    expect(vh[4], "maker.explain.0.policies.0.covered_through", "Geely Holding");
    expect(vh[4], "maker.verdict.reason", "791.304");
    expect(vh[4], "parts.0.verdict.reason", "VCS software");
    for (size_t i = 0; i < 5; i++)
        json_decref(vh[i]);
    sl_assess_free(a);
    /* not admitted when a part is flagged; at a public site nothing is */
    assert_int_equal(sl_site_rule_parse("not-admitted", &sr, &err), 0);
    o.tier = SL_TIER_PUBLIC;
    assert_int_equal(sl_assess_new(&a, ps, vr, &o, &err), 0);
    json_t *x = sl_assess_vehicle_json(a, &f, (size_t)sl_fleet_find(&f, "LSJW74U64PS201876"), false, NULL, NULL);
    expect(x, "verdict.decision", "allowed");
    expect(x, "site_rule.reason", "no part of concern");
    json_decref(x);
    x = sl_assess_vehicle_json(a, &f, (size_t)sl_fleet_find(&f, "YV1XZK8VXM1555001"), false, NULL, NULL);
    expect(x, "verdict.decision", "allowed"); /* BIS at a public site: allowed */
    json_decref(x);
    sl_assess_free(a);
    o.tier = SL_TIER_OFFICIAL;
    assert_int_equal(sl_assess_new(&a, ps, vr, &o, &err), 0);
    x = sl_assess_vehicle_json(a, &f, (size_t)sl_fleet_find(&f, "5YJ3E1EA4RF412345"), false, NULL, NULL);
    expect(x, "verdict.decision", "prohibited"); /* restricted under 1260H: flagged: not admitted */
    expect(x, "verdict.policy", "SITE-vehicle-rule");
    json_decref(x);
    /* a vehicle with no parts recorded is never simply allowed */
    struct sl_fleet g;
    sl_fleet_init(&g);
    assert_int_equal(parse_csv("vin,make\nWV1ZZZSYXNH000123,Volkswagen\n", &g, &p), 0);
    x = sl_assess_vehicle_json(a, &g, 0, false, NULL, NULL);
    expect(x, "verdict.decision", "needs-review");
    expect(x, "verdict.reason", "no connected parts");
    json_decref(x);
    sl_fleet_free(&g);
    sl_assess_free(a);
    sl_fleet_free(&f);
}
/* One move: 0 allowed, else -1 and why must hold `why`. */
static void move(bool part, const char *from, const char *to, const char *since, const char *at,
                 const char *extra, const char *want_why)
{
    struct sl_vehicle_event ev = {.vehicle_id = 1, .part_id = part ? 7 : 0};
    sl_strlcpy(ev.from_status, from, sizeof ev.from_status);
    sl_strlcpy(ev.to_status, to, sizeof ev.to_status);
    sl_strlcpy(ev.at, at, sizeof ev.at);
    if (strcmp(extra, "date") == 0)
        sl_strlcpy(ev.scheduled_for, "2027-03-31", sizeof ev.scheduled_for);
    if (strcmp(extra, "replaced") == 0)
        sl_strlcpy(ev.replaced_by, "Telit LE910C4", sizeof ev.replaced_by);
    if (strcmp(extra, "exempt") == 0) {
        sl_strlcpy(ev.note, "no module yet", sizeof ev.note);
        sl_strlcpy(ev.exempt_approver, "CISO", sizeof ev.exempt_approver);
        sl_strlcpy(ev.exempt_until, "2027-01-31", sizeof ev.exempt_until);
    }
    if (strcmp(extra, "site") == 0)
        ev.site_id = 3;
    int64_t now;
    assert_int_equal(sl_time_parse("2026-11-28T12:00:00Z", &now), 0);
    char why[256] = "";
    int rc = sl_vstatus_check(&ev, since, now, why, sizeof why);
    if (want_why == NULL) {
        if (rc != 0)
            fail_msg("%s -> %s refused: %s", from, to, why);
    } else if (rc != -1 || strstr(why, want_why) == NULL) {
        fail_msg("%s -> %s: '%s' lacks '%s'", from, to, why, want_why);
    }
}

static void test_lifecycle(void **state)
{
    (void)state;
    const char *t0 = "2026-10-01T09:00:00Z";
    /* a part moves as a device does, named as a part */
    move(true, "fitted", "scheduled", t0, "", "date", NULL);
    move(true, "fitted", "scheduled", t0, "", "", "scheduling needs a removal date");
    move(true, "scheduled", "scheduled", t0, "", "date", NULL); /* rescheduled */
    move(true, "fitted", "removed", t0, "", "replaced", NULL);
    move(true, "fitted", "removed", t0, "", "", "a removal needs --replaced-by");
    move(true, "scheduled", "exempt", t0, "", "exempt", NULL);
    move(true, "exempt", "exempt", t0, "", "exempt", NULL); /* renewed */
    move(true, "exempt", "fitted", t0, "", "", NULL);
    move(true, "fitted", "exempt", t0, "", "", "needs a reason, an approver and an expiry");
    move(true, "fitted", "fitted", t0, "", "", "fitted -> fitted refused: the part already");
    move(true, "removed", "fitted", t0, "", "", "a removed part stays removed");
    move(true, "fitted", "verified_absent", t0, "", "", "fitted, scheduled, removed or exempt");
    move(true, "fitted", "scheduled", t0, "2026-09-01", "date", "before the part's last change");
    move(true, "fitted", "scheduled", t0, "2026-12-01", "date", "in the future");
    /* a vehicle: active, moved, retired */
    move(false, "active", "retired", t0, "", "", NULL);
    move(false, "retired", "active", t0, "", "", NULL);
    move(false, "active", "active", t0, "", "site", NULL);
    move(false, "active", "active", t0, "", "", "already active (--site moves it)");
    move(false, "retired", "retired", t0, "", "", "already retired");
    move(false, "active", "retired", t0, "", "site", "moved (--site) while it is active");
    move(false, "active", "removed", t0, "", "", "active or retired");
    move(false, "active", "retired", t0, "2026-09-30", "", "history is append-only");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_rule_example),
        cmocka_unit_test(test_vin),
        cmocka_unit_test(test_imei),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_site_rule),
        cmocka_unit_test(test_vehicle_policies),
        cmocka_unit_test(test_cloud_vendors),
        cmocka_unit_test(test_fleet_csv),
        cmocka_unit_test(test_cyclonedx),
        cmocka_unit_test(test_assess),
        cmocka_unit_test(test_lifecycle),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
