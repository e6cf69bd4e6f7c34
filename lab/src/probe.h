/* probe.h - a small, bounded client for talking to lab devices (tests, demos). */
#ifndef SL_LAB_PROBE_H
#define SL_LAB_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

enum lab_probe_end { LAB_END_EOF, LAB_END_TIMEOUT, LAB_END_RESET, LAB_END_MAX, LAB_END_REFUSED,
                     LAB_END_CONNECT_TIMEOUT, LAB_END_TLS_FAILED, LAB_END_ERROR };

struct lab_probe {
    uint32_t addr;      /* host order */
    uint16_t port;
    bool udp, tls;
    const void *send;   /* bytes to send after connecting (may be NULL) */
    size_t send_len;
    unsigned timeout_ms; /* connect timeout, and idle time that ends a read */
    size_t max;          /* stop reading after this many bytes */
    /* results */
    struct sl_buf got;   /* TCP: all bytes; UDP: replies concatenated */
    unsigned replies;    /* UDP */
    char subject[512];   /* TLS: peer certificate subject, RFC 2253 */
    enum lab_probe_end end;
    unsigned first_byte_ms, total_ms;
};

/* Runs one exchange. Returns 0 when it connected (or sent, for UDP), -1 when
 * not (p->end says why). p->got must be initialised by the caller. */
int lab_probe_run(struct lab_probe *p, struct sl_err *err);
const char *lab_probe_end_name(enum lab_probe_end e);

#endif
