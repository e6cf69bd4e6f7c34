/* fuzz_agent_alerts.c - an agent's alert batch as the server reads it
 * (monitor/agent_alerts.h): the batch's frame and every alert record,
 * strictly; hostile bodies must never crash, hang or grow without bound.
 * Nothing is written. */
#include <stddef.h>
#include <stdint.h>

#include "monitor/agent_alerts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_err err = {0};
    size_t n = 0;
    (void)sl_alert_batch_is((const char *)data, size);
    (void)sl_alert_batch_check((const char *)data, size, &n, &err);
    return 0;
}
