/* pcapfmt.c - SocketCAN records in pcap (pcapfmt.h); bounds-checked, no allocation. */
#include "can/pcapfmt.h"

#include <string.h>

#define W_EFF 0x80000000u
#define W_RTR 0x40000000u
#define W_ERR 0x20000000u

/* len and fdflags: the header's next two bytes, the same either way. */
static bool plausible(uint32_t w, uint8_t len, uint8_t fdflags)
{
    if (w & W_EFF)
        return !(w & W_ERR); /* any 29-bit id; never both extended and error */
    if (w & W_ERR) /* error frames: 8 bytes, classic, class bits in the low 16 (linux/can/error.h) */
        return !(w & (W_RTR | 0x1FFF0000u)) && len == 8 && !(fdflags & 0x04);
    return (w & 0x1FFFF800u) == 0; /* an 11-bit id: nothing between bits 11 and 28 */
}

static uint32_t choose_word(const uint8_t *p, struct sl_can_byteorder *bo)
{
    uint32_t be = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    uint32_t le = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
    bool pb = plausible(be, p[4], p[5]), pl = plausible(le, p[4], p[5]);
    if (be == le)
        return be;
    if (pb && !pl) {
        bo->big++;
        return be;
    }
    if (pl && !pb) {
        bo->little++;
        return le;
    }
    return bo->little > bo->big ? le : be;
}

static int bad(const char **why, const char *k)
{
    *why = k;
    return -1;
}

/* The 8-byte SocketCAN header and payload at p (caplen bytes captured, the
 * frame was wirelen long). */
int sl_can_decode_socketcan(const uint8_t *p, size_t caplen, size_t wirelen,
                            struct sl_can_byteorder *bo, struct sl_can_frame *f, const char **why)
{
    if (caplen < 8)
        return bad(why, "pcap.short_header");
    uint32_t w = choose_word(p, bo);
    uint8_t len = p[4], fdflags = p[5];
    memset(f, 0, offsetof(struct sl_can_frame, data));
    f->flags = 0;
    if (w & W_ERR) {
        f->flags |= SL_CAN_F_ERR;
        f->id = w & SL_CAN_EFF_MASK & ~W_ERR;
    } else if (w & W_EFF) {
        f->flags |= SL_CAN_F_EXT;
        f->id = w & SL_CAN_EFF_MASK;
    } else {
        if (w & 0x1FFFF800u)
            return bad(why, "pcap.sff_range");
        f->id = w & SL_CAN_SFF_MASK;
    }
    /* FD: the FDF flag, or (older writers) the size of struct canfd_frame */
    bool fd = (fdflags & 0x04) || wirelen == 72;
    if (fd) {
        if (w & (W_RTR | W_ERR))
            return bad(why, "pcap.fd_flags");
        if (len > SL_CAN_MAX_LEN)
            return bad(why, "pcap.fd_len");
        f->flags |= SL_CAN_F_FD;
        if (fdflags & 0x01)
            f->flags |= SL_CAN_F_BRS;
        if (fdflags & 0x02)
            f->flags |= SL_CAN_F_ESI;
    } else {
        if (len > 8)
            return bad(why, "pcap.len");
        if (w & W_RTR)
            f->flags |= SL_CAN_F_RTR;
        if (len == 8 && p[7] > 8 && p[7] <= 15)
            f->raw_dlc = p[7];
    }
    f->len = len;
    if (!(f->flags & SL_CAN_F_RTR)) {
        if (caplen - 8 < len)
            return bad(why, "pcap.truncated");
        memcpy(f->data, p + 8, len);
    }
    return 1;
}

int sl_can_decode_sll(int dlt, const uint8_t *p, size_t caplen, size_t wirelen,
                      struct sl_can_byteorder *bo, struct sl_can_frame *f, const char **why)
{
    size_t hl = dlt == SL_CAN_DLT_SLL2 ? 20 : 16;
    if (caplen < hl)
        return bad(why, "sll.short");
    uint16_t pkttype, proto;
    if (dlt == SL_CAN_DLT_SLL2) {
        proto = (uint16_t)(p[0] << 8 | p[1]);
        pkttype = p[10];
    } else {
        pkttype = (uint16_t)(p[0] << 8 | p[1]);
        proto = (uint16_t)(p[14] << 8 | p[15]);
    }
    if (proto != 0x000C && proto != 0x000D) { /* ETH_P_CAN, ETH_P_CANFD */
        *why = proto == 0x000E ? "sll.can_xl" : "sll.not_can";
        return 0;
    }
    if (pkttype == 4) { /* PACKET_OUTGOING: the bus copy follows as the loopback echo */
        *why = "sll.outgoing";
        return 0;
    }
    int rc = sl_can_decode_socketcan(p + hl, caplen - hl, wirelen - (wirelen >= hl ? hl : wirelen),
                                     bo, f, why);
    if (rc == 1 && proto == 0x000D && !(f->flags & SL_CAN_F_FD))
        f->flags |= SL_CAN_F_FD;
    return rc;
}
