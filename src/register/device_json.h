/* device_json.h - the JSON form of a device in the register, shared by
 * `devices list --json`, `devices show --json`, reports and the scan stream
 * (docs/formats.md documents every field). */
#ifndef SL_REGISTER_DEVICE_JSON_H
#define SL_REGISTER_DEVICE_JSON_H

#include <jansson.h>

#include "store/store.h"

/* A new JSON object: id, site, address, mac, serial, ports (array of numbers),
 * claim, verdict, status, status_since, lifecycle fields when set, first_seen,
 * last_seen. */
json_t *sl_device_to_json(const struct sl_device *d);

/* "80,554" -> [80, 554] (bad entries skipped). */
json_t *sl_ports_to_json(const char *ports);

#endif
