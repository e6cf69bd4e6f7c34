/* fuzz_mon_frame.c - the whole monitor engine on one captured frame: link,
 * network and transport decoders, DNS/TLS/HTTP/DHCP/discovery, identify on
 * what identifies, alerts. The first input byte picks the link type. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/alert.h"
#include "monitor/cloud.h"
#include "monitor/ident_glue.h"
#include "monitor/monitor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sl_monitor *mon;

static void setup(void)
{
    static struct sl_cloud *cloud;
    static struct sl_mon_identify *ident;
    struct sl_err err;
    if (sl_cloud_load(&cloud, SL_SOURCE_DIR "/data/cloud-domains.tsv", &err) != 0 ||
        sl_mon_identify_open(&ident, SL_SOURCE_DIR "/data", SL_TIER_SENSITIVE, NULL, &err) != 0) {
        fprintf(stderr, "fuzz_mon_frame: %s\n", err.msg);
        abort();
    }
    struct sl_alerts_config ac = {.jsonl = fopen("/dev/null", "w"), .max_entries = 4096};
    struct sl_mon_config mc = {.cloud = cloud, .identify = ident, .alerts = sl_alerts_new(&ac),
                               .max_hosts = 1024, .flow_sets = 1024, .summary_interval = 60};
    if (sl_monitor_new(&mon, &mc, &err) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int64_t t = 1772442000;
    if (mon == NULL)
        setup();
    if (size < 1)
        return 0;
    static const enum sl_link links[] = {SL_LINK_ETHERNET, SL_LINK_ETHERNET, SL_LINK_RAW,
                                         SL_LINK_LINUX_SLL};
    enum sl_link link = links[data[0] & 3];
    /* A heap copy of exactly the frame, so any over-read is caught. */
    uint8_t *frame = malloc(size - 1 ? size - 1 : 1);
    if (size > 1)
        memcpy(frame, data + 1, size - 1);
    sl_monitor_packet(mon, link, t++, 0, frame, size - 1, size - 1 + (data[0] >> 4));
    free(frame);
    return 0;
}
