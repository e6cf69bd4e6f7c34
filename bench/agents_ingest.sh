#!/bin/sh
# Site agents' ingest under load (issue 15): `sightline serve --agent-listen`
# (release build, THREADS worker threads) on a private PostgreSQL cluster, and one
# load-generator process (bench_agents_ingest: libcurl's multi interface, C
# mutual-TLS connections at a time) simulating AGENTS agents of DEVICES
# devices each: every agent enrolled for real (token, own key, CSR,
# certificate), then its batches (BATCH devices, two evidence records each,
# signed) posted and applied; 50 batches replayed must be acknowledged, not
# applied. Prints devices/s end to end, batch latency p50/p99, the server's
# peak RSS, and what the register holds. Target (issue 15): >= 10,000
# devices/s. CPU seconds (user+sys) of the server, postgres and the generator
# while posting are printed beside the wall time (what survives a loaded
# machine). PERF=FILE records the server with `perf record -g` (PERF_OPTS to
# change its options); PGSS=1 prints postgres' top statements
# (pg_stat_statements). A benchmark: it prints figures and never fails on them. Runs in a
# network namespace of its own (loopback only).
#   bench/agents_ingest.sh [AGENTS] [DEVICES]      (BATCH=500, C=64, THREADS=4)
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "bench/agents_ingest.sh: needs root (a network namespace, the cluster)" >&2; exit 2; }
if [ -z "${SL_BENCH_INNER:-}" ]; then
    ./scripts/build release >/dev/null
    exec env SL_BENCH_INNER=1 unshare --net sh -c 'ip link set lo up && exec sh "$0" "$@"' "$0" "$@"
fi
agents=${1:-1000}
devices=${2:-1000}
batch=${BATCH:-500}
conc=${C:-64}
threads=${THREADS:-4}
SL=$PWD/build/sightline
GEN=$PWD/build/bench/bench_agents_ingest
export SIGHTLINE_DATA="$PWD/data" SIGHTLINE_CONFIG=/dev/null
dir=$(mktemp -d /tmp/sl-bench-agents.XXXXXX)
chmod 755 "$dir"
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    sh scripts/pg-cluster stop "$dir/pg" >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
[ -n "${PGSS:-}" ] && export SL_PG_CONF="shared_preload_libraries = 'pg_stat_statements'"
db=$(sh scripts/pg-cluster start "$dir/pg")
[ -n "${PGSS:-}" ] && psql -XAtq -d "$db" -c 'CREATE EXTENSION pg_stat_statements' >/dev/null
echo "register: $db; $agents agents x $devices devices, batches of $batch, $conc connections, $threads server threads"
# serve runs as the cluster's owner (its socket), connecting as our role.
PGUSER=$(id -un) $SL serve --user postgres --db "$db" --http --listen 127.0.0.1:8080 \
    --tls-dir "$dir" --agent-listen 127.0.0.1:9443 --agent-rate 1000000 --threads "$threads" \
    >"$dir/serve.out" 2>"$dir/serve.err" &
pid=$!
i=0
until grep -q "agents at" "$dir/serve.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 300 ] && { cat "$dir/serve.err"; exit 3; }; sleep 0.1
done
if [ -n "${PERF:-}" ]; then # PERF=FILE: perf record -g of the server meanwhile
    perf record ${PERF_OPTS:--g} -o "$PERF" -p "$pid" >/dev/null 2>&1 &
    perfpid=$!
fi
rc=0
SL_BENCH_SERVER_PID=$pid SL_BENCH_PG_PID=$(head -1 "$dir/pg/data/postmaster.pid") $GEN "$db" https://127.0.0.1:9443 "$dir" "$agents" "$devices" "$batch" "$conc" || rc=$?
[ -n "${PERF:-}" ] && kill -INT "$perfpid" && wait "$perfpid" || true
echo "server peak RSS: $(sed -n 's/^VmHWM: *//p' /proc/$pid/status)"
echo "register: $(psql -XAtq -d "$db" -c 'SELECT count(*) FROM devices') devices, \
$(psql -XAtq -d "$db" -c 'SELECT count(*) FROM evidence') evidence rows, \
$(psql -XAtq -d "$db" -c 'SELECT count(*) FROM agent_batches') batches"
echo "writer groups rolled back and applied batch by batch: $(grep -c 'applied one by one' "$dir/serve.err")"
grep -m3 'applied one by one' "$dir/serve.err" || true
if [ -n "${PGSS:-}" ]; then # PGSS=1: the statements that took postgres' time
    psql -X -d "$db" -c "SELECT round(total_exec_time) AS ms, calls, round(mean_exec_time::numeric, 3) AS mean_ms,
        left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS query
        FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15"
fi
[ $rc -eq 0 ] && echo "nothing lost or doubled" || echo "LOST OR DOUBLED (see above)"
