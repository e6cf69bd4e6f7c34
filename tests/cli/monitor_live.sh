#!/bin/sh
# Live capture: `sightline monitor -i` on one end of a veth pair inside a
# network namespace of this test's own (unshare --net: nothing outside can see
# it), while the frames of tests/monitor/cloud.pcap are sent into the other
# end through a packet socket. Checks: the capture opens and every capability
# is then dropped (the running process has none), --user changes user, the
# alerts are the same as reading the file, and the stats carry capture counters.
# Needs root (CAP_NET_ADMIN, CAP_NET_RAW), unshare, ip and python3; else skipped.
command -v python3 >/dev/null 2>&1 || { echo "skip: needs python3"; exit 77; }
SL_OWN_NETNS=1 . "$(dirname "$0")/lib.sh"
S=$SIGHTLINE
P="$SL_SOURCE_DIR/tests/monitor"
live_veth slmon0 slmon1

frames=$(pcap_frames "$P/cloud.pcap")

run_live() { # $1 = extra options; output in $T/live.jsonl, $T/live.err; pid in $pid
    rm -f "$T/live.jsonl" "$T/live.err"
    # shellcheck disable=SC2086
    $S monitor -i slmon0 --jsonl "$T/live.jsonl" --count "$frames" --duration 30 $1 \
        2>"$T/live.err" &
    pid=$!
    wait_for "$T/live.err" "dropped capabilities" ||
        { bad "capture did not open"; cat "$T/live.err"; kill -TERM $pid 2>/dev/null; }
}

run_live ""
has "$T/live.err" "capturing on slmon0 (EN10MB, immediate mode"
caps=$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
if [ "$caps" = "0000000000000000" ]; then ok "no capabilities left while capturing"; else
   bad "effective capabilities after the drop: '$caps'"; fi
capp=$(sed -n 's/^CapPrm:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
[ "$capp" = "0000000000000000" ] && ok "no permitted capabilities" ||
   bad "permitted capabilities after the drop: '$capp'"
sent=$(inject "$P/cloud.pcap" slmon1)
wait $pid
rc=$?
[ $rc -eq 0 ] && ok "live monitor exit 0 after $sent frames" || bad "live monitor exit $rc"
has "$T/live.jsonl" '"capture":{"received":'
has "$T/live.err" "capture drops 0 (kernel)"

# The same alerts as reading the file (times differ: compare what they say).
$S monitor --read "$P/cloud.pcap" --jsonl "$T/file.jsonl" 2>/dev/null
key() {
    python3 -c "
import json,sys
for l in open(sys.argv[1]):
    j=json.loads(l)
    if j['event_type'] in ('alert','alert_summary'):
        s=j['sightline']; print(j['event_type'], j['alert']['signature_id'], j.get('src_mac'),
              j.get('src_ip'), j.get('dest_ip'), s.get('subject') or (s.get('cloud') or {}).get('domain'),
              s.get('count'))" "$1" | sort
}
key "$T/file.jsonl" >"$T/file.keys"
key "$T/live.jsonl" >"$T/live.keys"
if [ -s "$T/file.keys" ] && cmp -s "$T/file.keys" "$T/live.keys"; then
   ok "live capture gives the same $(wc -l <"$T/live.keys") alerts and summaries as the file"
else
   bad "live and file alerts differ"; diff "$T/file.keys" "$T/live.keys" | head -20
fi

# --user: the monitor becomes an unprivileged user after opening the capture.
if id nobody >/dev/null 2>&1; then
    chmod 777 "$T"
    run_live "--user nobody"
    has "$T/live.err" "now running as user nobody"
    uid=$(sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status" 2>/dev/null)
    [ "$uid" = "$(id -u nobody)" ] && ok "running as nobody ($uid)" || bad "uid is '$uid'"
    inject "$P/cloud.pcap" slmon1 >/dev/null
    wait $pid || bad "monitor --user nobody failed"
    has "$T/live.jsonl" '"signature_id":9000003'
fi

# A quiet interface: --duration still ends the capture (libpcap's read timeout
# is not kept in immediate mode; the monitor polls), with its stats line.
timeout 30 $S monitor -i slmon0 --duration 2 --jsonl "$T/quiet.jsonl" 2>"$T/quiet.err"
rc=$?
check "--duration ends a capture of a quiet interface" 0 "$rc"
has "$T/quiet.jsonl" '"event_type":"stats"'

# A capture filter on the live interface.
run_live "--filter udp"
inject "$P/cloud.pcap" slmon1 >/dev/null
kill -TERM $pid 2>/dev/null
wait $pid
if grep -q '"proto":"TCP"' "$T/live.jsonl"; then bad "--filter udp let TCP through"; else
   ok "--filter udp on a live interface"; fi
has "$T/live.jsonl" '"event_type":"stats"'
expect_rc 3 $S monitor -i no-such-if0 --jsonl /dev/null && has "$T/err" "no-such-if0"
finish
