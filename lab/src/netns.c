/* netns.c - namespaces and rtnetlink (see netns.h). */
#include "netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define NL_BUF 4096

struct nlreq {
    struct nlmsghdr *h;
    char buf[NL_BUF];
};

static void nl_init(struct nlreq *r, uint16_t type, uint16_t flags, size_t payload)
{
    memset(r->buf, 0, sizeof r->buf);
    r->h = (struct nlmsghdr *)r->buf;
    r->h->nlmsg_len = (uint32_t)NLMSG_LENGTH(payload);
    r->h->nlmsg_type = type;
    r->h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
    r->h->nlmsg_seq = 1;
}

static struct rtattr *nl_attr(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
    size_t off = NLMSG_ALIGN(r->h->nlmsg_len);
    size_t need = RTA_SPACE(len);
    if (off + need > sizeof r->buf)
        abort(); /* our messages are small and fixed: a broken invariant */
    struct rtattr *a = (struct rtattr *)(r->buf + off);
    a->rta_type = type;
    a->rta_len = (unsigned short)RTA_LENGTH(len);
    if (len && data)
        memcpy(RTA_DATA(a), data, len);
    r->h->nlmsg_len = (uint32_t)(off + need);
    return a;
}

static void nl_nest_end(struct nlreq *r, struct rtattr *a)
{
    a->rta_len = (unsigned short)((char *)r->buf + r->h->nlmsg_len - (char *)a);
}

static int nl_talk(struct nlreq *r, const char *what, struct sl_err *err)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return sl_err_set(err, "%s: netlink socket: %s", what, strerror(errno));
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
    if (sendto(fd, r->buf, r->h->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof sa) < 0) {
        int e = errno;
        close(fd);
        return sl_err_set(err, "%s: %s", what, strerror(e));
    }
    char ans[NL_BUF];
    ssize_t n = recv(fd, ans, sizeof ans, 0);
    close(fd);
    if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)))
        return sl_err_set(err, "%s: short netlink answer", what);
    struct nlmsghdr *h = (struct nlmsghdr *)ans;
    if (h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(h);
        if (e->error != 0)
            return sl_err_set(err, "%s: %s", what, strerror(-e->error));
    }
    return 0;
}

static int ifindex(const char *name, struct sl_err *err)
{
    unsigned i = if_nametoindex(name);
    if (i == 0)
        return sl_err_set(err, "no interface %s", name);
    return (int)i;
}

int lab_link_up(const char *ifname, struct sl_err *err)
{
    int idx = ifindex(ifname, err);
    if (idx < 0)
        return -1;
    struct nlreq r;
    nl_init(&r, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
    struct ifinfomsg *ifi = NLMSG_DATA(r.h);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = idx;
    ifi->ifi_flags = IFF_UP;
    ifi->ifi_change = IFF_UP;
    return nl_talk(&r, "link up", err);
}

int lab_addr_add(const char *ifname, uint32_t addr, unsigned prefix, struct sl_err *err)
{
    int idx = ifindex(ifname, err);
    if (idx < 0)
        return -1;
    struct nlreq r;
    nl_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifaddrmsg));
    struct ifaddrmsg *ifa = NLMSG_DATA(r.h);
    ifa->ifa_family = AF_INET;
    ifa->ifa_prefixlen = (unsigned char)prefix;
    ifa->ifa_index = (unsigned)idx;
    uint32_t a = htonl(addr);
    nl_attr(&r, IFA_LOCAL, &a, 4);
    nl_attr(&r, IFA_ADDRESS, &a, 4);
    if (nl_talk(&r, "address", err) != 0)
        return -1;
    return lab_link_up(ifname, err);
}

static int route_mcast(const char *ifname, struct sl_err *err)
{
    int idx = ifindex(ifname, err);
    if (idx < 0)
        return -1;
    struct nlreq r;
    nl_init(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct rtmsg));
    struct rtmsg *rt = NLMSG_DATA(r.h);
    rt->rtm_family = AF_INET;
    rt->rtm_dst_len = 4;
    rt->rtm_table = RT_TABLE_MAIN;
    rt->rtm_protocol = RTPROT_BOOT;
    rt->rtm_scope = RT_SCOPE_LINK;
    rt->rtm_type = RTN_UNICAST;
    uint32_t dst = htonl(0xE0000000u);
    uint32_t oif = (uint32_t)idx;
    nl_attr(&r, RTA_DST, &dst, 4);
    nl_attr(&r, RTA_OIF, &oif, 4);
    return nl_talk(&r, "multicast route", err);
}

int lab_bridge_create(const char *ifname, uint32_t addr, unsigned prefix, struct sl_err *err)
{
    struct nlreq r;
    nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
    nl_attr(&r, IFLA_IFNAME, ifname, strlen(ifname) + 1);
    struct rtattr *li = nl_attr(&r, IFLA_LINKINFO, NULL, 0);
    nl_attr(&r, IFLA_INFO_KIND, "bridge", 6);
    struct rtattr *data = nl_attr(&r, IFLA_INFO_DATA, NULL, 0);
    uint8_t off = 0;
    nl_attr(&r, IFLA_BR_MCAST_SNOOPING, &off, 1);
    nl_nest_end(&r, data);
    nl_nest_end(&r, li);
    if (nl_talk(&r, "bridge", err) != 0)
        return -1;
    if (lab_addr_add(ifname, addr, prefix, err) != 0)
        return -1;
    return route_mcast(ifname, err);
}

int lab_veth_create(const char *ifname, const char *bridge, int peer_nsfd, const uint8_t mac[6],
                    struct sl_err *err)
{
    int br = ifindex(bridge, err);
    if (br < 0)
        return -1;
    struct nlreq r;
    nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
    nl_attr(&r, IFLA_IFNAME, ifname, strlen(ifname) + 1);
    uint32_t master = (uint32_t)br;
    nl_attr(&r, IFLA_MASTER, &master, 4);
    struct rtattr *li = nl_attr(&r, IFLA_LINKINFO, NULL, 0);
    nl_attr(&r, IFLA_INFO_KIND, "veth", 4);
    struct rtattr *data = nl_attr(&r, IFLA_INFO_DATA, NULL, 0);
    struct rtattr *peer = nl_attr(&r, VETH_INFO_PEER, NULL, sizeof(struct ifinfomsg));
    nl_attr(&r, IFLA_IFNAME, "eth0", 5);
    nl_attr(&r, IFLA_ADDRESS, mac, 6);
    uint32_t nsfd = (uint32_t)peer_nsfd;
    nl_attr(&r, IFLA_NET_NS_FD, &nsfd, 4);
    nl_nest_end(&r, peer);
    nl_nest_end(&r, data);
    nl_nest_end(&r, li);
    if (nl_talk(&r, "veth", err) != 0)
        return -1;
    return lab_link_up(ifname, err);
}

static int run_ip(char *const argv[], struct sl_err *err)
{
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return sl_err_set(err, "cannot run %s: %s (install iproute2)", argv[0], strerror(rc));
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return sl_err_set(err, "'%s %s %s %s' failed", argv[0], argv[1], argv[2], argv[3]);
    return 0;
}

bool lab_netns_exists(const char *name)
{
    char path[300];
    snprintf(path, sizeof path, "/run/netns/%s", name);
    struct stat st;
    return stat(path, &st) == 0;
}

int lab_netns_open(const char *name, struct sl_err *err)
{
    char path[300];
    snprintf(path, sizeof path, "/run/netns/%s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sl_err_set(err, "cannot open network namespace %s: %s", path, strerror(errno));
    return fd;
}

int lab_netns_create(const char *name, struct sl_err *err)
{
    if (lab_netns_exists(name))
        return sl_err_set(err, "network namespace %s exists already (is a lab named so running? "
                               "'sightline-lab down --name %s' removes it)", name, name);
    char *argv[] = {"ip", "netns", "add", (char *)name, NULL};
    if (run_ip(argv, err) != 0)
        return -1;
    return lab_netns_open(name, err);
}

int lab_netns_remove(const char *name)
{
    char path[300];
    snprintf(path, sizeof path, "/run/netns/%s", name);
    if (!lab_netns_exists(name))
        return -1;
    umount2(path, MNT_DETACH);
    return unlink(path);
}

int lab_netns_enter(int fd, struct sl_err *err)
{
    if (setns(fd, CLONE_NEWNET) != 0)
        return sl_err_set(err, "cannot enter a network namespace: %s", strerror(errno));
    return 0;
}

int lab_netns_new_anon(int return_fd, struct sl_err *err)
{
    if (unshare(CLONE_NEWNET) != 0)
        return sl_err_set(err, "cannot make a network namespace: %s (netns mode needs root)",
                          strerror(errno));
    int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        sl_err_set(err, "cannot hold the new namespace: %s", strerror(errno));
    }
    if (lab_netns_enter(return_fd, err) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}
