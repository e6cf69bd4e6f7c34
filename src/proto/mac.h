/* mac.h - MAC addresses as devices and tools write them. */
#ifndef SL_PROTO_MAC_H
#define SL_PROTO_MAC_H

#include <stddef.h>
#include <stdint.h>

/* Parses "aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff" or
 * "aabbccddeeff" (surrounding white space allowed). Writes the canonical form
 * "aa:bb:cc:dd:ee:ff" into out (18 bytes) and the 48-bit value into *value
 * (either may be NULL). Returns 0, or -1 when s is not one MAC address. */
int sl_mac_parse(const char *s, size_t len, char out[18], uint64_t *value);

/* The 6 bytes of a MAC address as "aa:bb:cc:dd:ee:ff" (out: 18 bytes). */
void sl_mac_format(const uint8_t mac[6], char out[18]);

#endif
