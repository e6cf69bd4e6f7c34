#!/bin/sh
# serve_tokens.sh - API tokens for scripts: `sightline users token add|list|
# revoke`, the register keeping only the hash; Authorization: Bearer on
# /api/v1/ acts as the account with its grants (a site-editor's token cannot
# touch another site), needs no CSRF token, a read-only token only reads, and
# expired, revoked, unknown tokens and disabled accounts get 401; tokens mean
# nothing to the HTML pages. SQLite, and PostgreSQL under the postgres label.
SL_OWN_NETNS=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_serve.sh"
need_tool curl python3

serve_setup
expect 0 "token for editA" "$SL" users token add editA --label nightly --days 30
W=$(cat "$T/out")
expect 0 "read-only token for viewer" "$SL" users token add viewer --read-only
R=$(cat "$T/out")
expect 0 "a token for the approver" "$SL" users token add approver
X=$(cat "$T/out")
expect 2 "no token for an account that does not exist" "$SL" users token add nosuch
expect 2 "--days is bounded" "$SL" users token add editA --days 9999
check "a token is slt_ and 64 hex digits" 1 "$(printf '%s' "$W" | grep -cE '^slt_[0-9a-f]{64}$')"
check "the register keeps no token, only hashes" 0 \
    "$(sql "SELECT count(*) FROM api_tokens WHERE hash LIKE 'slt_%' OR hash = '$W'")"
check "the audit log names no token" 0 "$(sql "SELECT count(*) FROM audit_log WHERE detail LIKE '%slt_%'")"
expect 0 "users token list --json" "$SL" users token list --json
python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); sys.exit(0 if [x["scope"] for x in t] == ["write", "read", "write"] and t[0]["label"] == "nightly" else 1)' "$T/out" \
    && ok "the list shows scope and label" || bad "users token list"
chown -R "$SERVE_USER" "$T"
serve_start main --listen 127.0.0.1:8443
bearer() { # TOKEN CURL-ARGS...
    _t=$1; shift
    curl -s --cacert "$T/dashboard-cert.pem" -H "Authorization: Bearer $_t" "$@"
}
DA=$(dev_at "$SITE_A" confirmed)
DB=$(dev_at "$SITE_B" confirmed)
check "bearer: the API reads as editA" 200 "$(bearer "$W" -o "$T/me" -w '%{http_code}' "$B/api/v1/me")"
has "$T/me" '"name":"editA"'
check "bearer: schedules its site's device without a CSRF token" 200 \
    "$(bearer "$W" -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"date":"2030-04-01"}' "$B/api/v1/devices/$DA/schedule")"
check "the move is audited as editA" editA \
    "$(sql "SELECT actor FROM audit_log WHERE object = 'device:$DA' ORDER BY seq DESC LIMIT 1")"
check "bearer: another site's device is 404, as for editA's session" 404 \
    "$(bearer "$W" -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"date":"2030-04-01"}' "$B/api/v1/devices/$DB/schedule")"
check "a read-only token reads" 200 "$(bearer "$R" -o /dev/null -w '%{http_code}' "$B/api/v1/devices")"
check "a read-only token cannot change" 403 "$(bearer "$R" -o "$T/ro" -w '%{http_code}' -d x=1 "$B/api/v1/logout")"
has "$T/ro" "may only read"
check "the approver's token cannot change a device (its grants)" 403 \
    "$(bearer "$X" -o /dev/null -w '%{http_code}' -d 'date=2030-04-01' "$B/api/v1/devices/$DB/schedule")"
check "an unknown token: 401" 401 "$(bearer "slt_$(printf '%064d' 0)" -o /dev/null -w '%{http_code}' "$B/api/v1/me")"
check "a malformed token: 401" 401 "$(bearer "nonsense" -o /dev/null -w '%{http_code}' "$B/api/v1/me")"
check "a token means nothing to the pages" 303 "$(bearer "$W" -o /dev/null -w '%{http_code}' "$B/devices")"
# Expiry: the token's end moved into the past in the register.
sql "UPDATE api_tokens SET expires_at = 1000 WHERE scope = 'read'" >/dev/null
check "an expired token: 401" 401 "$(bearer "$R" -o "$T/exp" -w '%{http_code}' "$B/api/v1/me")"
has "$T/exp" "has expired or was revoked"
id=$(sql "SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.name = 'approver'")
expect 0 "revoke the approver's token" "$SL" users token revoke "$id"
check "a revoked token: 401" 401 "$(bearer "$X" -o /dev/null -w '%{http_code}' "$B/api/v1/me")"
expect 2 "revoking it again says so" "$SL" users token revoke "$id"
"$SL" users disable editA >/dev/null
check "a disabled account's token: 401" 401 "$(bearer "$W" -o /dev/null -w '%{http_code}' "$B/api/v1/me")"
check "token changes are audited (user.token.*)" "user.token.add user.token.add user.token.add user.token.revoke" \
    "$(sql "SELECT action FROM audit_log WHERE action LIKE 'user.token.%' ORDER BY seq" | tr '\n' ' ' | sed 's/ $//')"
finish
