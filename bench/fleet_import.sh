#!/bin/sh
# Benchmark: `sightline vehicles import` of a synthetic fleet (default 100,000
# vehicles with 10 connected parts each: 1,000,000 parts) into a fresh SQLite
# register, as the fleet CSV (vehicles spread over 300 registered depots of
# every tier, a third with a vehicle rule) and as one CycloneDX BOM (no sites:
# judged as sensitive): read, validate, identify, judge each vehicle at its
# site and write vehicles, parts, events and one audit entry per vehicle in one
# transaction. Prints wall and CPU time, parts per second, peak RSS and the
# register's size; then checks the register (db verify). Target (issue 16):
# 10 s for 100,000 vehicles and 1,000,000 parts on SQLite.
#   bench/fleet_import.sh [VEHICLES] [PARTS_PER_VEHICLE]
set -eu
cd "$(dirname "$0")/.."
. bench/fleet_common.sh
./scripts/build release >/dev/null
nv=${1:-100000}
np=${2:-10}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
SL=./build/sightline
export SIGHTLINE_CONFIG=/dev/null SIGHTLINE_DATA="$(pwd)/data" SIGHTLINE_ACTOR=bench
./build/bench/bench_fleet_gen csv "$nv" "$np" >"$dir/fleet.csv"
./build/bench/bench_fleet_gen cyclonedx "$nv" "$np" >"$dir/fleet.json"
depot_sites >"$dir/sites.csv"
parts=$((nv * np))
for f in fleet.csv fleet.json; do
    db="$dir/reg-${f%.*}-$(echo "$f" | sed 's/.*\.//').db"
    $SL sites import "$dir/sites.csv" --db "$db" >/dev/null
    i=0
    while [ "$i" -lt 300 ]; do
        case $((i % 3)) in
            0) $SL sites set-vehicle-rule "Depot $i" park-away:3219:nexus --db "$db" >/dev/null ;;
        esac
        i=$((i + 3))
    done
    /usr/bin/time -f "%e %U %S %M" -o "$dir/time" \
        $SL vehicles import --quiet --db "$db" "$dir/$f" >"$dir/out"
    read -r secs user sys rss <"$dir/time"
    size=$(wc -c <"$dir/$f")
    dbsize=$(du -k "$db" | cut -f1)
    rate=$(awk -v p="$parts" -v s="$secs" 'BEGIN { r = s > 0 ? p / s : 0; printf "%.0f", r }')
    echo "vehicles import $f: $nv vehicles, $parts parts, $((size / 1048576)) MiB in ${secs} s wall, ${user} s user, ${sys} s sys ($rate parts/s), peak RSS $((rss / 1024)) MiB, register $((dbsize / 1024)) MiB"
    sed 's/^/  /' "$dir/out"
    /usr/bin/time -f "%e" -o "$dir/vtime" $SL db verify --db "$db" >/dev/null
    echo "  db verify: $(cat "$dir/vtime") s"
done
