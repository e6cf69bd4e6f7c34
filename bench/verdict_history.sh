#!/bin/sh
# The verdict history at scale: a generated register (bench_report_scale_gen),
# then `devices reassess` under a policy change (NDAA s.889 added to the UK
# statement), which changes most verdicts, and reports as of dates before and
# after the change with the history replayed. Prints seconds and peak RSS for
# each step, the verdict changes written and the affected totals before and
# after the change (they must differ). Figures, never a pass/fail test. (No
# db verify: the generator writes its rows behind the audit log.)
#   bench/verdict_history.sh [DEVICES] [EVENTS]     (default 200000 1000000)
# The generated register is kept in $SL_BENCH_DIR (default
# /tmp/sl-bench-verdicts) and copied before each run. Nothing here touches the
# network.
set -eu
cd "$(dirname "$0")/.."
devices=${1:-200000}
events=${2:-1000000}
dir=${SL_BENCH_DIR:-/tmp/sl-bench-verdicts}
mkdir -p "$dir"
./scripts/build release >/dev/null
SL=./build/sightline
GEN=./build/bench/bench_report_scale_gen
base="$dir/base-$devices-$events.db"
[ -f "$base" ] || $GEN "$base" "$devices" "$events"
db="$dir/work.db"
rm -f "$db" "$db-wal" "$db-shm"
cp "$base" "$db"
export SIGHTLINE_TEST_CLOCK=1 SIGHTLINE_DB="$db"
measure() { # LABEL COMMAND...
    label=$1; shift
    /usr/bin/time -f "$label: %e s (cpu %U user + %S sys), peak RSS %M KiB" "$@" >"$dir/out.txt" 2>"$dir/time.txt" \
        || { cat "$dir/out.txt" "$dir/time.txt"; exit 3; }
    tail -n 1 "$dir/time.txt"
}
affected() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["totals"]["affected"], "affected,", j["verdict_changes"]["total"], "verdict changes by then")' "$1"; }
echo "register: $devices devices, $events lifecycle events"
export SIGHTLINE_NOW=2026-11-27
measure "report --format json --as-of 2026-06-30 (no history yet)" $SL report --format json --as-of 2026-06-30 -o "$dir/before.json"
echo "  $(affected "$dir/before.json")"
export SIGHTLINE_NOW=2026-07-01
pol=UK-2022-sensitive-sites,US-NDAA-889
measure "devices reassess --dry-run" $SL devices reassess --dry-run --quiet --policy $pol
echo "  $(tail -n 1 "$dir/out.txt")"
measure "devices reassess (writes)" $SL devices reassess --quiet --policy $pol
echo "  $(tail -n 1 "$dir/out.txt")"
export SIGHTLINE_NOW=2026-11-27
measure "report --format json --as-of 2026-06-30 (history replayed)" $SL report --format json --as-of 2026-06-30 -o "$dir/june.json"
echo "  $(affected "$dir/june.json")"
measure "report --format json --as-of 2026-11-27" $SL report --format json -o "$dir/now.json"
echo "  $(affected "$dir/now.json")"
measure "report --format html --as-of 2026-11-27" $SL report --format html -o "$dir/now.html"

