/* cmd_can.c - sightline can learn|watch: CAN intrusion detection (DESIGN.md §4,
 * fixed; docs/can.md). Options, files and output only: the work is in src/can/. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "can/alert.h"
#include "can/baseline.h"
#include "can/learn.h"
#include "can/live.h"
#include "can/reader.h"
#include "can/watch.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "util/privdrop.h"
#include "util/str.h"
#include "util/timeutil.h"
#include "util/file.h"

#define MAX_FILES 1024

/* long options without a short form */
enum { OPT_FORMAT = 300, OPT_BUS, OPT_IFNAME, OPT_BITRATE, OPT_JSONL, OPT_WINDOW, OPT_USER,
       OPT_COUNT, OPT_DURATION, OPT_FAIL_ON };

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static const char INPUT_HELP[] =
    "Input (--read FILE...; further arguments are more files; '-' = standard input):\n"
    "  candump logs (candump -l / -L: '(1625906307.412579) can0 00A#4543...', 6 or 9\n"
    "  fractional digits, 11/29-bit ids, remote, error and CAN FD frames, the -x T/R\n"
    "  suffix), pcap/pcapng with LINKTYPE_CAN_SOCKETCAN (the id word big- or\n"
    "  little-endian, detected) or Linux cooked capture carrying CAN, and the HCRL\n"
    "  Car-Hacking CSV and text forms. The form is detected; --format insists.\n"
    "  Compressed files: zcat FILE.gz | sightline can ... --read -\n";

struct in_opts {
    const char *files[MAX_FILES];
    size_t n;
    bool reading;
    enum sl_can_format fmt;
    const char *bus;      /* only frames of this interface */
    const char *ifname;   /* the name of inputs that carry none */
};

static int add_file(const char *cmd, struct in_opts *in, const char *f)
{
    if (in->n == MAX_FILES)
        return sl_cli_usage_error(cmd, "at most %d files", MAX_FILES);
    in->files[in->n++] = f;
    in->reading = true;
    return 0;
}

/* Options both subcommands take; returns 1 when c was one of them, -1 on a bad value. */
static int input_option(const char *cmd, int c, struct in_opts *in)
{
    switch (c) {
    case 'r': return add_file(cmd, in, optarg) == 0 ? 1 : -1;
    case OPT_FORMAT:
        if (sl_can_format_parse(optarg, &in->fmt) != 0) {
            sl_cli_usage_error(cmd, "--format must be auto, candump, pcap, hcrl-csv or hcrl-txt");
            return -1;
        }
        return 1;
    case OPT_BUS: in->bus = optarg; return 1;
    case OPT_IFNAME:
        if (strlen(optarg) == 0 || strlen(optarg) > SL_CAN_MAX_IFNAME) {
            sl_cli_usage_error(cmd, "--iface-name must have 1 to %d characters", SL_CAN_MAX_IFNAME);
            return -1;
        }
        in->ifname = optarg;
        return 1;
    default: return 0;
    }
}

static int rest_files(const char *cmd, int argc, char **argv, struct in_opts *in)
{
    for (int i = optind; i < argc; i++) {
        if (!in->reading)
            return sl_cli_usage_error(cmd, "unexpected argument '%s' (files are read with --read)",
                                      argv[i]);
        if (add_file(cmd, in, argv[i]) != 0)
            return SL_EXIT_USAGE;
    }
    size_t stdin_uses = 0;
    for (size_t i = 0; i < in->n; i++)
        stdin_uses += strcmp(in->files[i], "-") == 0;
    if (stdin_uses > 1)
        return sl_cli_usage_error(cmd, "standard input ('-') can be read only once");
    return 0;
}

/* Opens every file before anything is read: a missing file is a usage error
 * before any output. */
static int open_inputs(const char *cmd, struct in_opts *in, struct sl_can_ifaces *ifaces,
                       struct sl_can_reader **rd)
{
    memset(ifaces, 0, sizeof *ifaces);
    sl_strlcpy(ifaces->dflt, in->ifname != NULL ? in->ifname : "can0", sizeof ifaces->dflt);
    for (size_t i = 0; i < in->n; i++) {
        struct sl_err err;
        if (sl_can_reader_open(&rd[i], in->files[i], in->fmt, ifaces, &err) != 0)
            return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
    }
    return 0;
}

/* Reports what a reader could not read; returns true when the file was cut short. */
static void report_reader(const char *cmd, const char *path, struct sl_can_reader *r)
{
    struct sl_can_read_stats st;
    sl_can_reader_stats(r, &st);
    if (st.bad > 0)
        fprintf(stderr, "%s: %s: %llu line%s or record%s not understood (first: %s %llu, %s)\n",
                cmd, path, (unsigned long long)st.bad, st.bad == 1 ? "" : "s",
                st.bad == 1 ? "" : "s",
                sl_can_reader_format(r) == SL_CAN_FMT_PCAP ? "record" : "line",
                (unsigned long long)st.first_bad_line, st.first_bad_why ? st.first_bad_why : "?");
    if (st.unsupported > 0)
        fprintf(stderr, "%s: %s: %llu CAN XL frame%s not analysed\n", cmd, path,
                (unsigned long long)st.unsupported, st.unsupported == 1 ? "" : "s");
    if (st.dropped_reported > 0)
        fprintf(stderr, "%s: %s: the capture lost %llu frame%s (candump DROPCOUNT)\n", cmd, path,
                (unsigned long long)st.dropped_reported, st.dropped_reported == 1 ? "" : "s");
}

typedef void (*frame_fn)(void *ctx, const struct sl_can_frame *f);
typedef void (*break_fn)(void *ctx);

/* Reads every file in order. Returns 0, or SL_EXIT_USAGE when a file could not
 * be read to its end (what was read was used). */
static int read_all(const char *cmd, struct in_opts *in, struct sl_can_ifaces *ifaces,
                    struct sl_can_reader **rd, frame_fn fn, break_fn brk, void *ctx,
                    uint64_t *frames, int64_t count)
{
    int rc = 0;
    int bus = -1;
    if (in->bus != NULL)
        bus = sl_can_iface_intern(ifaces, in->bus, strlen(in->bus));
    for (size_t i = 0; i < in->n && !g_stop; i++) {
        struct sl_can_frame f;
        struct sl_err err;
        int k = 0;
        if (i > 0)
            brk(ctx);
        while (!g_stop && (k = sl_can_reader_next(rd[i], &f, &err)) == 1) {
            if (bus >= 0 && f.iface != bus)
                continue;
            fn(ctx, &f);
            if (count > 0 && (int64_t)++*frames >= count)
                break;
        }
        if (k < 0) {
            fprintf(stderr, "%s: %s\n", cmd, err.msg);
            rc = SL_EXIT_USAGE;
        }
        report_reader(cmd, in->files[i], rd[i]);
        if (count > 0 && (int64_t)*frames >= count)
            break;
    }
    return rc;
}

/* ---------------- learn ---------------- */

static void learn_usage(const char *cmd)
{
    printf("Usage: %s --read FILE... -o BASELINE.json [--format FMT] [--bus IFACE]\n"
           "          [--iface-name NAME] [--bitrate BPS]\n"
           "\n"
           "Learns what a clean CAN bus looks like and writes it as a human-readable JSON\n"
           "baseline: per identifier the lengths, the gaps between frames (mean, spread,\n"
           "shortest, longest; periodic or not), the most frames a second, per payload byte\n"
           "the bits that never changed, the value range and the largest jump, message\n"
           "counters and checksum bytes; for the bus, frames per 100 ms and error frames\n"
           "per second. Every threshold `can watch` uses is written out (\"alert_if\") and\n"
           "may be edited. Learn from traffic known to be clean, as long as you can (an\n"
           "hour of driving is a good start): whatever it never saw, watch will report.\n"
           "\n%s\n"
           "  -r, --read FILE...     the clean traffic (several files: gaps are not measured\n"
           "                         across files)\n"
           "  -o, --output FILE      where the baseline goes (written atomically)\n"
           "      --format FMT       auto (default), candump, pcap, hcrl-csv, hcrl-txt\n"
           "      --bus IFACE        only frames of this interface (logs of several buses)\n"
           "      --iface-name NAME  the interface name of inputs that carry none (pcap,\n"
           "                         HCRL; default can0)\n"
           "      --bitrate BPS      the bus's bit rate, to show the load as a percentage\n"
           "                         (default 500000)\n"
           "\n"
           "Exit status: 0 learned, 2 usage error or unreadable input, 3 cannot write.\n",
           cmd, INPUT_HELP);
}

struct learn_ctx {
    struct sl_can_learner *l;
};

static void learn_fn(void *ctx, const struct sl_can_frame *f)
{
    sl_can_learn_frame(((struct learn_ctx *)ctx)->l, f);
}

static void learn_brk(void *ctx)
{
    sl_can_learn_break(((struct learn_ctx *)ctx)->l);
}

static void learn_report(const char *cmd, const struct sl_can_baseline *b,
                         const struct sl_can_learn_stats *st, const char *out)
{
    size_t periodic = 0, counters = 0, checksums = 0;
    for (size_t i = 0; i < b->n; i++) {
        periodic += b->ids[i].periodic;
        counters += b->ids[i].n_counters > 0;
        checksums += b->ids[i].cs.kind != SL_CAN_CS_NONE;
    }
    fprintf(stderr,
            "%s: %llu frames over %.1f s, %zu ids (%zu periodic, %zu with counters, %zu with "
            "checksums)%s -> %s\n",
            cmd, (unsigned long long)st->frames, (double)(b->bus.last_us - b->bus.first_us) / 1e6,
            b->n, periodic, counters, checksums,
            st->ids_dropped ? " (ids past the limit were not kept)" : "", out);
}

/* One function on purpose: everything it opens is released in one place, at done. */
static int cmd_learn(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option lopts[] = {
        {"read", required_argument, NULL, 'r'},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"bus", required_argument, NULL, OPT_BUS},
        {"iface-name", required_argument, NULL, OPT_IFNAME},
        {"bitrate", required_argument, NULL, OPT_BITRATE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct in_opts in;
    memset(&in, 0, sizeof in);
    const char *out = NULL;
    int64_t bitrate = 500000;
    int c;
    while ((c = getopt_long(argc, argv, "r:o:h", lopts, NULL)) != -1) {
        int k = input_option(cmd, c, &in);
        if (k < 0)
            return SL_EXIT_USAGE;
        if (k > 0)
            continue;
        switch (c) {
        case 'o': out = optarg; break;
        case OPT_BITRATE:
            if (sl_parse_i64(optarg, 1000, 20000000, &bitrate) != 0)
                return sl_cli_usage_error(cmd, "--bitrate must be 1000..20000000 bits/s");
            break;
        case 'h': learn_usage(cmd); return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (rest_files(cmd, argc, argv, &in) != 0)
        return SL_EXIT_USAGE;
    if (in.n == 0)
        return sl_cli_usage_error(cmd, "give the clean traffic with --read FILE...");
    if (out == NULL)
        return sl_cli_usage_error(cmd, "give the baseline's file with -o FILE");

    struct sl_can_ifaces ifaces;
    struct sl_can_reader *rd[MAX_FILES] = {0};
    struct sl_can_baseline b;
    memset(&b, 0, sizeof b);
    struct learn_ctx ctx = {sl_can_learner_new()};
    int rc = ctx.l == NULL ? sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory")
                           : open_inputs(cmd, &in, &ifaces, rd);
    if (rc != 0)
        goto done;
    uint64_t frames = 0;
    rc = read_all(cmd, &in, &ifaces, rd, learn_fn, learn_brk, &ctx, &frames, 0);
    if (rc != 0)
        goto done;
    struct sl_can_learn_stats st;
    sl_can_learn_get_stats(ctx.l, &st);
    if (st.frames == 0) {
        rc = sl_cli_fail(cmd, SL_EXIT_USAGE, "no CAN frames in the input: nothing to learn");
        goto done;
    }
    struct sl_err err;
    const char *iface = in.bus != NULL ? in.bus : ifaces.n == 1 ? ifaces.names[0] : "";
    if (sl_can_learn_finish(ctx.l, &b, iface, (uint32_t)bitrate, &err) != 0) {
        rc = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    for (size_t i = 0; i < in.n; i++)
        json_array_append_new(b.sources, json_string(in.files[i]));
    if (sl_can_baseline_save(&b, out, &err) != 0) {
        rc = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    learn_report(cmd, &b, &st, out);
    if (ifaces.n > 1 && in.bus == NULL)
        fprintf(stderr, "%s: note: the input names %u interfaces; they were learned as one bus "
                        "(--bus IFACE picks one)\n", cmd, ifaces.n);
    rc = SL_EXIT_OK;
done:
    for (size_t i = 0; i < in.n; i++)
        sl_can_reader_close(rd[i]);
    sl_can_learner_free(ctx.l);
    sl_can_baseline_free(&b);
    return rc;
}

/* ---------------- watch ---------------- */

static void watch_usage(const char *cmd)
{
    printf("Usage: %s --baseline BASELINE.json (--read FILE... | -i IFACE) [--jsonl OUT|-]\n"
           "          [--format FMT] [--bus IFACE] [--iface-name NAME] [--dedup-window S]\n"
           "          [--user USER] [--count N] [--duration S] [--fail-on SEVERITY]\n"
           "\n"
           "Watches CAN traffic against a baseline from `can learn` and prints one JSON\n"
           "object a line per alert:\n"
           "  {\"v\":1,\"type\":\"can_alert\",\"ts\":<the frame's time>,\"iface\":\"can0\",\n"
           "   \"can_id\":\"0x0AA\",\"detector\":\"...\",\"signature_id\":N,\"signature\":\"...\",\n"
           "   \"severity\":1|2|3,\"count\":N,\"expected\":\"...\",\"seen\":\"...\",...}\n"
           "Detectors and signatures (docs/can.md says what each catches and cannot):\n"
           "  unknown_id 9100001  an identifier the baseline does not know\n"
           "  period     9100010  frames faster than the learned shortest gap (injection)\n"
           "             9100011  more frames a second than learned (flooding)\n"
           "             9100012  a periodic identifier went silent (suppression)\n"
           "  dlc        9100020  a length not learned;  9100021 a remote/FD frame not learned\n"
           "  payload    9100030  bits that never changed did;  9100031 a byte out of range\n"
           "             9100032  a byte jumped further than learned\n"
           "             9100033  far more bits changed than learned (fuzzing)\n"
           "             9100034  the checksum byte is wrong\n"
           "  counter    9100040  a message counter skipped;  9100041 it repeated (replay)\n"
           "  load       9100050  more frames in 100 ms than the bus ever carried\n"
           "  error      9100060  an error-frame burst\n"
           "An alert is written at once with \"count\":1; repeats of the same id and\n"
           "signature within --dedup-window seconds of frame time are counted and written\n"
           "as one line with \"repeat\":true when the window closes.\n"
           "\n%s\n"
           "  -b, --baseline FILE    the baseline (can learn -o)\n"
           "  -r, --read FILE...     recorded traffic, read at full speed\n"
           "  -i, --interface IFACE  a SocketCAN interface, live (classic and FD frames, error\n"
           "                         frames); every capability is dropped once it is open\n"
           "      --jsonl FILE|-     where alerts go (default standard output; a file is\n"
           "                         appended to)\n"
           "      --format FMT       auto (default), candump, pcap, hcrl-csv, hcrl-txt\n"
           "      --bus IFACE        only frames of this interface (logs of several buses)\n"
           "      --iface-name NAME  the interface name of inputs that carry none (default can0)\n"
           "      --dedup-window S   seconds of frame time (default 10)\n"
           "      --user USER        live: after opening the socket, also become USER\n"
           "      --count N          stop after N frames;  --duration S  stop after S s (live)\n"
           "      --fail-on SEV      exit 1 when an alert of severity SEV or higher was raised\n"
           "\n"
           "Exit status: 0 all input read, whatever was found (1 with --fail-on); 2 usage\n"
           "error or unreadable input; 3 runtime failure (socket, output).\n",
           cmd, INPUT_HELP);
}

struct watch_opts {
    struct in_opts in;
    const char *baseline, *iface, *jsonl, *user;
    int64_t window, count, duration, fail_on;
};

static int watch_args(int argc, char **argv, struct watch_opts *o, bool *help)
{
    const char *cmd = argv[0];
    static const struct option lopts[] = {
        {"baseline", required_argument, NULL, 'b'},
        {"read", required_argument, NULL, 'r'},
        {"interface", required_argument, NULL, 'i'},
        {"jsonl", required_argument, NULL, OPT_JSONL},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"bus", required_argument, NULL, OPT_BUS},
        {"iface-name", required_argument, NULL, OPT_IFNAME},
        {"dedup-window", required_argument, NULL, OPT_WINDOW},
        {"user", required_argument, NULL, OPT_USER},
        {"count", required_argument, NULL, OPT_COUNT},
        {"duration", required_argument, NULL, OPT_DURATION},
        {"fail-on", required_argument, NULL, OPT_FAIL_ON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->window = 10;
    int c;
    while ((c = getopt_long(argc, argv, "b:r:i:h", lopts, NULL)) != -1) {
        int k = input_option(cmd, c, &o->in);
        if (k < 0)
            return SL_EXIT_USAGE;
        if (k > 0)
            continue;
        switch (c) {
        case 'b': o->baseline = optarg; break;
        case 'i': o->iface = optarg; break;
        case OPT_JSONL: o->jsonl = optarg; break;
        case OPT_USER: o->user = optarg; break;
        case OPT_WINDOW:
            if (sl_parse_i64(optarg, 1, 86400, &o->window) != 0)
                return sl_cli_usage_error(cmd, "--dedup-window must be 1..86400 seconds");
            break;
        case OPT_COUNT:
            if (sl_parse_i64(optarg, 1, INT64_MAX, &o->count) != 0)
                return sl_cli_usage_error(cmd, "--count must be a positive whole number");
            break;
        case OPT_DURATION:
            if (sl_parse_i64(optarg, 1, 86400 * 365, &o->duration) != 0)
                return sl_cli_usage_error(cmd, "--duration must be a positive number of seconds");
            break;
        case OPT_FAIL_ON:
            if (sl_parse_i64(optarg, 1, 3, &o->fail_on) != 0)
                return sl_cli_usage_error(cmd, "--fail-on must be 1, 2 or 3");
            break;
        case 'h': *help = true; return 0;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (rest_files(cmd, argc, argv, &o->in) != 0)
        return SL_EXIT_USAGE;
    if (o->baseline == NULL)
        return sl_cli_usage_error(cmd, "give the baseline with --baseline FILE (from can learn)");
    if ((o->iface != NULL) == o->in.reading)
        return sl_cli_usage_error(cmd, "give either -i IFACE or --read FILE...");
    if (o->duration > 0 && o->iface == NULL)
        return sl_cli_usage_error(cmd, "--duration applies to live capture only");
    if (o->user != NULL && o->iface == NULL)
        return sl_cli_usage_error(cmd, "--user applies to live capture only");
    return 0;
}

struct watch_ctx {
    struct sl_can_watch *w;
};

static void watch_fn(void *ctx, const struct sl_can_frame *f)
{
    sl_can_watch_frame(((struct watch_ctx *)ctx)->w, f);
}

static void watch_brk(void *ctx)
{
    sl_can_watch_break(((struct watch_ctx *)ctx)->w);
}

/* Live capture until a signal, --count or --duration. */
static int watch_live(const char *cmd, const struct watch_opts *o, struct sl_can_live *live,
                      struct sl_can_watch *w, uint8_t iface)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    uint64_t start = sl_mono_ms();
    int64_t frames = 0;
    while (!g_stop) {
        struct sl_can_frame f;
        struct sl_err err;
        int k = sl_can_live_next(live, &f, &err);
        if (k < 0)
            return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
        if (k == 1) {
            f.iface = iface;
            sl_can_watch_frame(w, &f);
            if (o->count > 0 && ++frames >= o->count)
                break;
        } else {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            sl_can_watch_tick(w, (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
        }
        if (o->duration > 0 && sl_mono_ms() - start >= (uint64_t)o->duration * 1000)
            break;
    }
    return 0;
}

/* The summary line on standard error; *as gets the alert counts. */
static void watch_report(const char *cmd, const struct sl_can_watch *w,
                         const struct sl_can_alerts *alerts, const struct sl_can_live *live,
                         struct sl_can_alerts_stats *as)
{
    struct sl_can_watch_stats ws;
    sl_can_watch_get_stats(w, &ws);
    sl_can_alerts_get_stats(alerts, as);
    fprintf(stderr,
            "%s: %llu frames over %.1f s (%llu of unknown ids, %llu error frames); %llu alert "
            "lines + %llu repeat lines for %llu detections",
            cmd, (unsigned long long)ws.frames,
            ws.frames ? (double)(ws.last_us - ws.first_us) / 1e6 : 0.0,
            (unsigned long long)ws.unknown_frames, (unsigned long long)ws.error_frames,
            (unsigned long long)as->written, (unsigned long long)as->repeats,
            (unsigned long long)as->raised);
    if (live != NULL)
        fprintf(stderr, "; the kernel dropped %llu frames", (unsigned long long)sl_can_live_dropped(live));
    fputc('\n', stderr);
}

/* One function on purpose: everything it opens is released in one place, at done. */
static int cmd_watch(int argc, char **argv)
{
    const char *cmd = argv[0];
    struct watch_opts o;
    bool help = false;
    int rc = watch_args(argc, argv, &o, &help);
    if (help) {
        watch_usage(cmd);
        return SL_EXIT_OK;
    }
    if (rc != 0)
        return rc;
    struct sl_can_baseline b;
    struct sl_err err;
    if (sl_can_baseline_load(&b, o.baseline, &err) != 0)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "--baseline %s", err.msg);
    struct sl_can_ifaces ifaces;
    struct sl_can_reader *rd[MAX_FILES] = {0};
    struct sl_can_live *live = NULL;
    struct sl_can_alerts *alerts = NULL;
    struct watch_ctx ctx = {NULL};
    FILE *out = stdout;
    uint8_t live_iface = 0;
    if (o.iface != NULL) {
        memset(&ifaces, 0, sizeof ifaces);
        live_iface = sl_can_iface_intern(&ifaces, o.iface, strlen(o.iface));
        if (sl_can_live_open(&live, o.iface, &err) != 0) {
            rc = sl_cli_fail_err(cmd, &err);
            goto done;
        }
    } else if ((rc = open_inputs(cmd, &o.in, &ifaces, rd)) != 0) {
        goto done;
    }
    if (o.jsonl != NULL && strcmp(o.jsonl, "-") != 0) {
        struct sl_err oerr = {0};
        out = sl_stream_open(o.jsonl, true, &oerr);
        if (out == NULL) {
            rc = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", oerr.msg);
            out = stdout;
            goto done;
        }
    }
    if (live != NULL) {
        char report[512];
        if (sl_drop_privileges(o.user, report, sizeof report, &err) != 0) {
            rc = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
            goto done;
        }
        fprintf(stderr, "%s: watching %s (classic%s frames, error frames); %s\n", cmd, o.iface,
                sl_can_live_fd(live) ? " and FD" : "", report);
    }
    const char *names[SL_CAN_MAX_IFACES];
    for (unsigned i = 0; i < SL_CAN_MAX_IFACES; i++)
        names[i] = ifaces.names[i];
    struct sl_can_alerts_config acfg = {.out = out, .iface_names = names,
                                        .n_ifaces = SL_CAN_MAX_IFACES,
                                        .window_us = o.window * 1000000};
    alerts = sl_can_alerts_new(&acfg);
    ctx.w = alerts != NULL ? sl_can_watch_new(&b, alerts) : NULL;
    if (ctx.w == NULL) {
        rc = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
        goto done;
    }
    uint64_t frames = 0;
    if (live != NULL)
        rc = watch_live(cmd, &o, live, ctx.w, live_iface);
    else
        rc = read_all(cmd, &o.in, &ifaces, rd, watch_fn, watch_brk, &ctx, &frames, o.count);
    sl_can_alerts_flush(alerts);
    struct sl_can_alerts_stats as;
    watch_report(cmd, ctx.w, alerts, live, &as);
    if (ferror(out)) {
        rc = sl_cli_fail(cmd, SL_EXIT_RUNTIME, "writing the alerts failed");
        goto done;
    }
    if (rc == 0 && o.fail_on > 0 && as.worst_severity > 0 && as.worst_severity <= o.fail_on)
        rc = SL_EXIT_FINDINGS;
done:
    for (size_t i = 0; i < o.in.n; i++)
        sl_can_reader_close(rd[i]);
    sl_can_live_close(live);
    sl_can_watch_free(ctx.w);
    sl_can_alerts_free(alerts);
    sl_can_baseline_free(&b);
    if (out != stdout)
        fclose(out);
    else
        fflush(stdout);
    return rc;
}

static const struct sl_command can_commands[] = {
    {"learn", "learn a baseline of a clean bus: --read FILE... -o BASELINE.json", cmd_learn},
    {"watch", "watch recorded or live traffic against a baseline; one JSON line per alert",
     cmd_watch},
    {NULL, NULL, NULL},
};

int sl_cmd_can(int argc, char **argv)
{
    return sl_cli_dispatch(argv[0], can_commands, argc, argv);
}
