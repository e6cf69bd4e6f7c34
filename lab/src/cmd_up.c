/* cmd_up.c - sightline-lab up: build the world, serve it, report when ready. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "lab.h"
#include "netns.h"
#include "server.h"
#include "state.h"
#include "util/file.h"
#include "util/str.h"
#include "world.h"

struct up_opts {
    const char *name, *mix, *truth, *connlog, *profiles, *range;
    size_t devices;
    uint64_t seed;
    enum lab_mode mode;
    bool foreground, isolate, quiet;
};

struct up_run {
    struct up_opts o;
    char dir[4096];
    char profiles_dir[4096];
    struct lab_profiles ps;
    struct lab_world w;
    uint32_t base;
    unsigned prefix;
    char bridge[16];
    int lab_ns;  /* named namespace (netns mode or --isolate), else -1 */
    int *dev_ns; /* netns mode: one per device */
    struct lab_server *srv;
    uv_loop_t loop;
    uv_signal_t sigint, sigterm;
    int ready_fd; /* daemon: pipe to the waiting parent, else -1 */
};

static void usage(const char *cmd)
{
    printf("Usage: %s [--devices N] [--mix PROFILE=WEIGHT,...] [--seed S] [--truth FILE]\n"
           "          [--mode loopback|netns] [--name NAME] [--range CIDR] [--connlog FILE]\n"
           "          [--isolate] [--foreground] [--profiles DIR] [--quiet]\n\n"
           "Starts an emulated network of devices and returns once it answers.\n\n"
           "  --devices N     how many devices (default 50; loopback up to about 20000,\n"
           "                  netns up to 2000)\n"
           "  --mix SPEC      profile weights, e.g. 'hikvision-ipc-v5=3,axis-camera=1';\n"
           "                  'default' (each profile's own weight) or 'all' (one each)\n"
           "  --seed S        same seed, same network (default 1)\n"
           "  --truth FILE    also write the ground truth (JSON lines) to FILE\n"
           "  --mode MODE     loopback (default): every device on its own 127.x.y.z,\n"
           "                  one process; netns (root): a namespace per device on a\n"
           "                  bridge inside the lab namespace NAME, real MACs, multicast\n"
           "  --name NAME     instance name: state directory and namespace (default %s)\n"
           "  --range CIDR    device addresses (default %s, netns %s)\n"
           "  --connlog FILE  log every connection and datagram there (default: state dir)\n"
           "  --isolate       loopback mode inside namespace NAME of its own (root), so\n"
           "                  fixed ports cannot collide; run scanners with 'exec'\n"
           "  --foreground    stay attached; SIGINT/SIGTERM stop and clean up\n"
           "  --profiles DIR  profile directory (default: lab/profiles)\n",
           cmd, LAB_DEFAULT_NAME, LAB_LOOPBACK_RANGE, LAB_NETNS_RANGE);
}

static int parse(int argc, char **argv, struct up_opts *o)
{
    static const struct option opts[] = {
        {"devices", required_argument, NULL, 'n'}, {"mix", required_argument, NULL, 'm'},
        {"seed", required_argument, NULL, 's'},    {"truth", required_argument, NULL, 't'},
        {"mode", required_argument, NULL, 'M'},    {"name", required_argument, NULL, 'N'},
        {"range", required_argument, NULL, 'r'},   {"connlog", required_argument, NULL, 'c'},
        {"isolate", no_argument, NULL, 'i'},       {"foreground", no_argument, NULL, 'f'},
        {"profiles", required_argument, NULL, 'p'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    const char *cmd = argv[0];
    *o = (struct up_opts){.name = LAB_DEFAULT_NAME, .mix = "default", .devices = 50, .seed = 1};
    int c;
    int64_t v;
    optind = 0;
    while ((c = getopt_long(argc, argv, "n:m:s:t:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (sl_parse_i64(optarg, 1, LAB_MAX_DEVICES, &v) != 0)
                return lab_usage(cmd, "--devices must be 1..%d", LAB_MAX_DEVICES);
            o->devices = (size_t)v;
            break;
        case 'm': o->mix = optarg; break;
        case 's':
            if (sl_parse_i64(optarg, 0, INT64_MAX, &v) != 0)
                return lab_usage(cmd, "--seed must be a non-negative integer");
            o->seed = (uint64_t)v;
            break;
        case 't': o->truth = optarg; break;
        case 'M':
            if (strcmp(optarg, "loopback") == 0)
                o->mode = LAB_MODE_LOOPBACK;
            else if (strcmp(optarg, "netns") == 0)
                o->mode = LAB_MODE_NETNS;
            else
                return lab_usage(cmd, "--mode must be loopback or netns");
            break;
        case 'N': o->name = optarg; break;
        case 'r': o->range = optarg; break;
        case 'c': o->connlog = optarg; break;
        case 'i': o->isolate = true; break;
        case 'f': o->foreground = true; break;
        case 'p': o->profiles = optarg; break;
        case 'q': o->quiet = true; break;
        case 'h': usage(cmd); return -1;
        default: fprintf(stderr, "Try '%s --help'.\n", cmd); return SL_EXIT_USAGE;
        }
    }
    if (optind != argc)
        return lab_usage(cmd, "unexpected argument '%s'", argv[optind]);
    if (!lab_name_ok(o->name))
        return lab_usage(cmd, "--name must be 1-40 letters, digits, '-', '_' or '.'");
    if (o->isolate && o->mode == LAB_MODE_NETNS)
        return lab_usage(cmd, "--isolate is for loopback mode (netns mode is isolated already)");
    if (o->mode == LAB_MODE_NETNS && o->devices > 2000)
        return lab_usage(cmd, "netns mode takes at most 2000 devices");
    return 0;
}

static void on_signal(uv_signal_t *h, int signum)
{
    struct up_run *r = h->data;
    (void)signum;
    lab_server_stop(r->srv);
    uv_close((uv_handle_t *)&r->sigint, NULL);
    uv_close((uv_handle_t *)&r->sigterm, NULL);
}

static int write_info(struct up_run *r, struct sl_err *err)
{
    json_t *j = json_object();
    char ip[16], range[40];
    json_object_set_new(j, "name", json_string(r->o.name));
    json_object_set_new(j, "mode", json_string(r->o.mode == LAB_MODE_NETNS ? "netns" : "loopback"));
    json_object_set_new(j, "pid", json_integer(getpid()));
    json_object_set_new(j, "devices", json_integer((json_int_t)r->w.n));
    json_object_set_new(j, "seed", json_integer((json_int_t)r->o.seed));
    json_object_set_new(j, "mix", json_string(r->o.mix));
    json_object_set_new(j, "profiles_dir", json_string(r->profiles_dir));
    lab_format_ip(r->base, ip);
    snprintf(range, sizeof range, "%s/%u", ip, r->prefix);
    json_object_set_new(j, "range", json_string(range));
    lab_format_ip(lab_world_addr(r->base, 0), ip);
    json_object_set_new(j, "first", json_string(ip));
    lab_format_ip(lab_world_addr(r->base, r->w.n - 1), ip);
    json_object_set_new(j, "last", json_string(ip));
    if (r->o.mode == LAB_MODE_NETNS) {
        lab_format_ip(r->base + 1, ip);
        json_object_set_new(j, "scanner_address", json_string(ip));
        json_object_set_new(j, "bridge", json_string(r->bridge));
    }
    json_object_set_new(j, "netns", r->lab_ns >= 0 ? json_string(r->o.name) : json_null());
    json_object_set_new(j, "closed_ports",
                        json_string(r->o.mode == LAB_MODE_NETNS || lab_server_resets_closed(r->srv)
                                        ? "reset"
                                        : "filtered"));
    char path[4200];
    lab_state_path(r->dir, "truth.jsonl", path, sizeof path);
    json_object_set_new(j, "truth", json_string(r->o.truth ? r->o.truth : path));
    lab_state_path(r->dir, "connlog", path, sizeof path);
    json_object_set_new(j, "connlog", json_string(r->o.connlog ? r->o.connlog : path));
    json_object_set_new(j, "state_dir", json_string(r->dir));
    uint16_t ports[256];
    bool udp[256];
    size_t np = lab_server_ports(r->srv, ports, udp, 256);
    json_t *tp = json_array(), *up = json_array();
    for (size_t i = 0; i < np; i++)
        json_array_append_new(udp[i] ? up : tp, json_integer(ports[i]));
    json_object_set_new(j, "ports", tp);
    json_object_set_new(j, "udp_ports", up);
    json_object_set_new(j, "started", json_integer((json_int_t)time(NULL)));
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(j);
    lab_state_path(r->dir, "info.json", path, sizeof path);
    int rc = sl_write_file(path, s, strlen(s), err);
    free(s);
    return rc;
}

static int write_truth(struct up_run *r, const char *path, struct sl_err *err)
{
    struct sl_atomic a;
    FILE *f = sl_atomic_open(&a, path, err);
    if (f == NULL)
        return -1;
    int rc = lab_world_write_truth(&r->w, f, err);
    if (rc != 0)
        sl_atomic_abort(&a);
    else
        rc = sl_atomic_commit(&a, err);
    return rc;
}

/* Everything between "the world is built" and "serving". */
static int setup(struct up_run *r, struct sl_err *err)
{
    char path[4200];
    lab_state_path(r->dir, "truth.jsonl", path, sizeof path);
    if (write_truth(r, path, err) != 0 || (r->o.truth && write_truth(r, r->o.truth, err) != 0))
        return -1;
    if (r->o.mode == LAB_MODE_NETNS || r->o.isolate) {
        if (geteuid() != 0)
            return sl_err_set(err, "%s needs root (network namespaces)",
                              r->o.isolate ? "--isolate" : "netns mode");
        r->lab_ns = lab_netns_create(r->o.name, err);
        if (r->lab_ns < 0)
            return -1;
        if (lab_netns_enter(r->lab_ns, err) != 0 || lab_link_up("lo", err) != 0)
            return -1;
    }
    lab_state_path(r->dir, "connlog", path, sizeof path);
    char stats[4200];
    lab_state_path(r->dir, "stats", stats, sizeof stats);
    r->srv = lab_server_new(&r->loop, &r->w, r->o.mode, r->o.connlog ? r->o.connlog : path, stats,
                            err);
    if (r->srv == NULL)
        return -1;
    if (r->o.mode == LAB_MODE_LOOPBACK)
        return lab_server_listen_loopback(r->srv, err);
    snprintf(r->bridge, sizeof r->bridge, "br-%.12s", r->o.name);
    if (lab_bridge_create(r->bridge, r->base + 1, r->prefix, err) != 0)
        return -1;
    r->dev_ns = malloc(r->w.n * sizeof *r->dev_ns);
    if (r->dev_ns == NULL)
        abort();
    for (size_t i = 0; i < r->w.n; i++)
        r->dev_ns[i] = -1;
    for (size_t i = 0; i < r->w.n; i++) {
        const struct lab_device *d = &r->w.dev[i];
        char ifname[16];
        snprintf(ifname, sizeof ifname, "d%u", (unsigned)(i + 1));
        r->dev_ns[i] = lab_netns_new_anon(r->lab_ns, err);
        if (r->dev_ns[i] < 0)
            return -1;
        if (lab_veth_create(ifname, r->bridge, r->dev_ns[i], d->mac, err) != 0 ||
            lab_netns_enter(r->dev_ns[i], err) != 0)
            return sl_err_prefix(err, "device %zu", i + 1);
        int rc = lab_addr_add("eth0", d->addr, r->prefix, err);
        if (rc == 0)
            rc = lab_link_up("lo", err);
        if (rc == 0)
            rc = lab_server_listen_device(r->srv, d, err);
        if (lab_netns_enter(r->lab_ns, err) != 0 || rc != 0)
            return sl_err_prefix(err, "device %zu", i + 1);
    }
    return 0;
}

static void teardown(struct up_run *r)
{
    if (r->dev_ns) {
        for (size_t i = 0; i < r->w.n; i++)
            if (r->dev_ns[i] >= 0)
                close(r->dev_ns[i]);
        free(r->dev_ns);
        r->dev_ns = NULL;
    }
    if (r->lab_ns >= 0) {
        close(r->lab_ns);
        r->lab_ns = -1;
        lab_netns_remove(r->o.name);
    }
    lab_state_remove(r->dir);
}

static void tell_parent(struct up_run *r, const char *msg)
{
    if (r->ready_fd < 0)
        return;
    size_t n = strlen(msg);
    while (n > 0) {
        ssize_t k = write(r->ready_fd, msg, n);
        if (k <= 0)
            break;
        msg += k;
        n -= (size_t)k;
    }
    close(r->ready_fd);
    r->ready_fd = -1;
}

static void print_ready(const struct up_run *r, FILE *f)
{
    char a[16], b[16], base[16];
    lab_format_ip(lab_world_addr(r->base, 0), a);
    lab_format_ip(lab_world_addr(r->base, r->w.n - 1), b);
    lab_format_ip(r->base, base);
    fprintf(f, "sightline-lab: '%s' up: %zu devices (%s mode) on %s - %s in %s/%u\n", r->o.name,
            r->w.n, r->o.mode == LAB_MODE_NETNS ? "netns" : "loopback", a, b, base, r->prefix);
    if (r->o.mode == LAB_MODE_NETNS) {
        char sc[16];
        lab_format_ip(r->base + 1, sc);
        fprintf(f, "sightline-lab: scanner side %s on bridge %s in namespace '%s': run "
                   "'sightline-lab exec --name %s -- CMD'\n", sc, r->bridge, r->o.name, r->o.name);
    } else if (r->o.isolate) {
        fprintf(f, "sightline-lab: isolated in namespace '%s': run 'sightline-lab exec --name %s "
                   "-- CMD'\n", r->o.name, r->o.name);
    }
    fprintf(f, "sightline-lab: ground truth %s%s%s; state %s\n",
            r->o.truth ? r->o.truth : "", r->o.truth ? " and " : "", "truth.jsonl in the state dir",
            r->dir);
}

/* Runs the lab in this process until a signal. Returns an exit code. */
static int serve(struct up_run *r)
{
    struct sl_err err = {0};
    const char *cmd = "sightline-lab up";
    uv_loop_init(&r->loop);
    signal(SIGPIPE, SIG_IGN);
    if (setup(r, &err) != 0) {
        char msg[SL_ERR_MAX + 8];
        snprintf(msg, sizeof msg, "ERR %s", err.msg);
        tell_parent(r, msg);
        if (r->srv) {
            lab_server_stop(r->srv);
            uv_run(&r->loop, UV_RUN_DEFAULT);
            lab_server_free(r->srv);
        }
        teardown(r);
        if (!r->o.foreground)
            return SL_EXIT_RUNTIME;
        return lab_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
    }
    char path[4200];
    char pid[32];
    snprintf(pid, sizeof pid, "%d\n", (int)getpid());
    lab_state_path(r->dir, "pid", path, sizeof path);
    sl_write_file(path, pid, strlen(pid), NULL);
    write_info(r, &err);
    uv_signal_init(&r->loop, &r->sigint);
    uv_signal_init(&r->loop, &r->sigterm);
    r->sigint.data = r->sigterm.data = r;
    uv_signal_start(&r->sigint, on_signal, SIGINT);
    uv_signal_start(&r->sigterm, on_signal, SIGTERM);
    if (r->o.foreground) {
        if (!r->o.quiet)
            print_ready(r, stdout);
        fflush(stdout);
    }
    tell_parent(r, "OK");
    uv_run(&r->loop, UV_RUN_DEFAULT);
    struct lab_server_stats st;
    lab_server_get_stats(r->srv, &st);
    fprintf(stderr, "sightline-lab: '%s' stopping: %llu tcp connections, %llu datagrams served\n",
            r->o.name, (unsigned long long)st.tcp_accepted, (unsigned long long)st.udp_received);
    lab_server_free(r->srv);
    uv_loop_close(&r->loop);
    teardown(r);
    return SL_EXIT_OK;
}

/* Long: the options of `sightline-lab up` and their checks, then start-up; the
 * start-up itself is in the functions above. */
int lab_cmd_up(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct up_run *r = calloc(1, sizeof *r);
    if (r == NULL)
        abort();
    r->lab_ns = -1;
    r->ready_fd = -1;
    int rc = parse(argc, argv, &r->o);
    if (rc != 0) {
        free(r);
        return rc < 0 ? SL_EXIT_OK : rc;
    }
    struct sl_err err = {0};
    const char *range = r->o.range ? r->o.range
                        : r->o.mode == LAB_MODE_NETNS ? LAB_NETNS_RANGE
                                                      : LAB_LOOPBACK_RANGE;
    if (lab_parse_range(range, &r->base, &r->prefix, &err) != 0) {
        free(r);
        return lab_usage(cmd, "--range: %s", err.msg);
    }
    /* Network safety: the lab only ever uses loopback or the benchmarking range. */
    if (r->o.mode == LAB_MODE_LOOPBACK && ((r->base >> 24) != 127 || r->prefix < 8)) {
        free(r);
        return lab_usage(cmd, "--range must lie in 127.0.0.0/8 in loopback mode");
    }
    if (r->o.mode == LAB_MODE_NETNS && ((r->base & 0xfffe0000u) != 0xc6120000u || r->prefix < 15)) {
        free(r);
        return lab_usage(cmd, "--range must lie in 198.18.0.0/15 in netns mode");
    }
    sl_strlcpy(r->profiles_dir, lab_profiles_dir(r->o.profiles), sizeof r->profiles_dir);
    struct lab_mix_entry mix[LAB_MAX_PROFILES];
    int nmix;
    if (lab_profiles_load(r->profiles_dir, &r->ps, &err) != 0) {
        free(r);
        return lab_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
    }
    if ((nmix = lab_mix_parse(r->o.mix, &r->ps, mix, &err)) < 0) {
        lab_profiles_free(&r->ps);
        free(r);
        return lab_usage(cmd, "%s", err.msg);
    }
    if (lab_world_build(&r->w, &r->ps, mix, (size_t)nmix, r->o.devices, r->o.seed, r->base,
                        r->prefix, &err) != 0) {
        lab_profiles_free(&r->ps);
        free(r);
        return lab_usage(cmd, "%s", err.msg);
    }
    if (lab_state_dir(r->o.name, r->dir, sizeof r->dir, &err) != 0 ||
        lab_state_make(r->dir, &err) != 0) {
        rc = lab_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
        goto out;
    }
    pid_t other = lab_state_running(r->dir);
    if (other) {
        rc = lab_fail(cmd, SL_EXIT_RUNTIME,
                      "a lab named '%s' is running already (pid %d): 'sightline-lab down --name "
                      "%s' first, or choose another --name",
                      r->o.name, (int)other, r->o.name);
        goto out;
    }
    if (r->o.foreground) {
        rc = serve(r);
        goto out;
    }
    int pfd[2];
    if (pipe(pfd) != 0) {
        rc = lab_fail(cmd, SL_EXIT_RUNTIME, "pipe: %s", strerror(errno));
        goto out;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        rc = lab_fail(cmd, SL_EXIT_RUNTIME, "fork: %s", strerror(errno));
        goto out;
    }
    if (pid == 0) {
        close(pfd[0]);
        r->ready_fd = pfd[1];
        setsid();
        char logp[4200];
        lab_state_path(r->dir, "log", logp, sizeof logp);
        int lf = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        int nul = open("/dev/null", O_RDWR);
        if (nul >= 0)
            dup2(nul, 0);
        if (lf >= 0) {
            dup2(lf, 1);
            dup2(lf, 2);
        }
        rc = serve(r);
        lab_world_free(&r->w);
        lab_profiles_free(&r->ps);
        free(r);
        _exit(rc);
    }
    close(pfd[1]);
    char msg[SL_ERR_MAX + 16] = "";
    size_t got = 0;
    for (;;) {
        ssize_t k = read(pfd[0], msg + got, sizeof msg - 1 - got);
        if (k > 0 && (got += (size_t)k) < sizeof msg - 1)
            continue;
        if (k < 0 && errno == EINTR)
            continue;
        break;
    }
    msg[got] = '\0';
    close(pfd[0]);
    if (strcmp(msg, "OK") == 0) {
        if (!r->o.quiet)
            print_ready(r, stdout);
        rc = SL_EXIT_OK;
    } else {
        int st;
        waitpid(pid, &st, 0);
        rc = lab_fail(cmd, SL_EXIT_RUNTIME, "%s",
                      sl_str_starts_with(msg, "ERR ") ? msg + 4 : "the lab died while starting");
    }
out:
    lab_world_free(&r->w);
    lab_profiles_free(&r->ps);
    free(r);
    return rc;
}
