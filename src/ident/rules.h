/* rules.h - fingerprint rules as data (data/rules/NAME.json, DESIGN.md §5).
 *
 * A rule looks at one named field of a parsed answer ("http.server",
 * "xml:DeviceInfo/model", "tcp.bytes", "model", ...), tests it (equals,
 * prefix, suffix, contains, regex, hexprefix, present) and, when it matches,
 * yields what it says: a maker with a weight, a brand, a device type, and
 * model/firmware/serial/mac/label values taken from the field ($0) or from
 * regex groups ($1..$9). Every rule carries positive and negative examples
 * (field values, or whole evidence records) that `sightline rules test` and
 * the unit tests check.
 *
 * Weights: a clue of weight < SL_RULE_STRONG is weak; one weak clue alone
 * never names a manufacturer (the fusion threshold is SL_RULE_STRONG).
 *
 * Rules are indexed by field name so that a field only meets the rules that
 * look at it. A loaded rule set is immutable and shareable read-only.
 */
#ifndef SL_IDENT_RULES_H
#define SL_IDENT_RULES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/claim.h"
#include "core/evidence.h"
#include "util/err.h"
#include "util/re.h"

#define SL_RULE_STRONG 0.6 /* fusion threshold: a maker is named at or above it */
#define SL_RULE_MAX_FIELDS 6
#define SL_RULE_MAX_GROUPS 10

enum sl_rule_op {
    SL_OP_EQUALS,
    SL_OP_PREFIX,
    SL_OP_SUFFIX,
    SL_OP_CONTAINS,
    SL_OP_REGEX,
    SL_OP_HEXPREFIX, /* the field's raw bytes start with these bytes */
    SL_OP_PRESENT,   /* the field exists (any value) */
};

/* What a rule yields; templates are "$0".."$9" or literal text, NULL = none. */
struct sl_rule_yield {
    const char *maker;       /* canonical manufacturer name */
    const char *brand;       /* brand name */
    const char *device_type;
    const char *model, *firmware, *serial, *mac;
    const char *label;       /* a self-reported name, resolved through the registry */
    int rank;                /* for model/firmware/serial: the higher rank wins (default 1) */
    double type_weight;      /* strength of the device_type vote (default: weight, else 0.5) */
};

/* One test of a value: the operation and its pattern, compiled at load. */
struct sl_rule_test {
    enum sl_rule_op op;
    bool nocase;
    const char *pattern;     /* as written */
    size_t pattern_len;
    char *pattern_lc;        /* lower-cased copy for nocase matching (owned) */
    uint8_t *bytes;          /* hexprefix: decoded pattern (owned) */
    size_t bytes_len;
    struct sl_re *re;        /* regex: compiled by PCRE2 with its JIT (owned) */
};

/* A further condition on the same answer: some field named `field` passes the
 * test (for a combination such as a header set, its order and the body's
 * first bytes; a single weak clue stays weak). */
#define SL_RULE_MAX_ALSO 4
struct sl_rule_cond {
    const char *field;
    struct sl_rule_test t;
};

struct sl_rule {
    const char *id;
    const char *description;
    const char *source;
    const char *file;        /* data file it came from, for messages */
    unsigned proto_mask;     /* bit (1 << enum sl_proto); 0 = any protocol */
    uint16_t port;           /* 0 = any port */
    const char *path;        /* NULL = any; else only answers to this request path (and
                                answers whose request is not known): nmap's GetRequest
                                patterns are for the answer to GET / (static string) */
    size_t n_fields;
    const char *fields[SL_RULE_MAX_FIELDS];
    struct sl_rule_test t;   /* the test of the rule's own field */
    size_t n_also;
    struct sl_rule_cond also[SL_RULE_MAX_ALSO];
    double weight;           /* confidence in the maker this clue gives, 0..1 */
    struct sl_rule_yield y;
    const json_t *examples;  /* {"positive": [...], "negative": [...]} borrowed; NULL for a
                                rule read from another tool's data (no examples) */
};

struct sl_ruleset;

/* Loads every data/rules/NAME.json of datadir. Checks every rule's shape, that
 * makers and brands exist in the registry names given (NULL = no check), and
 * compiles regexes; err names the file and rule. */
struct sl_registry;
int sl_rules_load(struct sl_ruleset **out, const char *datadir, const struct sl_registry *reg,
                  struct sl_err *err);
void sl_rules_free(struct sl_ruleset *rs);

size_t sl_rules_count(const struct sl_ruleset *rs);
const struct sl_rule *sl_rules_at(const struct sl_ruleset *rs, size_t i);
const struct sl_rule *sl_rules_find(const struct sl_ruleset *rs, const char *id);
size_t sl_rules_index_of(const struct sl_ruleset *rs, const struct sl_rule *r);

/* The rules that look at a field (indices into the set), or NULL. */
const uint32_t *sl_rules_for_field(const struct sl_ruleset *rs, const char *field, size_t *n);

/* Tests a value against the rule's own test. value_lc is the lower-cased
 * value (or NULL: computed when needed); scratch is the calling thread's
 * regex scratch (or NULL: a temporary one). On a match, groups (when not
 * NULL) receive the regex groups (so = -1 for unused). The rule's further
 * conditions (also) are the caller's to check, with sl_rule_test_value. */
bool sl_rule_match(const struct sl_rule *r, struct sl_re_scratch *scratch, const char *value,
                   size_t len, const char *value_lc, struct sl_span groups[SL_RULE_MAX_GROUPS]);
bool sl_rule_test_value(const struct sl_rule_test *t, struct sl_re_scratch *scratch,
                        const char *value, size_t len, const char *value_lc,
                        struct sl_span groups[SL_RULE_MAX_GROUPS]);

/* Adds a rule built from another tool's data (nmap-service-probes): copied
 * into the set, indexed; the set takes ownership of its compiled test. The
 * strings it points at must live as long as the set. Returns 0 or -1. */
int sl_rules_add(struct sl_ruleset *rs, const struct sl_rule *r, struct sl_err *err);
/* Keeps a string for the life of the set; returns the copy or NULL. */
const char *sl_rules_keep(struct sl_ruleset *rs, const char *s);

/* Expands a yield template against the matched value into out. */
void sl_rule_expand(const char *tpl, const char *value, const struct sl_span *groups, char *out,
                    size_t outsz);

const char *sl_rule_op_name(enum sl_rule_op op);

#endif
