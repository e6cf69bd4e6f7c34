#!/bin/sh
# The agents' endpoint when its writers fall behind (docs/agents.md, "Writer"),
# over HTTPS on loopback in a network namespace of the test's own, with the
# register on a private PostgreSQL cluster: another session holds the scans
# table, so the two writers stop at their first group; 320 copies of
# one signed batch arrive at once; the queue holds 256, the rest are answered
# 503 at once ("send again later"), none is lost and, once the lock goes, every
# queued copy is acknowledged and the batch is applied exactly once.
# PostgreSQL only: there a table can be held against writes without stopping the
# HTTP side (SQLite's one write lock would stop it too).
if [ -z "${SIGHTLINE_PG_DIR:-}" ] && [ "$(id -u)" -eq 0 ] && [ -n "${SL_SOURCE_DIR:-}" ]; then
    exec sh "$SL_SOURCE_DIR/scripts/pg-cluster" run --fast -- sh "$0" "$@"
fi
SL_OWN_NETNS=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_serve.sh"
[ -n "${SIGHTLINE_PG_DIR:-}" ] || skip "needs the private PostgreSQL cluster (root)"
agents_lab agBusy
"$LAB" up --devices 4 --seed 6 --range 127.18.6.0/23 --name agBusy --quiet || die "lab"
"$SL" sites add "Busy House" --department D --tier sensitive --network 127.18.7.0/29 >/dev/null ||
    die "site"
expect 0 "a token" "$SL" agents token --site "Busy House" --schedule 1h --tls-dir "$T" --out "$T/tok"
chmod 755 "$T"
chown -R "$SERVE_USER" "$T"
serve_start serve --http --listen 127.0.0.1:8080 --agent-listen 127.0.0.1:9443 --agent-rate 100000
wait_for "$T/serve.out" "agents at" || { cat "$T/serve.err"; die "no agents' endpoint"; }
U=https://127.0.0.1:9443
expect 0 "the agent enrols" "$SL" agent enrol --server $U --token-file "$T/tok" --state "$T/a" --name busy-1
python3 - "$T/a/config" <<'PY'
import json, sys
json.dump({"sites": [{"name": "Busy House", "networks": ["127.18.7.0/29"]}], "schedule": 3600},
          open(sys.argv[1], "w"))
PY
expect 0 "an offline scan spools a batch" "$SL" agent run --state "$T/a" --once --offline "$T/a/config" \
    --timeout 1500
batch=$(ls "$T/a/spool"/*.batch | head -1)
[ -n "$batch" ] || die "no batch spooled"
uid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uid"])' "$T/a/agent.json")
resign "$batch" "$T/a/agent-key.pem" "$uid" "$T/one.batch"
ev0=$(count evidence)

# Another session holds the scans table against writes (until it is ended below,
# at most 120 s): a writer's group
# stops at its first statement (its scan record), before it touches a row the HTTP
# side writes too (the agent's, which every request updates), so the workers keep
# checking and queueing.
psql -XAtq -d "$SIGHTLINE_DB" -c "BEGIN; LOCK TABLE scans IN EXCLUSIVE MODE; SELECT pg_sleep(120); COMMIT" \
    >/dev/null 2>&1 &
HOLD=$!
on_exit "kill $HOLD 2>/dev/null"
i=0
until [ "$(sql "SELECT count(*) FROM pg_locks WHERE relation = 'scans'::regclass AND mode = 'ExclusiveLock' AND granted")" = 1 ]; do
    i=$((i + 1)); [ $i -gt 100 ] && die "the lock was not taken"; sleep 0.1
done
ok "another session holds the scans table"
python3 - "$T" "$U/agent/v1/batch" 320 >"$T/codes" <<'PY' &
import http.client, ssl, sys, threading, urllib.parse
t, url, n = sys.argv[1], urllib.parse.urlsplit(sys.argv[2]), int(sys.argv[3])
body = open(t + "/one.batch", "rb").read()
ctx = ssl.create_default_context(cafile=t + "/a/ca-cert.pem")
ctx.load_cert_chain(t + "/a/agent-cert.pem", t + "/a/agent-key.pem")
codes = [None] * n
lock = threading.Lock()
def post(k):
    try:
        c = http.client.HTTPSConnection(url.hostname, url.port, context=ctx, timeout=120)
        c.request("POST", url.path, body, {"Content-Type": "application/x-ndjson"})
        codes[k] = c.getresponse().status
        c.close()
    except Exception as e:
        codes[k] = "error: %s" % e
    with lock: # each answer as it comes: the 503s come while the writers wait
        print(codes[k], flush=True)
threads = [threading.Thread(target=post, args=(k,)) for k in range(n)]
for th in threads:
    th.start()
for th in threads:
    th.join()
PY
POSTS=$!
on_exit "kill $POSTS 2>/dev/null"
# 2 writers x 16 batches a group + 256 queued = 288: at least 32 of the 320 are
# answered while the writers wait, and those can only be "busy".
i=0
while [ "$(wc -l <"$T/codes")" -lt 32 ] && [ $i -lt 900 ]; do sleep 0.1; i=$((i + 1)); done
check "answered while the writers wait: busy (503), each" 32 "$(head -32 "$T/codes" | grep -cx 503)"
sql "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE relation = 'scans'::regclass AND mode = 'ExclusiveLock'" >/dev/null
wait $POSTS
n200=$(grep -cx 200 "$T/codes")
n503=$(grep -cx 503 "$T/codes")
check "every post answered 200 or 503" 320 "$((n200 + n503))"
[ "$n503" -ge 1 ] && ok "a full queue answers 503 ($n503 of 320)" || bad "no 503 (200: $n200)"
[ "$n200" -ge 256 ] && ok "the queue held at least 256 batches ($n200 acknowledged)" ||
    bad "only $n200 acknowledged"
has "$T/serve.err" "writers' queue is full"
check "the batch is applied once" 1 "$(sql "SELECT count(*) FROM agent_batches")"
[ "$(count evidence)" -gt "$ev0" ] && ok "its evidence is in the register" || bad "no evidence"
check "one scan record for it" 1 "$(sql "SELECT count(*) FROM scans WHERE kind = 'agent'")"
expect 0 "the chain verifies" "$SL" db verify
finish
