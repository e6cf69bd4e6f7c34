/* verify_scan.h - `sightline verify` with the scan engine: rescan the networks
 * of some sites and reconcile what answered with the register.
 *
 * The engine (scan/scan.h) runs without a register so that nothing is matched
 * or overwritten before the verification rules (reconcile.h) have looked at
 * it: each answering host is identified by the engine, judged here under the
 * tier of the site whose network holds it, and kept as an observation; its
 * evidence goes into the register at once under this verification's scan
 * record, and is attached to the device once reconciliation knows which one.
 * An interrupted scan is incomplete and verifies nothing absent.
 *
 * Memory: observations are held for the scan's devices (about 1 KiB each);
 * evidence is not held, it is written as it arrives.
 */
#ifndef SL_PROGRAMME_VERIFY_SCAN_H
#define SL_PROGRAMME_VERIFY_SCAN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "programme/reconcile.h"
#include "store/store.h"
#include "util/err.h"

struct sl_verify_scan_opts {
    const int64_t *site_ids; /* the sites to verify (their networks are scanned) */
    size_t n_sites;
    const char *ports;       /* port list; NULL = the scanner's "cameras" profile */
    unsigned timeout_ms;     /* 0 = the scanner's default */
    double rate;             /* 0 = the scanner's default */
    unsigned concurrency;    /* 0 = the scanner's default */
    const char *actor;
    volatile sig_atomic_t *stop;
    /* Told what will be scanned before anything is sent or recorded (may be
     * NULL); a non-zero return refuses the scan (-1, err of kind invalid, no
     * scan record written): how the CLI asks for --max-addresses. */
    int (*on_start)(uint64_t addresses, const char *targets, void *ctx);
    void *ctx;
};

struct sl_verify_scan_result {
    int64_t scan_id;
    bool complete;
    uint64_t addresses;      /* scanned */
    uint64_t answered;       /* hosts that answered */
    struct sl_reconcile_result rec;
};

/* Returns 0 when the scan ran (see res->complete) and was reconciled; -1 on a
 * setup, scan or register failure (err set). */
int sl_verify_scan(struct sl_store *s, const struct sl_verify_scan_opts *o,
                   struct sl_verify_scan_result *res, struct sl_err *err);

/* A verification fed with what a scan made elsewhere saw (a site agent's,
 * programme/agent_verify.h): the same observations, evidence,
 * reconciliation and scan record (kind "verify") as sl_verify_scan, inside
 * the caller's transaction. open, then sl_verify_feed_device for each
 * device (an on_device callback, the feed its ctx), then close; free always.
 * The policy set is the caller's, already selected. */
struct sl_policy_set;
struct sl_scan_device;
struct sl_verify_feed;
struct sl_verify_feed_opts {
    const int64_t *site_ids; /* the sites verified (held by the caller until free) */
    size_t n_sites;
    const char *targets_text; /* what the scan record says was scanned */
    const char *actor;
    const struct sl_policy_set *policy;
};
int sl_verify_feed_open(struct sl_store *s, const struct sl_verify_feed_opts *o,
                        struct sl_verify_feed **out, int64_t *scan_id, struct sl_err *err);
void sl_verify_feed_device(const struct sl_scan_device *d, void *feed);
/* Reconciles (complete: the scan reached every target) and closes the scan
 * record. 0, or -1 with err. */
int sl_verify_feed_close(struct sl_verify_feed *f, bool complete, uint64_t addresses,
                         uint64_t answered, struct sl_reconcile_result *rec, struct sl_err *err);
void sl_verify_feed_free(struct sl_verify_feed *f);

#endif
