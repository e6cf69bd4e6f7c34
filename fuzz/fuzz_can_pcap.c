/* fuzz_can_pcap.c - CAN records inside pcap (can/pcapfmt.h): the input is a
 * run of records, each a length byte and that many bytes; the first byte
 * picks the link type. The byte-order tally carries across records. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "can/pcapfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const int dlts[4] = {SL_CAN_DLT_SOCKETCAN, SL_CAN_DLT_SLL, SL_CAN_DLT_SLL2,
                                SL_CAN_DLT_SOCKETCAN};
    int dlt = dlts[data[0] & 3];
    struct sl_can_byteorder bo = {0, 0};
    size_t i = 1;
    while (i < size) {
        size_t n = data[i++];
        if (n > size - i)
            n = size - i;
        uint8_t *rec = malloc(n ? n : 1); /* exactly n bytes: over-reads are caught */
        memcpy(rec, data + i, n);
        struct sl_can_frame f;
        const char *why;
        size_t wire = n + (data[0] >> 4);
        if (dlt == SL_CAN_DLT_SOCKETCAN)
            (void)sl_can_decode_socketcan(rec, n, wire, &bo, &f, &why);
        else
            (void)sl_can_decode_sll(dlt, rec, n, wire, &bo, &f, &why);
        free(rec);
        i += n;
    }
    return 0;
}
