#!/bin/sh
# The passive monitor under a site agent (docs/agents.md "The passive monitor
# under an agent"), in a network namespace of the test's own: `agent run
# --monitor` on one end of a veth while the frames of
# tests/monitor/discovery.pcap (prohibited Hikvision and Dahua cameras
# announcing themselves) are sent into the other end. The alerts about
# stations of the agent's site reach the central register's alerts (linked to
# the register's device; a removed one marked reappeared), those about other
# networks are never sent; restarted, the agent does not send them again; an
# alert batch sent again is acknowledged and not applied twice; an alert batch
# about another network is refused.
SL_OWN_NETNS=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_serve.sh"
need_tool curl openssl python3
SL=$SIGHTLINE
P="$SL_SOURCE_DIR/tests/monitor"
live_veth slam0 slam1
ip addr add 198.18.1.40/24 dev slam0
# The site: 198.18.1.32-35 (the Dahua at .32 and the Hikvision at .35 of the capture;
# the prohibited cameras at .31 and .36 are another network's).
"$SL" sites add Watched --department D --tier sensitive --network 198.18.1.32/30 >/dev/null || die "site"
"$SL" sites add Other --department D --tier official --network 198.18.1.36/30 >/dev/null || die "site 2"
# The register knows the Hikvision at .35, removed a week ago.
nmap_camera "$T/known.xml" 198.18.1.35
SIGHTLINE_NOW=$(date -u -d "-10 days" +%F) "$SL" import "$T/known.xml" --site Watched >/dev/null 2>&1 || die "import"
dev=$(sql "SELECT id FROM devices WHERE address = '198.18.1.35'")
[ -n "$dev" ] || die "no device at .35"
"$SL" devices set-status removed 198.18.1.35 --at "$(date -u -d "-7 days" +%F)" --replaced-by none --note "taken down" \
    >/dev/null 2>&1 || die "remove"
check "the device is removed" removed "$(sql "SELECT status FROM devices WHERE id = $dev")"
"$SL" agents token --site Watched --schedule 1h --tls-dir "$T" --out "$T/tok" >/dev/null || die "token"
chmod 755 "$T"
chown -R "$SERVE_USER" "$T"
_db=$SIGHTLINE_DB
[ -n "${SIGHTLINE_PG_DIR:-}" ] && _db="$SIGHTLINE_DB user=$(id -un)"
: >"$T/serve.out"
SIGHTLINE_DB=$_db "$SL" serve --user "$SERVE_USER" --http --listen 127.0.0.1:8080 --tls-dir "$T" \
    --agent-listen 127.0.0.1:9443 >"$T/serve.out" 2>"$T/serve.err" &
SERVE=$!
on_exit "kill $SERVE 2>/dev/null"
wait_for "$T/serve.out" "agents at" || { cat "$T/serve.err"; die "serve did not start"; }
U=https://127.0.0.1:9443
expect 0 "the agent enrols" "$SL" agent enrol --server $U --token-file "$T/tok" --state "$T/a" --name watcher
alerts() { sql "SELECT count(*) FROM alerts WHERE $1"; }

# ---- the agent watches; the frames arrive; the alerts reach the register ----
expect 2 "--user is for --monitor" "$SL" agent run --state "$T/a" --user nobody --once
: >"$T/agent.log"
# Once the capture is open the agent holds no capability and, with --user, runs as that
# user, to whom it has handed its state directory (key, certificates, spool).
"$SL" agent run --state "$T/a" --monitor slam0 --user nobody --timeout 300 --connect-timeout 100 \
    2>"$T/agent.log" &
AGENT=$!
on_exit "kill $AGENT 2>/dev/null"
wait_for "$T/agent.log" "monitor: watching slam0" || { cat "$T/agent.log"; die "the monitor did not start"; }
has "$T/agent.log" "now running as user nobody"
check "the agent runs as nobody" "$(id -u nobody)" "$(awk '/^Uid:/ {print $3}' /proc/$AGENT/status)"
check "without any capability" 0000000000000000 "$(awk '/^CapEff:/ {print $2}' /proc/$AGENT/status)"
check "nor any to take back" 0000000000000000 "$(awk '/^CapPrm:/ {print $2}' /proc/$AGENT/status)"
check "its key is nobody's now" nobody "$(stat -c %U "$T/a/agent-key.pem")"
wait_for "$T/agent.log" "scan done" || { cat "$T/agent.log"; die "the agent's scan did not end"; }
sent=$(inject "$P/discovery.pcap" slam1)
ok "sent $sent frames"
wait_for "$T/agent.log" "alert(s)" || { cat "$T/agent.log"; die "no alert spooled"; }
i=0
while [ "$(alerts "signature_id = 9000001")" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
kill -TERM $AGENT
wait $AGENT
check "the agent stops cleanly" 0 $?
check "the prohibited Dahua at .32 reached the register once" 1 \
    "$(alerts "signature_id = 9000001 AND detail LIKE '%\"ip\":\"198.18.1.32\"%'")"
check "the prohibited Hikvision at .35 reached the register once" 1 \
    "$(alerts "signature_id = 9000001 AND detail LIKE '%\"ip\":\"198.18.1.35\"%'")"
check "the alert names the agent" 2 "$(alerts "signature_id = 9000001 AND detail LIKE '%\"agent\":\"watcher\"%'")"
check "the Hikvision's alert is linked to the register's device" 1 \
    "$(alerts "signature_id = 9000001 AND device_id = $dev")"
check "the removed device is marked reappeared" reappeared "$(sql "SELECT status FROM devices WHERE id = $dev")"
check "its reappearance alert" 1 "$(alerts "signature_id = 9000002 AND device_id = $dev")"
check "nothing about the other network's cameras" 0 \
    "$(alerts "detail LIKE '%198.18.1.31%' OR detail LIKE '%198.18.1.36%'")"
has "$T/agent.log" "outside this agent's sites, not sent"
check "the unknown cameras at .33 and .34 are flagged" 2 "$(alerts "signature_id = 9000007")"
has "$T/serve.err" "agent 'watcher' alert batch"
check "the agent's spool is empty" 0 "$(ls "$T/a/spool" | grep -c '\.batch$')"

chown -R "$(id -un)" "$T/a" # the runs below stay this user (without capabilities)
# ---- restarted, the agent does not send what it sent before ----
[ -s "$T/a/monitor-state.json" ] && ok "the monitor's state is kept" || bad "no monitor state"
n_before=$(alerts "1 = 1")
: >"$T/again.log"
"$SL" agent run --state "$T/a" --monitor slam0 --timeout 300 --connect-timeout 100 2>"$T/again.log" &
AGENT=$!
on_exit "kill $AGENT 2>/dev/null"
wait_for "$T/again.log" "monitor: watching slam0" || { cat "$T/again.log"; die "the monitor did not restart"; }
wait_for "$T/again.log" "scan done" || die "the second scan did not end"
inject "$P/discovery.pcap" slam1 >/dev/null
sleep 3 # two turns of the agent's loop
kill -TERM $AGENT
wait $AGENT
lacks "$T/again.log" "alert(s)" "no alert spooled again after a restart"
check "no alert written again after a restart" "$n_before" "$(alerts "1 = 1")"

# ---- an alert batch sent again is acknowledged, not applied ----
rm "$T/a/monitor-state.json" # a monitor that forgot: it writes its alerts anew
: >"$T/off.log"
"$SL" agent run --state "$T/a" --monitor slam0 --offline "$T/a/config.json" 2>"$T/off.log" &
AGENT=$!
on_exit "kill $AGENT 2>/dev/null"
wait_for "$T/off.log" "monitor: watching slam0" || { cat "$T/off.log"; die "the offline monitor did not start"; }
wait_for "$T/off.log" "scan done" || die "the offline scan did not end"
inject "$P/discovery.pcap" slam1 >/dev/null
wait_for "$T/off.log" "alert(s)" || { cat "$T/off.log"; die "no alert spooled offline"; }
kill -TERM $AGENT
wait $AGENT
batch=$(grep -l '"type":"alert"' "$T/a/spool"/*.batch | head -1)
[ -n "$batch" ] || die "no alert batch in the spool"
A="--cacert $T/a/ca-cert.pem --cert $T/a/agent-cert.pem --key $T/a/agent-key.pem"
code() { curl -s -o "$T/resp" -w '%{http_code}' "$@"; }
n0=$(alerts "1 = 1")
check "the alert batch is applied" 200 "$(code $A --data-binary @"$batch" $U/agent/v1/alerts)"
has "$T/resp" '"applied":true'
n1=$(alerts "1 = 1")
[ "$n1" -gt "$n0" ] && ok "its alerts written ($n0 -> $n1)" || bad "no alert written"
au1=$(sql "SELECT count(*) FROM audit_log")
check "sent again: acknowledged" 200 "$(code $A --data-binary @"$batch" $U/agent/v1/alerts)"
has "$T/resp" '"applied":false'
check "a replay writes no alert" "$n1" "$(alerts "1 = 1")"
check "a replay writes no audit entry" "$au1" "$(sql "SELECT count(*) FROM audit_log")"
expect 0 "import --spool of the same batch skips it" "$SL" import --spool "$T/a/spool"
has "$T/out" "applied before, skipped"
check "no alert doubled by the import" "$n1" "$(alerts "1 = 1")"

# ---- an alert batch about another network is refused, nothing written ----
uid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uid"])' "$T/a/agent.json")
python3 - "$batch" >"$T/other.body" <<'PY'
import json, sys, uuid
lines = open(sys.argv[1], "rb").read().split(b"\n")[:-2]
h = json.loads(lines[0]); h["batch"] = str(uuid.uuid4())
out = [json.dumps(h, separators=(",", ":"), sort_keys=True)]
for l in lines[1:]:
    r = json.loads(l); r["address"] = "198.18.1.36"
    out.append(json.dumps(r, separators=(",", ":"), sort_keys=True))
sys.stdout.write("\n".join(out) + "\n")
PY
sig=$(openssl dgst -sha256 -sign "$T/a/agent-key.pem" "$T/other.body" | base64 -w0)
{ cat "$T/other.body"; printf '{"alg":"ecdsa-p256-sha256","sig":"%s","type":"signature"}\n' "$sig"; } >"$T/other.batch"
check "alerts about another network: refused" 403 "$(code $A --data-binary @"$T/other.batch" $U/agent/v1/alerts)"
has "$T/serve.err" "are about stations outside agent watcher's sites"
check "nothing written for another network" "$n1" "$(alerts "1 = 1")"
sed 's/"severity":[0-9]/"severity":7/' "$T/other.body" >"$T/bad.body"
sig=$(openssl dgst -sha256 -sign "$T/a/agent-key.pem" "$T/bad.body" | base64 -w0)
{ cat "$T/bad.body"; printf '{"alg":"ecdsa-p256-sha256","sig":"%s","type":"signature"}\n' "$sig"; } >"$T/bad.batch"
check "a malformed alert: refused" 400 "$(code $A --data-binary @"$T/bad.batch" $U/agent/v1/alerts)"
has "$T/serve.err" "line 2: a severity not 1 to 3"
expect 0 "db verify" "$SL" db verify
finish
