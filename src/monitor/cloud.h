/* cloud.h - the vendor cloud / P2P / DDNS domain list (data/cloud-domains.tsv)
 * and whole-label suffix matching against it.
 *
 * "x.hik-connect.com" matches the entry hik-connect.com; "nothik-connect.com"
 * does not. Loaded once, immutable afterwards. Bounded: at most
 * SL_CLOUD_MAX_ENTRIES entries; a match walks at most 127 label boundaries and
 * does one hash look-up per boundary.
 */
#ifndef SL_MONITOR_CLOUD_H
#define SL_MONITOR_CLOUD_H

#include <stddef.h>

#include "util/err.h"

#define SL_CLOUD_MAX_ENTRIES 4096

struct sl_cloud_entry {
    char domain[128];  /* lower-case, no trailing dot */
    char vendor[64];
    char service[96];
    char kind[16];     /* cloud, p2p, ddns, vendor, telematics (a vehicle back-end) */
    char source[512];
    unsigned index;    /* position in the file, a stable small id within one run */
};

struct sl_cloud;

/* Loads the TSV file at path (see the file's header for the columns). Returns
 * 0 or -1 with err naming the line of a bad entry. */
int sl_cloud_load(struct sl_cloud **out, const char *path, struct sl_err *err);
/* Parses the same format from memory. */
int sl_cloud_parse(struct sl_cloud **out, const char *text, size_t len, const char *name,
                   struct sl_err *err);
void sl_cloud_free(struct sl_cloud *c);
size_t sl_cloud_count(const struct sl_cloud *c);

/* The entry whose domain is name or a whole-label suffix of it (the longest
 * such entry), or NULL. name: lower-case, dotted, a trailing dot is ignored. */
const struct sl_cloud_entry *sl_cloud_match(const struct sl_cloud *c, const char *name);

#endif
