#!/bin/sh
# Targets and sites against a careless operator (issue 11): IPv4-mapped IPv6
# spellings of excluded or site addresses (item 6), internet-scale and reserved
# targets (item 7), sites with the same or overlapping networks (item 8), an
# unknown --site (item 19). Nothing here sends a packet outside 127.0.0.0/8:
# the refusals happen before a scan starts and --dry-run sends nothing. It runs
# in a network namespace of its own (loopback only), so that even a regression
# that let a refused scan start could reach nothing beyond this machine.
SL_OWN_NETNS=1
. "$(dirname "$0")/lib.sh"
SL=$SIGHTLINE

# --- item 6: IPv4-mapped IPv6 ---
expect 2 "a mapped target under an IPv4 exclusion is excluded" \
    "$SL" scan ::ffff:127.66.0.0/120 --exclude-target 127.66.0.0/24 --quiet
has "$T/err" "every target address is excluded" "all 256 addresses excluded"
expect 2 "an IPv4 target under a mapped exclusion is excluded" \
    "$SL" scan 127.66.0.0/24 --exclude-target ::ffff:127.66.0.0/120 --quiet
expect 0 "a site network given mapped" "$SL" sites add Mapped --department D --tier sensitive \
    --network ::ffff:198.18.9.0/120
"$SL" sites list --csv > "$T/sites"
has "$T/sites" "198.18.9.0/24" "stored as the IPv4 network"
expect 2 "a network straddling the mapped range is refused" "$SL" sites add Wide \
    --department D --tier public --network ::/64
has "$T/err" "IPv4-mapped" "says why"

# --- item 7: internet-scale targets ---
export SIGHTLINE_DB="$T/none.db"
expect 2 "0.0.0.0/0 is refused" "$SL" scan 0.0.0.0/0 --quiet
has "$T/err" "every address there is" "says why"
expect 2 "::/0 is refused" "$SL" scan ::/0 --quiet
expect 2 "0.0.0.0 is not a host" "$SL" scan 0.0.0.0 --quiet
expect 2 ":: is not a host" "$SL" scan :: --quiet
expect 2 "10.0.0.0/8 needs --max-addresses off a terminal" "$SL" scan 10.0.0.0/8 --quiet
has "$T/err" "16777216 addresses to scan: above 65536, give --max-addresses 16777216" "names the count"
test -e "$SIGHTLINE_DB" && bad "the refused scan created a register" || ok "nothing written"
expect 2 "127.0.0.0/8 too, with a prompt's input that is not a terminal" sh -c \
    "echo yes | '$SL' scan 127.0.0.0/8 --quiet"
expect 2 "--max-addresses below the count" "$SL" scan 127.0.0.0/16 --max-addresses 1000 --quiet
has "$T/err" "65536 addresses to scan, more than --max-addresses 1000" "says so"
expect 2 "--max-addresses must be a number" "$SL" scan 127.0.0.1 --max-addresses many
expect 0 "--dry-run of a /8 sends nothing" "$SL" scan 10.0.0.0/8 --dry-run
has "$T/out" "addresses    16777216 (0 excluded" "the plan counts"
has "$T/out" "needs --max-addresses 16777216" "the plan warns"
test -e "$SIGHTLINE_DB" && bad "a dry run created a register" || ok "a dry run writes nothing"
expect 0 "--dry-run of 224.0.0.0/3 skips it all" "$SL" scan 224.0.0.0/3 198.18.0.0/30 --dry-run
has "$T/out" "addresses    536870916 (536870912 excluded, of which 536870912 reserved" "multicast and reserved skipped"
expect 0 "a multicast address named singly is kept" "$SL" scan 224.0.0.0/24 239.255.255.250 --dry-run
has "$T/out" "(256 excluded, of which 256 reserved" "the rest of the multicast network skipped"
expect 2 "a network of broadcast alone is nothing to scan" "$SL" scan 255.255.255.0/24 --quiet
has "$T/err" "every target address is excluded" "broadcast skipped"
expect 0 "--dry-run of ff02::/120 skips IPv6 multicast" "$SL" scan ff02::/120 ::1 --dry-run
has "$T/out" "(256 excluded, of which 256 reserved" "IPv6 multicast skipped"
expect 2 "a site network of 0.0.0.0/0 is refused" "$SL" sites add World --department D --tier public --network 0.0.0.0/0
has "$T/err" "too large for a site" "says why"
expect 2 "a site network of ::/0 is refused" "$SL" sites add World --department D --tier public --network ::/0
expect 2 "a site network of a /7 is refused" "$SL" sites add Huge --department D --tier public --network 10.0.0.0/7
printf 'name,department,tier,networks\nWorld,D,public,0.0.0.0/0\n' > "$T/world.csv"
expect 2 "sites import: a /0 is refused" "$SL" sites import "$T/world.csv"
has "$T/err" "line 2, column 4 (networks): '0.0.0.0/0' is too large for a site" "line and column"

# --- verify's rescan of a site's networks is held to the same size rule ---
export SIGHTLINE_DB="$T/verify7.db"
expect 0 "a site with a loopback /12" "$SL" sites add Wide12 --department D --tier public --network 127.80.0.0/12
expect 2 "verify's rescan of 1048576 addresses needs --max-addresses" "$SL" verify --site Wide12 --timeout 200
has "$T/err" "1048576 addresses to scan: above 65536, give --max-addresses 1048576" "names the count"
lacks "$T/err" "scanning 1048576" "nothing scanned"
check "no scan recorded by the refused verify" 0 "$(sqlite3 "$SIGHTLINE_DB" 'select count(*) from scans')"
expect 2 "verify --max-addresses below the count" "$SL" verify --site Wide12 --max-addresses 1000 --timeout 200
has "$T/err" "1048576 addresses to scan, more than --max-addresses 1000" "says so"

# --- item 19: an unknown --site is a usage error before any packet ---
export SIGHTLINE_DB="$T/site19.db"
expect 0 "a site" "$SL" sites add Known --department D --tier public --network 127.77.0.0/24
expect 2 "scan --site Nope" "$SL" scan 127.77.0.1 --site Nope --timeout 200
has "$T/err" "no site named 'Nope'" "names the site"
lacks "$T/out" "done:" "no summary printed"
"$SL" devices list --json > "$T/none"
check "no scan recorded" 0 "$(sqlite3 "$SIGHTLINE_DB" 'select count(*) from scans' 2>/dev/null || echo 0)"

# --- item 8: two sites, one network ---
export SIGHTLINE_DB="$T/sites8.db"
printf 'name,department,tier,networks\nStrict,D,sensitive,198.18.20.0/24\nLax,D,public,198.18.20.0/24\n' > "$T/same.csv"
expect 2 "the same network in two sites is refused" "$SL" sites import "$T/same.csv"
has "$T/err" "line 3, column 4 (networks): 198.18.20.0/24 is already a network of site 'Strict' (line 2)" "names both"
printf 'name,department,tier,networks\nWhole,D,public,198.18.20.0/24\nCorner,D,sensitive,198.18.20.128/25\n' > "$T/overlap.csv"
expect 0 "overlapping networks are imported" "$SL" sites import "$T/overlap.csv"
has "$T/err" "note: line 3, column 4 (networks): 198.18.20.128/25 overlaps 198.18.20.0/24 of site 'Whole' (line 2)" "with a note"
expect 2 "sites add: a network another site has" "$SL" sites add Again --department D --tier public --network 198.18.20.128/25
has "$T/err" "already a network of site 'Corner'" "refusal names the site"
expect 0 "sites add: an overlapping network" "$SL" sites add Inner --department D --tier public --network 198.18.20.0/26
has "$T/err" "overlaps 198.18.20.0/24 of site 'Whole'" "note at sites add"
nmap_camera "$T/n8.xml" 198.18.20.200
expect 0 "a device in the overlap" "$SL" import "$T/n8.xml"
"$SL" devices list --csv > "$T/d8"
has "$T/d8" "198.18.20.200,,,80,Hikvision" "registered"
grep -q "^1,Corner,198.18.20.200" "$T/d8" && ok "the most specific network's site" || bad "site of the overlap: $(cat "$T/d8")"

finish
