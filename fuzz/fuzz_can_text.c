/* fuzz_can_text.c - the candump and HCRL line parsers and format detection
 * (can/textfmt.h), every line of the input through all three. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "can/textfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)sl_can_detect_format(data, size);
    size_t i = 0;
    while (i < size) {
        const uint8_t *nl = memchr(data + i, '\n', size - i);
        size_t n = nl != NULL ? (size_t)(nl - (data + i)) : size - i;
        /* a heap copy of exactly the line, so any over-read is caught */
        char *line = malloc(n ? n : 1);
        memcpy(line, data + i, n);
        struct sl_can_frame f;
        struct sl_can_ifname ifn;
        uint64_t dropped;
        const char *why;
        (void)sl_can_parse_candump(line, n, &f, &ifn, &dropped, &why);
        (void)sl_can_parse_hcrl_csv(line, n, &f, &why);
        (void)sl_can_parse_hcrl_txt(line, n, &f, &why);
        free(line);
        i += n + 1;
    }
    return 0;
}
