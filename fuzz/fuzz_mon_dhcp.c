/* fuzz_mon_dhcp.c - the DHCP client-option reader and its evidence text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/dhcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_dhcp d;
    const char *e = NULL;
    uint8_t *copy = malloc(size ? size : 1);
    if (size)
        memcpy(copy, data, size);
    if (sl_dhcp_parse(copy, size, &d, &e) == 0) {
        char text[256];
        if (sl_dhcp_evidence_text(&d, text, sizeof text) >= sizeof text)
            abort();
    }
    free(copy);
    return 0;
}
