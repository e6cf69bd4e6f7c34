/* agent_api.c - the agents' endpoint: mutual TLS (libmicrohttpd over GnuTLS;
 * the certificate is checked with OpenSSL against the agent CA), enrolment,
 * configuration and batches. The dashboard's server is server.c. */
#include "web/agent_api.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <gnutls/gnutls.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ident/ident.h"
#include "net/pki.h"
#include "policy/policy.h"
#include "scan/batch.h"
#include "store/agents.h"
#include "util/buf.h"
#include "util/datadir.h"
#include "util/siphash.h"
#include "util/str.h"
#include "web/agent_writer.h"
#include "web/internal.h"

#define SMALL_BODY (64 * 1024)
#define POOL_MAX 64
#define RATE_SLOTS 4096
#define WRITERS 2 /* threads applying batches (agent_writer.h): one judges while one waits on the register */

struct rate_slot {
    char uid[SL_PKI_UID_LEN + 1];
    int64_t window; /* the minute */
    unsigned count;
};

struct sl_agent_srv {
    struct sl_agent_srv_opts o;
    char db[1024];
    int fd;
    struct MHD_Daemon *d;
    struct sl_pki_ca ca;
    char *cert_pem, *key_pem;
    struct sl_ident *ident;
    struct sl_policy_set *policies;
    pthread_mutex_t lock; /* guards pool and rates */
    struct sl_store *pool[POOL_MAX];
    size_t n_pool;
    struct rate_slot *rates;
    struct agent_writer *writer;
};

struct areq {
    struct sl_buf body;
    bool too_large;
    char addr[64];
    /* A batch handed to the writers: the connection is suspended until done. */
    struct sl_batch_job job;
    struct MHD_Connection *c;
    bool queued;
    atomic_bool done;
};

/* ---- register connections: a pool, one per request in flight ---- */

static struct sl_store *pool_take(struct sl_agent_srv *a, struct sl_err *err)
{
    pthread_mutex_lock(&a->lock);
    struct sl_store *s = a->n_pool > 0 ? a->pool[--a->n_pool] : NULL;
    pthread_mutex_unlock(&a->lock);
    if (s == NULL && sl_store_open(&s, a->db, 0, err) != 0)
        return NULL;
    return s;
}

static void pool_put(struct sl_agent_srv *a, struct sl_store *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&a->lock);
    bool kept = a->n_pool < POOL_MAX;
    if (kept)
        a->pool[a->n_pool++] = s;
    pthread_mutex_unlock(&a->lock);
    if (!kept)
        sl_store_close(s);
}

/* ---- responses ---- */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *ctype,
                             const char *body)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result reply_json(struct MHD_Connection *c, unsigned status, json_t *j)
{
    char *text = j != NULL ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    enum MHD_Result rc = reply(c, text != NULL ? status : 500, "application/json",
                               text != NULL ? text : "{\"error\":\"out of memory\"}");
    free(text);
    return rc;
}

/* A refusal: logged (peer, path, why) and answered {"error": why}. */
static enum MHD_Result refuse(struct MHD_Connection *c, const struct areq *r, const char *path,
                              unsigned status, const char *why)
{
    fprintf(stderr, "sightline serve: agent endpoint: %s %s refused (%u): %s\n", r->addr, path,
            status, why);
    return reply_json(c, status, json_pack("{s:s}", "error", why));
}

/* ---- who is asking ---- */

/* The enrolled agent behind the connection's client certificate: 1 and *ag,
 * or 0 with why set (no certificate, not ours, expired, unknown, revoked). */
static int peer_agent(struct sl_agent_srv *a, struct MHD_Connection *c, struct sl_store *s,
                      struct sl_agent *ag, char *why, size_t whyn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    gnutls_session_t sess = ci != NULL ? (gnutls_session_t)ci->tls_session : NULL;
    unsigned n = 0;
    const gnutls_datum_t *peers = sess != NULL ? gnutls_certificate_get_peers(sess, &n) : NULL;
    if (peers == NULL || n == 0) {
        snprintf(why, whyn, "no client certificate");
        return 0;
    }
    char uid[SL_PKI_UID_LEN + 1], sha[65];
    struct sl_err err = {0};
    if (sl_pki_check_client(&a->ca, peers[0].data, peers[0].size, sl_now(), uid, sha, &err) != 0) {
        snprintf(why, whyn, "%s", err.msg);
        return 0;
    }
    int rc = sl_store_agent_get(s, sha, ag, &err);
    if (rc < 0)
        snprintf(why, whyn, "the register cannot be read: %s", err.msg);
    else if (rc == 0 || strcmp(ag->uid, uid) != 0)
        snprintf(why, whyn, "certificate of no enrolled agent (uid %s)", uid);
    else if (ag->revoked_at != 0)
        snprintf(why, whyn, "agent '%s' is revoked", ag->name);
    else
        return 1;
    return 0;
}

/* Fixed one-minute windows per agent, in a hashed table (a collision shares
 * a slot with its last user: the newcomer resets it). */
static bool rate_ok(struct sl_agent_srv *a, const char *uid)
{
    static const uint8_t key[16] = "sightline-rates";
    size_t i = (size_t)(sl_siphash24(key, uid, strlen(uid)) % RATE_SLOTS);
    int64_t minute = sl_now() / 60;
    pthread_mutex_lock(&a->lock);
    struct rate_slot *r = &a->rates[i];
    if (strcmp(r->uid, uid) != 0 || r->window != minute) {
        sl_strlcpy(r->uid, uid, sizeof r->uid);
        r->window = minute;
        r->count = 0;
    }
    bool ok = ++r->count <= a->o.rate;
    pthread_mutex_unlock(&a->lock);
    return ok;
}

/* ---- enrolment ---- */

static bool name_ok(const char *n)
{
    size_t len = strlen(n);
    if (len == 0 || len >= 64)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' && n[i] <= 'Z') ||
              (n[i] >= '0' && n[i] <= '9') || strchr("-_.", n[i]) != NULL))
            return false;
    return true;
}

/* The token's secret from "SLT1.SECRET.CAHASH" (or the bare secret). */
static int token_secret(const char *token, char *secret, size_t n)
{
    const char *p = sl_str_starts_with(token, "SLT1.") ? token + 5 : token;
    size_t len = strcspn(p, ".");
    if (len != 64 || strspn(p, "0123456789abcdef") < 64 || len >= n)
        return -1;
    memcpy(secret, p, len);
    secret[len] = '\0';
    return 0;
}

static json_t *enrol_answer(const struct sl_agent_srv *a, const struct sl_agent *ag,
                            const char *cert)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "uid", ag->uid, "name", ag->name, "cert",
                     cert, "ca", a->ca.cert_pem, "sites", ag->sites, "schedule",
                     (json_int_t)ag->schedule);
}

static enum MHD_Result do_enrol(struct sl_agent_srv *a, struct MHD_Connection *c,
                                struct areq *r, struct sl_store *s)
{
    json_error_t je;
    json_t *j = json_loadb((const char *)r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &je);
    const char *token = NULL, *csr = NULL, *name = NULL;
    char secret[80], sha[65], uid[SL_PKI_UID_LEN + 1], cert_sha[65], why[SL_ERR_MAX + 32];
    if (j == NULL || json_unpack_ex(j, &je, JSON_STRICT, "{s:s, s:s, s?s}", "token", &token, "csr",
                                    &csr, "name", &name) != 0 ||
        token_secret(token, secret, sizeof secret) != 0) {
        json_decref(j);
        return refuse(c, r, "/agent/v1/enrol", 400, "enrolment needs {\"token\", \"csr\"}");
    }
    sl_pki_sha256_hex(secret, strlen(secret), sha);
    struct sl_err err = {0};
    int64_t site_id = 0;
    const char *bad = NULL;
    struct sl_site site = {0};
    int rc = sl_store_agent_token_check(s, sha, sl_now(), &site_id, &bad, &err);
    char *cert = NULL;
    struct sl_agent ag;
    if (rc == 1 && sl_pki_random_hex(uid, SL_PKI_UID_LEN / 2) == 0 &&
        sl_store_site_get_id(s, site_id, &site, &err) == 1) {
        char defname[SL_NAME_MAX];
        snprintf(defname, sizeof defname, "agent-%.8s", uid);
        struct sl_agent_enrolment e = {.token_sha256 = sha, .uid = uid,
                                       .name = name != NULL ? name : defname,
                                       .now = sl_now()};
        if (!name_ok(e.name))
            rc = sl_err_setk(&err, SL_ERR_INVALID, "the name is not 1 to 63 of A-Z a-z 0-9 - _ .");
        else if (sl_pki_issue(&a->ca, csr, strlen(csr), uid, site.name, a->o.cert_days, &cert,
                              cert_sha, &e.not_after, &err) != 0)
            rc = -1;
        else {
            e.cert_pem = cert;
            e.cert_sha256 = cert_sha;
            rc = sl_store_agent_enrol(s, &e, &ag, &err) == 0 ? 2 : -1;
        }
    }
    sl_site_free(&site);
    json_decref(j);
    enum MHD_Result out;
    if (rc == 2) {
        fprintf(stderr, "sightline serve: agent endpoint: %s enrolled agent '%s' (%s) for site %s\n",
                r->addr, ag.name, ag.uid, ag.sites);
        out = reply_json(c, 200, enrol_answer(a, &ag, cert));
    } else {
        snprintf(why, sizeof why, "enrolment refused: %s", rc == 0 ? bad : err.msg);
        out = refuse(c, r, "/agent/v1/enrol",
                     rc == 0 || err.kind == SL_ERR_INVALID || err.kind == SL_ERR_CONFLICT ||
                             err.kind == SL_ERR_EXISTS || err.kind == SL_ERR_NOT_FOUND
                         ? 403
                         : 503,
                     why);
    }
    free(cert);
    return out;
}

/* ---- configuration and batches ---- */

/* What the agent says of itself in headers: its version and spool. */
static void note_visit(struct MHD_Connection *c, struct sl_store *s, const struct sl_agent *ag)
{
    const char *ver = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Sightline-Version");
    const char *sp = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Sightline-Spool");
    long long batches = 0, bytes = 0;
    int full = 0;
    if (sp != NULL && sscanf(sp, "%lld %lld %d", &batches, &bytes, &full) != 3)
        batches = bytes = full = 0;
    char v[32];
    sl_strlcpy(v, ver != NULL ? ver : "", sizeof v);
    struct sl_err err = {0};
    if (sl_store_agent_seen(s, ag->id, sl_now(), v, batches, bytes, full != 0, &err) != 0)
        fprintf(stderr, "sightline serve: agent endpoint: noting agent '%s': %s\n", ag->name,
                err.msg);
}

static enum MHD_Result do_config(struct MHD_Connection *c, struct areq *r, struct sl_store *s,
                                 const struct sl_agent *ag)
{
    int64_t ids[SL_AGENT_MAX_SITES];
    size_t n = 0;
    struct sl_err err = {0};
    if (sl_store_agent_site_ids(s, ag->id, ids, SL_AGENT_MAX_SITES, &n, &err) != 0)
        return refuse(c, r, "/agent/v1/config", 503, err.msg);
    json_t *sites = json_array();
    for (size_t i = 0; i < n; i++) {
        struct sl_site site = {0};
        if (sl_store_site_get_id(s, ids[i], &site, &err) != 1) {
            sl_site_free(&site);
            continue;
        }
        json_t *nets = json_array();
        for (size_t k = 0; k < site.n_networks; k++)
            json_array_append_new(nets, json_string(site.networks[k]));
        json_array_append_new(sites, json_pack("{s:s, s:s, s:o}", "name", site.name, "tier",
                                               sl_tier_name(site.tier), "networks", nets));
        sl_site_free(&site);
    }
    return reply_json(c, 200, json_pack("{s:i, s:s, s:s, s:o, s:I, s:s}", "v", 1, "uid", ag->uid,
                                        "name", ag->name, "sites", sites, "schedule",
                                        (json_int_t)ag->schedule, "profile", "default"));
}

/* The answer to a batch once its fate is known (r->job). */
static enum MHD_Result batch_answer(struct MHD_Connection *c, struct areq *r, int rc)
{
    const struct sl_batch_job *j = &r->job;
    char why[SL_ERR_MAX + SL_NAME_MAX + 48];
    if (rc != 0) {
        snprintf(why, sizeof why, "batch of agent '%s' refused: %s", j->agent.name, j->err.msg);
        unsigned st = j->err.kind == SL_ERR_INVALID    ? 400
                      : j->err.kind == SL_ERR_CONFLICT ? 403
                                                       : 503;
        return refuse(c, r, "/agent/v1/batch", st, why);
    }
    if (!j->res.applied)
        fprintf(stderr, "sightline serve: agent endpoint: agent '%s' sent batch %s again: "
                        "acknowledged, not applied\n", j->agent.name, j->b.uuid);
    return reply_json(c, 200, json_pack("{s:s, s:b, s:I, s:I}", "ack", j->b.uuid, "applied",
                                        j->res.applied, "hosts", (json_int_t)j->res.hosts,
                                        "devices", (json_int_t)j->res.devices));
}

/* A writer's word that r's batch is committed (or failed): the connection
 * goes on (the handler is called again and answers). */
static void batch_done(void *ctx)
{
    struct areq *r = ctx;
    atomic_store_explicit(&r->done, true, memory_order_release);
    MHD_resume_connection(r->c);
}

/* Checked here (parse, signature, once, sites); applied by a writer, the
 * connection suspended meanwhile; answered after the commit. */
static enum MHD_Result do_batch(struct sl_agent_srv *a, struct MHD_Connection *c,
                                struct areq *r, struct sl_store *s, const struct sl_agent *ag)
{
    int rc = sl_batch_check(s, ag, (const char *)r->body.data, r->body.len, &r->job, &r->job.err);
    if (rc <= 0)
        return batch_answer(c, r, rc);
    /* Suspended before it is queued: a writer may be done (and resume it) at once. */
    r->c = c;
    r->queued = true;
    MHD_suspend_connection(c);
    if (agent_writer_submit(a->writer, &r->job, batch_done, r) != 0) {
        r->job.rc = sl_err_setk(&r->job.err, SL_ERR_UNAVAILABLE,
                                "the server is busy (its writers' queue is full): send again later");
        batch_done(r);
    }
    return MHD_YES;
}

/* ---- the server ---- */

static void peer_addr(struct MHD_Connection *c, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    sl_strlcpy(out, "unknown", n);
    const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;
    if (sa != NULL && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)n);
    else if (sa != NULL && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)n);
}

/* A whole request, its body read: routes it. */
static enum MHD_Result route(struct sl_agent_srv *a, struct MHD_Connection *c, struct areq *r,
                             const char *url, const char *method)
{
    bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
    if (get && strcmp(url, "/agent/v1/ca") == 0)
        return reply(c, 200, "application/x-pem-file", a->ca.cert_pem);
    bool enrol = post && strcmp(url, "/agent/v1/enrol") == 0;
    bool config = get && strcmp(url, "/agent/v1/config") == 0;
    bool batch = post && strcmp(url, "/agent/v1/batch") == 0;
    if (!enrol && !config && !batch)
        return refuse(c, r, url, 404, "no such agent endpoint");
    if (r->too_large)
        return refuse(c, r, url, 413, "the request is larger than allowed");
    struct sl_err err = {0};
    struct sl_store *s = pool_take(a, &err);
    if (s == NULL) {
        fprintf(stderr, "sightline serve: agent endpoint: %s\n", err.msg);
        return refuse(c, r, url, 503, "the register cannot be opened just now");
    }
    enum MHD_Result out;
    struct sl_agent ag;
    char why[SL_ERR_MAX + 64];
    if (enrol) {
        out = do_enrol(a, c, r, s);
    } else if (peer_agent(a, c, s, &ag, why, sizeof why) != 1) {
        out = refuse(c, r, url, 403, why);
    } else if (!rate_ok(a, ag.uid)) {
        snprintf(why, sizeof why, "agent '%s' is over its rate limit (%u requests a minute)",
                 ag.name, a->o.rate);
        out = refuse(c, r, url, 429, why);
    } else {
        note_visit(c, s, &ag);
        out = config ? do_config(c, r, s, &ag) : do_batch(a, c, r, s, &ag);
    }
    pool_put(a, s);
    return out;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **state)
{
    (void)version;
    struct sl_agent_srv *a = cls;
    struct areq *r = *state;
    if (r == NULL) {
        if ((r = calloc(1, sizeof *r)) == NULL)
            return MHD_NO;
        bool batch = strcmp(url, "/agent/v1/batch") == 0;
        sl_buf_init(&r->body, batch ? a->o.max_batch : SMALL_BODY);
        peer_addr(c, r->addr, sizeof r->addr);
        *state = r;
        return MHD_YES;
    }
    if (r->queued) { /* resumed by batch_done */
        r->queued = false;
        if (!atomic_load_explicit(&r->done, memory_order_acquire))
            return MHD_NO; /* cannot be: resumed only once done */
        return batch_answer(c, r, r->job.rc);
    }
    if (*upload_size != 0) {
        if (!r->too_large && sl_buf_append(&r->body, upload, *upload_size) != 0)
            r->too_large = true;
        *upload_size = 0;
        return MHD_YES;
    }
    return route(a, c, r, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct areq *r = *state;
    if (r != NULL) {
        sl_batch_job_free(&r->job);
        sl_buf_free(&r->body);
        free(r);
    }
    *state = NULL;
}

/* GnuTLS's own complaints about a handshake (another CA's certificate, an old
 * protocol) reach the log through libmicrohttpd's error logger. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    fputs("sightline serve: agent endpoint: ", stderr);
    vfprintf(stderr, fmt, ap);
}

int sl_agent_srv_prepare(const struct sl_agent_srv_opts *o, struct sl_agent_srv **out,
                         char *info, size_t infon, struct sl_err *err)
{
    struct sl_agent_srv *a = calloc(1, sizeof *a);
    if (a == NULL || (a->rates = calloc(RATE_SLOTS, sizeof *a->rates)) == NULL) {
        free(a);
        return sl_err_set(err, "out of memory");
    }
    a->o = *o;
    if (a->o.max_batch == 0 || a->o.max_batch > SL_BATCH_MAX_BYTES)
        a->o.max_batch = SL_BATCH_MAX_BYTES;
    sl_strlcpy(a->db, o->db, sizeof a->db);
    a->o.db = a->db;
    a->fd = -1;
    pthread_mutex_init(&a->lock, NULL);
    *out = a;
    bool loopback, made = false;
    char host[128];
    if ((a->fd = web_bind_listen(o->listen, &loopback, host, sizeof host, err)) < 0 ||
        sl_pki_ca_load(&a->ca, o->tls_dir, &made, err) != 0 ||
        sl_pki_server_cert(&a->ca, o->name != NULL ? o->name : host, &a->cert_pem, &a->key_pem,
                           err) != 0 ||
        sl_ident_load(&a->ident, sl_datadir(), err) != 0 ||
        sl_policy_load(&a->policies, sl_datadir(), err) != 0 ||
        sl_policy_select(a->policies, NULL, err) != 0)
        return -1;
    snprintf(info, infon, "agents at https://%s/agent/v1/ (mutual TLS)\n%sagent CA SHA-256 %s\n",
             o->listen, made ? "made the agent CA in the state directory\n" : "", a->ca.sha256);
    return 0;
}

int sl_agent_srv_start(struct sl_agent_srv *a, struct sl_err *err)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | MHD_USE_TLS | MHD_ALLOW_SUSPEND_RESUME;
    if (agent_writer_start(&a->writer, a->db, WRITERS, a->ident, a->policies, err) != 0)
        return -1;
    a->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, a, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, a,
        MHD_OPTION_LISTEN_SOCKET, a->fd,
        MHD_OPTION_THREAD_POOL_SIZE, a->o.threads ? a->o.threads : 4u,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, a, MHD_OPTION_HTTPS_MEM_KEY,
        a->key_pem, MHD_OPTION_HTTPS_MEM_CERT, a->cert_pem, MHD_OPTION_HTTPS_MEM_TRUST,
        a->ca.cert_pem, MHD_OPTION_HTTPS_PRIORITIES, "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
        MHD_OPTION_END);
    if (a->d == NULL)
        return sl_err_set(err, "the agent endpoint did not start (libmicrohttpd)");
    return 0;
}

void sl_agent_srv_stop(struct sl_agent_srv *a)
{
    if (a == NULL)
        return;
    if (a->d != NULL) {
        MHD_socket fd = MHD_quiesce_daemon(a->d); /* the listening socket comes back */
        /* What is queued is applied and answered first: no connection stays suspended. */
        agent_writer_stop(a->writer);
        a->writer = NULL;
        MHD_stop_daemon(a->d);
        if (fd != MHD_INVALID_SOCKET)
            close(fd);
    } else if (a->fd >= 0) {
        close(a->fd);
    }
    agent_writer_stop(a->writer);
    for (size_t i = 0; i < a->n_pool; i++)
        sl_store_close(a->pool[i]);
    sl_pki_ca_free(&a->ca);
    if (a->key_pem != NULL)
        OPENSSL_cleanse(a->key_pem, strlen(a->key_pem));
    free(a->key_pem);
    free(a->cert_pem);
    if (a->ident != NULL)
        sl_ident_free(a->ident);
    if (a->policies != NULL)
        sl_policy_free(a->policies);
    pthread_mutex_destroy(&a->lock);
    free(a->rates);
    free(a);
}
