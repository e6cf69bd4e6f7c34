#!/bin/sh
# 10,000 lab devices (loopback mode, the default mix) scanned with the default
# options plus UDP discovery: wall time, hosts/s, peak RSS, and identification
# accuracy against the lab's ground truth. Targets: <= 10 s on 2 cores, >= 99%
# identified correctly, no false prohibited verdict.
#   bench/scan_lab.sh [DEVICES]     (build/ release binaries; SL_BUILD_DIR overrides)
set -eu
bench=scan_lab
. "$(dirname "$0")/lab_common.sh"
n=${1:-10000}
lab_up "$n"
echo "scan_lab: $n devices, scanning $range"
lab_exec /usr/bin/time -v "$SL" scan "$range" --udp-discovery --rate 0 --quiet \
    --jsonl "$tmp/out.jsonl" 2> "$tmp/time.txt" | tail -3 || true
wall=$(grep "Elapsed (wall clock)" "$tmp/time.txt" | sed "s/.*): //")
rss=$(grep "Maximum resident set size" "$tmp/time.txt" | sed "s/.*: //")
summary=$(grep '"type":"summary"' "$tmp/out.jsonl" | tail -1)
hps=$(echo "$summary" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["hosts_per_s"]))')
echo "scan_lab: wall $wall, $hps hosts/s, peak RSS $((rss / 1024)) MB"
echo "scan_lab: $(score "$tmp/truth.jsonl" "$tmp/out.jsonl")"
