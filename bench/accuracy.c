/* accuracy.c - how well identify names makers, and how well the default
 * policy's "prohibited" verdict (sensitive site) follows from it.
 *
 *   bench_accuracy [--fixtures FILE.jsonl] [--corpus DIR] [--verbose]
 *
 * Two sets, scored apart and together:
 *  - the project's fixtures (tests/fixtures/ident/devices.jsonl): evidence
 *    records written from sourced facts, the expected claim on each device's
 *    first record;
 *  - the shared corpus (default /work/shared/corpus; skipped with a message
 *    when absent): real responses, grouped into devices by the table below,
 *    and recog's example banners, each made into the answer it came from.
 *    Sanitised discovery templates are parsed (robustness) but not scored, as
 *    the corpus MANIFEST asks.
 * Prints accuracy (manufacturer right, null included), precision and recall
 * of the prohibited set, and false prohibited claims on non-target devices.
 */
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ident/ident.h"
#include "ident/ident_internal.h"
#include "policy/policy.h"
#include "policy/policy_internal.h"
#include "util/base64.h"
#include "util/datadir.h"
#include "util/file.h"
#include "util/str.h"

struct score {
    const char *name;
    size_t devices, correct, tp, fp, fn, tn, false_prohibited_nontarget;
};

struct ctx {
    struct sl_ident *id;
    struct sl_policy_set *ps;
    int64_t now;
    int verbose;
};

static enum sl_decision judge(const struct ctx *c, const struct sl_claim *claim)
{
    struct sl_verdict v;
    sl_policy_judge(c->ps, SL_TIER_SENSITIVE, claim, c->now, &v);
    return v.decision;
}

/* Scores one device: the claim identify made against what was expected. */
static bool tally_want(const struct ctx *c, struct score *s, const char *device,
                       const struct sl_claim *got, const struct sl_claim *want);

static void tally(const struct ctx *c, struct score *s, const char *device,
                  const struct sl_claim *got, const char *want_maker, const char *want_type)
{
    struct sl_claim want;
    memset(&want, 0, sizeof want);
    sl_strlcpy(want.manufacturer, want_maker ? want_maker : "", sizeof want.manufacturer);
    sl_strlcpy(want.device_type, want_type ? want_type : "", sizeof want.device_type);
    tally_want(c, s, device, got, &want);
}

/* The same with the whole expected claim (a tentative one: named by its MAC
 * alone, so never expected prohibited). Returns whether the maker was right. */
static bool tally_want(const struct ctx *c, struct score *s, const char *device,
                       const struct sl_claim *got, const struct sl_claim *wantp)
{
    struct sl_claim want = *wantp;
    bool exp_p = judge(c, &want) == SL_DECISION_PROHIBITED;
    bool got_p = judge(c, got) == SL_DECISION_PROHIBITED;
    bool right = strcmp(want.manufacturer, got->manufacturer) == 0;
    s->devices++;
    s->correct += right;
    if (exp_p && got_p)
        s->tp++;
    else if (!exp_p && got_p)
        s->fp++;
    else if (exp_p && !got_p)
        s->fn++;
    else
        s->tn++;
    if (got_p && !exp_p)
        s->false_prohibited_nontarget++;
    if (!right && c->verbose)
        printf("  miss %-40s want %-10s got %-10s (%s)\n", device,
               want.manufacturer[0] ? want.manufacturer : "null",
               got->manufacturer[0] ? got->manufacturer : "null",
               got->n_rules ? got->rules[0] : "no rule");
    if (exp_p != got_p)
        printf("  %s %-40s want %s, claim %s\n", got_p ? "FALSE PROHIBITED" : "missed prohibited",
               device, want.manufacturer[0] ? want.manufacturer : "null",
               got->manufacturer[0] ? got->manufacturer : "null");
    return right;
}

static void print_score(const struct score *s)
{
    double acc = s->devices ? 100.0 * (double)s->correct / (double)s->devices : 0;
    double prec = s->tp + s->fp ? 100.0 * (double)s->tp / (double)(s->tp + s->fp) : 100.0;
    double rec = s->tp + s->fn ? 100.0 * (double)s->tp / (double)(s->tp + s->fn) : 100.0;
    printf("%-9s devices %4zu  accuracy %6.2f%%  prohibited set: precision %6.2f%%  recall "
           "%6.2f%%  (tp %zu fp %zu fn %zu tn %zu)  false prohibited on non-targets: %zu\n",
           s->name, s->devices, acc, prec, rec, s->tp, s->fp, s->fn, s->tn,
           s->false_prohibited_nontarget);
}

static void add(struct score *to, const struct score *from)
{
    to->devices += from->devices;
    to->correct += from->correct;
    to->tp += from->tp;
    to->fp += from->fp;
    to->fn += from->fn;
    to->tn += from->tn;
    to->false_prohibited_nontarget += from->false_prohibited_nontarget;
}

/* ---- fixtures --------------------------------------------------------------------- */

/* Fixtures per (class, expected maker): issue 10 asks at least 3 per maker in
 * every class. */
#define MAX_COVER 256
struct cover {
    char cls[32], maker[64];
    size_t n, right;
};
struct coverage {
    size_t n;
    struct cover c[MAX_COVER];
};

static void cover_add(struct coverage *cv, const char *cls, const char *maker, bool right)
{
    if (cls[0] == '\0')
        return;
    const char *m = maker[0] ? maker : "(no maker)";
    for (size_t i = 0; i < cv->n; i++)
        if (strcmp(cv->c[i].cls, cls) == 0 && strcmp(cv->c[i].maker, m) == 0) {
            cv->c[i].n++;
            cv->c[i].right += right;
            return;
        }
    if (cv->n >= MAX_COVER)
        return;
    struct cover *e = &cv->c[cv->n++];
    sl_strlcpy(e->cls, cls, sizeof e->cls);
    sl_strlcpy(e->maker, m, sizeof e->maker);
    e->n = 1;
    e->right = right;
}

static void cover_print(const struct coverage *cv)
{
    size_t short_of = 0;
    const char *last = "";
    for (size_t i = 0; i < cv->n; i++) {
        const struct cover *e = &cv->c[i];
        if (strcmp(e->cls, last) != 0) {
            printf("%sfixtures %-10s", i ? "\n" : "", e->cls);
            last = e->cls;
        }
        printf(" %s %zu/%zu", e->maker, e->right, e->n);
        short_of += e->n < 3 && strcmp(e->maker, "(no maker)") != 0;
    }
    printf("\nfixtures: right/devices per class and maker; makers with fewer than 3 fixtures in "
           "a class: %zu\n", short_of);
}

static void run_fixtures(const struct ctx *c, const char *path, struct score *s)
{
    struct coverage *cv = calloc(1, sizeof *cv);
    struct sl_claim want;
    char cls[32] = "";
    size_t len;
    struct sl_err err = {0};
    char *data = sl_read_file(path, 64u << 20, &len, &err);
    if (data == NULL) {
        printf("fixtures: %s\n", err.msg);
        return;
    }
    struct sl_ident_acc *acc = sl_ident_acc_new(c->id);
    char device[256] = "";
    bool open = false;
    char *save = NULL;
    for (char *line = strtok_r(data, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        json_error_t je;
        json_t *j = json_loads(line, 0, &je);
        if (j == NULL)
            continue;
        const char *dev = json_string_value(json_object_get(j, "device"));
        if (dev != NULL && (!open || strcmp(dev, device) != 0)) {
            if (open) {
                struct sl_claim claim;
                sl_ident_conclude(acc, &claim);
                cover_add(cv, cls, want.manufacturer, tally_want(c, s, device, &claim, &want));
            }
            sl_ident_acc_reset(acc);
            sl_strlcpy(device, dev, sizeof device);
            const json_t *e = json_object_get(j, "expect");
            const char *m = json_string_value(json_object_get(e, "manufacturer"));
            const char *t = json_string_value(json_object_get(e, "device_type"));
            const char *k = json_string_value(json_object_get(j, "class"));
            memset(&want, 0, sizeof want);
            sl_strlcpy(want.manufacturer, m ? m : "", sizeof want.manufacturer);
            sl_strlcpy(want.device_type, t ? t : "", sizeof want.device_type);
            want.tentative = json_is_true(json_object_get(e, "tentative"));
            sl_strlcpy(cls, k ? k : "", sizeof cls);
            open = true;
        }
        enum sl_proto proto;
        const char *ps = json_string_value(json_object_get(j, "proto"));
        if (ps != NULL && sl_proto_from_name(ps, &proto) == 0) {
            const json_t *b64 = json_object_get(j, "data_b64");
            const char *text = json_string_value(json_object_get(j, "data"));
            uint8_t *buf = NULL;
            size_t n = 0;
            if (json_is_string(b64)) {
                buf = malloc(json_string_length(b64) / 4 * 3 + 4);
                long got = sl_base64_decode(json_string_value(b64), json_string_length(b64), buf);
                n = got > 0 ? (size_t)got : 0;
            } else if (text != NULL) {
                n = strlen(text);
                buf = malloc(n + 1);
                memcpy(buf, text, n + 1);
            }
            struct sl_evidence ev = {.proto = proto,
                                     .port = (uint16_t)json_integer_value(json_object_get(j, "port")),
                                     .path = json_string_value(json_object_get(j, "path")),
                                     .data = buf,
                                     .len = n};
            sl_ident_observe(acc, &ev);
            free(buf);
        }
        json_decref(j);
    }
    if (open) {
        struct sl_claim claim;
        sl_ident_conclude(acc, &claim);
        cover_add(cv, cls, want.manufacturer, tally_want(c, s, device, &claim, &want));
    }
    sl_ident_acc_free(acc);
    free(data);
    cover_print(cv);
    free(cv);
}

/* ---- the shared corpus ------------------------------------------------------------ */

/* How each real response in the corpus becomes evidence, and who made the
 * device (MANIFEST.tsv vendor column; OEM rebadges are made by their ODM). */
struct corpus_file {
    const char *device; /* files of one device share a key */
    const char *file;
    enum sl_proto proto;
    uint16_t port;
    const char *path;
    int wrap_http;      /* a response body transcribed without its head */
    int onvif_from_json; /* Smart-City-Sample's JSON rendering of GetDeviceInformation */
    const char *maker;
};

static const struct corpus_file corpus_files[] = {
    {"hikvision-go2rtc-pcm", "hikvision/rtsp/go2rtc_TestHikvisionPCM_describe.sdp", SL_PROTO_RTSP, 554, NULL, 0, 0, "Hikvision"},
    {"dahua-go2rtc", "dahua/onvif/go2rtc_Dahua_default_GetCapabilitiesResponse.xml", SL_PROTO_ONVIF, 80, NULL, 0, 0, "Dahua"},
    {"dahua-go2rtc", "dahua/onvif/go2rtc_Dahua_stream_default_GetStreamUriResponse.xml", SL_PROTO_ONVIF, 80, NULL, 0, 0, "Dahua"},
    {"dahua-go2rtc", "dahua/onvif/go2rtc_Dahua_snapshot_default_GetSnapshotUriResponse.xml", SL_PROTO_ONVIF, 80, NULL, 0, 0, "Dahua"},
    {"dahua-vto2000a", "dahua/dhdiscover/rroller_dahua_VTO2000A_DHDiscover_reply_body.json", SL_PROTO_DHDISCOVER, 37810, NULL, 0, 0, "Dahua"},
    {"dahua-ipc-hdw5831r-ze", "dahua/http-cgi/rroller_getSystemInfo_IPC-HDW5831R-ZE.txt", SL_PROTO_HTTP, 80, "/cgi-bin/magicBox.cgi?action=getSystemInfo", 1, 0, "Dahua"},
    {"dahua-magicbox-examples", "dahua/http-cgi/rroller_magicBox_misc_examples.txt", SL_PROTO_HTTP, 80, "/cgi-bin/magicBox.cgi", 1, 0, "Dahua"},
    {"dahua-dvr-37777", "dahua/tcp37777/msf_dahua_dvr_hello_expected_response.bin", SL_PROTO_TCP, 37777, NULL, 0, 0, "Dahua"},
    {"lorex-nvr", "lorex_dahua_oem/http-cgi/rroller_getSystemInfo_Lorex_NVR.txt", SL_PROTO_HTTP, 80, "/cgi-bin/magicBox.cgi?action=getSystemInfo", 1, 0, "Dahua"},
    {"lorex-lnb8973b", "lorex_dahua_oem/onvif/smartcity_LOREX_LNB8973B_onvif_GetDeviceInformation_GetNetworkInterfaces.json", SL_PROTO_ONVIF, 80, NULL, 0, 1, "Dahua"},
    {"amcrest-camera", "amcrest_dahua_oem/http-cgi/python-amcrest_software_information.txt", SL_PROTO_HTTP, 80, "/cgi-bin/magicBox.cgi?action=getSoftwareVersion", 1, 0, "Dahua"},
    {"bosch-flexidome-5100i", "bosch/onvif/onvif-go_Bosch_FLEXIDOME5100i_001_GetDeviceInformationResponse.xml", SL_PROTO_ONVIF, 80, NULL, 0, 0, "Bosch"},
    {"bosch-flexidome-5100i", "bosch/onvif/onvif-go_Bosch_FLEXIDOME5100i_002_GetSystemDateAndTimeResponse.xml", SL_PROTO_ONVIF, 80, NULL, 0, 0, "Bosch"},
    {"bosch-flexidome-5100i", "bosch/onvif/onvif-go_Bosch_FLEXIDOME5100i_003_GetCapabilitiesResponse.xml", SL_PROTO_ONVIF, 80, NULL, 0, 0, "Bosch"},
    {"bosch-flexidome-5100i", "bosch/onvif/onvif-go_Bosch_FLEXIDOME5100i_005_GetProfilesResponse.xml", SL_PROTO_ONVIF, 80, NULL, 0, 0, "Bosch"},
    {"bosch-flexidome-5100i", "bosch/onvif/onvif-go_Bosch_FLEXIDOME5100i_006_GetStreamUriResponse.xml", SL_PROTO_ONVIF, 80, NULL, 0, 0, "Bosch"},
    {"bosch-flexidome-5100i", "bosch/onvif/onvif-go_Bosch_FLEXIDOME5100i_010_GetSnapshotUriResponse.xml", SL_PROTO_ONVIF, 80, NULL, 0, 0, "Bosch"},
    {"axis-m1065-lw", "axis/vapix/axis_lib_basicdeviceinfo_getAllProperties_M1065-LW.json", SL_PROTO_HTTP, 80, "/axis-cgi/basicdeviceinfo.cgi", 1, 0, "Axis"},
    {"axis-m1065-lw", "axis/vapix/axis_lib_param_cgi_BRAND_RESPONSE.txt", SL_PROTO_HTTP, 80, "/axis-cgi/param.cgi?action=list&group=root.Brand", 1, 0, "Axis"},
    {"axis-m3024-l", "axis/vapix/axis_lib_param_cgi_BRAND_5_51_RESPONSE.txt", SL_PROTO_HTTP, 80, "/axis-cgi/param.cgi?action=list&group=root.Brand", 1, 0, "Axis"},
};

/* Sanitised templates ("Virtual", 00:11:22:33:44:55): parsed, not scored. */
static const struct {
    const char *file;
    enum sl_proto proto;
    uint16_t port;
} templates[] = {
    {"hikvision/sadp/UniversalScanner_Hikvision.selftest.bin", SL_PROTO_SADP, 37020},
    {"dahua/dhdiscover/UniversalScanner_Dahua2.selftest.bin", SL_PROTO_DHDISCOVER, 37810},
    {"dahua/discovery-v1-udp5050/UniversalScanner_Dahua1.selftest.bin", SL_PROTO_TCP, 5050},
    {"_generic/ws-discovery/UniversalScanner_Wsdiscovery.selftest.bin", SL_PROTO_WSD, 3702},
    {"_generic/ssdp/UniversalScanner_SSDP.selftest.bin", SL_PROTO_SSDP, 1900},
    {"hanwha/discovery-udp7701/UniversalScanner_Hanwha.selftest.bin", SL_PROTO_TCP, 7711},
    {"bosch/discovery-udp1757/UniversalScanner_Bosch.xml.selftest.bin", SL_PROTO_UPNP, 1758},
    {"bosch/discovery-udp1757/UniversalScanner_Bosch.bin.selftest.bin", SL_PROTO_TCP, 1758},
    {"sony/discovery-udp2380/UniversalScanner_Sony.selftest.bin", SL_PROTO_TCP, 2380},
    {"vivotek/discovery-udp10000/UniversalScanner_Vivotek.selftest.bin", SL_PROTO_TCP, 10000},
    {"panasonic/discovery-udp10669/UniversalScanner_Panasonic.selftest.bin", SL_PROTO_TCP, 10670},
    {"ubiquiti/discovery-udp10001/UniversalScanner_Ubiquiti.selftest.bin", SL_PROTO_TCP, 10001},
    {"axis/mdns/UniversalScanner_Axis.selftest.bin", SL_PROTO_TCP, 5353},
};

static char *onvif_from_json(const char *json, size_t len, size_t *out_len)
{
    json_error_t je;
    json_t *j = json_loadb(json, len, 0, &je);
    if (j == NULL)
        return NULL;
    const json_t *d = json_object_get(j, "device");
    char *out = malloc(4096);
    int n = snprintf(out, 4096,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?><s:Envelope "
                     "xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
                     "xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\"><s:Body>"
                     "<tds:GetDeviceInformationResponse><tds:Manufacturer>%s</tds:Manufacturer>"
                     "<tds:Model>%s</tds:Model><tds:FirmwareVersion>%s</tds:FirmwareVersion>"
                     "<tds:SerialNumber>%s</tds:SerialNumber><tds:HardwareId>%s</tds:HardwareId>"
                     "</tds:GetDeviceInformationResponse></s:Body></s:Envelope>",
                     json_string_value(json_object_get(d, "Manufacturer")),
                     json_string_value(json_object_get(d, "Model")),
                     json_string_value(json_object_get(d, "FirmwareVersion")),
                     json_string_value(json_object_get(d, "SerialNumber")),
                     json_string_value(json_object_get(d, "HardwareId")));
    json_decref(j);
    *out_len = n > 0 && n < 4096 ? (size_t)n : 0;
    return out;
}

static void observe_file(struct sl_ident_acc *acc, const char *dir, const struct corpus_file *f,
                         struct sl_ident_acc *mac_acc)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, f->file);
    size_t len;
    char *data = sl_read_file(path, 4u << 20, &len, NULL);
    if (data == NULL)
        return;
    char *buf = data;
    size_t n = len;
    if (f->wrap_http) {
        static const char head[] = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
        buf = malloc(len + sizeof head);
        memcpy(buf, head, sizeof head - 1);
        memcpy(buf + sizeof head - 1, data, len);
        n = len + sizeof head - 1;
    } else if (f->onvif_from_json) {
        buf = onvif_from_json(data, len, &n);
        /* its NIC's MAC, as the sample tool printed it */
        json_t *j = json_loadb(data, len, 0, NULL);
        const char *mac = json_string_value(
            json_object_get(json_array_get(json_object_get(j, "networks"), 0), "HwAddress"));
        if (mac != NULL) {
            struct sl_evidence mev = {.proto = SL_PROTO_MAC, .data = (const uint8_t *)mac,
                                      .len = strlen(mac)};
            sl_ident_observe(mac_acc, &mev);
        }
        json_decref(j);
    }
    struct sl_evidence ev = {.proto = f->proto, .port = f->port, .path = f->path,
                             .data = (const uint8_t *)buf, .len = n};
    if (buf != NULL)
        sl_ident_observe(acc, &ev);
    if (buf != data)
        free(buf);
    free(data);
}

/* A self-signed certificate with a recog subject ("CN=..,OU=..,O=..") as PEM. */
static char *make_cert(const char *subject, size_t *len)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    char buf[1024];
    sl_strlcpy(buf, subject, sizeof buf);
    /* RFC 2253 lists the most specific part first: add them in reverse */
    char *parts[32];
    int n = 0;
    char *p = buf;
    while (p != NULL && n < 32) {
        parts[n++] = p;
        char *next = NULL;
        for (char *q = p; *q; q++)
            if (*q == ',' && q[1] != ' ') {
                char *eq = strchr(q + 1, '=');
                char *comma = strchr(q + 1, ',');
                if (eq != NULL && (comma == NULL || eq < comma)) {
                    *q = '\0';
                    next = q + 1;
                    break;
                }
            }
        p = next;
    }
    for (int i = n - 1; i >= 0; i--) {
        char *eq = strchr(parts[i], '=');
        if (eq == NULL)
            continue;
        *eq = '\0';
        X509_NAME_add_entry_by_txt(name, parts[i], MBSTRING_UTF8, (unsigned char *)eq + 1, -1, -1, 0);
    }
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_subject_name(x, name);
    X509_set_issuer_name(x, name);
    X509_set_pubkey(x, key);
    X509_sign(x, key, EVP_sha256());
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, x);
    char *mem;
    long ml = BIO_get_mem_data(b, &mem);
    char *out = malloc((size_t)ml + 1);
    memcpy(out, mem, (size_t)ml);
    out[ml] = '\0';
    *len = (size_t)ml;
    BIO_free(b);
    X509_NAME_free(name);
    X509_free(x);
    EVP_PKEY_free(key);
    return out;
}

/* The maker a recog example's vendor means, through the registry (a brand
 * means its known maker); NULL when the registry does not know it. */
static const char *expected_maker(const struct sl_registry *reg, const char *params)
{
    static const char *const keys[] = {"hw.vendor=", "os.vendor=", "service.vendor="};
    for (size_t k = 0; k < 3; k++) {
        const char *p = strstr(params, keys[k]);
        if (p == NULL)
            continue;
        char v[128];
        p += strlen(keys[k]);
        size_t n = strcspn(p, ";");
        sl_strncpy_z(v, sizeof v, p, n);
        const struct sl_vendor *ve;
        const struct sl_brand *br;
        if (sl_registry_resolve_label(reg, v, &ve, &br)) {
            if (ve != NULL)
                return ve->name;
            const struct sl_vendor *m = sl_registry_brand_maker(reg, br);
            return m ? m->name : NULL;
        }
        return NULL;
    }
    return NULL;
}

static void run_recog(const struct ctx *c, const char *dir, struct score *s, size_t *skipped)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/_banners/recog_camera_examples.tsv", dir);
    size_t len;
    char *data = sl_read_file(path, 8u << 20, &len, NULL);
    if (data == NULL)
        return;
    struct sl_ident_acc *acc = sl_ident_acc_new(c->id);
    char *save = NULL;
    size_t row = 0;
    for (char *line = strtok_r(data, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        if (row++ == 0)
            continue;
        char *cols[8] = {0};
        int k = 0;
        for (char *p = line; k < 8; k++) {
            cols[k] = p;
            char *tab = strchr(p, '\t');
            if (tab == NULL)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        if (k < 4)
            continue;
        const char *file = cols[0], *ex = cols[3], *params = cols[4];
        char buf[4096];
        char *cert = NULL;
        struct sl_evidence ev = {0};
        if (strcmp(file, "http_servers.xml") == 0)
            snprintf(buf, sizeof buf, "HTTP/1.1 200 OK\r\nServer: %s\r\nContent-Length: 0\r\n\r\n", ex), ev.proto = SL_PROTO_HTTP, ev.port = 80;
        else if (strcmp(file, "http_wwwauth.xml") == 0)
            snprintf(buf, sizeof buf, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: %s\r\nContent-Length: 0\r\n\r\n", ex), ev.proto = SL_PROTO_HTTP, ev.port = 80;
        else if (strcmp(file, "html_title.xml") == 0)
            snprintf(buf, sizeof buf, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><head><title>%s</title></head></html>", ex), ev.proto = SL_PROTO_HTTP, ev.port = 80;
        else if (strcmp(file, "rtsp_servers.xml") == 0)
            snprintf(buf, sizeof buf, "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: %s\r\n\r\n", ex), ev.proto = SL_PROTO_RTSP, ev.port = 554;
        else if (strcmp(file, "ftp_banners.xml") == 0)
            snprintf(buf, sizeof buf, "220 %s\r\n", ex), ev.proto = SL_PROTO_TCP, ev.port = 21;
        else if (strcmp(file, "telnet_banners.xml") == 0)
            snprintf(buf, sizeof buf, "%s", ex), ev.proto = SL_PROTO_TCP, ev.port = 23;
        else if (strcmp(file, "dhcp_vendor_class.xml") == 0)
            snprintf(buf, sizeof buf, "vendor_class=%s\n", ex), ev.proto = SL_PROTO_DHCP;
        else if (strcmp(file, "x509_subjects.xml") == 0) {
            size_t cl;
            cert = make_cert(ex, &cl);
            ev.proto = SL_PROTO_TLS;
            ev.port = 443;
            ev.data = (const uint8_t *)cert;
            ev.len = cl;
        } else {
            (*skipped)++; /* favicons (a hash, not bytes), snmp, sip, jarm, ... */
            continue;
        }
        if (ev.data == NULL) {
            ev.data = (const uint8_t *)buf;
            ev.len = strlen(buf);
        }
        sl_ident_acc_reset(acc);
        sl_ident_observe(acc, &ev);
        struct sl_claim claim;
        sl_ident_conclude(acc, &claim);
        char name[160];
        snprintf(name, sizeof name, "recog %s '%.60s'", file, ex);
        tally(c, s, name, &claim, expected_maker(sl_ident_registry(c->id), params), NULL);
        free(cert);
    }
    sl_ident_acc_free(acc);
    free(data);
}

static void run_corpus(const struct ctx *c, const char *dir, struct score *s)
{
    struct sl_ident_acc *acc = sl_ident_acc_new(c->id);
    size_t n = sizeof corpus_files / sizeof corpus_files[0];
    for (size_t i = 0; i < n;) {
        sl_ident_acc_reset(acc);
        size_t k = i;
        while (k < n && strcmp(corpus_files[k].device, corpus_files[i].device) == 0) {
            observe_file(acc, dir, &corpus_files[k], acc);
            k++;
        }
        struct sl_claim claim;
        sl_ident_conclude(acc, &claim);
        char name[128];
        snprintf(name, sizeof name, "corpus %s", corpus_files[i].device);
        tally(c, s, name, &claim, corpus_files[i].maker, NULL);
        i = k;
    }
    size_t parsed = 0, with_errors = 0;
    for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, templates[i].file);
        size_t len;
        char *data = sl_read_file(path, 1u << 20, &len, NULL);
        if (data == NULL)
            continue;
        struct sl_evidence ev = {.proto = templates[i].proto, .port = templates[i].port,
                                 .data = (const uint8_t *)data, .len = len};
        struct sl_claim claim;
        sl_ident_one(c->id, &ev, &claim);
        parsed++;
        with_errors += claim.errors[0] != '\0';
        if (c->verbose)
            printf("  template %-60s %s %s\n", templates[i].file,
                   claim.manufacturer[0] ? claim.manufacturer : "-", claim.errors);
        free(data);
    }
    printf("corpus: %zu sanitised templates parsed without a crash (%zu with a parse note), not scored\n",
           parsed, with_errors);
    sl_ident_acc_free(acc);
}

/* ---- the lab: claims of `identify --batch` over answers gathered from a
 * running sightline-lab, scored against its ground truth ---------------------------- */

static void run_lab(const struct ctx *c, const char *truth_path, const char *claims_path,
                    struct score *s)
{
    size_t tl, cl;
    char *truth = sl_read_file(truth_path, 64u << 20, &tl, NULL);
    char *claims = sl_read_file(claims_path, 256u << 20, &cl, NULL);
    if (truth == NULL || claims == NULL) {
        printf("lab: cannot read %s or %s\n", truth_path, claims_path);
        free(truth);
        free(claims);
        return;
    }
    json_t *by_dev = json_object();
    char *save = NULL;
    for (char *l = strtok_r(claims, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        json_t *j = json_loads(l, 0, NULL);
        const char *d = json_string_value(json_object_get(j, "device"));
        if (d != NULL)
            json_object_set(by_dev, d, json_object_get(j, "claim"));
        json_decref(j);
    }
    save = NULL;
    size_t brands = 0, brands_right = 0, models = 0, models_right = 0, hostile = 0;
    size_t hostile_named = 0, hostile_errors = 0;
    for (char *l = strtok_r(truth, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        json_t *t = json_loads(l, 0, NULL);
        const char *addr = json_string_value(json_object_get(t, "address"));
        struct sl_claim claim;
        memset(&claim, 0, sizeof claim);
        const json_t *cj = addr ? json_object_get(by_dev, addr) : NULL;
        if (cj != NULL)
            sl_claim_from_json(cj, &claim);
        const char *want = json_string_value(json_object_get(t, "manufacturer"));
        const char *type = json_string_value(json_object_get(t, "device_type"));
        const char *brand = json_string_value(json_object_get(t, "brand"));
        const char *model = json_string_value(json_object_get(t, "model"));
        char name[160];
        if (json_is_true(json_object_get(t, "hostile"))) {
            /* scored apart: their truth says "no maker", yet they wear Hikvision and
             * Dahua MAC prefixes and may speak those vendors' protocols */
            hostile++;
            hostile_named += claim.manufacturer[0] != '\0';
            hostile_errors += claim.errors[0] != '\0';
            if (c->verbose)
                printf("  hostile %-30s %s %s [%s]\n", json_string_value(json_object_get(t, "profile")),
                       claim.manufacturer[0] ? claim.manufacturer : "-",
                       claim.n_rules ? claim.rules[0] : "", claim.errors);
            json_decref(t);
            continue;
        }
        snprintf(name, sizeof name, "lab %s %s", addr ? addr : "?",
                 json_string_value(json_object_get(t, "profile")));
        tally(c, s, name, &claim, want, type);
        if (brand != NULL) {
            brands++;
            brands_right += strcmp(brand, claim.brand) == 0;
            if (c->verbose && strcmp(brand, claim.brand) != 0)
                printf("  brand %-40s want %s got %s\n", name, brand, claim.brand);
        }
        if (model != NULL && strcmp(model, "-") != 0 && want != NULL) {
            models++;
            models_right += strcmp(model, claim.model) == 0;
            if (c->verbose && strcmp(model, claim.model) != 0)
                printf("  model %-40s want %s got %s\n", name, model, claim.model);
        }
        json_decref(t);
    }
    printf("lab: brands right %zu of %zu, models right %zu of %zu\n", brands_right, brands,
           models_right, models);
    printf("lab: %zu hostile devices not scored (no crash; %zu with a parse error recorded, %zu "
           "named a maker from what they imitate)\n",
           hostile, hostile_errors, hostile_named);
    json_decref(by_dev);
    free(truth);
    free(claims);
}

int main(int argc, char **argv)
{
    const char *fixtures = NULL, *corpus = getenv("SL_CORPUS");
    const char *lab_truth = NULL, *lab_claims = NULL;
    int no_fixtures = 0, no_corpus = 0;
    struct ctx c = {0};
    char defpath[2048];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--fixtures") == 0 && i + 1 < argc)
            fixtures = argv[++i];
        else if (strcmp(argv[i], "--corpus") == 0 && i + 1 < argc)
            corpus = argv[++i];
        else if (strcmp(argv[i], "--verbose") == 0)
            c.verbose = 1;
        else if (strcmp(argv[i], "--lab") == 0 && i + 2 < argc) {
            lab_truth = argv[++i];
            lab_claims = argv[++i];
        } else if (strcmp(argv[i], "--no-fixtures") == 0)
            no_fixtures = 1;
        else if (strcmp(argv[i], "--no-corpus") == 0)
            no_corpus = 1;
        else {
            fprintf(stderr, "usage: %s [--fixtures FILE.jsonl] [--corpus DIR] [--lab TRUTH CLAIMS]\n"
                            "          [--no-fixtures] [--no-corpus] [--verbose]\n", argv[0]);
            return 2;
        }
    }
    if (fixtures == NULL) {
        /* data/ lives next to tests/ in the source tree */
        snprintf(defpath, sizeof defpath, "%s/../tests/fixtures/ident/devices.jsonl",
                 SL_DATADIR_SOURCE);
        fixtures = defpath;
    }
    if (corpus == NULL)
        corpus = "/work/shared/corpus";
    struct sl_err err = {0};
    if (sl_ident_load(&c.id, sl_datadir(), &err) != 0 ||
        sl_policy_load(&c.ps, sl_datadir(), &err) != 0) {
        fprintf(stderr, "bench_accuracy: %s\n", err.msg);
        return 3;
    }
    c.now = (int64_t)time(NULL);
    printf("identify accuracy; prohibited = default policy (UK-2022-sensitive-sites) at a "
           "sensitive site, today\n");
    struct score fx = {.name = "fixtures"}, co = {.name = "corpus"}, all = {.name = "combined"};
    struct score lab = {.name = "lab"};
    if (!no_fixtures)
        run_fixtures(&c, fixtures, &fx);
    if (lab_truth != NULL)
        run_lab(&c, lab_truth, lab_claims, &lab);
    struct stat st;
    size_t skipped = 0;
    if (no_corpus) {
    } else if (stat(corpus, &st) == 0 && S_ISDIR(st.st_mode)) {
        run_corpus(&c, corpus, &co);
        run_recog(&c, corpus, &co, &skipped);
        printf("corpus: %zu recog examples skipped (favicon hashes and other kinds not made into answers)\n",
               skipped);
    } else {
        printf("corpus: %s not present - skipped\n", corpus);
    }
    if (fx.devices > 0)
        print_score(&fx);
    if (co.devices > 0)
        print_score(&co);
    if (lab.devices > 0)
        print_score(&lab);
    add(&all, &fx);
    add(&all, &co);
    add(&all, &lab);
    print_score(&all);
    sl_policy_free(c.ps);
    sl_ident_free(c.id);
    return 0;
}
