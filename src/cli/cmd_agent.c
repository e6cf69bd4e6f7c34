/* cmd_agent.c - sightline agent enrol|run|renew: this machine as a site's agent
 * (agent/agent.h; docs/agents.md). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "util/file.h"
#include "util/str.h"

#define DEFAULT_STATE "/var/lib/sightline-agent"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static int agent_enrol(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"server", required_argument, NULL, 's'}, {"token-file", required_argument, NULL, 't'},
        {"ca-cert", required_argument, NULL, 'c'}, {"state", required_argument, NULL, 'd'},
        {"name", required_argument, NULL, 'n'},    {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sl_agent_enrol_opts o = {.dir = DEFAULT_STATE};
    const char *token_file = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': o.server = optarg; break;
        case 't': token_file = optarg; break;
        case 'c': o.ca_file = optarg; break;
        case 'd': o.dir = optarg; break;
        case 'n': o.name = optarg; break;
        case 'h':
            printf("Usage: %s --server https://ADDR:PORT --token-file FILE [--ca-cert FILE]\n"
                   "          [--state DIR] [--name NAME]\n\n"
                   "Enrols this machine as a site agent: checks the server's agent CA against\n"
                   "the hash the token names (or --ca-cert, which must be that CA), makes the\n"
                   "agent's own key (never sent), sends a certificate request with the\n"
                   "single-use token and keeps the client certificate the server signs. State\n"
                   "goes to --state (default %s). The token comes from\n"
                   "`sightline agents token` on the server's side.\n",
                   cmd, DEFAULT_STATE);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (o.server == NULL || token_file == NULL || optind != argc)
        return sl_cli_usage_error(cmd, "--server and --token-file are needed");
    struct sl_err err = {0};
    size_t n;
    char *token = sl_read_file(token_file, 4096, &n, &err);
    if (token == NULL)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
    o.token = sl_str_trim(token);
    char info[512];
    int rc = sl_agent_enrol(&o, info, sizeof info, &err);
    memset(token, 0, n);
    free(token);
    if (rc != 0)
        return sl_cli_fail_err(cmd, &err);
    fputs(info, stdout);
    return SL_EXIT_OK;
}

#define DEFAULT_RENEW_PCT 33

static int parse_window(const char *arg, unsigned *pct)
{
    int64_t v;
    if (sl_parse_i64(arg, 0, 99, &v) != 0)
        return -1;
    *pct = (unsigned)v;
    return 0;
}

static void agent_run_help(const char *cmd)
{
    printf("Usage: %s [--state DIR] [--once] [--spool-max BYTES] [--retry-max SECONDS]\n"
           "          [--rate N] [--timeout MS] [--connect-timeout MS] [--batch-devices N]\n"
           "          [--renew-window PERCENT] [--monitor IFACE [--user USER]]\n"
           "          [--offline CONFIG]\n\n"
           "Runs the agent: pulls its configuration from the server (its sites'\n"
           "networks and schedule), scans them on schedule, spools the results as\n"
           "signed batches in STATE/spool (fsync'd; a batch is deleted only once the\n"
           "server acknowledged it) and posts them over mutual TLS, retrying with\n"
           "exponential backoff and jitter up to --retry-max (default 300 s). A spool\n"
           "over --spool-max (default 1 GiB) starts no new scan until it drains;\n"
           "nothing is ever dropped. --once: one scan, then exit once the spool is\n"
           "empty. SIGTERM or SIGINT stops it (a scan in progress is cut short and\n"
           "what it found is spooled). --offline CONFIG: an air-gapped site: the\n"
           "configuration from a file (the server's /agent/v1/config form), no\n"
           "connection at all; carry STATE/spool to `sightline import --spool`.\n"
           "--rate, --timeout, --connect-timeout: as `sightline scan`'s.\n"
           "--renew-window PERCENT: renew the agent's certificate over its mutual TLS\n"
           "once it is in the last PERCENT per cent of its life (default 33; 0 never).\n"
           "--monitor IFACE: also run the passive monitor (as `sightline monitor`) on\n"
           "IFACE (needs CAP_NET_RAW); its alerts about stations of the agent's sites\n"
           "(a prohibited device, one back after removal, calls to its vendor's\n"
           "cloud) are spooled as signed batches and sent to the central register.\n"
           "Once the capture is open the agent gives up every capability (it needs\n"
           "none but the capture's) and, with --user USER, becomes USER, to whom it\n"
           "first hands STATE (keep the same --user from then on).\n",
           cmd);
}

static int agent_run(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"state", required_argument, NULL, 'd'},     {"spool-max", required_argument, NULL, 'm'},
        {"once", no_argument, NULL, 'o'},            {"retry-max", required_argument, NULL, 'r'},
        {"rate", required_argument, NULL, 'R'},      {"timeout", required_argument, NULL, 'T'},
        {"batch-devices", required_argument, NULL, 'b'}, {"help", no_argument, NULL, 'h'},
        {"offline", required_argument, NULL, 'O'},
        {"connect-timeout", required_argument, NULL, 'C'},
        {"renew-window", required_argument, NULL, 'W'},
        {"monitor", required_argument, NULL, 'M'},
        {"user", required_argument, NULL, 'U'},
        {NULL, 0, NULL, 0},
    };
    struct sl_agent_run_opts o = {.dir = DEFAULT_STATE, .spool_max = 1024ull << 20,
                                  .retry_max = 300, .batch_devices = 500, .stop = &stop_flag,
                                  .log = stderr, .renew_pct = DEFAULT_RENEW_PCT};
    int64_t v;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': o.dir = optarg; break;
        case 'o': o.once = true; break;
        case 'O':
            o.offline = true;
            o.config_file = optarg;
            break;
        case 'm':
            if (sl_parse_i64(optarg, 4096, INT64_MAX, &v) != 0)
                return sl_cli_usage_error(cmd, "--spool-max takes bytes (at least 4096)");
            o.spool_max = (uint64_t)v;
            break;
        case 'r':
            if (sl_parse_i64(optarg, 1, 86400, &v) != 0)
                return sl_cli_usage_error(cmd, "--retry-max takes 1 to 86400 seconds");
            o.retry_max = (unsigned)v;
            break;
        case 'R':
            if (sl_parse_i64(optarg, 1, 1000000, &v) != 0)
                return sl_cli_usage_error(cmd, "--rate takes 1 to 1000000 probes a second");
            o.rate = (double)v;
            break;
        case 'T':
            if (sl_parse_i64(optarg, 100, 60000, &v) != 0)
                return sl_cli_usage_error(cmd, "--timeout takes 100 to 60000 ms");
            o.timeout_ms = (unsigned)v;
            break;
        case 'C':
            if (sl_parse_i64(optarg, 10, 600000, &v) != 0)
                return sl_cli_usage_error(cmd, "--connect-timeout takes 10 to 600000 ms");
            o.connect_timeout_ms = (unsigned)v;
            break;
        case 'b':
            if (sl_parse_i64(optarg, 1, 100000, &v) != 0)
                return sl_cli_usage_error(cmd, "--batch-devices takes 1 to 100000");
            o.batch_devices = (unsigned)v;
            break;
        case 'W':
            if (parse_window(optarg, &o.renew_pct) != 0)
                return sl_cli_usage_error(cmd, "--renew-window takes 0 to 99 (per cent)");
            break;
        case 'M': o.monitor_iface = optarg; break;
        case 'U': o.monitor_user = optarg; break;
        case 'h':
            agent_run_help(cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (o.monitor_user != NULL && o.monitor_iface == NULL)
        return sl_cli_usage_error(cmd, "--user is for --monitor (the capture is the only "
                                       "privilege the agent needs)");
    struct sl_err err = {0};
    stop_flag = 0;
    sl_cli_catch_signals(on_signal);
    signal(SIGPIPE, SIG_IGN);
    int rc = sl_agent_run(&o, &err);
    sl_cli_default_signals();
    return rc == 0 ? SL_EXIT_OK : sl_cli_fail_err(cmd, &err);
}

static int agent_renew(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"state", required_argument, NULL, 'd'},       {"if-due", no_argument, NULL, 'i'},
        {"renew-window", required_argument, NULL, 'W'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sl_agent_renew_opts o = {.dir = DEFAULT_STATE, .window_pct = DEFAULT_RENEW_PCT};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': o.dir = optarg; break;
        case 'i': o.if_due = true; break;
        case 'W':
            if (parse_window(optarg, &o.window_pct) != 0)
                return sl_cli_usage_error(cmd, "--renew-window takes 0 to 99 (per cent)");
            break;
        case 'h':
            printf("Usage: %s [--state DIR] [--if-due [--renew-window PERCENT]]\n\n"
                   "Renews the agent's certificate now: makes a new key and certificate\n"
                   "request, sends it over the current mutual TLS and puts the new pair in\n"
                   "place of the old one (written beside it, fsync'd, renamed). The server\n"
                   "accepts the old certificate until the new one is first used. A revoked\n"
                   "agent, or one whose certificate has expired, cannot renew: enrol again.\n"
                   "--if-due: only when the certificate is in the last PERCENT per cent of\n"
                   "its life (default 33), as `agent run` does by itself.\n",
                   cmd);
            return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    char info[512];
    struct sl_err err = {0};
    int rc = sl_agent_renew(&o, info, sizeof info, &err);
    if (rc < 0)
        return sl_cli_fail_err(cmd, &err);
    fputs(info, stdout);
    return SL_EXIT_OK;
}

static const struct sl_command agent_commands[] = {
    {"enrol", "enrol this machine with the server (a token, its own key, a certificate)",
     agent_enrol},
    {"run", "scan the site on schedule and send the results (spooled, never dropped)", agent_run},
    {"renew", "renew this agent's certificate now (over its current mutual TLS)", agent_renew},
    {NULL, NULL, NULL},
};

int sl_cmd_agent(int argc, char **argv)
{
    return sl_cli_dispatch("sightline agent", agent_commands, argc, argv);
}
