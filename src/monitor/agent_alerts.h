/* agent_alerts.h - a site agent's monitor alerts as batch records
 * (docs/agents.md "The passive monitor under an agent"): the agent writes
 * them, the server checks and applies them to the register's alerts table as
 * a central `sightline monitor` writes its own.
 *
 * An alert batch is the batch of scan/batch.h (header, records, signature)
 * whose records are all alerts, one a line:
 *   {"v":1,"type":"alert","signature_id":N,"severity":1..3,"at":ISO,
 *    "address":STATION-IP,"mac":"aa:bb:cc:dd:ee:ff" or "","src":..,"dest":..,
 *    "detail":{...the monitor's "sightline" object...}}
 * Scan batches are never mixed with alerts, so a server older than this
 * refuses only the alert batches.
 *
 * Hostile input: the batch's bounds (scan/batch.h); at most
 * SL_ALERT_BATCH_MAX alerts, a detail of at most SL_ALERT_DETAIL_MAX bytes,
 * strict fields (a known signature, a parsable time, address and MAC).
 *
 * Memory: nothing handed out; the writer appends to the caller's sl_buf.
 */
#ifndef SL_MONITOR_AGENT_ALERTS_H
#define SL_MONITOR_AGENT_ALERTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "monitor/alert.h"
#include "scan/batch.h"
#include "store/agents.h"
#include "util/buf.h"

#define SL_ALERT_BATCH_MAX 10000
#define SL_ALERT_DETAIL_MAX (64 * 1024)

/* The station an alert is about (its detail's device): its address into
 * addr (SL_ADDR_STRLEN) and MAC into mac (18, "" when unknown). 0, or -1
 * when it has no address (not attributable to a site). */
int sl_alert_station(const json_t *detail, char *addr, char *mac);

/* One alert record line (with its newline) into b. 0 or -1 (b full). */
int sl_alert_record_write(struct sl_buf *b, const struct sl_alert *al, int severity,
                          const char *addr, const char *mac, const char *src, const char *dest,
                          const json_t *detail);

/* Whether a batch holds alerts (its first record is one). */
bool sl_alert_batch_is(const char *data, size_t len);

/* Reads an alert batch's frame and every record strictly, without a
 * register (no signature or site check): *n gets the alerts. 0, or -1
 * (INVALID, naming the line). */
int sl_alert_batch_check(const char *data, size_t len, size_t *n, struct sl_err *err);

/* Checks and applies an alert batch of enrolled agent a, as sl_batch_ingest
 * does a scan batch: the header names a and a signed it, every station lies
 * in a's sites (else CONFLICT, counted, nothing written), once by UUID. Each
 * alert becomes a row of the register's alerts (the signature's text from
 * this server's table), linked to the register's device by MAC or address;
 * a device recorded removed or verified absent is marked reappeared and its
 * own alert raised, as the central monitor does. res->hosts counts the
 * alerts, res->devices the rows written. 0, or -1 with err. */
int sl_alert_batch_ingest(struct sl_store *s, const struct sl_agent *a, const char *data,
                          size_t len, struct sl_batch_result *res, struct sl_err *err);

#endif
