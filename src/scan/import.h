/* import.h - other tools' results as evidence: nmap -oX and masscan -oJ.
 *
 * Each host becomes evidence in the register under a scan record of kind
 * "import", and goes through identify and policy exactly like a scanned host.
 * What is imported, per host:
 *   nmap:    the MAC address (proto mac); per open port, the service line nmap
 *            printed (proto tcp, "nmap-service: name=... product=..."); the
 *            output of the banner script (proto tcp, decoded); http-server-header
 *            and http-title reconstructed as a minimal HTTP response (proto http,
 *            detail says it was reconstructed); rtsp-methods likewise (rtsp).
 *   masscan: open ports; service banners (proto http for "http", tcp otherwise).
 * The format (SL_IMPORT_AUTO) is told by the first byte: '<' nmap (whose root
 * must be <nmaprun>), '[' or '{' masscan (a whole JSON document, pretty-printed
 * or not, else masscan's one-record-a-line form); anything else is refused. A
 * file with no host in it is an error and records nothing. A masscan record
 * that is not a host object (nested arrays, a \u0000 in a string) is an
 * error naming its line or position, never skipped.
 * Input is hostile like any device answer: at most SL_IMPORT_MAX_BYTES, XML
 * depth 64, no DTD internal subset or entity declarations (an XML bomb is
 * refused), at most SL_IMPORT_MAX_HOSTS hosts. */
#ifndef SL_SCAN_IMPORT_H
#define SL_SCAN_IMPORT_H

#include <stddef.h>

#include "scan/scan.h"

#define SL_IMPORT_MAX_BYTES ((size_t)256 * 1024 * 1024)
#define SL_IMPORT_MAX_HOSTS 1000000

enum sl_import_format { SL_IMPORT_AUTO = 0, SL_IMPORT_NMAP_XML, SL_IMPORT_MASSCAN_JSON };

/* Parses data and records it. opts supplies ident, policy, store, site, actor
 * (targets and ports are not used). The callbacks get on_device and
 * on_evidence. Returns 0, or -1 with err (a malformed file records nothing:
 * it is parsed completely before the first write). */
int sl_import_run(const char *data, size_t len, enum sl_import_format fmt,
                  const struct sl_scan_opts *opts, const struct sl_scan_callbacks *cb,
                  struct sl_scan_summary *sum, struct sl_err *err);

#endif
