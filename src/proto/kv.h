/* kv.h - "key=value" line bodies: Dahua magicBox.cgi answers
 * ("deviceType=IPC-HDW5831R-ZE\r\nupdateSerial=..."), Dahua configManager
 * ("table.Network.eth0.PhysicalAddress=..."), and the monitor's DHCP
 * evidence ("hostname=...\nvendor_class=...").
 *
 * Bounded: at most SL_KV_MAX_PAIRS pairs are reported; keys longer than
 * SL_KV_MAX_KEY and values longer than SL_KV_MAX_VALUE are cut; lines without
 * '=' are skipped. The input need not be NUL-terminated.
 */
#ifndef SL_PROTO_KV_H
#define SL_PROTO_KV_H

#include <stdbool.h>
#include <stddef.h>

#define SL_KV_MAX_PAIRS 256
#define SL_KV_MAX_KEY 96
#define SL_KV_MAX_VALUE 256

typedef int (*sl_kv_cb)(const char *key, const char *value, void *ctx);

/* Calls cb for each pair; returns the number of pairs reported. */
size_t sl_kv_walk(const char *data, size_t len, sl_kv_cb cb, void *ctx);

/* True when data looks like a key=value body: printable text whose first
 * non-empty, non-"#" line is "identifier=..." (so HTML and JSON are not mistaken). */
bool sl_kv_looks_like(const char *data, size_t len);

#endif
