/* privdrop.c - giving up capabilities and changing user with libcap-ng, checked
 * afterwards; shared by the network monitor and the CAN monitor. */
#include "util/privdrop.h"

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int sl_drop_privileges(const char *user, char *report, size_t n, struct sl_err *err)
{
    capng_get_caps_process();
    char *before = NULL;
    if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE)
        before = capng_print_caps_text(CAPNG_PRINT_BUFFER, CAPNG_PERMITTED);
    struct passwd *pw = NULL;
    if (user != NULL) {
        errno = 0;
        pw = getpwnam(user);
        if (pw == NULL) {
            free(before);
            return sl_err_set(err, "--user %s: no such user", user);
        }
    }
    if (pw != NULL) {
        /* capng_change_id: setgid, drop supplementary groups, setuid, then
         * clear the bounding set and every capability set. */
        capng_clear(CAPNG_SELECT_BOTH);
        int rc = capng_change_id((int)pw->pw_uid, (int)pw->pw_gid,
                                 CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING);
        if (rc != 0) {
            free(before);
            return sl_err_set(err, "--user %s: changing user failed (libcap-ng error %d)", user,
                              rc);
        }
        if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid || getgid() != pw->pw_gid ||
            getegid() != pw->pw_gid) {
            free(before);
            return sl_err_set(err, "--user %s: user or group did not change", user);
        }
        if (pw->pw_uid != 0 && setuid(0) == 0) {
            free(before);
            return sl_err_set(err, "--user %s: could become root again", user);
        }
    } else if (before != NULL) {
        capng_clear(CAPNG_SELECT_BOTH);
        if (capng_apply(CAPNG_SELECT_BOTH) != 0) {
            /* Without CAP_SETPCAP the bounding set stays; the sets that matter
             * for this process can still be emptied. */
            capng_clear(CAPNG_SELECT_CAPS);
            if (capng_apply(CAPNG_SELECT_CAPS) != 0) {
                free(before);
                return sl_err_set(err, "dropping capabilities failed");
            }
        }
    }
    capng_get_caps_process();
    if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE) {
        free(before);
        return sl_err_set(err, "capabilities are still held after dropping them");
    }
    snprintf(report, n, "dropped capabilities: %s -> none%s%s",
             before != NULL && before[0] != '\0' ? before : "(none held)",
             pw != NULL ? "; now running as user " : "", pw != NULL ? user : "");
    free(before);
    return 0;
}
