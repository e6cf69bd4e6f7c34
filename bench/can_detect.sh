#!/bin/sh
# Benchmark: CAN intrusion detection scored against ground truth (issue 17).
# For each simulated vehicle bus - one per shared DBC (../shared/corpus/can),
# and a third the detector was never tuned on (the CADS DBC remapped: other
# ids, periods and payload layouts) - it generates an hour of clean traffic
# to learn from, a separate hour of clean traffic to count false alerts on,
# and for each attack kind a file of WINDOWS attack windows; then `can learn`
# and `can watch`, and bench/can_score.py prints per kind: windows detected /
# total, median and worst time to detect (ms, and in periods of the attacked
# id), and false alerts per hour of clean traffic.
#   bench/can_detect.sh [WINDOWS] [BUS...]     BUS: ford, cads, cads-remap, ford-remap
# Targets: >= 99% of dos, fuzzing, spoofing, replay, suppression windows,
# >= 90% of masquerade; median time to detect <= 50 ms (dos, fuzzing,
# spoofing), <= 3 periods (replay, suppression, masquerade); <= 1 false alert
# an hour.
set -eu
cd "$(dirname "$0")/.."
windows=${1:-100}
[ $# -gt 0 ] && shift
buses=${*:-ford cads cads-remap}
. bench/can_common.sh
dir=$(mktemp -d "${TMPDIR:-/tmp}/sl-bench-can.XXXXXX")
trap 'rm -rf "$dir"' EXIT
t0=1772442000
# an attack window every ~34 s after 20 s of warm-up
secs=$((20 + windows * 34 + 10))
for bus in $buses; do
    case "$bus" in
        ford) dbc=ford_lincoln_base_pt.dbc; remap=0 ;;
        cads) dbc=FORD_CADS.dbc; remap=0 ;;
        ford-remap) dbc=ford_lincoln_base_pt.dbc; remap=7 ;;
        cads-remap) dbc=FORD_CADS.dbc; remap=7 ;;
        *) echo "unknown bus $bus"; exit 2 ;;
    esac
    gen="$L can generate --dbc $corpus/$dbc --vehicle-seed 11 --remap $remap"
    echo "== bus $bus ($dbc$( [ "$remap" != 0 ] && echo ", remapped: ids, periods, layouts"))"
    $gen --seconds 3600 --seed 1 --start $t0 --log "$dir/train.log" 2>&1 | sed 's/^/   /'
    $gen --seconds 3600 --seed 2 --start $((t0 + 86400)) --log "$dir/clean.log" 2>/dev/null
    echo "   $S can learn --read train.log -o baseline.json"
    $S can learn --read "$dir/train.log" -o "$dir/baseline.json" 2>&1 | sed 's/^/   /'
    $S can watch --baseline "$dir/baseline.json" --read "$dir/clean.log" >"$dir/clean.jsonl" 2>/dev/null
    python3 bench/can_score.py --clean 1 "$dir/clean.jsonl" | sed 's/^/   /'
    seed=3
    for kind in dos fuzzing spoofing replay suppression masquerade errors; do
        seed=$((seed + 1))
        $gen --seconds $secs --seed $seed --start $((t0 + 2 * 86400)) --attack $kind \
            --log "$dir/$kind.log" --truth "$dir/$kind.truth" 2>/dev/null
        $S can watch --baseline "$dir/baseline.json" --read "$dir/$kind.log" \
            >"$dir/$kind.jsonl" 2>/dev/null
        python3 bench/can_score.py "$kind" "$dir/$kind.truth" "$dir/$kind.jsonl" | sed 's/^/   /'
    done
done
