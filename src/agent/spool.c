/* spool.c - the agent's on-disk spool: numbered batch files written durably,
 * counted against a cap, removed only once acknowledged (internal.h). What a
 * batch holds is scan/batch.h's. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/internal.h"
#include "util/file.h"
#include "util/str.h"

int agent_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static bool is_batch(const char *name)
{
    size_t n = strlen(name);
    return n == 16 && strspn(name, "0123456789") == 10 && strcmp(name + 10, ".batch") == 0;
}

int spool_open(struct agent_spool *sp, const char *state_dir, uint64_t max, struct sl_err *err)
{
    memset(sp, 0, sizeof *sp);
    sp->max = max;
    char refused[1100];
    if ((size_t)snprintf(sp->dir, sizeof sp->dir, "%s/spool", state_dir) >= sizeof sp->dir)
        return sl_err_setk(err, SL_ERR_INVALID, "%s: path too long", state_dir);
    snprintf(refused, sizeof refused, "%s/refused", sp->dir);
    if ((mkdir(sp->dir, 0700) != 0 && errno != EEXIST) ||
        (mkdir(refused, 0700) != 0 && errno != EEXIST))
        return sl_err_setk(err, SL_ERR_IO, "cannot make %s: %s", sp->dir, strerror(errno));
    /* A batch whose writing was cut short never got its name: its temporary goes. */
    DIR *d = opendir(sp->dir);
    if (d == NULL)
        return sl_err_setk(err, SL_ERR_IO, "cannot read %s: %s", sp->dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (sl_str_starts_with(e->d_name, ".tmp-"))
            unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
    return 0;
}

/* The highest batch number in a directory (0 when none). */
static int64_t max_in(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int64_t best = 0;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (!is_batch(e->d_name))
            continue;
        int64_t v = strtoll(e->d_name, NULL, 10);
        if (v > best)
            best = v;
    }
    if (d != NULL)
        closedir(d);
    return best;
}

/* STATE/seq, but never a number a batch on disk has (a crash may come
 * between a batch's rename and the seq file's update). */
int64_t spool_next_seq(struct agent_spool *sp)
{
    char path[1100], *text;
    snprintf(path, sizeof path, "%s/../seq", sp->dir);
    size_t n;
    int64_t seq = 1;
    if ((text = sl_read_file(path, 64, &n, NULL)) != NULL) {
        if (sl_parse_i64(sl_str_trim(text), 1, 9999999999, &seq) != 0)
            seq = 1;
        free(text);
    }
    snprintf(path, sizeof path, "%s/refused", sp->dir);
    int64_t on_disk = max_in(sp->dir), refused = max_in(path);
    if (on_disk >= seq)
        seq = on_disk + 1;
    if (refused >= seq)
        seq = refused + 1;
    return seq;
}

int spool_write(struct agent_spool *sp, const void *data, size_t len, struct sl_err *err)
{
    int64_t seq = spool_next_seq(sp);
    char tmp[1100], final[1100], seqpath[1100], seqtext[32];
    snprintf(tmp, sizeof tmp, "%s/.tmp-%010" PRId64, sp->dir, seq);
    snprintf(final, sizeof final, "%s/%010" PRId64 ".batch", sp->dir, seq);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return sl_err_setk(err, SL_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w <= 0)
            break;
        p += w;
        left -= (size_t)w;
    }
    int e = left == 0 && fsync(fd) == 0 ? 0 : errno;
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e != 0 || rename(tmp, final) != 0 || agent_sync_dir(sp->dir) != 0) {
        unlink(tmp);
        return sl_err_setk(err, SL_ERR_IO, "cannot write %s: %s", final, strerror(e ? e : errno));
    }
    snprintf(seqpath, sizeof seqpath, "%s/../seq", sp->dir);
    snprintf(seqtext, sizeof seqtext, "%" PRId64 "\n", seq + 1);
    return sl_write_file(seqpath, seqtext, strlen(seqtext), err);
}

void spool_stat(const struct agent_spool *sp, struct spool_stat *st)
{
    memset(st, 0, sizeof *st);
    DIR *d = opendir(sp->dir);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        struct stat sb;
        if (!is_batch(e->d_name) || fstatat(dirfd(d), e->d_name, &sb, 0) != 0)
            continue;
        st->batches++;
        st->bytes += (uint64_t)sb.st_size;
    }
    if (d != NULL)
        closedir(d);
    st->full = st->bytes >= sp->max;
}

int spool_oldest(const struct agent_spool *sp, char *name, size_t n)
{
    DIR *d = opendir(sp->dir);
    struct dirent *e;
    char best[32] = "";
    while (d != NULL && (e = readdir(d)) != NULL)
        if (is_batch(e->d_name) && (best[0] == '\0' || strcmp(e->d_name, best) < 0))
            sl_strlcpy(best, e->d_name, sizeof best);
    if (d != NULL)
        closedir(d);
    if (best[0] == '\0')
        return 1;
    sl_strlcpy(name, best, n);
    return 0;
}

int spool_remove(const struct agent_spool *sp, const char *name, struct sl_err *err)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", sp->dir, name);
    if (unlink(path) != 0 || agent_sync_dir(sp->dir) != 0)
        return sl_err_setk(err, SL_ERR_IO, "cannot remove %s: %s", path, strerror(errno));
    return 0;
}

int spool_quarantine(const struct agent_spool *sp, const char *name, struct sl_err *err)
{
    char from[1100], to[1200];
    snprintf(from, sizeof from, "%s/%s", sp->dir, name);
    snprintf(to, sizeof to, "%s/refused/%s", sp->dir, name);
    if (rename(from, to) != 0 || agent_sync_dir(sp->dir) != 0)
        return sl_err_setk(err, SL_ERR_IO, "cannot move %s aside: %s", from, strerror(errno));
    return 0;
}
