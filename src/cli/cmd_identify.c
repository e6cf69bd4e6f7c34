/* cmd_identify.c - sightline identify (DESIGN.md §4, fixed) and --batch. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "ident/batch.h"
#include "ident/ident.h"
#include "ident/ident_internal.h"
#include "util/datadir.h"
#include "util/file.h"
#include "util/str.h"

/* One answer is at most this big; the parsers bound themselves far below. */
#define IDENTIFY_MAX_INPUT (8u << 20)
#define BATCH_MAX_INPUT ((size_t)2 << 30)

static void usage(const char *cmd)
{
    printf("Usage: %s --proto PROTO [--port N] [--path REQUEST_PATH] [--explain] FILE|-\n"
           "       %s --batch FILE.jsonl|-\n\n"
           "Names who made a device from what it said. FILE holds the raw bytes the device\n"
           "sent on that protocol; one JSON object is printed:\n"
           "  {\"manufacturer\", \"brand\", \"model\", \"firmware\", \"device_type\",\n"
           "   \"confidence\", \"rules\", \"evidence\", ...}\n"
           "manufacturer is the maker of the hardware/firmware (null when unknown); brand is\n"
           "the label when it differs. Exit 0 whether or not identified; 2 on a usage or\n"
           "input error.\n\n"
           "PROTO: http, rtsp (whole responses), wsd, onvif, ssdp, upnp, sadp, dhdiscover\n"
           "(32-byte DHIP header + JSON), tcp (first bytes from --port), tls (a certificate,\n"
           "PEM or DER), mac (one MAC address), dhcp (key=value lines).\n\n"
           "--explain adds \"clues\" (every rule that fired, on which field and value) and\n"
           "\"scores\" (the fused score of each candidate maker).\n"
           "--batch reads evidence records, one JSON object a line:\n"
           "  {\"device\": KEY, \"proto\": \"http\", \"port\": 80, \"path\": \"/\",\n"
           "   \"data_b64\": \"...\" | \"data\": \"text\"}\n"
           "and prints one line per device: {\"device\": KEY, \"claim\": {...}}.\n"
           "Rules, registry and policies come from %s (sightline config show says why).\n",
           cmd, cmd, sl_datadir());
}

static int run_batch(const char *cmd, struct sl_ident *id, const char *file)
{
    struct sl_err err = {0};
    size_t len;
    char *data = sl_read_file(file, BATCH_MAX_INPUT, &len, &err);
    if (data == NULL)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
    struct sl_batch_stats st;
    int rc = sl_batch_run(id, data, len, strcmp(file, "-") == 0 ? "stdin" : file, stdout, stderr,
                          &st, &err);
    free(data);
    if (rc != 0)
        return sl_cli_fail_err(cmd, &err);
    if (st.bad > 0) {
        fprintf(stderr, "%s: %zu record%s could not be read (%zu read, %zu devices)\n", cmd,
                st.bad, st.bad == 1 ? "" : "s", st.records, st.devices);
        return SL_EXIT_USAGE;
    }
    return SL_EXIT_OK;
}

int sl_cmd_identify(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"proto", required_argument, NULL, 'p'}, {"port", required_argument, NULL, 'P'},
        {"path", required_argument, NULL, 'a'},  {"batch", required_argument, NULL, 'b'},
        {"explain", no_argument, NULL, 'e'},     {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *proto_s = NULL, *path = NULL, *batch = NULL;
    int64_t port = 0;
    bool explain = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': proto_s = optarg; break;
        case 'a': path = optarg; break;
        case 'b': batch = optarg; break;
        case 'e': explain = true; break;
        case 'P':
            if (sl_parse_i64(optarg, 0, 65535, &port) != 0)
                return sl_cli_usage_error(cmd, "--port must be 0..65535, not '%s'", optarg);
            break;
        case 'h': usage(cmd); return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    enum sl_proto proto = SL_PROTO_NONE;
    if (batch != NULL) {
        if (proto_s != NULL || path != NULL || port != 0 || optind != argc)
            return sl_cli_usage_error(cmd, "--batch takes no FILE, --proto, --port or --path");
    } else {
        if (proto_s == NULL)
            return sl_cli_usage_error(cmd, "--proto is required (e.g. --proto http)");
        if (sl_proto_from_name(proto_s, &proto) != 0)
            return sl_cli_usage_error(cmd, "unknown protocol '%s'", proto_s);
        if (optind + 1 != argc)
            return sl_cli_usage_error(cmd, optind >= argc ? "a FILE is required ('-' for standard input)"
                                                          : "exactly one FILE is expected");
    }
    struct sl_err err = {0};
    struct sl_ident *id;
    if (sl_ident_load(&id, sl_datadir(), &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    if (batch != NULL) {
        int rc = run_batch(cmd, id, batch);
        sl_ident_free(id);
        return rc;
    }
    const char *file = argv[optind];
    size_t len;
    char *data = sl_read_file(file, IDENTIFY_MAX_INPUT, &len, &err);
    if (data == NULL) {
        sl_ident_free(id);
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
    }
    struct sl_evidence ev = {
        .proto = proto, .port = (uint16_t)port, .path = path, .data = (const uint8_t *)data,
        .len = len};
    struct sl_ident_acc *acc = sl_ident_acc_new(id);
    if (acc == NULL) {
        free(data);
        sl_ident_free(id);
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
    }
    sl_ident_observe(acc, &ev);
    struct sl_claim claim;
    sl_ident_conclude(acc, &claim);
    json_t *o = sl_claim_to_json(&claim);
    char what[160];
    snprintf(what, sizeof what, "%s%s%.0lld%s%.100s, %zu bytes", proto_s, port ? ":" : "",
             (long long)port, path ? " " : "", path ? path : "", len);
    json_object_set_new(o, "evidence", json_string(what));
    if (explain) {
        json_object_set_new(o, "clues", sl_ident_acc_clues(acc));
        json_object_set_new(o, "scores", sl_ident_acc_scores(acc));
    }
    sl_print_json(stdout, o);
    sl_ident_acc_free(acc);
    free(data);
    sl_ident_free(id);
    return SL_EXIT_OK;
}
