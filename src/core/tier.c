/* tier.c - site tier names, both ways (tier.h). What a tier means is policy's. */
#include "core/tier.h"

#include <string.h>

static const char *const tier_names[SL_TIER_COUNT] = {"sensitive", "official", "public"};

const char *sl_tier_name(enum sl_tier t)
{
    return (unsigned)t < SL_TIER_COUNT ? tier_names[t] : "public";
}

int sl_tier_from_name(const char *name, enum sl_tier *out)
{
    for (int i = 0; i < SL_TIER_COUNT; i++) {
        if (strcmp(tier_names[i], name) == 0) {
            *out = (enum sl_tier)i;
            return 0;
        }
    }
    return -1;
}
