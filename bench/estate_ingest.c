/* estate_ingest.c - an estate's scans written into one register at once:
 * SITES sites of DEVICES devices each, EVIDENCE evidence rows per device,
 * written through the store interface (store.h) by WRITERS processes, each
 * taking every WRITERS-th site as a scan of its own (scan record, devices in
 * batches of BATCH through sl_store_observe_batch, scan finish). Prints the wall time and the
 * evidence rows per second, then checks that no device was lost or written
 * twice and verifies the audit chain (timed separately).
 *
 *   bench_estate_ingest LOCATION SITES DEVICES EVIDENCE WRITERS
 *
 * Addresses are data only (198.18.0.0/15, the benchmarking range); nothing
 * here touches a network. It prints figures; it is not a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "util/str.h"

#define BATCH 500

/* SL_BENCH_ONE_BY_ONE=1: each device through sl_store_device_observe and
 * sl_store_evidence_add_many (the path before the batched call), for comparison. */
static bool g_one_by_one;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct sl_err *err)
{
    fprintf(stderr, "estate_ingest: %s: %s\n", what, err->msg);
    exit(3);
}

static void site_name(int k, char *out, size_t n)
{
    snprintf(out, n, "site-%04d", k);
}

/* One site's scan: `devices` cameras with `evidence` answers each. */
static void scan_site(struct sl_store *s, int64_t site_id, int k, int devices, int evidence)
{
    struct sl_err err = {0};
    int64_t scan = 0;
    if (sl_store_scan_begin(s, site_id, "scan", "198.18.0.0/15", NULL, "bench", &scan, &err) != 0)
        die("scan begin", &err);
    static const uint8_t answer[] =
        "HTTP/1.1 200 OK\r\nServer: App-webs/\r\nContent-Type: text/html\r\n\r\n"
        "<html><head><title>Hikvision IP camera</title></head><body>DS-2CD2143G0-I"
        " firmware V5.5.82 build 190909</body></html>";
    struct sl_evidence ev[16];
    const struct sl_evidence *evp[16];
    if (evidence > 16)
        evidence = 16;
    for (int e = 0; e < evidence; e++) {
        memset(&ev[e], 0, sizeof ev[e]);
        ev[e].proto = SL_PROTO_HTTP;
        ev[e].outcome = SL_OUTCOME_OK;
        ev[e].port = (uint16_t)(80 + e);
        ev[e].path = "/";
        ev[e].request = "GET /";
        ev[e].data = answer;
        ev[e].len = sizeof answer - 1;
        evp[e] = &ev[e];
    }
    struct sl_claim c;
    memset(&c, 0, sizeof c);
    sl_strlcpy(c.manufacturer, "Hikvision", sizeof c.manufacturer);
    sl_strlcpy(c.model, "DS-2CD2143G0-I", sizeof c.model);
    c.confidence = 0.97;
    struct sl_verdict v;
    memset(&v, 0, sizeof v);
    v.decision = SL_DECISION_PROHIBITED;
    static struct sl_obs_item items[BATCH];
    static char macs[BATCH][18], addrs[BATCH][48];
    int64_t ids[BATCH];
    for (int d0 = 0; d0 < devices; d0 += BATCH) {
        int n = devices - d0 < BATCH ? devices - d0 : BATCH;
        for (int i = 0; i < n; i++) {
            int d = d0 + i;
            /* Locally administered MACs, unique across the estate. */
            snprintf(macs[i], sizeof macs[i], "02:%02x:%02x:%02x:%02x:%02x", (k >> 8) & 0xff,
                     k & 0xff, (d >> 16) & 0xff, (d >> 8) & 0xff, d & 0xff);
            snprintf(addrs[i], sizeof addrs[i], "198.18.%d.%d", (d / 250) % 256, d % 250 + 1);
            items[i] = (struct sl_obs_item){
                .obs = {scan, site_id, macs[i], NULL, addrs[i], "80,443,554", &c, &v, 0},
                .evs = evp,
                .n_evs = (size_t)evidence,
            };
        }
        if (g_one_by_one) {
            if (sl_store_begin(s, &err) != 0)
                die("begin", &err);
            for (int i = 0; i < n; i++) {
                if (sl_store_device_observe(s, &items[i].obs, "bench", &ids[i], NULL, &err) != 0)
                    die("observe", &err);
                if (sl_store_evidence_add_many(s, scan, ids[i], addrs[i], evp, (size_t)evidence,
                                               "bench", &err) != 0)
                    die("evidence", &err);
            }
            if (sl_store_commit(s, &err) != 0)
                die("commit", &err);
        } else if (sl_store_observe_batch(s, items, (size_t)n, "bench", ids, NULL, &err) != 0) {
            die("observe batch", &err);
        }
    }
    if (sl_store_scan_finish(s, scan, SL_SCAN_COMPLETE, devices, devices, devices, "bench",
                             &err) != 0)
        die("scan finish", &err);
}

static void writer(const char *loc, int w, int writers, int sites, int devices, int evidence)
{
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, loc, 0, &err) != 0)
        die("open", &err);
    for (int k = w; k < sites; k += writers) {
        char name[32];
        site_name(k, name, sizeof name);
        struct sl_site site;
        if (sl_store_site_get(s, name, &site, &err) != 1)
            die("site", &err);
        sl_site_free(&site);
        scan_site(s, site.id, k, devices, evidence);
    }
    sl_store_close(s);
    exit(0);
}

static int64_t count(struct sl_store *s, const char *what)
{
    struct sl_status_counts c;
    struct sl_err err = {0};
    if (sl_store_count_devices(s, NULL, &c, &err) != 0)
        die(what, &err);
    return c.total;
}

/* CPU seconds of a process: its own and its reaped children's (stat 14-17). */
static double proc_cpu(const char *pid, bool children)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    FILE *f = fopen(path, "r");
    size_t n = f != NULL ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f != NULL)
        fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the name may hold spaces */
    double t[4] = {0};
    if (p != NULL && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lf %lf %lf %lf",
                            &t[0], &t[1], &t[2], &t[3]) == 4)
        return (t[0] + t[1] + (children ? t[2] + t[3] : 0)) / (double)sysconf(_SC_CLK_TCK);
    return 0;
}

/* The server's CPU seconds so far (SL_BENCH_SERVER_PID: the postmaster): its
 * own, its ended backends' and its live processes' (WAL writer, checkpointer,
 * backends still connected); -1 without the variable. */
static double server_cpu(void)
{
    const char *pm = getenv("SL_BENCH_SERVER_PID");
    if (pm == NULL || *pm == '\0')
        return -1;
    double total = proc_cpu(pm, true);
    char path[64], kid[32];
    snprintf(path, sizeof path, "/proc/%s/task/%s/children", pm, pm);
    FILE *f = fopen(path, "r");
    while (f != NULL && fscanf(f, "%31s", kid) == 1)
        total += proc_cpu(kid, false);
    if (f != NULL)
        fclose(f);
    return total;
}

static double children_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s LOCATION SITES DEVICES EVIDENCE WRITERS\n", argv[0]);
        return 2;
    }
    const char *loc = argv[1];
    const char *obo = getenv("SL_BENCH_ONE_BY_ONE");
    g_one_by_one = obo != NULL && strcmp(obo, "1") == 0;
    int sites = atoi(argv[2]), devices = atoi(argv[3]), evidence = atoi(argv[4]);
    int writers = atoi(argv[5]);
    if (sites < 1 || devices < 1 || devices > 60000 || evidence < 0 || evidence > 16 ||
        writers < 1 || writers > 64) {
        fprintf(stderr, "estate_ingest: arguments out of range\n");
        return 2;
    }
    struct sl_store *s;
    struct sl_err err = {0};
    if (sl_store_open(&s, loc, 0, &err) != 0)
        die("open", &err);
    if (count(s, "count") != 0) {
        fprintf(stderr, "estate_ingest: %s is not empty\n", sl_store_where(s));
        return 2;
    }
    double t0 = now_s();
    if (sl_store_begin(s, &err) != 0)
        die("begin", &err);
    for (int k = 0; k < sites; k++) {
        char name[32];
        site_name(k, name, sizeof name);
        const char *nets[] = {"198.18.0.0/15"};
        if (sl_store_site_add(s, name, "Estate", SL_TIER_OFFICIAL, nets, 1, "bench", NULL,
                              &err) != 0)
            die("site add", &err);
    }
    if (sl_store_commit(s, &err) != 0)
        die("commit", &err);
    sl_store_close(s);
    printf("backend %s, %d sites x %d devices x %d evidence, %d writer process%s, %s\n",
           sl_store_backend_of(loc), sites, devices, evidence, writers, writers > 1 ? "es" : "",
           g_one_by_one ? "one device a call" : "batches of 500 (sl_store_observe_batch)");
    printf("sites: %.1f s\n", now_s() - t0);
    fflush(stdout);

    double t1 = now_s(), srv0 = server_cpu();
    pid_t pids[64];
    for (int w = 0; w < writers; w++) {
        pids[w] = fork();
        if (pids[w] == 0)
            writer(loc, w, writers, sites, devices, evidence);
    }
    int failed = 0;
    for (int w = 0; w < writers; w++) {
        int st;
        waitpid(pids[w], &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            failed++;
    }
    double took = now_s() - t1;
    int64_t want = (int64_t)sites * devices, rows = want * evidence;
    printf("ingest: %.1f s, %lld devices (%.0f/s), %lld evidence rows (%.0f rows/s)%s\n", took,
           (long long)want, (double)want / took, (long long)rows, (double)rows / took,
           failed ? "  WRITERS FAILED" : "");
    /* CPU survives a shared machine's load where wall time does not. */
    double wcpu = children_cpu();
    usleep(300 * 1000); /* the writers' backends end and are reaped */
    double srv = srv0 >= 0 ? server_cpu() - srv0 : -1;
    if (srv > 0)
        printf("ingest CPU: server %.1f s, writers %.1f s; %.0f evidence rows per server "
               "CPU-second, %.0f per server+writer CPU-second\n",
               srv, wcpu, (double)rows / srv, (double)rows / (srv + wcpu));
    else
        printf("ingest CPU: writers %.1f s\n", wcpu);
    fflush(stdout);

    if (sl_store_open(&s, loc, 0, &err) != 0)
        die("open", &err);
    int64_t got = count(s, "count");
    printf("devices in the register: %lld of %lld (%s)\n", (long long)got, (long long)want,
           got == want ? "none lost, none twice" : "MISMATCH");
    double t2 = now_s();
    struct sl_audit_report rep;
    if (sl_store_verify(s, &rep, &err) != 0)
        die("verify", &err);
    /* One entry per site added, per scan begun and finished, per device
     * discovered and per device's evidence. */
    int64_t entries = 3 * (int64_t)sites + want * (evidence > 0 ? 2 : 1);
    printf("audit chain: %lld entries (%s %lld), %s (verified in %.1f s)\n",
           (long long)rep.entries, rep.entries == entries ? "as expected:" : "EXPECTED",
           (long long)entries, rep.first_bad_seq == 0 ? "intact" : rep.problem, now_s() - t2);
    sl_store_close(s);
    return failed || got != want || rep.first_bad_seq != 0 || rep.entries != entries ? 1 : 0;
}
