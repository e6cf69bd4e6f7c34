/* state.c - the state directory (see state.h). */
#include "state.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"
#include "util/str.h"

static const char *const state_files[] = {"pid", "info.json", "truth.jsonl", "connlog",
                                          "stats", "log", NULL};

bool lab_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 40 || name[0] == '.' || name[0] == '-')
        return false;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_' || *c == '.'))
            return false;
    return true;
}

int lab_state_dir(const char *name, char *dir, size_t dirsz, struct sl_err *err)
{
    const char *base = getenv("SIGHTLINE_LAB_STATE");
    int n;
    if (base && *base)
        n = snprintf(dir, dirsz, "%s/%s", base, name);
    else if (geteuid() == 0)
        n = snprintf(dir, dirsz, "/run/sightline-lab/%s", name);
    else if (getenv("XDG_RUNTIME_DIR") && *getenv("XDG_RUNTIME_DIR"))
        n = snprintf(dir, dirsz, "%s/sightline-lab/%s", getenv("XDG_RUNTIME_DIR"), name);
    else
        n = snprintf(dir, dirsz, "/tmp/sightline-lab-%u/%s", (unsigned)geteuid(), name);
    if (n < 0 || (size_t)n >= dirsz)
        return sl_err_set(err, "state directory path too long");
    return 0;
}

int lab_state_make(const char *dir, struct sl_err *err)
{
    char tmp[4096];
    if (sl_strlcpy(tmp, dir, sizeof tmp) >= sizeof tmp)
        return sl_err_set(err, "state directory path too long");
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return sl_err_set(err, "cannot create %s: %s", tmp, strerror(errno));
        *p = '/';
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
        return sl_err_set(err, "cannot create %s: %s", tmp, strerror(errno));
    return 0;
}

void lab_state_path(const char *dir, const char *file, char *out, size_t outsz)
{
    snprintf(out, outsz, "%s/%s", dir, file);
}

pid_t lab_state_running(const char *dir)
{
    char path[4200];
    lab_state_path(dir, "pid", path, sizeof path);
    size_t len;
    char *s = sl_read_file(path, 64, &len, NULL);
    if (s == NULL)
        return 0;
    int64_t pid;
    int ok = sl_parse_i64(sl_str_trim(s), 1, 1 << 30, &pid);
    free(s);
    if (ok != 0)
        return 0;
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
        return 0;
    /* A zombie or a reused pid is not our lab: check the command name. */
    char comm[64];
    snprintf(path, sizeof path, "/proc/%lld/comm", (long long)pid);
    char *c = sl_read_file(path, sizeof comm, &len, NULL);
    bool ours = c && sl_str_starts_with(c, "sightline-lab");
    free(c);
    snprintf(path, sizeof path, "/proc/%lld/stat", (long long)pid);
    char *st = sl_read_file(path, 4096, &len, NULL);
    if (st) {
        const char *rp = strrchr(st, ')');
        if (rp && rp[1] == ' ' && rp[2] == 'Z')
            ours = false;
        free(st);
    }
    return ours ? (pid_t)pid : 0;
}

void lab_state_remove(const char *dir)
{
    char path[4200];
    for (size_t i = 0; state_files[i]; i++) {
        lab_state_path(dir, state_files[i], path, sizeof path);
        unlink(path);
    }
    rmdir(dir);
}
