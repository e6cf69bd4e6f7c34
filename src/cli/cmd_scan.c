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
#include "store/exclusions.h"
#include "util/datadir.h"
#include "util/str.h"

static volatile sig_atomic_t stop_flag;

static void on_sigint(int sig)
{
    (void)sig;
    stop_flag = 1;
    sl_cli_default_signals(); /* a second ^C ends the process at once */
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
        "                       a device is judged as tier 'sensitive', the strictest);\n"
        "                       the site's exclusions are never probed\n"
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
        "  --udp-discovery      send WS-Discovery, SSDP, SADP and DHDiscover queries to\n"
        "                       every target with its TCP probes (UDP 3702, 1900, 37020,\n"
        "                       37810); by default only hosts that answered on TCP get\n"
        "                       WS-Discovery, SADP and DHDiscover, unicast, afterwards\n"
        "  --no-discovery       no UDP at all (not even that follow-up)\n"
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
        "  --max-addresses N    scan at most N addresses; needed above %d (a /16) when\n"
        "                       no one at a terminal says yes\n"
        "  --dry-run            print the plan (addresses, exclusions, reserved space\n"
        "                       skipped, probes, time at --rate) and stop: reads no\n"
        "                       register, sends nothing\n"
        "  --seed N             fixed walk order (default: random)\n"
        "  --threads N          event loops in parallel (default: one per CPU, at most\n"
        "                       4; 1 below 1024 addresses and with --multicast)\n"
        "  --quiet              no progress line and no table (summary only)\n"
        "  --actor NAME         who is scanning, for the audit log\n\n"
        "Networks and ranges skip 0.0.0.0/8, 224.0.0.0/3 (multicast, reserved, broadcast)\n"
        "and ff00::/8 unless an address there is named on its own; a /0 is refused.\n\n"
        "Exit: 0 done, 1 findings at or above --fail-on, 2 usage error, 3 runtime failure.\n"
        "Never sends exploits, login bypasses or password guesses.\n",
        cmd, sl_ports_profile("cameras"), SL_SCAN_DEFAULT_RATE, SL_SCAN_DEFAULT_CONCURRENCY,
        sl_scan_max_concurrency(), SL_SCAN_DEFAULT_TIMEOUT_MS, SL_SCAN_DEFAULT_RETRIES,
        SL_SCAN_CONFIRM_ADDRESSES);
}

enum {
    OPT_SITE = 256, OPT_PORTS, OPT_PROFILE, OPT_RATE, OPT_CONC, OPT_TIMEOUT, OPT_RETRIES,
    OPT_EXCLUDE, OPT_EXCLUDE_TARGET, OPT_UDP, OPT_MCAST, OPT_CREDS, OPT_JSONL, OPT_DB,
    OPT_FAILON, OPT_SEED, OPT_QUIET, OPT_ACTOR, OPT_POLICY, OPT_EVIDENCE, OPT_CTIMEOUT,
    OPT_THREADS, OPT_NO_DISCOVERY, OPT_MAX_ADDR, OPT_DRY_RUN,
};

static const struct option scan_opts[] = {
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
    {"no-discovery", no_argument, NULL, OPT_NO_DISCOVERY},
    {"multicast", required_argument, NULL, OPT_MCAST},
    {"credentials", required_argument, NULL, OPT_CREDS},
    {"jsonl", required_argument, NULL, OPT_JSONL},
    {"evidence", no_argument, NULL, OPT_EVIDENCE},
    {"db", required_argument, NULL, OPT_DB},
    {"policy", required_argument, NULL, OPT_POLICY},
    {"fail-on", required_argument, NULL, OPT_FAILON},
    {"seed", required_argument, NULL, OPT_SEED},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"max-addresses", required_argument, NULL, OPT_MAX_ADDR},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"actor", required_argument, NULL, OPT_ACTOR},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* What the command line asked for; targets and creds are owned (scan_args_free). */
struct scan_args {
    struct sl_scan_opts so;
    const char *ports_s, *profile, *creds_path, *jsonl, *db, *fail_on, *actor, *policy_ids;
    bool quiet, with_evidence, help, dry_run;
    uint64_t max_addresses; /* 0 = not given */
    struct sl_targets *targets;
    struct sl_creds *creds;
    char targets_text[512];
    struct sl_port_spec ports[SL_PORTS_MAX];
};

static void scan_args_free(struct scan_args *a)
{
    if (a->creds != NULL) {
        sl_creds_wipe(a->creds);
        free(a->creds);
    }
    sl_targets_free(a->targets);
}

/* The options that take a bounded number. */
static const struct {
    int opt;
    int64_t lo, hi;
    const char *msg;
} numeric[] = {
    {OPT_RATE, 0, 10000000, "--rate must be 0 to 10000000 packets a second"},
    {OPT_CONC, 1, 1000000, "--concurrency must be a positive number"},
    {OPT_TIMEOUT, 10, 600000, "--timeout must be 10 to 600000 ms"},
    {OPT_CTIMEOUT, 10, 600000, "--connect-timeout must be 10 to 600000 ms"},
    {OPT_RETRIES, 0, 10, "--retries must be 0 to 10"},
    {OPT_SEED, 1, INT64_MAX, "--seed must be a positive number"},
    {OPT_THREADS, 1, 16, "--threads must be 1 to 16"},
};

/* A numeric option into the scan options. 0, or an exit code. */
static int numeric_option(const char *cmd, int c, const char *arg, struct sl_scan_opts *so)
{
    int64_t v = 0;
    for (size_t i = 0; i < sizeof numeric / sizeof numeric[0]; i++)
        if (numeric[i].opt == c && sl_parse_i64(arg, numeric[i].lo, numeric[i].hi, &v) != 0)
            return sl_cli_usage_error(cmd, "%s", numeric[i].msg);
    switch (c) {
    case OPT_RATE: so->rate = (double)v; break;
    case OPT_CONC:
        if ((unsigned)v > sl_scan_max_concurrency())
            return sl_cli_usage_error(cmd,
                                      "--concurrency %lld is more than the open-file limit "
                                      "allows here (at most %u)",
                                      (long long)v, sl_scan_max_concurrency());
        so->concurrency = (unsigned)v;
        break;
    case OPT_TIMEOUT: so->timeout_ms = (unsigned)v; break;
    case OPT_CTIMEOUT: so->connect_timeout_ms = (unsigned)v; break;
    case OPT_RETRIES: so->retries = (unsigned)v; break;
    case OPT_SEED: so->seed = (uint64_t)v; break;
    case OPT_THREADS: so->threads = (unsigned)v; break;
    default: break;
    }
    return 0;
}

/* One option. 0, or an exit code. */
static int scan_option(const char *cmd, int c, struct scan_args *a)
{
    struct sl_err err = {0};
    switch (c) {
    case OPT_SITE: a->so.site = optarg; break;
    case OPT_PORTS: a->ports_s = optarg; break;
    case OPT_PROFILE: a->profile = optarg; break;
    case OPT_RATE:
    case OPT_CONC:
    case OPT_TIMEOUT:
    case OPT_CTIMEOUT:
    case OPT_RETRIES:
    case OPT_SEED:
    case OPT_THREADS: return numeric_option(cmd, c, optarg, &a->so);
    case OPT_EXCLUDE: {
        char spec[4096 + 2];
        snprintf(spec, sizeof spec, "@%s", optarg);
        if (sl_targets_exclude(a->targets, spec, &err) != 0)
            return sl_cli_usage_error(cmd, "--exclude: %s", err.msg);
        break;
    }
    case OPT_EXCLUDE_TARGET:
        if (sl_targets_exclude(a->targets, optarg, &err) != 0)
            return sl_cli_usage_error(cmd, "--exclude-target: %s", err.msg);
        break;
    case OPT_UDP: a->so.udp_discovery = true; break;
    case OPT_NO_DISCOVERY:
        a->so.udp_discovery = false;
        a->so.discovery_followup = false;
        break;
    case OPT_MCAST: a->so.multicast_iface = optarg; break;
    case OPT_CREDS: a->creds_path = optarg; break;
    case OPT_JSONL: a->jsonl = optarg; break;
    case OPT_EVIDENCE: a->with_evidence = true; break;
    case OPT_DB: a->db = optarg; break;
    case OPT_POLICY: a->policy_ids = optarg; break;
    case OPT_FAILON:
        if (strcmp(optarg, "prohibited") != 0 && strcmp(optarg, "high") != 0)
            return sl_cli_usage_error(cmd, "--fail-on must be 'prohibited' or 'high'");
        a->fail_on = optarg;
        break;
    case OPT_QUIET: a->quiet = true; break;
    case OPT_DRY_RUN: a->dry_run = true; break;
    case OPT_MAX_ADDR: {
        int64_t v;
        if (sl_parse_i64(optarg, 1, INT64_MAX, &v) != 0)
            return sl_cli_usage_error(cmd, "--max-addresses must be a positive number");
        a->max_addresses = (uint64_t)v;
        break;
    }
    case OPT_ACTOR: a->actor = optarg; break;
    case 'h': a->help = true; break;
    default: return sl_cli_bad_option(cmd);
    }
    return 0;
}

/* The targets on the command line, checked and prepared. 0, or an exit code. */
/* --site: the site's exclusions (store/exclusions.h) are never probed. 0, or
 * an exit code. */
static int site_exclusions(const char *cmd, struct scan_args *a)
{
    struct sl_err err = {0};
    struct sl_store *s = NULL;
    struct sl_site site = {0};
    if (sl_store_open(&s, sl_cli_db_path(a->db), 0, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    int got = sl_store_site_get(s, a->so.site, &site, &err);
    size_t n = 0;
    int rc = got < 0 ? sl_cli_fail_err(cmd, &err)
             : got == 0
                 ? sl_cli_usage_error(cmd, "no site named '%s' in the register (add it with "
                                           "'sightline sites add')", a->so.site)
             : sl_store_exclusion_targets(s, &site.id, 1, a->targets, &n, &err) != 0
                 ? sl_cli_fail_err(cmd, &err)
                 : SL_EXIT_OK;
    if (rc == SL_EXIT_OK && n > 0 && !a->quiet)
        fprintf(stderr, "%s: site '%s' excludes %zu network%s (sightline sites exclusions)\n",
                cmd, site.name, n, n == 1 ? "" : "s");
    sl_site_free(&site);
    sl_store_close(s);
    return rc;
}

static int add_targets(const char *cmd, int argc, char **argv, struct scan_args *a)
{
    struct sl_err err = {0};
    if (optind >= argc)
        return sl_cli_usage_error(cmd, "no targets: name the addresses, networks or @file to scan");
    size_t tl = 0;
    for (int i = optind; i < argc; i++) {
        if (sl_targets_add(a->targets, argv[i], &err) != 0)
            return sl_cli_usage_error(cmd, "%s", err.msg);
        int w = snprintf(a->targets_text + tl, sizeof a->targets_text - tl, "%s%s",
                         i > optind ? " " : "", argv[i]);
        if (w > 0 && (size_t)w < sizeof a->targets_text - tl)
            tl += (size_t)w;
    }
    int rc = a->so.site != NULL ? site_exclusions(cmd, a) : SL_EXIT_OK;
    if (rc != SL_EXIT_OK)
        return rc;
    if (sl_targets_prepare(a->targets, &err) != 0)
        return sl_cli_usage_error(cmd, "%s", err.msg);
    if (sl_targets_count(a->targets) == sl_targets_excluded(a->targets))
        return sl_cli_usage_error(cmd, "every target address is excluded; nothing to scan");
    return 0;
}

/* The ports (--ports or a --profile) and the credentials. 0, or an exit code. */
static int ports_and_creds(const char *cmd, struct scan_args *a)
{
    struct sl_err err = {0};
    if (a->ports_s != NULL && a->profile != NULL)
        return sl_cli_usage_error(cmd, "give --ports or --profile, not both");
    if (a->profile != NULL && (a->ports_s = sl_ports_profile(a->profile)) == NULL)
        return sl_cli_usage_error(cmd, "unknown --profile '%s' (cameras, full)", a->profile);
    if (a->ports_s == NULL)
        a->ports_s = sl_ports_profile("cameras");
    int np = sl_ports_parse(a->ports_s, a->ports, SL_PORTS_MAX, &err);
    if (np < 0)
        return sl_cli_usage_error(cmd, "--ports: %s", err.msg);
    a->so.ports = a->ports;
    a->so.n_ports = (size_t)np;
    if (a->creds_path != NULL) {
        a->creds = calloc(1, sizeof *a->creds);
        if (a->creds == NULL || sl_creds_load(a->creds, a->creds_path, &err) != 0)
            return sl_cli_usage_error(cmd, "--credentials: %s",
                                      a->creds ? err.msg : "out of memory");
        a->so.creds = a->creds;
    }
    return 0;
}

/* The size checks: --max-addresses, or a yes above SL_SCAN_CONFIRM_ADDRESSES
 * (a dry run needs neither). 0, or an exit code. */
static int check_size(const char *cmd, const struct scan_args *a)
{
    uint64_t n = sl_targets_count(a->targets) - sl_targets_excluded(a->targets);
    return sl_cli_scan_size_ok(cmd, n, a->max_addresses, a->dry_run);
}

/* --dry-run: what the scan would do, and nothing else. */
static int dry_run(const struct scan_args *a)
{
    const struct sl_targets *t = a->targets;
    uint64_t n = sl_targets_count(t) - sl_targets_excluded(t);
    unsigned per_host = sl_scan_per_host(&a->so);
    printf("dry run: nothing is sent and the register is not opened\n"
           "targets      %s\n"
           "addresses    %llu (%llu excluded, of which %llu reserved, multicast or broadcast)\n"
           "to probe     %llu addresses x %u probes = %llu probes\n"
           "ports        %s%s\n",
           a->targets_text, (unsigned long long)sl_targets_count(t),
           (unsigned long long)sl_targets_excluded(t), (unsigned long long)sl_targets_reserved(t),
           (unsigned long long)n, per_host, (unsigned long long)(n * per_host), a->ports_s,
           a->so.udp_discovery ? " + UDP discovery" : "");
    if (a->so.rate > 0)
        printf("rate         %.0f probes/s: at least %.0f s\n", a->so.rate,
               (double)(n * per_host) / a->so.rate);
    else
        printf("rate         unlimited\n");
    printf("site         %s\n", a->so.site != NULL ? a->so.site : "(by address)");
    if (n > SL_SCAN_CONFIRM_ADDRESSES && a->max_addresses == 0)
        printf("note         above %d addresses: the scan needs --max-addresses %llu or a yes\n",
               SL_SCAN_CONFIRM_ADDRESSES, (unsigned long long)n);
    return SL_EXIT_OK;
}

/* Runs the scan with the signals that stop it early. */
static int run(struct scan_args *a, struct sl_scan_out *out, struct sl_scan_summary *sum,
               struct sl_err *err)
{
    a->so.stop = &stop_flag;
    stop_flag = 0;
    sl_cli_catch_signals(on_sigint);
    signal(SIGPIPE, SIG_IGN);
    struct sl_scan_callbacks cb;
    sl_scan_out_callbacks(out, &cb);
    int r = sl_scan_run(&a->so, &cb, sum, err);
    sl_cli_default_signals();
    return r;
}

/* The exit code of a scan that ran: interrupted, findings above --fail-on, or done. */
static int outcome(const char *cmd, const struct scan_args *a, const struct sl_scan_summary *sum)
{
    if (!sum->complete) {
        fprintf(stderr, "%s: interrupted; scan %lld is recorded as incomplete\n", cmd,
                (long long)sum->scan_id);
        return SL_EXIT_RUNTIME;
    }
    if (a->fail_on != NULL) {
        uint64_t bad = sum->by_decision[SL_DECISION_PROHIBITED];
        if (strcmp(a->fail_on, "high") == 0)
            bad += sum->by_decision[SL_DECISION_REPLACE_BY];
        if (bad > 0)
            return SL_EXIT_FINDINGS;
    }
    return SL_EXIT_OK;
}

/* Loads rules, policies and the register, scans, prints. An exit code. */
static int scan(const char *cmd, struct scan_args *a)
{
    struct sl_err err = {0};
    struct sl_scan_out out;
    if (sl_scan_out_open(&out, a->jsonl, a->with_evidence, a->quiet, &err) != 0)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
    int rc = SL_EXIT_OK;
    struct sl_ident *ident = NULL;
    struct sl_policy_set *ps = NULL;
    struct sl_store *store = NULL;
    if (sl_ident_load(&ident, sl_datadir(), &err) != 0 ||
        sl_policy_load(&ps, sl_datadir(), &err) != 0 ||
        sl_policy_select(ps, a->policy_ids, &err) != 0) {
        rc = sl_cli_fail(cmd, a->policy_ids != NULL ? SL_EXIT_USAGE : SL_EXIT_RUNTIME, "%s",
                         err.msg);
        goto out_close;
    }
    if (sl_store_open(&store, sl_cli_db_path(a->db), 0, &err) != 0) {
        rc = sl_cli_fail_err(cmd, &err);
        goto out_close;
    }
    if (a->so.site != NULL) { /* an unknown site is the user's mistake: before any packet */
        struct sl_site site;
        int got = sl_store_site_get(store, a->so.site, &site, &err);
        if (got > 0)
            sl_site_free(&site);
        if (got <= 0) {
            rc = got < 0 ? sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg)
                         : sl_cli_usage_error(cmd, "no site named '%s' in the register (add it "
                                                   "with 'sightline sites add')", a->so.site);
            goto out_close;
        }
    }
    out.store = store;
    out.targets = a->targets;
    char options_json[512];
    snprintf(options_json, sizeof options_json,
             "{\"ports\":\"%s\",\"rate\":%.0f,\"timeout_ms\":%u,\"udp_discovery\":%s,"
             "\"discovery_followup\":%s}",
             a->ports_s, a->so.rate, a->so.timeout_ms, a->so.udp_discovery ? "true" : "false",
             a->so.discovery_followup && !a->so.udp_discovery ? "true" : "false");
    struct sl_scan_opts *so = &a->so;
    so->targets = a->targets;
    so->ident = ident;
    so->policy = ps;
    so->store = store;
    so->kind = "scan";
    so->targets_text = a->targets_text;
    so->options_json = options_json;
    so->actor = sl_cli_actor(a->actor);
    struct sl_scan_summary sum;
    int r = run(a, &out, &sum, &err);
    sl_scan_out_finish(&out, &sum, r == 0 ? NULL : err.msg);
    if (r != 0)
        rc = sl_cli_fail_err(cmd, &err);
    else
        rc = outcome(cmd, a, &sum);
out_close:
    sl_scan_out_close(&out);
    sl_store_close(store);
    sl_policy_free(ps);
    sl_ident_free(ident);
    return rc;
}

int sl_cmd_scan(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct scan_args *a = calloc(1, sizeof *a);
    if (a == NULL || (a->targets = sl_targets_new()) == NULL) {
        free(a);
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
    }
    a->so.rate = SL_SCAN_DEFAULT_RATE;
    a->so.retries = SL_SCAN_DEFAULT_RETRIES;
    a->so.discovery_followup = true; /* benign unicast discovery to hosts found up (docs/scan.md) */
    int rc = SL_EXIT_OK, c;
    while (rc == SL_EXIT_OK && !a->help &&
           (c = getopt_long(argc, argv, "h", scan_opts, NULL)) != -1)
        rc = scan_option(cmd, c, a);
    if (a->help)
        usage(cmd);
    else if (rc == SL_EXIT_OK && (rc = add_targets(cmd, argc, argv, a)) == SL_EXIT_OK &&
             (rc = ports_and_creds(cmd, a)) == SL_EXIT_OK &&
             (rc = check_size(cmd, a)) == SL_EXIT_OK)
        rc = a->dry_run ? dry_run(a) : scan(cmd, a);
    scan_args_free(a);
    free(a);
    return rc;
}
