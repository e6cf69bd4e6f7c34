/* creds.c - the credentials file (creds.h). */
#include "scan/creds.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "util/file.h"
#include "util/str.h"

int sl_creds_parse(struct sl_creds *c, const char *text, struct sl_err *err)
{
    memset(c, 0, sizeof *c);
    size_t lineno = 0;
    const char *p = text;
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
        char line[512];
        lineno++;
        if (n >= sizeof line)
            return sl_err_set(err, "line %zu is too long", lineno);
        sl_strncpy_z(line, sizeof line, p, n);
        p = nl != NULL ? nl + 1 : p + n;
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        char *s = sl_str_trim(line);
        if (*s == '\0')
            continue;
        if (c->n >= SL_CREDS_MAX)
            return sl_err_set(err, "more than %d entries", SL_CREDS_MAX);
        struct sl_cred *e = &c->e[c->n];
        char *sp = strpbrk(s, " \t");
        char *up = s;
        e->any = 1;
        if (sp != NULL) {
            *sp = '\0';
            up = sl_str_trim(sp + 1);
            if (strcmp(s, "*") != 0) {
                if (sl_cidr_parse(s, &e->net, err) != 0)
                    return sl_err_prefix(err, "line %zu", lineno);
                e->any = 0;
            }
        }
        char *colon = strchr(up, ':');
        if (colon == NULL || colon == up)
            return sl_err_set(err, "line %zu: expected [CIDR] USER:PASSWORD", lineno);
        *colon = '\0';
        if (sl_strlcpy(e->user, up, sizeof e->user) >= sizeof e->user ||
            sl_strlcpy(e->password, colon + 1, sizeof e->password) >= sizeof e->password)
            return sl_err_set(err, "line %zu: user or password too long", lineno);
        OPENSSL_cleanse(line, sizeof line);
        c->n++;
    }
    return 0;
}

int sl_creds_load(struct sl_creds *c, const char *path, struct sl_err *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && (st.st_mode & 077) != 0)
        return sl_err_set(err, "%s: readable by others; chmod 600 it first", path);
    size_t len;
    char *text = sl_read_file(path, 1024 * 1024, &len, err);
    if (text == NULL)
        return -1;
    int rc = sl_creds_parse(c, text, err);
    OPENSSL_cleanse(text, len);
    free(text);
    if (rc != 0)
        return sl_err_prefix(err, "%s", path);
    return 0;
}

const struct sl_cred *sl_creds_for(const struct sl_creds *c, const struct sl_addr *a)
{
    if (c == NULL)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        if (c->e[i].any || sl_cidr_contains(&c->e[i].net, a))
            return &c->e[i];
    return NULL;
}

void sl_creds_wipe(struct sl_creds *c)
{
    OPENSSL_cleanse(c, sizeof *c);
}
