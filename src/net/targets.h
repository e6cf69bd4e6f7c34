/* targets.h - what to scan: addresses, CIDRs (IPv4 and IPv6), ranges, host
 * names and @files, minus exclusions, walked in a random order.
 *
 * Accepted forms (sl_targets_add and sl_targets_exclude alike):
 *   198.18.0.7    2001:db8::7          one address
 *   198.18.0.0/24 2001:db8::/120       a network (host bits must be zero)
 *   198.18.0.10-198.18.0.20            a range (both ends included)
 *   198.18.0.10-20                     the same, last IPv4 octet only
 *   camera1.example                    a host name: every address it resolves to
 *   @FILE                              one spec a line; '#' starts a comment
 * The targets are merged (overlaps are scanned once) and sorted by
 * sl_targets_prepare. Memory is proportional to the number of specs, never to
 * the number of addresses they cover; a scan walks them through a keyed
 * permutation (net/permute.h) so nothing per address is remembered.
 *
 * IPv4-mapped IPv6 addresses are IPv4 (util/cidr.h): ::ffff:198.18.0.0/120 and
 * 198.18.0.0/24 are one target, and either spelling excludes both. An IPv4
 * exclusion also excludes the same addresses under the NAT64 well-known prefix
 * (64:ff9b::198.18.0.7).
 *
 * Refused: a /0 (every address there is) and the unspecified address (0.0.0.0,
 * ::). Skipped unless named as one address: 0.0.0.0/8, IPv4 multicast and
 * reserved space with the limited broadcast (224.0.0.0/3), IPv6 multicast
 * (ff00::/8); they count as excluded (sl_targets_reserved says how many).
 *
 * Bounds: at most SL_TARGETS_MAX addresses in all (larger scans are refused with
 * a hint), @files of at most 64 MiB and no @file inside an @file.
 * Ownership: a struct sl_targets is owned by its creator (sl_targets_free). */
#ifndef SL_NET_TARGETS_H
#define SL_NET_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/permute.h"
#include "util/cidr.h"
#include "util/err.h"

#define SL_TARGETS_MAX ((uint64_t)1 << 32)

struct sl_targets;

struct sl_targets *sl_targets_new(void);
void sl_targets_free(struct sl_targets *t);

/* Adds one spec (see above). Host names are resolved here (getaddrinfo).
 * Returns 0 or -1 with err naming the spec. */
int sl_targets_add(struct sl_targets *t, const char *spec, struct sl_err *err);
/* Excludes one spec (same forms): an excluded address is never probed. */
int sl_targets_exclude(struct sl_targets *t, const char *spec, struct sl_err *err);

/* Merges and sorts; must be called once, after the last add/exclude and
 * before any of the functions below. Fails when there are no targets or too
 * many addresses. */
int sl_targets_prepare(struct sl_targets *t, struct sl_err *err);

uint64_t sl_targets_count(const struct sl_targets *t);    /* distinct addresses */
uint64_t sl_targets_excluded(const struct sl_targets *t); /* of those, excluded */
uint64_t sl_targets_reserved(const struct sl_targets *t); /* of the excluded, reserved space */
bool sl_targets_has_v4(const struct sl_targets *t);
bool sl_targets_has_v6(const struct sl_targets *t);

/* The address at position index (< count) in sorted order. */
void sl_targets_at(const struct sl_targets *t, uint64_t index, struct sl_addr *out);
/* The sorted position of a, when a is one of the targets. */
bool sl_targets_index_of(const struct sl_targets *t, const struct sl_addr *a, uint64_t *index);
bool sl_targets_is_excluded(const struct sl_targets *t, const struct sl_addr *a);
/* True when a is a target and not excluded. */
bool sl_targets_contains(const struct sl_targets *t, const struct sl_addr *a);

/* A walk over the targets in keyed random order, skipping exclusions. */
struct sl_walk {
    const struct sl_targets *t;
    struct sl_perm perm;
    uint64_t pos;  /* the next walk position to visit (>= count: done) */
    uint64_t step; /* positions advance by this (the number of shards) */
};

void sl_walk_init(struct sl_walk *w, const struct sl_targets *t, uint64_t seed);
/* Shard `shard` of `nshards` (zmap-style): positions shard, shard + n, ... of
 * the same permutation, so shards with one seed partition the targets. */
void sl_walk_init_shard(struct sl_walk *w, const struct sl_targets *t, uint64_t seed,
                        unsigned shard, unsigned nshards);
/* Returns 1 with the next address (and its walk position), or 0 at the end. */
int sl_walk_next(struct sl_walk *w, struct sl_addr *out, uint64_t *position);
/* The walk position at which a target address is (or was, or will be) visited. */
bool sl_walk_position_of(const struct sl_walk *w, const struct sl_addr *a, uint64_t *position);

/* ---- what a scan covered, as text (the scan stream's "targets" and "exclusions") ---- */

/* "198.18.1.0/24" when an interval is one network, "198.18.0.7" for one
 * address, else "198.18.0.10-198.18.0.20". */
#define SL_TARGETS_RANGE_STRLEN (2 * SL_ADDR_STRLEN + 2)

/* The merged intervals (after prepare) of the targets (exclusions false) or of
 * the exclusions, and the text of interval i (< the count). */
size_t sl_targets_ranges(const struct sl_targets *t, bool exclusions);
void sl_targets_range_text(const struct sl_targets *t, bool exclusions, size_t i,
                           char out[SL_TARGETS_RANGE_STRLEN]);
/* Adds (or excludes) one address, network or range written by the above:
 * never a host name or an @file, so text from a file never makes a DNS query.
 * Returns 0 or -1 (SL_ERR_INVALID). */
int sl_targets_add_literal(struct sl_targets *t, const char *spec, bool exclude,
                           struct sl_err *err);

#endif
