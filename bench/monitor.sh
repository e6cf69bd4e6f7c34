#!/bin/sh
# Benchmark: `sightline monitor --read` on a pcap of mixed traffic (default
# 5,000,000 frames, 300 camera stations calling vendor clouds), pinned to one
# core, and beside it in the same run `tshark -r` with a display filter that
# finds the same vendor-cloud DNS look-ups. Prints frames/s, peak RSS, the
# speed-up, and whether both found the same look-ups (issue targets:
# >= 1,000,000 frames/s and >= 10x tshark).
#   bench/monitor.sh [FRAMES] [CAMERAS]
set -eu
cd "$(dirname "$0")/.."
frames=${1:-5000000}
cams=${2:-300}
# The release flavour's flags (RelWithDebInfo: -O2 -g), in a directory of its
# own with warnings not fatal: the benchmark measures speed, the test builds
# (asan, fuzz) are where warnings fail the build.
if [ ! -f build-bench/build.ninja ]; then
    cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSL_WERROR=OFF >/dev/null
fi
cmake --build build-bench -j "$(nproc)" >/dev/null 2>&1 || cmake --build build-bench
dir=$(mktemp -d "${TMPDIR:-/tmp}/sl-bench-monitor.XXXXXX")
trap 'rm -rf "$dir"' EXIT
pin=""
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"

./build-bench/bench/bench_pcapgen mix "$dir/mix.pcap" "$frames" "$cams"
echo "pcap: $(du -m "$dir/mix.pcap" | cut -f1) MiB"

# sightline (--summary-interval 0: summaries once, at the end)
/usr/bin/time -f "%e %U %S %M" -o "$dir/sl.time" $pin ./build-bench/sightline monitor \
    --read "$dir/mix.pcap" --jsonl "$dir/alerts.jsonl" --summary-interval 0 2>"$dir/sl.err"
read -r sl_secs sl_user sl_sys sl_rss <"$dir/sl.time"

# tshark: one regular expression of every listed domain, whole labels, queries only
re=$(grep -v '^#' data/cloud-domains.tsv | cut -f1 | grep . | sed 's/\./\\\\./g' | paste -sd'|')
filter="dns.flags.response == 0 && dns.qry.name matches \"(?i)(^|\\\\.)($re)\$\""
if command -v tshark >/dev/null 2>&1; then
    /usr/bin/time -f "%e %U %S %M" -o "$dir/ts.time" $pin tshark -n -r "$dir/mix.pcap" -Y "$filter" \
        -T fields -e eth.src -e dns.qry.name >"$dir/tshark.txt" 2>"$dir/ts.err"
    read -r ts_secs ts_user ts_sys ts_rss <"$dir/ts.time"
else
    ts_secs=""
fi

python3 - "$dir" "$frames" "$sl_secs" "$sl_rss" "${ts_secs:-}" "${ts_rss:-0}" \
    "$sl_user" "$sl_sys" "${ts_user:-0}" "${ts_sys:-0}" <<'PY'
import json, sys
d, frames, sl_secs, sl_rss, ts_secs, ts_rss, slu, sls, tsu, tss = sys.argv[1:11]
sl_cpu = float(slu) + float(sls)
ts_cpu = float(tsu) + float(tss)
frames = int(frames)
doms = [l.split('\t')[0].lower() for l in open('data/cloud-domains.tsv')
        if l.strip() and not l.startswith('#')]
def entry(name):
    name = name.lower().rstrip('.')
    best = None
    for dm in doms:
        if (name == dm or name.endswith('.' + dm)) and (best is None or len(dm) > len(best)):
            best = dm
    return best
sl = {}
for line in open(d + '/alerts.jsonl'):
    j = json.loads(line)
    if j.get('alert', {}).get('signature_id') != 9000003:
        continue
    s = j['sightline']
    key = (j.get('src_mac'), s.get('subject') or s['cloud']['domain'])
    if j['event_type'] == 'alert':
        sl[key] = max(sl.get(key, 0), 1)
    elif j['event_type'] == 'alert_summary':
        sl[key] = s['count']
stats = [json.loads(l) for l in open(d + '/alerts.jsonl') if '"event_type":"stats"' in l][-1]
secs = float(sl_secs)
print(f"sightline monitor: {frames} frames in {secs:.2f} s wall, {sl_cpu:.2f} s CPU (one core) = "
      f"{frames / sl_cpu:,.0f} frames/s of CPU ({frames / secs:,.0f} by the wall clock); "
      f"peak RSS {int(sl_rss) // 1024} MiB")
print(f"  alerts: {stats['stats']['alerts_written']} written, "
      f"{stats['stats']['alerts_suppressed']} repeats counted; vendor-cloud look-ups: "
      f"{len(sl)} (station, service) pairs, {sum(sl.values())} queries")
if ts_secs:
    ts = {}
    for line in open(d + '/tshark.txt'):
        parts = line.rstrip('\n').split('\t')
        if len(parts) < 2:
            continue
        key = (parts[0], entry(parts[1].split(',')[0]))
        ts[key] = ts.get(key, 0) + 1
    t = float(ts_secs)
    print(f"tshark -r -Y: {t:.2f} s wall, {ts_cpu:.2f} s CPU = {frames / ts_cpu:,.0f} frames/s of CPU; "
          f"peak RSS {int(ts_rss) // 1024} MiB; look-ups: {len(ts)} pairs, {sum(ts.values())} queries")
    print(f"speed-up: {ts_cpu / sl_cpu:.1f}x by CPU time, {t / secs:.1f}x by the wall clock; "
          f"same look-ups in both: {'yes' if ts == sl else 'NO'}")
else:
    print("tshark: not installed (scripts/bootstrap installs it); comparison skipped")
PY
