/* alert.c - signatures, dedup table, EVE JSON lines, syslog, register rows. */
#include "monitor/alert.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "monitor/hash.h"
#include "proto/mac.h"
#include "util/str.h"
#include "util/timeutil.h"

const struct sl_sig_info sl_signatures[] = {
    {SL_SIG_PROHIBITED, "SIGHTLINE prohibited device seen", "Prohibited equipment", 2},
    {SL_SIG_REAPPEARED, "SIGHTLINE removed device reappeared", "Prohibited equipment", 1},
    {SL_SIG_CLOUD_DNS, "SIGHTLINE vendor cloud/P2P DNS lookup", "Vendor cloud", 2},
    {SL_SIG_CLOUD_TLS, "SIGHTLINE vendor cloud/P2P TLS server name", "Vendor cloud", 2},
    {SL_SIG_CLOUD_HTTP, "SIGHTLINE vendor cloud/P2P HTTP request", "Vendor cloud", 2},
    {SL_SIG_CLOUD_CONNECT, "SIGHTLINE connection to vendor cloud/P2P address", "Vendor cloud", 2},
    {SL_SIG_UNKNOWN_CAMERA, "SIGHTLINE camera-like device not in register", "Unknown device", 3},
    {0, NULL, NULL, 0},
};

const struct sl_sig_info *sl_sig_info(uint32_t id)
{
    for (const struct sl_sig_info *s = sl_signatures; s->id != 0; s++) {
        if (s->id == id)
            return s;
    }
    return NULL;
}

struct entry {
    char *key;         /* "device\x1fsig\x1fsubject" */
    char *device;
    char *subject;
    uint32_t sig_id;
    uint64_t count, summarised;
    int64_t first_sec, last_sec;
    int32_t first_usec, last_usec;
    json_t *head;      /* the written alert without timestamp/event_type; NULL when restored */
    int64_t store_id;
};

struct sl_alerts {
    struct sl_alerts_config cfg;
    struct entry *e;
    size_t n, max;
    int32_t *table;
    size_t mask;
    uint64_t seed;
    struct sl_alerts_stats st;
};

void sl_eve_time(int64_t sec, int32_t usec, char out[48])
{
    time_t t = (time_t)sec;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL)
        memset(&tm, 0, sizeof tm);
    if (usec < 0 || usec > 999999)
        usec = 0;
    snprintf(out, 48, "%04d-%02d-%02dT%02d:%02d:%02d.%06d+0000", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)usec);
}

struct sl_alerts *sl_alerts_new(const struct sl_alerts_config *cfg)
{
    struct sl_alerts *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    a->cfg = *cfg;
    a->max = cfg->max_entries ? cfg->max_entries : 65536;
    size_t size = 16;
    while (size < a->max * 2)
        size <<= 1;
    a->mask = size - 1;
    a->seed = sl_mon_hash_seed();
    a->table = malloc(size * sizeof *a->table);
    a->e = calloc(a->max, sizeof *a->e);
    if (a->table == NULL || a->e == NULL) {
        sl_alerts_free(a);
        return NULL;
    }
    for (size_t i = 0; i < size; i++)
        a->table[i] = -1;
    if (cfg->syslog)
        openlog("sightline-monitor", LOG_PID | LOG_NDELAY, LOG_DAEMON);
    return a;
}

void sl_alerts_free(struct sl_alerts *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->n; i++) {
        free(a->e[i].key);
        free(a->e[i].device);
        free(a->e[i].subject);
        json_decref(a->e[i].head);
    }
    free(a->e);
    free(a->table);
    if (a->cfg.syslog)
        closelog();
    free(a);
}

static void make_key(char *out, size_t n, const char *device, uint32_t sig, const char *subject)
{
    snprintf(out, n, "%s\x1f%u\x1f%s", device ? device : "", (unsigned)sig, subject ? subject : "");
}

/* The entry of key, or NULL with *slot where it would go (SIZE_MAX: nowhere
 * within SL_MON_MAX_PROBE slots; insert then refuses, as when full). */
static struct entry *find(const struct sl_alerts *a, const char *key, size_t *slot)
{
    size_t len = strlen(key);
    size_t i = sl_hash64(key, len, a->seed ^ 7) & a->mask;
    for (size_t probe = 0; probe < SL_MON_MAX_PROBE; probe++, i = (i + 1) & a->mask) {
        int32_t k = a->table[i];
        if (k < 0) {
            *slot = i;
            return NULL;
        }
        if (strcmp(a->e[k].key, key) == 0)
            return &a->e[k];
    }
    *slot = SIZE_MAX;
    return NULL;
}

static struct entry *insert(struct sl_alerts *a, size_t slot, const char *key, const char *device,
                            uint32_t sig, const char *subject)
{
    if (a->n == a->max || slot == SIZE_MAX)
        return NULL;
    struct entry *e = &a->e[a->n];
    memset(e, 0, sizeof *e);
    e->key = strdup(key);
    e->device = strdup(device ? device : "");
    e->subject = strdup(subject ? subject : "");
    if (e->key == NULL || e->device == NULL || e->subject == NULL) {
        free(e->key);
        free(e->device);
        free(e->subject);
        return NULL;
    }
    e->sig_id = sig;
    a->table[slot] = (int32_t)a->n++;
    return e;
}

static void emit_line(struct sl_alerts *a, json_t *ev, int severity)
{
    char *line = json_dumps(ev, JSON_COMPACT);
    if (line == NULL)
        return;
    if (a->cfg.jsonl != NULL) {
        fputs(line, a->cfg.jsonl);
        fputc('\n', a->cfg.jsonl);
        fflush(a->cfg.jsonl);
    }
    if (a->cfg.syslog) {
        int pri = severity == 1 ? LOG_CRIT : severity == 2 ? LOG_WARNING
                : severity == 3 ? LOG_NOTICE : LOG_INFO;
        syslog(pri, "%s", line);
    }
    free(line);
}

static const char *addr_str(const struct sl_addr *ad, char buf[SL_ADDR_STRLEN])
{
    sl_addr_format(ad, buf);
    return buf;
}

/* The EVE fields of an alert but its time and type: addresses, protocols,
 * the alert itself, the app's object and ours (detail, counted once). */
static json_t *alert_head(const struct sl_alert *al, const struct sl_sig_info *sig, int severity,
                          json_t *detail, char sbuf[SL_ADDR_STRLEN], char dbuf[SL_ADDR_STRLEN])
{
    json_t *head = json_object();
    if (al->has_ip) {
        json_object_set_new(head, "src_ip", json_string(addr_str(&al->src, sbuf)));
        if (al->has_ports)
            json_object_set_new(head, "src_port", json_integer(al->sport));
        json_object_set_new(head, "dest_ip", json_string(addr_str(&al->dst, dbuf)));
        if (al->has_ports)
            json_object_set_new(head, "dest_port", json_integer(al->dport));
    }
    if (al->proto != NULL)
        json_object_set_new(head, "proto", json_string(al->proto));
    if (al->app_proto != NULL)
        json_object_set_new(head, "app_proto", json_string(al->app_proto));
    if (al->vlan != 0)
        json_object_set_new(head, "vlan", json_pack("[i]", (json_int_t)al->vlan));
    if (al->has_mac) {
        char mac[18];
        sl_mac_format(al->src_mac, mac);
        json_object_set_new(head, "src_mac", json_string(mac));
    }
    json_object_set_new(head, "alert",
                        json_pack("{s:s, s:i, s:I, s:i, s:s, s:s, s:i}", "action", "allowed",
                                  "gid", 1, "signature_id", (json_int_t)al->sig_id, "rev", 1,
                                  "signature", sig != NULL ? sig->signature : "SIGHTLINE unknown",
                                  "category", sig != NULL ? sig->category : "Unknown",
                                  "severity", severity));
    if (al->app != NULL)
        json_object_set_new(head, al->app_proto != NULL ? al->app_proto : "app", al->app);
    json_object_set_new(detail, "count", json_integer(1));
    json_object_set_new(head, "sightline", detail);
    return head;
}

/* The alert's ends as the register keeps them ("ADDR[:PORT]", "" without IP). */
static void endpoints(const struct sl_alert *al, const char *sbuf, const char *dbuf, char src[64],
                      char dst[64])
{
    src[0] = dst[0] = '\0';
    if (!al->has_ip)
        return;
    if (al->has_ports) {
        snprintf(src, 64, "%s:%u", sbuf, al->sport);
        snprintf(dst, 64, "%s:%u", dbuf, al->dport);
    } else {
        sl_strlcpy(src, sbuf, 64);
        sl_strlcpy(dst, dbuf, 64);
    }
}

/* The alert into the register; its row id (0 when it could not be written). */
static int64_t store_alert(struct sl_alerts *a, const struct sl_alert *al,
                           const struct sl_sig_info *sig, int severity, const json_t *detail,
                           const char *sbuf, const char *dbuf)
{
    char *dj = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
    char src[64], dst[64], iso[SL_ISO_LEN];
    endpoints(al, sbuf, dbuf, src, dst);
    sl_time_iso(al->ts_sec, iso);
    int64_t id = 0;
    struct sl_err err;
    if (sl_store_alert_add(a->cfg.store, iso, al->sig_id,
                           sig != NULL ? sig->signature : "SIGHTLINE unknown", severity,
                           al->device_id, src, dst, dj != NULL ? dj : "{}", &id, &err) != 0) {
        a->st.store_errors++;
        fprintf(stderr, "sightline monitor: register: %s\n", err.msg);
    }
    free(dj);
    return id;
}

int sl_alerts_raise(struct sl_alerts *a, struct sl_alert *al)
{
    const struct sl_sig_info *sig = sl_sig_info(al->sig_id);
    a->st.raised++;
    int sev = al->severity ? al->severity : sig != NULL ? sig->severity : 3;
    if (a->st.worst_severity == 0 || sev < a->st.worst_severity)
        a->st.worst_severity = sev;
    char key[512];
    make_key(key, sizeof key, al->device_key, al->sig_id, al->subject);
    size_t slot;
    struct entry *e = find(a, key, &slot);
    if (e != NULL) {
        e->count++;
        e->last_sec = al->ts_sec;
        e->last_usec = al->ts_usec;
        a->st.suppressed++;
        json_decref(al->detail);
        json_decref(al->app);
        return 0;
    }
    e = insert(a, slot, key, al->device_key, al->sig_id, al->subject);
    if (e == NULL)
        a->st.dedup_full++;
    char ts[48], sbuf[SL_ADDR_STRLEN] = "", dbuf[SL_ADDR_STRLEN] = "";
    sl_eve_time(al->ts_sec, al->ts_usec, ts);
    json_t *detail = al->detail != NULL ? al->detail : json_object();
    json_t *head = alert_head(al, sig, sev, detail, sbuf, dbuf);
    json_t *ev = json_pack("{s:s, s:s}", "timestamp", ts, "event_type", "alert");
    json_object_update(ev, head);
    emit_line(a, ev, sev);
    a->st.written++;
    int64_t id = a->cfg.store != NULL ? store_alert(a, al, sig, sev, detail, sbuf, dbuf) : 0;
    if (a->cfg.on_written != NULL) {
        char src[64], dst[64];
        endpoints(al, sbuf, dbuf, src, dst);
        a->cfg.on_written(a->cfg.on_written_ctx, al, sev, src, dst, detail);
    }
    if (e != NULL) {
        e->store_id = id;
        e->count = e->summarised = 1;
        e->first_sec = e->last_sec = al->ts_sec;
        e->first_usec = e->last_usec = al->ts_usec;
        e->head = head;
    } else {
        json_decref(head);
    }
    json_decref(ev);
    return 1;
}

bool sl_alerts_seen(const struct sl_alerts *a, const char *device_key, uint32_t sig_id,
                    const char *subject)
{
    char key[512];
    size_t slot;
    make_key(key, sizeof key, device_key, sig_id, subject);
    return find(a, key, &slot) != NULL;
}

void sl_alerts_summarise(struct sl_alerts *a, int64_t ts_sec, int32_t ts_usec)
{
    char ts[48], first[48], last[48];
    sl_eve_time(ts_sec, ts_usec, ts);
    for (size_t i = 0; i < a->n; i++) {
        struct entry *e = &a->e[i];
        if (e->count <= e->summarised)
            continue;
        const struct sl_sig_info *sig = sl_sig_info(e->sig_id);
        int severity = sig != NULL ? sig->severity : 3;
        json_t *ev = json_pack("{s:s, s:s}", "timestamp", ts, "event_type", "alert_summary");
        json_t *old_detail = NULL;
        if (e->head != NULL) {
            const char *k;
            json_t *v;
            json_object_foreach(e->head, k, v)
            {
                if (strcmp(k, "sightline") == 0)
                    old_detail = v;
                else
                    json_object_set(ev, k, v);
            }
            json_t *al = json_object_get(e->head, "alert");
            json_t *sv = al != NULL ? json_object_get(al, "severity") : NULL;
            if (json_is_integer(sv))
                severity = (int)json_integer_value(sv);
        } else {
            json_object_set_new(ev, "alert",
                                json_pack("{s:s, s:i, s:I, s:i, s:s, s:s, s:i}", "action",
                                          "allowed", "gid", 1, "signature_id",
                                          (json_int_t)e->sig_id, "rev", 1, "signature",
                                          sig != NULL ? sig->signature : "SIGHTLINE unknown",
                                          "category", sig != NULL ? sig->category : "Unknown",
                                          "severity", severity));
        }
        sl_eve_time(e->first_sec, e->first_usec, first);
        sl_eve_time(e->last_sec, e->last_usec, last);
        json_t *sum = json_object();
        json_t *dev = old_detail != NULL ? json_object_get(old_detail, "device") : NULL;
        if (dev != NULL)
            json_object_set(sum, "device", dev);
        else
            json_object_set_new(sum, "device_key", json_string(e->device));
        if (e->subject[0] != '\0')
            json_object_set_new(sum, "subject", json_string(e->subject));
        json_object_set_new(sum, "count", json_integer((json_int_t)e->count));
        json_object_set_new(sum, "new", json_integer((json_int_t)(e->count - e->summarised)));
        json_object_set_new(sum, "first_seen", json_string(first));
        json_object_set_new(sum, "last_seen", json_string(last));
        json_object_set_new(ev, "sightline", sum);
        emit_line(a, ev, 4);
        json_decref(ev);
        e->summarised = e->count;
        if (a->cfg.store != NULL) {
            char iso[SL_ISO_LEN];
            struct sl_err err;
            sl_time_iso(e->last_sec, iso);
            int rc;
            if (e->store_id > 0) {
                rc = sl_store_alert_update(a->cfg.store, e->store_id, iso, (int64_t)e->count, &err);
            } else {
                char fiso[SL_ISO_LEN];
                sl_time_iso(e->first_sec, fiso);
                rc = sl_store_alert_add(a->cfg.store, fiso, e->sig_id,
                                        sig != NULL ? sig->signature : "SIGHTLINE unknown",
                                        severity, 0, "", "", "{}", &e->store_id, &err);
                if (rc == 0)
                    rc = sl_store_alert_update(a->cfg.store, e->store_id, iso,
                                               (int64_t)e->count, &err);
            }
            if (rc != 0) {
                a->st.store_errors++;
                fprintf(stderr, "sightline monitor: register: %s\n", err.msg);
            }
        }
    }
}

void sl_alerts_write_event(struct sl_alerts *a, const char *event_type, int64_t ts_sec,
                           int32_t ts_usec, json_t *body)
{
    char ts[48];
    sl_eve_time(ts_sec, ts_usec, ts);
    json_t *ev = json_pack("{s:s, s:s}", "timestamp", ts, "event_type", event_type);
    if (body != NULL)
        json_object_update(ev, body);
    json_decref(body);
    emit_line(a, ev, 5);
    json_decref(ev);
}

void sl_alerts_get_stats(const struct sl_alerts *a, struct sl_alerts_stats *out)
{
    *out = a->st;
}

json_t *sl_alerts_save(const struct sl_alerts *a)
{
    json_t *arr = json_array();
    char first[48], last[48];
    for (size_t i = 0; i < a->n; i++) {
        const struct entry *e = &a->e[i];
        sl_eve_time(e->first_sec, e->first_usec, first);
        sl_eve_time(e->last_sec, e->last_usec, last);
        json_array_append_new(
            arr, json_pack("{s:s, s:I, s:s, s:I, s:I, s:I, s:i, s:I, s:i, s:I}", "device",
                           e->device, "signature_id", (json_int_t)e->sig_id, "subject",
                           e->subject, "count", (json_int_t)e->count, "summarised",
                           (json_int_t)e->summarised, "first", (json_int_t)e->first_sec,
                           "first_usec", (int)e->first_usec, "last", (json_int_t)e->last_sec,
                           "last_usec", (int)e->last_usec, "store_id", (json_int_t)e->store_id));
    }
    return arr;
}

int sl_alerts_restore(struct sl_alerts *a, const json_t *arr)
{
    if (!json_is_array(arr))
        return -1;
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        const char *device = json_string_value(json_object_get(o, "device"));
        const char *subject = json_string_value(json_object_get(o, "subject"));
        json_int_t sig = json_integer_value(json_object_get(o, "signature_id"));
        if (device == NULL || subject == NULL || sl_sig_info((uint32_t)sig) == NULL)
            return -1;
        char key[512];
        size_t slot;
        make_key(key, sizeof key, device, (uint32_t)sig, subject);
        if (find(a, key, &slot) != NULL)
            continue;
        struct entry *e = insert(a, slot, key, device, (uint32_t)sig, subject);
        if (e == NULL)
            return -1;
        e->count = (uint64_t)json_integer_value(json_object_get(o, "count"));
        e->summarised = (uint64_t)json_integer_value(json_object_get(o, "summarised"));
        if (e->summarised > e->count)
            e->summarised = e->count;
        e->first_sec = json_integer_value(json_object_get(o, "first"));
        e->first_usec = (int32_t)json_integer_value(json_object_get(o, "first_usec"));
        e->last_sec = json_integer_value(json_object_get(o, "last"));
        e->last_usec = (int32_t)json_integer_value(json_object_get(o, "last_usec"));
        e->store_id = json_integer_value(json_object_get(o, "store_id"));
    }
    return 0;
}
