#!/bin/sh
# Benchmark: `sightline sites import` of a 10,000-row CSV (issue target: < 2 s).
# Builds the release flavour, generates the file, prints wall time and peak RSS.
set -eu
cd "$(dirname "$0")/.."
./scripts/build release >/dev/null
rows=${1:-10000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
awk -v n="$rows" 'BEGIN {
    print "name,department,tier,networks"
    split("sensitive official public", tiers, " ")
    for (i = 0; i < n; i++)
        printf "Site %05d,Department %d,%s,198.%d.%d.0/24;2001:db8:%x::/48\n",
               i, i % 40, tiers[i % 3 + 1], 18 + int(i / 65536) % 2, int(i / 256) % 256 * 0 + i % 256, i
}' >"$dir/sites.csv"
/usr/bin/time -f "%e %M" -o "$dir/time" ./build/sightline sites import --db "$dir/reg.db" "$dir/sites.csv" >/dev/null
read -r secs rss <"$dir/time"
echo "sites import: $rows rows in ${secs} s, peak RSS $((rss / 1024)) MiB (target < 2 s)"
./build/sightline db verify --db "$dir/reg.db" | sed -n 2p
