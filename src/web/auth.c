/* auth.c - passwords (argon2id, libsodium), sign-in with throttling per
 * account and per address, server-side sessions and CSRF tokens. The same
 * answer and about the same time whether an account exists or not. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"
#include "web/auth.h"
#include "web/internal.h"

#define SESSION_COOKIE "sl_session"
#define LOGIN_COOKIE "sl_login"
#define THROTTLE_SLOTS 4096
#define THROTTLE_PROBE 8
#define THROTTLE_WINDOW (15 * 60)
#define FAILS_PER_NAME 5
#define FAILS_PER_ADDRESS 20

static char dummy_hash[crypto_pwhash_STRBYTES];
static unsigned char throttle_key[crypto_shorthash_KEYBYTES];

struct throttle_slot {
    uint64_t key;
    int64_t start;
    int fails;
};
static struct throttle_slot throttle[THROTTLE_SLOTS];
static pthread_mutex_t throttle_lock = PTHREAD_MUTEX_INITIALIZER;

int sl_web_hash_password(const char *password, char out[SL_PWHASH_MAX], struct sl_err *err)
{
    if (sodium_init() < 0)
        return sl_err_set(err, "libsodium failed to start");
    size_t n = strlen(password);
    if (n < SL_WEB_PASSWORD_MIN || n > SL_WEB_PASSWORD_MAX)
        return sl_err_setk(err, SL_ERR_INVALID, "a password has %d to %d characters",
                           SL_WEB_PASSWORD_MIN, SL_WEB_PASSWORD_MAX);
    if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return sl_err_set(err, "hashing the password failed (out of memory)");
    return 0;
}

bool sl_web_user_name_ok(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n < SL_USER_NAME_MAX &&
           strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@") == n;
}

int web_auth_init(void)
{
    if (sodium_init() < 0)
        return -1;
    crypto_shorthash_keygen(throttle_key);
    unsigned char pw[24];
    randombytes_buf(pw, sizeof pw);
    return crypto_pwhash_str(dummy_hash, (const char *)pw, sizeof pw,
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

static void random_hex(char out[65])
{
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, 65, b, sizeof b);
}

static void sha256_hex(const char *s, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, 65, h, sizeof h);
}

int sl_web_token_make(char token[SL_WEB_TOKEN_LEN + 1], char hash[65])
{
    if (sodium_init() < 0)
        return -1;
    char hex[65];
    random_hex(hex);
    snprintf(token, SL_WEB_TOKEN_LEN + 1, "slt_%s", hex);
    sha256_hex(token, hash);
    return 0;
}

/* Authorization: Bearer TOKEN on an API request: a token that exists, is not
 * revoked or expired, of an enabled account, signs the request in as that
 * account (its grants; a "read" token may only read). 0, or -1 on a store
 * error; an unknown token leaves the request signed out (401). */
static int bearer_load(struct web_req *r, const char *token)
{
    struct sl_err err = {0};
    struct sl_token t;
    char hash[65];
    sha256_hex(token, hash);
    int got = sl_store_token_find(r->s, hash, &t, &err);
    if (got <= 0)
        return got;
    if (t.revoked || t.expires_at <= sl_now())
        return 0;
    got = sl_store_user_get_id(r->s, t.user_id, &r->user, &err);
    if (got <= 0 || r->user.disabled)
        return got < 0 ? -1 : 0;
    if (sl_roles_load(r->s, r->user.id, &r->roles, &err) != 0)
        return -1;
    r->signed_in = true;
    r->bearer = true;
    r->bearer_write = strcmp(t.scope, "write") == 0;
    return 0;
}

static uint64_t throttle_hash(const char *kind, const char *value)
{
    char key[SL_USER_NAME_MAX + 80];
    snprintf(key, sizeof key, "%s\n%s", kind, value);
    uint64_t h;
    crypto_shorthash((unsigned char *)&h, (const unsigned char *)key, strlen(key), throttle_key);
    return h | 1; /* 0 marks a free slot */
}

/* The slot of key (an existing one, else a free or expired one, else the
 * oldest of its probe run). Called with throttle_lock held. */
static struct throttle_slot *throttle_slot(uint64_t key, int64_t now)
{
    struct throttle_slot *oldest = NULL;
    for (int i = 0; i < THROTTLE_PROBE; i++) {
        struct throttle_slot *s = &throttle[(key + (uint64_t)i) % THROTTLE_SLOTS];
        if (s->key == key) {
            if (now - s->start >= THROTTLE_WINDOW) {
                s->start = now;
                s->fails = 0;
            }
            return s;
        }
        if (s->key == 0 || now - s->start >= THROTTLE_WINDOW || oldest == NULL ||
            s->start < oldest->start)
            oldest = s;
    }
    oldest->key = key;
    oldest->start = now;
    oldest->fails = 0;
    return oldest;
}

/* true when either the name or the address has used up its failures. */
static bool throttled(const char *name, const char *addr, bool record_failure)
{
    int64_t now = sl_now();
    pthread_mutex_lock(&throttle_lock);
    struct throttle_slot *n = throttle_slot(throttle_hash("name", name), now);
    struct throttle_slot *a = throttle_slot(throttle_hash("addr", addr), now);
    if (record_failure) {
        n->fails++;
        a->fails++;
    }
    bool over = n->fails >= FAILS_PER_NAME || a->fails >= FAILS_PER_ADDRESS;
    pthread_mutex_unlock(&throttle_lock);
    return over;
}

/* The form's token: the browser's current one when it has one (a second tab
 * or a redirected favicon request must not invalidate the form shown), else new. */
static void login_token(struct web_req *r, char token[65])
{
    const char *have = web_cookie(r, LOGIN_COOKIE);
    if (have != NULL && strlen(have) == 64 && strspn(have, "0123456789abcdef") == 64)
        sl_strlcpy(token, have, 65);
    else
        random_hex(token);
}

void web_login_page(struct web_req *r, const char *message, unsigned status)
{
    char token[65];
    login_token(r, token);
    snprintf(r->resp.cookie[1], sizeof r->resp.cookie[1],
             LOGIN_COOKIE "=%s; Path=/login; HttpOnly; Secure; SameSite=Strict; Max-Age=1800",
             token);
    struct sl_buf *b = &r->resp.body;
    sl_buf_reset(b);
    web_page_start(r, "Sign in");
    sl_buf_append_str(b, "<h1>Sign in</h1>");
    if (message != NULL) {
        sl_buf_append_str(b, "<p class=\"error\" id=\"message\">");
        web_esc(b, message);
        sl_buf_append_str(b, "</p>");
    }
    sl_buf_append_str(b, "<form method=\"post\" action=\"/login\"><input type=\"hidden\" "
                         "name=\"csrf\" value=\"");
    web_esc(b, token);
    sl_buf_append_str(b, "\"><label>Account <input name=\"name\" id=\"name\" "
                         "autocomplete=\"username\" required></label><label>Password "
                         "<input type=\"password\" name=\"password\" id=\"password\" "
                         "autocomplete=\"current-password\" required></label>"
                         "<button id=\"signin\">Sign in</button></form>");
    web_page_end(r);
    r->resp.status = status;
}

/* The account if name and password match an enabled one: 1, 0, -1. The
 * password is checked against a dummy hash when there is no such account. */
static int check_password(struct web_req *r, const char *name, const char *password,
                          struct sl_user *u, struct sl_err *err)
{
    int got = strlen(name) < SL_USER_NAME_MAX ? sl_store_user_get(r->s, name, u, err) : 0;
    if (got < 0)
        return -1;
    const char *hash = got == 1 ? u->pwhash : dummy_hash;
    bool match = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    return got == 1 && match && !u->disabled ? 1 : 0;
}

/* A new session for u: the cookie, the stored hash, a CSRF token. 0 or -1. */
static int start_session(struct web_req *r, const struct sl_user *u, struct sl_err *err)
{
    char sid[65];
    random_hex(sid);
    sha256_hex(sid, r->sid_hash);
    random_hex(r->csrf);
    if (sl_store_session_add(r->s, r->sid_hash, u->id, r->csrf, sl_now(), r->addr, err) != 0)
        return -1;
    snprintf(r->resp.cookie[0], sizeof r->resp.cookie[0],
             SESSION_COOKIE "=%s; Path=/; HttpOnly; Secure; SameSite=Strict", sid);
    snprintf(r->resp.cookie[1], sizeof r->resp.cookie[1],
             LOGIN_COOKIE "=; Path=/login; HttpOnly; Secure; SameSite=Strict; Max-Age=0");
    r->signed_in = true;
    r->user = *u;
    char object[SL_USER_NAME_MAX + 8];
    snprintf(object, sizeof object, "user:%s", u->name);
    char detail[128];
    snprintf(detail, sizeof detail, "{\"address\":\"%s\"}", r->addr);
    return sl_store_audit(r->s, u->name, "user.login", object, detail, err);
}

/* The sign-in itself, for the form and the API: 200, 401, 429 or 503. */
unsigned web_sign_in(struct web_req *r, const char *name, const char *password)
{
    if (name == NULL || password == NULL || name[0] == '\0')
        return 401;
    if (throttled(name, r->addr, false))
        return 429;
    struct sl_err err = {0};
    struct sl_user u;
    int ok = check_password(r, name, password, &u, &err);
    if (ok < 0)
        return 503;
    if (ok == 0) {
        throttled(name, r->addr, true);
        return 401;
    }
    if (start_session(r, &u, &err) != 0)
        return 503;
    return 200;
}

void web_login(struct web_req *r)
{
    const char *token = web_field(r, "csrf"), *cookie = web_cookie(r, LOGIN_COOKIE);
    if (token == NULL || cookie == NULL || strlen(token) != 64 || strlen(cookie) != 64 ||
        sodium_memcmp(token, cookie, 64) != 0) {
        web_login_page(r, "The sign-in form has expired; try again.", 403);
        return;
    }
    unsigned st = web_sign_in(r, web_field(r, "name"), web_field(r, "password"));
    if (st == 200)
        web_redirect(r, "/");
    else if (st == 429)
        web_login_page(r, "Too many failed sign-ins; wait a few minutes and try again.", 429);
    else if (st == 503)
        web_login_page(r, "The register cannot be reached just now.", 503);
    else
        web_login_page(r, "The account name or the password is wrong.", 401);
}

void web_logout(struct web_req *r)
{
    struct sl_err err = {0};
    sl_store_session_delete(r->s, r->sid_hash, &err);
    snprintf(r->resp.cookie[0], sizeof r->resp.cookie[0],
             SESSION_COOKIE "=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0");
    char object[SL_USER_NAME_MAX + 8];
    snprintf(object, sizeof object, "user:%s", r->user.name);
    sl_store_audit(r->s, r->user.name, "user.logout", object, "{}", &err);
    r->signed_in = false;
    if (r->api)
        web_json(r, 200, json_pack("{s:b}", "signed_in", 0));
    else
        web_redirect(r, "/login");
}

/* Checks a loaded session's times and account: 1 valid, 0 ended, -1 error. */
static int session_valid(struct web_req *r, const struct sl_session *ss, struct sl_err *err)
{
    int64_t now = sl_now();
    if (now - ss->last_seen > r->conf->idle_timeout ||
        now - ss->created_at > r->conf->session_lifetime)
        return 0;
    int got = sl_store_user_get_id(r->s, ss->user_id, &r->user, err);
    if (got <= 0 || r->user.disabled)
        return got < 0 ? -1 : 0;
    if (sl_roles_load(r->s, r->user.id, &r->roles, err) != 0)
        return -1;
    /* Touch at most every few seconds: one write per click is enough. */
    int64_t every = r->conf->idle_timeout / 4 < 10 ? r->conf->idle_timeout / 4 : 10;
    if (now - ss->last_seen >= every && sl_store_session_touch(r->s, r->sid_hash, now, err) != 0)
        return -1;
    return 1;
}

int web_session_load(struct web_req *r)
{
    const char *auth = r->api ? web_header(r, "Authorization") : NULL;
    if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0) {
        r->bearer = true; /* even when refused: no cookie is looked at */
        return strlen(auth + 7) == SL_WEB_TOKEN_LEN ? bearer_load(r, auth + 7) : 0;
    }
    const char *sid = web_cookie(r, SESSION_COOKIE);
    if (sid == NULL || strlen(sid) != 64)
        return 0;
    struct sl_err err = {0};
    struct sl_session ss;
    sha256_hex(sid, r->sid_hash);
    int got = sl_store_session_get(r->s, r->sid_hash, &ss, &err);
    if (got < 0)
        return -1;
    if (got == 0) {
        r->expired = true;
        return 0;
    }
    int valid = session_valid(r, &ss, &err);
    if (valid < 0)
        return -1;
    if (valid == 0) {
        r->expired = true;
        memset(&r->user, 0, sizeof r->user);
        return sl_store_session_delete(r->s, r->sid_hash, &err);
    }
    r->signed_in = true;
    sl_strlcpy(r->csrf, ss.csrf, sizeof r->csrf);
    return 0;
}

bool web_csrf_ok(struct web_req *r)
{
    /* A bearer token is sent by a script, never by a browser on its own: no
     * cross-site request can carry it, so it needs no CSRF token. */
    if (r->bearer && r->signed_in)
        return true;
    const char *t = web_header(r, "X-CSRF-Token");
    if (t == NULL)
        t = web_field(r, "csrf");
    return t != NULL && strlen(t) == 64 && strlen(r->csrf) == 64 &&
           sodium_memcmp(t, r->csrf, 64) == 0;
}

/* POST /password: the current password again, then the new one twice. */
void web_password_change(struct web_req *r)
{
    const char *cur = web_field(r, "current"), *n1 = web_field(r, "new"),
               *n2 = web_field(r, "again");
    struct sl_err err = {0};
    struct sl_user u;
    char hash[SL_PWHASH_MAX];
    if (cur == NULL || n1 == NULL || n2 == NULL || strcmp(n1, n2) != 0) {
        web_error(r, 400, "The new password and its repetition differ.");
    } else if (throttled(r->user.name, r->addr, false) ||
               check_password(r, r->user.name, cur, &u, &err) != 1) {
        throttled(r->user.name, r->addr, true);
        web_error(r, 403, "The current password is wrong.");
    } else if (sl_web_hash_password(n1, hash, &err) != 0) {
        web_error(r, 400, err.msg);
    } else if (sl_store_user_set_password(r->s, r->user.name, hash, r->user.name, &err) != 1) {
        web_error(r, 503, "The password could not be changed.");
    } else {
        web_redirect(r, "/login");
    }
}
