/* state.c - the station table and alert deduplication across restarts:
 * a JSON file (--state) and the register's sightings (--db). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/internal.h"
#include "util/file.h"
#include "util/timeutil.h"

#define STATE_MAX_BYTES (256u << 20)

static int parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char tail;
    if (s == NULL || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4],
                            &v[5], &tail) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)v[i];
    return 0;
}

int sl_monitor_save_state(const struct sl_monitor *m, const char *path, struct sl_err *err)
{
    json_t *hosts = json_array();
    for (size_t i = 0; i < m->n_hosts; i++) {
        struct sl_station *h = &m->hosts[i];
        json_t *o = json_object();
        char buf[SL_ADDR_STRLEN];
        if (h->has_mac) {
            char mac[18];
            sl_mac_format(h->mac, mac);
            json_object_set_new(o, "mac", json_string(mac));
        } else {
            sl_addr_format(&h->key_ip, buf);
            json_object_set_new(o, "ip", json_string(buf));
        }
        json_t *addrs = json_array();
        for (unsigned k = 0; k < h->n_addrs; k++) {
            sl_addr_format(&h->addrs[k], buf);
            json_array_append_new(addrs, json_string(buf));
        }
        json_object_set_new(o, "addresses", addrs);
        json_object_set_new(o, "first_seen", json_integer(h->first_seen));
        json_object_set_new(o, "last_seen", json_integer(h->last_seen));
        if (h->video)
            json_object_set_new(o, "video", json_true());
        if (h->hostname[0] != '\0')
            json_object_set_new(o, "hostname", json_string(h->hostname));
        if (h->device_id > 0)
            json_object_set_new(o, "register_id", json_integer(h->device_id));
        if (h->claim != NULL && h->claim->manufacturer[0] != '\0') {
            json_object_set_new(o, "manufacturer", json_string(h->claim->manufacturer));
            json_object_set_new(o, "decision",
                                json_string(sl_decision_name(h->verdict->decision)));
        }
        json_array_append_new(hosts, o);
    }
    char now[SL_ISO_LEN];
    sl_time_iso(m->now_sec, now);
    json_t *root = json_pack("{s:i, s:s, s:o, s:o}", "v", 1, "last_packet", now, "hosts", hosts,
                             "alerts", sl_alerts_save(m->cfg.alerts));
    char *text = json_dumps(root, JSON_INDENT(1));
    json_decref(root);
    if (text == NULL)
        return sl_err_set(err, "out of memory writing the state");
    int rc = sl_write_file(path, text, strlen(text), err);
    free(text);
    return rc;
}

int sl_monitor_load_state(struct sl_monitor *m, const char *path, struct sl_err *err)
{
    size_t len;
    char *text = sl_read_file(path, STATE_MAX_BYTES, &len, err);
    if (text == NULL)
        return -1;
    json_error_t je;
    json_t *root = json_loadb(text, len, 0, &je);
    free(text);
    if (root == NULL)
        return sl_err_set(err, "%s: line %d: %s", path, je.line, je.text);
    int rc = -1;
    json_t *hosts = json_object_get(root, "hosts");
    if (json_integer_value(json_object_get(root, "v")) != 1 || !json_is_array(hosts)) {
        sl_err_set(err, "%s: not a sightline monitor state file (v 1)", path);
        goto out;
    }
    size_t i;
    json_t *o;
    json_array_foreach(hosts, i, o)
    {
        uint8_t mac[6];
        struct sl_addr ip;
        const char *ms = json_string_value(json_object_get(o, "mac"));
        const char *is = json_string_value(json_object_get(o, "ip"));
        bool by_mac = ms != NULL;
        if ((by_mac && parse_mac(ms, mac) != 0) ||
            (!by_mac && (is == NULL || sl_addr_parse(is, &ip) != 0))) {
            sl_err_set(err, "%s: host %zu: bad mac or ip", path, i + 1);
            goto out;
        }
        struct sl_station *h = sl_mon_station_find(m, by_mac, mac, &ip, true, NULL);
        if (h == NULL)
            break; /* table full: counted as dropped */
        size_t k;
        json_t *a;
        json_array_foreach(json_object_get(o, "addresses"), k, a)
        {
            struct sl_addr ad;
            if (json_is_string(a) && sl_addr_parse(json_string_value(a), &ad) == 0)
                sl_mon_station_add_addr(h, &ad);
        }
        h->first_seen = json_integer_value(json_object_get(o, "first_seen"));
        h->last_seen = json_integer_value(json_object_get(o, "last_seen"));
        h->video = json_is_true(json_object_get(o, "video"));
        const char *hn = json_string_value(json_object_get(o, "hostname"));
        if (hn != NULL)
            snprintf(h->hostname, sizeof h->hostname, "%s", hn);
        h->dirty = false;
    }
    json_t *alerts = json_object_get(root, "alerts");
    if (alerts != NULL && sl_alerts_restore(m->cfg.alerts, alerts) != 0) {
        sl_err_set(err, "%s: bad alerts section", path);
        goto out;
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

struct sight_ctx {
    struct sl_monitor *m;
};

static int on_sighting(const struct sl_sighting *sg, void *ctx)
{
    struct sl_monitor *m = ((struct sight_ctx *)ctx)->m;
    uint8_t mac[6];
    struct sl_addr a;
    if (parse_mac(sg->mac, mac) != 0 || sl_addr_parse(sg->address, &a) != 0)
        return 0;
    bool created;
    struct sl_station *h = sl_mon_station_find(m, true, mac, NULL, true, &created);
    if (h == NULL)
        return 1;
    sl_mon_station_add_addr(h, &a);
    int64_t first, last;
    if (sl_time_parse(sg->first_seen, &first) == 0 && (created || first < h->first_seen))
        h->first_seen = first;
    if (sl_time_parse(sg->last_seen, &last) == 0 && (created || last > h->last_seen))
        h->last_seen = last;
    h->dirty = false;
    return 0;
}

int sl_monitor_load_sightings(struct sl_monitor *m, struct sl_err *err)
{
    if (m->cfg.store == NULL)
        return 0;
    struct sight_ctx c = {m};
    return sl_store_sighting_list(m->cfg.store, on_sighting, &c, err);
}
