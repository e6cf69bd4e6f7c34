/* engine.c - the scanner's engines (engine.h, scan.h): admission of hosts
 * under the concurrency and the rate, the pump, progress, and the threads of
 * one scan, each running one libuv loop over a shard of the walk. The
 * conversations are conn.c's and talk.c's, the UDP side udp.c's. */
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "scan/engine.h"

#define PUMP_MS 1

static bool is_engine_handle(struct engine *e, uv_handle_t *hd)
{
    return hd == (uv_handle_t *)&e->pump || hd == (uv_handle_t *)&e->progress ||
           hd == (uv_handle_t *)&e->udp4 || hd == (uv_handle_t *)&e->udp6 ||
           hd == (uv_handle_t *)&e->mc_timer;
}

static void close_all(uv_handle_t *hd, void *arg)
{
    struct engine *e = arg;
    if (uv_is_closing(hd))
        return;
    if (is_engine_handle(e, hd))
        uv_close(hd, NULL);
    else
        sl_eng_conn_finish(hd->data);
}

/* Adds the counters the engines keep (devices are the recorder's). */
static void stats_add(struct sl_scan_stats *to, const struct sl_scan_stats *from)
{
    to->hosts_total += from->hosts_total;
    to->hosts_done += from->hosts_done;
    to->hosts_up += from->hosts_up;
    to->probes_sent += from->probes_sent;
    to->connections += from->connections;
    to->evidence += from->evidence;
    to->failures += from->failures;
    to->udp_unmatched += from->udp_unmatched;
    to->late_replies += from->late_replies;
    to->open_conns += from->open_conns;
    to->inflight_hosts += from->inflight_hosts;
}

static void stats_rates(struct sl_scan_stats *st, uint64_t elapsed_ms)
{
    st->elapsed_ms = elapsed_ms;
    st->hosts_per_s = elapsed_ms > 0 ? (double)st->hosts_done * 1000.0 / (double)elapsed_ms : 0;
    st->eta_ms = st->hosts_per_s > 0 && st->hosts_total > st->hosts_done
                     ? (uint64_t)((double)(st->hosts_total - st->hosts_done) / st->hosts_per_s *
                                  1000.0)
                     : 0;
}

/* Each engine publishes its counters; the first one reports the sum. */
static void report_progress(struct engine *e)
{
    struct shared *sh = e->sh;
    e->sum->stats.open_conns = e->open_conns;
    e->sum->stats.inflight_hosts = e->inflight;
    pthread_mutex_lock(&sh->mu);
    sh->pub[e->index] = e->sum->stats;
    if (e->index == 0 && e->cb->on_progress != NULL) {
        struct sl_scan_stats st;
        memset(&st, 0, sizeof st);
        for (unsigned i = 0; i < sh->n; i++)
            stats_add(&st, &sh->pub[i]);
        st.hosts_total += sh->hosts_total;
        st.devices = sh->sum->stats.devices;
        stats_rates(&st, uv_hrtime() / 1000000 - sh->t0_ms);
        e->cb->on_progress(&st, e->cb->ctx);
    }
    pthread_mutex_unlock(&sh->mu);
}

static void shutdown_loop(struct engine *e)
{
    uv_walk(&e->loop, close_all, e);
}

void sl_eng_pump(struct engine *e)
{
    if (e->stopping || e->mc_phase)
        return;
    uint64_t now = sl_eng_now_ms(e);
    while (e->udp_head != NULL && e->udp_head->udp_next_ms <= now) {
        struct sl_host *h = e->udp_head;
        sl_eng_udp_queue_remove(e, h);
        if (h->udp_tries <= e->o->retries) {
            sl_eng_udp_send_host(e, h);
            sl_rate_consume(&e->rate, sl_eng_udp_kind_count(h));
            h->udp_tries++;
            h->udp_next_ms = now + e->udp_interval_ms;
            sl_eng_udp_queue_push(e, h);
        } else {
            h->udp_pending = false;
            sl_eng_host_check_done(e, h);
        }
    }
    while (e->slot_head != NULL && e->open_conns < e->concurrency) {
        struct sl_host *h = e->slot_head;
        e->slot_head = h->qnext;
        if (e->slot_head == NULL)
            e->slot_tail = NULL;
        h->in_slot_wait = false;
        sl_eng_host_start_ports(e, h);
        sl_eng_host_check_done(e, h);
    }
    uint64_t now_us = uv_hrtime() / 1000;
    while (!e->walk_done && !e->stopping && e->inflight < e->max_hosts &&
           e->open_conns < e->concurrency && e->slot_head == NULL) {
        if (sl_rate_available(&e->rate, now_us) < e->per_host)
            break;
        struct sl_addr a;
        uint64_t pos;
        if (sl_walk_next(&e->walk, &a, &pos) == 0) {
            e->walk_done = true;
            break;
        }
        if (sl_eng_is_mc_responder(e, &a))
            continue; /* a multicast responder already being probed */
        sl_rate_consume(&e->rate, e->per_host);
        struct sl_host *h = sl_eng_host_new(e, &a, pos);
        if (h != NULL)
            sl_eng_host_start(e, h);
    }
    if (e->walk_done && e->inflight == 0 && !e->stopping) {
        e->stopping = true; /* done: close what is left (timers, sockets) */
        shutdown_loop(e);
    }
}

static void on_pump(uv_timer_t *t)
{
    struct engine *e = t->data;
    if (((e->o->stop != NULL && *e->o->stop) || atomic_load(&e->sh->failed)) && !e->stopping) {
        e->stopping = true;
        e->stopped = true;
        shutdown_loop(e);
        return;
    }
    sl_eng_pump(e);
}

static void on_progress_timer(uv_timer_t *t)
{
    struct engine *e = t->data;
    report_progress(e);
    if (e->index == 0 && !atomic_load(&e->sh->failed)) {
        pthread_mutex_lock(&e->sh->mu);
        if (sl_recorder_flush(e->sh->rec, 250, &e->sh->err) != 0)
            atomic_store(&e->sh->failed, 1);
        pthread_mutex_unlock(&e->sh->mu);
    }
}

unsigned sl_scan_max_concurrency(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 512;
    rlim_t lim = rl.rlim_max == RLIM_INFINITY ? 65536 : rl.rlim_max;
    if (lim <= SL_SCAN_FD_RESERVE * 2)
        return (unsigned)(lim / 2);
    /* Well under the limit: three quarters of what is left after the reserve. */
    return (unsigned)((lim - SL_SCAN_FD_RESERVE) * 3 / 4);
}

static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

struct run_params {
    const struct sl_scan_opts *o;
    const struct sl_scan_callbacks *cb;
    unsigned conc, timeout_ms, per_host, n;
    uint64_t to_probe; /* targets less exclusions */
    uint64_t seed;
    uint8_t key[16];
};

static void drain_loop(struct engine *e)
{
    if (uv_loop_alive(&e->loop)) {
        uv_walk(&e->loop, close_all, e);
        uv_run(&e->loop, UV_RUN_DEFAULT);
    }
}

static int engine_init(struct engine *e, struct shared *sh, const struct run_params *p,
                       unsigned index, struct sl_err *err)
{
    const struct sl_scan_opts *o = p->o;
    e->o = o;
    e->cb = p->cb;
    e->sh = sh;
    e->index = index;
    e->sum = &e->local;
    e->concurrency = p->conc / p->n > 0 ? p->conc / p->n : 1;
    e->timeout_ms = p->timeout_ms;
    /* WS-Discovery lets a device wait up to 500 ms; a loaded device answers
     * later: a finding missed costs more than a second of waiting. */
    e->udp_window_ms = e->timeout_ms;
    e->udp_interval_ms = e->udp_window_ms / (o->retries + 1);
    if (e->udp_interval_ms < 20)
        e->udp_interval_ms = 20;
    e->per_host = p->per_host;
    /* Hosts waiting only for UDP replies hold no descriptor: allow more of them. */
    e->max_hosts = e->concurrency * 2 + 1024;
    if (e->max_hosts > 65536)
        e->max_hosts = 65536;
    memcpy(e->key, p->key, sizeof e->key);
    sl_walk_init_shard(&e->walk, o->targets, p->seed, index, p->n);
    if (uv_loop_init(&e->loop) != 0)
        return sl_err_set(err, "cannot create the event loop");
    e->loop_ok = true;
    if (sl_tls_ctx_new(&e->tls, err) != 0)
        return -1;
    e->neigh = sl_neigh_new(NULL);
    e->up_ring = calloc(SL_ENG_UP_RING, sizeof *e->up_ring);
    if (e->up_ring == NULL)
        return sl_err_set(err, "out of memory");
    if (sl_eng_udp_setup(e, err) != 0)
        return -1;
    double rate = o->rate / p->n;
    sl_rate_init(&e->rate, rate,
                 rate > 0 ? (rate / 100 > e->per_host * 2 ? rate / 100 : e->per_host * 2) : 1,
                 uv_hrtime() / 1000);
    uv_timer_init(&e->loop, &e->pump);
    uv_timer_init(&e->loop, &e->progress);
    uv_timer_init(&e->loop, &e->mc_timer);
    e->pump.data = e->progress.data = e->mc_timer.data = e;
    return 0;
}

static void engine_run(struct engine *e)
{
    e->t0 = uv_now(&e->loop);
    uv_timer_start(&e->pump, on_pump, PUMP_MS, PUMP_MS);
    uv_timer_start(&e->progress, on_progress_timer, 250, 250);
    if (e->mc_phase)
        sl_eng_mc_start(e);
    sl_eng_pump(e);
    uv_run(&e->loop, UV_RUN_DEFAULT);
    drain_loop(e);
    report_progress(e);
}

static void *engine_thread(void *arg)
{
    engine_run(arg);
    return NULL;
}

/* The lowest walk position this engine has not finished (UINT64_MAX: all done). */
static uint64_t engine_seen_below(const struct engine *e)
{
    uint64_t below = e->walk_done ? UINT64_MAX : e->walk.pos;
    for (const struct sl_host *h = e->hosts; h != NULL; h = h->next)
        if (h->pos < below)
            below = h->pos;
    return below;
}

static void engine_fini(struct engine *e)
{
    while (e->hosts != NULL)
        sl_eng_host_free(e, e->hosts);
    if (e->loop_ok) {
        drain_loop(e);
        uv_loop_close(&e->loop);
    }
    sl_tls_ctx_free(e->tls);
    sl_neigh_free(e->neigh);
    free(e->up_ring);
}

unsigned sl_scan_default_threads(uint64_t addresses)
{
    if (addresses < 1024)
        return 1;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 4 ? 4 : (unsigned)n;
}

unsigned sl_scan_per_host(const struct sl_scan_opts *o)
{
    unsigned n = (unsigned)o->n_ports + (o->udp_discovery ? SL_UDP_COUNT : 0);
    return n > 0 ? n : 1;
}

/* Checks the options and fixes what every engine is given. 0, or -1 with err. */
static int plan_run(const struct sl_scan_opts *o, const struct sl_scan_callbacks *cb,
                    struct run_params *p, struct sl_err *err)
{
    if (o->targets == NULL)
        return sl_err_set(err, "no targets");
    if (o->n_ports == 0 && !o->udp_discovery && o->multicast_iface == NULL)
        return sl_err_set(err, "nothing to probe: no ports and no UDP discovery");
    if (o->n_ports > SL_PORTS_MAX)
        return sl_err_set(err, "more than %d ports", SL_PORTS_MAX);
    unsigned maxc = sl_scan_max_concurrency();
    unsigned conc = o->concurrency ? o->concurrency : SL_SCAN_DEFAULT_CONCURRENCY;
    if (conc > maxc) {
        if (o->concurrency)
            return sl_err_set(err, "concurrency %u is more than this process may open (at most %u "
                                   "with a file limit of %u less a reserve)",
                              conc, maxc, maxc * 4 / 3 + SL_SCAN_FD_RESERVE);
        conc = maxc;
    }
    raise_fd_limit();
    memset(p, 0, sizeof *p);
    p->o = o;
    p->cb = cb;
    p->conc = conc;
    p->timeout_ms = o->timeout_ms ? o->timeout_ms : SL_SCAN_DEFAULT_TIMEOUT_MS;
    p->per_host = sl_scan_per_host(o);
    p->to_probe = sl_targets_count(o->targets) - sl_targets_excluded(o->targets);
    /* Multicast responders are found by the first engine before any walk: one engine. */
    p->n = o->multicast_iface != NULL ? 1
           : o->threads ? o->threads
                        : sl_scan_default_threads(p->to_probe);
    if (p->n > SL_ENG_MAX_ENGINES)
        p->n = SL_ENG_MAX_ENGINES;
    if (p->n > conc)
        p->n = conc;
    p->seed = o->seed;
    if (RAND_bytes(p->key, sizeof p->key) != 1 ||
        (p->seed == 0 && RAND_bytes((unsigned char *)&p->seed, sizeof p->seed) != 1))
        return sl_err_set(err, "no randomness for the scan key");
    return 0;
}

static void announce(const struct run_params *p, const struct shared *sh)
{
    const struct sl_scan_opts *o = p->o;
    if (p->cb->on_start == NULL)
        return;
    struct sl_scan_plan plan = {
        .addresses = sl_targets_count(o->targets),
        .excluded = sl_targets_excluded(o->targets),
        .probes = p->to_probe * p->per_host,
        .per_host = p->per_host,
        .concurrency = p->conc,
        .timeout_ms = p->timeout_ms,
        .rate = o->rate,
        .scan_id = sl_recorder_scan_id(sh->rec),
        .threads = p->n,
    };
    p->cb->on_start(&plan, p->cb->ctx);
}

/* Runs the first engine here and the others on threads of their own, until
 * all are done. 0, or -1 with err when a thread could not start. */
static int run_engines(struct engine *es, struct shared *sh, unsigned n, struct sl_err *err)
{
    sh->t0_ms = uv_hrtime() / 1000000;
    pthread_t tids[SL_ENG_MAX_ENGINES];
    unsigned started = 1;
    for (unsigned k = 1; k < n; k++, started++)
        if (pthread_create(&tids[k], NULL, engine_thread, &es[k]) != 0)
            break;
    if (started < n)
        atomic_store(&sh->failed, 1); /* the others see it and stop */
    engine_run(&es[0]);
    for (unsigned k = 1; k < started; k++)
        pthread_join(tids[k], NULL);
    return started == n ? 0 : sl_err_set(err, "cannot start the scan threads");
}

/* Adds up the counters of the engines that were set up; says whether any
 * stopped early, and what the not-seen report may rely on: every walk
 * position below the lowest unfinished one of any engine was probed. */
static uint64_t collect(struct engine *es, unsigned ready, bool ran, struct sl_scan_summary *sum,
                        bool *stopped)
{
    uint64_t seen_below = UINT64_MAX;
    for (unsigned k = 0; k < ready; k++) {
        struct engine *e = &es[k];
        stats_add(&sum->stats, &e->local.stats);
        if (e->stopped || !e->walk_done)
            *stopped = true;
        uint64_t b = engine_seen_below(e);
        if (b < seen_below)
            seen_below = b;
    }
    return ran ? seen_below : 0; /* nothing was probed: nothing is "not seen" */
}

int sl_scan_run(const struct sl_scan_opts *o, const struct sl_scan_callbacks *cb,
                struct sl_scan_summary *sum, struct sl_err *err)
{
    static const struct sl_scan_callbacks no_cb;
    if (cb == NULL)
        cb = &no_cb;
    memset(sum, 0, sizeof *sum);
    struct run_params p;
    if (plan_run(o, cb, &p, err) != 0)
        return -1;
    struct shared *sh = calloc(1, sizeof *sh);
    struct engine *es = calloc(p.n, sizeof *es);
    if (sh == NULL || es == NULL) {
        free(sh);
        free(es);
        return sl_err_set(err, "out of memory");
    }
    pthread_mutex_init(&sh->mu, NULL);
    sh->sum = sum;
    sh->n = p.n;
    sh->hosts_total = p.to_probe;
    sum->complete = true;
    int rc = -1;
    if (sl_recorder_new(&sh->rec, o, cb, sum, err) != 0)
        goto out_free;
    announce(&p, sh);
    unsigned ready = 0;
    for (; ready < p.n; ready++)
        if (engine_init(&es[ready], sh, &p, ready, err) != 0)
            break;
    bool ran = ready == p.n, stopped = false;
    if (ran)
        rc = run_engines(es, sh, p.n, err);
    uint64_t seen_below = collect(es, ready, ran, sum, &stopped);
    sum->stats.hosts_total += p.to_probe;
    sum->stats.open_conns = sum->stats.inflight_hosts = 0;
    stats_rates(&sum->stats, uv_hrtime() / 1000000 - sh->t0_ms);
    if (!ran)
        sum->stats.elapsed_ms = 0;
    for (unsigned k = 0; k < ready + (ready < p.n ? 1u : 0u); k++)
        engine_fini(&es[k]); /* and the one that failed half-way */
    if (atomic_load(&sh->failed) != 0 && rc == 0) {
        *err = sh->err;
        if (err->msg[0] == '\0')
            sl_err_set(err, "the scan stopped on an error");
        rc = -1;
    }
    bool complete = ran && rc == 0 && !stopped;
    sum->complete = complete;
    struct sl_err ferr = {0};
    if (sl_recorder_finish(sh->rec, &es[0].walk, seen_below, complete, &ferr) != 0 && rc == 0) {
        *err = ferr;
        rc = -1;
    }
    sl_recorder_free(sh->rec);
out_free:
    pthread_mutex_destroy(&sh->mu);
    free(es);
    free(sh);
    return rc;
}
