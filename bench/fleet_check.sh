#!/bin/sh
# Benchmark: `sightline vehicles check` of a synthetic fleet (default 100,000
# vehicles with 10 connected parts each), as a fleet CSV and as one CycloneDX
# BOM: parse, validate, identify and judge every part and vehicle; output as
# the table and as JSON lines (to /dev/null). Prints wall and user time, parts
# per second and peak RSS. No register: bench/fleet_import.sh adds the
# writes to SQLite.
#   bench/fleet_check.sh [VEHICLES] [PARTS_PER_VEHICLE]
set -eu
cd "$(dirname "$0")/.."
./scripts/build release >/dev/null
nv=${1:-100000}
np=${2:-10}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
./build/bench/bench_fleet_gen csv "$nv" "$np" >"$dir/fleet.csv"
./build/bench/bench_fleet_gen cyclonedx "$nv" "$np" >"$dir/fleet.json"
parts=$((nv * np))
for f in fleet.csv fleet.json; do
    for out in table jsonl; do
        flag=""
        [ "$out" = jsonl ] && flag=--jsonl
        /usr/bin/time -f "%e %U %M" -o "$dir/time" \
            ./build/sightline vehicles check $flag --date 2026-11-28 "$dir/$f" >/dev/null
        read -r secs user rss <"$dir/time"
        size=$(wc -c <"$dir/$f")
        rate=$(awk -v p="$parts" -v s="$secs" 'BEGIN { r = s > 0 ? p / s : 0; printf "%.0f", r }')
        echo "vehicles check $f ($out): $nv vehicles, $parts parts, $((size / 1048576)) MiB in ${secs} s wall, ${user} s user ($rate parts/s), peak RSS $((rss / 1024)) MiB"
    done
done
