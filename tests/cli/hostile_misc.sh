#!/bin/sh
# Smaller items of issue 11 (19): the HTML burn-down labels a small count's
# y axis without repeating a tick; monitor --read of a bad pcap ends with a
# stats line stamped now, not 1970.
. "$(dirname "$0")/lib.sh"
SL=$SIGHTLINE
need_tool python3

# --- the burn-down's y axis for two devices ---
expect 0 "a sensitive site" "$SL" sites add S --department D --tier sensitive --network 198.18.40.0/24
nmap_camera "$T/two.xml" 198.18.40.1 198.18.40.2
expect 0 "two prohibited devices" "$SL" import "$T/two.xml"
expect 0 "the HTML report" "$SL" report --format html -o "$T/r.html"
python3 - "$T/r.html" > "$T/ticks" <<'PY'
import re, sys
page = open(sys.argv[1]).read()
# y-axis labels: <text ... text-anchor="end">N</text> inside the burn-down svg
start = page.index('aria-labelledby="bd-title"')
chart = page[start:page.index("</svg>", start)]
labels = re.findall(r'text-anchor="end">([0-9.]+)</text>', chart)
print(" ".join(labels))
PY
ticks=$(cat "$T/ticks")
[ -n "$ticks" ] && ok "y-axis labels found ($ticks)" || bad "no y-axis labels"
dups=$(tr ' ' '\n' < "$T/ticks" | sort | uniq -d | tr '\n' ' ')
check "no y-axis label twice" "" "$dups"

# --- monitor --read of a pcap whose first record is cut short ---
python3 - "$T/trunc.pcap" <<'PY'
import struct, sys
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    f.write(struct.pack("<IIII", 5, 0, 100, 100) + b"\0" * 20)
PY
expect 2 "a truncated pcap is an input error" "$SL" monitor --read "$T/trunc.pcap" --db "$T/m.db" --jsonl "$T/alerts.jsonl"
has "$T/alerts.jsonl" '"event_type":"stats"' "the stats line is there"
lacks "$T/alerts.jsonl" '"timestamp":"1970-' "and it is not stamped 1970"
year=$(date -u +%Y)
has "$T/alerts.jsonl" "\"timestamp\":\"$year-" "it is stamped now"

finish
