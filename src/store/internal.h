/* internal.h - the store's seam: what the backend-neutral files of store/
 * (sites.c, devices.c, audit.c, ...) share, and the operations table each
 * backend (store/sqlite/, store/postgres/) fills. Not for use outside store/.
 *
 * The neutral files hold the register's logic once: which rows to write, the
 * audit chain, matching, the JSON details. They talk to a database only through
 * the statement API below (prepare, bind, step, read columns). SQL text is
 * written with numbered parameters (?1, ?2, ...) in the dialect both backends
 * share; where they differ, sl_sql() picks one text per backend.
 *
 * Memory: statements come from the per-store cache (sl_st) and are owned by it;
 * text and blob columns are valid until the next step or reset of their
 * statement. Bounded: SL_STMT_CACHE distinct statements per store.
 */
#ifndef SL_STORE_INTERNAL_H
#define SL_STORE_INTERNAL_H

#include <openssl/evp.h>

#include "store/store.h"
#include "util/buf.h"

#define SL_STMT_CACHE 192

/* A prepared statement of some backend. Backends embed this as their first member. */
struct sl_q {
    const struct sl_backend *be;
    struct sl_store *s;
};

/* The schema version that added the verdict history (verdict_events). */
#define SL_SCHEMA_VERDICT_HISTORY 9
/* The schema version that added site agents (agents, agent_sites, ...). */
#define SL_SCHEMA_AGENTS 10
/* The schema version that added vehicle_verdict_events and milestones.subject. */
#define SL_SCHEMA_VEHICLE_VERDICTS 12
/* The schema version that added renewed agent certificates (agent_certs). */
#define SL_SCHEMA_AGENT_CERTS 13

/* The migrations of one backend (same numbering and logical schema on every backend). */
struct sl_migration {
    int version;
    const char *name;
    const char *sql;
};

/* What a backend provides. Columns are numbered from 0, parameters from 1. */
struct sl_backend {
    const char *name; /* "sqlite", "postgres" */
    bool remote;      /* every statement is a round trip: fewer, larger ones pay */
    /* Connects to `location` (already stripped of a "sqlite:" prefix); fills s->conn. */
    int (*open)(struct sl_store *s, const char *location, int flags, struct sl_err *err);
    void (*close)(struct sl_store *s);
    /* Runs a script of statements without parameters (migrations, BEGIN). */
    int (*exec)(struct sl_store *s, const char *sql, struct sl_err *err);
    struct sl_q *(*prepare)(struct sl_store *s, const char *sql, struct sl_err *err);
    void (*finalize)(struct sl_q *q);
    void (*reset)(struct sl_q *q); /* ends a walk and clears the bindings */
    void (*bind_null)(struct sl_q *q, int i);
    void (*bind_int)(struct sl_q *q, int i, int64_t v);
    void (*bind_real)(struct sl_q *q, int i, double v);
    void (*bind_text)(struct sl_q *q, int i, const char *v);
    /* Binds text the caller keeps unchanged until the statement has run and
     * been reset (no copy where the backend can avoid one); NULL: bind_text. */
    void (*bind_text_kept)(struct sl_q *q, int i, const char *v);
    void (*bind_blob)(struct sl_q *q, int i, const void *v, size_t n);
    /* 1: a row is ready; 0: done; -1: error (err set, with a kind). */
    int (*step)(struct sl_q *q, struct sl_err *err);
    bool (*col_null)(struct sl_q *q, int i);
    int64_t (*col_int)(struct sl_q *q, int i);
    double (*col_real)(struct sl_q *q, int i);
    const char *(*col_text)(struct sl_q *q, int i); /* NULL for SQL NULL */
    const void *(*col_blob)(struct sl_q *q, int i, size_t *n);
    int64_t (*changes)(struct sl_q *q); /* rows the last write of q changed */
    /* The id of the row q's last INSERT added, where the backend keeps it
     * (SQLite's rowid: no RETURNING, which costs SQLite a temporary table per
     * row); NULL: use INSERT ... RETURNING id. */
    int64_t (*inserted_id)(struct sl_q *q);
    /* Runs a write whose rows and count nobody reads; inside a transaction a
     * backend may send it without waiting: its error then fails the next
     * statement or the commit. 0 or -1. */
    int (*defer)(struct sl_q *q, struct sl_err *err);
    /* Transactions: begin takes whatever lock keeps writers apart (SQLite: the
     * file's write lock; PostgreSQL: nothing until lock_chain). */
    int (*begin)(struct sl_store *s, struct sl_err *err);
    int (*commit)(struct sl_store *s, struct sl_err *err);
    void (*rollback)(struct sl_store *s);
    /* Serialises audit appends across every writer until the transaction ends. */
    int (*lock_chain)(struct sl_store *s, struct sl_err *err);
    /* Serialises writers observing the same identity (a MAC, a serial, an
     * address in a site) until the transaction ends: takes n locks named by
     * short strings in one round trip; 1 to 3 in the order given, more (a
     * batch's) in an order of the backend's own that every writer shares. */
    int (*lock_keys)(struct sl_store *s, const char *const *keys, int n, struct sl_err *err);
    /* Prefetching a keyset walk's next page (sl_walk_pages); NULL where a
     * statement runs in-process (SQLite). send runs q now without waiting:
     * its next step collects the rows, and any other statement first waits
     * for them. page_rows is how many rows q's last run returned; seek
     * makes row i (-1: before the first) the one its columns read. */
    int (*send)(struct sl_q *q, struct sl_err *err);
    int (*page_rows)(struct sl_q *q);
    void (*seek)(struct sl_q *q, int i);
    /* Bulk load inside a transaction: `sql` a static COPY ... FROM STDIN (text
     * format), data that many bytes of its rows. NULL where the backend has
     * no such thing (SQLite: its INSERT loop is as fast). 0 or -1. */
    int (*copy_in)(struct sl_store *s, const char *sql, const char *data, size_t len,
                   struct sl_err *err);
    /* -1 when the register has no schema yet is not an error: returns 0. */
    int (*schema_version)(struct sl_store *s, int *out, struct sl_err *err);
    int (*set_schema_version)(struct sl_store *s, int v, struct sl_err *err);
    /* The database's own consistency check: "ok" or its first complaint. */
    int (*check)(struct sl_store *s, char *out, size_t n, struct sl_err *err);
    /* Resets identity sequences after rows were written with explicit ids. */
    int (*sync_ids)(struct sl_store *s, struct sl_err *err);
    /* Before (on) and after (off) a bulk write of many rows, every one built
     * by sightline's own code, in one transaction; NULL: nothing to do.
     * SQLite: a page cache that holds the indexes being filled and the
     * transaction's pages; CHECK constraints not evaluated while on (each
     * costs SQLite an ephemeral table per statement; the columns they guard
     * are written from the code's enumerations, and `db verify`'s
     * integrity_check still checks every CHECK constraint). */
    int (*bulk)(struct sl_store *s, bool on, struct sl_err *err);
    const struct sl_migration *migrations; /* in order, ended by {0} */
};

extern const struct sl_backend sl_backend_sqlite;
extern const struct sl_backend sl_backend_postgres;

struct sl_stmt_slot {
    const char *sql; /* the static SQL text; its address is the key */
    struct sl_q *q;
};

/* One audit entry waiting for its transaction's commit (audit.c). */
struct sl_pending_audit;

struct sl_store {
    const struct sl_backend *be;
    void *conn;         /* the backend's connection */
    char where[256];    /* the location for messages (never holds a password) */
    int flags;
    int txn_depth;
    bool txn_failed;
    struct sl_pending_audit *audit_head, *audit_tail; /* appended at commit */
    size_t audit_pending;
    int version;        /* the schema version once opened (and migrated) */
    uint8_t key[SL_AUDIT_KEY_MAX]; /* the audit key; key_len 0: unkeyed entries */
    size_t key_len;
    bool demo;          /* writes are the demo's (sl_store_mark_demo) */
    int64_t batches_one_by_one; /* sl_store_batches_one_by_one */
    struct sl_stmt_slot cache[SL_STMT_CACHE];
};

/* Hashes L(x): x's length as 8 big-endian bytes, then x (the chain's and the
 * evidence digest's field encoding). */
void sl_hash_field(EVP_MD_CTX *ctx, const void *p, size_t n);
/* The evidence digest: every column of a row that says what was seen (not the
 * device it was later attached to), as sl_hash_field fields, in this order. */
void sl_evidence_hash_row(EVP_MD_CTX *ctx, int64_t scan_id, const char *address,
                          const char *proto, int64_t port, const char *path,
                          const char *request, const char *outcome, const char *detail,
                          const char *observed_at, int64_t truncated, const void *data,
                          size_t len);
/* Gives s the process's audit key (audit.c), at open. */
void sl_audit_take_key(struct sl_store *s);
/* The replay of the audit log against the tables (replay.c), into rep. */
int sl_audit_replay_check(struct sl_store *s, struct sl_audit_report *rep, struct sl_err *err);
/* Counts a mismatch and keeps its text while there is room. */
void sl_audit_mismatch(struct sl_audit_report *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* db verify of vehicle_verdict_events (vehicle_verdicts.c): the audit log's
 * changes are tallied as the log is read, the table's afterwards, and the two
 * compared (a count and an order-free sum of hashes: no memory per vehicle). */
struct sl_vverdict_tally {
    int64_t audited, stored;
    uint64_t audited_h, stored_h;
};
void sl_vverdict_audited(struct sl_vverdict_tally *t, const char *action, const char *object,
                         struct json_t *d);
int sl_vverdict_compare(struct sl_store *s, struct sl_vverdict_tally *t,
                        struct sl_audit_report *rep, struct sl_err *err);

/* How many migrations a backend has (they end with a {0} entry). */
int sl_migration_count(const struct sl_backend *be);

/* The SQL text for this store's backend: the first for SQLite, the second for
 * PostgreSQL. Both must be string literals (the cache keys on the address). */
const char *sl_sql(const struct sl_store *s, const char *sqlite_sql, const char *pg_sql);

/* A prepared statement for a static SQL string, cached for the store's life and
 * reset with bindings cleared. Returns NULL and sets err on failure. Only ever
 * pass string literals (or other static storage): the cache keys on the address. */
struct sl_q *sl_st(struct sl_store *s, const char *sql, struct sl_err *err);

/* Binding: NULL or "" text binds SQL NULL with the _or_null form. */
void sl_bind_null(struct sl_q *q, int i);
void sl_bind_int(struct sl_q *q, int i, int64_t v);
void sl_bind_id(struct sl_q *q, int i, int64_t id); /* id <= 0 binds NULL */
void sl_bind_real(struct sl_q *q, int i, double v);
void sl_bind_text(struct sl_q *q, int i, const char *v);
void sl_bind_text_or_null(struct sl_q *q, int i, const char *v);
/* The same, for text the caller keeps unchanged until the statement has run
 * (sl_exec_stmt, sl_one_int): SQLite then binds it without a copy. */
void sl_bind_kept(struct sl_q *q, int i, const char *v);
void sl_bind_kept_or_null(struct sl_q *q, int i, const char *v);
void sl_bind_blob(struct sl_q *q, int i, const void *v, size_t n);

/* 1 row, 0 done, -1 error; on error the statement is reset and err prefixed with `what`. */
int sl_step(struct sl_q *q, const char *what, struct sl_err *err);
void sl_reset(struct sl_q *q);
int64_t sl_changes(struct sl_q *q);

bool sl_col_null(struct sl_q *q, int i);
int64_t sl_col_int(struct sl_q *q, int i);
double sl_col_real(struct sl_q *q, int i);
const char *sl_col_str(struct sl_q *q, int i); /* "" for NULL */
/* Copies column i into dst (size n); NULL becomes "". */
void sl_col_text(struct sl_q *q, int i, char *dst, size_t n);
const void *sl_col_blob(struct sl_q *q, int i, size_t *n);

/* Runs a write nobody reads back (no RETURNING, no sl_changes): inside a
 * transaction the backend may queue it (see defer above); outside, it runs at
 * once. Returns 0 or -1. */
int sl_exec_deferred(struct sl_q *q, const char *what, struct sl_err *err);

/* Steps a statement that returns no rows (or ignores them); returns 0 or -1. */
int sl_exec_stmt(struct sl_q *q, const char *what, struct sl_err *err);
/* Steps a statement returning at most one integer (an id, a count):
 * 1 and *out set, 0 when no row, -1 on error. The statement is reset. */
int sl_one_int(struct sl_q *q, int64_t *out, const char *what, struct sl_err *err);

/* "HEAD (?1, ..., ?COLS), (?COLS+1, ...), ..." for `rows` rows: a multi-row
 * INSERT text (malloc'd; NULL when out of memory). Callers build them once
 * and keep them (the statement cache keys on the address). */
char *sl_sql_rows(const char *head, int cols, int rows);

/* Runs a parameterless script (migrations). */
int sl_exec_script(struct sl_store *s, const char *sql, const char *what, struct sl_err *err);

/* Writes the audit entries queued in this transaction (audit.c): called by the
 * outermost commit, under the chain lock, before the backend commits. */
int sl_audit_flush(struct sl_store *s, struct sl_err *err);
void sl_audit_discard(struct sl_store *s);

/* "SELECT <device columns> FROM devices ... WHERE d.id IN (?1..?100)", built by
 * devices.c with the list builder of scans.c; and a statement of the cached texts by number
 * (0: evidence of many devices, 1: many devices) with ids[0..n) bound (n <=
 * SL_DEVICE_BATCH). */
char *sl_device_select_in(char *(*with_id_list)(const char *head, const char *tail));
struct sl_q *sl_store_in_query(struct sl_store *s, int which, const int64_t *ids, size_t n,
                               struct sl_err *err);

/* An array literal (PostgreSQL's "{a,b,NULL}") built element by element and
 * bound as one text parameter: what a set-based statement over a whole batch
 * (unnest) reads. Texts are quoted and escaped, so any text is one element.
 * Bounded: SL_ARR_MAX bytes (an append past it makes sl_arr_end fail). */
#define SL_ARR_MAX (64u << 20)
struct sl_arr {
    struct sl_buf b;
    size_t n;
    bool oom;
};
void sl_arr_init(struct sl_arr *a);
void sl_arr_text(struct sl_arr *a, const char *v); /* NULL or "" is NULL */
void sl_arr_int(struct sl_arr *a, int64_t v);
void sl_arr_id(struct sl_arr *a, int64_t id); /* id <= 0 is NULL */
void sl_arr_null(struct sl_arr *a);
/* The literal (owned by a, valid until sl_arr_free), NULL when out of memory. */
const char *sl_arr_end(struct sl_arr *a);
void sl_arr_free(struct sl_arr *a);

/* Rows for copy_in (COPY's text format): a field (NULL is \N, text is
 * escaped), then a tab, or the newline when it is the row's last; bytes as
 * bytea's hex form. *bad set when b is full. */
void sl_copy_field(struct sl_buf *b, const char *v, bool last, bool *bad);
void sl_copy_bytes(struct sl_buf *b, const uint8_t *p, size_t n, bool last, bool *bad);

/* What devices.c and scans.c lend the batch of observations (observe_batch.c),
 * so both paths judge and record alike. */
struct sl_matched {
    char address[48], mac[18], serial[96], manufacturer[64];
    int64_t last_scan_id;
    enum sl_status status;
};
/* m from columns first.. of q: address, mac, serial, manufacturer, last_scan_id, status. */
void sl_matched_read(struct sl_q *q, int first, struct sl_matched *m);
/* Whether obs is the matched device m (sets out's conflict, positive, moved, prior_status). */
bool sl_device_match_holds(const struct sl_device_obs *obs, const struct sl_matched *m,
                           struct sl_observed *out);
/* The identity lock names of an observation (MAC, serial, address in its site,
 * those it has, in that order) into keys, using buf; returns how many (0-3). */
int sl_device_identity_keys(const struct sl_device_obs *obs, char buf[3][200],
                            const char *keys[3]);
/* The note of a new device's creation event. */
const char *sl_device_first_seen_note(bool conflict);
/* The audit entries of a device created (device.discover) and moved (device.address). */
int sl_device_audit_created(struct sl_store *s, const struct sl_device_obs *obs,
                            const char *actor, int64_t id, bool conflict, struct sl_err *err);
int sl_device_audit_moved(struct sl_store *s, const char *actor, int64_t id, const char *from,
                          const struct sl_device_obs *obs, struct sl_err *err);
/* One evidence row as stored: its time, the raw bytes kept and whether they were cut. */
struct sl_ev_row {
    char at[SL_ISO_LEN];
    size_t n;
    bool truncated;
};
void sl_evidence_row_of(const struct sl_evidence *ev, struct sl_ev_row *r);
/* Adds the row to the digest of its evidence.add entry. */
void sl_evidence_hash(EVP_MD_CTX *md, int64_t scan_id, const char *address,
                      const struct sl_evidence *ev, const struct sl_ev_row *r);
/* sl_store_evidence_add_many for a device observed in this transaction: its
 * write has checked the scan (devices.last_scan_id's foreign key), so the
 * references are not looked up again (observe_batch.c's one-by-one path). */
int sl_evidence_add_observed(struct sl_store *s, int64_t scan_id, int64_t device_id,
                             const char *address, const struct sl_evidence *const *evs, size_t n,
                             const char *actor, struct sl_err *err);
/* The scan, device and site exist (ids <= 0: none); SL_ERR_NOT_FOUND if not.
 * What the foreign keys dropped by migrations 14 and 17 checked, once a call. */
int sl_refs_check(struct sl_store *s, int64_t scan_id, int64_t device_id, int64_t site_id,
                  struct sl_err *err);
/* The evidence.add entry of n rows of one scan and address (md: their digest). */
int sl_evidence_audit(struct sl_store *s, int64_t scan_id, int64_t device_id,
                      const char *address, size_t n, EVP_MD_CTX *md, const char *actor,
                      struct sl_err *err);

/* Keyset paging for walks over tables too large to hold: rows per page. */
#define SL_PAGE_ROWS 5000

/* A keyset-paged walk: `sql` (static text) ends in "ORDER BY key LIMIT ?N"
 * with N = limit_param; bind() binds the key after which the page starts (and
 * any filter) from ctx; row() handles one row and remembers its key in ctx,
 * returning non-zero to stop the walk. */
struct sl_pager {
    const char *sql;
    int limit_param;
    void (*bind)(struct sl_q *q, void *ctx);
    int (*row)(struct sl_q *q, void *ctx);
    const char *what;
};
/* An id set as one text parameter: a JSON array for SQLite's json_each, an
 * array literal for PostgreSQL's ANY. Caller frees; NULL when out of memory. */
char *sl_id_set_text(const struct sl_store *s, const int64_t *ids, size_t n);
/* Prepares sql with ?1 bound to that set (ids NULL: bound NULL). *set holds
 * its text, the caller's to free once the statement has run. NULL on error. */
struct sl_q *sl_st_id_set(struct sl_store *s, const char *sql, const int64_t *ids, size_t n,
                          char **set, struct sl_err *err);

/* Runs page after page until one comes back short or row() stops. 0 or -1. */
int sl_walk_pages(struct sl_store *s, const struct sl_pager *p, void *ctx, struct sl_err *err);
/* The same, with the next page on its way while row() handles this one where
 * the backend can (PostgreSQL): key() remembers the current row's key in ctx
 * without handling the row. A row() that runs other statements still works
 * (they wait for the page first) but gains nothing. */
typedef void (*sl_page_key)(struct sl_q *q, void *ctx);
int sl_walk_pages_ahead(struct sl_store *s, const struct sl_pager *p, sl_page_key key, void *ctx,
                        struct sl_err *err);

/* verdicts.c: one device's claim and verdict before and after a judgement. */
struct sl_verdict_write {
    int64_t device_id;
    const char *at;    /* when the new verdict holds from (ISO) */
    const char *actor;
    const char *via;   /* "observation" or "reassess" */
    int64_t scan_id;   /* 0 = none */
    const struct sl_claim *from_c, *to_c;
    const struct sl_verdict *from_v, *to_v;
};
/* Records the change (a verdict_events row and its device.verdict audit
 * entry) when the claim or the verdict changed; *what (may be NULL) gets
 * SL_CHANGED_* bits, 0 when nothing changed (nothing written). Writes nothing
 * on a schema without the history. Joins the open transaction. 0 or -1. */
int sl_verdict_record(struct sl_store *s, const struct sl_verdict_write *w, int *what,
                      struct sl_err *err);
/* The parts of sl_verdict_record, for a batch that writes its rows in one
 * statement (observe_batch.c): the SL_CHANGED_* bits of a change, the claim
 * as verdict_events keeps it (JSON, malloc'd, NULL when out of memory), and
 * the change's device.verdict audit entry. */
int sl_verdict_what(const struct sl_verdict_write *w);
char *sl_verdict_claim_text(const struct sl_claim *c);
int sl_verdict_audit(struct sl_store *s, const struct sl_verdict_write *w, int what,
                     struct sl_err *err);
/* Binds the devices columns a judgement writes, from parameter `first` on:
 * manufacturer, brand, model, firmware, device_type, confidence, claim (JSON),
 * decision, verdict (JSON); a NULL JSON text is bound as "{}". */
void sl_bind_judged(struct sl_q *st, int first, const struct sl_claim *c, const char *claim_json,
                    const struct sl_verdict *v, const char *verdict_json);
/* A claim and a verdict from the devices table's JSON columns (zeroed when
 * unreadable), the decision from its decision column (what the figures count). */
void sl_judged_from_columns(const char *claim, const char *verdict, const char *decision,
                            struct sl_claim *c, struct sl_verdict *v);

#endif
