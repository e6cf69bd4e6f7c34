/* reader.c - files and standard input to frames (reader.h): block reads and
 * in-place line parsing for text, libpcap for pcap/pcapng. */
#include "can/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/str.h"

#define BLOCK (1u << 20)
#define PEEK 4096

struct sl_can_reader {
    enum sl_can_format fmt;
    int fd;
    bool own_fd;
    struct sl_can_ifaces *ifaces;
    uint8_t dflt_iface;
    /* text */
    char *buf;
    size_t pos, len;
    bool eof, skipping; /* skipping: inside a line longer than the buffer allows */
    /* pcap */
    pcap_t *pcap;
    int dlt;
    struct sl_can_byteorder bo;
    /* the first bytes read for detection, replayed to libpcap */
    uint8_t peek[PEEK];
    size_t peek_len, peek_off;
    struct sl_can_read_stats st;
    char path[256];
};

uint8_t sl_can_iface_intern(struct sl_can_ifaces *t, const char *p, size_t n)
{
    if (n > SL_CAN_MAX_IFNAME)
        n = SL_CAN_MAX_IFNAME;
    for (unsigned i = 0; i < t->n; i++)
        if (strncmp(t->names[i], p, n) == 0 && t->names[i][n] == '\0')
            return (uint8_t)i;
    if (t->n == SL_CAN_MAX_IFACES)
        return SL_CAN_MAX_IFACES - 1;
    sl_strncpy_z(t->names[t->n], sizeof t->names[0], p, n);
    return (uint8_t)t->n++;
}

const char *sl_can_iface_name(const struct sl_can_ifaces *t, uint8_t i)
{
    return i < t->n ? t->names[i] : "?";
}

/* fopencookie read: the peeked bytes first, then the descriptor. */
static ssize_t cookie_read(void *c, char *out, size_t n)
{
    struct sl_can_reader *r = c;
    if (r->peek_off < r->peek_len) {
        size_t k = r->peek_len - r->peek_off;
        if (k > n)
            k = n;
        memcpy(out, r->peek + r->peek_off, k);
        r->peek_off += k;
        return (ssize_t)k;
    }
    for (;;) {
        ssize_t k = read(r->fd, out, n);
        if (k < 0 && errno == EINTR)
            continue;
        return k;
    }
}

static int open_pcap(struct sl_can_reader *r, struct sl_err *err)
{
    cookie_io_functions_t io = {.read = cookie_read};
    FILE *f = fopencookie(r, "r", io);
    if (f == NULL)
        return sl_err_set(err, "%s: %s", r->path, strerror(errno));
    setvbuf(f, NULL, _IOFBF, BLOCK);
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    r->pcap = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
    if (r->pcap == NULL) {
        fclose(f);
        return sl_err_set(err, "%s: %s", r->path, ebuf);
    }
    r->dlt = pcap_datalink(r->pcap);
    if (r->dlt != SL_CAN_DLT_SOCKETCAN && r->dlt != SL_CAN_DLT_SLL && r->dlt != SL_CAN_DLT_SLL2) {
        const char *name = pcap_datalink_val_to_name(r->dlt);
        return sl_err_set(err, "%s: link type %s (%d) does not carry CAN (CAN_SOCKETCAN 227 and "
                               "LINUX_SLL 113/276 do)", r->path, name ? name : "?", r->dlt);
    }
    return 0;
}

static int fill_peek(struct sl_can_reader *r, struct sl_err *err)
{
    while (r->peek_len < PEEK) {
        ssize_t k = read(r->fd, r->peek + r->peek_len, PEEK - r->peek_len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return sl_err_set(err, "%s: %s", r->path, strerror(errno));
        if (k == 0)
            break;
        r->peek_len += (size_t)k;
    }
    return 0;
}

int sl_can_reader_open(struct sl_can_reader **out, const char *path, enum sl_can_format fmt,
                       struct sl_can_ifaces *ifaces, struct sl_err *err)
{
    struct sl_can_reader *r = calloc(1, sizeof *r);
    if (r == NULL)
        return sl_err_set(err, "out of memory");
    sl_strlcpy(r->path, strcmp(path, "-") == 0 ? "standard input" : path, sizeof r->path);
    r->ifaces = ifaces;
    r->dflt_iface = sl_can_iface_intern(ifaces, ifaces->dflt[0] ? ifaces->dflt : "can0",
                                        strlen(ifaces->dflt[0] ? ifaces->dflt : "can0"));
    if (strcmp(path, "-") == 0) {
        r->fd = STDIN_FILENO;
    } else {
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->fd < 0) {
            sl_err_set(err, "%s: %s", path, strerror(errno));
            free(r);
            return -1;
        }
        r->own_fd = true;
    }
    if (fill_peek(r, err) != 0)
        goto fail;
    if (fmt == SL_CAN_FMT_UNKNOWN)
        fmt = sl_can_detect_format(r->peek, r->peek_len);
    r->fmt = fmt;
    if (fmt == SL_CAN_FMT_UNKNOWN) {
        sl_err_set(err, "%s: %s", r->path, r->peek_len == 0 ? "empty"
                   : "not a candump log, HCRL CSV/text or pcap (give --format to insist)");
        goto fail;
    }
    if (fmt == SL_CAN_FMT_PCAP) {
        if (open_pcap(r, err) != 0)
            goto fail;
    } else {
        r->buf = malloc(BLOCK + PEEK);
        if (r->buf == NULL) {
            sl_err_set(err, "out of memory");
            goto fail;
        }
        memcpy(r->buf, r->peek, r->peek_len);
        r->len = r->peek_len;
    }
    *out = r;
    return 0;
fail:
    sl_can_reader_close(r);
    return -1;
}

void sl_can_reader_close(struct sl_can_reader *r)
{
    if (r == NULL)
        return;
    if (r->pcap != NULL)
        pcap_close(r->pcap); /* closes the cookie FILE */
    if (r->own_fd)
        close(r->fd);
    free(r->buf);
    free(r);
}

static void note_bad(struct sl_can_reader *r, const char *why)
{
    r->st.bad++;
    if (r->st.first_bad_line == 0) {
        r->st.first_bad_line = r->st.lines ? r->st.lines : 1;
        r->st.first_bad_why = why;
    }
}

/* Next line into [*p, *p + *n); 1, 0 at the end, -1 read error. */
static int next_line(struct sl_can_reader *r, const char **p, size_t *n, struct sl_err *err)
{
    for (;;) {
        char *s = r->buf + r->pos;
        size_t avail = r->len - r->pos;
        char *nl = memchr(s, '\n', avail);
        if (nl != NULL) {
            r->pos += (size_t)(nl - s) + 1;
            if (r->skipping) {
                r->skipping = false;
                continue;
            }
            r->st.lines++;
            *p = s;
            *n = (size_t)(nl - s);
            return 1;
        }
        if (r->eof) {
            if (avail == 0 || r->skipping)
                return 0;
            r->pos = r->len;
            r->st.lines++;
            *p = s;
            *n = avail;
            return 1;
        }
        if (avail > SL_CAN_MAX_LINE) { /* no newline in sight: drop this line */
            r->st.lines++;
            note_bad(r, "line.too_long");
            r->skipping = true;
            avail = 0;
        }
        memmove(r->buf, s, avail);
        r->pos = 0;
        r->len = avail;
        ssize_t k;
        do {
            k = read(r->fd, r->buf + r->len, BLOCK);
        } while (k < 0 && errno == EINTR);
        if (k < 0)
            return sl_err_set(err, "%s: %s", r->path, strerror(errno));
        if (k == 0)
            r->eof = true;
        r->len += (size_t)k;
    }
}

static int next_text(struct sl_can_reader *r, struct sl_can_frame *f, struct sl_err *err)
{
    const char *p = NULL, *why = NULL;
    size_t n = 0;
    int k;
    while ((k = next_line(r, &p, &n, err)) == 1) {
        struct sl_can_ifname ifn = {NULL, 0};
        uint64_t dropped = 0;
        int rc;
        if (r->fmt == SL_CAN_FMT_CANDUMP)
            rc = sl_can_parse_candump(p, n, f, &ifn, &dropped, &why);
        else if (r->fmt == SL_CAN_FMT_HCRL_CSV)
            rc = sl_can_parse_hcrl_csv(p, n, f, &why);
        else
            rc = sl_can_parse_hcrl_txt(p, n, f, &why);
        switch (rc) {
        case SL_CAN_LINE_FRAME:
            f->iface = ifn.p != NULL ? sl_can_iface_intern(r->ifaces, ifn.p, ifn.n)
                                     : r->dflt_iface;
            r->st.frames++;
            return 1;
        case SL_CAN_LINE_SKIP: r->st.skipped_lines++; break;
        case SL_CAN_LINE_DROPCOUNT: r->st.dropped_reported += dropped; break;
        case SL_CAN_LINE_UNSUPPORTED: r->st.unsupported++; break;
        default: note_bad(r, why); break;
        }
    }
    return k;
}

static int next_pcap(struct sl_can_reader *r, struct sl_can_frame *f, struct sl_err *err)
{
    for (;;) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc = pcap_next_ex(r->pcap, &h, &data);
        if (rc == PCAP_ERROR_BREAK)
            return 0;
        if (rc != 1)
            return sl_err_set(err, "%s: %s", r->path, pcap_geterr(r->pcap));
        r->st.lines++;
        const char *why = NULL;
        int k = r->dlt == SL_CAN_DLT_SOCKETCAN
                    ? sl_can_decode_socketcan(data, h->caplen, h->len, &r->bo, f, &why)
                    : sl_can_decode_sll(r->dlt, data, h->caplen, h->len, &r->bo, f, &why);
        if (k == 1) {
            f->ts_us = (int64_t)h->ts.tv_sec * 1000000 + (int64_t)h->ts.tv_usec;
            f->iface = r->dflt_iface;
            f->label = SL_CAN_LABEL_NONE;
            r->st.frames++;
            return 1;
        }
        if (k == 0) {
            if (strcmp(why, "sll.can_xl") == 0)
                r->st.unsupported++;
            else
                r->st.other_records++;
        } else {
            note_bad(r, why);
        }
    }
}

int sl_can_reader_next(struct sl_can_reader *r, struct sl_can_frame *f, struct sl_err *err)
{
    return r->fmt == SL_CAN_FMT_PCAP ? next_pcap(r, f, err) : next_text(r, f, err);
}

enum sl_can_format sl_can_reader_format(const struct sl_can_reader *r)
{
    return r->fmt;
}

void sl_can_reader_stats(const struct sl_can_reader *r, struct sl_can_read_stats *out)
{
    *out = r->st;
    out->byteorder_big = r->bo.big;
    out->byteorder_little = r->bo.little;
}
