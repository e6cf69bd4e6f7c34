/* engine.h - the scanner engine's state, shared by its four files (not for
 * use outside scan/):
 *   engine.c  admission, the pump, progress, the threads of one scan (sl_scan_run)
 *   host.c    hosts in flight: their table, evidence, start and end
 *   conn.c    one TCP probe's connection: connect, TLS, write, read, close
 *   talk.c    the conversation on a port: its plan's steps, answers, deadlines
 *   udp.c     UDP discovery: datagrams out, replies matched in, multicast
 * One engine is one libuv loop on one thread; nothing here is shared between
 * engines except struct shared, used under its mutex. Every buffer is bounded
 * by the limits in internal.h and scan.h. */
#ifndef SL_SCAN_ENGINE_H
#define SL_SCAN_ENGINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <uv.h>

#include "net/neigh.h"
#include "net/ratelimit.h"
#include "net/tls.h"
#include "proto/http.h"
#include "scan/internal.h"

#define SL_ENG_HASH_BITS 16
#define SL_ENG_MAX_STEPS SL_PROBE_MAX_STEPS
#define SL_ENG_MULTICAST_MAX 4096
#define SL_ENG_UP_RING 4096
#define SL_ENG_MAX_ENGINES 16

enum conn_state {
    CS_CONNECTING = 0,
    CS_TLS,        /* handshake */
    CS_READING,    /* a request is out, reading its response */
    CS_BANNER,     /* waiting for the device to speak first */
    CS_RAW,        /* binary answer being collected */
    CS_DONE,
};

struct engine;

/* One TCP probe: one port of one host, its connection(s) and conversation. */
struct conn {
    uv_tcp_t tcp;
    uv_timer_t deadline;
    uv_timer_t aux;              /* banner wait / quiet period */
    struct engine *e;
    struct sl_host *h;
    uint16_t port;
    enum sl_port_kind kind;
    enum conn_state state;
    int handles;                 /* open libuv handles */
    bool connected, tcp_closing, reconnect, aux_on, ever_connected, cert_taken;
    unsigned step, n_steps, reconnects;
    const struct sl_step *steps[SL_ENG_MAX_STEPS]; /* the port's plan (probe/request.h) */
    struct sl_tls *tls;
    struct sl_tls_session *sess; /* resumed on reconnects of this probe */
    struct sl_buf raw;           /* plaintext answer to the current request */
    struct sl_http http;
    uint64_t started_ms;
    uint64_t connect_us;         /* when the current connect started (uv_hrtime / 1000) */
};

/* What the engines of one scan share; everything in it is used under mu. */
struct shared {
    pthread_mutex_t mu;
    struct sl_recorder *rec;
    struct sl_scan_summary *sum;   /* the caller's: the recorder counts devices into it */
    struct sl_err err;             /* the first register failure */
    atomic_int failed;             /* set: every engine stops */
    unsigned n;
    uint64_t hosts_total;          /* targets less exclusions */
    struct sl_scan_stats pub[SL_ENG_MAX_ENGINES]; /* each engine's counters, as last published */
    uint64_t t0_ms;
};

struct engine {
    uv_loop_t loop;
    struct shared *sh;
    unsigned index;
    struct sl_scan_summary local;  /* this engine's counters (sum points here) */
    const struct sl_scan_opts *o;
    const struct sl_scan_callbacks *cb;
    struct sl_scan_summary *sum;
    bool loop_ok;                /* the loop was initialised */
    struct sl_addr *up_ring;     /* SL_ENG_UP_RING addresses of hosts recorded up */
    unsigned n_up_ring;
    bool stopped;                /* stopped early (signal or a failure) */
    struct sl_walk walk;
    bool walk_done, stopping;
    struct sl_rate rate;
    unsigned per_host, concurrency, timeout_ms, max_hosts;
    double srtt_ms, rttvar_ms;   /* connect round trips, smoothed (RFC 6298 style) */
    unsigned rtt_samples;
    unsigned open_conns, inflight;
    struct sl_host *hosts;       /* in-flight list */
    struct sl_host *htab[1u << SL_ENG_HASH_BITS];
    struct sl_host *slot_head, *slot_tail;   /* hosts waiting for a connection slot */
    struct sl_host *udp_head, *udp_tail;     /* hosts with an open UDP window */
    uv_timer_t pump, progress;
    uv_udp_t udp4, udp6;
    bool have_udp4, have_udp6;
    uint8_t key[16];
    unsigned udp_window_ms, udp_interval_ms;
    struct sl_tls_ctx *tls;
    struct sl_neigh *neigh;
    uint64_t t0;
    uint8_t rbuf[64 * 1024];
    uint8_t ubuf[SL_SCAN_UDP_MAX];
    /* multicast discovery: responders and their evidence, scanned first */
    struct sl_host *mc_hosts;    /* detached host records holding evidence */
    unsigned n_mc;
    bool mc_phase;
    uv_timer_t mc_timer;
    unsigned mc_tries;
    struct sl_addr mc_addrs[SL_ENG_MULTICAST_MAX];
};

static inline uint64_t sl_eng_now_ms(struct engine *e)
{
    return uv_now(&e->loop);
}

/* engine.c: admit hosts while slots, rate and windows allow; end the loop when done. */
void sl_eng_pump(struct engine *e);

/* host.c */
void sl_eng_add_ev(struct engine *e, struct sl_host *h, enum sl_proto proto,
                   enum sl_outcome outcome, uint16_t port, const char *request, const char *path,
                   const void *data, size_t len, const char *detail);
struct sl_host *sl_eng_host_find(struct engine *e, const struct sl_addr *a);
struct sl_host *sl_eng_host_new(struct engine *e, const struct sl_addr *a, uint64_t pos);
void sl_eng_host_free(struct engine *e, struct sl_host *h);
void sl_eng_host_start(struct engine *e, struct sl_host *h);       /* UDP window and ports */
void sl_eng_host_start_ports(struct engine *e, struct sl_host *h); /* as slots allow */
/* Records a host whose probes have all ended (if it answered) and frees it. */
void sl_eng_host_check_done(struct engine *e, struct sl_host *h);
bool sl_eng_recently_up(const struct engine *e, const struct sl_addr *a);

/* conn.c */
void sl_eng_conn_start(struct engine *e, struct sl_host *h, unsigned port_index);
void sl_eng_conn_finish(struct conn *c);
void sl_eng_conn_reconnect(struct conn *c);
void sl_eng_conn_write(struct conn *c, const void *data, size_t n); /* through TLS when on */
void sl_eng_raw_write(struct conn *c, const void *data, size_t n);

/* talk.c */
void sl_eng_talk_plan(struct conn *c);  /* the port's steps, before connecting */
void sl_eng_talk_begin(struct conn *c); /* connected (TLS done for HTTPS): speak or wait */
void sl_eng_talk_send(struct conn *c);  /* the current step's request */
void sl_eng_talk_plain(struct conn *c, const uint8_t *data, size_t n);
void sl_eng_talk_eof(struct conn *c);
void sl_eng_record_step(struct conn *c, enum sl_outcome outcome, const char *detail);
enum sl_proto sl_eng_step_proto(const struct conn *c);
void sl_eng_on_aux(uv_timer_t *t);
void sl_eng_on_deadline(uv_timer_t *t);

/* udp.c */
int sl_eng_udp_setup(struct engine *e, struct sl_err *err); /* sockets; multicast on engine 0 */
void sl_eng_udp_send_host(struct engine *e, struct sl_host *h);
void sl_eng_udp_queue_push(struct engine *e, struct sl_host *h);
void sl_eng_udp_queue_remove(struct engine *e, struct sl_host *h);
void sl_eng_mc_start(struct engine *e);
bool sl_eng_is_mc_responder(struct engine *e, const struct sl_addr *a);

#endif
