/* cmd_monitor.c - sightline monitor: watch a network passively (DESIGN.md §9). */
#include <errno.h>
#include <signal.h>
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

static int parse_args(int argc, char **argv, struct opts *o, bool *help)
{
    const char *cmd = argv[0];
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
    memset(o, 0, sizeof *o);
    o->promisc = true;
    o->summary_interval = 300;
    int c;
    while ((c = getopt_long(argc, argv, "i:r:f:h", lopts, NULL)) != -1) {
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
        case 'I':
            if (parse_num(cmd, "--summary-interval", optarg, 0, 86400 * 365, &o->summary_interval))
                return SL_EXIT_USAGE;
            break;
        case 'F':
            if (parse_num(cmd, "--fail-on", optarg, 1, 3, &o->fail_on))
                return SL_EXIT_USAGE;
            break;
        case 'M':
            if (parse_num(cmd, "--max-hosts", optarg, 16, 10000000, &o->max_hosts))
                return SL_EXIT_USAGE;
            break;
        case 'B':
            if (parse_num(cmd, "--buffer-mb", optarg, 1, 2047, &o->buffer_mb))
                return SL_EXIT_USAGE;
            break;
        case 'c':
            if (parse_num(cmd, "--count", optarg, 1, INT64_MAX, &o->count))
                return SL_EXIT_USAGE;
            break;
        case 'd':
            if (parse_num(cmd, "--duration", optarg, 1, 86400 * 365, &o->duration))
                return SL_EXIT_USAGE;
            break;
        case 'h':
            *help = true;
            return 0;
        default:
            return sl_cli_bad_option(cmd);
        }
    }
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

int sl_cmd_monitor(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct opts o;
    bool help = false;
    sl_cli_getopt_reset();
    int rc = parse_args(argc, argv, &o, &help);
    if (help) {
        usage(cmd);
        return SL_EXIT_OK;
    }
    if (rc != 0)
        return rc;

    struct sl_err err = {0};
    struct sl_store *store = NULL;
    struct sl_cloud *cloud = NULL;
    struct sl_mon_identify *identify = NULL;
    struct sl_alerts *alerts = NULL;
    struct sl_monitor *mon = NULL;
    struct sl_capture *caps[MAX_READ_FILES] = {0};
    struct sl_capture *live = NULL;
    FILE *out = NULL;
    bool out_owned = false;
    int64_t site_id = 0;
    enum sl_tier tier = SL_TIER_SENSITIVE;
    rc = SL_EXIT_RUNTIME;

    if (o.tier != NULL)
        sl_tier_from_name(o.tier, &tier);
    if (o.db != NULL) {
        if (sl_store_open(&store, o.db, 0, &err) != 0) {
            sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
            goto done;
        }
        if (o.site != NULL) {
            struct sl_site site;
            int k = sl_store_site_get(store, o.site, &site, &err);
            if (k < 0) {
                sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
                goto done;
            }
            if (k == 0) {
                rc = sl_cli_usage_error(cmd, "no site '%s' in the register", o.site);
                goto done;
            }
            site_id = site.id;
            tier = site.tier;
            sl_site_free(&site);
        }
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/cloud-domains.tsv", sl_datadir());
    if (sl_cloud_load(&cloud, path, &err) != 0) {
        sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    if (sl_mon_identify_open(&identify, sl_datadir(), tier, o.policy, &err) != 0) {
        rc = sl_cli_fail(cmd, sl_cli_exit_for(&err), "%s",
                         err.msg);
        goto done;
    }

    /* Open every input before giving up privileges. */
    if (o.iface != NULL) {
        if (sl_capture_open_live(&live, o.iface, o.filter,
                                 (size_t)(o.buffer_mb ? o.buffer_mb : 64) << 20, o.promisc,
                                 &err) != 0) {
            rc = sl_cli_fail(cmd, sl_cli_exit_for(&err),
                             "%s", err.msg);
            goto done;
        }
        fprintf(stderr, "%s: capturing on %s (%s, immediate mode, %lld MiB buffer%s%s%s)\n", cmd,
                o.iface, sl_capture_link_name(live), (long long)(o.buffer_mb ? o.buffer_mb : 64),
                o.promisc ? ", promiscuous" : "", o.filter ? ", filter: " : "",
                o.filter ? o.filter : "");
    } else {
        for (size_t i = 0; i < o.n_reads; i++) {
            if (sl_capture_open_file(&caps[i], o.reads[i], o.filter, &err) != 0) {
                rc = sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
                goto done;
            }
        }
    }
    if (o.jsonl != NULL) {
        if (strcmp(o.jsonl, "-") == 0) {
            out = stdout;
        } else {
            out = fopen(o.jsonl, "a");
            if (out == NULL) {
                sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s: %s", o.jsonl, strerror(errno));
                goto done;
            }
            out_owned = true;
        }
    }
    char report[512];
    if (sl_drop_privileges(o.user, report, sizeof report, &err) != 0) {
        sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    fprintf(stderr, "%s: %s\n", cmd, report);

    struct sl_alerts_config acfg = {.jsonl = out, .syslog = o.syslog, .store = store};
    alerts = sl_alerts_new(&acfg);
    if (alerts == NULL) {
        sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
        goto done;
    }
    struct sl_mon_config mcfg = {
        .cloud = cloud,
        .identify = identify,
        .alerts = alerts,
        .store = store,
        .site_id = site_id,
        .site = o.site != NULL ? o.site : "",
        .actor = sl_cli_actor(NULL),
        .max_hosts = (size_t)o.max_hosts,
        .summary_interval = o.summary_interval,
    };
    if (sl_monitor_new(&mon, &mcfg, &err) != 0) {
        sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    if (store != NULL && sl_monitor_load_sightings(mon, &err) != 0) {
        sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    if (o.state != NULL) {
        FILE *probe = fopen(o.state, "r");
        if (probe != NULL) {
            fclose(probe);
            if (sl_monitor_load_state(mon, o.state, &err) != 0) {
                rc = sl_cli_fail(cmd, SL_EXIT_USAGE, "--state: %s", err.msg);
                goto done;
            }
        }
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    int64_t frames = 0;
    bool failed = false;
    struct sl_frame f;
    if (live != NULL) {
        g_live = live;
        uint64_t start = sl_mono_ms(), last_save = start;
        while (!g_stop) {
            if (g_reload) {
                g_reload = 0;
                reload(cmd, mon, tier, o.policy, &cloud, &identify);
            }
            int k = sl_capture_next(live, &f, &err);
            if (k < 0) {
                sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
                failed = true;
                break;
            }
            if (k == 1) {
                sl_monitor_packet(mon, sl_capture_link(live), f.ts_sec, f.ts_usec, f.data,
                                  f.caplen, f.wirelen);
                if (o.count > 0 && ++frames >= o.count)
                    break;
            }
            uint64_t now = sl_mono_ms();
            if (o.duration > 0 && now - start >= (uint64_t)o.duration * 1000)
                break;
            if (o.summary_interval > 0 && now - last_save >= (uint64_t)o.summary_interval * 1000) {
                last_save = now;
                if (o.state != NULL && sl_monitor_save_state(mon, o.state, &err) != 0)
                    fprintf(stderr, "%s: --state: %s\n", cmd, err.msg);
                struct sl_capture_stats cs;
                if (sl_capture_stats(live, &cs) == 0 && cs.dropped + cs.ifdropped > 0)
                    fprintf(stderr, "%s: capture drops so far: %llu (kernel) + %llu (interface)\n",
                            cmd, (unsigned long long)cs.dropped,
                            (unsigned long long)cs.ifdropped);
            }
        }
        g_live = NULL;
    } else {
        for (size_t i = 0; i < o.n_reads && !g_stop && !failed; i++) {
            enum sl_link link = sl_capture_link(caps[i]);
            int k = 0;
            while (!g_stop && (k = sl_capture_next(caps[i], &f, &err)) == 1) {
                sl_monitor_packet(mon, link, f.ts_sec, f.ts_usec, f.data, f.caplen, f.wirelen);
                if (o.count > 0 && ++frames >= o.count)
                    break;
            }
            if (k == -1) {
                /* A file cut short mid-record is input, not a crash: say so, keep what was read. */
                fprintf(stderr, "%s: %s: %s\n", cmd, o.reads[i], err.msg);
                failed = true;
            }
            if (o.count > 0 && frames >= o.count)
                break;
        }
    }

    sl_monitor_flush(mon);
    struct sl_mon_stats st;
    struct sl_alerts_stats as;
    struct sl_capture_stats cs = {0, 0, 0};
    sl_monitor_get_stats(mon, &st);
    sl_alerts_get_stats(alerts, &as);
    if (live != NULL)
        sl_capture_stats(live, &cs);
    int64_t ts_sec;
    int32_t ts_usec;
    sl_monitor_last_time(mon, &ts_sec, &ts_usec);
    sl_alerts_write_event(alerts, "stats", ts_sec, ts_usec, stats_json(&st, &as, &cs, live != NULL));
    fprintf(stderr,
            "%s: %llu frames, %llu stations, %llu alerts written, %llu repeats counted, "
            "%llu undecodable%s",
            cmd, (unsigned long long)st.packets, (unsigned long long)st.hosts,
            (unsigned long long)as.written, (unsigned long long)as.suppressed,
            (unsigned long long)st.decode_errors, live != NULL ? "" : "\n");
    if (live != NULL)
        fprintf(stderr, ", capture drops %llu (kernel) + %llu (interface)\n",
                (unsigned long long)cs.dropped, (unsigned long long)cs.ifdropped);
    if (o.state != NULL && sl_monitor_save_state(mon, o.state, &err) != 0) {
        sl_cli_fail(cmd, SL_EXIT_RUNTIME, "--state: %s", err.msg);
        goto done;
    }
    if (failed || st.register_errors > 0 || as.store_errors > 0) {
        rc = o.reading && !(st.register_errors > 0 || as.store_errors > 0) ? SL_EXIT_USAGE
                                                                          : SL_EXIT_RUNTIME;
        goto done;
    }
    rc = SL_EXIT_OK;
    if (o.fail_on > 0) {
        if (as.worst_severity > 0 && as.worst_severity <= o.fail_on)
            rc = SL_EXIT_FINDINGS;
    }
done:
    sl_monitor_free(mon);
    sl_alerts_free(alerts);
    for (size_t i = 0; i < o.n_reads; i++)
        sl_capture_close(caps[i]);
    sl_capture_close(live);
    if (out_owned)
        fclose(out);
    else if (out != NULL)
        fflush(out);
    sl_mon_identify_close(identify);
    sl_cloud_free(cloud);
    sl_store_close(store);
    return rc;
}
