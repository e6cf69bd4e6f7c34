#!/bin/sh
# `sightline monitor` from the command line: usage errors, filters, several
# files, --fail-on, --state across restarts, and the register (--db, --site):
# alerts and sightings recorded, known devices not "unknown".
. "$(dirname "$0")/lib.sh"
S=$SIGHTLINE
P="$SL_SOURCE_DIR/tests/monitor"

expect_rc 0 $S monitor --help && has "$T/out" "Usage: sightline monitor"
expect_rc 2 $S monitor && has "$T/err" "give either -i IFACE or --read FILE" &&
    has "$T/err" "Try 'sightline monitor --help'."
expect_rc 2 $S monitor -i lo --read "$P/cloud.pcap" && has "$T/err" "give either"
expect_rc 2 $S monitor --read "$P/cloud.pcap" --site X && has "$T/err" "--site needs --db"
expect_rc 2 $S monitor --read "$P/cloud.pcap" --tier secret && has "$T/err" "--tier must be"
expect_rc 2 $S monitor --read "$P/cloud.pcap" --fail-on 9 && has "$T/err" "--fail-on must be"
expect_rc 2 $S monitor --read "$P/cloud.pcap" --bogus && has "$T/err" "unrecognized option"
expect_rc 2 $S monitor --read "$T/none.pcap" && has "$T/err" "none.pcap"
expect_rc 2 $S monitor --read "$P/cloud.pcap" --filter "udp port" && has "$T/err" "--filter"
expect_rc 2 $S monitor --read "$P/cloud.pcap" --policy NO-SUCH && has "$T/err" "--policy"
expect_rc 2 $S monitor -i lo stray && has "$T/err" "unexpected argument 'stray'"
expect_rc 2 $S monitor --read "$P/cloud.pcap" "$T/stray.pcap" && has "$T/err" "stray.pcap"
printf 'not a pcap at all, just text\n' >"$T/junk.pcap"
expect_rc 2 $S monitor --read "$T/junk.pcap" && has "$T/err" "junk.pcap"

# Standard input, and pcapng (when editcap is there to make one): the same alerts.
want=$(grep -c '"event_type":"alert"' "$P/cloud.expected.jsonl")
got=$($S monitor --read - <"$P/cloud.pcap" 2>/dev/null | grep -c '"event_type":"alert"')
[ "$got" = "$want" ] && ok "--read - gives the $want alerts" || bad "--read -: $got alerts, wanted $want"
if command -v editcap >/dev/null 2>&1 && editcap -F pcapng "$P/cloud.pcap" "$T/c.pcapng" 2>/dev/null; then
    got=$($S monitor --read "$T/c.pcapng" 2>/dev/null | grep -c '"event_type":"alert"')
    [ "$got" = "$want" ] && ok "pcapng gives the $want alerts" || bad "pcapng: $got alerts, wanted $want"
fi

# A file cut in the middle of a record: what was read is reported, exit 2.
head -c 1000 "$P/cloud.pcap" >"$T/cut.pcap"
expect_rc 2 $S monitor --read "$T/cut.pcap" --jsonl "$T/cut.jsonl" &&
    has "$T/cut.jsonl" '"event_type":"stats"' && has "$T/err" "cut.pcap"

# The capture filter applies to files too.
expect_rc 0 $S monitor --read "$P/cloud.pcap" --filter "tcp" --jsonl "$T/tcp.jsonl"
if grep -q '"proto":"UDP"' "$T/tcp.jsonl"; then bad "--filter tcp let UDP through"; else
   ok "--filter tcp keeps only TCP alerts"; fi
has "$T/tcp.jsonl" '"signature_id":9000004'

# --fail-on: severity 2 alerts exist in cloud.pcap, severity 1 does not.
expect_rc 1 $S monitor --read "$P/cloud.pcap" --fail-on 2 --jsonl /dev/null
expect_rc 0 $S monitor --read "$P/cloud.pcap" --fail-on 1 --jsonl /dev/null

# --syslog alone sends lines to syslog and writes nothing to stdout.
expect_rc 0 $S monitor --read "$P/rawip.pcap" --syslog
if [ -s "$T/out" ]; then bad "--syslog alone wrote to stdout"; else ok "--syslog alone"; fi

# --state: the second run over the same traffic writes no new alert, only
# summaries whose counts carry on from the first run.
expect_rc 0 $S monitor --read "$P/cloud.pcap" --state "$T/state.json" --jsonl "$T/s1.jsonl"
has "$T/state.json" '"hosts"'
has "$T/state.json" '"mac": "44:19:b6:6e:00:01"'
expect_rc 0 $S monitor --read "$P/cloud.pcap" --state "$T/state.json" --jsonl "$T/s2.jsonl"
n1=$(grep -c '"event_type":"alert"' "$T/s1.jsonl")
n2=$(grep -c '"event_type":"alert"' "$T/s2.jsonl")
if [ "$n1" -gt 0 ] && [ "$n2" -eq 0 ]; then ok "state: $n1 alerts first, none again"; else
   bad "state: $n1 alerts first, $n2 on the second run"; fi
has "$T/s2.jsonl" '"count":6,"new":3'
printf '{"v":1,"hosts":[{"mac":"zz"}]}' >"$T/bad-state.json"
expect_rc 2 $S monitor --read "$P/cloud.pcap" --state "$T/bad-state.json" &&
    has "$T/err" "bad mac"

# The register: a site, then the monitor records alerts and sightings.
expect_rc 0 $S sites add "Northgate" --department "Dept" --tier sensitive --network 198.18.1.0/24
expect_rc 2 $S monitor --read "$P/cloud.pcap" --db "$SIGHTLINE_DB" --site Nowhere &&
    has "$T/err" "no site 'Nowhere'"
expect_rc 0 $S monitor --read "$P/discovery.pcap" --db "$SIGHTLINE_DB" --site Northgate \
    --jsonl "$T/db.jsonl"
has "$T/db.jsonl" '"site":"Northgate"'
if command -v sqlite3 >/dev/null 2>&1 || [ -n "${SIGHTLINE_PG_DIR:-}" ]; then
    a=$(sql "SELECT count(*) FROM alerts")
    w=$(grep -c '"event_type":"alert"' "$T/db.jsonl")
    [ "$a" -eq "$w" ] && ok "register has the $a alerts written" ||
       bad "register has $a alerts, $w written"
    s=$(sql "SELECT count(*) FROM sightings WHERE mac='44:19:b6:6e:00:0a' AND address='198.18.1.31'")
    [ "$s" -eq 1 ] && ok "sighting recorded" || bad "sighting of 44:19:b6:6e:00:0a missing"
    c=$(sql "SELECT count FROM alerts WHERE signature_id=9000007 AND detail LIKE '%ac:cc:8e:00:00:34%'")
    [ "$c" = "2" ] && ok "summary count written to the register" ||
       bad "alert count for the Axis camera is '$c', wanted 2"
fi
expect_rc 0 $S db verify --db "$SIGHTLINE_DB"
finish
