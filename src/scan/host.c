/* host.c - hosts in flight (engine.h): the address table, their evidence, the
 * start of their probes and their end (recorded when they answered, then
 * freed). Opens no socket itself. */
#include <stdlib.h>
#include <string.h>

#include "scan/engine.h"
#include "util/fnv.h"
#include "util/str.h"
#include "util/timeutil.h"

void sl_host_add_evidence(struct sl_host *h, enum sl_proto proto, enum sl_outcome outcome,
                          uint16_t port, const char *request, const char *path,
                          const void *data, size_t len, const char *detail)
{
    if (h->n_ev >= SL_SCAN_HOST_MAX_EV)
        return;
    if (len > SL_SCAN_MAX_RAW)
        len = SL_SCAN_MAX_RAW;
    if (h->ev_bytes + len > SL_SCAN_HOST_EVIDENCE) {
        len = h->ev_bytes < SL_SCAN_HOST_EVIDENCE ? SL_SCAN_HOST_EVIDENCE - h->ev_bytes : 0;
        if (outcome == SL_OUTCOME_OK) {
            outcome = SL_OUTCOME_TOO_LARGE;
            detail = "evidence of this host passed its bound";
        }
    }
    struct sl_ev_item *it = calloc(1, sizeof *it + len + 1);
    if (it == NULL)
        return;
    if (len > 0)
        memcpy(it->data, data, len);
    sl_strlcpy(it->request, request != NULL ? request : "", sizeof it->request);
    sl_strlcpy(it->path, path != NULL ? path : "", sizeof it->path);
    sl_strlcpy(it->detail, detail != NULL ? detail : "", sizeof it->detail);
    it->ev.proto = proto;
    it->ev.outcome = outcome;
    it->ev.port = port;
    it->ev.path = path != NULL ? it->path : NULL;
    it->ev.request = it->request;
    it->ev.data = it->data;
    it->ev.len = len;
    it->ev.detail = detail != NULL ? it->detail : NULL;
    it->ev.observed_at = sl_now();
    if (h->ev_tail != NULL)
        h->ev_tail->next = it;
    else
        h->ev_head = it;
    h->ev_tail = it;
    h->ev_bytes += len;
    h->n_ev++;
}

static void host_free_evidence(struct sl_host *h)
{
    for (struct sl_ev_item *it = h->ev_head, *nx; it != NULL; it = nx) {
        nx = it->next;
        free(it);
    }
    h->ev_head = h->ev_tail = NULL;
    h->n_ev = 0;
    h->ev_bytes = 0;
}

static void note_evidence(struct engine *e, struct sl_host *h, const struct sl_ev_item *it)
{
    e->sum->stats.evidence++;
    if (it->ev.outcome != SL_OUTCOME_OK)
        e->sum->stats.failures++;
    if (e->cb->on_evidence != NULL) {
        pthread_mutex_lock(&e->sh->mu);
        e->cb->on_evidence(h->addr_s, &it->ev, e->cb->ctx);
        pthread_mutex_unlock(&e->sh->mu);
    }
}

void sl_eng_add_ev(struct engine *e, struct sl_host *h, enum sl_proto proto,
                   enum sl_outcome outcome, uint16_t port, const char *request, const char *path,
                   const void *data, size_t len, const char *detail)
{
    struct sl_ev_item *before = h->ev_tail;
    sl_host_add_evidence(h, proto, outcome, port, request, path, data, len, detail);
    h->up = true;
    if (h->ev_tail != before)
        note_evidence(e, h, h->ev_tail);
}

static unsigned addr_hash(const struct sl_addr *a)
{
    return (unsigned)(sl_fnv1a64(a->b, 16) & ((1u << SL_ENG_HASH_BITS) - 1));
}

struct sl_host *sl_eng_host_find(struct engine *e, const struct sl_addr *a)
{
    for (struct sl_host *h = e->htab[addr_hash(a)]; h != NULL; h = h->hnext)
        if (memcmp(h->addr.b, a->b, 16) == 0)
            return h;
    return NULL;
}

static void host_unhash(struct engine *e, struct sl_host *h)
{
    for (struct sl_host **pp = &e->htab[addr_hash(&h->addr)]; *pp != NULL; pp = &(*pp)->hnext)
        if (*pp == h) {
            *pp = h->hnext;
            return;
        }
}

struct sl_host *sl_eng_host_new(struct engine *e, const struct sl_addr *a, uint64_t pos)
{
    struct sl_host *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    h->addr = *a;
    sl_addr_format(a, h->addr_s);
    h->pos = pos;
    unsigned b = addr_hash(a);
    h->hnext = e->htab[b];
    e->htab[b] = h;
    h->next = e->hosts;
    if (e->hosts != NULL)
        e->hosts->prev = h;
    e->hosts = h;
    e->inflight++;
    return h;
}

void sl_eng_host_free(struct engine *e, struct sl_host *h)
{
    host_unhash(e, h);
    sl_eng_udp_queue_remove(e, h);
    if (h->prev != NULL)
        h->prev->next = h->next;
    else
        e->hosts = h->next;
    if (h->next != NULL)
        h->next->prev = h->prev;
    e->inflight--;
    host_free_evidence(h);
    free(h);
}

/* The addresses of the last hosts recorded as up, so that a late reply does not
 * probe and report a device twice (bounded: a ring, not a visited-set). */
bool sl_eng_recently_up(const struct engine *e, const struct sl_addr *a)
{
    for (unsigned i = 0; i < e->n_up_ring && i < SL_ENG_UP_RING; i++)
        if (memcmp(e->up_ring[i].b, a->b, 16) == 0)
            return true;
    return false;
}

static void remember_up(struct engine *e, const struct sl_addr *a)
{
    e->up_ring[e->n_up_ring++ % SL_ENG_UP_RING] = *a;
}

static void slot_enqueue(struct engine *e, struct sl_host *h)
{
    if (h->in_slot_wait)
        return;
    h->in_slot_wait = true;
    h->qnext = NULL;
    if (e->slot_tail != NULL)
        e->slot_tail->qnext = h;
    else
        e->slot_head = h;
    e->slot_tail = h;
}

void sl_eng_host_start_ports(struct engine *e, struct sl_host *h)
{
    while (h->next_port < e->o->n_ports && e->open_conns < e->concurrency)
        sl_eng_conn_start(e, h, h->next_port++);
    if (h->next_port < e->o->n_ports)
        slot_enqueue(e, h);
}

void sl_eng_host_start(struct engine *e, struct sl_host *h)
{
    if (e->o->udp_discovery) {
        sl_eng_udp_send_host(e, h);
        h->udp_pending = true;
        h->udp_tries = 1;
        h->udp_next_ms = sl_eng_now_ms(e) + e->udp_interval_ms;
        sl_eng_udp_queue_push(e, h);
    }
    sl_eng_host_start_ports(e, h);
    sl_eng_host_check_done(e, h);
}

void sl_eng_host_check_done(struct engine *e, struct sl_host *h)
{
    if (h->conns > 0 || h->next_port < e->o->n_ports || h->udp_pending || h->in_slot_wait)
        return;
    if (e->stopping)
        return; /* dropped at the end: a half-probed host is not a result */
    if (!h->late)
        e->sum->stats.hosts_done++;
    if (h->up) {
        e->sum->stats.hosts_up++;
        remember_up(e, &h->addr);
        char mac[18];
        if (sl_neigh_lookup(e->neigh, &h->addr, sl_eng_now_ms(e), mac))
            sl_eng_add_ev(e, h, SL_PROTO_MAC, SL_OUTCOME_OK, 0, "neighbour table", NULL, mac, 17, NULL);
        if (!atomic_load(&e->sh->failed)) {
            pthread_mutex_lock(&e->sh->mu);
            if (sl_recorder_host(e->sh->rec, h, &e->sh->err) != 0)
                atomic_store(&e->sh->failed, 1);
            pthread_mutex_unlock(&e->sh->mu);
        }
    }
    sl_eng_host_free(e, h);
}
