/* cmd_admin.c - sightline-lab down | status | list-profiles | exec */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab.h"
#include "netns.h"
#include "state.h"
#include "util/file.h"
#include "util/str.h"

/* Parses the options every admin command takes: --name, --help, (--json). */
static int name_opts(int argc, char **argv, const char **name, bool *json, const char *usage_text)
{
    static const struct option opts[] = {
        {"name", required_argument, NULL, 'N'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *name = LAB_DEFAULT_NAME;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'N': *name = optarg; break;
        case 'j':
            if (json == NULL)
                return lab_usage(argv[0], "--json is not an option of this command");
            *json = true;
            break;
        case 'h':
            printf("Usage: %s ", argv[0]);
            fputs(usage_text, stdout);
            return -1;
        default: fprintf(stderr, "Try '%s --help'.\n", argv[0]); return SL_EXIT_USAGE;
        }
    }
    if (!lab_name_ok(*name))
        return lab_usage(argv[0], "bad --name '%s'", *name);
    return 0;
}

/* The process exists and is not a zombie (a zombie has finished: only its
 * parent's wait is missing). */
static bool process_alive(pid_t pid)
{
    if (kill(pid, 0) != 0)
        return false;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    struct sl_err err = {0};
    size_t len = 0;
    char *stat = sl_read_file(path, 4096, &len, &err);
    if (stat == NULL)
        return false;
    const char *paren = strrchr(stat, ')'); /* "pid (comm) S ..." */
    bool alive = paren == NULL || paren[1] == '\0' || paren[2] != 'Z';
    free(stat);
    return alive;
}

int lab_cmd_down(int argc, char **argv)
{
    const char *name;
    int rc = name_opts(argc, argv, &name, NULL,
                       "[--name NAME]\n\nStops the lab and removes everything it made: "
                       "its processes, namespaces,\nveths, bridge and state directory.\n");
    if (rc != 0)
        return rc < 0 ? SL_EXIT_OK : rc;
    if (optind != argc)
        return lab_usage(argv[0], "unexpected argument '%s'", argv[optind]);
    char dir[4096];
    struct sl_err err = {0};
    if (lab_state_dir(name, dir, sizeof dir, &err) != 0)
        return lab_fail(argv[0], SL_EXIT_RUNTIME, "%s", err.msg);
    pid_t pid = lab_state_running(dir);
    bool did = false;
    if (pid > 0) {
        kill(pid, SIGTERM);
        /* The daemon closes every socket and namespace itself; wait for it,
         * and for the process to be gone (it removes its state before it has
         * finished exiting). */
        for (int i = 0; i < 200 && (lab_state_running(dir) == pid || process_alive(pid)); i++) {
            struct timespec ts = {0, 50 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        if (lab_state_running(dir) == pid) {
            fprintf(stderr, "%s: '%s' (pid %d) did not stop in 10 s: killing it\n", argv[0], name,
                    (int)pid);
            kill(pid, SIGKILL);
            for (int i = 0; i < 100 && kill(pid, 0) == 0 && lab_state_running(dir) == pid; i++) {
                struct timespec ts = {0, 50 * 1000 * 1000};
                nanosleep(&ts, NULL);
            }
        }
        did = true;
    }
    /* Whatever a killed daemon could not remove. */
    if (geteuid() == 0 && lab_netns_exists(name)) {
        if (lab_netns_remove(name) == 0)
            did = true;
    }
    char probe[4200];
    lab_state_path(dir, "info.json", probe, sizeof probe);
    if (access(probe, F_OK) == 0 || access(dir, F_OK) == 0) {
        lab_state_remove(dir);
        did = did || access(probe, F_OK) == 0;
    }
    if (did)
        printf("sightline-lab: '%s' is down\n", name);
    else
        printf("sightline-lab: no lab named '%s' is running\n", name);
    return SL_EXIT_OK;
}

static unsigned long long stat_value(const char *stats, const char *key)
{
    const char *p = stats ? strstr(stats, key) : NULL;
    if (p == NULL)
        return 0;
    return strtoull(p + strlen(key) + 1, NULL, 10);
}

int lab_cmd_status(int argc, char **argv)
{
    const char *name;
    bool json = false;
    int rc = name_opts(argc, argv, &name, &json,
                       "[--name NAME] [--json]\n\nSays whether the lab runs, where, "
                       "and what it has served.\nExit 0 when it runs, 1 when it does not.\n");
    if (rc != 0)
        return rc < 0 ? SL_EXIT_OK : rc;
    if (optind != argc)
        return lab_usage(argv[0], "unexpected argument '%s'", argv[optind]);
    char dir[4096];
    struct sl_err err = {0};
    json_t *info = lab_read_info(name, dir, sizeof dir, &err);
    if (info == NULL) {
        if (json)
            printf("{\"name\":\"%s\",\"running\":false}\n", name);
        else
            printf("sightline-lab: %s\n", err.msg);
        return SL_EXIT_FINDINGS;
    }
    char path[4200];
    lab_state_path(dir, "stats", path, sizeof path);
    size_t len;
    char *stats = sl_read_file(path, 4096, &len, NULL);
    json_object_set_new(info, "running", json_true());
    const char *keys[] = {"tcp_accepted", "udp_received", "udp_replies", "refused", "active",
                          "tls_handshakes", "closed_resets", NULL};
    json_t *counts = json_object();
    for (size_t i = 0; keys[i]; i++)
        json_object_set_new(counts, keys[i], json_integer((json_int_t)stat_value(stats, keys[i])));
    json_object_set_new(info, "counts", counts);
    free(stats);
    if (json) {
        char *s = json_dumps(info, JSON_COMPACT | JSON_PRESERVE_ORDER);
        printf("%s\n", s);
        free(s);
    } else {
        json_int_t started = json_integer_value(json_object_get(info, "started"));
        printf("lab '%s' is running (pid %lld, %s mode, up %lld s)\n", name,
               json_integer_value(json_object_get(info, "pid")),
               json_string_value(json_object_get(info, "mode")),
               (long long)(time(NULL) - started));
        printf("  devices      %lld on %s - %s (range %s)\n",
               json_integer_value(json_object_get(info, "devices")),
               json_string_value(json_object_get(info, "first")),
               json_string_value(json_object_get(info, "last")),
               json_string_value(json_object_get(info, "range")));
        const char *ns = json_string_value(json_object_get(info, "netns"));
        if (ns)
            printf("  namespace    %s (sightline-lab exec --name %s -- CMD)\n", ns, name);
        printf("  seed, mix    %lld, %s\n", json_integer_value(json_object_get(info, "seed")),
               json_string_value(json_object_get(info, "mix")));
        printf("  ports        tcp");
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(info, "ports"), i, v) printf(" %lld", json_integer_value(v));
        printf(", udp");
        json_array_foreach(json_object_get(info, "udp_ports"), i, v) printf(" %lld", json_integer_value(v));
        printf("\n  served       %lld tcp connections (%lld open, %lld refused), %lld datagrams, "
               "%lld tls handshakes\n",
               json_integer_value(json_object_get(counts, "tcp_accepted")),
               json_integer_value(json_object_get(counts, "active")),
               json_integer_value(json_object_get(counts, "refused")),
               json_integer_value(json_object_get(counts, "udp_received")),
               json_integer_value(json_object_get(counts, "tls_handshakes")));
        const char *closed = json_string_value(json_object_get(info, "closed_ports"));
        printf("  closed ports %s", closed ? closed : "filtered");
        if (closed && strcmp(closed, "reset") == 0)
            printf(" (%lld resets sent)",
                   json_integer_value(json_object_get(counts, "closed_resets")));
        printf("\n");
        printf("  truth        %s\n  connlog      %s\n  state        %s\n",
               json_string_value(json_object_get(info, "truth")),
               json_string_value(json_object_get(info, "connlog")), dir);
    }
    json_decref(info);
    return SL_EXIT_OK;
}

int lab_cmd_list_profiles(int argc, char **argv)
{
    static const struct option opts[] = {
        {"profiles", required_argument, NULL, 'p'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL;
    bool json = false;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': dir = optarg; break;
        case 'j': json = true; break;
        case 'h':
            printf("Usage: %s [--profiles DIR] [--json]\n\nLists the device profiles, their "
                   "makers, default weights and ports.\n", argv[0]);
            return SL_EXIT_OK;
        default: fprintf(stderr, "Try '%s --help'.\n", argv[0]); return SL_EXIT_USAGE;
        }
    }
    if (optind != argc)
        return lab_usage(argv[0], "unexpected argument '%s'", argv[optind]);
    struct lab_profiles ps;
    struct sl_err err = {0};
    if (lab_profiles_load(lab_profiles_dir(dir), &ps, &err) != 0)
        return lab_fail(argv[0], SL_EXIT_USAGE, "%s", err.msg);
    if (!json)
        printf("%-24s %-12s %-10s %-11s %-7s %6s  %s\n", "PROFILE", "MANUFACTURER", "BRAND", "TYPE",
               "HOSTILE", "WEIGHT", "PORTS");
    for (size_t i = 0; i < ps.n; i++) {
        const struct lab_profile *p = ps.v[i];
        char ports[512] = "";
        size_t off = 0;
        for (size_t k = 0; k < p->n_ports && off < sizeof ports; k++)
            off += (size_t)snprintf(ports + off, sizeof ports - off, "%s%u/%s", k ? " " : "",
                                    p->ports[k].port, lab_svc_name(p->ports[k].svc));
        if (json) {
            json_t *o = json_pack("{s:s, s:s?, s:s?, s:s, s:b, s:i, s:s, s:s?}", "profile", p->name,
                                  "manufacturer", p->manufacturer, "brand", p->brand,
                                  "device_type", p->device_type, "hostile", p->hostile, "weight",
                                  (int)p->weight, "ports", ports, "description", p->description);
            char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
            printf("%s\n", s);
            free(s);
            json_decref(o);
        } else {
            printf("%-24s %-12s %-10s %-11s %-7s %6u  %s\n", p->name,
                   p->manufacturer ? p->manufacturer : "-", p->brand ? p->brand : "-",
                   p->device_type, p->hostile ? "yes" : "no", p->weight, ports);
        }
    }
    lab_profiles_free(&ps);
    return SL_EXIT_OK;
}

int lab_cmd_exec(int argc, char **argv)
{
    const char *name;
    int rc = name_opts(argc, argv, &name, NULL,
                       "[--name NAME] -- COMMAND [ARG...]\n\nRuns COMMAND where the "
                       "lab's devices are reachable: inside the lab's\nnetwork namespace when it "
                       "has one (netns mode, --isolate), else as is.\nSets SIGHTLINE_LAB_NAME, "
                       "SIGHTLINE_LAB_TRUTH and SIGHTLINE_LAB_CONNLOG.\n");
    if (rc != 0)
        return rc < 0 ? SL_EXIT_OK : rc;
    if (optind >= argc)
        return lab_usage(argv[0], "a COMMAND to run is required");
    char dir[4096];
    struct sl_err err = {0};
    json_t *info = lab_read_info(name, dir, sizeof dir, &err);
    if (info == NULL)
        return lab_fail(argv[0], SL_EXIT_RUNTIME, "%s", err.msg);
    const char *ns = json_string_value(json_object_get(info, "netns"));
    setenv("SIGHTLINE_LAB_NAME", name, 1);
    setenv("SIGHTLINE_LAB_TRUTH", json_string_value(json_object_get(info, "truth")), 1);
    setenv("SIGHTLINE_LAB_CONNLOG", json_string_value(json_object_get(info, "connlog")), 1);
    if (ns) {
        int fd = lab_netns_open(ns, &err);
        if (fd < 0 || lab_netns_enter(fd, &err) != 0) {
            json_decref(info);
            return lab_fail(argv[0], SL_EXIT_RUNTIME, "%s", err.msg);
        }
        close(fd);
    }
    json_decref(info);
    execvp(argv[optind], argv + optind);
    return lab_fail(argv[0], SL_EXIT_RUNTIME, "cannot run %s: %s",
                    argv[optind], strerror(errno));
}
