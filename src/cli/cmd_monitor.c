/* cmd_monitor.c - sightline monitor: watch a network passively (DESIGN.md §9). */
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "monitor/alert.h"
#include "monitor/capture.h"
#include "monitor/cloud.h"
#include "monitor/ident_glue.h"
#include "monitor/monitor.h"
#include "store/store.h"
#include "util/datadir.h"
#include "util/str.h"
#include "util/timeutil.h"
#include "util/file.h"

#define MAX_READ_FILES 1024

static volatile sig_atomic_t g_stop, g_reload;
static struct sl_capture *volatile g_live;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        g_reload = 1;
    else
        g_stop = 1;
    if (g_live != NULL)
        sl_capture_break(g_live);
}

/* SIGHUP: reads the configuration file again and loads the rules, registry,
 * policies and cloud domains afresh (from the data directory it now names);
 * the capture, the station table and the alerts' deduplication go on. On any
 * error the monitor keeps what it had and says why. */
static void reload(const char *cmd, struct sl_monitor *mon, enum sl_tier tier, const char *policy,
                   struct sl_cloud **cloud, struct sl_mon_identify **identify)
{
    struct sl_err err = {0};
    struct sl_cloud *nc = NULL;
    struct sl_mon_identify *ni = NULL;
    char path[4096];
    if (sl_config_reload(&err) == 0) {
        if (!sl_config_cli_gave("--policy"))
            policy = sl_config_file_value("monitor", "policy", NULL);
        snprintf(path, sizeof path, "%s/cloud-domains.tsv", sl_datadir());
        if (sl_cloud_load(&nc, path, &err) == 0)
            sl_mon_identify_open(&ni, sl_datadir(), tier, policy, &err);
    }
    if (ni == NULL) {
        fprintf(stderr, "%s: reload failed, keeping the rules in use: %s\n", cmd, err.msg);
        sl_cloud_free(nc);
        return;
    }
    sl_monitor_reload(mon, nc, ni);
    sl_cloud_free(*cloud);
    sl_mon_identify_close(*identify);
    *cloud = nc;
    *identify = ni;
    fprintf(stderr, "%s: reloaded %s and the rules in %s (%zu cloud domains)\n", cmd,
            sl_config_path(), sl_datadir(), sl_cloud_count(nc));
}

static void usage(const char *cmd)
{
    printf(
        "Usage: %s (-i IFACE | --read FILE...) [--filter BPF] [--jsonl FILE|-] [--syslog]\n"
        "          [--db PATH] [--site NAME] [--tier TIER] [--policy IDS] [--state FILE]\n"
        "          [--user USER] [--summary-interval SECONDS] [--fail-on SEVERITY]\n"
        "          [--max-hosts N] [--buffer-mb N] [--no-promisc] [--count N] [--duration S]\n"
        "\n"
        "Watches a network passively and raises alerts, one JSON object a line in the style\n"
        "of Suricata's EVE format (docs/formats.md), when:\n"
        "  9000001  a device identify says is made by a prohibited manufacturer is seen\n"
        "  9000002  a device the register lists as removed or verified_absent is seen again\n"
        "           (the register's status becomes 'reappeared')\n"
        "  9000003  a device looks up a vendor cloud, P2P or DDNS name (data/cloud-domains.tsv)\n"
        "  9000004  ... asks for one in a TLS ClientHello (SNI)\n"
        "  9000005  ... asks for one in an HTTP request (Host)\n"
        "  9000006  ... connects to an address such a name resolved to\n"
        "  9000007  a camera-like device the register does not know\n"
        "Alerts are deduplicated per device, signature and subject; repeats are counted and\n"
        "written as 'alert_summary' lines every --summary-interval seconds of capture time\n"
        "(default 300; 0 = only at the end) and at the end. A 'stats' line ends the output.\n"
        "\n"
        "  -i, --interface IFACE   capture live (needs CAP_NET_RAW; immediate mode, 64 MiB buffer);\n"
        "                          every capability is dropped once the capture is open\n"
        "  -r, --read FILE...      read pcap/pcapng files in order ('-' = standard input);\n"
        "                          further arguments are more files\n"
        "  -f, --filter BPF        a capture filter (tcpdump syntax)\n"
        "      --jsonl FILE|-      where alerts go (default: standard output unless --syslog)\n"
        "      --syslog            also send each line to syslog (daemon facility)\n"
        "      --db PATH           the register: reappeared devices are updated, alerts and\n"
        "                          sightings (MAC <-> address) recorded, known devices not new\n"
        "      --site NAME         the register site being watched (its tier decides policy)\n"
        "      --tier TIER         sensitive, official or public when there is no --site\n"
        "                          (default sensitive)\n"
        "      --policy IDS        policies in force (comma-separated; default: the data's)\n"
        "      --state FILE        keep the station table and alert counts across restarts\n"
        "      --user USER         after opening the capture, also become USER\n"
        "      --fail-on SEV       exit 1 when an alert of severity SEV or higher (1 highest) was\n"
        "                          raised\n"
        "      --count N           stop after N frames;  --duration S  stop after S seconds (live)\n"
        "\n"
        "Exit status: 0 done, 1 alerts at --fail-on, 2 usage error, 3 capture/register failure.\n",
        cmd);
}

struct opts {
    const char *iface, *filter, *jsonl, *db, *site, *tier, *policy, *state, *user;
    const char *reads[MAX_READ_FILES];
    size_t n_reads;
    bool syslog, promisc, reading;
    int64_t summary_interval, fail_on, max_hosts, buffer_mb, count, duration;
};

static int parse_num(const char *cmd, const char *name, const char *v, int64_t min, int64_t max,
                     int64_t *out)
{
    if (sl_parse_i64(v, min, max, out) != 0)
        return sl_cli_usage_error(cmd, "%s must be a whole number from %lld to %lld", name,
                                  (long long)min, (long long)max);
    return 0;
}

static const struct option lopts[] = {
    {"interface", required_argument, NULL, 'i'},
    {"read", required_argument, NULL, 'r'},
    {"filter", required_argument, NULL, 'f'},
    {"jsonl", required_argument, NULL, 'J'},
    {"syslog", no_argument, NULL, 'S'},
    {"db", required_argument, NULL, 'D'},
    {"site", required_argument, NULL, 's'},
    {"tier", required_argument, NULL, 'T'},
    {"policy", required_argument, NULL, 'P'},
    {"state", required_argument, NULL, 'X'},
    {"user", required_argument, NULL, 'u'},
    {"summary-interval", required_argument, NULL, 'I'},
    {"fail-on", required_argument, NULL, 'F'},
    {"max-hosts", required_argument, NULL, 'M'},
    {"buffer-mb", required_argument, NULL, 'B'},
    {"no-promisc", no_argument, NULL, 'p'},
    {"count", required_argument, NULL, 'c'},
    {"duration", required_argument, NULL, 'd'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* A numeric option: its bounds and where it goes. 1 when c is none of them. */
static int numeric_option(const char *cmd, int c, const char *arg, struct opts *o)
{
    static const struct {
        int c;
        const char *name;
        int64_t min, max;
        size_t at; /* offset of the int64_t in struct opts */
    } num[] = {
        {'I', "--summary-interval", 0, 86400 * 365, offsetof(struct opts, summary_interval)},
        {'F', "--fail-on", 1, 3, offsetof(struct opts, fail_on)},
        {'M', "--max-hosts", 16, 10000000, offsetof(struct opts, max_hosts)},
        {'B', "--buffer-mb", 1, 2047, offsetof(struct opts, buffer_mb)},
        {'c', "--count", 1, INT64_MAX, offsetof(struct opts, count)},
        {'d', "--duration", 1, 86400 * 365, offsetof(struct opts, duration)},
    };
    for (size_t i = 0; i < sizeof num / sizeof num[0]; i++) {
        if (num[i].c != c)
            continue;
        int64_t *to = (int64_t *)(void *)((char *)o + num[i].at);
        if (parse_num(cmd, num[i].name, arg, num[i].min, num[i].max, to))
            return SL_EXIT_USAGE;
        return 0;
    }
    return 1;
}

/* What the options say together (and the files after --read). 0, or an exit code. */
static int check_args(const char *cmd, int argc, char **argv, struct opts *o)
{
    for (int i = optind; i < argc; i++) {
        if (!o->reading)
            return sl_cli_usage_error(cmd, "unexpected argument '%s' (files are read with --read)",
                                      argv[i]);
        if (o->n_reads == MAX_READ_FILES)
            return sl_cli_usage_error(cmd, "at most %d files", MAX_READ_FILES);
        o->reads[o->n_reads++] = argv[i];
    }
    if ((o->iface != NULL) == o->reading)
        return sl_cli_usage_error(cmd, "give either -i IFACE or --read FILE...");
    if (o->site != NULL && o->db == NULL)
        return sl_cli_usage_error(cmd, "--site needs --db (the site is looked up in the register)");
    if (o->site != NULL && o->tier != NULL)
        return sl_cli_usage_error(cmd, "--tier and --site exclude each other (the site has a tier)");
    enum sl_tier t;
    if (o->tier != NULL && sl_tier_from_name(o->tier, &t) != 0)
        return sl_cli_usage_error(cmd, "--tier must be sensitive, official or public");
    if (o->duration > 0 && o->reading)
        return sl_cli_usage_error(cmd, "--duration applies to live capture only");
    if (o->jsonl == NULL && !o->syslog)
        o->jsonl = "-";
    return 0;
}

static int parse_args(int argc, char **argv, struct opts *o, bool *help)
{
    const char *cmd = argv[0];
    memset(o, 0, sizeof *o);
    o->promisc = true;
    o->summary_interval = 300;
    int c;
    while ((c = getopt_long(argc, argv, "i:r:f:h", lopts, NULL)) != -1) {
        int k = numeric_option(cmd, c, optarg, o);
        if (k != 1) {
            if (k != 0)
                return k;
            continue;
        }
        switch (c) {
        case 'i': o->iface = optarg; break;
        case 'r':
            if (o->n_reads == MAX_READ_FILES)
                return sl_cli_usage_error(cmd, "at most %d files", MAX_READ_FILES);
            o->reads[o->n_reads++] = optarg;
            o->reading = true;
            break;
        case 'f': o->filter = optarg; break;
        case 'J': o->jsonl = optarg; break;
        case 'S': o->syslog = true; break;
        case 'D': o->db = optarg; break;
        case 's': o->site = optarg; break;
        case 'T': o->tier = optarg; break;
        case 'P': o->policy = optarg; break;
        case 'X': o->state = optarg; break;
        case 'u': o->user = optarg; break;
        case 'p': o->promisc = false; break;
        case 'h':
            *help = true;
            return 0;
        default:
            return sl_cli_bad_option(cmd);
        }
    }
    return check_args(cmd, argc, argv, o);
}

static json_t *stats_json(const struct sl_mon_stats *st, const struct sl_alerts_stats *as,
                          const struct sl_capture_stats *cs, bool live)
{
    json_t *errs = json_object();
    for (size_t i = 0; i < st->n_error_kinds; i++)
        json_object_set_new(errs, st->errors[i].key, json_integer((json_int_t)st->errors[i].count));
    json_t *s = json_object();
    json_object_set_new(s, "packets", json_integer((json_int_t)st->packets));
    json_object_set_new(s, "bytes", json_integer((json_int_t)st->bytes));
    json_object_set_new(s, "truncated", json_integer((json_int_t)st->truncated));
    json_object_set_new(s, "decode_errors", json_integer((json_int_t)st->decode_errors));
    json_object_set_new(s, "errors", errs);
    json_object_set_new(s, "dns", json_integer((json_int_t)st->dns));
    json_object_set_new(s, "tls_client_hello", json_integer((json_int_t)st->tls_hello));
    json_object_set_new(s, "http", json_integer((json_int_t)st->http));
    json_object_set_new(s, "dhcp", json_integer((json_int_t)st->dhcp));
    json_object_set_new(s, "announcements", json_integer((json_int_t)st->announcements));
    json_object_set_new(s, "evidence", json_integer((json_int_t)st->evidence));
    json_object_set_new(s, "hosts", json_integer((json_int_t)st->hosts));
    json_object_set_new(s, "hosts_dropped", json_integer((json_int_t)st->hosts_dropped));
    json_object_set_new(s, "flows_evicted", json_integer((json_int_t)st->flows_evicted));
    json_object_set_new(s, "reassembled", json_integer((json_int_t)st->reassembled));
    json_object_set_new(s, "reasm_dropped", json_integer((json_int_t)st->reasm_dropped));
    json_object_set_new(s, "alerts_raised", json_integer((json_int_t)as->raised));
    json_object_set_new(s, "alerts_written", json_integer((json_int_t)as->written));
    json_object_set_new(s, "alerts_suppressed", json_integer((json_int_t)as->suppressed));
    if (live)
        json_object_set_new(s, "capture",
                            json_pack("{s:I, s:I, s:I}", "received", (json_int_t)cs->received,
                                      "dropped", (json_int_t)cs->dropped, "ifdropped",
                                      (json_int_t)cs->ifdropped));
    return json_pack("{s:o}", "stats", s);
}

/* One run of the monitor: what it opened (freed by run_free). */
struct run {
    const char *cmd;
    struct opts o;
    struct sl_store *store;
    struct sl_cloud *cloud;
    struct sl_mon_identify *identify;
    struct sl_alerts *alerts;
    struct sl_monitor *mon;
    struct sl_capture *caps[MAX_READ_FILES];
    struct sl_capture *live;
    FILE *out;
    bool out_owned;
    int64_t site_id;
    enum sl_tier tier;
    int64_t frames;
    bool failed;
};

static void run_free(struct run *r)
{
    sl_monitor_free(r->mon);
    sl_alerts_free(r->alerts);
    for (size_t i = 0; i < r->o.n_reads; i++)
        sl_capture_close(r->caps[i]);
    sl_capture_close(r->live);
    if (r->out_owned)
        fclose(r->out);
    else if (r->out != NULL)
        fflush(r->out);
    sl_mon_identify_close(r->identify);
    sl_cloud_free(r->cloud);
    sl_store_close(r->store);
}

/* The register and the watched site's tier. 0, or an exit code. */
static int open_register(struct run *r, struct sl_err *err)
{
    const char *cmd = r->cmd;
    if (r->o.tier != NULL)
        sl_tier_from_name(r->o.tier, &r->tier);
    if (r->o.db == NULL)
        return 0;
    if (sl_store_open(&r->store, r->o.db, 0, err) != 0)
        return sl_cli_fail_err(cmd, err);
    if (r->o.site == NULL)
        return 0;
    struct sl_site site;
    int k = sl_store_site_get(r->store, r->o.site, &site, err);
    if (k < 0)
        return sl_cli_fail_err(cmd, err);
    if (k == 0)
        return sl_cli_usage_error(cmd, "no site '%s' in the register", r->o.site);
    r->site_id = site.id;
    r->tier = site.tier;
    sl_site_free(&site);
    return 0;
}

/* Cloud domains, identification, every capture and the output: all that is
 * opened before privileges go. 0, or an exit code. */
static int open_inputs(struct run *r, struct sl_err *err)
{
    const char *cmd = r->cmd;
    const struct opts *o = &r->o;
    char path[4096];
    snprintf(path, sizeof path, "%s/cloud-domains.tsv", sl_datadir());
    if (sl_cloud_load(&r->cloud, path, err) != 0)
        return sl_cli_fail_err(cmd, err);
    if (sl_mon_identify_open(&r->identify, sl_datadir(), r->tier, o->policy, err) != 0)
        return sl_cli_fail(cmd, sl_cli_exit_for(err),
                           "%s", err->msg);
    if (o->iface != NULL) {
        long long mb = o->buffer_mb ? o->buffer_mb : 64;
        if (sl_capture_open_live(&r->live, o->iface, o->filter, (size_t)mb << 20, o->promisc,
                                 err) != 0)
            return sl_cli_fail(cmd, sl_cli_exit_for(err),
                               "%s", err->msg);
        fprintf(stderr, "%s: capturing on %s (%s, immediate mode, %lld MiB buffer%s%s%s)\n", cmd,
                o->iface, sl_capture_link_name(r->live), mb, o->promisc ? ", promiscuous" : "",
                o->filter ? ", filter: " : "", o->filter ? o->filter : "");
    } else {
        for (size_t i = 0; i < o->n_reads; i++)
            if (sl_capture_open_file(&r->caps[i], o->reads[i], o->filter, err) != 0)
                return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err->msg);
    }
    if (o->jsonl == NULL)
        return 0;
    if (strcmp(o->jsonl, "-") == 0) {
        r->out = stdout;
        return 0;
    }
    struct sl_err oerr = {0};
    r->out = sl_stream_open(o->jsonl, true, &oerr);
    if (r->out == NULL)
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", oerr.msg);
    r->out_owned = true;
    return 0;
}

/* Drops privileges, then sets up alerts and the engine (with what the register
 * and the state file remember). 0, or an exit code. */
static int start_engine(struct run *r, struct sl_err *err)
{
    const char *cmd = r->cmd;
    char report[512];
    if (sl_drop_privileges(r->o.user, report, sizeof report, err) != 0)
        return sl_cli_fail_err(cmd, err);
    fprintf(stderr, "%s: %s\n", cmd, report);
    struct sl_alerts_config acfg = {.jsonl = r->out, .syslog = r->o.syslog, .store = r->store};
    r->alerts = sl_alerts_new(&acfg);
    if (r->alerts == NULL)
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
    struct sl_mon_config mcfg = {
        .cloud = r->cloud,
        .identify = r->identify,
        .alerts = r->alerts,
        .store = r->store,
        .site_id = r->site_id,
        .site = r->o.site != NULL ? r->o.site : "",
        .actor = sl_cli_actor(NULL),
        .max_hosts = (size_t)r->o.max_hosts,
        .summary_interval = r->o.summary_interval,
    };
    if (sl_monitor_new(&r->mon, &mcfg, err) != 0)
        return sl_cli_fail_err(cmd, err);
    if (r->store != NULL && sl_monitor_load_sightings(r->mon, err) != 0)
        return sl_cli_fail_err(cmd, err);
    if (r->o.state != NULL) {
        FILE *probe = fopen(r->o.state, "r");
        if (probe != NULL) {
            fclose(probe);
            if (sl_monitor_load_state(r->mon, r->o.state, err) != 0)
                return sl_cli_fail(cmd, SL_EXIT_USAGE, "--state: %s", err->msg);
        }
    }
    return 0;
}

/* Every summary interval of a live capture: save the state, report drops. */
static void live_checkpoint(struct run *r, struct sl_err *err)
{
    if (r->o.state != NULL && sl_monitor_save_state(r->mon, r->o.state, err) != 0)
        fprintf(stderr, "%s: --state: %s\n", r->cmd, err->msg);
    struct sl_capture_stats cs;
    if (sl_capture_stats(r->live, &cs) == 0 && cs.dropped + cs.ifdropped > 0)
        fprintf(stderr, "%s: capture drops so far: %llu (kernel) + %llu (interface)\n", r->cmd,
                (unsigned long long)cs.dropped, (unsigned long long)cs.ifdropped);
}

/* A live capture until a signal, --count or --duration. */
static void capture_live(struct run *r, struct sl_err *err)
{
    const struct opts *o = &r->o;
    struct sl_frame f;
    g_live = r->live;
    uint64_t start = sl_mono_ms(), last_save = start;
    /* A quiet interface never returns from the read (libpcap does not keep
     * its read timeout in immediate mode): the alarm breaks it at the end. */
    if (o->duration > 0) {
        struct sigaction alrm;
        memset(&alrm, 0, sizeof alrm);
        alrm.sa_handler = on_signal;
        sigaction(SIGALRM, &alrm, NULL);
        alarm((unsigned)o->duration); /* at most a year: the option's bound */
    }
    while (!g_stop) {
        if (g_reload) {
            g_reload = 0;
            reload(r->cmd, r->mon, r->tier, o->policy, &r->cloud, &r->identify);
        }
        int k = sl_capture_next(r->live, &f, err);
        if (k < 0) {
            sl_cli_fail_err(r->cmd, err);
            r->failed = true;
            break;
        }
        if (k == 1) {
            sl_monitor_packet(r->mon, sl_capture_link(r->live), f.ts_sec, f.ts_usec, f.data,
                              f.caplen, f.wirelen);
            if (o->count > 0 && ++r->frames >= o->count)
                break;
        }
        uint64_t now = sl_mono_ms();
        if (o->duration > 0 && now - start >= (uint64_t)o->duration * 1000)
            break;
        if (o->summary_interval > 0 && now - last_save >= (uint64_t)o->summary_interval * 1000) {
            last_save = now;
            live_checkpoint(r, err);
        }
    }
    alarm(0);
    g_live = NULL;
}

/* The files in order, at full speed, until a signal or --count. */
static void read_files(struct run *r, struct sl_err *err)
{
    const struct opts *o = &r->o;
    struct sl_frame f;
    for (size_t i = 0; i < o->n_reads && !g_stop && !r->failed; i++) {
        enum sl_link link = sl_capture_link(r->caps[i]);
        int k = 0;
        while (!g_stop && (k = sl_capture_next(r->caps[i], &f, err)) == 1) {
            sl_monitor_packet(r->mon, link, f.ts_sec, f.ts_usec, f.data, f.caplen, f.wirelen);
            if (o->count > 0 && ++r->frames >= o->count)
                break;
        }
        if (k == -1) {
            /* A file cut short mid-record is input, not a crash: say so, keep what was read. */
            fprintf(stderr, "%s: %s: %s\n", r->cmd, o->reads[i], err->msg);
            r->failed = true;
        }
        if (o->count > 0 && r->frames >= o->count)
            break;
    }
}

/* The stats line, the last state, and the exit code. */
static int finish(struct run *r, struct sl_err *err)
{
    const char *cmd = r->cmd;
    sl_monitor_flush(r->mon);
    struct sl_mon_stats st;
    struct sl_alerts_stats as;
    struct sl_capture_stats cs = {0, 0, 0};
    sl_monitor_get_stats(r->mon, &st);
    sl_alerts_get_stats(r->alerts, &as);
    if (r->live != NULL)
        sl_capture_stats(r->live, &cs);
    int64_t ts_sec;
    int32_t ts_usec;
    sl_monitor_last_time(r->mon, &ts_sec, &ts_usec);
    if (ts_sec <= 0) { /* no frame was read (a bad or empty file): now, not 1970 */
        ts_sec = sl_now();
        ts_usec = 0;
    }
    sl_alerts_write_event(r->alerts, "stats", ts_sec, ts_usec,
                          stats_json(&st, &as, &cs, r->live != NULL));
    fprintf(stderr,
            "%s: %llu frames, %llu stations, %llu alerts written, %llu repeats counted, "
            "%llu undecodable%s",
            cmd, (unsigned long long)st.packets, (unsigned long long)st.hosts,
            (unsigned long long)as.written, (unsigned long long)as.suppressed,
            (unsigned long long)st.decode_errors, r->live != NULL ? "" : "\n");
    if (r->live != NULL)
        fprintf(stderr, ", capture drops %llu (kernel) + %llu (interface)\n",
                (unsigned long long)cs.dropped, (unsigned long long)cs.ifdropped);
    if (r->o.state != NULL && sl_monitor_save_state(r->mon, r->o.state, err) != 0)
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "--state: %s", err->msg);
    if (r->failed || st.register_errors > 0 || as.store_errors > 0)
        return r->o.reading && !(st.register_errors > 0 || as.store_errors > 0)
                   ? SL_EXIT_USAGE
                   : SL_EXIT_RUNTIME;
    if (r->o.fail_on > 0 && as.worst_severity > 0 && as.worst_severity <= r->o.fail_on)
        return SL_EXIT_FINDINGS;
    return SL_EXIT_OK;
}

int sl_cmd_monitor(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct run *r = calloc(1, sizeof *r);
    if (r == NULL)
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
    r->cmd = cmd;
    r->tier = SL_TIER_SENSITIVE;
    bool help = false;
    sl_cli_getopt_reset();
    int rc = parse_args(argc, argv, &r->o, &help);
    if (help) {
        usage(cmd);
        free(r);
        return SL_EXIT_OK;
    }
    if (rc != 0) {
        free(r);
        return rc;
    }
    struct sl_err err = {0};
    /* Caught from the start: a SIGTERM while the rules load (after the
     * capture opened) still ends with the stats line, not a silent death. */
    sl_cli_catch_signals(on_signal);
    struct sigaction hup;
    memset(&hup, 0, sizeof hup);
    hup.sa_handler = on_signal;
    sigaction(SIGHUP, &hup, NULL);
    if ((rc = open_register(r, &err)) == 0 && (rc = open_inputs(r, &err)) == 0 &&
        (rc = start_engine(r, &err)) == 0) {
        if (r->live != NULL)
            capture_live(r, &err);
        else
            read_files(r, &err);
        rc = finish(r, &err);
    }
    run_free(r);
    free(r);
    return rc;
}
