/* datadir.c - where data/ is (datadir.h): $SIGHTLINE_DATA, the source tree, the
 * installed copy. Reads no file. */
#include "util/datadir.h"

#include <stdlib.h>
#include <sys/stat.h>

const char *sl_datadir(void)
{
    const char *env = getenv("SIGHTLINE_DATA");
    if (env != NULL && *env != '\0')
        return env;
    struct stat st;
    if (stat(SL_DATADIR_SOURCE, &st) == 0 && S_ISDIR(st.st_mode))
        return SL_DATADIR_SOURCE;
    return SL_DATADIR_INSTALL;
}
