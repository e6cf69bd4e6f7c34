/* rules.h - identifying vehicles and their connected parts from what a fleet
 * file says (DESIGN.md §10): a VIN -> its WMI -> the maker and the country of
 * manufacture; an IMEI -> its TAC -> the module maker and model (only where a
 * cited source gives it); supplier, manufacturer, make and model names -> a
 * vendor of the registry. The rules are data (data/vehicle/wmi.json,
 * tac.json, suppliers.json, site-rule.json), each with its source and positive
 * and negative examples that sl_vrule_test runs.
 *
 * Loaded once, immutable, shareable read-only. Strings and rules returned
 * point into the rule set (or the registry it was loaded with, which must
 * outlive it). Bounded: inputs are cut at SL_VNAME_MAX bytes before matching;
 * a VIN is 17 characters, an IMEI 15 digits.
 */
#ifndef SL_VEHICLE_RULES_H
#define SL_VEHICLE_RULES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "policy/registry.h"
#include "util/err.h"

#define SL_VIN_LEN 17
#define SL_IMEI_LEN 15
#define SL_VNAME_MAX 256

enum sl_vrule_kind {
    SL_VRULE_SYNTAX,   /* vin.syntax, imei.syntax, site.syntax: what is valid */
    SL_VRULE_WMI,      /* wmi.XXX: a WMI -> a maker */
    SL_VRULE_TAC,      /* tac.NNNNNNNN: a TAC -> a device maker and model */
    SL_VRULE_SUPPLIER, /* supplier.NAME: names and model prefixes -> a vendor */
};

struct sl_vrule {
    const char *id;
    enum sl_vrule_kind kind;
    const char *match;              /* what it looks at, for people (owned by the set) */
    const struct sl_vendor *vendor; /* what it yields; NULL for syntax rules */
    const char *brand;              /* a brand of the vendor ("MG"), or NULL */
    const char *maker;              /* WMI: the maker as the WMI list names it */
    const char *model;              /* TAC: the device model */
    const char *source;
    const json_t *examples;         /* {"positive": [...], "negative": [...]} */
};

struct sl_vrules;

/* Loads data/vehicle/ from datadir; every vendor a rule names must be in reg. */
int sl_vrules_load(struct sl_vrules **out, const char *datadir, const struct sl_registry *reg,
                   struct sl_err *err);
void sl_vrules_free(struct sl_vrules *vr);

size_t sl_vrules_count(const struct sl_vrules *vr);
const struct sl_vrule *sl_vrules_at(const struct sl_vrules *vr, size_t i);
const struct sl_vrule *sl_vrules_find(const struct sl_vrules *vr, const char *id);
const struct sl_registry *sl_vrules_registry(const struct sl_vrules *vr);
const char *sl_vrule_kind_name(enum sl_vrule_kind k); /* "syntax", "wmi", "tac", "supplier" */

/* --- VIN */
struct sl_vin_info {
    char vin[SL_VIN_LEN + 1];   /* upper case */
    char wmi[4];
    const char *region;         /* "Asia", ... or NULL */
    const char *country;        /* ISO 3166 alpha-2 of the WMI's assignment, or NULL */
    const char *country_name;
    bool check_required;        /* the region requires the check digit */
    bool check_ok;              /* position 9 is the check digit */
    char check_digit;           /* the computed one, '0'-'9' or 'X' */
    int year_candidates[2];     /* position 10 read as a model year (two 30-year cycles), 0 = none */
    int model_year;             /* set only where the VIN fixes it (North America, position 7) */
    const struct sl_vrule *wmi_rule; /* the maker, or NULL when the WMI is not in the list */
};

/* Validates and decodes a VIN (blanks around it ignored, lower case
 * accepted). Returns 0, or -1 with the reason in err: its length, a character
 * that is not allowed (I, O and Q never are), or a wrong check digit where the
 * region requires one. */
int sl_vin_decode(const struct sl_vrules *vr, const char *text, struct sl_vin_info *out,
                  struct sl_err *err);

/* The check digit of 17 VIN characters (position 9 ignored), by 49 CFR
 * 565.15; '?' when a character has no value. */
char sl_vin_check_digit(const char *vin17);

/* --- IMEI */
struct sl_imei_info {
    char imei[SL_IMEI_LEN + 1];
    char tac[9];
    const struct sl_vrule *tac_rule; /* NULL: the TAC is not in a cited source, so unknown */
};

/* Validates and decodes an IMEI (blanks and '-' between digits ignored).
 * Returns 0, or -1 with the reason: empty, a non-digit, 14 digits (check digit
 * missing), 16 (an IMEISV), another length, or a wrong Luhn check digit. */
int sl_imei_decode(const struct sl_vrules *vr, const char *text, struct sl_imei_info *out,
                   struct sl_err *err);

/* --- names */
struct sl_name_match {
    const struct sl_vrule *rule;    /* the supplier rule, or the registry.alias rule */
    const struct sl_vendor *vendor;
    const char *brand;
    char matched[64];               /* the name or prefix that matched */
};

/* A supplier, manufacturer or make name ("Quectel Wireless Solutions Co.,
 * Ltd.") -> a vendor: the longest supplier-rule name in it, else a registry
 * alias starting it. False when nothing matches. */
bool sl_vrules_match_name(const struct sl_vrules *vr, const char *text, struct sl_name_match *m);

/* A model or component name ("EG25-G") -> a vendor by its model prefixes,
 * else by the names in it. */
bool sl_vrules_match_model(const struct sl_vrules *vr, const char *text, struct sl_name_match *m);

/* Whether vendor v or a parent is of a country, or bound by a law, the site
 * vehicle rule counts as a nexus (data/vehicle/site-rule.json); *via is the
 * one that is. */
bool sl_vrules_nexus(const struct sl_vrules *vr, const struct sl_vendor *v,
                     const struct sl_vendor **via);

/* The site vehicle rule's own record (id, title, date, source), borrowed. */
const json_t *sl_vrules_site_rule_doc(const struct sl_vrules *vr);

/* --- examples */
struct sl_vrule_test {
    size_t checked, failed;
    char first_failure[512];
};

/* Runs one rule's positive and negative examples. */
void sl_vrule_test(const struct sl_vrules *vr, const struct sl_vrule *r, struct sl_vrule_test *res);

#endif
