/* dhcp.h - what a DHCPv4 client says about itself (RFC 2131/2132): its
 * hardware address, the address it asks for or was given, host name
 * (option 12) and vendor class (option 60).
 *
 * Bounded: the fixed BOOTP part and then at most 255 options within what was
 * captured; option overload (52) is not followed. Text values are cut to
 * their buffers, non-printable bytes become '.'.
 */
#ifndef SL_MONITOR_DHCP_H
#define SL_MONITOR_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sl_dhcp {
    uint8_t op;            /* 1 request (client), 2 reply (server) */
    uint8_t msg_type;      /* option 53: 1 DISCOVER, 3 REQUEST, 5 ACK, ... (0 = none) */
    bool has_chaddr;
    uint8_t chaddr[6];
    uint8_t ciaddr[4], yiaddr[4];
    bool has_requested;
    uint8_t requested[4];  /* option 50 */
    char hostname[64];     /* option 12 */
    char vendor_class[128];/* option 60 */
};

/* Returns 0, or -1 with *error a stable key ("dhcp.truncated", "dhcp.bad_cookie",
 * "dhcp.bad_option"). */
int sl_dhcp_parse(const uint8_t *data, size_t len, struct sl_dhcp *out, const char **error);

/* The evidence text identify reads for proto "dhcp" (core/evidence.h):
 * "hostname=NAME\nvendor_class=CLASS" (a line only for a value present).
 * Returns the length written (< outsz). */
size_t sl_dhcp_evidence_text(const struct sl_dhcp *d, char *out, size_t outsz);

#endif
