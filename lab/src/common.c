/* common.c - helpers shared by the sightline-lab commands (see lab.h). */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lab.h"
#include "state.h"
#include "util/datadir.h"
#include "util/file.h"
#include "util/str.h"

const char *lab_profiles_dir(const char *flag)
{
    if (flag && *flag)
        return flag;
    const char *e = getenv("SIGHTLINE_LAB_PROFILES");
    if (e && *e)
        return e;
    static char buf[4096];
    return sl_datadir_find(SL_LAB_PROFILES_SOURCE, "lab-profiles", SL_LAB_PROFILES_INSTALL, buf,
                           sizeof buf, NULL);
}

int lab_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help'.\n", cmd);
    return SL_EXIT_USAGE;
}

int lab_fail(const char *cmd, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

json_t *lab_read_info(const char *name, char *dir, size_t dirsz, struct sl_err *err)
{
    if (lab_state_dir(name, dir, dirsz, err) != 0)
        return NULL;
    if (lab_state_running(dir) == 0) {
        sl_err_set(err, "no lab named '%s' is running", name);
        return NULL;
    }
    char path[4200];
    lab_state_path(dir, "info.json", path, sizeof path);
    size_t len;
    char *s = sl_read_file(path, 1 << 20, &len, err);
    if (s == NULL)
        return NULL;
    json_error_t je;
    json_t *j = json_loadb(s, len, 0, &je);
    free(s);
    if (j == NULL)
        sl_err_set(err, "%s: %s", path, je.text);
    return j;
}

int lab_parse_range(const char *s, uint32_t *base, unsigned *prefix, struct sl_err *err)
{
    char buf[64];
    if (sl_strlcpy(buf, s, sizeof buf) >= sizeof buf)
        return sl_err_set(err, "bad range '%s'", s);
    char *slash = strchr(buf, '/');
    int64_t p = 32;
    if (slash) {
        *slash = '\0';
        if (sl_parse_i64(slash + 1, 8, 30, &p) != 0)
            return sl_err_set(err, "bad prefix in '%s' (8..30)", s);
    }
    struct in_addr a;
    if (inet_pton(AF_INET, buf, &a) != 1)
        return sl_err_set(err, "bad IPv4 range '%s'", s);
    uint32_t v = ntohl(a.s_addr);
    uint32_t mask = ~0u << (32 - p);
    if ((v & ~mask) != 0)
        return sl_err_set(err, "'%s' has host bits set", s);
    *base = v;
    *prefix = (unsigned)p;
    return 0;
}
