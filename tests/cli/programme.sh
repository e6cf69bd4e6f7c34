#!/bin/sh
# The removal programme's commands end to end: lifecycle moves (one device and
# filtered sets, refusals, dry runs), milestones, reports in every format and as
# of past dates, verification from a scan's JSON lines, the demo generator.
. "$(dirname "$0")/lib.sh"
SL=$SIGHTLINE dir=$T
export SIGHTLINE_NOW=2026-11-27

for c in "report" "milestones add" "milestones list" "verify" "demo seed" "devices set-status" \
         "devices schedule" "devices exempt" "devices expire"; do
    # shellcheck disable=SC2086
    expect 0 "$c --help" "$SL" $c --help
done
expect 2 "report: bad format" "$SL" report --format pdf
has "$dir/err" "Try 'sightline report --help'." "usage error names --help"
expect 2 "report: bad date" "$SL" report --as-of 2024-13-45
expect 2 "report: bad scope" "$SL" report --scope planet:mars
expect 2 "milestones add: no target" "$SL" milestones add X --due 2027-01-01
expect 2 "milestones add: both targets" "$SL" milestones add X --due 2027-01-01 --percent 5 --count 3
expect 2 "devices set-status: no devices named" "$SL" devices set-status removed --replaced-by x
expect 2 "devices set-status: unknown status" "$SL" devices set-status gone 1
expect 2 "verify: no sites" "$SL" verify --from-scan /dev/null
expect 2 "verify: unknown site (no scan is started)" "$SL" verify --site Nowhere

# --- the demo programme ---
expect 0 "demo seed" "$SL" demo seed --seed 7
has "$dir/out" "seeded a year of programme history ending 2026-11-27" "demo summary"
"$SL" devices list --json > "$dir/devs.json" || bad "devices list"
expect 0 "milestones list" "$SL" milestones list
has "$dir/out" "All sensitive sites clear" "demo milestones"

# --- lifecycle moves ---
# a device that is confirmed at Northgate House, found by address
addr=$("$SL" devices list --site "Northgate House" --status confirmed --csv | sed -n 2p | cut -d, -f3)
[ -n "$addr" ] || bad "a confirmed device at Northgate House"
expect 2 "removal without replaced-by is refused" "$SL" devices set-status removed "$addr"
has "$dir/err" "replaced-by" "refusal says why"
expect 2 "confirmed -> verified_absent is refused" "$SL" devices set-status verified_absent "$addr" --note x
has "$dir/err" "only a removed device can be verified absent" "refusal names the rule"
expect 2 "a future date is refused" "$SL" devices set-status removed "$addr" --replaced-by Axis --at 2027-06-01
expect 0 "schedule one device" "$SL" devices schedule 2026-12-10 "$addr" --note "works order 17"
expect 0 "remove it" "$SL" devices set-status removed "$addr" --replaced-by "Axis P3265-LVE" --note swapped
"$SL" devices show "$addr" > "$dir/show"
has "$dir/show" "replaced by   Axis P3265-LVE" "replaced-by recorded"
has "$dir/show" "by tester: swapped" "who and why in the history"
expect 2 "removed -> scheduled is refused" "$SL" devices schedule 2026-12-20 "$addr"
# a filtered set: all confirmed devices at Riverside; refused as a whole when one is illegal
n_conf=$("$SL" devices list --site "Riverside Data Centre" --status confirmed --csv | tail -n +2 | wc -l)
expect 0 "dry run changes nothing" "$SL" devices schedule 2027-01-15 --site "Riverside Data Centre" --status confirmed --dry-run
has "$dir/out" "would move $n_conf device" "dry run counts the set"
expect 2 "a set with an illegal member moves nobody" "$SL" devices schedule 2027-01-15 --site "Riverside Data Centre" --status confirmed "$addr"
n_after=$("$SL" devices list --site "Riverside Data Centre" --status confirmed --csv | tail -n +2 | wc -l)
[ "$n_after" -eq "$n_conf" ] && ok "nothing moved" || bad "set partly moved ($n_after of $n_conf left)"
expect 0 "--skip-refused moves the legal ones" "$SL" devices schedule 2027-01-15 --site "Riverside Data Centre" --status confirmed "$addr" --skip-refused
has "$dir/out" "moved $n_conf devices to scheduled" "the set moved"
# exemption, then expiry written down
ex=$("$SL" devices list --site "Millbank Annex" --status confirmed --csv | sed -n 2p | cut -d, -f1)
expect 2 "exempt without approver" "$SL" devices exempt "$ex" --reason r --until 2026-12-01
expect 0 "exempt" "$SL" devices exempt "$ex" --reason "legacy link" --approver "Board" --until 2026-12-01 --at 2026-11-20
SIGHTLINE_NOW=2026-12-05 expect 0 "expire" "$SL" devices expire
has "$dir/out" "expired exemption" "expire reports"
st=$(SIGHTLINE_NOW=2026-12-05 "$SL" devices show "$ex" --json | grep '"status":' | head -1)
case "$st" in *confirmed*) ok "expired exemption fell back to confirmed" ;; *) bad "status after expiry: $st" ;; esac

# --- milestones ---
expect 0 "milestone add" "$SL" milestones add "Board check" --due 2026-12-31 --count 5 --scope site:"Elm Park Laboratory"
expect 2 "duplicate milestone" "$SL" milestones add "Board check" --due 2026-12-31 --count 5
expect 0 "milestones list --json" "$SL" milestones list --json
has "$dir/out" '"name": "Board check"' "listed"
expect 0 "milestone rm" "$SL" milestones rm "Board check"
expect 2 "milestone rm again" "$SL" milestones rm "Board check"

# --- reports ---
for f in html csv json md; do
    expect 0 "report --format $f" "$SL" report --format "$f" -o "$dir/report.$f"
    [ -s "$dir/report.$f" ] && ok "report.$f written" || bad "report.$f empty"
done
has "$dir/report.csv" "section,name,field,value" "csv header"
has "$dir/report.md" "## Milestones" "markdown sections"
has "$dir/report.html" "<svg" "html has its charts inline"
if grep -qE '<script|<link|src=' "$dir/report.html"; then bad "html fetches something"; else ok "html self-contained"; fi
expect 0 "report by extension" "$SL" report -o "$dir/r2.html"
head -c 15 "$dir/r2.html" | grep -q '<!DOCTYPE html>' && ok "format from extension" || bad "format from extension"
expect 0 "report as of a past date" "$SL" report --format json --as-of 2026-03-01 -o "$dir/past.json"
has "$dir/past.json" '"as_of": "2026-03-01"' "as-of date"
expect 0 "report scoped" "$SL" report --format md --scope tier:sensitive
has "$dir/out" "sensitive sites" "scoped headline"
expect 2 "report unknown site scope" "$SL" report --scope "site:Nowhere"

# --- verification from a scan's JSON lines ---
# Proof of absence (issue 11): only a whole, complete scan whose targets hold
# the removed devices counts; anything else is exit 2 and changes nothing.
rm_addr=$("$SL" devices list --site "Northgate House" --status removed --csv | sed -n 2p | cut -d, -f3)
nets='"targets":["127.18.1.0/27","127.20.1.0/25"],"exclusions":[]'
start="{\"v\":1,\"type\":\"progress\",\"phase\":\"start\",\"scan_id\":0,$nets}"
summary() { # DEVICES [STATUS [COVER]]
    echo "{\"v\":1,\"type\":\"summary\",\"scan_id\":0,\"status\":\"${2:-complete}\",\"devices\":$1,${3:-$nets}}"
}
cat > "$dir/devices.jsonl" <<JSONL
{"v":1,"type":"device","address":"$rm_addr","mac":null,"ports":[80],"claim":{"manufacturer":null,"brand":null,"model":null,"firmware":null,"device_type":null,"confidence":0,"rules":[]},"verdict":{"decision":"needs-review","policy":null,"deadline":null,"reason":"unknown"},"site":"Northgate House","status":"discovered"}
{"v":1,"type":"device","address":"198.18.1.9","mac":"aa:bb:cc:dd:ee:09","ports":[80,554,8000],"claim":{"manufacturer":"Hikvision","brand":null,"model":"DS-2CD2143G0-I","firmware":"V5.5.0","device_type":"camera","confidence":0.97,"rules":["x"]},"verdict":{"decision":"prohibited","policy":"UK-2022-sensitive-sites","deadline":null,"reason":"r"},"site":"Northgate House","status":"discovered"}
JSONL
state() { # what a refused verification must leave as it was
    echo "$(sql "SELECT count(*) FROM audit_log") $(sql "SELECT count(*) FROM scans")" \
         "$("$SL" devices list --site "Northgate House" --status removed --csv | wc -l)"
}
before=$(state)
refused() { # DESC FILE WHY
    expect 2 "verify refuses $1" "$SL" verify --site "Northgate House" --from-scan "$2"
    has "$dir/err" "$3" "refusal says why ($1)"
    check "nothing changed ($1)" "$before" "$(state)"
}
: > "$dir/empty.jsonl"
refused "an empty file" "$dir/empty.jsonl" "no proof of absence: it has no start record"
{ echo "$start"; cat "$dir/devices.jsonl"; } > "$dir/cut.jsonl"
refused "a file cut off before its summary" "$dir/cut.jsonl" "no summary record"
{ echo "$start"; cat "$dir/devices.jsonl"; head -c 40 "$dir/devices.jsonl"; } > "$dir/cut2.jsonl"
refused "a file cut off mid-line" "$dir/cut2.jsonl" "bad lines"
{ echo "$start"; cat "$dir/devices.jsonl"; summary 2 incomplete; } > "$dir/incomplete.jsonl"
refused "an incomplete scan" "$dir/incomplete.jsonl" "did not finish"
other='"targets":["198.51.100.0/24"],"exclusions":[]'
{ echo "{\"v\":1,\"type\":\"progress\",\"phase\":\"start\",$other}"; summary 0 complete "$other"; } > "$dir/other.jsonl"
refused "a complete scan of another network" "$dir/other.jsonl" "outside the scan's targets"
{ echo "$start"; cat "$dir/devices.jsonl"; summary 2; } | sed 's/"phase":"start",//' > "$dir/nostart.jsonl"
refused "a stream whose start says nothing" "$dir/nostart.jsonl" "no start record"
{ echo "$start" | sed 's/"targets":\[[^]]*\],//'; cat "$dir/devices.jsonl"; summary 2; } > "$dir/old.jsonl"
refused "a stream that does not say what it covered" "$dir/old.jsonl" "does not say which targets"
{ echo "$start"; cat "$dir/devices.jsonl"; summary 3; } > "$dir/count.jsonl"
refused "a summary counting other devices" "$dir/count.jsonl" "different number of devices"
refused "an unreadable file" "$dir/no-such-file.jsonl" "cannot read"
# A whole, complete scan of the site's networks, over 64 KiB (the bound once
# was 4096u << 20, which is 0 in 32 bits: every file of 64 KiB or more failed).
{
    echo "$start"
    i=0
    while [ $i -lt 700 ]; do
        echo "{\"v\":1,\"type\":\"evidence\",\"address\":\"127.18.1.1\",\"proto\":\"http\",\"port\":80,\"outcome\":\"timeout\",\"bytes\":0,\"head\":\"padding padding padding padding padding\"}"
        i=$((i + 1))
    done
    cat "$dir/devices.jsonl"
    summary 2
} > "$dir/scan.jsonl"
[ "$(wc -c < "$dir/scan.jsonl")" -gt 65536 ] && ok "the proof is over 64 KiB" || bad "proof too small"
expect 0 "verify --from-scan" "$SL" verify --site "Northgate House" --from-scan "$dir/scan.jsonl"
has "$dir/out" "newly registered  1" "an unregistered prohibited device is added"
has "$dir/err" "CHECK: something unidentified answers at $rm_addr" "unidentified at a removed address is flagged"
v=$(grep "verified absent" "$dir/out" | awk '{print $3}')
[ "${v:-0}" -gt 0 ] && ok "removed devices not seen are verified absent ($v)" || bad "nothing verified"
expect 2 "verify: unknown site" "$SL" verify --site Nowhere --from-scan "$dir/scan.jsonl"
"$SL" db verify > "$dir/dbv" && ok "audit chain intact after all of it" || bad "audit chain"

finish
