/* fuzz_mon_dns.c - the DNS message reader (question, answers, compression). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/cloud.h"
#include "monitor/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sl_dns d;
    const char *e = NULL;
    uint8_t *copy = malloc(size ? size : 1);
    if (size)
        memcpy(copy, data, size);
    if (sl_dns_parse(copy, size, &d, &e) == 0) {
        if (strlen(d.qname) >= SL_DNS_NAME_MAX || d.n_answers > SL_DNS_MAX_ANSWERS)
            abort();
    } else if (e == NULL) {
        abort();
    }
    free(copy);
    return 0;
}
