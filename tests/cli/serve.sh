#!/bin/sh
# serve.sh - the dashboard over HTTP(S) with curl, in a network namespace of
# its own: TLS and the security headers, sign-in (no account oracle,
# throttling, CSRF), sessions (idle and absolute expiry, disabled accounts),
# every change route x role (a viewer and an auditor get 403, a site-editor
# cannot reach another site's device by URL), four-eyes exemptions, hostile
# device strings escaped, overview figures equal to the JSON report, the API,
# and a clean stop on SIGTERM.
SL_OWN_NETNS=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_serve.sh"
need_tool curl openssl python3

serve_setup

# --- starting: refusals, the certificate, the headers ---
expect 2 "--http refused off loopback" "$SL" serve --http --listen 0.0.0.0:8080
has "$T/err" "only allowed on a loopback address"
expect 2 "--listen needs a numeric address" "$SL" serve --listen localhost:8443
if [ -z "${SIGHTLINE_PG_DIR:-}" ]; then
    mkdir "$T/rootonly" && cp "$SIGHTLINE_DB" "$T/rootonly/reg.db"
    expect 2 "a register the user cannot write is refused with the fix" \
        "$SL" serve --user nobody --db "$T/rootonly/reg.db" --tls-dir "$T/rootonly" --listen 127.0.0.1:8444
    has "$T/err" "is not writable by user nobody: chown"
fi
serve_start main --listen 127.0.0.1:8443
has "$T/main.out" "made a self-signed certificate"
fp=$(openssl x509 -in "$T/dashboard-cert.pem" -noout -fingerprint -sha256 | cut -d= -f2)
has "$T/main.out" "fingerprint $fp" "the printed fingerprint is the certificate's"
has "$T/main.out" "running as user $SERVE_USER"
check "the key is private" "600" "$(stat -c %a "$T/dashboard-key.pem")"
check "the server runs as $SERVE_USER" "$SERVE_USER" "$(ps -o user= -p "$PID_main" | tr -d ' ')"
check "the server runs under a seccomp filter" "2 1" \
    "$(awk '/^Seccomp:/ { m = $2 } /^Seccomp_filters:/ { f = $2 } END { print m, f }' /proc/"$PID_main"/status)"

c anon -D "$T/h" -o /dev/null "$B/login"
for h in "Content-Security-Policy: default-src 'self'; script-src 'self'" \
         "frame-ancestors 'none'" "X-Content-Type-Options: nosniff" \
         "Referrer-Policy: no-referrer" "Strict-Transport-Security: max-age=" \
         "Set-Cookie: sl_login=" "HttpOnly; Secure; SameSite=Strict"; do
    has "$T/h" "$h"
done
check "unsigned GET / goes to the sign-in" "303 /login" \
    "$(c anon -o /dev/null -w '%{http_code} %{redirect_url}' "$B/" | sed 's|https://127.0.0.1:8443||')"
check "API without a session: 401" 401 "$(c anon -o /dev/null -w '%{http_code}' "$B/api/v1/devices")"
check "assets are served" 200 "$(c anon -o "$T/app.js" -w '%{http_code}' "$B/static/app.js")"

# --- sign-in: same answer for a wrong password and a missing account ---
check "wrong password: 401" 401 "$(login viewer 'not the password at all')"
grep -o '<p class="error"[^<]*' "$T/login-answer.html" >"$T/wrong1"
check "missing account: 401" 401 "$(login nosuchuser 'not the password at all')"
grep -o '<p class="error"[^<]*' "$T/login-answer.html" >"$T/wrong2"
check "no account-existence oracle" "$(cat "$T/wrong1")" "$(cat "$T/wrong2")"
tok=$(grep -o 'name="csrf" value="[0-9a-f]*' "$T/login.html" | cut -d'"' -f4)
check "sign-in without its form token: 403" 403 \
    "$(c fresh -o /dev/null -w '%{http_code}' --data-urlencode "name=viewer" \
        --data-urlencode "password=$PW" "$B/login")"
for i in 1 2 3 4 5; do login lockme 'wrong password number' >/dev/null; done
check "throttled after 5 failures, even with the right password" 429 "$(login lockme)"
for u in admin viewer auditor editA editB approver both; do
    check "$u signs in" 302 "$(login "$u" | sed 's/303/302/')"
done
has "$T/admin.jar" "#HttpOnly_127.0.0.1" "the session cookie is HttpOnly"

# --- overview: the figures are the JSON report's ---
"$SL" report --format json >"$T/report.json"
c admin -o "$T/overview.html" "$B/"
if python3 "$SL_SOURCE_DIR/tests/cli/figures_match.py" "$T/overview.html" "$T/report.json" >"$T/fm"; then
    ok "overview figures equal report --format json ($(cat "$T/fm"))"
else
    bad "overview figures differ from the JSON report"; cat "$T/fm"
fi
c admin "$B/api/v1/overview" >"$T/api-overview.json"
python3 - "$T/api-overview.json" "$T/report.json" <<'PY' && ok "API overview totals equal the report's" || bad "API overview totals differ"
import json, sys
a = json.load(open(sys.argv[1]))["scopes"][0]; r = json.load(open(sys.argv[2]))
sys.exit(0 if a["totals"] == r["totals"] and a["by_site"] == r["by_site"] else 1)
PY

# --- hostile device strings are inert ---
c viewer -o "$T/hostile.html" "$B/devices/$HOSTILE_ID"
has "$T/hostile.html" "&lt;script&gt;window.__pwned=1&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=&quot;"
if grep -qE '<script>window|<img src=x' "$T/hostile.html"; then bad "hostile model rendered as markup"; else ok "hostile model escaped on the device page"; fi
has "$T/hostile.html" "<h2>Verdict history</h2>" "the device page has its verdict history"
c viewer -o "$T/list.html" "$B/devices?site=$(printf '%s' "$SITE_A" | sed 's/ /+/g')&limit=500"
if grep -qE '<script>window|<img src=x' "$T/list.html"; then bad "hostile model rendered in the list"; else ok "hostile model escaped in the device list"; fi
has "$T/list.html" "&lt;script&gt;"

# --- every change route x role: viewer and auditor get 403 ---
DA=$(dev_at "$SITE_A" confirmed)
DB=$(dev_at "$SITE_B" confirmed)
routes="confirm schedule remove exemption-request"
for u in viewer auditor; do
    t=$(csrf "$u")
    for r in $routes; do
        check "$u: POST /devices/$DA/$r is 403" 403 "$(c "$u" -o /dev/null -w '%{http_code}' \
            -d "csrf=$t&date=2030-01-01&replaced_by=none&reason=x&until=2030-01-01" "$B/devices/$DA/$r")"
        check "$u: API $r is 403" 403 "$(c "$u" -o /dev/null -w '%{http_code}' -H "X-CSRF-Token: $t" \
            -H 'Content-Type: application/json' -d '{"date":"2030-01-01","replaced_by":"none","reason":"x","until":"2030-01-01"}' \
            "$B/api/v1/devices/$DA/$r")"
    done
done
check "viewer: audit log is 403" 403 "$(c viewer -o /dev/null -w '%{http_code}' "$B/audit")"
check "auditor: audit log is 200" 200 "$(c auditor -o "$T/audit.html" -w '%{http_code}' "$B/audit")"
has "$T/audit.html" 'id="chain" class="ok">Chain: intact'

# --- a site-editor cannot reach another site's devices, by URL either ---
tA=$(csrf editA)
check "editA: device of site B is 404" 404 "$(c editA -o /dev/null -w '%{http_code}' "$B/devices/$DB")"
check "editA: scheduling site B's device by URL is refused" 404 \
    "$(c editA -o /dev/null -w '%{http_code}' -d "csrf=$tA&date=2030-01-01" "$B/devices/$DB/schedule")"
check "editA: API on site B's device is refused" 404 \
    "$(c editA -o /dev/null -w '%{http_code}' -H "X-CSRF-Token: $tA" -d 'date=2030-01-01' "$B/api/v1/devices/$DB/schedule")"
check "site B's device is untouched" confirmed "$(sql "SELECT status FROM devices WHERE id = $DB")"
c editA "$B/api/v1/devices?limit=500" >"$T/editA-devices.json"
python3 - "$T/editA-devices.json" "$SITE_A" <<'PY' && ok "editA's API list holds only its site" || bad "editA sees other sites"
import json, sys
d = json.load(open(sys.argv[1]))["devices"]
sys.exit(0 if d and all(x.get("site") == sys.argv[2] for x in d) else 1)
PY
check "editA: filtering on site B shows nothing" 0 \
    "$(c editA "$B/api/v1/devices?site=$(printf '%s' "$SITE_B" | sed 's/ /+/g')" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["devices"]))')"

# --- CSRF: missing, or another session's, is refused ---
tB=$(csrf editB)
check "form without its CSRF token: 403" 403 \
    "$(c editA -o /dev/null -w '%{http_code}' -d "date=2030-01-01" "$B/devices/$DA/schedule")"
check "form with another session's token: 403" 403 \
    "$(c editA -o /dev/null -w '%{http_code}' -d "csrf=$tB&date=2030-01-01" "$B/devices/$DA/schedule")"
check "API without X-CSRF-Token: 403" 403 \
    "$(c editA -o /dev/null -w '%{http_code}' -d "date=2030-01-01" "$B/api/v1/devices/$DA/schedule")"
check "nothing moved without a token" confirmed "$(sql "SELECT status FROM devices WHERE id = $DA")"

# --- actions, audited as the signed-in user ---
check "editA schedules its site's device" "303" \
    "$(c editA -o /dev/null -w '%{http_code}' -d "csrf=$tA&date=2030-01-15" "$B/devices/$DA/schedule")"
check "the device is scheduled" "scheduled|2030-01-15" \
    "$(sql "SELECT status || '|' || scheduled_for FROM devices WHERE id = $DA")"
check "the event's actor is editA" editA \
    "$(sql "SELECT actor FROM lifecycle_events WHERE device_id = $DA ORDER BY id DESC LIMIT 1")"
check "the audit entry's actor is editA" editA \
    "$(sql "SELECT actor FROM audit_log WHERE object = 'device:$DA' ORDER BY seq DESC LIMIT 1")"
# The overview's figures follow the change (they are cached only while the
# register does not change).
"$SL" report --format json >"$T/report2.json"
c admin "$B/api/v1/overview" >"$T/api-overview2.json"
python3 - "$T/api-overview2.json" "$T/report2.json" "$T/api-overview.json" <<'PY' && ok "after a change the overview has the new figures" || bad "the overview kept stale figures"
import json, sys
a = json.load(open(sys.argv[1]))["scopes"][0]; r = json.load(open(sys.argv[2]))
before = json.load(open(sys.argv[3]))["scopes"][0]
sys.exit(0 if a["totals"] == r["totals"] and a["totals"] != before["totals"] else 1)
PY
check "a removal dated in the future is refused with 409" 409 \
    "$(c editA -o "$T/409" -w '%{http_code}' -d "csrf=$tA&replaced_by=none&date=2099-01-01" "$B/devices/$DA/remove")"

# --- exemptions: four eyes ---
DE=$(dev_at "$SITE_A" confirmed)
check "editA requests an exemption" 303 "$(c editA -o /dev/null -w '%{http_code}' \
    -d "csrf=$tA&reason=vendor+support+contract&until=2031-06-30" "$B/devices/$DE/exemption-request")"
RQ=$(sql "SELECT id FROM exemption_requests WHERE device_id = $DE")
check "the request is pending, the device not yet exempt" "pending|confirmed" \
    "$(sql "SELECT r.state || '|' || d.status FROM exemption_requests r JOIN devices d ON d.id = r.device_id WHERE r.id = $RQ")"
check "editA (no approver role) cannot approve" 403 \
    "$(c editA -o /dev/null -w '%{http_code}' -d "csrf=$tA" "$B/exemptions/$RQ/approve")"
tboth=$(csrf both)
DO=$(dev_at "$SITE_B" confirmed)
check "'both' requests one itself" 200 "$(c both -o /dev/null -w '%{http_code}' -H "X-CSRF-Token: $tboth" \
    -H 'Content-Type: application/json' -d '{"reason":"lab use","until":"2031-01-31"}' \
    "$B/api/v1/devices/$DO/exemption-request")"
RQ2=$(sql "SELECT id FROM exemption_requests WHERE device_id = $DO")
check "the requester cannot approve their own request" 403 \
    "$(c both -o "$T/own" -w '%{http_code}' -d "csrf=$tboth" "$B/exemptions/$RQ2/approve")"
has "$T/own" "another approver must decide"
tap=$(csrf approver)
check "the approver approves" 303 "$(c approver -o /dev/null -w '%{http_code}' -d "csrf=$tap" "$B/exemptions/$RQ/approve")"
check "the device is exempt, approved by the approver" "exempt|approver|2031-06-30" \
    "$(sql "SELECT status || '|' || exempt_approver || '|' || exempt_until FROM devices WHERE id = $DE")"
check "approving again is refused" 409 "$(c approver -o /dev/null -w '%{http_code}' -d "csrf=$tap" "$B/exemptions/$RQ/approve")"
check "audited: request by editA, approval by approver" "exemption.request editA
exemption.approve approver" \
    "$(sql "SELECT action || ' ' || actor FROM audit_log WHERE object = 'exemption_request:$RQ' ORDER BY seq")"
check "viewer cannot refuse" 403 "$(c viewer -o /dev/null -w '%{http_code}' -d "csrf=$(csrf viewer)" "$B/exemptions/$RQ2/refuse")"

# --- the audit log through the API; logout; disabled accounts ---
c auditor "$B/api/v1/audit?limit=5" >"$T/audit.json"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); sys.exit(0 if a["chain"]["intact"] and len(a["entries"]) == 5 else 1)' "$T/audit.json" \
    && ok "API audit: chain intact, entries" || bad "API audit"
tv=$(csrf viewer)
check "viewer signs out" 303 "$(c viewer -o /dev/null -w '%{http_code}' -d "csrf=$tv" "$B/logout")"
check "after sign-out / goes to the sign-in" 303 "$(c viewer -o /dev/null -w '%{http_code}' "$B/")"
"$SL" users disable editB >/dev/null
check "a disabled account's session ends" 303 "$(c editB -o /dev/null -w '%{http_code}' "$B/")"
check "a disabled account cannot sign in" 401 "$(login editB)"

# --- sessions: idle and absolute expiry (servers of their own) ---
kill -TERM "$PID_main"
wait "$PID_main" 2>/dev/null
check "SIGTERM: a clean stop" 0 "$?"
has "$T/main.err" "stopping"
serve_start idle --listen 127.0.0.1:8443 --idle-timeout 2
login admin >/dev/null
sleep 4
check "idle session: redirected to sign in again" "303 /login?expired=1" \
    "$(c admin -o /dev/null -w '%{http_code} %{redirect_url}' "$B/" | sed 's|https://127.0.0.1:8443||')"
kill -TERM "$PID_idle"; wait "$PID_idle" 2>/dev/null
serve_start life --listen 127.0.0.1:8443 --session-lifetime 2
has "$T/life.out" "fingerprint $fp" "the certificate is kept between starts"
login admin >/dev/null
sleep 4
check "session past its lifetime: redirected" "303 /login?expired=1" \
    "$(c admin -o /dev/null -w '%{http_code} %{redirect_url}' "$B/" | sed 's|https://127.0.0.1:8443||')"
kill -TERM "$PID_life"; wait "$PID_life" 2>/dev/null

# --- plain HTTP on loopback: no HSTS ---
serve_start plain --listen 127.0.0.1:8080 --http
curl -s -D "$T/ph" -o /dev/null http://127.0.0.1:8080/login
has "$T/ph" "Content-Security-Policy"
if grep -q Strict-Transport-Security "$T/ph"; then bad "HSTS over plain HTTP"; else ok "no HSTS over plain HTTP"; fi
kill -TERM "$PID_plain"; wait "$PID_plain" 2>/dev/null

# --- users: the command line ---
printf 'short\n' | expect 2 "users add: a short password is refused" "$SL" users add shorty
printf '%s\n' "$PW" | expect 2 "users add: a taken name is refused" "$SL" users add viewer
expect 0 "users roles: revoke" "$SL" users roles both --revoke approver
check "grants after the revoke" "site-editor:all" "$(cat "$T/out")"
expect 0 "users list --json" "$SL" users list --json
python3 -c 'import json,sys; u={x["name"]: x for x in json.load(open(sys.argv[1]))}; sys.exit(0 if u["editB"]["disabled"] and u["editA"]["grants"] == ["site-editor:site:Elm Park Laboratory"] else 1)' "$T/out" \
    && ok "users list shows grants and disabled accounts" || bad "users list"
check "no password or hash in the audit log" 0 "$(sql "SELECT count(*) FROM audit_log WHERE detail LIKE '%argon2%' OR detail LIKE '%horse%'")"
finish
