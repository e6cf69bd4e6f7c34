#!/bin/sh
# A site's exclusions (sites exclude|unexclude|exclusions): refused input,
# audited changes, `scan --site` never probes an excluded address, and
# `verify`'s rescan neither probes it nor verifies a removed device there
# absent, while a removed device elsewhere that still answers reappears.
# Runs on SQLite and PostgreSQL; the lab in a network namespace of its own.
SL_OWN_NETNS=1
. "$(dirname "$0")/lib.sh"
need_lab
SL=$SIGHTLINE LAB=$SIGHTLINE_LAB
export SIGHTLINE_LAB_STATE="$T/labstate"
mkdir -p "$SIGHTLINE_LAB_STATE"
on_exit '"$LAB" down --name exL >/dev/null 2>&1'
"$LAB" up --devices 6 --seed 3 --mix hikvision-ipc-v5=6 --range 127.18.2.0/23 --name exL \
    --truth "$T/truth.jsonl" --quiet || die "lab"
"$SL" sites add "Ex House" --department D --tier sensitive --network 127.18.3.0/28 >/dev/null || die "site"
"$SL" sites add "Other" --department D --tier public --network 127.18.9.0/28 >/dev/null || die "site 2"
addrs=$(sed -n 's/.*"address": *"\(127\.18\.3\.[0-9]*\)".*/\1/p' "$T/truth.jsonl" | sort -t. -k4 -n)
x=$(echo "$addrs" | sed -n 2p)   # to be excluded
y=$(echo "$addrs" | sed -n 3p)   # removed, still there, not excluded
[ -n "$x" ] && [ -n "$y" ] || die "lab addresses: $addrs"

# ---- the commands ----
expect 2 "an exclusion needs a reason" "$SL" sites exclude "Ex House" "$x"
expect 2 "an exclusion outside the site's networks is refused" "$SL" sites exclude "Ex House" 127.18.9.1 --reason r
has "$T/err" "lies outside every network of site 'Ex House'"
expect 2 "not a network" "$SL" sites exclude "Ex House" 127.18.3.300 --reason r
expect 2 "no such site" "$SL" sites exclude Nowhere "$x" --reason r
expect 0 "exclude an address" "$SL" sites exclude "Ex House" "$x" --reason "life-safety panel, vendor support only"
has "$T/out" "excluding $x/32"
expect 2 "the same exclusion twice" "$SL" sites exclude "Ex House" "$x/32" --reason again
has "$T/err" "excludes $x/32 already"
expect 0 "exclude a network, then remove it" "$SL" sites exclude "Other" 127.18.9.8/29 --reason tmp
expect 0 "unexclude" "$SL" sites unexclude "Other" 127.18.9.8/29
expect 2 "unexclude what is not excluded" "$SL" sites unexclude "Other" 127.18.9.8/29
has "$T/err" "does not exclude 127.18.9.8/29"
expect 0 "exclusions" "$SL" sites exclusions
has "$T/out" "life-safety panel"
lacks "$T/out" "127.18.9.8/29" "a removed exclusion is not listed"
expect 0 "exclusions --json of one site" "$SL" sites exclusions "Ex House" --json
has "$T/out" "\"network\": \"$x/32\""
has "$T/out" '"added_by": "tester"'
check "adding and removing are audited" "2 1" \
    "$(sql "SELECT count(*) FROM audit_log WHERE action = 'site.exclude'") $(sql "SELECT count(*) FROM audit_log WHERE action = 'site.unexclude'")"
expect 0 "--help" "$SL" sites exclude --help
has "$T/out" "--reason TEXT"

# ---- scan --site never probes it ----
expect 0 "scan --site" "$SL" scan --site "Ex House" 127.18.3.0/28 --timeout 2500
has "$T/err" "site 'Ex House' excludes 1 network"
check "no device at the excluded address" 0 "$(sql "SELECT count(*) FROM devices WHERE address = '$x'")"
check "no evidence from it" 0 "$(sql "SELECT count(*) FROM evidence WHERE address = '$x'")"
n=$(sql "SELECT count(*) FROM devices d JOIN sites s ON s.id = d.site_id WHERE s.name = 'Ex House'")
[ "$n" -ge 4 ] && ok "the other devices are registered ($n)" || bad "devices: $n"
# Without --site the scan is the operator's own list: the exclusion is a site's.
expect 0 "a scan of the address alone, without --site" "$SL" scan "$x" --timeout 2500 --quiet
idx=$(sql "SELECT id FROM devices WHERE address = '$x'")
idy=$(sql "SELECT id FROM devices WHERE address = '$y'")
[ -n "$idx" ] && [ -n "$idy" ] || die "devices at $x and $y"

# ---- verify's rescan ----
expect 0 "record both removed" "$SL" devices set-status removed "$idx" "$idy" --replaced-by "Axis P3265-LVE" --note swapped
expect 0 "verify --site" "$SL" verify --site "Ex House" --timeout 2500 --json
has "$T/err" "scanning 15 addresses" "the rescan leaves the excluded address out (16 - 1)"
has "$T/out" '"reappeared": 1' "the removed device still answering reappears"
has "$T/out" '"verified_absent": 0' "the excluded one is not verified absent"
check "the device at the excluded address stays removed" removed \
    "$(sql "SELECT status FROM devices WHERE id = $idx")"
check "the other is reappeared" reappeared "$(sql "SELECT status FROM devices WHERE id = $idy")"
check "no evidence from the excluded address in the verification" 0 \
    "$(sql "SELECT count(*) FROM evidence e JOIN scans s ON s.id = e.scan_id WHERE s.kind = 'verify' AND e.address = '$x'")"
expect 0 "db verify" "$SL" db verify
finish
