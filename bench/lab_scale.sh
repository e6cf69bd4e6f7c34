#!/bin/sh
# Scale of sightline-lab (DESIGN.md §13 targets): prints wall time to ready and
# peak RSS for 10,000 loopback devices (target < 5 s, < 500 MB) and for 200
# netns devices (target < 30 s, root only), plus a sweep of HTTP requests to
# every loopback device. Figures only; never a pass/fail test.
# Usage: bench/lab_scale.sh [path/to/sightline-lab]   (default: build/lab/sightline-lab)
set -eu
cd "$(dirname "$0")/.."
L=${1:-build/lab/sightline-lab}
[ -x "$L" ] || { ./scripts/build release >/dev/null; L=build/lab/sightline-lab; }
if [ -z "${SL_BENCH_INNER:-}" ] && unshare --net true 2>/dev/null; then
    SL_BENCH_INNER=1 exec unshare --net sh -c 'ip link set lo up && exec sh "$0" "$1"' "$0" "$L"
fi
T=$(mktemp -d)
export SIGHTLINE_LAB_STATE=$T/state
now() { date +%s.%N; }
peak() { awk '/VmHWM/ {print $2/1024 " MB"}' "/proc/$1/status"; }

t0=$(now)
"$L" up --name bench --devices 10000 --truth "$T/truth.jsonl" -q
t1=$(now)
pid=$(cat "$T/state/bench/pid")
echo "loopback: 10000 devices ready in $(echo "$t1 - $t0" | bc) s; daemon peak RSS $(peak "$pid")"
t0=$(now)
n=0
for a in $(sed 's/.*"address":"\([^"]*\)".*"ports":\[\([^]]*\)\].*/\1 \2/' "$T/truth.jsonl" | awk '$2 ~ /(^|,)80(,|$)/ {print $1}' | head -500); do
    "$L" probe "$a" 80 --timeout 2000 --send 'GET / HTTP/1.0\r\n\r\n' >/dev/null && n=$((n+1))
done
t1=$(now)
echo "loopback: $n sequential HTTP exchanges (probe processes) in $(echo "$t1 - $t0" | bc) s; daemon peak RSS now $(peak "$pid")"
"$L" down --name bench >/dev/null
if [ "$(id -u)" -eq 0 ]; then
    t0=$(now)
    "$L" up --name bench-ns --mode netns --devices 200 -q
    t1=$(now)
    pid=$(cat "$T/state/bench-ns/pid")
    echo "netns: 200 devices ready in $(echo "$t1 - $t0" | bc) s; daemon peak RSS $(peak "$pid")"
    t0=$(now)
    "$L" down --name bench-ns >/dev/null
    t1=$(now)
    echo "netns: down in $(echo "$t1 - $t0" | bc) s"
else
    echo "netns: skipped (needs root)"
fi
rm -rf "$T"
