/* rules_internal.h - the loaded vehicle rule set, shared by the files that
 * load it (rules.c) and use it (vin.c, imei.c, names.c, ruletest.c). Not for
 * other modules: they go through rules.h. */
#ifndef SL_VEHICLE_RULES_INTERNAL_H
#define SL_VEHICLE_RULES_INTERNAL_H

#include "vehicle/rules.h"

#define SL_VR_MAX_RULES 2048
#define SL_VR_MAX_NAMES 4096
#define SL_VR_MAX_COUNTRIES 256

/* ISO 3780 sequence of the second character, for country ranges. */
#define SL_VIN_SEQUENCE "ABCDEFGHJKLMNPRSTUVWXYZ1234567890"

struct sl_vr_country {
    char from[3], to[3]; /* "SA".."SM" */
    const char *country, *name;
};

struct sl_vr_code {      /* a WMI or a TAC, sorted for bsearch */
    char code[9];
    const struct sl_vrule *rule;
};

struct sl_vr_name {      /* a supplier name or a model prefix */
    char *text;          /* normalised (names: " quectel wireless ", models: "EG25") */
    size_t len;
    bool start_only;     /* names written "^X" */
    bool literal;        /* non-Latin script: matched as written */
    bool any_tail;       /* model prefixes written "X*": any character may follow */
    const struct sl_vrule *rule;
};

struct sl_vrules {
    json_t *wmi_doc, *tac_doc, *sup_doc, *site_doc;
    const struct sl_registry *reg;
    size_t n_rules;
    struct sl_vrule *rules; /* SL_VR_MAX_RULES slots, stable addresses */
    const struct sl_vrule *vin_syntax, *imei_syntax, *site_syntax, *registry_alias;
    /* VIN */
    const char *region_of[128];  /* first character -> region name */
    size_t n_countries;
    struct sl_vr_country countries[SL_VR_MAX_COUNTRIES];
    const char *check_required;  /* first characters whose region requires the check digit */
    const char *year_codes;      /* position 10 codes in order */
    int first_cycle;             /* year of the first code's first cycle (1980) */
    const char *pos7_first;      /* first characters where position 7 fixes the cycle */
    size_t n_wmi, n_tac;
    struct sl_vr_code *wmi, *tac;
    /* names */
    size_t n_names, n_models;
    struct sl_vr_name *names, *models;
    /* site rule */
    size_t n_nexus_countries, n_nexus_laws;
    const char *nexus_countries[SL_REG_MAX_LIST], *nexus_laws[SL_REG_MAX_LIST];
};

/* Normalises a name for matching: ASCII letters and digits lower-cased, other
 * ASCII runs become one space, other bytes kept; with a space before and after.
 * Returns the length written (out always NUL-terminated). */
size_t sl_vr_normalise(const char *in, char *out, size_t outsz);

/* Finds a code in a sorted table, or NULL. */
const struct sl_vrule *sl_vr_lookup(const struct sl_vr_code *tab, size_t n, const char *code);

#endif
