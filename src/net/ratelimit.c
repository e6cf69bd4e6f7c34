/* ratelimit.c - the token bucket (ratelimit.h). Keeps no clock: the caller
 * passes the time in. */
#include "net/ratelimit.h"

void sl_rate_init(struct sl_rate *r, double rate, double burst, uint64_t now_us)
{
    r->rate = rate > 0 ? rate : 0;
    r->burst = burst >= 1 ? burst : 1;
    r->tokens = r->burst;
    r->last_us = now_us;
}

uint64_t sl_rate_available(struct sl_rate *r, uint64_t now_us)
{
    if (r->rate <= 0)
        return UINT32_MAX;
    if (now_us > r->last_us) {
        r->tokens += r->rate * (double)(now_us - r->last_us) / 1e6;
        if (r->tokens > r->burst)
            r->tokens = r->burst;
        r->last_us = now_us;
    }
    return r->tokens >= 1 ? (uint64_t)r->tokens : 0;
}

void sl_rate_consume(struct sl_rate *r, uint64_t n)
{
    if (r->rate > 0)
        r->tokens -= (double)n;
}

uint64_t sl_rate_wait_us(const struct sl_rate *r, uint64_t n)
{
    if (r->rate <= 0 || r->tokens >= (double)n)
        return 0;
    return (uint64_t)(((double)n - r->tokens) / r->rate * 1e6) + 1;
}
