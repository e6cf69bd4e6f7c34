/* re.h - regular expressions: PCRE2 (Debian's libpcre2-8), compiled once with
 * its JIT, matched under bounds.
 *
 * Offers: sl_re_compile (Perl syntax, as nmap-service-probes and the rule
 * files write it; byte semantics, no UTF), sl_re_match (one match, its groups
 * as byte offsets). A compiled pattern is immutable: share it between threads.
 * Matching needs a scratch (PCRE2 match data, match context and JIT stack):
 * one per thread, made with sl_re_scratch_new; a NULL scratch makes a
 * temporary one (slower: for one-off matches).
 *
 * Bounds: a pattern of at most SL_RE_MAX_PATTERN bytes; each match gives up
 * after SL_RE_MATCH_LIMIT backtracking steps, SL_RE_DEPTH_LIMIT nested
 * backtracks, a 1 MiB JIT stack and 1 MiB of heap, and then counts as no match
 * (sl_re_match returns -1), so a hostile subject cannot take unbounded time.
 * Subjects may hold NUL bytes.
 */
#ifndef SL_UTIL_RE_H
#define SL_UTIL_RE_H

#include <stdbool.h>
#include <stddef.h>

#define SL_RE_MAX_PATTERN 4096
#define SL_RE_MAX_GROUPS 16 /* groups reported by a match, $0 included */
#define SL_RE_MATCH_LIMIT 200000u
#define SL_RE_DEPTH_LIMIT 2000u

enum {
    SL_RE_NOCASE = 1u << 0,   /* case-insensitive (ASCII) */
    SL_RE_DOTALL = 1u << 1,   /* '.' matches a newline too */
    SL_RE_ENDONLY = 1u << 2,  /* '$' is the very end only, not before a final newline */
    SL_RE_MULTILINE = 1u << 3 /* '^' and '$' at line boundaries */
};

struct sl_re;
struct sl_re_scratch;

/* A group of a match: byte offsets [so, eo); so = -1 when the group did not take part. */
struct sl_span {
    int so, eo;
};

/* Compiles pattern[0..len) with the SL_RE_* flags. Returns 0, or -1 with a
 * message ("missing closing parenthesis at offset 7") in err. */
int sl_re_compile(struct sl_re **out, const char *pattern, size_t len, unsigned flags, char *err,
                  size_t errsz);
void sl_re_free(struct sl_re *re);

/* Capture groups in the pattern ($1..$N), not counting $0. */
size_t sl_re_groups(const struct sl_re *re);

struct sl_re_scratch *sl_re_scratch_new(void);
void sl_re_scratch_free(struct sl_re_scratch *s);

/* Matches subject[0..len) from its start (the pattern's own anchors decide
 * where a match may begin). Returns 1 and fills groups[0..ngroups) (so = -1
 * for unused ones; groups may be NULL), 0 for no match, -1 when a bound was
 * hit or memory ran out (treat as no match). */
int sl_re_match(const struct sl_re *re, struct sl_re_scratch *s, const char *subject, size_t len,
                struct sl_span *groups, size_t ngroups);

#endif
