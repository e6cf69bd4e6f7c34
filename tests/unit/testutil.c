#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir_buf[4096];
static char file_buf[4096];

const char *sl_test_tmpdir(const char *name)
{
    const char *base = getenv("TMPDIR");
    if (base == NULL || *base == '\0')
        base = "/tmp";
    snprintf(dir_buf, sizeof dir_buf, "%s/sl-%s-%d", base, name, (int)getpid());
    char cmd[2 * sizeof dir_buf + 64];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir_buf, dir_buf);
    if (system(cmd) != 0)
        fail_msg("cannot make %s", dir_buf);
    return dir_buf;
}

const char *sl_test_tmpfile(const char *name, const char *file)
{
    const char *d = sl_test_tmpdir(name);
    snprintf(file_buf, sizeof file_buf, "%s/%s", d, file);
    return file_buf;
}

void sl_test_write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        fail_msg("cannot write %s", path);
    fputs(content, f);
    fclose(f);
}

int sl_test_run(const char *cmd, char **out)
{
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return -1;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[len] = '\0';
    int st = pclose(p);
    if (out != NULL)
        *out = buf;
    else
        free(buf);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}
