/* seccomp.h - a seccomp filter (libseccomp) for a long-running server once it
 * has bound its socket and dropped its privileges: the system calls such a
 * process never needs and an intruder would want (running programs, tracing
 * others, changing identity or capabilities, mounting, loading modules,
 * namespaces, BPF, rebooting) fail with EPERM. Everything else is allowed: a
 * list of what is denied rather than of what is allowed, because the server's
 * libraries (libmicrohttpd, GnuTLS, SQLite, libpq) make calls that differ by
 * version. (An AddressSanitizer build leaves ptrace to LeakSanitizer.)
 * Applies to the calling thread and the threads it starts after;
 * it cannot be removed. No memory is kept. */
#ifndef SL_UTIL_SECCOMP_H
#define SL_UTIL_SECCOMP_H

#include "util/err.h"

/* Installs the filter (and no_new_privs). 0, or -1 with err. */
int sl_seccomp_deny(struct sl_err *err);

#endif
