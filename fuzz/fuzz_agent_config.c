/* fuzz_agent_config.c - an agent's configuration (agent/config.h), as the
 * server sends it or an offline agent's file gives it. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_err err = {0};
    int64_t schedule;
    json_decref(agent_config_parse((const char *)data, size, &schedule, &err));
    return 0;
}
