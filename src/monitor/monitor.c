/* monitor.c - the engine: frames -> stations, identification, alerts (see monitor.h). */
#include "monitor/monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/dhcp.h"
#include "monitor/discovery.h"
#include "monitor/dns.h"
#include "monitor/hash.h"
#include "monitor/internal.h"
#include "monitor/tls_sni.h"
#include "programme/lifecycle.h"
#include "proto/http.h"
#include "util/str.h"
#include "util/timeutil.h"

/* ---- stations ------------------------------------------------------------------------ */

static uint64_t host_hash(const struct sl_monitor *m, bool by_mac, const uint8_t mac[6],
                          const struct sl_addr *ip)
{
    return by_mac ? sl_hash64(mac, 6, m->seed ^ 0x6d6163) : sl_hash64(ip->b, 16, m->seed ^ 0x6970);
}

struct sl_station *sl_mon_station_find(struct sl_monitor *m, bool by_mac, const uint8_t mac[6],
                                 const struct sl_addr *ip, bool create, bool *created)
{
    size_t mask = m->host_slots - 1;
    uint64_t hv = host_hash(m, by_mac, mac, ip);
    uint32_t tag = (uint32_t)(hv >> 32);
    if (created != NULL)
        *created = false;
    size_t i = hv & mask;
    for (size_t probe = 1;; probe++, i = (i + 1) & mask) {
        if (probe > m->longest_probe)
            m->longest_probe = probe;
        struct sl_station_slot *sl = &m->slots[i];
        if (sl->idx == 0 || probe > SL_MON_MAX_PROBE) {
            if (!create)
                return NULL;
            if (m->n_hosts >= m->max_hosts || probe > SL_MON_MAX_PROBE) {
                m->st.hosts_dropped++;
                return NULL;
            }
            struct sl_station *h = &m->hosts[m->n_hosts++];
            memset(h, 0, sizeof *h);
            h->used = true;
            h->has_mac = by_mac;
            if (by_mac)
                memcpy(h->mac, mac, 6);
            else
                h->key_ip = *ip;
            h->reg_status = -1;
            h->first_seen = h->last_seen = m->now_sec;
            h->dirty = true;
            sl->tag = tag;
            sl->idx = (uint32_t)m->n_hosts;
            m->st.hosts++;
            if (created != NULL)
                *created = true;
            return h;
        }
        if (sl->tag != tag)
            continue;
        struct sl_station *h = &m->hosts[sl->idx - 1];
        if (h->has_mac == by_mac &&
            (by_mac ? memcmp(h->mac, mac, 6) == 0 : memcmp(h->key_ip.b, ip->b, 16) == 0))
            return h;
    }
}

void sl_mon_station_add_addr(struct sl_station *h, const struct sl_addr *a)
{
    for (unsigned i = 0; i < h->n_addrs; i++) {
        if (memcmp(h->addrs[i].b, a->b, 16) == 0) {
            if (i + 1 != h->n_addrs) { /* keep the most recent last */
                struct sl_addr t = h->addrs[i];
                memmove(&h->addrs[i], &h->addrs[i + 1], (h->n_addrs - i - 1) * sizeof t);
                h->addrs[h->n_addrs - 1] = t;
            }
            return;
        }
    }
    if (h->n_addrs == SL_STATION_ADDRS) {
        memmove(&h->addrs[0], &h->addrs[1], (SL_STATION_ADDRS - 1) * sizeof h->addrs[0]);
        h->n_addrs--;
    }
    h->addrs[h->n_addrs++] = *a;
    h->dirty = true;
}

const char *sl_mon_station_key(struct sl_station *h)
{
    if (h->key[0] == '\0') {
        char buf[SL_ADDR_STRLEN];
        if (h->has_mac) {
            char mac[18];
            sl_mac_format(h->mac, mac);
            snprintf(h->key, sizeof h->key, "mac:%s", mac);
        } else {
            sl_addr_format(&h->key_ip, buf);
            snprintf(h->key, sizeof h->key, "ip:%s", buf);
        }
    }
    return h->key;
}

static bool usable_ip(const struct sl_addr *a)
{
    static const uint8_t zero[16];
    if (a->v4) {
        uint8_t b0 = a->b[12];
        if (memcmp(a->b + 12, zero, 4) == 0 || b0 >= 224) /* 0.0.0.0, multicast, broadcast */
            return false;
        return true;
    }
    return memcmp(a->b, zero, 16) != 0 && a->b[0] != 0xff;
}

static bool usable_mac(const uint8_t mac[6])
{
    static const uint8_t zero[6];
    return (mac[0] & 1) == 0 && memcmp(mac, zero, 6) != 0; /* unicast, not all-zero */
}

/* ---- identification -------------------------------------------------------------------- */

static void note_error(struct sl_monitor *m, const char *key)
{
    m->st.decode_errors++;
    for (size_t i = 0; i < m->st.n_error_kinds; i++) {
        if (m->st.errors[i].key == key || strcmp(m->st.errors[i].key, key) == 0) {
            m->st.errors[i].count++;
            return;
        }
    }
    if (m->st.n_error_kinds < SL_MON_MAX_ERROR_KINDS) {
        m->st.errors[m->st.n_error_kinds].key = key;
        m->st.errors[m->st.n_error_kinds].count = 1;
        m->st.n_error_kinds++;
    }
}

/* Gives one payload to identify, once per distinct payload and station. */
static bool give_evidence(struct sl_monitor *m, struct sl_station *h, enum sl_proto proto,
                          uint16_t port, const uint8_t *data, size_t len, const char *request)
{
    const struct sl_mon_identify *id = m->cfg.identify;
    if (id == NULL || id->observe == NULL || id->acc_new == NULL || len == 0)
        return false;
    uint64_t hv = sl_hash64(data, len, ((uint64_t)proto << 16) | port);
    for (int i = 0; i < SL_STATION_RECENT; i++) {
        if (h->recent[i] == hv)
            return false;
    }
    if (h->n_evidence >= SL_MON_MAX_EVIDENCE)
        return false;
    if (h->acc == NULL) {
        h->acc = id->acc_new(id->ctx);
        if (h->claim == NULL) /* a reload without rebind kept the claim */
            h->claim = calloc(1, sizeof *h->claim);
        if (h->verdict == NULL)
            h->verdict = calloc(1, sizeof *h->verdict);
        if (h->acc == NULL || h->claim == NULL || h->verdict == NULL) {
            if (h->acc != NULL && id->acc_free != NULL)
                id->acc_free(h->acc);
            free(h->claim);
            free(h->verdict);
            h->acc = NULL;
            h->claim = NULL;
            h->verdict = NULL;
            return false;
        }
    }
    struct sl_evidence ev = {
        .proto = proto,
        .outcome = SL_OUTCOME_OK,
        .port = port,
        .request = request,
        .data = data,
        .len = len,
        .observed_at = m->now_sec,
    };
    id->observe(h->acc, &ev);
    h->recent[h->recent_next] = hv;
    h->recent_next = (uint8_t)((h->recent_next + 1) % SL_STATION_RECENT);
    h->n_evidence++;
    m->st.evidence++;
    if (id->conclude != NULL)
        id->conclude(h->acc, h->claim);
    if (id->judge != NULL)
        id->judge(id->ctx, h->claim, m->now_sec, h->verdict);
    return true;
}

/* ---- alerts -------------------------------------------------------------------------- */

static json_t *device_json(struct sl_monitor *m, struct sl_station *h)
{
    json_t *d = json_object();
    char buf[SL_ADDR_STRLEN];
    if (h->has_mac) {
        char mac[18];
        sl_mac_format(h->mac, mac);
        json_object_set_new(d, "mac", json_string(mac));
    }
    if (h->n_addrs > 0) {
        sl_addr_format(&h->addrs[h->n_addrs - 1], buf);
        json_object_set_new(d, "ip", json_string(buf));
    } else if (!h->has_mac) {
        sl_addr_format(&h->key_ip, buf);
        json_object_set_new(d, "ip", json_string(buf));
    }
    if (h->hostname[0] != '\0')
        json_object_set_new(d, "hostname", json_string(h->hostname));
    if (h->device_id > 0) {
        json_object_set_new(d, "register_id", json_integer(h->device_id));
        json_object_set_new(d, "status", json_string(sl_status_name((enum sl_status)h->reg_status)));
    }
    if (m->cfg.site != NULL && m->cfg.site[0] != '\0')
        json_object_set_new(d, "site", json_string(m->cfg.site));
    return d;
}

static const char *l4_name(const struct sl_pkt *p)
{
    if (p->l3 == SL_L3_ARP)
        return "ARP";
    if (p->l3 != SL_L3_IPV4 && p->l3 != SL_L3_IPV6)
        return "ETH";
    switch (p->ip_proto) {
    case 6: return "TCP";
    case 17: return "UDP";
    case 1: return "ICMP";
    case 58: return "IPv6-ICMP";
    default: return "IP";
    }
}

static void fill_alert(struct sl_monitor *m, struct sl_alert *al, uint32_t sig, struct sl_station *h,
                       const struct sl_pkt *p, const char *app_proto, const char *subject)
{
    memset(al, 0, sizeof *al);
    al->sig_id = sig;
    al->ts_sec = m->now_sec;
    al->ts_usec = m->now_usec;
    al->proto = l4_name(p);
    al->app_proto = app_proto;
    if (p->l3 == SL_L3_IPV4 || p->l3 == SL_L3_IPV6 || p->l3 == SL_L3_ARP) {
        al->has_ip = true;
        al->src = p->src;
        al->dst = p->dst;
        if (p->has_l4) {
            al->has_ports = true;
            al->sport = p->sport;
            al->dport = p->dport;
        }
    }
    if (p->has_mac) {
        al->has_mac = true;
        memcpy(al->src_mac, p->src_mac, 6);
    }
    al->vlan = p->vlan;
    al->device_key = sl_mon_station_key(h);
    al->subject = subject != NULL ? subject : "";
    al->device_id = h->device_id;
}

/* Raises sig for h; builds the JSON only when the alert will be written. */
static void raise_device(struct sl_monitor *m, uint32_t sig, struct sl_station *h,
                         const struct sl_pkt *p, const char *app_proto, const char *evidence_kind,
                         json_t *extra)
{
    struct sl_alert al;
    fill_alert(m, &al, sig, h, p, app_proto, "");
    if (!sl_alerts_seen(m->cfg.alerts, al.device_key, sig, "")) {
        json_t *d = json_object();
        json_object_set_new(d, "device", device_json(m, h));
        if (h->claim != NULL) {
            json_object_set_new(d, "claim", sl_claim_to_json(h->claim));
            json_object_set_new(d, "verdict", sl_verdict_to_json(h->verdict));
        }
        if (evidence_kind != NULL)
            json_object_set_new(d, "evidence", json_string(evidence_kind));
        if (extra != NULL)
            json_object_update(d, extra);
        al.detail = d;
    }
    json_decref(extra);
    sl_alerts_raise(m->cfg.alerts, &al);
}

static bool camera_like(const struct sl_station *h)
{
    if (h->video)
        return true;
    if (h->claim == NULL)
        return false;
    const char *t = h->claim->device_type;
    return strcmp(t, "camera") == 0 || strcmp(t, "nvr") == 0 || strcmp(t, "dvr") == 0 ||
           strcmp(t, "ptz") == 0 || strcmp(t, "encoder") == 0 || strcmp(t, "intercom") == 0;
}

static void check_register(struct sl_monitor *m, struct sl_station *h, const struct sl_pkt *p,
                           const char *evidence_kind)
{
    struct sl_store *s = m->cfg.store;
    const char *mfr = h->claim != NULL ? h->claim->manufacturer : "";
    bool need = !h->reg_checked || (mfr[0] != '\0' && !h->reg_checked_with_mfr && h->device_id == 0);
    if (need) {
        char mac[18] = "", addr[SL_ADDR_STRLEN] = "";
        if (h->has_mac)
            sl_mac_format(h->mac, mac);
        if (h->n_addrs > 0)
            sl_addr_format(&h->addrs[h->n_addrs - 1], addr);
        else if (!h->has_mac)
            sl_addr_format(&h->key_ip, addr);
        struct sl_device dev;
        struct sl_err err;
        int rc = sl_store_monitor_match(s, mac, addr, mfr, m->cfg.site_id, &dev, &err);
        h->reg_checked = true;
        if (mfr[0] != '\0')
            h->reg_checked_with_mfr = true;
        if (rc == 1) {
            h->device_id = dev.id;
            h->reg_status = (int)dev.status;
            if (sl_time_parse(dev.status_since, &h->reg_since) != 0)
                h->reg_since = 0;
        } else if (rc < 0) {
            m->st.register_errors++;
            fprintf(stderr, "sightline monitor: register: %s\n", err.msg);
        }
    }
    /* Seen after it was recorded removed: traffic from before the removal (an
     * old capture read today) is no reappearance. */
    if (h->device_id > 0 && !h->reappeared_done && m->now_sec > h->reg_since &&
        (h->reg_status == SL_STATUS_REMOVED || h->reg_status == SL_STATUS_VERIFIED_ABSENT)) {
        h->reappeared_done = true;
        int before = h->reg_status;
        char mac[18] = "-", addr[SL_ADDR_STRLEN] = "-";
        if (h->has_mac)
            sl_mac_format(h->mac, mac);
        if (h->n_addrs > 0)
            sl_addr_format(&h->addrs[h->n_addrs - 1], addr);
        char at[SL_ISO_LEN], note[512], why[256] = "";
        sl_time_iso(m->now_sec, at);
        snprintf(note, sizeof note,
                 "seen again by sightline monitor: MAC %s at %s (%s) while %s", mac, addr,
                 evidence_kind != NULL ? evidence_kind : "traffic",
                 sl_status_name((enum sl_status)before));
        /* The programme's lifecycle rules decide whether the move is legal. */
        struct sl_change ch = {.to = SL_STATUS_REAPPEARED, .at = at, .note = note,
                               .by_verification = true};
        struct sl_err err;
        int64_t now = sl_now() > m->now_sec ? sl_now() : m->now_sec;
        int rc = sl_lifecycle_apply_at(s, h->device_id, &ch,
                                       m->cfg.actor != NULL ? m->cfg.actor : "monitor", now, why,
                                       sizeof why, &err);
        if (rc == 1) {
            h->reg_status = SL_STATUS_REAPPEARED;
        } else if (rc == 0) {
            fprintf(stderr, "sightline monitor: register: device %lld not marked reappeared: %s\n",
                    (long long)h->device_id, why);
        } else {
            m->st.register_errors++;
            fprintf(stderr, "sightline monitor: register: %s\n", err.msg);
        }
        json_t *extra = json_pack("{s:s, s:s}", "previous_status",
                                  sl_status_name((enum sl_status)before), "register_update",
                                  h->reg_status == SL_STATUS_REAPPEARED ? "reappeared" : "failed");
        raise_device(m, SL_SIG_REAPPEARED, h, p, NULL, evidence_kind, extra);
    }
}

/* After anything that can change what we know of a station. */
static void evaluate(struct sl_monitor *m, struct sl_station *h, const struct sl_pkt *p,
                     const char *app_proto, const char *evidence_kind)
{
    if (m->cfg.store != NULL)
        check_register(m, h, p, evidence_kind);
    bool prohibited = h->verdict != NULL && h->claim != NULL &&
                      h->verdict->decision == SL_DECISION_PROHIBITED;
    if (prohibited)
        raise_device(m, SL_SIG_PROHIBITED, h, p, app_proto, evidence_kind, NULL);
    else if (camera_like(h) && h->device_id == 0 &&
             !sl_alerts_seen(m->cfg.alerts, sl_mon_station_key(h), SL_SIG_PROHIBITED, ""))
        raise_device(m, SL_SIG_UNKNOWN_CAMERA, h, p, app_proto, evidence_kind, NULL);
}

static void raise_cloud(struct sl_monitor *m, uint32_t sig, struct sl_station *h,
                        const struct sl_pkt *p, const char *app_proto,
                        const struct sl_cloud_entry *e, const char *name, json_t *app)
{
    struct sl_alert al;
    fill_alert(m, &al, sig, h, p, app_proto, e->domain);
    if (strcmp(e->kind, "vendor") == 0)
        al.severity = 3; /* the maker's own site: notable, less than its cloud */
    if (!sl_alerts_seen(m->cfg.alerts, al.device_key, sig, e->domain)) {
        json_t *d = json_object();
        json_object_set_new(d, "device", device_json(m, h));
        if (h->claim != NULL && h->claim->manufacturer[0] != '\0')
            json_object_set_new(d, "claim", sl_claim_to_json(h->claim));
        json_object_set_new(d, "cloud",
                            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", name, "domain",
                                      e->domain, "vendor", e->vendor, "service", e->service,
                                      "kind", e->kind, "source", e->source));
        al.detail = d;
        al.app = app;
    } else {
        json_decref(app);
    }
    sl_alerts_raise(m->cfg.alerts, &al);
}

/* ---- cloud addresses ------------------------------------------------------------------- */

static struct sl_cloud_ip *cloud_ip_slot(struct sl_monitor *m, const uint8_t addr[16])
{
    return &m->cloud_ips[sl_hash64(addr, 16, m->seed ^ 0x636c6f) & (SL_CLOUD_IP_SLOTS - 1)];
}

static void learn_cloud_ip(struct sl_monitor *m, const uint8_t addr[16],
                           const struct sl_cloud_entry *e, const char *name)
{
    struct sl_cloud_ip *c = cloud_ip_slot(m, addr);
    if (!c->used)
        m->n_cloud_ips++;
    c->used = true;
    memcpy(c->addr, addr, 16);
    c->entry = e;
    sl_strlcpy(c->name, name, sizeof c->name);
}

static const struct sl_cloud_ip *cloud_ip_find(struct sl_monitor *m, const struct sl_addr *a)
{
    if (m->n_cloud_ips == 0)
        return NULL;
    struct sl_cloud_ip *c = cloud_ip_slot(m, a->b);
    return c->used && memcmp(c->addr, a->b, 16) == 0 ? c : NULL;
}

static void check_cloud_ip(struct sl_monitor *m, struct sl_station *h, const struct sl_pkt *p)
{
    const struct sl_cloud_ip *c = cloud_ip_find(m, &p->dst);
    if (c != NULL)
        raise_cloud(m, SL_SIG_CLOUD_CONNECT, h, p, NULL, c->entry, c->name, NULL);
}

/* ---- application payloads -------------------------------------------------------------- */

static void on_dns(struct sl_monitor *m, struct sl_station *h, const struct sl_pkt *p,
                   const uint8_t *msg, size_t len)
{
    struct sl_dns d;
    const char *error = NULL;
    m->st.dns++;
    if (sl_dns_parse(msg, len, &d, &error) != 0) {
        note_error(m, error);
        return;
    }
    if (m->cfg.cloud == NULL)
        return;
    if (!d.response) {
        const struct sl_cloud_entry *e = sl_cloud_match(m->cfg.cloud, d.qname);
        if (e != NULL && h != NULL) {
            char type[8];
            snprintf(type, sizeof type, "%s", d.qtype == 1 ? "A" : d.qtype == 28 ? "AAAA"
                                              : d.qtype == 5 ? "CNAME" : "OTHER");
            json_t *app = json_pack("{s:s, s:I, s:s, s:s}", "type", "query", "id",
                                    (json_int_t)d.id, "rrname", d.qname, "rrtype", type);
            raise_cloud(m, SL_SIG_CLOUD_DNS, h, p, "dns", e, d.qname, app);
        }
        return;
    }
    /* A response: remember the addresses a cloud name resolved to. */
    const struct sl_cloud_entry *e = sl_cloud_match(m->cfg.cloud, d.qname);
    for (size_t i = 0; e == NULL && i < d.n_answers; i++) {
        if (d.answers[i].type == 5)
            e = sl_cloud_match(m->cfg.cloud, d.answers[i].cname);
    }
    if (e == NULL)
        return;
    for (size_t i = 0; i < d.n_answers; i++) {
        struct sl_dns_answer *a = &d.answers[i];
        if (a->type == 1) {
            uint8_t v4[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
            memcpy(v4 + 12, a->addr, 4);
            learn_cloud_ip(m, v4, e, d.qname);
        } else if (a->type == 28) {
            learn_cloud_ip(m, a->addr, e, d.qname);
        }
    }
}

static void on_dhcp(struct sl_monitor *m, const struct sl_pkt *p)
{
    struct sl_dhcp d;
    const char *error = NULL;
    m->st.dhcp++;
    if (sl_dhcp_parse(p->payload, p->payload_len, &d, &error) != 0) {
        note_error(m, error);
        return;
    }
    if (!d.has_chaddr || !usable_mac(d.chaddr))
        return;
    bool created;
    struct sl_station *h = sl_mon_station_find(m, true, d.chaddr, NULL, d.op == 1, &created);
    if (h == NULL)
        return;
    struct sl_addr a;
    if (d.op == 2 && d.msg_type == 5) { /* ACK: the address is the client's now */
        sl_addr_from_v4(d.yiaddr, &a);
        if (usable_ip(&a))
            sl_mon_station_add_addr(h, &a);
        return;
    }
    if (d.op != 1)
        return;
    sl_addr_from_v4(d.has_requested ? d.requested : d.ciaddr, &a);
    if (usable_ip(&a))
        sl_mon_station_add_addr(h, &a);
    if (d.hostname[0] != '\0' && strcmp(h->hostname, d.hostname) != 0) {
        sl_strlcpy(h->hostname, d.hostname, sizeof h->hostname);
        h->dirty = true;
    }
    char text[256];
    size_t n = sl_dhcp_evidence_text(&d, text, sizeof text);
    if (n > 0 && give_evidence(m, h, SL_PROTO_DHCP, 0, (const uint8_t *)text, n, "dhcp"))
        evaluate(m, h, p, "dhcp", "dhcp");
}

static void on_announcement(struct sl_monitor *m, struct sl_station *h, const struct sl_pkt *p,
                            const struct sl_disc *d)
{
    m->st.announcements++;
    bool was_video = h->video;
    if (d->video)
        h->video = true;
    uint16_t port = p->dport;
    if (p->sport == 3702 || p->sport == 1900 || p->sport == 37020 || p->sport == 37810)
        port = p->sport;
    bool gave = d->announcement &&
                give_evidence(m, h, d->proto, port, p->payload, p->payload_len,
                              sl_disc_kind_name(d->kind));
    const char *app = d->proto != SL_PROTO_NONE ? sl_proto_name(d->proto)
                      : d->kind == SL_DISC_SADP_L2 ? "sadp" : NULL;
    if (gave || h->video != was_video)
        evaluate(m, h, p, app, sl_disc_kind_name(d->kind));
}

/* A Host header as the cloud list names hosts: lower case, without a port
 * ("[v6]:port" keeps what is inside the brackets, as sent). */
static void host_name(char *host)
{
    for (char *c = host; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    char *colon = strrchr(host, ':');
    if (colon != NULL && strchr(host, ']') == NULL && strchr(host, ':') == colon)
        *colon = '\0';
}

static void on_tcp_payload(struct sl_monitor *m, struct sl_station *h, const struct sl_pkt *p)
{
    const uint8_t *d = p->payload;
    size_t n = p->payload_len;
    if (sl_tls_is_handshake(d, n)) {
        char sni[SL_SNI_MAX];
        const char *error = NULL;
        m->st.tls_hello++;
        int rc = sl_tls_sni(d, n, sni, &error);
        if (rc < 0) {
            if (error != NULL && strcmp(error, "tls.not_client_hello") != 0)
                note_error(m, error);
            return;
        }
        const struct sl_cloud_entry *e = rc == 1 ? sl_cloud_match(m->cfg.cloud, sni) : NULL;
        if (e != NULL)
            raise_cloud(m, SL_SIG_CLOUD_TLS, h, p, "tls", e, sni, json_pack("{s:s}", "sni", sni));
        return;
    }
    if (p->sport == 53 || p->dport == 53) {
        if (n > 2)
            on_dns(m, h, p, d + 2, n - 2); /* DNS over TCP: a 2-byte length first */
        return;
    }
    struct sl_http_peek hh;
    switch (sl_http_peek(d, n, &hh)) {
    case SL_HTTP_PEEK_REQUEST: {
        m->st.http++;
        host_name(hh.host);
        const struct sl_cloud_entry *e =
            hh.host[0] != '\0' ? sl_cloud_match(m->cfg.cloud, hh.host) : NULL;
        if (e != NULL)
            raise_cloud(m, SL_SIG_CLOUD_HTTP, h, p, "http", e, hh.host,
                        json_pack("{s:s, s:s, s:s}", "hostname", hh.host, "url", hh.path,
                                  "http_method", hh.method));
        return;
    }
    case SL_HTTP_PEEK_RESPONSE:
        if (hh.proto == SL_HTTP_PROTO_HTTP) {
            m->st.http++;
            if (give_evidence(m, h, SL_PROTO_HTTP, p->sport, d, n, "passive"))
                evaluate(m, h, p, "http", "http-response");
        } else {
            bool was = h->video;
            h->video = true;
            if (give_evidence(m, h, SL_PROTO_RTSP, p->sport, d, n, "passive") || !was)
                evaluate(m, h, p, "rtsp", "rtsp-response");
        }
        return;
    case SL_HTTP_PEEK_NONE:
        break;
    }
    /* Vendor control ports speak first or answer in a recognisable way
     * (fingerprints.md §1.14): identify reads them as proto tcp with the port. */
    if (p->sport == 8000 || p->sport == 37777) {
        if (give_evidence(m, h, SL_PROTO_TCP, p->sport, d, n < 64 ? n : 64, "passive"))
            evaluate(m, h, p, NULL, "tcp-banner");
    }
}

/* ---- reload ---------------------------------------------------------------------------- */

void sl_monitor_reload(struct sl_monitor *m, const struct sl_cloud *cloud,
                       const struct sl_mon_identify *identify)
{
    for (size_t i = 0; i < m->n_hosts; i++) {
        struct sl_station *h = &m->hosts[i];
        if (h->acc == NULL)
            continue;
        if (identify == NULL || identify->rebind == NULL) {
            if (m->cfg.identify != NULL && m->cfg.identify->acc_free != NULL)
                m->cfg.identify->acc_free(h->acc);
            h->acc = NULL; /* the claim and verdict stay as they were */
            continue;
        }
        identify->rebind(h->acc, identify->ctx);
        if (identify->conclude != NULL)
            identify->conclude(h->acc, h->claim);
        if (identify->judge != NULL)
            identify->judge(identify->ctx, h->claim, m->now_sec, h->verdict);
    }
    for (size_t i = 0; i < SL_CLOUD_IP_SLOTS; i++) {
        struct sl_cloud_ip *c = &m->cloud_ips[i];
        if (!c->used)
            continue;
        c->entry = cloud != NULL ? sl_cloud_match(cloud, c->name) : NULL;
        if (c->entry == NULL) {
            c->used = false;
            m->n_cloud_ips--;
        }
    }
    m->cfg.cloud = cloud;
    m->cfg.identify = identify;
}

/* ---- the frame ------------------------------------------------------------------------- */

int sl_monitor_new(struct sl_monitor **out, const struct sl_mon_config *cfg, struct sl_err *err)
{
    if (cfg->alerts == NULL)
        return sl_err_set(err, "monitor: no alert output");
    struct sl_monitor *m = calloc(1, sizeof *m);
    if (m == NULL)
        return sl_err_set(err, "out of memory");
    m->cfg = *cfg;
    m->max_hosts = cfg->max_hosts ? cfg->max_hosts : 65536;
    m->seed = sl_mon_hash_seed();
    m->host_slots = 16;
    while (m->host_slots < m->max_hosts * 2)
        m->host_slots <<= 1;
    m->hosts = calloc(m->max_hosts, sizeof *m->hosts);
    m->slots = calloc(m->host_slots, sizeof *m->slots);
    m->flows = sl_flow_table_new(cfg->flow_sets ? cfg->flow_sets : 65536);
    m->reasm = sl_reasm_new();
    if (m->hosts == NULL || m->slots == NULL || m->flows == NULL || m->reasm == NULL) {
        sl_monitor_free(m);
        return sl_err_set(err, "out of memory for the station and flow tables");
    }
    *out = m;
    return 0;
}

void sl_monitor_free(struct sl_monitor *m)
{
    if (m == NULL)
        return;
    if (m->hosts != NULL) {
        for (size_t i = 0; i < m->n_hosts; i++) {
            struct sl_station *h = &m->hosts[i];
            if (h->acc != NULL && m->cfg.identify != NULL && m->cfg.identify->acc_free != NULL)
                m->cfg.identify->acc_free(h->acc);
            free(h->claim);
            free(h->verdict);
        }
    }
    free(m->hosts);
    free(m->slots);
    sl_reasm_free(m->reasm);
    sl_flow_table_free(m->flows);
    free(m);
}

/* Summaries every summary_interval seconds of capture time. */
static void tick(struct sl_monitor *m, int64_t ts_sec)
{
    if (m->cfg.summary_interval <= 0)
        return;
    if (m->next_summary == 0) {
        m->next_summary = ts_sec + m->cfg.summary_interval;
    } else if (ts_sec >= m->next_summary) {
        sl_monitor_flush(m);
        m->next_summary = ts_sec + m->cfg.summary_interval;
    }
}

/* The sending station (learnt, and evaluated when new), or NULL. */
static struct sl_station *sender(struct sl_monitor *m, const struct sl_pkt *p, int64_t ts_sec)
{
    bool ip = p->l3 == SL_L3_IPV4 || p->l3 == SL_L3_IPV6;
    const uint8_t *smac = p->l3 == SL_L3_ARP ? p->arp_sha : p->src_mac;
    struct sl_station *h = NULL;
    bool created = false;
    static const uint8_t zero_mac[6];
    /* No link address (raw IP links) or an all-zero one (loopback): the IP
     * address is the station. */
    bool no_mac = !p->has_mac || memcmp(smac, zero_mac, 6) == 0;
    if (p->has_mac && usable_mac(smac))
        h = sl_mon_station_find(m, true, smac, NULL, true, &created);
    else if (no_mac && ip && usable_ip(&p->src))
        h = sl_mon_station_find(m, false, NULL, &p->src, true, &created);
    if (h == NULL)
        return NULL;
    if (h->last_seen != ts_sec) {
        h->last_seen = ts_sec;
        h->dirty = true;
    }
    if ((ip || p->l3 == SL_L3_ARP) && usable_ip(&p->src) &&
        (h->n_addrs == 0 || memcmp(h->addrs[h->n_addrs - 1].b, p->src.b, 16) != 0))
        sl_mon_station_add_addr(h, &p->src);
    if (created) {
        if (h->has_mac) {
            char mac[18];
            sl_mac_format(h->mac, mac);
            give_evidence(m, h, SL_PROTO_MAC, 0, (const uint8_t *)mac, 17, "passive");
        }
        evaluate(m, h, p, NULL, h->has_mac ? "mac" : "ip");
    }
    return h;
}

/* An IPv4 fragment: false until its datagram is whole (then p has its L4). */
static bool reassemble(struct sl_monitor *m, struct sl_pkt *p, int64_t ts_sec)
{
    const uint8_t *dgram;
    size_t dlen;
    int k = sl_reasm_add(m->reasm, p, ts_sec, &dgram, &dlen);
    if (k < 0)
        note_error(m, "ipv4.bad_fragment");
    if (k != 1)
        return false;
    m->st.reassembled++;
    p->fragment = p->frag_more = false;
    sl_decode_l4(p, dgram, dlen);
    if (p->error != NULL)
        note_error(m, p->error);
    return true;
}

static void on_udp(struct sl_monitor *m, struct sl_station *h, const struct sl_pkt *p)
{
    if (p->sport == 53 || p->dport == 53) {
        on_dns(m, h, p, p->payload, p->payload_len);
        return;
    }
    if ((p->sport == 68 && p->dport == 67) || (p->sport == 67 && p->dport == 68)) {
        on_dhcp(m, p);
        return;
    }
    if (h == NULL)
        return;
    struct sl_disc d;
    if (sl_disc_udp(p->sport, p->dport, p->payload, p->payload_len, &d) != SL_DISC_NONE) {
        on_announcement(m, h, p, &d);
        return;
    }
    check_cloud_ip(m, h, p);
}

/* A TCP segment: a new flow may go to a cloud address; the first payload of
 * each direction is looked at. */
static void on_tcp(struct sl_monitor *m, struct sl_station *h, const struct sl_pkt *p,
                   int64_t ts_sec)
{
    bool fcreated, a2b;
    struct sl_flow *f = sl_flow_get(m->flows, &p->src, p->sport, &p->dst, p->dport, ts_sec,
                                    &fcreated, &a2b);
    if (fcreated && !(p->tcp_flags & SL_TCP_RST))
        check_cloud_ip(m, h, p);
    if (p->payload_len == 0)
        return;
    uint8_t bit = a2b ? SL_FLOW_A2B_PAYLOAD : SL_FLOW_B2A_PAYLOAD;
    if (f->seen & bit)
        return;
    f->seen |= bit;
    on_tcp_payload(m, h, p);
}

void sl_monitor_packet(struct sl_monitor *m, enum sl_link link, int64_t ts_sec, int32_t ts_usec,
                       const uint8_t *frame, size_t caplen, size_t wirelen)
{
    m->now_sec = ts_sec;
    m->now_usec = ts_usec;
    m->st.packets++;
    m->st.bytes += wirelen;
    tick(m, ts_sec);
    struct sl_pkt p;
    int rc = sl_decode(link, frame, caplen, &p);
    if (p.truncated || caplen < wirelen)
        m->st.truncated++;
    if (p.error != NULL)
        note_error(m, p.error);
    if (rc != 0)
        return;
    struct sl_station *h = sender(m, &p, ts_sec);
    if (p.l3 == SL_L3_SADP2) {
        struct sl_disc d;
        if (h != NULL && sl_disc_sadp_l2(p.payload, p.payload_len, &d) != SL_DISC_NONE)
            on_announcement(m, h, &p, &d);
        return;
    }
    if (p.l3 == SL_L3_IPV4 && (p.fragment || p.frag_more) && !reassemble(m, &p, ts_sec))
        return;
    if (!p.has_l4 || p.error != NULL)
        return;
    if (p.ip_proto == 17)
        on_udp(m, h, &p);
    else if (p.ip_proto == 6 && h != NULL)
        on_tcp(m, h, &p, ts_sec);
}

void sl_monitor_flush(struct sl_monitor *m)
{
    sl_alerts_summarise(m->cfg.alerts, m->now_sec, m->now_usec);
    struct sl_store *s = m->cfg.store;
    if (s == NULL)
        return;
    struct sl_err err;
    if (sl_store_begin(s, &err) != 0) {
        m->st.register_errors++;
        fprintf(stderr, "sightline monitor: register: %s\n", err.msg);
        return;
    }
    for (size_t i = 0; i < m->n_hosts; i++) {
        struct sl_station *h = &m->hosts[i];
        if (!h->dirty || !h->has_mac)
            continue;
        char mac[18], addr[SL_ADDR_STRLEN], first[SL_ISO_LEN], last[SL_ISO_LEN];
        sl_mac_format(h->mac, mac);
        sl_time_iso(h->first_seen, first);
        sl_time_iso(h->last_seen, last);
        for (unsigned k = 0; k < h->n_addrs; k++) {
            sl_addr_format(&h->addrs[k], addr);
            if (sl_store_sighting_upsert(s, mac, addr, h->device_id, first, last, &err) != 0) {
                m->st.register_errors++;
                fprintf(stderr, "sightline monitor: register: %s\n", err.msg);
                sl_store_rollback(s);
                return;
            }
        }
        h->dirty = false;
    }
    if (sl_store_commit(s, &err) != 0) {
        m->st.register_errors++;
        fprintf(stderr, "sightline monitor: register: %s\n", err.msg);
    }
}

void sl_monitor_last_time(const struct sl_monitor *m, int64_t *sec, int32_t *usec)
{
    *sec = m->now_sec;
    *usec = m->now_usec;
}

void sl_monitor_get_stats(const struct sl_monitor *m, struct sl_mon_stats *out)
{
    *out = m->st;
    out->flows_evicted = sl_flow_evictions(m->flows);
    out->reasm_dropped = sl_reasm_dropped(m->reasm);
}
