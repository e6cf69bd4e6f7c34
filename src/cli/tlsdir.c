/* tlsdir.c - the default state directory of serve and agents (tlsdir.h). */
#include "cli/tlsdir.h"

#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "util/str.h"

void sl_cli_default_tls_dir(const char *db, char *out, size_t n)
{
    snprintf(out, n, ".");
    if (strcmp(sl_store_backend_of(db), "sqlite") != 0)
        return;
    const char *path = sl_str_starts_with(db, "sqlite:") ? db + 7 : db;
    char copy[1024];
    sl_strlcpy(copy, path, sizeof copy);
    sl_strlcpy(out, dirname(copy), n);
}
