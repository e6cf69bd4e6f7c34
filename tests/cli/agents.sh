#!/bin/sh
# Site agents on loopback, in a network namespace of the test's own: enrolment
# (a spent token, an expired one), mutual TLS (no certificate, another CA's, a
# revoked agent), batches (applied once, a replay acknowledged only, another
# site's addresses, malformed, oversized, forged), agents list/rename/revoke,
# an offline agent's spool through `import --spool` (an altered batch refused
# by file). Every refusal leaves a log line and writes nothing.
SL_OWN_NETNS=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_serve.sh"
agents_lab agL
# One lab (devices at 127.18.5.1-12), two sites: its first eight addresses and the next eight.
"$LAB" up --devices 12 --seed 5 --range 127.18.4.0/23 --name agL --quiet || die "lab"
agents_sites 127.18.5.0/29 127.18.5.8/29

# ---- tokens and enrolment ----
expect 0 "a token for site A" "$SL" agents token --site "Site A" --schedule 1h --out "$T/tokA"
expect 0 "a token for site B" "$SL" agents token --site "Site B" --out "$T/tokB"
expect 2 "a token for no site is refused" "$SL" agents token --site Nowhere
SIGHTLINE_NOW=2020-01-01 "$SL" agents token --site "Site A" --out "$T/tokOld" 2>/dev/null || die "old token"
check "only hashes are stored" 0 "$(sql "SELECT count(*) FROM agent_tokens WHERE token_sha256 = '$(cut -d. -f2 "$T/tokA")'")"
add_user admin --grant programme-admin
add_user viewer --grant viewer
chmod 755 "$T"
chown -R nobody "$T"
"$SL" serve --user nobody --http --listen 127.0.0.1:8080 --agent-listen 127.0.0.1:9443 \
    >"$T/serve.out" 2>"$T/serve.err" &
SERVE=$!
on_exit "kill $SERVE 2>/dev/null"
wait_for "$T/serve.out" "agents at" || { cat "$T/serve.err"; die "serve did not start"; }
U=https://127.0.0.1:9443
expect 0 "agent A enrols" "$SL" agent enrol --server $U --token-file "$T/tokA" --state "$T/a" --name site-a
has "$T/out" "for site Site A"
expect 0 "agent B enrols" "$SL" agent enrol --server $U --token-file "$T/tokB" --state "$T/b" --name site-b
agents_before=$(count agents)
expect 2 "a spent token is refused" "$SL" agent enrol --server $U --token-file "$T/tokA" --state "$T/x1"
has "$T/err" "token already used"
has "$T/serve.err" "enrolment refused: token already used" "the server logs the spent token"
expect 2 "an expired token is refused" "$SL" agent enrol --server $U --token-file "$T/tokOld" --state "$T/x2"
has "$T/serve.err" "enrolment refused: token expired" "the server logs the expired token"
check "refused enrolments add no agent" "$agents_before" "$(count agents)"
sed 's/\.[0-9a-f]*$/.0000000000000000000000000000000000000000000000000000000000000000/' "$T/tokB" >"$T/tokPin"
expect 2 "a token whose CA hash is not the server's is refused before anything is sent" \
    "$SL" agent enrol --server $U --token-file "$T/tokPin" --state "$T/x3"
has "$T/err" "is not the one the token names"
[ "$(stat -c %a "$T/a/agent-key.pem")" = 600 ] && ok "the agent's key is 0600" || bad "key mode"

# ---- mutual TLS ----
A="--cacert $T/a/ca-cert.pem --cert $T/a/agent-cert.pem --key $T/a/agent-key.pem"
code() { curl -s -o "$T/resp" -w '%{http_code}' "$@"; }
check "agent A reads its configuration" 200 "$(code $A $U/agent/v1/config)"
has "$T/resp" '"127.18.5.0/29"'
lacks "$T/resp" '127.18.5.8/29' "agent A's configuration holds only its site"
check "no client certificate: refused" 403 "$(code --cacert "$T/a/ca-cert.pem" $U/agent/v1/config)"
has "$T/serve.err" "/agent/v1/config refused (403): no client certificate"
# Another CA, a certificate naming agent A's uid.
uidA=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uid"])' "$T/a/agent.json")
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=evil \
    -keyout "$T/evil-ca.key" -out "$T/evil-ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=agent:$uidA" \
    -keyout "$T/evil.key" -out "$T/evil.csr" 2>/dev/null
printf 'extendedKeyUsage=clientAuth\n' >"$T/evil.ext"
openssl x509 -req -in "$T/evil.csr" -CA "$T/evil-ca.pem" -CAkey "$T/evil-ca.key" -days 2 \
    -extfile "$T/evil.ext" -out "$T/evil.pem" 2>/dev/null
got=$(code --cacert "$T/a/ca-cert.pem" --cert "$T/evil.pem" --key "$T/evil.key" $U/agent/v1/config)
case "$got" in 000|403) ok "another CA's certificate is refused ($got)" ;; *) bad "another CA: $got" ;; esac
has "$T/serve.err" "not issued by this server's agent CA"

# ---- an offline agent's spool, carried by hand ----
python3 - "$T/a/config" <<'PY'
import json, sys
json.dump({"sites": [{"name": "Site A", "networks": ["127.18.5.0/29"]}], "schedule": 3600}, open(sys.argv[1], "w"))
PY
expect 0 "agent A scans offline into its spool" "$SL" agent run --state "$T/a" --once --offline "$T/a/config" --timeout 1500
n_spool=$(ls "$T/a/spool" | grep -c '\.batch$')
[ "$n_spool" -ge 1 ] && ok "the offline scan left $n_spool batch(es)" || die "no batch spooled"
batch=$(ls "$T/a/spool"/*.batch | head -1)
cp "$batch" "$T/good.batch"
mkdir "$T/altered"
sed 's/"outcome":"ok"/"outcome":"reset"/' "$batch" >"$T/altered/0000000001.batch"
ev0=$(count evidence)
expect 2 "an altered batch is refused, naming its file" "$SL" import --spool "$T/altered"
has "$T/err" "0000000001.batch: refused: the signature does not verify"
check "nothing written by the altered batch" "$ev0" "$(count evidence)"
expect 0 "the spool imports" "$SL" import --spool "$T/a/spool"
ev1=$(count evidence)
[ "$ev1" -gt "$ev0" ] && ok "evidence from the spool ($ev0 -> $ev1)" || bad "no evidence imported"
expect 0 "the same spool again is skipped" "$SL" import --spool "$T/a/spool"
has "$T/out" "applied before, skipped"
check "nothing applied twice" "$ev1" "$(count evidence)"

# ---- batches over the wire ----
resign "$T/good.batch" "$T/a/agent-key.pem" "$uidA" "$T/fresh.batch"
check "a fresh batch is applied" 200 "$(code $A --data-binary @"$T/fresh.batch" $U/agent/v1/batch)"
has "$T/resp" '"applied":true'
ev2=$(count evidence)
au2=$(count audit_log)
check "the same batch again is acknowledged" 200 "$(code $A --data-binary @"$T/fresh.batch" $U/agent/v1/batch)"
has "$T/resp" '"applied":false'
has "$T/serve.err" "acknowledged, not applied"
check "a replay writes no evidence" "$ev2" "$(count evidence)"
check "a replay writes no audit entry" "$au2" "$(count audit_log)"
printf 'not a batch\n{"type":"signature"}\n' >"$T/junk"
check "malformed: refused" 400 "$(code $A --data-binary @"$T/junk" $U/agent/v1/batch)"
has "$T/serve.err" "batch of agent 'site-a' refused: line 1: not a batch header"
head -c 34000000 /dev/zero | tr '\0' 'x' >"$T/huge"
got=$(code $A --data-binary @"$T/huge" $U/agent/v1/batch)
case "$got" in 413|000) ok "oversized: refused ($got)" ;; *) bad "oversized: $got" ;; esac
has "$T/serve.err" "the request is larger than allowed"
# Agent B's answers (site B's addresses), signed properly by agent A: refused, counted.
"$SL" agent run --state "$T/b" --once --offline "$T/a/config" --timeout 1500 2>/dev/null
python3 - "$T/b/config" <<'PY'
import json, sys
json.dump({"sites": [{"name": "Site B", "networks": ["127.18.5.8/29"]}], "schedule": 3600}, open(sys.argv[1], "w"))
PY
rm -f "$T/b/spool"/*.batch
expect 0 "agent B scans site B offline" "$SL" agent run --state "$T/b" --once --offline "$T/b/config" --timeout 1500
resign "$(ls "$T/b/spool"/*.batch | head -1)" "$T/a/agent-key.pem" "$uidA" "$T/other.batch"
ev3=$(count evidence)
check "another site's addresses: refused" 403 "$(code $A --data-binary @"$T/other.batch" $U/agent/v1/batch)"
has "$T/serve.err" "lie outside agent site-a's sites"
check "nothing written for another site" "$ev3" "$(count evidence)"
[ "$(sql "SELECT refused_records FROM agents WHERE name = 'site-a'")" -gt 0 ] && ok "refused records counted" || bad "refused not counted"
# A batch of agent B sent with agent A's certificate: the header names B.
uidB=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uid"])' "$T/b/agent.json")
resign "$T/good.batch" "$T/b/agent-key.pem" "$uidB" "$T/b-signed.batch"
check "another agent's batch: refused" 400 "$(code $A --data-binary @"$T/b-signed.batch" $U/agent/v1/batch)"
resign "$T/good.batch" "$T/b/agent-key.pem" "$uidA" "$T/forged.batch"
check "a batch signed by another key: refused" 400 "$(code $A --data-binary @"$T/forged.batch" $U/agent/v1/batch)"
has "$T/serve.err" "forged or altered"
check "nothing written by refused batches" "$ev3" "$(count evidence)"

# ---- list, rename, revoke ----
expect 0 "agents list" "$SL" agents list
has "$T/out" "site-a"
expect 0 "agents list --json" "$SL" agents list --json
has "$T/out" '"refused_records"'
expect 0 "rename" "$SL" agents rename site-b lab-b
expect 2 "rename to a taken name" "$SL" agents rename lab-b site-a
# The dashboard's Agents page: auditors and admins read it, an admin over all sites revokes.
B=http://127.0.0.1:8080
check "admin signs in" 303 "$(login admin)"
check "viewer signs in" 303 "$(login viewer)"
check "the Agents page for an admin" 200 "$(c admin -o "$T/agents.html" -w '%{http_code}' $B/agents)"
has "$T/agents.html" "site-a"
has "$T/agents.html" ">Revoke</button>"
check "not for a viewer" 403 "$(c viewer -o /dev/null -w '%{http_code}' $B/agents)"
# Verification requests on the page: an admin of the site queues one (as `agents verify`).
has "$T/agents.html" "<h2>Verification requests</h2>"
has "$T/agents.html" "<option>Site A</option>"
check "a viewer cannot queue a verification" 403 "$(c viewer -o /dev/null -w '%{http_code}' \
    -H "X-CSRF-Token: $(csrf viewer)" --data-urlencode "site=Site A" $B/agents/verify)"
check "nor anyone without the CSRF token" 403 "$(c admin -o /dev/null -w '%{http_code}' \
    --data-urlencode "site=Site A" $B/agents/verify)"
check "nor for a site not in the register" 403 "$(c admin -o /dev/null -w '%{http_code}' \
    -H "X-CSRF-Token: $(csrf admin)" --data-urlencode "site=Nowhere" $B/agents/verify)"
check "nothing queued so far" 0 "$(count agent_verifications)"
check "the admin queues a verification of Site A" 303 "$(c admin -o /dev/null -w '%{http_code}' \
    -H "X-CSRF-Token: $(csrf admin)" --data-urlencode "site=Site A" $B/agents/verify)"
check "one pending request for Site A, by the admin" "pending|admin" "$(sql "SELECT v.state || '|' || \
    v.requested_by FROM agent_verifications v JOIN sites s ON s.id = v.site_id WHERE s.name = 'Site A'")"
check "audited" 1 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'agent.verify_request'")"
c admin -o "$T/agents.html" $B/agents
has "$T/agents.html" 'class="verify-pending"'
has "$T/agents.html" "1 pending; 0 done"
expect 0 "the command line lists it too" "$SL" agents verifications --json
has "$T/out" '"requested_by": "admin"'
check "a viewer cannot revoke" 403 "$(c viewer -o /dev/null -w '%{http_code}' -H "X-CSRF-Token: $(csrf viewer)" \
    --data-urlencode agent=site-a $B/agents/revoke)"
check "no revocation without the CSRF token" 403 "$(c admin -o /dev/null -w '%{http_code}' \
    --data-urlencode agent=site-a $B/agents/revoke)"
check "still active" "" "$(sql "SELECT revoked_at FROM agents WHERE name = 'site-a'")"
check "the admin revokes site-a from the page" 303 "$(c admin -o /dev/null -w '%{http_code}' \
    -H "X-CSRF-Token: $(csrf admin)" --data-urlencode agent=site-a $B/agents/revoke)"
check "a revoked agent is refused" 403 "$(code $A $U/agent/v1/config)"
has "$T/serve.err" "agent 'site-a' is revoked"
expect 2 "a revoked agent's run stops with the server's reason" "$SL" agent run --state "$T/a" --once
has "$T/err" "is revoked"
# ---- the report's agents section: their state when the report is made ----
expect 0 "report json" "$SL" report --format json -o "$T/r.json"
jq_() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["agents"]; print(eval(sys.argv[2]))' "$@"; }
check "two agents in the report" 2 "$(jq_ "$T/r.json" 'd["enrolled"]')"
check "one revoked, one ok" "1 1 0" "$(jq_ "$T/r.json" '"%d %d %d" % (d["revoked"], d["ok"], d["stale"])')"
later=$(date -u -d '+3 days' +%F)
SIGHTLINE_NOW=$later expect 0 "report json three days on" "$SL" report --format json -o "$T/r3.json"
check "lab-b (a 24 h schedule) is stale after three silent days" "lab-b stale" \
    "$(jq_ "$T/r3.json" '" ".join(x["name"] + " " + x["state"] for x in d["listed"] if x["name"] == "lab-b")')"
check "stale listed first" lab-b "$(jq_ "$T/r3.json" 'd["listed"][0]["name"]')"
expect 0 "report scoped to Site A" "$SL" report --format json --scope "site:Site A" -o "$T/ra.json"
check "only Site A's agent in its scope" "site-a" "$(jq_ "$T/ra.json" '",".join(x["name"] for x in d["listed"])')"
SIGHTLINE_NOW=$later expect 0 "report csv" "$SL" report --format csv -o "$T/r3.csv"
has "$T/r3.csv" "agents,all,stale,1" "the CSV counts the stale agent"
has "$T/r3.csv" "agent,lab-b,state,stale" "the CSV lists its state"
SIGHTLINE_NOW=$later expect 0 "report md" "$SL" report --format md -o "$T/r3.md"
has "$T/r3.md" "## Site agents (2)" "the Markdown section"
has "$T/r3.md" "| lab-b | Site B | stale |" "the Markdown row"
SIGHTLINE_NOW=$later expect 0 "report html" "$SL" report --format html -o "$T/r3.html"
has "$T/r3.html" 'data-figure="agents.stale">1<' "the HTML figure"
has "$T/r3.html" 'data-figure="agents.listed.0.state">stale<' "the HTML row"
expect 2 "revoke twice" "$SL" agents revoke site-a
expect 0 "db verify" "$SL" db verify
finish
