/* tlsdir.h - where `sightline serve` keeps its certificates and the agent CA
 * when --tls-dir is not given: the SQLite register's directory, else ".". */
#ifndef SL_CLI_TLSDIR_H
#define SL_CLI_TLSDIR_H

#include <stddef.h>

void sl_cli_default_tls_dir(const char *db, char *out, size_t n);

#endif
