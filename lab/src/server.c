/* server.c - the lab's event loop: listeners, connections, replies (see server.h). */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "bpf.h"
#include "expand.h"
#include "reqparse.h"
#include "rst.h"
#include "tlscert.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/str.h"

#define IDLE_MS 60000
#define TARPIT_MS 600000
#define LINGER_MS 3000
#define GARBAGE_CHUNK 4096
#define GARBAGE_MAX (64 * 1024)
#define ENDLESS_CHUNK (64 * 1024)
#define ENDLESS_TICK_MS 10
#define UDP_BATCH 64

struct listener {
    union {
        uv_tcp_t tcp;
        uv_poll_t poll;
    } h;
    struct lab_server *srv;
    uint16_t port;
    bool udp;
    int fd;
    const struct lab_device *dev; /* netns mode: the one device behind it */
};

struct conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    struct lab_server *srv;
    struct conn *prev, *next;
    const struct lab_device *dev;
    const struct lab_port *port;
    struct sl_buf in;
    SSL *ssl;
    BIO *rbio, *wbio;
    bool hs_done;
    struct sl_buf out;   /* drip: the whole answer; endless: the repeating body */
    size_t out_pos;
    size_t sent;
    unsigned pending;    /* uv_write requests in flight */
    int open_handles;
    bool closing, answered, shut, stalled;
    struct sl_rng rng;
};

struct write_req {
    uv_write_t req;
    struct conn *c;
    char data[];
};

struct lab_server {
    uv_loop_t *loop;
    const struct lab_world *w;
    enum lab_mode mode;
    FILE *connlog;
    char *stats_path;
    uv_timer_t stats_timer;
    struct listener **ls;
    size_t n_ls, cap_ls;
    struct conn *conns;
    struct lab_server_stats st;
    SSL_CTX *ssl_ctx;
    EVP_PKEY *key;
    bool stopping;
    struct sl_rng rng;
    struct lab_rst *rst; /* loopback mode: resets for closed ports, when allowed */
    bool closed_ports_reset;
};

static void conn_close(struct conn *c);
static void conn_write(struct conn *c, const void *p, size_t n);
static void conn_finish(struct conn *c);

/* ---- connection log ---- */

static void log_event(struct lab_server *s, const char *proto, uint32_t laddr, uint16_t lport,
                      const struct sockaddr_in *peer, const char *note)
{
    if (s->connlog == NULL)
        return;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char ts[32], la[16], pa[INET_ADDRSTRLEN] = "?";
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    lab_format_ip(laddr, la);
    if (peer)
        inet_ntop(AF_INET, &peer->sin_addr, pa, sizeof pa);
    fprintf(s->connlog, "%s.%03dZ %s %s %u %s:%u%s%s\n", ts, (int)(tv.tv_usec / 1000), proto, la,
            lport, pa, peer ? ntohs(peer->sin_port) : 0, note ? " " : "", note ? note : "");
    fflush(s->connlog);
}

/* ---- rendering ---- */

static bool path_matches(const char *pat, const char *target)
{
    if (strcmp(pat, "*") == 0)
        return true;
    size_t n = strlen(pat);
    if (n > 0 && pat[n - 1] == '*')
        return strncmp(pat, target, n - 1) == 0;
    return strcmp(pat, target) == 0;
}

const struct lab_section *lab_find_section(const struct lab_profile *p, int kind, uint16_t port,
                                           const char *method, const char *target,
                                           const char *body, size_t body_len, bool auth)
{
    for (size_t i = 0; i < p->n_sections; i++) {
        const struct lab_section *sec = &p->sections[i];
        if ((int)sec->kind != kind || (sec->port && sec->port != port))
            continue;
        if (kind == LAB_SECT_HTTP || kind == LAB_SECT_RTSP) {
            if (strcmp(sec->method, "*") != 0 && strcmp(sec->method, method) != 0)
                continue;
            if (!path_matches(sec->path, target))
                continue;
            if (sec->auth >= 0 && sec->auth != (int)auth)
                continue;
            if (sec->soap && !lab_xml_has_element(body ? body : "", body ? body_len : 0, sec->soap))
                continue;
        }
        if (kind == LAB_SECT_TCP_REPLY && sec->match &&
            (body == NULL || memmem(body, body_len, sec->match, sec->match_len) == NULL))
            continue;
        return sec;
    }
    return NULL;
}

static int render_section(const struct lab_device *d, const struct lab_section *sec,
                          struct lab_xctx *x, struct sl_buf *out, struct sl_err *err)
{
    struct sl_buf body;
    sl_buf_init(&body, LAB_EXPAND_MAX);
    if (sec->body && lab_expand(&body, sec->body, sec->body_len, x, err) != 0) {
        sl_buf_free(&body);
        return sl_err_prefix(err, "%s line %d", d->prof->path, sec->line);
    }
    x->content_length = body.len;
    if (lab_expand(out, sec->head, sec->head_len, x, err) != 0) {
        sl_buf_free(&body);
        return sl_err_prefix(err, "%s line %d", d->prof->path, sec->line);
    }
    int rc = sl_buf_append(out, body.data ? body.data : (const uint8_t *)"", body.len);
    sl_buf_free(&body);
    return rc == 0 ? 0 : sl_err_set(err, "response too large");
}

static struct sl_rng g_resp_rng;
static bool g_resp_rng_init;

static struct sl_rng *resp_rng(void)
{
    if (!g_resp_rng_init) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        sl_rng_key(&g_resp_rng, (uint64_t)ts.tv_nsec, (uint64_t)ts.tv_sec, (uint64_t)getpid());
        g_resp_rng_init = true;
    }
    return &g_resp_rng;
}

bool lab_request_has_auth(const struct lab_req *rq, const char *body, size_t body_len)
{
    return rq->has_auth || (body && lab_xml_has_element(body, body_len, "Security"));
}

/* RTSP requests name an absolute URL: match sections on its path. */
static const char *target_path(const char *t)
{
    if (strncmp(t, "rtsp://", 7) != 0 && strncmp(t, "http://", 7) != 0)
        return t;
    const char *p = strchr(t + 7, '/');
    return p ? p : "/";
}

int lab_render_request(const struct lab_device *d, const struct lab_port *pt,
                       const struct lab_req *rq, const char *body, size_t body_len, bool mask,
                       struct sl_buf *out, struct sl_err *err)
{
    int kind = pt->svc == LAB_SVC_RTSP ? LAB_SECT_RTSP : LAB_SECT_HTTP;
    const struct lab_section *sec =
        lab_find_section(d->prof, kind, pt->port, rq->method, target_path(rq->target), body,
                         body_len, lab_request_has_auth(rq, body, body_len));
    struct lab_xctx x = {.dev = d, .rng = resp_rng(), .cseq = rq->cseq[0] ? rq->cseq : NULL,
                         .port = pt->port, .mask = mask};
    if (sec == NULL) {
        const char *v = kind == LAB_SECT_RTSP ? "RTSP/1.0" : "HTTP/1.1";
        sl_buf_printf(out, "%s 404 Not Found\r\n%s%s%sContent-Length: 0\r\n\r\n", v,
                      rq->cseq[0] ? "CSeq: " : "", rq->cseq, rq->cseq[0] ? "\r\n" : "");
        return -1;
    }
    return render_section(d, sec, &x, out, err);
}

int lab_render_udp(const struct lab_device *d, const struct lab_port *pt, const char *id,
                   bool mask, struct sl_buf *out, struct sl_err *err)
{
    int kind = pt->svc == LAB_SVC_WSD    ? LAB_SECT_WSD
               : pt->svc == LAB_SVC_SSDP ? LAB_SECT_SSDP
               : pt->svc == LAB_SVC_SADP ? LAB_SECT_SADP
                                         : LAB_SECT_DHDISCOVER;
    const struct lab_section *sec = lab_find_section(d->prof, kind, pt->port, "", "", NULL, 0, false);
    if (sec == NULL)
        return sl_err_set(err, "profile %s has no %s section", d->prof->name, lab_svc_name(pt->svc));
    struct lab_xctx x = {.dev = d, .rng = resp_rng(), .port = pt->port, .mask = mask,
                         .relates_to = id && id[0] ? id : NULL, .req_uuid = id && id[0] ? id : NULL};
    if (kind != LAB_SECT_DHDISCOVER)
        return render_section(d, sec, &x, out, err);
    /* DHIP framing (fingerprints.md §1.13, RROLLER discovery.py, USCAN Dahua2.cs):
     * u32 LE header size 0x20, "DHIP", 8 bytes session/id 0, u32 LE body length,
     * 4 bytes 0, u32 LE body length again, 4 bytes 0; then the JSON body. */
    struct sl_buf body;
    sl_buf_init(&body, LAB_EXPAND_MAX);
    if (render_section(d, sec, &x, &body, err) != 0) {
        sl_buf_free(&body);
        return -1;
    }
    uint8_t h[32] = {0x20, 0, 0, 0, 'D', 'H', 'I', 'P'};
    uint32_t n = (uint32_t)body.len;
    for (int i = 0; i < 4; i++) {
        h[16 + i] = (uint8_t)(n >> (8 * i));
        h[24 + i] = (uint8_t)(n >> (8 * i));
    }
    int rc = sl_buf_append(out, h, sizeof h) == 0 &&
                     sl_buf_append(out, body.data ? body.data : (const uint8_t *)"", body.len) == 0
                 ? 0
                 : sl_err_set(err, "reply too large");
    sl_buf_free(&body);
    return rc;
}

/* ---- connections ---- */

static void on_conn_closed(uv_handle_t *h)
{
    struct conn *c = h->data;
    if (--c->open_handles > 0)
        return;
    struct lab_server *s = c->srv;
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    s->st.active--;
    sl_buf_free(&c->in);
    sl_buf_free(&c->out);
    if (c->ssl)
        SSL_free(c->ssl); /* frees the BIOs too */
    free(c);
}

static void conn_close(struct conn *c)
{
    if (c->closing)
        return;
    c->closing = true;
    uv_close((uv_handle_t *)&c->timer, on_conn_closed);
    uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

static void conn_reset(struct conn *c)
{
    if (c->closing)
        return;
    c->closing = true;
    uv_close((uv_handle_t *)&c->timer, on_conn_closed);
    if (uv_tcp_close_reset(&c->tcp, on_conn_closed) != 0)
        uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

static void on_write(uv_write_t *req, int status)
{
    struct write_req *w = (struct write_req *)req;
    struct conn *c = w->c;
    c->pending--;
    free(w);
    if (status < 0 && !c->closing)
        conn_close(c);
}

static void raw_write(struct conn *c, const void *p, size_t n)
{
    if (c->closing || n == 0)
        return;
    struct write_req *w = malloc(sizeof *w + n);
    if (w == NULL)
        abort();
    memcpy(w->data, p, n);
    w->c = c;
    uv_buf_t b = uv_buf_init(w->data, (unsigned)n);
    c->pending++;
    if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_write) != 0) {
        c->pending--;
        free(w);
        conn_close(c);
    }
}

static void flush_tls(struct conn *c)
{
    char buf[16384];
    int n;
    while ((n = BIO_read(c->wbio, buf, sizeof buf)) > 0)
        raw_write(c, buf, (size_t)n);
}

static void conn_write(struct conn *c, const void *p, size_t n)
{
    if (c->closing || n == 0)
        return;
    if (c->ssl == NULL) {
        raw_write(c, p, n);
        return;
    }
    const char *q = p;
    while (n > 0) {
        int k = SSL_write(c->ssl, q, n > 16384 ? 16384 : (int)n);
        if (k <= 0) {
            conn_close(c);
            return;
        }
        q += k;
        n -= (size_t)k;
        flush_tls(c);
    }
}

static void on_linger(uv_timer_t *t)
{
    conn_close(t->data);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    struct conn *c = req->data;
    (void)status;
    free(req);
    /* Give the peer a moment to read and close first, as real servers do. */
    if (!c->closing)
        uv_timer_start(&c->timer, on_linger, LINGER_MS, 0);
}

/* The answer is complete: send FIN after the queued writes. */
static void conn_finish(struct conn *c)
{
    if (c->closing || c->shut)
        return;
    c->shut = true;
    if (c->ssl) {
        SSL_shutdown(c->ssl);
        flush_tls(c);
    }
    uv_shutdown_t *req = malloc(sizeof *req);
    if (req == NULL)
        abort();
    req->data = c;
    if (uv_shutdown(req, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
        free(req);
        conn_close(c);
    }
}

static void on_idle(uv_timer_t *t)
{
    conn_close(t->data);
}

static void touch(struct conn *c)
{
    if (c->closing || c->shut || c->out.len > 0)
        return; /* dripping, streaming or lingering timers stay as they are */
    uv_timer_start(&c->timer, on_idle, c->port->svc == LAB_SVC_TARPIT ? TARPIT_MS : IDLE_MS, 0);
}

static void on_drip(uv_timer_t *t)
{
    struct conn *c = t->data;
    if (c->out_pos < c->out.len) {
        conn_write(c, c->out.data + c->out_pos, 1);
        c->out_pos++;
    }
    if (c->out_pos >= c->out.len) {
        uv_timer_stop(t);
        sl_buf_reset(&c->out);
        if (c->port->svc != LAB_SVC_RTSP && c->port->svc != LAB_SVC_TCP)
            conn_finish(c);
        else
            touch(c);
    }
}

static void on_endless(uv_timer_t *t)
{
    struct conn *c = t->data;
    if (c->pending < 2 && !c->closing)
        conn_write(c, c->out.data, c->out.len);
}

/* Sends an answer, honouring the port's drip rate. finish: close after it. */
static void answer(struct conn *c, const struct sl_buf *resp, bool finish)
{
    c->answered = true;
    if (c->port->drip_ms) {
        sl_buf_reset(&c->out);
        sl_buf_append(&c->out, resp->data, resp->len);
        c->out_pos = 0;
        uv_timer_start(&c->timer, on_drip, c->port->drip_ms, c->port->drip_ms);
        return;
    }
    conn_write(c, resp->data, resp->len);
    if (finish)
        conn_finish(c);
}

static void handle_http(struct conn *c)
{
    if (c->answered)
        return;
    struct lab_req rq;
    int r = lab_req_parse((const char *)c->in.data, c->in.len, &rq);
    if (r < 0) {
        static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                                  "Connection: close\r\n\r\n";
        struct sl_buf b = {(uint8_t *)bad, sizeof bad - 1, sizeof bad - 1, sizeof bad - 1};
        answer(c, &b, true);
        return;
    }
    if (r == 0 || c->in.len < rq.head_len + rq.content_length)
        return;
    struct sl_buf out;
    sl_buf_init(&out, LAB_EXPAND_MAX + 64 * 1024);
    struct sl_err err = {0};
    if (c->port->svc == LAB_SVC_ENDLESS) {
        /* The head of the matching section, then its body over and over. */
        const struct lab_section *sec = lab_find_section(c->dev->prof, LAB_SECT_HTTP, c->port->port,
                                                         rq.method, target_path(rq.target), NULL, 0, rq.has_auth);
        struct lab_xctx x = {.dev = c->dev, .rng = resp_rng(), .port = c->port->port};
        if (sec == NULL || lab_expand(&out, sec->head, sec->head_len, &x, &err) != 0 ||
            lab_expand(&c->out, sec->body ? sec->body : "x", sec->body ? sec->body_len : 1, &x,
                       &err) != 0) {
            sl_buf_free(&out);
            conn_close(c);
            return;
        }
        c->answered = true;
        conn_write(c, out.data, out.len);
        sl_buf_free(&out);
        uv_timer_start(&c->timer, on_endless, 0, ENDLESS_TICK_MS);
        return;
    }
    const char *body = (const char *)c->in.data + rq.head_len;
    if (lab_render_request(c->dev, c->port, &rq, body, rq.content_length, false, &out, &err) != 0 &&
        err.msg[0])
        fprintf(stderr, "sightline-lab: %s\n", err.msg);
    answer(c, &out, true);
    sl_buf_free(&out);
}

static void handle_rtsp(struct conn *c)
{
    for (;;) {
        if (c->out.len > 0)
            return; /* still dripping the previous answer */
        struct lab_req rq;
        int r = lab_req_parse((const char *)c->in.data, c->in.len, &rq);
        if (r < 0) {
            conn_close(c);
            return;
        }
        if (r == 0 || c->in.len < rq.head_len + rq.content_length)
            return;
        struct sl_buf out;
        sl_buf_init(&out, LAB_EXPAND_MAX);
        struct sl_err err = {0};
        const char *body = (const char *)c->in.data + rq.head_len;
        if (lab_render_request(c->dev, c->port, &rq, body, rq.content_length, false, &out, &err) !=
                0 &&
            err.msg[0])
            fprintf(stderr, "sightline-lab: %s\n", err.msg);
        /* An HTTP request on the RTSP port is answered once, then closed
         * (Dahua's 405, fingerprints.md §1.8). */
        bool http = sl_str_starts_with(rq.version, "HTTP/");
        sl_buf_consume(&c->in, rq.head_len + rq.content_length);
        answer(c, &out, http);
        c->answered = false;
        sl_buf_free(&out);
        if (http)
            return;
    }
}

static void handle_tcp(struct conn *c)
{
    const struct lab_section *sec =
        lab_find_section(c->dev->prof, LAB_SECT_TCP_REPLY, c->port->port, "", "",
                         (const char *)c->in.data, c->in.len, false);
    if (sec == NULL) {
        if (c->in.len >= 4096)
            sl_buf_reset(&c->in);
        return;
    }
    struct sl_buf out;
    sl_buf_init(&out, LAB_EXPAND_MAX);
    struct sl_err err;
    struct lab_xctx x = {.dev = c->dev, .rng = resp_rng(), .port = c->port->port};
    if (lab_expand(&out, sec->head, sec->head_len, &x, &err) == 0)
        answer(c, &out, false);
    sl_buf_free(&out);
    sl_buf_reset(&c->in);
}

static void send_garbage(struct conn *c)
{
    uint8_t g[GARBAGE_CHUNK];
    for (size_t i = 0; i < sizeof g; i += 8) {
        uint64_t v = sl_rng_next(&c->rng);
        memcpy(g + i, &v, 8);
    }
    conn_write(c, g, sizeof g);
    c->sent += sizeof g;
    if (c->sent >= GARBAGE_MAX)
        conn_finish(c);
}

static void handle_plain(struct conn *c, const char *p, size_t n)
{
    switch (c->port->svc) {
    case LAB_SVC_TARPIT:
        return;
    case LAB_SVC_GARBAGE:
        if (!c->shut)
            send_garbage(c);
        return;
    case LAB_SVC_TLS_STALL:
        if (!c->stalled) {
            /* A handshake record header announcing 122 bytes, then the first
             * four bytes of a ServerHello, and nothing more, ever. */
            static const uint8_t half[] = {0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76};
            raw_write(c, half, sizeof half);
            c->stalled = true;
        }
        return;
    default:
        break;
    }
    size_t room = LAB_REQ_HEAD_MAX + LAB_REQ_BODY_MAX;
    if (c->in.len + n > room) {
        conn_close(c); /* the request is larger than any device would take */
        return;
    }
    sl_buf_append(&c->in, p, n);
    switch (c->port->svc) {
    case LAB_SVC_HTTP:
    case LAB_SVC_HTTPS:
    case LAB_SVC_ENDLESS:
        handle_http(c);
        break;
    case LAB_SVC_RTSP:
        handle_rtsp(c);
        break;
    case LAB_SVC_TCP:
        handle_tcp(c);
        break;
    default:
        break;
    }
}

static void handle_tls(struct conn *c, const char *p, size_t n)
{
    if (BIO_write(c->rbio, p, (int)n) != (int)n) {
        conn_close(c);
        return;
    }
    if (!c->hs_done) {
        int r = SSL_do_handshake(c->ssl);
        flush_tls(c);
        if (r != 1) {
            int e = SSL_get_error(c->ssl, r);
            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
                conn_close(c);
            ERR_clear_error();
            return;
        }
        c->hs_done = true;
        c->srv->st.tls_handshakes++;
    }
    char buf[16384];
    int k;
    while (!c->closing && (k = SSL_read(c->ssl, buf, sizeof buf)) > 0)
        handle_plain(c, buf, (size_t)k);
    if (!c->closing) {
        flush_tls(c);
        ERR_clear_error();
    }
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
    (void)h;
    (void)suggested;
    static char buf[65536]; /* one loop thread: a single read buffer is enough */
    *b = uv_buf_init(buf, sizeof buf);
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
    struct conn *c = st->data;
    if (n < 0) {
        conn_close(c);
        return;
    }
    if (n == 0 || c->closing)
        return;
    touch(c);
    if (c->ssl)
        handle_tls(c, b->base, (size_t)n);
    else
        handle_plain(c, b->base, (size_t)n);
}

static int device_tls(struct lab_server *s, struct conn *c, struct sl_err *err)
{
    if (s->ssl_ctx == NULL) {
        s->key = lab_tls_key(err);
        if (s->key == NULL)
            return -1;
        s->ssl_ctx = SSL_CTX_new(TLS_server_method());
        if (s->ssl_ctx == NULL)
            return sl_err_set(err, "cannot make a TLS context");
        /* Old embedded TLS stacks still offer TLS 1.0; let scanners see it. */
        SSL_CTX_set_min_proto_version(s->ssl_ctx, TLS1_VERSION);
        SSL_CTX_set_security_level(s->ssl_ctx, 0);
    }
    struct lab_device *d = (struct lab_device *)c->dev; /* the cert cache is server state */
    if (d->tls == NULL) {
        struct sl_buf subj;
        sl_buf_init(&subj, 4096);
        struct lab_xctx x = {.dev = d, .rng = resp_rng()};
        if (lab_expand(&subj, d->prof->tls_subject, strlen(d->prof->tls_subject), &x, err) != 0) {
            sl_buf_free(&subj);
            return -1;
        }
        d->tls = lab_tls_cert(s->key, sl_buf_cstr(&subj), (unsigned long)d->index + 1000, err);
        sl_buf_free(&subj);
        if (d->tls == NULL)
            return -1;
    }
    c->ssl = SSL_new(s->ssl_ctx);
    if (c->ssl == NULL || SSL_use_certificate(c->ssl, d->tls) != 1 ||
        SSL_use_PrivateKey(c->ssl, s->key) != 1)
        return sl_err_set(err, "cannot set up TLS for a connection");
    c->rbio = BIO_new(BIO_s_mem());
    c->wbio = BIO_new(BIO_s_mem());
    SSL_set_bio(c->ssl, c->rbio, c->wbio);
    SSL_set_accept_state(c->ssl);
    return 0;
}

static bool lab_peer_ok(const struct lab_server *s, uint32_t peer)
{
    if (s->mode == LAB_MODE_LOOPBACK)
        return (peer >> 24) == 127;
    /* netns: the lab's own range (the scanner side and other devices) */
    uint32_t mask = s->w->prefix ? ~0u << (32 - s->w->prefix) : 0;
    return (peer & mask) == (s->w->base & mask);
}

static void on_connection(uv_stream_t *server, int status)
{
    struct listener *l = server->data;
    struct lab_server *s = l->srv;
    if (status < 0)
        return;
    struct conn *c = calloc(1, sizeof *c);
    if (c == NULL)
        abort();
    c->srv = s;
    uv_tcp_init(s->loop, &c->tcp);
    uv_timer_init(s->loop, &c->timer);
    c->tcp.data = c;
    c->timer.data = c;
    c->open_handles = 2;
    sl_buf_init(&c->in, LAB_REQ_HEAD_MAX + LAB_REQ_BODY_MAX);
    sl_buf_init(&c->out, LAB_EXPAND_MAX + 64 * 1024);
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    s->st.active++;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
        conn_close(c);
        return;
    }
    struct sockaddr_in la = {0}, pa = {0};
    int ll = sizeof la, pl = sizeof pa;
    uv_tcp_getsockname(&c->tcp, (struct sockaddr *)&la, &ll);
    uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&pa, &pl);
    uint32_t laddr = ntohl(la.sin_addr.s_addr), paddr = ntohl(pa.sin_addr.s_addr);
    c->dev = l->dev ? l->dev : lab_world_find(s->w, laddr);
    c->port = c->dev ? lab_device_port(c->dev, l->port, false) : NULL;
    if (la.sin_family != AF_INET || c->port == NULL || !lab_peer_ok(s, paddr) ||
        s->st.active > LAB_MAX_CONNS || s->stopping) {
        s->st.refused++;
        log_event(s, "tcp", laddr, l->port, &pa, "refused");
        conn_reset(c);
        return;
    }
    s->st.tcp_accepted++;
    log_event(s, "tcp", laddr, l->port, &pa, NULL);
    sl_rng_key(&c->rng, s->w->seed, c->dev->index, s->st.tcp_accepted);
    if (c->port->svc == LAB_SVC_RST) {
        conn_reset(c);
        return;
    }
    if (c->port->svc == LAB_SVC_HTTPS) {
        struct sl_err err = {0};
        if (device_tls(s, c, &err) != 0) {
            fprintf(stderr, "sightline-lab: %s\n", err.msg);
            conn_close(c);
            return;
        }
    }
    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    touch(c);
    if (c->port->svc == LAB_SVC_GARBAGE) {
        while (!c->shut && !c->closing)
            send_garbage(c);
    } else if (c->port->svc == LAB_SVC_TCP) {
        const struct lab_section *g =
            lab_find_section(c->dev->prof, LAB_SECT_TCP_GREET, l->port, "", "", NULL, 0, false);
        if (g) {
            struct sl_buf out;
            sl_buf_init(&out, LAB_EXPAND_MAX);
            struct sl_err err;
            struct lab_xctx x = {.dev = c->dev, .rng = resp_rng(), .port = l->port};
            if (lab_expand(&out, g->head, g->head_len, &x, &err) == 0)
                answer(c, &out, false);
            c->answered = false;
            sl_buf_free(&out);
        }
    }
}

/* ---- UDP ---- */

static void on_udp(uv_poll_t *h, int status, int events)
{
    struct listener *l = h->data;
    struct lab_server *s = l->srv;
    if (status < 0 || !(events & UV_READABLE))
        return;
    for (int k = 0; k < UDP_BATCH; k++) {
        char buf[8192];
        struct sockaddr_in peer;
        char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
        struct iovec iov = {buf, sizeof buf - 1};
        struct msghdr mh = {.msg_name = &peer, .msg_namelen = sizeof peer, .msg_iov = &iov,
                            .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
        ssize_t n = recvmsg(l->fd, &mh, MSG_DONTWAIT);
        if (n < 0)
            return;
        buf[n] = '\0';
        struct in_addr dst = {0};
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
            if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO)
                dst = ((struct in_pktinfo *)CMSG_DATA(cm))->ipi_addr;
        uint32_t daddr = ntohl(dst.s_addr);
        const struct lab_device *d = l->dev ? l->dev : lab_world_find(s->w, daddr);
        const struct lab_port *pt = d ? lab_device_port(d, l->port, true) : NULL;
        uint32_t logaddr = l->dev ? l->dev->addr : daddr;
        if (pt == NULL || !lab_peer_ok(s, ntohl(peer.sin_addr.s_addr))) {
            s->st.refused++;
            log_event(s, "udp", logaddr, l->port, &peer, "ignored");
            continue;
        }
        s->st.udp_received++;
        log_event(s, "udp", logaddr, l->port, &peer, NULL);
        char id[128] = "";
        bool ok = false;
        switch (pt->svc) {
        case LAB_SVC_WSD: ok = lab_wsd_is_probe(buf, (size_t)n, id, sizeof id); break;
        case LAB_SVC_SSDP: ok = lab_ssdp_is_msearch(buf, (size_t)n); break;
        case LAB_SVC_SADP: ok = lab_sadp_is_inquiry(buf, (size_t)n, id, sizeof id); break;
        case LAB_SVC_DHDISCOVER: ok = lab_dhdiscover_is_search(buf, (size_t)n); break;
        default: break;
        }
        if (!ok)
            continue; /* real devices ignore what they do not understand */
        struct sl_buf out;
        sl_buf_init(&out, 60000);
        struct sl_err err = {0};
        if (lab_render_udp(d, pt, id, false, &out, &err) != 0) {
            fprintf(stderr, "sightline-lab: %s\n", err.msg);
            sl_buf_free(&out);
            continue;
        }
        for (unsigned r = 0; r < pt->repeat; r++) {
            struct iovec oi = {out.data, out.len};
            char oc[CMSG_SPACE(sizeof(struct in_pktinfo))];
            memset(oc, 0, sizeof oc);
            struct msghdr om = {.msg_name = &peer, .msg_namelen = sizeof peer, .msg_iov = &oi,
                                .msg_iovlen = 1};
            if (l->dev == NULL) {
                /* Loopback: the reply must come from the device's address. */
                om.msg_control = oc;
                om.msg_controllen = sizeof oc;
                struct cmsghdr *cm = CMSG_FIRSTHDR(&om);
                cm->cmsg_level = IPPROTO_IP;
                cm->cmsg_type = IP_PKTINFO;
                cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
                struct in_pktinfo pi = {0};
                pi.ipi_spec_dst.s_addr = htonl(d->addr);
                memcpy(CMSG_DATA(cm), &pi, sizeof pi);
            }
            if (sendmsg(l->fd, &om, MSG_DONTWAIT) > 0)
                s->st.udp_replies++;
        }
        sl_buf_free(&out);
    }
}

/* ---- listeners ---- */

static void on_listener_closed(uv_handle_t *h)
{
    struct listener *l = h->data;
    if (l->udp && l->fd >= 0)
        close(l->fd); /* uv_poll does not own its socket */
    free(l);
}

static struct listener *new_listener(struct lab_server *s, uint16_t port, bool udp,
                                     const struct lab_device *dev)
{
    struct listener *l = calloc(1, sizeof *l);
    if (l == NULL)
        abort();
    l->srv = s;
    l->fd = -1;
    l->port = port;
    l->udp = udp;
    l->dev = dev;
    return l;
}

/* Starts watching fd; on success the server owns l, on failure l and fd are
 * released. */
static int start_listener(struct lab_server *s, struct listener *l, int fd, struct sl_err *err)
{
    if (s->n_ls == s->cap_ls) {
        s->cap_ls = s->cap_ls ? s->cap_ls * 2 : 64;
        s->ls = realloc(s->ls, s->cap_ls * sizeof *s->ls);
        if (s->ls == NULL)
            abort();
    }
    if (l->udp) {
        if (uv_poll_init_socket(s->loop, &l->h.poll, fd) != 0) {
            close(fd);
            sl_err_set(err, "cannot watch udp port %u", l->port);
            free(l);
            return -1;
        }
        l->fd = fd;
        l->h.poll.data = l;
        uv_poll_start(&l->h.poll, UV_READABLE, on_udp);
        s->ls[s->n_ls++] = l;
        return 0;
    }
    uv_tcp_init(s->loop, &l->h.tcp);
    l->h.tcp.data = l;
    if (uv_tcp_open(&l->h.tcp, fd) != 0) {
        close(fd);
        uv_close((uv_handle_t *)&l->h.tcp, on_listener_closed);
        return sl_err_set(err, "cannot use tcp port %u", l->port);
    }
    int r = uv_listen((uv_stream_t *)&l->h.tcp, 4096, on_connection);
    if (r != 0) {
        uv_close((uv_handle_t *)&l->h.tcp, on_listener_closed);
        return sl_err_set(err, "cannot listen on tcp port %u: %s", l->port, uv_strerror(r));
    }
    s->ls[s->n_ls++] = l;
    return 0;
}

static int open_socket(bool udp, uint32_t addr, uint16_t port, bool bind_lo, struct sl_err *err)
{
    int fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return sl_err_set(err, "socket: %s", strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (udp) {
        setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
        /* A scanner probing thousands of devices sends its discovery datagrams
         * in bursts; the default buffer (about 200 KiB) drops most of one.
         * FORCE passes net.core.rmem_max when privileged; else ask normally. */
        int big = 16 << 20;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) != 0)
            (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    }
    if (bind_lo && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3) != 0) {
        int e = errno;
        close(fd);
        return sl_err_set(err, "cannot bind a socket to the loopback device: %s", strerror(e));
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port),
                             .sin_addr.s_addr = htonl(addr)};
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        if (e == EADDRINUSE)
            return sl_err_set(err, "port %u/%s is already taken on this machine (another lab or "
                                   "service): stop it, or run the lab in a network namespace of "
                                   "its own (--isolate)", port, udp ? "udp" : "tcp");
        if (e == EACCES)
            return sl_err_set(err, "port %u/%s needs privilege (root, CAP_NET_BIND_SERVICE, or "
                                   "'unshare -rn')", port, udp ? "udp" : "tcp");
        return sl_err_set(err, "bind port %u/%s: %s", port, udp ? "udp" : "tcp", strerror(e));
    }
    return fd;
}

struct member_ctx {
    const struct lab_world *w;
    uint16_t port;
    bool udp;
};

static int member(void *vctx, uint32_t addr)
{
    const struct member_ctx *m = vctx;
    const struct lab_device *d = lab_world_find(m->w, addr);
    return d && lab_device_port(d, m->port, m->udp) != NULL;
}

size_t lab_server_ports(const struct lab_server *s, uint16_t *ports, bool *udp, size_t max)
{
    size_t n = 0;
    const struct lab_profile *seen[LAB_MAX_PROFILES];
    size_t ns = 0;
    for (size_t i = 0; i < s->w->n; i++) {
        const struct lab_profile *p = s->w->dev[i].prof;
        bool dup = false;
        for (size_t k = 0; k < ns && !dup; k++)
            dup = seen[k] == p;
        if (dup)
            continue;
        if (ns < LAB_MAX_PROFILES)
            seen[ns++] = p;
        for (size_t k = 0; k < p->n_ports; k++) {
            bool have = false;
            for (size_t j = 0; j < n && !have; j++)
                have = ports[j] == p->ports[k].port && udp[j] == p->ports[k].udp;
            if (!have && n < max) {
                ports[n] = p->ports[k].port;
                udp[n] = p->ports[k].udp;
                n++;
            }
        }
    }
    return n;
}

static bool listens_tcp(void *ctx, uint16_t port)
{
    const struct lab_server *s = ctx;
    for (size_t i = 0; i < s->n_ls; i++)
        if (!s->ls[i]->udp && s->ls[i]->port == port)
            return true;
    return false;
}

static void on_closed_port(void *ctx, uint32_t addr, uint16_t port, uint32_t peer,
                           uint16_t peer_port)
{
    struct lab_server *s = ctx;
    s->st.closed_resets++;
    struct sockaddr_in pa = {0};
    pa.sin_family = AF_INET;
    pa.sin_addr.s_addr = htonl(peer);
    pa.sin_port = htons(peer_port);
    log_event(s, "tcp", addr, port, &pa, "closed");
}

int lab_server_listen_loopback(struct lab_server *s, struct sl_err *err)
{
    uint16_t ports[256];
    bool udp[256];
    size_t np = lab_server_ports(s, ports, udp, 256);
    uint32_t lo = lab_world_addr(s->w->base, 0), hi = lab_world_addr(s->w->base, s->w->n - 1);
    struct sock_filter *prog = calloc(BPF_MAXINSNS, sizeof *prog);
    if (prog == NULL)
        abort();
    int rc = 0;
    for (size_t i = 0; i < np && rc == 0; i++) {
        struct member_ctx m = {s->w, ports[i], udp[i]};
        int n = lab_bpf_build(lo, hi, member, &m, prog, BPF_MAXINSNS, err);
        if (n < 0) {
            rc = -1;
            break;
        }
        int fd = open_socket(udp[i], INADDR_ANY, ports[i], true, err);
        if (fd < 0) {
            rc = -1;
            break;
        }
        struct sock_fprog fp = {(unsigned short)n, prog};
        if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof fp) != 0) {
            rc = sl_err_set(err, "cannot attach the address filter to port %u: %s", ports[i],
                            strerror(errno));
            close(fd);
            break;
        }
        rc = start_listener(s, new_listener(s, ports[i], udp[i], NULL), fd, err);
    }
    free(prog);
    if (rc == 0) {
        /* Closed ports reset like a real host's when raw sockets are allowed;
         * otherwise they stay filtered (the listeners' BPF drops the SYN). */
        struct sl_err rerr = {0};
        s->rst = lab_rst_start(s->loop, s->w, listens_tcp, on_closed_port, s, &rerr);
        s->closed_ports_reset = s->rst != NULL;
    }
    return rc;
}

bool lab_server_resets_closed(const struct lab_server *s)
{
    return s->closed_ports_reset;
}

int lab_server_listen_device(struct lab_server *s, const struct lab_device *d, struct sl_err *err)
{
    const struct lab_profile *p = d->prof;
    for (size_t i = 0; i < p->n_ports; i++) {
        const struct lab_port *pt = &p->ports[i];
        int fd = open_socket(pt->udp, pt->udp ? INADDR_ANY : d->addr, pt->port, false, err);
        if (fd < 0)
            return -1;
        if (pt->udp) {
            /* Discovery is multicast: WS-Discovery, SSDP and SADP use
             * 239.255.255.250, DHDiscover 239.255.255.251 (fingerprints.md
             * §1.9, §1.11-1.13). */
            struct ip_mreq mr = {0};
            mr.imr_multiaddr.s_addr = htonl(pt->svc == LAB_SVC_DHDISCOVER ? 0xEFFFFFFBu : 0xEFFFFFFAu);
            mr.imr_interface.s_addr = htonl(d->addr);
            if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr) != 0) {
                int e = errno;
                close(fd);
                return sl_err_set(err, "multicast membership for port %u: %s", pt->port, strerror(e));
            }
            int one = 1;
            setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
        }
        if (start_listener(s, new_listener(s, pt->port, pt->udp, d), fd, err) != 0)
            return -1;
    }
    return 0;
}

/* ---- lifecycle ---- */

static void write_stats(struct lab_server *s)
{
    if (s->stats_path == NULL)
        return;
    char buf[512];
    int n = snprintf(buf, sizeof buf,
                     "tcp_accepted %llu\nudp_received %llu\nudp_replies %llu\nrefused %llu\n"
                     "active %llu\ntls_handshakes %llu\nclosed_resets %llu\n",
                     (unsigned long long)s->st.tcp_accepted, (unsigned long long)s->st.udp_received,
                     (unsigned long long)s->st.udp_replies, (unsigned long long)s->st.refused,
                     (unsigned long long)s->st.active, (unsigned long long)s->st.tls_handshakes,
                     (unsigned long long)s->st.closed_resets);
    sl_write_file(s->stats_path, buf, (size_t)n, NULL);
}

static void on_stats(uv_timer_t *t)
{
    write_stats(t->data);
}

struct lab_server *lab_server_new(uv_loop_t *loop, const struct lab_world *w, enum lab_mode mode,
                                  const char *connlog, const char *stats, struct sl_err *err)
{
    struct lab_server *s = calloc(1, sizeof *s);
    if (s == NULL)
        abort();
    s->loop = loop;
    s->w = w;
    s->mode = mode;
    if (connlog) {
        s->connlog = sl_stream_open(connlog, true, NULL);
        if (s->connlog == NULL) {
            sl_err_set(err, "cannot open the connection log %s: %s", connlog, strerror(errno));
            free(s);
            return NULL;
        }
    }
    if (stats) {
        s->stats_path = strdup(stats);
        uv_timer_init(loop, &s->stats_timer);
        s->stats_timer.data = s;
        uv_timer_start(&s->stats_timer, on_stats, 1000, 1000);
    }
    return s;
}

void lab_server_stop(struct lab_server *s)
{
    if (s->stopping)
        return;
    s->stopping = true;
    write_stats(s);
    for (size_t i = 0; i < s->n_ls; i++) {
        struct listener *l = s->ls[i];
        uv_handle_t *h = l->udp ? (uv_handle_t *)&l->h.poll : (uv_handle_t *)&l->h.tcp;
        h->data = l;
        uv_close(h, on_listener_closed);
    }
    s->n_ls = 0;
    lab_rst_stop(s->rst);
    s->rst = NULL;
    for (struct conn *c = s->conns; c; c = c->next)
        conn_close(c);
    if (s->stats_path)
        uv_close((uv_handle_t *)&s->stats_timer, NULL);
}

void lab_server_free(struct lab_server *s)
{
    if (s == NULL)
        return;
    if (s->connlog)
        fclose(s->connlog);
    free(s->stats_path);
    free(s->ls);
    for (size_t i = 0; i < s->w->n; i++) {
        struct lab_device *d = &((struct lab_world *)s->w)->dev[i];
        if (d->tls) {
            X509_free(d->tls);
            d->tls = NULL;
        }
    }
    SSL_CTX_free(s->ssl_ctx);
    EVP_PKEY_free(s->key);
    free(s);
}

void lab_server_get_stats(const struct lab_server *s, struct lab_server_stats *out)
{
    *out = s->st;
}
