/* rd.h - a bounds-checked reader over hostile bytes (after tcpdump's GET_U_1).
 *
 * The _at accessors read at an offset the caller has already checked against
 * sl_rd_left(); the sl_rd_get* functions check themselves and return false
 * when the bytes are not there, leaving the reader where it was. Nothing is
 * allocated; the reader points into bytes its caller owns.
 */
#ifndef SL_MONITOR_RD_H
#define SL_MONITOR_RD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sl_rd {
    const uint8_t *p;
    size_t len, off;
};

static inline void sl_rd_init(struct sl_rd *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = len;
    r->off = 0;
}
static inline size_t sl_rd_left(const struct sl_rd *r) { return r->len - r->off; }
static inline const uint8_t *sl_rd_ptr(const struct sl_rd *r) { return r->p + r->off; }
static inline uint8_t sl_rd_u8_at(const struct sl_rd *r, size_t i) { return r->p[r->off + i]; }
static inline uint16_t sl_rd_be16_at(const struct sl_rd *r, size_t i)
{
    return (uint16_t)((r->p[r->off + i] << 8) | r->p[r->off + i + 1]);
}
static inline bool sl_rd_skip(struct sl_rd *r, size_t n)
{
    if (n > sl_rd_left(r))
        return false;
    r->off += n;
    return true;
}
static inline bool sl_rd_get8(struct sl_rd *r, uint8_t *v)
{
    if (sl_rd_left(r) < 1)
        return false;
    *v = r->p[r->off++];
    return true;
}
static inline bool sl_rd_get16(struct sl_rd *r, uint16_t *v)
{
    if (sl_rd_left(r) < 2)
        return false;
    *v = sl_rd_be16_at(r, 0);
    r->off += 2;
    return true;
}
static inline bool sl_rd_get32(struct sl_rd *r, uint32_t *v)
{
    if (sl_rd_left(r) < 4)
        return false;
    *v = ((uint32_t)sl_rd_be16_at(r, 0) << 16) | sl_rd_be16_at(r, 2);
    r->off += 4;
    return true;
}

#endif
