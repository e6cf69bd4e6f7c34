#!/bin/sh
# Re-records the golden pcaps and their expected alerts. Review the diff
# (git diff tests/monitor) before committing: the expected files are the spec.
#   tests/monitor/record.sh [BUILD_DIR]   (default build-asan)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build-asan}
"$build/bench/bench_pcapgen" golden "$top/tests/monitor"
for pcap in "$top"/tests/monitor/*.pcap; do
    SIGHTLINE_DATA="$top/data" "$build/sightline" monitor --read "$pcap" --jsonl - \
        >"${pcap%.pcap}.expected.jsonl" 2>/dev/null
done
echo "recorded: $(ls "$top"/tests/monitor/*.pcap | wc -l) pcaps"
