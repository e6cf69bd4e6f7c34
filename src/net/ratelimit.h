/* ratelimit.h - a token bucket: at most `rate` events a second on average,
 * with bursts of at most `burst`. The scanner takes one token per packet that
 * opens a probe (a TCP connect or a UDP datagram). Time is passed in, so the
 * limiter is a pure value and testable without clocks. */
#ifndef SL_NET_RATELIMIT_H
#define SL_NET_RATELIMIT_H

#include <stdint.h>

struct sl_rate {
    double rate;    /* tokens per second; 0 = unlimited */
    double burst;   /* bucket size */
    double tokens;
    uint64_t last_us;
};

void sl_rate_init(struct sl_rate *r, double rate, double burst, uint64_t now_us);
/* Tokens available now (refills first). Unlimited buckets answer a large number. */
uint64_t sl_rate_available(struct sl_rate *r, uint64_t now_us);
void sl_rate_consume(struct sl_rate *r, uint64_t n);
/* Microseconds until n tokens are available (0 when they already are). */
uint64_t sl_rate_wait_us(const struct sl_rate *r, uint64_t n);

#endif
