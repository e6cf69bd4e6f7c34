/* renew.c - the agent's certificate renewal: when it is due, a new key and
 * CSR over the current mutual TLS, and the swap of key and certificate on
 * disk that a crash cannot leave half done. The server side is web/agent_api.c. */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/internal.h"
#include "net/pki.h"
#include "util/file.h"
#include "util/str.h"
#include "util/timeutil.h"

#define KEY_FILE "agent-key.pem"
#define CERT_FILE "agent-cert.pem"
#define NEW ".new"

int agent_state_read(const char *dir, char *server, char *uid, char *name, struct sl_err *err)
{
    char path[1100];
    size_t n;
    snprintf(path, sizeof path, "%s/agent.json", dir);
    char *text = sl_read_file(path, 64 * 1024, &n, err);
    if (text == NULL)
        return sl_err_prefix(err, "not enrolled (run `sightline agent enrol`)");
    json_t *j = json_loadb(text, n, 0, NULL);
    free(text);
    const char *s, *u, *nm;
    int rc = j != NULL && json_unpack(j, "{s:s, s:s, s:s}", "server", &s, "uid", &u, "name",
                                      &nm) == 0 && strlen(u) == SL_PKI_UID_LEN
                 ? 0
                 : sl_err_setk(err, SL_ERR_CORRUPT, "%s is not an agent's state", path);
    if (rc == 0) {
        sl_strlcpy(server, s, 256);
        sl_strlcpy(uid, u, SL_PKI_UID_LEN + 1);
        sl_strlcpy(name, nm, 64);
    }
    json_decref(j);
    return rc;
}

static void path_of(char *out, size_t n, const char *dir, const char *file, const char *suffix)
{
    snprintf(out, n, "%s/%s%s", dir, file, suffix);
}

/* A PEM file's text (NULL when absent or unreadable). */
static char *read_pem(const char *dir, const char *file, const char *suffix)
{
    char path[1100];
    path_of(path, sizeof path, dir, file, suffix);
    size_t n;
    return sl_read_file(path, SL_PKI_PEM_MAX, &n, NULL);
}

static void free_key(char *pem)
{
    if (pem != NULL)
        memset(pem, 0, strlen(pem));
    free(pem);
}

static int rename_in(const char *dir, const char *file, struct sl_err *err)
{
    char from[1100], to[1100];
    path_of(from, sizeof from, dir, file, NEW);
    path_of(to, sizeof to, dir, file, "");
    if (rename(from, to) != 0)
        return sl_err_setk(err, SL_ERR_IO, "cannot rename %s: %s", from, strerror(errno));
    return 0;
}

int agent_creds_recover(const char *dir, char *note, size_t n, struct sl_err *err)
{
    note[0] = '\0';
    char *cert = read_pem(dir, CERT_FILE, ""), *key_new = read_pem(dir, KEY_FILE, NEW);
    char path[1100];
    int rc = 0;
    if (key_new != NULL && cert != NULL && sl_pki_pair_matches(cert, key_new)) {
        /* The certificate was swapped, the key not yet: finish. */
        rc = rename_in(dir, KEY_FILE, err);
        snprintf(note, n, "finished a renewal a stop interrupted (the new key put in place)");
    } else if (key_new != NULL) {
        snprintf(note, n, "dropped a renewal a stop interrupted (the old certificate stands)");
    }
    path_of(path, sizeof path, dir, KEY_FILE, NEW);
    unlink(path);
    path_of(path, sizeof path, dir, CERT_FILE, NEW);
    unlink(path);
    if (note[0] != '\0')
        agent_sync_dir(dir);
    free_key(key_new);
    char *key = read_pem(dir, KEY_FILE, "");
    if (rc == 0 && (cert == NULL || key == NULL || !sl_pki_pair_matches(cert, key)))
        rc = sl_err_setk(err, SL_ERR_CORRUPT,
                         "%s holds no matching %s and %s (enrol again)", dir, KEY_FILE, CERT_FILE);
    free_key(key);
    free(cert);
    return rc;
}

int agent_renew_due(const char *cert_path, int64_t now, unsigned window_pct, int64_t *not_after,
                    struct sl_err *err)
{
    size_t n;
    char *pem = sl_read_file(cert_path, SL_PKI_PEM_MAX, &n, err);
    int64_t nb = 0;
    int rc = pem != NULL ? sl_pki_cert_times(pem, &nb, not_after, err) : -1;
    free(pem);
    if (rc != 0)
        return -1;
    int64_t life = *not_after - nb;
    return now >= *not_after - life * (int64_t)window_pct / 100 ? 1 : 0;
}

/* Writes one file of the new pair beside the current one (NAME.new), 0600. */
static int write_new(const char *dir, const char *file, const char *pem, struct sl_err *err)
{
    char path[1100];
    path_of(path, sizeof path, dir, file, NEW);
    struct sl_atomic a;
    FILE *f = sl_atomic_open(&a, path, err);
    if (f == NULL)
        return -1;
    if (fchmod(fileno(f), 0600) != 0 || fputs(pem, f) < 0) {
        sl_atomic_abort(&a);
        return sl_err_setk(err, SL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    }
    return sl_atomic_commit(&a, err);
}

/* The new pair in place: both written durably beside the old, then the
 * certificate renamed, then the key (see agent_creds_recover). */
static int swap_pair(const char *dir, const char *key_pem, const char *cert_pem,
                     struct sl_err *err)
{
    int rc = write_new(dir, KEY_FILE, key_pem, err) == 0 &&
                     write_new(dir, CERT_FILE, cert_pem, err) == 0 && agent_sync_dir(dir) == 0 &&
                     rename_in(dir, CERT_FILE, err) == 0 && rename_in(dir, KEY_FILE, err) == 0
                 ? 0
                 : -1;
    if (rc == 0 && agent_sync_dir(dir) != 0)
        rc = sl_err_setk(err, SL_ERR_IO, "cannot sync %s: %s", dir, strerror(errno));
    return rc;
}

/* The server's answer: a certificate for our new key, naming us. */
static int take_answer(const struct sl_buf *resp, const char *uid, const char *key_pem,
                       const char *dir, int64_t *not_after, struct sl_err *err)
{
    json_t *j = json_loadb((const char *)resp->data, resp->len, 0, NULL);
    const char *cert = NULL, *u = NULL;
    int64_t nb = 0;
    int rc = j == NULL || json_unpack(j, "{s:s, s:s}", "cert", &cert, "uid", &u) != 0 ||
                     strcmp(u, uid) != 0 || !sl_pki_pair_matches(cert, key_pem) ||
                     sl_pki_cert_times(cert, &nb, not_after, err) != 0
                 ? sl_err_setk(err, SL_ERR_INVALID,
                               "the server's answer is not a certificate for this agent's new key")
                 : swap_pair(dir, key_pem, cert, err);
    json_decref(j);
    return rc;
}

int agent_renew(const struct agent_http *h, const char *dir, const char *uid, int64_t *not_after,
                struct sl_err *err)
{
    char *key_pem = NULL, *csr = NULL;
    if (sl_pki_make_key_csr_for(uid, &key_pem, &csr, err) != 0)
        return -1;
    json_t *req = json_pack("{s:s}", "csr", csr);
    char *body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    struct sl_buf resp;
    sl_buf_init(&resp, AGENT_RESP_MAX);
    long status = 0;
    int rc = body != NULL ? agent_http(h, "POST", "/agent/v1/renew", body, strlen(body), &status,
                                       &resp, err)
                          : sl_err_set(err, "out of memory");
    if (rc == 0 && status != 200) {
        json_t *e = json_loadb((const char *)resp.data, resp.len, 0, NULL);
        const char *why = json_string_value(json_object_get(e, "error"));
        rc = sl_err_setk(err, status == 403 ? SL_ERR_INVALID : SL_ERR_UNAVAILABLE,
                         "the server refused the renewal (%ld): %s", status,
                         why != NULL ? why : "no reason");
        json_decref(e);
    }
    if (rc == 0)
        rc = take_answer(&resp, uid, key_pem, dir, not_after, err);
    sl_buf_free(&resp);
    free(body);
    free(csr);
    free_key(key_pem);
    return rc;
}

int sl_agent_renew(const struct sl_agent_renew_opts *o, char *info, size_t infon,
                   struct sl_err *err)
{
    char server[256], uid[SL_PKI_UID_LEN + 1], name[64], note[128];
    char ca[1100], cert[1100], key[1100];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (agent_state_read(o->dir, server, uid, name, err) != 0 ||
        agent_creds_recover(o->dir, note, sizeof note, err) != 0)
        return -1;
    path_of(ca, sizeof ca, o->dir, "ca-cert.pem", "");
    path_of(cert, sizeof cert, o->dir, CERT_FILE, "");
    path_of(key, sizeof key, o->dir, KEY_FILE, "");
    int64_t not_after = 0;
    char at[SL_ISO_LEN];
    int due = agent_renew_due(cert, sl_now(), o->window_pct, &not_after, err);
    if (due < 0)
        return -1;
    if (o->if_due && due == 0) {
        sl_time_iso(not_after, at);
        snprintf(info, infon, "%s%sagent '%s': certificate valid until %s, not due for renewal\n",
                 note, note[0] ? "\n" : "", name, at);
        return 1;
    }
    struct agent_http h = {.server = server, .ca_file = ca, .cert_file = cert, .key_file = key,
                           .timeout_s = 60};
    if (agent_renew(&h, o->dir, uid, &not_after, err) != 0)
        return -1;
    sl_time_iso(not_after, at);
    snprintf(info, infon, "%s%sagent '%s': certificate renewed, valid until %s\n", note,
             note[0] ? "\n" : "", name, at);
    return 0;
}
