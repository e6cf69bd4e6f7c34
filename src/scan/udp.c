/* udp.c - UDP discovery (engine.h): WS-Discovery, SSDP, SADP and DHDiscover
 * datagrams to each target with retries in its window, replies matched to
 * their probe by its keyed id, late replies and the multicast phase. */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "scan/engine.h"
#include "util/str.h"

#define UDP_DRAIN_MAX 4096 /* datagrams read per wake-up of a UDP socket */

void sl_eng_udp_queue_push(struct engine *e, struct sl_host *h)
{
    h->unext = NULL;
    h->uprev = e->udp_tail;
    if (e->udp_tail != NULL)
        e->udp_tail->unext = h;
    else
        e->udp_head = h;
    e->udp_tail = h;
    h->in_udp_queue = true;
}

void sl_eng_udp_queue_remove(struct engine *e, struct sl_host *h)
{
    if (!h->in_udp_queue)
        return;
    if (h->uprev != NULL)
        h->uprev->unext = h->unext;
    else
        e->udp_head = h->unext;
    if (h->unext != NULL)
        h->unext->uprev = h->uprev;
    else
        e->udp_tail = h->uprev;
    h->unext = h->uprev = NULL;
    h->in_udp_queue = false;
}

/* Sends one discovery datagram of kind k to `to` (a target or a multicast group). */
static void udp_send(struct engine *e, const struct sl_addr *to, enum sl_udp_kind k)
{
    uv_udp_t *u = to->v4 ? (e->have_udp4 ? &e->udp4 : NULL) : (e->have_udp6 ? &e->udp6 : NULL);
    if (u == NULL)
        return;
    char uuid[37], host[SL_ADDR_STRLEN];
    sl_probe_uuid(e->key, to, k, uuid);
    sl_addr_format(to, host);
    struct sl_buf b;
    sl_buf_init(&b, 4096);
    if (sl_req_udp(&b, k, uuid, host) == 0) {
        struct sockaddr_storage ss;
        sl_addr_to_sockaddr(to, sl_udp_port(k), &ss);
        uv_buf_t ub = uv_buf_init((char *)b.data, (unsigned)b.len);
        uv_udp_try_send(u, &ub, 1, (const struct sockaddr *)&ss);
        e->sum->stats.probes_sent++;
    }
    sl_buf_free(&b);
}

void sl_eng_udp_send_host(struct engine *e, struct sl_host *h)
{
    for (int k = 0; k < SL_UDP_COUNT; k++)
        if (h->udp_answers[k] == 0)
            udp_send(e, &h->addr, (enum sl_udp_kind)k);
}

static int udp_kind_of_port(uint16_t port)
{
    for (int k = 0; k < SL_UDP_COUNT; k++)
        if (sl_udp_port((enum sl_udp_kind)k) == port)
            return k;
    return -1;
}

static bool carries_id(struct engine *e, const struct sl_addr *from, enum sl_udp_kind k,
                       const uint8_t *data, size_t n, bool multicast)
{
    char uuid[37];
    struct sl_addr group;
    if (multicast) {
        sl_addr_parse(k == SL_UDP_DHDISCOVER ? "239.255.255.251" : "239.255.255.250", &group);
        from = &group;
    }
    sl_probe_uuid(e->key, from, k, uuid);
    return sl_memcasemem((const char *)data, n, uuid) != NULL;
}

static enum sl_proto udp_proto(enum sl_udp_kind k)
{
    switch (k) {
    case SL_UDP_WSD: return SL_PROTO_WSD;
    case SL_UDP_SSDP: return SL_PROTO_SSDP;
    case SL_UDP_SADP: return SL_PROTO_SADP;
    default: return SL_PROTO_DHDISCOVER;
    }
}

/* A host for a discovery reply that came late: only for a target of this engine's
 * shard, proven by its probe id (WS-Discovery, SADP), not excluded, not recorded
 * already. It is then probed like any host, without sending UDP again. */
static struct sl_host *late_responder(struct engine *e, const struct sl_addr *from, bool proven)
{
    uint64_t pos;
    if (!proven || e->stopping || e->inflight >= e->max_hosts ||
        !sl_targets_contains(e->o->targets, from) || !sl_walk_position_of(&e->walk, from, &pos) ||
        pos % e->walk.step != e->index || pos >= e->walk.pos || sl_eng_recently_up(e, from))
        return NULL;
    struct sl_host *h = sl_eng_host_new(e, from, pos);
    if (h == NULL)
        return NULL;
    h->late = true; /* already counted done (without an answer) */
    e->sum->stats.late_replies++;
    sl_eng_host_start_ports(e, h);
    return h;
}

static void on_udp_alloc(uv_handle_t *hd, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    struct engine *e = hd->data;
    *buf = uv_buf_init((char *)e->ubuf, sizeof e->ubuf);
}

/* One discovery datagram, from libuv or from udp_drain. */
static void udp_datagram(struct engine *e, const uint8_t *data, size_t len,
                         const struct sockaddr *sa, bool trunc)
{
    struct sl_addr from;
    uint16_t port;
    if (sl_addr_from_sockaddr(sa, &from, &port) != 0)
        return;
    int k = udp_kind_of_port(port);
    struct sl_host *h = sl_eng_host_find(e, &from);
    if (k < 0) {
        e->sum->stats.udp_unmatched++;
        return;
    }
    bool has_id = carries_id(e, &from, (enum sl_udp_kind)k, data, len, e->mc_phase);
    bool needs_id = k == SL_UDP_WSD || k == SL_UDP_SADP;
    if (h == NULL && !e->mc_phase) {
        /* A reply that came after its host's window: the keyed id proves it answers
         * our probe of that target, so no state was needed to keep it. A host
         * recorded already is not probed twice. */
        h = late_responder(e, &from, needs_id && has_id);
        if (h == NULL) {
            e->sum->stats.udp_unmatched++;
            return;
        }
    }
    if (e->mc_phase) {
        /* A multicast reply must prove it answers our probe: it has no target to match. */
        if (needs_id && !has_id) {
            e->sum->stats.udp_unmatched++;
            return;
        }
        if (h == NULL) {
            if (e->inflight >= SL_ENG_MULTICAST_MAX || sl_targets_is_excluded(e->o->targets, &from))
                return;
            h = sl_eng_host_new(e, &from, UINT64_MAX);
            if (h == NULL)
                return;
        }
    }
    if (h->udp_answers[k] >= SL_SCAN_UDP_PER_KIND)
        return;
    /* A retransmitted probe gets the same answer again: keep it once. */
    for (const struct sl_ev_item *it = h->ev_head; it != NULL; it = it->next)
        if (it->ev.proto == udp_proto((enum sl_udp_kind)k) && it->ev.len == len &&
            memcmp(it->data, data, len) == 0)
            return;
    h->udp_answers[k]++;
    const char *detail = trunc ? "datagram longer than our buffer; cut"
                         : needs_id && !has_id ? "reply does not echo our probe id"
                                               : NULL;
    sl_eng_add_ev(e, h, udp_proto((enum sl_udp_kind)k), trunc ? SL_OUTCOME_TOO_LARGE : SL_OUTCOME_OK,
           port, e->mc_phase ? "multicast probe" : "probe", NULL, data, len, detail);
    if (h->late) {
        sl_eng_host_check_done(e, h); /* a UDP-only scan starts no connection for it */
        return;
    }
    if (!e->mc_phase && h->udp_pending) {
        bool all = true;
        for (int i = 0; i < SL_UDP_COUNT; i++)
            all = all && h->udp_answers[i] > 0;
        if (all) {
            h->udp_pending = false;
            sl_eng_udp_queue_remove(e, h);
            sl_eng_host_check_done(e, h);
        }
    }
}

/* libuv reads at most 32 datagrams a wake-up. While this loop is busy (TLS
 * handshakes of thousands of hosts), discovery replies then wait in the socket
 * for seconds and miss their hosts' windows: read what is waiting, bounded. */
static void udp_drain(struct engine *e, uv_udp_t *u)
{
    uv_os_fd_t fd;
    if (uv_fileno((uv_handle_t *)u, &fd) != 0)
        return;
    for (unsigned i = 0; i < UDP_DRAIN_MAX && !e->stopping; i++) {
        struct sockaddr_storage ss;
        struct iovec iov = {e->ubuf, sizeof e->ubuf};
        struct msghdr mh = {.msg_name = &ss, .msg_namelen = sizeof ss, .msg_iov = &iov,
                            .msg_iovlen = 1};
        ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
        if (n <= 0)
            return; /* nothing waiting (or an error libuv's own read will see) */
        udp_datagram(e, e->ubuf, (size_t)n, (const struct sockaddr *)&ss,
                     (mh.msg_flags & MSG_TRUNC) != 0);
    }
}

static void on_udp(uv_udp_t *u, ssize_t n, const uv_buf_t *buf, const struct sockaddr *sa,
                   unsigned flags)
{
    struct engine *e = u->data;
    if (n <= 0 || sa == NULL || e->stopping)
        return;
    udp_datagram(e, (const uint8_t *)buf->base, (size_t)n, sa, (flags & UV_UDP_PARTIAL) != 0);
    udp_drain(e, u);
}

static int open_udp(struct engine *e, uv_udp_t *u, bool v6, struct sl_err *err)
{
    struct sockaddr_storage ss;
    struct sl_addr any;
    sl_addr_parse(v6 ? "::" : "0.0.0.0", &any);
    sl_addr_to_sockaddr(&any, 0, &ss);
    if (uv_udp_init(&e->loop, u) != 0)
        return sl_err_set(err, "cannot create a UDP socket");
    u->data = e;
    int rc = uv_udp_bind(u, (const struct sockaddr *)&ss, v6 ? UV_UDP_IPV6ONLY : 0);
    if (rc == 0)
        rc = uv_udp_recv_start(u, on_udp_alloc, on_udp);
    if (rc != 0) {
        uv_close((uv_handle_t *)u, NULL);
        return sl_err_set(err, "cannot open a UDP socket: %s", uv_strerror(rc));
    }
    /* A burst of discovery replies must not overflow the socket: ask for 8 MiB,
     * past rmem_max when we may (root), else what the system allows. */
    uv_os_fd_t fd;
    int size = 8 * 1024 * 1024;
    if (uv_fileno((uv_handle_t *)u, &fd) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
        uv_recv_buffer_size((uv_handle_t *)u, &size);
    return 0;
}

static int iface_ipv4(const char *iface, char out[SL_ADDR_STRLEN], struct sl_err *err)
{
    struct ifaddrs *ifa = NULL;
    if (getifaddrs(&ifa) != 0)
        return sl_err_set(err, "cannot list interfaces: %s", strerror(errno));
    int rc = sl_err_set(err, "interface '%s' has no IPv4 address (or does not exist)", iface);
    for (struct ifaddrs *i = ifa; i != NULL; i = i->ifa_next) {
        if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET || strcmp(i->ifa_name, iface))
            continue;
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)i->ifa_addr;
        inet_ntop(AF_INET, &sin->sin_addr, out, SL_ADDR_STRLEN);
        rc = 0;
        break;
    }
    freeifaddrs(ifa);
    return rc;
}

static void mc_send_all(struct engine *e)
{
    struct sl_addr g1, g2;
    sl_addr_parse("239.255.255.250", &g1);
    sl_addr_parse("239.255.255.251", &g2);
    udp_send(e, &g1, SL_UDP_WSD);
    udp_send(e, &g1, SL_UDP_SSDP);
    udp_send(e, &g1, SL_UDP_SADP);
    udp_send(e, &g2, SL_UDP_DHDISCOVER);
}

static int cmp_addr(const void *a, const void *b)
{
    return memcmp(((const struct sl_addr *)a)->b, ((const struct sl_addr *)b)->b, 16);
}

bool sl_eng_is_mc_responder(struct engine *e, const struct sl_addr *a)
{
    return e->n_mc > 0 && bsearch(a, e->mc_addrs, e->n_mc, sizeof *e->mc_addrs, cmp_addr) != NULL;
}

static void on_mc_timer(uv_timer_t *t)
{
    struct engine *e = t->data;
    if (e->stopping)
        return;
    if (e->mc_tries < e->o->retries + 1) {
        e->mc_tries++;
        mc_send_all(e);
        return;
    }
    uv_timer_stop(t);
    e->mc_phase = false;
    /* Probe every responder like any target, with its multicast evidence kept;
     * the walk skips them later. */
    unsigned n = 0;
    for (struct sl_host *h = e->hosts; h != NULL && n < SL_ENG_MULTICAST_MAX; h = h->next) {
        e->mc_addrs[n++] = h->addr;
        uint64_t idx;
        if (!sl_targets_index_of(e->o->targets, &h->addr, &idx))
            e->sum->stats.hosts_total++;
    }
    e->n_mc = n;
    qsort(e->mc_addrs, n, sizeof *e->mc_addrs, cmp_addr);
    struct sl_host **list = calloc(n + 1, sizeof *list);
    unsigned k = 0;
    for (struct sl_host *h = e->hosts; list != NULL && h != NULL && k < n; h = h->next)
        list[k++] = h;
    for (unsigned i = 0; i < k; i++)
        sl_eng_host_start(e, list[i]);
    free(list);
    sl_eng_pump(e);
}

int sl_eng_udp_setup(struct engine *e, struct sl_err *err)
{
    const struct sl_scan_opts *o = e->o;
    bool multicast = o->multicast_iface != NULL && e->index == 0;
    bool need_udp = o->udp_discovery || multicast;
    if (need_udp && (sl_targets_has_v4(o->targets) || o->multicast_iface != NULL)) {
        if (open_udp(e, &e->udp4, false, err) != 0)
            return -1;
        e->have_udp4 = true;
    }
    if (need_udp && sl_targets_has_v6(o->targets)) {
        if (open_udp(e, &e->udp6, true, err) != 0)
            return -1;
        e->have_udp6 = true;
    }
    if (!multicast)
        return 0;
    char ifaddr[SL_ADDR_STRLEN];
    if (iface_ipv4(o->multicast_iface, ifaddr, err) != 0)
        return -1;
    uv_udp_set_multicast_ttl(&e->udp4, 1);
    uv_udp_set_multicast_loop(&e->udp4, 0);
    int mrc = uv_udp_set_multicast_interface(&e->udp4, ifaddr);
    if (mrc != 0)
        return sl_err_set(err, "cannot send multicast on %s: %s", o->multicast_iface,
                          uv_strerror(mrc));
    e->mc_phase = true;
    return 0;
}

void sl_eng_mc_start(struct engine *e)
{
    e->mc_tries = 1;
    mc_send_all(e);
    uv_timer_start(&e->mc_timer, on_mc_timer, e->udp_interval_ms, e->udp_interval_ms);
}
