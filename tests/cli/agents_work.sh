#!/bin/sh
# A site agent's work beyond its scans, on loopback in a network namespace of
# the test's own: the site's exclusions reach the agent in its configuration
# and its scans skip them; a batch holding an excluded address is refused and
# counted; a verification request (agents verify) is handed to the agent,
# run there and applied centrally as a local verify would: a removed device
# that is gone is verified absent, one still answering reappears, the request
# is done with its outcome, audited; an outcome sent twice is applied once,
# one for no request is refused.
SL_OWN_NETNS=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_serve.sh"
agents_lab awOld awCur
mix=hikvision-ipc-v5=3,dahua-ipc=3
"$SL" sites add "Work House" --department D --tier sensitive \
    --network "127.18.3.0/28 127.18.5.0/28" >/dev/null || die "site"
# The old estate, scanned centrally, then taken away; the current one stays.
"$LAB" up --devices 6 --seed 4 --mix "$mix" --range 127.18.4.0/23 --name awOld --quiet || die "old lab"
"$SL" scan 127.18.5.0/28 --timeout 2500 --quiet >/dev/null 2>"$T/scan.err" || die "scan old"
"$LAB" down --name awOld >/dev/null
"$LAB" up --devices 6 --seed 3 --mix "$mix" --range 127.18.2.0/23 --name awCur \
    --truth "$T/truth.jsonl" --quiet || die "current lab"
addrs=$(sed -n 's/.*"address": *"\(127\.18\.3\.[0-9]*\)".*/\1/p' "$T/truth.jsonl" | sort -t. -k4 -n)
x=$(echo "$addrs" | sed -n 2p)
[ -n "$x" ] || die "lab addresses"
expect 0 "exclude an address of the site" "$SL" sites exclude "Work House" "$x" --reason "not ours to probe"

expect 0 "a token" "$SL" agents token --site "Work House" --schedule 1h --out "$T/tok"
add_user admin --grant programme-admin
chmod 755 "$T"
chown -R nobody "$T"
serve_start serve --http --listen 127.0.0.1:8080 --agent-listen 127.0.0.1:9443
U=https://127.0.0.1:9443
expect 0 "the agent enrols" "$SL" agent enrol --server $U --token-file "$T/tok" --state "$T/a" --name work-1
A="--cacert $T/a/ca-cert.pem --cert $T/a/agent-cert.pem --key $T/a/agent-key.pem"
code() { curl -s -o "$T/resp" -w '%{http_code}' "$@"; }
check "the agent reads its configuration" 200 "$(code $A $U/agent/v1/config)"
has "$T/resp" "\"exclusions\":[\"$x/32\"]" "the configuration holds the site's exclusion"
has "$T/resp" '"verify":[]' "no verification requested yet"

# ---- its scan skips the exclusion ----
expect 0 "the agent scans once" "$SL" agent run --state "$T/a" --once --timeout 1500
check "no device at the excluded address" 0 "$(sql "SELECT count(*) FROM devices WHERE address = '$x'")"
check "no evidence from it" 0 "$(sql "SELECT count(*) FROM evidence WHERE address = '$x'")"
n=$(sql "SELECT count(*) FROM devices d JOIN scans s ON s.id = d.last_scan_id WHERE s.kind = 'agent'")
[ "${n:-0}" -ge 4 ] && ok "the agent's other devices are registered ($n)" || bad "agent devices: ${n:-none}"

# ---- a batch holding the excluded address is refused and counted ----
python3 - "$T/off.json" <<'PY'
import json, sys
json.dump({"sites": [{"name": "Work House", "networks": ["127.18.3.0/28"]}], "schedule": 3600}, open(sys.argv[1], "w"))
PY
expect 0 "an offline run without the exclusion" "$SL" agent run --state "$T/a" --once --offline "$T/off.json" --timeout 1500
b=$(grep -l "\"address\":\"$x\"" "$T/a/spool"/*.batch | head -1)
[ -n "$b" ] || die "no batch with $x"
ev0=$(count evidence)
ref0=$(sql "SELECT refused_records FROM agents WHERE name = 'work-1'")
check "a batch with the excluded address: refused" 403 "$(code $A --data-binary @"$b" $U/agent/v1/batch)"
has "$T/serve.err" "or in their exclusions"
check "nothing written" "$ev0" "$(count evidence)"
ref1=$(sql "SELECT refused_records FROM agents WHERE name = 'work-1'")
[ "$ref1" -gt "$ref0" ] && ok "refused records counted ($ref0 -> $ref1)" || bad "refused $ref0 -> $ref1"
rm -f "$T/a/spool"/*.batch

# ---- a verification request ----
gone=$(sql "SELECT id FROM devices WHERE address = '127.18.5.1'")
back=$(sql "SELECT id FROM devices WHERE address = '$(echo "$addrs" | sed -n 3p)'")
[ -n "$gone" ] && [ -n "$back" ] || die "devices to remove: '$gone' '$back'"
expect 0 "record both removed" "$SL" devices set-status removed "$gone" "$back" --replaced-by "Axis P3265-LVE"
expect 2 "a request for no site" "$SL" agents verify --site Nowhere
expect 0 "queue a verification" "$SL" agents verify --site "Work House"
has "$T/out" "verification request 1 queued"
expect 0 "agents list" "$SL" agents list
has "$T/out" "1 verification request pending"
expect 0 "agents verifications" "$SL" agents verifications
has "$T/out" "pending"
expect 0 "the report" "$SL" report --format json -o "$T/r.json"
check "the report counts the pending request" 1 \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["agents"]["verify_pending"])' "$T/r.json")"
check "the request is audited" 1 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'agent.verify_request'")"
check "the configuration hands it over" 200 "$(code $A $U/agent/v1/config)"
has "$T/resp" '"verify":[{"request":1,"site":"Work House"}]'
expect 0 "the agent runs it" "$SL" agent run --state "$T/a" --once --timeout 1500
has "$T/err" "verification 1 of Work House done"
check "the removed device that is gone: verified absent" verified_absent \
    "$(sql "SELECT status FROM devices WHERE id = $gone")"
check "the removed device still answering: reappeared" reappeared \
    "$(sql "SELECT status FROM devices WHERE id = $back")"
check "the request is done" done "$(sql "SELECT state FROM agent_verifications WHERE id = 1")"
check "under a verify scan of the site" verify \
    "$(sql "SELECT s.kind FROM agent_verifications r JOIN scans s ON s.id = r.scan_id WHERE r.id = 1")"
check "lifecycle entries as a local verify writes" 2 \
    "$(sql "SELECT count(*) FROM lifecycle_events e JOIN agent_verifications r ON r.scan_id = e.scan_id WHERE e.to_status IN ('verified_absent', 'reappeared')")"
check "the outcome is audited" 1 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'agent.verify_done'")"
check "nothing from the excluded address" 0 "$(sql "SELECT count(*) FROM evidence WHERE address = '$x'")"
expect 0 "agents verifications --all" "$SL" agents verifications --all --json
has "$T/out" '"verified_absent": 1'
has "$T/out" '"reappeared": 1'
has "$T/out" '"agent": "work-1"'
expect 0 "no request pending" "$SL" agents list
lacks "$T/out" "pending"
# The dashboard's Agents page lists the done request with its agent and outcome.
B=http://127.0.0.1:8080
check "admin signs in" 303 "$(login admin)"
check "the Agents page" 200 "$(c admin -o "$T/agents.html" -w '%{http_code}' $B/agents)"
has "$T/agents.html" '<tr class="verify-done"><td>1</td><td>Work House</td><td>done</td>'
has "$T/agents.html" '<td>work-1</td>'
has "$T/agents.html" '&quot;verified_absent&quot;:1'
has "$T/agents.html" "0 pending; 1 done (the latest 1 shown)"
expect 0 "the next run does not verify again" "$SL" agent run --state "$T/a" --once --timeout 1500
lacks "$T/err" "verifying"
check "still one outcome" 1 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'agent.verify_done'")"
# ---- an outcome sent twice, and one for no request (an offline run's spool) ----
expect 0 "queue another" "$SL" agents verify --site "Work House"
python3 - "$T/off2.json" "$x" <<'PY'
import json, sys
json.dump({"sites": [{"name": "Work House", "networks": ["127.18.3.0/28"], "exclusions": [sys.argv[2] + "/32"]}],
           "schedule": 3600, "verify": [{"request": 2, "site": "Work House"}, {"request": 999, "site": "Work House"}]},
          open(sys.argv[1], "w"))
PY
expect 0 "the requests run offline" "$SL" agent run --state "$T/a" --once --offline "$T/off2.json" --timeout 1500
v2=$(grep -l '"request":2,' "$T/a/spool"/*.batch | head -1)
v9=$(grep -l '"request":999,' "$T/a/spool"/*.batch | head -1)
[ -n "$v2" ] && [ -n "$v9" ] || die "no verification batches spooled"
check "an outcome is applied" 200 "$(code $A --data-binary @"$v2" $U/agent/v1/batch)"
has "$T/resp" '"applied":true'
check "request 2 is done" done "$(sql "SELECT state FROM agent_verifications WHERE id = 2")"
au=$(count audit_log)
check "the same outcome again is acknowledged" 200 "$(code $A --data-binary @"$v2" $U/agent/v1/batch)"
has "$T/resp" '"applied":false'
check "and writes nothing" "$au" "$(count audit_log)"
check "an outcome for no request: refused" 403 "$(code $A --data-binary @"$v9" $U/agent/v1/batch)"
has "$T/serve.err" "no verification request 999"
check "and writes nothing either" "$au" "$(count audit_log)"
expect 0 "db verify" "$SL" db verify
finish
