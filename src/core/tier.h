/* tier.h - a site's sensitivity tier: it decides what policy prohibits there. */
#ifndef SL_CORE_TIER_H
#define SL_CORE_TIER_H

enum sl_tier { SL_TIER_SENSITIVE = 0, SL_TIER_OFFICIAL, SL_TIER_PUBLIC, SL_TIER_COUNT };

const char *sl_tier_name(enum sl_tier t); /* "sensitive", "official", "public" */
int sl_tier_from_name(const char *name, enum sl_tier *out);

#endif
