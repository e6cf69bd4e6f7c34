/* conn.c - one TCP probe's connection (engine.h): connect with an adaptive
 * deadline, TLS over memory BIOs, writes, reads, reconnects and the RST close.
 * What is said on the connection is talk.c's. */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "scan/engine.h"
#include "util/str.h"

struct wreq {
    uv_write_t req;
    uv_buf_t buf;
    char data[];
};

static void on_connect(uv_connect_t *req, int status);

static void on_write(uv_write_t *req, int status)
{
    (void)status; /* a failed write shows up as a read error or the deadline */
    free(req);
}

void sl_eng_raw_write(struct conn *c, const void *data, size_t n)
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
        sl_eng_raw_write(c, out.data, out.len);
    sl_buf_free(&out);
}

void sl_eng_conn_write(struct conn *c, const void *data, size_t n)
{
    if (c->tls != NULL) {
        if (sl_tls_write(c->tls, data, n) == 0)
            tls_flush(c);
    } else {
        sl_eng_raw_write(c, data, n);
    }
}

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
    sl_eng_host_check_done(e, h);
    sl_eng_pump(e);
}

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
    sl_addr_to_sockaddr(&c->h->addr, c->port, &ss);
    uv_connect_t *req = malloc(sizeof *req);
    if (req == NULL) {
        sl_eng_conn_finish(c);
        return;
    }
    req->data = c;
    c->state = CS_CONNECTING;
    c->e->sum->stats.probes_sent++;
    c->connect_us = uv_hrtime() / 1000;
    uv_timer_start(&c->deadline, sl_eng_on_deadline, connect_timeout(c->e), 0);
    int rc = uv_tcp_connect(req, &c->tcp, (const struct sockaddr *)&ss, on_connect);
    if (rc != 0) {
        free(req);
        sl_eng_conn_finish(c);
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

void sl_eng_conn_finish(struct conn *c)
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

void sl_eng_conn_reconnect(struct conn *c)
{
    if (c->reconnects >= SL_ENG_MAX_STEPS) {
        sl_eng_conn_finish(c);
        return;
    }
    c->reconnects++;
    c->reconnect = true;
    close_tcp(c);
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
            sl_eng_add_ev(c->e, c->h, SL_PROTO_TLS, SL_OUTCOME_TLS_FAILED, c->port, "handshake", NULL,
                   NULL, 0, detail);
            sl_eng_conn_finish(c);
            return;
        }
        if (!c->cert_taken) {
            struct sl_buf der;
            sl_buf_init(&der, 32 * 1024);
            char desc[128];
            sl_tls_describe(c->tls, desc, sizeof desc);
            if (sl_tls_peer_cert(c->tls, &der) == 0)
                sl_eng_add_ev(c->e, c->h, SL_PROTO_TLS, SL_OUTCOME_OK, c->port, "handshake", NULL,
                       der.data, der.len, desc);
            sl_buf_free(&der);
            c->cert_taken = true;
        }
        sl_eng_talk_send(c);
        return;
    }
    struct sl_buf plain;
    sl_buf_init(&plain, sizeof c->e->rbuf);
    long got = sl_tls_read(c->tls, &plain);
    tls_flush(c);
    if (got > 0)
        sl_eng_talk_plain(c, plain.data, plain.len);
    sl_buf_free(&plain);
    if (got < 0 && c->state != CS_DONE)
        sl_eng_talk_eof(c);
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
            sl_eng_record_step(c, n == UV_ECONNRESET ? SL_OUTCOME_RESET : SL_OUTCOME_ERROR,
                        uv_strerror((int)n));
            sl_eng_conn_finish(c);
            return;
        }
        sl_eng_talk_eof(c);
        return;
    }
    if (n == 0)
        return;
    if (c->tls != NULL) {
        if (sl_tls_feed(c->tls, buf->base, (size_t)n) != 0) {
            sl_eng_conn_finish(c);
            return;
        }
        tls_progress(c);
    } else {
        sl_eng_talk_plain(c, (const uint8_t *)buf->base, (size_t)n);
    }
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
        sl_eng_add_ev(c->e, c->h, sl_eng_step_proto(c), SL_OUTCOME_RESET, c->port, "connect", NULL, NULL, 0,
               "accepted the connection, then reset it");
        sl_eng_conn_finish(c);
        return;
    }
    if (status < 0) {
        /* Refused or unreachable on first contact: the port is closed, not evidence.
         * Refused on a reconnect: the device went away mid-conversation. */
        if (c->ever_connected)
            sl_eng_add_ev(c->e, c->h, sl_eng_step_proto(c), SL_OUTCOME_REFUSED, c->port, "reconnect", NULL,
                   NULL, 0, uv_strerror(status));
        sl_eng_conn_finish(c);
        return;
    }
    c->connected = true;
    struct engine *e = c->e;
    rtt_sample(e, (double)(uv_hrtime() / 1000 - c->connect_us) / 1000.0);
    /* Connected: the exchange has the whole timeout from here. */
    uv_timer_start(&c->deadline, sl_eng_on_deadline, e->timeout_ms, 0);
    if (!c->ever_connected) {
        c->ever_connected = true;
        e->sum->stats.connections++;
        struct sl_host *h = c->h;
        h->up = true;
        if (h->n_open < sizeof h->open_ports / sizeof h->open_ports[0])
            h->open_ports[h->n_open++] = c->port;
    }
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    if (c->kind != SL_PK_HTTPS) {
        sl_eng_talk_begin(c);
        return;
    }
    c->tls = sl_tls_new(e->tls, NULL);
    if (c->tls == NULL) {
        sl_eng_conn_finish(c);
        return;
    }
    if (c->sess != NULL)
        sl_tls_resume(c->tls, c->sess);
    c->state = CS_TLS;
    tls_progress(c); /* the conversation begins when the handshake is done */
}

void sl_eng_conn_start(struct engine *e, struct sl_host *h, unsigned port_index)
{
    struct conn *c = calloc(1, sizeof *c);
    if (c == NULL)
        return;
    c->e = e;
    c->h = h;
    c->port = e->o->ports[port_index].port;
    c->kind = e->o->ports[port_index].kind;
    c->started_ms = sl_eng_now_ms(e);
    sl_buf_init(&c->raw, SL_SCAN_MAX_RAW);
    struct sl_http_limits lim = {SL_SCAN_MAX_HEAD, SL_SCAN_MAX_BODY};
    sl_http_init(&c->http, &lim);
    sl_eng_talk_plan(c);
    uv_tcp_init(&e->loop, &c->tcp);
    uv_timer_init(&e->loop, &c->deadline);
    uv_timer_init(&e->loop, &c->aux);
    c->tcp.data = c->deadline.data = c->aux.data = c;
    c->handles = 3;
    e->open_conns++;
    h->conns++;
    start_connect(c);
}
