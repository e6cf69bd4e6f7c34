/* simplere.h - a fast path for the simple regexes most rules use.
 *
 * glibc's regexec costs tens of microseconds when it must report groups.
 * Most rule patterns are a plain sequence: an optional ^, literals, bracket
 * classes and '.', each with an optional {m,n} ? * + quantifier, groups that
 * are not nested, not quantified and hold no alternation, an optional $.
 * When such a sequence can be matched greedily without backtracking (each
 * variable-length item is the last one or is followed by an item it cannot
 * match), sl_simplere_compile accepts it and sl_simplere_match gives the same
 * answer and groups as regexec (the unit tests check this on every rule's
 * examples and on random strings). Anything else is left to regexec.
 * A compiled pattern is a plain value (no heap); share it read-only.
 */
#ifndef SL_IDENT_SIMPLERE_H
#define SL_IDENT_SIMPLERE_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_SIMPLERE_MAX_ITEMS 48
#define SL_SIMPLERE_MAX_GROUPS 9

struct sl_simplere_item {
    uint8_t set[32];   /* bytes this item matches */
    uint16_t min, max; /* repetitions; max 0xffff = unbounded */
    uint8_t open_before, close_after; /* group number + 1 opened before / closed after, 0 = none */
};

struct sl_simplere {
    size_t n;
    struct sl_simplere_item item[SL_SIMPLERE_MAX_ITEMS];
    bool anchored, to_end, nocase;
    size_t n_groups;
};

/* Returns true when pattern (POSIX extended) fits the fast path. */
bool sl_simplere_compile(struct sl_simplere *s, const char *pattern, bool nocase);

/* Matches like regexec(REG_EXTENDED) on value[0..len): returns true and fills
 * groups[0..SL_SIMPLERE_MAX_GROUPS] (rm_so = -1 when unused) on a match. */
bool sl_simplere_match(const struct sl_simplere *s, const char *value, size_t len,
                       regmatch_t *groups, size_t ngroups);

#endif
