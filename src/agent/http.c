/* http.c - the agent's HTTPS client: libcurl, TLS 1.2 or later, the server
 * verified against the agent CA, the agent's client certificate. No
 * hand-written HTTP. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "agent/internal.h"

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
    struct sl_buf *b = ud;
    return sl_buf_append(b, p, size * n) == 0 ? size * n : 0;
}

static void set_tls(CURL *c, const struct agent_http *h)
{
    curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    if (h->ca_file != NULL) {
        curl_easy_setopt(c, CURLOPT_CAINFO, h->ca_file);
        curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    } else {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (h->cert_file != NULL) {
        curl_easy_setopt(c, CURLOPT_SSLCERT, h->cert_file);
        curl_easy_setopt(c, CURLOPT_SSLKEY, h->key_file);
    }
}

int agent_http(const struct agent_http *h, const char *method, const char *path,
               const void *body, size_t len, long *status, struct sl_buf *resp,
               struct sl_err *err)
{
    *status = 0;
    sl_buf_reset(resp);
    char url[1024];
    if ((size_t)snprintf(url, sizeof url, "%s%s", h->server, path) >= sizeof url)
        return sl_err_setk(err, SL_ERR_INVALID, "server URL too long");
    CURL *c = curl_easy_init();
    if (c == NULL)
        return sl_err_set(err, "libcurl did not start");
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, "X-Sightline-Version: " SL_VERSION);
    if (h->spool_header != NULL)
        hdr = curl_slist_append(hdr, h->spool_header);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    /* A link that goes away under a transfer: give up after 10 s without a byte. */
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, h->timeout_s > 0 ? h->timeout_s : 120L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
    set_tls(c, h);
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK)
        return sl_err_setk(err, SL_ERR_UNAVAILABLE, "%s: %s", url, curl_easy_strerror(rc));
    return 0;
}
