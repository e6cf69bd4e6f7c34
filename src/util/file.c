/* file.c - whole files read with a size bound (file.h). Parses nothing. */
#include "util/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *sl_read_file(const char *path, size_t max, size_t *len, struct sl_err *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        sl_err_set(err, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    if (buf == NULL)
        goto oom;
    for (;;) {
        if (n == cap) {
            if (cap >= max) {
                sl_err_set(err, "%s is larger than %zu bytes", path, max);
                goto fail;
            }
            cap = cap * 2 > max ? max : cap * 2;
            char *p = realloc(buf, cap + 1);
            if (p == NULL)
                goto oom;
            buf = p;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                sl_err_set(err, "cannot read %s: %s", path, strerror(errno));
                goto fail;
            }
            break;
        }
    }
    if (f != stdin)
        fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
oom:
    sl_err_set(err, "out of memory reading %s", path);
fail:
    free(buf);
    if (f != stdin)
        fclose(f);
    return NULL;
}

int sl_write_file(const char *path, const void *data, size_t len, struct sl_err *err)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid()) >= sizeof tmp)
        return sl_err_set(err, "path too long: %s", path);
    FILE *f = fopen(tmp, "wb");
    if (f == NULL)
        return sl_err_set(err, "cannot write %s: %s", tmp, strerror(errno));
    if (fwrite(data, 1, len, f) != len || fflush(f) != 0) {
        sl_err_set(err, "cannot write %s: %s", tmp, strerror(errno));
        fclose(f);
        unlink(tmp);
        return -1;
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        sl_err_set(err, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}
