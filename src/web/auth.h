/* auth.h - passwords for the dashboard's accounts (argon2id via libsodium's
 * crypto_pwhash_str), shared by `sightline users` and the sign-in. */
#ifndef SL_WEB_AUTH_H
#define SL_WEB_AUTH_H

#include <stdbool.h>

#include "store/store.h"
#include "util/err.h"

#define SL_WEB_PASSWORD_MIN 12
#define SL_WEB_PASSWORD_MAX 512

/* Hashes a password (12 to 512 characters) into out. 0 or -1. */
int sl_web_hash_password(const char *password, char out[SL_PWHASH_MAX], struct sl_err *err);
/* A new API token (SL_WEB_TOKEN_LEN characters: "slt_" and 64 hex digits
 * from 256 random bits) and the hash the register keeps of it (SHA-256, hex). */
#define SL_WEB_TOKEN_LEN 68
int sl_web_token_make(char token[SL_WEB_TOKEN_LEN + 1], char hash[65]);
/* An account name: 1 to SL_USER_NAME_MAX - 1 of letters, digits and "._-@". */
bool sl_web_user_name_ok(const char *name);

struct web_req;
/* Checks name and password (throttled) and starts a session: 200, 401
 * (wrong, whether or not the account exists), 429 (throttled) or 503. */
unsigned web_sign_in(struct web_req *r, const char *name, const char *password);

#endif
