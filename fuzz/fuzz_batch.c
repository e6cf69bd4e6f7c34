/* fuzz_batch.c - `identify --batch` input: JSON lines of evidence records. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ident/batch.h"
#include "ident/ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sl_ident *id;
static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (id == NULL) {
        struct sl_err err;
        if (sl_ident_load(&id, SL_SOURCE_DIR "/data", &err) != 0)
            abort();
        devnull = fopen("/dev/null", "w");
    }
    struct sl_batch_stats st;
    struct sl_err err;
    sl_batch_run(id, (const char *)data, size, "fuzz", devnull, NULL, &st, &err);
    if (st.devices > st.records)
        __builtin_trap();
    return 0;
}
