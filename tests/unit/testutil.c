#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "ident/ident.h"
#include "util/base64.h"
#include "util/file.h"

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

struct sl_ident *sl_test_ident(void)
{
    struct sl_ident *id = NULL;
    struct sl_err err = {{0}};
    if (sl_ident_load(&id, SL_TEST_SOURCE_DIR "/data", &err) != 0)
        fail_msg("cannot load the rules: %s", err.msg);
    return id;
}

void sl_test_observe_record(struct sl_ident_acc *acc, const json_t *r)
{
    static uint8_t buf[1u << 20];
    const char *text = json_string_value(json_object_get(r, "data"));
    const json_t *b64 = json_object_get(r, "data_b64");
    size_t n = 0;
    if (json_is_string(b64) && json_string_length(b64) / 4 * 3 < sizeof buf)
        n = (size_t)sl_base64_decode(json_string_value(b64), json_string_length(b64), buf);
    else if (text != NULL && strlen(text) < sizeof buf)
        n = strlen(text), memcpy(buf, text, n);
    enum sl_proto p = SL_PROTO_NONE;
    sl_proto_from_name(json_string_value(json_object_get(r, "proto")), &p);
    struct sl_evidence ev = {.proto = p,
                             .port = (uint16_t)json_integer_value(json_object_get(r, "port")),
                             .path = json_string_value(json_object_get(r, "path")),
                             .data = buf,
                             .len = n};
    sl_ident_observe(acc, &ev);
}

char *sl_test_fixtures(size_t *len)
{
    struct sl_err err = {{0}};
    char *data = sl_read_file(SL_TEST_SOURCE_DIR "/tests/fixtures/ident/devices.jsonl", 16u << 20,
                              len, &err);
    if (data == NULL)
        fail_msg("%s", err.msg);
    return data;
}
