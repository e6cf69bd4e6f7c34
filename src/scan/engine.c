/* engine.c - the libuv half of the scanner: admission, connections, the
 * conversation on each port, UDP discovery (scan.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <pthread.h>
#include <stdatomic.h>

#include "net/neigh.h"
#include "net/ratelimit.h"
#include "net/tls.h"
#include "proto/http.h"
#include "scan/internal.h"
#include "util/str.h"
#include "util/timeutil.h"

#define HASH_BITS 16
#define PUMP_MS 1
#define BANNER_WAIT_MS 150u /* how long a banner port may stay silent before we speak */
#define QUIET_MS 80u        /* after a binary answer, how long to wait for more */
#define MAX_STEPS 8
#define MULTICAST_MAX 4096
#define UP_RING 4096
#define UDP_DRAIN_MAX 4096 /* datagrams read per wake-up of a UDP socket */

enum conn_state {
    CS_CONNECTING = 0,
    CS_TLS,        /* handshake */
    CS_READING,    /* a request is out, reading its response */
    CS_BANNER,     /* waiting for the device to speak first */
    CS_RAW,        /* binary answer being collected */
    CS_DONE,
};

struct step {
    const char *method; /* "GET", "POST", "OPTIONS", "DESCRIBE" */
    const char *path;
    int what;           /* STEP_* */
};

enum { STEP_HTTP = 0, STEP_ONVIF_DATE, STEP_ONVIF_INFO, STEP_RTSP, STEP_GET_FALLBACK };

struct engine;

struct conn {
    uv_tcp_t tcp;
    uv_timer_t deadline;
    uv_timer_t aux;              /* banner wait / quiet period */
    struct engine *e;
    struct sl_host *h;
    uint16_t port;
    enum sl_port_kind kind;
    enum conn_state state;
    int handles;                 /* open libuv handles */
    bool connected, tcp_closing, reconnect, aux_on, ever_connected, cert_taken;
    unsigned step, n_steps, reconnects;
    struct step steps[MAX_STEPS];
    struct sl_tls *tls;
    struct sl_tls_session *sess; /* resumed on reconnects of this probe */
    struct sl_buf raw;           /* plaintext answer to the current request */
    struct sl_http http;
    uint64_t started_ms;
    uint64_t connect_us;         /* when the current connect started (uv_hrtime / 1000) */
};

#define MAX_ENGINES 16

/* What the engines of one scan share; everything in it is used under mu. */
struct shared {
    pthread_mutex_t mu;
    struct sl_recorder *rec;
    struct sl_scan_summary *sum;   /* the caller's: the recorder counts devices into it */
    struct sl_err err;             /* the first register failure */
    atomic_int failed;             /* set: every engine stops */
    unsigned n;
    uint64_t hosts_total;          /* targets less exclusions */
    struct sl_scan_stats pub[MAX_ENGINES]; /* each engine's counters, as last published */
    uint64_t t0_ms;
};

struct engine {
    uv_loop_t loop;
    struct shared *sh;
    unsigned index;
    struct sl_scan_summary local;  /* this engine's counters (sum points here) */
    const struct sl_scan_opts *o;
    const struct sl_scan_callbacks *cb;
    struct sl_scan_summary *sum;
    bool loop_ok;                /* the loop was initialised */
    struct sl_addr *up_ring;     /* UP_RING addresses of hosts recorded up */
    unsigned n_up_ring;
    bool stopped;                /* stopped early (signal or a failure) */
    struct sl_walk walk;
    bool walk_done, stopping;
    struct sl_rate rate;
    unsigned per_host, concurrency, timeout_ms, max_hosts;
    double srtt_ms, rttvar_ms;   /* connect round trips, smoothed (RFC 6298 style) */
    unsigned rtt_samples;
    unsigned open_conns, inflight;
    struct sl_host *hosts;       /* in-flight list */
    struct sl_host *htab[1u << HASH_BITS];
    struct sl_host *slot_head, *slot_tail;   /* hosts waiting for a connection slot */
    struct sl_host *udp_head, *udp_tail;     /* hosts with an open UDP window */
    uv_timer_t pump, progress;
    uv_udp_t udp4, udp6;
    bool have_udp4, have_udp6;
    uint8_t key[16];
    unsigned udp_window_ms, udp_interval_ms;
    struct sl_tls_ctx *tls;
    struct sl_neigh *neigh;
    uint64_t t0;
    uint8_t rbuf[64 * 1024];
    uint8_t ubuf[SL_SCAN_UDP_MAX];
    /* multicast discovery: responders and their evidence, scanned first */
    struct sl_host *mc_hosts;    /* detached host records holding evidence */
    unsigned n_mc;
    bool mc_phase;
    uv_timer_t mc_timer;
    unsigned mc_tries;
    struct sl_addr mc_addrs[MULTICAST_MAX];
};

static uint64_t now_ms(struct engine *e) { return uv_now(&e->loop); }

/* ---- evidence ------------------------------------------------------------------- */

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

static void add_ev(struct engine *e, struct sl_host *h, enum sl_proto proto,
                   enum sl_outcome outcome, uint16_t port, const char *request, const char *path,
                   const void *data, size_t len, const char *detail)
{
    struct sl_ev_item *before = h->ev_tail;
    sl_host_add_evidence(h, proto, outcome, port, request, path, data, len, detail);
    h->up = true;
    if (h->ev_tail != before)
        note_evidence(e, h, h->ev_tail);
}

/* ---- host table ------------------------------------------------------------------- */

static unsigned addr_hash(const struct sl_addr *a)
{
    uint32_t x = 2166136261u;
    for (int i = 0; i < 16; i++)
        x = (x ^ a->b[i]) * 16777619u;
    return x & ((1u << HASH_BITS) - 1);
}

static struct sl_host *host_find(struct engine *e, const struct sl_addr *a)
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

/* ---- forward declarations -------------------------------------------------------- */

static void pump(struct engine *e);
static void conn_start(struct engine *e, struct sl_host *h, unsigned port_index);
static void host_check_done(struct engine *e, struct sl_host *h);
static void conn_finish(struct conn *c);
static void conn_send_step(struct conn *c);
static void on_aux(uv_timer_t *t);
static void on_deadline(uv_timer_t *t);
static bool is_mc_responder(struct engine *e, const struct sl_addr *a);
static void remember_up(struct engine *e, const struct sl_addr *a);

/* ---- writing ---------------------------------------------------------------------- */

struct wreq {
    uv_write_t req;
    uv_buf_t buf;
    char data[];
};

static void on_write(uv_write_t *req, int status)
{
    (void)status; /* a failed write shows up as a read error or the deadline */
    free(req);
}

static void raw_write(struct conn *c, const void *data, size_t n)
{
    if (n == 0 || !c->connected || c->tcp_closing)
        return;
    struct wreq *w = malloc(sizeof *w + n);
    if (w == NULL)
        return;
    memcpy(w->data, data, n);
    w->buf = uv_buf_init(w->data, (unsigned)n);
    if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &w->buf, 1, on_write) != 0)
        free(w);
}

static void tls_flush(struct conn *c)
{
    struct sl_buf out;
    sl_buf_init(&out, (size_t)1 << 24);
    if (sl_tls_take_output(c->tls, &out) > 0)
        raw_write(c, out.data, out.len);
    sl_buf_free(&out);
}

static void conn_write(struct conn *c, const void *data, size_t n)
{
    if (c->tls != NULL) {
        if (sl_tls_write(c->tls, data, n) == 0)
            tls_flush(c);
    } else {
        raw_write(c, data, n);
    }
}

/* ---- closing ------------------------------------------------------------------------ */

static void on_handle_closed(uv_handle_t *hd)
{
    struct conn *c = hd->data;
    if (--c->handles > 0)
        return;
    struct engine *e = c->e;
    struct sl_host *h = c->h;
    sl_http_free(&c->http);
    sl_buf_free(&c->raw);
    sl_tls_free(c->tls);
    sl_tls_session_free(c->sess);
    free(c);
    e->open_conns--;
    h->conns--;
    host_check_done(e, h);
    pump(e);
}

static void on_connect(uv_connect_t *req, int status);

/* How long a SYN may stay unanswered: fixed when the operator said so, else
 * adaptive - ten smoothed round trips plus four deviations, at least 500 ms, at
 * most the exchange timeout - so filtered ports cost little on a LAN and remote
 * sites still get their round trips. Until 8 connects have answered: 1 s. */
static unsigned connect_timeout(const struct engine *e)
{
    unsigned t = e->o->connect_timeout_ms;
    if (t == 0) {
        if (e->rtt_samples < 8) {
            t = 1000;
        } else {
            double v = 10.0 * e->srtt_ms + 4.0 * e->rttvar_ms;
            t = v < 500.0 ? 500u : v > 1e6 ? 1000000u : (unsigned)v;
        }
    }
    return t < e->timeout_ms ? t : e->timeout_ms;
}

static void rtt_sample(struct engine *e, double ms)
{
    if (e->rtt_samples++ == 0) {
        e->srtt_ms = ms;
        e->rttvar_ms = ms / 2;
        return;
    }
    double d = ms > e->srtt_ms ? ms - e->srtt_ms : e->srtt_ms - ms;
    e->rttvar_ms = 0.75 * e->rttvar_ms + 0.25 * d;
    e->srtt_ms = 0.875 * e->srtt_ms + 0.125 * ms;
}

static void start_connect(struct conn *c)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    if (c->h->addr.v4) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(c->port);
        memcpy(&sin->sin_addr, c->h->addr.b + 12, 4);
    } else {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(c->port);
        memcpy(&s6->sin6_addr, c->h->addr.b, 16);
    }
    uv_connect_t *req = malloc(sizeof *req);
    if (req == NULL) {
        conn_finish(c);
        return;
    }
    req->data = c;
    c->state = CS_CONNECTING;
    c->e->sum->stats.probes_sent++;
    c->connect_us = uv_hrtime() / 1000;
    uv_timer_start(&c->deadline, on_deadline, connect_timeout(c->e), 0);
    int rc = uv_tcp_connect(req, &c->tcp, (const struct sockaddr *)&ss, on_connect);
    if (rc != 0) {
        free(req);
        conn_finish(c);
    }
}

/* The TCP handle is closed; either reconnect (a server that closed between
 * requests) or let the last handle close finish the probe. */
static void on_tcp_closed(uv_handle_t *hd)
{
    struct conn *c = hd->data;
    if (c->reconnect && c->state != CS_DONE && !c->e->stopping) {
        c->reconnect = false;
        c->tcp_closing = false;
        c->connected = false;
        if (c->tls != NULL) {
            struct sl_tls_session *ns = sl_tls_session_take(c->tls);
            if (ns != NULL) {
                sl_tls_session_free(c->sess);
                c->sess = ns;
            }
        }
        sl_tls_free(c->tls);
        c->tls = NULL;
        if (uv_tcp_init(&c->e->loop, &c->tcp) == 0) {
            c->tcp.data = c;
            start_connect(c);
            return;
        }
        c->state = CS_DONE;
    }
    on_handle_closed(hd);
}

static void close_tcp(struct conn *c)
{
    if (c->tcp_closing)
        return;
    c->tcp_closing = true;
    if (c->connected)
        uv_read_stop((uv_stream_t *)&c->tcp);
    /* RST, not FIN: no TIME_WAIT pile-up on either side of a big scan. */
    if (!c->connected || uv_tcp_close_reset(&c->tcp, on_tcp_closed) != 0)
        uv_close((uv_handle_t *)&c->tcp, on_tcp_closed);
}

static void conn_finish(struct conn *c)
{
    if (c->state == CS_DONE && c->tcp_closing)
        return;
    c->state = CS_DONE;
    c->reconnect = false;
    uv_timer_stop(&c->deadline);
    uv_timer_stop(&c->aux);
    if (!uv_is_closing((uv_handle_t *)&c->deadline))
        uv_close((uv_handle_t *)&c->deadline, on_handle_closed);
    if (!uv_is_closing((uv_handle_t *)&c->aux))
        uv_close((uv_handle_t *)&c->aux, on_handle_closed);
    close_tcp(c);
}

static void conn_reconnect(struct conn *c)
{
    if (c->reconnects >= MAX_STEPS) {
        conn_finish(c);
        return;
    }
    c->reconnects++;
    c->reconnect = true;
    close_tcp(c);
}

/* ---- the conversation --------------------------------------------------------------- */

/* What we said before a binary answer: nothing (a greeting), the DVRIP hello, or
 * the GET / that a silent port got. */
static const char *raw_request_name(const struct conn *c)
{
    if (c->kind == SL_PK_DVRIP)
        return "dvrip hello";
    return c->n_steps > 0 && c->steps[0].what == STEP_GET_FALLBACK ? "GET" : "greeting";
}

static enum sl_proto step_proto(const struct conn *c)
{
    if (c->kind == SL_PK_RTSP)
        return SL_PROTO_RTSP;
    return SL_PROTO_HTTP;
}

static void step_request_name(const struct conn *c, char *out, size_t n)
{
    const struct step *s = &c->steps[c->step];
    switch (s->what) {
    case STEP_ONVIF_DATE: sl_strlcpy(out, "POST GetSystemDateAndTime", n); break;
    case STEP_ONVIF_INFO: sl_strlcpy(out, "POST GetDeviceInformation", n); break;
    default: snprintf(out, n, "%s", s->method); break;
    }
}

static bool looks_like_soap(const uint8_t *b, size_t n)
{
    size_t i = 0;
    while (i < n && (b[i] == ' ' || b[i] == '\r' || b[i] == '\n' || b[i] == '\t'))
        i++;
    return i < n && b[i] == '<' && sl_memcasemem((const char *)b + i, n - i, "Envelope") != NULL;
}

/* Records the answer to the current step. */
static void record_step(struct conn *c, enum sl_outcome outcome, const char *detail)
{
    const struct step *s = &c->steps[c->step];
    char req[64];
    step_request_name(c, req, sizeof req);
    enum sl_proto proto = step_proto(c);
    const uint8_t *data = c->raw.data;
    size_t len = c->raw.len;
    if ((s->what == STEP_ONVIF_DATE || s->what == STEP_ONVIF_INFO) && c->http.head_done) {
        size_t blen;
        const uint8_t *body = sl_http_body(&c->http, &blen);
        if (looks_like_soap(body, blen)) {
            proto = SL_PROTO_ONVIF;
            data = body;
            len = blen;
        }
    }
    if (s->what == STEP_GET_FALLBACK && !c->http.head_done)
        proto = SL_PROTO_TCP;
    add_ev(c->e, c->h, proto, outcome, c->port, req, s->path, data, len, detail);
}

static bool wants_close(const struct sl_http *h)
{
    const char *conn = sl_http_header(h, "Connection");
    if (conn != NULL && sl_str_eq_nocase(conn, "close"))
        return true;
    if (h->proto == SL_HTTP_PROTO_HTTP && h->version_major == 1 && h->version_minor == 0)
        return conn == NULL || !sl_str_eq_nocase(conn, "keep-alive");
    return h->until_close || h->truncated;
}

/* True when the host already answered HTTP in the clear on another port. */
static bool host_has_plain_http(const struct sl_host *h, uint16_t except_port)
{
    for (const struct sl_ev_item *it = h->ev_head; it != NULL; it = it->next)
        if (it->ev.proto == SL_PROTO_HTTP && it->ev.outcome == SL_OUTCOME_OK &&
            it->ev.port != except_port && it->ev.path != NULL && strcmp(it->ev.path, "/") == 0)
            return true;
    return false;
}

static void next_step(struct conn *c, bool must_reconnect)
{
    c->step++;
    if (c->step >= c->n_steps) {
        conn_finish(c);
        return;
    }
    /* Over TLS every further path can cost a handshake on both sides; when the
     * device's web UI already answered in the clear, the vendor endpoints were
     * (or are being) asked there. */
    if (c->kind == SL_PK_HTTPS && host_has_plain_http(c->h, c->port)) {
        conn_finish(c);
        return;
    }
    if (must_reconnect && c->kind == SL_PK_HTTPS && c->sess == NULL &&
        (c->tls == NULL || !sl_tls_session_resumable(c->tls))) {
        /* Another full TLS handshake per path costs the device (and us) more than
         * the path is worth: without a session to resume, stop here. */
        conn_finish(c);
        return;
    }
    /* Each exchange (connect, TLS, one request and its answer) has its own
     * deadline; a probe has at most MAX_STEPS of them. */
    uv_timer_start(&c->deadline, on_deadline, c->e->timeout_ms, 0);
    if (must_reconnect)
        conn_reconnect(c);
    else
        conn_send_step(c);
}

static void conn_send_step(struct conn *c)
{
    const struct step *s = &c->steps[c->step];
    struct sl_buf req;
    sl_buf_init(&req, 16 * 1024);
    char host[SL_ADDR_STRLEN];
    sl_strlcpy(host, c->h->addr_s, sizeof host);
    int rc = 0;
    switch (s->what) {
    case STEP_HTTP:
    case STEP_GET_FALLBACK: rc = sl_req_http_get(&req, host, c->port, s->path); break;
    case STEP_ONVIF_DATE: rc = sl_req_onvif_system_date(&req, host, c->port); break;
    case STEP_ONVIF_INFO: {
        const struct sl_cred *cr = sl_creds_for(c->e->o->creds, &c->h->addr);
        char created[SL_ISO_LEN];
        sl_time_iso(sl_now(), created);
        rc = cr != NULL ? sl_req_onvif_device_info(&req, host, c->port, cr->user, cr->password,
                                                   created)
                        : -1;
        break;
    }
    case STEP_RTSP: rc = sl_req_rtsp(&req, s->method, host, c->port, c->step + 1); break;
    default: rc = -1;
    }
    if (rc != 0) {
        sl_buf_free(&req);
        next_step(c, false);
        return;
    }
    sl_http_reset(&c->http);
    sl_buf_reset(&c->raw);
    c->state = CS_READING;
    conn_write(c, req.data, req.len);
    if (s->what == STEP_ONVIF_INFO)
        OPENSSL_cleanse(req.data, req.len);
    sl_buf_free(&req);
}

/* Plaintext from the device. */
static void on_plain(struct conn *c, const uint8_t *data, size_t n)
{
    if (c->state == CS_BANNER || c->state == CS_RAW) {
        bool was_banner = c->state == CS_BANNER;
        size_t took = sl_buf_append_upto(&c->raw, data, n);
        c->state = CS_RAW;
        if (took < n || c->raw.len >= 4096) {
            add_ev(c->e, c->h, SL_PROTO_TCP, took < n ? SL_OUTCOME_TOO_LARGE : SL_OUTCOME_OK,
                   c->port, raw_request_name(c), NULL, c->raw.data, c->raw.len,
                   took < n ? "answer passed its bound" : NULL);
            conn_finish(c);
            return;
        }
        (void)was_banner;
        /* Binary answers have no framing we trust: take what comes until a quiet gap. */
        c->aux_on = true;
        uv_timer_stop(&c->aux);
        uv_timer_start(&c->aux, on_aux, QUIET_MS, 0);
        return;
    }
    if (c->state != CS_READING)
        return;
    sl_buf_append_upto(&c->raw, data, n);
    enum sl_http_result r = sl_http_feed(&c->http, data, n);
    if (r == SL_HTTP_MORE)
        return;
    if (r == SL_HTTP_ERROR) {
        if (c->steps[c->step].what == STEP_GET_FALLBACK) {
            /* A binary service answering our GET: its bytes are the evidence. */
            c->state = CS_RAW;
            c->aux_on = true;
            uv_timer_stop(&c->aux);
            uv_timer_start(&c->aux, on_aux, QUIET_MS, 0);
            return;
        }
        record_step(c, SL_OUTCOME_MALFORMED, sl_http_error(&c->http));
        conn_finish(c);
        return;
    }
    bool trunc = c->http.truncated;
    record_step(c, trunc ? SL_OUTCOME_TOO_LARGE : SL_OUTCOME_OK,
                trunc ? "body passed its bound; cut" : NULL);
    next_step(c, wants_close(&c->http));
}

static void on_eof(struct conn *c)
{
    switch (c->state) {
    case CS_READING: {
        enum sl_http_result r = sl_http_finish(&c->http);
        if (r == SL_HTTP_DONE) {
            record_step(c, SL_OUTCOME_OK, NULL);
            next_step(c, true);
        } else {
            record_step(c, c->raw.len > 0 ? SL_OUTCOME_MALFORMED : SL_OUTCOME_CLOSED,
                        c->raw.len > 0 ? sl_http_error(&c->http)
                                       : "closed the connection without answering");
            /* A device that closes without a word will not answer the next path either. */
            if (c->raw.len == 0)
                conn_finish(c);
            else
                next_step(c, true);
        }
        break;
    }
    case CS_RAW:
        add_ev(c->e, c->h, SL_PROTO_TCP, SL_OUTCOME_OK, c->port, raw_request_name(c), NULL,
               c->raw.data, c->raw.len, NULL);
        conn_finish(c);
        break;
    case CS_TLS:
        add_ev(c->e, c->h, SL_PROTO_TLS, SL_OUTCOME_TLS_FAILED, c->port, "handshake", NULL, NULL,
               0, "closed during the TLS handshake");
        conn_finish(c);
        break;
    case CS_BANNER:
        if (c->kind == SL_PK_DVRIP)
            add_ev(c->e, c->h, SL_PROTO_TCP, SL_OUTCOME_CLOSED, c->port, "dvrip hello", NULL,
                   NULL, 0, "closed without answering");
        conn_finish(c);
        break;
    default:
        conn_finish(c);
    }
}

static void tls_progress(struct conn *c)
{
    if (c->state == CS_TLS) {
        char detail[256];
        int r = sl_tls_handshake(c->tls, detail, sizeof detail);
        tls_flush(c);
        if (r == 0)
            return;
        if (r < 0) {
            add_ev(c->e, c->h, SL_PROTO_TLS, SL_OUTCOME_TLS_FAILED, c->port, "handshake", NULL,
                   NULL, 0, detail);
            conn_finish(c);
            return;
        }
        if (!c->cert_taken) {
            struct sl_buf der;
            sl_buf_init(&der, 32 * 1024);
            char desc[128];
            sl_tls_describe(c->tls, desc, sizeof desc);
            if (sl_tls_peer_cert(c->tls, &der) == 0)
                add_ev(c->e, c->h, SL_PROTO_TLS, SL_OUTCOME_OK, c->port, "handshake", NULL,
                       der.data, der.len, desc);
            sl_buf_free(&der);
            c->cert_taken = true;
        }
        conn_send_step(c);
        return;
    }
    struct sl_buf plain;
    sl_buf_init(&plain, sizeof c->e->rbuf);
    long got = sl_tls_read(c->tls, &plain);
    tls_flush(c);
    if (got > 0)
        on_plain(c, plain.data, plain.len);
    sl_buf_free(&plain);
    if (got < 0 && c->state != CS_DONE)
        on_eof(c);
}

static void on_alloc(uv_handle_t *hd, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    struct conn *c = hd->data;
    *buf = uv_buf_init((char *)c->e->rbuf, sizeof c->e->rbuf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct conn *c = s->data;
    if (c->state == CS_DONE || c->tcp_closing)
        return;
    if (n < 0) {
        if (n != UV_EOF && c->state == CS_READING && c->raw.len == 0) {
            record_step(c, n == UV_ECONNRESET ? SL_OUTCOME_RESET : SL_OUTCOME_ERROR,
                        uv_strerror((int)n));
            conn_finish(c);
            return;
        }
        on_eof(c);
        return;
    }
    if (n == 0)
        return;
    if (c->tls != NULL) {
        if (sl_tls_feed(c->tls, buf->base, (size_t)n) != 0) {
            conn_finish(c);
            return;
        }
        tls_progress(c);
    } else {
        on_plain(c, (const uint8_t *)buf->base, (size_t)n);
    }
}

static void on_aux(uv_timer_t *t)
{
    struct conn *c = t->data;
    c->aux_on = false;
    if (c->state == CS_BANNER && c->kind == SL_PK_LISTEN) {
        add_ev(c->e, c->h, SL_PROTO_TCP, SL_OUTCOME_OK, c->port, "greeting", NULL, NULL, 0,
               "open; no greeting (nothing is sent to this port)");
        conn_finish(c);
    } else if (c->state == CS_BANNER) {
        /* Silent: speak HTTP, as nmap's GetRequest does after its NULL probe. */
        c->steps[0] = (struct step){"GET", "/", STEP_GET_FALLBACK};
        c->n_steps = 1;
        c->step = 0;
        conn_send_step(c);
    } else if (c->state == CS_RAW) {
        add_ev(c->e, c->h, SL_PROTO_TCP, SL_OUTCOME_OK, c->port, raw_request_name(c), NULL,
               c->raw.data, c->raw.len, NULL);
        conn_finish(c);
    }
}

static void on_deadline(uv_timer_t *t)
{
    struct conn *c = t->data;
    char detail[160];
    unsigned ms = c->e->timeout_ms;
    switch (c->state) {
    case CS_CONNECTING: break; /* filtered or unreachable: not evidence */
    case CS_TLS:
        snprintf(detail, sizeof detail, "TLS handshake did not finish within %u ms", ms);
        add_ev(c->e, c->h, SL_PROTO_TLS, SL_OUTCOME_TIMEOUT, c->port, "handshake", NULL, NULL, 0,
               detail);
        break;
    case CS_READING:
        snprintf(detail, sizeof detail, "no complete answer within %u ms (%zu bytes)", ms,
                 c->raw.len);
        record_step(c, SL_OUTCOME_TIMEOUT, detail);
        break;
    case CS_BANNER:
    case CS_RAW:
        snprintf(detail, sizeof detail, "no complete answer within %u ms (%zu bytes)", ms,
                 c->raw.len);
        add_ev(c->e, c->h, SL_PROTO_TCP, SL_OUTCOME_TIMEOUT, c->port, raw_request_name(c), NULL,
               c->raw.data, c->raw.len, detail);
        break;
    default: break;
    }
    conn_finish(c);
}

static void build_steps(struct conn *c)
{
    unsigned n = 0;
    switch (c->kind) {
    case SL_PK_HTTPS:
        /* The certificate, the front page and the vendor endpoints whose realms
         * name the firmware; the rest of the web UI is what port 80 serves too,
         * and every extra request over TLS can cost a handshake. */
        for (size_t i = 0; i < sl_https_path_count && n < MAX_STEPS; i++)
            c->steps[n++] = (struct step){"GET", sl_https_paths[i], STEP_HTTP};
        if (n < MAX_STEPS && sl_creds_for(c->e->o->creds, &c->h->addr) != NULL)
            c->steps[n++] = (struct step){"POST", SL_ONVIF_PATH, STEP_ONVIF_INFO};
        break;
    case SL_PK_HTTP:
        for (size_t i = 0; i < sl_http_path_count && n < MAX_STEPS; i++)
            c->steps[n++] = (struct step){"GET", sl_http_paths[i], STEP_HTTP};
        if (n < MAX_STEPS)
            c->steps[n++] = (struct step){"POST", SL_ONVIF_PATH, STEP_ONVIF_DATE};
        if (n < MAX_STEPS && sl_creds_for(c->e->o->creds, &c->h->addr) != NULL)
            c->steps[n++] = (struct step){"POST", SL_ONVIF_PATH, STEP_ONVIF_INFO};
        break;
    case SL_PK_RTSP:
        c->steps[n++] = (struct step){"OPTIONS", "/", STEP_RTSP};
        c->steps[n++] = (struct step){"DESCRIBE", "/", STEP_RTSP};
        break;
    default: break;
    }
    c->n_steps = n;
}

static void on_connect(uv_connect_t *req, int status)
{
    struct conn *c = req->data;
    free(req);
    if (c->state == CS_DONE || c->tcp_closing)
        return;
    if (status == UV_ECONNRESET) {
        /* Accepted, then reset before we saw the connect complete: the port is open. */
        if (!c->ever_connected) {
            c->h->up = true;
            if (c->h->n_open < sizeof c->h->open_ports / sizeof c->h->open_ports[0])
                c->h->open_ports[c->h->n_open++] = c->port;
        }
        add_ev(c->e, c->h, step_proto(c), SL_OUTCOME_RESET, c->port, "connect", NULL, NULL, 0,
               "accepted the connection, then reset it");
        conn_finish(c);
        return;
    }
    if (status < 0) {
        /* Refused or unreachable on first contact: the port is closed, not evidence.
         * Refused on a reconnect: the device went away mid-conversation. */
        if (c->ever_connected)
            add_ev(c->e, c->h, step_proto(c), SL_OUTCOME_REFUSED, c->port, "reconnect", NULL,
                   NULL, 0, uv_strerror(status));
        conn_finish(c);
        return;
    }
    c->connected = true;
    struct engine *e = c->e;
    rtt_sample(e, (double)(uv_hrtime() / 1000 - c->connect_us) / 1000.0);
    /* Connected: the exchange has the whole timeout from here. */
    uv_timer_start(&c->deadline, on_deadline, e->timeout_ms, 0);
    if (!c->ever_connected) {
        c->ever_connected = true;
        e->sum->stats.connections++;
        struct sl_host *h = c->h;
        h->up = true;
        if (h->n_open < sizeof h->open_ports / sizeof h->open_ports[0])
            h->open_ports[h->n_open++] = c->port;
    }
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    switch (c->kind) {
    case SL_PK_HTTPS:
        c->tls = sl_tls_new(e->tls, NULL);
        if (c->tls == NULL) {
            conn_finish(c);
            return;
        }
        if (c->sess != NULL)
            sl_tls_resume(c->tls, c->sess);
        c->state = CS_TLS;
        tls_progress(c);
        break;
    case SL_PK_HTTP:
    case SL_PK_RTSP:
        conn_send_step(c);
        break;
    case SL_PK_DVRIP:
        c->state = CS_BANNER;
        raw_write(c, sl_req_dvrip_hello, sizeof sl_req_dvrip_hello);
        break;
    default:
        c->state = CS_BANNER;
        c->aux_on = true;
        uv_timer_start(&c->aux, on_aux, BANNER_WAIT_MS < e->timeout_ms / 2 ? BANNER_WAIT_MS
                                                                           : e->timeout_ms / 2,
                       0);
        break;
    }
}

static void conn_start(struct engine *e, struct sl_host *h, unsigned port_index)
{
    struct conn *c = calloc(1, sizeof *c);
    if (c == NULL)
        return;
    c->e = e;
    c->h = h;
    c->port = e->o->ports[port_index].port;
    c->kind = e->o->ports[port_index].kind;
    c->started_ms = now_ms(e);
    sl_buf_init(&c->raw, SL_SCAN_MAX_RAW);
    struct sl_http_limits lim = {SL_SCAN_MAX_HEAD, SL_SCAN_MAX_BODY};
    sl_http_init(&c->http, &lim);
    build_steps(c);
    uv_tcp_init(&e->loop, &c->tcp);
    uv_timer_init(&e->loop, &c->deadline);
    uv_timer_init(&e->loop, &c->aux);
    c->tcp.data = c->deadline.data = c->aux.data = c;
    c->handles = 3;
    e->open_conns++;
    h->conns++;
    start_connect(c);
}

/* ---- hosts --------------------------------------------------------------------------- */

static void udp_queue_push(struct engine *e, struct sl_host *h)
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

static void udp_queue_remove(struct engine *e, struct sl_host *h)
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

static void addr_to_sockaddr(const struct sl_addr *a, uint16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (a->v4) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        memcpy(&sin->sin_addr, a->b + 12, 4);
    } else {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(port);
        memcpy(&s6->sin6_addr, a->b, 16);
    }
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
        addr_to_sockaddr(to, sl_udp_port(k), &ss);
        uv_buf_t ub = uv_buf_init((char *)b.data, (unsigned)b.len);
        uv_udp_try_send(u, &ub, 1, (const struct sockaddr *)&ss);
        e->sum->stats.probes_sent++;
    }
    sl_buf_free(&b);
}

static void host_udp_send(struct engine *e, struct sl_host *h)
{
    for (int k = 0; k < SL_UDP_COUNT; k++)
        if (h->udp_answers[k] == 0)
            udp_send(e, &h->addr, (enum sl_udp_kind)k);
}

static struct sl_host *host_new(struct engine *e, const struct sl_addr *a, uint64_t pos)
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

static void host_free(struct engine *e, struct sl_host *h)
{
    host_unhash(e, h);
    udp_queue_remove(e, h);
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

static void host_start_ports(struct engine *e, struct sl_host *h)
{
    while (h->next_port < e->o->n_ports && e->open_conns < e->concurrency)
        conn_start(e, h, h->next_port++);
    if (h->next_port < e->o->n_ports)
        slot_enqueue(e, h);
}

static void host_start(struct engine *e, struct sl_host *h)
{
    if (e->o->udp_discovery) {
        host_udp_send(e, h);
        h->udp_pending = true;
        h->udp_tries = 1;
        h->udp_next_ms = now_ms(e) + e->udp_interval_ms;
        udp_queue_push(e, h);
    }
    host_start_ports(e, h);
    host_check_done(e, h);
}

static void host_check_done(struct engine *e, struct sl_host *h)
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
        if (sl_neigh_lookup(e->neigh, &h->addr, now_ms(e), mac))
            add_ev(e, h, SL_PROTO_MAC, SL_OUTCOME_OK, 0, "neighbour table", NULL, mac, 17, NULL);
        if (!atomic_load(&e->sh->failed)) {
            pthread_mutex_lock(&e->sh->mu);
            if (sl_recorder_host(e->sh->rec, h, &e->sh->err) != 0)
                atomic_store(&e->sh->failed, 1);
            pthread_mutex_unlock(&e->sh->mu);
        }
    }
    host_free(e, h);
}

/* ---- UDP replies ----------------------------------------------------------------------- */

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

/* The addresses of the last hosts recorded as up, so that a late reply does not
 * probe and report a device twice (bounded: a ring, not a visited-set). */
static bool recently_up(const struct engine *e, const struct sl_addr *a)
{
    for (unsigned i = 0; i < e->n_up_ring && i < UP_RING; i++)
        if (memcmp(e->up_ring[i].b, a->b, 16) == 0)
            return true;
    return false;
}

static void remember_up(struct engine *e, const struct sl_addr *a)
{
    e->up_ring[e->n_up_ring++ % UP_RING] = *a;
}

/* A host for a discovery reply that came late: only for a target of this engine's
 * shard, proven by its probe id (WS-Discovery, SADP), not excluded, not recorded
 * already. It is then probed like any host, without sending UDP again. */
static struct sl_host *late_responder(struct engine *e, const struct sl_addr *from, bool proven)
{
    uint64_t pos;
    if (!proven || e->stopping || e->inflight >= e->max_hosts ||
        !sl_targets_contains(e->o->targets, from) || !sl_walk_position_of(&e->walk, from, &pos) ||
        pos % e->walk.step != e->index || pos >= e->walk.pos || recently_up(e, from))
        return NULL;
    struct sl_host *h = host_new(e, from, pos);
    if (h == NULL)
        return NULL;
    h->late = true; /* already counted done (without an answer) */
    e->sum->stats.late_replies++;
    host_start_ports(e, h);
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
    memset(&from, 0, sizeof from);
    uint16_t port;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;
        from.v4 = true;
        from.b[10] = from.b[11] = 0xff;
        memcpy(from.b + 12, &sin->sin_addr, 4);
        port = ntohs(sin->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        memcpy(from.b, &s6->sin6_addr, 16);
        port = ntohs(s6->sin6_port);
    } else {
        return;
    }
    int k = udp_kind_of_port(port);
    struct sl_host *h = host_find(e, &from);
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
            if (e->inflight >= MULTICAST_MAX || sl_targets_is_excluded(e->o->targets, &from))
                return;
            h = host_new(e, &from, UINT64_MAX);
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
    add_ev(e, h, udp_proto((enum sl_udp_kind)k), trunc ? SL_OUTCOME_TOO_LARGE : SL_OUTCOME_OK,
           port, e->mc_phase ? "multicast probe" : "probe", NULL, data, len, detail);
    if (h->late) {
        host_check_done(e, h); /* a UDP-only scan starts no connection for it */
        return;
    }
    if (!e->mc_phase && h->udp_pending) {
        bool all = true;
        for (int i = 0; i < SL_UDP_COUNT; i++)
            all = all && h->udp_answers[i] > 0;
        if (all) {
            h->udp_pending = false;
            udp_queue_remove(e, h);
            host_check_done(e, h);
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

/* ---- the pump: admission, UDP windows, slots ------------------------------------------- */

static bool is_engine_handle(struct engine *e, uv_handle_t *hd)
{
    return hd == (uv_handle_t *)&e->pump || hd == (uv_handle_t *)&e->progress ||
           hd == (uv_handle_t *)&e->udp4 || hd == (uv_handle_t *)&e->udp6 ||
           hd == (uv_handle_t *)&e->mc_timer;
}

static void close_all(uv_handle_t *hd, void *arg)
{
    struct engine *e = arg;
    if (uv_is_closing(hd))
        return;
    if (is_engine_handle(e, hd))
        uv_close(hd, NULL);
    else
        conn_finish(hd->data);
}

/* Adds the counters the engines keep (devices are the recorder's). */
static void stats_add(struct sl_scan_stats *to, const struct sl_scan_stats *from)
{
    to->hosts_total += from->hosts_total;
    to->hosts_done += from->hosts_done;
    to->hosts_up += from->hosts_up;
    to->probes_sent += from->probes_sent;
    to->connections += from->connections;
    to->evidence += from->evidence;
    to->failures += from->failures;
    to->udp_unmatched += from->udp_unmatched;
    to->late_replies += from->late_replies;
    to->open_conns += from->open_conns;
    to->inflight_hosts += from->inflight_hosts;
}

static void stats_rates(struct sl_scan_stats *st, uint64_t elapsed_ms)
{
    st->elapsed_ms = elapsed_ms;
    st->hosts_per_s = elapsed_ms > 0 ? (double)st->hosts_done * 1000.0 / (double)elapsed_ms : 0;
    st->eta_ms = st->hosts_per_s > 0 && st->hosts_total > st->hosts_done
                     ? (uint64_t)((double)(st->hosts_total - st->hosts_done) / st->hosts_per_s *
                                  1000.0)
                     : 0;
}

/* Each engine publishes its counters; the first one reports the sum. */
static void report_progress(struct engine *e)
{
    struct shared *sh = e->sh;
    e->sum->stats.open_conns = e->open_conns;
    e->sum->stats.inflight_hosts = e->inflight;
    pthread_mutex_lock(&sh->mu);
    sh->pub[e->index] = e->sum->stats;
    if (e->index == 0 && e->cb->on_progress != NULL) {
        struct sl_scan_stats st;
        memset(&st, 0, sizeof st);
        for (unsigned i = 0; i < sh->n; i++)
            stats_add(&st, &sh->pub[i]);
        st.hosts_total += sh->hosts_total;
        st.devices = sh->sum->stats.devices;
        stats_rates(&st, uv_hrtime() / 1000000 - sh->t0_ms);
        e->cb->on_progress(&st, e->cb->ctx);
    }
    pthread_mutex_unlock(&sh->mu);
}

static void shutdown_loop(struct engine *e)
{
    uv_walk(&e->loop, close_all, e);
}

static void pump(struct engine *e)
{
    if (e->stopping || e->mc_phase)
        return;
    uint64_t now = now_ms(e);
    while (e->udp_head != NULL && e->udp_head->udp_next_ms <= now) {
        struct sl_host *h = e->udp_head;
        udp_queue_remove(e, h);
        if (h->udp_tries <= e->o->retries) {
            host_udp_send(e, h);
            sl_rate_consume(&e->rate, SL_UDP_COUNT);
            h->udp_tries++;
            h->udp_next_ms = now + e->udp_interval_ms;
            udp_queue_push(e, h);
        } else {
            h->udp_pending = false;
            host_check_done(e, h);
        }
    }
    while (e->slot_head != NULL && e->open_conns < e->concurrency) {
        struct sl_host *h = e->slot_head;
        e->slot_head = h->qnext;
        if (e->slot_head == NULL)
            e->slot_tail = NULL;
        h->in_slot_wait = false;
        host_start_ports(e, h);
        host_check_done(e, h);
    }
    uint64_t now_us = uv_hrtime() / 1000;
    while (!e->walk_done && !e->stopping && e->inflight < e->max_hosts &&
           e->open_conns < e->concurrency && e->slot_head == NULL) {
        if (sl_rate_available(&e->rate, now_us) < e->per_host)
            break;
        struct sl_addr a;
        uint64_t pos;
        if (sl_walk_next(&e->walk, &a, &pos) == 0) {
            e->walk_done = true;
            break;
        }
        if (is_mc_responder(e, &a))
            continue; /* a multicast responder already being probed */
        sl_rate_consume(&e->rate, e->per_host);
        struct sl_host *h = host_new(e, &a, pos);
        if (h != NULL)
            host_start(e, h);
    }
    if (e->walk_done && e->inflight == 0 && !e->stopping) {
        e->stopping = true; /* done: close what is left (timers, sockets) */
        shutdown_loop(e);
    }
}

static void on_pump(uv_timer_t *t)
{
    struct engine *e = t->data;
    if (((e->o->stop != NULL && *e->o->stop) || atomic_load(&e->sh->failed)) && !e->stopping) {
        e->stopping = true;
        e->stopped = true;
        shutdown_loop(e);
        return;
    }
    pump(e);
}

static void on_progress_timer(uv_timer_t *t)
{
    struct engine *e = t->data;
    report_progress(e);
    if (e->index == 0 && !atomic_load(&e->sh->failed)) {
        pthread_mutex_lock(&e->sh->mu);
        if (sl_recorder_flush(e->sh->rec, 250, &e->sh->err) != 0)
            atomic_store(&e->sh->failed, 1);
        pthread_mutex_unlock(&e->sh->mu);
    }
}

/* ---- multicast discovery ---------------------------------------------------------------- */

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

static bool is_mc_responder(struct engine *e, const struct sl_addr *a)
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
    for (struct sl_host *h = e->hosts; h != NULL && n < MULTICAST_MAX; h = h->next) {
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
        host_start(e, list[i]);
    free(list);
    pump(e);
}

/* ---- running a scan ------------------------------------------------------------------ */

unsigned sl_scan_max_concurrency(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 512;
    rlim_t lim = rl.rlim_max == RLIM_INFINITY ? 65536 : rl.rlim_max;
    if (lim <= SL_SCAN_FD_RESERVE * 2)
        return (unsigned)(lim / 2);
    /* Well under the limit: three quarters of what is left after the reserve. */
    return (unsigned)((lim - SL_SCAN_FD_RESERVE) * 3 / 4);
}

static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int open_udp(struct engine *e, uv_udp_t *u, bool v6, struct sl_err *err)
{
    struct sockaddr_storage ss;
    struct sl_addr any;
    sl_addr_parse(v6 ? "::" : "0.0.0.0", &any);
    addr_to_sockaddr(&any, 0, &ss);
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

static void drain_loop(struct engine *e)
{
    if (uv_loop_alive(&e->loop)) {
        uv_walk(&e->loop, close_all, e);
        uv_run(&e->loop, UV_RUN_DEFAULT);
    }
}

struct run_params {
    const struct sl_scan_opts *o;
    const struct sl_scan_callbacks *cb;
    unsigned conc, timeout_ms, per_host, n;
    uint64_t seed;
    uint8_t key[16];
};

static int engine_init(struct engine *e, struct shared *sh, const struct run_params *p,
                       unsigned index, struct sl_err *err)
{
    const struct sl_scan_opts *o = p->o;
    e->o = o;
    e->cb = p->cb;
    e->sh = sh;
    e->index = index;
    e->sum = &e->local;
    e->concurrency = p->conc / p->n > 0 ? p->conc / p->n : 1;
    e->timeout_ms = p->timeout_ms;
    /* WS-Discovery lets a device wait up to 500 ms; a loaded device answers
     * later: a finding missed costs more than a second of waiting. */
    e->udp_window_ms = e->timeout_ms;
    e->udp_interval_ms = e->udp_window_ms / (o->retries + 1);
    if (e->udp_interval_ms < 20)
        e->udp_interval_ms = 20;
    e->per_host = p->per_host;
    /* Hosts waiting only for UDP replies hold no descriptor: allow more of them. */
    e->max_hosts = e->concurrency * 2 + 1024;
    if (e->max_hosts > 65536)
        e->max_hosts = 65536;
    memcpy(e->key, p->key, sizeof e->key);
    sl_walk_init_shard(&e->walk, o->targets, p->seed, index, p->n);
    if (uv_loop_init(&e->loop) != 0)
        return sl_err_set(err, "cannot create the event loop");
    e->loop_ok = true;
    if (sl_tls_ctx_new(&e->tls, err) != 0)
        return -1;
    e->neigh = sl_neigh_new(NULL);
    e->up_ring = calloc(UP_RING, sizeof *e->up_ring);
    if (e->up_ring == NULL)
        return sl_err_set(err, "out of memory");
    bool need_udp = o->udp_discovery || (o->multicast_iface != NULL && index == 0);
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
    double rate = o->rate / p->n;
    sl_rate_init(&e->rate, rate,
                 rate > 0 ? (rate / 100 > e->per_host * 2 ? rate / 100 : e->per_host * 2) : 1,
                 uv_hrtime() / 1000);
    uv_timer_init(&e->loop, &e->pump);
    uv_timer_init(&e->loop, &e->progress);
    uv_timer_init(&e->loop, &e->mc_timer);
    e->pump.data = e->progress.data = e->mc_timer.data = e;
    if (o->multicast_iface != NULL && index == 0) {
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
    }
    return 0;
}

static void engine_run(struct engine *e)
{
    e->t0 = uv_now(&e->loop);
    uv_timer_start(&e->pump, on_pump, PUMP_MS, PUMP_MS);
    uv_timer_start(&e->progress, on_progress_timer, 250, 250);
    if (e->mc_phase) {
        e->mc_tries = 1;
        mc_send_all(e);
        uv_timer_start(&e->mc_timer, on_mc_timer, e->udp_interval_ms, e->udp_interval_ms);
    }
    pump(e);
    uv_run(&e->loop, UV_RUN_DEFAULT);
    drain_loop(e);
    report_progress(e);
}

static void *engine_thread(void *arg)
{
    engine_run(arg);
    return NULL;
}

/* The lowest walk position this engine has not finished (UINT64_MAX: all done). */
static uint64_t engine_seen_below(const struct engine *e)
{
    uint64_t below = e->walk_done ? UINT64_MAX : e->walk.pos;
    for (const struct sl_host *h = e->hosts; h != NULL; h = h->next)
        if (h->pos < below)
            below = h->pos;
    return below;
}

static void engine_fini(struct engine *e)
{
    while (e->hosts != NULL)
        host_free(e, e->hosts);
    if (e->loop_ok) {
        drain_loop(e);
        uv_loop_close(&e->loop);
    }
    sl_tls_ctx_free(e->tls);
    sl_neigh_free(e->neigh);
    free(e->up_ring);
}

unsigned sl_scan_default_threads(uint64_t addresses)
{
    if (addresses < 1024)
        return 1;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 4 ? 4 : (unsigned)n;
}

int sl_scan_run(const struct sl_scan_opts *o, const struct sl_scan_callbacks *cb,
                struct sl_scan_summary *sum, struct sl_err *err)
{
    static const struct sl_scan_callbacks no_cb;
    if (cb == NULL)
        cb = &no_cb;
    memset(sum, 0, sizeof *sum);
    if (o->targets == NULL)
        return sl_err_set(err, "no targets");
    if (o->n_ports == 0 && !o->udp_discovery && o->multicast_iface == NULL)
        return sl_err_set(err, "nothing to probe: no ports and no UDP discovery");
    if (o->n_ports > SL_PORTS_MAX)
        return sl_err_set(err, "more than %d ports", SL_PORTS_MAX);
    unsigned maxc = sl_scan_max_concurrency();
    unsigned conc = o->concurrency ? o->concurrency : SL_SCAN_DEFAULT_CONCURRENCY;
    if (conc > maxc) {
        if (o->concurrency)
            return sl_err_set(err, "concurrency %u is more than this process may open (at most %u "
                                   "with a file limit of %u less a reserve)",
                              conc, maxc, maxc * 4 / 3 + SL_SCAN_FD_RESERVE);
        conc = maxc;
    }
    raise_fd_limit();

    struct run_params p;
    memset(&p, 0, sizeof p);
    p.o = o;
    p.cb = cb;
    p.conc = conc;
    p.timeout_ms = o->timeout_ms ? o->timeout_ms : SL_SCAN_DEFAULT_TIMEOUT_MS;
    p.per_host = (unsigned)o->n_ports + (o->udp_discovery ? SL_UDP_COUNT : 0);
    if (p.per_host == 0)
        p.per_host = 1;
    uint64_t to_probe = sl_targets_count(o->targets) - sl_targets_excluded(o->targets);
    /* Multicast responders are found by the first engine before any walk: one engine. */
    p.n = o->multicast_iface != NULL ? 1
          : o->threads ? o->threads
                       : sl_scan_default_threads(to_probe);
    if (p.n > MAX_ENGINES)
        p.n = MAX_ENGINES;
    if (p.n > conc)
        p.n = conc;
    p.seed = o->seed;
    if (RAND_bytes(p.key, sizeof p.key) != 1 ||
        (p.seed == 0 && RAND_bytes((unsigned char *)&p.seed, sizeof p.seed) != 1))
        return sl_err_set(err, "no randomness for the scan key");

    struct shared *sh = calloc(1, sizeof *sh);
    struct engine *es = calloc(p.n, sizeof *es);
    if (sh == NULL || es == NULL) {
        free(sh);
        free(es);
        return sl_err_set(err, "out of memory");
    }
    pthread_mutex_init(&sh->mu, NULL);
    sh->sum = sum;
    sh->n = p.n;
    sh->hosts_total = to_probe;
    sum->complete = true;
    int rc = -1;
    if (sl_recorder_new(&sh->rec, o, cb, sum, err) != 0)
        goto out_free;
    if (cb->on_start != NULL) {
        struct sl_scan_plan plan = {
            .addresses = sl_targets_count(o->targets),
            .excluded = sl_targets_excluded(o->targets),
            .probes = to_probe * p.per_host,
            .per_host = p.per_host,
            .concurrency = conc,
            .timeout_ms = p.timeout_ms,
            .rate = o->rate,
            .scan_id = sl_recorder_scan_id(sh->rec),
            .threads = p.n,
        };
        cb->on_start(&plan, cb->ctx);
    }
    unsigned ready = 0;
    for (; ready < p.n; ready++)
        if (engine_init(&es[ready], sh, &p, ready, err) != 0)
            break;
    bool ran = ready == p.n;
    bool stopped = false;
    if (ran) {
        sh->t0_ms = uv_hrtime() / 1000000;
        pthread_t tids[MAX_ENGINES];
        unsigned started = 1;
        for (unsigned k = 1; k < p.n; k++, started++)
            if (pthread_create(&tids[k], NULL, engine_thread, &es[k]) != 0)
                break;
        if (started < p.n)
            atomic_store(&sh->failed, 1); /* the others see it and stop */
        engine_run(&es[0]);
        for (unsigned k = 1; k < started; k++)
            pthread_join(tids[k], NULL);
        rc = started == p.n ? 0 : sl_err_set(err, "cannot start the scan threads");
    }
    /* Counters, and what the not-seen report may rely on: every walk position
     * below the lowest unfinished one of any engine was probed. */
    uint64_t seen_below = UINT64_MAX;
    for (unsigned k = 0; k < ready; k++) {
        struct engine *e = &es[k];
        stats_add(&sum->stats, &e->local.stats);
        if (e->stopped)
            stopped = true;
        if (!e->walk_done)
            stopped = true;
        uint64_t b = engine_seen_below(e);
        if (b < seen_below)
            seen_below = b;
    }
    if (!ran)
        seen_below = 0; /* nothing was probed: nothing is "not seen" */
    sum->stats.hosts_total += to_probe;
    sum->stats.open_conns = sum->stats.inflight_hosts = 0;
    stats_rates(&sum->stats, uv_hrtime() / 1000000 - sh->t0_ms);
    if (!ran)
        sum->stats.elapsed_ms = 0;
    for (unsigned k = 0; k < ready + (ready < p.n ? 1u : 0u); k++)
        engine_fini(&es[k]); /* and the one that failed half-way */
    bool failed = atomic_load(&sh->failed) != 0;
    if (failed && rc == 0) {
        *err = sh->err;
        if (err->msg[0] == '\0')
            sl_err_set(err, "the scan stopped on an error");
        rc = -1;
    }
    bool complete = ran && rc == 0 && !stopped;
    sum->complete = complete;
    struct sl_err ferr = {0};
    if (sl_recorder_finish(sh->rec, &es[0].walk, seen_below, complete, &ferr) != 0 && rc == 0) {
        *err = ferr;
        rc = -1;
    }
    sl_recorder_free(sh->rec);
out_free:
    pthread_mutex_destroy(&sh->mu);
    free(es);
    free(sh);
    return rc;
}
