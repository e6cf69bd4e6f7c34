#!/bin/sh
# Report at scale: a register of 1,000,000 devices and 5,000,000 lifecycle
# events, then `sightline report` in JSON and HTML (and the full device list).
# Prints seconds and peak RSS for each. Target: under 5 s per report.
#   bench/report_scale.sh [DEVICES] [EVENTS]
# The register is built once into $SL_BENCH_DIR (default /tmp/sl-bench-report)
# and reused; delete it to rebuild. Nothing here touches the network.
set -eu
cd "$(dirname "$0")/.."
devices=${1:-1000000}
events=${2:-5000000}
dir=${SL_BENCH_DIR:-/tmp/sl-bench-report}
mkdir -p "$dir"
./scripts/build release >/dev/null
SL=./build/sightline
GEN=./build/bench/bench_report_scale_gen
db="$dir/scale-$devices-$events.db"
if [ ! -f "$db" ]; then
    rm -f "$db" "$db-wal" "$db-shm"
    $GEN "$db" "$devices" "$events"
fi
echo "register: $db ($(du -h "$db" | cut -f1))"
export SIGHTLINE_NOW=2026-11-27
measure() { # measure LABEL COMMAND...
    label=$1; shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "$label: %e s (cpu %U user + %S sys), peak RSS %M KiB" "$@" >/dev/null 2>"$dir/time.txt" \
            || { cat "$dir/time.txt"; exit 3; }
        tail -n 1 "$dir/time.txt"
    else
        start=$(date +%s.%N)
        "$@" >/dev/null
        end=$(date +%s.%N)
        echo "$label: $(echo "$end - $start" | bc) s (peak RSS: install 'time' to measure)"
    fi
}
measure "report --format json" $SL report --db "$db" --format json -o "$dir/report.json"
measure "report --format html" $SL report --db "$db" --format html -o "$dir/report.html"
measure "report --format json --as-of 2026-03-31" $SL report --db "$db" --format json --as-of 2026-03-31 -o "$dir/report-past.json"
measure "report --format csv" $SL report --db "$db" --format csv -o "$dir/report.csv"
measure "report --format json --devices all" $SL report --db "$db" --format json --devices all -o "$dir/report-all.json"
ls -l "$dir"/report*.json "$dir"/report.html "$dir"/report.csv | awk '{print "  " $5 " bytes  " $9}'
