/* run.c - `agent run`: configuration, scans on schedule into the spool,
 * uploads with exponential backoff and jitter. Enrolment is enrol.c's, the
 * spool's files spool.c's, the batch format scan/batch.c's. */
#include <curl/curl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/config.h"
#include "agent/internal.h"
#include "monitor/agent_alerts.h"
#include "net/pki.h"
#include "net/targets.h"
#include "probe/ports.h"
#include "scan/batch.h"
#include "util/file.h"
#include "util/grow.h"
#include "util/rng.h"
#include "util/str.h"
#include "util/timeutil.h"

#define BATCH_BYTES_SOFT (4u << 20) /* a batch is closed once this large */
#define POLL_S 60.0                 /* the configuration is pulled at least this often */

struct runner {
    const struct sl_agent_run_opts *o;
    char server[256], uid[SL_PKI_UID_LEN + 1], name[64];
    char ca[1100], cert[1100], key[1100];
    char *key_pem;
    struct agent_spool sp;
    struct sl_buf body;      /* the batch being filled */
    size_t records, devices;
    bool write_failed;
    struct sl_err werr;
    json_t *config;
    int64_t schedule;
    unsigned failures;       /* uploads failed in a row */
    struct agent_watch *watch; /* --monitor: the passive monitor's thread */
    size_t watch_outside;    /* alerts about other networks, as last said */
    size_t watch_lost;       /* alerts that found no room, as last said */
    struct sl_rng rng;
    bool verifying;          /* a verification fills body: one batch, never split */
    const struct sl_targets *scope; /* the scan's targets: nothing else is reported */
    int64_t *verified;       /* requests whose outcome is spooled (STATE/verified) */
    size_t n_verified, cap_verified;
};

static void say(const struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const struct runner *r, const char *fmt, ...)
{
    if (r->o->log == NULL)
        return;
    char at[SL_ISO_LEN];
    sl_time_iso(sl_now(), at);
    fprintf(r->o->log, "%s sightline agent %s: ", at, r->name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(r->o->log, fmt, ap);
    va_end(ap);
    fputc('\n', r->o->log);
    fflush(r->o->log);
}

static int load_state(struct runner *r, struct sl_err *err)
{
    char note[128];
    int rc = agent_state_read(r->o->dir, r->server, r->uid, r->name, err);
    if (rc == 0 && (rc = agent_creds_recover(r->o->dir, note, sizeof note, err)) == 0 && note[0])
        say(r, "%s", note);
    snprintf(r->ca, sizeof r->ca, "%s/ca-cert.pem", r->o->dir);
    snprintf(r->cert, sizeof r->cert, "%s/agent-cert.pem", r->o->dir);
    snprintf(r->key, sizeof r->key, "%s/agent-key.pem", r->o->dir);
    size_t n;
    if (rc == 0 && (r->key_pem = sl_read_file(r->key, SL_PKI_PEM_MAX, &n, err)) == NULL)
        rc = -1;
    return rc;
}

/* Renews the certificate when it is in its renewal window; a failure is
 * logged and tried again at the next turn (the current pair still works). */
static void renew_if_due(struct runner *r)
{
    struct sl_err err = {0};
    int64_t not_after = 0;
    char at[SL_ISO_LEN];
    if (r->o->renew_pct == 0 ||
        agent_renew_due(r->cert, sl_now(), r->o->renew_pct, &not_after, &err) != 1)
        return;
    sl_time_iso(not_after, at);
    say(r, "certificate valid until %s: renewing", at);
    struct agent_http h = {.server = r->server, .ca_file = r->ca, .cert_file = r->cert,
                           .key_file = r->key, .timeout_s = 60};
    size_t n;
    char *key = NULL;
    if (agent_renew(&h, r->o->dir, r->uid, &not_after, &err) != 0 ||
        (key = sl_read_file(r->key, SL_PKI_PEM_MAX, &n, &err)) == NULL) {
        say(r, "certificate renewal failed: %s", err.msg);
        return;
    }
    memset(r->key_pem, 0, strlen(r->key_pem));
    free(r->key_pem);
    r->key_pem = key;
    sl_time_iso(not_after, at);
    say(r, "certificate renewed: valid until %s", at);
}

/* A request to the server as this agent, telling it the spool's state. */
static int call(struct runner *r, const char *method, const char *path, const void *body,
                size_t len, long *status, struct sl_buf *resp, struct sl_err *err)
{
    struct spool_stat st;
    spool_stat(&r->sp, &st);
    char hdr[128];
    snprintf(hdr, sizeof hdr, "X-Sightline-Spool: %zu %llu %d", st.batches,
             (unsigned long long)st.bytes, st.full ? 1 : 0);
    struct agent_http h = {.server = r->server, .ca_file = r->ca, .cert_file = r->cert,
                           .key_file = r->key, .spool_header = hdr, .timeout_s = 120};
    return agent_http(&h, method, path, body, len, status, resp, err);
}

/* The server's {"error": ...} of a refusal, for the log. */
static const char *why_of(const struct sl_buf *resp, char *out, size_t n)
{
    json_t *j = json_loadb((const char *)resp->data, resp->len, 0, NULL);
    const char *e = json_string_value(json_object_get(j, "error"));
    sl_strlcpy(out, e != NULL ? e : "no reason given", n);
    json_decref(j);
    return out;
}

/* GET /agent/v1/config. 0; 1 not reachable (keep the last one); -1 refused. */
static int pull_config(struct runner *r, struct sl_err *err)
{
    struct sl_buf resp;
    sl_buf_init(&resp, AGENT_RESP_MAX);
    long status = 0;
    int rc = call(r, "GET", "/agent/v1/config", NULL, 0, &status, &resp, err);
    json_t *j;
    char why[400];
    if (rc != 0 || status >= 500 || status == 429) {
        if (rc == 0)
            sl_err_setk(err, SL_ERR_UNAVAILABLE, "the server answered %ld", status);
        rc = 1;
    } else if (status != 200) {
        rc = sl_err_setk(err, SL_ERR_INVALID, "the server refuses this agent (%ld): %s", status,
                         why_of(&resp, why, sizeof why));
    } else if ((j = agent_config_parse((const char *)resp.data, resp.len, &r->schedule, err)) ==
               NULL) {
        rc = sl_err_prefix(err, "the server's configuration");
    } else {
        json_decref(r->config);
        r->config = j;
        /* Kept, so that an agent restarted while the server is away still scans. */
        char path[1100];
        snprintf(path, sizeof path, "%s/config.json", r->o->dir);
        struct sl_err werr = {0};
        if (sl_write_file(path, resp.data, resp.len, &werr) != 0)
            say(r, "cannot keep the configuration: %s", werr.msg);
    }
    sl_buf_free(&resp);
    return rc;
}

/* ---- scanning into the spool ---- */

/* The batch filled so far, signed, into the spool; v: a verification's
 * outcome, its record first (scan/batch.h). */
static int close_batch_as(struct runner *r, const struct sl_batch_verify *v, struct sl_err *err)
{
    if (r->records == 0 && v == NULL)
        return 0;
    struct sl_buf b;
    sl_buf_init(&b, SL_BATCH_MAX_BYTES);
    char uuid[SL_BATCH_UUID_LEN + 1];
    int rc = sl_batch_uuid(uuid) == 0 &&
                     sl_batch_write_header(&b, uuid, r->uid, spool_next_seq(&r->sp), sl_now(),
                                           r->records + (v != NULL)) == 0 &&
                     (v == NULL || sl_batch_write_verification(&b, v) == 0) &&
                     sl_buf_append(&b, r->body.data, r->body.len) == 0
                 ? sl_batch_sign(&b, r->key_pem, err)
                 : sl_err_set(err, "the batch is too large");
    if (rc == 0)
        rc = spool_write(&r->sp, b.data, b.len, err);
    if (rc == 0)
        say(r, "spooled batch %s: %zu devices", uuid, r->devices);
    sl_buf_free(&b);
    sl_buf_reset(&r->body);
    r->records = r->devices = 0;
    return rc;
}

static int close_batch(struct runner *r, struct sl_err *err)
{
    return close_batch_as(r, NULL, err);
}

static void on_device(const struct sl_scan_device *d, void *ctx)
{
    struct runner *r = ctx;
    struct sl_addr a;
    if (r->write_failed)
        return;
    /* A discovery answer from outside the targets (or excluded) is not this
     * agent's to report: the server would refuse the whole batch for it. */
    if (r->scope != NULL &&
        (sl_addr_parse(d->address, &a) != 0 || !sl_targets_contains(r->scope, &a)))
        return;
    size_t before = r->body.len, records = r->records;
    if (sl_batch_write_device(&r->body, d, &r->records) != 0) {
        r->body.len = before;
        r->records = records;
        if (r->verifying) { /* never split: the verification is incomplete */
            r->write_failed = true;
            sl_err_set(&r->werr, "the verification's outcome is larger than one batch");
            return;
        }
        /* Too large for this batch: close it and start the next with this device. */
        if (close_batch(r, &r->werr) != 0 || sl_batch_write_device(&r->body, d, &r->records) != 0) {
            r->write_failed = true;
            return;
        }
    }
    r->devices++;
    if (!r->verifying && (r->devices >= r->o->batch_devices || r->body.len >= BATCH_BYTES_SOFT) &&
        close_batch(r, &r->werr) != 0)
        r->write_failed = true;
}

/* The targets: every network of the agent's sites (or of the one named),
 * less their exclusions. */
static int config_targets(struct runner *r, const char *only, struct sl_targets *t, char *text,
                          size_t n, struct sl_err *err)
{
    size_t i, k, used = 0;
    json_t *site, *net;
    text[0] = '\0';
    json_array_foreach(json_object_get(r->config, "sites"), i, site) {
        if (only != NULL && strcmp(json_string_value(json_object_get(site, "name")), only) != 0)
            continue;
        json_array_foreach(json_object_get(site, "exclusions"), k, net) {
            if (sl_targets_exclude(t, json_string_value(net), err) != 0)
                return sl_err_setk(err, SL_ERR_INVALID, "the configuration's exclusion is bad");
        }
        json_array_foreach(json_object_get(site, "networks"), k, net) {
            const char *s = json_string_value(net);
            if (s == NULL || sl_targets_add(t, s, err) != 0)
                return sl_err_setk(err, SL_ERR_INVALID, "the configuration's network is bad");
            used += (size_t)snprintf(text + used, used < n ? n - used : 0, "%s%s",
                                     used ? "," : "", s);
        }
    }
    if (used == 0)
        return sl_err_setk(err, SL_ERR_INVALID, "the configuration names no network to scan");
    return sl_targets_prepare(t, err);
}

/* A scan of the sites' networks (or the one site's, for a verification:
 * then with UDP discovery, as `sightline verify` scans) into body. */
static int engine_scan(struct runner *r, const char *only, struct sl_scan_summary *sum,
                       struct sl_err *err)
{
    struct sl_port_spec ports[SL_PORTS_MAX];
    struct sl_targets *t = sl_targets_new();
    char text[1024];
    int np = t != NULL ? sl_ports_parse(sl_ports_profile("cameras"), ports, SL_PORTS_MAX, err) : -1;
    if (np < 0 || config_targets(r, only, t, text, sizeof text, err) != 0) {
        sl_targets_free(t);
        return -1;
    }
    struct sl_scan_opts so;
    memset(&so, 0, sizeof so);
    so.targets = t;
    so.ports = ports;
    so.n_ports = (size_t)np;
    so.rate = r->o->rate > 0 ? r->o->rate : SL_SCAN_DEFAULT_RATE;
    so.retries = SL_SCAN_DEFAULT_RETRIES;
    so.timeout_ms = r->o->timeout_ms;
    so.connect_timeout_ms = r->o->connect_timeout_ms;
    so.discovery_followup = only == NULL;
    so.udp_discovery = only != NULL;
    so.targets_text = text;
    so.stop = r->o->stop;
    struct sl_scan_callbacks cb = {.on_device = on_device, .ctx = r};
    say(r, "%s %s", only != NULL ? "verifying: scanning" : "scanning", text);
    r->write_failed = false;
    r->scope = t;
    int rc = sl_scan_run(&so, &cb, sum, err);
    r->scope = NULL;
    sl_targets_free(t);
    return rc;
}

static int scan_once(struct runner *r, struct sl_err *err)
{
    struct sl_scan_summary sum;
    int rc = engine_scan(r, NULL, &sum, err);
    if (rc == 0 && !r->write_failed)
        rc = close_batch(r, err);
    if (r->write_failed) {
        *err = r->werr;
        rc = -1;
    }
    if (rc == 0)
        say(r, "scan done: %llu hosts up, %llu devices%s", (unsigned long long)sum.stats.hosts_up,
            (unsigned long long)sum.stats.devices, sum.complete ? "" : " (interrupted)");
    return rc;
}

/* ---- verification requests ---- */

/* The requests already spooled (STATE/verified, one id a line). */
static bool was_verified(const struct runner *r, int64_t id)
{
    for (size_t i = 0; i < r->n_verified; i++)
        if (r->verified[i] == id)
            return true;
    return false;
}

static int note_verified(struct runner *r, int64_t id)
{
    if (SL_GROW(r->verified, r->cap_verified, r->n_verified + 1, 16) != 0)
        return -1;
    r->verified[r->n_verified++] = id;
    return 0;
}

static void load_verified(struct runner *r)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/verified", r->o->dir);
    size_t n;
    char *text = sl_read_file(path, 1 << 20, &n, NULL);
    for (char *p = text, *e; p != NULL && *p != '\0'; p = *e ? e + 1 : e) {
        long long id = strtoll(p, &e, 10);
        if (id > 0 && note_verified(r, id) != 0)
            break;
        e += strcspn(e, "\n");
    }
    free(text);
}

/* Remembers a spooled request (the list rewritten whole, durably). */
static int save_verified(struct runner *r, int64_t id, struct sl_err *err)
{
    if (note_verified(r, id) != 0)
        return sl_err_set(err, "out of memory");
    struct sl_buf b;
    sl_buf_init(&b, 1 << 20);
    size_t from = r->n_verified > 4096 ? r->n_verified - 4096 : 0; /* the newest suffice */
    char line[32];
    for (size_t i = from; i < r->n_verified; i++) {
        snprintf(line, sizeof line, "%lld\n", (long long)r->verified[i]);
        sl_buf_append_str(&b, line);
    }
    char path[1100];
    snprintf(path, sizeof path, "%s/verified", r->o->dir);
    int rc = sl_write_file(path, b.data, b.len, err);
    sl_buf_free(&b);
    return rc;
}

/* One request: the site's networks scanned as `verify` scans them, the
 * outcome spooled as one batch. 0, or -1 (a local failure). */
static int verify_one(struct runner *r, int64_t id, const char *site, struct sl_err *err)
{
    struct sl_scan_summary sum;
    struct sl_batch_verify v = {.request = id};
    sl_strlcpy(v.site, site, sizeof v.site);
    r->verifying = true;
    int rc = engine_scan(r, site, &sum, err);
    r->verifying = false;
    if (rc != 0)
        return -1;
    if (*r->o->stop) { /* stopped: run again after the restart, not reported incomplete */
        sl_buf_reset(&r->body);
        r->records = r->devices = 0;
        return 0;
    }
    if (r->write_failed) { /* nothing of it is proof: an incomplete outcome, no devices */
        say(r, "verification %lld: %s", (long long)id, r->werr.msg);
        sl_buf_reset(&r->body);
        r->records = r->devices = 0;
    }
    v.complete = sum.complete && !r->write_failed;
    v.addresses = (int64_t)sum.stats.hosts_total;
    v.answered = (int64_t)sum.stats.hosts_up;
    size_t devices = r->devices;
    if (close_batch_as(r, &v, err) != 0 || save_verified(r, id, err) != 0)
        return -1;
    say(r, "verification %lld of %s done: %zu devices seen%s", (long long)id, site, devices,
        v.complete ? "" : " (incomplete: proves nothing absent)");
    return 0;
}

/* Runs the configuration's requests not run before. 0 or -1. */
static int run_verifications(struct runner *r, struct sl_err *err)
{
    size_t i;
    json_t *req;
    json_array_foreach(json_object_get(r->config, "verify"), i, req) {
        int64_t id = json_integer_value(json_object_get(req, "request"));
        const char *site = json_string_value(json_object_get(req, "site"));
        if (*r->o->stop || id < 1 || site == NULL || was_verified(r, id))
            continue;
        struct spool_stat st;
        spool_stat(&r->sp, &st);
        if (st.full) {
            say(r, "spool full: verification %lld waits", (long long)id);
            return 0;
        }
        if (verify_one(r, id, site, err) != 0)
            return -1;
    }
    return 0;
}

/* ---- uploading ---- */

/* The batch's UUID (from its header) into uuid. */
static int file_uuid(const char *data, size_t len, char *uuid)
{
    struct sl_batch b;
    if (sl_batch_parse(data, len, &b, NULL) != 0)
        return -1;
    sl_strlcpy(uuid, b.uuid, SL_BATCH_UUID_LEN + 1);
    return 0;
}

/* Posts one batch. 0 acknowledged (removed) or refused (set aside); 1 to be
 * tried again later; -1 a local failure. */
static int post_one(struct runner *r, const char *name, struct sl_err *err)
{
    char path[1200], uuid[SL_BATCH_UUID_LEN + 1] = "", why[400];
    snprintf(path, sizeof path, "%s/%s", r->sp.dir, name);
    size_t len;
    char *data = sl_read_file(path, SL_BATCH_MAX_BYTES, &len, err);
    if (data == NULL)
        return -1;
    if (file_uuid(data, len, uuid) != 0) {
        free(data);
        say(r, "batch %s is damaged: set aside in spool/refused", name);
        return spool_quarantine(&r->sp, name, err);
    }
    struct sl_buf resp;
    sl_buf_init(&resp, AGENT_RESP_MAX);
    long status = 0;
    struct sl_err herr = {0};
    const char *to = sl_alert_batch_is(data, len) ? "/agent/v1/alerts" : "/agent/v1/batch";
    int rc = call(r, "POST", to, data, len, &status, &resp, &herr);
    free(data);
    json_t *j = rc == 0 && status == 200 ? json_loadb((const char *)resp.data, resp.len, 0, NULL)
                                         : NULL;
    const char *ack = json_string_value(json_object_get(j, "ack"));
    if (rc == 0 && status == 200 && ack != NULL && strcmp(ack, uuid) == 0) {
        say(r, "batch %s (%s) acknowledged%s", name, uuid,
            json_is_true(json_object_get(j, "applied")) ? "" : " (applied before)");
        rc = spool_remove(&r->sp, name, err);
    } else if (rc == 0 && (status == 400 || status == 403 || status == 413)) {
        say(r, "batch %s (%s) refused by the server (%ld): %s; set aside in spool/refused", name,
            uuid, status, why_of(&resp, why, sizeof why));
        rc = spool_quarantine(&r->sp, name, err);
    } else {
        say(r, "batch %s not sent: %s", name,
            rc != 0 ? herr.msg : status == 200 ? "no acknowledgement" : why_of(&resp, why, sizeof why));
        rc = 1;
    }
    json_decref(j);
    sl_buf_free(&resp);
    return rc;
}

/* Posts the spool, oldest first, until it is empty (0), a post fails (1) or
 * a local error (-1). */
static int upload(struct runner *r, struct sl_err *err)
{
    char name[64];
    while (!*r->o->stop && spool_oldest(&r->sp, name, sizeof name) == 0) {
        int rc = post_one(r, name, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Seconds before the next attempt: 2^failures capped at retry_max, jittered
 * into its upper half so that agents cut off together do not return together. */
static double backoff(struct runner *r)
{
    double d = (double)(1u << (r->failures < 16 ? r->failures : 16));
    if (d > r->o->retry_max)
        d = r->o->retry_max;
    return d * (0.5 + 0.5 * sl_rng_unit(&r->rng));
}

/* A configuration file: an offline agent's, or the last one the server sent. */
static int file_config(struct runner *r, const char *path, struct sl_err *err)
{
    size_t n;
    char *text = sl_read_file(path, AGENT_CONFIG_MAX, &n, err);
    if (text == NULL)
        return -1;
    r->config = agent_config_parse(text, n, &r->schedule, err);
    free(text);
    return r->config != NULL ? 0 : sl_err_prefix(err, "%s", path);
}

static void nap(const struct runner *r, double seconds)
{
    uint64_t until = sl_mono_ms() + (uint64_t)(seconds * 1000);
    while (!*r->o->stop && sl_mono_ms() < until) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* --monitor: the passive monitor started once there is a configuration, and
 * the alerts it wrote since the last turn spooled as one batch. */
static int watch_turn(struct runner *r, struct sl_err *err)
{
    if (r->o->monitor_iface == NULL || r->config == NULL || r->records != 0)
        return 0; /* (records: a scan's batch left open by a failure: never mixed) */
    if (r->watch == NULL) {
        char report[512] = "";
        if (agent_watch_start(&r->watch, r->o->monitor_iface, r->config, r->o->dir,
                              r->o->monitor_user, report, sizeof report, err) != 0)
            return -1;
        say(r, "monitor: %s", report);
        say(r, "monitor: watching %s", r->o->monitor_iface);
    }
    struct agent_watch_stat st;
    size_t n = agent_watch_take(r->watch, &r->body, &st);
    if (st.outside > r->watch_outside)
        say(r, "monitor: %zu alert(s) about stations outside this agent's sites, not sent",
            st.outside - r->watch_outside);
    r->watch_outside = st.outside;
    if (st.lost > r->watch_lost)
        say(r, "monitor: %zu alert(s) found no room between two turns and were not kept",
            st.lost - r->watch_lost);
    r->watch_lost = st.lost;
    int rc = 0;
    if (n > 0) {
        say(r, "monitor: %zu alert(s)", n);
        r->records = n;
        r->devices = 0;
        rc = close_batch(r, err);
    }
    if (rc == 0 && st.failed) { /* what it wrote before is spooled above */
        *err = st.err;
        rc = sl_err_prefix(err, "monitor on %s", r->o->monitor_iface);
    }
    return rc;
}

/* One turn: the configuration, the verification requests not run yet, a
 * scan when due (unless the spool is full), the uploads. Sets *next_scan and
 * *scanned. 0, or -1 (refused, local error). */
static int turn(struct runner *r, uint64_t *next_scan, bool *scanned, struct sl_err *err)
{
    if (!r->o->offline)
        renew_if_due(r);
    int rc = r->o->offline ? 0 : pull_config(r, err);
    if (rc < 0)
        return -1;
    if (rc > 0)
        say(r, "server not reachable: %s", err->msg);
    /* An operator's request first: what it proves is not taken by the scan's batch. */
    if (r->config != NULL && run_verifications(r, err) != 0)
        return -1;
    if (watch_turn(r, err) != 0)
        return -1;
    if (r->config != NULL && sl_mono_ms() >= *next_scan) {
        struct spool_stat st;
        spool_stat(&r->sp, &st);
        if (st.full) {
            say(r, "spool full (%zu batches, %llu bytes, cap %llu): not starting a scan until "
                   "the server takes some",
                st.batches, (unsigned long long)st.bytes, (unsigned long long)r->sp.max);
            *next_scan = sl_mono_ms() + 5000;
        } else {
            *next_scan = sl_mono_ms() + (uint64_t)r->schedule * 1000;
            if (scan_once(r, err) != 0)
                return -1;
            *scanned = true;
        }
    }
    rc = r->o->offline ? 0 : upload(r, err);
    if (rc < 0)
        return -1;
    r->failures = rc > 0 ? r->failures + 1 : 0;
    return 0;
}

static int run_loop(struct runner *r, struct sl_err *err)
{
    uint64_t next_scan = 0;
    bool scanned = false;
    while (!*r->o->stop) {
        if (turn(r, &next_scan, &scanned, err) != 0)
            return -1;
        struct spool_stat st;
        spool_stat(&r->sp, &st);
        if (r->o->once && scanned && (st.batches == 0 || r->o->offline)) {
            say(r, "done: scanned once, spool empty");
            return 0;
        }
        double wait = (double)(next_scan > sl_mono_ms() ? next_scan - sl_mono_ms() : 0) / 1000;
        if (r->watch != NULL && wait > 2)
            wait = 2; /* alerts go out within seconds */
        else if (wait > POLL_S) /* the configuration (exclusions, verification requests) */
            wait = POLL_S;
        if (r->failures > 0 || r->config == NULL) {
            r->failures += r->config == NULL && r->failures == 0;
            double b = backoff(r);
            wait = wait < b ? wait : b;
            say(r, "next attempt in %.1f s", b);
        }
        nap(r, wait > 0.2 ? wait : 0.2);
    }
    return 0;
}

int sl_agent_run(const struct sl_agent_run_opts *o, struct sl_err *err)
{
    struct runner r;
    memset(&r, 0, sizeof r);
    r.o = o;
    sl_rng_seed(&r.rng, (uint64_t)sl_mono_ms() ^ ((uint64_t)getpid() << 32));
    sl_buf_init(&r.body, SL_BATCH_MAX_BYTES - (64u << 10));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = load_state(&r, err);
    char kept[1100];
    snprintf(kept, sizeof kept, "%s/config.json", o->dir);
    if (rc == 0 && o->offline)
        rc = file_config(&r, o->config_file, err);
    else if (rc == 0 && access(kept, F_OK) == 0 && file_config(&r, kept, err) != 0)
        say(&r, "the kept configuration is not usable (%s): waiting for the server's", err->msg);
    if (rc == 0)
        rc = spool_open(&r.sp, o->dir, o->spool_max, err);
    load_verified(&r);
    if (rc == 0) {
        say(&r, "started (server %s, spool cap %llu bytes)", r.server,
            (unsigned long long)o->spool_max);
        rc = run_loop(&r, err);
    }
    if (r.watch != NULL) { /* what it saw last is spooled, not lost */
        struct sl_err werr = {0};
        agent_watch_halt(r.watch);
        if (watch_turn(&r, &werr) != 0)
            say(&r, "%s", werr.msg);
        agent_watch_stop(r.watch);
    }
    if (r.key_pem != NULL)
        memset(r.key_pem, 0, strlen(r.key_pem));
    free(r.key_pem);
    json_decref(r.config);
    sl_buf_free(&r.body);
    free(r.verified);
    return rc;
}
