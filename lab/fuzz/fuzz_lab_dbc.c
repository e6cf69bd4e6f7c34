/* fuzz_lab_dbc.c - the lab's DBC reader (dbc.h), then a vehicle built from
 * what it read and a tenth of a second of its bus. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canbus.h"
#include "dbc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lab_dbc d;
    struct sl_err err;
    if (lab_dbc_parse(&d, (const char *)data, size, &err) != 0)
        return 0;
    struct lab_canbus_config cfg = {.dbc = &d, .seed = 1, .vehicle_seed = 1,
                                    .start_us = 1772442000000000LL, .duration_us = 100000,
                                    .attacks = 0x7F, .warmup_us = 10000};
    struct lab_canbus *b;
    if (lab_canbus_new(&b, &cfg, &err) == 0) {
        static FILE *out;
        if (out == NULL)
            out = fopen("/dev/null", "w");
        struct lab_canbus_out o = {.log = out, .iface = "can0", .truth = out};
        struct lab_canbus_stats st;
        (void)lab_canbus_run(b, &o, &st, &err);
        lab_canbus_free(b);
    }
    lab_dbc_free(&d);
    return 0;
}
