/* targets.c - target specs to sorted, merged address intervals (targets.h). */
#include "net/targets.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/file.h"
#include "util/grow.h"
#include "util/str.h"

typedef unsigned __int128 u128;

struct range {
    u128 lo, hi;    /* inclusive; IPv4 ranges hold 32-bit values */
    bool v4;
    bool single;    /* named as one address (reserved space is probed only so) */
    uint64_t start; /* sorted position of lo (after prepare) */
};

struct rangeset {
    struct range *r;
    size_t n, cap;
};

struct sl_targets {
    struct rangeset in, ex;
    uint64_t count, excluded, reserved;
    bool prepared;
};

/* Space never probed as part of a network or range (only when named as one
 * address): "this network", multicast, reserved and the limited broadcast
 * (IPv4); multicast (IPv6). */
static const struct {
    u128 lo, hi;
    bool v4;
} RESERVED[] = {
    {0x00000000u, 0x00ffffffu, true},  /* 0.0.0.0/8 */
    {0xe0000000u, 0xffffffffu, true},  /* 224.0.0.0/4 multicast, 240.0.0.0/4, 255.255.255.255 */
    {(u128)0xff << 120, ~(u128)0, false}, /* ff00::/8 multicast */
};

#define FILE_MAX (64u * 1024 * 1024)
/* ::ffff:0:0/96 as IPv6 values (mapped addresses are IPv4 here, cidr.h). */
#define MAPPED_LO ((u128)0xffff << 32)
#define MAPPED_HI (MAPPED_LO | 0xffffffffu)
/* 64:ff9b::/96, the NAT64 well-known prefix, as an IPv6 value. */
#define NAT64_WKP ((u128)0x0064ff9b << 96)

static u128 addr_value(const struct sl_addr *a)
{
    u128 v = 0;
    for (int i = a->v4 ? 12 : 0; i < 16; i++)
        v = (v << 8) | a->b[i];
    return v;
}

static void value_addr(u128 v, bool v4, struct sl_addr *a)
{
    memset(a, 0, sizeof *a);
    a->v4 = v4;
    if (v4) {
        a->b[10] = a->b[11] = 0xff;
    }
    for (int i = 15; i >= (v4 ? 12 : 0); i--) {
        a->b[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

static int set_push(struct rangeset *s, u128 lo, u128 hi, bool v4, struct sl_err *err)
{
    if (SL_GROW(s->r, s->cap, s->n + 1, 16) != 0)
        return sl_err_set(err, "out of memory");
    s->r[s->n++] = (struct range){lo, hi, v4, lo == hi, 0};
    return 0;
}

struct sl_targets *sl_targets_new(void)
{
    return calloc(1, sizeof(struct sl_targets));
}

void sl_targets_free(struct sl_targets *t)
{
    if (t == NULL)
        return;
    free(t->in.r);
    free(t->ex.r);
    free(t);
}

static int resolve(struct rangeset *s, const char *name, struct sl_err *err)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(name, NULL, &hints, &res);
    if (rc != 0)
        return sl_err_set(err, "'%s' is not an address, network or range, and does not resolve (%s)",
                          name, gai_strerror(rc));
    int added = 0;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        struct sl_addr a;
        if (sl_addr_from_sockaddr(ai->ai_addr, &a, NULL) != 0)
            continue;
        u128 v = addr_value(&a);
        if (set_push(s, v, v, a.v4, err) != 0) {
            freeaddrinfo(res);
            return -1;
        }
        added++;
    }
    freeaddrinfo(res);
    if (added == 0)
        return sl_err_set(err, "'%s' resolves to no IPv4 or IPv6 address", name);
    return 0;
}

static int add_spec(struct rangeset *s, const char *spec_in, bool allow_file, struct sl_err *err);

static int add_file(struct rangeset *s, const char *path, struct sl_err *err)
{
    size_t len;
    char *data = sl_read_file(path, FILE_MAX, &len, err);
    if (data == NULL)
        return -1;
    size_t lineno = 0;
    int rc = 0;
    for (char *p = data; p != NULL && *p != '\0';) {
        char *nl = strchr(p, '\n');
        if (nl != NULL)
            *nl = '\0';
        lineno++;
        char *hash = strchr(p, '#');
        if (hash != NULL)
            *hash = '\0';
        char *line = sl_str_trim(p);
        if (*line != '\0' && add_spec(s, line, false, err) != 0) {
            sl_err_prefix(err, "%s, line %zu", path, lineno);
            rc = -1;
            break;
        }
        p = nl != NULL ? nl + 1 : NULL;
    }
    free(data);
    return rc;
}

static int add_spec(struct rangeset *s, const char *spec_in, bool allow_file, struct sl_err *err)
{
    char spec[512];
    if (sl_strlcpy(spec, spec_in, sizeof spec) >= sizeof spec)
        return sl_err_set(err, "target '%.40s...' is too long", spec_in);
    char *sp = sl_str_trim(spec);
    if (*sp == '\0')
        return sl_err_set(err, "empty target");
    if (*sp == '@') {
        if (!allow_file)
            return sl_err_set(err, "'%s': an @file may not name another @file", sp);
        return add_file(s, sp + 1, err);
    }
    struct sl_addr a, b;
    if (strchr(sp, '/') != NULL) {
        struct sl_cidr c;
        if (sl_cidr_parse(sp, &c, err) != 0)
            return -1;
        if (c.prefix == 0)
            return sl_err_set(err, "'%s' is every address there is; name the networks you are "
                                   "responsible for", sp);
        unsigned bits = c.addr.v4 ? 32 : 128;
        u128 lo = addr_value(&c.addr);
        if (c.prefix == bits && lo == 0)
            return sl_err_set(err, "'%s' is not a host address", sp);
        unsigned host = bits - c.prefix;
        u128 span = host >= 128 ? ~(u128)0 : (((u128)1 << host) - 1);
        return set_push(s, lo, lo | span, c.addr.v4, err);
    }
    char *dash = strchr(sp, '-');
    if (dash != NULL && sl_addr_parse(sp, &a) != 0) {
        *dash = '\0';
        const char *rhs = dash + 1;
        if (sl_addr_parse(sp, &a) != 0)
            goto not_addr;
        int64_t octet;
        if (sl_addr_parse(rhs, &b) == 0) {
            if (b.v4 != a.v4)
                return sl_err_set(err, "range '%s-%s' mixes IPv4 and IPv6", sp, rhs);
        } else if (a.v4 && sl_parse_i64(rhs, 0, 255, &octet) == 0) {
            b = a;
            b.b[15] = (uint8_t)octet;
        } else {
            return sl_err_set(err, "range '%s-%s': the end is not an address", sp, rhs);
        }
        u128 lo = addr_value(&a), hi = addr_value(&b);
        if (hi < lo)
            return sl_err_set(err, "range '%s-%s' ends before it starts", sp, rhs);
        if (!a.v4 && lo <= MAPPED_HI && hi >= MAPPED_LO)
            return sl_err_set(err, "range '%s-%s' covers IPv4-mapped addresses (::ffff:0:0/96); "
                                   "give IPv4 addresses as IPv4", sp, rhs);
        return set_push(s, lo, hi, a.v4, err);
    }
    if (sl_addr_parse(sp, &a) == 0) {
        u128 v = addr_value(&a);
        if (v == 0)
            return sl_err_set(err, "'%s' is not a host address", sp);
        return set_push(s, v, v, a.v4, err);
    }
not_addr:
    if (dash != NULL)
        *dash = '-';
    return resolve(s, sp, err);
}

int sl_targets_add(struct sl_targets *t, const char *spec, struct sl_err *err)
{
    if (t->prepared)
        return sl_err_set(err, "targets already prepared");
    return add_spec(&t->in, spec, true, err);
}

/* An IPv4 exclusion also excludes its NAT64 form (64:ff9b::a.b.c.d): through a
 * NAT64 gateway that address reaches the excluded host. */
int sl_targets_exclude(struct sl_targets *t, const char *spec, struct sl_err *err)
{
    if (t->prepared)
        return sl_err_set(err, "targets already prepared");
    size_t before = t->ex.n;
    if (add_spec(&t->ex, spec, true, err) != 0)
        return -1;
    for (size_t i = before, end = t->ex.n; i < end; i++) {
        const struct range r = t->ex.r[i];
        if (r.v4 && set_push(&t->ex, NAT64_WKP | r.lo, NAT64_WKP | r.hi, false, err) != 0)
            return -1;
    }
    return 0;
}

static int cmp_range(const void *pa, const void *pb)
{
    const struct range *a = pa, *b = pb;
    if (a->v4 != b->v4)
        return a->v4 ? -1 : 1;
    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    return 0;
}

static void merge(struct rangeset *s)
{
    if (s->n == 0)
        return;
    qsort(s->r, s->n, sizeof *s->r, cmp_range);
    size_t w = 0;
    for (size_t i = 1; i < s->n; i++) {
        struct range *cur = &s->r[w];
        const struct range *nx = &s->r[i];
        if (nx->v4 == cur->v4 && (nx->lo <= cur->hi || nx->lo - 1 == cur->hi)) {
            if (nx->hi > cur->hi)
                cur->hi = nx->hi;
        } else {
            s->r[++w] = *nx;
        }
    }
    s->n = w + 1;
}

/* Addresses in both (merged, disjoint) sets. */
static u128 overlap(const struct rangeset *x, const struct rangeset *y)
{
    u128 n = 0;
    for (size_t i = 0, j = 0; i < x->n && j < y->n;) {
        const struct range *a = &x->r[i], *b = &y->r[j];
        if (a->v4 != b->v4) {
            if (a->v4)
                i++;
            else
                j++;
            continue;
        }
        u128 lo = a->lo > b->lo ? a->lo : b->lo, hi = a->hi < b->hi ? a->hi : b->hi;
        if (lo <= hi)
            n += hi - lo + 1;
        if (a->hi < b->hi)
            i++;
        else
            j++;
    }
    return n;
}

static int cmp_single(const void *pa, const void *pb)
{
    const struct range *a = pa, *b = pb;
    return a->v4 != b->v4 ? (a->v4 ? -1 : 1) : a->lo < b->lo ? -1 : a->lo > b->lo;
}

/* The reserved space minus the addresses named singly, into res (merged).
 * Call before t->in is merged (merging forgets which ranges were single). */
static int reserved_space(const struct sl_targets *t, struct rangeset *res, struct sl_err *err)
{
    struct rangeset singles = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < t->in.n; i++)
        if (t->in.r[i].single)
            rc = set_push(&singles, t->in.r[i].lo, t->in.r[i].lo, t->in.r[i].v4, err);
    if (singles.n > 0)
        qsort(singles.r, singles.n, sizeof *singles.r, cmp_single);
    for (size_t k = 0; rc == 0 && k < sizeof RESERVED / sizeof RESERVED[0]; k++) {
        u128 from = RESERVED[k].lo;
        bool open = true; /* [from, ...] still to push */
        for (size_t i = 0; rc == 0 && i < singles.n; i++) {
            const struct range *sg = &singles.r[i];
            if (sg->v4 != RESERVED[k].v4 || sg->lo < from || sg->lo > RESERVED[k].hi)
                continue;
            if (sg->lo > from)
                rc = set_push(res, from, sg->lo - 1, RESERVED[k].v4, err);
            if (sg->lo == RESERVED[k].hi)
                open = false;
            else
                from = sg->lo + 1;
        }
        if (rc == 0 && open)
            rc = set_push(res, from, RESERVED[k].hi, RESERVED[k].v4, err);
    }
    free(singles.r);
    return rc;
}

int sl_targets_prepare(struct sl_targets *t, struct sl_err *err)
{
    if (t->prepared)
        return 0;
    if (t->in.n == 0)
        return sl_err_set(err, "no targets");
    struct rangeset res = {0};
    if (reserved_space(t, &res, err) != 0) {
        free(res.r);
        return -1;
    }
    merge(&t->in);
    merge(&res);
    t->reserved = (uint64_t)overlap(&t->in, &res);
    for (size_t i = 0; i < res.n; i++)
        if (set_push(&t->ex, res.r[i].lo, res.r[i].hi, res.r[i].v4, err) != 0) {
            free(res.r);
            return -1;
        }
    free(res.r);
    merge(&t->ex);
    u128 total = 0;
    for (size_t i = 0; i < t->in.n; i++) {
        struct range *r = &t->in.r[i];
        u128 span = r->hi - r->lo;
        if (span >= (u128)SL_TARGETS_MAX || total + span + 1 > (u128)SL_TARGETS_MAX)
            return sl_err_set(err, "more than %llu addresses to scan; narrow the targets "
                                   "(an IPv6 network larger than a /96 cannot be walked)",
                              (unsigned long long)SL_TARGETS_MAX);
        r->start = (uint64_t)total;
        total += span + 1;
    }
    t->count = (uint64_t)total;
    t->excluded = (uint64_t)overlap(&t->in, &t->ex);
    t->prepared = true;
    return 0;
}

uint64_t sl_targets_count(const struct sl_targets *t) { return t->count; }
uint64_t sl_targets_excluded(const struct sl_targets *t) { return t->excluded; }
uint64_t sl_targets_reserved(const struct sl_targets *t) { return t->reserved; }

bool sl_targets_has_v4(const struct sl_targets *t)
{
    return t->in.n > 0 && t->in.r[0].v4;
}

bool sl_targets_has_v6(const struct sl_targets *t)
{
    return t->in.n > 0 && !t->in.r[t->in.n - 1].v4;
}

void sl_targets_at(const struct sl_targets *t, uint64_t index, struct sl_addr *out)
{
    size_t lo = 0, hi = t->in.n; /* last range with start <= index */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->in.r[mid].start <= index)
            lo = mid;
        else
            hi = mid;
    }
    const struct range *r = &t->in.r[lo];
    value_addr(r->lo + (index - r->start), r->v4, out);
}

/* Index of the range containing (v4, v), or -1. */
static long find(const struct rangeset *s, bool v4, u128 v)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct range *r = &s->r[mid];
        if (r->v4 != v4 ? r->v4 : r->hi < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < s->n && s->r[lo].v4 == v4 && s->r[lo].lo <= v && v <= s->r[lo].hi)
        return (long)lo;
    return -1;
}

bool sl_targets_index_of(const struct sl_targets *t, const struct sl_addr *a, uint64_t *index)
{
    u128 v = addr_value(a);
    long i = find(&t->in, a->v4, v);
    if (i < 0)
        return false;
    *index = t->in.r[i].start + (uint64_t)(v - t->in.r[i].lo);
    return true;
}

bool sl_targets_is_excluded(const struct sl_targets *t, const struct sl_addr *a)
{
    return find(&t->ex, a->v4, addr_value(a)) >= 0;
}

bool sl_targets_contains(const struct sl_targets *t, const struct sl_addr *a)
{
    uint64_t i;
    return sl_targets_index_of(t, a, &i) && !sl_targets_is_excluded(t, a);
}

void sl_walk_init_shard(struct sl_walk *w, const struct sl_targets *t, uint64_t seed,
                        unsigned shard, unsigned nshards)
{
    w->t = t;
    w->pos = shard;
    w->step = nshards > 0 ? nshards : 1;
    sl_perm_init(&w->perm, t->count, seed);
}

void sl_walk_init(struct sl_walk *w, const struct sl_targets *t, uint64_t seed)
{
    sl_walk_init_shard(w, t, seed, 0, 1);
}

int sl_walk_next(struct sl_walk *w, struct sl_addr *out, uint64_t *position)
{
    while (w->pos < w->t->count) {
        uint64_t p = w->pos;
        w->pos += w->step;
        sl_targets_at(w->t, sl_perm_at(&w->perm, p), out);
        if (w->t->ex.n > 0 && sl_targets_is_excluded(w->t, out))
            continue;
        if (position != NULL)
            *position = p;
        return 1;
    }
    return 0;
}

bool sl_walk_position_of(const struct sl_walk *w, const struct sl_addr *a, uint64_t *position)
{
    uint64_t idx;
    if (!sl_targets_index_of(w->t, a, &idx))
        return false;
    *position = sl_perm_inverse(&w->perm, idx);
    return true;
}

/* ---- what a scan covered, as text -------------------------------------------------- */

size_t sl_targets_ranges(const struct sl_targets *t, bool exclusions)
{
    return exclusions ? t->ex.n : t->in.n;
}

/* The prefix length when [lo, hi] is exactly one network, else -1. */
static int one_network(u128 lo, u128 hi, unsigned bits)
{
    u128 span = hi - lo;
    if ((span & (span + 1)) != 0 || (lo & span) != 0)
        return -1;
    unsigned host = 0;
    while (host < bits && ((span >> host) & 1))
        host++;
    return (int)(bits - host);
}

void sl_targets_range_text(const struct sl_targets *t, bool exclusions, size_t i,
                           char out[SL_TARGETS_RANGE_STRLEN])
{
    const struct range *r = exclusions ? &t->ex.r[i] : &t->in.r[i];
    struct sl_addr lo, hi;
    value_addr(r->lo, r->v4, &lo);
    value_addr(r->hi, r->v4, &hi);
    char a[SL_ADDR_STRLEN], b[SL_ADDR_STRLEN];
    sl_addr_format(&lo, a);
    int prefix = r->lo == r->hi ? -1 : one_network(r->lo, r->hi, r->v4 ? 32 : 128);
    if (r->lo == r->hi) {
        snprintf(out, SL_TARGETS_RANGE_STRLEN, "%s", a);
    } else if (prefix >= 0) {
        snprintf(out, SL_TARGETS_RANGE_STRLEN, "%s/%d", a, prefix);
    } else {
        sl_addr_format(&hi, b);
        snprintf(out, SL_TARGETS_RANGE_STRLEN, "%s-%s", a, b);
    }
}

int sl_targets_add_literal(struct sl_targets *t, const char *spec, bool exclude,
                           struct sl_err *err)
{
    char buf[SL_TARGETS_RANGE_STRLEN];
    struct sl_addr a;
    struct sl_cidr c;
    bool literal = false;
    if (sl_strlcpy(buf, spec, sizeof buf) < sizeof buf) {
        char *dash = strchr(buf, '-');
        if (strchr(buf, '/') != NULL) {
            literal = sl_cidr_parse(buf, &c, NULL) == 0;
        } else if (dash != NULL) {
            *dash = '\0';
            literal = sl_addr_parse(buf, &a) == 0 && sl_addr_parse(dash + 1, &a) == 0;
        } else {
            literal = sl_addr_parse(buf, &a) == 0;
        }
    }
    if (!literal)
        return sl_err_setk(err, SL_ERR_INVALID, "'%.60s' is not an address, network or range",
                           spec);
    return exclude ? sl_targets_exclude(t, spec, err) : sl_targets_add(t, spec, err);
}
