/* nmap.h - what Debian's nmap package knows, read at run time: the match
 * lines of nmap-service-probes that name a maker or brand in the registry
 * become rules of the rule set (as ieee-data's prefixes become OUI clues).
 *
 * A match line is nmap's whole-response pattern (Perl syntax, compiled by
 * PCRE2) for the answer to one of its probes; it is kept when its product
 * (p/) or, failing that, its info (i/) starts with a registry alias, and is
 * applied to the answer sightline got to the same question: the greeting of
 * a port that speaks first (nmap's NULL probe: field tcp.bytes), an HTTP GET
 * (GetRequest: field raw of an http answer to GET /, or of one whose request
 * is not known), an RTSP OPTIONS (RTSPRequest:
 * field raw of an rtsp answer). Such a rule is named nmap.<service>.L<line>,
 * has no examples (nmap's data carries none), takes its device type from d/
 * or else from the words of the product name ("DVR", "router", "sshd" does
 * not say), and weighs SL_NMAP_WEIGHT with a device type, SL_NMAP_UNTYPED_WEIGHT
 * (weak) without.
 *
 * Input is a file nobody here wrote: lines longer than SL_NMAP_MAX_LINE,
 * patterns PCRE2 refuses and product templates that resolve to nothing are
 * skipped and counted; the file is read up to SL_NMAP_MAX_FILE bytes.
 */
#ifndef SL_IDENT_NMAP_H
#define SL_IDENT_NMAP_H

#include <stddef.h>

#include "util/err.h"

#define SL_NMAP_DEFAULT_PATH "/usr/share/nmap/nmap-service-probes"
#define SL_NMAP_MAX_FILE (16u << 20)
#define SL_NMAP_MAX_LINE (16u * 1024u)
#define SL_NMAP_WEIGHT 0.75         /* a rule whose device type nmap's entry says */
#define SL_NMAP_UNTYPED_WEIGHT 0.55 /* one that does not: weak, never names alone */

struct sl_ruleset;
struct sl_registry;

struct sl_nmap_stats {
    size_t lines;     /* lines read */
    size_t matches;   /* match lines of the probes sightline's questions correspond to */
    size_t kept;      /* rules added */
    size_t bad;       /* match lines that could not be read or compiled */
    char origin[160]; /* "nmap-service-probes /usr/share/nmap/... (N rules)" or why none */
};

/* Reads the file at path (NULL: $SIGHTLINE_NMAP_PROBES, else the Debian
 * path; an empty $SIGHTLINE_NMAP_PROBES reads nothing) into rs. A missing
 * file is not an error (st->origin says so). Returns 0, or -1 (out of
 * memory, rule set full) with err set. */
int sl_nmap_load(struct sl_ruleset *rs, const struct sl_registry *reg, const char *path,
                 struct sl_nmap_stats *st, struct sl_err *err);

/* The same from a buffer (what the loader and the fuzz target use); origin
 * names it in the rules' sources. */
int sl_nmap_parse(struct sl_ruleset *rs, const struct sl_registry *reg, const char *buf,
                  size_t len, const char *origin, struct sl_nmap_stats *st, struct sl_err *err);

#endif
