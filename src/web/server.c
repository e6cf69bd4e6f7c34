/* server.c - the dashboard's HTTP(S) server: binding, dropping privileges,
 * libmicrohttpd, per-thread register connections, routing, security headers.
 * Pages, actions and the API are in their own files. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ident/ident.h"
#include "policy/policy.h"
#include "util/datadir.h"
#include "util/privdrop.h"
#include "util/seccomp.h"
#include "util/str.h"
#include "web/assets.h"
#include "web/internal.h"
#include "web/tlscert.h"
#include "vehicle/rules.h"
#include "web/web.h"

#define MAX_THREADS 64

struct sl_web {
    struct MHD_Daemon *d;
    int fd;
    struct web_conf conf;
    char db[1024];
    struct sl_web_tls tls;
    struct sl_ident *ident;
    struct sl_policy_set *policies;
    struct sl_vrules *vrules;
    pthread_mutex_t lock; /* guards stores */
    struct sl_store *stores[MAX_THREADS + 1];
    size_t n_stores;
    /* The warmer: keeps today's figures computed (web_figures_warm). */
    pthread_t warmer;
    bool warming, stopping;
    pthread_cond_t wake;
};

#define WARM_EVERY_S 2
#define WARM_SHARE 10 /* per cent of one core, at most */

/* Computes today's all-sites figures at start and again whenever the register
 * changed (polled every WARM_EVERY_S s), on a connection of its own, so the
 * first reader after a change finds them made or in the making. Under a
 * stream of changes (agents' batches, an estate's scans) the figures are
 * stale again at once: after a computation of T the next waits at least
 * (100 / WARM_SHARE - 1) T, so the warmer never takes more than WARM_SHARE
 * per cent of a core from the writers (on 1M devices it took a third of the
 * agents' ingest). A reader meanwhile computes them on demand, once. */
static void *warm_loop(void *arg)
{
    struct sl_web *w = arg;
    struct sl_store *s = NULL;
    struct sl_err err = {0};
    if (sl_store_open(&s, w->db, 0, &err) != 0) {
        fprintf(stderr, "sightline serve: the figures' warmer: %s\n", err.msg);
        return NULL;
    }
    char expired_day[SL_DATE_LEN] = "";
    pthread_mutex_lock(&w->lock);
    while (!w->stopping) {
        pthread_mutex_unlock(&w->lock);
        if (web_vehicles_expire(s, &w->conf, expired_day, &err) != 0)
            fprintf(stderr, "sightline serve: expired part exemptions: %s\n", err.msg);
        uint64_t t0 = sl_mono_ms();
        if (web_figures_warm(s, &err) != 0)
            fprintf(stderr, "sightline serve: the figures' warmer: %s\n", err.msg);
        uint64_t rest_ms = (sl_mono_ms() - t0) * (100 / WARM_SHARE - 1);
        if (rest_ms < WARM_EVERY_S * 1000)
            rest_ms = WARM_EVERY_S * 1000;
        pthread_mutex_lock(&w->lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += (time_t)(rest_ms / 1000);
        until.tv_nsec += (long)(rest_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        if (!w->stopping)
            pthread_cond_timedwait(&w->wake, &w->lock, &until);
    }
    pthread_mutex_unlock(&w->lock);
    sl_store_close(s);
    return NULL;
}

static _Thread_local struct sl_store *tl_store;

/* The calling worker's register connection, opened on its first request. */
static struct sl_store *thread_store(struct sl_web *w, struct sl_err *err)
{
    if (tl_store != NULL)
        return tl_store;
    pthread_mutex_lock(&w->lock);
    bool room = w->n_stores < MAX_THREADS + 1;
    pthread_mutex_unlock(&w->lock);
    if (!room) {
        sl_err_set(err, "too many worker threads");
        return NULL;
    }
    if (sl_store_open(&tl_store, w->db, 0, err) != 0)
        return NULL;
    pthread_mutex_lock(&w->lock);
    w->stores[w->n_stores++] = tl_store;
    pthread_mutex_unlock(&w->lock);
    return tl_store;
}

const char *web_arg(struct web_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *web_header(struct web_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *web_cookie(struct web_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *web_field(struct web_req *r, const char *name)
{
    if (r->json != NULL) {
        const json_t *v = json_object_get(r->json, name);
        return json_is_string(v) ? json_string_value(v) : NULL;
    }
    return sl_form_get(&r->form, name);
}

void web_redirect(struct web_req *r, const char *location)
{
    r->resp.status = MHD_HTTP_SEE_OTHER;
    sl_strlcpy(r->resp.location, location, sizeof r->resp.location);
    r->resp.ctype = "text/plain; charset=utf-8";
    sl_buf_reset(&r->resp.body);
}

void web_json(struct web_req *r, unsigned status, json_t *j)
{
    char *text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    sl_buf_reset(&r->resp.body);
    r->resp.status = status;
    r->resp.ctype = "application/json";
    if (text == NULL || sl_buf_append_str(&r->resp.body, text) != 0) {
        r->resp.status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        sl_buf_reset(&r->resp.body);
        sl_buf_append_str(&r->resp.body, "{\"error\":\"response too large\"}");
    }
    free(text);
}

void web_error(struct web_req *r, unsigned status, const char *msg)
{
    if (r->api) {
        web_json(r, status, json_pack("{s:s}", "error", msg));
        return;
    }
    sl_buf_reset(&r->resp.body);
    web_page_start(r, "Error");
    web_escf(&r->resp.body, "<h1>%u</h1><p class=\"error\">", status);
    web_esc(&r->resp.body, msg);
    sl_buf_append_str(&r->resp.body, "</p>");
    web_page_end(r);
    r->resp.status = status;
}

/* The headers every response carries (DESIGN: a strict CSP, no framing). */
static void security_headers(struct MHD_Response *resp, bool https, bool cacheable)
{
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self'; "
                            "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                            "form-action 'self'; frame-ancestors 'none'");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    MHD_add_response_header(resp, "Cache-Control", cacheable ? "private, max-age=3600" : "no-store");
    if (https)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
}

static enum MHD_Result send_response(struct web_req *r)
{
    struct web_resp *o = &r->resp;
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        o->body.len, o->body.len ? o->body.data : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (resp == NULL)
        return MHD_NO;
    security_headers(resp, r->conf->https, o->cacheable);
    MHD_add_response_header(resp, "Content-Type", o->ctype ? o->ctype : "text/html; charset=utf-8");
    if (o->location[0])
        MHD_add_response_header(resp, "Location", o->location);
    if (o->disposition[0])
        MHD_add_response_header(resp, "Content-Disposition", o->disposition);
    for (int i = 0; i < 2; i++)
        if (o->cookie[i][0])
            MHD_add_response_header(resp, "Set-Cookie", o->cookie[i]);
    enum MHD_Result rc = MHD_queue_response(r->conn, o->status ? o->status : 200, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* "/devices/12/schedule" -> 12 and "schedule" after the prefix; 0 or -1. */
int web_split_id(const char *path, const char *prefix, int64_t *id, const char **rest)
{
    if (!sl_str_starts_with(path, prefix))
        return -1;
    const char *p = path + strlen(prefix);
    char num[24];
    size_t n = strcspn(p, "/");
    if (n == 0 || n >= sizeof num)
        return -1;
    memcpy(num, p, n);
    num[n] = '\0';
    if (sl_parse_i64(num, 1, INT64_MAX, id) != 0)
        return -1;
    *rest = p[n] == '/' ? p + n + 1 : "";
    return 0;
}

static void route_signed_in(struct web_req *r)
{
    bool get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int64_t id;
    const char *rest;
    if (!get && !web_csrf_ok(r)) {
        web_error(r, MHD_HTTP_FORBIDDEN, "The form has expired or did not come from this site; "
                                         "reload the page and try again.");
        return;
    }
    if (get && strcmp(r->path, "/") == 0)
        web_page_overview(r);
    else if (get && strcmp(r->path, "/sites") == 0)
        web_page_sites(r);
    else if (get && strcmp(r->path, "/devices") == 0)
        web_page_devices(r);
    else if (get && strcmp(r->path, "/vehicles") == 0)
        web_page_vehicles(r);
    else if (web_split_id(r->path, "/vehicles/", &id, &rest) == 0 && (get ? rest[0] == '\0' : rest[0] != '\0'))
        get ? web_page_vehicle(r, id) : web_action_vehicle(r, id, rest);
    else if (get && strcmp(r->path, "/audit") == 0)
        web_page_audit(r);
    else if (get && strcmp(r->path, "/exemptions") == 0)
        web_page_exemptions(r);
    else if (get && strcmp(r->path, "/agents") == 0)
        web_page_agents(r);
    else if (!get && strcmp(r->path, "/agents/revoke") == 0)
        web_action_agent_revoke(r);
    else if (!get && strcmp(r->path, "/agents/verify") == 0)
        web_action_agent_verify(r);
    else if (get && strcmp(r->path, "/admin") == 0)
        web_page_admin(r);
    else if (!get && sl_str_starts_with(r->path, "/admin/"))
        web_admin_action(r, r->path + strlen("/admin/"));
    else if (get && strcmp(r->path, "/alerts") == 0)
        web_page_alerts(r);
    else if (get && strcmp(r->path, "/export") == 0)
        web_export(r);
    else if (strcmp(r->path, "/bulk") == 0)
        get ? web_bulk_preview(r) : web_bulk_apply(r);
    else if (strcmp(r->path, "/password") == 0)
        get ? web_page_password(r) : web_password_change(r);
    else if (!get && strcmp(r->path, "/logout") == 0)
        web_logout(r);
    else if (web_split_id(r->path, "/devices/", &id, &rest) == 0 && (get ? rest[0] == '\0' : rest[0] != '\0'))
        get ? web_page_device(r, id) : web_action_device(r, id, rest);
    else if (!get && web_split_id(r->path, "/exemptions/", &id, &rest) == 0 && rest[0] != '\0')
        web_action_exemption(r, id, rest);
    else
        web_error(r, MHD_HTTP_NOT_FOUND, "No such page.");
}

static void route(struct web_req *r)
{
    bool get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    bool post = strcmp(r->method, "POST") == 0;
    if (!get && !post) {
        web_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "Method not allowed.");
        return;
    }
    if (get && web_asset(r->path, &r->resp.body, &r->resp.ctype)) {
        r->resp.status = 200;
        r->resp.cacheable = true;
        return;
    }
    if (web_session_load(r) != 0) {
        web_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "The register cannot be read just now.");
        return;
    }
    if (r->api) {
        web_api(r);
    } else if (strcmp(r->path, "/login") == 0) {
        if (post)
            web_login(r);
        else if (r->signed_in)
            web_redirect(r, "/");
        else
            web_login_page(r, web_arg(r, "expired") ? "Your session has ended; sign in again." : NULL,
                           200);
    } else if (!r->signed_in) {
        web_redirect(r, r->expired ? "/login?expired=1" : "/login");
    } else {
        route_signed_in(r);
    }
}

/* Parses the body: JSON for the API, a form otherwise. 0, or -1 (400 set). */
static int parse_body(struct web_req *r)
{
    if (r->body.len == 0)
        return 0;
    const char *ct = web_header(r, "Content-Type");
    if (r->api && ct != NULL && sl_str_starts_with(ct, "application/json")) {
        json_error_t je;
        r->json = json_loadb((const char *)r->body.data, r->body.len,
                             JSON_REJECT_DUPLICATES, &je);
        if (r->json == NULL || !json_is_object(r->json)) {
            web_error(r, MHD_HTTP_BAD_REQUEST, "the body is not a JSON object");
            return -1;
        }
        return 0;
    }
    if (sl_form_parse(&r->form, (const char *)r->body.data, r->body.len) != 0) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "The form could not be read.");
        return -1;
    }
    return 0;
}

static void peer_address(struct web_req *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    sl_strlcpy(r->addr, "unknown", sizeof r->addr);
    if (ci == NULL || ci->client_addr == NULL)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, r->addr,
                  sizeof r->addr);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, r->addr,
                  sizeof r->addr);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **state)
{
    (void)version;
    struct sl_web *w = cls;
    struct web_req *r = *state;
    if (r == NULL) {
        r = calloc(1, sizeof *r);
        if (r == NULL)
            return MHD_NO;
        r->srv = w;
        r->conf = &w->conf;
        r->conn = conn;
        r->method = method;
        r->path = url;
        r->api = sl_str_starts_with(url, "/api/");
        sl_buf_init(&r->body, WEB_BODY_MAX);
        sl_buf_init(&r->resp.body, WEB_PAGE_MAX);
        *state = r;
        return MHD_YES;
    }
    if (*upload_size != 0) {
        if (sl_buf_append(&r->body, upload, *upload_size) != 0)
            r->resp.status = 413;
        *upload_size = 0;
        return MHD_YES;
    }
    peer_address(r);
    struct sl_err err = {0};
    if (r->resp.status == 413) {
        web_error(r, 413, "The request is too large.");
    } else if ((r->s = thread_store(w, &err)) == NULL) {
        fprintf(stderr, "sightline serve: %s\n", err.msg);
        web_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "The register cannot be opened just now.");
    } else if (parse_body(r) == 0) {
        route(r);
    }
    return send_response(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    struct web_req *r = *state;
    if (r == NULL)
        return;
    sl_buf_free(&r->body);
    sl_buf_free(&r->resp.body);
    sl_form_free(&r->form);
    json_decref(r->json);
    free(r);
    *state = NULL;
}

/* Binds ADDR:PORT (numeric only: no name is looked up). Sets *loopback. */
int web_bind_listen(const char *listen_on, bool *loopback, char *host, size_t hostn,
                       struct sl_err *err)
{
    char addr[128];
    const char *colon = strrchr(listen_on, ':');
    if (colon == NULL || colon == listen_on || (size_t)(colon - listen_on) >= sizeof addr)
        return sl_err_setk(err, SL_ERR_INVALID, "--listen must be ADDR:PORT");
    memcpy(addr, listen_on, (size_t)(colon - listen_on));
    addr[colon - listen_on] = '\0';
    char *a = addr;
    if (a[0] == '[' && a[strlen(a) - 1] == ']') {
        a[strlen(a) - 1] = '\0';
        a++;
    }
    sl_strlcpy(host, a, hostn);
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(a, colon + 1, &hints, &ai) != 0 || ai == NULL)
        return sl_err_setk(err, SL_ERR_INVALID, "--listen %s: not a numeric address and port",
                           listen_on);
    if (ai->ai_family == AF_INET)
        *loopback = (ntohl(((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr.s_addr) >> 24) == 127;
    else
        *loopback = IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr);
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return sl_err_setk(err, SL_ERR_IO, "--listen %s: %s", listen_on, strerror(e));
    }
    freeaddrinfo(ai);
    return fd;
}

/* An SQLite register the (possibly new) user cannot write: a clear refusal
 * instead of the database's "attempt to write a readonly database". */
static int check_writable(const char *db, const char *user, struct sl_err *err)
{
    if (strcmp(sl_store_backend_of(db), "sqlite") != 0)
        return 0;
    const char *path = sl_str_starts_with(db, "sqlite:") ? db + 7 : db;
    char dir[1024];
    sl_strlcpy(dir, path, sizeof dir);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        sl_strlcpy(dir, ".", sizeof dir);
    else
        slash[slash == dir ? 1 : 0] = '\0';
    if ((access(path, F_OK) == 0 && access(path, R_OK | W_OK) != 0) || access(dir, W_OK | X_OK) != 0)
        return sl_err_setk(err, SL_ERR_INVALID,
                           "the register %s (or its directory) is not writable by user %s: "
                           "chown them to that user, or choose another with --user",
                           path, user != NULL ? user : "(this one)");
    return 0;
}

/* When root: the named user, else "sightline" when it exists, else "nobody". */
static int drop_root(const char *user, const char *db, char *info, size_t infon,
                     struct sl_err *err)
{
    if (geteuid() != 0)
        return check_writable(db, NULL, err);
    if (user == NULL)
        user = getpwnam("sightline") != NULL ? "sightline" : "nobody";
    char report[512];
    if (sl_drop_privileges(user, report, sizeof report, err) != 0)
        return -1;
    size_t used = strlen(info);
    snprintf(info + used, infon - used, "running as user %s\n", user);
    return check_writable(db, user, err);
}

static struct MHD_Daemon *start_daemon(struct sl_web *w, unsigned threads)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (w->conf.https)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem tls[] = {
        {MHD_OPTION_HTTPS_MEM_KEY, 0, w->tls.key_pem},
        {MHD_OPTION_HTTPS_MEM_CERT, 0, w->tls.cert_pem},
        {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"},
        {MHD_OPTION_END, 0, NULL},
    };
    return MHD_start_daemon(flags, 0, NULL, NULL, on_request, w,
                            MHD_OPTION_LISTEN_SOCKET, w->fd,
                            MHD_OPTION_THREAD_POOL_SIZE, threads,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, w,
                            MHD_OPTION_ARRAY, w->conf.https ? tls : tls + 3,
                            MHD_OPTION_END);
}

/* Opens the register once (migrating it) and ends sessions past their time. */
static int prepare_register(struct sl_web *w, struct sl_err *err)
{
    struct sl_store *s;
    if (sl_store_open(&s, w->db, 0, err) != 0)
        return -1;
    int64_t now = sl_now();
    int rc = sl_store_session_purge(s, now - w->conf.idle_timeout, now - w->conf.session_lifetime,
                                    err);
    sl_store_close(s);
    return rc;
}

static int web_setup(struct sl_web *w, const struct sl_web_opts *o, char *info, size_t infon,
                     struct sl_err *err)
{
    bool loopback = false;
    char host[128];
    if (o->plain_http && !sl_str_starts_with(o->listen, "127.") && strncmp(o->listen, "[::1]", 5))
        return sl_err_setk(err, SL_ERR_INVALID, "--http is only allowed on a loopback address");
    if ((w->fd = web_bind_listen(o->listen, &loopback, host, sizeof host, err)) < 0)
        return -1;
    if (o->plain_http && !loopback)
        return sl_err_setk(err, SL_ERR_INVALID, "--http is only allowed on a loopback address");
    w->conf.https = !o->plain_http;
    if (w->conf.https &&
        sl_web_tls_load(&w->tls, o->cert, o->key, o->tls_dir, host, err) != 0)
        return -1;
    snprintf(info, infon, "dashboard at %s://%s/\n", w->conf.https ? "https" : "http", o->listen);
    if (w->tls.made[0]) {
        size_t used = strlen(info);
        snprintf(info + used, infon - used, "made a self-signed certificate: %s\n", w->tls.made);
    }
    if (w->conf.https) {
        size_t used = strlen(info);
        snprintf(info + used, infon - used, "certificate SHA-256 fingerprint %s\n",
                 w->tls.fingerprint);
    }
    if (sl_ident_load(&w->ident, sl_datadir(), err) != 0 ||
        sl_policy_load(&w->policies, sl_datadir(), err) != 0 ||
        sl_policy_select(w->policies, NULL, err) != 0 ||
        sl_vrules_load(&w->vrules, sl_datadir(), sl_policy_registry(w->policies), err) != 0)
        return -1;
    w->conf.ident = w->ident;
    w->conf.policies = w->policies;
    w->conf.vrules = w->vrules;
    if (drop_root(o->user, w->db, info, infon, err) != 0 || prepare_register(w, err) != 0 ||
        web_auth_init() != 0)
        return err->msg[0] ? -1 : sl_err_set(err, "libsodium failed to start");
    /* Bound, dropped, register reached: from here on no thread may run a
     * program, change identity, trace or mount (util/seccomp.h). */
    if (sl_seccomp_deny(err) != 0)
        return -1;
    w->d = start_daemon(w, o->threads ? (o->threads > MAX_THREADS ? MAX_THREADS : o->threads) : 4);
    if (w->d == NULL)
        return sl_err_set(err, "the HTTP server did not start (libmicrohttpd)");
    w->warming = pthread_create(&w->warmer, NULL, warm_loop, w) == 0;
    return 0;
}

int sl_web_start(const struct sl_web_opts *o, struct sl_web **out, char *info, size_t infon,
                 struct sl_err *err)
{
    struct sl_web *w = calloc(1, sizeof *w);
    if (w == NULL)
        return sl_err_set(err, "out of memory");
    w->fd = -1;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    sl_strlcpy(w->db, o->db, sizeof w->db);
    w->conf.db = w->db;
    w->conf.idle_timeout = o->idle_timeout;
    w->conf.session_lifetime = o->session_lifetime;
    info[0] = '\0';
    if (web_setup(w, o, info, infon, err) != 0) {
        sl_web_stop(w);
        return -1;
    }
    *out = w;
    return 0;
}

void sl_web_stop(struct sl_web *w)
{
    if (w == NULL)
        return;
    if (w->warming) {
        pthread_mutex_lock(&w->lock);
        w->stopping = true;
        pthread_cond_signal(&w->wake);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->warmer, NULL);
    }
    if (w->d != NULL) {
        MHD_quiesce_daemon(w->d);
        MHD_stop_daemon(w->d);
    }
    if (w->fd >= 0)
        close(w->fd);
    for (size_t i = 0; i < w->n_stores; i++)
        sl_store_close(w->stores[i]);
    sl_web_tls_free(&w->tls);
    if (w->ident != NULL)
        sl_ident_free(w->ident);
    if (w->policies != NULL)
        sl_policy_free(w->policies);
    sl_vrules_free(w->vrules);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    free(w);
}
