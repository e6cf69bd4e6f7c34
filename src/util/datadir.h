/* datadir.h - where the data files (rules, registry, policies, cloud domains,
 * the lab's profiles) are.
 *
 * sl_datadir(): the directory given by sl_datadir_set() (the command line's
 * --data-dir, or the configuration file's [data] dir, chosen by cli/config.c),
 * else $SIGHTLINE_DATA, else the automatic choice of sl_datadir_find().
 *
 * sl_datadir_find() decides between the installed copy and the source tree
 * by where the running program is, never by what happens to exist elsewhere
 * on the machine: an installed program reads PREFIX/share/sightline/SUB
 * relative to its own executable (so a DESTDIR or dpkg --instdir copy finds
 * its own data); a program in the build tree it was built in (its executable
 * under that CMAKE_BINARY_DIR, with no share/ beside it) reads the source
 * tree's copy; else the path configured at build time.
 *
 * Strings returned are static or the caller's buffer; nothing is allocated.
 */
#ifndef SL_UTIL_DATADIR_H
#define SL_UTIL_DATADIR_H

#include <stddef.h>

/* Where the data are (see above). Static string. */
const char *sl_datadir(void);

/* Sets (copies, at most 4095 bytes) or, with NULL, clears the explicit data
 * directory. */
void sl_datadir_set(const char *dir);

/* The automatic choice for sl_datadir() (no --data-dir, $SIGHTLINE_DATA or
 * configuration), and in *how a short note saying why ("build tree",
 * "installed", "configured at build time"). Static string. */
const char *sl_datadir_auto(const char **how);

/* The automatic choice for one data folder: EXE/../share/sightline/sub when
 * it exists, else source_dir when the program runs from its build tree, else
 * installed_dir. Writes into buf and returns it; *how as above (how may be
 * NULL). */
const char *sl_datadir_find(const char *source_dir, const char *sub, const char *installed_dir,
                            char *buf, size_t n, const char **how);

#endif
