/* store.h - the register: sites, devices, evidence, scans, lifecycle events,
 * milestones, monitor sightings and alerts, and the hash-chained audit log
 * (DESIGN.md §7).
 *
 * One interface, two backends behind it (store/internal.h is the seam): SQLite
 * (a file: WAL, foreign keys, STRICT tables) for a laptop, a demo or one site,
 * and PostgreSQL for an estate of many writers. Callers never know which.
 * Prepared statements only. Opening a register applies every pending schema
 * migration. Every change is written together with its audit entry in one
 * transaction, so the audit log and the data cannot disagree; the chain is
 * extended by one writer at a time on either backend (docs/register.md).
 *
 * Memory: a struct sl_store is owned by its opener (sl_store_close). Records
 * filled by get/list functions are caller-owned values; those with heap parts
 * say so and have a _free function. Strings passed in are copied.
 *
 * Threads: one struct sl_store per thread. Processes: any number, on any number
 * of hosts (PostgreSQL), may open the same register. SQLite writers serialise
 * on the file's lock (BEGIN IMMEDIATE, busy timeout); PostgreSQL writers run
 * side by side and queue only for the audit chain's head and for a device
 * identity (MAC, serial, address) two of them observe at once.
 *
 * Errors carry a kind (util/err.h): a server that is down or went away is
 * SL_ERR_UNAVAILABLE, a name taken SL_ERR_EXISTS, a newer schema
 * SL_ERR_CONFLICT. Messages name the location, never a password.
 */
#ifndef SL_STORE_STORE_H
#define SL_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/claim.h"
#include "core/evidence.h"
#include "core/tier.h"
#include "util/err.h"
#include "util/timeutil.h"

struct sl_store;

/* ---- opening, schema, transactions ---------------------------------------------- */

enum {
    SL_STORE_NO_MIGRATE = 1 << 0, /* open as is (tests of the migration path, db migrate --status) */
    SL_STORE_READONLY = 1 << 1,   /* open read-only; never creates or migrates */
};

/* Opens (creating if needed) the register at `location` and migrates it to the
 * latest schema unless SL_STORE_NO_MIGRATE. A location is
 *   PATH or sqlite:PATH                    an SQLite file
 *   postgresql://[user@]host[:port]/db     a PostgreSQL database (libpq URI)
 *   host=... dbname=... (libpq conninfo)   the same
 * A PostgreSQL location must not hold a password (refused, SL_ERR_INVALID):
 * libpq reads it from PGPASSFILE, ~/.pgpass or PGPASSWORD. Returns 0 or -1. */
int sl_store_open(struct sl_store **out, const char *location, int flags, struct sl_err *err);
void sl_store_close(struct sl_store *s);

/* "sqlite" or "postgres": the backend a location names (nothing is opened). */
const char *sl_store_backend_of(const char *location);
/* The backend of an open register, and its location for messages (no password). */
const char *sl_store_backend(const struct sl_store *s);
const char *sl_store_where(const struct sl_store *s);

/* The latest schema version this build knows, and the one the file has. */
int sl_store_latest_version(void);
int sl_store_schema_version(struct sl_store *s);
/* Applies migrations up to `target` (<= latest), each in its own transaction. */
int sl_store_migrate(struct sl_store *s, int target, struct sl_err *err);

/* Explicit transactions for work that must be all-or-nothing (an import, a
 * scan's device batch). Write functions join an open transaction, or run in
 * their own. The audit entries of a transaction are written by its outermost
 * commit, under a lock that lets one writer at a time extend the chain, so the
 * chain cannot fork. rollback undoes everything since the outermost begin. */
int sl_store_begin(struct sl_store *s, struct sl_err *err);
int sl_store_commit(struct sl_store *s, struct sl_err *err);
void sl_store_rollback(struct sl_store *s);

/* ---- audit log -------------------------------------------------------------------- */

/* Appends one entry: who did what to which object, with a JSON detail. Joins
 * (or opens) a transaction. Entry n stores hash(n-1) and
 * hash(n) = SHA-256(hash(n-1) || seq || at || actor || action || object || detail),
 * the same bytes on every backend. */
int sl_store_audit(struct sl_store *s, const char *actor, const char *action,
                   const char *object, const char *detail_json, struct sl_err *err);

/* The same with the detail as a JSON value (written compact, keys sorted;
 * ownership moves in). */
struct json_t;
int sl_store_audit_json(struct sl_store *s, const char *actor, const char *action,
                        const char *object, struct json_t *detail, struct sl_err *err);
#define SL_AUDIT_LISTED 50 /* mismatches kept with their text (all are counted) */

struct sl_audit_report {
    int64_t entries;        /* entries checked */
    int64_t first_bad_seq;  /* 0 when the chain is intact */
    char problem[256];      /* what is wrong with first_bad_seq */
    char head_hash[65];     /* hex hash of the last entry ("" when empty) */
    int64_t head_seq;
    char head_at[SL_ISO_LEN];
    bool head_keyed;        /* the last entry is keyed (HMAC under the audit key) */
    bool key_given;         /* the register was opened with an audit key */
    int64_t keyed;          /* keyed entries */
    char integrity[256];    /* "ok" or the database's first consistency complaint */
    /* The replay (schema 5 on): the audit log against the tables. */
    int64_t mismatches;     /* every disagreement found */
    size_t n_listed;
    char mismatch[SL_AUDIT_LISTED][200];
    int64_t evidence_checked;  /* evidence rows whose bytes an entry hashed */
    int64_t evidence_before;   /* rows written before evidence was hashed (not checkable) */
};

/* Checks the database (integrity_check, foreign_key_check), the whole chain
 * (keyed entries with the register's audit key) and then replays the audit log
 * against what reports are built from: devices (their status and when it
 * began), lifecycle_events, sites and their networks, milestones and the
 * evidence bytes (hashed into the entries that recorded them); every
 * disagreement is counted and the first SL_AUDIT_LISTED are described. Audit
 * time going backwards is a mismatch too. Returns 0 when it could check (see
 * the report for the outcome), -1 on error. */
int sl_store_verify(struct sl_store *s, struct sl_audit_report *rep, struct sl_err *err);

/* ---- keyed chaining and demo marks ----------------------------------------------- */

#define SL_AUDIT_KEY_MIN 16
#define SL_AUDIT_KEY_MAX 1024
/* Loads the audit key (a file readable by its owner only, 16 to 1024 bytes,
 * a final newline ignored) for every register this process opens afterwards:
 * their new audit entries are HMAC-SHA-256 under it, and verification checks
 * keyed entries with it. Process-wide. 0, or -1 (SL_ERR_INVALID). */
int sl_store_audit_key_load(const char *path, struct sl_err *err);
void sl_store_audit_key_clear(void);
/* True when s writes keyed entries. */
bool sl_store_keyed(const struct sl_store *s);
/* Marks everything s writes from now on as the demo's: audit entries carry
 * "demo": true, lifecycle events demo = true. */
void sl_store_mark_demo(struct sl_store *s, bool demo);
/* The newest audit entry and its hash (hex): what a report prints so that a
 * reader can anchor the chain elsewhere. *seq 0 and "" when the log is empty.
 * Every change of the register moves it, so the dashboard versions what it
 * computes from the register by it. */
int sl_store_audit_head(struct sl_store *s, int64_t *seq, char hash_hex[65], struct sl_err *err);
/* The newest audit entry that is not about accounts and sessions (actions
 * "user.*": sign-ins, grants, tokens): every change of what the programme's
 * figures read moves it, a sign-in does not. One index step (migration 11's
 * partial index). *seq 0 when there is none. */
int sl_store_figures_head(struct sl_store *s, int64_t *seq, struct sl_err *err);

struct sl_audit_entry {
    int64_t seq;
    char at[SL_ISO_LEN];
    char actor[64];
    char action[64];
    char object[128];
    char *detail; /* owned by the callback's caller; valid during the callback */
};
typedef int (*sl_audit_cb)(const struct sl_audit_entry *e, void *ctx);
/* Calls cb for entries with seq > after_seq in order (limit 0 = all); cb returning
 * non-zero stops the walk. */
int sl_store_audit_list(struct sl_store *s, int64_t after_seq, int64_t limit, sl_audit_cb cb,
                        void *ctx, struct sl_err *err);

/* ---- moving a register (store/copy.c) ------------------------------------------- */

/* Called every 50,000 rows of a table and at its end. */
typedef void (*sl_copy_cb)(const char *table, int64_t rows_done, void *ctx);

/* Copies every row of src into dst, keeping ids, in one transaction: any backend to
 * any backend. Refuses (SL_ERR_CONFLICT) a destination that holds any row or
 * either register not at the latest schema, and (SL_ERR_CORRUPT) a source
 * whose audit chain is broken. At the end the destination's chain is verified
 * into *rep and must match the source's head. Returns 0 or -1. */
int sl_store_copy(struct sl_store *src, struct sl_store *dst, sl_copy_cb cb, void *ctx,
                  struct sl_audit_report *rep, struct sl_err *err);
/* The tables a copy moves, in order (NULL past the end): for tests. */
const char *sl_store_copy_table(size_t i);

/* ---- sites ------------------------------------------------------------------------ */

#define SL_NAME_MAX 128

struct sl_site {
    int64_t id;
    char name[SL_NAME_MAX];
    char department[SL_NAME_MAX];
    enum sl_tier tier;
    char created_at[SL_ISO_LEN];
    char vehicle_rule[64]; /* the site's vehicle rule, canonical text; "" = none set */
    size_t n_networks;
    char **networks; /* owned: sl_site_free */
};

void sl_site_free(struct sl_site *site);

/* Adds a site with its networks (already validated CIDR strings). */
int sl_store_site_add(struct sl_store *s, const char *name, const char *department,
                      enum sl_tier tier, const char *const *networks, size_t n_networks,
                      const char *actor, int64_t *id_out, struct sl_err *err);
/* Returns 1 and fills *site, 0 when there is no such site, -1 on error. */
int sl_store_site_get(struct sl_store *s, const char *name, struct sl_site *site,
                      struct sl_err *err);
int sl_store_site_get_id(struct sl_store *s, int64_t id, struct sl_site *site, struct sl_err *err);

typedef int (*sl_site_cb)(const struct sl_site *site, void *ctx);
int sl_store_site_list(struct sl_store *s, sl_site_cb cb, void *ctx, struct sl_err *err);

/* Sets (rule = its canonical text, vehicle/siterule.h) or clears (NULL or "")
 * a site's vehicle rule. Audited (site.vehicle_rule). Joins an open
 * transaction, so the caller can judge the site's vehicles again in it. */
int sl_store_site_set_vehicle_rule(struct sl_store *s, int64_t site_id, const char *rule,
                                   const char *actor, struct sl_err *err);

/* ---- scans ------------------------------------------------------------------------ */

enum sl_scan_status { SL_SCAN_RUNNING = 0, SL_SCAN_COMPLETE, SL_SCAN_INCOMPLETE };
const char *sl_scan_status_name(enum sl_scan_status st);

struct sl_scan {
    int64_t id;
    int64_t site_id; /* 0 = none */
    char started_at[SL_ISO_LEN];
    char finished_at[SL_ISO_LEN];
    enum sl_scan_status status;
    char targets[512];    /* as the operator gave them (truncated) */
    char kind[16];        /* "scan", "verify", "import", "monitor" */
    int64_t hosts_total, hosts_up, devices_found;
};

int sl_store_scan_begin(struct sl_store *s, int64_t site_id, const char *kind,
                        const char *targets, const char *options_json, const char *actor,
                        int64_t *scan_id, struct sl_err *err);
int sl_store_scan_finish(struct sl_store *s, int64_t scan_id, enum sl_scan_status status,
                         int64_t hosts_total, int64_t hosts_up, int64_t devices_found,
                         const char *actor, struct sl_err *err);
int sl_store_scan_get(struct sl_store *s, int64_t scan_id, struct sl_scan *scan,
                      struct sl_err *err);
/* Scans left 'running' on this host by a process that is gone (killed): each
 * marked incomplete, with a "scan.interrupted" audit entry. Done by every
 * writable open and by db verify; *reaped says how many. 0 or -1. A scan of
 * another host (PostgreSQL) is left to that host. */
int sl_store_scans_reap(struct sl_store *s, int64_t *reaped, struct sl_err *err);

/* ---- devices ---------------------------------------------------------------------- */

/* Lifecycle statuses (DESIGN.md §7). */
enum sl_status {
    SL_STATUS_DISCOVERED = 0,
    SL_STATUS_CONFIRMED,
    SL_STATUS_SCHEDULED,
    SL_STATUS_REMOVED,
    SL_STATUS_VERIFIED_ABSENT,
    SL_STATUS_EXEMPT,
    SL_STATUS_REAPPEARED,
    SL_STATUS_COUNT
};
const char *sl_status_name(enum sl_status st);
int sl_status_from_name(const char *name, enum sl_status *out);

struct sl_device {
    int64_t id;
    int64_t site_id;               /* 0 = not assigned to a site */
    char site[SL_NAME_MAX];        /* site name, "" when none */
    char mac[18];
    char serial[96];
    char address[48];
    char ports[128];               /* "80,443,554" */
    struct sl_claim claim;
    struct sl_verdict verdict;
    enum sl_status status;
    char status_since[SL_ISO_LEN];
    char scheduled_for[SL_DATE_LEN];
    char replaced_by[128];
    char exempt_reason[256];
    char exempt_approver[64];
    char exempt_until[SL_DATE_LEN];
    char first_seen[SL_ISO_LEN];
    char last_seen[SL_ISO_LEN];
    int64_t last_scan_id;
};

/* What a scan (or the monitor, or an import) saw of one device. */
struct sl_device_obs {
    int64_t scan_id;      /* 0 = none */
    int64_t site_id;      /* 0 = none */
    const char *mac;      /* NULL or "" when unknown */
    const char *serial;
    const char *address;
    const char *ports;
    const struct sl_claim *claim;
    const struct sl_verdict *verdict;
    int64_t seen_at;
};

/* Finds the device an observation belongs to: by MAC, else serial, else
 * address within the same site. Returns 1 (found, *id set), 0 (none), -1. */
int sl_store_device_match(struct sl_store *s, const struct sl_device_obs *obs, int64_t *id,
                          struct sl_err *err);

/* Records an observation: updates the matched device (identity fields filled in,
 * claim and verdict replaced, last_seen) or creates one with status
 * `discovered`. Sets *created. Lifecycle consequences (reappeared) are the
 * caller's (programme/lifecycle.h), through sl_store_device_set_status. */
int sl_store_device_observe(struct sl_store *s, const struct sl_device_obs *obs,
                            const char *actor, int64_t *id, bool *created, struct sl_err *err);

/* What observing found (sl_store_device_observe_ex). */
struct sl_observed {
    bool created;
    bool conflict;        /* a MAC or serial matched a device this scan already saw at
                             another address, or of another maker: a new device instead */
    bool moved;           /* the device's address changed (audited: device.address) */
    bool positive;        /* matched by MAC, serial, or the same maker: seen again for sure */
    int prior_status;     /* enum sl_status before, or -1 when created */
};
/* The same, saying what happened. A device-claimed MAC or serial never merges
 * two hosts seen in the same scan, nor hosts of different makers (issue 11);
 * every address change is audited. */
int sl_store_device_observe_ex(struct sl_store *s, const struct sl_device_obs *obs,
                               const char *actor, int64_t *id, struct sl_observed *out,
                               struct sl_err *err);

/* A scan's batch of observations in one call (store/observe_batch.c): each
 * item is one device as seen, with the evidence of its address. */
struct sl_obs_item {
    struct sl_device_obs obs;
    const struct sl_evidence *const *evs; /* n_evs rows of obs.address */
    size_t n_evs;
};
#define SL_OBS_BATCH_MAX 1000
/* Records n (<= SL_OBS_BATCH_MAX) observations and their evidence in one
 * transaction (joining an open one): the same register and audit entries as
 * sl_store_device_observe_ex then sl_store_evidence_add_many (device = the
 * observed one) for each item in order, but on a server a few statements for
 * the whole batch (matched together, written over arrays, evidence by bulk
 * load) instead of several per device. ids[i] and out[i] (out may be NULL)
 * say what became of item i. 0, or -1 with nothing of the batch written. */
int sl_store_observe_batch(struct sl_store *s, const struct sl_obs_item *items, size_t n,
                           const char *actor, int64_t *ids, struct sl_observed *out,
                           struct sl_err *err);
/* How many batches this connection wrote one observation at a time (always
 * on SQLite; on a server only a batch in which two observations share a MAC,
 * serial or address, or match one device): for benchmarks and tests. */
int64_t sl_store_batches_one_by_one(const struct sl_store *s);

/* Locks a device until the transaction ends (call inside sl_store_begin), so
 * that reading it, checking a change and writing the change cannot interleave
 * with another writer doing the same. Returns 1, 0 when there is no such
 * device, -1 on error. */
int sl_store_device_lock(struct sl_store *s, int64_t id, struct sl_err *err);

/* Returns 1 and fills *d, 0 when there is no such device, -1 on error. */
int sl_store_device_get(struct sl_store *s, int64_t id, struct sl_device *d, struct sl_err *err);
/* Up to SL_DEVICE_BATCH devices by id in one statement: out[i] and found[i] for
 * ids[i] (a report listing a million devices makes 10,000 queries, not 2
 * million, which a remote server needs). */
#define SL_DEVICE_BATCH 100
int sl_store_device_get_many(struct sl_store *s, const int64_t *ids, size_t n,
                             struct sl_device *out, bool *found, struct sl_err *err);
/* Looks a device up by id, MAC, serial or address (in that order). */
int sl_store_device_find(struct sl_store *s, const char *key, struct sl_device *d,
                         struct sl_err *err);

struct sl_device_filter {
    const char *site;         /* site name, or NULL */
    int status;               /* enum sl_status, or -1 for any */
    const char *manufacturer; /* canonical name (case-insensitive), or NULL */
    const char *decision;     /* verdict decision name, or NULL */
    int64_t limit;            /* 0 = no limit */
};

struct sl_status_counts {
    int64_t total;
    int64_t by_status[SL_STATUS_COUNT];
};
/* Counts devices by lifecycle status, of one site (name) or all (NULL). */
int sl_store_count_devices(struct sl_store *s, const char *site, struct sl_status_counts *out,
                           struct sl_err *err);

/* Callbacks of list functions must not call the same list function again (the
 * statement is shared); collect ids first when a walk needs to change devices. */
typedef int (*sl_device_cb)(const struct sl_device *d, void *ctx);
int sl_store_device_list(struct sl_store *s, const struct sl_device_filter *f, sl_device_cb cb,
                         void *ctx, struct sl_err *err);

/* ---- lifecycle events ------------------------------------------------------------- */

struct sl_event {
    int64_t id;
    int64_t device_id;
    char at[SL_ISO_LEN];          /* when the change happened (may be back-dated) */
    char recorded_at[SL_ISO_LEN]; /* when it was written */
    char actor[64];
    int from_status;              /* enum sl_status, or -1 for "none" (creation) */
    enum sl_status to_status;
    char note[512];
    char replaced_by[128];
    char scheduled_for[SL_DATE_LEN];
    char exempt_until[SL_DATE_LEN];
    char exempt_approver[64];
    int64_t scan_id;
};

/* Moves a device to ev->to_status and records the event (ev->from_status is
 * filled in from the device). The caller has already checked the transition is
 * legal (programme/lifecycle.c). Fields of ev that are "" stay as they were on
 * the device; at == "" means now. Audited. */
int sl_store_device_set_status(struct sl_store *s, int64_t device_id, struct sl_event *ev,
                               struct sl_err *err);

typedef int (*sl_event_cb)(const struct sl_event *e, void *ctx);
/* Events of one device (device_id > 0) or of all devices (0), oldest first,
 * with at <= until (NULL = no limit). */
int sl_store_event_list(struct sl_store *s, int64_t device_id, const char *until, sl_event_cb cb,
                        void *ctx, struct sl_err *err);

/* ---- evidence --------------------------------------------------------------------- */

#define SL_EVIDENCE_MAX_BYTES (64 * 1024) /* raw bytes kept per evidence record */

/* Stores n pieces of evidence of one address at once (a few rows per
 * statement: one round trip where a server is remote; raw bytes capped at
 * SL_EVIDENCE_MAX_BYTES, the stored record says when they were cut).
 * device_id may be 0 (not yet known). Audited as one "evidence.add" entry
 * that holds the SHA-256 of the rows' contents, so db verify finds evidence
 * changed, added or removed behind the store's back; one call per scan and
 * address (a second call for the same pair is a new entry checked after the
 * first). */
int sl_store_evidence_add_many(struct sl_store *s, int64_t scan_id, int64_t device_id,
                               const char *address, const struct sl_evidence *const *evs,
                               size_t n, const char *actor, struct sl_err *err);
/* Attaches evidence rows of a scan and address to a device once it is known. */
int sl_store_evidence_assign(struct sl_store *s, int64_t scan_id, const char *address,
                             int64_t device_id, struct sl_err *err);

struct sl_evidence_row {
    int64_t id, scan_id, device_id;
    char address[48];
    char observed_at[SL_ISO_LEN];
    char path[256];
    char request[128];
    char detail[256];
    struct sl_evidence ev; /* data/path/request/detail point into this row */
    bool truncated;
};
typedef int (*sl_evidence_cb)(const struct sl_evidence_row *r, void *ctx);
/* Evidence of one device, newest scan first (limit 0 = all). */
int sl_store_evidence_list(struct sl_store *s, int64_t device_id, int64_t limit,
                           sl_evidence_cb cb, void *ctx, struct sl_err *err);
/* The same for up to SL_DEVICE_BATCH devices in one statement, at most
 * per_device rows each; a device's rows come together (by device id). */
int sl_store_evidence_list_many(struct sl_store *s, const int64_t *ids, size_t n,
                                int64_t per_device, sl_evidence_cb cb, void *ctx,
                                struct sl_err *err);

/* ---- milestones ------------------------------------------------------------------- */

struct sl_milestone {
    int64_t id;
    char name[SL_NAME_MAX];
    char due[SL_DATE_LEN];
    char target_kind[8];  /* "percent" or "count" */
    double target;
    char scope_kind[16];  /* "all", "tier", "department", "site"; "fleet" (vehicle parts) */
    char scope_value[SL_NAME_MAX];
    char created_at[SL_ISO_LEN];
    char subject[16];     /* what it counts: "devices" ("" reads as it) or "vehicle-parts" */
};

int sl_store_milestone_add(struct sl_store *s, const struct sl_milestone *m, const char *actor,
                           int64_t *id, struct sl_err *err);
/* Returns 1 when removed, 0 when there was none by that name. */
int sl_store_milestone_remove(struct sl_store *s, const char *name, const char *actor,
                              struct sl_err *err);
typedef int (*sl_milestone_cb)(const struct sl_milestone *m, void *ctx);
int sl_store_milestone_list(struct sl_store *s, sl_milestone_cb cb, void *ctx,
                            struct sl_err *err);

/* ---- monitor: sightings and alerts (store/monitor_queries.c) ---------------------- */

/* Records that `mac` used `address` at time `seen` (ISO): inserts the pair or
 * widens its first/last seen; device_id 0 leaves the link as it was. Not
 * audited (it is traffic, not a change of the register's facts). */
int sl_store_sighting_upsert(struct sl_store *s, const char *mac, const char *address,
                             int64_t device_id, const char *first_seen, const char *last_seen,
                             struct sl_err *err);

struct sl_sighting {
    char mac[18];
    char address[48];
    int64_t device_id; /* 0 = none */
    char first_seen[SL_ISO_LEN];
    char last_seen[SL_ISO_LEN];
};
typedef int (*sl_sighting_cb)(const struct sl_sighting *sg, void *ctx);
/* All sightings, oldest first seen first. */
int sl_store_sighting_list(struct sl_store *s, sl_sighting_cb cb, void *ctx, struct sl_err *err);

/* Writes one alert row (count 1, last_at = first_at); *id gets its id. */
int sl_store_alert_add(struct sl_store *s, const char *first_at, uint32_t signature_id,
                       const char *signature, int severity, int64_t device_id, const char *src,
                       const char *dest, const char *detail_json, int64_t *id,
                       struct sl_err *err);
/* Sets an alert row's count and last_at (a deduplicated alert seen again). */
int sl_store_alert_update(struct sl_store *s, int64_t id, const char *last_at, int64_t count,
                          struct sl_err *err);

struct sl_alert_row {
    int64_t id;
    char first_at[SL_ISO_LEN], last_at[SL_ISO_LEN];
    int64_t signature_id;
    char signature[128];
    int severity;
    int64_t device_id;
    char src[64], dest[64];
    int64_t count;
    char *detail; /* valid during the callback */
    /* sl_store_alert_newest only: the device's site (0 and "" when none). */
    int64_t site_id;
    char site[SL_NAME_MAX], department[SL_NAME_MAX];
};
typedef int (*sl_alert_row_cb)(const struct sl_alert_row *r, void *ctx);
/* Alerts in id order (limit 0 = all). */
int sl_store_alert_list(struct sl_store *s, int64_t limit, sl_alert_row_cb cb, void *ctx,
                        struct sl_err *err);
/* Alerts newest first, older than id `before` (0 = from the newest), at most
 * limit, each with its device's site (the dashboard's alerts page). */
int sl_store_alert_newest(struct sl_store *s, int64_t before, int64_t limit, sl_alert_row_cb cb,
                          void *ctx, struct sl_err *err);

/* The register device a monitored station is: by MAC; else, when both are
 * known, by address and manufacturer (within site_id when > 0). Returns 1 and
 * fills *d, 0 when none, -1 on error. */
int sl_store_monitor_match(struct sl_store *s, const char *mac, const char *address,
                           const char *manufacturer, int64_t site_id, struct sl_device *d,
                           struct sl_err *err);

/* ---- programme queries (store/programme_queries.c) -------------------------------- */

/* Largest device id (0 when there are none): sizes the dense arrays of a replay. */
int sl_store_device_max_id(struct sl_store *s, int64_t *out, struct sl_err *err);

/* One affected device (decision prohibited or replace-by) as the programme sees it. */
struct sl_affected_row {
    int64_t id;
    int64_t site_id;        /* 0 = none */
    enum sl_decision decision;
    const char *deadline;   /* replace-by deadline "YYYY-MM-DD" or "" */
};
typedef int (*sl_affected_cb)(const struct sl_affected_row *r, void *ctx);
/* Every affected device, by id. Callback data is valid during the call only. */
int sl_store_affected_list(struct sl_store *s, sl_affected_cb cb, void *ctx,
                           struct sl_err *err);

/* One lifecycle event as a replay reads it (text valid during the call only). */
struct sl_replay_row {
    const char *at;            /* "YYYY-MM-DDTHH:MM:SSZ" */
    int64_t device_id;
    const char *to_status;
    const char *exempt_until;  /* "" when none */
    const char *scheduled_for; /* "" when none */
};
typedef int (*sl_replay_cb)(const struct sl_replay_row *r, void *ctx);
/* Every lifecycle event with at <= until (NULL = all) in time order (at, id),
 * streamed from the covering index of migration 4. */
int sl_store_event_replay(struct sl_store *s, const char *until, sl_replay_cb cb, void *ctx,
                          struct sl_err *err);

/* The time of the earliest lifecycle event ("" when there is none). */
int sl_store_event_first_at(struct sl_store *s, char out[SL_ISO_LEN], struct sl_err *err);

/* The latest event of a device that moved it to `to` with at <= until (NULL = any).
 * Returns 1 and fills *e, 0 when there is none, -1 on error. */
int sl_store_event_last_to(struct sl_store *s, int64_t device_id, enum sl_status to,
                           const char *until, struct sl_event *e, struct sl_err *err);

/* ---- verdict history (store/verdicts.c) ------------------------------------------ */

/* Every change of a device's claim (manufacturer, model, firmware, confidence,
 * rules) or verdict (decision, policy, deadline) is one append-only row of
 * verdict_events with a device.verdict audit entry, written in the
 * transaction that changes the device: by an observation (a scan, an import,
 * a verification, the monitor) or by sl_store_device_rejudge. The device
 * keeps its current claim and verdict. Before a device's first recorded
 * change it had that change's "from" verdict; a device with no change has had
 * its current verdict all along (or since before migration 9). */
enum { SL_CHANGED_CLAIM = 1, SL_CHANGED_VERDICT = 2 };

/* Replaces a device's claim and verdict with ones judged again (devices
 * reassess), recording the change as above (via "reassess", at = now), in one
 * transaction. *changed (may be NULL) gets SL_CHANGED_* bits; 0 = nothing
 * changed and nothing written. No such device: SL_ERR_NOT_FOUND. 0 or -1. */
int sl_store_device_rejudge(struct sl_store *s, int64_t id, const struct sl_claim *c,
                            const struct sl_verdict *v, const char *actor, int *changed,
                            struct sl_err *err);

/* One change as read back (text valid during the callback only). */
struct sl_verdict_change {
    int64_t id, device_id, scan_id, site_id; /* scan_id, site_id 0 = none */
    const char *at, *actor, *via;
    const char *site, *address;              /* the device's current site and address */
    bool claim_changed, verdict_changed;
    const char *from_claim, *to_claim;       /* claim JSON */
    const char *from_manufacturer, *to_manufacturer; /* "" = none identified */
    enum sl_decision from_decision, to_decision;
    const char *from_policy, *to_policy, *from_deadline, *to_deadline; /* "" = none */
    const char *policy_version;              /* of the new verdict's policy */
    const char *rules;                       /* the new claim's rule ids, " " between */
    const char *reason;                      /* the new verdict's reason */
};
typedef int (*sl_verdict_change_cb)(const struct sl_verdict_change *c, void *ctx);
/* The changes of one device, oldest first (claim-only changes too). */
int sl_store_verdict_history(struct sl_store *s, int64_t device_id, sl_verdict_change_cb cb,
                             void *ctx, struct sl_err *err);
/* Every verdict change (decision, policy or deadline) with at <= until (NULL =
 * all), newest first, in keyset pages: never held in memory. */
int sl_store_verdict_changes(struct sl_store *s, const char *until, sl_verdict_change_cb cb,
                             void *ctx, struct sl_err *err);

/* What the as-of replay reads: verdict changes in time order (at, id) after
 * (*after_at, *after_id) ("" and 0 to start) with at <= until, until cb
 * returns non-zero; the keys move on with every row, so a caller can stop
 * and carry on later with the same keys (a bounded look-ahead). */
struct sl_verdict_replay_row {
    const char *at;
    int64_t device_id;
    enum sl_decision to_decision;
    const char *to_deadline; /* "" = none */
};
typedef int (*sl_verdict_replay_cb)(const struct sl_verdict_replay_row *r, void *ctx);
int sl_store_verdict_replay(struct sl_store *s, const char *until, char after_at[SL_ISO_LEN],
                            int64_t *after_id, sl_verdict_replay_cb cb, void *ctx,
                            struct sl_err *err);
/* For each device with a verdict change, by id: the verdict it had before its
 * first one (and its current site). */
struct sl_verdict_first_row {
    int64_t device_id, site_id;
    enum sl_decision from_decision;
    const char *from_deadline;
};
typedef int (*sl_verdict_first_cb)(const struct sl_verdict_first_row *r, void *ctx);
int sl_store_verdict_first(struct sl_store *s, sl_verdict_first_cb cb, void *ctx,
                           struct sl_err *err);

/* ---- vehicles and their connected parts (store/vehicles.c) ---------------------- */

/* A vehicle as the register holds it (docs/vehicles.md). Writing reads the
 * fields marked "in" (text NULL or "" = none); reading fills every field, and
 * its text points into the row: valid during the callback only. */
struct sl_vehicle_row {
    int64_t id;
    const char *vin, *make, *model, *fleet, *registration; /* in */
    const char *wmi;          /* in: the VIN's first three characters */
    const char *maker;        /* in: the registry vendor that made it, "" = not identified */
    const char *source;       /* in: where it came from ("line 7", "bom.json") */
    int model_year;           /* in: 0 = unknown */
    bool model_year_from_vin; /* in */
    int64_t site_id;          /* in: 0 = none */
    const char *site;         /* the site's name ("" = none) */
    const char *status;       /* "active" or "retired" */
    const char *status_since, *first_seen, *last_changed, *judged_at;
    struct sl_verdict verdict; /* in: decision, policy, deadline, reason */
};

/* One connected part of a vehicle; the same conventions. */
struct sl_vpart_row {
    int64_t id, vehicle_id;
    int position;             /* in: 1, 2, ... within its vehicle */
    const char *kind;         /* in: "tcu", "cellular", ... (vehicle/fleet.h) */
    const char *layer;        /* in: "hardware", "software" or "" */
    const char *supplier, *manufacturer, *model, *version, *imei, *serial, *purl, *cpe; /* in */
    const char *source;       /* in: "line 12", "components[3]" */
    const char *vendor;       /* in: the vendor behind the verdict, "" = none identified */
    const char *vendors;      /* in: every vendor identified, ", " between */
    const char *rules;        /* in: the rules that identified them, " " between */
    const char *status;       /* "fitted", "scheduled", "removed" or "exempt" */
    const char *status_since, *replaced_by;
    const char *scheduled_for;                 /* scheduled: the removal date */
    const char *exempt_until, *exempt_approver, *exempt_reason; /* exempt */
    const char *exempt_from;  /* exempt: the status before its exemption began (a renewal
                                 keeps the first's), "" when no event says; read only */
    struct sl_verdict verdict; /* in: decision, policy, deadline (the reason is not kept) */
};

/* Adds a vehicle with its n parts (positions as given), their creation event
 * and one audit entry (vehicle.add). Joins an open transaction. A VIN, or a
 * part's IMEI, already in the register is SL_ERR_EXISTS naming it. */
int sl_store_vehicle_add(struct sl_store *s, const struct sl_vehicle_row *v,
                         const struct sl_vpart_row *parts, size_t n, const char *actor,
                         int64_t *id, struct sl_err *err);

/* A whole fleet in one transaction: next() gives one vehicle and its parts at
 * a time (1), or says it is done (0) or failed (-1, err set); each is added as
 * sl_store_vehicle_add does, with the same prepared statements. All of it or,
 * on any failure, nothing. *added counts the vehicles. */
typedef int (*sl_vehicle_next)(void *ctx, struct sl_vehicle_row *v,
                               const struct sl_vpart_row **parts, size_t *n, struct sl_err *err);
int sl_store_vehicles_import(struct sl_store *s, sl_vehicle_next next, void *ctx,
                             const char *actor, size_t *added, struct sl_err *err);

/* The vehicle with this VIN (any case), else this registration: 1 and *id, 0, -1. */
int sl_store_vehicle_find(struct sl_store *s, const char *key, int64_t *id, struct sl_err *err);

typedef int (*sl_vehicle_cb)(const struct sl_vehicle_row *v, void *ctx);
typedef int (*sl_vpart_cb)(const struct sl_vpart_row *p, void *ctx);
/* One vehicle: vcb (when not NULL) with the vehicle, then pcb (when not NULL)
 * with each of its parts by position. Returns 1, 0 when there is no such vehicle, -1. */
int sl_store_vehicle_read(struct sl_store *s, int64_t id, sl_vehicle_cb vcb, sl_vpart_cb pcb,
                          void *ctx, struct sl_err *err);

struct sl_vehicle_filter {
    const char *fleet;    /* exact, or NULL */
    const char *site;     /* site name, or NULL */
    int64_t site_id;      /* > 0: that site only */
    const char *decision; /* the vehicle's verdict, or NULL */
    const char *vendor;   /* made by it, or with a fitted part it was identified in
                             (case-insensitive), or NULL */
    const char *status;   /* "active", "retired", or NULL */
    int64_t limit;        /* 0 = no limit */
};
/* Vehicles by id, paged (any number). The callback may read other vehicles
 * but must not list again. */
int sl_store_vehicle_list(struct sl_store *s, const struct sl_vehicle_filter *f, sl_vehicle_cb cb,
                          void *ctx, struct sl_err *err);

/* One page of the dashboard's vehicle list: only vehicles of these sites
 * (site_ids NULL: any, vehicles without a site too), each filter NULL when
 * absent; ordered by id (oldest first, or newest) or by VIN, after the key
 * of the last row of the previous page (after_id, or after_vin; 0 / NULL:
 * the first page). Read from an index of the filter's column with the id
 * (migration 16): a page costs its rows, whatever the register's size. */
enum sl_vehicle_order { SL_VORDER_OLDEST, SL_VORDER_NEWEST, SL_VORDER_VIN };
struct sl_vehicle_page_query {
    const int64_t *site_ids;
    size_t n_site_ids;
    const char *fleet, *decision, *status;
    enum sl_vehicle_order order;
    int64_t after_id;
    const char *after_vin;
    int64_t limit; /* 1 .. 1000 */
};
int sl_store_vehicle_page(struct sl_store *s, const struct sl_vehicle_page_query *q,
                          sl_vehicle_cb cb, void *ctx, struct sl_err *err);

/* Parts still exempt whose exemption's last day is before `day` (YYYY-MM-DD),
 * with their vehicle, last day, the status before the exemption and the
 * removal date it last carried when scheduled, by id after `after_id`, at
 * most `limit`. */
struct sl_vpart_expired {
    int64_t part_id, vehicle_id;
    char until[SL_ISO_LEN], back_to[16], scheduled_for[SL_ISO_LEN];
};
typedef int (*sl_vpart_expired_cb)(const struct sl_vpart_expired *x, void *ctx);
int sl_store_vpart_expired(struct sl_store *s, const char *day, int64_t after_id, int64_t limit,
                           sl_vpart_expired_cb cb, void *ctx, struct sl_err *err);

/* One change of a vehicle or of one of its parts (vehicle_events). */
struct sl_vehicle_event {
    int64_t id, vehicle_id, part_id;  /* part_id 0: the vehicle itself */
    char at[SL_ISO_LEN];              /* in: when it happened; "" = now */
    char recorded_at[SL_ISO_LEN];
    char actor[64];                   /* in */
    char from_status[16];             /* filled in from the record ("" at creation) */
    char to_status[16];               /* in */
    int64_t site_id;                  /* in: the vehicle moved to this site (> 0), or 0 */
    char site[SL_NAME_MAX];
    char note[256];                   /* in (an exemption: its reason) */
    char replaced_by[128];            /* in (parts) */
    char scheduled_for[SL_ISO_LEN];   /* in (parts, scheduled) */
    char exempt_until[SL_ISO_LEN];    /* in (parts, exempt): its last day */
    char exempt_approver[64];         /* in (parts, exempt) */
    bool unaudited;                   /* in: the caller audits it (a re-import's one entry) */
};

/* A re-import of a registered vehicle (vehicle/register.c decides what
 * changed, records the events and audits it once): the vehicle's fields
 * (make, model, model year, fleet, site, registration, source); a part's
 * (kind ... CPE, source; not its status or verdict); a part added at
 * p->position; an event recorded as it is (ev->at "" = now). Neither audits;
 * each joins the open transaction. An IMEI taken is SL_ERR_EXISTS. */
int sl_store_vehicle_update(struct sl_store *s, int64_t id, const struct sl_vehicle_row *v,
                            struct sl_err *err);
int sl_store_vpart_update(struct sl_store *s, int64_t id, const struct sl_vpart_row *p,
                          struct sl_err *err);
int sl_store_vpart_add(struct sl_store *s, int64_t vehicle_id, const struct sl_vpart_row *p,
                       int64_t *id, struct sl_err *err);
int sl_store_vehicle_event_add(struct sl_store *s, struct sl_vehicle_event *ev,
                               struct sl_err *err);

/* Moves a vehicle (part_id 0) or its part to ev->to_status (and the vehicle to
 * ev->site_id when > 0), records the event and an audit entry
 * (vehicle.status, vehicle.part_status). A change dated before the record's
 * current status is SL_ERR_CONFLICT. Joins an open transaction. */
int sl_store_vehicle_set_status(struct sl_store *s, struct sl_vehicle_event *ev,
                                struct sl_err *err);

/* The current status of a vehicle (ev->part_id 0) or of part ev->part_id, and
 * since when, into ev->from_status and since (a part's vehicle into
 * ev->vehicle_id), locked until the transaction ends, so a check made on it
 * holds when the change is written. 0, or -1 (SL_ERR_NOT_FOUND: no such). */
int sl_store_vehicle_status(struct sl_store *s, struct sl_vehicle_event *ev,
                            char since[SL_ISO_LEN], struct sl_err *err);

typedef int (*sl_vehicle_event_cb)(const struct sl_vehicle_event *e, void *ctx);
/* The events of one vehicle and its parts, oldest first. */
int sl_store_vehicle_events(struct sl_store *s, int64_t vehicle_id, sl_vehicle_event_cb cb,
                            void *ctx, struct sl_err *err);

/* Records a new verdict for a vehicle (maker: the vendor that made it) or for
 * a part (vendor, vendors and rules as sl_vpart_row says), when judged again.
 * Not audited by itself: the change that made it judge again is. */
int sl_store_vehicle_judged(struct sl_store *s, int64_t id, const char *maker,
                            const struct sl_verdict *v, struct sl_err *err);
int sl_store_vpart_judged(struct sl_store *s, int64_t id, const char *vendor,
                          const char *vendors, const char *rules, const struct sl_verdict *v,
                          struct sl_err *err);

/* A change of a vehicle's (part_id 0) or a part's verdict (store/vehicle_verdicts.c). */
struct sl_vverdict_change {
    int64_t vehicle_id, part_id;
    const char *vin;             /* for the audit entry */
    const struct sl_verdict *to; /* the new verdict */
    const char *actor, *why;     /* who, and why it was judged again ("re-imported", ...) */
};
/* Before the row is rewritten with c->to: when its decision or deadline
 * changes, appends a vehicle_verdict_events row (at = now) and its audit
 * entry (vehicle.verdict, vehicle.part_verdict) in the open transaction, and
 * sets *changed. 0, or -1 with err set. */
int sl_store_vverdict_record(struct sl_store *s, const struct sl_vverdict_change *c,
                             bool *changed, struct sl_err *err);

/* ---- vehicle figures for the report (store/vehicles.c) ---------------------------- */

/* Which vehicles a report covers: scope "all", "tier", "department", "site"
 * or "fleet" with its value; registered (first_seen) at or before `until`
 * (NULL = any). Statuses, sites and verdicts are those that held at `until`
 * (vehicle_events, vehicle_verdict_events). */
struct sl_vehicle_scope {
    const char *kind, *value, *until;
};

/* One vehicle as the report counts it (text valid during the call). */
struct sl_vehicle_fig_row {
    int64_t id;
    const char *fleet, *site, *tier, *site_rule; /* "" when none */
    int model_year;
    const char *status;           /* its status at the scope's `until` (replayed) */
    enum sl_decision decision;
    const char *deadline;
};
typedef int (*sl_vehicle_fig_cb)(const struct sl_vehicle_fig_row *r, void *ctx);
int sl_store_vehicle_figures(struct sl_store *s, const struct sl_vehicle_scope *sc,
                             sl_vehicle_fig_cb cb, void *ctx, struct sl_err *err);

/* A part a vehicle milestone counts: prohibited or replace-by at the scope's
 * `until`, of a vehicle in scope then; its status then, and when it left the
 * fleet (removed, or its vehicle retired; "" when it has not). */
struct sl_vpart_progress {
    int64_t id;
    const char *status;  /* "fitted", "scheduled", "exempt", "removed" */
    const char *done_at; /* ISO time, "" while it is still in the fleet */
};
typedef int (*sl_vpart_progress_cb)(const struct sl_vpart_progress *p, void *ctx);
/* Paged by part id (any number of parts; one index seek per part and per
 * verdict when `until` is in the past). 0 or -1. */
int sl_store_vpart_progress(struct sl_store *s, const struct sl_vehicle_scope *sc,
                            sl_vpart_progress_cb cb, void *ctx, struct sl_err *err);

/* Fitted parts of active vehicles in scope, counted by `by` ("vendor" or
 * "model_year") and decision: key ("" = none identified / unknown year),
 * decision, count and the earliest deadline. */
struct sl_vpart_group {
    const char *key;
    enum sl_decision decision;
    int64_t count;
    const char *earliest; /* "" when none */
};
typedef int (*sl_vpart_group_cb)(const struct sl_vpart_group *g, void *ctx);
int sl_store_vpart_groups(struct sl_store *s, const struct sl_vehicle_scope *sc, const char *by,
                          sl_vpart_group_cb cb, void *ctx, struct sl_err *err);

/* ---- the dashboard: accounts, grants, sessions, exemption requests (store/users.c) -- */

/* Accounts of `sightline serve`. pwhash is an argon2id string (libsodium's
 * crypto_pwhash_str); the store never sees a password. Times are Unix seconds.
 * Account changes are audited (never with the hash); sessions are not. */
#define SL_USER_NAME_MAX 64
#define SL_PWHASH_MAX 128

struct sl_user {
    int64_t id;
    char name[SL_USER_NAME_MAX];
    char pwhash[SL_PWHASH_MAX];
    bool disabled;
    int64_t created_at, pw_changed_at;
};

int sl_store_user_add(struct sl_store *s, const char *name, const char *pwhash,
                      const char *actor, int64_t *id, struct sl_err *err);
/* 1 and *u filled, 0 when there is no such account, -1 on error. */
int sl_store_user_get(struct sl_store *s, const char *name, struct sl_user *u, struct sl_err *err);
int sl_store_user_get_id(struct sl_store *s, int64_t id, struct sl_user *u, struct sl_err *err);
typedef int (*sl_user_cb)(const struct sl_user *u, void *ctx);
int sl_store_user_list(struct sl_store *s, sl_user_cb cb, void *ctx, struct sl_err *err);
/* Both end every session of the account. 1 done, 0 no such account, -1. */
int sl_store_user_set_password(struct sl_store *s, const char *name, const char *pwhash,
                               const char *actor, struct sl_err *err);
int sl_store_user_set_disabled(struct sl_store *s, const char *name, bool disabled,
                               const char *actor, struct sl_err *err);

/* A role over a scope: scope_kind "all" (scope_value ""), "department" or "site". */
struct sl_grant {
    char role[24];
    char scope_kind[16];
    char scope_value[SL_NAME_MAX];
};
/* Adds (SL_ERR_EXISTS when held already) or removes (1, or 0 when not held) a grant. */
int sl_store_grant_add(struct sl_store *s, const char *user, const struct sl_grant *g,
                       const char *actor, struct sl_err *err);
int sl_store_grant_remove(struct sl_store *s, const char *user, const struct sl_grant *g,
                          const char *actor, struct sl_err *err);
typedef int (*sl_grant_cb)(const struct sl_grant *g, void *ctx);
int sl_store_grant_list(struct sl_store *s, int64_t user_id, sl_grant_cb cb, void *ctx,
                        struct sl_err *err);

/* API tokens for scripts (migration 11): the token itself is never stored, only
 * its hash (web/tokens.c makes and checks them). scope "read" or "write". */
struct sl_token {
    int64_t id, user_id;
    char user[SL_USER_NAME_MAX];
    char label[SL_NAME_MAX];
    char scope[8];
    int64_t created_at, expires_at; /* Unix seconds */
    bool revoked;
};
/* Adds a token of account `user` (SL_ERR_NOT_FOUND when none); audited
 * (user.token.add, never the hash). 0 or -1. */
int sl_store_token_add(struct sl_store *s, const char *user, const char *label, const char *hash,
                       const char *scope, int64_t expires_at, const char *actor, int64_t *id,
                       struct sl_err *err);
/* The token with that hash: 1 and *t, 0 none, -1. */
int sl_store_token_find(struct sl_store *s, const char *hash, struct sl_token *t,
                        struct sl_err *err);
typedef int (*sl_token_cb)(const struct sl_token *t, void *ctx);
/* Tokens of one account (NULL: all), oldest first. */
int sl_store_token_list(struct sl_store *s, const char *user, sl_token_cb cb, void *ctx,
                        struct sl_err *err);
/* Revokes a token: 1 done (audited user.token.revoke), 0 none or revoked already, -1. */
int sl_store_token_revoke(struct sl_store *s, int64_t id, const char *actor, struct sl_err *err);

/* A server-side session, keyed by the hex SHA-256 of its id (the id itself is
 * only ever in the browser's cookie). */
struct sl_session {
    int64_t user_id;
    char csrf[65];
    int64_t created_at, last_seen;
};
int sl_store_session_add(struct sl_store *s, const char *id_hash, int64_t user_id,
                         const char *csrf, int64_t now, const char *address, struct sl_err *err);
/* 1 and *out, 0 when there is none, -1. */
int sl_store_session_get(struct sl_store *s, const char *id_hash, struct sl_session *out,
                         struct sl_err *err);
int sl_store_session_touch(struct sl_store *s, const char *id_hash, int64_t now,
                           struct sl_err *err);
int sl_store_session_delete(struct sl_store *s, const char *id_hash, struct sl_err *err);
/* Deletes sessions idle since before idle_before or created before created_before. */
int sl_store_session_purge(struct sl_store *s, int64_t idle_before, int64_t created_before,
                           struct sl_err *err);

/* An exemption asked for by one person, to be approved by another (four eyes). */
struct sl_exreq {
    int64_t id, device_id;
    char requested_by[SL_USER_NAME_MAX];
    char reason[256];
    char until[SL_DATE_LEN];
    int64_t requested_at;
    char state[16]; /* "pending", "approved", "refused" */
    char decided_by[SL_USER_NAME_MAX];
    int64_t decided_at;
};
/* Audited as exemption.request with the requester as actor. */
int sl_store_exreq_add(struct sl_store *s, int64_t device_id, const char *requester,
                       const char *reason, const char *until, int64_t *id, struct sl_err *err);
int sl_store_exreq_get(struct sl_store *s, int64_t id, struct sl_exreq *r, struct sl_err *err);
typedef int (*sl_exreq_cb)(const struct sl_exreq *r, void *ctx);
/* Requests of one device (device_id > 0) or all, of one state (NULL = any), newest first. */
int sl_store_exreq_list(struct sl_store *s, int64_t device_id, const char *state, int64_t limit,
                        sl_exreq_cb cb, void *ctx, struct sl_err *err);
/* Moves a pending request to `state` ("approved" or "refused"), audited with the
 * decider as actor. Joins an open transaction. 1 done, 0 no longer pending, -1. */
int sl_store_exreq_decide(struct sl_store *s, int64_t id, const char *state, const char *decider,
                          struct sl_err *err);

/* One page of devices for the dashboard: keyset paging by id (after = the last
 * id of the previous page, 0 to start; desc for newest first), optionally only
 * devices of the given sites (site_ids != NULL; n may be 0: nothing matches),
 * a status (-1 any), a manufacturer or a decision. At most `limit` rows. */
struct sl_device_page_query {
    const int64_t *site_ids;
    size_t n_site_ids;
    int status;
    const char *manufacturer;
    const char *decision;
    int64_t after;
    bool desc;
    int64_t limit;
};
int sl_store_device_page(struct sl_store *s, const struct sl_device_page_query *q,
                         sl_device_cb cb, void *ctx, struct sl_err *err);

#endif
