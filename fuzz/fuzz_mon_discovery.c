/* fuzz_mon_discovery.c - the discovery-announcement classifier (WS-Discovery,
 * SSDP, SADP, DHDiscover), with the first two bytes choosing the ports. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/discovery.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint16_t ports[] = {3702, 1900, 37020, 37810, 80, 5353, 0, 65535};
    if (size < 1)
        return 0;
    uint16_t sport = ports[data[0] & 7], dport = ports[(data[0] >> 3) & 7];
    size_t n = size - 1;
    uint8_t *copy = malloc(n ? n : 1);
    if (n)
        memcpy(copy, data + 1, n);
    struct sl_disc d;
    sl_disc_udp(sport, dport, copy, n, &d);
    sl_disc_sadp_l2(copy, n, &d);
    free(copy);
    return 0;
}
