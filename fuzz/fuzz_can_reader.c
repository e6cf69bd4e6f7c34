/* fuzz_can_reader.c - the whole CAN pipeline on one input file: format
 * detection, the reader (text forms, or pcap through libpcap), learning a
 * baseline from the frames, its JSON round trip, and watching the same
 * frames against it. The input goes through a memfd, as a file would. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "can/alert.h"
#include "can/baseline.h"
#include "can/learn.h"
#include "can/reader.h"
#include "can/watch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FRAMES 4096

static size_t read_frames(const char *path, struct sl_can_ifaces *ifs, struct sl_can_frame *fr)
{
    struct sl_can_reader *r;
    struct sl_err err;
    size_t n = 0;
    if (sl_can_reader_open(&r, path, SL_CAN_FMT_UNKNOWN, ifs, &err) != 0)
        return 0;
    while (n < MAX_FRAMES && sl_can_reader_next(r, &fr[n], &err) == 1)
        n++;
    sl_can_reader_close(r);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sl_can_frame fr[MAX_FRAMES];
    int fd = memfd_create("fuzz", MFD_CLOEXEC);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct sl_can_ifaces ifs = {0};
    size_t n = read_frames(path, &ifs, fr);
    close(fd);
    if (n == 0)
        return 0;
    struct sl_can_learner *l = sl_can_learner_new();
    for (size_t i = 0; i < n; i++)
        sl_can_learn_frame(l, &fr[i]);
    struct sl_can_baseline b, b2;
    struct sl_err err;
    if (sl_can_learn_finish(l, &b, "can0", 500000, &err) == 0) {
        json_t *j = sl_can_baseline_to_json(&b);
        if (sl_can_baseline_from_json(&b2, j, &err) == 0) {
            FILE *out = fopen("/dev/null", "w");
            const char *names[1] = {"can0"};
            struct sl_can_alerts_config ac = {.out = out, .iface_names = names, .n_ifaces = 1,
                                              .max_keys = 64};
            struct sl_can_alerts *a = sl_can_alerts_new(&ac);
            struct sl_can_watch *w = sl_can_watch_new(&b2, a);
            for (size_t i = 0; i < n; i++)
                sl_can_watch_frame(w, &fr[i]);
            sl_can_alerts_flush(a);
            sl_can_watch_free(w);
            sl_can_alerts_free(a);
            fclose(out);
            sl_can_baseline_free(&b2);
        }
        json_decref(j);
        sl_can_baseline_free(&b);
    }
    sl_can_learner_free(l);
    return 0;
}
