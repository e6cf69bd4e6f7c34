/* live.c - SocketCAN raw socket capture (live.h); Linux only. */
#include "can/live.h"

#include <errno.h>
#include <linux/can.h>
#include <linux/can/error.h>
#include <linux/can/raw.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL 40
#endif

struct sl_can_live {
    int fd;
    int fd_frames;
    uint64_t dropped;
};

int sl_can_live_open(struct sl_can_live **out, const char *iface, struct sl_err *err)
{
    int fd = socket(PF_CAN, SOCK_RAW | SOCK_CLOEXEC, CAN_RAW);
    if (fd < 0) {
        if (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT || errno == ESOCKTNOSUPPORT)
            return sl_err_set(err, "%s: SocketCAN is not available: this kernel has no CAN "
                                   "support (modprobe can-raw)", iface);
        return sl_err_set(err, "%s: CAN socket: %s", iface, strerror(errno));
    }
    unsigned idx = if_nametoindex(iface);
    if (idx == 0) {
        close(fd);
        return sl_err_setk(err, SL_ERR_NOT_FOUND, "%s: no such interface", iface);
    }
    struct sl_can_live *l = calloc(1, sizeof *l);
    if (l == NULL) {
        close(fd);
        return sl_err_set(err, "out of memory");
    }
    l->fd = fd;
    int on = 1;
    l->fd_frames = setsockopt(fd, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &on, sizeof on) == 0;
    can_err_mask_t em = CAN_ERR_MASK;
    struct timeval tv = {0, 200000};
    int rcvbuf = 8 << 20;
    if (setsockopt(fd, SOL_CAN_RAW, CAN_RAW_ERR_FILTER, &em, sizeof em) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) {
        sl_err_set(err, "%s: socket options: %s", iface, strerror(errno));
        sl_can_live_close(l);
        return -1;
    }
    (void)setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);  /* newer kernels */
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf); /* capped by rmem_max */
    struct sockaddr_can addr;
    memset(&addr, 0, sizeof addr);
    addr.can_family = AF_CAN;
    addr.can_ifindex = (int)idx;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        sl_err_set(err, "%s: bind: %s", iface, strerror(errno));
        sl_can_live_close(l);
        return -1;
    }
    *out = l;
    return 0;
}

void sl_can_live_close(struct sl_can_live *l)
{
    if (l != NULL) {
        close(l->fd);
        free(l);
    }
}

static void to_frame(const struct canfd_frame *cf, size_t nbytes, struct sl_can_frame *f)
{
    memset(f, 0, offsetof(struct sl_can_frame, data));
    canid_t id = cf->can_id;
    if (id & CAN_ERR_FLAG) {
        f->flags = SL_CAN_F_ERR;
        f->id = id & CAN_ERR_MASK;
    } else if (id & CAN_EFF_FLAG) {
        f->flags = SL_CAN_F_EXT;
        f->id = id & CAN_EFF_MASK;
    } else {
        f->id = id & CAN_SFF_MASK;
    }
    if (nbytes == CANFD_MTU) {
        f->flags |= SL_CAN_F_FD;
        if (cf->flags & CANFD_BRS)
            f->flags |= SL_CAN_F_BRS;
        if (cf->flags & CANFD_ESI)
            f->flags |= SL_CAN_F_ESI;
        f->len = cf->len <= CANFD_MAX_DLEN ? cf->len : CANFD_MAX_DLEN;
    } else {
        const struct can_frame *cc = (const struct can_frame *)cf;
        if (id & CAN_RTR_FLAG)
            f->flags |= SL_CAN_F_RTR;
        f->len = cc->len <= CAN_MAX_DLEN ? cc->len : CAN_MAX_DLEN;
        if (f->len == CAN_MAX_DLEN && cc->len8_dlc > CAN_MAX_DLEN && cc->len8_dlc <= 15)
            f->raw_dlc = cc->len8_dlc;
    }
    memcpy(f->data, cf->data, f->len);
}

int sl_can_live_next(struct sl_can_live *l, struct sl_can_frame *f, struct sl_err *err)
{
    struct canfd_frame cf;
    char ctrl[CMSG_SPACE(sizeof(struct timeval)) + CMSG_SPACE(sizeof(uint32_t))];
    struct iovec iov = {&cf, sizeof cf};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctrl;
    msg.msg_controllen = sizeof ctrl;
    ssize_t n = recvmsg(l->fd, &msg, 0);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return 0;
        return sl_err_set(err, "CAN read: %s", strerror(errno));
    }
    if ((size_t)n != CAN_MTU && (size_t)n != CANFD_MTU)
        return 0; /* neither struct can_frame nor canfd_frame (CAN XL): not analysed */
    struct timeval tv = {0, 0};
    bool have_ts = false;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET)
            continue;
        if (c->cmsg_type == SO_TIMESTAMP && c->cmsg_len >= CMSG_LEN(sizeof tv)) {
            memcpy(&tv, CMSG_DATA(c), sizeof tv);
            have_ts = true;
        } else if (c->cmsg_type == SO_RXQ_OVFL && c->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
            uint32_t d;
            memcpy(&d, CMSG_DATA(c), sizeof d);
            l->dropped = d;
        }
    }
    if (!have_ts)
        gettimeofday(&tv, NULL);
    to_frame(&cf, (size_t)n, f);
    f->ts_us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
    return 1;
}

uint64_t sl_can_live_dropped(const struct sl_can_live *l)
{
    return l->dropped;
}

int sl_can_live_fd(const struct sl_can_live *l)
{
    return l->fd_frames;
}
