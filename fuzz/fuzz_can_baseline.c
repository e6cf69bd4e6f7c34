/* fuzz_can_baseline.c - a hostile baseline file (can/baseline.h): parsed,
 * checked, then used to watch a few frames made from its own bytes. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "can/alert.h"
#include "can/baseline.h"
#include "can/watch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *j = json_loadb((const char *)data, size, 0, &je);
    if (j == NULL)
        return 0;
    struct sl_can_baseline b;
    struct sl_err err;
    if (sl_can_baseline_from_json(&b, j, &err) == 0) {
        static FILE *out;
        if (out == NULL)
            out = fopen("/dev/null", "w");
        const char *names[1] = {"can0"};
        struct sl_can_alerts_config ac = {.out = out, .iface_names = names, .n_ifaces = 1};
        struct sl_can_alerts *a = sl_can_alerts_new(&ac);
        struct sl_can_watch *w = sl_can_watch_new(&b, a);
        struct sl_can_frame f;
        memset(&f, 0, sizeof f);
        for (size_t i = 0; i < b.n && i < 64; i++) {
            for (int k = 0; k < 3; k++) {
                f.ts_us = 1772442000000000LL + (int64_t)(i * 3 + (size_t)k) * 7919;
                f.id = b.ids[i].key & SL_CAN_EFF_MASK;
                f.flags = (b.ids[i].key & 0x80000000u) ? SL_CAN_F_EXT : 0;
                f.len = (uint8_t)((i + (size_t)k) % 9);
                for (unsigned d = 0; d < f.len; d++)
                    f.data[d] = data[(i * 7 + d * 13 + (size_t)k) % size];
                sl_can_watch_frame(w, &f);
            }
        }
        sl_can_alerts_flush(a);
        sl_can_watch_free(w);
        sl_can_alerts_free(a);
        sl_can_baseline_free(&b);
    }
    json_decref(j);
    return 0;
}
