/* watch.c - the passive monitor under an agent: monitor/ on a live interface
 * in a thread of its own, each alert written about a station of the agent's
 * sites kept as a batch record (monitor/agent_alerts.h) until run.c spools
 * it. Its stations and alerts' deduplication are kept in
 * STATE/monitor-state.json across restarts (saved when it stops). The monitor's engine is monitor/'s; nothing here decodes traffic. */
#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/internal.h"
#include "monitor/agent_alerts.h"
#include "monitor/capture.h"
#include "monitor/ident_glue.h"
#include "monitor/monitor.h"
#include "util/cidr.h"
#include "util/datadir.h"
#include "util/str.h"

#define WATCH_NETS 256
#define WATCH_PENDING_MAX (16u << 20) /* bytes of records waiting for run.c */

struct agent_watch {
    struct sl_capture *cap;
    struct sl_cloud *cloud;
    struct sl_mon_identify *identify;
    struct sl_alerts *alerts;
    struct sl_monitor *mon;
    struct sl_cidr nets[WATCH_NETS];
    size_t n_nets;
    char site[SL_NAME_MAX];
    char state[1100];     /* the monitor's stations and alerts, kept across restarts */
    pthread_t th;
    bool running;
    pthread_mutex_t lock; /* guards what follows */
    struct sl_buf pending;
    size_t n_pending, outside, lost;
    bool stop, failed;
    struct sl_err err;
};

/* The configuration's sites: their networks, and the first one's tier and name. */
static int read_sites(struct agent_watch *w, const json_t *config, enum sl_tier *tier,
                      struct sl_err *err)
{
    size_t i, k;
    json_t *site, *net;
    *tier = SL_TIER_OFFICIAL;
    json_array_foreach(json_object_get(config, "sites"), i, site) {
        const char *t = json_string_value(json_object_get(site, "tier"));
        const char *name = json_string_value(json_object_get(site, "name"));
        if (i == 0 && t != NULL)
            sl_tier_from_name(t, tier);
        if (i == 0 && name != NULL)
            sl_strlcpy(w->site, name, sizeof w->site);
        json_array_foreach(json_object_get(site, "networks"), k, net) {
            const char *s = json_string_value(net);
            if (w->n_nets < WATCH_NETS && s != NULL &&
                sl_cidr_parse(s, &w->nets[w->n_nets], NULL) == 0)
                w->n_nets++;
        }
    }
    return w->n_nets > 0 ? 0
                         : sl_err_setk(err, SL_ERR_INVALID,
                                       "the configuration names no network to watch");
}

static bool in_sites(const struct agent_watch *w, const char *addr)
{
    struct sl_addr a;
    if (sl_addr_parse(addr, &a) != 0)
        return false;
    for (size_t i = 0; i < w->n_nets; i++)
        if (sl_cidr_contains(&w->nets[i], &a))
            return true;
    return false;
}

/* The alerts' hook (the monitor's thread): a record for run.c, or counted. */
static void on_written(void *ctx, const struct sl_alert *al, int severity, const char *src,
                       const char *dest, const json_t *detail)
{
    struct agent_watch *w = ctx;
    char addr[SL_ADDR_STRLEN], mac[18];
    bool mine = sl_alert_station(detail, addr, mac) == 0 && in_sites(w, addr);
    pthread_mutex_lock(&w->lock);
    if (!mine)
        w->outside++;
    else if (w->n_pending < SL_ALERT_BATCH_MAX &&
             sl_alert_record_write(&w->pending, al, severity, addr, mac, src, dest, detail) == 0)
        w->n_pending++;
    else
        w->lost++;
    pthread_mutex_unlock(&w->lock);
}

static void *watch_main(void *arg)
{
    struct agent_watch *w = arg;
    struct sl_frame f;
    struct sl_err err = {0};
    for (;;) {
        pthread_mutex_lock(&w->lock);
        bool stop = w->stop;
        pthread_mutex_unlock(&w->lock);
        if (stop)
            break;
        int k = sl_capture_next(w->cap, &f, &err);
        if (k == 1)
            sl_monitor_packet(w->mon, sl_capture_link(w->cap), f.ts_sec, f.ts_usec, f.data,
                              f.caplen, f.wirelen);
        if (k < 0 && k != -2) {
            pthread_mutex_lock(&w->lock);
            w->failed = true;
            w->err = err;
            pthread_mutex_unlock(&w->lock);
            break;
        }
    }
    return NULL;
}

/* Everything but the thread, in the order of opening. */
static int open_all(struct agent_watch *w, const char *iface, const json_t *config,
                    struct sl_err *err)
{
    enum sl_tier tier;
    char path[4096];
    snprintf(path, sizeof path, "%s/cloud-domains.tsv", sl_datadir());
    if (read_sites(w, config, &tier, err) != 0 || sl_cloud_load(&w->cloud, path, err) != 0 ||
        sl_mon_identify_open(&w->identify, sl_datadir(), tier, NULL, err) != 0 ||
        sl_capture_open_live(&w->cap, iface, NULL, 0, false, err) != 0)
        return -1;
    struct sl_alerts_config acfg = {.on_written = on_written, .on_written_ctx = w};
    if ((w->alerts = sl_alerts_new(&acfg)) == NULL)
        return sl_err_set(err, "out of memory");
    struct sl_mon_config mcfg = {.cloud = w->cloud, .identify = w->identify,
                                 .alerts = w->alerts, .site = w->site, .actor = "agent"};
    if (sl_monitor_new(&w->mon, &mcfg, err) != 0)
        return -1;
    if (access(w->state, F_OK) == 0 && sl_monitor_load_state(w->mon, w->state, err) != 0)
        return sl_err_prefix(err, "%s", w->state);
    return 0;
}

void agent_watch_halt(struct agent_watch *w)
{
    if (!w->running)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_mutex_unlock(&w->lock);
    sl_capture_break(w->cap);
    pthread_join(w->th, NULL);
    w->running = false;
    struct sl_err err = {0};
    if (sl_monitor_save_state(w->mon, w->state, &err) != 0)
        fprintf(stderr, "sightline agent: monitor: %s\n", err.msg);
}

void agent_watch_stop(struct agent_watch *w)
{
    if (w == NULL)
        return;
    agent_watch_halt(w);
    sl_monitor_free(w->mon);
    sl_alerts_free(w->alerts);
    sl_capture_close(w->cap);
    sl_mon_identify_close(w->identify);
    sl_cloud_free(w->cloud);
    sl_buf_free(&w->pending);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

static uid_t hand_uid;
static gid_t hand_gid;

static int hand_over(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return lchown(path, hand_uid, hand_gid) == 0 ? 0 : -1;
}

/* Gives up the capture's privileges before any thread reads from it. With a
 * user, the state directory (key, certificates, spool, monitor state: what the
 * agent reads and writes from now on) is handed to that user first, links
 * never followed (FTW_PHYS). */
static int drop(const char *user, const char *state_dir, char *report, size_t report_n,
                struct sl_err *err)
{
    if (user != NULL) {
        const struct passwd *pw = getpwnam(user);
        if (pw == NULL)
            return sl_err_set(err, "--user %s: no such user", user);
        hand_uid = pw->pw_uid;
        hand_gid = pw->pw_gid;
        if (nftw(state_dir, hand_over, 16, FTW_PHYS) != 0)
            return sl_err_set(err, "--user %s: cannot hand %s over to it: %s", user, state_dir,
                              strerror(errno));
    }
    if (sl_drop_privileges(user, report, report_n, err) != 0)
        return -1;
    if (access(state_dir, W_OK | X_OK) != 0)
        return sl_err_set(err, "%s%s cannot write the agent's state directory %s",
                          user != NULL ? "--user " : "the agent without capabilities",
                          user != NULL ? user : "", state_dir);
    return 0;
}

int agent_watch_start(struct agent_watch **out, const char *iface, const json_t *config,
                      const char *state_dir, const char *user, char *report, size_t report_n,
                      struct sl_err *err)
{
    struct agent_watch *w = calloc(1, sizeof *w);
    *out = NULL;
    if (w == NULL)
        return sl_err_set(err, "out of memory");
    snprintf(w->state, sizeof w->state, "%s/monitor-state.json", state_dir);
    pthread_mutex_init(&w->lock, NULL);
    sl_buf_init(&w->pending, WATCH_PENDING_MAX);
    if (open_all(w, iface, config, err) != 0 || drop(user, state_dir, report, report_n, err) != 0 ||
        pthread_create(&w->th, NULL, watch_main, w) != 0) {
        agent_watch_stop(w);
        return sl_err_prefix(err, "--monitor %s", iface);
    }
    w->running = true;
    *out = w;
    return 0;
}

size_t agent_watch_take(struct agent_watch *w, struct sl_buf *into, struct agent_watch_stat *st)
{
    pthread_mutex_lock(&w->lock);
    size_t n = 0;
    if (w->n_pending > 0 && sl_buf_append(into, w->pending.data, w->pending.len) == 0) {
        n = w->n_pending;
        sl_buf_reset(&w->pending);
        w->n_pending = 0;
    }
    st->outside = w->outside;
    st->lost = w->lost;
    st->failed = w->failed;
    if (w->failed)
        st->err = w->err;
    pthread_mutex_unlock(&w->lock);
    return n;
}
