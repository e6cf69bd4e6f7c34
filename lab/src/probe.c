/* probe.c - the bounded test client (see probe.h) and `sightline-lab probe`. */
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lab.h"
#include "util/str.h"

static const char *const end_names[] = {"eof", "timeout", "reset", "max", "refused",
                                        "connect-timeout", "tls-failed", "error"};

const char *lab_probe_end_name(enum lab_probe_end e)
{
    return end_names[e];
}

static unsigned now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static int wait_fd(int fd, short ev, unsigned ms)
{
    struct pollfd pf = {fd, ev, 0};
    int r;
    while ((r = poll(&pf, 1, (int)ms)) < 0 && errno == EINTR)
        ;
    return r;
}

static int do_udp(struct lab_probe *p, int fd, struct sockaddr_in *sa, unsigned t0,
                  struct sl_err *err)
{
    if (sendto(fd, p->send, p->send_len, 0, (struct sockaddr *)sa, sizeof *sa) < 0) {
        p->end = LAB_END_ERROR;
        return sl_err_set(err, "sendto: %s", strerror(errno));
    }
    unsigned deadline = now_ms() + p->timeout_ms;
    for (;;) {
        unsigned n = now_ms();
        if (n >= deadline)
            break;
        if (wait_fd(fd, POLLIN, deadline - n) <= 0)
            break;
        char buf[65536];
        ssize_t k = recv(fd, buf, sizeof buf, 0);
        if (k < 0)
            break;
        if (p->replies == 0)
            p->first_byte_ms = now_ms() - t0;
        p->replies++;
        sl_buf_append_upto(&p->got, buf, (size_t)k);
    }
    p->end = LAB_END_TIMEOUT;
    p->total_ms = now_ms() - t0;
    return 0;
}

/* Long: one poll loop for TCP, TLS and UDP probes, whose shared deadline and
 * counters would scatter across helpers. */
int lab_probe_run(struct lab_probe *p, struct sl_err *err)
{
    unsigned t0 = now_ms();
    int fd = socket(AF_INET, (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return sl_err_set(err, "socket: %s", strerror(errno));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(p->port),
                             .sin_addr.s_addr = htonl(p->addr)};
    if (p->udp) {
        int big = 4 << 20; /* floods of replies must not be dropped here */
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
        int rc = do_udp(p, fd, &sa, t0, err);
        close(fd);
        return rc;
    }
    int fl = 1;
    (void)fl;
    struct timeval tv = {p->timeout_ms / 1000, (p->timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        p->end = e == ECONNREFUSED ? LAB_END_REFUSED
                 : (e == EINPROGRESS || e == ETIMEDOUT || e == EAGAIN) ? LAB_END_CONNECT_TIMEOUT
                                                                        : LAB_END_ERROR;
        p->total_ms = now_ms() - t0;
        sl_err_set(err, "connect: %s", strerror(e));
        return -1;
    }
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    if (p->tls) {
        ctx = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_security_level(ctx, 0);
        ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (SSL_connect(ssl) != 1) {
            p->end = LAB_END_TLS_FAILED;
            ERR_clear_error();
            SSL_free(ssl);
            SSL_CTX_free(ctx);
            close(fd);
            p->total_ms = now_ms() - t0;
            return 0;
        }
        X509 *c = SSL_get1_peer_certificate(ssl);
        if (c) {
            BIO *b = BIO_new(BIO_s_mem());
            X509_NAME_print_ex(b, X509_get_subject_name(c), 0, XN_FLAG_RFC2253);
            int n = BIO_read(b, p->subject, sizeof p->subject - 1);
            p->subject[n > 0 ? n : 0] = '\0';
            BIO_free(b);
            X509_free(c);
        }
    }
    if (p->send_len) {
        int w = ssl ? SSL_write(ssl, p->send, (int)p->send_len)
                    : (int)send(fd, p->send, p->send_len, MSG_NOSIGNAL);
        (void)w;
    }
    p->end = LAB_END_TIMEOUT;
    for (;;) {
        if (p->got.len >= p->max) {
            p->end = LAB_END_MAX;
            break;
        }
        if (!(ssl && SSL_pending(ssl) > 0) && wait_fd(fd, POLLIN, p->timeout_ms) <= 0)
            break;
        char buf[65536];
        size_t want = p->max - p->got.len < sizeof buf ? p->max - p->got.len : sizeof buf;
        ssize_t k = ssl ? SSL_read(ssl, buf, (int)want) : recv(fd, buf, want, 0);
        if (k == 0 || (ssl && k < 0 && SSL_get_error(ssl, (int)k) == SSL_ERROR_ZERO_RETURN)) {
            p->end = LAB_END_EOF;
            break;
        }
        if (k < 0) {
            p->end = (!ssl && errno == ECONNRESET) || ssl ? LAB_END_RESET : LAB_END_ERROR;
            break;
        }
        if (p->got.len == 0)
            p->first_byte_ms = now_ms() - t0;
        sl_buf_append_upto(&p->got, buf, (size_t)k);
    }
    p->total_ms = now_ms() - t0;
    if (ssl) {
        SSL_free(ssl);
        SSL_CTX_free(ctx);
    }
    /* Reset rather than linger: probes must not pile up TIME_WAITs. */
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
    ERR_clear_error();
    return 0;
}

/* Long: the options of `sightline-lab probe` (one case each) and one run. */
int lab_cmd_probe(int argc, char **argv)
{
    static const struct option opts[] = {
        {"udp", no_argument, NULL, 'u'},          {"tls", no_argument, NULL, 'T'},
        {"send", required_argument, NULL, 's'},   {"timeout", required_argument, NULL, 't'},
        {"max", required_argument, NULL, 'm'},    {"subject", no_argument, NULL, 'S'},
        {"status", no_argument, NULL, 'x'},       {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = argv[0];
    struct lab_probe p = {.timeout_ms = 2000, .max = 16u * 1024 * 1024};
    bool subject = false, status = false;
    char *sendbuf = NULL;
    int c;
    int64_t v;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'u': p.udp = true; break;
        case 'T': p.tls = true; break;
        case 's':
            free(sendbuf);
            sendbuf = lab_unescape(optarg, strlen(optarg), &p.send_len);
            p.send = sendbuf;
            break;
        case 't':
            if (sl_parse_i64(optarg, 1, 600000, &v) != 0)
                return lab_usage(cmd, "--timeout must be 1..600000 ms");
            p.timeout_ms = (unsigned)v;
            break;
        case 'm':
            if (sl_parse_i64(optarg, 1, 1 << 30, &v) != 0)
                return lab_usage(cmd, "--max must be 1..2^30 bytes");
            p.max = (size_t)v;
            break;
        case 'S': subject = true; break;
        case 'x': status = true; break;
        case 'h':
            printf("Usage: %s [--udp|--tls] [--send BYTES] [--timeout MS] [--max BYTES]\n"
                   "          [--subject] [--status] ADDRESS PORT\n\n"
                   "Connects to one lab device (or sends one datagram), sends BYTES (escapes\n"
                   "\\r \\n \\t \\xHH), and writes what comes back to stdout until the peer\n"
                   "closes, MS milliseconds pass without data (default 2000), or MAX bytes.\n"
                   "--subject prints the TLS certificate subject instead; --status adds a\n"
                   "line on stderr: how it ended, bytes, replies, times. Only for 127.0.0.0/8\n"
                   "and 198.18.0.0/15 (and, with --udp, the discovery groups 239.255.255.250/251).\nExit 0 when connected, 1 when not.\n", cmd);
            free(sendbuf);
            return SL_EXIT_OK;
        default:
            free(sendbuf);
            fprintf(stderr, "Try '%s --help'.\n", cmd);
            return SL_EXIT_USAGE;
        }
    }
    if (optind + 2 != argc) {
        free(sendbuf);
        return lab_usage(cmd, "ADDRESS and PORT are required");
    }
    struct in_addr a;
    if (inet_pton(AF_INET, argv[optind], &a) != 1 ||
        sl_parse_i64(argv[optind + 1], 1, 65535, &v) != 0) {
        free(sendbuf);
        return lab_usage(cmd, "bad ADDRESS or PORT");
    }
    p.addr = ntohl(a.s_addr);
    p.port = (uint16_t)v;
    /* Network safety: this client talks to the lab only. */
    if ((p.addr >> 24) != 127 && (p.addr & 0xfffe0000u) != 0xc6120000u &&
        !(p.udp && (p.addr == 0xEFFFFFFAu || p.addr == 0xEFFFFFFBu))) {
        free(sendbuf);
        return lab_usage(cmd, "only 127.0.0.0/8 and 198.18.0.0/15 may be probed");
    }
    if (p.udp && p.send_len == 0) {
        free(sendbuf);
        return lab_usage(cmd, "--udp needs --send");
    }
    sl_buf_init(&p.got, p.max);
    struct sl_err err = {0};
    int rc = lab_probe_run(&p, &err);
    if (subject)
        printf("%s\n", p.subject);
    else
        fwrite(p.got.data ? p.got.data : (const uint8_t *)"", 1, p.got.len, stdout);
    fflush(stdout);
    if (status)
        fprintf(stderr, "status: %s bytes=%zu replies=%u first_ms=%u total_ms=%u\n",
                lab_probe_end_name(p.end), p.got.len, p.replies, p.first_byte_ms, p.total_ms);
    sl_buf_free(&p.got);
    free(sendbuf);
    return rc == 0 ? SL_EXIT_OK : SL_EXIT_FINDINGS;
}
