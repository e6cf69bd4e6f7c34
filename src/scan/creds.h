/* creds.h - operator credentials for authenticated probes (--credentials FILE).
 *
 * The scanner never guesses passwords: it uses only what this file says, and
 * only for ONVIF GetDeviceInformation. One entry a line:
 *     [CIDR|*] USER:PASSWORD
 * the first entry whose network contains the target applies ("*" or no
 * network = any target). '#' starts a comment. The file must not be readable
 * by group or others. Passwords are wiped from memory on free. */
#ifndef SL_SCAN_CREDS_H
#define SL_SCAN_CREDS_H

#include <stddef.h>

#include "util/cidr.h"
#include "util/err.h"

#define SL_CREDS_MAX 256

struct sl_cred {
    struct sl_cidr net;
    int any; /* 1: applies to every target */
    char user[64];
    char password[128];
};

struct sl_creds {
    size_t n;
    struct sl_cred e[SL_CREDS_MAX];
};

/* Loads a file into *c (caller-owned). Returns 0 or -1 with err naming the line. */
int sl_creds_load(struct sl_creds *c, const char *path, struct sl_err *err);
/* Parses the file's text (for tests). */
int sl_creds_parse(struct sl_creds *c, const char *text, struct sl_err *err);
const struct sl_cred *sl_creds_for(const struct sl_creds *c, const struct sl_addr *a);
void sl_creds_wipe(struct sl_creds *c);

#endif
