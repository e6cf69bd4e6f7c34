/* purchase.h - who really makes a product a buyer is offered: a make (the
 * label on the box, "Annke") and a model ("C800"), resolved through the
 * vendor registry (makers' own names, their own brands, OEM labels and the
 * makers behind them) and the model-number rules of data/rules/.
 *
 * The answer names the maker when the registry or a model-number rule does,
 * says how (the relation) and on what source; an OEM label whose maker the
 * registry leaves open names nobody (a person must check). Nothing here
 * judges: policy does that with the maker and the device type.
 *
 * Plain values; bounded: make 64 bytes, model 96, longer input is cut.
 */
#ifndef SL_IDENT_PURCHASE_H
#define SL_IDENT_PURCHASE_H

#include <stdbool.h>

#include "core/claim.h"

struct sl_ident;

enum sl_purchase_relation {
    SL_PURCHASE_UNKNOWN = 0,    /* neither the make nor the model says who makes it */
    SL_PURCHASE_MAKER,          /* the make is the maker's own name */
    SL_PURCHASE_OWN_BRAND,      /* a brand the maker owns (EZVIZ -> Hikvision) */
    SL_PURCHASE_OEM,            /* an OEM label whose maker the registry names (Annke -> Hikvision) */
    SL_PURCHASE_OEM_OPEN,       /* an OEM label whose maker is not established (Swann) */
    SL_PURCHASE_MODEL_NUMBER,   /* the model number is the maker's grammar (DS-2CD... -> Hikvision) */
};

struct sl_purchase {
    char make[64], model[96];   /* as understood (a single string is split at the make) */
    char maker[64];             /* the real maker, "" when unknown */
    char brand[64];             /* the label when it is not the maker's own name */
    char device_type[32];       /* from the model number, "" when it does not say */
    enum sl_purchase_relation relation;
    char basis[256];            /* one sentence: how the maker was found */
    char source[512];           /* the registry entry's or the rule's source */
};

const char *sl_purchase_relation_name(enum sl_purchase_relation r);

/* Checks a make and a model (either may be NULL or empty). With make NULL and
 * a model holding "Make Model" (one string), the make is the longest registry
 * name it starts with. */
void sl_purchase_check(const struct sl_ident *id, const char *make, const char *model,
                       struct sl_purchase *out);

/* The claim policy judges for the answer (manufacturer, brand, device type). */
void sl_purchase_claim(const struct sl_purchase *p, struct sl_claim *out);

#endif
