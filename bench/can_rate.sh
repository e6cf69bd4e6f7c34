#!/bin/sh
# Benchmark: `sightline can watch --read` throughput on one core, from a file.
# A simulated bus from the shared Ford powertrain DBC (about 2,750 frames/s,
# 68% of 500 kbit/s) is learnt for an hour, then HOURS hours of it with every
# attack kind in turn are watched as a candump log and as a pcap, pinned to
# one core. Prints frames/s (CPU time and wall clock) and peak RSS.
# Target: >= 2,000,000 frames/s, bounded RSS.
#   bench/can_rate.sh [HOURS]        (default 2: about 20 million frames)
set -eu
cd "$(dirname "$0")/.."
hours=${1:-2}
. bench/can_common.sh
dir=$(mktemp -d "${TMPDIR:-/tmp}/sl-bench-canrate.XXXXXX")
trap 'rm -rf "$dir"' EXIT
pin=""
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"
gen="$L can generate --dbc $corpus/ford_lincoln_base_pt.dbc --vehicle-seed 11"
$gen --seconds 3600 --seed 1 --log "$dir/train.log" 2>/dev/null
$S can learn --read "$dir/train.log" -o "$dir/b.json" 2>/dev/null
$gen --seconds $((hours * 3600)) --seed 9 --start 1772600000 --attack all --log "$dir/big.log" \
    --pcap "$dir/big.pcap" 2>&1
for f in big.log big.pcap; do
    /usr/bin/time -f "%e %U %S %M" -o "$dir/t" $pin $S can watch --baseline "$dir/b.json" \
        --read "$dir/$f" --jsonl "$dir/alerts.jsonl" 2>"$dir/err"
    read -r wall user sys rss <"$dir/t"
    frames=$(sed -n 's/^sightline can watch: \([0-9]*\) frames.*/\1/p' "$dir/err")
    python3 - "$f" "$frames" "$wall" "$user" "$sys" "$rss" "$(du -m "$dir/$f" | cut -f1)" \
        "$(wc -l <"$dir/alerts.jsonl")" <<'PY'
import sys
f, frames, wall, user, sys_, rss, mb, alerts = sys.argv[1:9]
frames, cpu = int(frames), float(user) + float(sys_)
print(f"sightline can watch --read {f} ({mb} MiB): {frames:,} frames in {float(wall):.2f} s wall, "
      f"{cpu:.2f} s CPU = {frames / cpu:,.0f} frames/s of CPU ({frames / float(wall):,.0f} by the "
      f"wall clock); peak RSS {int(rss) // 1024} MiB; {int(alerts):,} alert lines")
PY
    rm -f "$dir/alerts.jsonl"
done
