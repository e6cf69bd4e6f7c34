#!/bin/sh
# Golden tests for `sightline monitor`, as tcpdump does them: each
# tests/monitor/NAME.pcap is read and the JSON lines must equal
# NAME.expected.jsonl byte for byte (timestamps come from the pcap). The pcaps
# are made by bench_pcapgen; when it is built, it must still make them exactly.
# To re-record after a reviewed change: tests/monitor/record.sh BUILD_DIR
set -u
dir="$SL_SOURCE_DIR/tests/monitor"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mon-golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
gen="$SL_BUILD_DIR/bench/bench_pcapgen"
if [ -x "$gen" ]; then
    "$gen" golden "$tmp" || { echo "FAIL: bench_pcapgen golden"; exit 1; }
    for f in "$tmp"/*.pcap; do
        if ! cmp -s "$f" "$dir/$(basename "$f")"; then
            echo "FAIL: $(basename "$f") differs from what bench_pcapgen makes now"
            fail=1
        fi
    done
fi
n=0
for pcap in "$dir"/*.pcap; do
    name=$(basename "$pcap" .pcap)
    expected="$dir/$name.expected.jsonl"
    [ -f "$expected" ] || { echo "FAIL: $name has no $name.expected.jsonl"; fail=1; continue; }
    "$SIGHTLINE" monitor --read "$pcap" --jsonl - >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL: $name: exit $rc"; cat "$tmp/$name.err"; fail=1; continue
    fi
    if ! diff -u "$expected" "$tmp/$name.out" >"$tmp/$name.diff"; then
        echo "FAIL: $name: output differs from $name.expected.jsonl"
        head -c 6000 "$tmp/$name.diff"; echo
        fail=1
        continue
    fi
    n=$((n + 1))
done
[ $n -gt 0 ] || { echo "FAIL: no golden pcaps"; exit 1; }
# Several files in one run: the same alerts as the files one by one, in order.
cat "$dir"/cloud.expected.jsonl >/dev/null
"$SIGHTLINE" monitor --read "$dir/cloud.pcap" "$dir/discovery.pcap" --jsonl - 2>/dev/null \
    | grep -c '"event_type":"alert"' >"$tmp/both.count"
want=$(cat "$dir/cloud.expected.jsonl" "$dir/discovery.expected.jsonl" | grep -c '"event_type":"alert"')
if [ "$(cat "$tmp/both.count")" != "$want" ]; then
    echo "FAIL: two files in one run gave $(cat "$tmp/both.count") alerts, expected $want"
    fail=1
fi
[ $fail -eq 0 ] && echo "ok: $n golden pcaps give exactly their expected alerts"
exit $fail
