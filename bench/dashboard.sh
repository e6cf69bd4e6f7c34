#!/bin/sh
# The dashboard under load: `sightline serve` (release build, HTTPS, 4 worker
# threads) on a register of DEVICES devices and EVENTS lifecycle events
# (bench_report_scale_gen, the same register as bench/report_scale.sh), 50
# concurrent signed-in clients (ab, apache2-utils) per page, inside a network
# namespace of its own (loopback only). Prints p50/p95/max milliseconds per page
# and the server's peak RSS. Targets (issue 14): overview p95 <= 300 ms, device
# list p95 <= 150 ms, device page p95 <= 50 ms. A benchmark: it prints figures
# and never fails on them.
#   bench/dashboard.sh [--postgres] [DEVICES] [EVENTS]
#       N=requests per page, C=clients, MODES="keepalive close" (which to run)
# Each page is measured twice: "keepalive", each client keeping its HTTPS
# connection as a browser does (wrk, D seconds a page, default 10: latency from
# request to answer once connected), and "close", a new TLS handshake for every
# request (ab's default: mostly the cost of ECDHE and the signature, which the
# figures then include). Without wrk, keepalive uses ab -k (its p95 then holds the
# 50 first handshakes).
# The register is built once into $SL_BENCH_DIR (default /tmp/sl-bench-dashboard).
# --postgres: the same register is moved once with `sightline db copy` into a
# private cluster in $SL_BENCH_DIR/pg (scripts/pg-cluster), and served from it
# (the server runs as the cluster's user, which alone may reach its socket).
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "bench/dashboard.sh: needs root (a network namespace, dropping to nobody)" >&2; exit 2; }
command -v ab >/dev/null || { echo "bench/dashboard.sh: needs ab (apache2-utils; scripts/bootstrap test)" >&2; exit 2; }
command -v wrk >/dev/null || echo "bench/dashboard.sh: no wrk (scripts/bootstrap test): keepalive measured with ab -k" >&2
if [ -z "${SL_BENCH_INNER:-}" ]; then
    ./scripts/build release >/dev/null
    exec env SL_BENCH_INNER=1 unshare --net sh -c 'ip link set lo up && exec sh "$0" "$@"' "$0" "$@"
fi
postgres=0
if [ "${1:-}" = --postgres ]; then
    postgres=1
    shift
fi
devices=${1:-1000000}
events=${2:-5000000}
n=${N:-200}
c=${C:-50}
dir=${SL_BENCH_DIR:-/tmp/sl-bench-dashboard}
mkdir -p "$dir"
SL=$PWD/build/sightline
GEN=$PWD/build/bench/bench_report_scale_gen
db="$dir/scale-$devices-$events.db"
export SIGHTLINE_DATA="$PWD/data" SIGHTLINE_CONFIG=/dev/null
if [ ! -f "$db" ]; then
    rm -f "$db" "$db-wal" "$db-shm"
    $GEN "$db" "$devices" "$events"
    printf '%s\n' 'bench dashboard password' | $SL users add bench --grant programme-admin --db "$db" >/dev/null
fi
chmod 755 "$dir"
# Not recursive: $dir/pg belongs to the cluster's user.
chown nobody "$dir" "$db"
chown -f nobody "$db-wal" "$db-shm" "$dir"/dashboard-*.pem || true
mid=$(sqlite3 "$db" "SELECT max(id) / 2 FROM devices")
echo "register: $db ($(du -h "$db" | cut -f1)), $n requests per page, $c concurrent clients"
run_as=nobody
tls=$dir
if [ "$postgres" = 1 ]; then
    pg="$dir/pg"
    SL_PG_CONF="shared_buffers = 1GB
max_wal_size = 8GB
work_mem = 64MB" ./scripts/pg-cluster start "$pg" >/dev/null
    trap './scripts/pg-cluster stop "$pg"' EXIT
    if [ ! -f "$dir/pg.copied" ]; then
        /usr/bin/time -f "db copy into PostgreSQL: %e s" \
            $SL db copy --quiet --from "$db" --to "host=$pg dbname=sightline"
        psql -XAtq -h "$pg" -d sightline -c "VACUUM ANALYZE"
        touch "$dir/pg.copied"
    fi
    # The cluster's socket is open to its own user only; its superuser role is root's.
    db="host=$pg dbname=sightline user=$(id -un)"
    run_as=postgres
    tls="$dir/tls-pg"
    mkdir -p "$tls"
    chown postgres "$tls"
    echo "served from PostgreSQL: $db"
fi
: >"$dir/serve.out" # before the start: an old file's line must not be taken for this one
$SL serve --db "$db" --listen 127.0.0.1:8443 --tls-dir "$tls" --user "$run_as" --threads 4 \
    >"$dir/serve.out" 2>"$dir/serve.err" &
pid=$!
if [ "$postgres" = 1 ]; then
    trap 'kill $pid 2>/dev/null; wait $pid; ./scripts/pg-cluster stop "$pg"' EXIT
else
    trap 'kill $pid 2>/dev/null' EXIT
fi
i=0
until grep -q "dashboard at" "$dir/serve.out"; do
    i=$((i + 1))
    [ $i -lt 300 ] || { cat "$dir/serve.err"; exit 3; }
    sleep 0.1
done
B=https://127.0.0.1:8443
cookie=$(curl -sk -D - -o /dev/null -H 'Content-Type: application/json' \
    -d '{"name":"bench","password":"bench dashboard password"}' "$B/api/v1/session" |
    sed -n 's/^Set-Cookie: \(sl_session=[0-9a-f]*\).*/\1/p')
[ -n "$cookie" ] || { echo "sign-in failed"; exit 3; }

page() { # LABEL PATH [REQUESTS]
    if [ "$keep" = -k ] && command -v wrk >/dev/null; then
        wrk -t2 -c"$c" -d"${D:-10}"s -s "$PWD/bench/wrk_p95.lua" -H "Cookie: $cookie" "$B$2" >"$dir/wrk.txt" 2>&1 || {
            echo "$1: wrk failed"; tail -3 "$dir/wrk.txt"; return 0; }
        set -- "$1" $(sed -n 's/^WRK //p' "$dir/wrk.txt")
        printf '%-44s p50 %6s ms  p95 %6s ms  max %6s ms  (%s requests, failed %s, non-2xx %s)\n' \
            "$1" "$2" "$3" "$4" "$5" "$7" "$6"
        return 0
    fi
    ab -q $keep -n "${3:-$n}" -c "$c" -C "$cookie" -e "$dir/ab.csv" "$B$2" >"$dir/ab.txt" 2>&1 || {
        echo "$1: ab failed"; tail -3 "$dir/ab.txt"; return 0; }
    p50=$(sed -n 's/^50,//p' "$dir/ab.csv")
    p95=$(sed -n 's/^95,//p' "$dir/ab.csv")
    max=$(sed -n 's/^100,//p' "$dir/ab.csv")
    bad=$(sed -n 's/^Non-2xx responses: *//p' "$dir/ab.txt")
    failed=$(sed -n 's/^Failed requests: *//p' "$dir/ab.txt")
    printf '%-44s p50 %6s ms  p95 %6s ms  max %6s ms  (failed %s, non-2xx %s)\n' "$1" \
        "${p50%.*}" "${p95%.*}" "${max%.*}" "${failed:-0}" "${bad:-0}"
}
# The figures of today are computed once after start (the server's warmer);
# the first overview waits for them, and is timed on its own.
curl -sk -o /dev/null -b "$cookie" -w "overview, first request after start: %{time_total} s\n" "$B/"
for mode in ${MODES:-keepalive close}; do
    keep=
    [ "$mode" = keepalive ] && keep=-k
    echo "== $mode ($([ "$mode" = keepalive ] && echo "each client keeps its connection" || echo "a TLS handshake per request"))"
    page "overview /" "/" "${N_OVERVIEW:-$n}"
    page "device list /devices" "/devices"
    page "device list, deep page (after=$mid)" "/devices?after=$mid"
    page "device list, status=scheduled" "/devices?status=scheduled"
    page "device list, status=reappeared" "/devices?status=reappeared"
    page "device list, one site" "/devices?site=Site+00042"
    page "device page /devices/$mid" "/devices/$mid"
    page "API device list /api/v1/devices" "/api/v1/devices"
done
echo "server peak RSS: $(sed -n 's/^VmHWM: *//p' /proc/$pid/status)"
