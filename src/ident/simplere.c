/* simplere.c - the few regex shapes most rules use, matched without regexec
 * (simplere.h); anything else falls back to POSIX regex. */
#include "ident/simplere.h"

#include <ctype.h>
#include <string.h>

#define UNBOUNDED 0xffff

static void add(uint8_t *set, unsigned char c, bool nocase)
{
    set[c >> 3] |= (uint8_t)(1u << (c & 7));
    if (nocase && isalpha(c)) {
        unsigned char o = islower(c) ? (unsigned char)toupper(c) : (unsigned char)tolower(c);
        set[o >> 3] |= (uint8_t)(1u << (o & 7));
    }
}

static bool has(const uint8_t *set, unsigned char c)
{
    return (set[c >> 3] >> (c & 7)) & 1u;
}

/* Parses a bracket expression at p ('['); returns the char after ']' or NULL. */
static const char *bracket(const char *p, uint8_t *set, bool nocase)
{
    p++;
    bool neg = false;
    if (*p == '^') {
        neg = true;
        p++;
    }
    uint8_t s[32] = {0};
    bool first = true;
    while (*p && (*p != ']' || first)) {
        first = false;
        if (*p == '[' || *p == '\\')
            return NULL; /* character classes, equivalence classes: leave to regexec */
        unsigned char lo = (unsigned char)*p;
        if (p[1] == '-' && p[2] && p[2] != ']') {
            unsigned char hi = (unsigned char)p[2];
            if (hi < lo)
                return NULL;
            for (unsigned c = lo; c <= hi; c++)
                add(s, (unsigned char)c, nocase);
            p += 3;
        } else {
            add(s, lo, nocase);
            p++;
        }
    }
    if (*p != ']')
        return NULL;
    if (neg) {
        for (int i = 0; i < 32; i++)
            s[i] = (uint8_t)~s[i];
        s[0] &= (uint8_t)~1u; /* NUL never matches */
        if (nocase) /* a negated set must exclude both cases of what it names */
            for (unsigned c = 'A'; c <= 'Z'; c++)
                if (!has(s, (unsigned char)c) || !has(s, (unsigned char)tolower((int)c))) {
                    s[c >> 3] &= (uint8_t)~(1u << (c & 7));
                    unsigned l = (unsigned)tolower((int)c);
                    s[l >> 3] &= (uint8_t)~(1u << (l & 7));
                }
    }
    memcpy(set, s, 32);
    return p + 1;
}

static bool disjoint(const uint8_t *a, const uint8_t *b)
{
    for (int i = 0; i < 32; i++)
        if (a[i] & b[i])
            return false;
    return true;
}

/* Long: one pass over the pattern's grammar. This file goes when issue 10 moves
 * rule regexes to PCRE2 (its JIT makes the fast path unnecessary). */
bool sl_simplere_compile(struct sl_simplere *s, const char *pat, bool nocase)
{
    memset(s, 0, sizeof *s);
    s->nocase = nocase;
    const char *p = pat;
    if (*p == '^') {
        s->anchored = true;
        p++;
    }
    int open = -1; /* group open, waiting for its first item */
    int in_group = 0;
    while (*p) {
        if (*p == '$' && p[1] == '\0') {
            s->to_end = true;
            break;
        }
        if (*p == '(') {
            if (in_group || s->n_groups >= SL_SIMPLERE_MAX_GROUPS)
                return false;
            in_group = (int)++s->n_groups;
            open = in_group;
            p++;
            continue;
        }
        if (*p == ')') {
            if (!in_group || open >= 0 || s->n == 0)
                return false; /* empty group or stray ')' */
            s->item[s->n - 1].close_after = (uint8_t)in_group;
            in_group = 0;
            p++;
            if (*p == '?' || *p == '*' || *p == '+' || *p == '{')
                return false;
            continue;
        }
        if (s->n >= SL_SIMPLERE_MAX_ITEMS)
            return false;
        struct sl_simplere_item *it = &s->item[s->n];
        memset(it, 0, sizeof *it);
        if (*p == '[') {
            p = bracket(p, it->set, nocase);
            if (p == NULL)
                return false;
        } else if (*p == '.') {
            /* as regexec without REG_NEWLINE: any byte, newline included */
            memset(it->set, 0xff, 32);
            it->set[0] &= (uint8_t)~1u;
            p++;
        } else if (*p == '\\') {
            if (p[1] == '\0' || strchr(".[]()*+?{}|^$\\/-", p[1]) == NULL)
                return false;
            add(it->set, (unsigned char)p[1], nocase);
            p += 2;
        } else if (strchr("|*+?{}^$)", *p) != NULL) {
            return false;
        } else {
            add(it->set, (unsigned char)*p, nocase);
            p++;
        }
        it->min = it->max = 1;
        if (*p == '?')
            it->min = 0, p++;
        else if (*p == '*')
            it->min = 0, it->max = UNBOUNDED, p++;
        else if (*p == '+')
            it->max = UNBOUNDED, p++;
        else if (*p == '{') {
            unsigned m = 0, n = 0;
            p++;
            if (!isdigit((unsigned char)*p))
                return false;
            while (isdigit((unsigned char)*p) && m < 1000)
                m = m * 10 + (unsigned)(*p++ - '0');
            n = m;
            if (*p == ',') {
                p++;
                if (*p == '}')
                    n = UNBOUNDED;
                else {
                    n = 0;
                    while (isdigit((unsigned char)*p) && n < 1000)
                        n = n * 10 + (unsigned)(*p++ - '0');
                }
            }
            if (*p != '}' || n < m || m >= 1000)
                return false;
            p++;
            it->min = (uint16_t)m;
            it->max = (uint16_t)n;
        }
        if (*p == '?' || *p == '*' || *p == '+' || *p == '{')
            return false; /* stacked quantifiers */
        if (open >= 0) {
            it->open_before = (uint8_t)open;
            open = -1;
        }
        s->n++;
    }
    if (in_group || s->n == 0 || !s->anchored)
        return false;
    /* Greedy without backtracking is exact when every variable item is the
     * last, or cannot match the first byte the next item needs. An optional
     * next item would let a later one start there too: refuse those. */
    for (size_t i = 0; i + 1 < s->n; i++) {
        const struct sl_simplere_item *a = &s->item[i], *b = &s->item[i + 1];
        if (a->min == a->max)
            continue;
        if (b->min == 0 || !disjoint(a->set, b->set))
            return false;
    }
    return true; /* without $, greedy still finds regexec's leftmost-longest match */
}

bool sl_simplere_match(const struct sl_simplere *s, const char *v, size_t len, regmatch_t *g,
                       size_t ng)
{
    regoff_t gs[SL_SIMPLERE_MAX_GROUPS + 1], ge[SL_SIMPLERE_MAX_GROUPS + 1];
    for (size_t i = 0; i <= SL_SIMPLERE_MAX_GROUPS; i++)
        gs[i] = ge[i] = -1;
    size_t pos = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct sl_simplere_item *it = &s->item[i];
        if (it->open_before)
            gs[it->open_before] = (regoff_t)pos;
        size_t k = 0, max = it->max == UNBOUNDED ? (size_t)-1 : it->max;
        while (k < max && pos < len && has(it->set, (unsigned char)v[pos])) {
            pos++;
            k++;
        }
        if (k < it->min)
            return false;
        if (it->close_after)
            ge[it->close_after] = (regoff_t)pos;
    }
    if (s->to_end && pos != len)
        return false;
    if (g != NULL && ng > 0) {
        g[0].rm_so = 0;
        g[0].rm_eo = (regoff_t)pos;
        for (size_t i = 1; i < ng; i++) {
            g[i].rm_so = i <= s->n_groups ? gs[i] : -1;
            g[i].rm_eo = i <= s->n_groups ? ge[i] : -1;
        }
    }
    return true;
}
