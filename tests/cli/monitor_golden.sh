#!/bin/sh
# Golden tests for `sightline monitor`, as tcpdump does them: each
# tests/monitor/NAME.pcap is read and the JSON lines must equal
# NAME.expected.jsonl byte for byte (timestamps come from the pcap). The pcaps
# are made by bench_pcapgen; when it is built, it must still make them exactly.
# To re-record after a reviewed change: tests/monitor/record.sh BUILD_DIR
. "$(dirname "$0")/lib.sh"
dir="$SL_SOURCE_DIR/tests/monitor"
tmp=$T
gen="$SL_BUILD_DIR/bench/bench_pcapgen"
if [ -x "$gen" ]; then
    "$gen" golden "$tmp" || die "bench_pcapgen golden"
    for f in "$tmp"/*.pcap; do
        cmp -s "$f" "$dir/$(basename "$f")" ||
            bad "$(basename "$f") differs from what bench_pcapgen makes now"
    done
fi
n=0
for pcap in "$dir"/*.pcap; do
    name=$(basename "$pcap" .pcap)
    expected="$dir/$name.expected.jsonl"
    [ -f "$expected" ] || { bad "$name has no $name.expected.jsonl"; continue; }
    "$SIGHTLINE" monitor --read "$pcap" --jsonl - >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    if [ $rc -ne 0 ]; then
        bad "$name: exit $rc"; cat "$tmp/$name.err"; continue
    fi
    if ! diff -u "$expected" "$tmp/$name.out" >"$tmp/$name.diff"; then
        bad "$name: output differs from $name.expected.jsonl"
        head -c 6000 "$tmp/$name.diff"; echo
        continue
    fi
    n=$((n + 1))
done
[ $n -gt 0 ] || die "no golden pcaps"
ok "$n golden pcaps give exactly their expected alerts"
# Several files in one run: the same alerts as the files one by one, in order.
"$SIGHTLINE" monitor --read "$dir/cloud.pcap" "$dir/discovery.pcap" --jsonl - 2>/dev/null \
    | grep '"event_type":"alert"' >"$tmp/both.alerts"
cat "$dir/cloud.expected.jsonl" "$dir/discovery.expected.jsonl" | grep '"event_type":"alert"' \
    >"$tmp/want.alerts"
if cmp -s "$tmp/want.alerts" "$tmp/both.alerts"; then
    ok "two files in one run: the alerts of each, in order"
else
    bad "two files in one run: $(wc -l <"$tmp/both.alerts") alerts, not the $(wc -l <"$tmp/want.alerts") of the files one by one"
    diff "$tmp/want.alerts" "$tmp/both.alerts" | head -10
fi
finish
