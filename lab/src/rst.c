/* rst.c - resets for closed ports in loopback mode (see rst.h). */
#include "rst.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct lab_rst {
    uv_poll_t poll;
    int in_fd, out_fd;
    const struct lab_world *w;
    bool (*served)(void *ctx, uint16_t port);
    void (*on_reset)(void *ctx, uint32_t addr, uint16_t port, uint32_t peer, uint16_t peer_port);
    void *ctx;
    uint64_t sent;
};

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        acc += get16(p + i);
    if (n & 1)
        acc += (uint32_t)p[n - 1] << 8;
    return acc;
}

static uint16_t fold(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)~acc;
}

size_t lab_rst_build(const uint8_t *syn, size_t n, uint8_t out[40])
{
    if (n < 20 || (syn[0] >> 4) != 4 || syn[9] != IPPROTO_TCP)
        return 0;
    size_t ihl = (size_t)(syn[0] & 0x0f) * 4;
    if (ihl < 20 || n < ihl + 20 || get16(syn + 6) & 0x1fff) /* fragments: not a SYN we parse */
        return 0;
    const uint8_t *tcp = syn + ihl;
    uint8_t flags = tcp[13];
    if (!(flags & 0x02) || (flags & 0x10) || (flags & 0x04))
        return 0;
    memset(out, 0, 40);
    out[0] = 0x45;
    put16(out + 2, 40);
    out[8] = 64;               /* TTL */
    out[9] = IPPROTO_TCP;
    memcpy(out + 12, syn + 16, 4); /* from the address the SYN was sent to */
    memcpy(out + 16, syn + 12, 4); /* to its sender */
    put16(out + 10, fold(sum16(out, 20, 0)));
    uint8_t *t = out + 20;
    memcpy(t, tcp + 2, 2);     /* source port = the SYN's destination port */
    memcpy(t + 2, tcp, 2);
    put32(t + 4, 0);
    put32(t + 8, get32(tcp + 4) + 1); /* acknowledges the SYN */
    t[12] = 5 << 4;
    t[13] = 0x14;              /* RST + ACK, as a host's kernel answers a closed port */
    uint8_t pseudo[12];
    memcpy(pseudo, out + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = IPPROTO_TCP;
    put16(pseudo + 10, 20);
    put16(t + 16, fold(sum16(t, 20, sum16(pseudo, 12, 0))));
    return 40;
}

static void on_readable(uv_poll_t *h, int status, int events)
{
    struct lab_rst *r = h->data;
    if (status < 0 || !(events & UV_READABLE))
        return;
    for (int i = 0; i < 256; i++) {
        uint8_t pkt[128];
        ssize_t n = recv(r->in_fd, pkt, sizeof pkt, MSG_DONTWAIT);
        if (n <= 0)
            return;
        uint8_t out[40];
        if (lab_rst_build(pkt, (size_t)n, out) == 0)
            continue;
        size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
        uint32_t dst = get32(pkt + 16), src = get32(pkt + 12);
        uint16_t dport = get16(pkt + ihl + 2), sport = get16(pkt + ihl);
        const struct lab_device *d = lab_world_find(r->w, dst);
        /* A port the device serves is its listener's business; a port no device
         * serves has no listener and the kernel resets it already. */
        if (d == NULL || lab_device_port(d, dport, false) != NULL || !r->served(r->ctx, dport))
            continue;
        struct sockaddr_in to = {0};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(src);
        if (sendto(r->out_fd, out, sizeof out, 0, (struct sockaddr *)&to, sizeof to) == 40) {
            r->sent++;
            if (r->on_reset != NULL)
                r->on_reset(r->ctx, dst, dport, src, sport);
        }
    }
}

struct lab_rst *lab_rst_start(uv_loop_t *loop, const struct lab_world *w,
                              bool (*served)(void *ctx, uint16_t port),
                              void (*on_reset)(void *ctx, uint32_t addr, uint16_t port,
                                               uint32_t peer, uint16_t peer_port),
                              void *ctx, struct sl_err *err)
{
    if (w->n == 0) {
        sl_err_set(err, "no devices");
        return NULL;
    }
    int in = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (in < 0) {
        sl_err_set(err, "raw sockets not allowed (%s)", strerror(errno));
        return NULL;
    }
    int out = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
    if (out < 0) {
        sl_err_set(err, "raw sockets not allowed (%s)", strerror(errno));
        close(in);
        return NULL;
    }
    uint32_t lo = w->dev[0].addr, hi = w->dev[w->n - 1].addr;
    /* Pass IPv4 TCP segments with SYN set and ACK clear to [lo, hi] only. */
    struct sock_filter prog[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 16),                 /* destination */
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, lo, 0, 6),
        BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, hi, 5, 0),
        BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),                 /* X = IP header length */
        BPF_STMT(BPF_LD | BPF_B | BPF_IND, 13),                 /* TCP flags */
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x14, 2, 0),       /* ACK or RST: drop */
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x02, 0, 1),       /* SYN: keep */
        BPF_STMT(BPF_RET | BPF_K, 128),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog fp = {(unsigned short)(sizeof prog / sizeof prog[0]), prog};
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    if (setsockopt(in, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof fp) != 0 ||
        setsockopt(in, SOL_SOCKET, SO_BINDTODEVICE, &ifr, sizeof ifr) != 0) {
        sl_err_set(err, "cannot filter the raw socket: %s", strerror(errno));
        close(in);
        close(out);
        return NULL;
    }
    int big = 8 << 20;
    if (setsockopt(in, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) != 0)
        (void)setsockopt(in, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    struct lab_rst *r = calloc(1, sizeof *r);
    if (r == NULL)
        abort();
    r->in_fd = in;
    r->out_fd = out;
    r->w = w;
    r->served = served;
    r->on_reset = on_reset;
    r->ctx = ctx;
    if (uv_poll_init(loop, &r->poll, in) != 0) {
        sl_err_set(err, "cannot watch the raw socket");
        close(in);
        close(out);
        free(r);
        return NULL;
    }
    r->poll.data = r;
    uv_poll_start(&r->poll, UV_READABLE, on_readable);
    return r;
}

static void on_closed(uv_handle_t *h)
{
    struct lab_rst *r = h->data;
    close(r->in_fd);
    close(r->out_fd);
    free(r);
}

void lab_rst_stop(struct lab_rst *r)
{
    if (r != NULL)
        uv_close((uv_handle_t *)&r->poll, on_closed);
}

uint64_t lab_rst_count(const struct lab_rst *r)
{
    return r != NULL ? r->sent : 0;
}
