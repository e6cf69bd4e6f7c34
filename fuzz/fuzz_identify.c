/* fuzz_identify.c - identify as a whole: the first byte picks the protocol,
 * the second the port; the rest is what the device said. Rules, registry and
 * OUI table load once from the source tree's data/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ident/ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sl_ident *id;
static struct sl_ident_acc *acc;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (id == NULL) {
        struct sl_err err;
        if (sl_ident_load(&id, SL_SOURCE_DIR "/data", &err) != 0)
            abort();
        acc = sl_ident_acc_new(id);
    }
    if (size < 2)
        return 0;
    static const uint16_t ports[] = {80, 554, 8000, 37777, 37810, 37020, 3702, 443, 22, 23, 9100, 0};
    struct sl_evidence ev = {
        .proto = (enum sl_proto)(1 + data[0] % (SL_PROTO_COUNT - 1)),
        .port = ports[data[1] % (sizeof ports / sizeof ports[0])],
        .path = (data[1] & 0x80) ? "/favicon.ico" : "/",
        .data = data + 2,
        .len = size - 2,
    };
    /* alternate one-answer devices and devices that accumulate several */
    if (data[0] & 0x80)
        sl_ident_acc_reset(acc);
    sl_ident_observe(acc, &ev);
    struct sl_claim c;
    sl_ident_conclude(acc, &c);
    if (c.confidence < 0.0 || c.confidence > 1.0 || c.n_rules > SL_CLAIM_MAX_RULES ||
        strlen(c.errors) >= sizeof c.errors)
        __builtin_trap();
    json_t *j = sl_claim_to_json(&c);
    if (j == NULL || json_object_size(j) < 7)
        __builtin_trap();
    json_decref(j);
    return 0;
}
