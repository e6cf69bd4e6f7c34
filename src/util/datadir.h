/* datadir.h - where the data files (rules, registry, policies) are.
 *
 * $SIGHTLINE_DATA if set, else the data/ of the source tree the binary was built
 * from (when it still exists), else the installed copy. The returned string is
 * static. */
#ifndef SL_UTIL_DATADIR_H
#define SL_UTIL_DATADIR_H

const char *sl_datadir(void);

#endif
