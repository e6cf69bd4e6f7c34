#!/bin/sh
# The dashboard's vehicles under load: `sightline serve` (release build, HTTPS,
# 4 worker threads) on a register of VEHICLES vehicles with PARTS connected
# parts each (bench_fleet_gen, as bench/fleet_import.sh: 300 depots of every
# tier, a third with a vehicle rule), C concurrent signed-in clients keeping
# their connections (wrk, D seconds a page, default 5), inside a network
# namespace of its own (loopback only). Prints p50/p95/max milliseconds per
# page, the server's CPU time (user+sys) over the run beside its wall time, and
# its peak RSS. A benchmark: it prints figures and never fails on them.
#   bench/dashboard_vehicles.sh [VEHICLES] [PARTS]     (default 100000 10)
# The register is built once into $SL_BENCH_DIR (default /tmp/sl-bench-vehicles).
set -eu
cd "$(dirname "$0")/.."
. bench/fleet_common.sh
[ "$(id -u)" -eq 0 ] || { echo "bench/dashboard_vehicles.sh: needs root (a network namespace, dropping to nobody)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench/dashboard_vehicles.sh: needs wrk (scripts/bootstrap test)" >&2; exit 2; }
if [ -z "${SL_BENCH_INNER:-}" ]; then
    ./scripts/build release >/dev/null
    exec env SL_BENCH_INNER=1 unshare --net sh -c 'ip link set lo up && exec sh "$0" "$@"' "$0" "$@"
fi
nv=${1:-100000}
np=${2:-10}
c=${C:-20}
dir=${SL_BENCH_DIR:-/tmp/sl-bench-vehicles}
mkdir -p "$dir"
SL=$PWD/build/sightline
export SIGHTLINE_DATA="$PWD/data" SIGHTLINE_CONFIG=/dev/null SIGHTLINE_ACTOR=bench
db="$dir/fleet-$nv-$np.db"
if [ ! -f "$db" ]; then
    ./build/bench/bench_fleet_gen csv "$nv" "$np" >"$dir/fleet.csv"
    depot_sites >"$dir/sites.csv"
    $SL sites import "$dir/sites.csv" --db "$db" >/dev/null
    i=0
    while [ "$i" -lt 300 ]; do
        $SL sites set-vehicle-rule "Depot $i" park-away:3219:nexus --db "$db" >/dev/null
        i=$((i + 3))
    done
    $SL vehicles import --quiet --db "$db" "$dir/fleet.csv" >/dev/null
    rm -f "$dir/fleet.csv"
    printf '%s\n' 'bench dashboard password' | $SL users add bench --grant programme-admin --db "$db" >/dev/null
    printf '%s\n' 'bench dashboard password' | $SL users add depot --grant "viewer:site:Depot 42" --db "$db" >/dev/null
fi
chmod 755 "$dir"
chown nobody "$dir" "$db"
chown -f nobody "$db-wal" "$db-shm" "$dir"/dashboard-*.pem || true
mid=$(sqlite3 "$db" "SELECT max(id) / 2 FROM vehicles")
midvin=$(sqlite3 "$db" "SELECT vin FROM vehicles WHERE id = $mid")
fleet=$(sqlite3 "$db" "SELECT replace(fleet, ' ', '+') FROM vehicles WHERE id = $mid")
rare=$(sqlite3 "$db" "SELECT decision FROM vehicles GROUP BY decision ORDER BY count(*) LIMIT 1")
echo "register: $db ($(du -h "$db" | cut -f1)): $(sqlite3 "$db" "SELECT count(*) FROM vehicles") vehicles, $(sqlite3 "$db" "SELECT count(*) FROM vehicle_parts") parts; $c clients, ${D:-5} s a page"
: >"$dir/serve.out"
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
signin() { # USER
    curl -sk -D - -o /dev/null -H 'Content-Type: application/json' \
        -d "{\"name\":\"$1\",\"password\":\"bench dashboard password\"}" "$B/api/v1/session" |
        sed -n 's/^Set-Cookie: \(sl_session=[0-9a-f]*\).*/\1/p'
}
admin=$(signin bench)
depot=$(signin depot)
[ -n "$admin" ] && [ -n "$depot" ] || { echo "sign-in failed"; exit 3; }
tck=$(getconf CLK_TCK)
cpu() { awk -v t="$tck" '{ printf "%.2f", ($14 + $15) / t }' /proc/$pid/stat; }
page() { # LABEL PATH [COOKIE]
    c0=$(cpu)
    wrk -t2 -c"$c" -d"${D:-5}"s -s "$PWD/bench/wrk_p95.lua" -H "Cookie: ${3:-$admin}" "$B$2" >"$dir/wrk.txt" 2>&1 || {
        echo "$1: wrk failed"; tail -3 "$dir/wrk.txt"; return 0; }
    c1=$(cpu)
    set -- "$1" $(sed -n 's/^WRK //p' "$dir/wrk.txt")
    printf '%-46s p50 %6s ms  p95 %6s ms  max %6s ms  (%s requests, failed %s, non-2xx %s; server CPU %s ms a request)\n' \
        "$1" "$2" "$3" "$4" "$5" "$7" "$6" "$(awk -v a="$c0" -v b="$c1" -v n="$5" 'BEGIN { printf "%.1f", (n > 0 ? (b - a) * 1000 / n : 0) }')"
}
curl -sk -o /dev/null -b "$admin" -w "overview, first request after start: %{time_total} s\n" "$B/"
page "overview / (with the vehicles section)" "/"
page "vehicle list /vehicles" "/vehicles"
page "vehicle list, deep page (after=$mid)" "/vehicles?after=$mid"
page "vehicle list, newest first" "/vehicles?order=newest"
page "vehicle list by VIN, deep (after=$midvin)" "/vehicles?order=vin&after=$midvin"
page "vehicle list, decision=$rare (the rarest)" "/vehicles?decision=$rare"
page "vehicle list, one fleet" "/vehicles?fleet=$fleet"
page "vehicle list, one site" "/vehicles?site=Depot+42"
page "vehicle list, retired (none)" "/vehicles?status=retired"
page "vehicle list, a site viewer (its site only)" "/vehicles" "$depot"
page "vehicle page /vehicles/$mid" "/vehicles/$mid"
page "API vehicle list /api/v1/vehicles?limit=500" "/api/v1/vehicles?limit=500"
page "API vehicle /api/v1/vehicles/$mid" "/api/v1/vehicles/$mid"
echo "server: CPU $(cpu) s over its life, peak RSS $(sed -n 's/^VmHWM: *//p' /proc/$pid/status)"
