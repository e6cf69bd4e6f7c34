/* oui.h - MAC address prefixes of the vendors and brands in the registry.
 *
 * Read at run time from Debian's ieee-data CSV files (MA-L oui.csv, MA-M
 * mam.csv, MA-S oui36.csv, IAB iab.csv; $SIGHTLINE_IEEE_DATA or
 * /usr/share/ieee-data) plus data/oui-supplement.json for newer assignments.
 * Only prefixes whose organisation resolves to a registry vendor or brand are
 * kept (a few thousand), so lookups are a binary search in small tables.
 * Missing ieee-data files are not an error (the supplement still loads);
 * sl_oui_source() says what was read.
 */
#ifndef SL_IDENT_OUI_H
#define SL_IDENT_OUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct sl_registry;

struct sl_oui_entry {
    uint64_t prefix;     /* the MAC's top `bits` bits, right-aligned */
    uint8_t bits;        /* 24, 28 or 36 */
    const char *owner;   /* registry vendor or brand name (borrowed from the registry) */
    bool is_brand;
    char org[96];        /* the IEEE organisation name */
};

struct sl_oui;

int sl_oui_load(struct sl_oui **out, const char *datadir, const struct sl_registry *reg,
                struct sl_err *err);
void sl_oui_free(struct sl_oui *o);

/* The most specific registered prefix of mac (48-bit value), or NULL. */
const struct sl_oui_entry *sl_oui_lookup(const struct sl_oui *o, uint64_t mac);

size_t sl_oui_count(const struct sl_oui *o);
/* "ieee-data /usr/share/ieee-data (N prefixes) + supplement (M)" */
const char *sl_oui_source(const struct sl_oui *o);

#endif
