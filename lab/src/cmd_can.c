/* cmd_can.c - sightline-lab can generate|describe: the simulated vehicle bus
 * (canbus.h) as candump logs, pcaps and ground truth. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canbus.h"
#include "dbc.h"
#include "lab.h"
#include "util/rng.h"
#include "util/str.h"
#include "util/file.h"

static void usage(const char *cmd)
{
    printf("Usage: %s generate --dbc FILE [--seconds N] [--seed S] [--vehicle-seed V]\n"
           "          [--remap R] [--attack KIND[,KIND...]] [--log FILE] [--pcap FILE]\n"
           "          [--pcap-le] [--truth FILE] [--iface NAME] [--start EPOCH] [--bitrate BPS]\n"
           "       %s describe --dbc FILE [--vehicle-seed V] [--remap R]\n"
           "\n"
           "A simulated vehicle CAN bus made from a DBC file: periodic messages with their\n"
           "cycle times, ECU clock drift and jitter, arbitration at the bit rate, counters,\n"
           "checksums and slowly varying signals; with --attack, attack windows (3-5 s,\n"
           "20-40 s apart) of the given kinds in turn, each written to --truth as a JSON line\n"
           "{\"kind\",\"start\",\"end\",\"can_id\",\"period_ms\",\"signal\",\"value\"}.\n"
           "Kinds: dos, fuzzing, spoofing, replay, suppression, masquerade, errors (docs/can.md).\n"
           "\n"
           "  --dbc FILE          the vehicle's DBC (messages, signals, GenMsgCycleTime)\n"
           "  --seconds N         how long (default 60)\n"
           "  --seed S            the traffic: noise, jitter, attack choices (default 1)\n"
           "  --vehicle-seed V    the vehicle: signal behaviours, clocks, phases (default 1);\n"
           "                      keep it to get more traffic of the same vehicle\n"
           "  --remap R           another vehicle from the same DBC: ids, periods and\n"
           "                      payload layout changed (R != 0)\n"
           "  --log FILE          a candump log ('-' = standard output)\n"
           "  --pcap FILE         a pcap, LINKTYPE_CAN_SOCKETCAN (--pcap-le: the id word\n"
           "                      little-endian, as scapy writes it)\n"
           "  --truth FILE        the attack windows (JSON lines)\n"
           "  --iface NAME        the interface name in the log (default can0)\n"
           "  --start EPOCH       the first frame's time, seconds (default 1772442000)\n"
           "  --bitrate BPS       default 500000\n",
           cmd, cmd);
}

static int parse_attacks(const char *s, unsigned *out)
{
    char buf[256];
    if (sl_strlcpy(buf, s, sizeof buf) >= sizeof buf)
        return -1;
    *out = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t != NULL;
         t = strtok_r(NULL, ",", &save)) {
        enum lab_attack a;
        if (strcmp(t, "all") == 0) {
            *out |= (1u << LAB_ATK_N) - 1;
            continue;
        }
        if (lab_attack_parse(t, &a) != 0)
            return -1;
        *out |= 1u << a;
    }
    return *out != 0 ? 0 : -1;
}

static FILE *open_out(const char *path)
{
    if (path == NULL)
        return NULL;
    if (strcmp(path, "-") == 0)
        return stdout;
    FILE *f = sl_stream_open(path, false, NULL);
    if (f != NULL)
        setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

struct gen_opts {
    const char *dbc, *log, *truth, *iface;
    struct lab_canbus_config cfg;
    struct lab_canbus_out o;
};

/* Returns 0, 1 after --help, or an exit code (usage error). */
static int parse(const char *cmd, int argc, char **argv, struct gen_opts *g)
{
    static const struct option lopts[] = {
        {"dbc", required_argument, NULL, 'd'},      {"seconds", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},     {"vehicle-seed", required_argument, NULL, 'v'},
        {"remap", required_argument, NULL, 'R'},    {"attack", required_argument, NULL, 'a'},
        {"log", required_argument, NULL, 'l'},      {"pcap", required_argument, NULL, 'p'},
        {"pcap-le", no_argument, NULL, 'L'},        {"truth", required_argument, NULL, 't'},
        {"iface", required_argument, NULL, 'i'},    {"start", required_argument, NULL, 'S'},
        {"bitrate", required_argument, NULL, 'b'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(g, 0, sizeof *g);
    g->iface = "can0";
    g->cfg = (struct lab_canbus_config){.seed = 1, .vehicle_seed = 1,
                                        .start_us = 1772442000LL * 1000000,
                                        .duration_us = 60LL * 1000000, .bitrate = 500000};
    g->o.iface = "can0";
    int64_t v;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
        switch (c) {
        case 'd': g->dbc = optarg; break;
        case 'n':
            if (sl_parse_i64(optarg, 1, 86400 * 7, &v) != 0)
                return lab_usage(cmd, "--seconds must be 1..604800");
            g->cfg.duration_us = v * 1000000;
            break;
        case 's':
        case 'v':
        case 'R':
            if (sl_parse_i64(optarg, 0, INT64_MAX, &v) != 0)
                return lab_usage(cmd, "seeds are whole numbers >= 0");
            if (c == 's')
                g->cfg.seed = (uint64_t)v;
            else if (c == 'v')
                g->cfg.vehicle_seed = (uint64_t)v;
            else
                g->cfg.remap_seed = (uint64_t)v;
            break;
        case 'a':
            if (parse_attacks(optarg, &g->cfg.attacks) != 0)
                return lab_usage(cmd, "--attack: dos, fuzzing, spoofing, replay, suppression, "
                                      "masquerade, errors or all, comma-separated");
            break;
        case 'l': g->log = optarg; break;
        case 'p': g->o.pcap_path = optarg; break;
        case 'L': g->o.pcap_little_endian = true; break;
        case 't': g->truth = optarg; break;
        case 'i':
            if (strlen(optarg) == 0 || strlen(optarg) > 15)
                return lab_usage(cmd, "--iface must have 1..15 characters");
            g->iface = optarg;
            break;
        case 'S':
            if (sl_parse_i64(optarg, 0, 4000000000LL, &v) != 0)
                return lab_usage(cmd, "--start must be seconds since the epoch");
            g->cfg.start_us = v * 1000000;
            break;
        case 'b':
            if (sl_parse_i64(optarg, 10000, 1000000, &v) != 0)
                return lab_usage(cmd, "--bitrate must be 10000..1000000");
            g->cfg.bitrate = (uint32_t)v;
            break;
        case 'h': usage(cmd); return 1;
        default: return lab_usage(cmd, "bad option");
        }
    }
    return 0;
}

static int run(const char *cmd, bool generate, int argc, char **argv)
{
    struct gen_opts g;
    int prc = parse(cmd, argc, argv, &g);
    if (prc != 0)
        return prc == 1 ? SL_EXIT_OK : prc;
    const char *dbc = g.dbc, *log = g.log, *truth = g.truth, *iface = g.iface;
    struct lab_canbus_config cfg = g.cfg;
    struct lab_canbus_out o = g.o;
    if (dbc == NULL)
        return lab_usage(cmd, "give the vehicle's DBC with --dbc FILE");
    if (generate && log == NULL && o.pcap_path == NULL)
        return lab_usage(cmd, "give --log FILE and/or --pcap FILE");
    struct sl_err err;
    struct lab_dbc d;
    if (lab_dbc_load(&d, dbc, &err) != 0)
        return lab_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
    cfg.dbc = &d;
    struct lab_canbus *bus = NULL;
    int rc = SL_EXIT_OK;
    if (lab_canbus_new(&bus, &cfg, &err) != 0) {
        rc = lab_fail(cmd, SL_EXIT_USAGE, "%s: %s", dbc, err.msg);
        goto done;
    }
    if (!generate) {
        lab_canbus_describe(bus, stdout);
        goto done;
    }
    o.iface = iface;
    o.log = open_out(log);
    o.truth = open_out(truth);
    if ((log != NULL && o.log == NULL) || (truth != NULL && o.truth == NULL)) {
        rc = lab_fail(cmd, SL_EXIT_RUNTIME, "%s: %s", o.log == NULL ? log : truth, strerror(errno));
        goto done;
    }
    struct lab_canbus_stats st;
    if (lab_canbus_run(bus, &o, &st, &err) != 0) {
        rc = lab_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
        goto done;
    }
    fprintf(stderr,
            "%s: %u messages (%u periodic, %u event) from %u ECUs, %.0f%% load; %llu frames in "
            "%.0f s, %llu attack windows, %llu attack frames\n",
            cmd, st.messages, st.periodic, st.event, st.ecus, st.load_percent,
            (unsigned long long)st.frames, (double)cfg.duration_us / 1e6,
            (unsigned long long)st.windows, (unsigned long long)st.attack_frames);
done:
    if (o.log != NULL && o.log != stdout)
        fclose(o.log);
    if (o.truth != NULL && o.truth != stdout)
        fclose(o.truth);
    lab_canbus_free(bus);
    lab_dbc_free(&d);
    return rc;
}

int lab_cmd_can(int argc, char **argv)
{
    const char *cmd = argv[0];
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(cmd);
        return argc < 2 ? SL_EXIT_USAGE : SL_EXIT_OK;
    }
    char name[96];
    snprintf(name, sizeof name, "%s %s", cmd, argv[1]);
    if (strcmp(argv[1], "generate") == 0 || strcmp(argv[1], "describe") == 0)
        return run(name, strcmp(argv[1], "generate") == 0, argc - 1, argv + 1);
    return lab_usage(cmd, "unknown command '%s' (generate, describe)", argv[1]);
}
