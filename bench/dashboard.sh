#!/bin/sh
# The dashboard under load: `sightline serve` (release build, HTTPS, 4 worker
# threads) on a register of DEVICES devices and EVENTS lifecycle events
# (bench_report_scale_gen, the same register as bench/report_scale.sh), 50
# concurrent signed-in clients (ab, apache2-utils) per page, inside a network
# namespace of its own (loopback only). Prints p50/p95/max milliseconds per page
# and the server's peak RSS. Targets (issue 14): overview p95 <= 300 ms, device
# list p95 <= 150 ms, device page p95 <= 50 ms. A benchmark: it prints figures
# and never fails on them.
#   bench/dashboard.sh [DEVICES] [EVENTS]      (N=requests per page, C=clients)
# The register is built once into $SL_BENCH_DIR (default /tmp/sl-bench-dashboard).
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "bench/dashboard.sh: needs root (a network namespace, dropping to nobody)" >&2; exit 2; }
command -v ab >/dev/null || { echo "bench/dashboard.sh: needs ab (apache2-utils; scripts/bootstrap test)" >&2; exit 2; }
if [ -z "${SL_BENCH_INNER:-}" ]; then
    ./scripts/build release >/dev/null
    exec env SL_BENCH_INNER=1 unshare --net sh -c 'ip link set lo up && exec sh "$0" "$@"' "$0" "$@"
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
chown -R nobody "$dir"
echo "register: $db ($(du -h "$db" | cut -f1)), $n requests per page, $c concurrent clients"
$SL serve --db "$db" --listen 127.0.0.1:8443 --tls-dir "$dir" --user nobody --threads 4 \
    >"$dir/serve.out" 2>"$dir/serve.err" &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
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
mid=$(sqlite3 "$db" "SELECT max(id) / 2 FROM devices")

page() { # LABEL PATH [REQUESTS]
    ab -q -n "${3:-$n}" -c "$c" -C "$cookie" -e "$dir/ab.csv" "$B$2" >"$dir/ab.txt" 2>&1 || {
        echo "$1: ab failed"; tail -3 "$dir/ab.txt"; return 0; }
    p50=$(sed -n 's/^50,//p' "$dir/ab.csv")
    p95=$(sed -n 's/^95,//p' "$dir/ab.csv")
    max=$(sed -n 's/^100,//p' "$dir/ab.csv")
    bad=$(sed -n 's/^Non-2xx responses: *//p' "$dir/ab.txt")
    failed=$(sed -n 's/^Failed requests: *//p' "$dir/ab.txt")
    printf '%-44s p50 %6s ms  p95 %6s ms  max %6s ms  (failed %s, non-2xx %s)\n' "$1" \
        "${p50%.*}" "${p95%.*}" "${max%.*}" "${failed:-0}" "${bad:-0}"
}
page "overview /" "/" "${N_OVERVIEW:-100}"
page "device list /devices" "/devices"
page "device list, deep page (after=$mid)" "/devices?after=$mid"
page "device list, status=scheduled" "/devices?status=scheduled"
page "device list, one site" "/devices?site=Site+00042"
page "device page /devices/$mid" "/devices/$mid"
page "API device list /api/v1/devices" "/api/v1/devices"
echo "server peak RSS: $(sed -n 's/^VmHWM: *//p' /proc/$pid/status)"
