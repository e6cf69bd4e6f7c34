#!/bin/sh
# SIGHUP: a live `sightline monitor` reads its configuration file again and
# loads the rules and cloud domains afresh, without stopping the capture or
# forgetting its stations. Inside a network namespace of this test's own
# (unshare --net), frames of tests/monitor/cloud.pcap go into one end of a veth
# pair while the monitor captures on the other:
#   1. data without hik-connect.com: no hik-connect alert;
#   2. the file now names a data directory whose cloud list is broken: SIGHUP
#      is refused with the reason, and the monitor goes on with what it had;
#   3. the file names the full data: after SIGHUP, hik-connect alerts; the
#      same process, the earlier alerts are not raised again.
# Needs root, unshare, ip and python3; else skipped.
command -v python3 >/dev/null 2>&1 || { echo "skip: needs python3"; exit 77; }
SL_OWN_NETNS=1 . "$(dirname "$0")/lib.sh"
S=$SIGHTLINE
P="$SL_SOURCE_DIR/tests/monitor"
live_veth slhup0 slhup1

cp -r "$SL_SOURCE_DIR/data" "$T/full"
cp -r "$SL_SOURCE_DIR/data" "$T/less"
grep -v '^hik-connect\.com' "$SL_SOURCE_DIR/data/cloud-domains.tsv" >"$T/less/cloud-domains.tsv"
cp -r "$SL_SOURCE_DIR/data" "$T/broken"
printf 'not a valid line\n' >>"$T/broken/cloud-domains.tsv"
conf="$T/sightline.conf"
printf '[data]\ndir = %s\n' "$T/less" >"$conf"

env -u SIGHTLINE_DATA SIGHTLINE_CONFIG="$conf" $S monitor -i slhup0 --jsonl "$T/out.jsonl" --summary-interval 0 \
    --duration 120 2>"$T/mon.err" &
pid=$!
wait_for "$T/mon.err" "dropped capabilities" || { bad "capture did not open"; cat "$T/mon.err"; }

# 1. hik-connect.com is not in the list in use; easy4ipcloud.com is.
inject "$P/cloud.pcap" slhup1 >/dev/null
wait_for "$T/out.jsonl" '"domain":"easy4ipcloud.com"' || bad "no alert from the first pass"
sleep 0.5
if grep -q '"domain":"hik-connect.com"' "$T/out.jsonl"; then
    bad "hik-connect alerted with a list that lacks it"
else ok "before reload: no hik-connect alert"; fi
first=$(grep -c '"event_type":"alert"' "$T/out.jsonl")

# 2. A broken list: refused, the monitor carries on.
printf '[data]\ndir = %s\n' "$T/broken" >"$conf"
kill -HUP $pid
wait_for "$T/mon.err" "reload failed, keeping the rules in use" ||
    { bad "a broken reload was not reported"; cat "$T/mon.err"; }
has "$T/mon.err" "cloud-domains.tsv"
kill -0 $pid 2>/dev/null && ok "still running after a failed reload" || bad "monitor died"

# 3. The full list: hik-connect alerts; nothing else is raised twice.
printf '[data]\ndir = %s\n' "$T/full" >"$conf"
kill -HUP $pid
wait_for "$T/mon.err" "reloaded $conf and the rules in $T/full" ||
    { bad "no reload message"; cat "$T/mon.err"; }
inject "$P/cloud.pcap" slhup1 >/dev/null
wait_for "$T/out.jsonl" '"domain":"hik-connect.com"' && ok "after reload: hik-connect alerts" ||
    bad "no hik-connect alert after reload"
kill -TERM $pid
wait $pid
rc=$?
[ $rc -eq 0 ] && ok "monitor exit 0" || bad "monitor exit $rc"
easy=$(grep '"event_type":"alert"' "$T/out.jsonl" | grep -c '"domain":"easy4ipcloud.com"')
want=$(grep '"event_type":"alert"' "$P/cloud.expected.jsonl" | grep -c '"domain":"easy4ipcloud.com"')
[ "$easy" -eq "$want" ] && ok "deduplication kept across reload ($easy easy4ipcloud alerts)" ||
    bad "easy4ipcloud alerts: $easy, wanted $want (raised again after reload?)"
pkts=$(grep -o '"packets":[0-9]*' "$T/out.jsonl" | tail -1 | cut -d: -f2)
frames=$(pcap_frames "$P/cloud.pcap")
[ "${pkts:-0}" -ge $((2 * frames)) ] && ok "one capture saw both passes ($pkts frames)" ||
    bad "stats count $pkts frames, wanted at least $((2 * frames))"
[ "$first" -gt 0 ] || bad "no alerts at all in the first pass"
finish
