/* web.h - `sightline serve`: the dashboard and its JSON API over the register.
 *
 * One process: libmicrohttpd with a pool of worker threads, each with its own
 * register connection (store.h: one struct sl_store per thread). HTTPS unless
 * the listen address is loopback and plain HTTP was asked for. The listening
 * socket is bound before privileges are dropped, so the server runs as an
 * unprivileged user. Every page, form and API call is checked on the server
 * against the signed-in account's grants (web/roles.h).
 *
 * Memory: sl_web_start allocates the server; sl_web_stop stops and frees it.
 */
#ifndef SL_WEB_WEB_H
#define SL_WEB_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct sl_web_opts {
    const char *listen;      /* "ADDR:PORT" or "[V6]:PORT" */
    const char *db;          /* the register's location */
    const char *cert, *key;  /* PEM files; both NULL: tls_dir's (made on first start) */
    const char *tls_dir;     /* where a self-signed pair is kept */
    bool plain_http;         /* refused unless listen is a loopback address */
    const char *user;        /* run as this user when started as root; NULL: see serve(1) */
    int64_t idle_timeout;    /* seconds a session may be unused */
    int64_t session_lifetime;/* seconds a session lives at most */
    unsigned threads;        /* worker threads */
};

struct sl_web;

/* Binds, drops privileges, opens the register and starts serving. info gets
 * what an operator must see (the URL, the certificate's SHA-256 fingerprint,
 * the user it runs as), one item a line. 0, or -1 with err set. */
int sl_web_start(const struct sl_web_opts *o, struct sl_web **out, char *info, size_t infon,
                 struct sl_err *err);
/* Stops accepting, finishes the requests in flight, closes the register. */
void sl_web_stop(struct sl_web *w);

#endif
