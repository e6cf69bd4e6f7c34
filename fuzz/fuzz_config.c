/* fuzz_config.c - the configuration file parser (cli/config.c over inih):
 * any bytes give a valid configuration or one error naming a line. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cli/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_err err = {0};
    if (sl_config_parse((const char *)data, size, "f.conf", &err) != 0) {
        if (strncmp(err.msg, "f.conf", 6) != 0)
            __builtin_trap();
        return 0;
    }
    for (const struct sl_cfg_key *k = sl_config_keys; k->section != NULL; k++) {
        const char *v = sl_config_file_value(k->section, k->key, NULL);
        if (v != NULL && (v[0] == '\0' || strlen(v) > SL_CONFIG_MAX_VALUE))
            __builtin_trap();
    }
    return 0;
}
