/* agents_ingest.c - the load generator of bench/agents_ingest.sh: one process
 * simulating AGENTS site agents of DEVICES devices each against `sightline
 * serve --agent-listen`. Setup (not timed): a site per agent
 * (2001:db8:N::/64, documentation space: these addresses are data in batches,
 * nothing is sent to them), a token each written through the store, a real
 * enrolment over the endpoint (own key, CSR, certificate). Then every agent's
 * batches (BATCH devices each, two evidence records a device, signed with its
 * key) are posted over mutual TLS, CONC at a time, by libcurl's multi
 * interface in this one process; posting each batch twice more from a second
 * connection checks that a replay is acknowledged, not applied.
 * Prints devices/s end to end, batch latency p50/p99, and what was applied.
 *   bench_agents_ingest DB URL STATEDIR AGENTS DEVICES BATCH CONC */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "net/pki.h"
#include "scan/batch.h"
#include "store/agents.h"
#include "util/file.h"
#include "util/timeutil.h"

struct agent {
    char uid[SL_PKI_UID_LEN + 1], cert[512], key[512];
    char *key_pem;
};

struct xfer {
    struct sl_buf *batch;
    struct agent *a;
    uint64_t started;
    struct sl_buf resp;
    CURL *c;
    bool acked;
};

static const char *url, *statedir, *ca_file;

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
    return sl_buf_append(ud, p, size * n) == 0 ? size * n : 0;
}

static CURL *easy(const char *path, struct sl_buf *resp, const struct agent *a)
{
    static char u[512];
    CURL *c = curl_easy_init();
    snprintf(u, sizeof u, "%s%s", url, path);
    curl_easy_setopt(c, CURLOPT_URL, u);
    curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
    curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 600L);
    if (a != NULL) {
        curl_easy_setopt(c, CURLOPT_SSLCERT, a->cert);
        curl_easy_setopt(c, CURLOPT_SSLKEY, a->key);
    }
    return c;
}

/* A site, a token and a real enrolment for agent i. */
static int enrol(struct sl_store *s, int i, struct agent *a)
{
    struct sl_err err = {0};
    char name[64], net[64], secret[65], sha[65];
    snprintf(name, sizeof name, "bench site %d", i);
    snprintf(net, sizeof net, "2001:db8:%x::/64", i + 1);
    const char *nets[] = {net};
    int64_t site;
    sl_pki_random_hex(secret, 32);
    sl_pki_sha256_hex(secret, strlen(secret), sha);
    if (sl_store_site_add(s, name, "bench", SL_TIER_SENSITIVE, nets, 1, "bench", &site, &err) != 0 ||
        sl_store_agent_token_add(s, sha, site, sl_now() + 3600, 3600, "bench", &err) != 0) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    char *csr = NULL;
    if (sl_pki_make_key_csr(&a->key_pem, &csr, &err) != 0)
        return -1;
    json_t *req = json_pack("{s:s, s:s}", "token", secret, "csr", csr);
    char *body = json_dumps(req, JSON_COMPACT);
    struct sl_buf resp;
    sl_buf_init(&resp, 1 << 20);
    CURL *c = easy("/agent/v1/enrol", &resp, NULL);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    long status = 0;
    int rc = curl_easy_perform(c) == CURLE_OK ? 0 : -1;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    json_t *j = rc == 0 && status == 200 ? json_loadb((char *)resp.data, resp.len, 0, NULL) : NULL;
    const char *cert = json_string_value(json_object_get(j, "cert"));
    const char *uid = json_string_value(json_object_get(j, "uid"));
    if (cert != NULL && uid != NULL) {
        snprintf(a->uid, sizeof a->uid, "%s", uid);
        snprintf(a->cert, sizeof a->cert, "%s/agent%d-cert.pem", statedir, i);
        snprintf(a->key, sizeof a->key, "%s/agent%d-key.pem", statedir, i);
        remove(a->key);
        rc = sl_write_file(a->cert, cert, strlen(cert), &err) == 0 &&
                     sl_pki_write_private(a->key, a->key_pem, &err) == 0
                 ? 0
                 : -1;
    } else {
        fprintf(stderr, "enrolment %d: HTTP %ld %.*s\n", i, status, (int)resp.len, (char *)resp.data);
        rc = -1;
    }
    json_decref(j);
    json_decref(req);
    free(body);
    free(csr);
    sl_buf_free(&resp);
    curl_easy_cleanup(c);
    return rc;
}

/* One evidence record (the strict batch form) into b. */
static void evidence(struct sl_buf *b, const char *addr, const char *proto, int port,
                     const char *request, const char *path, const char *data)
{
    size_t n = strlen(data);
    char *b64 = malloc(4 * ((n + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)data, (int)n);
    json_t *j = json_pack("{s:i, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:n, s:I, s:s, s:s}", "v", 1,
                          "type", "evidence", "address", addr, "proto", proto, "port", port,
                          "request", request, "path", path, "outcome", "ok", "detail", "bytes",
                          (json_int_t)n, "observed_at", "2026-12-01T10:00:00Z", "data", b64);
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    sl_buf_append_str(b, text);
    sl_buf_append(b, "\n", 1);
    free(text);
    free(b64);
    json_decref(j);
}

/* Agent i's batch of devices [first, first + n): a Hikvision camera each
 * (its ISAPI deviceInfo with a serial of its own, its RTSP answer). */
static struct sl_buf *make_batch(const struct agent *a, int i, int first, int n, int64_t seq)
{
    struct sl_buf body, *b = calloc(1, sizeof *b);
    sl_buf_init(&body, SL_BATCH_MAX_BYTES);
    sl_buf_init(b, SL_BATCH_MAX_BYTES);
    char addr[64], http[1024], ports[160];
    for (int d = first; d < first + n; d++) {
        snprintf(addr, sizeof addr, "2001:db8:%x::%x", i + 1, d + 1);
        snprintf(http, sizeof http,
                 "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n\r\n<?xml version=\"1.0\" "
                 "encoding=\"UTF-8\"?><DeviceInfo version=\"2.0\" "
                 "xmlns=\"http://www.hikvision.com/ver20/XMLSchema\"><deviceName>IP CAMERA"
                 "</deviceName><model>DS-2CD2143G0-I</model><serialNumber>DS-2CD2143G0-I2020"
                 "0101AAWRD%05d%05d</serialNumber><firmwareVersion>V5.5.0</firmwareVersion>"
                 "<deviceType>IPCamera</deviceType></DeviceInfo>",
                 i, d);
        evidence(&body, addr, "http", 80, "GET", "/ISAPI/System/deviceInfo", http);
        evidence(&body, addr, "rtsp", 554, "OPTIONS", "/",
                 "RTSP/1.0 200 OK\r\nCSeq: 1\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY\r\n\r\n");
        snprintf(ports, sizeof ports, "{\"address\":\"%s\",\"ports\":[80,554],\"type\":\"device\",\"v\":1}\n",
                 addr);
        sl_buf_append_str(&body, ports);
    }
    char uuid[SL_BATCH_UUID_LEN + 1];
    struct sl_err err = {0};
    sl_batch_uuid(uuid);
    sl_batch_write_header(b, uuid, a->uid, seq, sl_now(), (size_t)n * 3);
    sl_buf_append(b, body.data, body.len);
    sl_buf_free(&body);
    if (sl_batch_sign(b, a->key_pem, &err) != 0) {
        fprintf(stderr, "sign: %s\n", err.msg);
        exit(3);
    }
    return b;
}

/* CPU seconds (user + system) of process pid, with its waited-for children
 * when kids, and of its live children too when live (postgres' backends). */
static double cpu_of(long pid, bool kids, bool live)
{
    char path[64], buf[1024];
    double total = 0, tick = (double)sysconf(_SC_CLK_TCK);
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    unsigned long long ut, st;
    long long cut, cst;
    if (p != NULL && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld",
                            &ut, &st, &cut, &cst) == 4)
        total = (double)(ut + st + (kids ? (unsigned long long)(cut + cst) : 0)) / tick;
    if (!live)
        return total;
    char cmd[96];
    snprintf(cmd, sizeof cmd, "ps -o pid= --ppid %ld", pid);
    FILE *ps = popen(cmd, "r");
    long child;
    while (ps != NULL && fscanf(ps, "%ld", &child) == 1)
        total += cpu_of(child, false, false);
    if (ps != NULL)
        pclose(ps);
    return total;
}

/* CPU seconds of the server, postgres and this generator so far (the pids
 * from SL_BENCH_SERVER_PID and SL_BENCH_PG_PID; 0 when not given). */
static void cpu_now(double out[3])
{
    const char *sp = getenv("SL_BENCH_SERVER_PID"), *pp = getenv("SL_BENCH_PG_PID");
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    out[0] = sp != NULL ? cpu_of(atol(sp), true, false) : 0;
    out[1] = pp != NULL ? cpu_of(atol(pp), true, true) : 0;
    out[2] = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
             (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

static void start(CURLM *m, struct xfer *x)
{
    sl_buf_init(&x->resp, 1 << 16);
    x->c = easy("/agent/v1/batch", &x->resp, x->a);
    curl_easy_setopt(x->c, CURLOPT_POSTFIELDS, x->batch->data);
    curl_easy_setopt(x->c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->batch->len);
    curl_easy_setopt(x->c, CURLOPT_PRIVATE, x);
    x->started = sl_mono_ms();
    curl_multi_add_handle(m, x->c);
}

/* Posts every transfer, conc at a time; latencies into lat. Counts answers. */
static void post_all(struct xfer *xs, size_t n, int conc, uint64_t *lat, size_t *applied,
                     size_t *acked, size_t *failed)
{
    CURLM *m = curl_multi_init();
    size_t next = 0, done = 0;
    int running = 0;
    while (done < n) {
        while (next < n && running < conc) {
            start(m, &xs[next++]);
            running++;
        }
        int still;
        curl_multi_perform(m, &still);
        curl_multi_poll(m, NULL, 0, 100, NULL);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            struct xfer *x;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            long status = 0;
            curl_easy_getinfo(x->c, CURLINFO_RESPONSE_CODE, &status);
            lat[done++] = sl_mono_ms() - x->started;
            if (msg->data.result == CURLE_OK && status == 200) {
                (*acked)++;
                x->acked = true;
                *applied += memmem(x->resp.data, x->resp.len, "\"applied\":true", 14) != NULL;
            } else {
                (*failed)++;
                fprintf(stderr, "batch: %s, HTTP %ld\n", curl_easy_strerror(msg->data.result), status);
            }
            curl_multi_remove_handle(m, x->c);
            curl_easy_cleanup(x->c);
            sl_buf_free(&x->resp);
            running--;
        }
    }
    curl_multi_cleanup(m);
}

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: %s DB URL STATEDIR AGENTS DEVICES BATCH CONC\n", argv[0]);
        return 2;
    }
    url = argv[2];
    statedir = argv[3];
    int agents = atoi(argv[4]), devices = atoi(argv[5]), per = atoi(argv[6]), conc = atoi(argv[7]);
    static char ca[600];
    snprintf(ca, sizeof ca, "%s/agent-ca-cert.pem", statedir);
    ca_file = ca;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, argv[1], 0, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 3;
    }
    struct agent *as = calloc((size_t)agents, sizeof *as);
    uint64_t t0 = sl_mono_ms();
    for (int i = 0; i < agents; i++)
        if (enrol(s, i, &as[i]) != 0)
            return 3;
    sl_store_close(s);
    printf("setup: %d agents enrolled over mutual TLS in %.1f s\n", agents,
           (double)(sl_mono_ms() - t0) / 1000);
    size_t nb = (size_t)agents * (size_t)((devices + per - 1) / per), k = 0;
    struct xfer *xs = calloc(nb, sizeof *xs);
    for (int i = 0; i < agents; i++)
        for (int d = 0, seq = 1; d < devices; d += per, seq++)
            xs[k++] = (struct xfer){.batch = make_batch(&as[i], i, d, devices - d < per ? devices - d : per, seq),
                                    .a = &as[i]};
    uint64_t *lat = calloc(nb, sizeof *lat);
    size_t applied = 0, acked = 0, failed = 0;
    double cpu0[3], cpu1[3];
    cpu_now(cpu0);
    t0 = sl_mono_ms();
    post_all(xs, nb, conc, lat, &applied, &acked, &failed);
    double secs = (double)(sl_mono_ms() - t0) / 1000;
    cpu_now(cpu1);
    qsort(lat, nb, sizeof *lat, cmp_u64);
    /* What an agent does with a batch that got no acknowledgement: send it again. */
    size_t retried = 0;
    for (int round = 0; round < 5 && failed > 0; round++) {
        size_t nf = 0;
        for (size_t i = 0; i < nb; i++)
            if (!xs[i].acked) {
                struct xfer t = xs[i];
                xs[i] = xs[nf];
                xs[nf++] = t;
            }
        uint64_t *rl = calloc(nf, sizeof *rl);
        failed = 0;
        post_all(xs, nf, conc, rl, &applied, &acked, &failed);
        retried += nf;
        free(rl);
    }
    printf("posted %zu batches (%d devices each, %d connections at a time): %.1f s, %.0f devices/s "
           "end to end with their evidence\n",
           nb, per, conc, secs, (double)agents * devices / secs);
    printf("batch latency p50 %llu ms, p99 %llu ms, max %llu ms\n", (unsigned long long)lat[nb / 2],
           (unsigned long long)lat[nb * 99 / 100], (unsigned long long)lat[nb - 1]);
    printf("CPU while posting (user+sys): server %.1f s, postgres %.1f s, generator %.1f s "
           "(%.0f devices per server CPU second)\n",
           cpu1[0] - cpu0[0], cpu1[1] - cpu0[1], cpu1[2] - cpu0[2],
           cpu1[0] > cpu0[0] ? (double)agents * devices / (cpu1[0] - cpu0[0]) : 0.0);
    printf("acknowledged %zu, applied %zu, sent again after no answer %zu, never acknowledged %zu\n",
           acked, applied, retried, failed);
    size_t nr = nb < 50 ? nb : 50, r_applied = 0, r_acked = 0, r_failed = 0;
    post_all(xs, nr, conc, lat, &r_applied, &r_acked, &r_failed);
    printf("replayed %zu batches: acknowledged %zu, applied again %zu\n", nr, r_acked, r_applied);
    for (size_t i = 0; i < nb; i++) {
        sl_buf_free(xs[i].batch);
        free(xs[i].batch);
    }
    for (int i = 0; i < agents; i++)
        free(as[i].key_pem);
    free(xs);
    free(as);
    free(lat);
    curl_global_cleanup();
    return failed == 0 && applied == nb && r_applied == 0 ? 0 : 1;
}
