/* cmd_scan.c - sightline scan: probe targets, identify, judge, record, report. */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/scan_output.h"
#include "net/targets.h"
#include "probe/ports.h"
#include "scan/scan.h"
#include "util/datadir.h"
#include "util/str.h"

static volatile sig_atomic_t stop_flag;

static void on_sigint(int sig)
{
    (void)sig;
    stop_flag = 1;
    /* A second ^C ends the process at once. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
}

static void usage(const char *cmd)
{
    printf(
        "Usage: %s TARGET... [options]\n\n"
        "Finds the devices at TARGET, identifies their maker, judges them under the\n"
        "site's policy and records everything in the register, then prints a table.\n"
        "Only scan networks you are authorised to scan.\n\n"
        "TARGET: an address (198.18.0.7, 2001:db8::7), a network (198.18.0.0/24), a range\n"
        "(198.18.0.10-198.18.0.20 or 198.18.0.10-20), a host name, or @FILE (one a line).\n\n"
        "Options:\n"
        "  --site NAME          judge every device under this site's tier (default: the\n"
        "                       site whose networks hold the address; outside every site\n"
        "                       a device is judged as tier 'sensitive', the strictest)\n"
        "  --ports LIST         TCP ports: 80,443,8000-8010, PORT/PROTO for others\n"
        "                       (http, https, rtsp, hik-sdk, dvrip, banner, listen)\n"
        "  --profile NAME       cameras (default: %s) or full\n"
        "  --rate PPS           probe packets started per second (default %d; 0 = no limit)\n"
        "  --concurrency N      open TCP connections at most (default %d, max %u here)\n"
        "  --timeout MS         deadline of one exchange: connect, TLS, one request and\n"
        "                       its answer (default %d)\n"
        "  --connect-timeout MS a SYN unanswered this long means filtered (default:\n"
        "                       adaptive, ten smoothed round trips, 500 ms at least)\n"
        "  --retries N          UDP retransmissions (default %d)\n"
        "  --exclude FILE       never probe these (same forms as TARGET, one a line);\n"
        "                       may be repeated; --exclude-target SPEC takes one inline\n"
        "  --udp-discovery      also send WS-Discovery, SSDP, SADP and DHDiscover\n"
        "                       queries to every target (UDP 3702, 1900, 37020, 37810)\n"
        "  --multicast IFACE    multicast discovery on this interface's segment first;\n"
        "                       responders are probed too (unless excluded)\n"
        "  --credentials FILE   '[CIDR] USER:PASSWORD' lines (chmod 600): used only for\n"
        "                       ONVIF GetDeviceInformation; passwords are never guessed\n"
        "  --jsonl FILE|-       stream versioned JSON lines (docs/formats.md)\n"
        "  --evidence           include evidence records in the JSON lines\n"
        "  --db PATH            the register (default $SIGHTLINE_DB or ./sightline.db)\n"
        "  --policy IDS         policies in force (default: the data's default set)\n"
        "  --fail-on LEVEL      exit 1 when a device is 'prohibited', or 'high'\n"
        "                       (prohibited or replace-by)\n"
        "  --seed N             fixed walk order (default: random)\n"
        "  --threads N          event loops in parallel (default: one per CPU, at most\n"
        "                       4; 1 below 1024 addresses and with --multicast)\n"
        "  --quiet              no progress line and no table (summary only)\n"
        "  --actor NAME         who is scanning, for the audit log\n\n"
        "Exit: 0 done, 1 findings at or above --fail-on, 2 usage error, 3 runtime failure.\n"
        "Never sends exploits, login bypasses or password guesses.\n",
        cmd, sl_ports_profile("cameras"), SL_SCAN_DEFAULT_RATE, SL_SCAN_DEFAULT_CONCURRENCY,
        sl_scan_max_concurrency(), SL_SCAN_DEFAULT_TIMEOUT_MS, SL_SCAN_DEFAULT_RETRIES);
}

enum {
    OPT_SITE = 256, OPT_PORTS, OPT_PROFILE, OPT_RATE, OPT_CONC, OPT_TIMEOUT, OPT_RETRIES,
    OPT_EXCLUDE, OPT_EXCLUDE_TARGET, OPT_UDP, OPT_MCAST, OPT_CREDS, OPT_JSONL, OPT_DB,
    OPT_FAILON, OPT_SEED, OPT_QUIET, OPT_ACTOR, OPT_POLICY, OPT_EVIDENCE, OPT_CTIMEOUT,
    OPT_THREADS,
};

int sl_cmd_scan(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"site", required_argument, NULL, OPT_SITE},
        {"ports", required_argument, NULL, OPT_PORTS},
        {"profile", required_argument, NULL, OPT_PROFILE},
        {"rate", required_argument, NULL, OPT_RATE},
        {"concurrency", required_argument, NULL, OPT_CONC},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"connect-timeout", required_argument, NULL, OPT_CTIMEOUT},
        {"retries", required_argument, NULL, OPT_RETRIES},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        {"exclude-target", required_argument, NULL, OPT_EXCLUDE_TARGET},
        {"udp-discovery", no_argument, NULL, OPT_UDP},
        {"multicast", required_argument, NULL, OPT_MCAST},
        {"credentials", required_argument, NULL, OPT_CREDS},
        {"jsonl", required_argument, NULL, OPT_JSONL},
        {"evidence", no_argument, NULL, OPT_EVIDENCE},
        {"db", required_argument, NULL, OPT_DB},
        {"policy", required_argument, NULL, OPT_POLICY},
        {"fail-on", required_argument, NULL, OPT_FAILON},
        {"seed", required_argument, NULL, OPT_SEED},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"actor", required_argument, NULL, OPT_ACTOR},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sl_scan_opts so;
    memset(&so, 0, sizeof so);
    so.rate = SL_SCAN_DEFAULT_RATE;
    so.retries = SL_SCAN_DEFAULT_RETRIES;
    const char *ports_s = NULL, *profile = NULL, *creds_path = NULL, *jsonl = NULL, *db = NULL;
    const char *fail_on = NULL, *actor = NULL, *policy_ids = NULL;
    bool quiet = false, with_evidence = false;
    struct sl_err err = {0};
    struct sl_targets *targets = sl_targets_new();
    struct sl_creds *creds = NULL;
    int rc = SL_EXIT_OK, c;
    int64_t v;
    if (targets == NULL)
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_SITE: so.site = optarg; break;
        case OPT_PORTS: ports_s = optarg; break;
        case OPT_PROFILE: profile = optarg; break;
        case OPT_RATE:
            if (sl_parse_i64(optarg, 0, 10000000, &v) != 0) {
                rc = sl_cli_usage_error(cmd, "--rate must be 0 to 10000000 packets a second");
                goto out;
            }
            so.rate = (double)v;
            break;
        case OPT_CONC:
            if (sl_parse_i64(optarg, 1, 1000000, &v) != 0) {
                rc = sl_cli_usage_error(cmd, "--concurrency must be a positive number");
                goto out;
            }
            if ((unsigned)v > sl_scan_max_concurrency()) {
                rc = sl_cli_usage_error(cmd,
                                        "--concurrency %lld is more than the open-file limit "
                                        "allows here (at most %u)",
                                        (long long)v, sl_scan_max_concurrency());
                goto out;
            }
            so.concurrency = (unsigned)v;
            break;
        case OPT_TIMEOUT:
            if (sl_parse_i64(optarg, 10, 600000, &v) != 0) {
                rc = sl_cli_usage_error(cmd, "--timeout must be 10 to 600000 ms");
                goto out;
            }
            so.timeout_ms = (unsigned)v;
            break;
        case OPT_CTIMEOUT:
            if (sl_parse_i64(optarg, 10, 600000, &v) != 0) {
                rc = sl_cli_usage_error(cmd, "--connect-timeout must be 10 to 600000 ms");
                goto out;
            }
            so.connect_timeout_ms = (unsigned)v;
            break;
        case OPT_RETRIES:
            if (sl_parse_i64(optarg, 0, 10, &v) != 0) {
                rc = sl_cli_usage_error(cmd, "--retries must be 0 to 10");
                goto out;
            }
            so.retries = (unsigned)v;
            break;
        case OPT_EXCLUDE: {
            char spec[4096 + 2];
            snprintf(spec, sizeof spec, "@%s", optarg);
            if (sl_targets_exclude(targets, spec, &err) != 0) {
                rc = sl_cli_usage_error(cmd, "--exclude: %s", err.msg);
                goto out;
            }
            break;
        }
        case OPT_EXCLUDE_TARGET:
            if (sl_targets_exclude(targets, optarg, &err) != 0) {
                rc = sl_cli_usage_error(cmd, "--exclude-target: %s", err.msg);
                goto out;
            }
            break;
        case OPT_UDP: so.udp_discovery = true; break;
        case OPT_MCAST: so.multicast_iface = optarg; break;
        case OPT_CREDS: creds_path = optarg; break;
        case OPT_JSONL: jsonl = optarg; break;
        case OPT_EVIDENCE: with_evidence = true; break;
        case OPT_DB: db = optarg; break;
        case OPT_POLICY: policy_ids = optarg; break;
        case OPT_FAILON:
            if (strcmp(optarg, "prohibited") != 0 && strcmp(optarg, "high") != 0) {
                rc = sl_cli_usage_error(cmd, "--fail-on must be 'prohibited' or 'high'");
                goto out;
            }
            fail_on = optarg;
            break;
        case OPT_SEED:
            if (sl_parse_i64(optarg, 1, INT64_MAX, &v) != 0) {
                rc = sl_cli_usage_error(cmd, "--seed must be a positive number");
                goto out;
            }
            so.seed = (uint64_t)v;
            break;
        case OPT_THREADS:
            if (sl_parse_i64(optarg, 1, 16, &v) != 0) {
                rc = sl_cli_usage_error(cmd, "--threads must be 1 to 16");
                goto out;
            }
            so.threads = (unsigned)v;
            break;
        case OPT_QUIET: quiet = true; break;
        case OPT_ACTOR: actor = optarg; break;
        case 'h': usage(cmd); goto out;
        default: rc = sl_cli_bad_option(cmd); goto out;
        }
    }
    if (optind >= argc) {
        rc = sl_cli_usage_error(cmd, "no targets: name the addresses, networks or @file to scan");
        goto out;
    }
    char targets_text[512] = "";
    size_t tl = 0;
    for (int i = optind; i < argc; i++) {
        if (sl_targets_add(targets, argv[i], &err) != 0) {
            rc = sl_cli_usage_error(cmd, "%s", err.msg);
            goto out;
        }
        int w = snprintf(targets_text + tl, sizeof targets_text - tl, "%s%s", i > optind ? " " : "",
                         argv[i]);
        if (w > 0 && (size_t)w < sizeof targets_text - tl)
            tl += (size_t)w;
    }
    if (sl_targets_prepare(targets, &err) != 0) {
        rc = sl_cli_usage_error(cmd, "%s", err.msg);
        goto out;
    }
    if (sl_targets_count(targets) == sl_targets_excluded(targets)) {
        rc = sl_cli_usage_error(cmd, "every target address is excluded; nothing to scan");
        goto out;
    }
    if (ports_s != NULL && profile != NULL) {
        rc = sl_cli_usage_error(cmd, "give --ports or --profile, not both");
        goto out;
    }
    if (profile != NULL && (ports_s = sl_ports_profile(profile)) == NULL) {
        rc = sl_cli_usage_error(cmd, "unknown --profile '%s' (cameras, full)", profile);
        goto out;
    }
    if (ports_s == NULL)
        ports_s = sl_ports_profile("cameras");
    struct sl_port_spec ports[SL_PORTS_MAX];
    int np = sl_ports_parse(ports_s, ports, SL_PORTS_MAX, &err);
    if (np < 0) {
        rc = sl_cli_usage_error(cmd, "--ports: %s", err.msg);
        goto out;
    }
    so.ports = ports;
    so.n_ports = (size_t)np;
    if (creds_path != NULL) {
        creds = calloc(1, sizeof *creds);
        if (creds == NULL || sl_creds_load(creds, creds_path, &err) != 0) {
            rc = sl_cli_usage_error(cmd, "--credentials: %s", creds ? err.msg : "out of memory");
            goto out;
        }
        so.creds = creds;
    }

    struct sl_scan_out out;
    if (sl_scan_out_open(&out, jsonl, with_evidence, quiet, &err) != 0) {
        rc = sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
        goto out;
    }
    struct sl_ident *ident = NULL;
    struct sl_policy_set *ps = NULL;
    struct sl_store *store = NULL;
    if (sl_ident_load(&ident, sl_datadir(), &err) != 0 ||
        sl_policy_load(&ps, sl_datadir(), &err) != 0 ||
        sl_policy_select(ps, policy_ids, &err) != 0) {
        rc = sl_cli_fail(cmd, policy_ids != NULL ? SL_EXIT_USAGE : SL_EXIT_RUNTIME, "%s", err.msg);
        goto out_close;
    }
    if (sl_store_open(&store, sl_cli_db_path(db), 0, &err) != 0) {
        rc = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
        goto out_close;
    }
    out.store = store;
    char options_json[512];
    snprintf(options_json, sizeof options_json,
             "{\"ports\":\"%s\",\"rate\":%.0f,\"timeout_ms\":%u,\"udp_discovery\":%s}", ports_s,
             so.rate, so.timeout_ms, so.udp_discovery ? "true" : "false");
    so.targets = targets;
    so.ident = ident;
    so.policy = ps;
    so.store = store;
    so.kind = "scan";
    so.targets_text = targets_text;
    so.options_json = options_json;
    so.actor = sl_cli_actor(actor);
    so.stop = &stop_flag;
    stop_flag = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct sl_scan_callbacks cb;
    sl_scan_out_callbacks(&out, &cb);
    struct sl_scan_summary sum;
    int run = sl_scan_run(&so, &cb, &sum, &err);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sl_scan_out_finish(&out, &sum, run == 0 ? NULL : err.msg);
    if (run != 0) {
        rc = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
    } else if (!sum.complete) {
        fprintf(stderr, "%s: interrupted; scan %lld is recorded as incomplete\n", cmd,
                (long long)sum.scan_id);
        rc = SL_EXIT_RUNTIME;
    } else if (fail_on != NULL) {
        uint64_t bad = sum.by_decision[SL_DECISION_PROHIBITED];
        if (strcmp(fail_on, "high") == 0)
            bad += sum.by_decision[SL_DECISION_REPLACE_BY];
        if (bad > 0)
            rc = SL_EXIT_FINDINGS;
    }
out_close:
    sl_scan_out_close(&out);
    sl_store_close(store);
    sl_policy_free(ps);
    sl_ident_free(ident);
out:
    if (creds != NULL) {
        sl_creds_wipe(creds);
        free(creds);
    }
    sl_targets_free(targets);
    return rc;
}
