#!/bin/sh
# Site agents end to end, the real thing: a register on a private PostgreSQL
# cluster (scripts/pg-cluster; skipped without one), `sightline serve` in a
# network namespace of its own, three agents each in its own lab's namespace
# (netns mode, 198.18.0.0/15 only) reaching it over veths on a bridge in the
# server's namespace. After one schedule the central register holds what
# three local scans write. Then the faults: the server killed (-9) during
# uploads and restarted, an agent's link down for a while, an agent's spool
# full, an agent killed mid-batch and restarted: afterwards every batch any
# agent spooled is applied exactly once and `db verify` passes.
# The central register is a private cluster of its own (the test starts one).
if [ -z "${SIGHTLINE_PG_DIR:-}" ] && [ "$(id -u)" -eq 0 ] && [ -n "${SL_SOURCE_DIR:-}" ]; then
    exec sh "$SL_SOURCE_DIR/scripts/pg-cluster" run --fast -- sh "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
need_lab
need_netns
need_tool python3
[ -n "${SIGHTLINE_PG_DIR:-}" ] || skip "needs the private PostgreSQL cluster (root)"
SL=$SIGHTLINE LAB=$SIGHTLINE_LAB
export SIGHTLINE_LAB_STATE="$T/labstate"
mkdir -p "$SIGHTLINE_LAB_STATE"
chmod 755 "$T"
S=slsrv$$
on_exit "ip netns del $S 2>/dev/null"
for i in 1 2 3; do
    on_exit "\"$LAB\" down --name slag$i-$$ >/dev/null 2>&1"
done
ip netns add $S || die "server namespace"
ip -n $S link set lo up
ip -n $S link add br0 type bridge
ip -n $S addr add 198.19.0.1/24 dev br0
ip -n $S link set br0 up
for i in 1 2 3; do
    n=slag$i-$$
    "$LAB" up --mode netns --name $n --devices 6 --seed $i --range 198.18.$((2 * i)).0/23 --quiet ||
        die "lab $i"
    ip link add va$i netns $n type veth peer name vs$i netns $S || die "veth $i"
    ip -n $S link set vs$i master br0 up
    ip -n $n addr add 198.19.0.$((10 + i))/24 dev va$i
    ip -n $n link set va$i up
    # The lab's devices are at .1-.6 of its second /24. A site of eight
    # addresses: three agents sweeping whole /23s at once overflow the
    # kernel's neighbour table, which all namespaces share (gc_thresh3).
    "$SL" sites add "Site $i" --department D --tier sensitive \
        --network 198.18.$((2 * i + 1)).0/29 >/dev/null || die "site $i"
    "$SL" agents token --site "Site $i" --schedule 10s --tls-dir "$T" --out "$T/tok$i" 2>/dev/null ||
        die "token $i"
done

serve_up() {
    : >"$T/serve.out"
    # It runs as the cluster's owner (the socket is its), connecting as our role.
    PGUSER=$(id -un) ip netns exec $S "$SL" serve --user postgres --http --listen 127.0.0.1:8080 --tls-dir "$T" \
        --agent-listen 198.19.0.1:9443 >"$T/serve.out" 2>>"$T/serve.err" &
    SERVE=$!
    wait_for "$T/serve.out" "agents at" || { cat "$T/serve.err"; die "serve did not start"; }
}
serve_up
on_exit 'kill $SERVE 2>/dev/null'
U=https://198.19.0.1:9443
for i in 1 2 3; do
    ip netns exec slag$i-$$ "$SL" agent enrol --server $U --token-file "$T/tok$i" \
        --state "$T/a$i" --name agent$i >/dev/null || die "enrol $i"
done
ok "three agents enrolled over their veths"

# ---- one schedule: three agents at once ----
for i in 1 2 3; do
    ip netns exec slag$i-$$ "$SL" agent run --state "$T/a$i" --once --retry-max 2 \
        2>"$T/once$i.log" &
    eval "P$i=\$!"
done
for i in 1 2 3; do
    eval "wait \$P$i" || { cat "$T/once$i.log"; bad "agent $i --once"; }
done
# The same networks scanned locally, into a register of their own.
L=$T/local.db
for i in 1 2 3; do
    "$SL" sites add "Site $i" --department D --tier sensitive --network 198.18.$((2 * i + 1)).0/29 \
        --db "$L" >/dev/null
    "$LAB" exec --name slag$i-$$ -- "$SL" scan 198.18.$((2 * i + 1)).0/29 --db "$L" --quiet \
        >/dev/null 2>&1 || bad "local scan $i"
done
register() { # LOCATION -> address site manufacturer model decision, sorted
    "$SL" devices list --json --db "$1" | python3 -c '
import json, sys
for d in sorted(json.load(sys.stdin), key=lambda d: d["address"]):
    c, v = d["claim"], d["verdict"]
    print(d["address"], d.get("site"), c.get("manufacturer"), c.get("model"), v["decision"])'
}
register "$SIGHTLINE_DB" >"$T/central"
register "$L" >"$T/local"
n=$(wc -l <"$T/central")
[ "$n" -ge 15 ] && ok "the central register holds $n devices" || bad "only $n devices centrally"
if cmp -s "$T/central" "$T/local"; then
    ok "central register = three local scans (devices, claims, verdicts)"
else
    bad "central register differs from the local scans"
    diff "$T/central" "$T/local" | head -20
fi

# ---- faults ----
# Agent 1: its link goes down; it keeps scanning on schedule into its spool.
ip netns exec slag1-$$ "$SL" agent run --state "$T/a1" --retry-max 2 --batch-devices 2 \
    2>"$T/f1.log" &
A1=$!
on_exit "kill $A1 2>/dev/null"
wait_for "$T/f1.log" "acknowledged" || bad "agent 1 did not start sending"
ip -n slag1-$$ link set va1 down
# Agent 2: one device a batch, a tiny spool cap; the server killed (-9)
# while it uploads its first scan.
ip netns exec slag2-$$ "$SL" agent run --state "$T/a2" --retry-max 2 --batch-devices 1 \
    --spool-max 4096 2>"$T/f2.log" &
A2=$!
on_exit "kill \$A2 2>/dev/null"
wait_for "$T/f2.log" "acknowledged" || bad "agent 2 did not start sending"
kill -9 $SERVE
wait $SERVE 2>/dev/null
ok "server killed (-9) while agent 2 uploads"
wait_for "$T/f2.log" "spool full" || { bad "agent 2 never said its spool was full"; tail -12 "$T/f2.log"; }
wait_for "$T/f1.log" "scanning" 2 || bad "agent 1 did not scan again while cut off"
# Agent 2 killed and started again while the server is away: it goes on
# from its kept configuration and its spool, and still starts no scan.
kill -9 $A2
wait $A2 2>/dev/null
ip netns exec slag2-$$ "$SL" agent run --state "$T/a2" --retry-max 2 --batch-devices 1 \
    --spool-max 4096 2>>"$T/f2.log" &
A2=$!
wait_for "$T/f2.log" "spool full" 2 || bad "agent 2 restarted did not hold its full spool"
serve_up
ip -n slag1-$$ link set va1 up
drained() {
    for _a in a1 a2; do
        ls "$T/$_a/spool" | grep -q '\.batch$' && return 1
    done
    return 0
}
_i=0
until drained; do
    _i=$((_i + 1))
    [ $_i -gt 600 ] && break
    sleep 0.1
done
drained && ok "both spools drained after recovery" || bad "spools not drained"
kill $A1 $A2
wait $A1 $A2 2>/dev/null
has "$T/f1.log" "server not reachable"
# Nothing lost: every batch any agent spooled was applied, exactly once.
cat "$T"/once*.log "$T"/f*.log | sed -n 's/.*spooled batch \([0-9a-f-]*\):.*/\1/p' | sort -u >"$T/spooled"
sql "SELECT uuid FROM agent_batches ORDER BY uuid" | sort >"$T/applied"
ns=$(wc -l <"$T/spooled")
if cmp -s "$T/spooled" "$T/applied"; then ok "all $ns spooled batches applied"; else
    bad "spooled and applied batches differ"; diff "$T/spooled" "$T/applied" | head; fi
# Nothing doubled or half-applied: each batch's records are its scan's evidence and hosts.
check "every batch applied whole, once" 0 "$(sql "SELECT count(*) FROM agent_batches b JOIN scans s ON s.id = b.scan_id
    WHERE b.records <> (SELECT count(*) FROM evidence e WHERE e.scan_id = b.scan_id) + s.hosts_up")"
check "no scan of an agent without its batch" 0 "$(sql "SELECT count(*) FROM scans s WHERE s.kind = 'agent'
    AND NOT EXISTS (SELECT 1 FROM agent_batches b WHERE b.scan_id = s.id)")"
expect 0 "db verify after the faults" "$SL" db verify
expect 0 "agents list" "$SL" agents list
has "$T/out" "agent3"
finish
