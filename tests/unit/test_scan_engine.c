/* test_scan_engine.c - the scan engine against small fake devices this test
 * serves itself on 127.77.x.y (ports chosen by the kernel): keep-alive HTTP,
 * RTSP, the DVRIP hello, and hostile behaviour (tarpit, endless body, garbage,
 * closing without a word). Checks evidence, outcomes, deadlines, exclusions,
 * the register, not-seen devices and an interrupted scan. */
#include "testutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe/request.h"
#include "scan/scan.h"
#include "util/str.h"
#include "util/timeutil.h"

enum behaviour { B_HTTP, B_RTSP, B_DVRIP, B_TARPIT, B_ENDLESS, B_GARBAGE, B_SILENT_CLOSE, B_N };

struct listener {
    int fd;
    uint16_t port;
    enum behaviour b;
    atomic_int accepted;
};

#define N_ADDR 3
static struct listener L[N_ADDR][B_N];
static atomic_int stop_servers;
static atomic_int rpc2_seen; /* a POST /RPC2_Login for no user came, no password sent */
static pthread_t server_thread;

static void send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        c += w;
        n -= (size_t)w;
    }
}

/* Reads one request head (up to the blank line) plus a Content-Length body. */
static int read_request(int fd, char *buf, size_t n)
{
    size_t used = 0;
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 2000) <= 0)
            return -1;
        ssize_t r = recv(fd, buf + used, n - 1 - used, 0);
        if (r <= 0)
            return -1;
        used += (size_t)r;
        buf[used] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end != NULL) {
            const char *cl = strcasestr(buf, "Content-Length:");
            size_t body = cl != NULL ? (size_t)strtoul(cl + 15, NULL, 10) : 0;
            if (used >= (size_t)(end + 4 - buf) + body)
                return (int)used;
        }
        if (used + 1 >= n)
            return -1;
    }
}

static void serve_conn(int fd, enum behaviour b)
{
    char req[8192];
    switch (b) {
    case B_HTTP:
        while (read_request(fd, req, sizeof req) > 0 && !stop_servers) {
            char resp[1024];
            if (strstr(req, "POST /RPC2_Login ") == req && strstr(req, "\"global.login\"") != NULL &&
                strstr(req, "\"userName\":\"\",\"password\":\"\"") != NULL)
                atomic_store(&rpc2_seen, 1);
            if (strstr(req, "GET /ISAPI/") == req) {
                snprintf(resp, sizeof resp,
                         "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"IP Camera\","
                         " nonce=\"abc\"\r\nContent-Length: 0\r\n\r\n");
            } else {
                const char *body = "<html><title>login</title></html>";
                snprintf(resp, sizeof resp,
                         "HTTP/1.1 200 OK\r\nServer: App-webs/\r\nContent-Length: %zu\r\n\r\n%s",
                         strlen(body), body);
            }
            send_all(fd, resp, strlen(resp));
        }
        break;
    case B_RTSP:
        while (read_request(fd, req, sizeof req) > 0 && !stop_servers) {
            const char *cseq = strcasestr(req, "CSeq:");
            int n = cseq != NULL ? (int)strtol(cseq + 5, NULL, 10) : 0;
            char resp[512];
            snprintf(resp, sizeof resp,
                     "RTSP/1.0 200 OK\r\nCSeq: %d\r\nServer: Dahua Rtsp Server\r\n"
                     "Public: OPTIONS, DESCRIBE\r\n\r\n",
                     n);
            send_all(fd, resp, strlen(resp));
        }
        break;
    case B_DVRIP: {
        size_t got = 0;
        while (got < 32) {
            ssize_t r = recv(fd, req, 32 - got, 0);
            if (r <= 0)
                return;
            got += (size_t)r;
        }
        uint8_t resp[32] = {0xb1, 0x00, 0x00, 0x58};
        send_all(fd, resp, sizeof resp);
        struct pollfd p = {fd, POLLIN, 0};
        poll(&p, 1, 2000);
        break;
    }
    case B_TARPIT: {
        struct pollfd p = {fd, POLLIN, 0};
        while (!stop_servers) {
            if (poll(&p, 1, 50) > 0 && recv(fd, req, sizeof req, 0) <= 0)
                break;
        }
        break;
    }
    case B_ENDLESS: {
        read_request(fd, req, sizeof req);
        const char *head = "HTTP/1.1 200 OK\r\nServer: flood\r\n\r\n";
        send_all(fd, head, strlen(head));
        char chunk[4096];
        memset(chunk, 'A', sizeof chunk);
        for (int i = 0; i < 4096 && !stop_servers; i++) {
            if (send(fd, chunk, sizeof chunk, MSG_NOSIGNAL) <= 0)
                break;
        }
        break;
    }
    case B_GARBAGE: {
        read_request(fd, req, sizeof req);
        uint8_t junk[512];
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (uint8_t)(i * 37 + 11);
        junk[0] = 0;
        send_all(fd, junk, sizeof junk);
        struct pollfd p = {fd, POLLIN, 0};
        poll(&p, 1, 2000);
        break;
    }
    case B_SILENT_CLOSE:
    default:
        break;
    }
}

struct cthread {
    int fd;
    enum behaviour b;
};

static void *conn_main(void *arg)
{
    struct cthread *c = arg;
    serve_conn(c->fd, c->b);
    close(c->fd);
    free(c);
    return NULL;
}

static void *server_main(void *arg)
{
    (void)arg;
    struct pollfd p[N_ADDR * B_N];
    struct listener *who[N_ADDR * B_N];
    size_t n = 0;
    for (int a = 0; a < N_ADDR; a++)
        for (int b = 0; b < B_N; b++)
            if (L[a][b].fd >= 0) {
                p[n] = (struct pollfd){L[a][b].fd, POLLIN, 0};
                who[n++] = &L[a][b];
            }
    while (!stop_servers) {
        if (poll(p, n, 50) <= 0)
            continue;
        for (size_t i = 0; i < n; i++) {
            if (!(p[i].revents & POLLIN))
                continue;
            int fd = accept(p[i].fd, NULL, NULL);
            if (fd < 0)
                continue;
            atomic_fetch_add(&who[i]->accepted, 1);
            struct cthread *c = malloc(sizeof *c);
            c->fd = fd;
            c->b = who[i]->b;
            pthread_t t;
            pthread_create(&t, NULL, conn_main, c);
            pthread_detach(t);
        }
    }
    return NULL;
}

static int listen_on(const char *addr, uint16_t port, uint16_t *bound)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sin = {0};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    inet_pton(AF_INET, addr, &sin.sin_addr);
    if (bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 || listen(fd, 128) != 0) {
        close(fd);
        return -1;
    }
    socklen_t sl = sizeof sin;
    getsockname(fd, (struct sockaddr *)&sin, &sl);
    *bound = ntohs(sin.sin_port);
    return fd;
}

/* 127.77.<pid-derived>.1..3 so parallel runs do not meet; .1 and .3 are devices,
 * .2 serves too but is excluded by the tests that check exclusions. */
static char base[20];
static uint16_t ports[B_N];

static void addr_of(int i, char *out, size_t n) { snprintf(out, n, "%s.%d", base, i + 1); }

static int setup(void **state)
{
    (void)state;
    snprintf(base, sizeof base, "127.77.%d", (int)(getpid() % 250) + 1);
    for (int b = 0; b < B_N; b++) {
        /* Same port on every address: bind .1 on port 0, then the others on it. */
        for (int attempt = 0; attempt < 20; attempt++) {
            char a0[48];
            addr_of(0, a0, sizeof a0);
            L[0][b].fd = listen_on(a0, 0, &ports[b]);
            bool ok = L[0][b].fd >= 0;
            for (int a = 1; a < N_ADDR && ok; a++) {
                char ax[32];
                uint16_t p2;
                addr_of(a, ax, sizeof ax);
                L[a][b].fd = listen_on(ax, ports[b], &p2);
                ok = L[a][b].fd >= 0;
            }
            if (ok)
                break;
            for (int a = 0; a < N_ADDR; a++)
                if (L[a][b].fd >= 0)
                    close(L[a][b].fd);
        }
        for (int a = 0; a < N_ADDR; a++) {
            L[a][b].b = (enum behaviour)b;
            assert_true(L[a][b].fd >= 0);
        }
    }
    pthread_create(&server_thread, NULL, server_main, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    stop_servers = 1;
    pthread_join(server_thread, NULL);
    for (int a = 0; a < N_ADDR; a++)
        for (int b = 0; b < B_N; b++)
            close(L[a][b].fd);
    usleep(200 * 1000); /* let connection threads notice */
    return 0;
}

struct result {
    int devices;
    char addrs[8][48];
    int n_ev[8];
    struct { enum sl_proto proto; enum sl_outcome out; uint16_t port; char req[64]; uint8_t first; size_t len; } ev[8][64];
    char ports[8][128];
    enum sl_tier tier[8];
    bool defaulted[8];
    int not_seen;
    volatile sig_atomic_t *stop_after_first;
    struct sl_store *rival;   /* a concurrent scan observes each device too */
    int64_t rival_scan;
};

static void on_device(const struct sl_scan_device *d, void *ctx)
{
    struct result *r = ctx;
    if (r->devices >= 8)
        return;
    int i = r->devices++;
    sl_strlcpy(r->addrs[i], d->address, sizeof r->addrs[i]);
    sl_strlcpy(r->ports[i], d->ports, sizeof r->ports[i]);
    r->tier[i] = d->tier;
    r->defaulted[i] = d->tier_defaulted;
    for (size_t k = 0; k < d->n_evidence && k < 64; k++) {
        const struct sl_evidence *e = d->evidence[k];
        r->ev[i][k].proto = e->proto;
        r->ev[i][k].out = e->outcome;
        r->ev[i][k].port = e->port;
        r->ev[i][k].first = e->len ? e->data[0] : 0;
        r->ev[i][k].len = e->len;
        sl_strlcpy(r->ev[i][k].req, e->request ? e->request : "", sizeof r->ev[i][k].req);
    }
    r->n_ev[i] = (int)(d->n_evidence < 64 ? d->n_evidence : 64);
    if (r->rival != NULL) { /* another scan sees it at once: last_scan_id is the rival's */
        struct sl_device_obs o = {.scan_id = r->rival_scan, .address = d->address, .site_id = 1,
                                  .claim = d->claim, .verdict = d->verdict};
        struct sl_err err = {0};
        if (sl_store_device_observe(r->rival, &o, "rival", NULL, NULL, &err) != 0)
            fail_msg("rival: %s", err.msg);
    }
    if (r->stop_after_first != NULL)
        *r->stop_after_first = 1;
}

static void on_not_seen(const struct sl_device *d, void *ctx)
{
    (void)d;
    ((struct result *)ctx)->not_seen++;
}

static int find_ev(const struct result *r, int dev, uint16_t port, const char *req)
{
    for (int k = 0; k < r->n_ev[dev]; k++)
        if (r->ev[dev][k].port == port && (req == NULL || strcmp(r->ev[dev][k].req, req) == 0))
            return k;
    return -1;
}

static void run_scan(struct sl_scan_opts *o, struct result *r, struct sl_scan_summary *sum)
{
    struct sl_scan_callbacks cb = {0};
    cb.on_device = on_device;
    cb.on_not_seen = on_not_seen;
    cb.ctx = r;
    struct sl_err err = {0};
    int rc = sl_scan_run(o, &cb, sum, &err);
    if (rc != 0)
        fail_msg("scan failed: %s", err.msg);
}

static struct sl_targets *targets_for(const char *spec, const char *exclude)
{
    struct sl_targets *t = sl_targets_new();
    struct sl_err err = {0};
    assert_int_equal(sl_targets_add(t, spec, &err), 0);
    if (exclude != NULL)
        assert_int_equal(sl_targets_exclude(t, exclude, &err), 0);
    assert_int_equal(sl_targets_prepare(t, &err), 0);
    return t;
}

/* Options of a scan of t on the HTTP port, into s. */
static void http_scan(struct sl_scan_opts *o, struct sl_targets *t, struct sl_store *s)
{
    static struct sl_port_spec ps[1];
    ps[0] = (struct sl_port_spec){ports[B_HTTP], SL_PK_HTTP};
    memset(o, 0, sizeof *o);
    o->targets = t;
    o->ports = ps;
    o->n_ports = 1;
    o->timeout_ms = 800;
    o->store = s;
    o->actor = "test";
}

static void test_conversations_and_hostile(void **state)
{
    (void)state;
    char a1[32], spec[64];
    addr_of(0, a1, sizeof a1);
    snprintf(spec, sizeof spec, "%s", a1);
    struct sl_targets *t = targets_for(spec, NULL);
    struct sl_port_spec ps[B_N] = {
        {ports[B_HTTP], SL_PK_HTTP},       {ports[B_RTSP], SL_PK_RTSP},
        {ports[B_DVRIP], SL_PK_DVRIP},     {ports[B_TARPIT], SL_PK_HTTP},
        {ports[B_ENDLESS], SL_PK_HTTP},    {ports[B_GARBAGE], SL_PK_HTTP},
        {ports[B_SILENT_CLOSE], SL_PK_HTTP},
    };
    struct sl_scan_opts o = {0};
    o.targets = t;
    o.ports = ps;
    o.n_ports = B_N;
    o.timeout_ms = 800;
    o.seed = 1;
    int before_http = atomic_load(&L[0][B_HTTP].accepted);
    struct result *r = calloc(1, sizeof *r);
    struct sl_scan_summary sum;
    uint64_t t0 = sl_mono_ms();
    run_scan(&o, r, &sum);
    uint64_t took = sl_mono_ms() - t0;
    assert_true(sum.complete);
    assert_int_equal(r->devices, 1);
    assert_string_equal(r->addrs[0], a1);
    /* The tarpit is bounded by the deadline: the scan does not wait much longer. */
    assert_true(took < 5000);
    /* HTTP: every path on one keep-alive connection, plus ONVIF. */
    assert_int_equal(atomic_load(&L[0][B_HTTP].accepted) - before_http, 1);
    int k = find_ev(r, 0, ports[B_HTTP], "GET");
    assert_true(k >= 0);
    assert_int_equal(r->ev[0][k].proto, SL_PROTO_HTTP);
    assert_int_equal(r->ev[0][k].out, SL_OUTCOME_OK);
    int n_http = 0;
    for (int i = 0; i < r->n_ev[0]; i++)
        n_http += r->ev[0][i].port == ports[B_HTTP];
    /* every identifying path and ONVIF's GetSystemDateAndTime; Dahua's login
     * challenge asked with a POST for no user and no password */
    const struct sl_step *plan[SL_PROBE_MAX_STEPS];
    assert_int_equal(n_http, (int)sl_probe_plan(SL_PK_HTTP, false, plan, SL_PROBE_MAX_STEPS));
    assert_true(find_ev(r, 0, ports[B_HTTP], "POST") >= 0);
    assert_int_equal(atomic_load(&rpc2_seen), 1);
    /* RTSP: OPTIONS and DESCRIBE. */
    assert_true(find_ev(r, 0, ports[B_RTSP], "OPTIONS") >= 0);
    k = find_ev(r, 0, ports[B_RTSP], "DESCRIBE");
    assert_true(k >= 0);
    assert_int_equal(r->ev[0][k].proto, SL_PROTO_RTSP);
    /* DVRIP: the reply to the hello. */
    k = find_ev(r, 0, ports[B_DVRIP], "dvrip hello");
    assert_true(k >= 0);
    assert_int_equal(r->ev[0][k].out, SL_OUTCOME_OK);
    assert_int_equal(r->ev[0][k].first, 0xb1);
    /* Tarpit: a timeout, recorded. */
    k = find_ev(r, 0, ports[B_TARPIT], NULL);
    assert_true(k >= 0);
    assert_int_equal(r->ev[0][k].out, SL_OUTCOME_TIMEOUT);
    /* Endless body: cut at its bound. */
    k = find_ev(r, 0, ports[B_ENDLESS], NULL);
    assert_true(k >= 0);
    assert_int_equal(r->ev[0][k].out, SL_OUTCOME_TOO_LARGE);
    assert_true(r->ev[0][k].len <= 80 * 1024);
    /* Garbage: malformed. */
    k = find_ev(r, 0, ports[B_GARBAGE], NULL);
    assert_true(k >= 0);
    assert_int_equal(r->ev[0][k].out, SL_OUTCOME_MALFORMED);
    /* Closing without a word: closed, or reset when our request met the closed socket. */
    k = find_ev(r, 0, ports[B_SILENT_CLOSE], NULL);
    assert_true(k >= 0);
    assert_true(r->ev[0][k].out == SL_OUTCOME_CLOSED || r->ev[0][k].out == SL_OUTCOME_RESET);
    assert_true(sum.hostile == 1);
    assert_int_equal(sum.stats.open_conns, 0);
    free(r);
    sl_targets_free(t);
}

static void test_register_sites_exclusions_not_seen(void **state)
{
    (void)state;
    const char *db = sl_test_tmpfile("scan_engine", "reg.db");
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, db, 0, &err), 0);
    char net[64], a1[48], a2[48], a3[48];
    snprintf(net, sizeof net, "%s.0/30", base);
    addr_of(0, a1, sizeof a1);
    addr_of(1, a2, sizeof a2);
    addr_of(2, a3, sizeof a3);
    const char *nets[] = {net};
    assert_int_equal(sl_store_site_add(s, "Lab", "Test", SL_TIER_PUBLIC, nets, 1, "test", NULL, &err), 0);
    /* A device the register knows at .0 (in range, never answers). */
    char a0[48];
    snprintf(a0, sizeof a0, "%s.0", base);
    struct sl_device_obs obs = {.address = a0, .site_id = 1};
    int64_t id;
    bool created;
    assert_int_equal(sl_store_device_observe(s, &obs, "test", &id, &created, &err), 0);

    struct sl_targets *t = targets_for(net, a2);
    struct sl_port_spec ps[] = {{ports[B_HTTP], SL_PK_HTTP}};
    struct sl_scan_opts o = {0};
    o.targets = t;
    o.ports = ps;
    o.n_ports = 1;
    o.timeout_ms = 800;
    o.store = s;
    o.actor = "test";
    int before2 = atomic_load(&L[1][B_HTTP].accepted);
    struct result *r = calloc(1, sizeof *r);
    struct sl_scan_summary sum;
    run_scan(&o, r, &sum);
    assert_true(sum.complete);
    /* .1 and .3 answered; .2 was excluded and never connected to. */
    assert_int_equal(r->devices, 2);
    assert_int_equal(atomic_load(&L[1][B_HTTP].accepted), before2);
    assert_string_not_equal(r->addrs[0], r->addrs[1]); /* .1 and .3, each once */
    for (int i = 0; i < 2; i++) {
        assert_true(strcmp(r->addrs[i], a1) == 0 || strcmp(r->addrs[i], a3) == 0);
        assert_int_equal(r->tier[i], SL_TIER_PUBLIC);
        assert_false(r->defaulted[i]);
    }
    assert_int_equal(r->not_seen, 1);
    assert_int_equal(sum.not_seen, 1);
    struct sl_scan sc;
    assert_int_equal(sl_store_scan_get(s, sum.scan_id, &sc, &err), 1);
    assert_int_equal(sc.status, SL_SCAN_COMPLETE);
    assert_int_equal(sc.devices_found, 2);
    /* The hosts went to the register as a batch (sl_store_observe_batch; on
     * SQLite written one by one inside it), not device by device. */
    assert_true(sl_store_batches_one_by_one(s) >= 1);
    struct sl_device d;
    assert_int_equal(sl_store_device_find(s, a1, &d, &err), 1);
    assert_string_equal(d.site, "Lab");
    assert_int_equal(d.last_scan_id, sum.scan_id);
    char pstr[8];
    snprintf(pstr, sizeof pstr, "%u", (unsigned)ports[B_HTTP]);
    assert_string_equal(d.ports, pstr);
    free(r);
    sl_targets_free(t);

    /* Scanning again updates the same devices rather than adding new ones. */
    t = targets_for(a1, NULL);
    o.targets = t;
    r = calloc(1, sizeof *r);
    run_scan(&o, r, &sum);
    struct sl_status_counts counts;
    assert_int_equal(sl_store_count_devices(s, NULL, &counts, &err), 0);
    assert_int_equal(counts.total, 3);
    free(r);
    sl_targets_free(t);

    /* Outside every site: judged as sensitive, and said so. */
    struct sl_targets *t2 = targets_for(a1, NULL);
    struct sl_scan_opts o2 = o;
    o2.targets = t2;
    o2.store = NULL;
    r = calloc(1, sizeof *r);
    run_scan(&o2, r, &sum);
    assert_int_equal(r->devices, 1);
    assert_int_equal(r->tier[0], SL_TIER_SENSITIVE);
    assert_true(r->defaulted[0]);
    assert_int_equal(sum.tier_defaulted, 1);
    free(r);
    sl_targets_free(t2);
    sl_store_close(s);
}

/* Issue 11: a device answering this scan is never "not seen" because a
 * concurrent scan saw it too (and overwrote its last_scan_id). */
static void test_concurrent_scans_not_seen(void **state)
{
    (void)state;
    const char *db = sl_test_tmpfile("scan_concurrent", "reg.db");
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, db, 0, &err), 0);
    char net[64], a1[48];
    snprintf(net, sizeof net, "%s.0/30", base);
    addr_of(1, a1, sizeof a1);
    const char *nets[] = {net};
    assert_int_equal(sl_store_site_add(s, "Lab", "Test", SL_TIER_PUBLIC, nets, 1, "test", NULL,
                                       &err), 0);
    struct sl_targets *t = targets_for(a1, NULL);
    struct sl_scan_opts o;
    http_scan(&o, t, s);
    struct sl_ident *ident = sl_test_ident(); /* App-webs + its favicon: a maker */
    o.ident = ident;
    struct result *r = calloc(1, sizeof *r);
    struct sl_scan_summary sum;
    run_scan(&o, r, &sum); /* the device is in the register */
    assert_int_equal(r->devices, 1);
    memset(r, 0, sizeof *r);
    r->rival = s;
    assert_int_equal(sl_store_scan_begin(s, 0, "scan", a1, NULL, "rival", &r->rival_scan, &err),
                     0);
    run_scan(&o, r, &sum);
    assert_int_equal(r->devices, 1);
    assert_int_equal(r->not_seen, 0);
    assert_int_equal(sum.not_seen, 0);
    /* Issue 11: removed, then answering a scan: reappeared there too. */
    struct sl_device d;
    assert_int_equal(sl_store_device_find(s, a1, &d, &err), 1);
    assert_int_equal(sum.reappeared, 0);
    struct sl_event ev = {0};
    ev.to_status = SL_STATUS_REMOVED;
    snprintf(ev.actor, sizeof ev.actor, "t");
    assert_int_equal(sl_store_device_set_status(s, d.id, &ev, &err), 0);
    memset(r, 0, sizeof *r);
    run_scan(&o, r, &sum);
    assert_int_equal(sum.reappeared, 1);
    assert_int_equal(sl_store_device_get(s, d.id, &d, &err), 1);
    assert_int_equal(d.status, SL_STATUS_REAPPEARED);
    free(r);
    sl_ident_free(ident);
    sl_targets_free(t);
    sl_store_close(s);
}

/* Issue 11: when the register cannot take a batch (a full disk; here a
 * trigger refusing the second device), the summary claims no device that was
 * not committed. */
static void test_uncommitted_not_claimed(void **state)
{
    (void)state;
    const char *db = sl_test_tmpfile("scan_uncommitted", "reg.db");
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, db, 0, &err), 0);
    assert_int_equal(sl_test_db_exec(db, "CREATE TRIGGER full BEFORE INSERT ON devices"
                                         " WHEN (SELECT count(*) FROM devices) >= 1"
                                         " BEGIN SELECT RAISE(ABORT, 'database or disk is full');"
                                         " END"),
                     0);
    char net[64];
    snprintf(net, sizeof net, "%s.0/30", base);
    struct sl_targets *t = targets_for(net, NULL);
    struct sl_scan_opts o;
    http_scan(&o, t, s);
    o.threads = 1;
    struct result *r = calloc(1, sizeof *r);
    struct sl_scan_callbacks cb = {0};
    cb.on_device = on_device;
    cb.ctx = r;
    struct sl_scan_summary sum;
    assert_int_equal(sl_scan_run(&o, &cb, &sum, &err), -1);
    assert_false(sum.complete);
    struct sl_status_counts counts;
    assert_int_equal(sl_store_count_devices(s, NULL, &counts, &err), 0);
    assert_int_equal((int64_t)sum.stats.devices, counts.total); /* 0: the batch never committed */
    uint64_t judged = 0;
    for (int i = 0; i < SL_SCAN_DECISIONS; i++)
        judged += sum.by_decision[i];
    assert_int_equal(judged, sum.stats.devices);
    free(r);
    sl_targets_free(t);
    sl_store_close(s);
}

static void test_interrupted(void **state)
{
    (void)state;
    const char *db = sl_test_tmpfile("scan_engine_int", "reg.db");
    struct sl_store *s;
    struct sl_err err = {0};
    assert_int_equal(sl_store_open(&s, db, 0, &err), 0);
    char net[64];
    snprintf(net, sizeof net, "%s.0/24", base);
    struct sl_targets *t = targets_for(net, NULL);
    struct sl_port_spec ps[] = {{ports[B_HTTP], SL_PK_HTTP}, {ports[B_TARPIT], SL_PK_HTTP}};
    volatile sig_atomic_t stop = 0;
    struct sl_scan_opts o = {0};
    o.targets = t;
    o.ports = ps;
    o.n_ports = 2;
    o.timeout_ms = 1500;
    o.concurrency = 2; /* slow enough that the stop lands mid-scan */
    o.store = s;
    o.stop = &stop;
    struct result *r = calloc(1, sizeof *r);
    r->stop_after_first = &stop;
    struct sl_scan_summary sum;
    run_scan(&o, r, &sum);
    assert_false(sum.complete);
    assert_true(sum.stats.hosts_done < 256);
    struct sl_scan sc;
    assert_int_equal(sl_store_scan_get(s, sum.scan_id, &sc, &err), 1);
    assert_int_equal(sc.status, SL_SCAN_INCOMPLETE);
    /* What was reported is in the register; the audit chain is intact. */
    struct sl_status_counts counts;
    assert_int_equal(sl_store_count_devices(s, NULL, &counts, &err), 0);
    assert_int_equal(counts.total, r->devices);
    struct sl_audit_report rep;
    assert_int_equal(sl_store_verify(s, &rep, &err), 0);
    assert_int_equal(rep.first_bad_seq, 0);
    free(r);
    sl_targets_free(t);
    sl_store_close(s);
}

/* Three event loops, each a shard of the walk: every address probed once,
 * every device reported once, the counters add up. */
static void test_threads(void **state)
{
    (void)state;
    char net[64];
    snprintf(net, sizeof net, "%s.0/24", base);
    struct sl_targets *t = targets_for(net, NULL);
    struct sl_port_spec ps[] = {{ports[B_HTTP], SL_PK_HTTP}, {ports[B_RTSP], SL_PK_RTSP}};
    struct sl_scan_opts o = {0};
    o.targets = t;
    o.ports = ps;
    o.n_ports = 2;
    o.timeout_ms = 800;
    o.threads = 3;
    int before[N_ADDR];
    for (int a = 0; a < N_ADDR; a++)
        before[a] = atomic_load(&L[a][B_RTSP].accepted);
    struct result *r = calloc(1, sizeof *r);
    struct sl_scan_summary sum;
    run_scan(&o, r, &sum);
    assert_true(sum.complete);
    assert_int_equal(sum.stats.hosts_total, 256);
    assert_int_equal(sum.stats.hosts_done, 256);
    assert_int_equal(sum.stats.hosts_up, N_ADDR);
    assert_int_equal(r->devices, N_ADDR);
    for (int i = 0; i < r->devices; i++)
        for (int j = i + 1; j < r->devices; j++)
            assert_string_not_equal(r->addrs[i], r->addrs[j]);
    for (int a = 0; a < N_ADDR; a++)
        assert_int_equal(atomic_load(&L[a][B_RTSP].accepted) - before[a], 1);
    free(r);
    sl_targets_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conversations_and_hostile),
        cmocka_unit_test(test_register_sites_exclusions_not_seen),
        cmocka_unit_test(test_concurrent_scans_not_seen),
        cmocka_unit_test(test_uncommitted_not_claimed),
        cmocka_unit_test(test_interrupted),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
