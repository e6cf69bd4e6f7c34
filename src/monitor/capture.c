/* capture.c - libpcap live/file capture (the privilege drop is util/privdrop.c). */
#include "monitor/capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sl_capture {
    pcap_t *p;
    bool live;
    enum sl_link link;
    int dlt;
};

static int set_link(struct sl_capture *c, struct sl_err *err)
{
    c->dlt = pcap_datalink(c->p);
    switch (c->dlt) {
    case DLT_EN10MB: c->link = SL_LINK_ETHERNET; return 0;
    case DLT_LINUX_SLL: c->link = SL_LINK_LINUX_SLL; return 0;
    case DLT_RAW:
#if defined(DLT_IPV4)
    case DLT_IPV4:
    case DLT_IPV6:
#endif
    case 101: /* LINKTYPE_RAW as some libpcaps report it */
        c->link = SL_LINK_RAW;
        return 0;
    default: {
        const char *name = pcap_datalink_val_to_name(c->dlt);
        return sl_err_set(err, "link type %s (%d) is not supported (Ethernet, Linux cooked and "
                               "raw IP are)", name != NULL ? name : "?", c->dlt);
    }
    }
}

static int set_filter(struct sl_capture *c, const char *filter, struct sl_err *err)
{
    if (filter == NULL || *filter == '\0')
        return 0;
    struct bpf_program prog;
    if (pcap_compile(c->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0)
        return sl_err_setk(err, SL_ERR_INVALID, "--filter: %s", pcap_geterr(c->p));
    int rc = pcap_setfilter(c->p, &prog);
    pcap_freecode(&prog);
    if (rc != 0)
        return sl_err_setk(err, SL_ERR_INVALID, "--filter: %s", pcap_geterr(c->p));
    return 0;
}

int sl_capture_open_live(struct sl_capture **out, const char *iface, const char *filter,
                         size_t buffer_bytes, bool promisc, struct sl_err *err)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    struct sl_capture *c = calloc(1, sizeof *c);
    if (c == NULL)
        return sl_err_set(err, "out of memory");
    c->live = true;
    c->p = pcap_create(iface, ebuf);
    if (c->p == NULL) {
        free(c);
        return sl_err_set(err, "%s: %s", iface, ebuf);
    }
    if (buffer_bytes == 0)
        buffer_bytes = 64u << 20;
    if (buffer_bytes > INT32_MAX)
        buffer_bytes = INT32_MAX;
    /* Immediate mode: frames are handed over as they arrive, so an alert is not
     * held back by buffering; the big buffer absorbs bursts meanwhile. */
    if (pcap_set_snaplen(c->p, 65535) != 0 || pcap_set_immediate_mode(c->p, 1) != 0 ||
        pcap_set_buffer_size(c->p, (int)buffer_bytes) != 0 ||
        pcap_set_promisc(c->p, promisc ? 1 : 0) != 0 || pcap_set_timeout(c->p, 250) != 0) {
        sl_err_set(err, "%s: cannot set capture options", iface);
        goto fail;
    }
    int rc = pcap_activate(c->p);
    if (rc < 0) {
        sl_err_set(err, "%s: %s%s", iface, pcap_statustostr(rc),
                   rc == PCAP_ERROR_PERM_DENIED ? " (capturing needs CAP_NET_RAW: run as root)"
                   : rc == PCAP_ERROR ? "" : "");
        if (rc == PCAP_ERROR || rc == PCAP_ERROR_NO_SUCH_DEVICE)
            sl_err_set(err, "%s: %s", iface, pcap_geterr(c->p));
        goto fail;
    }
    if (set_link(c, err) != 0 || set_filter(c, filter, err) != 0)
        goto fail;
    *out = c;
    return 0;
fail:
    pcap_close(c->p);
    free(c);
    return -1;
}

int sl_capture_open_file(struct sl_capture **out, const char *path, const char *filter,
                         struct sl_err *err)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    struct sl_capture *c = calloc(1, sizeof *c);
    if (c == NULL)
        return sl_err_set(err, "out of memory");
    if (strcmp(path, "-") == 0) {
        c->p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
    } else {
        /* Our own FILE with a 1 MiB buffer: libpcap reads record by record, and
         * stdio's default 4 KiB buffer would make that a system call per few frames. */
        FILE *f = fopen(path, "rb");
        if (f == NULL) {
            free(c);
            return sl_err_set(err, "%s: %s", path, strerror(errno));
        }
        setvbuf(f, NULL, _IOFBF, 1u << 20);
        c->p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
        if (c->p == NULL)
            fclose(f);
    }
    if (c->p == NULL) {
        free(c);
        return sl_err_set(err, "%s: %s", path, ebuf);
    }
    if (set_link(c, err) != 0 || set_filter(c, filter, err) != 0) {
        sl_err_prefix(err, "%s", path);
        pcap_close(c->p);
        free(c);
        return -1;
    }
    *out = c;
    return 0;
}

void sl_capture_close(struct sl_capture *c)
{
    if (c != NULL) {
        pcap_close(c->p);
        free(c);
    }
}

int sl_capture_next(struct sl_capture *c, struct sl_frame *f, struct sl_err *err)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = pcap_next_ex(c->p, &h, &data);
    if (rc == 1) {
        f->ts_sec = (int64_t)h->ts.tv_sec;
        f->ts_usec = (int32_t)h->ts.tv_usec;
        f->data = data;
        f->caplen = h->caplen;
        f->wirelen = h->len;
        return 1;
    }
    if (rc == 0)
        return 0;
    if (rc == PCAP_ERROR_BREAK)
        return c->live ? 0 : -2;
    return sl_err_set(err, "capture: %s", pcap_geterr(c->p));
}

void sl_capture_break(struct sl_capture *c)
{
    pcap_breakloop(c->p);
}

enum sl_link sl_capture_link(const struct sl_capture *c)
{
    return c->link;
}

const char *sl_capture_link_name(const struct sl_capture *c)
{
    const char *n = pcap_datalink_val_to_name(c->dlt);
    return n != NULL ? n : "?";
}

int sl_capture_stats(struct sl_capture *c, struct sl_capture_stats *out)
{
    struct pcap_stat ps;
    if (!c->live || pcap_stats(c->p, &ps) != 0)
        return -1;
    out->received = ps.ps_recv;
    out->dropped = ps.ps_drop;
    out->ifdropped = ps.ps_ifdrop;
    return 0;
}
