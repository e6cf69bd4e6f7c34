/* talk.c - the conversation on one port (engine.h): the port's plan from
 * probe/request.h step by step, each answer recorded as evidence, banner
 * ports heard out, deadlines turned into evidence. Connects nothing itself. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "proto/xml.h"
#include "scan/engine.h"
#include "util/str.h"
#include "util/timeutil.h"

#define BANNER_WAIT_MS 150u /* how long a banner port may stay silent before we speak */
#define QUIET_MS 80u        /* after a binary answer, how long to wait for more */

/* What we said before a binary answer: nothing (a greeting), the DVRIP hello, or
 * the GET / that a silent port got. */
static const char *raw_request_name(const struct conn *c)
{
    if (c->kind == SL_PK_DVRIP)
        return "dvrip hello";
    return c->n_steps > 0 && (c->steps[0]->flags & SL_STEP_FALLBACK) ? "GET" : "greeting";
}

enum sl_proto sl_eng_step_proto(const struct conn *c)
{
    if (c->kind == SL_PK_RTSP)
        return SL_PROTO_RTSP;
    return SL_PROTO_HTTP;
}

static bool looks_like_soap(const uint8_t *b, size_t n)
{
    size_t i = 0;
    while (i < n && (b[i] == ' ' || b[i] == '\r' || b[i] == '\n' || b[i] == '\t'))
        i++;
    return i < n && b[i] == '<' && sl_memcasemem((const char *)b + i, n - i, "Envelope") != NULL;
}

/* Records the answer to the current step. */
void sl_eng_record_step(struct conn *c, enum sl_outcome outcome, const char *detail)
{
    const struct sl_step *s = c->steps[c->step];
    enum sl_proto proto = sl_eng_step_proto(c);
    const uint8_t *data = c->raw.data;
    size_t len = c->raw.len;
    if ((s->flags & SL_STEP_ONVIF) && c->http.head_done) {
        size_t blen;
        const uint8_t *body = sl_http_body(&c->http, &blen);
        if (looks_like_soap(body, blen)) {
            proto = SL_PROTO_ONVIF;
            data = body;
            len = blen;
        }
    }
    if ((s->flags & SL_STEP_FALLBACK) && !c->http.head_done)
        proto = SL_PROTO_TCP;
    sl_eng_add_ev(c->e, c->h, proto, outcome, c->port, s->request, s->path, data, len, detail);
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

static bool plans_creds(const struct conn *c)
{
    for (unsigned i = 0; i < c->n_steps; i++)
        if (c->steps[i]->flags & SL_STEP_CREDS)
            return true;
    return false;
}

/* True when a TLS handshake with the host succeeded (on any port). */
static bool host_has_tls(const struct sl_host *h)
{
    for (const struct sl_ev_item *it = h->ev_head; it != NULL; it = it->next)
        if (it->ev.proto == SL_PROTO_TLS && it->ev.outcome == SL_OUTCOME_OK)
            return true;
    return false;
}

static void next_step(struct conn *c, bool must_reconnect)
{
    c->step++;
    if (c->step >= c->n_steps) {
        sl_eng_conn_finish(c);
        return;
    }
    /* Over TLS every further path can cost a handshake on both sides; when the
     * device's web UI already answered in the clear, the vendor endpoints were
     * (or are being) asked there. */
    if (c->kind == SL_PK_HTTPS && host_has_plain_http(c->h, c->port)) {
        /* ... except ONVIF with credentials, which prefers TLS (talk_send) */
        while (c->step < c->n_steps && !(c->steps[c->step]->flags & SL_STEP_ONVIF))
            c->step++;
        if (c->step >= c->n_steps || !plans_creds(c)) {
            sl_eng_conn_finish(c);
            return;
        }
    }
    if (must_reconnect && c->kind == SL_PK_HTTPS && c->sess == NULL &&
        (c->tls == NULL || !sl_tls_session_resumable(c->tls))) {
        /* Another full TLS handshake per path costs the device (and us) more than
         * the path is worth: without a session to resume, stop here. */
        sl_eng_conn_finish(c);
        return;
    }
    /* Each exchange (connect, TLS, one request and its answer) has its own
     * deadline; a probe has at most SL_ENG_MAX_STEPS of them. */
    uv_timer_start(&c->deadline, sl_eng_on_deadline, c->e->timeout_ms, 0);
    if (must_reconnect)
        sl_eng_conn_reconnect(c);
    else
        sl_eng_talk_send(c);
}

static int onvif_date_elem(const struct sl_xml_elem *e, void *ctx)
{
    if (strcmp(e->local, "GetSystemDateAndTimeResponse") == 0)
        *(bool *)ctx = true;
    return 0;
}

/* True when the host already gave a well-formed ONVIF answer: our
 * unauthenticated GetSystemDateAndTime, answered with SOAP that parses whole
 * and holds its response element. Only then do credentials go to it. */
static bool host_spoke_onvif(const struct sl_host *h)
{
    for (const struct sl_ev_item *it = h->ev_head; it != NULL; it = it->next) {
        if (it->ev.proto != SL_PROTO_ONVIF || it->ev.outcome != SL_OUTCOME_OK)
            continue;
        bool found = false;
        struct sl_err err = {0};
        if (sl_xml_parse((const char *)it->ev.data, it->ev.len, NULL, onvif_date_elem, &found,
                         &err) == 0 &&
            found)
            return true;
    }
    return false;
}

void sl_eng_talk_send(struct conn *c)
{
    const struct sl_step *s = c->steps[c->step];
    struct sl_buf req;
    sl_buf_init(&req, 16 * 1024);
    struct sl_step_ctx ctx = {.host = c->h->addr_s, .port = c->port, .cseq = c->step + 1};
    char created[SL_ISO_LEN];
    if ((s->flags & SL_STEP_CREDS) &&
        (!host_spoke_onvif(c->h) || (c->kind == SL_PK_HTTP && host_has_tls(c->h)))) {
        /* No well-formed ONVIF answer from this host: its WS-UsernameToken digest
         * (crackable offline) is not sent to something that may not be a camera.
         * And a host that speaks TLS gets it over TLS only (its HTTPS port's
         * conversation asks). */
        next_step(c, false);
        return;
    }
    if (s->flags & SL_STEP_CREDS) {
        const struct sl_cred *cr = sl_creds_for(c->e->o->creds, &c->h->addr);
        sl_time_iso(sl_now(), created);
        if (cr != NULL) {
            ctx.user = cr->user;
            ctx.password = cr->password;
            ctx.created = created;
        }
    }
    int rc = s->build(&req, s, &ctx);
    if (rc != 0) {
        sl_buf_free(&req);
        next_step(c, false);
        return;
    }
    sl_http_reset(&c->http);
    sl_buf_reset(&c->raw);
    c->state = CS_READING;
    sl_eng_conn_write(c, req.data, req.len);
    if (s->flags & SL_STEP_CREDS)
        OPENSSL_cleanse(req.data, req.len);
    sl_buf_free(&req);
}

/* Plaintext from the device. */
void sl_eng_talk_plain(struct conn *c, const uint8_t *data, size_t n)
{
    if (c->state == CS_BANNER || c->state == CS_RAW) {
        bool was_banner = c->state == CS_BANNER;
        size_t took = sl_buf_append_upto(&c->raw, data, n);
        c->state = CS_RAW;
        if (took < n || c->raw.len >= 4096) {
            sl_eng_add_ev(c->e, c->h, SL_PROTO_TCP, took < n ? SL_OUTCOME_TOO_LARGE : SL_OUTCOME_OK,
                   c->port, raw_request_name(c), NULL, c->raw.data, c->raw.len,
                   took < n ? "answer passed its bound" : NULL);
            sl_eng_conn_finish(c);
            return;
        }
        (void)was_banner;
        /* Binary answers have no framing we trust: take what comes until a quiet gap. */
        c->aux_on = true;
        uv_timer_stop(&c->aux);
        uv_timer_start(&c->aux, sl_eng_on_aux, QUIET_MS, 0);
        return;
    }
    if (c->state != CS_READING)
        return;
    sl_buf_append_upto(&c->raw, data, n);
    enum sl_http_result r = sl_http_feed(&c->http, data, n);
    if (r == SL_HTTP_MORE)
        return;
    if (r == SL_HTTP_ERROR) {
        if (c->steps[c->step]->flags & SL_STEP_FALLBACK) {
            /* A binary service answering our GET: its bytes are the evidence. */
            c->state = CS_RAW;
            c->aux_on = true;
            uv_timer_stop(&c->aux);
            uv_timer_start(&c->aux, sl_eng_on_aux, QUIET_MS, 0);
            return;
        }
        /* One malformed answer (a NUL in a header) must not hide the device: the
         * next path is asked on a new connection (the stream is out of step). */
        sl_eng_record_step(c, SL_OUTCOME_MALFORMED, sl_http_error(&c->http));
        next_step(c, true);
        return;
    }
    bool trunc = c->http.truncated;
    sl_eng_record_step(c, trunc ? SL_OUTCOME_TOO_LARGE : SL_OUTCOME_OK,
                trunc ? "body passed its bound; cut" : NULL);
    if (trunc) {
        /* a port that answered past its bound gets no more questions: its next
         * answers would only spend the host's evidence budget */
        sl_eng_conn_finish(c);
        return;
    }
    next_step(c, wants_close(&c->http));
}

void sl_eng_talk_eof(struct conn *c)
{
    switch (c->state) {
    case CS_READING: {
        enum sl_http_result r = sl_http_finish(&c->http);
        if (r == SL_HTTP_DONE) {
            sl_eng_record_step(c, SL_OUTCOME_OK, NULL);
            next_step(c, true);
        } else {
            sl_eng_record_step(c, c->raw.len > 0 ? SL_OUTCOME_MALFORMED : SL_OUTCOME_CLOSED,
                        c->raw.len > 0 ? sl_http_error(&c->http)
                                       : "closed the connection without answering");
            /* A device that closes without a word will not answer the next path either. */
            if (c->raw.len == 0)
                sl_eng_conn_finish(c);
            else
                next_step(c, true);
        }
        break;
    }
    case CS_RAW:
        sl_eng_add_ev(c->e, c->h, SL_PROTO_TCP, SL_OUTCOME_OK, c->port, raw_request_name(c), NULL,
               c->raw.data, c->raw.len, NULL);
        sl_eng_conn_finish(c);
        break;
    case CS_TLS:
        sl_eng_add_ev(c->e, c->h, SL_PROTO_TLS, SL_OUTCOME_TLS_FAILED, c->port, "handshake", NULL, NULL,
               0, "closed during the TLS handshake");
        sl_eng_conn_finish(c);
        break;
    case CS_BANNER:
        if (c->kind == SL_PK_DVRIP)
            sl_eng_add_ev(c->e, c->h, SL_PROTO_TCP, SL_OUTCOME_CLOSED, c->port, "dvrip hello", NULL,
                   NULL, 0, "closed without answering");
        sl_eng_conn_finish(c);
        break;
    default:
        sl_eng_conn_finish(c);
    }
}

void sl_eng_on_aux(uv_timer_t *t)
{
    struct conn *c = t->data;
    c->aux_on = false;
    if (c->state == CS_BANNER && c->kind == SL_PK_LISTEN) {
        sl_eng_add_ev(c->e, c->h, SL_PROTO_TCP, SL_OUTCOME_OK, c->port, "greeting", NULL, NULL, 0,
               "open; no greeting (nothing is sent to this port)");
        sl_eng_conn_finish(c);
    } else if (c->state == CS_BANNER) {
        /* Silent: speak HTTP, as nmap's GetRequest does after its NULL probe. */
        c->steps[0] = &sl_step_get_fallback;
        c->n_steps = 1;
        c->step = 0;
        sl_eng_talk_send(c);
    } else if (c->state == CS_RAW) {
        sl_eng_add_ev(c->e, c->h, SL_PROTO_TCP, SL_OUTCOME_OK, c->port, raw_request_name(c), NULL,
               c->raw.data, c->raw.len, NULL);
        sl_eng_conn_finish(c);
    }
}

void sl_eng_on_deadline(uv_timer_t *t)
{
    struct conn *c = t->data;
    char detail[160];
    unsigned ms = c->e->timeout_ms;
    switch (c->state) {
    case CS_CONNECTING: break; /* filtered or unreachable: not evidence */
    case CS_TLS:
        snprintf(detail, sizeof detail, "TLS handshake did not finish within %u ms", ms);
        sl_eng_add_ev(c->e, c->h, SL_PROTO_TLS, SL_OUTCOME_TIMEOUT, c->port, "handshake", NULL, NULL, 0,
               detail);
        break;
    case CS_READING:
        snprintf(detail, sizeof detail, "no complete answer within %u ms (%zu bytes)", ms,
                 c->raw.len);
        sl_eng_record_step(c, SL_OUTCOME_TIMEOUT, detail);
        break;
    case CS_BANNER:
    case CS_RAW:
        snprintf(detail, sizeof detail, "no complete answer within %u ms (%zu bytes)", ms,
                 c->raw.len);
        sl_eng_add_ev(c->e, c->h, SL_PROTO_TCP, SL_OUTCOME_TIMEOUT, c->port, raw_request_name(c), NULL,
               c->raw.data, c->raw.len, detail);
        break;
    default: break;
    }
    sl_eng_conn_finish(c);
}

void sl_eng_talk_begin(struct conn *c)
{
    switch (c->kind) {
    case SL_PK_HTTP:
    case SL_PK_HTTPS:
    case SL_PK_RTSP:
        sl_eng_talk_send(c);
        break;
    case SL_PK_DVRIP:
        c->state = CS_BANNER;
        sl_eng_raw_write(c, sl_req_dvrip_hello, sizeof sl_req_dvrip_hello);
        break;
    default: {
        unsigned half = c->e->timeout_ms / 2;
        c->state = CS_BANNER;
        c->aux_on = true;
        uv_timer_start(&c->aux, sl_eng_on_aux, BANNER_WAIT_MS < half ? BANNER_WAIT_MS : half, 0);
        break;
    }
    }
}

void sl_eng_talk_plan(struct conn *c)
{
    bool creds = sl_creds_for(c->e->o->creds, &c->h->addr) != NULL;
    c->n_steps = (unsigned)sl_probe_plan(c->kind, creds, c->steps, SL_ENG_MAX_STEPS);
}
