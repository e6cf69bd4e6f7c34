/* assets.h - the dashboard's stylesheet and script, compiled into the binary
 * (nothing is fetched from anywhere else). */
#ifndef SL_WEB_ASSETS_H
#define SL_WEB_ASSETS_H

#include <stdbool.h>

#include "util/buf.h"

/* When path names an asset: its bytes into body, its type into *ctype; true. */
bool web_asset(const char *path, struct sl_buf *body, const char **ctype);

#endif
