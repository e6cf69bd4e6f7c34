/* enrol.c - `agent enrol`: the CA pinned by the token's hash, the agent's own
 * key and CSR, the token spent for a client certificate. */
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

/* "SLT1.SECRET.CAHASH": the CA hash into pin (65). 0 or -1. */
static int token_pin(const char *token, char *pin, struct sl_err *err)
{
    if (!sl_str_starts_with(token, "SLT1.") || strlen(token) != 5 + 64 + 1 + 64 ||
        token[69] != '.' || strspn(token + 5, "0123456789abcdef") != 64 ||
        strspn(token + 70, "0123456789abcdef") != 64)
        return sl_err_setk(err, SL_ERR_INVALID,
                           "the token is not one `sightline agents token` printed");
    memcpy(pin, token + 70, 64);
    pin[64] = '\0';
    return 0;
}

static void state_path(char *out, size_t n, const char *dir, const char *file)
{
    snprintf(out, n, "%s/%s", dir, file);
}

/* The CA certificate into STATE/ca-cert.pem: the given file or the server's,
 * either way only when its hash is the token's. */
static int fetch_ca(const struct sl_agent_enrol_opts *o, const char *pin, const char *path,
                    struct sl_err *err)
{
    struct sl_buf b;
    sl_buf_init(&b, SL_PKI_PEM_MAX);
    int rc = 0;
    if (o->ca_file != NULL) {
        size_t n;
        char *pem = sl_read_file(o->ca_file, SL_PKI_PEM_MAX, &n, err);
        rc = pem == NULL || sl_buf_append(&b, pem, n) != 0 ? -1 : 0;
        free(pem);
    } else {
        struct agent_http h = {.server = o->server, .timeout_s = 30};
        long status;
        rc = agent_http(&h, "GET", "/agent/v1/ca", NULL, 0, &status, &b, err);
        if (rc == 0 && status != 200)
            rc = sl_err_setk(err, SL_ERR_UNAVAILABLE, "%s: the CA request answered %ld",
                             o->server, status);
    }
    char sha[65];
    if (rc == 0 && (sl_buf_append(&b, "", 1) != 0 ||
                    sl_pki_cert_sha256((const char *)b.data, sha, err) != 0))
        rc = -1;
    if (rc == 0 && strcmp(sha, pin) != 0)
        rc = sl_err_setk(err, SL_ERR_INVALID,
                         "the server's CA certificate (SHA-256 %.16s...) is not the one the token "
                         "names (%.16s...): refusing to enrol",
                         sha, pin);
    if (rc == 0)
        rc = sl_write_file(path, b.data, b.len - 1, err);
    sl_buf_free(&b);
    return rc;
}

/* Writes what the server answered: the certificate and agent.json. */
static int keep_answer(const struct sl_agent_enrol_opts *o, const struct sl_buf *resp,
                       char *info, size_t infon, struct sl_err *err)
{
    json_error_t je;
    json_t *j = json_loadb((const char *)resp->data, resp->len, 0, &je);
    const char *uid, *name, *cert, *sites;
    json_int_t schedule;
    if (j == NULL || json_unpack(j, "{s:s, s:s, s:s, s:s, s:I}", "uid", &uid, "name", &name,
                                 "cert", &cert, "sites", &sites, "schedule", &schedule) != 0) {
        json_decref(j);
        return sl_err_setk(err, SL_ERR_INVALID, "the server's answer is not an enrolment");
    }
    char path[1100];
    state_path(path, sizeof path, o->dir, "agent-cert.pem");
    json_t *st = json_pack("{s:s, s:s, s:s}", "server", o->server, "uid", uid, "name", name);
    char *text = json_dumps(st, JSON_INDENT(2) | JSON_SORT_KEYS);
    int rc = sl_write_file(path, cert, strlen(cert), err);
    state_path(path, sizeof path, o->dir, "agent.json");
    if (rc == 0)
        rc = text != NULL ? sl_write_file(path, text, strlen(text), err) : -1;
    if (rc == 0)
        snprintf(info, infon, "enrolled as agent '%s' (%s) for site %s; scans every %llds\n",
                 name, uid, sites, (long long)schedule);
    free(text);
    json_decref(st);
    json_decref(j);
    return rc;
}

static int request_cert(const struct sl_agent_enrol_opts *o, const char *ca, const char *csr,
                        char *info, size_t infon, struct sl_err *err)
{
    json_t *req = json_pack("{s:s, s:s}", "token", o->token, "csr", csr);
    if (o->name != NULL)
        json_object_set_new(req, "name", json_string(o->name));
    char *body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    struct sl_buf resp;
    sl_buf_init(&resp, AGENT_RESP_MAX);
    struct agent_http h = {.server = o->server, .ca_file = ca, .timeout_s = 60};
    long status = 0;
    int rc = body != NULL ? agent_http(&h, "POST", "/agent/v1/enrol", body, strlen(body),
                                       &status, &resp, err)
                          : sl_err_set(err, "out of memory");
    free(body);
    if (rc == 0 && status != 200) {
        json_t *e = json_loadb((const char *)resp.data, resp.len, 0, NULL);
        const char *why = json_string_value(json_object_get(e, "error"));
        rc = sl_err_setk(err, status == 403 ? SL_ERR_INVALID : SL_ERR_UNAVAILABLE,
                         "the server refused (%ld): %s", status, why != NULL ? why : "no reason");
        json_decref(e);
    }
    if (rc == 0)
        rc = keep_answer(o, &resp, info, infon, err);
    sl_buf_free(&resp);
    return rc;
}

int sl_agent_enrol(const struct sl_agent_enrol_opts *o, char *info, size_t infon,
                   struct sl_err *err)
{
    char pin[65], ca[1100], key[1100], state[1100];
    if (token_pin(o->token, pin, err) != 0)
        return -1;
    if (!sl_str_starts_with(o->server, "https://"))
        return sl_err_setk(err, SL_ERR_INVALID, "--server must be https://ADDR:PORT");
    if (mkdir(o->dir, 0700) != 0 && errno != EEXIST)
        return sl_err_setk(err, SL_ERR_IO, "cannot make %s: %s", o->dir, strerror(errno));
    state_path(state, sizeof state, o->dir, "agent.json");
    if (access(state, F_OK) == 0)
        return sl_err_setk(err, SL_ERR_EXISTS, "%s is enrolled already (%s)", o->dir, state);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    state_path(ca, sizeof ca, o->dir, "ca-cert.pem");
    state_path(key, sizeof key, o->dir, "agent-key.pem");
    unlink(key); /* a key left by an enrolment that failed */
    char *key_pem = NULL, *csr = NULL;
    int rc = fetch_ca(o, pin, ca, err);
    if (rc == 0)
        rc = sl_pki_make_key_csr(&key_pem, &csr, err);
    if (rc == 0)
        rc = sl_pki_write_private(key, key_pem, err);
    if (rc == 0 && (rc = request_cert(o, ca, csr, info, infon, err)) != 0)
        unlink(key);
    if (key_pem != NULL)
        memset(key_pem, 0, strlen(key_pem));
    free(key_pem);
    free(csr);
    return rc;
}
