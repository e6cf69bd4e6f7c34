#!/bin/sh
# Agents' certificate renewal (docs/agents.md "Renewal"), on loopback in a
# network namespace of the test's own: `agent run` renews by itself in its
# certificate's renewal window (the agent's clock moved on with the test
# clock), keeps posting with the new certificate, and the old one is then
# refused; a batch spooled before the renewal (signed by the old key) is
# still taken; a manual `agent renew` leaves the current certificate working
# until the new one is first used; a crash between the two renames is
# mended; a renewal CSR naming another agent, a revoked agent and an expired
# certificate are refused, writing nothing.
SL_OWN_NETNS=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_serve.sh"
agents_lab agR
"$LAB" up --devices 4 --seed 9 --range 127.18.6.0/23 --name agR --quiet || die "lab"
agents_sites 127.18.7.0/29 127.18.7.8/29
sha() { openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }
"$SL" agents token --site "Site A" --schedule 1h --tls-dir "$T" --out "$T/tokA" >/dev/null || die "token A"
"$SL" agents token --site "Site B" --tls-dir "$T" --out "$T/tokB" >/dev/null || die "token B"
chmod 755 "$T"
chown -R "$SERVE_USER" "$T"
start_serve() { # LOG [ENV...]
    _log=$1
    shift
    : >"$T/$_log.out" # before the start: wait_for must not find it missing
    _db=$SIGHTLINE_DB
    [ -n "${SIGHTLINE_PG_DIR:-}" ] && _db="$SIGHTLINE_DB user=$(id -un)"
    env SIGHTLINE_DB="$_db" "$@" "$SL" serve --user "$SERVE_USER" --http --listen 127.0.0.1:8080 \
        --tls-dir "$T" --agent-listen 127.0.0.1:9443 >"$T/$_log.out" 2>"$T/$_log.err" &
    SERVE=$!
    on_exit "kill $SERVE 2>/dev/null"
    wait_for "$T/$_log.out" "agents at" || { cat "$T/$_log.err"; die "serve did not start"; }
}
start_serve serve
U=https://127.0.0.1:9443
expect 0 "agent A enrols" "$SL" agent enrol --server $U --token-file "$T/tokA" --state "$T/a" --name site-a
expect 0 "agent B enrols" "$SL" agent enrol --server $U --token-file "$T/tokB" --state "$T/b" --name site-b
code() { curl -s -o "$T/resp" -w '%{http_code}' --cacert "$T/a/ca-cert.pem" "$@"; }
as() { echo "--cert $1/agent-cert.pem --key $1/agent-key.pem"; }

# ---- not due yet: nothing happens ----
expect 0 "a fresh certificate is not due" "$SL" agent renew --state "$T/a" --if-due
has "$T/out" "not due for renewal"
check "no renewal recorded" 0 "$(count agent_certs)"

# ---- agent run renews by itself in the last third of the certificate's life ----
cp -a "$T/a" "$T/a0" # the state before: its key signs a batch spooled before the renewal
sha0=$(sha "$T/a/agent-cert.pem")
later=$(date -u -d '+300 days' +%F)
SIGHTLINE_NOW=$later expect 0 "agent run, 300 days on, renews and sends its scan" \
    "$SL" agent run --state "$T/a" --once --timeout 1500
has "$T/err" "renewing"
has "$T/err" "certificate renewed: valid until"
has "$T/err" "acknowledged"
sha1=$(sha "$T/a/agent-cert.pem")
[ "$sha1" != "$sha0" ] && ok "a new certificate on disk" || bad "the certificate did not change"
cmp -s "$T/a/agent-key.pem" "$T/a0/agent-key.pem" && bad "the key did not change" || ok "a new key on disk"
[ "$(stat -c %a "$T/a/agent-key.pem")" = 600 ] && ok "the new key is 0600" || bad "key mode"
ls "$T/a" | grep -q '\.new$' && bad "temporaries left" || ok "no temporaries left"
check "the register's current certificate is the new one" "$sha1" \
    "$(sql "SELECT cert_sha256 FROM agents WHERE name = 'site-a'")"
check "the old one is retired" "retired" "$(sql "SELECT state FROM agent_certs WHERE cert_sha256 = '$sha0'")"
check "renewal audited" 1 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'agent.renew'")"
check "the switch audited" 1 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'agent.cert.switch'")"
check "the new certificate is taken" 200 "$(code $(as "$T/a") $U/agent/v1/config)"
check "the old certificate is refused" 403 "$(code $(as "$T/a0") $U/agent/v1/config)"
has "$T/serve.err" "certificate replaced by a renewal (retired)"
# A batch the old key signed before the renewal, sent after it.
printf '{"sites":[{"name":"Site A","networks":["127.18.7.0/29"]}],"schedule":3600}' >"$T/a0/site.json"
expect 0 "the old state spools a batch offline" "$SL" agent run --state "$T/a0" --once \
    --offline "$T/a0/site.json" --timeout 1500
old_batch=$(ls "$T/a0/spool"/*.batch | head -1)
check "a batch signed by the retired key is applied" 200 \
    "$(code $(as "$T/a") --data-binary @"$old_batch" $U/agent/v1/batch)"
has "$T/resp" '"applied":true'

# ---- manual renewal: the current certificate works until the new one is used ----
cp -a "$T/a" "$T/a1"
expect 0 "agent renew" "$SL" agent renew --state "$T/a"
has "$T/out" "certificate renewed, valid until"
sha2=$(sha "$T/a/agent-cert.pem")
check "pending until first used" "pending" "$(sql "SELECT state FROM agent_certs WHERE cert_sha256 = '$sha2'")"
check "the current certificate is still taken" 200 "$(code $(as "$T/a1") $U/agent/v1/config)"
check "the new one is taken" 200 "$(code $(as "$T/a") $U/agent/v1/config)"
check "then the one it replaced is refused" 403 "$(code $(as "$T/a1") $U/agent/v1/config)"

# ---- a crash between the renames is mended ----
cp -a "$T/a" "$T/c1"
expect 0 "renew (to stage a crash)" "$SL" agent renew --state "$T/c1"
cp "$T/a/agent-key.pem" "$T/k-old.pem"
mv "$T/c1/agent-key.pem" "$T/c1/agent-key.pem.new"      # the new certificate renamed ...
cp "$T/k-old.pem" "$T/c1/agent-key.pem"                   # ... the key not yet
expect 0 "the interrupted renewal is finished" "$SL" agent renew --state "$T/c1" --if-due
has "$T/out" "finished a renewal a stop interrupted"
check "the pair works" 200 "$(code $(as "$T/c1") $U/agent/v1/config)"
cp -a "$T/a" "$T/c2"
cp "$T/c1/agent-key.pem" "$T/c2/agent-key.pem.new"      # both written, nothing renamed
cp "$T/c1/agent-cert.pem" "$T/c2/agent-cert.pem.new"
expect 0 "an unfinished renewal is dropped" "$SL" agent renew --state "$T/c2" --if-due
has "$T/out" "dropped a renewal a stop interrupted"
cmp -s "$T/c2/agent-key.pem" "$T/a/agent-key.pem" && ok "the old key stands" || bad "the key changed"

# ---- refusals ----
uidB=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uid"])' "$T/b/agent.json")
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/O=sightline agent/CN=agent:$uidB" \
    -keyout "$T/other.key" -out "$T/other.csr" 2>/dev/null
python3 -c 'import json,sys; print(json.dumps({"csr": open(sys.argv[1]).read()}))' "$T/other.csr" >"$T/other.json"
certs0=$(count agent_certs)
expect 0 "revoke site-b" "$SL" agents revoke site-b
au0=$(count audit_log)
check "a renewal CSR naming another agent is refused" 403 \
    "$(code $(as "$T/c1") --data-binary @"$T/other.json" $U/agent/v1/renew)"
has "$T/serve.err" "renewal of agent 'site-a' refused: the request names agent $uidB"
printf '{"csr":"junk"}' >"$T/junk.json"
check "a malformed CSR is refused" 403 "$(code $(as "$T/c1") --data-binary @"$T/junk.json" $U/agent/v1/renew)"
expect 2 "a revoked agent cannot renew" "$SL" agent renew --state "$T/b"
has "$T/err" "agent 'site-b' is revoked"
has "$T/serve.err" "/agent/v1/renew refused (403): agent 'site-b' is revoked"
check "refused renewals record no certificate" "$certs0" "$(count agent_certs)"
check "refused renewals write no audit entry" "$au0" "$(count audit_log)"
# The server's clock past the certificates' end: an expired certificate cannot renew.
kill "$SERVE"
wait "$SERVE" 2>/dev/null
start_serve serve2 SIGHTLINE_TEST_CLOCK=1 SIGHTLINE_NOW="$(date -u -d '+400 days' +%F)"
expect 2 "an expired certificate cannot renew" "$SL" agent renew --state "$T/c1"
has "$T/serve2.err" "/agent/v1/renew refused (403): certificate expired"
check "nothing recorded for it" "$certs0" "$(count agent_certs)"
expect 0 "db verify" "$SL" db verify
finish
