/* cmd_serve.c - sightline serve: the dashboard and its JSON API (web/). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/tlsdir.h"
#include "store/store.h"
#include "util/str.h"
#include "web/agent_api.h"
#include "web/web.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void serve_usage(const char *cmd)
{
    printf("Usage: %s [--listen ADDR:PORT] [--db LOCATION] [--cert FILE --key FILE]\n"
           "          [--tls-dir DIR] [--http] [--user USER] [--idle-timeout SECONDS]\n"
           "          [--session-lifetime SECONDS] [--threads N]\n"
           "          [--agent-listen ADDR:PORT [--agent-name HOST] [--agent-cert-days N]\n"
           "           [--agent-rate N]]\n\n"
           "Serves the dashboard: the removal programme's overview, sites, devices and\n"
           "their evidence, lifecycle actions and four-eyes exemptions, the fleet's\n"
           "vehicles and their parts (expired part exemptions written down daily), the\n"
           "audit log, and the same as JSON under /api/v1/ (docs/dashboard.md,\n"
           "docs/api.md). Accounts and their site-scoped roles are made with\n"
           "'sightline users'.\n\n"
           "  --listen    numeric address and port (default 127.0.0.1:8443)\n"
           "  --cert/--key  the TLS certificate and key (PEM); without them a self-signed\n"
           "              pair is made in --tls-dir on first start (default: the\n"
           "              SQLite register's directory, else .) and its SHA-256\n"
           "              fingerprint printed\n"
           "  --http      plain HTTP; only on a loopback address\n"
           "  --user      started as root: run as USER after binding (default sightline,\n"
           "              else nobody); the register must be writable by USER\n"
           "  --idle-timeout      seconds a session may be unused (default 1800)\n"
           "  --session-lifetime  seconds a session lives at most (default 43200)\n"
           "  --agent-listen  also serve site agents here (mutual TLS, docs/agents.md); the\n"
           "              agent CA is kept in --tls-dir (made on first start)\n"
           "  --agent-name    the name or address agents reach this server by (for the\n"
           "              endpoint's certificate; default the --agent-listen address)\n"
           "  --agent-cert-days  validity of agents' certificates (default 365)\n"
           "  --agent-rate    requests a minute per agent (default 120)\n"
           "SIGTERM or SIGINT stops it after the requests in flight.\n",
           cmd);
}

static int serve_run(const char *cmd, struct sl_web_opts *o, struct sl_agent_srv_opts *ao)
{
    char tls_dir[1024];
    if (o->tls_dir == NULL) {
        sl_cli_default_tls_dir(o->db, tls_dir, sizeof tls_dir);
        o->tls_dir = tls_dir;
    }
    struct sl_err err = {0};
    struct sl_web *w;
    struct sl_agent_srv *agents = NULL;
    char info[1024], ainfo[512] = "";
    ao->db = o->db;
    ao->tls_dir = o->tls_dir;
    ao->threads = o->threads;
    /* The agent endpoint binds and reads its CA before the dashboard drops root. */
    if (ao->listen != NULL && sl_agent_srv_prepare(ao, &agents, ainfo, sizeof ainfo, &err) != 0) {
        sl_agent_srv_stop(agents);
        return sl_cli_fail_err(cmd, &err);
    }
    if (sl_web_start(o, &w, info, sizeof info, &err) != 0) {
        sl_agent_srv_stop(agents);
        return sl_cli_fail_err(cmd, &err);
    }
    if (agents != NULL && sl_agent_srv_start(agents, &err) != 0) {
        sl_agent_srv_stop(agents);
        sl_web_stop(w);
        return sl_cli_fail_err(cmd, &err);
    }
    fputs(info, stdout);
    fputs(ainfo, stdout);
    fflush(stdout);
    sl_cli_catch_signals(on_signal);
    while (!stop_requested)
        pause();
    sl_cli_default_signals();
    fprintf(stderr, "%s: stopping\n", cmd);
    sl_agent_srv_stop(agents);
    sl_web_stop(w);
    return SL_EXIT_OK;
}

int sl_cmd_serve(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'}, {"db", required_argument, NULL, 'D'},
        {"cert", required_argument, NULL, 'c'},   {"key", required_argument, NULL, 'k'},
        {"tls-dir", required_argument, NULL, 't'}, {"http", no_argument, NULL, 'H'},
        {"user", required_argument, NULL, 'u'},   {"idle-timeout", required_argument, NULL, 'i'},
        {"session-lifetime", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 'T'}, {"help", no_argument, NULL, 'h'},
        {"agent-listen", required_argument, NULL, 'A'}, {"agent-name", required_argument, NULL, 'N'},
        {"agent-cert-days", required_argument, NULL, 'C'},
        {"agent-rate", required_argument, NULL, 'R'},
        {NULL, 0, NULL, 0},
    };
    struct sl_web_opts o = {.listen = "127.0.0.1:8443", .idle_timeout = 1800,
                            .session_lifetime = 43200, .threads = 4};
    struct sl_agent_srv_opts ao = {.cert_days = 365, .rate = 120};
    const char *db = NULL;
    int64_t v;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'l': o.listen = optarg; break;
        case 'D': db = optarg; break;
        case 'c': o.cert = optarg; break;
        case 'k': o.key = optarg; break;
        case 't': o.tls_dir = optarg; break;
        case 'H': o.plain_http = true; break;
        case 'u': o.user = optarg; break;
        case 'i':
            if (sl_parse_i64(optarg, 1, 7 * 86400, &o.idle_timeout) != 0)
                return sl_cli_usage_error(cmd, "--idle-timeout takes 1 to 604800 seconds");
            break;
        case 's':
            if (sl_parse_i64(optarg, 1, 30 * 86400, &o.session_lifetime) != 0)
                return sl_cli_usage_error(cmd, "--session-lifetime takes 1 to 2592000 seconds");
            break;
        case 'T':
            if (sl_parse_i64(optarg, 1, 64, &v) != 0)
                return sl_cli_usage_error(cmd, "--threads takes 1 to 64");
            o.threads = (unsigned)v;
            break;
        case 'A': ao.listen = optarg; break;
        case 'N': ao.name = optarg; break;
        case 'C':
            if (sl_parse_i64(optarg, 1, 3650, &v) != 0)
                return sl_cli_usage_error(cmd, "--agent-cert-days takes 1 to 3650");
            ao.cert_days = (int)v;
            break;
        case 'R':
            if (sl_parse_i64(optarg, 1, 1000000, &v) != 0)
                return sl_cli_usage_error(cmd, "--agent-rate takes 1 to 1000000");
            ao.rate = (unsigned)v;
            break;
        case 'h': serve_usage(cmd); return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (o.plain_http && (o.cert != NULL || o.key != NULL))
        return sl_cli_usage_error(cmd, "--http serves no certificate; drop --cert/--key");
    o.db = sl_cli_db_path(db);
    if (ao.listen == NULL && (ao.name != NULL))
        return sl_cli_usage_error(cmd, "--agent-name needs --agent-listen");
    return serve_run(cmd, &o, &ao);
}
