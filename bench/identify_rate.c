/* identify_rate.c - batch identify throughput on one core.
 *
 *   bench_identify_rate [--records N] [--fixtures FILE.jsonl]
 *
 * Builds N evidence records (JSON lines, as `identify --batch` reads them) by
 * cycling through the fixture records and giving every copy of a fixture
 * device its own key, then times:
 *   batch   the whole `identify --batch` path (JSON parse, base64, grouping,
 *           identify, claim JSON out to /dev/null);
 *   engine  sl_ident_observe + conclude alone over pre-decoded records.
 * Prints records per second of CPU time (this process, one thread).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ident/batch.h"
#include "ident/ident.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/datadir.h"
#include "util/file.h"
#include "util/str.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct rec {
    char device[160];
    struct sl_evidence ev;
    uint8_t *data;
    char *path;
};

/* Long: a benchmark's main: load, time each phase, print; read top to bottom. */
int main(int argc, char **argv)
{
    size_t want = 200000;
    char fixtures[2048];
    snprintf(fixtures, sizeof fixtures, "%s/../tests/fixtures/ident/devices.jsonl",
             SL_DATADIR_SOURCE);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--records") == 0 && i + 1 < argc) {
            int64_t v;
            if (sl_parse_i64(argv[++i], 1, 100000000, &v) != 0)
                return 2;
            want = (size_t)v;
        } else if (strcmp(argv[i], "--fixtures") == 0 && i + 1 < argc) {
            sl_strlcpy(fixtures, argv[++i], sizeof fixtures);
        } else {
            fprintf(stderr, "usage: %s [--records N] [--fixtures FILE.jsonl]\n", argv[0]);
            return 2;
        }
    }
    struct sl_err err = {0};
    size_t len;
    char *src = sl_read_file(fixtures, 64u << 20, &len, &err);
    if (src == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        return 3;
    }
    /* the fixture lines, without their expectations */
    size_t n_lines = 0;
    json_t *lines[1024];
    char *save = NULL;
    for (char *l = strtok_r(src, "\n", &save); l && n_lines < 1024; l = strtok_r(NULL, "\n", &save)) {
        json_t *j = json_loads(l, 0, NULL);
        if (j == NULL)
            continue;
        json_object_del(j, "expect");
        json_object_del(j, "source");
        lines[n_lines++] = j;
    }
    free(src);
    struct sl_buf in;
    sl_buf_init(&in, (size_t)4 << 30);
    struct rec *recs = calloc(want, sizeof *recs);
    size_t bytes = 0;
    for (size_t i = 0; i < want; i++) {
        json_t *j = json_deep_copy(lines[i % n_lines]);
        char key[160];
        snprintf(key, sizeof key, "%s#%zu", json_string_value(json_object_get(j, "device")),
                 i / n_lines);
        json_object_set_new(j, "device", json_string(key));
        char *s = json_dumps(j, JSON_COMPACT);
        sl_buf_append_str(&in, s);
        sl_buf_append(&in, "\n", 1);
        free(s);
        /* the same record, decoded, for the engine-only run */
        struct rec *r = &recs[i];
        sl_strlcpy(r->device, key, sizeof r->device);
        enum sl_proto p = SL_PROTO_NONE;
        sl_proto_from_name(json_string_value(json_object_get(j, "proto")), &p);
        const char *text = json_string_value(json_object_get(j, "data"));
        const json_t *b64 = json_object_get(j, "data_b64");
        size_t n = 0;
        if (json_is_string(b64)) {
            r->data = malloc(json_string_length(b64) / 4 * 3 + 4);
            long got = sl_base64_decode(json_string_value(b64), json_string_length(b64), r->data);
            n = got > 0 ? (size_t)got : 0;
        } else if (text != NULL) {
            n = strlen(text);
            r->data = malloc(n + 1);
            memcpy(r->data, text, n + 1);
        }
        const char *path = json_string_value(json_object_get(j, "path"));
        r->path = path ? strdup(path) : NULL;
        r->ev = (struct sl_evidence){.proto = p,
                                     .port = (uint16_t)json_integer_value(json_object_get(j, "port")),
                                     .path = r->path,
                                     .data = r->data,
                                     .len = n};
        bytes += n;
        json_decref(j);
    }
    for (size_t i = 0; i < n_lines; i++)
        json_decref(lines[i]);
    struct sl_ident *id;
    double t0 = cpu_now();
    if (sl_ident_load(&id, sl_datadir(), &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 3;
    }
    double t_load = cpu_now() - t0;
    FILE *devnull = fopen("/dev/null", "w");
    struct sl_batch_stats st;
    t0 = cpu_now();
    sl_batch_run(id, (const char *)in.data, in.len, "bench", devnull, stderr, &st, &err);
    double t_batch = cpu_now() - t0;

    struct sl_ident_acc *acc = sl_ident_acc_new(id);
    struct sl_claim claim;
    size_t devices = 0;
    t0 = cpu_now();
    for (size_t i = 0; i < want; i++) {
        if (i == 0 || strcmp(recs[i].device, recs[i - 1].device) != 0) {
            if (i > 0) {
                sl_ident_conclude(acc, &claim);
                devices++;
            }
            sl_ident_acc_reset(acc);
        }
        sl_ident_observe(acc, &recs[i].ev);
    }
    sl_ident_conclude(acc, &claim);
    devices++;
    double t_engine = cpu_now() - t0;

    printf("identify throughput, one thread, %zu records (%zu devices, %.1f MB of answers)\n", want,
           st.devices, (double)bytes / 1e6);
    printf("load     rules + registry + OUI table: %.1f ms CPU\n", t_load * 1e3);
    printf("batch    %8.0f records/s  (%.2f s CPU: JSON lines in, claims out)\n",
           (double)st.records / t_batch, t_batch);
    printf("engine   %8.0f records/s  (%.2f s CPU: observe + conclude only, %zu devices)\n",
           (double)want / t_engine, t_engine, devices);
    fclose(devnull);
    sl_ident_acc_free(acc);
    sl_ident_free(id);
    for (size_t i = 0; i < want; i++) {
        free(recs[i].data);
        free(recs[i].path);
    }
    free(recs);
    sl_buf_free(&in);
    return 0;
}
