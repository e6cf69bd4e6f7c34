/* datadir.c - finds the data directory: explicit, environment, build tree or
 * installed copy (see datadir.h). Reads no data itself. */
#include "util/datadir.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/str.h"

static char g_explicit[4096];

void sl_datadir_set(const char *dir)
{
    if (dir == NULL)
        g_explicit[0] = '\0';
    else
        sl_strlcpy(g_explicit, dir, sizeof g_explicit);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The directory of the running executable, resolved (no symbolic links). */
static bool exe_dir(char *buf, size_t n)
{
    char link[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", link, sizeof link - 1);
    if (k <= 0)
        return false;
    link[k] = '\0';
    char *slash = strrchr(link, '/');
    if (slash == NULL)
        return false;
    *slash = '\0';
    return sl_strlcpy(buf, link, n) < n;
}

/* true when dir is build or lies below it. */
static bool under(const char *dir, const char *build)
{
    size_t n = strlen(build);
    while (n > 1 && build[n - 1] == '/')
        n--;
    return n > 0 && strncmp(dir, build, n) == 0 && (dir[n] == '\0' || dir[n] == '/');
}

const char *sl_datadir_find(const char *source_dir, const char *sub, const char *installed_dir,
                            char *buf, size_t n, const char **how)
{
    char exe[PATH_MAX], build[PATH_MAX], real[PATH_MAX];
    const char *why = "configured at build time";
    const char *pick = installed_dir;
    if (exe_dir(exe, sizeof exe)) {
        /* Installed first: a copy installed under a build tree (a DESTDIR in
         * its tmp/) is still an installed copy. */
        char rel[PATH_MAX + 64];
        snprintf(rel, sizeof rel, "%s/../share/sightline%s%s", exe, *sub ? "/" : "", sub);
        if (realpath(rel, real) != NULL && is_dir(real)) {
            pick = real;
            why = "installed beside the program";
        } else if (realpath(SL_BUILD_DIR, build) != NULL && under(exe, build) &&
                   is_dir(source_dir)) {
            pick = source_dir;
            why = "the source tree of this build";
        }
    }
    sl_strlcpy(buf, pick, n);
    if (how != NULL)
        *how = why;
    return buf;
}

const char *sl_datadir_auto(const char **how)
{
    static char buf[4096];
    return sl_datadir_find(SL_DATADIR_SOURCE, "", SL_DATADIR_INSTALL, buf, sizeof buf, how);
}

const char *sl_datadir(void)
{
    if (g_explicit[0] != '\0')
        return g_explicit;
    const char *env = getenv("SIGHTLINE_DATA");
    if (env != NULL && *env != '\0')
        return env;
    return sl_datadir_auto(NULL);
}
