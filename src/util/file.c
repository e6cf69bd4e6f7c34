/* file.c - whole files read with a size bound (file.h). Parses nothing. */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/str.h"

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

static bool g_group_readable;

mode_t sl_file_mode(void)
{
    return g_group_readable ? 0640 : 0600;
}

void sl_file_set_group_readable(bool on)
{
    g_group_readable = on;
}

FILE *sl_atomic_open(struct sl_atomic *a, const char *path, struct sl_err *err)
{
    memset(a, 0, sizeof *a);
    if (sl_strlcpy(a->path, path, sizeof a->path) >= sizeof a->path)
        return sl_err_setk(err, SL_ERR_INVALID, "path too long: %.80s", path), NULL;
    char dir[4096];
    sl_strlcpy(dir, path, sizeof dir);
    char *slash = strrchr(dir, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    if (slash != NULL)
        slash[1] = '\0';
    else
        dir[0] = '\0';
    if ((size_t)snprintf(a->tmp, sizeof a->tmp, "%s.%s.XXXXXX", dir, base) >= sizeof a->tmp)
        return sl_err_setk(err, SL_ERR_INVALID, "path too long: %.80s", path), NULL;
    int fd = mkstemp(a->tmp); /* O_EXCL, mode 0600 */
    if (fd < 0 || fchmod(fd, sl_file_mode()) != 0 || (a->f = fdopen(fd, "wb")) == NULL) {
        sl_err_setk(err, SL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(a->tmp);
        }
        return NULL;
    }
    return a->f;
}

/* Why writes to the temporary file failed: stdio keeps only a flag, and errno
 * may have moved on since, so one more block is written to it (the file is
 * thrown away) and the kernel asked again. EIO when that write succeeds. */
static int write_failure(struct sl_atomic *a)
{
    static const char block[4096];
    clearerr(a->f);
    if (fflush(a->f) != 0)
        return errno;
    if (write(fileno(a->f), block, sizeof block) < 0)
        return errno;
    return EIO;
}

int sl_atomic_commit(struct sl_atomic *a, struct sl_err *err)
{
    int bad = ferror(a->f) ? write_failure(a) : 0;
    if (!bad && (fflush(a->f) != 0 || fsync(fileno(a->f)) != 0))
        bad = errno;
    if (fclose(a->f) != 0 && !bad)
        bad = errno;
    a->f = NULL;
    if (!bad && rename(a->tmp, a->path) != 0)
        bad = errno;
    if (bad) {
        unlink(a->tmp);
        return sl_err_setk(err, SL_ERR_IO, "cannot write %s: %s", a->path, strerror(bad));
    }
    return 0;
}

void sl_atomic_abort(struct sl_atomic *a)
{
    if (a->f != NULL)
        fclose(a->f);
    a->f = NULL;
    if (a->tmp[0])
        unlink(a->tmp);
}

int sl_write_file(const char *path, const void *data, size_t len, struct sl_err *err)
{
    struct sl_atomic a;
    FILE *f = sl_atomic_open(&a, path, err);
    if (f == NULL)
        return -1;
    if (len > 0 && fwrite(data, 1, len, f) != len) {
        int e = errno;
        sl_atomic_abort(&a);
        return sl_err_setk(err, SL_ERR_IO, "cannot write %s: %s", path, strerror(e));
    }
    return sl_atomic_commit(&a, err);
}

FILE *sl_stream_open(const char *path, bool append, struct sl_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (append ? O_APPEND : O_TRUNC),
                  sl_file_mode());
    FILE *f = fd >= 0 ? fdopen(fd, append ? "a" : "w") : NULL;
    if (f == NULL) {
        sl_err_setk(err, SL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    return f;
}
